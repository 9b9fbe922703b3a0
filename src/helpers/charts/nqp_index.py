"""Charts of the NQP index page: the ranking, the weights, ranks over time, rank robustness.

Each builder takes a result of :mod:`helpers.nqp_index` (tidy DataFrames inside) and a language,
and returns an ``alt.Chart``; captions and reader's tables (the text alternatives) sit next to
their chart. Nothing here computes the index: the numbers are the library's.

The page shows them as two live charts, each a vertical concatenation:
:func:`ranking_figure` (the ranking, then the weights behind it) and :func:`northeast_figure`
(the Northeast's ranks over time, then across methods). Every live
:class:`altair.JupyterChart` ships the whole offline Vega bundle (about 0.9 MB of JavaScript) to
the browser and must start within anywidget's two-second limit; with four on this page, one
stayed blank on a busy machine. Two keep the page safe without drawing charts in the kernel.

The three Northeast provinces carry the Okabe–Ito vermillion **and** a text marker
(:data:`NE_MARKER`), so they stand out without colour too. This page draws no map.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from helpers import nqp_index as ni
from helpers import text
from helpers.charts import OKABE_ITO, region_name_column, source_caption, years_label
from helpers.data.regions import PROVINCE_CODES, REGION_EN, REGION_ZH
from helpers.nqp_index.published import PUBLISHED

#: Text marker of the Northeast provinces in labels and tables (colour is never the only cue).
NE_MARKER = "◆"
#: Colour of each weighting in the robustness chart (Okabe–Ito).
WEIGHTING_COLOURS = {
    "entropy": OKABE_ITO["orange"],
    "critic": OKABE_ITO["sky_blue"],
    "equal": OKABE_ITO["green"],
    "equal_by_dimension": OKABE_ITO["blue"],
    "user": OKABE_ITO["purple"],
}
#: Shape of each aggregation in the robustness chart.
AGGREGATION_SHAPES = {"weighted_sum": "circle", "topsis": "square"}
#: Colour of each dimension in the weights chart (Okabe–Ito).
DIMENSION_COLOURS = {
    "labourers": OKABE_ITO["blue"],
    "means": OKABE_ITO["orange"],
    "objects": OKABE_ITO["green"],
    "technology": OKABE_ITO["purple"],
    "organisation": OKABE_ITO["sky_blue"],
}
#: Colour and shape of each Northeast province in the rank-over-time chart.
PROVINCE_STYLES = {
    "CN-LN": (OKABE_ITO["vermillion"], "circle"),
    "CN-JL": (OKABE_ITO["blue"], "square"),
    "CN-HL": (OKABE_ITO["green"], "triangle-up"),
}
#: Height of one province's row in the robustness chart (pixels), and how far (in rows) its
#: weighted-sum and TOPSIS dots sit above and below the row's line.
ROW_HEIGHT = 56
ROW_OFFSET = 0.2
#: Small vertical step between weightings, so that equal ranks do not hide one another.
WEIGHTING_STAGGER = 0.05
#: Pixels between the two charts of a figure.
FIGURE_SPACING = 36
#: Width of the charts in pixels (the page column of Voilà's lab template).
WIDTH = 680


# --------------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------------


def _lang(lang: str | None) -> str:
    return lang or text.get_language()


def _zh(lang: str) -> bool:
    return lang == "zh"


def weighting_label(weighting: str, lang: str | None = None) -> str:
    """Name of a weighting (``"entropy"`` → ``"Entropy weights"`` / ``"熵值法权重"``)."""
    return ni.WEIGHTINGS[weighting][1 if _zh(_lang(lang)) else 0]


def weighting_description(weighting: str, lang: str | None = None) -> str:
    """One sentence saying what a weighting rewards."""
    return ni.WEIGHTINGS[weighting][3 if _zh(_lang(lang)) else 2]


def aggregation_label(aggregation: str, lang: str | None = None) -> str:
    """Name of an aggregation (``"topsis"`` → ``"TOPSIS"`` / ``"TOPSIS法"``)."""
    return ni.AGGREGATIONS[aggregation][1 if _zh(_lang(lang)) else 0]


def aggregation_description(aggregation: str, lang: str | None = None) -> str:
    """One sentence saying how an aggregation turns weighted values into a score."""
    return ni.AGGREGATIONS[aggregation][3 if _zh(_lang(lang)) else 2]


def treatment_label(treatment: str, lang: str | None = None) -> str:
    """Name of a treatment of swings (``"smooth"`` → ``"Smooth them"`` / ``"平滑"``)."""
    return ni.TREATMENTS[treatment][1 if _zh(_lang(lang)) else 0]


def treatment_description(treatment: str, lang: str | None = None) -> str:
    """One sentence saying what a treatment of swings does."""
    return ni.TREATMENTS[treatment][3 if _zh(_lang(lang)) else 2]


def method_label(weighting: str, aggregation: str, lang: str | None = None) -> str:
    """``"Entropy weights · Weighted sum"``."""
    lang = _lang(lang)
    return text.t(
        "index.method",
        lang,
        weighting=weighting_label(weighting, lang),
        aggregation=aggregation_label(aggregation, lang),
    )


def indicator_name(indicator: str, lang: str | None = None) -> str:
    """An indicator's catalogue name in ``lang``."""
    ind = ni.CATALOGUE_BY_ID[indicator]
    return ind.name_zh if _zh(_lang(lang)) else ind.name_en


def indicator_unit(indicator: str, lang: str | None = None) -> str:
    """An indicator's unit in ``lang``."""
    ind = ni.CATALOGUE_BY_ID[indicator]
    return ind.unit_zh if _zh(_lang(lang)) else ind.unit_en


def dimension_name(dimension: str, lang: str | None = None) -> str:
    """A dimension's name in ``lang`` (``"labourers"`` → ``"New-quality labourers"``)."""
    return ni.DIMENSIONS[dimension][1 if _zh(_lang(lang)) else 0]


