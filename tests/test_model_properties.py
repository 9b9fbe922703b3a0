"""Properties of the model that must hold everywhere on the sliders (hypothesis).

Strategies are generated from ``parameters.yaml``: every lever and assumption is drawn from its
own [min, max] range, levers either once for all provinces or per province.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.model import NE_PROVINCES, baseline_levers, load_parameters, simulate
from tests.conftest_model import baseline, model_baseline  # noqa: F401

PARAMS = load_parameters()
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def _number(spec):
    if spec.is_int:
        return st.integers(int(spec.min), int(spec.max))
    return st.floats(spec.min, spec.max, allow_nan=False, allow_infinity=False)


def _lever(spec):
    return st.one_of(_number(spec), st.fixed_dictionaries({r: _number(spec) for r in NE_PROVINCES}))


levers_strategy = st.fixed_dictionaries({}, optional={p.name: _lever(p) for p in PARAMS.levers})
assumptions_strategy = st.fixed_dictionaries(
    {}, optional={p.name: _number(p) for p in PARAMS.assumptions}
)


def _frame(result, run, variable=None):
    s = result.series
    s = s[s["run"] == run]
    if variable is not None:
        s = s[s["variable"] == variable]
    return s.sort_values(["variable", "region", "year", "stat"])


@SETTINGS
@given(levers=levers_strategy, assumptions=assumptions_strategy)
def test_every_output_is_finite_over_the_whole_slider_space(levers, assumptions):
    result = simulate(model_baseline(), levers, assumptions, draws=8, seed=1)
    assert np.isfinite(result.series["value"]).all()
    parity_or_ratio = result.metrics["metric"].isin(
        [
            "parity_year_national",
            "parity_year_jiangsu",
            "gdp_gain_per_extra_rd",
            "gdp_gain_per_yuan_spent",
        ]
    )
    assert np.isfinite(result.metrics.loc[~parity_or_ratio, "value"]).all()


@pytest.mark.parametrize("end", ["min", "max"])
def test_extreme_slider_positions_give_finite_results(baseline, end):  # noqa: F811
    """Every lever and every assumption at its minimum (or maximum) at once."""
    levers = {p.name: getattr(p, end) for p in PARAMS.levers}
    assumptions = {p.name: getattr(p, end) for p in PARAMS.assumptions}
    result = simulate(baseline, levers, assumptions, draws=50)
    assert np.isfinite(result.series["value"]).all()
    levels = result.series[result.series["run"] != "change"]
    for variable in ("rd_capital_stock", "rd_personnel_fte", "gdp"):
        assert (levels.loc[levels["variable"] == variable, "value"] > 0).all()


@SETTINGS
@given(assumptions=assumptions_strategy)
def test_with_every_lever_at_baseline_the_scenario_equals_the_baseline_exactly(assumptions):
    b = model_baseline()
    result = simulate(b, baseline_levers(b), assumptions, draws=16, seed=3)
    scenario = _frame(result, "scenario")
    base = _frame(result, "baseline")
    base = base[base["region"].isin(scenario["region"].unique())]
    base = base[base["variable"].isin(scenario["variable"].unique())]
    assert np.array_equal(scenario["value"].to_numpy(), base["value"].to_numpy())
    assert (_frame(result, "change")["value"] == 0).all()


def test_no_lever_given_means_baseline(baseline):  # noqa: F811
    a, b = simulate(baseline), simulate(baseline, baseline_levers(baseline))
    assert a.series.equals(b.series)


@pytest.mark.parametrize(
    ("lever", "output"),
    [
        ("rd_intensity_target", "rd_capital_stock"),  # more R&D never lowers the R&D stock
        ("graduate_retention_change", "rd_personnel_fte"),  # higher retention, more talent
    ],
)
@SETTINGS
@given(levers=levers_strategy, assumptions=assumptions_strategy, step=st.floats(0.01, 2.0))
def test_raising_a_lever_never_lowers_what_it_feeds(lever, output, levers, assumptions, step):
    """Raising a lever in every province (all else equal) never lowers its stock, in any draw."""
    b = model_baseline()
    lower = simulate(b, levers, assumptions, draws=8, seed=2)
    top = PARAMS[lever].max
    raised = {**levers, lever: {r: min(v + step, top) for r, v in lower.levers[lever].items()}}
    higher = simulate(b, raised, assumptions, draws=8, seed=2)
    before = _frame(lower, "scenario", output)["value"].to_numpy()
    after = _frame(higher, "scenario", output)["value"].to_numpy()
    assert (after >= before * (1 - 1e-6)).all()


@SETTINGS
@given(levers=levers_strategy, assumptions=assumptions_strategy)
def test_quantiles_are_ordered(levers, assumptions):
    result = simulate(model_baseline(), levers, assumptions, draws=40, seed=5)
    wide = result.series.pivot_table(
        index=["variable", "run", "region", "year"], columns="stat", values="value", observed=True
    )
    assert (wide["p10"] <= wide["p50"]).all() and (wide["p50"] <= wide["p90"]).all()


@SETTINGS
@given(
    region=st.sampled_from(NE_PROVINCES),
    target=st.floats(0.5, 7.0),
    year=st.integers(2024, 2035),
    assumptions=assumptions_strategy,
)
def test_the_intensity_path_reaches_its_target_in_the_target_year(
    region, target, year, assumptions
):
    """A target above the no-policy intensity of its year is reached then, and the lift is kept
    afterwards; a target the baseline reaches anyway, or one at or below today's level, changes
    nothing."""
    assumptions = {**assumptions, "target_credibility": 1.0}
    levers = {"rd_intensity_target": {region: target}, "rd_intensity_target_year": {region: year}}
    result = simulate(model_baseline(), levers, assumptions)
    path = _frame(result, "scenario", "rd_intensity")
    path = path[path["region"] == region].set_index("year")["value"]
    base = _frame(result, "baseline", "rd_intensity")
    base = base[base["region"] == region].set_index("year")["value"]
    raised = target > model_baseline().value("rd_intensity", region)
    if raised and target > base[year]:
        assert path[year] == pytest.approx(target, rel=1e-9)
        lift = (path - base).loc[year:].to_numpy()
        assert lift == pytest.approx(target - base[year], rel=1e-9, abs=1e-9)  # and kept
    else:
        assert path.to_numpy() == pytest.approx(base.to_numpy(), rel=1e-12)
    assert (path.to_numpy() >= base.to_numpy() - 1e-9).all()  # a target never lowers R&D


def test_results_are_reproducible_with_a_seed(baseline):  # noqa: F811
    levers = {"rd_intensity_target": 2.65, "talent_recruitment": 500}
    first = simulate(baseline, levers, draws=300, seed=11)
    again = simulate(baseline, levers, draws=300, seed=11)
    other = simulate(baseline, levers, draws=300, seed=12)
    assert first.series.equals(again.series) and first.metrics.equals(again.metrics)
    assert not first.series["value"].equals(other.series["value"])


def test_common_random_numbers_keep_the_band_still_when_a_lever_moves(baseline):  # noqa: F811
    """The baseline band does not move when only a lever changes (same seed, same draws)."""
    a = simulate(baseline, {"guided_fund": 10}, draws=200, seed=9)
    b = simulate(baseline, {"guided_fund": 50}, draws=200, seed=9)
    assert _frame(a, "baseline")["value"].to_numpy() == pytest.approx(
        _frame(b, "baseline")["value"].to_numpy()
    )
