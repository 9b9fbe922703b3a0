"""The economics an expert reviewer checks first (issue 19): bounded returns, no free lunch from
depreciation, conversion only on the research institutions' share, money and people together,
crowding out, and a capacity limit on local sourcing.

Bounds are the literature's:

* GDP per yuan of extra R&D, cumulated 2024–2035, at most 4: Jones & Summers (2020, NBER w27863,
  "A calculation of the social returns to innovation") find it hard to get average social returns
  below $4 per $1 even under very conservative assumptions — a present value over all future years
  and all benefits, which the GDP of twelve years cannot exceed. With any one assumption at the
  end of its range the bound is their upper figure, over $20 per $1.
* Return on R&D capital, conversion included, at most 100% a year: Jones & Williams (1998) report
  estimates of the social return from about 30% to over 100%.
"""

from __future__ import annotations

import numpy as np
import pytest

from helpers.model import NE_PROVINCES, load_parameters, simulate
from helpers.presets import PRESETS
from tests.conftest_model import baseline, model_baseline  # noqa: F401

PARAMS = load_parameters()
CONSERVATIVE_LIFETIME_BENEFIT = 4.0  # Jones & Summers (2020), $ per $1, conservative
HIGH_LIFETIME_BENEFIT = 20.0  # Jones & Summers (2020), $ per $1, with health and spillovers
HIGHEST_PUBLISHED_RETURN = 100.0  # Jones & Williams (1998), percent a year
REGIONS = (*NE_PROVINCES, "NE3")


def _scenarios():
    b = model_baseline()
    out = {key: preset.levers(b) for key, preset in PRESETS.items()}
    for spec in PARAMS.levers:
        if spec.name == "rd_intensity_target_year":
            continue
        out[f"{spec.name}=max"] = {spec.name: spec.max}
        out[f"{spec.name}=min"] = {spec.name: spec.min}
    out["every lever at max"] = {p.name: p.max for p in PARAMS.levers}
    out["fastest target, highest level"] = {
        "rd_intensity_target": PARAMS["rd_intensity_target"].max,
        "rd_intensity_target_year": PARAMS["rd_intensity_target_year"].min,
    }
    return out


SCENARIOS = _scenarios()


def _per_extra_rd(result, region):
    return result.metric("gdp_gain_per_extra_rd", region, "change")


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_gdp_per_yuan_of_extra_rd_stays_below_the_conservative_lifetime_benefit(name, baseline):  # noqa: F811
    result = simulate(baseline, SCENARIOS[name])
    for region in REGIONS:
        ratio = _per_extra_rd(result, region)
        if np.isfinite(ratio) and result.metric("cumulative_extra_rd", region, "change") > 1:
            assert 0 <= ratio <= CONSERVATIVE_LIFETIME_BENEFIT, (region, ratio)


@pytest.mark.parametrize("name", list(PRESETS))
def test_with_any_one_assumption_at_its_end_gdp_per_yuan_stays_below_the_high_estimate(
    name,
    baseline,  # noqa: F811
):
    levers = PRESETS[name].levers(baseline)
    for spec in (p for p in PARAMS.assumptions if p.range is not None):
        for end in (spec.range.low, spec.range.high):
            result = simulate(baseline, levers, {spec.name: end})
            ratio = _per_extra_rd(result, "NE3")
            if np.isfinite(ratio):
                assert ratio <= HIGH_LIFETIME_BENEFIT, (spec.name, end, ratio)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_return_on_rd_capital_with_conversion_stays_within_published_estimates(name, baseline):  # noqa: F811
    result = simulate(baseline, SCENARIOS[name])
    s = result.series
    returns = s[(s["variable"] == "rd_return_implied") & (s["run"] == "scenario")]["value"]
    assert returns.max() <= HIGHEST_PUBLISHED_RETURN
    assert "implausible_return" not in {w.code for w in result.warnings}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_faster_depreciation_never_raises_the_gdp_gain(name, baseline):  # noqa: F811
    gains = []
    for delta in np.linspace(PARAMS["rd_depreciation"].min, PARAMS["rd_depreciation"].max, 8):
        result = simulate(baseline, SCENARIOS[name], {"rd_depreciation": float(delta)})
        s = result.series
        change = s[(s["variable"] == "gdp") & (s["run"] == "change") & (s["stat"] == "central")]
        gains.append(change.sort_values(["region", "year"])["value"].to_numpy())
    gains = np.array(gains)  # (deltas, region-years)
    positive = gains[0] > 0
    assert (np.diff(gains[:, positive], axis=0) <= 1e-9).all()


