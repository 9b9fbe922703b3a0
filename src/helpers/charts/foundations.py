"""Charts of part 1, the region's foundations: a map, its share of national totals, trends.

Pure functions: tidy rows in, an ``alt.Chart`` (or a display frame) out. What a widget changes
is a chart parameter, so the data stay in the browser:

* :func:`northeast_map`: the Northeast only (three provinces, the rest of Inner Mongolia in
  grey, the seats of the five eastern leagues/cities as labelled points), coloured by one
  measure (parameter ``measure``) next to a bar chart of the same measure.
* :func:`base_profile_chart`: a region's share of national totals for ten indicators, against
  its share of GDP (parameters ``region`` and ``year``).
* :func:`line_explorer`: lines over the years, one per region or series, filtered by a view
  (indicator), a list of regions and a value/index switch. Part 2 uses it too.

The frames these charts draw are built here as well (:func:`trend_series`,
:func:`base_shares`, :func:`map_units`), so that a test can check every number without a
browser.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from helpers import text
from helpers.charts import OKABE_ITO, region_name_column, source_caption

#: Provinces a reader can pick, and the comparators that can be switched on.
TREND_REGIONS: tuple[str, ...] = ("CN-LN", "CN-JL", "CN-HL", "CN-NM", "NE3")
COMPARATORS: tuple[str, ...] = ("CN-JS", "CN-GD", "CN")
#: One colour per region, the same on every chart of parts 1 and 2 (Okabe–Ito, no yellow:
#: it is too pale for a line on white).
REGION_COLOURS: dict[str, str] = {
    "CN-LN": OKABE_ITO["vermillion"],
    "CN-JL": OKABE_ITO["blue"],
    "CN-HL": OKABE_ITO["green"],
    "CN-NM": OKABE_ITO["purple"],
    "NE3": OKABE_ITO["black"],
    "CN-JS": OKABE_ITO["orange"],
    "CN-GD": OKABE_ITO["sky_blue"],
    "CN": OKABE_ITO["grey"],
}
#: The first year of the trend charts: the first year of the R&D communiqués in the panel, the
#: window the report compares.
TREND_FIRST_YEAR = 2011
#: The last year of the trend charts: the report's latest year and the last yearbook edition's
#: data year (a lone national estimate for 2024 would otherwise run past every other line).
TREND_LAST_YEAR = 2023
#: Colour of the parts of Inner Mongolia outside the region, and of a gap in the data.
NO_DATA_GREY = "#e3e3e3"


@dataclass(frozen=True)
class Indicator:
    """An indicator as the trend charts show it.

    ``scale`` divides the panel value into the display unit (``CNY 10k`` -> ``CNY 100
    million``); ``ne3`` names the panel indicator used for NE3 when it differs (the region's R&D
    intensity is total R&D ÷ total GDP, not a sum); ``decimals`` formats tooltips and tables.
    Labels and units come from the string table: ``foundations.ind.<name>`` and
    ``foundations.unit.<name>``.
    """

    name: str
    decimals: int = 0
    scale: float = 1.0
    ne3: str | None = None


TREND_INDICATORS: tuple[Indicator, ...] = (
    Indicator("rd_intensity", 2, ne3="rd_intensity_gdp_weighted"),
    Indicator("rd_expenditure", 1),
    Indicator("rd_personnel_fte_total", 0),
    Indicator("rd_expenditure_per_fte", 1),
    Indicator("patents_granted_invention", 0),
    Indicator("patents_in_force_invention", 0),
    Indicator("papers_sci", 0),
    Indicator("hitech_industry_revenue", 0),
    Indicator("hitech_enterprises_recognized", 0),
    Indicator("tech_market_outflow_value", 1, scale=1e4),
    Indicator("public_budget_expenditure_science_technology", 1),
)
INDICATORS_BY_NAME: dict[str, Indicator] = {i.name: i for i in TREND_INDICATORS}

#: Known breaks in the series (data/README.md, "Known breaks and traps"), drawn as dashed rules
#: where the region is shown: (indicator, region, x position, string-table key of the label).
BREAKS: tuple[tuple[str, str, float, str], ...] = (
    ("rd_intensity", "CN-LN", 2015.5, "foundations.break.ln_gdp"),
    ("rd_intensity", "NE3", 2015.5, "foundations.break.ln_gdp"),
    ("rd_intensity", "CN-JL", 2017.5, "foundations.break.jl_hl_2018"),
    ("rd_intensity", "CN-HL", 2017.5, "foundations.break.jl_hl_2018"),
    ("rd_expenditure", "CN-JL", 2017.5, "foundations.break.jl_hl_2018"),
    ("rd_expenditure", "CN-HL", 2017.5, "foundations.break.jl_hl_2018"),
    *(
        ("hitech_industry_revenue", code, 2017.0, "foundations.break.hitech_2017")
        for code in (*TREND_REGIONS, *COMPARATORS)
    ),
)


def region_label(code: str, names: Mapping[str, str], lang: str) -> str:
    """Short display name: the string table's for the nation and NE3, else the panel's."""
    if code in {"CN", "NE3"}:
        return text.t(f"foundations.short.{code}", lang)
    return names[code]


def region_names(panel: pd.DataFrame, lang: str) -> dict[str, str]:
    """Region code -> name in ``lang``, from the panel's own columns."""
    column = region_name_column(lang)
    return dict(zip(panel["region"], panel[column], strict=True))


def format_value(value: float | None, decimals: int, lang: str) -> str:
    """A number for a tooltip or table; a gap is shown as a dash, never as 0."""
    if value is None or pd.isna(value):
        return "—"
    return text.number(float(value), decimals, lang)


