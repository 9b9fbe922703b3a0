"""Monte Carlo draws, quantiles and the tornado table."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.model import ScenarioError, load_parameters, simulate, tornado
from helpers.model.draws import row_quantiles
from helpers.model.uncertainty import (
    draw_assumptions,
    order_statistic_index,
    triangular_inverse_cdf,
)
from tests.conftest_model import baseline  # noqa: F401

PARAMS = load_parameters()


@given(
    low=st.floats(-5, 5),
    width=st.floats(0.01, 5),
    share=st.floats(0, 1),
    u=st.lists(st.floats(0, 1), min_size=2, max_size=50),
)
def test_triangular_quantile_function_stays_in_range_and_is_monotone(low, width, share, u):
    high = low + width
    mode = low + share * width
    x = triangular_inverse_cdf(np.sort(np.array(u)), low, mode, high)
    assert (x >= low - 1e-12).all() and (x <= high + 1e-12).all()
    assert (np.diff(x) >= -1e-12).all()


def test_draws_follow_the_declared_triangular_ranges():
    central = PARAMS.assumption_defaults()
    drawn = draw_assumptions(central, PARAMS, 4000, seed=1)
    for spec in PARAMS.drawn:
        sample = drawn[spec.name]
        assert sample[0] == central[spec.name]  # row 0 is the central run
        assert spec.range.low - 1e-12 <= sample[1:].min() and sample[1:].max() <= spec.range.high
        if spec.scale == "linear" and spec.name not in (
            "patent_elasticity_rd_stock",
            "patent_elasticity_researchers",
        ):
            expected_mean = (spec.range.low + spec.range.mode + spec.range.high) / 3
            assert sample[1:].mean() == pytest.approx(
                expected_mean, abs=0.03 * (spec.max - spec.min)
            )
    for spec in PARAMS.assumptions:
        if not spec.drawn:
            assert drawn[spec.name].shape == (1,)


def test_draws_reject_increasing_returns_in_knowledge_production():
    drawn = draw_assumptions(PARAMS.assumption_defaults(), PARAMS, 3000, seed=2)
    total = drawn["patent_elasticity_rd_stock"] + drawn["patent_elasticity_researchers"]
    assert total.max() <= PARAMS.monte_carlo.max_returns_to_scale


def test_a_set_assumption_becomes_the_mode_of_its_draws():
    central = {**PARAMS.assumption_defaults(), "rd_depreciation": 0.35}
    drawn = draw_assumptions(central, PARAMS, 2000, seed=3)["rd_depreciation"]
    assert drawn[0] == 0.35 and drawn.max() <= 0.35 and np.median(drawn) > 0.15


def test_quantiles_are_order_statistics():
    draws = np.arange(2000, dtype=np.float32)[::-1].reshape(1, -1).copy()
    assert row_quantiles(draws)[0].tolist() == [199.0, 999.0, 1799.0]
    # counted from the top: the quantiles of -x are minus these
    assert row_quantiles(draws, mirrored=True)[0].tolist() == [1800.0, 1000.0, 200.0]
    assert order_statistic_index(10, 0.5) == 4


def test_without_draws_only_the_central_value_is_reported(baseline):  # noqa: F811
    result = simulate(baseline, {"rd_intensity_target": 2.65})
    assert set(result.series["stat"].unique()) == {"central"}
    with_draws = simulate(baseline, {"rd_intensity_target": 2.65}, draws=50)
    assert set(with_draws.series["stat"].unique()) == {"central", "p10", "p50", "p90"}


def test_central_run_does_not_depend_on_the_draws(baseline):  # noqa: F811
    a = simulate(baseline, {"talent_recruitment": 800})
    b = simulate(baseline, {"talent_recruitment": 800}, draws=100, seed=4)
    central = b.series[b.series["stat"] == "central"].reset_index(drop=True)
    assert np.array_equal(a.series["value"].to_numpy(), central["value"].to_numpy())


def test_benchmarks_are_reference_paths(baseline):  # noqa: F811
    """Jiangsu and the nation follow their central path; their intensity (and Jiangsu's R&D,
    against which the Northeast's is compared) carry the band of their own past forecast errors;
    the parameter draws describe the Northeast."""
    s = simulate(baseline, draws=100).series
    bench = s[s["region"].isin(["CN-JS", "CN"])].pivot_table(
        index=["variable", "year", "region"], columns="stat", values="value", observed=True
    )
    flat = bench.reset_index()
    banded = (flat["variable"] == "rd_intensity") | (
        (flat["variable"] == "rd_expenditure") & (flat["region"] == "CN-JS")
    )
    later = flat["year"] > baseline.base_year
    others = flat[~(banded & later)]
    assert (others["p10"] == others["central"]).all()
    assert (others["p90"] == others["central"]).all()
    wide = flat[banded & later]
    assert (wide["p10"] < wide["central"]).all() and (wide["central"] < wide["p90"]).all()
    ne = s[(s["region"] == "NE3") & (s["variable"] == "rd_capital_stock") & (s["year"] == 2035)]
    assert ne["value"].nunique() > 1


@pytest.mark.parametrize("draws", [-1, 20001, 2.5, True])
def test_draws_outside_the_allowed_range_are_refused(baseline, draws):  # noqa: F811
    with pytest.raises(ScenarioError, match="draws"):
        simulate(baseline, draws=draws)


def test_tornado_ranks_assumptions_by_swing(baseline):  # noqa: F811
    table = tornado(baseline, {"rd_intensity_target": 3.0}, variable="gdp", region="CN-JL")
    ranged = {p.name for p in PARAMS.assumptions if p.range is not None}
    assert set(table["parameter"]) == ranged
    assert (np.diff(table["swing"].to_numpy()) <= 1e-12).all()
    assert table.iloc[0]["parameter"] == "rd_return"  # the GDP gain is ρ × the extra stock
    centre = simulate(baseline, {"rd_intensity_target": 3.0}).value("gdp", "CN-JL", 2035, "change")
    assert table["output_central"].iloc[0] == pytest.approx(centre)
    # Assumptions that only act through levers that are not moved do not swing the result.
    idle = table.set_index("parameter").loc[["ownership_multiplier", "value_added_multiplier"]]
    assert (idle["swing"] == 0).all()


def test_tornado_refuses_unknown_outputs(baseline):  # noqa: F811
    with pytest.raises(ScenarioError):
        tornado(baseline, variable="happiness")
    with pytest.raises(ScenarioError):
        tornado(baseline, variable="tfp_gain", run="baseline")
