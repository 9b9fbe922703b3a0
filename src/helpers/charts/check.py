"""Charts of the model check: the backtest (each projection against what happened) and the
tornado (what moves a scenario's result most).

Pure functions: rows from :mod:`helpers.model.validation` or :func:`helpers.model.tornado` in,
an ``alt.Chart`` or a display frame out. The backtest chart holds every origin's projection; the
origin shown is the chart parameter ``origin``, so the origin slider redraws in the browser.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from helpers import text
from helpers.charts import OKABE_ITO

ORIGIN_PARAM = "origin"
BACKTEST_DATA = "check_backtest"
#: Colours and dashes: the data, the projection shown, the other origins' projections.
STYLE = {
    "actual": (OKABE_ITO["black"], [1, 0]),
    "shown": (OKABE_ITO["vermillion"], [1, 0]),
    "other": (OKABE_ITO["grey"], [4, 3]),
}


def _fmt(value: float, decimals: int, lang: str) -> str:
    return "—" if value is None or not np.isfinite(value) else text.number(value, decimals, lang)


def backtest_rows(rows: pd.DataFrame, decimals: int, lang: str) -> pd.DataFrame:
    """The chart's rows with labels and formatted numbers (also the data table's source)."""
    out = rows.copy()
    labels = {
        "actual": text.t("check.chart.actual", lang),
        "projection": text.t("check.chart.projection", lang),
    }
    out["label"] = out["kind"].map(labels)
    for column in ("value", "p10", "p90"):
        out[f"{column}_text"] = [_fmt(v, decimals, lang) for v in out[column]]
    return out


def backtest_chart(
    rows: pd.DataFrame, origin: int, title: str, unit: str, lang: str | None = None
) -> alt.LayerChart:
    """Data (black), the projection from ``origin`` with its P10–P90 band (vermillion) and the
    projections from the other origins (grey, dashed) for one series and province.

    ``rows`` come from :func:`backtest_rows`; the origin shown is the parameter ``origin``.
    """
    lang = lang or text.get_language()
    data = alt.NamedData(BACKTEST_DATA)
    chosen = alt.param(name=ORIGIN_PARAM, value=int(origin))
    x = alt.X("year:Q", title=text.t("check.chart.year", lang), axis=alt.Axis(format="d"))
    y_title = unit
    tooltip = [
        alt.Tooltip("label:N", title=text.t("check.chart.tooltip.series", lang)),
        alt.Tooltip("year:Q", title=text.t("check.chart.year", lang), format="d"),
        alt.Tooltip("value_text:N", title=text.t("check.chart.tooltip.value", lang)),
        alt.Tooltip("p10_text:N", title="P10"),
        alt.Tooltip("p90_text:N", title="P90"),
    ]
    base = alt.Chart(data)
    projection = alt.datum.kind == "projection"
    shown = projection & (alt.datum.origin == chosen)
    others = (
        base.transform_filter(projection & (alt.datum.origin != chosen))
        .mark_line(strokeWidth=1.2, opacity=0.6, strokeDash=STYLE["other"][1])
        .encode(
            x=x,
            y=alt.Y("value:Q", title=y_title),
            detail="origin:N",
            color=alt.value(STYLE["other"][0]),
        )
    )
    band = (
        base.transform_filter(shown)
        .mark_area(opacity=0.22, color=STYLE["shown"][0])
        .encode(x=x, y="p10:Q", y2="p90:Q")
    )

    def path(rows, color: str) -> alt.Chart:  # a line with a dot at each year
        return (
            base.transform_filter(rows)
            .mark_line(strokeWidth=2.5, color=color, point=alt.OverlayMarkDef(size=30, color=color))
            .encode(x=x, y="value:Q", tooltip=tooltip)
        )

    line = path(shown, STYLE["shown"][0])
    actual = path(alt.datum.kind == "actual", STYLE["actual"][0])
    rule = (
        base.transform_filter(shown & (alt.datum.year == chosen))
        .mark_rule(strokeDash=[2, 2], color=OKABE_ITO["grey"])
        .encode(x=x)
    )
    subtitle = text.t("check.chart.subtitle", lang)
    return (
        alt.layer(others, band, line, actual, rule)
        .add_params(chosen)
        .properties(
            width=640,
            height=320,
            title=alt.Title(title, subtitle=subtitle, anchor="start"),
            datasets={BACKTEST_DATA: _records(rows)},
        )
    )


def backtest_table(rows: pd.DataFrame, origin: int, lang: str | None = None) -> pd.DataFrame:
    """The numbers of the chart for one origin: year, data, projection, P10, P90."""
    lang = lang or text.get_language()
    actual = rows[rows["kind"] == "actual"].set_index("year")["value_text"]
    shown = rows[(rows["kind"] == "projection") & (rows["origin"] == origin)].set_index("year")
    years = sorted(set(actual.index) | set(shown.index))
    return pd.DataFrame(
        {
            text.t("check.chart.year", lang): years,
            text.t("check.chart.actual", lang): [actual.get(y, "—") for y in years],
            text.t("check.chart.projection", lang): [
                shown["value_text"].get(y, "—") for y in years
            ],
            "P10": [shown["p10_text"].get(y, "—") for y in years],
            "P90": [shown["p90_text"].get(y, "—") for y in years],
        }
    )


def _records(rows: pd.DataFrame) -> list[dict]:
    keep = [
        "kind",
        "label",
        "origin",
        "year",
        "value",
        "p10",
        "p90",
        "value_text",
        "p10_text",
        "p90_text",
    ]
    frame = rows[keep].astype(object).where(rows[keep].notna(), None)
    return frame.to_dict(orient="records")


def tornado_chart(
    table: pd.DataFrame, title: str, unit: str, lang: str | None = None, top: int = 10
) -> alt.LayerChart:
    """The ``top`` assumptions that move one result most: for each, the result with the
    assumption at the low and at the high end of its range, all others central."""
    lang = lang or text.get_language()
    rows = tornado_rows(table, lang).head(top)
    low, high = text.t("check.tornado.low_end", lang), text.t("check.tornado.high_end", lang)
    long = pd.concat(
        [
            rows.assign(end=low, result=rows["output_low"], text_value=rows["low_text"]),
            rows.assign(end=high, result=rows["output_high"], text_value=rows["high_text"]),
        ]
    )
    long = long[["label", "end", "result", "central", "text_value", "input_text"]]
    order = list(rows["label"])
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=360))
    bars = (
        alt.Chart(long)
        .mark_bar(height=14)
        .encode(
            y=y,
            x=alt.X("central:Q", title=text.t("check.tornado.axis", lang, unit=unit)),
            x2="result:Q",
            color=alt.Color(
                "end:N",
                scale=alt.Scale(domain=[low, high], range=[OKABE_ITO["blue"], OKABE_ITO["orange"]]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("label:N", title=text.t("check.tornado.assumption", lang)),
                alt.Tooltip("end:N", title=text.t("check.tornado.end", lang)),
                alt.Tooltip("input_text:N", title=text.t("check.tornado.range", lang)),
                alt.Tooltip("text_value:N", title=text.t("check.tornado.result", lang)),
            ],
        )
    )
    centre = (
        alt.Chart(pd.DataFrame({"central": [float(rows["central"].iloc[0]) if len(rows) else 0.0]}))
        .mark_rule(color=OKABE_ITO["black"])
        .encode(x="central:Q")
    )
    return alt.layer(bars, centre).properties(
        width=520, height=max(120, 26 * len(rows)), title=alt.Title(title, anchor="start")
    )


def tornado_rows(table: pd.DataFrame, lang: str | None = None, decimals: int = 1) -> pd.DataFrame:
    """The tornado table with labels and formatted numbers, largest swing first."""
    lang = lang or text.get_language()
    out = table.copy()
    out["label"] = out["label_zh"] if lang == "zh" else out["label_en"]
    out["central"] = out["output_central"]
    out["low_text"] = [_fmt(v, decimals, lang) for v in out["output_low"]]
    out["high_text"] = [_fmt(v, decimals, lang) for v in out["output_high"]]
    out["swing_text"] = [_fmt(v, decimals, lang) for v in out["swing"]]
    out["input_text"] = [
        f"{_fmt(lo, 3, lang)} – {_fmt(hi, 3, lang)}"
        for lo, hi in zip(out["input_low"], out["input_high"], strict=True)
    ]
    return out.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def tornado_table(table: pd.DataFrame, lang: str | None = None, decimals: int = 1) -> pd.DataFrame:
    """A reader's table of the tornado: assumption, grade, range, result at each end, swing."""
    lang = lang or text.get_language()
    rows = tornado_rows(table, lang, decimals)
    return pd.DataFrame(
        {
            text.t("check.tornado.assumption", lang): rows["label"],
            text.t("check.tornado.grade", lang): rows["grade"],
            text.t("check.tornado.range", lang): rows["input_text"],
            text.t("check.tornado.low_end", lang): rows["low_text"],
            text.t("check.tornado.high_end", lang): rows["high_text"],
            text.t("check.tornado.swing", lang): rows["swing_text"],
        }
    )


__all__ = [
    "BACKTEST_DATA",
    "ORIGIN_PARAM",
    "backtest_chart",
    "backtest_rows",
    "backtest_table",
    "tornado_chart",
    "tornado_rows",
    "tornado_table",
]
