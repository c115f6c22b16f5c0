"""Notebook 09's decision matrix in a real browser: Voila serves the notebook, Playwright drives
Debian's chromium (launched by path; no browser download).

At 1024 and 1920 px wide, on one page (one kernel; the viewport is resized between the two):
every factor's label is whole and not covered, every slider track is long and not covered (hit
tests before any click, because Playwright would scroll a clipping box to reach a hidden track),
controls and results do not overlap, every preset name fits its menu; then the test picks a
preset, clicks two tracks and drags one handle, and the verdict must equal what
``labkit.decide.matrix.recommend`` says for those factors; a new price in the cost calculator
must redraw the plot and the break-even table exactly as ``CostUI`` draws them in Python.
Screenshots (gitignored): runs/browser/decision_matrix_<width>.png (before the clicks),
decision_matrix_<width>_after.png and cost_<width>.png. About 35 s on two busy cores.

Needs voila, playwright (the Python package) and /usr/bin/chromium, which scripts/setup.sh installs;
without them the test skips and names the command that installs what is missing.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from labkit.decide import evidence
from labkit.decide.matrix import PRESETS, CostConfig, recommend
from labkit.decide.ui import CUSTOM, FACTOR_LABELS, build_cost_ui
from labkit.env import ROOT

CHROMIUM = os.environ.get("LABKIT_CHROMIUM", "/usr/bin/chromium")
NOTEBOOK = ROOT / "notebooks" / "09_decision_matrix.ipynb"
SHOTS = ROOT / "runs" / "browser"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
PIP_SETUP = "`.venv/bin/python -m pip install -c requirements/constraints.txt voila playwright`"
APT_SETUP = (
    "as root `apt-get install -y --no-install-recommends chromium` (scripts/setup.sh does it)"
)
START_S, RENDER_S, UPDATE_S = 60, 120, 20  # bounds: server up, notebook rendered, one update

# Per width: a preset, then (factor, value, "click" a track or "drag" the handle) moves whose
# verdict differs from the preset's, and a knowledge-update rate for the cost calculator.
PLANS = {
    1024: ("brand-voice writer",
           [("volatility", 0.9, "click"), ("accuracy", 0.9, "click"), ("tone", 0.1, "drag")], 12),
    1920: ("strict JSON extraction",
           [("citations", 0.9, "click"), ("governance", 0.9, "click"), ("volatility", 0.9, "drag")], 1),
}  # fmt: skip


def _missing(chromium: str = CHROMIUM) -> str | None:
    """Why the browser test cannot run here, naming the command that fixes it; None if it can."""
    for module in ("voila", "playwright"):
        if importlib.util.find_spec(module) is None:
            return f"the Python package {module} is not installed: {PIP_SETUP} (or `make setup`)"
    if not shutil.which(chromium):
        return f"no chromium at {chromium} (LABKIT_CHROMIUM overrides): {APT_SETUP}"
    return None


def test_a_missing_browser_skips_with_the_command_that_installs_it():
    reason = _missing("/nonexistent/chromium")
    assert reason is not None and ("apt-get install" in reason or "pip install" in reason)
    if importlib.util.find_spec("voila") and importlib.util.find_spec("playwright"):
        assert "apt-get install -y --no-install-recommends chromium" in reason


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def voila_url(tmp_path_factory):
    """Voila serving notebook 09 on a free localhost port; stopped (kernels included) afterwards."""
    port, log = _free_port(), tmp_path_factory.mktemp("voila") / "voila.log"
    cmd = [sys.executable, "-m", "voila", str(NOTEBOOK), f"--port={port}", "--no-browser",
           "--Voila.ip=127.0.0.1", "--show_tracebacks=True"]  # fmt: skip
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + START_S
        while True:
            try:  # any HTTP answer (here a 403) means the server is up; "/" would start a kernel
                urllib.request.urlopen(url + "api/status", timeout=2)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"Voila did not start in {START_S} s:\n{log.read_text()[-3000:]}")
                time.sleep(0.2)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)  # Voila shuts its kernels down on SIGTERM
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture(scope="module")
def page(voila_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, timeout=60_000)
        try:
            pg = browser.new_page(viewport={"width": 1024, "height": 900})
            pg.set_default_timeout(UPDATE_S * 1000)
            pg.goto(voila_url, timeout=RENDER_S * 1000)
            pg.wait_for_selector(".decide-matrix .decide-results h4", timeout=RENDER_S * 1000)
            pg.wait_for_selector(".decide-cost svg", timeout=RENDER_S * 1000)
            yield pg
        finally:
            browser.close()


# ---- what the page shows ------------------------------------------------------------------------

# Hit test: is the element at (x, y) the element itself or inside `owner`? A box that clips its
# overflow, or a panel drawn over the element, answers with something else.
_HITS = """(el, [owner, points]) => points.map(([x, y]) => {
    const hit = document.elementFromPoint(x, y);
    return hit !== null && (hit === el || owner.contains(hit));
})"""

_TEXT_BOX = """el => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const r = range.getBoundingClientRect();
    return {x: r.x, y: r.y, width: r.width, height: r.height};
}"""

_TEXT_WIDTH = """(el, text) => {
    const ctx = document.createElement("canvas").getContext("2d");
    ctx.font = getComputedStyle(el).font;
    return ctx.measureText(text).width;
}"""


def _layout_problems(pg) -> list[str]:
    """Everything that makes the matrix hard to use at the current width, as sentences."""
    problems = []
    for name, text in FACTOR_LABELS.items():
        problems += _factor_problems(pg, name, text)
    return problems + _menu_and_input_problems(pg) + _panel_problems(pg)


def _factor_problems(pg, name: str, text: str) -> list[str]:
    """The factor's label whole and visible; its track long, visible and not covered."""
    problems, row = [], pg.locator(f".decide-{name}")
    label, track = row.locator(".widget-label").first, row.locator(".noUi-base")
    row.scroll_into_view_if_needed()
    owner = row.element_handle()
    if label.inner_text().strip() != text:
        problems.append(f"{name}: label {label.inner_text()!r}, not {text!r}")
    sw, cw = label.evaluate("e => [e.scrollWidth, e.clientWidth]")
    if sw > cw:
        problems.append(f"{name}: label text cut ({sw} px of text in a {cw} px box)")
    box = label.evaluate(_TEXT_BOX)  # where the text is drawn
    pts = [(box["x"] + x, box["y"] + box["height"] / 2) for x in (1, box["width"] - 1)]
    if not all(label.evaluate(_HITS, [owner, pts])):
        problems.append(f"{name}: label {text!r} is clipped or covered")
    box = track.bounding_box()
    if box["width"] < 150:
        problems.append(f"{name}: slider track only {box['width']:.0f} px long")
    pts = [(box["x"] + f * box["width"], box["y"] + box["height"] / 2) for f in (0.02, 0.5, 0.98)]
    hits = track.evaluate(_HITS, [owner, pts])
    if not all(hits):
        problems.append(f"{name}: slider track covered or clipped at {hits} (of 2%, 50%, 98%)")
    return problems


