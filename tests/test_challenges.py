"""Part 2 (challenges): chart builders through ``to_dict()``, the frames they draw, the claim
cards, and the panels driven by setting widget values in Python."""

from __future__ import annotations

import itertools
import json
import math
import re

import ipywidgets as widgets
import pandas as pd
import pytest

from helpers import charts, text
from helpers.charts import challenges as cc
from helpers.data import load_claims, load_panel
from helpers.panels import challenges as panels
from tests.test_foundations import find, send, status_of, value


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return load_panel()


@pytest.fixture(scope="module")
def claims() -> pd.DataFrame:
    return load_claims()


@pytest.fixture(scope="module")
def averaging(panel):
    return cc.averaging_frame(panel, "en")


def claim(claims: pd.DataFrame, claim_id: str) -> pd.Series:
    return claims.set_index("claim_id").loc[claim_id]


def view_values(views: cc.Views, view: str, region: str) -> pd.Series:
    rows = views.series[(views.series["view"] == view) & (views.series["region"] == region)]
    return rows.set_index("year")["value"]


# --- the R&D gap ------------------------------------------------------------------------------


def test_gap_views_reproduce_the_checked_claims(panel, claims):
    views = cc.gap_views(panel, "en")
    assert set(views.titles) == {"intensity", "totals", "share", "relative"}
    assert view_values(views, "intensity", "NE3")[2023] == pytest.approx(
        claim(claims, "C05")["recomputed_value"]
    )
    assert view_values(views, "share", "share_jiangsu")[2023] == pytest.approx(
        claim(claims, "C04")["recomputed_value"]
    )
    assert view_values(views, "totals", "NE3")[2023] == pytest.approx(
        claim(claims, "C03")["recomputed_value"]
    )


def test_gap_chart_switches_views_in_the_browser(panel):
    views = cc.gap_views(panel, "en")
    spec = cc.views_chart(views, "share", "en").to_dict()
    assert spec["params"] == [{"name": "view", "value": "share"}]
    rows = [row for rows in spec["datasets"].values() for row in rows]
    assert {row.get("view") for row in rows} >= set(views.titles)
    assert "Jiangsu" in spec["title"]["text"]["expr"]


def test_gap_caption_follows_each_line_from_first_to_last_year(panel):
    views = cc.gap_views(panel, "en")
    caption = cc.views_caption(views, "share", "en", note="N.")
    first = text.number(value(panel, "NE3", 2011, "rd_expenditure_share_of_jiangsu"), 1, "en")
    assert f"as % of Jiangsu {first} (2011) → 26.5 (2023)" in caption
    assert "Trust grade" in caption and caption.endswith("N.</p>")
    table = cc.views_table(views, "share", "en")
    assert list(table.columns) == ["Year", "as % of Jiangsu", "as % of national"]


# --- conversion and talent --------------------------------------------------------------------


def test_technology_sold_per_100_yuan_of_rd_is_computed_in_matching_units(panel):
    views = cc.conversion_views(panel, "en")
    got = view_values(views, "per_rd", "CN-LN")[2023]
    tech = value(panel, "CN-LN", 2023, "tech_market_outflow_value") / 1e4  # CNY 10k -> 100m
    assert got == pytest.approx(tech / value(panel, "CN-LN", 2023, "rd_expenditure") * 100)
    shares = view_values(views, "shares", "share_patents")
    expected = value(panel, "NE3", 2023, "patents_granted_invention") / value(
        panel, "CN", 2023, "patents_granted_invention"
    )
    assert shares[2023] == pytest.approx(expected * 100)


def test_talent_index_starts_at_100(panel):
    views = cc.talent_views(panel, "en")
    for region in ("NE3", "CN-JS", "CN-GD", "CN"):
        line = view_values(views, "index", region).dropna()
        assert line.iloc[0] == pytest.approx(100)


