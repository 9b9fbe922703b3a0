"""The scenario lab (03_measures), served by Voilà and driven in headless Chromium like a visitor.

Sliders are moved with the keyboard on their noUiSlider handle, buttons are clicked; every test
checks that what a visitor sees changed (charts and numbers), that no error text appears, and
that the page logged no console error and made no request off the machine.
"""

from __future__ import annotations

import pytest

from tests.browser import (
    KernelHold,
    assert_no_error_text,
    open_page,
    scroll_to,
    wait_for_new_html,
)
from tests.conftest import RENDER_TIMEOUT_MS

pytestmark = pytest.mark.browser

LAB = "03_measures.ipynb"
RD = ".nqp-lab-lever-rd_intensity_target"
TALENT = ".nqp-lab-lever-talent_recruitment"
FUND = ".nqp-lab-lever-guided_fund"
TTO = ".nqp-lab-lever-tto_coverage_increase"
CHART_SVG = ".nqp-chart-lab svg"
READOUTS = ".nqp-lab-readouts"
#: Seconds to wait for the model to answer a slider in the browser (generous: CI is busy).
ANSWER_MS = 30_000


def screenshot(page, path) -> None:
    """The whole page, not only the first screen.

    Voilà's lab template scrolls inside ``#rendered_cells``, so Playwright's ``full_page``
    captures one viewport; the viewport is stretched to the content for the shot instead.
    (To hoist into tests/browser.py.)
    """
    size = page.viewport_size
    height = page.evaluate(
        "() => (document.getElementById('rendered_cells') || document.body).scrollHeight"
    )
    page.set_viewport_size({"width": size["width"], "height": max(height + 40, size["height"])})
    page.wait_for_timeout(400)
    try:
        page.screenshot(path=path, full_page=True)
    finally:
        page.set_viewport_size(size)


def open_lab(page, app, query: str = "") -> None:
    # Voilà answers once the notebook has run up to the visitor; on a busy machine a kernel that
    # is still starting takes longer than Playwright's default 30 s (to hoist into open_page).
    page.set_default_navigation_timeout(RENDER_TIMEOUT_MS)
    open_page(
        page,
        app.url(LAB) + query,
        f"{RD} .noUi-handle",
        f"{CHART_SVG} .mark-line path",
        f"{READOUTS} table",
    )
    assert_no_error_text(page)


def state(page) -> dict[str, str]:
    """What a visitor sees of the lab's results."""
    return {
        "chart": page.inner_html(CHART_SVG),
        "readouts": page.inner_text(READOUTS),
    }


def titles(page) -> list[str]:
    """Every title in the chart: the views' and the small multiples' (a title on two lines is
    read as one, its lines joined by a space)."""
    return page.eval_on_selector_all(
        f"{CHART_SVG} .role-title-text",
        """els => els.map(e => {
            const lines = Array.from(e.querySelectorAll('tspan'), t => t.textContent);
            return lines.length ? lines.join(' ') : e.textContent;
        })""",
    )


def readout(page, name: str, column: str = "scenario") -> str:
    return page.inner_text(f'{READOUTS} [data-readout="{name}-{column}"]')


def slider_value(page, lever: str) -> str:
    return page.inner_text(f"{lever} .widget-readout")


#: The chart's drawn elements (leaves of its SVG), sorted: what it shows, whatever the order
#: Vega put them in (axis ticks entering in another order draw the same chart).
DRAWN_JS = """sel => Array.from(document.querySelector(sel).querySelectorAll('*'))
    .filter(e => e.children.length === 0).map(e => e.outerHTML).sort()"""


def wait_for_new_chart(page, selector: str, old: str) -> None:
    """Vega redraws after the new rows arrive: wait for the SVG to differ from ``old``."""
    wait_for_new_html(page, selector, old, timeout=ANSWER_MS)


def wait_for_new_readouts(page, old: str) -> None:
    page.wait_for_function(
        "([sel, old]) => document.querySelector(sel).innerText !== old",
        arg=[READOUTS, old],
        timeout=ANSWER_MS,
    )


def wait_for_preset_status(page, expected: str) -> None:
    """The preset line follows the chart and readouts (30 ms later, ``helpers.ui.Later``)."""
    page.wait_for_function(
        "want => document.querySelector('.nqp-lab-preset-status').innerText.includes(want)",
        arg=expected,
        timeout=ANSWER_MS,
    )