def test_conversion_acts_on_the_research_institutions_share_only(baseline):  # noqa: F811
    """Full ownership reform: ΔY = ρ K u ((c/c0)^μ − 1) p, u = the government-funded share."""
    a = PARAMS.assumption_defaults()
    result = simulate(baseline, {"ownership_reform_coverage": 1.0})
    year = 2035
    rise = (a["ownership_multiplier"]) ** a["local_use_share"] - 1
    for i, region in enumerate(NE_PROVINCES):
        u = baseline.public_share[i]
        stock = result.value("rd_capital_stock", region, year, "baseline")
        expected = a["rd_return"] * stock * u * rise * (1 + a["rd_price_inflation"]) ** 12
        assert result.value("gdp", region, year, "change") == pytest.approx(expected, rel=1e-9)
        assert u < 0.5  # most R&D is done by firms, whose results the reform does not touch


def test_extra_money_hires_people_and_people_cost_money(baseline):  # noqa: F811
    money = simulate(baseline, {"rd_intensity_target": {"CN-JL": 2.65}})
    extra_rd = money.value("rd_expenditure", "CN-JL", 2030, "change")
    base_rd = money.value("rd_expenditure", "CN-JL", 2030, "baseline")
    extra_fte = money.value("rd_personnel_fte", "CN-JL", 2030, "change")
    base_fte = money.value("rd_personnel_fte", "CN-JL", 2030, "baseline")
    elasticity = PARAMS.assumption_defaults()["hiring_elasticity"]
    assert np.log1p(extra_fte / base_fte) == pytest.approx(
        elasticity * np.log1p(extra_rd / base_rd), rel=1e-9
    )
    people = simulate(baseline, {"talent_recruitment": {"CN-JL": 2000}})
    per_fte = people.value("rd_expenditure_per_fte", "CN-JL", 2030, "baseline")
    added = people.value("rd_personnel_fte", "CN-JL", 2030, "change")
    assert people.value("rd_expenditure", "CN-JL", 2030, "change") == pytest.approx(
        added * per_fte / 1e4, rel=1e-9
    )


@pytest.mark.parametrize(("additionality", "sign"), [(0.0, 0), (-0.5, -1), (0.5, 1)])
def test_guided_funds_add_rd_only_as_far_as_they_are_additional(baseline, additionality, sign):  # noqa: F811
    assert PARAMS["fund_additionality"].default == 0.0  # centred on neutrality
    result = simulate(baseline, {"guided_fund": 50}, {"fund_additionality": additionality})
    extra = result.value("rd_expenditure", "NE3", 2030, "change")
    assert np.sign(round(extra, 9)) == sign
    spent = result.metric("cumulative_spending", "NE3", "change")
    assert spent > 0  # the outlay is counted whatever it adds


def test_local_sourcing_rises_no_faster_than_suppliers_can_follow(baseline):  # noqa: F811
    a = PARAMS.assumption_defaults()
    result = simulate(baseline, {"local_sourcing_change": 0.4}, {"measure_rollout_years": 1})
    net = a["value_added_multiplier"] - a["resourcing_cost"]
    for year in (2024, 2026, 2030):
        gdp = result.value("gdp", "CN-JL", year, "baseline")
        added = result.value("chain_value_added", "CN-JL", year, "change")
        share = added / (net * a["chain_procurement_share"] * gdp)
        assert share == pytest.approx(min(0.4, a["sourcing_capacity"] * (year - 2023)), rel=1e-9)


def test_a_target_below_the_no_policy_path_adds_nothing(baseline):  # noqa: F811
    """Liaoning's baseline passes 2.6% before 2030; a 2.6% target for 2030 changes little there
    and nothing once the baseline is above it."""
    result = simulate(baseline, {"rd_intensity_target": {"CN-LN": 2.6}})
    assert result.value("rd_expenditure", "CN-LN", 2035, "change") == 0
