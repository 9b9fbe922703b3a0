"""Serving a room: idle kernels are culled, memory comes back, and culling never hits a visitor.

Voilà 0.5 leaks a kernel per visit unless something stops it: leaving a page sends a shutdown
beacon (made to work by the nqp template), and a visitor who vanishes without one (a closed
laptop, a crashed tab) leaves a kernel that the culler stops once idle and unconnected. Culling
must never stop a preheated kernel just handed to a visitor, nor one a visitor is still using.
These tests run a server with the cull timeout shortened from 15 minutes to seconds.
"""

from __future__ import annotations

import contextlib
import time

import psutil
import pytest

from helpers import NOTEBOOK_DIR
from tests.browser import open_page, wait_for_new_html
from tests.conftest import start_app, stop_process_tree

pytestmark = pytest.mark.browser

START = "00_start_here.ipynb"
HANDLE = ".nqp-year-slider .noUi-handle"
CHART_SVG = ".nqp-chart-ranking svg"
CULL_AFTER = 8  # seconds idle (the app uses 900)
CULL_EVERY = 2
POOL = len(list(NOTEBOOK_DIR.glob("*.ipynb")))


@pytest.fixture(scope="module")
def quick_cull_app(artifacts):
    app = start_app(
        NOTEBOOK_DIR,
        artifacts / "voila-cull.log",
        (
            f"--MappingKernelManager.cull_idle_timeout={CULL_AFTER}",
            f"--MappingKernelManager.cull_interval={CULL_EVERY}",
        ),
    )
    try:
        yield app
    finally:
        stop_process_tree(app.process)


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return condition()


def kernels_uss_mb(app) -> float:
    total = 0.0
    for kernel in app.kernels():
        with contextlib.suppress(psutil.Error):
            total += kernel.memory_full_info().uss / 2**20
    return total


def test_idle_pool_and_connected_visitors_are_never_culled(quick_cull_app, page, artifacts):
    # The pool kernel has waited longer than the cull timeout before anyone comes.
    wait_for(lambda: len(quick_cull_app.kernels()) == POOL, 60)
    time.sleep(CULL_AFTER + 2 * CULL_EVERY)
    assert len(quick_cull_app.kernels()) == POOL
    open_page(page, quick_cull_app.url(START), HANDLE, f"{CHART_SVG} .mark-rect path")
    # The visitor reads for longer than the cull timeout, connected but idle.
    time.sleep(CULL_AFTER + 2 * CULL_EVERY)
    before = page.inner_html(CHART_SVG)
    page.focus(HANDLE)
    page.keyboard.press("ArrowLeft")
    wait_for_new_html(page, CHART_SVG, before, timeout=15_000)
    assert page.locator("#nqp-connection-lost").count() == 0
    page.log.assert_clean()


def test_vanished_visitors_are_culled_and_memory_returns(quick_cull_app, browser):
    assert wait_for(lambda: len(quick_cull_app.kernels()) == POOL, 60)
    time.sleep(2)
    baseline_mb = kernels_uss_mb(quick_cull_app)
    contexts = []
    for _ in range(3):
        context = browser.new_context()
        tab = context.new_page()
        open_page(tab, quick_cull_app.url(START), HANDLE)
        contexts.append(context)
    assert len(quick_cull_app.kernels()) >= POOL + 3
    for context in contexts:  # gone without a word: no unload, no beacon
        context.close()
    assert wait_for(lambda: len(quick_cull_app.kernels()) == POOL, CULL_AFTER + 30)
    after_mb = kernels_uss_mb(quick_cull_app)
    assert after_mb < baseline_mb * 1.5 + 20, (baseline_mb, after_mb)
