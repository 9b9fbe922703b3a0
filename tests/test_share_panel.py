"""The lab's share bar: link in step with the state, links and files applied or refused whole."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlparse

import pytest
import yaml

from helpers import text
from helpers.data import load_panel
from helpers.model import calibrate
from helpers.page import open_page
from helpers.panels import share as share_panel
from helpers.panels.lab import ScenarioLab
from helpers.scenario import ScenarioError, parse_scenario

PANEL = load_panel()
BASELINE = calibrate(PANEL)


def make(query: str = "", lang: str = "en"):
    page = open_page("03_measures", f"lang={lang}&{query}")
    lab = ScenarioLab(BASELINE, PANEL, page.lang, draws=50)
    notices = share_panel.apply_link(lab, page)
    bar = share_panel.share_bar(lab, page)
    text.set_language("en")
    return page, lab, bar, notices


def link_query(bar) -> dict[str, str]:
    return dict(parse_qsl(urlparse(bar.link.value).query))


def test_the_link_follows_every_change():
    _page, lab, bar, _ = make()
    assert link_query(bar) == {"lang": "en", "region": "NE3"}
    lab.apply_preset("talent_policy")
    assert link_query(bar)["preset"] == "talent_policy"
    slider = lab.lever_rows["guided_fund"].slider
    slider.value = slider.max
    assert "L.guided_fund" in link_query(bar)
    lab.show_region("CN-JL")
    assert link_query(bar)["region"] == "CN-JL"


def test_a_link_reopens_the_same_state():
    _page, lab, bar, _ = make()
    lab.apply_preset("chain_leaders")
    lab.lever_rows["talent_recruitment"].slider.value = 4000
    lab.assumption_rows["rd_depreciation"].slider.value = 0.25
    lab.show_region("CN-HL")
    query = urlparse(bar.link.value).query
    _page2, copy, bar2, notices = make(query)
    assert not notices
    assert copy.current_scenario() == lab.current_scenario()
    assert copy.readouts.value == lab.readouts.value
    assert bar2.link.value.split("?")[1] == query


def test_a_malformed_link_falls_back_with_notices_and_changes_nothing_else():
    _page, lab, _bar, notices = make("L.guided_fund=9999&L.bogus=1&A.rd_depreciation=x&region=Mars")
    assert len(notices) >= 4
    defaults = ScenarioLab(BASELINE, PANEL, "en", draws=50).current_scenario()
    assert lab.current_scenario() == defaults
    assert "guided_fund" in lab.notices.value and "Mars" in lab.notices.value


def upload(content: bytes, name: str = "s.yaml") -> dict:
    return {
        "name": name,
        "type": "application/yaml",
        "size": len(content),
        "content": memoryview(content),
        "last_modified": datetime.now(UTC),
    }


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"levers: [1, 2", "not YAML"),
        (b"\xff\xfe\x00bad", "not a text file"),
        (b"- a list\n- not a scenario\n", "levers: or assumptions:"),
        (b"levers:\n  guided_fund: 9999\n", "guided_fund"),
        (b"levers:\n  no_such_lever: 1\n", "no_such_lever"),
        (b"x" * (70 * 1024), "larger than"),
    ],
)
def test_bad_scenario_files_are_refused_whole(content, problem):
    with pytest.raises(ScenarioError, match=problem):
        share_panel.read_scenario_file(upload(content))


def test_loading_a_bad_file_leaves_the_lab_untouched():
    _page, lab, bar, _ = make()
    lab.apply_preset("ownership_reform")
    before = (lab.current_scenario(), lab.readouts.value, bar.link.value)
    bar.upload.value = (upload(b"levers:\n  guided_fund: -5\n"),)
    assert "nothing changed" in bar.status.value and "guided_fund" in bar.status.value
    assert (lab.current_scenario(), lab.readouts.value, bar.link.value) == before


def test_a_saved_scenario_loads_back():
    _page, lab, bar, _ = make()
    lab.apply_preset("combined_package")
    lab.lever_rows["guided_fund"].slider.value = 120
    saved = bar.children[2].children[1]  # copy, save, load, csv
    _name, _mime, payload = saved._produce()
    data = yaml.safe_load(payload.decode("utf-8"))
    parse_scenario(data)
    _page2, other, bar2, _ = make()
    bar2.upload.value = (upload(payload, "nqp-scenario.yaml"),)
    state, loaded = lab.current_scenario(), other.current_scenario()
    state.pop("region"), loaded.pop("region")
    assert loaded == state and "nqp-scenario.yaml" in other.notices.value
