"""The knowledge production function estimated on the 31-province panel (parameters.md §5)."""

from __future__ import annotations

import math

import pytest

from helpers.model import estimate_knowledge_production, load_parameters
from helpers.model.estimation import student_t_quantile
from tests.conftest_model import panel  # noqa: F401


@pytest.mark.parametrize(("df", "expected"), [(10, 2.2281), (30, 2.0423), (100, 1.9840)])
def test_student_t_quantiles_match_tables(df, expected):
    assert student_t_quantile(0.975, df) == pytest.approx(expected, abs=2e-4)
    assert student_t_quantile(0.025, df) == pytest.approx(-expected, abs=2e-4)


def test_estimates_have_finite_confidence_intervals_around_them(panel):  # noqa: F811
    results = estimate_knowledge_production(panel)
    assert [r.specification for r in results] == [
        "province and year fixed effects",
        "year fixed effects",
    ]
    for r in results:
        assert r.n_provinces == 31 and r.n_obs == 31 * (2023 - 2013 + 1)
        for est, (low, high) in ((r.beta, r.ci_beta), (r.gamma, r.ci_gamma)):
            assert math.isfinite(est) and low < est < high
        assert len(r.to_frame()) == 2


def test_the_judgement_defaults_are_inside_the_within_province_intervals(panel):  # noqa: F811
    """The panel cannot pin β and γ down; the defaults (0.5, 0.3) are consistent with it."""
    within = estimate_knowledge_production(panel)[0]
    params = load_parameters()
    beta, gamma = (
        params[n].default for n in ("patent_elasticity_rd_stock", "patent_elasticity_researchers")
    )
    assert within.ci_beta[0] <= beta <= within.ci_beta[1]
    assert within.ci_gamma[0] <= gamma <= within.ci_gamma[1]
