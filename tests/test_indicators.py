"""Derived indicators: the headline numbers come out of the code; the recipes hold in general."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.data import load_panel, load_superseded
from helpers.data.regions import NE3_MEMBERS
from helpers.indicators import (
    PANEL_COLUMNS,
    aggregate_sum,
    census_population_change,
    implied_gdp,
    rd_intensity_gdp_weighted,
    rd_intensity_simple_mean,
)


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return load_panel()


def value(panel: pd.DataFrame, region: str, year: int, indicator: str) -> pd.Series:
    rows = panel[
        (panel["region"] == region) & (panel["year"] == year) & (panel["indicator"] == indicator)
    ]
    assert len(rows) == 1, (region, year, indicator)
    return rows.iloc[0]


def test_ne3_rd_2023_is_the_sum_of_the_three_provinces(panel):
    row = value(panel, "NE3", 2023, "rd_expenditure")
    assert row["derived"] and row["grade"] == "A"
    assert row["value"] == pytest.approx(1115.9, abs=0.05)
    parts = sum(value(panel, code, 2023, "rd_expenditure")["value"] for code in NE3_MEMBERS)
    assert row["value"] == pytest.approx(parts)


def test_ne3_share_of_jiangsu_and_of_national_2023(panel):
    assert value(panel, "NE3", 2023, "rd_expenditure_share_of_jiangsu")["value"] == pytest.approx(
        26.49, abs=0.01
    )
    assert value(panel, "NE3", 2023, "rd_expenditure_share_of_national")["value"] == pytest.approx(
        3.35, abs=0.01
    )


def test_ne3_intensity_2023_simple_mean_and_gdp_weighted(panel):
    simple = value(panel, "NE3", 2023, "rd_intensity_simple_mean")
    weighted = value(panel, "NE3", 2023, "rd_intensity_gdp_weighted")
    assert simple["value"] == pytest.approx(1.7433, abs=1e-4)
    assert round(weighted["value"], 2) == 1.87
    assert value(panel, "NE3", 2023, "rd_intensity_simple_mean_pct_of_national")[
        "value"
    ] == pytest.approx(65.8, abs=0.05)
    assert (
        round(value(panel, "NE3", 2023, "rd_intensity_gdp_weighted_pct_of_national")["value"]) == 71
    )


def test_implied_gdp_reproduces_the_communique_denominator(panel):
    """R&D ÷ intensity gives back a GDP close to the official first-release GDP (Liaoning 2023)."""
    implied = value(panel, "CN-LN", 2023, "gdp_implied")["value"]
    official = value(panel, "CN-LN", 2023, "gdp")["value"]
    assert implied == pytest.approx(official, rel=0.005)  # intensity printed with 2 decimals


def test_census_loss_of_the_three_provinces(panel):
    change = value(panel, "NE3", 2020, "population_census_change_since_2010")
    assert change["value"] == -10_998_181
    assert value(panel, "NE3", 2020, "population_census_growth_since_2010")[
        "value"
    ] == pytest.approx(-10.04, abs=0.005)


def test_published_aggregates_agree_with_the_derived_ones():
    """Where a published value won over a derived one, the two agree (to the published rounding)."""
    aside = load_superseded()
    aside = aside[aside["reason"] == "published value exists"]
    checked = aside[aside["indicator"].str.startswith("population_census")]
    assert len(checked) >= 5
    for row in checked.itertuples():
        assert row.value == pytest.approx(row.kept_value, abs=0.005 + 1e-9 * abs(row.kept_value))


def test_rd_per_fte_matches_the_communique(panel):
    """National 2023: 46.1万元 per person-year in the communiqué."""
    row = value(panel, "CN", 2023, "rd_expenditure_per_fte")
    assert round(row["value"], 1) == 46.1
    assert row["unit"] == "CNY 10k per person-year"


def test_patents_per_10k_people_use_year_end_population_and_skip_the_nation(panel):
    rates = panel[panel["indicator"] == "patents_in_force_invention_per_10k_people"]
    assert "CN" not in set(rates["region"])
    population = panel[panel["indicator"] == "population_year_end"].set_index(["region", "year"])
    for row in rates.itertuples():
        assert (row.region, row.year) in population.index
    row = value(panel, "NE3", 2023, "patents_in_force_invention_per_10k_people")
    patents = value(panel, "NE3", 2023, "patents_in_force_invention")["value"]
    people = value(panel, "NE3", 2023, "population_year_end")["value"]
    assert row["value"] == pytest.approx(patents / people)


def test_pre_census_population_vintages_are_kept_apart(panel):
    prerevision = panel[panel["indicator"] == "population_year_end_prerevision"]
    assert {("CN-LN", 2019), ("CN-JL", 2019)} <= set(
        zip(prerevision["region"], prerevision["year"], strict=True)
    )
    year_end = panel[panel["indicator"] == "population_year_end"]
    assert ("CN-LN", 2019) not in set(zip(year_end["region"], year_end["year"], strict=True))


def test_derived_rows_are_marked_and_graded(panel):
    derived = panel[panel["derived"]]
    assert len(derived) > 1000
    assert derived["source"].str.startswith("NQP Lab calculation").all()
    assert not panel.loc[~panel["derived"], "source"].str.startswith("NQP Lab").any()


# ---------------------------------------------------------------------------------------------
# Properties on synthetic panels


def _row(region: str, year: int, indicator: str, value: float, unit: str, grade: str = "A") -> dict:
    return {
        "region": region,
        "region_en": region,
        "region_zh": region,
        "year": year,
        "indicator": indicator,
        "value": value,
        "unit": unit,
        "source": f"table {indicator}",
        "source_url": "",
        "grade": grade,
        "derived": False,
    }


def _panel(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=PANEL_COLUMNS)
    frame["year"] = frame["year"].astype("Int64")
    return frame


positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)
grades = st.sampled_from("ABCD")


@settings(max_examples=50, deadline=None)
@given(st.lists(positive, min_size=3, max_size=3), st.lists(grades, min_size=3, max_size=3))
def test_ne3_sum_is_the_sum_and_carries_the_worst_grade(values, grade_list):
    rows = [
        _row(code, 2023, "rd_expenditure", v, "CNY 100 million", g)
        for code, v, g in zip(NE3_MEMBERS, values, grade_list, strict=True)
    ]
    result = aggregate_sum(_panel(rows), NE3_MEMBERS, "NE3")
    assert len(result) == 1
    assert result["value"].iloc[0] == pytest.approx(sum(values))
    assert result["grade"].iloc[0] == max(grade_list, key="ABCD".index)
    assert bool(result["derived"].iloc[0])


@given(st.lists(positive, min_size=2, max_size=2), st.sampled_from(NE3_MEMBERS))
def test_a_missing_province_leaves_the_aggregate_empty(values, missing):
    """A gap stays a gap: no NE3 sum unless all three provinces report."""
    present = [code for code in NE3_MEMBERS if code != missing]
    rows = [
        _row(code, 2023, "rd_expenditure", v, "CNY 100 million")
        for code, v in zip(present, values, strict=True)
    ]
    assert aggregate_sum(_panel(rows), NE3_MEMBERS, "NE3").empty


def test_percentages_are_never_summed():
    rows = [_row(code, 2023, "rd_intensity", 2.0, "percent") for code in NE3_MEMBERS]
    assert aggregate_sum(_panel(rows), NE3_MEMBERS, "NE3").empty


intensities = st.floats(min_value=0.1, max_value=7.0, allow_nan=False)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(min_value=1.0, max_value=5000.0), min_size=3, max_size=3),
    st.lists(intensities, min_size=3, max_size=3),
)
def test_weighted_and_simple_intensities_lie_between_the_provinces(spend, intensity):
    """Both NE3 intensities are averages: never below the lowest or above the highest province."""
    rows = []
    for code, rd, share in zip(NE3_MEMBERS, spend, intensity, strict=True):
        rows.append(_row(code, 2023, "rd_expenditure", rd, "CNY 100 million"))
        rows.append(_row(code, 2023, "rd_intensity", share, "percent"))
    panel = _panel(rows)
    panel = pd.concat([panel, implied_gdp(panel)], ignore_index=True)
    weighted = rd_intensity_gdp_weighted(panel)["value"].iloc[0]
    simple = rd_intensity_simple_mean(panel)["value"].iloc[0]
    low, high = min(intensity) - 1e-9, max(intensity) + 1e-9
    assert low <= weighted <= high
    assert low <= simple <= high
    # with no official GDP, total R&D over total implied GDP is exact
    total_gdp = sum(rd / share * 100 for rd, share in zip(spend, intensity, strict=True))
    assert weighted == pytest.approx(sum(spend) / total_gdp * 100)


def test_official_gdp_graded_c_is_not_used_for_the_weighted_intensity():
    rows = []
    for code in NE3_MEMBERS:
        rows.append(_row(code, 2023, "rd_expenditure", 100.0, "CNY 100 million"))
        rows.append(_row(code, 2023, "rd_intensity", 2.0, "percent"))
        rows.append(_row(code, 2023, "gdp", 1.0, "CNY 100 million", grade="C"))
    panel = _panel(rows)
    panel = pd.concat([panel, implied_gdp(panel)], ignore_index=True)
    assert rd_intensity_gdp_weighted(panel)["value"].iloc[0] == pytest.approx(2.0)


@given(positive, positive)
def test_census_change_is_the_difference(before, after):
    rows = [
        _row("CN-LN", 2010, "population_census", before, "persons"),
        _row("CN-LN", 2020, "population_census", after, "persons"),
    ]
    result = census_population_change(_panel(rows)).set_index("indicator")
    assert result.loc["population_census_change_since_2010", "value"] == pytest.approx(
        after - before
    )
    assert result.loc["population_census_growth_since_2010", "value"] == pytest.approx(
        (after / before - 1) * 100
    )
