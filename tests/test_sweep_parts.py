"""The sweep's parts that need no cluster: the plan, a run's folder and its
write guard, the sweepResult command, the tables and the command line's
refusals.  (Whole sweeps: test_sweep.py.)"""
import importlib.util
import builtins
import io
import json
import math
import os
import subprocess
import sys

import pytest

from lens_py.engine.lensfiles import open_write
from lens_py.sweep import folder as F
from lens_py.sweep.plan import PlanError, Run, parse_seeds, parse_set, plan_runs

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# -- the plan ---------------------------------------------------------------------------

def test_seed_lists():
    assert parse_seeds("1-5") == [1, 2, 3, 4, 5]
    assert parse_seeds("3") == [3]
    assert parse_seeds("1,3, 5") == [1, 3, 5]
    assert parse_seeds("1-3,10") == [1, 2, 3, 10]
    for bad in ("", "a", "5-1", "1-", "1,1", "1-3,2"):
        with pytest.raises(PlanError):
            parse_seeds(bad)


def test_set_values():
    assert parse_set("lr=0.1,0.2") == ("lr", ["0.1", "0.2"])
    assert parse_set("hidden = 2") == ("hidden", ["2"])
    for bad in ("lr", "lr=", "=1", "1x=2", "lr=1,1", "seed=1", "error=1"):
        with pytest.raises(PlanError):
            parse_set(bad)


def test_every_combination_seeds_outermost():
    runs = plan_runs([1, 2], {"lr": [0.1, 0.25], "hid": ["2", "3"]})
    assert [(r.seed, r.values["lr"], r.values["hid"]) for r in runs] == [
        (1, "0.1", "2"), (1, "0.1", "3"), (1, "0.25", "2"), (1, "0.25", "3"),
        (2, "0.1", "2"), (2, "0.1", "3"), (2, "0.25", "2"), (2, "0.25", "3")]
    assert [r.index for r in runs] == list(range(8))
    assert runs[3].name == "seed=1,lr=0.25,hid=3"


def test_run_setup_is_what_one_types_with_dash_c():
    run = Run(0, 7, {"lr": "0.5", "label": "two words"})
    assert run.tcl_setup() == "seed 7; set lr 0.5; set label {two words}"
    assert run.name == "seed=7,lr=0.5,label=two_words"


def test_plan_refusals():
    with pytest.raises(PlanError, match="no seeds"):
        plan_runs([])
    with pytest.raises(PlanError, match="share the folder"):
        plan_runs([1], {"name": ["a b", "a/b"]})
    with pytest.raises(PlanError, match="column the sweep fills"):
        plan_runs([1], {"updates": [1]})
    assert plan_runs([1], {"lr": 0.5})[0].values == {"lr": "0.5"}   # one value, not a list


# -- a run's folder -----------------------------------------------------------------------

@pytest.fixture
def script_folder(tmp_path):
    src = tmp_path / "model"
    (src / "data").mkdir(parents=True)
    (src / "model.in").write_text("puts hi\n")
    (src / "data" / "train.ex").write_text("original examples\n")
    (src / "log.txt").write_text("user log\n")
    (src / "final.wt").write_text("user weights\n")
    (src / ".git").mkdir()
    (src / ".git" / "HEAD").write_text("x\n")
    return src


def test_mirror_shows_files_through_links(script_folder, tmp_path):
    run = tmp_path / "runs" / "seed=1"
    run.mkdir(parents=True)
    (run / F.OUTPUT_FILE).write_text("")
    links = F.mirror(str(script_folder), str(run), exclude=[str(tmp_path / "runs")])
    assert (run / "data").is_dir() and not (run / "data").is_symlink()
    assert os.readlink(run / "data" / "train.ex") == str(script_folder / "data" / "train.ex")
    assert (run / "data" / "train.ex").read_text() == "original examples\n"
    assert not (run / ".git").exists()
    assert (run / F.OUTPUT_FILE).read_text() == ""          # our own file is kept
    assert str(run / "log.txt") in links and len(links) == 4


def test_mirror_leaves_out_the_sweeps_own_folder(tmp_path):
    # runs/ inside the script's folder (the default when run from there)
    src = tmp_path / "model"
    src.mkdir()
    (src / "model.in").write_text("")
    run = src / "runs" / "seed=1"
    run.mkdir(parents=True)
    F.mirror(str(src), str(run), exclude=[str(src / "runs")])
    assert sorted(os.listdir(run)) == ["model.in"]


