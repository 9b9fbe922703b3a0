"""The start page, served by Voilà and driven in headless Chromium like a visitor would."""

from __future__ import annotations

import time

import pytest

from tests.browser import (
    RENDER_TIMEOUT_MS,
    KernelHold,
    assert_no_error_text,
    open_page,
    wait_for_new_html,
)

pytestmark = pytest.mark.browser

START = "00_start_here.ipynb"
SLIDER = ".nqp-year-slider"
HANDLE = f"{SLIDER} .noUi-handle"
CHART_MARKS = ".nqp-chart-ranking svg .mark-rect path"
CHART_SVG = ".nqp-chart-ranking svg"


def chart_state(page) -> dict:
    return {
        "svg": page.inner_html(CHART_SVG),
        "title": page.text_content(f"{CHART_SVG} .role-title-text"),
        "readout": page.inner_text(f"{SLIDER} .widget-readout"),
        "caption": page.inner_text(".nqp-caption"),
    }


def test_slider_changes_the_chart(app, page, artifacts):
    """Moving the year slider with the keyboard redraws the chart and its caption."""
    bundles = []
    page.on("request", lambda r: bundles.append(r.url) if "jupyterchart-offline" in r.url else None)
    open_page(page, app.url(START), HANDLE, CHART_MARKS)
    # the Vega bundle comes once, from this server's template static files, named ahead of the
    # chart by a hidden link (the chart's import finds it ready)
    assert len(bundles) == 1 and "/voila/templates/nqp/static/" in bundles[0]
    preload = page.evaluate(
        "() => { const l = document.querySelector('link.nqp-preload[rel=modulepreload]');"
        " return l && [l.href, getComputedStyle(l.closest('.jp-OutputArea-child')).display]; }"
    )
    assert preload == [bundles[0], "none"]
    assert_no_error_text(page)
    before = chart_state(page)
    page.screenshot(path=artifacts / "start-before.png", full_page=True)

    page.focus(HANDLE)
    page.keyboard.press("ArrowLeft")
    wait_for_new_html(page, CHART_SVG, before["svg"])
    # The caption is a separate widget message, sent after the chart's: wait for it too.
    page.wait_for_function(
        "want => document.querySelector('.nqp-caption').innerText.includes(want)",
        arg=f"In {int(before['readout']) - 1},",
        timeout=15_000,
    )
    after = chart_state(page)
    page.screenshot(path=artifacts / "start-after.png", full_page=True)

    first, second = int(before["readout"]), int(after["readout"])
    assert second == first - 1
    assert after["title"] == f"R&D intensity by province, {second}"
    assert f"In {second}," in after["caption"] and f"In {first}," in before["caption"]
    assert after["svg"] != before["svg"]
    assert_no_error_text(page)
    page.log.assert_clean()


def test_chart_follows_the_slider_in_the_browser_before_the_kernel_answers(app, page, artifacts):
    """The chart's year follows the slider in the browser (helpers.widgets.FollowValue): with
    every message from the kernel held back, a key press still redraws the chart, and only the
    caption (written by the kernel) waits. Released, the kernel's caption follows and the chart
    stays on the slider's year (the kernel does not send an older year back)."""
    hold = KernelHold(page)
    open_page(page, app.url(START), HANDLE, CHART_MARKS)
    page.wait_for_timeout(500)  # the page quiet: the link is in place
    before = chart_state(page)
    year = int(before["readout"])

    hold.on = True
    page.focus(HANDLE)
    page.keyboard.press("ArrowLeft")
    wait_for_new_html(page, CHART_SVG, before["svg"], timeout=5_000)
    page.wait_for_timeout(300)
    away = chart_state(page)
    page.screenshot(path=artifacts / "start-kernel-away.png")
    assert away["title"] == f"R&D intensity by province, {year - 1}"
    assert away["caption"] == before["caption"]  # the kernel's part has not come yet
    assert hold.held, "the kernel's replies were not held back"

    hold.release()
    page.wait_for_function(
        "want => document.querySelector('.nqp-caption').innerText.includes(want)",
        arg=f"In {year - 1},",
        timeout=15_000,
    )
    page.wait_for_timeout(300)
    assert page.text_content(f"{CHART_SVG} .role-title-text").endswith(str(year - 1))
    page.log.assert_clean()


