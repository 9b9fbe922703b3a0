"""Widget panels of part 1 (foundations): the map, the region's share of national totals, and
the trend explorer with regions, an indicator and comparators to pick.

Each panel wires widgets to a chart builder of :mod:`helpers.charts.foundations`. A widget that
changes only what is shown sets a chart parameter (the data stay in the browser); the caption and
the data table, built in the kernel, follow. Every value arriving from the browser is checked
before use, and every callback is guarded: a failure becomes one sentence on the page.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import pandas as pd

from helpers import charts, text, ui
from helpers.charts import foundations as fc
from helpers.panels import figure, year_slider
from helpers.widgets import FollowValue


def checked_choice(value: object, allowed: Sequence, lang: str) -> object:
    """``value`` if it is one of ``allowed``, else a readable error (untrusted browser input)."""
    if value not in allowed:
        raise ValueError(text.t("foundations.error.choice", lang, value=str(value)[:40]))
    return value


def checked_year(value: object, years: Sequence[int], lang: str) -> int:
    """``value`` as one of ``years``, else a readable error (untrusted browser input)."""
    if isinstance(value, bool) or value not in years:  # 2011.5, "2011", True: all refused
        raise ValueError(text.t("error.no_year_data", lang, year=str(value)[:20]))
    return int(value)  # type: ignore[call-overload]


def region_map(panel: pd.DataFrame, geo: dict, lang: str | None = None) -> widgets.VBox:
    """The region on a map with a measure to pick: population, census change or land area.

    The dropdown sets the chart's ``measure`` parameter; the caption's summary sentence and
    sources follow. The table lists every measure for the eight units.
    """
    lang = lang or text.get_language()
    units = fc.map_units(panel, lang)
    measures = list(fc.MAP_MEASURES)
    first = measures[0]
    chart = charts.live_chart(fc.northeast_map(geo, units, first, lang), css_class="nqp-chart-map")
    picker = widgets.Dropdown(
        options=[(text.t(f"foundations.map.option.{key}", lang), key) for key in measures],
        value=first,
        description=text.t("foundations.map.pick", lang),
        style={"description_width": "initial"},
        layout=widgets.Layout(width="420px"),
    )
    picker.add_class("nqp-map-measure")
    frame = figure(chart, fc.map_caption(panel, first, lang), fc.map_table(units, lang), lang)
    status = ui.status_area()

    @ui.guarded(status, text.t("error.redraw", lang))
    def show_measure(change: dict) -> None:
        measure = checked_choice(change["new"], measures, lang)
        chart.params.measure = measure
        frame.caption.value = fc.map_caption(panel, measure, lang)

    picker.observe(show_measure, names="value")
    return widgets.VBox([picker, status, frame])


def base_profile(panel: pd.DataFrame, lang: str | None = None) -> widgets.VBox:
    """A region's share of national totals for the base indicators, by region and year.

    The dropdown and the slider set the chart's ``region`` and ``year`` parameters; caption and
    table follow. Defaults: the three provinces together, the latest year with GDP for them.
    """
    lang = lang or text.get_language()
    shares, inputs = fc.base_shares(panel, lang)
    gdp_years = shares[(shares["indicator"] == "gdp_implied") & shares["share"].notna()]
    years = sorted(int(y) for y in gdp_years.loc[gdp_years["region"] == "NE3", "year"])
    names = dict(zip(shares["region"], shares["region_label"], strict=False))
    state = {"region": "NE3", "year": years[-1]}
    chart = charts.live_chart(
        fc.base_profile_chart(shares, state["region"], state["year"], lang),
        css_class="nqp-chart-base",
    )
    region_picker = widgets.Dropdown(
        options=[(names[code], code) for code in fc.BASE_REGIONS],
        value=state["region"],
        description=text.t("foundations.widget.region", lang),
        layout=widgets.Layout(width="360px"),
    )
    region_picker.add_class("nqp-base-region")
    base_year = year_slider(years, state["year"], "nqp-base-year", lang, width="360px")
    # the chart redraws in the browser on the key press; the kernel checks and follows
    follow = FollowValue(source=base_year, chart=chart, param="year", values=years)
    frame = figure(
        chart,
        fc.base_caption(shares, inputs, state["region"], state["year"], lang),
        fc.base_table(shares, state["region"], state["year"], lang),
        lang,
    )
    status = ui.status_area()
    later = ui.Later(status, text.t("error.redraw", lang))

    def texts() -> None:  # after the chart has redrawn (ui.Later)
        frame.caption.value = fc.base_caption(shares, inputs, state["region"], state["year"], lang)
        frame.set_table(fc.base_table(shares, state["region"], state["year"], lang))

    def redraw() -> None:
        chart.params.region = state["region"]
        follow.set(state["year"])
        later(texts)

    @ui.guarded(status, text.t("error.redraw", lang))
    def pick_region(change: dict) -> None:
        state["region"] = checked_choice(change["new"], fc.BASE_REGIONS, lang)
        redraw()

    @ui.guarded(status, text.t("error.redraw", lang))
    def pick_year(change: dict) -> None:
        state["year"] = checked_year(change["new"], years, lang)
        redraw()

    region_picker.observe(pick_region, names="value")
    base_year.observe(pick_year, names="value")
    controls = widgets.HBox([region_picker, base_year], layout=widgets.Layout(flex_flow="row wrap"))
    return widgets.VBox([controls, status, frame])


def trend_explorer(panel: pd.DataFrame, lang: str | None = None) -> widgets.VBox:
    """Trends since 2011: pick an indicator, Northeast regions and comparators, value or index.

    Every widget sets a chart parameter (``view``, ``regions``, ``show``); the data of all
    indicators and regions are in the browser already. Caption (latest values, sources, grades,
    breaks) and table follow in the kernel. Defaults: R&D intensity of the three provinces
    against Jiangsu, Guangdong and the nation.
    """
    lang = lang or text.get_language()
    series = fc.trend_series(panel, lang)
    names = dict(zip(series["region"], series["label"], strict=False))
    indicators = [i.name for i in fc.TREND_INDICATORS]
    state = {
        "indicator": indicators[0],
        "own": ["CN-LN", "CN-JL", "CN-HL"],
        "comparators": list(fc.COMPARATORS),
        "show": "value",
    }

    def regions() -> list[str]:
        return [*state["own"], *state["comparators"]]

    chart = charts.live_chart(
        fc.trend_chart(series, state["indicator"], regions(), state["show"], lang),
        css_class="nqp-chart-trend",
    )
    indicator_picker = widgets.Dropdown(
        options=[(text.t(f"foundations.ind.{name}", lang), name) for name in indicators],
        value=state["indicator"],
        description=text.t("foundations.widget.indicator", lang),
        style={"description_width": "initial"},
        layout=widgets.Layout(width="520px"),
    )
    indicator_picker.add_class("nqp-trend-indicator")
    region_picker = widgets.SelectMultiple(
        options=[(names[code], code) for code in fc.TREND_REGIONS],
        value=tuple(state["own"]),
        rows=len(fc.TREND_REGIONS),
        description=text.t("foundations.widget.regions", lang),
        style={"description_width": "initial"},
        layout=widgets.Layout(width="360px"),
    )
    region_picker.add_class("nqp-trend-regions")
    toggles = {}
    for code in fc.COMPARATORS:
        box = widgets.Checkbox(
            value=True, description=names[code], indent=False, layout=widgets.Layout(width="auto")
        )
        box.add_class(f"nqp-trend-comparator-{code.lower()}")
        toggles[code] = box
    show_picker = widgets.ToggleButtons(
        options=[
            (text.t("foundations.widget.show_value", lang), "value"),
            (text.t("foundations.widget.show_index", lang), "index"),
        ],
        value=state["show"],
        description=text.t("foundations.widget.show", lang),
        style={"description_width": "initial", "button_width": "auto"},
    )
    show_picker.add_class("nqp-trend-show")

    def caption() -> str:
        return fc.trend_caption(panel, series, state["indicator"], regions(), state["show"], lang)

    def table() -> pd.DataFrame:
        column = "index_text" if state["show"] == "index" else "value_text"
        return fc.wide_table(series, state["indicator"], regions(), column, lang)

    frame = figure(chart, caption(), table(), lang)
    status = ui.status_area()
    what = text.t("error.redraw", lang)
    later = ui.Later(status, what)

    def texts() -> None:  # after the chart has redrawn (ui.Later)
        frame.caption.value = caption()
        frame.set_table(table())  # shown and exported

    def redraw() -> None:
        if not regions():
            raise ValueError(text.t("foundations.error.no_region", lang))
        chart.params.view = state["indicator"]
        chart.params.regions = regions()
        chart.params.show = state["show"]
        later(texts)

    @ui.guarded(status, what)
    def pick_indicator(change: dict) -> None:
        state["indicator"] = checked_choice(change["new"], indicators, lang)
        redraw()

    @ui.guarded(status, what)
    def pick_regions(change: dict) -> None:
        chosen = list(change["new"] or ())
        for code in chosen:
            checked_choice(code, fc.TREND_REGIONS, lang)
        state["own"] = [code for code in fc.TREND_REGIONS if code in chosen]
        redraw()

    @ui.guarded(status, what)
    def toggle_comparator(_change: dict) -> None:
        state["comparators"] = [code for code in fc.COMPARATORS if toggles[code].value is True]
        redraw()

    @ui.guarded(status, what)
    def pick_show(change: dict) -> None:
        state["show"] = checked_choice(change["new"], ("value", "index"), lang)
        redraw()

    indicator_picker.observe(pick_indicator, names="value")
    region_picker.observe(pick_regions, names="value")
    for box in toggles.values():
        box.observe(toggle_comparator, names="value")
    show_picker.observe(pick_show, names="value")
    comparators = widgets.HBox(
        [widgets.Label(text.t("foundations.widget.comparators", lang)), *toggles.values()]
    )
    comparators.add_class("nqp-trend-comparators")
    controls = widgets.VBox(
        [
            indicator_picker,
            widgets.HBox([region_picker, widgets.VBox([comparators, show_picker])]),
        ]
    )
    return widgets.VBox([controls, status, frame])