def marked_name(name: str, is_northeast: bool) -> str:
    """A province name with the Northeast marker when it is one of the three."""
    return f"{name} {NE_MARKER}" if is_northeast else name


def _figure(views: list, independent: tuple[str, ...], description: str) -> alt.VConcatChart:
    """Views stacked into one chart with their own scales and legends, type sizes readable on
    a projector (Vega's defaults are 10–11 px) and a description for screen readers.

    Built in one constructor call: Altair deep-copies a chart on every ``.properties()``,
    ``.resolve_*()`` and ``.configure_*()``, and chaining them cost half a second per update.
    """
    channels = dict.fromkeys(independent, "independent")
    return alt.VConcatChart(
        vconcat=views,
        spacing=FIGURE_SPACING,
        resolve=alt.Resolve(
            scale=alt.ScaleResolveMap(x="independent", y="independent", **channels),
            legend=alt.LegendResolveMap(**channels),
        ),
        config=alt.Config(
            axis=alt.AxisConfig(labelFontSize=12, titleFontSize=12),
            legend=alt.LegendConfig(labelFontSize=12, titleFontSize=12),
            title=alt.TitleConfig(fontSize=16, subtitleFontSize=12, subtitleColor="#333"),
        ),
        description=description,
    )


def _join(items: Sequence[str], lang: str) -> str:
    return text.t("index.joiner", lang).join(items)


# --------------------------------------------------------------------------------------------
# Provenance
# --------------------------------------------------------------------------------------------


def source_sentences(indicators: Sequence[str], lang: str | None = None) -> list[str]:
    """The catalogue's source statements of ``indicators``, split into sentences, deduplicated.

    Indicators computed relative to GDP share one GDP sentence; it is listed once.
    """
    lang = _lang(lang)
    seen: list[str] = []
    for indicator in indicators:
        ind = ni.CATALOGUE_BY_ID[indicator]
        if _zh(lang):
            parts = [p for p in ind.sources_zh.split("。") if p.strip()]
        else:
            parts = re.split(r"(?<=\.)\s+(?=[A-Z])", ind.sources_en)
        for part in parts:
            sentence = part.strip().rstrip(".").strip()
            if sentence and sentence not in seen:
                seen.append(sentence)
    return seen


def provenance_rows(
    panel: pd.DataFrame, indicators: Sequence[str], years: Sequence[int], lang: str | None = None
) -> pd.DataFrame:
    """Rows for :func:`helpers.charts.source_caption`: the sources, years and grades behind a view.

    ``grade`` and ``year`` are those of the panel inputs of ``indicators`` for the 31 provinces
    in ``years``; ``source`` is each indicator's catalogue statement (one row per sentence).
    """
    lang = _lang(lang)
    inputs = sorted({name for i in indicators for name in ni.CATALOGUE_BY_ID[i].inputs})
    mask = (
        panel["indicator"].isin(inputs)
        & panel["region"].isin(PROVINCE_CODES)
        & panel["year"].isin(list(years))
    )
    used = panel.loc[mask, ["year", "grade"]].drop_duplicates()
    sources = pd.DataFrame({"source": source_sentences(indicators, lang)})
    return used.merge(sources, how="cross")


def same_sources_caption(
    panel: pd.DataFrame, indicators: Sequence[str], years: Sequence[int], lang: str | None = None
) -> str:
    """Short provenance for the charts below the ranking: years and grades, sources by reference.

    The full source list is in the ranking's caption and in the catalogue; repeating it under
    every chart would bury the charts. Years and trust grades are those of the data shown.
    """
    lang = _lang(lang)
    rows = provenance_rows(panel, indicators, years, lang)
    grades = ", ".join(sorted(rows["grade"].dropna().unique()))
    sentence = text.t(
        "index.caption.same_sources",
        lang,
        years=years_label(rows["year"]) if not rows.empty else "",
        grades=grades,
    )
    return (
        '<p class="nqp-caption-source" style="font-size:90%;color:#444">'
        f"{html.escape(sentence)}</p>"
    )


def computed_note(lang: str | None = None) -> str:
    """Sentence saying that NQP Lab computes the index and where the definitions are."""
    return text.t("index.caption.computed", _lang(lang))


# --------------------------------------------------------------------------------------------
# Ranking of the 31 provinces
# --------------------------------------------------------------------------------------------


def ranking_rows(result: ni.IndexResult, lang: str | None = None) -> pd.DataFrame:
    """The ranking with display columns: ``name``, ``label`` (rank, name, marker), ``group``."""
    lang = _lang(lang)
    rows = result.ranking.copy()
    rows["name"] = rows[region_name_column(lang)]
    rows["label"] = [
        f"{rank}. {marked_name(name, ne)}"
        for rank, name, ne in zip(rows["rank"], rows["name"], rows["is_northeast"], strict=True)
    ]
    rows["group"] = np.where(
        rows["is_northeast"],
        text.t("index.group.northeast", lang, marker=NE_MARKER),
        text.t("index.group.other", lang),
    )
    return rows


def ranking_summary(result: ni.IndexResult, lang: str | None = None) -> str:
    """One sentence: where the three Northeast provinces rank, of how many, and who is first."""
    lang = _lang(lang)
    rows = ranking_rows(result, lang)
    ne = rows[rows["is_northeast"]].set_index("region")
    items = [
        text.t("index.rank_item", lang, province=ne.at[code, "name"], rank=int(ne.at[code, "rank"]))
        for code in ni.NORTHEAST
        if code in ne.index
    ]
    first = rows.loc[rows["rank"] == rows["rank"].min(), "name"]
    return text.t(
        "index.summary",
        lang,
        year=result.year,
        method=method_label(result.weighting, result.aggregation, lang),
        items=_join(items, lang),
        count=result.n_provinces,
        first=_join(list(first), lang),
    )


