"""Charts of the scenario lab: baseline against scenario, with P10–P90 bands, for one region.

Two charts, each built once and then fed new data:

- :func:`intensity_chart`: R&D intensity of the chosen region, no-policy baseline against the
  scenario (with its P10–P90 band), and the national and Jiangsu paths as benchmarks.
- :func:`outputs_chart`: small multiples of the model's key outputs (R&D spending, R&D capital
  stock, R&D personnel, invention patents, technology contracts) and the GDP effect
  (scenario − baseline).

Both read their rows from a *named* dataset (:data:`INTENSITY_DATA`, :data:`OUTPUTS_DATA`), so a
panel can replace the rows in the browser without sending a new chart
(:func:`helpers.panels.lab.replace_chart_data`). The region's name is the chart parameter
:data:`REGION_PARAM`, shown in the title.

The row builders (:func:`region_paths`, :func:`intensity_rows`, :func:`output_rows`) turn a
:class:`~helpers.model.ScenarioResult` into tidy rows; the table builders give each chart its
text alternative.
"""

from __future__ import annotations

import html
import json
import re

import altair as alt
import numpy as np
import pandas as pd

from helpers import text
from helpers.charts import OKABE_ITO, years_label
from helpers.model import ParameterSet, ScenarioResult

INTENSITY_DATA = "lab_intensity"
OUTPUTS_DATA = "lab_outputs"
REGION_PARAM = "region_name"

#: Outputs shown as levels (baseline and scenario), in the order of the small multiples.
LEVEL_OUTPUTS = (
    "rd_expenditure",
    "rd_capital_stock",
    "rd_personnel_fte",
    "invention_patents_granted",
    "tech_contract_value",
)
#: Output shown as an effect (scenario − baseline): the last small multiple.
EFFECT_OUTPUT = "gdp"
#: Benchmarks of the intensity chart: series key → region code in the model results.
BENCHMARKS = {"national": "CN", "jiangsu": "CN-JS"}

#: Every line of the lab's charts: colour (Okabe–Ito) and dash pattern, so that the series differ
#: by more than colour alone.
SERIES_STYLE: dict[str, tuple[str, list[int]]] = {
    "baseline": (OKABE_ITO["grey"], [6, 4]),
    "scenario": (OKABE_ITO["vermillion"], [1, 0]),
    "change": (OKABE_ITO["purple"], [1, 0]),
    "national": (OKABE_ITO["black"], [2, 2]),
    "jiangsu": (OKABE_ITO["blue"], [8, 3, 2, 3]),
}
SERIES_KEYS = {
    "baseline": "lab.series.baseline",
    "scenario": "lab.series.scenario",
    "change": "lab.series.change",
    "national": "lab.series.national",
    "jiangsu": "lab.series.jiangsu",
}
#: Decimals shown for each output (tooltips, tables, readouts).
DECIMALS = {
    "rd_intensity": 2,
    "gap_to_national": 2,
    "gap_to_jiangsu": 2,
    "rd_expenditure": 0,
    "rd_capital_stock": 0,
    "rd_personnel_fte": 0,
    "invention_patents_granted": 0,
    "tech_contract_value": 0,
    "gdp": 0,
}
#: Significant digits kept in the rows sent to the browser (far finer than the bands).
SIGNIFICANT = 6

CHART_WIDTH = 560
SMALL_WIDTH = 300
SMALL_HEIGHT = 150
#: Small multiples' titles put the unit in brackets on a line of its own: "R&D personnel
#: (full-time equivalent) (person-years)" is 375 px wide in DejaVu Sans Bold (Linux's usual
#: sans-serif), more than its 300 px panel, and was cut short. Chinese titles, with full-width
#: brackets and no space, are short enough for one line.
UNIT_ON_ITS_OWN_LINE = (
    "lastindexof(datum.label, ' (') > 0"
    " ? [substring(datum.label, 0, lastindexof(datum.label, ' (')),"
    " substring(datum.label, lastindexof(datum.label, ' (') + 1)]"
    " : datum.label"
)


