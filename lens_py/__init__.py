"""lens_py: a faithful, fast Python re-creation of the Lens neural-network simulator."""
__version__ = "0.1.0"