def test_census_chart_lists_a_gap_as_no_data(panel):
    spec = cc.census_chart(panel, "en").to_dict()
    rows = [row for rows in spec["datasets"].values() for row in rows]
    hinggan = next(row for row in rows if row.get("region") == "CN-NM-XA")
    assert hinggan["value"] is None and hinggan["shown"] == "no data"
    caption = cc.census_caption(panel, "en")
    assert "-10.0%" in caption and "grade D" in caption


# --- innovative firms -------------------------------------------------------------------------


def test_recognised_firm_shares_add_up_to_the_claims_figure(panel, claims):
    shares, rows = cc.hitech_shares(panel, "en")
    total_2023 = shares[shares["year"] == 2023]["share"].sum()
    assert total_2023 == pytest.approx(claim(claims, "C11")["recomputed_value"])
    assert rows["region"].nunique() == 31


def test_firms_chart_draws_the_reports_threshold_from_the_claims_table(panel, claims):
    threshold = float(claim(claims, "C11")["claimed_value"])
    shares, rows = cc.hitech_shares(panel, "en")
    spec = cc.hitech_chart(shares, threshold, "en").to_dict()
    assert f"below {text.percent(threshold, 0, 'en')}" in json.dumps(spec)
    caption = cc.hitech_caption(shares, rows, threshold, "en")
    assert "grade C" in caption or "Trust grade C" in caption


# --- the lesson: two ways to average ----------------------------------------------------------


def test_gdp_width_bars_reproduce_total_over_total(averaging):
    """The area of the GDP-width bars is total R&D ÷ total GDP (to intensity rounding)."""
    bars, lines = averaging
    for year, group in bars.groupby("year"):
        assert group["weight"].sum() == pytest.approx(100)
        area = (group["intensity"] * group["weight"]).sum() / 100
        weighted = lines.set_index("year").loc[year, "weighted"]
        assert area == pytest.approx(weighted, abs=0.005)
        assert group["intensity"].mean() == pytest.approx(
            lines.set_index("year").loc[year, "simple"]
        )


def test_bar_edges_tile_the_width_in_every_year(averaging):
    """Both sets of bars start at 0, end at 100 and leave no gap or overlap between them."""
    bars, _ = averaging
    for _, group in bars.groupby("year"):
        for left, right in (("x0_equal", "x1_equal"), ("x0_gdp", "x1_gdp")):
            assert group[left].iloc[0] == 0
            assert group[right].iloc[-1] == pytest.approx(100)
            assert group[left].iloc[1:].to_numpy() == pytest.approx(
                group[right].iloc[:-1].to_numpy()
            )


def test_lesson_rule_labels_never_overlap_and_stay_put_when_they_can(averaging):
    """Two averages 0.04 points apart (2015) wrote their labels over each other."""
    bars, lines = averaging
    spec = cc.averaging_chart(bars, lines, 2015, "simple", "en").to_dict()
    rows = next(rows for rows in spec["datasets"].values() if rows and "label_y" in rows[0])
    domain_top = next(
        layer["encoding"]["y"]["scale"]["domain"][1]
        for layer in spec["layer"]
        if "scale" in layer.get("encoding", {}).get("y", {})
    )
    gap = cc.LESSON_LABEL_GAP_PX / cc.LESSON_HEIGHT * domain_top
    for year in {row["year"] for row in rows}:
        heights = sorted(row["label_y"] for row in rows if row["year"] == year)
        assert all(b - a >= gap - 1e-9 for a, b in itertools.pairwise(heights))
    assert all(row["label_y"] >= row["value"] for row in rows)
    far = [row for row in rows if row["kind"] == "national" and row["year"] == 2015]
    assert far and far[0]["label_y"] == far[0]["value"]  # national is far above: not moved


