"""The start page's chart: R&D intensity of every province, one year at a time."""

from __future__ import annotations

import html
import json

import altair as alt
import pandas as pd

from helpers import text
from helpers.charts import NORTHEAST_CODES, OKABE_ITO, region_name_column, source_caption


def intensity_ranking(panel: pd.DataFrame, year: int, lang: str | None = None) -> alt.Chart:
    """R&D intensity of the 31 provinces in one year, the Northeast highlighted.

    Parameters
    ----------
    panel
        Tidy rows with ``region``, ``region_en``, ``region_zh``, ``year``, ``value`` (percent
        of GDP) and ``grade`` for indicator ``rd_intensity``; the national row has region ``CN``.
    year
        The year shown first. It is the chart parameter ``year``: setting
        ``JupyterChart.params.year`` redraws the chart in the browser without re-sending data.
    lang
        Language of titles, axes and legend (default: the page's).
    """
    lang = lang or text.get_language()
    northeast, other = text.t("chart.group.northeast", lang), text.t("chart.group.other", lang)
    rows = panel.loc[:, ["region", "year", "value", "grade"]].copy()
    rows["name"] = panel[region_name_column(lang)]
    rows["group"] = other
    rows.loc[rows["region"].isin(NORTHEAST_CODES), "group"] = northeast
    national = rows[rows["region"] == "CN"]
    provinces = rows[rows["region"] != "CN"]

    year_param = alt.param(name="year", value=int(year))
    bars = (
        alt.Chart(provinces)
        .transform_filter(alt.datum.year == year_param)
        .mark_bar()
        .encode(
            y=alt.Y("name:N", sort="-x", title=None, axis=alt.Axis(labelLimit=120)),
            x=alt.X("value:Q", title=text.t("chart.ranking.axis", lang)),
            color=alt.Color(
                "group:N",
                scale=alt.Scale(
                    domain=[northeast, other],
                    range=[OKABE_ITO["vermillion"], OKABE_ITO["grey"]],
                ),
                legend=alt.Legend(title=None, orient="bottom-right"),
            ),
            tooltip=[
                alt.Tooltip("name:N", title=text.t("chart.tooltip.province", lang)),
                alt.Tooltip("year:O", title=text.t("chart.tooltip.year", lang)),
                alt.Tooltip("value:Q", title=text.t("chart.tooltip.intensity", lang), format=".2f"),
                alt.Tooltip("grade:N", title=text.t("chart.tooltip.grade", lang)),
            ],
        )
    )
    national_rule = (
        alt.Chart(national)
        .transform_filter(alt.datum.year == year_param)
        .mark_rule(color=OKABE_ITO["black"], strokeDash=[6, 4], size=2)
        .encode(
            x="value:Q",
            tooltip=[
                alt.Tooltip("value:Q", title=text.t("chart.tooltip.national", lang), format=".2f")
            ],
        )
    )
    title_prefix = json.dumps(text.t("chart.ranking.title", lang))
    title = alt.Title(
        text=alt.expr(f"{title_prefix} + {year_param.name}"),
        subtitle=text.t("chart.ranking.subtitle", lang),
        anchor="start",
    )
    return (
        alt.layer(bars, national_rule)
        .add_params(year_param)
        .properties(title=title, width=560, height=alt.Step(15))
    )


def ranking_caption(panel: pd.DataFrame, year: int, lang: str | None = None) -> str:
    """Caption and text alternative of :func:`intensity_ranking` for one year (HTML).

    Names the source, the vintage and the trust grade of the rows shown, and says in one
    sentence where the three Northeast provinces stand, for readers who cannot see the chart.
    """
    lang = lang or text.get_language()
    rows = panel[panel["year"] == year]
    if rows.empty:
        raise ValueError(text.t("error.no_year_data", lang, year=year))
    provinces = rows[rows["region"] != "CN"].sort_values("value", ascending=False)
    provinces = provinces.assign(rank=range(1, len(provinces) + 1))
    names = provinces[region_name_column(lang)]
    items = [
        text.t(
            "caption.rank_item",
            lang,
            province=name,
            rank=row.rank,
            value=text.percent(row.value, 2, lang),
        )
        for name, row in zip(names, provinces.itertuples(), strict=True)
        if row.region in NORTHEAST_CODES
    ]
    summary = text.t(
        "caption.rank_sentence",
        lang,
        year=year,
        count=len(provinces),
        items=text.t("caption.rank_joiner", lang).join(items),
    )
    national = rows.loc[rows["region"] == "CN", "value"]
    if not national.empty:
        summary += text.t("caption.national", lang, value=text.percent(national.iloc[0], 2, lang))
    return f'<p class="nqp-caption-summary">{html.escape(summary)}</p>' + source_caption(
        rows, lang, note=text.t("caption.intensity_vintage", lang)
    )