def ranking_chart(result: ni.IndexResult, lang: str | None = None) -> alt.LayerChart:
    """Index scores of the provinces in one year, best first, the Northeast marked.

    Parameters
    ----------
    result
        From :func:`helpers.nqp_index.build_index`.
    lang
        Language of titles, labels and tooltips (default: the page's).
    """
    lang = _lang(lang)
    rows = ranking_rows(result, lang)
    northeast = text.t("index.group.northeast", lang, marker=NE_MARKER)
    other = text.t("index.group.other", lang)
    y = alt.Y(
        "label:N",
        sort=list(rows.sort_values(["rank", "label"])["label"]),
        title=None,
        axis=alt.Axis(labelLimit=200),
    )
    tooltip = [
        alt.Tooltip("name:N", title=text.t("index.tooltip.province", lang)),
        alt.Tooltip("rank:Q", title=text.t("index.tooltip.rank", lang)),
        alt.Tooltip("score:Q", title=text.t("index.tooltip.score", lang), format=".3f"),
    ]
    bars = (
        alt.Chart(rows)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X(
                "score:Q",
                scale=alt.Scale(domain=[0, 1]),
                title=text.t("index.ranking.axis", lang),
            ),
            color=alt.Color(
                "group:N",
                scale=alt.Scale(
                    domain=[northeast, other], range=[OKABE_ITO["vermillion"], OKABE_ITO["grey"]]
                ),
                legend=alt.Legend(title=None, orient="bottom", labelLimit=400),
            ),
            tooltip=tooltip,
        )
    )
    values = (
        alt.Chart(rows)
        .mark_text(align="left", dx=3, fontSize=10, color=OKABE_ITO["black"])
        .encode(y=y, x="score:Q", text=alt.Text("score:Q", format=".3f"), tooltip=tooltip)
    )
    title = alt.Title(
        text=text.t("index.ranking.title", lang, year=result.year),
        subtitle=[
            method_label(result.weighting, result.aggregation, lang),
            text.t("index.ranking.subtitle", lang, marker=NE_MARKER),
        ],
        anchor="start",
    )
    return alt.LayerChart(
        layer=[bars, values],
        title=title,
        width=WIDTH - 200,
        height=alt.Step(15),
        description=ranking_summary(result, lang),
    )


def ranking_table(result: ni.IndexResult, lang: str | None = None) -> pd.DataFrame:
    """The ranking as a reader's table: rank, province (marked), score, raw values, worst grade."""
    lang = _lang(lang)
    rows = ranking_rows(result, lang).set_index("region")
    table = pd.DataFrame(
        {
            text.t("index.table.rank", lang): rows["rank"],
            text.t("table.col.region", lang): [
                marked_name(n, ne) for n, ne in zip(rows["name"], rows["is_northeast"], strict=True)
            ],
            text.t("index.table.score", lang): rows["score"].round(3),
        }
    )
    for indicator in result.indicators:
        header = f"{indicator_name(indicator, lang)} ({indicator_unit(indicator, lang)})"
        table[header] = result.raw.loc[rows.index, indicator].round(3).to_numpy()
    worst = result.grades.loc[rows.index].apply(lambda r: max(r.dropna(), default=None), axis=1)
    table[text.t("table.col.grade", lang)] = worst.to_numpy()
    return table.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Weights
# --------------------------------------------------------------------------------------------


def weights_rows(result: ni.IndexResult, lang: str | None = None) -> pd.DataFrame:
    """Weights with display columns: ``name``, ``dimension_name``, ``percent``."""
    lang = _lang(lang)
    rows = result.weights.copy()
    rows["name"] = [indicator_name(i, lang) for i in rows["indicator"]]
    rows["dimension_name"] = [dimension_name(d, lang) for d in rows["dimension"]]
    rows["percent"] = 100 * rows["weight"]
    return rows


def weights_chart(result: ni.IndexResult, lang: str | None = None) -> alt.LayerChart:
    """Each indicator's weight (% of the index), largest first; dashed line = an equal share."""
    lang = _lang(lang)
    rows = weights_rows(result, lang)
    dims = [d for d in DIMENSION_COLOURS if d in set(rows["dimension"])]
    order = list(rows.sort_values(["weight", "name"], ascending=[False, True])["name"])
    y = alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelLimit=300))
    tooltip = [
        alt.Tooltip("name:N", title=text.t("index.tooltip.indicator", lang)),
        alt.Tooltip("dimension_name:N", title=text.t("index.tooltip.dimension", lang)),
        alt.Tooltip("percent:Q", title=text.t("index.tooltip.weight", lang), format=".1f"),
    ]
    top = max(float(rows["percent"].max()), 100 / len(rows)) * 1.15
    bars = (
        alt.Chart(rows)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X(
                "percent:Q",
                title=text.t("index.weights.axis", lang),
                scale=alt.Scale(domain=[0, top]),
            ),
            color=alt.Color(
                "dimension_name:N",
                scale=alt.Scale(
                    domain=[dimension_name(d, lang) for d in dims],
                    range=[DIMENSION_COLOURS[d] for d in dims],
                ),
                legend=alt.Legend(
                    title=text.t("index.tooltip.dimension", lang),
                    orient="bottom",
                    direction="vertical",
                    labelLimit=400,
                ),
            ),
            tooltip=tooltip,
        )
    )
    labels = (
        alt.Chart(rows)
        .transform_calculate(label="format(datum.percent, '.1f') + '%'")
        .mark_text(align="left", dx=3, fontSize=11, color=OKABE_ITO["black"])
        .encode(y=y, x="percent:Q", text="label:N", tooltip=tooltip)
    )
    equal = (
        alt.Chart(pd.DataFrame({"equal": [100 / len(rows)]}))
        .mark_rule(color=OKABE_ITO["black"], strokeDash=[4, 4])
        .encode(
            x="equal:Q",
            tooltip=[
                alt.Tooltip("equal:Q", title=text.t("index.tooltip.equal", lang), format=".1f")
            ],
        )
    )
    title = alt.Title(
        text=text.t("index.weights.title", lang),
        subtitle=[
            method_label(result.weighting, result.aggregation, lang),
            text.t("index.weights.subtitle", lang),
        ],
        anchor="start",
    )
    return alt.LayerChart(
        layer=[bars, equal, labels],
        title=title,
        width=WIDTH - 380,
        height=alt.Step(22),
        description=weights_summary(result, lang),
    )


