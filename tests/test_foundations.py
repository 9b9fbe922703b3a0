"""Part 1 (foundations): chart builders through ``to_dict()``, the frames they draw, and the
panels driven by setting widget values in Python."""

from __future__ import annotations

import json
import re

import ipywidgets as widgets
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import charts, text
from helpers.charts import foundations as fc
from helpers.data import load_claims, load_northeast_geojson, load_panel
from helpers.panels import foundations as panels

OKABE_ITO = set(charts.OKABE_ITO.values())


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return load_panel()


@pytest.fixture(scope="module")
def geo() -> dict:
    return load_northeast_geojson()


@pytest.fixture(scope="module")
def series(panel) -> pd.DataFrame:
    return fc.trend_series(panel, "en")


def value(panel: pd.DataFrame, region: str, year: int | None, indicator: str) -> float:
    rows = panel[(panel["region"] == region) & (panel["indicator"] == indicator)]
    rows = rows[rows["year"].isna()] if year is None else rows[rows["year"] == year]
    assert len(rows) == 1, (region, year, indicator)
    return float(rows["value"].iloc[0])


def handler(widget: widgets.Widget):
    """The callback observing ``value``: called directly, it receives what a browser could send."""
    return widget._trait_notifiers["value"]["change"][-1]


def send(widget: widgets.Widget, new) -> None:
    handler(widget)({"new": new, "old": widget.value, "name": "value", "owner": widget})


def find(box: widgets.Widget, cls: type, css: str | None = None) -> widgets.Widget:
    """The first descendant of ``box`` of type ``cls`` (and with class ``css``)."""
    stack = [box]
    while stack:
        widget = stack.pop(0)
        if isinstance(widget, cls) and (css is None or css in widget._dom_classes):
            return widget
        stack.extend(getattr(widget, "children", ()))
    raise LookupError(cls)


def status_of(box: widgets.VBox) -> widgets.HTML:
    return next(w for w in box.children if "nqp-status" in getattr(w, "_dom_classes", ()))


# --- every indicator speaks both languages ----------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_trend_indicator_has_a_label_unit_and_note(lang):
    catalogue = text.catalogue(lang)
    for indicator in fc.TREND_INDICATORS:
        for kind in ("ind", "unit", "note"):
            assert f"foundations.{kind}.{indicator.name}" in catalogue
    for indicator, _ in fc.BASE_INDICATORS:
        assert f"foundations.base.{indicator}" in catalogue
    for measure in fc.MAP_MEASURES:
        for key in ("option", "title", "note", "col", "summary"):
            assert f"foundations.map.{key}.{measure}" in catalogue


# --- the trend explorer -----------------------------------------------------------------------


def test_trend_series_uses_total_over_total_for_the_three_provinces(panel, series):
    """NE3's R&D intensity is total R&D ÷ total GDP (the panel's weighted value), not a sum."""
    ne3 = series[(series["view"] == "rd_intensity") & (series["region"] == "NE3")]
    got = ne3.set_index("year")["value"]
    for year in (2011, 2016, 2023):
        assert got[year] == pytest.approx(value(panel, "NE3", year, "rd_intensity_gdp_weighted"))


def test_trend_series_stays_inside_2011_to_2023_and_keeps_gaps(panel, series):
    assert series["year"].between(fc.TREND_FIRST_YEAR, fc.TREND_LAST_YEAR).all()
    revenue = series[(series["view"] == "hitech_industry_revenue") & (series["region"] == "CN-LN")]
    gap = revenue[revenue["year"] == 2017]
    assert len(gap) == 1 and gap["value"].isna().all(), "a missing year is a gap, never filled"
    assert gap["value_text"].iloc[0] == "—"