def test_no_rule_runs_through_a_bars_name_in_any_year(averaging):
    """2015: two averages (1.15%, 1.11%) ran through "Jilin 1.01%" and "Heilongjiang 1.05%"
    written above the bars; there the names go just inside the bars' tops."""
    bars, lines = averaging
    spec = cc.averaging_chart(bars, lines, 2015, "simple", "en").to_dict()
    rows = next(rows for rows in spec["datasets"].values() if rows and "inside" in rows[0])
    top = math.ceil(max(bars["intensity"].max(), lines.drop(columns="year").max().max()) * 2) / 2
    near, far = (px * top / cc.LESSON_HEIGHT for px in cc.LESSON_NAME_BAND_PX)
    rules = lines.set_index("year")[["simple", "weighted", "national"]]
    for row in rows:
        value, levels = row["intensity"], rules.loc[row["year"]].dropna().to_numpy()
        low, high = (value - far, value - near) if row["inside"] else (value + near, value + far)
        assert not ((levels > low) & (levels < high)).any(), row
    moved = {(row["year"], row["region"]) for row in rows if row["inside"]}
    assert {(2015, "CN-JL"), (2015, "CN-HL")} <= moved
    assert (2015, "CN-LN") not in moved  # Liaoning's name is clear above its bar


def test_averaging_chart_has_year_and_method_parameters(averaging):
    bars, lines = averaging
    spec = cc.averaging_chart(bars, lines, 2020, "gdp", "en").to_dict()
    assert {p["name"]: p["value"] for p in spec["params"]} == {"year": 2020, "method": "gdp"}
    assert "method === 'gdp'" in json.dumps(spec)


def test_worked_example_computes_both_averages(panel, averaging, claims):
    bars, lines = averaging
    example = cc.averaging_example(bars, lines, panel, 2023, "en")
    simple = text.percent(value(panel, "NE3", 2023, "rd_intensity_simple_mean"), 2, "en")
    weighted = text.percent(claim(claims, "C05")["recomputed_value"], 2, "en")
    assert f"divide by three: {simple}" in example and f"gives {weighted}" in example
    assert "Liaoning, the largest economy" in example
    assert cc.averaging_example(bars, lines, panel, 2015, "en") != example
    with pytest.raises(ValueError, match="1999"):
        cc.averaging_example(bars, lines, panel, 1999, "en")


# --- the claims -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_claim_gets_a_card_with_verdict_word_and_symbol(claims, lang):
    cards = cc.claim_cards(claims, lang)
    assert cards.count('<article class="nqp-claim"') == len(claims)
    for verdict in claims["verdict"].unique():
        word = text.t(f"challenges.verdict.{verdict.replace(' ', '_')}", lang)
        colour, symbol = cc.VERDICT_STYLE[verdict]
        assert word in cards and symbol in cards and colour in cards
    assert "nan" not in re.sub(r"<[^>]+>", "", cards).lower().split()
    column = "claim_zh" if lang == "zh" else "claim_en"
    assert claims[column].iloc[0].split("（")[0] in cards


def test_verdict_colours_are_colour_blind_safe():
    colours = {colour for colour, _ in cc.VERDICT_STYLE.values()}
    assert colours - {"#666666"} <= set(charts.OKABE_ITO.values())
    symbols = [symbol for _, symbol in cc.VERDICT_STYLE.values()]
    assert len(set(symbols)) == len(symbols)


def test_claim_values_are_formatted_with_units():
    assert cc.format_claim_value(1115.9, "CNY 100 million", "en") == "1,115.9 CNY 100 million"
    assert cc.format_claim_value(1115.9, "CNY 100 million", "zh") == "1,115.9 亿元"
    assert cc.format_claim_value(40.0, "percent", "en") == "40%"
    assert cc.format_claim_value(38.0, "percent (FAW, parts made in Jilin)", "zh") == "38%"
    assert cc.format_claim_value(float("nan"), "percent", "en") == "nothing could be recomputed"


def test_cards_escape_what_they_show(claims):
    evil = claims.head(1).assign(claim_en="<script>x</script>", source_url="javascript:alert(1)")
    cards = cc.claim_cards(evil, "en")
    assert "<script>" not in cards and "javascript:" not in cards


