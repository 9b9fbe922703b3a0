"""Widget panels of part 2 (challenges): the R&D gap, conversion, firms, talent, the lesson of
the two averages, and the report's claims checked.

Each panel wires widgets to the builders of :mod:`helpers.charts.challenges`; a widget that
only changes what is shown sets a chart parameter, and the caption and table follow. Values from
the browser are checked, and every callback is guarded (a failure becomes a sentence).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import ipywidgets as widgets
import pandas as pd
from IPython.display import Markdown

from helpers import charts, text, ui
from helpers.charts import challenges as cc
from helpers.panels import figure, year_slider
from helpers.panels.foundations import checked_choice, checked_year
from helpers.widgets import FollowValue

__all__ = [
    "averaging_lesson",
    "claim_cards",
    "claims_explorer",
    "conversion_explorer",
    "gap_explorer",
    "innovative_firms",
    "lesson_text",
    "population_change",
    "talent_explorer",
]


def _view_explorer(
    views: cc.Views, prefix: str, css: str, lang: str, first: str | None = None
) -> widgets.VBox:
    """A dropdown of views driving one line chart (parameter ``view``), caption and table."""
    names = list(views.titles)
    state = {"view": first or names[0]}
    chart = charts.live_chart(
        cc.views_chart(views, state["view"], lang, text.t(f"{prefix}.subtitle", lang)),
        css_class=f"nqp-chart-{css}",
    )
    picker = widgets.Dropdown(
        options=[(text.t(f"{prefix}.{name}.option", lang), name) for name in names],
        value=state["view"],
        description=text.t("challenges.widget.view", lang),
        style={"description_width": "initial"},
        layout=widgets.Layout(width="680px", max_width="100%"),  # longest option whole
    )
    picker.add_class(f"nqp-{css}-view")

    def caption() -> str:
        note = text.t(f"{prefix}.{state['view']}.note", lang)
        return cc.views_caption(views, state["view"], lang, note=note)

    frame = figure(chart, caption(), cc.views_table(views, state["view"], lang), lang)
    status = ui.status_area()
    later = ui.Later(status, text.t("error.redraw", lang))

    def texts() -> None:  # after the chart has redrawn (ui.Later)
        frame.caption.value = caption()
        frame.set_table(cc.views_table(views, state["view"], lang))  # shown and exported

    @ui.guarded(status, text.t("error.redraw", lang))
    def pick(change: dict) -> None:
        state["view"] = checked_choice(change["new"], names, lang)
        chart.params.view = state["view"]
        later(texts)

    picker.observe(pick, names="value")
    return widgets.VBox([picker, status, frame])


def gap_explorer(panel: pd.DataFrame, lang: str | None = None) -> widgets.VBox:
    """The R&D funding gap in four views: intensity, totals, share of Jiangsu, relative."""
    lang = lang or text.get_language()
    return _view_explorer(cc.gap_views(panel, lang), "challenges.gap", "gap", lang)


def conversion_explorer(panel: pd.DataFrame, lang: str | None = None) -> widgets.VBox:
    """Conversion of research results: shares, technology sold and patents per R&D, flows."""
    lang = lang or text.get_language()
    return _view_explorer(cc.conversion_views(panel, lang), "challenges.conv", "conversion", lang)


def talent_explorer(panel: pd.DataFrame, lang: str | None = None) -> widgets.VBox:
    """R&D personnel: levels, share of national, and growth against the leaders."""
    lang = lang or text.get_language()
    return _view_explorer(cc.talent_views(panel, lang), "challenges.talent", "talent", lang)


def population_change(panel: pd.DataFrame, lang: str | None = None) -> widgets.VBox:
    """The census change 2010 → 2020 of the region's units and the nation (a fixed chart)."""
    lang = lang or text.get_language()
    chart = charts.live_chart(cc.census_chart(panel, lang), css_class="nqp-chart-census")
    return figure(chart, cc.census_caption(panel, lang), cc.census_table(panel, lang), lang)


def _claim(claims: pd.DataFrame, claim_id: str) -> pd.Series:
    rows = claims[claims["claim_id"] == claim_id]
    if len(rows) != 1:
        raise LookupError(f"the claims table has {len(rows)} rows for {claim_id}")
    return rows.iloc[0]


def innovative_firms(
    panel: pd.DataFrame, claims: pd.DataFrame, lang: str | None = None
) -> widgets.VBox:
    """The three provinces' share of recognised high-tech enterprises, against the report's
    threshold (claim C11's number, from the claims table)."""
    lang = lang or text.get_language()
    threshold = float(_claim(claims, "C11")["claimed_value"])
    shares, rows = cc.hitech_shares(panel, lang)
    chart = charts.live_chart(cc.hitech_chart(shares, threshold, lang), css_class="nqp-chart-firms")
    return figure(
        chart,
        cc.hitech_caption(shares, rows, threshold, lang),
        cc.hitech_table(shares, lang),
        lang,
    )