def test_trend_series_index_starts_at_100_and_rescales(panel, series):
    first = series.groupby(["view", "region"]).apply(
        lambda g: g.loc[g["year"] == g["year"].min(), "index"].iloc[0], include_groups=False
    )
    assert first.dropna().round(9).eq(100).all()
    tech = series[(series["view"] == "tech_market_outflow_value") & (series["region"] == "CN-LN")]
    raw = value(panel, "CN-LN", 2023, "tech_market_outflow_value")
    assert tech.set_index("year")["value"][2023] == pytest.approx(raw / 1e4)  # CNY 10k -> 100m


def test_trend_series_has_no_national_row_for_recognised_firms(series):
    firms = series[series["view"] == "hitech_enterprises_recognized"]
    assert "CN" not in set(firms["region"])


def test_trend_chart_is_driven_by_parameters(series):
    regions = ["CN-LN", "CN-JS", "CN"]
    spec = fc.trend_chart(series, "rd_expenditure", regions, "index", "en").to_dict()
    params = {p["name"]: p["value"] for p in spec["params"]}
    assert params == {"view": "rd_expenditure", "regions": regions, "show": "index"}
    dumped = json.dumps(spec)
    assert "indexof(regions, datum.region)" in dumped
    assert "show === 'index'" in dumped
    # every view travels to the browser once: switching indicator needs no new data
    rows = [row for rows in spec["datasets"].values() for row in rows]
    assert {row.get("view") for row in rows} >= {i.name for i in fc.TREND_INDICATORS}
    title = spec["title"]["text"]["expr"]
    assert "R&D spending" in title and "[view]" in title


def test_trend_chart_uses_okabe_ito_and_marks_known_breaks(series):
    spec = fc.trend_chart(series, "rd_intensity", list(fc.TREND_REGIONS), "value", "en").to_dict()
    rows = [row for rows in spec["datasets"].values() for row in rows]
    assert {row["colour"] for row in rows if "colour" in row} <= OKABE_ITO
    breaks = [row for row in rows if "x" in row and row.get("view") == "rd_intensity"]
    assert {(row["region"], row["x"]) for row in breaks} >= {("CN-LN", 2015.5), ("CN-JL", 2017.5)}


def test_trend_caption_names_latest_values_breaks_and_grades(panel, series):
    regions = ["CN-LN", "CN-JL", "CN-HL", "CN"]
    caption = fc.trend_caption(panel, series, "rd_intensity", regions, "value", "en")
    assert "Liaoning 2.24 (2023)" in caption
    assert "restatement" in caption and "Trust grade" in caption and "Source:" in caption
    assert "NQP Lab calculation" not in caption  # derived rows are credited to their inputs
    index = fc.trend_caption(panel, series, "rd_intensity", regions, "index", "en")
    assert "Index:" in index and index != caption


def test_wide_table_has_a_row_per_year_and_a_column_per_region(series):
    table = fc.wide_table(series, "rd_intensity", ["CN-LN", "CN"], "value_text", "en")
    assert list(table.columns) == ["Year", "Liaoning", "National"]
    assert len(table) == fc.TREND_LAST_YEAR - fc.TREND_FIRST_YEAR + 1


# --- the map ----------------------------------------------------------------------------------


def test_map_draws_only_the_northeast(geo, panel):
    """Never a map of China: the shapes are the four provinces, the points the five seats."""
    spec = fc.northeast_map(geo, fc.map_units(panel, "en"), "growth", "en").to_dict()
    dumped = json.dumps(spec, ensure_ascii=False)
    shapes = spec["datasets"][spec["hconcat"][0]["layer"][0]["data"]["name"]]
    ids = {feature["id"] for feature in shapes if feature["geometry"]["type"] != "Point"}
    assert ids == {"CN-LN", "CN-JL", "CN-HL", "CN-NM"}
    for other in ("Beijing", "Guangdong", "Taiwan", "Hainan"):
        assert other not in dumped
    assert spec["params"][0] == {"name": "measure", "value": "growth"}
    assert "mark_geoshape" not in dumped and '"geoshape"' in dumped
    assert "Natural Earth" not in dumped  # the credit is in the caption