def weights_summary(result: ni.IndexResult, lang: str | None = None) -> str:
    """One sentence: the method, the heaviest and the lightest indicator, with their weights."""
    lang = _lang(lang)
    rows = weights_rows(result, lang).sort_values("weight", ascending=False)
    top, bottom = rows.iloc[0], rows.iloc[-1]
    if top["weight"] - bottom["weight"] < 1e-9:
        return text.t(
            "index.weights.summary_equal",
            lang,
            method=weighting_label(result.weighting, lang),
            year=result.year,
            share=text.percent(top["percent"], 1, lang),
        )
    return text.t(
        "index.weights.summary",
        lang,
        method=weighting_label(result.weighting, lang),
        year=result.year,
        top=top["name"],
        top_share=text.percent(top["percent"], 1, lang),
        bottom=bottom["name"],
        bottom_share=text.percent(bottom["percent"], 1, lang),
    )


def weights_caption(result: ni.IndexResult, lang: str | None = None) -> str:
    """Caption of :func:`weights_chart` (HTML): the summary, what the method rewards, provenance.

    User weights are labelled as judgement.
    """
    lang = _lang(lang)
    parts = [weights_summary(result, lang), weighting_description(result.weighting, lang)]
    if result.weighting == "user":
        parts.append(text.t("index.weights.judgement", lang))
    parts.append(text.t("index.weights.provenance", lang, year=result.year))
    return f'<p class="nqp-caption-summary">{html.escape(text.sentences(parts, lang))}</p>'


def weights_table(result: ni.IndexResult, lang: str | None = None) -> pd.DataFrame:
    """Weights as a reader's table: indicator, dimension, direction, weight in %."""
    lang = _lang(lang)
    rows = weights_rows(result, lang)
    return pd.DataFrame(
        {
            text.t("table.col.indicator", lang): rows["name"],
            text.t("index.tooltip.dimension", lang): rows["dimension_name"],
            text.t("index.table.direction", lang): [
                text.t("index.direction.benefit" if d > 0 else "index.direction.cost", lang)
                for d in rows["direction"]
            ],
            text.t("index.tooltip.weight", lang): rows["percent"].round(1),
        }
    )


# --------------------------------------------------------------------------------------------
# Ranks over time
# --------------------------------------------------------------------------------------------


def history_rows(history: ni.RankHistory, lang: str | None = None) -> pd.DataFrame:
    """Rank-history rows with ``name`` and ``segment`` (a new line after every skipped year)."""
    lang = _lang(lang)
    rows = history.table.copy()
    rows["name"] = rows[region_name_column(lang)]
    skipped = np.sort(history.skipped["year"].to_numpy(dtype=int))
    rows["segment"] = np.searchsorted(skipped, rows["year"].to_numpy(dtype=int))
    return rows


def history_chart(
    history: ni.RankHistory, weighting: str, aggregation: str, lang: str | None = None
) -> alt.LayerChart:
    """Rank of Liaoning, Jilin and Heilongjiang year by year (1 at the top).

    Years without an index (a gap in a chosen indicator) are grey bands, and the lines break
    there: a gap is never bridged. ``weighting`` and ``aggregation`` name the method in the
    subtitle.
    """
    lang = _lang(lang)
    rows = history_rows(history, lang)
    skipped = history.skipped.assign(
        start=history.skipped["year"] - 0.5,
        end=history.skipped["year"] + 0.5,
        reason=history.skipped["reason_zh" if _zh(lang) else "reason_en"],
    )
    all_years = [*rows["year"], *skipped["year"]]
    first, last = (min(all_years), max(all_years)) if all_years else (0, 1)
    n = int(rows["n_provinces"].max()) if not rows.empty else len(PROVINCE_CODES)
    present = [c for c in PROVINCE_STYLES if c in set(rows["region"])]
    names = rows.drop_duplicates("region").set_index("region")["name"]
    colour = alt.Color(
        "name:N",
        scale=alt.Scale(
            domain=[names[c] for c in present], range=[PROVINCE_STYLES[c][0] for c in present]
        ),
        legend=alt.Legend(title=None, orient="bottom"),
    )
    shape = alt.Shape(
        "name:N",
        scale=alt.Scale(
            domain=[names[c] for c in present], range=[PROVINCE_STYLES[c][1] for c in present]
        ),
        legend=alt.Legend(title=None, orient="bottom"),
    )
    x = alt.X(
        "year:Q",
        title=text.t("index.tooltip.year", lang),
        scale=alt.Scale(domain=[first - 0.5, last + 0.5], nice=False),
        axis=alt.Axis(format="d", tickMinStep=1, values=list(range(first, last + 1))),
    )
    y = alt.Y(
        "rank:Q",
        title=text.t("index.axis.rank", lang),
        scale=alt.Scale(domain=[1, n], reverse=True, nice=False),
        axis=alt.Axis(values=sorted({1, *range(5, n + 1, 5), n})),
    )
    tooltip = [
        alt.Tooltip("name:N", title=text.t("index.tooltip.province", lang)),
        alt.Tooltip("year:Q", title=text.t("index.tooltip.year", lang), format="d"),
        alt.Tooltip("rank:Q", title=text.t("index.tooltip.rank", lang)),
        alt.Tooltip("n_provinces:Q", title=text.t("index.tooltip.of", lang)),
    ]
    bands = (
        alt.Chart(skipped)
        .mark_rect(color=OKABE_ITO["grey"], opacity=0.2)
        .encode(
            x=alt.X("start:Q", scale=alt.Scale(domain=[first - 0.5, last + 0.5], nice=False)),
            x2="end:Q",
            tooltip=[
                alt.Tooltip("year:Q", title=text.t("index.tooltip.year", lang), format="d"),
                alt.Tooltip("reason:N", title=text.t("index.tooltip.no_index", lang)),
            ],
        )
    )
    lines = (
        alt.Chart(rows)
        .mark_line(strokeWidth=2)
        .encode(x=x, y=y, color=colour, detail="segment:N", tooltip=tooltip)
    )
    points = (
        alt.Chart(rows)
        .mark_point(filled=True, size=70, opacity=1)
        .encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip)
    )
    title = alt.Title(
        text=text.t("index.history.title", lang),
        subtitle=[
            method_label(weighting, aggregation, lang),
            text.t("index.history.subtitle", lang, count=n),
        ],
        anchor="start",
    )
    return alt.LayerChart(
        layer=[bands, lines, points],
        title=title,
        width=WIDTH - 60,
        height=260,
        description=history_summary(history, lang),
    )