# --- the trend explorer -----------------------------------------------------------------------


def trend_rows(panel: pd.DataFrame, indicator: Indicator, regions: Sequence[str]) -> pd.DataFrame:
    """Panel rows behind one indicator's lines (NE3 may use its own indicator), 2011–2023."""
    names = {indicator.name, indicator.ne3 or indicator.name}
    rows = panel[panel["indicator"].isin(names) & panel["region"].isin(regions)]
    own = rows["indicator"] == indicator.name
    if indicator.ne3:
        ne3 = rows["region"] == "NE3"
        own = (own & ~ne3) | ((rows["indicator"] == indicator.ne3) & ne3)
    out = rows[own]
    order = {code: rank for rank, code in enumerate(regions)}
    out = out.sort_values(
        ["region", "year"], key=lambda c: c.map(order) if c.name == "region" else c
    )
    years = out["year"]
    return out[years.notna() & (years >= TREND_FIRST_YEAR) & (years <= TREND_LAST_YEAR)]


def _fill_years(series: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Add empty rows for missing years inside each series, so the line breaks at a gap."""
    filled = []
    for _, group in series.groupby(keys, sort=False):
        years = range(int(group["year"].min()), int(group["year"].max()) + 1)
        full = group.set_index("year").reindex(years)
        for key in keys:
            full[key] = group[key].iloc[0]
        filled.append(full.rename_axis("year").reset_index())
    return pd.concat(filled, ignore_index=True) if filled else series


def _mark_last(series: pd.DataFrame, column: str, keys: list[str]) -> pd.Series:
    """True on the last year with a value in ``column`` of each series (for end labels)."""
    valid = series[series[column].notna()]
    last = valid.groupby(keys)["year"].transform("max")
    flags = pd.Series(False, index=series.index)
    flags.loc[valid.index] = valid["year"] == last
    return flags


def trend_series(panel: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """Every line the trend explorer can draw, in display units, with an index column.

    One row per (indicator, region, year), missing years inside a series kept as gaps. The
    index is the value ÷ the value in the indicator's first year × 100 (empty where the region
    has no value that year). Columns: ``view`` (indicator), ``region``, ``label``, ``colour``,
    ``dashed`` (comparators), ``year``, ``value``, ``index``, ``value_text``, ``index_text``,
    ``last``, ``last_index``.
    """
    lang = lang or text.get_language()
    regions = (*TREND_REGIONS, *COMPARATORS)
    wanted = {i.name for i in TREND_INDICATORS} | {i.ne3 for i in TREND_INDICATORS if i.ne3}
    panel = panel[panel["indicator"].isin(wanted) & panel["region"].isin(regions)]
    names = region_names(panel, lang)
    frames = []
    for indicator in TREND_INDICATORS:
        rows = trend_rows(panel, indicator, regions)
        if rows.empty:
            continue
        frame = pd.DataFrame(
            {
                "view": indicator.name,
                "region": rows["region"].to_numpy(),
                "year": rows["year"].astype(int).to_numpy(),
                "value": rows["value"].to_numpy() / indicator.scale,
            }
        )
        base_year = int(frame["year"].min())
        base = frame[frame["year"] == base_year].set_index("region")["value"]
        frame["index"] = frame["value"] / frame["region"].map(base) * 100
        frame = _fill_years(frame, ["view", "region"])
        frame["value_text"] = [format_value(v, indicator.decimals, lang) for v in frame["value"]]
        frame["index_text"] = [format_value(v, 1, lang) for v in frame["index"]]
        frames.append(frame)
    series = pd.concat(frames, ignore_index=True)
    series["label"] = [region_label(c, names, lang) for c in series["region"]]
    series["colour"] = series["region"].map(REGION_COLOURS)
    series["dashed"] = series["region"].isin(COMPARATORS)
    series["last"] = _mark_last(series, "value", ["view", "region"])
    series["last_index"] = _mark_last(series, "index", ["view", "region"])
    return series


def break_annotations(lang: str | None = None) -> pd.DataFrame:
    """The known breaks as rows ``view, region, x, label`` for :func:`line_explorer`."""
    lang = lang or text.get_language()
    return pd.DataFrame(
        [
            {"view": view, "region": code, "x": x, "label": text.t(key, lang)}
            for view, code, x, key in BREAKS
        ]
    )


def _lookup_expr(mapping: Mapping[str, str], param: str) -> str:
    """A Vega expression mapping a parameter's value to a text (``{...}[param]``)."""
    return f"{json.dumps(dict(mapping), ensure_ascii=False)}[{param}]"


