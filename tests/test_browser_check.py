"""The model-check page, served by Voilà and driven in headless Chromium like a visitor would:
the track record read from the backtest, the backtest chart following its origin slider and its
pickers, and the tornado following its scenario."""

from __future__ import annotations

import pytest

from helpers.model.validation import HEADLINE_ORIGIN, track_record
from tests.browser import assert_no_error_text, open_page

pytestmark = pytest.mark.browser

CHECK = "06_model_check.ipynb"
RECORD = ".nqp-check-record-box"
BACKTEST_SVG = ".nqp-chart-backtest svg"
TORNADO_SVG = ".nqp-chart-tornado svg"
TIMEOUT_MS = 30_000


def wait_for_change(page, selector: str, old: str) -> None:
    page.wait_for_function(
        "([sel, old]) => (document.querySelector(sel) || {}).innerHTML !== old",
        arg=[selector, old],
        timeout=TIMEOUT_MS,
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_model_check_shows_the_backtest_and_follows_its_controls(app, page, artifacts, lang):
    # Voilà scrolls inside the page: a tall window draws the parts below the first screen.
    page.set_viewport_size({"width": 1280, "height": 6000})
    open_page(page, app.url(CHECK) + f"?lang={lang}", RECORD, f"{BACKTEST_SVG} .mark-line path")
    assert_no_error_text(page)
    record = page.inner_text(RECORD)
    head = track_record().headline()
    shown = f"{head['model']:.1f}%"
    assert shown in record and f"{head['national_drift']:.1f}%" in record  # the harness's output
    assert str(HEADLINE_ORIGIN) in record
    if lang == "zh":
        assert "模型" in record and "起点" in record
    else:
        assert "Origin held flat" in record

    # the origin slider redraws the chart (in the browser) and the caption (from the kernel)
    chart = page.inner_html(BACKTEST_SVG)
    caption = page.inner_text(".nqp-check-backtest .nqp-caption")
    page.focus(".nqp-check-origin .noUi-handle")
    page.keyboard.press("ArrowLeft")
    wait_for_change(page, BACKTEST_SVG, chart)
    page.wait_for_function(
        "([sel, old]) => document.querySelector(sel).innerText !== old",
        arg=[".nqp-check-backtest .nqp-caption", caption],
        timeout=TIMEOUT_MS,
    )
    assert str(HEADLINE_ORIGIN - 1) in page.inner_text(".nqp-check-backtest .nqp-caption")

    # another series: a new chart with its own title
    chart = page.inner_html(BACKTEST_SVG)
    page.select_option(".nqp-check-series select", index=2)  # invention patents granted
    wait_for_change(page, BACKTEST_SVG, chart)
    title = page.text_content(f"{BACKTEST_SVG} .role-title-text")
    assert ("发明专利" if lang == "zh" else "Invention patents") in title
    page.locator(".nqp-check-backtest").screenshot(path=artifacts / f"check-backtest-{lang}.png")

    # the tornado follows the scenario chosen
    page.wait_for_selector(f"{TORNADO_SVG} .mark-rect path", timeout=TIMEOUT_MS)
    tornado = page.inner_html(TORNADO_SVG)
    page.select_option(".nqp-check-preset select", index=3)  # the talent policy
    wait_for_change(page, TORNADO_SVG, tornado)
    page.locator(".nqp-check-tornado").screenshot(path=artifacts / f"check-tornado-{lang}.png")
    assert "2.0" in page.inner_text(".nqp-check-changelog-box")
    page.screenshot(path=artifacts / f"check-{lang}.png", full_page=True)
    assert_no_error_text(page)
    page.log.assert_clean()