def test_mirror_refuses_a_huge_folder(tmp_path, monkeypatch):
    src = tmp_path / "big"
    src.mkdir()
    for i in range(5):
        (src / f"f{i}").write_text("")
    monkeypatch.setattr(F, "MAX_ENTRIES", 3)
    with pytest.raises(F.FolderError, match="folder of their own"):
        F.mirror(str(src), str(tmp_path / "run"))


def test_writes_never_go_through_a_link(script_folder, tmp_path, monkeypatch):
    from lens_py.assemble import make_interp
    run = tmp_path / "run"
    run.mkdir()
    links = F.mirror(str(script_folder), str(run))
    monkeypatch.setattr(builtins, "open", builtins.open)   # put back after the test
    monkeypatch.chdir(run)
    F.guard_writes(links)
    interp = make_interp(stdout=io.StringIO(), stderr=io.StringIO())
    interp.eval("set f [open log.txt a]; puts $f {run line}; close $f")
    interp.eval("set f [open data/train.ex w]; puts $f new; close $f")
    with open_write("final.wt") as f:       # how lens_py writes weights and examples
        f.write("run weights\n")
    assert (script_folder / "log.txt").read_text() == "user log\n"
    assert (script_folder / "data" / "train.ex").read_text() == "original examples\n"
    assert (script_folder / "final.wt").read_text() == "user weights\n"
    assert (run / "log.txt").read_text() == "user log\nrun line\n"
    assert not (run / "log.txt").is_symlink()
    assert (run / "data" / "train.ex").read_text() == "new\n"
    assert (run / "final.wt").read_text() == "run weights\n"
    assert interp.eval("set f [open data/train.ex]; set t [read $f]; close $f; set t") == "new\n"


def test_prepare_clears_only_a_sweeps_folder(tmp_path):
    spec = {"seed": 1}
    run = tmp_path / "seed=1"
    F.prepare(str(run), spec)
    (run / "old-output.txt").write_text("x")
    os.symlink(tmp_path / "elsewhere", run / "link")
    F.prepare(str(run), spec)
    assert sorted(os.listdir(run)) == [F.SPEC_FILE]
    assert json.loads((run / F.SPEC_FILE).read_text()) == spec
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("keep me")
    with pytest.raises(F.FolderError, match="not made by a sweep"):
        F.prepare(str(mine), spec)
    assert (mine / "thesis.tex").read_text() == "keep me"


# -- sweepResult ------------------------------------------------------------------------

def test_sweep_result_records_and_checks_names(lens):
    from lens_py.commands.sweep_cmds import TAKEN_KEY, recorded
    assert lens("sweepResult acc 0.75") == ""
    lens("sweepResult label {two words}; sweepResult acc 0.5")
    assert recorded(lens.interp) == {"acc": "0.5", "label": "two words"}
    lens.interp.ext[TAKEN_KEY] = ("lr",)
    for script, message in [("sweepResult lr 1", "is a variable this sweep sets"),
                            ("sweepResult error 1", "column the sweep fills itself"),
                            ("sweepResult 2x 1", "bad variable name"),
                            ("sweepResult acc", "usage: sweepResult <name> <value>")]:
        with pytest.raises(Exception, match=message):
            lens(script)


# -- what a run gives back ---------------------------------------------------------------

def test_recorder_reads_reports_and_tests_from_the_engine(lens):
    """The curve holds the network's own numbers at each report line (and
    nothing for the other lines train prints: "Performing ...", the header)."""
    from lens_py.commands.common import session
    from lens_py.engine.report import smart_format
    from lens_py.sweep.record import Recorder
    from tests import lens_examples
    rec = Recorder(session(lens.interp))
    lens(f"seed 2; addNet x 2 2 1; loadExamples {lens_examples.xor()}; "
         "setObj learningRate 0.2; train 30 -report 10")
    lens("train 5 -report 5; test")
    printed = [line for line in lens.out.getvalue().splitlines() if line[7:8] == ")"]
    assert len(printed) == 4 and [u for u, _ in rec.curve] == [10, 20, 30, 35]
    for line, (update, error) in zip(printed, rec.curve):
        assert line.split()[1] == smart_format(error).strip()
    summary = rec.summary()
    assert summary["updates"] == 35 and summary["error"] == rec.curve[-1][1]
    out = lens.out.getvalue()
    total = out.split("Error total:")[1].splitlines()[0].strip()
    assert total == smart_format(summary["test"]["test_error"]).strip()
    assert summary["test"]["test_examples"] == 4
    assert not math.isnan(summary["test"]["test_percent_correct"])


# -- tables and the command line ----------------------------------------------------------