def history_summary(history: ni.RankHistory, lang: str | None = None) -> str:
    """Sentences: each province's first and last rank, then the years without an index."""
    lang = _lang(lang)
    rows = history_rows(history, lang)
    parts = []
    if rows.empty:
        parts.append(text.t("index.history.empty", lang))
    else:
        items = []
        for code in ni.NORTHEAST:
            own = rows[rows["region"] == code].sort_values("year")
            if own.empty:
                continue
            start, end = own.iloc[0], own.iloc[-1]
            items.append(
                text.t(
                    "index.history.item",
                    lang,
                    province=start["name"],
                    first_rank=int(start["rank"]),
                    first_year=int(start["year"]),
                    last_rank=int(end["rank"]),
                    last_year=int(end["year"]),
                )
            )
        parts.append(text.t("index.history.sentence", lang, items=_join(items, lang)))
    parts.append(skipped_sentence(history, lang))
    return text.sentences(parts, lang)


def skipped_sentence(history: ni.RankHistory, lang: str | None = None) -> str:
    """``"No index for 2012–2017: …"`` or an empty string when no year was skipped."""
    lang = _lang(lang)
    skipped = history.skipped
    if skipped.empty:
        return ""
    return text.t(
        "index.history.skipped",
        lang,
        years=ni.year_ranges([int(y) for y in skipped["year"]]),
    )


def skipped_reasons(history: ni.RankHistory, lang: str | None = None) -> list[str]:
    """Why each skipped year has no index, in ``lang``, each starting with its year."""
    lang = _lang(lang)
    column = "reason_zh" if _zh(lang) else "reason_en"
    reasons = []
    for year, reason in zip(history.skipped["year"], history.skipped[column], strict=True):
        reason = str(reason)
        prefix = text.t("index.history.year_prefix", lang, year=int(year))
        reasons.append(reason if reason.startswith(str(int(year))) else prefix + reason)
    return reasons


def history_caption(history: ni.RankHistory, lang: str | None = None) -> str:
    """The history's summary and, collapsible, why each skipped year has no index (HTML)."""
    lang = _lang(lang)
    body = f'<p class="nqp-caption-summary">{html.escape(history_summary(history, lang))}</p>'
    if not history.skipped.empty:
        items = "".join(
            f"<li>{html.escape(reason)}</li>" for reason in skipped_reasons(history, lang)
        )
        body += (
            '<details class="nqp-index-skipped"><summary>'
            + html.escape(text.t("index.history.why_skipped", lang))
            + f"</summary><ul>{items}</ul></details>"
        )
    return body


def history_table(history: ni.RankHistory, lang: str | None = None) -> pd.DataFrame:
    """Rank history as a reader's table: year, province, rank, of how many."""
    lang = _lang(lang)
    rows = history_rows(history, lang).sort_values(["year", "rank"])
    return pd.DataFrame(
        {
            text.t("table.col.year", lang): rows["year"],
            text.t("table.col.region", lang): rows["name"],
            text.t("index.table.rank", lang): rows["rank"],
            text.t("index.tooltip.of", lang): rows["n_provinces"],
        }
    )


# --------------------------------------------------------------------------------------------
# Rank robustness
# --------------------------------------------------------------------------------------------


def robustness_rows(rob: ni.Robustness, lang: str | None = None) -> pd.DataFrame:
    """The Northeast's scenario rows with the names of province, weighting and aggregation."""
    lang = _lang(lang)
    rows = rob.table[rob.table["region"].isin(ni.NORTHEAST)].copy()
    rows["name"] = rows[region_name_column(lang)]
    rows["weighting_name"] = [weighting_label(w, lang) for w in rows["weighting"]]
    rows["aggregation_name"] = [aggregation_label(a, lang) for a in rows["aggregation"]]
    rows["left_out_name"] = [
        indicator_name(i, lang) if i else text.t("index.robustness.none_left_out", lang)
        for i in rows["left_out"]
    ]
    return rows


