"""Shareable scenario links: state to address and back, and hostile links never break a page."""

from __future__ import annotations

from urllib.parse import parse_qsl

from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import share
from helpers.model import load_parameters
from helpers.scenario import parse_scenario

PARAMETERS = load_parameters()


def query_dict(query: str) -> dict[str, str]:
    return dict(parse_qsl(query, keep_blank_values=True))


def test_a_scenario_survives_the_round_trip():
    scenario = parse_scenario(
        {
            "preset": "talent_policy",
            "levers": {
                "guided_fund": 50,
                "rd_intensity_target": {"CN-LN": 2.5, "CN-JL": 2.0, "CN-HL": 1.8},
            },
            "assumptions": {"rd_depreciation": 0.2},
        }
    )
    query = share.to_query(scenario.to_dict(), {"lang": "zh", "region": "NE3"})
    assert "L.rd_intensity_target.CN-LN=2.5" in query and "A.rd_depreciation=0.2" in query
    back = share.from_query(query_dict(query))
    assert back.scenario.to_dict() == scenario.to_dict()
    assert back.page == {"lang": "zh", "region": "NE3", "preset": "talent_policy"}
    assert not back.notices


def test_bad_values_fall_back_with_notices_in_both_languages():
    back = share.from_query(
        {"L.guided_fund": "5000", "L.nope": "1", "A.rd_depreciation": "abc", "zzz": "1"}
    )
    assert back.scenario.levers == {} and back.scenario.assumptions == {}
    keys = {notice.key for notice in back.notices}
    assert {"levers.guided_fund", "levers.nope", "assumptions.rd_depreciation", "zzz"} <= keys
    assert all(share.notice_text(n, "zh") and share.notice_text(n, "en") for n in back.notices)


lever_names = st.sampled_from([p.name for p in PARAMETERS.levers])
assumption_names = st.sampled_from([p.name for p in PARAMETERS.assumptions])
raw_values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=12),
    st.integers(-(10**12), 10**12).map(str),
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.one_of(
            lever_names.map(lambda n: "L." + n),
            lever_names.map(lambda n: f"L.{n}.CN-LN"),
            assumption_names.map(lambda n: "A." + n),
            st.text(max_size=15),
        ),
        raw_values,
        max_size=8,
    )
)
def test_any_link_gives_a_valid_scenario(query):
    """Whatever a link holds, the result is a scenario the strict parser accepts."""
    state = share.from_query(query)
    assert parse_scenario(state.scenario.to_dict()).to_dict() == state.scenario.to_dict()


def test_page_address_comes_from_the_visitors_request(monkeypatch):
    monkeypatch.setenv("SCRIPT_NAME", "/voila/render/03_measures.ipynb")
    monkeypatch.setenv("SERVER_NAME", "192.168.1.20")
    monkeypatch.setenv("SERVER_PORT", "8866")
    assert share.page_address() == "http://192.168.1.20:8866/voila/render/03_measures.ipynb"
    monkeypatch.delenv("SCRIPT_NAME")
    assert share.page_address() == ""
