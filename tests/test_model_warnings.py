"""Warnings appear when a scenario leaves the model's ground, and not otherwise."""

from __future__ import annotations

import pytest

from helpers.model import simulate
from tests.conftest_model import baseline  # noqa: F401


def _codes(result):
    return {(w.code, w.region) for w in result.warnings}


def test_the_no_policy_baseline_raises_no_warning(baseline):  # noqa: F811
    assert simulate(baseline, draws=500).warnings == ()


def test_money_without_people(baseline):  # noqa: F811
    """Doubling Jilin's R&D intensity when the extra money hires almost no one."""
    result = simulate(baseline, {"rd_intensity_target": {"CN-JL": 3.1}}, {"hiring_elasticity": 0.1})
    (warning,) = [w for w in result.warnings if w.code == "money_without_people"]
    assert warning.region == "CN-JL" and warning.values["ratio_pct"] > 30
    assert "Jilin" in warning.message_en and "吉林" in warning.message_zh
    assert "有钱无人" in warning.message_zh


def test_researchers_recruited_bring_their_cost(baseline):  # noqa: F811
    """Talent levers add people and the R&D money to employ them: no people without money."""
    result = simulate(baseline, {"talent_recruitment": {"CN-JL": 8000}})
    assert "people_without_money" not in {c for c, _ in _codes(result)}
    per_fte = result.value("rd_expenditure_per_fte", "CN-JL", 2035)
    base = result.value("rd_expenditure_per_fte", "CN-JL", 2035, "baseline")
    assert per_fte == pytest.approx(base, rel=1e-9)
    assert result.value("rd_expenditure", "CN-JL", 2035, "change") > 0


def test_people_without_money(baseline):  # noqa: F811
    """Guided funds that crowd out firms' own R&D, when the cut money sheds almost no one."""
    result = simulate(
        baseline,
        {"guided_fund": {"CN-JL": 200}},
        {"fund_additionality": -0.5, "hiring_elasticity": 0.0},
    )
    assert ("people_without_money", "CN-JL") in _codes(result)
    warning = next(w for w in result.warnings if w.code == "people_without_money")
    assert warning.values["ratio_pct"] < -30 and "有人无钱" in warning.message_zh


def test_money_and_people_together_raise_no_warning(baseline):  # noqa: F811
    """The same extra money for Jilin, matched by recruitment, stays within ±30% per researcher."""
    result = simulate(
        baseline,
        {"rd_intensity_target": {"CN-JL": 2.2}, "talent_recruitment": {"CN-JL": 4000}},
        {"recruitment_effectiveness": 1.0},
    )
    assert not {c for c, _ in _codes(result)} & {"money_without_people", "people_without_money"}


def test_a_target_beyond_any_province_is_flagged_with_the_observed_maximum(baseline):  # noqa: F811
    top, region, year = baseline.max_intensity
    result = simulate(baseline, {"rd_intensity_target": {"CN-LN": top + 0.1}})
    warning = next(w for w in result.warnings if w.code == "target_beyond_observed")
    assert warning.region == "CN-LN" and warning.values["max_observed"] == top
    assert str(year) in warning.message_en and baseline.names_zh[region] in warning.message_zh
    below = simulate(baseline, {"rd_intensity_target": {"CN-LN": top - 0.1}})
    assert "target_beyond_observed" not in {w.code for w in below.warnings}


def test_an_implausible_return_on_rd_is_flagged(baseline):  # noqa: F811
    """A return of 120% a year is above every published estimate of the social return."""
    result = simulate(baseline, assumptions={"rd_return": 1.2}, draws=200)
    flagged = {w.region for w in result.warnings if w.code == "implausible_return"}
    assert flagged == {"CN-LN", "CN-JL", "CN-HL"}
    warning = next(w for w in result.warnings if w.code == "implausible_return")
    assert warning.values["return_pct"] > 100


def test_conversion_beyond_the_published_returns_is_flagged(baseline):  # noqa: F811
    """Full ownership reform at the optimistic ends of its assumptions raises the return on the
    stock past 100%: the check says so."""
    result = simulate(
        baseline,
        {"ownership_reform_coverage": 1.0, "tto_coverage_increase": 1.0},
        {
            "rd_return": 1.0,
            "ownership_multiplier": 3.0,
            "tto_multiplier": 2.0,
            "conversion_rate_cap": 0.5,
            "local_use_share": 1.0,
        },
    )
    assert {r for c, r in _codes(result) if c == "implausible_return"} == {
        "CN-LN",
        "CN-JL",
        "CN-HL",
    }


def test_increasing_returns_in_knowledge_production_are_flagged(baseline):  # noqa: F811
    result = simulate(
        baseline,
        assumptions={"patent_elasticity_rd_stock": 0.8, "patent_elasticity_researchers": 0.4},
    )
    assert ("increasing_returns", None) in _codes(result)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_warnings_frame_has_one_row_per_warning(baseline, lang):  # noqa: F811
    result = simulate(baseline, {"rd_intensity_target": 7.0})
    frame = result.warnings_frame(lang)
    assert len(frame) == len(result.warnings) > 0
    assert frame["message"].str.len().min() > 20
