"""Chart builders: a tidy DataFrame in, an ``alt.Chart`` out; and the one way charts are shown.

Altair 6 emits Vega-Lite 6. Measured here (VOILA_NOTES.md) its default renderer fetches Vega from
a CDN and its ``mimetype`` renderer draws nothing in Voilà 0.5, so every live chart is an
:class:`altair.JupyterChart` in offline mode (the Vega bundle ships with vl-convert, inside the
kernel): it renders in JupyterLab and in Voilà with the network off, and a slider that only
changes a chart parameter costs ≈22 ms instead of ≈120 ms for a server-side SVG re-render.
"""

from __future__ import annotations

import functools
import html

import altair as alt
import pandas as pd

#: Okabe–Ito colours, distinguishable with the common colour-vision deficiencies.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
    "black": "#000000",
}
NORTHEAST_CODES = ("CN-LN", "CN-JL", "CN-HL")


@functools.cache
def _enable_offline() -> None:
    """Make JupyterChart load Vega from the kernel (vl-convert's bundle), never from a CDN."""
    alt.JupyterChart.enable_offline()


def live_chart(chart: alt.TopLevelMixin, css_class: str | None = None) -> alt.JupyterChart:
    """Wrap a chart for display: offline, drawn as SVG, no export menu.

    SVG (rather than canvas) keeps the marks in the page's DOM, where screen readers and the
    browser tests can reach them.
    """
    _enable_offline()
    widget = alt.JupyterChart(chart, embed_options={"renderer": "svg", "actions": False})
    if css_class:
        widget.add_class(css_class)
    return widget


def intensity_ranking(panel: pd.DataFrame, year: int) -> alt.Chart:
    """R&D intensity of the 31 provinces in one year, the Northeast highlighted.

    Parameters
    ----------
    panel
        Tidy rows with ``region``, ``region_en``, ``year``, ``value`` (percent of GDP),
        ``grade`` and ``source`` for indicator ``rd_intensity``; the national row has region
        ``CN``.
    year
        The year shown first. It is the chart parameter ``year``: setting
        ``JupyterChart.params.year`` redraws the chart in the browser without re-sending data.
    """
    rows = panel.loc[:, ["region", "region_en", "year", "value", "grade"]].copy()
    rows["group"] = "Other provinces"
    rows.loc[rows["region"].isin(NORTHEAST_CODES), "group"] = "Northeast (LN, JL, HL)"
    national = rows[rows["region"] == "CN"]
    provinces = rows[rows["region"] != "CN"]
    year_param = alt.param(name="year", value=int(year))
    base = alt.Chart(provinces).transform_filter(alt.datum.year == year_param)
    bars = base.mark_bar().encode(
        y=alt.Y("region_en:N", sort="-x", title=None, axis=alt.Axis(labelLimit=120)),
        x=alt.X("value:Q", title="R&D expenditure as % of GDP"),
        color=alt.Color(
            "group:N",
            scale=alt.Scale(
                domain=["Northeast (LN, JL, HL)", "Other provinces"],
                range=[OKABE_ITO["vermillion"], OKABE_ITO["grey"]],
            ),
            legend=alt.Legend(title=None, orient="bottom-right"),
        ),
        tooltip=[
            alt.Tooltip("region_en:N", title="Province"),
            alt.Tooltip("year:O", title="Year"),
            alt.Tooltip("value:Q", title="R&D intensity (%)", format=".2f"),
            alt.Tooltip("grade:N", title="Trust grade"),
        ],
    )
    national_rule = (
        alt.Chart(national)
        .transform_filter(alt.datum.year == year_param)
        .mark_rule(color=OKABE_ITO["black"], strokeDash=[6, 4], size=2)
        .encode(
            x="value:Q",
            tooltip=[alt.Tooltip("value:Q", title="National (%)", format=".2f")],
        )
    )
    title = alt.Title(
        text=alt.expr(f"'R&D intensity by province, ' + {year_param.name}"),
        subtitle="Provinces, highest first. Dashed line: national value.",
        anchor="start",
    )
    return (
        alt.layer(bars, national_rule)
        .add_params(year_param)
        .properties(title=title, width=560, height=alt.Step(15))
    )


def ranking_caption(panel: pd.DataFrame, year: int) -> str:
    """Caption and text alternative of :func:`intensity_ranking` for one year (HTML).

    Names the source, the vintage and the trust grade of the rows shown, and says in one
    sentence where the three Northeast provinces stand, for readers who cannot see the chart.
    """
    rows = panel[panel["year"] == year]
    if rows.empty:
        raise ValueError(f"no R&D intensity data for {year}")
    provinces = rows[rows["region"] != "CN"].sort_values("value", ascending=False)
    provinces = provinces.assign(rank=range(1, len(provinces) + 1))
    national = rows.loc[rows["region"] == "CN", "value"]
    parts = [
        f"{r.region_en} ranks {r.rank} of {len(provinces)} at {r.value:.2f}%"
        for r in provinces.itertuples()
        if r.region in NORTHEAST_CODES
    ]
    summary = f"In {year}, " + "; ".join(parts)
    if not national.empty:
        summary += f". The national value is {national.iloc[0]:.2f}%."
    grades = ", ".join(sorted(rows["grade"].unique()))
    sources = "; ".join(sorted(rows["source"].unique()))
    return (
        f'<p class="nqp-caption-summary">{html.escape(summary)}</p>'
        f'<p class="nqp-caption-source" style="font-size:90%;color:#444">'
        f"Source: {html.escape(sources)}. Trust grade {html.escape(grades)} "
        "(A = official table; C = secondary transcription, check before citing). "
        "Intensities are as first published, on preliminary GDP, and are not revised.</p>"
    )
