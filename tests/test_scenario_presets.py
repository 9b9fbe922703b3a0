"""The report's five measures as presets, and the combined package."""

from __future__ import annotations

import pytest

from helpers.model import load_parameters, simulate
from helpers.presets import PRESETS, preset_levers
from tests.conftest_model import baseline  # noqa: F401

MEASURES = [
    "innovation_platforms",
    "tech_trading_finance",
    "talent_policy",
    "ownership_reform",
    "chain_leaders",
]


def test_there_is_one_preset_per_measure_and_a_combined_package():
    assert list(PRESETS) == [*MEASURES, "combined_package"]
    for i, key in enumerate(MEASURES, start=1):
        assert PRESETS[key].report_section == f"Section 3, measure {i}"


@pytest.mark.parametrize("key", list(PRESETS))
def test_every_preset_says_what_it_changes_and_where_it_comes_from(key):
    preset = PRESETS[key]
    assert len(preset.description_en) > 100 and "section 3" in preset.description_en.lower()
    assert preset.title_zh and preset.summary_zh


RAISES = {
    "innovation_platforms": "rd_capital_stock",
    "tech_trading_finance": "tech_contract_value",
    "talent_policy": "invention_patents_granted",
    "ownership_reform": "patent_conversion_rate",
    "chain_leaders": "gdp",
    "combined_package": "gdp",
}


@pytest.mark.parametrize("key", list(PRESETS))
def test_every_preset_is_valid_and_raises_what_its_measure_targets(baseline, key):  # noqa: F811
    levers = preset_levers(key, baseline)
    load_parameters().validate_levers(levers)  # within every slider's range
    result = simulate(baseline, levers)
    assert result.value(RAISES[key], "NE3", 2035, "change") > 0


def test_talent_raises_gdp_through_the_rd_it_costs_and_optionally_human_capital(baseline):  # noqa: F811
    """Researchers come with the money to employ them: that money adds R&D capital, which earns
    the return ρ. The direct human-capital channel θ_H is 0 by default (parameters.md) and adds to
    it when switched on."""
    levers = preset_levers("talent_policy", baseline)
    result = simulate(baseline, levers)
    assert result.value("rd_expenditure", "NE3", 2035, "change") > 0
    no_return = simulate(baseline, levers, {"rd_return": 0.05})
    assert (
        0
        < no_return.value("gdp", "NE3", 2035, "change")
        < result.value("gdp", "NE3", 2035, "change")
    )
    with_channel = simulate(baseline, levers, {"tfp_elasticity_talent": 0.05})
    assert with_channel.value("gdp", "NE3", 2035, "change") > result.value(
        "gdp", "NE3", 2035, "change"
    )


def test_measures_move_disjoint_levers_and_the_package_is_their_union(baseline):  # noqa: F811
    seen = set()
    for key in MEASURES:
        levers = set(preset_levers(key, baseline))
        assert not levers & seen
        seen |= levers
    assert set(preset_levers("combined_package", baseline)) == seen


def test_unknown_preset_names_the_known_ones(baseline):  # noqa: F811
    with pytest.raises(KeyError, match="talent_policy"):
        preset_levers("free_lunch", baseline)