def test_tables_types_and_not_run_rows(tmp_path):
    pd = pytest.importorskip("pandas")
    from lens_py.sweep import tables
    from lens_py.sweep.runner import Outcome
    runs = plan_runs([1, 2], {"lr": ["0.1", "0.2"]})
    ok = {"status": "ok", "error": 0.5, "updates": 10, "wall_time": 1.0, "message": "",
          "results": {"acc": "0.75"}, "curve": [[5, 0.7], [10, 0.5]]}
    outcome = Outcome(runs, {0: ok, 1: {"status": "failed", "message": "x.in:3: boom"}})
    rows = tables.results_frame(outcome)
    assert list(rows["status"]) == ["ok", "failed", "not run", "not run"]
    assert list(rows.columns) == ["run", "status", "seed", "lr", "error", "updates",
                                  "wall_time", "acc", "message"]
    assert rows["lr"].tolist() == [0.1, 0.2, 0.1, 0.2] and rows.loc[0, "acc"] == 0.75
    curves = tables.curves_frame(outcome)
    assert curves[["update", "error"]].values.tolist() == [[5, 0.7], [10, 0.5]]
    path = str(tmp_path / "r.csv")
    tables.write(rows, path)
    back = pd.read_csv(path)
    assert back["message"].fillna("").tolist() == ["", "x.in:3: boom", "", ""]
    assert tables.curves_path(path) == str(tmp_path / "r.curves.csv")
    with pytest.raises(tables.TableError, match=".csv or .parquet"):
        tables.check_path("r.xlsx")


def _sweep_cli(args, capsys):
    from lens_py.cli import main
    code = main(["sweep", *args])
    return code, capsys.readouterr().err


def test_cli_refusals(tmp_path, capsys):
    script = tmp_path / "s.in"
    script.write_text("")
    code, err = _sweep_cli([str(script), "--seeds", "3-1"], capsys)
    assert code == 2 and "lens-py sweep: bad seed range" in err and err.startswith("usage:")
    code, err = _sweep_cli([str(script), "--set", "lr"], capsys)
    assert code == 2 and "expected NAME=V1,V2" in err
    code, err = _sweep_cli([str(script), "--workers", "2", "--scheduler", "x"], capsys)
    assert code == 2 and "not allowed with" in err
    code, err = _sweep_cli([str(tmp_path / "none.in")], capsys)
    assert code == 1 and "couldn't read file" in err
    code, err = _sweep_cli([str(script), "--out", str(tmp_path / "r.txt")], capsys)
    assert code == 1 and "name it .csv or .parquet" in err


def test_missing_dask_says_how_to_install(tmp_path, capsys, monkeypatch):
    script = tmp_path / "s.in"
    script.write_text("")
    monkeypatch.setitem(sys.modules, "distributed", None)     # as if not installed
    code, err = _sweep_cli([str(script)], capsys)
    assert code == 1
    assert "'distributed'" in err and "pip install 'lens_py[sweep]'" in err


def test_importing_lens_py_does_not_import_dask():
    code = ("import sys, lens_py, lens_py.sweep, lens_py.sweep.cli; "
            "from lens_py.assemble import make_interp; make_interp(); "
            "assert callable(lens_py.sweep); "
            "print(sorted(m for m in ('dask', 'distributed', 'pandas') if m in sys.modules))")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       cwd=ROOT, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "[]"


def test_parquet_needs_pyarrow(tmp_path):
    pd = pytest.importorskip("pandas")
    from lens_py.sweep import tables
    path = str(tmp_path / "r.parquet")
    if importlib.util.find_spec("pyarrow") is None:
        with pytest.raises(tables.TableError, match="Parquet needs pyarrow"):
            tables.check_path(path)
        return
    frame = pd.DataFrame({"run": ["seed=1"], "error": [0.25]})
    tables.check_path(path)
    tables.write(frame, path)
    assert pd.read_parquet(path).equals(frame)


def test_progress_counts_and_time_left():
    from lens_py.sweep.progress import SweepProgress
    now = [100.0]
    stream = io.StringIO()
    shown = SweepProgress(5, stream, live=True, clock=lambda: now[0])
    now[0] = 130.0
    shown.finished("seed=1", {"status": "ok", "error": 0.5, "updates": 10, "wall_time": 1})
    shown.finished("seed=2", {"status": "failed", "message": "x.in:2: boom"})
    # 2 finished in 30 s: the 3 left take about 45 s
    assert shown.status() == "sweep: 1 done, 1 failed, 3 left, about 45s left"
    assert "run seed=2 failed: x.in:2: boom\n" in stream.getvalue()
    assert stream.getvalue().endswith("\x1b[K")       # the line rewritten in place