# --- panels -----------------------------------------------------------------------------------


def test_gap_explorer_switches_view_caption_and_table(panel):
    box = panels.gap_explorer(panel, "en")
    picker = find(box, widgets.Dropdown, "nqp-gap-view")
    chart = find(box, charts.alt.JupyterChart)
    frame = box.children[-1]
    before = frame.caption.value
    picker.value = "totals"
    assert chart.params.view == "totals"
    assert frame.caption.value != before and "Jiangsu" in frame.table.value
    send(picker, "everything")
    assert "not one of the choices" in status_of(box).value and chart.params.view == "totals"


def test_averaging_lesson_moves_method_year_and_example(panel):
    box = panels.averaging_lesson(panel, "en")
    method = find(box, widgets.ToggleButtons, "nqp-lesson-method")
    year = find(box, widgets.IntSlider, "nqp-lesson-year")
    example = find(box, widgets.HTML, "nqp-lesson-example")
    chart = find(box, charts.alt.JupyterChart)
    frame = next(w for w in box.children if hasattr(w, "caption"))
    method.value = "gdp"
    assert chart.params.method == "gdp"
    year.value = 2016
    assert chart.params.year == 2016 and "Worked example for 2016" in example.value
    assert "Years shown: 2016" in frame.caption.value
    send(year, 2031)
    assert "2031" in status_of(box).value and chart.params.year == 2016
    send(method, "median")
    assert chart.params.method == "gdp"


def test_a_figures_csv_export_follows_the_slider(panel):
    """The CSV button exports the table on screen: after the year moves, that year's numbers
    (it exported the first year's table before)."""
    from helpers.widgets import DownloadButton

    box = panels.averaging_lesson(panel, "en")
    year = find(box, widgets.IntSlider, "nqp-lesson-year")
    frame = next(w for w in box.children if hasattr(w, "caption"))
    csv = find(box, DownloadButton, "nqp-export-csv")
    year.value = 2016
    exported = csv._produce()[2].decode("utf-8")
    shown = re.findall(r"<td[^>]*>([^<]*)</td>", frame.table.value)
    assert shown and all(cell.replace(",", "") in exported.replace(",", "") for cell in shown)
    assert "2016" in exported


def test_claims_explorer_filters_by_verdict(claims):
    box = panels.claims_explorer(claims, "en")
    picker = find(box, widgets.ToggleButtons, "nqp-claims-filter")
    cards = find(box, widgets.HTML, "nqp-claims")
    picker.value = "misleading"
    shown = set(re.findall(r'data-claim="(C\d\d)"', cards.value))
    assert shown == set(claims.loc[claims["verdict"] == "misleading", "claim_id"])
    picker.value = "all"
    assert cards.value.count("<article") == len(claims)
    send(picker, "true")
    assert "not one of the choices" in status_of(box).value


def test_lesson_text_takes_its_numbers_from_the_claims_table(claims):
    markdown = panels.lesson_text(claims, "en").data
    c05 = claim(claims, "C05")
    assert text.percent(c05["claimed_value"], 2, "en") in markdown
    assert text.percent(c05["recomputed_value"], 2, "en") in markdown


def test_claim_cards_refuse_an_unknown_claim(claims):
    with pytest.raises(LookupError, match="C99"):
        panels.claim_cards(claims, ["C01", "C99"], "en")


def test_fixed_figures_speak_chinese(panel, claims):
    firms = panels.innovative_firms(panel, claims, "zh")
    assert "三省" in firms.caption.value and "来源" in firms.caption.value
    census = panels.population_change(panel, "zh")
    assert "人口" in census.caption.value


def test_fixed_charts_are_live_offline_charts(panel, claims):
    """Every chart is an offline JupyterChart; the Vega bundle loads once per page."""
    for box in (
        panels.innovative_firms(panel, claims, "en"),
        panels.population_change(panel, "en"),
    ):
        assert isinstance(box.children[0], charts.alt.JupyterChart)
