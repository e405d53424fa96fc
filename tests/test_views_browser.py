"""The HTML Unit and Link Viewers loaded in a real headless Chromium with no
network: the page must run with no JavaScript error and no request, and the
DOM its script builds must show the network's own numbers, also after the
controls are used.  Chromium is driven through the DevTools protocol over a
pipe (--remote-debugging-pipe: JSON messages ending in a NUL byte on fds 3
and 4), so no websocket or extra package is needed.  Skips when Chromium is
not installed."""
from __future__ import annotations

import fcntl
import json
import math
import os
import queue
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from lens_py import Lens
from lens_py.view import colors
from tests.lens_examples import xor

CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"),
                             "/usr/bin/chromium") if p and os.access(p, os.X_OK)), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

TIMEOUT = 20.0      # seconds for any one answer from the browser

# Two sequences of different lengths, so the Unit Viewer has ticks to step
# through and a shorter example whose later ticks do not exist.
SEQUENCES = """;
name: first 2
I: 0 1  T: 1
I: 1 1  T: 0;
name: second 3
I: 1 0  T: 1
I: 0 0  T: 0
I: 1 1  T: 0;
"""


def js_precision6(x: float) -> str:
    """What JavaScript's Number(x).toPrecision(6) prints (the pages' fmt)."""
    if math.isnan(x):
        return "NaN"
    if x == 0:
        return "0.00000"
    mantissa, e = ("%.5e" % x).split("e")
    e = int(e)
    if e < -6 or e >= 6:
        return f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return "%.*f" % (5 - e, x)


def rgb(hex_colour: str) -> str:
    """A palette colour as the browser's computed style spells it."""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def on_scale(place: float) -> str:
    """The blue-black-red colour at a place in [0, 1] of the scale."""
    return rgb(colors.PALETTES["blue-black-red"][math.floor(place * 100)])


class Browser:
    """One headless Chromium with a fresh profile, no network (every host
    unresolvable, a dead proxy), and one tab attached over the pipe."""

    def __init__(self, profile: Path):
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire():       # the child's fd 3 reads our commands, fd 4 answers
            # (moved out of the way first: a pipe may itself have got fd 3 or 4)
            reads, writes = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
                             for fd in (to_browser_r, from_browser_w))
            os.dup2(reads, 3)
            os.dup2(writes, 4)
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
             "--remote-debugging-pipe", f"--user-data-dir={profile}",
             "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=wire, close_fds=False, start_new_session=True)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._inbox: queue.Queue = queue.Queue()
        self.events: list[dict] = []
        self._next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        try:
            self._attach()
        except BaseException:
            self.close()
            raise

    def _attach(self):
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target,
                                 flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=self.session)

    def _read(self):
        buffer = b""
        while True:
            try:
                chunk = os.read(self._from_browser, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                self._inbox.put(None)
                return
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for m in messages:
                self._inbox.put(json.loads(m))

    def _receive(self, deadline: float) -> dict:
        try:
            message = self._inbox.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            raise AssertionError("the browser did not answer in time") from None
        if message is None:
            raise AssertionError("the browser closed its pipe")
        return message

    def send(self, method: str, session: str | None = None, **params) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            answer = self._receive(deadline)
            if answer.get("id") == self._next_id:
                assert "error" not in answer, f"{method}: {answer['error']}"
                return answer["result"]
            if "method" in answer:
                self.events.append(answer)

    def open(self, url: str):
        """Load the page and wait until it (and its script) has run."""
        self.events.clear()
        self.send("Page.navigate", session=self.session, url=url)
        deadline = time.monotonic() + TIMEOUT
        while not any(e["method"] == "Page.loadEventFired" for e in self.events):
            message = self._receive(deadline)
            if "method" in message:
                self.events.append(message)

    def js(self, expression: str):
        """The value of a JavaScript expression evaluated in the page."""
        found = self.send("Runtime.evaluate", session=self.session, expression=expression,
                          returnByValue=True)
        assert "exceptionDetails" not in found, found["exceptionDetails"]
        return found["result"].get("value")

    def errors(self) -> list[str]:
        """Uncaught exceptions, console errors and browser-logged errors
        (a blocked load or a policy violation shows up there)."""
        out = []
        for e in self.events:
            p = e.get("params", {})
            if e["method"] == "Runtime.exceptionThrown":
                out.append(p["exceptionDetails"].get("exception", {}).get("description")
                           or p["exceptionDetails"].get("text"))
            elif e["method"] == "Runtime.consoleAPICalled" and p["type"] in ("error", "assert"):
                out.append(" ".join(str(a.get("value", a.get("description")))
                                    for a in p["args"]))
            elif e["method"] == "Log.entryAdded" and p["entry"]["level"] == "error":
                out.append(p["entry"]["text"])
        return out

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events
                if e["method"] == "Network.requestWillBeSent"]

    def close(self):
        try:
            if self.proc.poll() is None:
                os.write(self._to_browser, json.dumps(
                    {"id": 0, "method": "Browser.close", "params": {}}).encode() + b"\0")
                self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        finally:
            if self.proc.poll() is None:       # the browser and its helper processes
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
            os.close(self._to_browser)
            os.close(self._from_browser)


@pytest.fixture
def browser(tmp_path):
    b = Browser(tmp_path / "profile")
    try:
        yield b
    finally:
        b.close()


def _loaded(browser, page: Path):
    url = page.as_uri()
    browser.open(url)
    assert browser.errors() == []
    assert browser.requests() == [url]      # the page itself, nothing fetched


