"""A served chart compiled to Vega ahead of the visitor (helpers.vega_cache) draws the same
chart as the browser's own compile, and answers its slider as before."""

from __future__ import annotations

import re
import shutil
import time

import pytest

from helpers import NOTEBOOK_DIR
from tests.browser import open_page, wait_for_new_html
from tests.conftest import start_app, stop_process_tree

START = "00_start_here.ipynb"
HANDLE = ".nqp-year-slider .noUi-handle"
CHART_SVG = ".nqp-chart-ranking svg"
CHART_MARKS = f"{CHART_SVG} .mark-rect path"
SCHEMA = re.compile(r"schema/(vega-lite|vega)/v\d")


@pytest.fixture(scope="module")
def compiling_app(tmp_path_factory, artifacts):
    """The start page served with an empty cache of compiled charts."""
    root = tmp_path_factory.mktemp("compiled-charts")
    shutil.copy(NOTEBOOK_DIR / START, root / START)
    cache = tmp_path_factory.mktemp("vega-cache")
    running = start_app(
        root, artifacts / "voila-compiled-charts.log", env={"NQP_VEGA_CACHE": str(cache)}
    )
    try:
        yield running, cache
    finally:
        stop_process_tree(running.process)


def test_a_chart_compiled_ahead_is_drawn_the_same_and_follows_its_slider(
    compiling_app, page, artifacts
):
    app, cache = compiling_app
    schemas: list[str] = []

    def on_socket(socket):
        def received(payload):
            text = payload if isinstance(payload, str) else payload.decode("utf-8", "ignore")
            schemas.extend(SCHEMA.findall(text))

        socket.on("framereceived", received)

    page.on("websocket", on_socket)

    def load() -> tuple[set[str], str]:
        schemas.clear()
        open_page(page, app.url(START), HANDLE, CHART_MARKS)
        return set(schemas), page.inner_html(CHART_SVG)

    sent, drawn = load()
    assert sent == {"vega-lite"}  # nothing compiled yet: the browser compiles the chart

    # the page's kernel queued its charts; the compiler process fills the cache for the next
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (
        not list(cache.glob("*.json")) or list((cache / "pending").glob("*.json"))
    ):
        time.sleep(0.5)
    assert list(cache.glob("*.json")) and not list(cache.glob("*.failed"))
    for _ in range(6):  # a kernel preheated before the compiler finished still sends Vega-Lite
        sent, svg = load()
        if sent == {"vega"}:
            break
        time.sleep(3)
    assert sent == {"vega"}
    assert svg == drawn  # the same marks, text and layout as the browser's own compile
    page.screenshot(path=artifacts / "compiled-chart-before.png", full_page=True)

    year = int(page.inner_text(".nqp-year-slider .widget-readout"))
    page.focus(HANDLE)
    page.keyboard.press("ArrowLeft")
    wait_for_new_html(page, CHART_SVG, svg)
    title = page.text_content(f"{CHART_SVG} .role-title-text")
    assert title == f"R&D intensity by province, {year - 1}"
    page.screenshot(path=artifacts / "compiled-chart-after.png", full_page=True)
    page.log.assert_clean()