def number(value: float, decimals: int, lang: str) -> str:
    """Like :func:`helpers.text.number` (the language's decimal and grouping signs, fixed
    decimals), about thirty times faster: the lab formats hundreds of numbers per slider move."""
    group, decimal, _ = text.number_signs(lang)
    formatted = f"{value:,.{decimals}f}"
    if (decimal, group) == (".", ","):
        return formatted
    return formatted.replace(",", "\0").replace(".", decimal).replace("\0", group)


def series_label(key: str, lang: str | None = None) -> str:
    """Legend label of a series (``baseline``, ``scenario``, ``change``, ...) in ``lang``."""
    return text.t(SERIES_KEYS[key], lang)


def output_label(parameters: ParameterSet, name: str, lang: str) -> tuple[str, str]:
    """Label and unit of a model output in ``lang``, as declared in ``parameters.yaml``."""
    spec = parameters.output_by_name[name]
    if lang == "zh":
        return spec.label_zh, spec.unit_zh
    return spec.label_en, spec.unit


# ------------------------------------------------------------------------------ rows


def region_paths(result: ScenarioResult, region: str) -> pd.DataFrame:
    """The results of ``region`` and of the two benchmarks, one row per (region, variable, run,
    year), as a flat table.

    Columns ``region, variable, run, year`` and the statistics (``central`` and, with draws,
    ``p10``, ``p50``, ``p90``).
    """
    series = result.series
    keep = series["region"].isin([region, *BENCHMARKS.values()])
    rows = series.loc[keep, ["region", "variable", "run", "year", "stat", "value"]]
    wide = rows.set_index(["region", "variable", "run", "year", "stat"])["value"].unstack("stat")
    flat = wide.reset_index()
    flat.columns = [str(c) for c in flat.columns]
    for column in ("region", "variable", "run"):
        flat[column] = flat[column].astype(str)
    return flat


def _select(paths: pd.DataFrame, regions, variables, runs) -> pd.DataFrame:
    mask = (
        paths["region"].isin(list(regions))
        & paths["variable"].isin(list(variables))
        & paths["run"].isin(list(runs))
    )
    return paths.loc[mask]


def year_values(paths: pd.DataFrame, region: str, year: int) -> dict[tuple[str, str, str], float]:
    """Every number of ``region`` in ``year``: ``{(variable, run, stat): value}``."""
    rows = paths.loc[(paths["region"] == region) & (paths["year"] == year)]
    stats = [c for c in ("central", "p10", "p50", "p90") if c in rows]
    return {
        (variable, run, stat): float(value)
        for variable, run, *values in rows[["variable", "run", *stats]].itertuples(
            index=False, name=None
        )
        for stat, value in zip(stats, values, strict=True)
    }


def metric_values(result: ScenarioResult, region: str) -> dict[tuple[str, str, str], float]:
    """Every summary number of ``region``: ``{(metric, run, stat): value}``."""
    metrics = result.metrics
    rows = metrics.loc[metrics["region"] == region, ["metric", "run", "stat", "value"]]
    return {
        (str(m), str(r), str(s)): float(v) for m, r, s, v in rows.itertuples(index=False, name=None)
    }


def _rounded(values) -> np.ndarray:
    """Values rounded to :data:`SIGNIFICANT` digits (NaN kept), for compact JSON."""
    values = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        magnitude = np.where(
            np.isfinite(values) & (values != 0), np.floor(np.log10(np.abs(values))), 0
        )
    scale = 10.0 ** (SIGNIFICANT - 1 - magnitude)
    return np.round(values * scale) / scale


def _chart_frame(rows: pd.DataFrame, keys: pd.Series, lang: str) -> pd.DataFrame:
    """Chart rows from path rows: series key and label, year, value, and the band where the
    series has one (the scenario and the change, never the baseline or a benchmark)."""
    banded = keys.isin(["scenario", "change"]).to_numpy()
    has_band = "p10" in rows and "p90" in rows
    labels = {k: series_label(k, lang) for k in SERIES_KEYS}
    return pd.DataFrame(
        {
            "series_key": keys.to_numpy(),
            "series": keys.map(labels).to_numpy(),
            "year": rows["year"].astype(int).to_numpy(),
            "value": _rounded(rows["central"]),
            "lo": np.where(banded, _rounded(rows["p10"]), np.nan) if has_band else np.nan,
            "hi": np.where(banded, _rounded(rows["p90"]), np.nan) if has_band else np.nan,
        }
    )