def _menu_and_input_problems(pg) -> list[str]:
    """The preset menu and the cost inputs visible edge to edge; every preset name fits the menu."""
    problems = []
    for control in pg.locator(".decide-preset select, .decide-cost input").all():
        control.scroll_into_view_if_needed()
        b, owner = control.bounding_box(), control.element_handle()
        pts = [(b["x"] + 2, b["y"] + b["height"] / 2), (b["x"] + b["width"] - 2, b["y"] + 4)]
        if not all(control.evaluate(_HITS, [owner, pts])):
            problems.append(f"a {b['width']:.0f} px wide menu or input box is clipped or covered")
    select = pg.locator(".decide-preset select")
    width = select.evaluate("e => e.clientWidth") - 24  # less the menu's arrow
    for option in [CUSTOM, *PRESETS]:
        if select.evaluate(_TEXT_WIDTH, option) > width:
            problems.append(f"preset name {option!r} cut in a {width + 24} px menu")
    return problems


def _panel_problems(pg) -> list[str]:
    """Controls and results side by side or stacked, never overlapping; no sideways scrolling."""
    problems = []
    controls = pg.locator(".decide-controls").bounding_box()
    results = pg.locator(".decide-results").bounding_box()
    if _overlap(controls, results):
        problems.append(f"controls {controls} and results {results} overlap")
    overflow = pg.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        problems.append(f"the page is {overflow} px wider than the window")
    return problems


def _overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def _verdict(pg) -> dict:
    res = pg.locator(".decide-results")
    return {
        "head": res.locator("h4").inner_text(),
        "summary": res.locator("h4 + div").inner_text(),
        "reasons": res.locator("ol > li").all_inner_texts(),
    }


def _expected(result: dict) -> dict:
    return {
        "head": f"Recommendation: {result['recommendation']}",
        "summary": result["summary"],
        "reasons": result["reasons"],
    }


def _wait_for(pg, want: dict) -> None:
    """Wait (bounded) until the results panel shows ``want``; assert equality either way."""
    from playwright.sync_api import expect

    expect(pg.locator(".decide-results h4 + div")).to_have_text(want["summary"])
    assert _verdict(pg) == want