def robustness_chart(
    rob: ni.Robustness, current: tuple[str, str], lang: str | None = None
) -> alt.LayerChart:
    """Ranks of the three Northeast provinces under every method choice, one row each.

    A dot per scenario (colour = weighting, shape = aggregation), a bar from the best to the
    worst rank, a black tick at the median, and a ring around the page's current choice.

    ``current`` is the page's (weighting, aggregation). It is drawn from the data, not set as a
    chart parameter: Altair deep-copies the views of a concatenated chart whose layers carry
    parameters (measured: over a second per update), and a new method redraws this figure
    anyway, since the history above it changes with the method.
    """
    lang = _lang(lang)
    rows = robustness_rows(rob, lang)
    summary = rob.northeast.copy()
    summary["name"] = summary[region_name_column(lang)]
    order = list(summary["name"])
    n = len(PROVINCE_CODES)
    weightings = [w for w in WEIGHTING_COLOURS if w in set(rows["weighting"])]
    aggregations = [a for a in AGGREGATION_SHAPES if a in set(rows["aggregation"])]
    # One row per province on a numeric axis (0, 1, 2 from the top), labelled with its name;
    # weighted-sum dots sit just above the row's line and TOPSIS dots just below, each
    # weighting a little lower than the one before (x stays the exact rank).
    position = {name: k for k, name in enumerate(order)}
    summary["row"] = summary["name"].map(position)
    shift = {
        a: ROW_OFFSET * (2 * k / max(len(aggregations) - 1, 1) - 1)
        for k, a in enumerate(aggregations)
    }
    if len(aggregations) == 1:
        shift = dict.fromkeys(aggregations, 0.0)
    stagger = {
        w: WEIGHTING_STAGGER * (k - (len(weightings) - 1) / 2) for k, w in enumerate(weightings)
    }
    rows["row"] = (
        rows["name"].map(position) + rows["aggregation"].map(shift) + rows["weighting"].map(stagger)
    )
    y = alt.Y(
        "row:Q",
        title=None,
        scale=alt.Scale(domain=[-0.6, len(order) - 0.4], reverse=True, nice=False, zero=False),
        axis=alt.Axis(
            values=list(range(len(order))),
            labelExpr=f"{json.dumps(order, ensure_ascii=False)}[datum.value]",
            labelFontSize=12,
            grid=False,
            ticks=False,
            domain=False,
        ),
    )
    x_scale = alt.Scale(domain=[1, n], nice=False)
    x_axis = alt.Axis(values=sorted({1, *range(5, n + 1, 5), n}))
    rank_title = text.t("index.axis.rank", lang)
    tooltip = [
        alt.Tooltip("name:N", title=text.t("index.tooltip.province", lang)),
        alt.Tooltip("rank:Q", title=text.t("index.tooltip.rank", lang)),
        alt.Tooltip("weighting_name:N", title=text.t("index.widget.weighting", lang)),
        alt.Tooltip("aggregation_name:N", title=text.t("index.widget.aggregation", lang)),
        alt.Tooltip("left_out_name:N", title=text.t("index.tooltip.left_out", lang)),
    ]
    span = (
        alt.Chart(summary)
        .mark_rule(strokeWidth=14, opacity=0.25, color=OKABE_ITO["grey"], strokeCap="round")
        .encode(
            y=y,
            x=alt.X("rank_min:Q", scale=x_scale, axis=x_axis, title=rank_title),
            x2="rank_max:Q",
            tooltip=[
                alt.Tooltip("name:N", title=text.t("index.tooltip.province", lang)),
                alt.Tooltip("rank_min:Q", title=text.t("index.table.rank_min", lang)),
                alt.Tooltip("rank_median:Q", title=text.t("index.table.rank_median", lang)),
                alt.Tooltip("rank_max:Q", title=text.t("index.table.rank_max", lang)),
            ],
        )
    )
    median = (
        alt.Chart(summary)
        .mark_tick(color=OKABE_ITO["black"], thickness=3, size=34, orient="vertical")
        .encode(y=y, x=alt.X("rank_median:Q", scale=x_scale))
    )
    dots = (
        alt.Chart(rows)
        .mark_point(filled=True, size=70, opacity=0.75)
        .encode(
            y=y,
            x=alt.X("rank:Q", scale=x_scale),
            color=alt.Color(
                "weighting_name:N",
                scale=alt.Scale(
                    domain=[weighting_label(w, lang) for w in weightings],
                    range=[WEIGHTING_COLOURS[w] for w in weightings],
                ),
                legend=alt.Legend(
                    title=text.t("index.widget.weighting", lang), orient="bottom", columns=3
                ),
            ),
            shape=alt.Shape(
                "aggregation_name:N",
                scale=alt.Scale(
                    domain=[aggregation_label(a, lang) for a in aggregations],
                    range=[AGGREGATION_SHAPES[a] for a in aggregations],
                ),
                legend=alt.Legend(title=text.t("index.widget.aggregation", lang), orient="bottom"),
            ),
            tooltip=tooltip,
        )
    )
    current_rows = rows[
        (rows["weighting"] == current[0])
        & (rows["aggregation"] == current[1])
        & (rows["left_out"] == "")
    ]
    ring = (
        alt.Chart(current_rows)
        .mark_point(
            shape="circle", size=300, filled=False, strokeWidth=2.5, color=OKABE_ITO["black"]
        )
        .encode(y=y, x=alt.X("rank:Q", scale=x_scale), tooltip=tooltip)
    )
    scenarios = int(rob.summary["n_scenarios"].max())
    title = alt.Title(
        text=text.t("index.robustness.title", lang, year=rob.year),
        subtitle=[
            text.t("index.robustness.subtitle", lang, count=scenarios),
            text.t("index.robustness.subtitle2", lang),
        ],
        anchor="start",
    )
    return alt.LayerChart(
        layer=[span, median, dots, ring],
        title=title,
        width=WIDTH - 100,
        height=ROW_HEIGHT * len(order),
        description=robustness_summary(rob, lang),
    )


