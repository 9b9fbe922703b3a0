"""The NQP index page's panel: choose indicators, method, weights and year; see what follows.

:func:`prepare` does the language-free work (catalogue, sources, the default index and its
history and robustness grid) before a visitor arrives; :class:`IndexExplorer` then builds the
widgets in the visitor's language and wires them to :mod:`helpers.nqp_index` (the numbers) and
:mod:`helpers.charts.nqp_index` (the charts). Every change recomputes through one guarded
callback and updates the four charts in place; nothing is computed here.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets
import pandas as pd

from helpers import nqp_index as ni
from helpers import text, ui
from helpers.charts import live_chart
from helpers.charts import nqp_index as ic
from helpers.nqp_index.published import compare_published
from helpers.panels import figure

#: Fewest indicators a composite index is built from (one indicator is a ranking, not an index).
MIN_INDICATORS = 2
#: User-weight sliders run from 0 (ignore the indicator) to this value (most important).
USER_WEIGHT_MAX = 10
#: Where every user-weight slider starts: the same value for all, i.e. equal weights.
USER_WEIGHT_START = 5
#: Results kept in memory per kind (index, history, robustness); switching back is instant.
CACHE_SIZE = 64

UserWeights = tuple[tuple[str, int], ...] | None


class IndexPageError(ValueError):
    """A choice the page cannot honour, already in the page's language."""


# --------------------------------------------------------------------------------------------
# Data and computations, memoised (no language: done before the visitor arrives)
# --------------------------------------------------------------------------------------------


class IndexData:
    """The panel, the indicator catalogue and the index computations behind the page.

    The computations are :mod:`helpers.nqp_index` calls, memoised on their (hashable)
    arguments, so a visitor switching back and forth between choices waits only once.

    Parameters
    ----------
    panel
        The tidy panel (:func:`helpers.data.load_panel`).
    """

    def __init__(self, panel: pd.DataFrame):
        self.panel = panel
        self.catalogue = ni.catalogue_table(panel)
        self.sources = {i: ni.indicator_sources(panel, i) for i in self.catalogue["id"]}
        cache = functools.lru_cache(maxsize=CACHE_SIZE)
        self.years: Callable[[tuple[str, ...]], list[int]] = cache(self._years)
        self.index: Callable[..., ni.IndexResult] = cache(self._index)
        self.history: Callable[..., ni.RankHistory] = cache(self._history)
        self.robustness: Callable[..., ni.Robustness] = cache(self._robustness)
        self.denominators: Callable[..., ni.DenominatorCheck] = cache(self._denominators)
        self.published: Callable[..., pd.DataFrame] = cache(self._published)

    def _years(self, ids: tuple[str, ...]) -> list[int]:
        """Years in which all 31 provinces have every indicator in ``ids``."""
        return ni.complete_years(self.panel, ids)

    def _index(
        self,
        ids: tuple[str, ...],
        year: int,
        weighting: str,
        aggregation: str,
        user: UserWeights,
        treatment: str = "flag",
    ) -> ni.IndexResult:
        return ni.build_index(
            self.panel,
            ids,
            year,
            weighting,
            aggregation,
            dict(user) if user else None,
            treatment=treatment,
        )

    def _history(
        self,
        ids: tuple[str, ...],
        weighting: str,
        aggregation: str,
        user: UserWeights,
        treatment: str = "flag",
    ) -> ni.RankHistory:
        return ni.rank_history(
            self.panel,
            ids,
            weighting=weighting,
            aggregation=aggregation,
            user_weights=dict(user) if user else None,
            treatment=treatment,
        )

    def _robustness(
        self,
        ids: tuple[str, ...],
        year: int,
        leave_one_out: bool,
        user: UserWeights,
        treatment: str = "flag",
    ) -> ni.Robustness:
        return ni.rank_robustness(
            self.panel,
            ids,
            year,
            leave_one_out=leave_one_out,
            user_weights=dict(user) if user else None,
            treatment=treatment,
        )

    def _published(
        self,
        ids: tuple[str, ...],
        weighting: str,
        aggregation: str,
        user: UserWeights,
        treatment: str = "flag",
    ) -> pd.DataFrame:
        """Published findings beside this index with the same choices, in their years."""
        years = self.years(ids)

        def index_for_year(year: int) -> ni.IndexResult | None:
            if year not in years:
                return None
            return self.index(ids, year, weighting, aggregation, user, treatment)

        return compare_published(index_for_year)

    def _denominators(
        self,
        ids: tuple[str, ...],
        year: int,
        weighting: str,
        aggregation: str,
        user: UserWeights,
        treatment: str = "flag",
    ) -> ni.DenominatorCheck:
        return ni.denominator_robustness(
            self.panel, ids, year, weighting, aggregation, dict(user) if user else None, treatment
        )


