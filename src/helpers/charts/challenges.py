"""Charts of part 2, the challenges: the R&D gap, conversion of results, innovative firms,
talent, the two ways to average an intensity, and the report's claims as cards.

Pure functions: panel (or claims) rows in, a display frame, an ``alt.Chart`` or HTML out. The
line charts reuse :func:`helpers.charts.foundations.line_explorer`, with one ``view``
parameter per chart; every view's data travel to the browser once.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from helpers import text
from helpers.charts import NORTHEAST_CODES, OKABE_ITO
from helpers.charts import foundations as fc
from helpers.data.regions import NE3_MEMBERS
from helpers.indicators import _gdp_denominator, _pick

#: Colours of the series that are not regions (the regions keep part 1's colours).
SERIES_COLOURS = {
    "simple_mean": OKABE_ITO["purple"],
    "share_jiangsu": OKABE_ITO["orange"],
    "share_national": OKABE_ITO["grey"],
    "share_rd": OKABE_ITO["black"],
    "share_patents": OKABE_ITO["blue"],
    "share_tech": OKABE_ITO["vermillion"],
    "share_fte": OKABE_ITO["green"],
    "inflow": OKABE_ITO["blue"],
    "outflow": OKABE_ITO["vermillion"],
}
#: Verdicts of the claims table: colour (Okabe–Ito) and a symbol, so that the verdict never
#: rests on colour alone; the verdict word is always written out too.
VERDICT_STYLE = {
    "confirmed": (OKABE_ITO["blue"], "✓"),
    "partly": (OKABE_ITO["orange"], "◐"),
    "misleading": (OKABE_ITO["vermillion"], "!"),
    "not found": ("#666666", "?"),
}


@dataclass(frozen=True)
class Line:
    """One line of a view: where its values come from and how it is drawn.

    ``values`` maps year -> value in the view's unit; ``rows`` are the panel rows behind it
    (for the caption); ``key`` picks the colour (a region code or a :data:`SERIES_COLOURS`
    key); ``label`` is a string-table key or, for a region, its name.
    """

    key: str
    label: str
    values: pd.Series
    rows: pd.DataFrame
    dashed: bool = False


def _narrow(panel: pd.DataFrame, *indicators: str) -> pd.DataFrame:
    """Only the rows of ``indicators`` (later lookups scan a few hundred rows, not 25,000)."""
    return panel[panel["indicator"].isin(indicators)]


def _series(panel: pd.DataFrame, region: str, indicator: str) -> tuple[pd.Series, pd.DataFrame]:
    rows = panel[(panel["region"] == region) & (panel["indicator"] == indicator)]
    rows = rows[rows["year"].between(fc.TREND_FIRST_YEAR, fc.TREND_LAST_YEAR)]
    return rows.set_index(rows["year"].astype(int))["value"].sort_index(), rows


def _ratio(
    panel: pd.DataFrame,
    top: tuple[str, str],
    bottom: tuple[str, str],
    factor: float = 100.0,
) -> tuple[pd.Series, pd.DataFrame]:
    """``top`` ÷ ``bottom`` × ``factor`` for the years both exist (a gap stays a gap)."""
    a, rows_a = _series(panel, *top)
    b, rows_b = _series(panel, *bottom)
    ratio = (a / b * factor).dropna()
    rows = pd.concat([rows_a, rows_b], ignore_index=True)
    return ratio, rows[rows["year"].isin(ratio.index)]


def _frame(view: str, lines: Sequence[Line], decimals: int, lang: str) -> pd.DataFrame:
    """The rows :func:`helpers.charts.foundations.line_explorer` draws for one view."""
    frames = []
    for line in lines:
        if line.values.empty:
            continue
        frame = pd.DataFrame(
            {"view": view, "region": line.key, "year": line.values.index, "value": line.values}
        )
        frames.append(frame)
    out = fc._fill_years(pd.concat(frames, ignore_index=True), ["view", "region"])
    labels = {line.key: line.label for line in lines}
    out["label"] = out["region"].map(labels)
    out["colour"] = out["region"].map(lambda k: SERIES_COLOURS.get(k) or fc.REGION_COLOURS[k])
    out["dashed"] = out["region"].map({line.key: line.dashed for line in lines})
    out["value_text"] = [fc.format_value(v, decimals, lang) for v in out["value"]]
    out["last"] = fc._mark_last(out, "value", ["view", "region"])
    return out


@dataclass(frozen=True)
class Views:
    """Several views of one line chart: the data, titles and units, and what is behind them."""

    series: pd.DataFrame
    titles: dict[str, str]
    units: dict[str, str]
    lines: dict[str, list[Line]]
    decimals: dict[str, int]

    def rows(self, view: str) -> pd.DataFrame:
        """The panel rows behind one view (for the caption's sources and grades)."""
        return pd.concat([line.rows for line in self.lines[view]], ignore_index=True)


def _views(prefix: str, spec: dict[str, tuple[int, list[Line]]], lang: str) -> Views:
    frames, lines, decimals = [], {}, {}
    for view, (digits, view_lines) in spec.items():
        frames.append(_frame(view, view_lines, digits, lang))
        lines[view], decimals[view] = view_lines, digits
    return Views(
        series=pd.concat(frames, ignore_index=True),
        titles={v: text.t(f"{prefix}.{v}.title", lang) for v in spec},
        units={v: text.t(f"{prefix}.{v}.unit", lang) for v in spec},
        lines=lines,
        decimals=decimals,
    )


def _region(panel: pd.DataFrame, code: str, indicator: str, lang: str, **kw) -> Line:
    values, rows = _series(panel, code, indicator)
    names = fc.region_names(panel, lang)
    return Line(code, fc.region_label(code, names, lang), values, rows, **kw)


def _named(key: str, label_key: str, data: tuple[pd.Series, pd.DataFrame], lang: str) -> Line:
    values, rows = data
    return Line(key, text.t(label_key, lang), values, rows)


def views_chart(
    views: Views, view: str, lang: str | None = None, subtitle: str = ""
) -> alt.LayerChart:
    """A line chart with parameter ``view`` switching between the views of ``views``."""
    lang = lang or text.get_language()
    return fc.line_explorer(views.series, view, views.titles, views.units, lang, subtitle=subtitle)


def views_caption(views: Views, view: str, lang: str | None = None, note: str = "") -> str:
    """Each line from its first to its last value, then sources and grades of the view."""
    lang = lang or text.get_language()
    shown = views.series[(views.series["view"] == view) & views.series["value"].notna()]
    items = []
    for _, group in shown.groupby("region", sort=False):
        first, last = group.iloc[0], group.iloc[-1]
        items.append(
            text.t(
                "challenges.moved",
                lang,
                label=first["label"],
                first=first["value_text"],
                first_year=int(first["year"]),
                last=last["value_text"],
                last_year=int(last["year"]),
            )
        )
    sentence = text.t(
        "challenges.moved_summary",
        lang,
        title=views.titles[view],
        unit=views.units[view],
        items=text.t("caption.rank_joiner", lang).join(items),
    )
    return fc.summary_html(sentence) + fc.sourced_caption(views.rows(view), lang, note=note)


def views_table(views: Views, view: str, lang: str | None = None) -> pd.DataFrame:
    """The numbers of one view: a row per year, a column per line."""
    lang = lang or text.get_language()
    return fc.wide_table(views.series, view, None, "value_text", lang)


# --- the R&D funding gap ----------------------------------------------------------------------


def gap_views(panel: pd.DataFrame, lang: str | None = None) -> Views:
    """Four views of the R&D gap between the three provinces and the leaders, since 2011.

    ``intensity``: the three provinces' intensity (total ÷ total and the average of three)
    against the nation, Jiangsu and Guangdong; ``totals``: R&D spending of the three against
    Jiangsu and Guangdong; ``share``: the three provinces' R&D as a share of Jiangsu's and of
    the national total; ``relative``: their intensity as a share of the national intensity.
    """
    lang = lang or text.get_language()
    panel = _narrow(
        panel,
        "rd_intensity",
        "rd_intensity_gdp_weighted",
        "rd_intensity_simple_mean",
        "rd_expenditure",
        "rd_expenditure_share_of_jiangsu",
        "rd_expenditure_share_of_national",
        "rd_intensity_gdp_weighted_pct_of_national",
        "rd_intensity_simple_mean_pct_of_national",
    )
    p = "challenges.gap.line"
    spec = {
        "intensity": (
            2,
            [
                _named(
                    "NE3", f"{p}.weighted", _series(panel, "NE3", "rd_intensity_gdp_weighted"), lang
                ),
                _named(
                    "simple_mean",
                    f"{p}.simple",
                    _series(panel, "NE3", "rd_intensity_simple_mean"),
                    lang,
                ),
                _region(panel, "CN", "rd_intensity", lang, dashed=True),
                _region(panel, "CN-JS", "rd_intensity", lang, dashed=True),
                _region(panel, "CN-GD", "rd_intensity", lang, dashed=True),
            ],
        ),
        "totals": (
            1,
            [
                _region(panel, "NE3", "rd_expenditure", lang),
                _region(panel, "CN-JS", "rd_expenditure", lang, dashed=True),
                _region(panel, "CN-GD", "rd_expenditure", lang, dashed=True),
            ],
        ),
        "share": (
            1,
            [
                _named(
                    "share_jiangsu",
                    f"{p}.of_jiangsu",
                    _series(panel, "NE3", "rd_expenditure_share_of_jiangsu"),
                    lang,
                ),
                _named(
                    "share_national",
                    f"{p}.of_national",
                    _series(panel, "NE3", "rd_expenditure_share_of_national"),
                    lang,
                ),
            ],
        ),
        "relative": (
            1,
            [
                _named(
                    "NE3",
                    f"{p}.weighted",
                    _series(panel, "NE3", "rd_intensity_gdp_weighted_pct_of_national"),
                    lang,
                ),
                _named(
                    "simple_mean",
                    f"{p}.simple",
                    _series(panel, "NE3", "rd_intensity_simple_mean_pct_of_national"),
                    lang,
                ),
            ],
        ),
    }
    return _views("challenges.gap", spec, lang)


# --- conversion of research results -----------------------------------------------------------


def conversion_views(panel: pd.DataFrame, lang: str | None = None) -> Views:
    """Three views of what research turns into.

    ``shares``: the three provinces' shares of national R&D spending, invention patents granted
    and technology contracts sold; ``per_rd``: technology contracts sold per 100 yuan of R&D;
    ``patents_per_rd``: invention patents granted per 100 million yuan of R&D; ``flows``:
    technology the three provinces bought against what they sold.
    """
    lang = lang or text.get_language()
    panel = _narrow(
        panel,
        "rd_expenditure",
        "rd_expenditure_share_of_national",
        "patents_granted_invention",
        "tech_market_outflow_value",
        "tech_market_inflow_value",
    )
    p = "challenges.conv.line"
    regions = ("CN-LN", "CN-JL", "CN-HL", "NE3", "CN-JS", "CN-GD", "CN")
    names = fc.region_names(panel, lang)

    def per_rd(code: str, top: str, factor: float) -> Line:
        values, rows = _ratio(panel, (code, top), (code, "rd_expenditure"), factor)
        label = fc.region_label(code, names, lang)
        return Line(code, label, values, rows, dashed=code in fc.COMPARATORS)

    # technology contracts are in CNY 10k, R&D in CNY 100 million: ÷ 10,000 makes the units
    # equal, × 100 gives yuan of contracts per 100 yuan of R&D
    spec = {
        "shares": (
            1,
            [
                _named(
                    "share_rd",
                    f"{p}.rd",
                    _series(panel, "NE3", "rd_expenditure_share_of_national"),
                    lang,
                ),
                _named(
                    "share_patents",
                    f"{p}.patents",
                    _ratio(
                        panel,
                        ("NE3", "patents_granted_invention"),
                        ("CN", "patents_granted_invention"),
                    ),
                    lang,
                ),
                _named(
                    "share_tech",
                    f"{p}.tech",
                    _ratio(
                        panel,
                        ("NE3", "tech_market_outflow_value"),
                        ("CN", "tech_market_outflow_value"),
                    ),
                    lang,
                ),
            ],
        ),
        "per_rd": (1, [per_rd(code, "tech_market_outflow_value", 100 / 1e4) for code in regions]),
        "patents_per_rd": (1, [per_rd(code, "patents_granted_invention", 1.0) for code in regions]),
        "flows": (
            1,
            [
                _named(
                    "inflow",
                    f"{p}.bought",
                    _scaled(panel, "NE3", "tech_market_inflow_value", 1e4),
                    lang,
                ),
                _named(
                    "outflow",
                    f"{p}.sold",
                    _scaled(panel, "NE3", "tech_market_outflow_value", 1e4),
                    lang,
                ),
            ],
        ),
    }
    return _views("challenges.conv", spec, lang)


def _scaled(panel: pd.DataFrame, region: str, indicator: str, divisor: float):
    values, rows = _series(panel, region, indicator)
    return values / divisor, rows


# --- talent -----------------------------------------------------------------------------------


def talent_views(panel: pd.DataFrame, lang: str | None = None) -> Views:
    """Three views of R&D personnel (full-time equivalent, person-years).

    ``fte``: the three provinces, Jiangsu and Guangdong; ``share``: the three provinces' share
    of national R&D personnel and of national R&D spending; ``index``: personnel of the three
    provinces, Jiangsu, Guangdong and the nation, first year = 100.
    """
    lang = lang or text.get_language()
    panel = _narrow(
        panel,
        "rd_personnel_fte_total",
        "rd_personnel_fte_total_share_of_national",
        "rd_expenditure_share_of_national",
    )
    p = "challenges.talent.line"

    def index(code: str) -> Line:
        values, rows = _series(panel, code, "rd_personnel_fte_total")
        line = _region(panel, code, "rd_personnel_fte_total", lang, dashed=code in fc.COMPARATORS)
        return Line(line.key, line.label, values / values.iloc[0] * 100, rows, line.dashed)

    spec = {
        "fte": (
            0,
            [
                _region(panel, code, "rd_personnel_fte_total", lang, dashed=code in fc.COMPARATORS)
                for code in ("CN-LN", "CN-JL", "CN-HL", "CN-JS", "CN-GD")
            ],
        ),
        "share": (
            2,
            [
                _named(
                    "share_fte",
                    f"{p}.fte",
                    _series(panel, "NE3", "rd_personnel_fte_total_share_of_national"),
                    lang,
                ),
                _named(
                    "share_rd",
                    f"{p}.rd",
                    _series(panel, "NE3", "rd_expenditure_share_of_national"),
                    lang,
                ),
            ],
        ),
        "index": (1, [index(code) for code in ("NE3", "CN-JS", "CN-GD", "CN")]),
    }
    return _views("challenges.talent", spec, lang)


#: Regions of the census chart: the three provinces and their sum, the four eastern leagues
#: with a published change (Hinggan League has none), Inner Mongolia, and the nation.
CENSUS_REGIONS = (
    "NE3",
    "CN-LN",
    "CN-JL",
    "CN-HL",
    "CN-NM",
    "CN-NM-CF",
    "CN-NM-TL",
    "CN-NM-HB",
    "CN-NM-XA",
    "CN-NM-XL",
    "CN",
)


def census_rows(panel: pd.DataFrame) -> pd.DataFrame:
    rows = panel[
        (panel["indicator"] == "population_census_growth_since_2010")
        & panel["region"].isin(CENSUS_REGIONS)
    ]
    return rows


def census_chart(panel: pd.DataFrame, lang: str | None = None) -> alt.LayerChart:
    """Bars: population change between the 2010 and 2020 censuses, losses in vermillion.

    A region without a published or computable change is listed with "no data" (Hinggan
    League), never drawn as zero.
    """
    lang = lang or text.get_language()
    names = fc.region_names(panel, lang)
    values = census_rows(panel).set_index("region")["value"]
    frame = pd.DataFrame({"region": list(CENSUS_REGIONS)})
    frame["name"] = [fc.region_label(c, names, lang) for c in frame["region"]]
    frame["value"] = frame["region"].map(values)
    loss, gain = text.t("challenges.census.loss", lang), text.t("challenges.census.gain", lang)
    frame["direction"] = np.where(frame["value"] < 0, loss, gain)
    frame["shown"] = [
        text.percent(v, 1, lang) if pd.notna(v) else text.t("foundations.no_data", lang)
        for v in frame["value"]
    ]
    frame["at"] = frame["value"].clip(lower=0).fillna(0)
    y = alt.Y("name:N", sort=list(frame["name"]), title=None, axis=alt.Axis(labelLimit=240))
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("value:Q", title=text.t("challenges.census.axis", lang)),
            color=alt.Color(
                "direction:N",
                scale=alt.Scale(
                    domain=[loss, gain], range=[OKABE_ITO["vermillion"], OKABE_ITO["blue"]]
                ),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("name:N", title=text.t("table.col.region", lang)),
                alt.Tooltip("shown:N", title=text.t("table.col.value", lang)),
            ],
        )
    )
    labels = (
        alt.Chart(frame)
        .mark_text(align="left", dx=3, fontSize=11)
        .encode(y=y, x="at:Q", text="shown:N")
    )
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="black").encode(x="x:Q")
    return alt.layer(bars, zero, labels).properties(
        title=alt.Title(
            text.t("challenges.census.title", lang),
            subtitle=text.t("challenges.census.subtitle", lang),
            anchor="start",
        ),
        width=420,
        height=alt.Step(22),
    )