def test_the_lab_renders_with_its_parts_and_no_error(app, page, artifacts):
    """Levers with grades, presets, readouts, warnings, two charts with captions and tables, the
    assumptions and the model details; the source of a lever one click away; equations typeset
    offline."""
    open_lab(page, app)
    # the assumptions and the model details: further down, drawn as the reader reaches them
    scroll_to(page, ".nqp-lab-reset-assumptions")
    scroll_to(page, ".nqp-lab-model")
    screenshot(page, artifacts / "lab-en.png")
    body = page.inner_text("body")
    for expected in (
        "Scenario lab",
        "Policy levers",
        "The report's measures",
        "All five measures together",
        "Reset levers to baseline",
        "Reset assumptions",
        "No model warnings",
        "Year R&D intensity reaches the national average",
        "not a forecast",
        "Depreciation rate of R&D capital",
    ):
        assert expected in body, expected
    assert page.locator(".nqp-lab-lever").count() == 11
    assert page.locator(".nqp-grade-judgement").count() > 20
    shown = titles(page)  # the two views, then the six small multiples in between
    assert shown[0] == "R&D intensity, baseline and scenario: Northeast (3 provinces)"
    assert "Key outputs, baseline and scenario: Northeast (3 provinces)" in shown
    assert "R&D personnel (full-time equivalent) (person-years)" in shown
    # the unit on a line of its own: no small multiple's title is cut short, whatever the font
    assert not [title for title in shown if "…" in title]
    assert "Jiangsu (trend)" in page.text_content(CHART_SVG)
    assert "GDP: effect of the scenario (CNY 100 million)" in shown

    details = page.locator(".nqp-lab-head-guided_fund details")
    assert not details.locator("text=Source:").is_visible()
    details.locator("summary").click()
    assert details.locator("text=Source:").is_visible()

    page.click(".nqp-lab-model >> text=Equations")
    page.wait_for_selector(".nqp-lab-equations mjx-container", timeout=ANSWER_MS)
    page.screenshot(path=artifacts / "lab-en-equations.png")
    assert_no_error_text(page)
    page.log.assert_clean()


def test_the_lab_reads_in_chinese(app, page, artifacts):
    open_lab(page, app, "?lang=zh")
    screenshot(page, artifacts / "lab-zh.png")
    body = page.inner_text("body")
    for expected in (
        "情景实验室",
        "政策杠杆",
        "五项措施组合",
        "杠杆恢复基准",
        "判断",
        "模型情景，不是预测",
    ):
        assert expected in body, expected
    assert titles(page)[0] == "研发经费投入强度（基准与政策情景）：东北三省"
    assert "东北三省读数" in page.inner_text(READOUTS)
    assert "研发经费（亿元）" in page.text_content(CHART_SVG)
    assert_no_error_text(page)
    page.log.assert_clean()


def test_the_figure_below_a_laptops_first_screen_is_drawn_as_the_reader_nears_it(
    app, page, artifacts
):
    """At 1280 x 720 the chart starts below the first screen: the levers and readouts are drawn
    without it, a preset chosen meanwhile changes the numbers, and the chart drawn when the
    reader scrolls towards it shows that scenario exactly as the kernel draws it there."""
    page.set_viewport_size({"width": 1280, "height": 720})
    page.set_default_navigation_timeout(RENDER_TIMEOUT_MS)
    open_page(page, app.url(LAB), f"{RD} .noUi-handle", f"{READOUTS} table")
    waiting = page.locator(".nqp-lab-outputs-column .nqp-deferred-placeholder")
    assert waiting.count() == 1
    assert waiting.get_attribute("data-charts") == "1"
    assert page.locator(".nqp-chart-lab").count() == 0

    before = page.inner_text(READOUTS)
    page.click(".nqp-lab-preset-combined_package")
    wait_for_new_readouts(page, before)
    wait_for_preset_status(page, "All five measures together")
    chosen = page.inner_text(READOUTS)
    assert page.locator(".nqp-chart-lab").count() == 0  # still out of sight, still not drawn

    scroll_to(page, f"{CHART_SVG} .mark-line path")
    drawn = page.evaluate(DRAWN_JS, CHART_SVG)
    screenshot(page, artifacts / "lab-figure-drawn-when-near.png")
    assert waiting.count() == 0

    # the kernel draws the same scenario again, the chart now on the page
    shown = page.inner_html(CHART_SVG)
    page.click(".nqp-lab-reset-levers")
    wait_for_new_readouts(page, chosen)
    wait_for_new_chart(page, CHART_SVG, shown)
    page.click(".nqp-lab-preset-combined_package")
    page.wait_for_function(
        "([sel, want]) => document.querySelector(sel).innerText === want",
        arg=[READOUTS, chosen],
        timeout=ANSWER_MS,
    )
    page.wait_for_function(
        """([js, sel, want]) => {
            const now = eval(js)(sel);
            return now.length === want.length && now.every((leaf, i) => leaf === want[i]);
        }""",
        arg=[DRAWN_JS, CHART_SVG, drawn],
        timeout=ANSWER_MS,
    )
    assert_no_error_text(page)
    page.log.assert_clean()