def prepare(panel: pd.DataFrame) -> IndexData:
    """Load the catalogue and compute the page's first view (call it before ``open_page``).

    In a preheated Voilà kernel this runs before anyone visits (``open_page`` then warms Altair
    up), so the first view costs the visitor only the drawing.
    """
    data = IndexData(panel)
    ids = tuple(ni.DEFAULT_INDICATORS)
    year = data.years(ids)[-1]
    method = (ni.DEFAULT_WEIGHTING, ni.DEFAULT_AGGREGATION)
    data.index(ids, year, *method, None)
    data.history(ids, *method, None)
    data.robustness(ids, year, False, None)
    data.denominators(ids, year, *method, None)
    data.published(ids, *method, None)
    return data


# --------------------------------------------------------------------------------------------
# Static parts: the statement and the catalogue
# --------------------------------------------------------------------------------------------


def disclaimer_box(lang: str | None = None) -> widgets.HTML:
    """The statement that this index is illustrative, with the frameworks it follows (en/zh).

    Shown prominently near the top of the page; the text is the library's
    (:func:`helpers.nqp_index.disclaimer`, :data:`helpers.nqp_index.FRAMEWORKS`).
    """
    lang = lang or text.get_language()
    zh = lang == "zh"
    items = []
    for paper in ni.LITERATURE:
        dims = paper.dimensions_zh if zh else paper.dimensions_en
        method = paper.method_zh if zh else paper.method_en
        read = paper.read_zh if zh else paper.read_en
        item = text.t("index.literature.item", lang, dimensions=dims, method=method)
        items.append(
            f'<li><a href="{html.escape(paper.url)}" target="_blank" rel="noopener noreferrer" '
            f'style="color:#0072B2;text-decoration:underline">{html.escape(paper.citation)}</a>'
            f"<br>{html.escape(item)}"
            f' <span style="color:#444;font-size:90%">({html.escape(read)})</span></li>'
        )
    title = html.escape(text.t("index.disclaimer.title", lang))
    frameworks = html.escape(text.t("index.disclaimer.frameworks", lang))
    box = widgets.HTML(
        '<div class="nqp-index-disclaimer" role="note" style="border:2px solid #0072B2;'
        'background:#eef6fb;padding:10px 14px;margin:8px 0;border-radius:4px">'
        f'<p style="font-size:115%;margin:0 0 6px 0"><b>{title}</b></p>'
        f'<p style="margin:0 0 6px 0">{html.escape(ni.disclaimer(lang))}</p>'
        f'<p style="margin:6px 0 2px 0"><b>{frameworks}</b></p>'
        f'<ul style="margin:0">{"".join(items)}</ul></div>'
    )
    box.add_class("nqp-index-disclaimer-box")
    return box