def census_caption(panel: pd.DataFrame, lang: str | None = None) -> str:
    lang = lang or text.get_language()
    rows = census_rows(panel)
    value = rows.set_index("region")["value"]
    change = panel[
        (panel["region"] == "NE3") & (panel["indicator"] == "population_census_change_since_2010")
    ]
    sentence = text.t(
        "challenges.census.summary",
        lang,
        ne3=text.percent(value["NE3"], 1, lang),
        people=fc.format_value(-change["value"].iloc[0] / 1e6, 2, lang),
        hl=text.percent(value["CN-HL"], 1, lang),
        national=text.percent(value["CN"], 1, lang),
    )
    return fc.summary_html(sentence) + fc.sourced_caption(
        pd.concat([rows, change]), lang, note=text.t("foundations.map.note.growth", lang)
    )


def census_table(panel: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    lang = lang or text.get_language()
    names = fc.region_names(panel, lang)
    values = census_rows(panel).set_index("region")
    return pd.DataFrame(
        {
            text.t("table.col.region", lang): [
                fc.region_label(c, names, lang) for c in CENSUS_REGIONS
            ],
            text.t("challenges.census.col", lang): [
                fc.format_value(values["value"].get(c), 1, lang) for c in CENSUS_REGIONS
            ],
            text.t("table.col.grade", lang): [values["grade"].get(c, "—") for c in CENSUS_REGIONS],
        }
    )


# --- innovative firms -------------------------------------------------------------------------


def hitech_shares(
    panel: pd.DataFrame, lang: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each Northeast province's share of the enterprises on the year's recognition lists.

    The panel has no national row for ``hitech_enterprises_recognized``; the denominator is
    the sum of the 31 provinces, formed only in years where all 31 have a value. Returns
    ``(shares, rows)``: shares with ``region, name, year, share, count`` and the panel rows used.
    """
    lang = lang or text.get_language()
    rows = panel[panel["indicator"] == "hitech_enterprises_recognized"]
    provinces = rows[rows["region"].str.fullmatch(r"CN-[A-Z]{2}")]
    counts = provinces.groupby("year")["region"].nunique()
    totals = provinces.groupby("year")["value"].sum()[counts == 31]
    names = fc.region_names(panel, lang)
    own = rows[rows["region"].isin(NORTHEAST_CODES) & rows["year"].isin(totals.index)]
    shares = pd.DataFrame(
        {
            "region": own["region"].to_numpy(),
            "name": own["region"].map(names).to_numpy(),
            "year": own["year"].astype(int).to_numpy(),
            "count": own["value"].to_numpy(),
            "share": (own["value"] / own["year"].map(totals) * 100).to_numpy(),
        }
    )
    shares["share_text"] = [text.percent(v, 2, lang) for v in shares["share"]]
    used = rows[rows["year"].isin(totals.index) & rows["region"].str.fullmatch(r"CN-[A-Z]{2}")]
    return shares, used


def hitech_chart(shares: pd.DataFrame, threshold: float, lang: str | None = None) -> alt.LayerChart:
    """Stacked bars: the three provinces' shares of each year's recognition lists, and the
    report's threshold (from the claims table) as a dashed line."""
    lang = lang or text.get_language()
    names = dict(zip(shares["region"], shares["name"], strict=False))
    order = [names[code] for code in NORTHEAST_CODES]
    bars = (
        alt.Chart(shares)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=text.t("chart.tooltip.year", lang)),
            y=alt.Y("share:Q", stack="zero", title=text.t("challenges.firms.axis", lang)),
            color=alt.Color(
                "name:N",
                scale=alt.Scale(
                    domain=order, range=[fc.REGION_COLOURS[c] for c in NORTHEAST_CODES]
                ),
                sort=order,
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("name:N", title=text.t("table.col.region", lang)),
                alt.Tooltip("year:O", title=text.t("chart.tooltip.year", lang)),
                alt.Tooltip("share_text:N", title=text.t("challenges.firms.tooltip", lang)),
                alt.Tooltip("count:Q", title=text.t("challenges.firms.count", lang), format=",d"),
            ],
        )
        .transform_calculate(order=f"indexof({json.dumps(list(NORTHEAST_CODES))}, datum.region)")
    )
    totals = shares.groupby("year", as_index=False)["share"].sum()
    totals["shown"] = [text.percent(v, 1, lang) for v in totals["share"]]
    total_labels = (
        alt.Chart(totals)
        .mark_text(dy=-6, fontSize=11, fontWeight="bold")
        .encode(x="year:O", y="share:Q", text="shown:N")
    )
    line = pd.DataFrame(
        {
            "y": [threshold],
            "label": [
                text.t("challenges.firms.threshold", lang, value=text.percent(threshold, 0, lang))
            ],
        }
    )
    rule = alt.Chart(line).mark_rule(strokeDash=[6, 4], color="black").encode(y="y:Q")
    rule_label = (
        alt.Chart(line)
        .mark_text(align="left", baseline="bottom", dy=-3, x=4, fontSize=11)
        .encode(y="y:Q", text="label:N")
    )
    return alt.layer(bars, total_labels, rule, rule_label).properties(
        title=alt.Title(
            text.t("challenges.firms.title", lang),
            subtitle=text.t("challenges.firms.subtitle", lang),
            anchor="start",
        ),
        width=460,
        height=280,
    )