def line_explorer(
    series: pd.DataFrame,
    view: str,
    titles: Mapping[str, str],
    units: Mapping[str, str],
    lang: str | None = None,
    regions: Sequence[str] | None = None,
    show: str | None = None,
    index_units: Mapping[str, str] | None = None,
    annotations: pd.DataFrame | None = None,
    subtitle: str = "",
) -> alt.LayerChart:
    """Lines over the years, labelled at their ends; what is shown is set by parameters.

    Parameters
    ----------
    series
        Rows ``view, region, label, colour, dashed, year, value, value_text, last`` (and
        ``index, index_text, last_index`` when ``show`` is given), e.g. from
        :func:`trend_series`. All views travel to the browser once.
    view
        The view shown first: parameter ``view`` (e.g. an indicator name).
    titles, units
        Chart title and unit line for every view (the unit line sits above the y axis, since
        Vega-Lite axis titles cannot follow a parameter).
    regions
        If given, the regions shown first: parameter ``regions`` (a list of codes).
    show
        If given, ``"value"`` or ``"index"``: parameter ``show``; ``index_units`` then gives
        the unit line of the index for every view.
    annotations
        Rows ``view, region, x, label``: dashed rules marking breaks in the series, drawn
        when their view and region are shown.
    """
    lang = lang or text.get_language()
    view_param = alt.param(name="view", value=view)
    params = [view_param]
    test = "datum.view === view"
    if regions is not None:
        params.append(alt.param(name="regions", value=list(regions)))
        test += " && indexof(regions, datum.region) >= 0"
    y_expr, text_expr, last_expr, unit_expr = "datum.value", "datum.value_text", "datum.last", None
    if show is not None:
        params.append(alt.param(name="show", value=show))
        y_expr = "show === 'index' ? datum.index : datum.value"
        text_expr = "show === 'index' ? datum.index_text : datum.value_text"
        last_expr = "show === 'index' ? datum.last_index : datum.last"
        unit_expr = (
            f"show === 'index' ? {_lookup_expr(index_units or {}, 'view')} "
            f": {_lookup_expr(units, 'view')}"
        )
    unit_expr = unit_expr or _lookup_expr(units, "view")

    base = (
        alt.Chart(series)
        .transform_filter(test)
        .transform_calculate(y=y_expr, shown=text_expr, is_last=last_expr)
    )
    x = alt.X(
        "year:Q",
        title=text.t("chart.tooltip.year", lang),
        axis=alt.Axis(format="d", tickMinStep=1),
        scale=alt.Scale(nice=False, padding=8),
    )
    tooltip = [
        alt.Tooltip("label:N", title=text.t("table.col.region", lang)),
        alt.Tooltip("year:Q", title=text.t("chart.tooltip.year", lang), format="d"),
        alt.Tooltip("shown:N", title=text.t("table.col.value", lang)),
    ]
    colour = alt.Color("colour:N", scale=None, legend=None)
    dash = alt.StrokeDash(
        "dashed:N", scale=alt.Scale(domain=[False, True], range=[[1, 0], [6, 3]]), legend=None
    )
    y = alt.Y("y:Q", title=None, axis=alt.Axis(format=",~f"))
    lines = base.mark_line(invalid="break-paths-show-domains", strokeWidth=2).encode(
        x=x, y=y, color=colour, strokeDash=dash, detail="region:N", tooltip=tooltip
    )
    points = (
        base.transform_filter("isValid(datum.y)")
        .mark_point(filled=True, size=28)
        .encode(x=x, y=y, color=colour, shape=alt.Shape("dashed:N", legend=None), tooltip=tooltip)
    )
    labels = (
        base.transform_filter("datum.is_last && isValid(datum.y)")
        .mark_text(align="left", dx=6, fontSize=11, fontWeight="bold")
        .encode(x=x, y=y, text="label:N", color=colour)
    )
    unit_line = (
        alt.Chart(alt.Data(values=[{}]))
        .mark_text(
            align="left",
            baseline="bottom",
            dy=-6,
            fontSize=11,
            color="#333",
            text=alt.expr(unit_expr),
        )
        .encode(x=alt.value(0), y=alt.value(0))
    )
    layers = [lines, points, labels]
    if annotations is not None and not annotations.empty:
        marks = alt.Chart(annotations).transform_filter(test)
        layers.append(marks.mark_rule(strokeDash=[2, 3], color="#555").encode(x=alt.X("x:Q")))
        layers.append(
            marks.mark_text(
                align="left", baseline="top", dx=3, dy=2, fontSize=10, color="#333"
            ).encode(x=alt.X("x:Q"), y=alt.value(0), text="label:N")
        )
    layers.append(unit_line)
    title = alt.Title(
        text=alt.expr(_lookup_expr(titles, "view")), subtitle=subtitle, anchor="start", offset=18
    )
    return (
        alt.layer(*layers)
        .add_params(*params)
        .properties(title=title, width=560, height=300, padding={"right": 120, "top": 6})
    )