def claim_cards(claims: pd.DataFrame, ids: Sequence[str], lang: str | None = None) -> widgets.HTML:
    """Some claims as cards (e.g. the two on universities), in the table's order."""
    lang = lang or text.get_language()
    chosen = claims[claims["claim_id"].isin(ids)]
    missing = set(ids) - set(chosen["claim_id"])
    if missing:
        raise LookupError(f"the claims table has no {', '.join(sorted(missing))}")
    cards = widgets.HTML(cc.claim_cards(chosen, lang))
    cards.add_class("nqp-claims")
    return cards


def claims_explorer(claims: pd.DataFrame, lang: str | None = None) -> widgets.VBox:
    """Every claim of the report as a card, with a filter by verdict.

    The filter's value is checked against the verdicts of the table (or ``all``).
    """
    lang = lang or text.get_language()
    verdicts = ["all", *cc.VERDICT_STYLE]
    summary = widgets.HTML(f"<p>{html.escape(cc.verdict_counts(claims, lang))}</p>")
    summary.add_class("nqp-claims-summary")
    picker = widgets.ToggleButtons(
        options=[
            (
                text.t("challenges.claims.all", lang)
                if v == "all"
                else text.t(f"challenges.verdict.{v.replace(' ', '_')}", lang),
                v,
            )
            for v in verdicts
        ],
        value="all",
        description=text.t("challenges.claims.filter", lang),
        style={"description_width": "initial", "button_width": "auto"},
    )
    picker.add_class("nqp-claims-filter")
    cards = widgets.HTML(cc.claim_cards(claims, lang))
    cards.add_class("nqp-claims")
    status = ui.status_area()

    @ui.guarded(status, text.t("challenges.error.filter", lang))
    def pick(change: dict) -> None:
        verdict = checked_choice(change["new"], verdicts, lang)
        shown = claims if verdict == "all" else claims[claims["verdict"] == verdict]
        cards.value = cc.claim_cards(shown, lang) or (
            f"<p>{text.t('challenges.claims.none', lang)}</p>"
        )

    picker.observe(pick, names="value")
    return widgets.VBox([summary, picker, status, cards])


def lesson_text(claims: pd.DataFrame, lang: str | None = None) -> Markdown:
    """The lesson's introduction, its numbers taken from claims C05 and C06 (the report's
    numbers and the recomputed ones)."""
    lang = lang or text.get_language()
    intensity, relative = _claim(claims, "C05"), _claim(claims, "C06")
    return Markdown(
        text.t(
            "challenges.lesson_intro",
            lang,
            claimed=text.percent(intensity["claimed_value"], 2, lang),
            claimed_pct=text.percent(relative["claimed_value"], 0, lang),
            weighted=text.percent(intensity["recomputed_value"], 2, lang),
            weighted_pct=text.percent(relative["recomputed_value"], 1, lang),
        )
    )


def averaging_lesson(panel: pd.DataFrame, lang: str | None = None) -> widgets.VBox:
    """The report's 1.74 % against 1.87 %: the same three intensities averaged two ways.

    A toggle switches the bar widths between "each province counts once" and "weighted by
    GDP" (chart parameter ``method``); a year slider moves the whole example (parameter
    ``year``) and the worked example below it, computed from the panel.
    """
    lang = lang or text.get_language()
    bars, lines = cc.averaging_frame(panel, lang)
    years = sorted(int(y) for y in bars["year"].unique())
    state = {"year": years[-1], "method": "simple"}
    chart = charts.live_chart(
        cc.averaging_chart(bars, lines, state["year"], state["method"], lang),
        css_class="nqp-chart-lesson",
    )
    method = widgets.ToggleButtons(
        options=[
            (text.t("challenges.lesson.method.simple", lang), "simple"),
            (text.t("challenges.lesson.method.gdp", lang), "gdp"),
        ],
        value=state["method"],
        description=text.t("challenges.lesson.method", lang),
        style={"description_width": "initial", "button_width": "auto"},
    )
    method.add_class("nqp-lesson-method")
    slider = year_slider(years, state["year"], "nqp-lesson-year", lang)
    # the chart redraws in the browser on the key press; the kernel checks and follows
    follow = FollowValue(source=slider, chart=chart, param="year", values=years)
    example = widgets.HTML(cc.averaging_example(bars, lines, panel, state["year"], lang))
    example.add_class("nqp-lesson-example")
    frame = figure(
        chart,
        cc.averaging_caption(panel, state["year"], lang),
        cc.averaging_table(bars, state["year"], lang),
        lang,
    )
    status = ui.status_area()
    later = ui.Later(status, text.t("error.redraw", lang))

    @ui.guarded(status, text.t("error.redraw", lang))
    def pick_method(change: dict) -> None:
        state["method"] = checked_choice(change["new"], ("simple", "gdp"), lang)
        chart.params.method = state["method"]

    @ui.guarded(status, text.t("error.redraw", lang))
    def pick_year(change: dict) -> None:
        year = state["year"] = checked_year(change["new"], years, lang)
        follow.set(year)

        def texts() -> None:  # after the chart has redrawn (ui.Later)
            example.value = cc.averaging_example(bars, lines, panel, year, lang)
            frame.caption.value = cc.averaging_caption(panel, year, lang)
            frame.set_table(cc.averaging_table(bars, year, lang))  # shown and exported

        later(texts)

    method.observe(pick_method, names="value")
    slider.observe(pick_year, names="value")
    return widgets.VBox([method, slider, status, frame, example])
