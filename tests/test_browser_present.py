"""Presenter mode: big type, one idea per screen, keys to move, readable in a room."""

from __future__ import annotations

import pytest

from tests.browser import open_page

pytestmark = pytest.mark.browser

START = "00_start_here.ipynb"
HANDLE = ".nqp-year-slider .noUi-handle"
MARKS = ".nqp-chart-ranking svg .mark-rect path"


def font_px(page, selector: str) -> float:
    return page.evaluate(
        f"parseFloat(getComputedStyle(document.querySelector('{selector}')).fontSize)"
    )


def test_presenter_mode_enlarges_and_moves_by_keys(app, page, artifacts):
    open_page(page, app.url(START) + "?lang=zh", HANDLE, MARKS)
    normal_text = font_px(page, ".jp-RenderedMarkdown p")
    page.goto("about:blank")

    open_page(page, app.url(START) + "?lang=zh&mode=present", HANDLE, MARKS, "#nqp-present-help")
    assert "演示模式" in page.inner_text("#nqp-present-help")
    assert font_px(page, ".jp-RenderedMarkdown p") > 1.3 * normal_text
    assert not page.is_visible(".nqp-table")  # one idea per screen: no data tables
    page.screenshot(path=artifacts / "present-zh-1.png")

    page.click("h1:visible")  # the keys go to the page, not to a widget
    positions = []
    for _ in range(3):
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(300)
        positions.append(page.get_attribute("body", "data-nqp-slide"))
    steps = [int(position) for position in positions]
    assert steps == [steps[0], steps[0] + 1, steps[0] + 2] and steps[0] >= 1
    page.screenshot(path=artifacts / "present-zh-2.png")
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(300)
    slide = page.get_attribute("body", "data-nqp-slide")
    assert slide == str(steps[1])

    # The slider still takes its own keys in presenter mode.
    before = page.inner_text(".nqp-year-slider .widget-readout")
    page.focus(HANDLE)
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        f"document.querySelector('.nqp-year-slider .widget-readout').textContent !== '{before}'"
    )
    assert page.get_attribute("body", "data-nqp-slide") == slide

    page.click("h1:visible")
    page.keyboard.press("Escape")
    page.wait_for_url("**/00_start_here.ipynb?lang=zh", timeout=30_000)
    page.log.assert_clean()