def hitech_caption(
    shares: pd.DataFrame, rows: pd.DataFrame, threshold: float, lang: str | None = None
) -> str:
    lang = lang or text.get_language()
    totals = shares.groupby("year")["share"].sum()
    below = [int(y) for y, v in totals.items() if v < threshold]
    sentence = text.t(
        "challenges.firms.summary",
        lang,
        first=int(totals.index.min()),
        first_share=text.percent(totals.iloc[0], 1, lang),
        last=int(totals.index.max()),
        last_share=text.percent(totals.iloc[-1], 1, lang),
        threshold=text.percent(threshold, 0, lang),
        below=len(below),
        years=len(totals),
    )
    note = text.t("challenges.firms.note", lang)
    return fc.summary_html(sentence) + fc.sourced_caption(rows, lang, note=note)


def hitech_table(shares: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    lang = lang or text.get_language()
    table = shares.pivot_table(index="year", columns="name", values="share_text", aggfunc="first")
    totals = shares.groupby("year")["share"].sum()
    table[text.t("foundations.short.NE3", lang)] = [
        text.percent(totals[y], 2, lang) for y in table.index
    ]
    return (
        table.reset_index()
        .rename(columns={"year": text.t("table.col.year", lang)})
        .rename_axis(columns=None)
    )


# --- the lesson: two ways to average ----------------------------------------------------------


def averaging_frame(
    panel: pd.DataFrame, lang: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The three provinces' intensities with two sets of widths, and the averages, by year.

    Returns ``(bars, lines)``. ``bars``: one row per (year, province) with ``intensity`` (as
    first published), ``gdp`` (the GDP the region's intensity divides by: official GDP graded
    A/B, else the GDP implied by the communiqué, as in :mod:`helpers.indicators`), ``weight``
    (GDP share, %) and the bar edges ``x0_equal, x1_equal`` (each province a third) and
    ``x0_gdp, x1_gdp`` (widths by GDP). ``lines``: per year ``simple``, ``weighted`` (both from
    the panel) and ``national``. The area of the GDP-width bars divided by 100 is the
    GDP-weighted intensity (to the rounding of the published intensities).
    """
    lang = lang or text.get_language()
    panel = _narrow(
        panel,
        "gdp",
        "gdp_implied",
        "rd_intensity",
        "rd_intensity_simple_mean",
        "rd_intensity_gdp_weighted",
    )
    names = fc.region_names(panel, lang)
    intensities = {code: _series(panel, code, "rd_intensity")[0] for code in NE3_MEMBERS}
    gdp = {code: _pick(panel, code, "gdp") for code in NE3_MEMBERS}
    implied = {code: _pick(panel, code, "gdp_implied") for code in NE3_MEMBERS}
    simple, _ = _series(panel, "NE3", "rd_intensity_simple_mean")
    weighted, _ = _series(panel, "NE3", "rd_intensity_gdp_weighted")
    national, _ = _series(panel, "CN", "rd_intensity")
    records = []
    for year in sorted(set(simple.index) & set(weighted.index)):
        parts = []
        for code in NE3_MEMBERS:
            denominator = _gdp_denominator(gdp[code], implied[code], year)
            parts.append((code, intensities[code].get(year, np.nan), denominator["value"].iloc[0]))
        total = sum(p[2] for p in parts)
        left = 0.0
        for rank, (code, intensity, value) in enumerate(parts):
            weight = value / total * 100
            records.append(
                {
                    "year": year,
                    "region": code,
                    "name": names[code],
                    "intensity": intensity,
                    "gdp": value,
                    "weight": weight,
                    "x0_equal": rank * 100 / 3,
                    "x1_equal": (rank + 1) * 100 / 3,
                    "x0_gdp": left,
                    "x1_gdp": left + weight,
                }
            )
            left += weight
    bars = pd.DataFrame(records)
    bars["intensity_text"] = [text.percent(v, 2, lang) for v in bars["intensity"]]
    bars["weight_text"] = [text.percent(v, 1, lang) for v in bars["weight"]]
    lines = (
        pd.DataFrame(
            {"simple": simple, "weighted": weighted, "national": national.reindex(simple.index)}
        )
        .rename_axis("year")
        .reset_index()
    )
    return bars, lines


#: Height of the averaging lesson's chart, and the least room between two of its rule labels.
LESSON_HEIGHT = 300
LESSON_LABEL_GAP_PX = 13


def _spread(rows: pd.DataFrame, column: str, gap: float) -> pd.Series:
    """Label heights for ``column`` that keep labels of one year at least ``gap`` apart.

    Each label stays at its value unless the one below is too close; then it moves up just
    enough. (Two averages 0.04 points apart wrote their labels over each other.)
    """
    heights = pd.Series(index=rows.index, dtype=float)
    for _, year in rows.groupby("year"):
        floor = -math.inf
        for index, value in year[column].sort_values(kind="stable").items():
            floor = max(float(value), floor + gap)
            heights[index] = floor
    return heights


#: A bar's name in the averaging lesson: how far from the bar's top its text runs, in pixels
#: (above the bar, or inside it), widened by the rules' half width.
LESSON_NAME_BAND_PX = (1, 19)


def _names_inside(bars: pd.DataFrame, lines: pd.DataFrame, axis_top: float) -> pd.Series:
    """Whether each bar's name goes just inside the bar's top rather than just above it.

    Above is the rule, unless one of the year's three rules would run through the name there
    and none would inside (2015: total ÷ total at 1.15% and the average of three at 1.11% ran
    through "Jilin 1.01%" and "Heilongjiang 1.05%"). A bar too short for its name keeps it above.
    """
    per_px = axis_top / LESSON_HEIGHT
    near, far = (px * per_px for px in LESSON_NAME_BAND_PX)
    levels = lines.set_index("year")[["simple", "weighted", "national"]]
    none = np.array([])

    def crossed(rules: np.ndarray, low: float, high: float) -> bool:
        return bool(((rules > low) & (rules < high)).any())

    inside = []
    for year, value in zip(bars["year"], bars["intensity"], strict=True):
        rules = levels.loc[year].dropna().to_numpy(float) if year in levels.index else none
        inside.append(
            bool(np.isfinite(value))
            and value - far > 0
            and crossed(rules, value + near, value + far)
            and not crossed(rules, value - far, value - near)
        )
    return pd.Series(inside, index=bars.index, dtype=bool)


def averaging_chart(
    bars: pd.DataFrame,
    lines: pd.DataFrame,
    year: int,
    method: str = "simple",
    lang: str | None = None,
) -> alt.LayerChart:
    """The three intensities as bars whose widths are their weights in the average.

    Parameter ``method``: ``"simple"`` (each province a third of the width: the average of
    the three) or ``"gdp"`` (widths by GDP: total R&D ÷ total GDP). Parameter ``year`` picks
    the year. Three horizontal rules: the average of three, total ÷ total, and the national
    intensity; the rule of the chosen method is drawn bold.
    """
    lang = lang or text.get_language()
    year_param = alt.param(name="year", value=int(year))
    method_param = alt.param(name="method", value=method)
    # one y axis for every year, from 0 to the data's highest value rounded up to half a point
    top = float(max(bars["intensity"].max(), lines.drop(columns="year").max().max()))
    axis_top = math.ceil(top * 2) / 2
    base = (
        alt.Chart(
            bars.assign(
                colour=bars["region"].map(fc.REGION_COLOURS),
                inside=_names_inside(bars, lines, axis_top),
            )
        )
        .transform_filter("datum.year === year")
        .transform_calculate(
            x0="method === 'gdp' ? datum.x0_gdp : datum.x0_equal",
            x1="method === 'gdp' ? datum.x1_gdp : datum.x1_equal",
            mid="(datum.x0 + datum.x1) / 2",
        )
    )
    x = alt.X(
        "x0:Q",
        title=text.t("challenges.lesson.axis_x", lang),
        scale=alt.Scale(domain=[0, 100], nice=False),
    )
    rects = base.mark_rect(stroke="white", strokeWidth=2, opacity=0.85).encode(
        x=x,
        x2="x1:Q",
        y=alt.Y(
            "intensity:Q",
            title=text.t("challenges.lesson.axis_y", lang),
            # the same axis in every year: the bars move, not the axis (and a year's redraw
            # leaves the axis alone)
            scale=alt.Scale(domain=[0, axis_top], nice=False),
        ),
        y2=alt.datum(0),
        # literal colours: the rules below have their own, and a shared scale would merge them
        color=alt.Color("colour:N", scale=None, legend=None),
        tooltip=[
            alt.Tooltip("name:N", title=text.t("table.col.region", lang)),
            alt.Tooltip("intensity_text:N", title=text.t("chart.tooltip.intensity", lang)),
            alt.Tooltip("weight_text:N", title=text.t("challenges.lesson.gdp_share", lang)),
        ],
    )
    # a bar's name above its top, or just inside it (in white) where a rule would cross it
    named = base.transform_calculate(label="datum.name + ' ' + datum.intensity_text")
    names = alt.layer(
        named.transform_filter("!datum.inside")
        .mark_text(baseline="bottom", dy=-4, fontSize=11, fontWeight="bold")
        .encode(x="mid:Q", y="intensity:Q", text="label:N"),
        named.transform_filter("datum.inside")
        .mark_text(baseline="top", dy=4, fontSize=11, fontWeight="bold", color="white")
        .encode(x="mid:Q", y="intensity:Q", text="label:N"),
    )
    long = lines.melt("year", var_name="kind", value_name="value").dropna()
    labels = {
        "simple": text.t("challenges.lesson.rule.simple", lang),
        "weighted": text.t("challenges.lesson.rule.weighted", lang),
        "national": text.t("challenges.lesson.rule.national", lang),
    }
    long["label"] = [
        f"{labels[k]}: {text.percent(v, 2, lang)}"
        for k, v in zip(long["kind"], long["value"], strict=True)
    ]
    rule_colours = {
        "simple": SERIES_COLOURS["simple_mean"],
        "weighted": OKABE_ITO["black"],
        "national": OKABE_ITO["grey"],
    }
    long["colour"] = long["kind"].map(rule_colours)
    long["label_y"] = _spread(long, "value", LESSON_LABEL_GAP_PX / LESSON_HEIGHT * axis_top)
    rules_base = (
        alt.Chart(long)
        .transform_filter("datum.year === year")
        .transform_calculate(chosen="datum.kind === (method === 'gdp' ? 'weighted' : 'simple')")
    )
    rule_colour = alt.Color("colour:N", scale=None, legend=None)
    rules = rules_base.mark_rule().encode(
        y="value:Q",
        color=rule_colour,
        strokeDash=alt.StrokeDash(
            "kind:N",
            scale=alt.Scale(domain=list(rule_colours), range=[[6, 3], [1, 0], [2, 2]]),
            legend=None,
        ),
        size=alt.condition("datum.chosen", alt.value(3.5), alt.value(1.2)),
    )
    rule_labels = rules_base.mark_text(
        align="left", dx=6, fontSize=11, fontWeight=alt.expr("datum.chosen ? 'bold' : 'normal'")
    ).encode(x=alt.value(440), y="label_y:Q", text="label:N", color=rule_colour)
    title = alt.Title(
        text=alt.expr(
            f"{json.dumps(text.t('challenges.lesson.title', lang), ensure_ascii=False)} + year"
        ),
        subtitle=text.t("challenges.lesson.subtitle", lang),
        anchor="start",
    )
    return (
        alt.layer(rects, names, rules, rule_labels)
        .add_params(year_param, method_param)
        .properties(title=title, width=440, height=LESSON_HEIGHT, padding={"right": 230})
    )


def averaging_example(
    bars: pd.DataFrame, lines: pd.DataFrame, panel: pd.DataFrame, year: int, lang: str | None = None
) -> str:
    """The worked example of one year, every number computed from the panel (HTML)."""
    lang = lang or text.get_language()
    shown = bars[bars["year"] == year]
    line = lines[lines["year"] == year]
    if shown.empty or line.empty:
        raise ValueError(text.t("error.no_year_data", lang, year=year))
    line = line.iloc[0]
    ln, jl, hl = (shown[shown["region"] == code].iloc[0] for code in NE3_MEMBERS)
    rd, _ = _series(panel, "NE3", "rd_expenditure")
    pct = lambda v: text.percent(v, 2, lang)  # noqa: E731
    share = lambda v: text.percent(v, 1, lang)  # noqa: E731
    total_gdp = shown["gdp"].sum()
    paragraphs = [
        text.t(
            "challenges.lesson.example.simple",
            lang,
            year=year,
            ln=pct(ln.intensity),
            jl=pct(jl.intensity),
            hl=pct(hl.intensity),
            simple=pct(line["simple"]),
        ),
        text.t(
            "challenges.lesson.example.weighted",
            lang,
            ln_w=share(ln.weight),
            jl_w=share(jl.weight),
            hl_w=share(hl.weight),
            rd=text.number(rd[year], 1, lang),
            gdp=text.number(total_gdp, 0, lang),
            weighted=pct(line["weighted"]),
        ),
    ]
    largest = shown.loc[shown["weight"].idxmax()]
    highest = shown.loc[shown["intensity"].idxmax()]
    if line["weighted"] > line["simple"] and largest["region"] == highest["region"]:
        paragraphs.append(text.t("challenges.lesson.example.higher", lang, name=largest["name"]))
    elif line["weighted"] < line["simple"] and largest["region"] != highest["region"]:
        paragraphs.append(text.t("challenges.lesson.example.lower", lang, name=largest["name"]))
    if pd.notna(line["national"]):
        paragraphs.append(
            text.t(
                "challenges.lesson.example.national",
                lang,
                national=pct(line["national"]),
                simple_pct=share(line["simple"] / line["national"] * 100),
                weighted_pct=share(line["weighted"] / line["national"] * 100),
            )
        )
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def averaging_caption(panel: pd.DataFrame, year: int, lang: str | None = None) -> str:
    """Sources and grades of the lesson's numbers for one year."""
    lang = lang or text.get_language()
    indicators = {
        "rd_intensity",
        "rd_intensity_simple_mean",
        "rd_intensity_gdp_weighted",
        "rd_expenditure",
    }
    rows = panel[
        panel["region"].isin({*NE3_MEMBERS, "NE3", "CN"})
        & panel["indicator"].isin(indicators)
        & (panel["year"] == year)
    ]
    rows = rows[~((rows["region"] == "CN") & (rows["indicator"] != "rd_intensity"))]
    return fc.sourced_caption(rows, lang, note=text.t("challenges.lesson.note", lang))


def averaging_table(bars: pd.DataFrame, year: int, lang: str | None = None) -> pd.DataFrame:
    lang = lang or text.get_language()
    shown = bars[bars["year"] == year]
    return pd.DataFrame(
        {
            text.t("table.col.region", lang): shown["name"].to_numpy(),
            text.t("chart.tooltip.intensity", lang): shown["intensity_text"].to_numpy(),
            text.t("challenges.lesson.gdp_col", lang): [
                text.number(v, 0, lang) for v in shown["gdp"]
            ],
            text.t("challenges.lesson.gdp_share", lang): shown["weight_text"].to_numpy(),
        }
    )


# --- the report's claims ----------------------------------------------------------------------

#: Claimed and recomputed units as a Chinese page writes them; English pages show the table's
#: own wording. Units not listed here that start with "percent" are written as "%".
UNIT_KEYS = {
    "million km2": "challenges.unit.million_km2",
    "million persons": "challenges.unit.million_persons",
    "CNY 100 million": "challenges.unit.cny_100m",
    "percent of national": "challenges.unit.pct_of_national",
}


def format_claim_value(value: float, unit: str, lang: str) -> str:
    """A claimed or recomputed value with its unit; whole numbers without decimals."""
    if value is None or pd.isna(value):
        return text.t("challenges.claims.nothing", lang)
    decimals = 2 if abs(value) < 100 else 1
    trimmed = f"{float(value):.{decimals}f}".rstrip("0").split(".")
    decimals = len(trimmed[1]) if len(trimmed) > 1 else 0  # 26.5 stays 26.5, 65 stays 65
    number = text.number(float(value), decimals, lang)
    unit = "" if pd.isna(unit) else str(unit)
    if lang != "en":
        base = unit.split(" (")[0]
        if base in UNIT_KEYS:
            unit = text.t(UNIT_KEYS[base], lang)
        elif unit.startswith("percent"):
            unit = "%"
    elif unit.startswith("percent"):
        unit = "%" + unit[len("percent") :]
    separator = "" if unit.startswith("%") else " "
    return f"{number}{separator}{unit}".strip()


def verdict_badge(verdict: str, lang: str | None = None) -> str:
    """The verdict as a symbol and a word on a coloured edge (never colour alone)."""
    lang = lang or text.get_language()
    colour, symbol = VERDICT_STYLE[verdict]
    word = text.t(f"challenges.verdict.{verdict.replace(' ', '_')}", lang)
    return (
        f'<span class="nqp-verdict nqp-verdict-{verdict.replace(" ", "-")}" '
        f'style="display:inline-block;border:2px solid {colour};border-left:8px solid {colour};'
        f'padding:1px 8px;font-weight:bold;color:#111;background:#fff">'
        f'<span aria-hidden="true">{html.escape(symbol)}</span> {html.escape(word)}</span>'
    )


def claim_cards(claims: pd.DataFrame, lang: str | None = None) -> str:
    """The claims as cards: the claim in ``lang``, the report's number, the recomputed one,
    the verdict (symbol, word, colour), the explanation, the trust grade and the source."""
    lang = lang or text.get_language()
    suffix = "zh" if lang == "zh" else "en"
    cards = []
    for row in claims.itertuples():
        colour, _ = VERDICT_STYLE[row.verdict]
        claimed = format_claim_value(row.claimed_value, row.claimed_unit, lang)
        recomputed = format_claim_value(row.recomputed_value, row.recomputed_unit, lang)
        grade = "—" if pd.isna(row.grade) else row.grade
        link = ""
        if isinstance(row.source_url, str) and row.source_url.startswith(("http://", "https://")):
            word = html.escape(text.t("challenges.claims.source", lang))
            link = (
                f' · <a href="{html.escape(row.source_url)}" target="_blank" '
                f'rel="noopener noreferrer">{word}</a>'
            )
        cards.append(
            f'<article class="nqp-claim" data-claim="{html.escape(row.claim_id)}" '
            f'style="border:1px solid #ccc;border-left:8px solid {colour};padding:8px 12px;'
            f'margin:8px 0;max-width:860px">'
            f'<div style="display:flex;justify-content:space-between;gap:1em;flex-wrap:wrap">'
            f"<b>{html.escape(row.claim_id)} · {html.escape(getattr(row, f'claim_{suffix}'))}</b>"
            f"{verdict_badge(row.verdict, lang)}</div>"
            f'<div style="margin-top:4px">{html.escape(text.t("challenges.claims.report", lang))}: '
            f"<b>{html.escape(claimed)}</b>"
            f" · {html.escape(text.t('challenges.claims.recomputed', lang))}: "
            f"<b>{html.escape(recomputed)}</b></div>"
            f'<p style="margin:4px 0">{html.escape(getattr(row, f"explanation_{suffix}"))}</p>'
            f'<div style="font-size:90%;color:#444">'
            f"{html.escape(text.t('challenges.claims.grade', lang, grade=grade))}{link}</div>"
            f"</article>"
        )
    return "".join(cards)


def verdict_counts(claims: pd.DataFrame, lang: str | None = None) -> str:
    """One sentence counting the verdicts, e.g. "4 confirmed, 3 partly, ..."."""
    lang = lang or text.get_language()
    counts = claims["verdict"].value_counts()
    items = [
        text.t(
            "challenges.claims.count",
            lang,
            count=int(counts.get(verdict, 0)),
            verdict=text.t(f"challenges.verdict.{verdict.replace(' ', '_')}", lang),
        )
        for verdict in VERDICT_STYLE
    ]
    return text.t(
        "challenges.claims.summary",
        lang,
        total=len(claims),
        items=text.t("caption.rank_joiner", lang).join(items),
    )