def test_map_units_keep_a_gap_as_a_gap(panel):
    units = fc.map_units(panel, "en").set_index("region")
    assert pd.isna(units.loc["CN-NM-XA", "growth"])  # no census change for Hinggan League
    assert units.loc["CN-NM-XA", "growth_text"] == "—"
    provinces = units.loc[["CN-LN", "CN-JL", "CN-HL"], "population"].sum()
    assert provinces == pytest.approx(value(panel, "NE3", 2020, "population_census") / 1e6)


@pytest.mark.parametrize("measure", list(fc.MAP_MEASURES))
def test_map_caption_gives_numbers_sources_and_credits(panel, measure):
    caption = fc.map_caption(panel, measure, "en")
    assert "Natural Earth" in caption and "GeoNames" in caption and "Trust grade" in caption
    if measure == "population":
        total = value(panel, "NE3E5", 2020, "population_census") / 1e6
        assert text.number(total, 2, "en") in caption
    if measure == "growth":
        assert "Hinggan League —" in caption and "grade D" in caption
    if measure == "area":
        assert "Jiagedaqi" in caption


def test_map_label_of_inner_mongolia_lies_west_of_the_league_seats(geo):
    labels = fc.map_labels(geo, "en").set_index("region")
    seats = labels[labels["kind"] == "league"]
    assert labels.loc["CN-NM", "lon"] < seats["lon"].min()


# --- the base: shares of national totals ------------------------------------------------------


def test_base_shares_agree_with_the_panels_own_shares(panel):
    """A share computed here equals the share the data build computed (same inputs)."""
    shares, _ = fc.base_shares(panel, "en")
    got = shares.set_index(["region", "year", "indicator"])["share"]
    for year in (2011, 2023):
        expected = value(panel, "NE3", year, "rd_expenditure_share_of_national")
        assert got[("NE3", year, "rd_expenditure")] == pytest.approx(expected)


def test_base_share_of_recognised_firms_matches_the_claims_table(panel):
    shares, _ = fc.base_shares(panel, "en")
    got = shares.set_index(["region", "year", "indicator"])["share"]
    c11 = load_claims().set_index("claim_id").loc["C11", "recomputed_value"]
    assert got[("NE3", 2023, "hitech_enterprises_recognized")] == pytest.approx(c11)


def test_base_profile_chart_has_region_and_year_parameters(panel):
    shares, inputs = fc.base_shares(panel, "en")
    spec = fc.base_profile_chart(shares, "CN-LN", 2020, "en").to_dict()
    assert {p["name"]: p["value"] for p in spec["params"]} == {"region": "CN-LN", "year": 2020}
    caption = fc.base_caption(shares, inputs, "CN-LN", 2020, "en")
    assert "In 2020, Liaoning produced" in caption and "Hong Kong" in caption
    with pytest.raises(ValueError, match="1999"):
        fc.base_caption(shares, inputs, "CN-LN", 1999, "en")


# --- panels -----------------------------------------------------------------------------------


def test_region_map_switches_measure_and_caption(panel, geo):
    box = panels.region_map(panel, geo, "en")
    picker = find(box, widgets.Dropdown, "nqp-map-measure")
    chart = find(box, charts.alt.JupyterChart)
    frame = box.children[-1]
    before = frame.caption.value
    picker.value = "growth"
    assert chart.params.measure == "growth"
    assert frame.caption.value != before and "censuses" in frame.caption.value
    send(picker, "<script>")
    assert "not one of the choices" in status_of(box).value
    assert chart.params.measure == "growth"


def test_base_profile_follows_region_and_year(panel):
    box = panels.base_profile(panel, "en")
    region = find(box, widgets.Dropdown, "nqp-base-region")
    year = find(box, widgets.IntSlider, "nqp-base-year")
    chart = find(box, charts.alt.JupyterChart)
    frame = box.children[-1]
    region.value = "CN-JL"
    year.value = 2015
    assert (chart.params.region, chart.params.year) == ("CN-JL", 2015)
    assert "In 2015, Jilin produced" in frame.caption.value
    send(year, 1850)
    assert "1850" in status_of(box).value and chart.params.year == 2015


