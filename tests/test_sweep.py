"""Whole sweeps (issue 15's acceptance): 4 seeds x 2 learning rates on a
local cluster of 2 workers and on a scheduler with two workers started here
on 127.0.0.1, every run printing and giving back exactly what the same seed
and value print when run alone with `python -m lens_py`; a failing run
reported while the rest finish; Ctrl-C stopping a sweep cleanly."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from lens_py.engine.report import smart_format
from lens_py.sweep import folder as F
from tests import lens_examples

pd = pytest.importorskip("pandas")
pytest.importorskip("distributed")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = [1, 2, 3, 4]
RATES = ["0.1", "0.2"]

SCRIPT = """\
if {![info exists lr]} {set lr 0.3}
addNet xor 2 2 1
loadExamples xor.ex
setObj learningRate $lr
train 60 -report 20
test
set h [getObj hidden:0.output]
puts "hidden0 $h"
sweepResult hidden0 $h
saveWeights final.wt
"""


def env():
    e = dict(os.environ)
    e["PYTHONPATH"] = os.pathsep.join(p for p in (ROOT, e.get("PYTHONPATH")) if p)
    e["LENS_PY_RC"] = os.devnull + "-none"      # no ~/.lensrc, alone or in a sweep
    return e


def model_folder(path, script=SCRIPT):
    path.mkdir()
    shutil.copy(lens_examples.xor(), path / "xor.ex")
    (path / "xor.in").write_text(script)
    return path


def in_parallel(commands, cwd, pairs=2):
    """Run the commands two at a time (the machine is shared); their stdouts."""
    outs = []
    for i in range(0, len(commands), pairs):
        procs = [subprocess.Popen(c, cwd=cwd, env=env(), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
                 for c in commands[i:i + pairs]]
        for p in procs:
            out, err = p.communicate(timeout=300)
            assert p.returncode == 0, err
            outs.append(out)
    return outs


@pytest.fixture(scope="module")
def alone(tmp_path_factory):
    """Each seed and rate run alone: (model folder, {(seed, rate): stdout})."""
    folder = model_folder(tmp_path_factory.mktemp("sweep") / "model")
    combos = [(s, r) for s in SEEDS for r in RATES]
    outs = in_parallel([[sys.executable, "-m", "lens_py", "-c", f"seed {s}; set lr {r}",
                         "xor.in"] for s, r in combos], folder)
    (folder / "final.wt").write_text("the user's own weights\n")
    return folder, dict(zip(combos, outs))


def masked(text):
    """The printed text with the two time columns of report lines blanked
    (they are wall-clock seconds)."""
    return re.sub(r"(?m)^(\s*\d+\)(?:\s+\S+){4}).*$", r"\1", text)


def report_lines(text):
    return [line.split() for line in text.splitlines() if re.match(r"\s*\d+\)\s", line)]


def check_equal_to_alone(rows, curves, runs_dir, outs):
    assert len(rows) == 8 and (rows["status"] == "ok").all(), rows["message"].tolist()
    assert [(s, f"{r:g}") for s, r in zip(rows["seed"], rows["lr"])] == list(outs)
    for _, row in rows.iterrows():
        lone = outs[(row["seed"], f"{row['lr']:g}")]
        printed = (runs_dir / row["run"] / F.OUTPUT_FILE).read_text()
        assert masked(printed) == masked(lone)            # every number, as printed alone
        reports = report_lines(lone)
        assert [r[0] for r in reports] == ["20)", "40)", "60)"]
        curve = curves[curves["run"] == row["run"]]
        assert curve["update"].tolist() == [20, 40, 60]
        assert [smart_format(e).strip() for e in curve["error"]] == [r[1] for r in reports]
        assert row["error"] == curve["error"].iloc[-1]
        assert row["updates"] == 60
        total = re.search(r"Error total:\s+(\S+)", lone).group(1)
        assert smart_format(row["test_error"]).strip() == total
        assert row["test_examples"] == 4
        assert row["hidden0"] == float(re.search(r"hidden0 (\S+)", lone).group(1))
        assert (runs_dir / row["run"] / "final.wt").is_file()
        assert row["wall_time"] > 0


def test_local_cluster_rows_equal_lone_runs(alone, tmp_path):
    import lens_py
    folder, outs = alone
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    out = tmp_path / "results.csv"
    rows, curves = lens_py.sweep(str(folder / "xor.in"), seeds=SEEDS,
                                 vars={"lr": [float(r) for r in RATES]}, workers=2,
                                 out=str(out), progress=False, with_curves=True)
    runs_dir = tmp_path / "runs"
    check_equal_to_alone(rows, curves, runs_dir, outs)
    # the files written are the same tables
    back = pd.read_csv(out)
    assert back["error"].tolist() == rows["error"].tolist()
    assert back["run"].tolist() == rows["run"].tolist()
    assert pd.read_csv(tmp_path / "results.curves.csv")["error"].tolist() == \
        curves["error"].tolist()
    # nothing in the user's folder changed (final.wt was written by every run)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


@pytest.fixture
def cluster(tmp_path):
    """A scheduler and two single-thread workers on 127.0.0.1, as processes."""
    address_file = tmp_path / "scheduler.json"
    started = []

    def start(module, *args):
        p = subprocess.Popen([sys.executable, "-m", module, *args], env=env(), cwd=tmp_path,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started.append(p)
        return p

    try:
        start("distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
              "--no-dashboard", "--scheduler-file", str(address_file))
        for _ in range(2):
            start("distributed.cli.dask_worker", "--scheduler-file", str(address_file),
                  "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1")
        from distributed import Client
        for _ in range(600):
            if address_file.exists() and address_file.stat().st_size:
                break
            time.sleep(0.1)
        with Client(scheduler_file=str(address_file), timeout=60) as c:
            c.wait_for_workers(2, timeout=120)
            address = c.scheduler.address
        yield address
    finally:
        for p in reversed(started):
            p.terminate()
        for p in started:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


@pytest.mark.slow
def test_scheduler_and_two_workers_rows_equal_lone_runs(alone, cluster, tmp_path):
    folder, outs = alone
    out = tmp_path / "sched.csv"
    p = subprocess.run([sys.executable, "-m", "lens_py", "sweep", str(folder / "xor.in"),
                        "--seeds", "1-4", "--set", "lr=" + ",".join(RATES),
                        "--scheduler", cluster, "--out", str(out)],
                       cwd=tmp_path, env=env(), capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    assert "8 runs ok, 0 failed" in p.stderr and "Traceback" not in p.stderr
    rows = pd.read_csv(out)
    curves = pd.read_csv(tmp_path / "sched.curves.csv")
    check_equal_to_alone(rows, curves, tmp_path / "runs", outs)


def test_a_failing_run_is_reported_and_the_rest_finish(tmp_path):
    import lens_py
    script = SCRIPT.replace("addNet", "if {$lr > 0.6} {exit 3}\n"
                                      'set updates [expr {$lr > 0.3 ? "many" : 60}]\naddNet')
    script = script.replace("train 60", "train $updates")
    folder = model_folder(tmp_path / "model", script)
    rows = lens_py.sweep(str(folder / "xor.in"), seeds=[1], vars={"lr": [0.5, 0.7, 0.1, 0.2]},
                         workers=2, runs_dir=str(tmp_path / "runs"), progress=False,
                         keep_weights=str(tmp_path / "weights"))
    assert rows["status"].tolist() == ["failed", "failed", "ok", "ok"]
    # as the run alone would say: Error: <file>:<line>: <message>
    assert re.fullmatch(r".*/seed=1,lr=0\.5/xor\.in:7: usage: train .*", rows["message"][0])
    assert rows["message"][1] == "the script exited with code 3"
    assert rows["message"][2:].fillna("").tolist() == ["", ""]
    assert rows["updates"][2:].tolist() == [60, 60]
    errors = (tmp_path / "runs" / "seed=1,lr=0.5" / F.ERRORS_FILE).read_text()
    assert errors.startswith("Error: ") and "xor.in:7: usage: train" in errors
    # the final weights of each run that finished (a failed run keeps none)
    kept = sorted(p.name for p in (tmp_path / "weights").iterdir())
    assert kept == ["seed=1,lr=0.1.wt.gz", "seed=1,lr=0.2.wt.gz"]
    for name in kept:
        assert (tmp_path / "weights" / name).read_bytes()[:2] == b"\x1f\x8b"


def _children_of(tmp_path):
    """The lens_py run processes working in tmp_path (read from /proc)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().decode(errors="replace")
        except OSError:
            continue
        if "lens_py.sweep.child" in cmd and str(tmp_path) in cmd:
            found.append(int(pid))
    return found


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads running processes from /proc")
def test_ctrl_c_stops_the_sweep_cleanly(tmp_path):
    script = SCRIPT.replace("train 60", "if {$lr != 1} {after 120000}\ntrain 60")
    folder = model_folder(tmp_path / "model", script)
    out = tmp_path / "partial.csv"
    sweep = subprocess.Popen([sys.executable, "-m", "lens_py", "sweep", str(folder / "xor.in"),
                              "--set", "lr=1,2,3,4", "--workers", "2", "--out", str(out)],
                             cwd=tmp_path, env=env(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        # wait for the quick run to finish and two sleeping runs to be under way
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            done = (tmp_path / "runs" / "seed=1,lr=1" / F.RESULT_FILE).exists()
            if done and len(_children_of(tmp_path)) == 2:
                break
            assert sweep.poll() is None, sweep.communicate()
            time.sleep(0.2)
        else:
            pytest.fail("the sweep did not get going")
        time.sleep(1.5)       # the quick run's result reaches the client
        sweep.send_signal(signal.SIGINT)
        _, err = sweep.communicate(timeout=120)
    finally:
        if sweep.poll() is None:
            sweep.kill()
            sweep.wait()
    assert sweep.returncode == 130, err
    assert "sweep interrupted" in err and "Traceback" not in err
    rows = pd.read_csv(out)
    assert rows["status"].tolist() == ["ok", "not run", "not run", "not run"]
    assert rows["updates"][0] == 60
    for _ in range(100):            # the sleeping runs were ended, not left behind
        if not _children_of(tmp_path):
            break
        time.sleep(0.1)
    assert _children_of(tmp_path) == []
