"""The NQP index page, served by Voilà and driven in headless Chromium like a visitor would."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import assert_no_error_text, open_page

pytestmark = pytest.mark.browser

INDEX = "05_nqp_index.ipynb"
RANKING_SVG = ".nqp-index-chart-ranking svg"
RANKING_MARKS = f"{RANKING_SVG} .mark-rect path"
NORTHEAST_SVG = ".nqp-index-chart-northeast svg"
NORTHEAST_MARKS = f"{NORTHEAST_SVG} .mark-symbol path"
SUMMARY = ".nqp-index-summary"
WEIGHTING = ".nqp-index-weighting"
AGGREGATION = ".nqp-index-aggregation"
#: Seconds a recomputation may take on a busy 2-core machine (it is about a third of a second).
UPDATE_TIMEOUT_MS = 30_000


def ranking_state(page) -> dict:
    return {
        "svg": page.inner_html(RANKING_SVG),
        "summary": page.inner_text(SUMMARY),
        "table": page.inner_html(".nqp-index-ranking .nqp-table"),
        "northeast": page.inner_html(NORTHEAST_SVG),
    }


def wait_for_new_summary(page, old: str) -> None:
    page.wait_for_function(
        "([sel, old]) => document.querySelector(sel).innerText !== old",
        arg=[SUMMARY, old],
        timeout=UPDATE_TIMEOUT_MS,
    )


def wait_for_chart_text(page, selector: str, expected: str) -> None:
    """Wait until a chart (its SVG, title included) shows ``expected``."""
    page.wait_for_function(
        "([sel, text]) => (document.querySelector(sel) || {}).textContent.includes(text)",
        arg=[selector, expected],
        timeout=UPDATE_TIMEOUT_MS,
    )


def test_changing_the_method_changes_the_ranking(app, page, artifacts):
    """Entropy → CRITIC, then weighted sum → TOPSIS: the ranking chart, table and sentence move."""
    # Voilà scrolls inside the page: a tall window lets element screenshots show them whole.
    page.set_viewport_size({"width": 1280, "height": 2400})
    open_page(page, app.url(INDEX), RANKING_MARKS, NORTHEAST_MARKS, f"{WEIGHTING} input")
    assert_no_error_text(page)
    body = page.inner_text("body")
    assert "not an official statistic" in body and "叶天驰" in body and "Li & Liu" in body
    # the two dimensions without official data here are named as gaps, not filled
    gaps = page.inner_text(".nqp-index-indicators")
    assert "Digital economy" in gaps and "Green development" in gaps
    assert gaps.count("missing from the index, not estimated") == 2
    start = ranking_state(page)
    assert "Entropy weights · Weighted sum" in start["summary"]
    page.locator(".nqp-index-ranking").screenshot(path=artifacts / "index-entropy-ranking.png")

    page.click(f"{WEIGHTING} label:has-text('CRITIC weights')")
    wait_for_new_summary(page, start["summary"])
    wait_for_chart_text(page, RANKING_SVG, "CRITIC weights · Weighted sum")
    critic = ranking_state(page)
    assert "CRITIC weights · Weighted sum" in critic["summary"]
    assert critic["svg"] != start["svg"] and critic["table"] != start["table"]
    wait_for_chart_text(page, NORTHEAST_SVG, "CRITIC weights · Weighted sum")
    assert page.inner_html(NORTHEAST_SVG) != start["northeast"]
    assert "High-tech manufacturing revenue" in page.inner_text(".nqp-index-notes")

    page.click(f"{AGGREGATION} label:has-text('TOPSIS')")
    wait_for_new_summary(page, critic["summary"])
    wait_for_chart_text(page, RANKING_SVG, "CRITIC weights · TOPSIS")
    topsis = ranking_state(page)
    assert "CRITIC weights · TOPSIS" in topsis["summary"]
    assert topsis["svg"] != critic["svg"] and topsis["table"] != critic["table"]
    page.locator(".nqp-index-ranking").screenshot(path=artifacts / "index-critic-topsis.png")
    page.locator(".nqp-index-northeast").screenshot(path=artifacts / "index-northeast.png")

    # Swings of 2x or more: listed, then left out at the reader's choice
    swings = page.inner_text(".nqp-index-swings")
    assert "Heilongjiang" in swings and "used as published" in swings
    page.click(".nqp-index-treatment label:has-text('Leave them out')")
    wait_for_new_summary(page, topsis["summary"])
    assert "Heilongjiang" not in page.inner_text(SUMMARY)  # left out of 2023
    expect(page.locator(".nqp-index-swings")).to_contain_text(
        "left out of this year's ranking", timeout=UPDATE_TIMEOUT_MS
    )
    assert page.inner_html(RANKING_SVG) != topsis["svg"]

    # Denominators and published findings follow the choices
    denominators = page.locator(".nqp-index-denominators")
    denominators.scroll_into_view_if_needed()
    expect(denominators).to_contain_text("Per resident where possible", timeout=UPDATE_TIMEOUT_MS)
    published = page.locator(".nqp-index-published")
    published.scroll_into_view_if_needed()
    expect(published).to_contain_text("No published table", timeout=UPDATE_TIMEOUT_MS)
    assert "Li, L. & Liu, Z. (2024)" in published.inner_text()
    denominators.screenshot(path=artifacts / "index-denominators.png")
    published.screenshot(path=artifacts / "index-published.png")
    assert page.inner_text(".nqp-status") == ""
    assert_no_error_text(page)
    page.log.assert_clean()


def test_user_weights_appear_and_all_zero_weights_are_explained(app, page, artifacts):
    """Choosing 'Your weights' shows one slider per indicator; zeroing them all says why not."""
    open_page(page, app.url(INDEX), RANKING_MARKS, f"{WEIGHTING} input")
    page.click(f"{WEIGHTING} label:has-text('Your weights')")
    page.wait_for_selector(".nqp-index-weight .noUi-handle", state="visible", timeout=30_000)
    handles = page.locator(".nqp-index-weight .noUi-handle")
    shares = page.locator(".nqp-index-weight-share")
    assert handles.count() == 5  # one per chosen indicator
    # The shares are separate widget messages, sent after the rows are shown: wait for them.
    expect(page.locator(".nqp-index-user-weights")).to_contain_text(
        "20.0%", timeout=UPDATE_TIMEOUT_MS
    )
    # A keyboard user keeps the focus on a weight while the index follows: two presses in a
    # row both count (the rows used to be rebuilt at each change, and the second key was lost).
    readout = page.locator(".nqp-index-weight .widget-readout").nth(0)
    start = int(readout.inner_text())
    ranking = page.inner_html(RANKING_SVG)
    handles.nth(0).focus()
    page.keyboard.press("ArrowLeft")
    expect(readout).to_have_text(str(start - 1), timeout=UPDATE_TIMEOUT_MS)
    # a lighter weight on one indicator moves the scores of the ranking
    page.wait_for_function(
        "([sel, old]) => document.querySelector(sel).innerHTML !== old",
        arg=[RANKING_SVG, ranking],
        timeout=UPDATE_TIMEOUT_MS,
    )
    expect(shares.nth(0)).not_to_have_text("= 20.0%", timeout=UPDATE_TIMEOUT_MS)
    page.keyboard.press("ArrowLeft")
    expect(readout).to_have_text(str(start - 2), timeout=UPDATE_TIMEOUT_MS)
    for k in range(handles.count()):
        handles.nth(k).focus()
        page.keyboard.press("Home")  # the slider's minimum: 0
        if k < handles.count() - 1:
            # Wait for the index to follow before the next weight.
            expect(shares.nth(k)).to_have_text("= 0.0%", timeout=UPDATE_TIMEOUT_MS)
    page.wait_for_selector(".nqp-status .nqp-error", state="visible", timeout=UPDATE_TIMEOUT_MS)
    message = page.inner_text(".nqp-status")
    assert "Could not rebuild the index" in message and "All weights are zero" in message
    page.locator(".nqp-index-controls").screenshot(path=artifacts / "index-user-weights-zero.png")
    handles.nth(0).focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_selector(".nqp-status .nqp-error", state="detached", timeout=UPDATE_TIMEOUT_MS)
    assert "100.0%" in page.inner_text(".nqp-index-user-weights")
    assert_no_error_text(page)
    page.log.assert_clean()


def test_chinese_page_reads_in_chinese_and_reacts(app, page, artifacts):
    """``?lang=zh``: the statement, the controls and the charts are Chinese, and they work."""
    page.set_viewport_size({"width": 1280, "height": 2400})  # whole elements in screenshots
    open_page(
        page,
        app.url(INDEX) + "?lang=zh",
        RANKING_MARKS,
        NORTHEAST_MARKS,
        ".nqp-index-indicator summary",  # the catalogue, at the end of the page
    )
    assert_no_error_text(page)
    body = page.inner_text("body")
    assert "不是官方统计数据" in body and "示意性指数" in body
    assert "熵值法权重" in page.inner_text(WEIGHTING)
    title = page.text_content(f"{RANKING_SVG} .role-title-text")
    assert title.startswith("2023年新质生产力指数排名")
    assert "辽宁 ◆" in page.text_content(RANKING_SVG)
    before = ranking_state(page)
    assert "辽宁第" in before["summary"]
    page.click(f"{WEIGHTING} label:has-text('CRITIC权重')")
    wait_for_new_summary(page, before["summary"])
    wait_for_chart_text(page, RANKING_SVG, "CRITIC权重，加权求和")
    assert page.inner_html(RANKING_SVG) != before["svg"]
    assert "CRITIC权重" in page.inner_text(SUMMARY)
    assert "数字经济" in page.inner_text(".nqp-index-indicators")
    # a weight of the visitor's own: one key press moves the ranking
    page.click(f"{WEIGHTING} label:has-text('自定义权重')")
    page.wait_for_selector(".nqp-index-weight .noUi-handle", state="visible", timeout=30_000)
    wait_for_chart_text(page, RANKING_SVG, "自定义权重")
    ranking = page.inner_html(RANKING_SVG)
    page.locator(".nqp-index-weight .noUi-handle").nth(0).focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        "([sel, old]) => document.querySelector(sel).innerHTML !== old",
        arg=[RANKING_SVG, ranking],
        timeout=UPDATE_TIMEOUT_MS,
    )
    expect(page.locator(".nqp-index-published")).to_contain_text(
        "未能读到", timeout=UPDATE_TIMEOUT_MS
    )
    page.locator(".nqp-index-indicator summary").first.click()  # one click to a definition
    assert "定义" in page.inner_text(".nqp-index-indicator[open]")
    page.screenshot(path=artifacts / "index-zh-top.png")
    page.locator(".nqp-index-northeast").screenshot(path=artifacts / "index-zh-northeast.png")
    page.locator(".nqp-index-controls").screenshot(path=artifacts / "index-zh-controls.png")
    page.locator(".nqp-index-ranking").screenshot(path=artifacts / "index-zh-ranking.png")
    page.locator(".nqp-index-indicator[open]").screenshot(
        path=artifacts / "index-zh-definition.png"
    )
    page.log.assert_clean()