def test_the_rd_slider_changes_the_charts_and_the_readouts(app, page, artifacts):
    open_lab(page, app)
    before = state(page)
    intensity_before = float(readout(page, "rd_intensity"))
    slider_before = float(slider_value(page, RD))

    hint = page.inner_text(".nqp-lab-no-policy")
    assert "Without new policy" in hint and "Liaoning" in hint  # the level a target must beat
    page.focus(f"{RD} .noUi-handle")
    for _ in range(4):  # a target above the no-policy path of every province
        page.keyboard.press("PageUp")
    wait_for_new_readouts(page, before["readouts"])
    wait_for_new_chart(page, CHART_SVG, before["chart"])
    after = state(page)
    screenshot(page, artifacts / "lab-rd-moved.png")

    assert float(slider_value(page, RD)) > slider_before
    assert after["chart"] != before["chart"]
    assert float(readout(page, "rd_intensity")) > intensity_before
    assert readout(page, "rd_intensity", "change").startswith("+")
    assert readout(page, "rd_expenditure", "change").startswith("+")
    assert "Liaoning" in page.inner_text(".nqp-lab-provinces-rd_intensity_target")
    assert_no_error_text(page)
    page.log.assert_clean()


def test_stepping_a_lever_up_and_back_shows_the_same_numbers_at_every_step(app, page, artifacts):
    """Arrow-key steps are answered from runs worked out ahead or kept (helpers.panels.lab):
    each step up shows new numbers, and each step back shows exactly those seen there before."""
    open_lab(page, app)
    scroll_to(page, TALENT)
    handle = f"{TALENT} .noUi-handle"
    seen = [state(page)]
    page.focus(handle)
    for _ in range(3):
        page.keyboard.press("ArrowRight")
        wait_for_new_readouts(page, seen[-1]["readouts"])
        wait_for_new_chart(page, CHART_SVG, seen[-1]["chart"])
        page.wait_for_timeout(400)  # the kernel's spare time: the next step is worked out
        seen.append(state(page))
    assert len({s["readouts"] for s in seen}) == 4
    for expected in reversed(seen[:-1]):
        page.keyboard.press("ArrowLeft")
        page.wait_for_function(
            "([sel, want]) => document.querySelector(sel).innerText === want",
            arg=[READOUTS, expected["readouts"]],
            timeout=ANSWER_MS,
        )
    screenshot(page, artifacts / "lab-stepped-back.png")
    assert state(page)["readouts"] == seen[0]["readouts"]
    assert_no_error_text(page)
    page.log.assert_clean()


def test_a_step_worked_out_ahead_is_drawn_before_the_kernel_answers(app, page, artifacts):
    """After a step, the kernel works out the next steps either way and sends their rows to
    the browser (helpers.widgets.ChartFeed): with every message from the kernel held back, the
    next key press still redraws the chart, and the readouts (the kernel's) wait. A step back
    is drawn from rows sent ahead too, identical to what the kernel drew there."""
    hold = KernelHold(page)
    open_lab(page, app)
    scroll_to(page, TALENT)
    handle = f"{TALENT} .noUi-handle"
    before = state(page)
    page.focus(handle)
    page.keyboard.press("ArrowRight")
    wait_for_new_readouts(page, before["readouts"])
    wait_for_new_chart(page, CHART_SVG, before["chart"])
    # the kernel's spare time: the steps either way are worked out and sent (each is a whole
    # scenario with its draws; on a busy machine spare-time work waits for a free core)
    page.wait_for_timeout(2500)
    first = state(page)
    first_titles = titles(page)
    first_drawn = page.evaluate(DRAWN_JS, CHART_SVG)

    hold.on = True
    page.keyboard.press("ArrowRight")
    wait_for_new_html(page, CHART_SVG, first["chart"], timeout=5_000)
    page.wait_for_timeout(400)  # the small multiples, drawn after the R&D intensity view
    away = state(page)
    screenshot(page, artifacts / "lab-step-drawn-ahead.png")
    assert away["readouts"] == first["readouts"]  # the kernel's part has not come yet
    assert away["chart"] != first["chart"] and titles(page) == first_titles
    assert hold.held, "the kernel's replies were not held back"
    hold.release()
    wait_for_new_readouts(page, first["readouts"])
    page.wait_for_timeout(800)
    assert page.inner_html(CHART_SVG) == away["chart"]  # the kernel's answer: the same rows

    hold.on = True
    page.keyboard.press("ArrowLeft")
    wait_for_new_html(page, CHART_SVG, away["chart"], timeout=5_000)
    page.wait_for_timeout(400)
    assert page.evaluate(DRAWN_JS, CHART_SVG) == first_drawn
    hold.release()
    page.wait_for_function(
        "([sel, want]) => document.querySelector(sel).innerText === want",
        arg=[READOUTS, first["readouts"]],
        timeout=ANSWER_MS,
    )
    assert_no_error_text(page)
    page.log.assert_clean()