def test_trend_explorer_widgets_set_chart_parameters(panel):
    box = panels.trend_explorer(panel, "en")
    chart = find(box, charts.alt.JupyterChart)
    indicator = find(box, widgets.Dropdown, "nqp-trend-indicator")
    regions = find(box, widgets.SelectMultiple, "nqp-trend-regions")
    national = find(box, widgets.Checkbox, "nqp-trend-comparator-cn")
    show = find(box, widgets.ToggleButtons, "nqp-trend-show")
    frame = box.children[-1]
    assert chart.params.regions == ["CN-LN", "CN-JL", "CN-HL", "CN-JS", "CN-GD", "CN"]

    indicator.value = "patents_granted_invention"
    assert chart.params.view == "patents_granted_invention"
    assert "Invention patents granted, latest value" in frame.caption.value

    regions.value = ("NE3", "CN-NM")
    national.value = False
    assert chart.params.regions == ["CN-NM", "NE3", "CN-JS", "CN-GD"]
    assert "National" not in frame.table.value and "Inner Mongolia" in frame.table.value

    show.value = "index"
    assert chart.params.show == "index" and "Index:" in frame.caption.value
    assert status_of(box).value == ""


def test_trend_explorer_rejects_bad_input_and_an_empty_choice(panel):
    box = panels.trend_explorer(panel, "en")
    chart = find(box, charts.alt.JupyterChart)
    indicator = find(box, widgets.Dropdown, "nqp-trend-indicator")
    regions = find(box, widgets.SelectMultiple, "nqp-trend-regions")
    send(indicator, "gdp; drop table")
    assert "not one of the choices" in status_of(box).value
    assert chart.params.view == "rd_intensity"
    send(regions, ("CN-XZ",))
    assert "not one of the choices" in status_of(box).value
    for code in ("CN-JS", "CN-GD", "CN"):
        find(box, widgets.Checkbox, f"nqp-trend-comparator-{code.lower()}").value = False
    regions.value = ()
    assert "at least one region" in status_of(box).value


def test_panels_speak_chinese(panel, geo):
    box = panels.trend_explorer(panel, "zh")
    caption = box.children[-1].caption.value
    assert "辽宁" in caption and "来源" in caption
    assert "地图颜色" in find(panels.region_map(panel, geo, "zh"), widgets.Dropdown).description


@pytest.mark.parametrize("domain", ["foundations", "challenges"])
def test_narrative_has_the_same_headings_and_list_items_in_both_languages(domain):
    """A translation that drops a heading or a bullet changes the page's structure."""
    english, chinese = text.catalogue("en"), text.catalogue("zh")
    for key, message in english.items():
        if not key.startswith(f"{domain}."):
            continue
        for marker in (r"^#+ ", r"^- ", r"\*\*"):
            count = len(re.findall(marker, message, flags=re.M))
            assert count == len(re.findall(marker, chinese[key], flags=re.M)), (key, marker)


def test_the_header_links_both_pages():
    from helpers.page import open_page

    header = open_page("00_start_here", "").header().value
    assert "01_foundations.ipynb?lang=en" in header and "02_challenges.ipynb?lang=en" in header


BROWSER_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.lists(st.text(max_size=6), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


@given(BROWSER_VALUES)
def test_a_year_from_the_browser_is_a_year_with_data_or_an_error(value):
    years = [2011, 2012, 2013]
    try:
        year = panels.checked_year(value, years, "en")
    except ValueError as exc:
        assert "no provincial data" in str(exc)
    else:
        assert year in years and type(year) is int and not isinstance(value, bool)


@given(BROWSER_VALUES)
def test_a_choice_from_the_browser_is_one_of_the_options_or_an_error(value):
    options = ["rd_intensity", "rd_expenditure"]
    try:
        chosen = panels.checked_choice(value, options, "en")
    except ValueError as exc:
        assert "not one of the choices" in str(exc)
    else:
        assert chosen in options
