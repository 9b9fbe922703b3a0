"""Calibration reads every starting number from the panel and says which ones are derived."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.model import MODEL_REGIONS, CalibrationError, calibrate
from tests.conftest_model import baseline, panel  # noqa: F401


def _value(panel, region, indicator, year):  # noqa: F811
    rows = panel[
        (panel["region"] == region) & (panel["indicator"] == indicator) & (panel["year"] == year)
    ]
    return rows.sort_values("grade")["value"].iloc[0]


@pytest.mark.parametrize("region", MODEL_REGIONS)
def test_base_year_levels_are_the_panel_values(baseline, panel, region):  # noqa: F811
    b = baseline
    assert b.value("rd_expenditure", region) == _value(panel, region, "rd_expenditure", 2023)
    assert b.value("rd_intensity", region) == _value(panel, region, "rd_intensity", 2023)
    assert b.value("fte", region) == _value(panel, region, "rd_personnel_fte_total", 2023)
    assert b.value("patents_granted", region) == _value(
        panel, region, "patents_granted_invention", 2023
    )
    assert b.value("tech_contract_value", region) == pytest.approx(
        _value(panel, region, "tech_market_outflow_value", 2023) / 1e4
    )


def test_gdp_is_implied_by_the_communique_and_labelled_derived(baseline):  # noqa: F811
    b = baseline
    np.testing.assert_allclose(b.gdp, b.rd_expenditure / b.rd_intensity * 100)
    assert b.provenance["gdp"].startswith("[derived]")
    table = b.to_frame()
    assert table.loc[table["variable"] == "gdp", "derived"].all()
    assert not table.loc[table["variable"] == "rd_expenditure", "derived"].any()


def test_northeast_intensity_is_total_rd_over_total_gdp_not_the_simple_mean(baseline):  # noqa: F811
    """The report's 1.74% is the unweighted mean; the pooled intensity is 1.87%."""
    b = baseline
    pooled = b.rd_expenditure[:3].sum() / b.gdp[:3].sum() * 100
    assert pooled == pytest.approx(1.87, abs=0.005)
    assert b.rd_intensity[:3].mean() == pytest.approx(1.743, abs=0.001)


def test_growth_rates_are_derived_from_the_documented_windows(baseline):  # noqa: F811
    """Growth over 2018–2023 leaves out the 2019 census revision where it is documented, so it
    is the 2019–2023 growth of targets.md (LN 4.9%, JL 3.8%, HL 4.1%, CN 6.1%); Jiangsu, whose
    2019 change is not a documented break, keeps it (6.7% instead of 6.5%)."""
    np.testing.assert_allclose(baseline.gdp_growth, [0.049, 0.038, 0.041, 0.0666, 0.061], atol=6e-4)
    np.testing.assert_allclose(baseline.fte_growth, [0.066, 0.079, 0.110, 0.099, 0.106], atol=6e-4)
    assert baseline.trend_start == 2018
    assert "CN-JL 2019" in baseline.provenance["gdp_growth"]


def test_calibration_uses_no_year_after_the_base_year(panel):  # noqa: F811
    """A backtest origin sees only its past: data after the base year change nothing."""
    from helpers.model import calibrate

    early = calibrate(panel, base_year=2018)
    truncated = calibrate(panel[panel["year"] <= 2018], base_year=2018)
    for name in ("gdp_growth", "intensity_trend", "rd_per_fte", "patents_granted", "rd_history"):
        np.testing.assert_array_equal(getattr(early, name), getattr(truncated, name))
    assert early.rd_per_fte_growth == truncated.rd_per_fte_growth
    assert early.rd_history_years[-1] == 2018


def test_the_highest_provincial_intensity_is_found_in_the_panel(baseline, panel):  # noqa: F811
    provinces = panel[
        panel["region"].str.startswith("CN-") & (panel["indicator"] == "rd_intensity")
    ]
    assert baseline.max_intensity[0] == provinces["value"].max()
    assert baseline.max_intensity[1].startswith("CN-")


def test_duplicate_rows_resolve_to_the_best_grade(panel):  # noqa: F811
    worse = panel[(panel["indicator"] == "rd_expenditure") & (panel["year"] == 2023)].assign(
        value=1.0, grade="D"
    )
    b = calibrate(pd.concat([worse, panel], ignore_index=True))
    assert b.value("rd_expenditure", "CN-LN") == _value(panel, "CN-LN", "rd_expenditure", 2023)


def test_a_missing_number_is_named(panel):  # noqa: F811
    gap = panel[
        ~(
            (panel["region"] == "CN-JL")
            & (panel["indicator"] == "rd_personnel_fte_total")
            & (panel["year"] == 2020)
        )
    ]
    with pytest.raises(CalibrationError, match=r"rd_personnel_fte_total.*CN-JL 2020"):
        calibrate(gap)


def test_missing_columns_are_named(panel):  # noqa: F811
    with pytest.raises(CalibrationError, match="indicator"):
        calibrate(panel.drop(columns=["indicator"]))


def test_baseline_arrays_are_read_only(baseline):  # noqa: F811
    with pytest.raises(ValueError):
        baseline.rd_intensity[0] = 9.0