def _move(pg, name: str, value: float, how: str) -> None:
    """Set a 0..1 factor with the mouse: click its track at ``value``, or drag its handle there."""
    from playwright.sync_api import expect

    row = pg.locator(f".decide-{name}")
    track, handle = row.locator(".noUi-base"), row.locator(".noUi-handle")
    row.scroll_into_view_if_needed()
    box = track.bounding_box()
    at = {"x": value * box["width"], "y": box["height"] / 2}
    if how == "click":
        track.click(position=at)  # Playwright fails the click if another element receives it
    else:
        handle.drag_to(track, target_position=at)
    expect(row.locator(".widget-readout")).to_have_text(f"{value:.2f}")


def _cost_svg_parts(svg_or_page) -> tuple[list[str], list[str]]:
    """(texts drawn, line paths) of the cost plot: matplotlib writes each text as a comment."""
    if isinstance(svg_or_page, str):
        svg = svg_or_page
        texts = re.findall(r"<!--\s*(.*?)\s*-->", svg, flags=re.S)
        lines = re.findall(r'<g id="line2d_\d+">\s*<path d="([^"]*)"', svg)
        return texts, [" ".join(d.split()) for d in lines]
    return svg_or_page.locator(".decide-cost svg").evaluate(
        """svg => {
            const texts = [], walker = document.createTreeWalker(svg, NodeFilter.SHOW_COMMENT);
            while (walker.nextNode()) texts.push(walker.currentNode.data.trim());
            const lines = [...svg.querySelectorAll('g[id^="line2d_"] > path:first-child')]
                .map(p => p.getAttribute("d").split(/\\s+/).join(" ").trim());
            return [texts, lines];
        }"""
    )


def _cost_table(pg) -> list[list[str]]:
    return pg.locator(".decide-cost-results table tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))"
    )


def _python_cost_view(updates: float) -> tuple[tuple, list[list[str]]]:
    """What CostUI draws in Python for notebook 09's config with ``updates`` per month."""
    ui = build_cost_ui(evidence.load(), CostConfig(updates_per_month=updates))
    texts, lines = _cost_svg_parts(ui.html.value)
    table = [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh]>(.*?)</t[dh]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", ui.html.value)
    ]
    return (texts, [" ".join(d.split()) for d in lines]), table


def _shot(pg, selector: str, name: str) -> None:
    """Screenshot of the window with the top of ``selector`` at its top, into runs/browser/."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.locator(selector).evaluate("e => e.scrollIntoView({block: 'start'})")
    pg.screenshot(path=str(SHOTS / name))


# ---- the test -----------------------------------------------------------------------------------


@pytest.mark.skipif(_missing() is not None, reason=f"browser test skipped: {_missing()}")
@pytest.mark.parametrize("width", list(PLANS))
def test_decision_matrix_in_a_browser(page, width):
    ev = evidence.load()  # what the notebook's kernel loads too (same checkout, same environment)
    preset, moves, updates = PLANS[width]
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_timeout(300)  # let the flex layout settle at the new width

    problems = _layout_problems(page)
    _shot(page, ".decide-matrix", f"decision_matrix_{width}.png")
    assert not problems, f"at {width} px:\n" + "\n".join(problems)

    # a preset from the menu: the sliders take its values, the verdict is recommend()'s
    page.locator(".decide-preset select").select_option(preset)
    before = recommend(PRESETS[preset], ev)
    _wait_for(page, _expected(before))
    for name, value, how in moves:
        _move(page, name, value, how)
    after = recommend(dataclasses.replace(PRESETS[preset], **{n: v for n, v, _ in moves}), ev)
    assert after["recommendation"] != before["recommendation"], "the plan should flip the verdict"
    _wait_for(page, _expected(after))
    assert page.locator(".decide-preset select").input_value() == CUSTOM

    # the cost calculator: a new update rate redraws the plot and the table as Python draws them
    plot_before = _cost_svg_parts(page)
    field = page.locator(".decide-updates_per_month input")
    field.fill(f"{updates:g}")
    field.press("Enter")
    want_plot, want_table = _python_cost_view(updates)
    title = f"{updates:g} knowledge updates/month"
    deadline = time.monotonic() + UPDATE_S
    while not any(title in t for t in _cost_svg_parts(page)[0]) and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    got_plot = _cost_svg_parts(page)
    assert got_plot != plot_before, "the cost plot did not change"
    assert tuple(got_plot) == want_plot
    assert _cost_table(page) == want_table
    _shot(page, ".decide-matrix", f"decision_matrix_{width}_after.png")
    _shot(page, ".decide-cost", f"cost_{width}.png")