def robustness_summary(rob: ni.Robustness, lang: str | None = None) -> str:
    """One sentence: each Northeast province's best, median and worst rank across the grid."""
    lang = _lang(lang)
    ne = rob.northeast
    items = [
        text.t(
            "index.robustness.item",
            lang,
            province=row[region_name_column(lang)],
            best=int(row["rank_min"]),
            worst=int(row["rank_max"]),
            median=text.number(float(row["rank_median"]), 1 if row["rank_median"] % 1 else 0, lang),
        )
        for _, row in ne.iterrows()
    ]
    left_out = rob.table["left_out"].ne("").any()
    return text.t(
        "index.robustness.sentence_loo" if left_out else "index.robustness.sentence",
        lang,
        year=rob.year,
        count=int(rob.summary["n_scenarios"].max()),
        items=_join(items, lang),
    )


def robustness_table(rob: ni.Robustness, lang: str | None = None) -> pd.DataFrame:
    """Every province's best, median and worst rank across the grid, best median first."""
    lang = _lang(lang)
    s = rob.summary
    return pd.DataFrame(
        {
            text.t("table.col.region", lang): [
                marked_name(n, ne)
                for n, ne in zip(s[region_name_column(lang)], s["is_northeast"], strict=True)
            ],
            text.t("index.table.rank_min", lang): s["rank_min"],
            text.t("index.table.rank_median", lang): s["rank_median"],
            text.t("index.table.rank_max", lang): s["rank_max"],
            text.t("index.table.spread", lang): s["rank_spread"],
            text.t("index.table.scenarios", lang): s["n_scenarios"],
        }
    )


# --------------------------------------------------------------------------------------------
# The page's two figures
# --------------------------------------------------------------------------------------------


def ranking_figure(result: ni.IndexResult, lang: str | None = None) -> alt.VConcatChart:
    """The ranking of the provinces, and below it the weights that produced it (one chart)."""
    lang = _lang(lang)
    return _figure(
        [ranking_chart(result, lang), weights_chart(result, lang)],
        ("color",),
        text.sentences([ranking_summary(result, lang), weights_summary(result, lang)], lang),
    )


def ranking_figure_caption(
    result: ni.IndexResult, panel: pd.DataFrame, lang: str | None = None
) -> str:
    """Caption of :func:`ranking_figure` (HTML): where the Northeast ranks, what the weights
    are and reward, and the sources, years and grades of the data."""
    lang = _lang(lang)
    summary = html.escape(ranking_summary(result, lang))
    rows = provenance_rows(panel, result.indicators, [result.year], lang)
    return (
        f'<p class="nqp-caption-summary">{summary}</p>'
        + weights_caption(result, lang)
        + source_caption(rows, lang, note=computed_note(lang))
    )


def northeast_figure(
    history: ni.RankHistory,
    rob: ni.Robustness,
    method: tuple[str, str],
    lang: str | None = None,
) -> alt.VConcatChart:
    """The Northeast's ranks year by year, and below them their spread across methods.

    ``method`` is the page's (weighting, aggregation): it names the history's method and places
    the ring of the robustness chart.
    """
    lang = _lang(lang)
    return _figure(
        [history_chart(history, *method, lang), robustness_chart(rob, method, lang)],
        ("color", "shape"),
        text.sentences([history_summary(history, lang), robustness_summary(rob, lang)], lang),
    )


def northeast_figure_caption(
    history: ni.RankHistory,
    rob: ni.Robustness,
    panel: pd.DataFrame,
    lang: str | None = None,
) -> str:
    """Caption of :func:`northeast_figure` (HTML): ranks over time with the years that have no
    index and why, the spread across methods, and the years and grades of the data."""
    lang = _lang(lang)
    years = sorted({int(y) for y in history.table["year"]} | {rob.year})
    summary = text.sentences(
        [robustness_summary(rob, lang), text.t("index.robustness.not_probability", lang)], lang
    )
    return (
        history_caption(history, lang)
        + f'<p class="nqp-caption-summary">{html.escape(summary)}</p>'
        + same_sources_caption(panel, rob.indicators, years, lang)
    )


def extra_table_html(table: pd.DataFrame, summary: str) -> str:
    """A second reader's table under a figure, in its own collapsible section."""
    body = table.to_html(index=False, border=0, classes="nqp-data-table", na_rep="—")
    return (
        f'<details class="nqp-data-details"><summary>{html.escape(summary)}</summary>'
        f"{body}</details>"
    )


__all__ = [
    "NE_MARKER",
    "aggregation_label",
    "extra_table_html",
    "history_caption",
    "history_chart",
    "history_table",
    "method_label",
    "northeast_figure",
    "northeast_figure_caption",
    "provenance_rows",
    "ranking_chart",
    "ranking_figure",
    "ranking_figure_caption",
    "ranking_summary",
    "ranking_table",
    "robustness_chart",
    "robustness_table",
    "source_sentences",
    "weighting_label",
    "weights_caption",
    "weights_chart",
    "weights_table",
]


# --------------------------------------------------------------------------------------------
# Swings and denominators (HTML tables beside the charts)
# --------------------------------------------------------------------------------------------


def _html_table(table: pd.DataFrame, css: str) -> str:
    return table.to_html(index=False, border=0, classes=f"nqp-data-table {css}", na_rep="—")


def _significant(value: float, lang: str, digits: int = 3) -> str:
    """``value`` to about ``digits`` significant digits, in the language's number format."""
    if not np.isfinite(value) or value == 0:
        return text.number(value, 0, lang)
    decimals = max(0, digits - 1 - int(np.floor(np.log10(abs(value)))))
    return text.number(value, min(decimals, 6), lang)


#: What each treatment did, as a string-table key.
_TREATMENT_DONE = {
    "flag": "index.swings.done.flag",
    "smooth": "index.swings.done.smooth",
    "exclude": "index.swings.done.exclude",
}
#: Row label of each denominator variant.
_VARIANT_LABEL = {
    "chosen": "index.denominators.chosen",
    "per_capita": "index.denominators.per_capita",
    "per_gdp": "index.denominators.per_gdp",
}
#: Column headings of the published-findings table.
_PUBLISHED_COLUMNS = (
    "index.published.col.source",
    "index.published.col.finding",
    "index.published.col.year",
    "index.published.col.ours",
    "index.published.col.verdict",
)


