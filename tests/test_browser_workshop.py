"""The workshop page in the browser: guess, reveal, see the answer appear; in Chinese too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import assert_no_error_text, open_page

pytestmark = pytest.mark.browser

PAGE = "04_workshop.ipynb"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_predict_then_reveal(app, page, artifacts, lang):
    open_page(
        page,
        app.url(PAGE) + f"?lang={lang}",
        ".nqp-guess-share .noUi-handle",
        ".nqp-guess-chart-share svg .mark-rect path",
        ".nqp-reveal-model",
    )
    assert_no_error_text(page)
    bars = page.locator(".nqp-guess-chart-share svg .mark-rect path").count()
    page.focus(".nqp-guess-share .noUi-handle")
    page.keyboard.press("ArrowLeft")
    page.click(".nqp-reveal-share")
    page.wait_for_function(
        f"document.querySelectorAll('.nqp-guess-chart-share svg .mark-rect path').length > {bars}"
    )
    page.wait_for_function(
        "document.querySelector('.nqp-reveal-text-share').textContent.trim().length > 0"
    )
    answer = page.inner_text(".nqp-reveal-text-share")
    assert ("每 100 元" if lang == "zh" else "of every 100") in answer
    assert ("来源" if lang == "zh" else "Source") in answer

    page.click(".nqp-reveal-model")  # the model question: answer with its band
    page.wait_for_function(
        "sel => document.querySelector(sel).innerText.includes('P10')",
        arg=".nqp-reveal-text-model",
        timeout=30_000,
    )
    assert "P10" in page.inner_text(".nqp-reveal-text-model")
    page.screenshot(path=artifacts / f"workshop-{lang}.png", full_page=True)

    page.click(".nqp-again-share")
    page.wait_for_function(
        f"document.querySelectorAll('.nqp-guess-chart-share svg .mark-rect path').length === {bars}"
    )
    # The chart and the answer text are separate widget messages: wait for both.
    page.wait_for_function(
        "document.querySelector('.nqp-reveal-text-share').textContent.trim() === ''"
    )
    expect(page.locator(".nqp-reveal-share")).to_be_enabled()
    page.log.assert_clean()