def test_the_talent_slider_changes_the_charts_and_the_readouts(app, page, artifacts):
    open_lab(page, app)
    before = state(page)
    assert readout(page, "rd_personnel_fte", "change") == "±0"

    page.focus(f"{TALENT} .noUi-handle")
    page.keyboard.press("PageUp")
    wait_for_new_readouts(page, before["readouts"])
    wait_for_new_chart(page, CHART_SVG, before["chart"])
    screenshot(page, artifacts / "lab-talent-moved.png")

    assert int(slider_value(page, TALENT)) > 0
    assert page.inner_html(CHART_SVG) != before["chart"]
    assert readout(page, "rd_personnel_fte", "change").startswith("+")
    assert readout(page, "invention_patents_granted", "change").startswith("+")
    assert_no_error_text(page)
    page.log.assert_clean()


def test_a_preset_moves_the_sliders_and_reset_restores_the_defaults(app, page, artifacts):
    open_lab(page, app)
    before = state(page)
    defaults = {lever: slider_value(page, lever) for lever in (RD, FUND, TTO, TALENT)}
    assert defaults[FUND] == "0" and defaults[TTO] == "0.00"

    page.click(".nqp-lab-preset-tech_trading_finance")
    page.wait_for_function(
        "sel => document.querySelector(sel).innerText.trim() === '20'",
        arg=f"{FUND} .widget-readout",
        timeout=ANSWER_MS,
    )
    wait_for_new_readouts(page, before["readouts"])
    wait_for_new_chart(page, CHART_SVG, before["chart"])
    page.wait_for_function(
        "sel => document.querySelector(sel).innerText.trim() === '0.50'",
        arg=f"{TTO} .widget-readout",
        timeout=ANSWER_MS,
    )
    wait_for_preset_status(page, "Technology trading and finance")
    # guided funds are centred on no additionality: the preset works through conversion
    assert readout(page, "gdp", "change").startswith("+")
    screenshot(page, artifacts / "lab-preset.png")

    page.click(".nqp-lab-preset-combined_package")
    page.wait_for_function(
        "sel => document.querySelector(sel).innerText.trim() !== '0'",
        arg=f"{TALENT} .widget-readout",
        timeout=ANSWER_MS,
    )
    assert float(slider_value(page, RD)) > float(defaults[RD])

    page.click(".nqp-lab-region button:has-text('Heilongjiang')")
    page.wait_for_function(
        "sel => document.querySelector(sel).textContent.endsWith('Heilongjiang')",
        arg=f"{CHART_SVG} .role-title-text",
        timeout=ANSWER_MS,
    )
    page.wait_for_function(
        "sel => document.querySelector(sel).innerText.includes('Readouts for Heilongjiang')",
        arg=READOUTS,
        timeout=ANSWER_MS,
    )

    page.click(".nqp-lab-reset-levers")
    page.wait_for_function(
        "sel => document.querySelector(sel).innerText.trim() === '0'",
        arg=f"{TALENT} .widget-readout",
        timeout=ANSWER_MS,
    )
    page.wait_for_function(
        "sel => document.querySelector(sel).innerText.includes('±0')",
        arg=f'{READOUTS} [data-readout="rd_expenditure-change"]',
        timeout=ANSWER_MS,
    )
    screenshot(page, artifacts / "lab-reset.png")
    assert {lever: slider_value(page, lever) for lever in (RD, FUND, TTO, TALENT)} == defaults
    wait_for_preset_status(page, "No preset")
    assert readout(page, "gdp", "change") == "±0"
    assert_no_error_text(page)
    page.log.assert_clean()
