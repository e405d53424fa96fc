"""help: a page of our own for every command, found by name, prefix or
alias, printed in scripts and with -c, listed by area."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lens_py import help as helppages
from lens_py.assemble import make_interp

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def commands():
    return make_interp().commands


def test_every_command_has_a_page(commands):
    missing = sorted(set(commands) - set(helppages.pages()))
    assert not missing, f"commands with no help page: {missing}"


def test_every_page_names_a_real_command(commands):
    strays = sorted(set(helppages.pages()) - set(commands))
    assert not strays, f"help pages for commands that do not exist: {strays}"


def test_see_also_names_commands_or_topics(commands):
    known = set(commands) | set(helppages.topics()) | {"updateSchedule"}
    for page in list(helppages.pages().values()) + list(helppages.topics().values()):
        bad = [s for s in page.see if s not in known]
        assert not bad, f"{page.name}: see also {bad}"


def test_pages_have_an_example_and_fit_the_screen():
    for page in list(helppages.pages().values()) + list(helppages.topics().values()):
        assert "Example:" in page.text, page.name
        assert len(page.synopsis) <= 56, page.name
        assert all(len(line) <= 79 for line in page.text.splitlines()), page.name
        assert page.text.strip() and "\t" not in page.text, page.name


def test_lens_command_pages_have_more_than_a_line(commands):
    lens_areas = {"networks", "links", "lesions", "examples", "training", "objects"}
    for page in helppages.pages().values():
        if page.area in lens_areas:
            body = page.text.split("Example:")[0]
            assert len(body.split()) >= 15, page.name


def run_help(script):
    import io
    out = io.StringIO()
    interp = make_interp(stdout=out, stderr=io.StringIO())
    result = interp.eval(script)
    return out.getvalue(), result


def test_help_prints_the_page_with_usage_and_see_also():
    out, result = run_help("help train")
    assert result == ""
    assert out.startswith("train - trains the network on its training set\n")
    assert "Usage:\n  train [<num-updates>]" in out
    assert "Example:" in out and "See also: steepest, momentum" in out


def test_help_resolves_prefixes_aliases_and_procs():
    assert run_help("help getObj")[0].startswith("getObject - ")
    assert run_help("help setObj")[0].startswith("setObject - ")
    out, result = run_help("help tr")
    assert out == "" and result.startswith('ambiguous command name "tr": trace train ')
    assert run_help("help mo")[1] == 'mo is an alias for "more"'
    assert run_help("proc f {a {b 1}} {}; help f")[1] == "f is a procedure: f a ?b?"
    assert run_help("help nothing")[1] == \
        "nothing is not a valid command or no help is available"


def test_help_lists_commands_by_area_with_synopses():
    out, _ = run_help("help")
    titles = [t for _, t in helppages.AREAS]
    positions = [out.index("\n" + t + "\n") for t in titles]
    assert positions == sorted(positions)
    networks = out[positions[0]:positions[1]]
    assert re.search(r"\n  addNet +builds a new network", networks)
    assert "updateSchedule" in out.split("Topics")[-1]
    sorted_out, _ = run_help("help -s")
    names = [line.split()[0] for line in sorted_out.splitlines()]
    assert names == sorted(names) and "addNet" in names and "while" in names


def test_topics_and_dash_h():
    assert run_help("help updateSchedule")[0].startswith("updateSchedule - ")
    assert run_help("help types")[0].startswith("types - ")
    assert "COSINE_COST" in run_help("help types")[0]
    assert run_help("connectGroups -h")[0].startswith("connectGroups - ")
    assert run_help("help -h")[0].startswith("help - ")


def test_manual_prints_the_overview_and_the_list():
    out, _ = run_help("manual")
    assert out.startswith("overview - ") and "Networks and groups" in out
    assert run_help("help manual")[0].startswith("manual - ")


def test_help_in_a_script_and_with_dash_c(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    script = tmp_path / "h.in"
    script.write_text("help addNet\n")
    for args in (["-c", "help addNet"], [str(script)]):
        p = subprocess.run([sys.executable, "-m", "lens_py", "--norc", *args],
                           capture_output=True, text=True, env=env, timeout=120)
        assert p.returncode == 0, p.stderr
        assert p.stdout.startswith("addNet - builds a new network"), p.stdout[:200]


def test_a_page_file_with_a_bad_header_is_refused():
    with pytest.raises(helppages.PageError, match="bad header"):
        helppages.parse_page("x", "synopsis: s\nwhat: no\n\ntext\n")
    with pytest.raises(helppages.PageError, match="unknown area"):
        helppages.parse_page("x", "synopsis: s\narea: nowhere\n\ntext\n")
