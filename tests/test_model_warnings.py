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
    """Doubling Jilin's R&D intensity without new researchers."""
    result = simulate(baseline, {"rd_intensity_target": {"CN-JL": 3.1}})
    (warning,) = [w for w in result.warnings if w.code == "money_without_people"]
    assert warning.region == "CN-JL" and warning.values["ratio_pct"] > 30
    assert "Jilin" in warning.message_en and "吉林" in warning.message_zh
    assert "有钱无人" in warning.message_zh


def test_people_without_money(baseline):  # noqa: F811
    result = simulate(baseline, {"talent_recruitment": {"CN-JL": 8000}})
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
    """θ_K = 0.27 (Zheng 2004's national input elasticity) implies returns of 200% and more."""
    result = simulate(baseline, assumptions={"tfp_elasticity_rd": 0.27}, draws=200)
    flagged = {w.region for w in result.warnings if w.code == "implausible_return"}
    assert flagged == {"CN-LN", "CN-JL", "CN-HL"}
    warning = next(w for w in result.warnings if w.code == "implausible_return")
    assert warning.values["return_pct"] > 150


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
