"""Part 2 (challenges), served by Voilà and driven in headless Chromium like a visitor would."""

from __future__ import annotations

import pytest

from tests.browser import assert_no_error_text, open_page, scroll_to
from tests.conftest import RENDER_TIMEOUT_MS
from tests.test_browser_foundations import (
    INTERACTION_MS,
    change,
    chart_text,
    title,
    wait_for_caption,
)

pytestmark = pytest.mark.browser

CHALLENGES = "02_challenges.ipynb"
GAP = ".nqp-chart-gap svg"
LESSON = ".nqp-chart-lesson svg"
CONVERSION = ".nqp-chart-conversion svg"
FIRMS = ".nqp-chart-firms svg"
READY = (
    f"{GAP} .mark-line path",
    f"{LESSON} .mark-rect path",
    f"{FIRMS} .mark-rect path",
    ".nqp-claim",
)


def bar_shapes(page) -> list[str]:
    return [
        path.get_attribute("d") or "" for path in page.locator(f"{LESSON} .mark-rect path").all()
    ]


def test_challenges_page_renders_and_its_widgets_move_the_charts(app, page, artifacts):
    page.set_default_navigation_timeout(RENDER_TIMEOUT_MS)
    open_page(page, app.url(CHALLENGES), *READY)
    assert_no_error_text(page)
    body = page.inner_text("body")
    assert "2 Challenges" in body and "Two ways to average: 1.74% or 1.87%?" in body
    page.screenshot(path=artifacts / "challenges-before.png", full_page=True)

    # the gap: another view
    page.locator(".nqp-gap-view").scroll_into_view_if_needed()
    assert title(page, GAP) == "R&D intensity: the three provinces and the leaders"
    change(
        page,
        GAP,
        lambda: page.select_option(
            ".nqp-gap-view select",
            label="The three provinces' R&D spending as a share of Jiangsu's and of the "
            "national total",
        ),
    )
    assert (
        title(page, GAP) == "The three provinces' R&D spending against Jiangsu's and the nation's"
    )
    wait_for_caption(page, GAP, "as % of Jiangsu")

    # the lesson: widths by GDP, then one year back
    page.locator(".nqp-lesson-method").scroll_into_view_if_needed()
    equal = bar_shapes(page)
    assert "average of three: 1.74%" in chart_text(page, LESSON)
    change(
        page, LESSON, lambda: page.click(".nqp-lesson-method button:has-text('weighted by GDP')")
    )
    assert bar_shapes(page) != equal  # the bars took their GDP widths
    page.locator(".nqp-chart-lesson").screenshot(path=artifacts / "challenges-lesson-gdp.png")
    assert title(page, LESSON) == "Two ways to average the three intensities, 2023"
    change(
        page,
        LESSON,
        lambda: (page.focus(".nqp-lesson-year .noUi-handle"), page.keyboard.press("ArrowLeft")),
    )
    assert title(page, LESSON) == "Two ways to average the three intensities, 2022"
    page.wait_for_function(
        "() => document.querySelector('.nqp-lesson-example').innerText"
        ".includes('Worked example for 2022')",
        timeout=INTERACTION_MS,
    )
    wait_for_caption(page, LESSON, "Years shown: 2022")

    # conversion: technology sold per 100 yuan of R&D
    page.locator(".nqp-conversion-view").scroll_into_view_if_needed()
    change(
        page,
        CONVERSION,
        lambda: page.select_option(
            ".nqp-conversion-view select", label="Technology contracts sold per 100 yuan of R&D"
        ),
    )
    assert title(page, CONVERSION) == "Technology contracts sold per 100 yuan of R&D spending"
    assert "Jiangsu" in chart_text(page, CONVERSION)

    # the claims: only the misleading ones
    explorer = ".widget-vbox:has(> .nqp-claims-filter) > .nqp-claims"
    scroll_to(page, ".nqp-claims-filter")  # the last part: drawn as the reader reaches it
    page.locator(".nqp-claims-filter").scroll_into_view_if_needed()
    assert page.locator(f"{explorer} .nqp-claim").count() == 11
    page.click(".nqp-claims-filter button:has-text('misleading')")
    page.wait_for_function(
        "(sel) => document.querySelectorAll(sel).length === 2",
        arg=f"{explorer} .nqp-claim",
        timeout=INTERACTION_MS,
    )
    assert page.locator(f"{explorer} .nqp-verdict-misleading").count() == 2
    page.locator(explorer).screenshot(path=artifacts / "challenges-claims-misleading.png")

    assert page.locator(".nqp-error").count() == 0
    assert_no_error_text(page)
    page.screenshot(path=artifacts / "challenges-after.png", full_page=True)
    page.log.assert_clean()


def test_challenges_page_in_chinese(app, page, artifacts):
    page.set_default_navigation_timeout(RENDER_TIMEOUT_MS)
    open_page(page, app.url(CHALLENGES) + "?lang=zh", *READY)
    assert_no_error_text(page)
    body = page.inner_text("body")
    assert "第二部分" in body and "有误导性" in body and "两种平均方法" in body
    assert title(page, GAP).startswith("研发经费投入强度")
    assert "三省（总量之比）" in chart_text(page, GAP)
    page.locator(".nqp-lesson-method").scroll_into_view_if_needed()
    equal = bar_shapes(page)
    change(page, LESSON, lambda: page.click(".nqp-lesson-method button:has-text('按GDP加权')"))
    assert bar_shapes(page) != equal
    assert "简单平均" in chart_text(page, LESSON)
    page.locator(".nqp-chart-lesson").screenshot(path=artifacts / "challenges-zh-lesson.png")
    page.screenshot(path=artifacts / "challenges-zh.png", full_page=True)
    page.log.assert_clean()


def test_parts_below_the_first_screen_are_drawn_as_the_reader_scrolls_to_them(app, page):
    """The first screen does not wait for the page's lower charts; scrolling draws them."""
    page.set_viewport_size({"width": 1280, "height": 720})
    page.set_default_navigation_timeout(RENDER_TIMEOUT_MS)
    page.goto(app.url(CHALLENGES), wait_until="domcontentloaded")
    page.wait_for_selector(f"{GAP} .mark-line path", state="visible", timeout=RENDER_TIMEOUT_MS)
    waiting = page.locator(".nqp-deferred-placeholder")
    waiting.first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    before = waiting.count()
    assert before >= 4  # lesson, conversion, firms, population, talent, claims: not yet drawn
    assert page.locator(FIRMS).count() == 0
    assert waiting.first.inner_text() == "This part of the page is drawn as you scroll to it."
    assert sum(int(w.get_attribute("data-charts")) for w in waiting.all()) >= 4

    scroll_to(page, f"{FIRMS} .mark-rect path")  # scrolls down part by part

    assert waiting.count() < before
    scroll_to(page, ".nqp-claims-filter")  # on to the end: the claims explorer
    assert waiting.count() == 0
    assert_no_error_text(page)
    page.log.assert_clean()
