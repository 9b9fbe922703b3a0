"""Part 1 (foundations), served by Voilà and driven in headless Chromium like a visitor would."""

from __future__ import annotations

import pytest

from tests.browser import assert_no_error_text, open_page, wait_for_new_html
from tests.conftest import RENDER_TIMEOUT_MS

pytestmark = pytest.mark.browser

FOUNDATIONS = "01_foundations.ipynb"
MAP = ".nqp-chart-map svg"
BASE = ".nqp-chart-base svg"
TREND = ".nqp-chart-trend svg"
#: How long a widget round trip (browser → kernel → browser) may take; generous, because the
#: test machine is shared and a wait ends as soon as the change arrives.
INTERACTION_MS = 60_000
READY = (f"{MAP} .mark-shape path", f"{BASE} .mark-rect path", f"{TREND} .mark-line path")


def title(page, chart: str) -> str:
    return page.text_content(f"{chart} .role-title-text")


def caption(page, chart: str) -> str:
    css = chart.split()[0]
    return page.inner_text(f".widget-vbox:has(> {css}) > .nqp-caption")


def wait_for_caption(page, chart: str, expected: str) -> None:
    """Wait until the caption under ``chart`` contains ``expected``.

    Chart parameters and caption travel as separate widget messages, so the caption may
    arrive a moment after the chart has changed.
    """
    css = chart.split()[0]
    page.wait_for_function(
        "([sel, want]) => document.querySelector(sel).parentElement"
        ".querySelector('.nqp-caption').innerText.includes(want)",
        arg=[css, expected],
        timeout=INTERACTION_MS,
    )


def chart_text(page, chart: str) -> str:
    """Every text the chart draws (labels, unit line, end labels)."""
    return " ".join(page.locator(f"{chart} text").all_text_contents())


def wait_for_change(page, chart: str, old_svg: str) -> None:
    wait_for_new_html(page, chart, old_svg, timeout=INTERACTION_MS)


def change(page, chart: str, action) -> None:
    """Do ``action`` and wait until the chart's SVG has changed."""
    before = page.inner_html(chart)
    action()
    wait_for_change(page, chart, before)


def test_foundations_page_renders_and_its_widgets_move_the_charts(app, page, artifacts):
    page.set_default_navigation_timeout(RENDER_TIMEOUT_MS)
    open_page(page, app.url(FOUNDATIONS), *READY)
    assert_no_error_text(page)
    body = page.inner_text("body")
    assert "1 Foundations" in body and "Show the numbers" in body
    assert "2 Challenges" in page.inner_text(".nqp-header")
    page.screenshot(path=artifacts / "foundations-before.png", full_page=True)

    # the map: another measure recolours the region, retitles it and rewrites the caption
    assert title(page, MAP) == "Population at the 2020 census (million people)"
    page.locator(".nqp-map-measure").scroll_into_view_if_needed()
    change(
        page,
        MAP,
        lambda: page.select_option(
            ".nqp-map-measure select", label="population change, 2010 → 2020 census"
        ),
    )
    assert title(page, MAP) == "Population change between the 2010 and 2020 censuses (%)"
    wait_for_caption(page, MAP, "censuses")
    assert "Hinggan League" in chart_text(page, MAP) and "no data" in chart_text(page, MAP)
    page.locator(".nqp-chart-map").screenshot(path=artifacts / "foundations-map-growth.png")

    # the base: one year back
    page.locator(".nqp-base-year").scroll_into_view_if_needed()
    latest = title(page, BASE)
    change(
        page,
        BASE,
        lambda: (page.focus(".nqp-base-year .noUi-handle"), page.keyboard.press("ArrowLeft")),
    )
    year = int(latest.rsplit(", ", 1)[1])
    assert title(page, BASE).endswith(f", {year - 1}")
    wait_for_caption(page, BASE, f"In {year - 1},")

    # the trend explorer: indicator, regions, comparators, index
    page.locator(".nqp-trend-indicator").scroll_into_view_if_needed()
    assert title(page, TREND) == "R&D intensity (R&D spending as % of GDP)"
    change(
        page, TREND, lambda: page.select_option(".nqp-trend-indicator select", label="R&D spending")
    )
    assert title(page, TREND) == "R&D spending"
    wait_for_caption(page, TREND, "R&D spending, latest value")
    assert "National" in chart_text(page, TREND)
    change(page, TREND, lambda: page.click(".nqp-trend-comparator-cn input"))
    assert "National" not in chart_text(page, TREND)
    change(
        page,
        TREND,
        lambda: page.select_option(".nqp-trend-regions select", label=["Northeast 3 (LN+JL+HL)"]),
    )
    labels = chart_text(page, TREND)
    assert "Northeast 3 (LN+JL+HL)" in labels and "Liaoning" not in labels
    change(page, TREND, lambda: page.click(".nqp-trend-show button:has-text('index')"))
    assert "Index, 2011 = 100" in chart_text(page, TREND)
    wait_for_caption(page, TREND, "Index:")
    page.locator(".nqp-chart-trend").screenshot(path=artifacts / "foundations-trend-index.png")

    assert page.locator(".nqp-error").count() == 0
    assert_no_error_text(page)
    page.screenshot(path=artifacts / "foundations-after.png", full_page=True)
    page.log.assert_clean()


def test_foundations_page_in_chinese(app, page, artifacts):
    page.set_default_navigation_timeout(RENDER_TIMEOUT_MS)
    open_page(page, app.url(FOUNDATIONS) + "?lang=zh", *READY)
    assert_no_error_text(page)
    body = page.inner_text("body")
    assert "第一部分" in body and "显示数据" in body
    assert title(page, MAP) == "2020年人口普查常住人口（百万人）"
    assert "辽宁" in chart_text(page, MAP) and "兴安盟" in chart_text(page, MAP)
    assert title(page, TREND).startswith("研发经费投入强度")
    assert "来源" in caption(page, TREND)
    page.locator(".nqp-map-measure").scroll_into_view_if_needed()
    change(page, MAP, lambda: page.select_option(".nqp-map-measure select", label="土地面积"))
    assert title(page, MAP) == "土地面积（万平方公里）"
    page.locator(".nqp-chart-map").screenshot(path=artifacts / "foundations-zh-map-area.png")
    page.screenshot(path=artifacts / "foundations-zh.png", full_page=True)
    page.log.assert_clean()
