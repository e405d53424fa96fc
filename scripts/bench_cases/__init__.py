"""The benchmark suite: Lens scripts (*.in), their cases (suite.py) and the
runner that times them against the original Lens (runner.py)."""