def trend_titles(lang: str | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """Titles and unit lines of every trend indicator, in ``lang``."""
    lang = lang or text.get_language()
    titles = {i.name: text.t(f"foundations.ind.{i.name}", lang) for i in TREND_INDICATORS}
    units = {i.name: text.t(f"foundations.unit.{i.name}", lang) for i in TREND_INDICATORS}
    return titles, units


def trend_chart(
    series: pd.DataFrame,
    indicator: str,
    regions: Sequence[str],
    show: str = "value",
    lang: str | None = None,
) -> alt.LayerChart:
    """The trend explorer of part 1: one indicator, the chosen regions and comparators.

    Parameters ``view`` (indicator name), ``regions`` (codes) and ``show`` (``"value"`` or
    ``"index"``) change what is drawn without re-sending the data.
    """
    lang = lang or text.get_language()
    titles, units = trend_titles(lang)
    first_years = series.groupby("view")["year"].min()
    index_units = {
        view: text.t("foundations.unit.index", lang, year=int(year))
        for view, year in first_years.items()
    }
    return line_explorer(
        series,
        indicator,
        titles,
        units,
        lang,
        regions=regions,
        show=show,
        index_units=index_units,
        annotations=break_annotations(lang),
        subtitle=text.t("foundations.trend.subtitle", lang),
    )


def wide_table(
    series: pd.DataFrame, view: str, regions: Sequence[str] | None, column: str, lang: str
) -> pd.DataFrame:
    """The numbers of one view as a table: a row per year, a column per region (text)."""
    rows = series[series["view"] == view]
    if regions is not None:
        rows = rows[rows["region"].isin(regions)]
    order = list(dict.fromkeys(rows["label"]))
    table = rows.pivot_table(
        index="year", columns="label", values=column, aggfunc="first", dropna=False
    )
    table = table.reindex(columns=order).fillna("—").reset_index()
    return table.rename(columns={"year": text.t("table.col.year", lang)}).rename_axis(columns=None)


# --- the region: map and census ---------------------------------------------------------------

#: The eight units of the region: three provinces and the five eastern Inner Mongolia
#: leagues/cities (region codes of data/README.md).
REGION_UNITS: tuple[str, ...] = (
    "CN-LN",
    "CN-JL",
    "CN-HL",
    "CN-NM-CF",
    "CN-NM-TL",
    "CN-NM-HB",
    "CN-NM-XA",
    "CN-NM-XL",
)
#: What the map can show: key -> (panel indicator, census year or None, divisor, decimals).
MAP_MEASURES: dict[str, tuple[str, int | None, float, int]] = {
    "population": ("population_census", 2020, 1e6, 2),
    "growth": ("population_census_growth_since_2010", 2020, 1.0, 1),
    "area": ("land_area", None, 1e4, 1),
}


def map_rows(panel: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Panel rows behind one map measure for the eight units."""
    indicator, year, _, _ = MAP_MEASURES[measure]
    rows = panel[(panel["indicator"] == indicator) & panel["region"].isin(REGION_UNITS)]
    return rows[rows["year"].isna()] if year is None else rows[rows["year"] == year]


def map_units(panel: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """One row per unit of the region with every map measure in display units.

    Columns ``region, name, kind`` (``province`` or ``league``), one column per key of
    :data:`MAP_MEASURES` (empty where the panel has no value: a gap stays a gap) and
    ``<key>_text`` (formatted). Inner Mongolia as a whole is added with empty measures: it is
    drawn, in grey, only to place the five leagues/cities.
    """
    lang = lang or text.get_language()
    names = region_names(panel, lang)
    units = pd.DataFrame({"region": [*REGION_UNITS, "CN-NM"]})
    units["name"] = units["region"].map(names)
    units["kind"] = np.where(units["region"].str.startswith("CN-NM-"), "league", "province")
    units.loc[units["region"] == "CN-NM", "kind"] = "context"
    for key, (_, _, divisor, decimals) in MAP_MEASURES.items():
        values = map_rows(panel, key).set_index("region")["value"] / divisor
        units[key] = units["region"].map(values)
        units[f"{key}_text"] = [format_value(v, decimals, lang) for v in units[key]]
    return units


def _centroid(geometry: dict) -> tuple[float, float]:
    """Area centroid of a polygon's largest ring (where a province's name is written)."""
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    best, best_area = (0.0, 0.0), 0.0
    for polygon in polygons:
        ring = np.asarray(polygon[0], dtype=float)
        x, y = ring[:, 0], ring[:, 1]
        cross = x * np.roll(y, -1) - np.roll(x, -1) * y
        area = cross.sum() / 2
        if abs(area) > best_area:
            cx = ((x + np.roll(x, -1)) * cross).sum() / (6 * area)
            cy = ((y + np.roll(y, -1)) * cross).sum() / (6 * area)
            best, best_area = (float(cx), float(cy)), abs(area)
    return best


def _western_point(geometry: dict, part: float = 0.3) -> tuple[float, float]:
    """A label point for Inner Mongolia: the mean of its boundary points in the western
    ``part`` of its extent, away from the eastern leagues' seats (its centroid falls among them).
    """
    rings = (
        [geometry["coordinates"][0]]
        if geometry["type"] == "Polygon"
        else [polygon[0] for polygon in geometry["coordinates"]]
    )
    points = np.concatenate([np.asarray(ring, dtype=float) for ring in rings])
    west = points[:, 0].min() + part * (points[:, 0].max() - points[:, 0].min())
    chosen = points[points[:, 0] <= west]
    return float(chosen[:, 0].mean()), float(chosen[:, 1].mean())


def map_labels(geo: dict, lang: str | None = None) -> pd.DataFrame:
    """Label positions: province names at their centroids, league seats at their points."""
    lang = lang or text.get_language()
    rows = []
    for feature in geo["features"]:
        props, geometry = feature["properties"], feature["geometry"]
        name = props["name_zh"] if lang == "zh" else props["name_en"]
        if props["kind"] == "province" and props["id"] == "CN-NM":
            lon, lat = _western_point(geometry)
            kind = "context"
        elif props["kind"] == "province":
            lon, lat = _centroid(geometry)
            kind = "province"
        else:
            lon, lat = geometry["coordinates"][:2]
            kind = "league"
        rows.append({"region": props["id"], "name": name, "lon": lon, "lat": lat, "kind": kind})
    return pd.DataFrame(rows)


def map_titles(lang: str | None = None) -> dict[str, str]:
    lang = lang or text.get_language()
    return {key: text.t(f"foundations.map.title.{key}", lang) for key in MAP_MEASURES}


class GeoFeatures:
    """GeoJSON features handed to Altair through ``__geo_interface__``.

    Altair deep-copies lists and dicts held in a chart on every method call; for the province
    outlines that was 450,000 copies and ~0.5 s per map. An object it does not know how to copy
    is kept by reference and turned into data once, when the chart is drawn.
    """

    def __init__(self, features: list[dict]) -> None:
        self.features = features

    @property
    def __geo_interface__(self) -> dict:
        return {"type": "FeatureCollection", "features": self.features}


def northeast_map(
    geo: dict, units: pd.DataFrame, measure: str = "population", lang: str | None = None
) -> alt.HConcatChart:
    """The Northeast on a map, coloured by one measure, beside a bar chart of that measure.

    Only the region is drawn (never a map of China: the source file has only these shapes).
    Liaoning, Jilin and Heilongjiang are filled by the measure; Inner Mongolia is grey, since
    only its five eastern leagues/cities belong to the region; their seats are points filled
    by the same colour scale. Parameter ``measure`` (a key of :data:`MAP_MEASURES`) switches
    the measure in the browser.

    Parameters
    ----------
    geo
        The FeatureCollection of :func:`helpers.data.load_northeast_geojson`.
    units
        The frame of :func:`map_units`.
    """
    lang = lang or text.get_language()
    measure_param = alt.param(name="measure", value=measure)
    keys = list(MAP_MEASURES)
    lookup_fields = ["name", "kind", *keys, *(f"{k}_text" for k in keys)]
    pick = "datum[measure]"
    pick_text = "datum[measure + '_text']"
    shapes = GeoFeatures([f for f in geo["features"] if f["properties"]["kind"] == "province"])
    seats = map_labels(geo, lang)
    scale = alt.Scale(scheme="viridis")
    legend = alt.Legend(title=None, orient="bottom-right", gradientLength=160, format=",~f")
    no_data = "datum.kind === 'context' || !isValid(datum.value)"
    tooltip = [
        alt.Tooltip("name:N", title=text.t("table.col.region", lang)),
        alt.Tooltip("shown:N", title=text.t("table.col.value", lang)),
    ]
    provinces = (
        alt.Chart(shapes)
        .transform_lookup(
            # Altair lifts a feature's properties to the top of each row: "id", not "properties.id"
            lookup="id",
            from_=alt.LookupData(units, "region", lookup_fields),
        )
        .transform_calculate(value=pick, shown=pick_text)
        .mark_geoshape(stroke="white", strokeWidth=1, invalid="show")
        .encode(
            color=alt.condition(
                no_data, alt.value(NO_DATA_GREY), alt.Color("value:Q", scale=scale, legend=legend)
            ),
            tooltip=tooltip,
        )
    )
    seat_rows = seats[seats["kind"] == "league"].merge(
        units.drop(columns=["name", "kind"]), on="region", how="left"
    )
    points = (
        alt.Chart(seat_rows)
        .transform_calculate(value=pick, shown=pick_text)
        .mark_point(
            filled=True,
            size=150,
            shape="diamond",
            stroke="black",
            strokeWidth=1,
            invalid="show",
            opacity=1,
        )
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            color=alt.condition(
                no_data, alt.value("white"), alt.Color("value:Q", scale=scale, legend=legend)
            ),
            tooltip=tooltip,
        )
    )
    seat_names = (
        alt.Chart(seats[seats["kind"] == "league"])
        # written to the left of the seat, over Inner Mongolia (to which the leagues belong)
        .mark_text(
            align="right", dx=-8, fontSize=11, stroke="white", strokeWidth=3, strokeOpacity=0.8
        )
        .encode(longitude="lon:Q", latitude="lat:Q", text="name:N")
    )
    seat_names_fill = seat_names.mark_text(align="right", dx=-8, fontSize=11, color="black")
    province_names = (
        alt.Chart(seats[seats["kind"] != "league"])
        .mark_text(fontSize=12, fontWeight="bold", stroke="white", strokeWidth=3, strokeOpacity=0.8)
        .encode(longitude="lon:Q", latitude="lat:Q", text="name:N")
    )
    province_names_fill = province_names.mark_text(fontSize=12, fontWeight="bold", color="black")
    the_map = (
        alt.layer(
            provinces, points, seat_names, seat_names_fill, province_names, province_names_fill
        )
        .project(type="mercator")
        .properties(width=430, height=340)
    )
    kinds = [
        text.t("foundations.map.kind.province", lang),
        text.t("foundations.map.kind.league", lang),
    ]
    bar_rows = units[units["kind"] != "context"].assign(
        kind_label=lambda f: np.where(f["kind"] == "province", kinds[0], kinds[1])
    )
    no_data_text = json.dumps(text.t("foundations.no_data", lang), ensure_ascii=False)
    bars_base = alt.Chart(bar_rows).transform_calculate(
        value=pick,
        shown=f"isValid(datum.value) ? {pick_text} : {no_data_text}",
        # labels start where a positive bar ends, or at zero: never on a bar, never on the axis
        at="isValid(datum.value) ? max(datum.value, 0) : 0",
        sort_key="isValid(datum.value) ? datum.value : -1e12",
    )
    y = alt.Y(
        "name:N",
        sort=alt.EncodingSortField("sort_key", op="max", order="descending"),
        title=None,
    )
    bars = bars_base.mark_bar().encode(
        y=y,
        x=alt.X("value:Q", title=None, axis=alt.Axis(format=",~f")),
        color=alt.Color(
            "kind_label:N",
            scale=alt.Scale(domain=kinds, range=[OKABE_ITO["vermillion"], OKABE_ITO["blue"]]),
            # labelLimit: "league/city (eastern Inner Mongolia)" whole (Vega cuts at 160 px)
            legend=alt.Legend(title=None, orient="bottom", direction="vertical", labelLimit=320),
        ),
        tooltip=tooltip,
    )
    values = bars_base.mark_text(fontSize=11, align="left", dx=3).encode(
        y=y, x=alt.X("at:Q"), text="shown:N"
    )
    chart_of_values = alt.layer(bars, values).properties(width=220, height=alt.Step(26))
    title = alt.Title(
        text=alt.expr(_lookup_expr(map_titles(lang), "measure")),
        subtitle=text.t("foundations.map.subtitle", lang),
        anchor="start",
    )
    return (
        alt.hconcat(the_map, chart_of_values, spacing=30)
        .add_params(measure_param)
        .properties(title=title)
        .configure_view(stroke=None)
    )


# --- the base: share of national totals -------------------------------------------------------

#: Indicators of the region's base, compared with the national total. The last element is the
#: denominator: ``CN`` (the national row) or ``provinces`` (sum of the 31 provinces, for
#: indicators without a national row).
BASE_INDICATORS: tuple[tuple[str, str], ...] = (
    ("gdp_implied", "CN"),
    ("rd_expenditure", "CN"),
    ("rd_personnel_fte_total", "CN"),
    ("public_budget_expenditure_science_technology", "CN"),
    ("papers_sci", "CN"),
    ("patents_granted_invention", "CN"),
    ("patents_in_force_invention", "CN"),
    ("tech_market_outflow_value", "CN"),
    ("hitech_industry_revenue", "CN"),
    ("hitech_enterprises_recognized", "provinces"),
)
BASE_REGIONS: tuple[str, ...] = ("NE3", "CN-LN", "CN-JL", "CN-HL", "CN-NM")


def base_shares(panel: pd.DataFrame, lang: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each base region's share of the national total, indicator by indicator and year.

    Returns ``(shares, inputs)``. ``shares`` has one row per (region, year, indicator) of
    :data:`BASE_INDICATORS` from 2011 with columns ``region, year, indicator, label, share``
    (percent; empty where an input is missing), ``share_text``, ``gdp_share`` (the region's
    share of GDP that year) and ``position`` (above / below its GDP share, for colour).
    ``inputs`` holds the panel rows used (the region's and the denominator's), for captions.
    Shares are computed here: region ÷ national × 100, or ÷ the sum of the 31 provinces
    where the panel has no national row.
    """
    lang = lang or text.get_language()
    panel = panel[panel["indicator"].isin({i for i, _ in BASE_INDICATORS})]
    provinces = panel["region"].str.fullmatch(r"CN-[A-Z]{2}")
    records, inputs = [], []
    for indicator, denominator in BASE_INDICATORS:
        rows = panel[(panel["indicator"] == indicator) & panel["year"].notna()]
        rows = rows[rows["year"].between(TREND_FIRST_YEAR, TREND_LAST_YEAR)]
        if denominator == "CN":
            national = rows[rows["region"] == "CN"]
            totals = national.set_index("year")["value"]
        else:
            national = rows[provinces.loc[rows.index]]
            counts = national.groupby("year")["region"].nunique()
            sums = national.groupby("year")["value"].sum()
            totals = sums[counts == 31]  # a sum with a province missing is no total
        inputs.append(national)
        label = text.t(f"foundations.base.{indicator}", lang)
        for code in BASE_REGIONS:
            own = rows[rows["region"] == code].set_index("year")["value"]
            inputs.append(rows[rows["region"] == code])
            for year in sorted(set(totals.index) | set(own.index)):
                value = own.get(year, np.nan) / totals.get(year, np.nan) * 100
                records.append(
                    {
                        "region": code,
                        "year": int(year),
                        "indicator": indicator,
                        "label": label,
                        "share": value,
                    }
                )
    shares = pd.DataFrame(records)
    names = region_names(panel, lang)
    shares["region_label"] = [region_label(code, names, lang) for code in shares["region"]]
    gdp = shares[shares["indicator"] == "gdp_implied"].set_index(["region", "year"])["share"]
    shares["gdp_share"] = [
        gdp.get((r, y), np.nan) for r, y in zip(shares["region"], shares["year"], strict=True)
    ]
    above, below = text.t("foundations.base.above", lang), text.t("foundations.base.below", lang)
    shares["position"] = np.where(shares["share"] >= shares["gdp_share"], above, below)
    shares.loc[shares["indicator"] == "gdp_implied", "position"] = text.t(
        "foundations.base.gdp", lang
    )
    shares["share_text"] = [
        text.percent(v, 1, lang) if pd.notna(v) else text.t("foundations.no_data", lang)
        for v in shares["share"]
    ]
    return shares, pd.concat(inputs, ignore_index=True)


def base_profile_chart(
    shares: pd.DataFrame, region: str = "NE3", year: int = 2023, lang: str | None = None
) -> alt.LayerChart:
    """Bars: a region's share of national totals, beside its share of GDP (dashed rule).

    Parameters ``region`` and ``year`` pick what is drawn; every region and year is in the
    chart's data. A bar is blue when the share is at least the region's GDP share, vermillion
    when it is smaller, grey for GDP itself; the share is written at the end of each bar and
    "no data" where an input is missing.
    """
    lang = lang or text.get_language()
    names = dict(zip(shares["region"], shares["region_label"], strict=False))
    region_param = alt.param(name="region", value=region)
    year_param = alt.param(name="year", value=int(year))
    order = [text.t(f"foundations.base.{i}", lang) for i, _ in BASE_INDICATORS]
    base = alt.Chart(shares).transform_filter("datum.region === region && datum.year === year")
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    above, below, gdp = (
        text.t("foundations.base.above", lang),
        text.t("foundations.base.below", lang),
        text.t("foundations.base.gdp", lang),
    )
    bars = base.mark_bar().encode(
        y=y,
        x=alt.X(
            "share:Q", title=text.t("foundations.base.axis", lang), axis=alt.Axis(format=",~f")
        ),
        color=alt.Color(
            "position:N",
            scale=alt.Scale(
                domain=[gdp, above, below],
                range=[OKABE_ITO["grey"], OKABE_ITO["blue"], OKABE_ITO["vermillion"]],
            ),
            legend=alt.Legend(title=None, orient="bottom"),
        ),
        tooltip=[
            alt.Tooltip("label:N", title=text.t("table.col.indicator", lang)),
            alt.Tooltip("share_text:N", title=text.t("foundations.base.tooltip", lang)),
        ],
    )
    values = base.mark_text(align="left", dx=3, fontSize=11).encode(
        y=y, x=alt.X("share:Q"), text="share_text:N"
    )
    missing = (
        base.transform_filter("!isValid(datum.share)")
        .mark_text(align="left", dx=3, fontSize=11, color="#555")
        .encode(y=y, x=alt.value(0), text="share_text:N")
    )
    rule = (
        base.transform_filter("datum.indicator === 'gdp_implied' && isValid(datum.share)")
        .mark_rule(strokeDash=[6, 4], color="black", size=1.5)
        .encode(x="share:Q")
    )
    title = alt.Title(
        text=alt.expr(
            f"{json.dumps(text.t('foundations.base.title', lang), ensure_ascii=False)}"
            f" + {_lookup_expr(names, 'region')} + ', ' + year"
        ),
        subtitle=text.t("foundations.base.subtitle", lang),
        anchor="start",
    )
    return (
        alt.layer(bars, rule, values, missing)
        .add_params(region_param, year_param)
        .properties(title=title, width=420, height=alt.Step(24))
    )


# --- captions: provenance and a sentence for readers who cannot see the chart -----------------


def original_sources(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows whose ``source`` names the publications behind them, for a compact caption.

    A derived row's source reads "NQP Lab calculation: <recipe>. Inputs: <a> | <b>"; listing
    every recipe would repeat the same publications many times. Here each derived row is
    replaced by one row per input publication (inputs that are themselves derived rows are
    dropped: their own publications are listed already), keeping year, grade and the derived
    flag, so the caption still says that values were computed.
    """
    plain = rows[~rows["derived"]]
    expanded = []
    for row in rows[rows["derived"]].itertuples():
        _, _, inputs = str(row.source).partition("Inputs: ")
        for source in inputs.split(" | "):
            source = source.strip().rstrip(".")
            if source and not source.endswith("(derived)"):
                expanded.append(
                    {"source": source, "year": row.year, "grade": row.grade, "derived": True}
                )
    extra = pd.DataFrame(expanded, columns=["source", "year", "grade", "derived"])
    return pd.concat([plain[["source", "year", "grade", "derived"]], extra], ignore_index=True)


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def compact_sources(sources: Sequence[str]) -> dict[str, str]:
    """Map each source to a shorter name that covers the editions of one series at once.

    Sources that differ only in their years (one yearbook table, edition by edition; one
    transcription file per year) become one entry with the year range, e.g. "... Yearbook on
    Science and Technology 2012–2017, table 5-3". Sources with a publication date, or that
    differ in anything but the year, are kept as they are.
    """
    groups: dict[str, list[str]] = {}
    for source in dict.fromkeys(sources):
        key = source if _DATE.search(source) else _YEAR.sub("#", source)
        groups.setdefault(key, []).append(source)
    names = {}
    for members in groups.values():
        years = sorted({int(_YEAR.search(m).group()) for m in members if _YEAR.search(m)})
        if len(members) == 1 or len(years) < 2:
            names.update({m: m for m in members})
            continue
        first = members[0]
        span = f"{years[0]}–{years[-1]}"
        merged = first.replace(_YEAR.search(first).group(), span)
        names.update({m: merged for m in members})
    return names


def sourced_caption(rows: pd.DataFrame, lang: str, note: str = "") -> str:
    """:func:`helpers.charts.source_caption` over the original publications of ``rows``, the
    editions of one series named once (:func:`compact_sources`)."""
    originals = original_sources(rows)
    names = compact_sources(list(originals["source"].dropna()))
    return source_caption(originals.assign(source=originals["source"].map(names)), lang, note=note)


def summary_html(sentence: str) -> str:
    """The text alternative of a chart: one paragraph of plain sentences."""
    return f'<p class="nqp-caption-summary">{html.escape(sentence)}</p>'


def trend_caption(
    panel: pd.DataFrame,
    series: pd.DataFrame,
    indicator: str,
    regions: Sequence[str],
    show: str = "value",
    lang: str | None = None,
) -> str:
    """Caption of :func:`trend_chart`: the last value of each line, then source and grade."""
    lang = lang or text.get_language()
    spec = INDICATORS_BY_NAME[indicator]
    rows = trend_rows(panel, spec, regions)
    shown = series[(series["view"] == indicator) & series["region"].isin(regions)]
    column, flag = ("index_text", "last_index") if show == "index" else ("value_text", "last")
    last = shown[shown[flag]].set_index("region")
    items = [
        text.t(
            "foundations.trend.item",
            lang,
            region=last.loc[code, "label"],
            value=last.loc[code, column],
            year=int(last.loc[code, "year"]),
        )
        for code in regions
        if code in last.index
    ]
    missing = [code for code in regions if code not in last.index]
    parts = [
        text.t(
            "foundations.trend.summary",
            lang,
            title=text.t(f"foundations.ind.{indicator}", lang),
            items=text.t("caption.rank_joiner", lang).join(items) or "—",
        )
    ]
    if missing:
        names = region_names(panel, lang)
        parts.append(
            text.t(
                "foundations.trend.missing",
                lang,
                regions=text.t("caption.rank_joiner", lang).join(
                    region_label(code, names, lang) for code in missing
                ),
            )
        )
    if show == "index":
        parts.append(text.t("foundations.trend.index_note", lang))
    note = text.t(f"foundations.note.{indicator}", lang)
    return summary_html(text.sentences(parts, lang)) + sourced_caption(rows, lang, note=note)


def map_caption(panel: pd.DataFrame, measure: str, lang: str | None = None) -> str:
    """Caption of :func:`northeast_map` for one measure: a summary sentence and provenance."""
    lang = lang or text.get_language()
    indicator, year, divisor, decimals = MAP_MEASURES[measure]
    names = region_names(panel, lang)
    rows = map_rows(panel, measure)

    def value(code: str, name: str = indicator, when: int | None = year) -> pd.Series:
        found = panel[(panel["region"] == code) & (panel["indicator"] == name)]
        found = found[found["year"].isna()] if when is None else found[found["year"] == when]
        return found

    def fmt(rows_: pd.DataFrame, div: float = divisor, dec: int = decimals) -> str:
        return format_value(rows_["value"].iloc[0] / div if len(rows_) else None, dec, lang)

    extra = []
    if measure == "population":
        parts = {code: value(code) for code in ("NE3E5", "NE3", "CN-NM-E5")}
        extra = list(parts.values())
        sentence = text.t(
            "foundations.map.summary.population",
            lang,
            total=fmt(parts["NE3E5"]),
            ne3=fmt(parts["NE3"]),
            e5=fmt(parts["CN-NM-E5"]),
        )
    elif measure == "growth":
        change = value("NE3", "population_census_change_since_2010")
        national = value("CN")
        extra = [value("NE3"), change, national]
        items = text.t("caption.rank_joiner", lang).join(
            text.t(
                "foundations.map.item",
                lang,
                name=names[code],
                value=fmt(rows[rows["region"] == code])
                + ("%" if len(rows[rows["region"] == code]) else ""),
            )
            for code in REGION_UNITS
        )
        sentence = text.t(
            "foundations.map.summary.growth",
            lang,
            ne3=text.percent(value("NE3")["value"].iloc[0], 1, lang),
            people=format_value(-change["value"].iloc[0] / 1e6, 2, lang),
            national=text.percent(national["value"].iloc[0], 1, lang),
            items=items,
        )
    else:
        plan = value("NE3E5", when=2007)
        summed = value("NE3E5")
        extra = [plan, summed]
        sentence = text.t(
            "foundations.map.summary.area",
            lang,
            total=fmt(summed, 1e6, 2),
            plan=fmt(plan, 1e6, 2),
        )
    notes = [
        text.t(f"foundations.map.note.{measure}", lang),
        text.t("foundations.map.credit", lang),
    ]
    shown = pd.concat([rows, *extra], ignore_index=True)
    return summary_html(sentence) + sourced_caption(shown, lang, text.sentences(notes, lang))


def map_table(units: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """The numbers of the map (every measure, every unit) as a reader's table."""
    lang = lang or text.get_language()
    shown = units[units["kind"] != "context"]
    table = pd.DataFrame({text.t("table.col.region", lang): shown["name"]})
    for key in MAP_MEASURES:
        table[text.t(f"foundations.map.col.{key}", lang)] = shown[f"{key}_text"]
    return table.reset_index(drop=True)


def base_caption(
    shares: pd.DataFrame, inputs: pd.DataFrame, region: str, year: int, lang: str | None = None
) -> str:
    """Caption of :func:`base_profile_chart`: every share in one sentence, then provenance."""
    lang = lang or text.get_language()
    shown = shares[(shares["region"] == region) & (shares["year"] == year)]
    if shown.empty:
        raise ValueError(text.t("error.no_year_data", lang, year=year))
    gdp = shown[shown["indicator"] == "gdp_implied"]["share_text"]
    items = text.t("caption.rank_joiner", lang).join(
        text.t("foundations.base.item", lang, label=row.label, value=row.share_text)
        for row in shown.itertuples()
        if row.indicator != "gdp_implied"
    )
    sentence = text.t(
        "foundations.base.summary",
        lang,
        year=year,
        region=shown["region_label"].iloc[0],
        gdp=gdp.iloc[0] if len(gdp) else "—",
        items=items,
    )
    used = inputs[(inputs["year"] == year) & inputs["region"].isin({region, "CN"})]
    hitech = inputs[
        (inputs["year"] == year) & (inputs["indicator"] == "hitech_enterprises_recognized")
    ]
    rows = pd.concat([used, hitech]).drop_duplicates(["region", "year", "indicator"])
    return summary_html(sentence) + sourced_caption(
        rows, lang, text.t("foundations.base.note", lang)
    )


def base_table(
    shares: pd.DataFrame, region: str, year: int, lang: str | None = None
) -> pd.DataFrame:
    """The shares drawn for one region and year as a reader's table."""
    lang = lang or text.get_language()
    shown = shares[(shares["region"] == region) & (shares["year"] == year)]
    return pd.DataFrame(
        {
            text.t("table.col.indicator", lang): shown["label"].to_numpy(),
            text.t("foundations.base.tooltip", lang): shown["share_text"].to_numpy(),
        }
    )