def swings_html(result: ni.IndexResult, lang: str | None = None) -> str:
    """The province-years of the chosen indicators that swung by the flag factor, as a table."""
    lang = _lang(lang)
    factor = f"{ni.SWING_FACTOR:g}"
    heading = text.t("index.swings.title", lang, factor=factor, year=result.year)
    rows = result.swings
    if rows.empty:
        body = f"<p>{html.escape(text.t('index.swings.none', lang, factor=factor))}</p>"
    else:
        zh = _zh(lang)
        table = pd.DataFrame(
            {
                text.t("index.tooltip.province", lang): rows["region_zh" if zh else "region_en"],
                text.t("index.tooltip.indicator", lang): [
                    indicator_name(i, lang) for i in rows["indicator"]
                ],
                text.t("index.swings.previous", lang): [
                    f"{_significant(v, lang)} ({y})"
                    for v, y in zip(rows["previous_value"], rows["previous_year"], strict=True)
                ],
                text.t("index.swings.value", lang, year=result.year): [
                    _significant(v, lang) for v in rows["value"]
                ],
                text.t("index.swings.ratio", lang): [
                    text.number(r, 2, lang) + "×" for r in rows["ratio"]
                ],
            }
        )
        body = _html_table(table, "nqp-index-swings-table")
    what = text.t(_TREATMENT_DONE[result.treatment], lang)
    return (
        '<div class="nqp-index-swings-box" role="region" '
        f'aria-label="{html.escape(heading)}" style="margin:6px 0">'
        f"<b>{html.escape(heading)}</b> <span>{html.escape(what)}</span>{body}</div>"
    )


def denominators_html(check: ni.DenominatorCheck, lang: str | None = None) -> str:
    """Ranks with the chosen denominators and with every indicator per resident or per GDP."""
    lang = _lang(lang)
    zh = _zh(lang)
    names = REGION_ZH if zh else REGION_EN
    northeast = check.northeast()
    rows = []
    for row in check.variants.itertuples(index=False):
        if row.switched:
            switched = text.t("index.joiner", lang).join(
                f"{indicator_name(a, lang)} → {indicator_name(b, lang)}" for a, b in row.switched
            )
        elif row.variant == "chosen":
            switched = "—"
        else:
            switched = text.t("index.denominators.nothing", lang)
        if row.n_provinces == 0:
            top = text.t("index.denominators.gap", lang)
            rho = "—"
            ne = ["—"] * len(ni.NORTHEAST)
        else:
            top = text.t("index.joiner", lang).join(names[c] for c in row.top)
            rho = text.number(row.spearman, 2, lang)
            ne = [
                "—"
                if pd.isna(northeast.at[row.variant, c])
                else str(int(northeast.at[row.variant, c]))
                for c in ni.NORTHEAST
            ]
        rows.append([text.t(_VARIANT_LABEL[row.variant], lang), switched, rho, top, *ne])
    columns = [
        text.t("index.denominators.col.variant", lang),
        text.t("index.denominators.col.switched", lang),
        text.t("index.denominators.col.spearman", lang),
        text.t("index.denominators.col.top", lang),
        *[names[c] for c in ni.NORTHEAST],
    ]
    table = _html_table(pd.DataFrame(rows, columns=columns), "nqp-index-denominators-table")
    heading = text.t("index.denominators.title", lang, year=check.year)
    note = text.t("index.denominators.note", lang)
    return (
        '<div class="nqp-index-denominators-box" role="region" '
        f'aria-label="{html.escape(heading)}">'
        f"<b>{html.escape(heading)}</b>{table}"
        f'<p style="color:#444;font-size:90%">{html.escape(note)}</p></div>'
    )


def published_html(table: pd.DataFrame, lang: str | None = None) -> str:
    """Published findings beside what this index says (from
    :func:`helpers.nqp_index.published.compare_published`), with the no-table statement."""
    lang = _lang(lang)
    zh = _zh(lang)
    suffix = "zh" if zh else "en"
    verdicts = {
        True: text.t("index.published.agrees", lang),
        False: text.t("index.published.differs", lang),
        None: text.t("index.published.not_computable", lang),
    }
    body = []
    for row in table.itertuples(index=False):
        verdict = verdicts[row.agrees if row.agrees in (True, False) else None]
        source = (
            f'<a href="{html.escape(row.url)}" target="_blank" rel="noopener noreferrer" '
            f'style="color:#0072B2;text-decoration:underline">{html.escape(row.citation)}</a>'
            f'<br><span style="color:#444;font-size:90%">'
            f"{html.escape(getattr(row, 'sample_' + suffix))}{'；' if zh else '; '}"
            f"{html.escape(getattr(row, 'read_' + suffix))}</span>"
        )
        cells = [
            source,
            html.escape(getattr(row, "statement_" + suffix)),
            html.escape(str(row.year)),
            html.escape(getattr(row, "ours_" + suffix)),
            f'<span class="nqp-index-published-{str(row.agrees).lower()}">'
            f"{html.escape(verdict)}</span>",
        ]
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{html.escape(text.t(key, lang))}</th>" for key in _PUBLISHED_COLUMNS)
    heading = text.t("index.published.title", lang)
    return (
        '<div class="nqp-index-published-box" role="region" '
        f'aria-label="{html.escape(heading)}"><b>{html.escape(heading)}</b>'
        f"<p>{html.escape(PUBLISHED.no_table[suffix])}</p>"
        '<table class="nqp-data-table nqp-index-published-table">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )
