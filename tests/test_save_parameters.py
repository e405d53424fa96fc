"""saveParameters writes a script that puts the parameters back: Lens's
fields as `setObj` lines, lens_py's own inside a block only lens_py runs."""
import io

from lens_py.assemble import make_interp


def shell():
    out = io.StringIO()
    interp = make_interp(stdout=out, stderr=io.StringIO())
    return interp


def test_the_file_restores_every_field_in_lens_py(tmp_path):
    a = shell()
    a.eval("addNet n 2 3 1; setObj learningRate 0.25; setObj hidden.gain 1.5; "
           "setObj output.targetRadius -; setObj updateSchedule {hidden output}; "
           "setObj postUpdateProc {set ::n 1}")
    path = tmp_path / "p.tcl"
    a.eval(f"saveParameters {path}")
    text = path.read_text()
    own = text.split("if {[string match lens_py* [version]]} {\n")
    assert len(own) == 2
    block = own[1].split("\n}\n")[0].splitlines()
    # every lens_py-only network field, and nothing else, inside the block
    assert block == ["  setObj precision {32}", "  setObj executionPath {auto}",
                     "  setObj exactSums {1}", "  setObj updateSchedule {hidden output}"]
    b = shell()
    b.eval(f"addNet n 2 3 1; source {path}")
    for field in ("learningRate", "hidden.gain", "output.targetRadius", "updateSchedule",
                  "postUpdateProc", "precision", "group(2).randRange"):
        assert b.eval(f"getObj {field}") == a.eval(f"getObj {field}"), field
    again = tmp_path / "q.tcl"
    b.eval(f"saveParameters {again}")
    assert again.read_text() == text


def test_objects_given_are_written_alone_and_append_adds(tmp_path):
    a = shell()
    a.eval("addNet n 2 3 1")
    path = tmp_path / "p.tcl"
    a.eval(f"saveParameters {path} group(1)")
    first = path.read_text()
    assert first.startswith("setObj group(1).name {input}\n") and "lens_py" not in first
    a.eval(f"saveParameters {path} -append group(2).unit(0)")
    assert path.read_text().startswith(first)
    assert "setObj group(2).unit(0).name {hidden:0}" in path.read_text()