def started_since(app, before: set[int]) -> list[int]:
    return [kernel.pid for kernel in app.kernels() if kernel.pid not in before]


def test_start_page_renders_twenty_times_in_a_row(app, page):
    """Twenty loads in a row all render (VOILA_NOTES.md trap 1: the page-load hang).

    Each load starts a kernel; leaving the page shuts it down, so kernels do not pile up.
    """
    # Other tests share this server and may still hold kernels of their own; count only ours.
    before = {kernel.pid for kernel in app.kernels()}
    failures = []
    for attempt in range(20):
        try:
            open_page(page, app.url(START), HANDLE, CHART_MARKS)
            assert_no_error_text(page)
        except Exception as exc:  # record and go on: the test reports how many failed
            failures.append(f"load {attempt + 1}: {exc.__class__.__name__}: {exc}"[:300])
    assert not failures, f"{len(failures)} of 20 loads failed:\n" + "\n".join(failures)
    page.goto("about:blank")
    # Of the kernels started during the 20 visits, only the pool's replacement stays.
    deadline = time.monotonic() + 30
    while len(started_since(app, before)) > 1 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert len(started_since(app, before)) <= 1
    page.log.assert_clean()


def test_directory_page_lists_only_the_app_and_stays_local(app, page, artifacts):
    """The landing list shows the app's notebooks and loads nothing from other hosts."""
    page.goto(app.base_url + "/", wait_until="networkidle")
    page.wait_for_selector(f"text={START}", timeout=30_000)
    page.screenshot(path=artifacts / "tree.png", full_page=True)
    page.log.assert_clean()


def test_chinese_page_shows_chinese_narrative_and_chart(app, page, artifacts):
    """``?lang=zh`` turns the narrative, the widgets and the chart into Chinese."""
    open_page(page, app.url(START) + "?lang=zh", HANDLE, CHART_MARKS)
    page.screenshot(path=artifacts / "start-zh.png", full_page=True)
    body = page.inner_text("body")
    assert "东北地区新质生产力" in body and "年份" in body
    assert page.text_content(f"{CHART_SVG} .role-title-text").startswith("各省研发经费投入强度")
    assert "辽宁" in page.text_content(CHART_SVG)
    assert "在 31 个省份中" in page.inner_text(".nqp-caption")
    # the switch back to English keeps the page
    page.click(".nqp-lang-en")
    page.wait_for_selector("text=New Quality Productive Forces", timeout=90_000)
    page.log.assert_clean()


def test_unknown_language_in_the_address_shows_a_notice(app, page):
    open_page(page, app.url(START) + "?lang=klingon", HANDLE)
    notice = page.inner_text(".nqp-notice")
    assert "klingon" in notice
    assert "New Quality Productive Forces" in page.inner_text("body")
    page.log.assert_clean()


SHOWN_NARRATIVE = """() => Array.from(document.querySelectorAll('.nqp-say'))
    .map(block => [block.lang, block.offsetParent !== null])"""


def test_a_page_run_ahead_shows_its_narrative_in_the_visitors_language_only(app, page, artifacts):
    """The kernel wrote the narrative in both languages before anyone visited; the visitor's
    is the one shown, the page says which language it is in, and switching shows the other."""
    open_page(page, app.url(START) + "?lang=zh", HANDLE, CHART_MARKS)
    blocks = page.evaluate(SHOWN_NARRATIVE)
    assert blocks and {lang for lang, shown in blocks if shown} == {"zh-Hans"}
    assert {lang for lang, shown in blocks if not shown} == {"en"}
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"  # glyphs, screen readers
    assert page.inner_text("h1:visible").startswith("NQP Lab：东北地区新质生产力")
    assert "简体中文" in page.inner_text(".nqp-page-header b")  # the header's slot, filled
    page.screenshot(path=artifacts / "start-run-ahead-zh.png")

    page.click(".nqp-lang-en")
    page.wait_for_url("**lang=en**")
    page.wait_for_selector(CHART_MARKS, state="visible", timeout=RENDER_TIMEOUT_MS)
    assert {lang for lang, shown in page.evaluate(SHOWN_NARRATIVE) if shown} == {"en"}
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.inner_text("h1:visible").startswith("NQP Lab: New Quality Productive Forces")
    page.log.assert_clean()