def intensity_rows(paths: pd.DataFrame, region: str, lang: str | None = None) -> pd.DataFrame:
    """Rows of :func:`intensity_chart`: baseline, scenario (with band) and the benchmarks.

    Columns ``series_key, series, year, value, lo, hi`` (``lo``/``hi``: P10/P90, scenario only).
    """
    lang = lang or text.get_language()
    own = _select(paths, [region], ["rd_intensity"], ["baseline", "scenario"])
    benchmarks = _select(paths, BENCHMARKS.values(), ["rd_intensity"], ["baseline"])
    by_region = {code: key for key, code in BENCHMARKS.items()}
    rows = pd.concat([own, benchmarks], ignore_index=True)
    keys = rows["run"].where(rows["region"] == region, rows["region"].map(by_region))
    frame = _chart_frame(rows, keys, lang)
    order = {k: i for i, k in enumerate(("baseline", "scenario", *BENCHMARKS))}
    return (
        frame.assign(_order=frame["series_key"].map(order))
        .sort_values(["_order", "year"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def output_rows(
    paths: pd.DataFrame, region: str, parameters: ParameterSet, lang: str | None = None
) -> pd.DataFrame:
    """Rows of :func:`outputs_chart`: levels of :data:`LEVEL_OUTPUTS`, and the GDP effect.

    Columns ``variable, panel, series_key, series, year, value, lo, hi`` (``panel``: the
    small multiple's title, see :func:`panel_titles`).
    """
    lang = lang or text.get_language()
    titles = panel_titles(parameters, lang)
    rows = pd.concat(
        [
            _select(paths, [region], LEVEL_OUTPUTS, ["baseline", "scenario"]),
            _select(paths, [region], [EFFECT_OUTPUT], ["change"]),
        ],
        ignore_index=True,
    )
    frame = _chart_frame(rows, rows["run"], lang)
    frame.insert(0, "variable", rows["variable"].to_numpy())
    frame.insert(1, "panel", frame["variable"].map(titles))
    order = {name: i for i, name in enumerate(titles)}
    runs = {"baseline": 0, "scenario": 1, "change": 2}
    return (
        frame.assign(_v=frame["variable"].map(order), _r=frame["series_key"].map(runs))
        .sort_values(["_v", "_r", "year"], kind="stable")
        .drop(columns=["_v", "_r"])
        .reset_index(drop=True)
    )


def records(rows: pd.DataFrame) -> list[dict]:
    """Rows as JSON-safe records (NaN → None), the form a chart's dataset takes."""
    return json.loads(rows.to_json(orient="records", double_precision=10))


# ------------------------------------------------------------------------------ charts


def _series_scales(keys: list[str], lang: str) -> tuple[alt.Scale, alt.Scale]:
    labels = [series_label(k, lang) for k in keys]
    colour = alt.Scale(domain=labels, range=[SERIES_STYLE[k][0] for k in keys])
    dash = alt.Scale(domain=labels, range=[SERIES_STYLE[k][1] for k in keys])
    return colour, dash


def _paths_layer(
    data, keys: list[str], y_title: str, decimals: int, lang: str, width, height
) -> alt.LayerChart:
    """Band (P10–P90) under lines (one per series) for rows of one variable."""
    colour, dash = _series_scales(keys, lang)
    legend = alt.Legend(
        title=None,
        orient="bottom",
        direction="horizontal",
        symbolType="stroke",
        symbolOpacity=1,
        symbolStrokeWidth=2.5,
        symbolSize=400,
        labelLimit=260,
    )
    year = alt.X(
        "year:Q",
        title=text.t("lab.chart.axis.year", lang),
        axis=alt.Axis(format="d", tickMinStep=1),
        scale=alt.Scale(zero=False, nice=False),
    )
    fmt = f",.{decimals}f"
    tooltip = [
        alt.Tooltip("series:N", title=text.t("lab.chart.tooltip.series", lang)),
        alt.Tooltip("year:Q", title=text.t("lab.chart.axis.year", lang), format="d"),
        alt.Tooltip("value:Q", title=text.t("lab.chart.tooltip.value", lang), format=fmt),
        alt.Tooltip("lo:Q", title=text.t("lab.chart.tooltip.p10", lang), format=fmt),
        alt.Tooltip("hi:Q", title=text.t("lab.chart.tooltip.p90", lang), format=fmt),
    ]
    band = (
        data.transform_filter("isValid(datum.lo) && isValid(datum.hi)")
        .mark_area(opacity=0.22)
        .encode(
            x=year,
            y=alt.Y("lo:Q"),
            y2="hi:Q",
            color=alt.Color("series:N", scale=colour, legend=legend),
            tooltip=tooltip,
        )
    )
    lines = data.mark_line(strokeWidth=2.2).encode(
        x=year,
        y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False)),
        color=alt.Color("series:N", scale=colour, legend=legend),
        strokeDash=alt.StrokeDash("series:N", scale=dash, legend=legend),
        tooltip=tooltip,
    )
    points = data.mark_point(size=18, filled=True, opacity=0.0).encode(
        x=year, y="value:Q", tooltip=tooltip
    )
    return alt.layer(band, lines, points).properties(width=width, height=height)


def _region_title(key: str, subtitle: str, lang: str) -> alt.Title:
    """A title ending with the region's name, read from the chart parameter
    :data:`REGION_PARAM`, so that switching regions changes only a parameter."""
    prefix = json.dumps(text.t(key, lang))
    return alt.Title(
        text=alt.expr(f"{prefix} + {REGION_PARAM}"),
        subtitle=subtitle,
        anchor="start",
        fontSize=15,
    )


def _region_param(region_name: str) -> alt.Parameter:
    return alt.param(name=REGION_PARAM, value=region_name)


def _subtitle(draws: int, lang: str) -> str:
    return text.t("lab.chart.subtitle", lang, draws=text.number(draws, 0, lang))


def _intensity_view(draws: int, lang: str) -> alt.LayerChart:
    """The intensity view without data or parameter (see :func:`intensity_chart`)."""
    chart = _paths_layer(
        alt.Chart(alt.NamedData(INTENSITY_DATA)),
        ["baseline", "scenario", "national", "jiangsu"],
        text.t("lab.chart.intensity.axis", lang),
        DECIMALS["rd_intensity"],
        lang,
        CHART_WIDTH,
        260,
    )
    return chart.properties(
        title=_region_title("lab.chart.intensity.title", _subtitle(draws, lang), lang)
    )


def intensity_chart(
    rows: pd.DataFrame, region_name: str, draws: int, lang: str | None = None
) -> alt.LayerChart:
    """R&D intensity of one region: baseline, scenario with its P10–P90 band, and benchmarks.

    Parameters
    ----------
    rows
        From :func:`intensity_rows`; they become the named dataset :data:`INTENSITY_DATA`.
    region_name
        Shown in the title; the chart parameter :data:`REGION_PARAM`.
    draws
        Monte Carlo draws behind the band (named in the subtitle).
    """
    lang = lang or text.get_language()
    return (
        _intensity_view(draws, lang)
        .add_params(_region_param(region_name))
        .properties(datasets={INTENSITY_DATA: records(rows)})
    )


def panel_titles(parameters: ParameterSet, lang: str | None = None) -> dict[str, str]:
    """Title of each small multiple: output label and unit, in ``lang`` (facet headers)."""
    lang = lang or text.get_language()
    titles = {}
    for name in (*LEVEL_OUTPUTS, EFFECT_OUTPUT):
        label, unit = output_label(parameters, name, lang)
        if name == EFFECT_OUTPUT:
            label = text.t("lab.chart.gdp_effect", lang, label=label)
        titles[name] = text.t("lab.chart.panel_title", lang, label=label, unit=unit)
    return titles


def _outputs_view(draws: int, parameters: ParameterSet, lang: str) -> alt.FacetChart:
    """The small multiples without data or parameter (see :func:`outputs_chart`)."""
    titles = panel_titles(parameters, lang)
    layer = _paths_layer(
        alt.Chart(),
        ["baseline", "scenario", "change"],
        None,
        0,
        lang,
        SMALL_WIDTH,
        SMALL_HEIGHT,
    )
    return (
        layer.facet(
            data=alt.NamedData(OUTPUTS_DATA),
            facet=alt.Facet(
                "panel:N",
                sort=list(titles.values()),
                title=None,
                header=alt.Header(
                    labelFontSize=12,
                    labelFontWeight="bold",
                    labelLimit=340,
                    labelExpr=UNIT_ON_ITS_OWN_LINE,
                ),
            ),
            columns=2,
        )
        .resolve_scale(y="independent")
        .properties(title=_region_title("lab.chart.outputs.title", _subtitle(draws, lang), lang))
    )


def outputs_chart(
    rows: pd.DataFrame,
    region_name: str,
    draws: int,
    parameters: ParameterSet,
    lang: str | None = None,
) -> alt.FacetChart:
    """Small multiples of the key outputs (levels) and the GDP effect, for one region.

    One faceted chart: a panel per output (title: label and unit, from ``parameters.yaml``), each
    with its own y scale, one shared legend. ``rows`` from :func:`output_rows`.
    """
    lang = lang or text.get_language()
    return (
        _outputs_view(draws, parameters, lang)
        .add_params(_region_param(region_name))
        .properties(datasets={OUTPUTS_DATA: records(rows)})
    )


def lab_chart(
    intensity: pd.DataFrame,
    outputs: pd.DataFrame,
    region_name: str,
    draws: int,
    parameters: ParameterSet,
    lang: str | None = None,
) -> alt.VConcatChart:
    """:func:`intensity_chart` above :func:`outputs_chart`, as one chart.

    One chart rather than two because each live chart loads its own copy of the Vega bundle in
    the browser (about 0.9 MB to send and parse per chart). Each view keeps its own title,
    scales and legend; both read the region's name from :data:`REGION_PARAM` and their rows from
    the named datasets :data:`INTENSITY_DATA` and :data:`OUTPUTS_DATA`.
    """
    lang = lang or text.get_language()
    # The parameter goes to the constructor: ``add_params`` on a concatenation that holds a
    # layer fails in Altair 6.3 (it looks for a view name the layer does not have).
    return alt.VConcatChart(
        vconcat=[_intensity_view(draws, lang), _outputs_view(draws, parameters, lang)],
        params=[_region_param(region_name).param],
        spacing=28,
        resolve=alt.Resolve(
            scale=alt.ScaleResolveMap(color="independent", strokeDash="independent"),
            legend=alt.LegendResolveMap(color="independent", strokeDash="independent"),
        ),
        datasets={INTENSITY_DATA: records(intensity), OUTPUTS_DATA: records(outputs)},
    )


# ------------------------------------------------------------------------------ text alternatives


def _fmt(value, decimals: int, lang: str) -> str:
    if value is None or not np.isfinite(value):
        return "—"
    return number(float(value), decimals, lang)


def _column(values, decimals: int, lang: str) -> list[str]:
    return [_fmt(v, decimals, lang) for v in values]


def intensity_table(rows: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """The intensity chart as a table: one row per year, one column per series (and P10/P90)."""
    lang = lang or text.get_language()
    decimals = DECIMALS["rd_intensity"]
    wide = rows.pivot(index="year", columns="series_key", values="value")
    scenario = rows[rows["series_key"] == "scenario"].set_index("year").reindex(wide.index)
    table = {text.t("lab.table.year", lang): wide.index.astype(int)}
    for key in ("baseline", "scenario"):
        table[series_label(key, lang)] = _column(wide[key], decimals, lang)
    table[text.t("lab.chart.tooltip.p10", lang)] = _column(scenario["lo"], decimals, lang)
    table[text.t("lab.chart.tooltip.p90", lang)] = _column(scenario["hi"], decimals, lang)
    for key in BENCHMARKS:
        table[series_label(key, lang)] = _column(wide[key], decimals, lang)
    return pd.DataFrame(table)


def outputs_table(
    rows: pd.DataFrame, parameters: ParameterSet, lang: str | None = None
) -> pd.DataFrame:
    """The outputs chart as a table: output, unit, year, baseline, scenario, P10, P90, change.

    For the GDP effect, the P10/P90 are those of the change itself.
    """
    lang = lang or text.get_language()
    groups = {key: part for key, part in rows.groupby(["variable", "series_key"], sort=False)}
    out = []
    for name in (*LEVEL_OUTPUTS, EFFECT_OUTPUT):
        label, unit = output_label(parameters, name, lang)
        decimals = DECIMALS[name]
        if name == EFFECT_OUTPUT:
            label = text.t("lab.chart.gdp_effect", lang, label=label)
            banded = groups.get((name, "change"))
            if banded is None:
                continue
            years = banded["year"].to_numpy()
            base = scen = np.full(len(years), np.nan)
            change = banded["value"].to_numpy()
        else:
            baseline, banded = groups.get((name, "baseline")), groups.get((name, "scenario"))
            if baseline is None or banded is None:
                continue
            years = banded["year"].to_numpy()
            base = baseline.set_index("year")["value"].reindex(years).to_numpy()
            scen = banded["value"].to_numpy()
            change = scen - base
        out.append(
            pd.DataFrame(
                {
                    text.t("lab.table.output", lang): label,
                    text.t("lab.table.unit", lang): unit,
                    text.t("lab.table.year", lang): years.astype(int),
                    series_label("baseline", lang): _column(base, decimals, lang),
                    series_label("scenario", lang): _column(scen, decimals, lang),
                    text.t("lab.chart.tooltip.p10", lang): _column(banded["lo"], decimals, lang),
                    text.t("lab.chart.tooltip.p90", lang): _column(banded["hi"], decimals, lang),
                    series_label("change", lang): _column(change, decimals, lang),
                }
            )
        )
    return pd.concat(out, ignore_index=True)


# ------------------------------------------------------------------------------ captions

#: Panel indicators the calibration reads (see ``helpers.model.calibration``).
CALIBRATION_INDICATORS = (
    "rd_expenditure",
    "rd_intensity",
    "rd_personnel_fte_total",
    "patents_granted_invention",
    "tech_market_outflow_value",
)
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


def calibration_rows(panel: pd.DataFrame, regions, first_year: int, base_year: int) -> pd.DataFrame:
    """The panel rows the model is calibrated on: their sources, years and grades."""
    keep = (
        panel["indicator"].isin(CALIBRATION_INDICATORS)
        & panel["region"].isin(list(regions))
        & panel["year"].between(first_year, base_year)
    )
    return panel.loc[keep]


def calibration_note(rows: pd.DataFrame, lang: str | None = None) -> str:
    """One sentence naming the data behind the model: years, trust grades, newest release."""
    lang = lang or text.get_language()
    dates = rows["source"].str.extract(_DATE)[0].dropna()
    return text.t(
        "lab.caption.calibration",
        lang,
        years=years_label(rows["year"]),
        grades=", ".join(sorted(rows["grade"].dropna().unique())),
        published=dates.max() if not dates.empty else "?",
    )


def _origins() -> str:
    """The backtest's first and last origin, e.g. 2015–2021."""
    from helpers.model.backtest import ORIGINS

    return years_label(pd.Series(ORIGINS))


def lab_caption(
    region_name: str, draws: int, seed: int, calibration: str, lang: str | None = None
) -> str:
    """Caption of a lab chart (HTML): region, "model scenario, not a forecast", bands, sources."""
    lang = lang or text.get_language()
    parts = [
        text.t("lab.caption.not_forecast", lang, region=region_name),
        text.t(
            "lab.caption.bands",
            lang,
            draws=text.number(draws, 0, lang),
            seed=seed,
            origins=_origins(),
        ),
        text.t("lab.caption.model", lang),
        calibration,
    ]
    return (
        '<p class="nqp-caption-source" style="font-size:90%;color:#444;max-width:62em;'
        'line-height:1.45">' + html.escape(text.sentences(parts, lang)) + "</p>"
    )


__all__ = [
    "BENCHMARKS",
    "EFFECT_OUTPUT",
    "INTENSITY_DATA",
    "LEVEL_OUTPUTS",
    "OUTPUTS_DATA",
    "REGION_PARAM",
    "SERIES_STYLE",
    "calibration_note",
    "calibration_rows",
    "intensity_chart",
    "intensity_rows",
    "intensity_table",
    "lab_caption",
    "lab_chart",
    "metric_values",
    "number",
    "output_label",
    "output_rows",
    "outputs_chart",
    "outputs_table",
    "records",
    "region_paths",
    "series_label",
    "year_values",
]