def test_the_harness_sees_errors_and_requests(browser, tmp_path):
    """A page that fails and fetches: the checks below could not pass it."""
    bad = tmp_path / "bad.html"
    bad.write_text('<img src="http://example.com/x.png"><script>noSuchFunction()</script>')
    browser.open(bad.as_uri())
    assert any("noSuchFunction is not defined" in e for e in browser.errors())
    assert "http://example.com/x.png" in browser.requests()


UNIT_CELLS = """[...document.querySelectorAll("td")].map(td => ({
  group: td.dataset.group, unit: Number(td.dataset.unit), what: td.dataset.what,
  value: td.dataset.value, background: getComputedStyle(td).backgroundColor}))"""


def _set_control(browser, index: int, value, event: str):
    """Use the page's index-th control as a user would."""
    browser.js(f"""(() => {{ const c = document.querySelectorAll("#controls select, #controls input")[{index}];
      c.value = {json.dumps(str(value))}; c.dispatchEvent(new Event({json.dumps(event)})); }})()""")


def test_unit_viewer_in_a_browser_steps_through_examples_and_ticks(browser, tmp_path,
                                                                  monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seq.ex").write_text(SEQUENCES)
    lens = Lens(quiet=True)
    lens("seed 1; addNet seq -i 3 2 2 1; loadExamples seq.ex; train 20 -report 0")
    page = Path(lens("viewUnits -file units.html"))
    out = lens.outputs()
    assert list(out["output"].ticks) == [2, 3]
    _loaded(browser, page)
    assert browser.js("document.title") == "Unit Viewer: seq"

    def shown(example, tick):
        cells = browser.js(UNIT_CELLS)
        assert [(c["group"], c["unit"], c["what"]) for c in cells] == \
            [(g.name, u, "output") for g in lens.net.groups for u in range(g.size)] + \
            [("output", 0, "target")]
        for c in cells:
            o = out[c["group"]]
            x = float((o.targets if c["what"] == "target" else o.outputs)[example, tick,
                                                                           c["unit"]])
            assert c["value"] == js_precision6(x), (example, tick, c)
            if c["group"] in ("hidden", "output"):     # sigmoids: the colour's place is x
                assert c["background"] == on_scale(x), (example, tick, c)
        label = browser.js('document.querySelector("#controls span").textContent')
        name = ("first", "second")[example]
        assert label == f"example {example} ({name}), tick {tick}"
        return cells

    shown(0, 1)                             # it opens on the first example's last tick
    assert browser.js('document.querySelector("input[type=range]").max') == "1"
    _set_control(browser, 1, 0, "input")    # the tick slider
    shown(0, 0)
    _set_control(browser, 0, 1, "change")   # the example menu: its last tick
    shown(1, 2)
    assert browser.js('document.querySelector("input[type=range]").max') == "2"
    for tick in (0, 1):
        _set_control(browser, 1, tick, "input")
        cells = shown(1, tick)
    # hovering a cell shows the value in the tip
    tip = browser.js("""(() => { const td = document.querySelectorAll("td")[3];
      td.dispatchEvent(new MouseEvent("mousemove", {clientX: 5, clientY: 5}));
      return document.getElementById("tip").textContent; })()""")
    hidden0 = cells[3]
    assert (hidden0["group"], hidden0["unit"]) == ("hidden", 0)
    assert tip == f"hidden:0 output = {js_precision6(float(out['hidden'].outputs[1, 1, 0]))}"
    assert browser.errors() == [] and browser.requests() == [page.as_uri()]


def test_link_viewer_in_a_browser_shows_every_weight(browser, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lens = Lens(quiet=True)
    lens(f"seed 1; addNet xor 2 2 1; loadExamples {{{xor()}}}; train 60 -report 0")
    page = Path(lens("viewLinks -file links.html"))
    _loaded(browser, page)
    assert browser.js("document.title") == "Link Viewer: xor"
    expected = [(f"{p.sender.name}->{g.name}", float(w)) for g in lens.net.groups
                for p in g.incoming for w in p.weight.ravel()]
    assert len(expected) == 9

    def cells():
        return browser.js("""[...document.querySelectorAll("td")].map(td => [
          td.dataset.projection, td.dataset.value, getComputedStyle(td).backgroundColor])""")
    assert [c[:2] for c in cells()] == [[name, js_precision6(w)] for name, w in expected]
    assert [c[2] for c in cells()] == [on_scale(1 / (1 + math.exp(-w))) for _, w in expected]
    # temperature 2^1 doubles each weight's steepness on the scale
    _set_control(browser, 1, 1, "change")
    assert [c[2] for c in cells()] == [on_scale(1 / (1 + math.exp(-2 * w))) for _, w in expected]
    # the Hinton palette draws a square whose side grows with the weight
    hinton = list(colors.PALETTES) + ["hinton"]
    _set_control(browser, 0, hinton.index("hinton"), "change")
    sides = browser.js("""[...document.querySelectorAll("td")].map(td =>
      td.firstChild ? [td.firstChild.getBoundingClientRect().width,
                       getComputedStyle(td.firstChild).backgroundColor] : null)""")
    for (side, colour), (_, w) in zip(sides, expected):
        place = 1 / (1 + math.exp(-2 * w))
        assert side == pytest.approx(math.sqrt(abs(place - 0.5) * 2) * 12, abs=1 / 64)   # layout works in 64ths of a pixel
        assert colour == ("rgb(0, 0, 0)" if place < 0.5 else "rgb(255, 255, 255)")
    assert browser.errors() == [] and browser.requests() == [page.as_uri()]