def _sources_table(sources: pd.DataFrame, lang: str) -> str:
    """The exact source lines behind one indicator as an HTML table (links where known)."""
    head = "".join(
        f"<th>{html.escape(text.t(key, lang))}</th>"
        for key in (
            "index.catalogue.col.input",
            "table.col.unit",
            "index.catalogue.col.years",
            "table.col.grade",
            "table.col.source",
        )
    )
    body = []
    for row in sources.itertuples():
        source = html.escape(str(row.source))
        if isinstance(row.source_url, str) and row.source_url.startswith(("http://", "https://")):
            source = (
                f'<a href="{html.escape(row.source_url)}" target="_blank" '
                'rel="noopener noreferrer" style="color:#0072B2;text-decoration:underline">'
                f"{source}</a>"
            )
        cells = [f"<code>{html.escape(str(row.input))}</code>"] + [
            html.escape(str(v)) for v in (row.unit, row.years, row.grade)
        ]
        body.append(
            "<tr>"
            + "".join(f'<td style="white-space:nowrap">{c}</td>' for c in cells)
            + f"<td>{source}</td></tr>"
        )
    return (
        '<table class="nqp-data-table nqp-index-sources">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def catalogue_html(data: IndexData, lang: str | None = None) -> str:
    """Every indicator's definition, direction, formula, coverage, caveat and sources.

    One ``<details>`` per indicator (one click opens it), grouped by dimension; the source table
    lists every distinct source line of the indicator's panel inputs with its trust grade.
    """
    lang = lang or text.get_language()
    zh = lang == "zh"
    parts = []
    for dimension, info in ni.DIMENSION_INFO.items():
        rows = data.catalogue[data.catalogue["dimension"] == dimension]
        parts.append(f"<h4>{html.escape(ic.dimension_name(dimension, lang))}</h4>")
        if info.is_gap:
            parts.append(
                '<p class="nqp-index-gap" style="color:#8a4b00">'
                f"{html.escape(info.gap_zh if zh else info.gap_en)}</p>"
            )
        for row in rows.itertuples():
            get = functools.partial(_localised_field, row, zh)
            direction = text.t(
                "index.direction.benefit" if row.direction > 0 else "index.direction.cost", lang
            )
            facts = [
                ("index.catalogue.definition", html.escape(get("definition"))),
                ("table.col.unit", html.escape(get("unit"))),
                (
                    "index.catalogue.direction",
                    f"{html.escape(direction)}: {html.escape(get('direction_reason'))}",
                ),
                ("index.catalogue.formula", f"<code>{html.escape(row.formula)}</code>"),
                (
                    "index.catalogue.years",
                    html.escape(row.years_label or text.t("index.catalogue.no_year", lang)),
                ),
            ]
            if get("caveat"):
                facts.append(("index.catalogue.caveat", html.escape(get("caveat"))))
            facts.append(("index.catalogue.sources", html.escape(get("sources"))))
            facts.append(("table.col.grade", html.escape(row.grade)))
            dl = "".join(
                f"<dt><b>{html.escape(text.t(key, lang))}</b></dt><dd>{value}</dd>"
                for key, value in facts
            )
            parts.append(
                f'<details class="nqp-index-indicator" id="nqp-index-{html.escape(row.id)}">'
                f"<summary><b>{html.escape(get('name'))}</b> "
                f'<span style="color:#555">({html.escape(get("unit"))})</span></summary>'
                f'<dl style="margin:4px 0 4px 12px">{dl}</dl>'
                f"{_sources_table(data.sources[row.id], lang)}</details>"
            )
    return '<div class="nqp-index-catalogue-list">' + "".join(parts) + "</div>"


def _localised_field(row: Any, zh: bool, name: str) -> str:
    value = getattr(row, f"{name}_{'zh' if zh else 'en'}")
    return value if isinstance(value, str) else ""


def notes_html(notes: Sequence[ni.Note], lang: str | None = None) -> str:
    """The library's notes on a result, in ``lang``, as a short list under a heading."""
    lang = lang or text.get_language()
    heading = html.escape(text.t("index.notes.title", lang))
    if not notes:
        body = f"<p>{html.escape(text.t('index.notes.none', lang))}</p>"
    else:
        body = (
            "<ul>"
            + "".join(
                f'<li class="nqp-index-note-{html.escape(n.kind)}">'
                f"{html.escape(n.zh if lang == 'zh' else n.en)}</li>"
                for n in notes
            )
            + "</ul>"
        )
    return (
        '<div class="nqp-index-notes-box" role="note" style="background:#fff8e1;'
        'border-left:4px solid #E69F00;padding:6px 12px;margin:6px 0">'
        f"<b>{heading}</b>{body}</div>"
    )


# --------------------------------------------------------------------------------------------
# The explorer
# --------------------------------------------------------------------------------------------


class IndexExplorer:
    """The page's widgets: the choices, then two figures and the indicator catalogue.

    Each part is a widget the notebook shows in its own cell, with narrative between them:
    ``controls`` (indicators, method, weights, year, and a sentence on the Northeast's ranks),
    ``ranking`` (all provinces and the weights behind them, with notes), ``northeast`` (the
    three provinces' ranks over time and across methods) and ``catalogue``.

    Parameters
    ----------
    data
        From :func:`prepare`.
    lang
        The page's language (default: the current one).
    """

    def __init__(self, data: IndexData, lang: str | None = None):
        self.data = data
        self.lang = lang = lang or text.get_language()
        self.status = ui.status_area()
        self._holding = False
        ids = tuple(ni.DEFAULT_INDICATORS)
        years = data.years(ids)

        self.checkboxes = self._indicator_checkboxes(ids)
        self.weighting = widgets.RadioButtons(
            options=[(ic.weighting_label(w, lang), w) for w in ni.WEIGHTINGS],
            value=ni.DEFAULT_WEIGHTING,
            layout=widgets.Layout(width="auto"),
        )
        self.weighting.add_class("nqp-index-weighting")
        self.weighting_help = widgets.HTML()
        self.aggregation = widgets.RadioButtons(
            options=[(ic.aggregation_label(a, lang), a) for a in ni.AGGREGATIONS],
            value=ni.DEFAULT_AGGREGATION,
            layout=widgets.Layout(width="auto"),
        )
        self.aggregation.add_class("nqp-index-aggregation")
        self.aggregation_help = widgets.HTML()
        self.treatment = widgets.RadioButtons(
            options=[(ic.treatment_label(t, lang), t) for t in ni.TREATMENTS],
            value="flag",
            layout=widgets.Layout(width="auto"),
        )
        self.treatment.add_class("nqp-index-treatment")
        self.treatment_help = widgets.HTML()
        self.year = widgets.Dropdown(
            options=years,
            value=years[-1],
            description=text.t("index.widget.year", lang),
            layout=widgets.Layout(width="180px"),
        )
        self.year.add_class("nqp-index-year")
        self.leave_one_out = widgets.Checkbox(
            value=False, description=text.t("index.widget.leave_one_out", lang), indent=False
        )
        self.leave_one_out.add_class("nqp-index-leave-one-out")
        self.sliders, self.shares = self._weight_sliders()
        # Shown and hidden by _show_user_rows: a layout of its own (never shared).
        self.user_box = widgets.VBox(layout=ui.own_look(widgets.Layout(display="none")))
        self.user_box.add_class("nqp-index-user-weights")
        self._user_intro: widgets.HTML | None = None
        self._user_rows: dict[str, widgets.HBox] = {}
        self.summary = widgets.HTML()
        self.summary.add_class("nqp-index-summary")

        method = (ni.DEFAULT_WEIGHTING, ni.DEFAULT_AGGREGATION)
        result = data.index(ids, years[-1], *method, None)
        history = data.history(ids, *method, None)
        rob = data.robustness(ids, years[-1], False, None)
        check = data.denominators(ids, years[-1], *method, None)
        published = data.published(ids, *method, None)
        # Two live charts, each two views (see helpers.charts.nqp_index on why not four).
        self.ranking_chart = live_chart(
            ic.ranking_figure(result, lang), css_class="nqp-index-chart-ranking"
        )
        self.northeast_chart = live_chart(
            ic.northeast_figure(history, rob, method, lang), css_class="nqp-index-chart-northeast"
        )
        self._shown: dict[str, object] = {
            "result": result,
            "northeast": (history, rob, method),
        }
        self.ranking_frame = figure(
            self.ranking_chart,
            "",
            ic.ranking_table(result, lang),
            lang,
            "nqp-index-ranking",
            name="index-ranking",
        )
        self.northeast_frame = figure(
            self.northeast_chart,
            "",
            ic.history_table(history, lang),
            lang,
            "nqp-index-northeast",
            name="index-northeast",
        )
        self.notes = widgets.HTML()
        self.notes.add_class("nqp-index-notes")
        self.swings = widgets.HTML()
        self.swings.add_class("nqp-index-swings")
        self.denominators = widgets.HTML()
        self.denominators.add_class("nqp-index-denominators")
        self.published = widgets.HTML()
        self.published.add_class("nqp-index-published")
        self.catalogue = widgets.HTML(catalogue_html(data, lang))
        self.catalogue.add_class("nqp-index-catalogue")

        self.controls = self._layout_controls()
        self.ranking = widgets.VBox([self.ranking_frame, self.notes, self.swings])
        self.northeast = widgets.VBox([self.leave_one_out, self.northeast_frame])

        self.refresh = ui.guarded(self.status, text.t("index.error.update", lang))(self._refresh)
        for box in self.checkboxes.values():
            box.observe(self._on_indicators, names="value")
        for control in (
            self.weighting,
            self.aggregation,
            self.treatment,
            self.year,
            self.leave_one_out,
        ):
            control.observe(self._on_choice, names="value")
        for slider in self.sliders.values():
            slider.observe(self._on_choice, names="value")
        self._describe_ranking(result)
        self._describe_northeast(history, rob)
        self._show(result, history, rob, method, check, published)
        self._show_method_help()
        self._show_user_rows(ids, ni.DEFAULT_WEIGHTING)

    # -- building ------------------------------------------------------------------------------

    def _indicator_checkboxes(self, chosen: Sequence[str]) -> dict[str, widgets.Checkbox]:
        lang = self.lang
        boxes = {}
        for row in self.data.catalogue.itertuples():
            name = row.name_zh if lang == "zh" else row.name_en
            years = row.years_label or text.t("index.catalogue.no_year", lang)
            box = widgets.Checkbox(
                value=row.id in chosen,
                description=text.t("index.widget.indicator", lang, name=name, years=years),
                indent=False,
                layout=widgets.Layout(width="auto"),
            )
            box.add_class("nqp-index-ind")
            box.add_class(f"nqp-index-ind-{row.id}")
            boxes[row.id] = box
        return boxes

    def _weight_sliders(self) -> tuple[dict[str, widgets.IntSlider], dict[str, widgets.HTML]]:
        sliders, shares = {}, {}
        for indicator in self.data.catalogue["id"]:
            slider = widgets.IntSlider(
                value=USER_WEIGHT_START,
                min=0,
                max=USER_WEIGHT_MAX,
                step=1,
                continuous_update=False,
                description=ic.indicator_name(indicator, self.lang),
                style={"description_width": "380px"},
                layout=widgets.Layout(width="760px"),
            )
            slider.add_class("nqp-index-weight")
            slider.add_class(f"nqp-index-weight-{indicator}")
            sliders[indicator] = slider
            share = widgets.HTML()
            share.add_class("nqp-index-weight-share")
            shares[indicator] = share
        return sliders, shares

    def _layout_controls(self) -> widgets.VBox:
        lang = self.lang
        swing_title = text.t("index.widget.treatment", lang, factor=f"{ni.SWING_FACTOR:g}")
        groups: list[widgets.Widget] = [
            widgets.HTML(f"<b>{html.escape(text.t('index.widget.indicators', lang))}</b>")
        ]
        for dimension, info in ni.DIMENSION_INFO.items():
            ids = self.data.catalogue.loc[self.data.catalogue["dimension"] == dimension, "id"]
            groups.append(
                widgets.HTML(
                    '<span style="color:#444;font-size:90%">'
                    f"{html.escape(ic.dimension_name(dimension, lang))}</span>"
                )
            )
            if info.is_gap:
                gap = widgets.HTML(
                    '<p class="nqp-index-gap" style="margin:0 0 4px 12px;color:#8a4b00">'
                    f"{html.escape(info.gap_zh if lang == 'zh' else info.gap_en)}</p>"
                )
                gap.add_class("nqp-index-gap-dimension")
                groups.append(gap)
            groups.extend(self.checkboxes[i] for i in ids)
        indicators = widgets.VBox(groups, layout=widgets.Layout(width="520px"))
        indicators.add_class("nqp-index-indicators")
        method = widgets.VBox(
            [
                widgets.HTML(f"<b>{html.escape(text.t('index.widget.weighting', lang))}</b>"),
                self.weighting,
                self.weighting_help,
                widgets.HTML(f"<b>{html.escape(text.t('index.widget.aggregation', lang))}</b>"),
                self.aggregation,
                self.aggregation_help,
                widgets.HTML(f"<b>{html.escape(swing_title)}</b>"),
                self.treatment,
                self.treatment_help,
                self.year,
            ],
            layout=widgets.Layout(width="360px", margin="0 0 0 16px"),
        )
        method.add_class("nqp-index-method")
        top = widgets.HBox([indicators, method], layout=widgets.Layout(flex_flow="row wrap"))
        box = widgets.VBox([top, self.user_box, self.status, self.summary])
        box.add_class("nqp-index-controls")
        return box

    # -- reading the choices (values from the browser are untrusted) ---------------------------

    def chosen(self) -> tuple[str, ...]:
        """The ticked indicators in catalogue order; at least :data:`MIN_INDICATORS`."""
        ids = tuple(i for i, box in self.checkboxes.items() if box.value is True)
        if len(ids) < MIN_INDICATORS:
            raise IndexPageError(
                text.t("index.error.too_few", self.lang, min=MIN_INDICATORS, count=len(ids))
            )
        return ids

    def _method(self) -> tuple[str, str]:
        weighting, aggregation = self.weighting.value, self.aggregation.value
        if weighting not in ni.WEIGHTINGS or aggregation not in ni.AGGREGATIONS:
            raise IndexPageError(text.t("index.error.bad_method", self.lang))
        return weighting, aggregation

    def _treatment(self) -> str:
        if self.treatment.value not in ni.TREATMENTS:
            raise IndexPageError(text.t("index.error.bad_method", self.lang))
        return self.treatment.value

    def _user_weights(self, ids: Sequence[str]) -> tuple[tuple[str, int], ...]:
        """The sliders of the chosen indicators, validated; their normalised shares shown."""
        raw = {i: self.sliders[i].value for i in ids}
        try:
            shares = ni.validate_weights(raw, ids)
        except ni.WeightsError:
            for i in ids:
                self.shares[i].value = "—"
            raise
        for i in ids:
            self.shares[i].value = text.t(
                "index.widget.share", self.lang, share=text.percent(100 * shares[i], 1, self.lang)
            )
        return tuple((i, int(raw[i])) for i in ids)

    @contextmanager
    def _in_page_language(self) -> Iterator[None]:
        """Turn the library's bilingual errors into one in the page's language."""
        try:
            yield
        except ni.NQPIndexError as err:
            raise IndexPageError(err.zh if self.lang == "zh" else err.en) from err

    # -- callbacks -----------------------------------------------------------------------------

    def _on_indicators(self, change: dict) -> None:
        if not self._holding:
            self.refresh(indicators_changed=True)

    def _on_choice(self, change: dict) -> None:
        if not self._holding:
            self.refresh()

    def _refresh(self, indicators_changed: bool = False) -> None:
        """Read every choice, recompute (memoised) and update the page in place."""
        lang = self.lang
        self._show_method_help()
        ids = self.chosen()
        weighting, aggregation = self._method()
        self._show_user_rows(ids, weighting)
        years = self.data.years(ids)
        if not years:
            raise IndexPageError(text.t("index.error.no_complete_year", lang))
        if indicators_changed or list(self.year.options) != years:
            self._set_years(years)
        year = self.year.value
        if year not in years:
            raise IndexPageError(text.t("index.error.bad_year", lang, year=year))
        treatment = self._treatment()
        with self._in_page_language():
            user = self._user_weights(ids) if weighting == "user" else None
            method = (weighting, aggregation)
            result = self.data.index(ids, year, *method, user, treatment)
            history = self.data.history(ids, *method, user, treatment)
            leave = bool(self.leave_one_out.value)
            rob = self.data.robustness(ids, year, leave, user, treatment)
            check = self.data.denominators(ids, year, *method, user, treatment)
            published = self.data.published(ids, *method, user, treatment)
        self._show(result, history, rob, method, check, published)

    def _set_years(self, years: list[int]) -> None:
        """New year options; keep the year shown when it is still complete, else the latest."""
        keep = self.year.value if self.year.value in years else years[-1]
        self._holding = True
        try:
            self.year.options = years
            self.year.value = keep
        finally:
            self._holding = False

    # -- showing -------------------------------------------------------------------------------

    def _show_method_help(self) -> None:
        lang = self.lang
        if self.weighting.value in ni.WEIGHTINGS:
            self.weighting_help.value = (
                '<p style="margin:0 0 6px 0;color:#444;font-size:90%">'
                f"{html.escape(ic.weighting_description(self.weighting.value, lang))}</p>"
            )
        if self.aggregation.value in ni.AGGREGATIONS:
            self.aggregation_help.value = (
                '<p style="margin:0 0 6px 0;color:#444;font-size:90%">'
                f"{html.escape(ic.aggregation_description(self.aggregation.value, lang))}</p>"
            )
        if self.treatment.value in ni.TREATMENTS:
            self.treatment_help.value = (
                '<p style="margin:0 0 6px 0;color:#444;font-size:90%">'
                f"{html.escape(ic.treatment_description(self.treatment.value, lang))}</p>"
            )

    def _show_user_rows(self, ids: Sequence[str], weighting: str) -> None:
        if weighting != "user":
            self.user_box.layout.display = "none"
            return
        if self._user_intro is None:
            title = text.t("index.widget.user_weights", self.lang, top=USER_WEIGHT_MAX)
            self._user_intro = widgets.HTML(
                f"<b>{html.escape(title)}</b><br><span style='color:#444;font-size:90%'>"
                f"{html.escape(text.t('index.weights.judgement', self.lang))}</span>"
            )
        # Each row is made once: the same rows again leave the sliders (and the keyboard focus
        # on one of them) in place; new rows would be redrawn and the focus lost at every key.
        rows = [self._user_row(i) for i in ids]
        new_children = (self._user_intro, *rows)
        if tuple(self.user_box.children) != new_children:
            self.user_box.children = new_children
        self.user_box.layout.display = "flex"

    def _user_row(self, indicator: str) -> widgets.HBox:
        if indicator not in self._user_rows:
            self._user_rows[indicator] = widgets.HBox(
                [self.sliders[indicator], self.shares[indicator]]
            )
        return self._user_rows[indicator]

    def _show(
        self,
        result: ni.IndexResult,
        history: ni.RankHistory,
        rob: ni.Robustness,
        method: tuple[str, str],
        check: ni.DenominatorCheck,
        published: pd.DataFrame,
    ) -> None:
        """Update what changed: charts are re-assigned only when their input is new."""
        lang = self.lang
        self.notes.value = notes_html(result.notes, lang)
        self.swings.value = ic.swings_html(result, lang)
        self.denominators.value = ic.denominators_html(check, lang)
        self.published.value = ic.published_html(published, lang)
        if self._shown.get("result") is not result:
            self._shown["result"] = result
            self.ranking_chart.chart = ic.ranking_figure(result, lang)
            self._describe_ranking(result)
        shown = self._shown.get("northeast")
        if not (shown and shown[0] is history and shown[1] is rob and shown[2] == method):
            self._shown["northeast"] = (history, rob, method)
            self.northeast_chart.chart = ic.northeast_figure(history, rob, method, lang)
            self._describe_northeast(history, rob)
        # Last, so that a changed sentence means everything above has been sent.
        self.summary.value = (
            '<p role="status" aria-live="polite" style="font-size:105%;margin:6px 0">'
            f"<b>{html.escape(ic.ranking_summary(result, lang))}</b></p>"
        )

    def _describe_ranking(self, result: ni.IndexResult) -> None:
        """Caption, tables and CSV export of the ranking figure."""
        lang, panel = self.lang, self.data.panel
        frame = self.ranking_frame
        frame.caption.value = ic.ranking_figure_caption(result, panel, lang)
        rows = ic.provenance_rows(panel, result.indicators, [result.year], lang)
        frame.set_table(ic.ranking_table(result, lang), rows)
        frame.table.value += ic.extra_table_html(
            ic.weights_table(result, lang), text.t("index.weights.show", lang)
        )

    def _describe_northeast(self, history: ni.RankHistory, rob: ni.Robustness) -> None:
        """Caption, tables and CSV export of the Northeast figure."""
        lang, panel = self.lang, self.data.panel
        frame = self.northeast_frame
        frame.caption.value = ic.northeast_figure_caption(history, rob, panel, lang)
        years = sorted({int(y) for y in history.table["year"]} | {rob.year})
        rows = ic.provenance_rows(panel, rob.indicators, years, lang)
        frame.set_table(ic.history_table(history, lang), rows)
        frame.table.value += ic.extra_table_html(
            ic.robustness_table(rob, lang), text.t("index.robustness.show", lang)
        )

    # -- for tests and notebooks ---------------------------------------------------------------

    def choose(
        self,
        indicators: Sequence[str] | None = None,
        weighting: str | None = None,
        aggregation: str | None = None,
        year: int | None = None,
        treatment: str | None = None,
    ) -> None:
        """Set several choices at once, then recompute once (as a visitor's last click would)."""
        self._holding = True
        try:
            if indicators is not None:
                for i, box in self.checkboxes.items():
                    box.value = i in indicators
            if weighting is not None:
                self.weighting.value = weighting
            if aggregation is not None:
                self.aggregation.value = aggregation
            if treatment is not None:
                self.treatment.value = treatment
        finally:
            self._holding = False
        self.refresh(indicators_changed=indicators is not None)
        if year is not None and year != self.year.value:
            self.year.value = year  # its observer recomputes


def index_explorer(data: IndexData, lang: str | None = None) -> IndexExplorer:
    """The page's explorer in ``lang`` (see :class:`IndexExplorer`)."""
    return IndexExplorer(data, lang)


__all__ = [
    "MIN_INDICATORS",
    "IndexData",
    "IndexExplorer",
    "IndexPageError",
    "catalogue_html",
    "disclaimer_box",
    "index_explorer",
    "notes_html",
    "prepare",
]
