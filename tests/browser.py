"""Small helpers for browser tests (imported by the test modules, not a test module itself)."""

from __future__ import annotations

from playwright.sync_api import Page

from helpers.ui import SCROLL_TO_JS
from tests.conftest import RENDER_TIMEOUT_MS

#: Text Voilà shows when a cell fails at page load; it must never appear in the app.
VOILA_CELL_ERROR = "There was an error when executing cell"


def open_page(page: Page, url: str, *selectors: str) -> None:
    """Navigate and wait until every selector is visible (the page is interactive).

    A selector in a part of the page drawn as the reader comes near it is scrolled to first;
    the page is then back at its top.
    """
    page.goto(url, wait_until="domcontentloaded")
    for selector in selectors:
        scroll_to(page, selector)
        page.wait_for_selector(selector, state="visible", timeout=RENDER_TIMEOUT_MS)
    page.evaluate("document.querySelector('.jp-Cell')?.scrollIntoView({block: 'start'})")


def scroll_to(page: Page, selector: str) -> None:
    """Scroll down until ``selector`` is drawn (parts below the first screen are drawn when the
    reader comes near them)."""
    page.wait_for_function(SCROLL_TO_JS, arg=selector, timeout=RENDER_TIMEOUT_MS, polling=100)


def wait_for_new_html(page: Page, selector: str, old: str, timeout: float = 15_000) -> None:
    """Wait until the element's HTML differs from ``old`` (a chart redrawn after a change)."""
    page.wait_for_function(
        "([sel, old]) => document.querySelector(sel).innerHTML !== old",
        arg=[selector, old],
        timeout=timeout,
    )


def visible_text(page: Page) -> str:
    return page.inner_text("body")


def assert_no_error_text(page: Page) -> None:
    text = visible_text(page)
    assert VOILA_CELL_ERROR not in text, text[:2000]
    assert "Traceback" not in text, text[:2000]


class KernelHold:
    """Holds back every message from the page's kernels while ``on`` (a kernel that is slow to
    answer), and lets them through, in order, on :meth:`release`. Install before the page
    loads: ``hold = KernelHold(page)``."""

    def __init__(self, page: Page) -> None:
        self.on = False
        self.held: list = []  # (socket to the page, message)
        page.route_web_socket("**/api/kernels/**", self._route)

    def _route(self, ws) -> None:
        server = ws.connect_to_server()

        def from_kernel(message) -> None:
            if self.on:
                self.held.append((ws, message))
            else:
                ws.send(message)

        server.on_message(from_kernel)

    def release(self) -> None:
        self.on = False
        held, self.held = self.held, []
        for ws, message in held:
            ws.send(message)
