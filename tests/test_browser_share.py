"""Sharing the lab as a participant does: copy the link, open it fresh, save and load files."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
import yaml
from playwright.sync_api import expect

from helpers.scenario import parse_scenario
from tests.browser import visible_text
from tests.test_browser_lab import ANSWER_MS, RD, READOUTS, TALENT, open_lab

pytestmark = pytest.mark.browser

LINK = ".nqp-share-link input"


def slider_values(page) -> dict[str, str]:
    return {
        name: page.inner_text(f"{selector} .widget-readout")
        for name, selector in (("rd", RD), ("talent", TALENT))
    }


def press(page, selector: str, key: str, times: int) -> None:
    before = page.inner_text(READOUTS)
    page.focus(f"{selector} .noUi-handle")
    for _ in range(times):
        page.keyboard.press(key)
    page.wait_for_function(
        "([sel, old]) => document.querySelector(sel).innerText !== old",
        arg=[READOUTS, before],
        timeout=ANSWER_MS,
    )


def upload_file(page, path) -> None:
    """Choose a file with the "Load scenario" button, as a person does."""
    with page.expect_file_chooser(timeout=ANSWER_MS) as chooser:
        page.click(".nqp-share-load")
    chooser.value.set_files(str(path))


def test_a_copied_link_opens_the_same_scenario(app, page, browser, artifacts):
    open_lab(page, app, "?lang=zh")
    press(page, RD, "PageUp", 4)  # above the no-policy path: the target adds R&D
    press(page, TALENT, "ArrowRight", 1)
    talent = slider_values(page)["talent"].replace(",", "")
    page.wait_for_function(
        "([sel, want]) => document.querySelector(sel).value.includes(want)",
        arg=[LINK, f"L.talent_recruitment={talent}"],
        timeout=ANSWER_MS,
    )
    link = page.input_value(LINK)
    values, numbers = slider_values(page), page.inner_text(READOUTS)
    # The address bar is set by its own widget message, sent after the link's: wait for it.
    query = urlparse(link).query
    page.wait_for_url(lambda url: urlparse(url).query == query, timeout=ANSWER_MS)
    assert urlparse(page.url).query == query  # the address bar is the link too
    page.log.assert_clean()

    fresh = browser.new_context()
    other = fresh.new_page()
    try:
        open_lab(other, app, "?" + urlparse(link).query)
        assert slider_values(other) == values
        assert other.inner_text(READOUTS) == numbers
        assert "情景" in visible_text(other)  # the language travels with the link
        other.screenshot(path=artifacts / "share-opened.png")
    finally:
        fresh.close()


def test_a_malformed_link_shows_a_notice_and_keeps_defaults(app, page):
    open_lab(page, app)
    defaults = slider_values(page), page.inner_text(READOUTS)
    page.goto("about:blank")
    open_lab(page, app, "?L.rd_intensity_target=banana&L.guided_fund=1e9&region=Atlantis&zzz=1")
    notice = page.inner_text(".nqp-lab-notices")
    for bad in ("rd_intensity_target", "guided_fund", "Atlantis", "zzz"):
        assert bad in notice
    assert (slider_values(page), page.inner_text(READOUTS)) == defaults
    page.log.assert_clean()


def test_scenario_files_save_load_and_refuse(app, page, artifacts, tmp_path):
    open_lab(page, app)
    press(page, TALENT, "ArrowRight", 1)
    with page.expect_download(timeout=ANSWER_MS) as info:
        page.click(".nqp-share-save button")
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    scenario = parse_scenario(yaml.safe_load(saved.read_text(encoding="utf-8")))
    assert scenario.levers["talent_recruitment"] > 0

    before = slider_values(page), page.inner_text(READOUTS), page.input_value(LINK)
    bad = tmp_path / "broken.yaml"
    bad.write_text("levers:\n  talent_recruitment: -3\n  warp_drive: 9\n", encoding="utf-8")
    upload_file(page, bad)
    message = page.wait_for_selector(".nqp-share .nqp-error", timeout=ANSWER_MS).inner_text()
    assert "talent_recruitment" in message and "warp_drive" in message
    page.screenshot(path=artifacts / "share-bad-file.png")
    assert (slider_values(page), page.inner_text(READOUTS), page.input_value(LINK)) == before

    page.goto("about:blank")
    open_lab(page, app)
    upload_file(page, saved)
    page.wait_for_function(
        "sel => document.querySelector(sel).value.includes('L.talent_recruitment')",
        arg=LINK,
        timeout=ANSWER_MS,
    )
    # The sliders are moved after the link is updated (separate widget messages): wait for them.
    for name, selector in (("rd", RD), ("talent", TALENT)):
        expect(page.locator(f"{selector} .widget-readout")).to_have_text(
            before[0][name], timeout=ANSWER_MS
        )
    page.log.assert_clean()
