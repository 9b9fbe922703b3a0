"""The scenario lab: policy levers and assumptions driving the model, with charts and readouts.

:class:`ScenarioLab` holds the lab's state — one value per lever *and province*, one value per
assumption, the last preset applied and the region shown — and keeps every widget in step with
it. The state is the single source of truth; widgets only show it and propose changes:

- A slider change is checked (a number, finite, within the parameter's [min, max], a whole number
  where the parameter is one), turned into a candidate state, checked again as a whole scenario
  by the model's strict parser (:func:`helpers.scenario.parse_scenario`), run, and only then
  committed. Anything that fails leaves the state as it was, puts the slider back and shows one
  readable sentence (:func:`helpers.ui.guarded`).
- A preset or a reset sets many sliders at once: the state changes first, the sliders are moved
  while their callbacks are muted, and the model runs **once**.
- Every run is the full model with Monte Carlo draws (:func:`helpers.model.simulate`, seeded, so
  the same settings always show the same bands). The chart (R&D intensity above small
  multiples of the other outputs) is built once; a run sends it only new rows
  (:func:`replace_chart_data`), never a new chart: the intensity rows first, so that the view
  beside the slider is redrawn before the small multiples.

Working ahead
-------------
A run is a pure function of the levers and assumptions, so the lab keeps its last runs
(:data:`RUNS_KEPT`, with each region's chart rows) and shows a kept one again without running
the model. After a slider moved, the kernel's spare time (:class:`helpers.ui.Spare`: never
while the machine is busy) works out the scenarios one and two steps on in the direction it
moved, then one step back, and sends their chart rows to the browser
(:class:`helpers.widgets.ChartFeed`, once the browser has linked it), which keeps the last few
by slider positions. A visitor stepping through a lever with the arrow keys then
sees each step's chart drawn on the key press, and its readouts as soon as the kernel has the
new position, without waiting for the model. What is shown is the same either way: a kept run
is the run. Until the browser has the feed (and in a kernel without a browser) the rows go
through the chart's data channel (:func:`replace_chart_data`).

Levers per province
-------------------
The model takes every lever per province (Liaoning, Jilin, Heilongjiang). The "levers apply to"
switch chooses what a slider edits:

- *all three provinces* (the default): the slider shows the average of the three; moving it
  moves all three by the same amount, so their differences (for example, each province's own
  2023 R&D intensity in the baseline) are kept. Where the three agree, that is simply setting
  the value for all three.
- *one province*: the slider shows and sets that province's value only.

Below each slider a line says which value each province gets.

Sharing the state (issue 6)
---------------------------
:meth:`ScenarioLab.current_scenario` returns the whole state as a small JSON-safe mapping
(``preset``, ``levers``, ``assumptions``, ``region``) in the form of a scenario file, and
:meth:`ScenarioLab.apply_scenario` sets every widget from such a mapping at once, leniently
(:func:`helpers.scenario.parse_scenario_lenient`): what is wrong falls back to its default and is
reported. ``apply_scenario(current_scenario())`` changes nothing.
"""

from __future__ import annotations

import contextlib
import functools
import html
import logging
import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import ipywidgets as widgets
import numpy as np
import pandas as pd

from helpers import charts, text, ui
from helpers.charts import lab as lab_charts
from helpers.model import (
    DEFAULT_SEED,
    NE_PROVINCES,
    Baseline,
    ParameterSet,
    ScenarioError,
    ScenarioResult,
    baseline_levers,
    load_parameters,
    model_equations,
    resolve_assumptions,
    resolve_levers,
    simulate,
)
from helpers.panels import figure
from helpers.panels.lab_controls import (
    ParameterRow,
    group_heading,
    grouped_specs,
    parameter_row,
)
from helpers.panels.lab_text import (
    calibration_table_html,
    equations_html,
    no_policy_hint,
    notices_html,
    parameter_table_html,
    province_values,
    readouts_html,
    section_label,
    table_html,
    warnings_html,
)
from helpers.presets import PRESETS, preset_levers
from helpers.scenario import parse_scenario, parse_scenario_lenient
from helpers.widgets import ChartFeed

log = logging.getLogger("helpers.panels.lab")

#: Regions the lab can show: the three provinces and their aggregate.
LAB_REGIONS: tuple[str, ...] = (*NE_PROVINCES, "NE3")
DEFAULT_REGION = "NE3"
#: "Levers apply to": all three provinces, or one.
ALL_PROVINCES = "all"
SCOPES: tuple[str, ...] = (ALL_PROVINCES, *NE_PROVINCES)
#: Decimals kept for lever values computed from slider moves (finer than any slider step).
VALUE_DECIMALS = 6
#: Callback timings kept (for the benchmark and the report; never asserted in tests).
TIMINGS_KEPT = 200
#: Model runs kept for showing again: the scenario shown and the three worked out ahead (two
#: steps on, and one back: the one before it). Each holds about 0.35 MB (its result and one
#: region's chart rows; measured: six kept runs, 2.3 MB).
RUNS_KEPT = 4
#: Seconds after a move before the kernel starts on the steps either side (the spare-time
#: default is 0.04 s): the sooner their rows reach the browser, the more key presses find them
#: there. Measured, 20 arrow-key presses, 120 ms apart: key press -> chart median 6-7 ms and
#: p95 20-48 ms, against 8-11 ms and 59-65 ms after 0.04 s. The captions and tables of the
#: move (ui.Later, 0.03 s) then come a few milliseconds later, after the first step.
AHEAD_DELAY = 0.015
#: How near the reader comes to the lab's figure (the chart, its caption and tables) before the
#: browser draws it, in a served app. Its top is 910-990 px down a 1280 x 720 to 1440 x 900
#: window, below the first screen; drawing it (two views, eight panels) is the page's longest
#: task (about 95 ms of Vega's 250 ms task that shows the page). With the usual margin of 400 px
#: it was drawn at load on every laptop screen and the levers waited for it. Side by side, eight
#: loads each at 1280 x 720: the lab interactive in 1.20 s (English) and 1.19 s (Chinese) with
#: the figure drawn on the way, 1.32 and 1.44 s without (bare page 1.01-1.03 s). 150 px: the
#: drawing starts after the first ~100 px of scrolling, while the figure is still out of sight.
FIGURE_NEAR_MARGIN = "150px"


def warm_up(baseline: Baseline, parameters: ParameterSet | None = None) -> None:
    """Do the lab's language-independent slow work before a visitor arrives.

    Loads the offline Vega bundle of the charts and runs the model once (filling its caches).
    Call it before :func:`helpers.page.open_page`: in a preheated Voilà kernel it runs while
    the kernel waits.
    """
    parameters = parameters or load_parameters()
    charts._enable_offline()
    simulate(baseline, draws=parameters.monte_carlo.default_draws, parameters=parameters)


def replace_chart_data(
    chart: alt.JupyterChart,
    datasets: Mapping[str, list[dict]],
    rebuild: Callable[[], alt.TopLevelMixin] | None = None,
    params: Mapping[str, Any] | None = None,
    *,
    in_turn: bool = False,
    send: bool = True,
) -> str:
    """Send new rows for named datasets of a live chart, without re-sending the chart.

    Parameters
    ----------
    chart
        The live chart (:func:`helpers.charts.live_chart`).
    datasets
        Dataset name → rows (JSON-safe records); the chart reads them by name
        (``alt.NamedData``).
    rebuild
        Builds the whole chart anew; used only if the data channel is missing (a future Altair).
    params
        Chart parameter name → value, set the usual way (``chart.params``).
    in_turn
        Send each dataset in its own message, in the order given, so that the browser redraws
        the view reading the first one before it has received the rest (otherwise one message
        and one redraw).
    send
        False: the rows reach the browser another way (:class:`helpers.widgets.ChartFeed`);
        parameters are set and the spec is kept up to date all the same.

    Returns
    -------
    str
        ``"data"`` or ``"chart"``: which way the update went.

    Notes
    -----
    Uses the JupyterChart's data channel (the one its VegaFusion mode uses): the browser swaps
    the rows in the running Vega view, in one step for all datasets, and scales and axes follow.

    The rows and parameter values are also written into the widget's spec *in place*, which
    sends nothing to the browser now, so that a view created later (a JupyterLab page reload
    asks the kernel for the widget's state again) starts from what is shown, not from the rows
    the chart was built with.

    A dataset whose rows are those the chart already shows is not sent.

    The browser applies a data update only once the chart is drawn; one arriving earlier is
    lost. A page that sets its state before it is shown therefore rebuilds the chart instead
    (:meth:`ScenarioLab.apply_scenario` does).
    """
    params = dict(params or {})
    if "_py_to_js_updates" not in chart.trait_names():
        if rebuild is None:
            raise RuntimeError("this chart widget cannot take new data")
        chart.chart = rebuild()
        return "chart"
    spec = chart.spec or {}
    if send:
        shown = charts.shown_rows(spec)
        updates = [
            {"namespace": "data", "name": name, "scope": [], "value": rows}
            for name, rows in datasets.items()
            if shown.get(name) != rows
        ]
        for batch in [[u] for u in updates] if in_turn else [updates]:
            if batch:
                chart._py_to_js_updates = batch
    for name, value in params.items():
        if getattr(chart.params, name, value) != value:
            setattr(chart.params, name, value)
    charts.remember_shown(spec, dict(datasets), params)
    return "data"


def scenario_key(levers: Mapping[str, np.ndarray], assumptions: Mapping[str, float]) -> tuple:
    """What a model run depends on besides the baseline, draws and seed, as a hashable key."""
    return (
        tuple(
            (name, tuple(np.asarray(v, dtype=float).tolist())) for name, v in sorted(levers.items())
        ),
        tuple(sorted((name, float(v)) for name, v in assumptions.items())),
    )


@dataclass
class KeptRun:
    """A model run kept by the lab, with the chart rows of each region built from it:
    ``rows[region] = (paths, {"intensity": …, "outputs": …})``."""

    result: ScenarioResult
    rows: dict[str, tuple[pd.DataFrame, dict[str, pd.DataFrame]]] = field(default_factory=dict)


class ScenarioLab:
    """The scenario lab for one page view (one visitor, one language).

    Parameters
    ----------
    baseline
        The calibrated model (:func:`helpers.model.calibrate`).
    panel
        The data panel, for the captions (sources, years and grades behind the calibration).
    lang
        Language of every text (default: the page's).
    parameters
        Defaults to :func:`helpers.model.load_parameters`.
    draws, seed
        Monte Carlo draws per run (default: ``monte_carlo.default_draws`` of the parameter file)
        and the random seed (default: :data:`helpers.model.DEFAULT_SEED`).

    Attributes
    ----------
    main, assumptions_view, model_view : ipywidgets.Widget
        The parts of the page: presets, levers and every output (warnings, readouts, chart);
        the assumptions panel; the equations and tables. ``widget`` holds all three.
    lever_rows, assumption_rows : dict of ParameterRow
        One per lever / assumption of the parameter file, by name (``.slider``, ``.head``,
        and for levers ``.provinces``, the line saying each province's value).
    preset_buttons : dict of Button
        One per preset of :data:`helpers.presets.PRESETS`, by key.
    reset_levers_button, reset_assumptions_button : Button
    region_picker, scope_picker : ToggleButtons
        The region shown; which provinces the lever sliders edit.
    chart : altair.JupyterChart
        The live chart; ``figure`` frames it with its caption (``figure.caption``) and
        ``tables`` (``"intensity"``, ``"outputs"``), its text alternative.
    readouts, warnings, preset_status, notices, status : HTML
        Numbers, model warnings, the active preset, what :meth:`apply_scenario` changed, and
        errors of the last action.
    recomputes : int
        How many times the page's state changed by a model run (a preset: once). A run kept
        from before or worked out ahead counts too; ``runs`` counts the model actually running.
    runs : int
        How many times the model ran, ahead of the visitor included.
    timings : list of dict
        End-to-end time of each callback in Python (ms), newest last.
    """

    def __init__(
        self,
        baseline: Baseline,
        panel: pd.DataFrame,
        lang: str | None = None,
        *,
        parameters: ParameterSet | None = None,
        draws: int | None = None,
        seed: int | None = None,
    ) -> None:
        self.lang = lang or text.get_language()
        self.baseline = baseline
        self.parameters = parameters or load_parameters()
        self.draws = self.parameters.monte_carlo.default_draws if draws is None else int(draws)
        self.seed = DEFAULT_SEED if seed is None else int(seed)
        self.end_year = baseline.end_year
        self.names = dict(baseline.names_zh if self.lang == "zh" else baseline.names_en)
        self.names["NE3"] = text.t("lab.region.ne3", self.lang)
        self._calibration = lab_charts.calibration_note(
            lab_charts.calibration_rows(
                panel,
                baseline.regions,
                self.parameters.calibration.rd_history_start,
                baseline.base_year,
            ),
            self.lang,
        )

        self._baseline_levers = {
            name: np.array([values[r] for r in NE_PROVINCES], dtype=float)
            for name, values in baseline_levers(baseline, self.parameters).items()
        }
        self._levers = {k: v.copy() for k, v in self._baseline_levers.items()}
        self._assumptions = self.parameters.assumption_defaults()
        self._preset: str | None = None
        self._region = DEFAULT_REGION
        self._scope = ALL_PROVINCES
        self._shown: dict[str, float] = {}
        self._muted = 0
        self.recomputes = 0
        self.runs = 0
        self._kept: OrderedDict[tuple, KeptRun] = OrderedDict()
        self._spare = ui.Spare(delay=AHEAD_DELAY)
        #: Within one epoch the same slider positions always give the same state (ChartFeed).
        self._epoch = 0
        self.timings: list[dict[str, float | str]] = []
        #: Called without arguments after every change of state (the share bar keeps the page
        #: address and the link in step).
        self.listeners: list[Callable[[], None]] = []
        self._key = scenario_key(self._levers, self._assumptions)
        self._result = self._run(self._levers, self._assumptions, self._key)
        self.recomputes += 1
        self._build()

    # ------------------------------------------------------------------ state, read-only views
    @property
    def result(self) -> ScenarioResult:
        """The model run behind what the page shows."""
        return self._result

    @property
    def levers(self) -> dict[str, dict[str, float]]:
        """Every lever per province, ``{name: {"CN-LN": …, "CN-JL": …, "CN-HL": …}}``."""
        return {
            name: {r: float(v) for r, v in zip(NE_PROVINCES, values, strict=True)}
            for name, values in self._levers.items()
        }

    @property
    def assumptions(self) -> dict[str, float]:
        return dict(self._assumptions)

    @property
    def preset(self) -> str | None:
        return self._preset

    @property
    def region(self) -> str:
        return self._region

    def chart_rows(self) -> dict[str, pd.DataFrame]:
        """The rows each chart shows now (for exports): ``{"intensity": …, "outputs": …}``."""
        return {k: v.copy() for k, v in self._rows.items()}

    def current_charts(self) -> dict[str, alt.TopLevelMixin]:
        """The charts as Altair charts holding the rows shown now (for PNG/SVG exports):
        ``"intensity"`` and ``"outputs"`` on their own, ``"lab"`` both as on the page."""
        name = self.names[self._region]
        rows = self._rows
        return {
            "intensity": lab_charts.intensity_chart(rows["intensity"], name, self.draws, self.lang),
            "outputs": lab_charts.outputs_chart(
                rows["outputs"], name, self.draws, self.parameters, self.lang
            ),
            "lab": self._chart_spec(),
        }

    # ------------------------------------------------------------------ widgets
    def _build(self) -> None:
        lang = self.lang
        self.status = ui.status_area()
        self._later = ui.Later(self.status, text.t("lab.error.update", self.lang))
        self.notices = widgets.HTML("")
        self.notices.add_class("nqp-lab-notices")

        # presets and reset
        self.preset_buttons: dict[str, widgets.Button] = {}
        for key, preset in PRESETS.items():
            button = widgets.Button(
                description=preset.title_zh if lang == "zh" else preset.title_en,
                tooltip=preset_summary(preset, lang),
                layout=widgets.Layout(width="auto", margin="2px 4px 2px 0"),
            )
            button.add_class("nqp-lab-preset")
            button.add_class(f"nqp-lab-preset-{key}")
            button.on_click(self._guard(lambda _b, key=key: self.apply_preset(key)))
            self.preset_buttons[key] = button
        self.reset_levers_button = widgets.Button(
            description=text.t("lab.reset.levers", lang),
            icon="undo",
            tooltip=text.t("lab.reset.levers_help", lang),
            layout=widgets.Layout(width="auto", margin="2px 0"),
        )
        self.reset_levers_button.add_class("nqp-lab-reset-levers")
        self.reset_levers_button.on_click(self._guard(lambda _b: self.reset_levers()))
        self.preset_status = widgets.HTML("")
        self.preset_status.add_class("nqp-lab-preset-status")

        # region shown, and which provinces the lever sliders edit
        self.region_picker = widgets.ToggleButtons(
            options=[(self.names[r], r) for r in LAB_REGIONS],
            value=self._region,
            description=text.t("lab.region.label", lang),
            style={"description_width": "initial", "button_width": "auto"},
        )
        self.region_picker.add_class("nqp-lab-region")
        self.region_picker.observe(self._guard(self._on_region), names="value")
        self.scope_picker = widgets.ToggleButtons(
            options=[(text.t("lab.scope.all", lang), ALL_PROVINCES)]
            + [(self.names[r], r) for r in NE_PROVINCES],
            value=self._scope,
            description=text.t("lab.scope.label", lang),
            style={"description_width": "initial", "button_width": "auto"},
        )
        self.scope_picker.add_class("nqp-lab-scope")
        self.scope_picker.observe(self._guard(self._on_scope), names="value")
        scope_help = widgets.HTML(
            '<div style="font-size:85%;color:#444;line-height:1.35;margin-bottom:4px">'
            f"{html.escape(text.t('lab.scope.help', lang))}</div>"
        )

        # levers, grouped by the report's measures
        self.lever_rows: dict[str, ParameterRow] = {}
        lever_children: list[widgets.Widget] = [
            widgets.HTML(
                f"<h3 style='margin:4px 0'>{html.escape(text.t('lab.levers.title', lang))}</h3>"
            ),
            self.scope_picker,
            scope_help,
        ]
        for group, specs in grouped_specs(self.parameters, "lever"):
            lever_children.append(group_heading(self.parameters, group, lang))
            for spec in specs:
                row = parameter_row(spec, self._display_value(spec), lang)
                row.slider.observe(self._guard(self._lever_callback(spec)), names="value")
                self.lever_rows[spec.name] = row
                lever_children.append(row.box)
        levers_box = widgets.VBox(
            lever_children, layout=widgets.Layout(width="410px", padding="0 12px 0 0")
        )
        levers_box.add_class("nqp-lab-levers")

        # assumptions, grouped by model block, with their own reset
        self.assumption_rows: dict[str, ParameterRow] = {}
        self.reset_assumptions_button = widgets.Button(
            description=text.t("lab.reset.assumptions", lang),
            icon="undo",
            tooltip=text.t("lab.reset.assumptions_help", lang),
            layout=widgets.Layout(width="auto", align_self="flex-start"),
        )
        self.reset_assumptions_button.add_class("nqp-lab-reset-assumptions")
        self.reset_assumptions_button.on_click(self._guard(lambda _b: self.reset_assumptions()))
        assumption_children: list[widgets.Widget] = [self.reset_assumptions_button, self.status]
        grid_layout = widgets.Layout(
            grid_template_columns="repeat(auto-fill, minmax(340px, 1fr))", grid_gap="0 18px"
        )
        for group, specs in grouped_specs(self.parameters, "assumption"):
            rows = []
            for spec in specs:
                row = parameter_row(spec, self._assumptions[spec.name], lang)
                row.slider.observe(self._guard(self._assumption_callback(spec)), names="value")
                self.assumption_rows[spec.name] = row
                rows.append(row.box)
            grid = widgets.GridBox(rows, layout=grid_layout)
            assumption_children += [group_heading(self.parameters, group, lang), grid]
        self.assumptions_view = widgets.VBox(assumption_children)
        self.assumptions_view.add_class("nqp-lab-assumptions")

        # outputs
        self.readouts = widgets.HTML("")
        self.readouts.add_class("nqp-lab-readouts")
        self.warnings = widgets.HTML("")
        self.warnings.add_class("nqp-lab-warnings")
        self._rows = self._chart_rows(self._region)
        self.chart = charts.live_chart(self._chart_spec(), css_class="nqp-chart-lab")
        self.figure = figure(self.chart, "", None, lang, "nqp-lab-figure")
        self.tables = {key: widgets.HTML("") for key in ("intensity", "outputs")}
        for key, table in self.tables.items():
            table.add_class("nqp-table")
            table.add_class(f"nqp-lab-table-{key}")
        self.figure.children = (*self.figure.children, *self.tables.values())

        # below the first screen of a laptop: drawn as the reader scrolls towards it (see
        # FIGURE_NEAR_MARGIN); in JupyterLab and exports it is the figure itself
        figure_part = ui.when_near(
            self.figure,
            text.t("page.drawn_when_near", lang),
            "1300px",
            FIGURE_NEAR_MARGIN,
            before_show=self._guard(self._send_chart_spec),
        )
        outputs_box = widgets.VBox(
            [self.warnings, self.readouts, figure_part],
            layout=widgets.Layout(flex="1 1 560px", min_width="0"),
        )
        outputs_box.add_class("nqp-lab-outputs-column")
        presets_bar = widgets.HBox(
            [*self.preset_buttons.values(), self.reset_levers_button],
            layout=widgets.Layout(flex_flow="row wrap", align_items="center"),
        )
        presets_bar.add_class("nqp-lab-presets")
        presets_title = widgets.HTML(
            f"<h3 style='margin:4px 0'>{html.escape(text.t('lab.presets.title', lang))}</h3>"
        )
        self.main = widgets.VBox(
            [
                presets_title,
                presets_bar,
                self.preset_status,
                self.region_picker,
                self.status,
                self.notices,
                widgets.HBox(
                    [levers_box, outputs_box],
                    layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"),
                ),
            ]
        )
        self.main.add_class("nqp-lab")

        equations = widgets.HTMLMath(
            equations_html(model_equations(), self.baseline.base_year, self.end_year, lang)
        )
        equations.add_class("nqp-lab-equations")
        table = widgets.HTMLMath(
            parameter_table_html(self.parameters, self.baseline, self.names, lang)
        )
        table.add_class("nqp-lab-parameters")
        calibration = widgets.HTML(calibration_table_html(self.baseline, self.names, lang))
        calibration.add_class("nqp-lab-calibration")
        self.sensitivity = self._sensitivity_view()
        self.model_view = widgets.Accordion(
            children=[equations, table, calibration, self.sensitivity],
            titles=(
                text.t("lab.model.equations", lang),
                text.t("lab.model.parameters", lang),
                text.t("lab.model.calibration", lang),
                text.t("lab.model.sensitivity", lang),
            ),
            selected_index=None,
        )
        self.model_view.add_class("nqp-lab-model")
        self.widget = widgets.VBox([self.main, self.assumptions_view, self.model_view])
        for spec in self.parameters.levers:
            self._show_lever(spec)
        # the rows of the scenarios a step or two away go to the browser ahead (Working ahead)
        self._feed_specs = [*self.parameters.levers, *self.parameters.assumptions]
        rows = {**self.lever_rows, **self.assumption_rows}
        self.feed = ChartFeed(
            sources=[rows[spec.name].slider for spec in self._feed_specs], chart=self.chart
        )
        self.feed.observe(
            self._guard(lambda _change: self._feed_current(drawn=True)), names="linked"
        )
        self._render(charts_built=True)

    # ------------------------------------------------------------------ sensitivity
    def _sensitivity_view(self) -> widgets.VBox:
        """The model's track record in one sentence, and, on request, the tornado of the GDP gain
        of the scenario as it is set (each assumption at the ends of its range in turn)."""
        from helpers.model.validation import HEADLINE_ORIGIN, track_record

        lang = self.lang
        try:
            head = track_record().headline()
            record = text.t(
                "lab.model.record",
                lang,
                origin=HEADLINE_ORIGIN,
                model=text.number(head["model"], 1, lang),
                best=text.number(min(v for k, v in head.items() if k != "model"), 1, lang),
            )
        except (OSError, ValueError, KeyError) as exc:  # the backtest files cannot be read
            record = text.t("lab.model.record_missing", lang, reason=str(exc)[:200])
        link = html.escape(f"06_model_check.ipynb?lang={lang}")
        intro = widgets.HTML(
            f'<p>{html.escape(record)} <a href="{link}">'
            f"{html.escape(text.t('lab.model.record_link', lang))}</a></p>"
            f"<p>{html.escape(text.t('check.tornado.lab_intro', lang))}</p>"
        )
        button = widgets.Button(
            description=text.t("check.tornado.button", lang),
            layout=widgets.Layout(width="auto"),
        )
        button.add_class("nqp-lab-sensitivity-run")
        shown = widgets.VBox([])
        shown.add_class("nqp-lab-sensitivity-result")
        status = ui.status_area()

        @ui.guarded(status, text.t("lab.error.update", lang))
        def run(_button) -> None:
            from helpers.panels.check import tornado_frame

            chart, caption, table = tornado_frame(
                self.baseline,
                self.levers,
                self.assumptions,
                "gdp",
                "change",
                self._region,
                self.parameters,
                lang,
            )
            shown.children = [
                figure(
                    charts.live_chart(chart, css_class="nqp-chart-tornado"),
                    caption,
                    table,
                    lang,
                    name="tornado",
                )
            ]

        button.on_click(run)
        box = widgets.VBox([intro, button, status, shown])
        box.add_class("nqp-lab-sensitivity")
        return box

    # ------------------------------------------------------------------ chart
    def _send_chart_spec(self) -> None:
        """Send the chart's spec, with the rows it shows now, before its first view is made.

        Rows reach a drawn chart as updates of its running view (the feed's, or
        :func:`replace_chart_data`'s), and are written into the kernel's spec without sending
        it. A view made later starts from the browser's copy of the spec: without this it would
        show the rows the chart was built with.
        """
        self.chart.send_state("spec")

    def _chart_spec(self) -> alt.TopLevelMixin:
        return lab_charts.lab_chart(
            self._rows["intensity"],
            self._rows["outputs"],
            self.names[self._region],
            self.draws,
            self.parameters,
            self.lang,
        )

    def _chart_rows(self, region: str) -> dict[str, pd.DataFrame]:
        """The current run's chart rows of ``region`` (kept with the run: built once)."""
        self._paths, rows = self._region_rows(self._key, self._result, region)
        return rows

    def _region_rows(
        self, key: tuple, result: ScenarioResult, region: str
    ) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
        kept = self._kept.get(key)
        if kept is not None and region in kept.rows:
            return kept.rows[region]
        paths = lab_charts.region_paths(result, region)
        made = (
            paths,
            {
                "intensity": lab_charts.intensity_rows(paths, region, self.lang),
                "outputs": lab_charts.output_rows(paths, region, self.parameters, self.lang),
            },
        )
        if kept is not None:
            kept.rows[region] = made
        return made

    # ------------------------------------------------------------------ callbacks
    def _guard(self, callback: Callable) -> Callable:
        return ui.guarded(self.status, text.t("lab.error.update", self.lang))(callback)

    @contextlib.contextmanager
    def _muted_widgets(self) -> Iterator[None]:
        """Widget changes made inside do not call back (a preset moves many sliders)."""
        self._muted += 1
        try:
            yield
        finally:
            self._muted -= 1

    def _lever_callback(self, spec) -> Callable[[dict], None]:
        def on_change(change: dict) -> None:
            if self._muted:
                return
            start = time.perf_counter()
            self._spare.cancel()
            try:
                value = self._checked(spec, change["new"])
                if self._clips(spec, value):  # these positions no longer tell the state alone
                    self._epoch += 1
                self._commit(
                    **self._slider_state(spec, value), action=f"lever:{spec.name}", start=start
                )
            finally:
                self._show_lever(spec)  # where the state is (the average after clipping, or back)
            self._work_ahead(spec, change)

        return on_change

    def _assumption_callback(self, spec) -> Callable[[dict], None]:
        def on_change(change: dict) -> None:
            if self._muted:
                return
            start = time.perf_counter()
            self._spare.cancel()
            try:
                value = self._checked(spec, change["new"])
                self._commit(
                    **self._slider_state(spec, value), action=f"assumption:{spec.name}", start=start
                )
            finally:
                self._show_assumption(spec)
            self._work_ahead(spec, change)

        return on_change

    def _slider_state(self, spec, value: float) -> dict[str, Any]:
        """The candidate state after ``spec``'s slider moved to ``value`` (for :meth:`_commit`)."""
        if spec.kind == "lever":
            return {"levers": {**self._levers, spec.name: self._moved(spec, value)}}
        return {"assumptions": {**self._assumptions, spec.name: value}}

    def _work_ahead(self, spec, change: dict) -> None:
        """In spare time, run the scenarios one and two slider steps on from where ``spec``'s
        slider now is, the way it moved, then one step back, and keep them (see *Working
        ahead*)."""
        rows = self.lever_rows if spec.kind == "lever" else self.assumption_rows
        now = rows[spec.name].slider.value
        old, new = change.get("old"), change.get("new")
        ahead = (
            -1 if isinstance(old, int | float) and isinstance(new, int | float) and new < old else 1
        )
        targets = [now + ahead * spec.step, now + 2 * ahead * spec.step, now - ahead * spec.step]
        self._spare(
            [
                functools.partial(self._run_ahead, spec, round(t, VALUE_DECIMALS))
                for t in targets
                if spec.min <= t <= spec.max
            ]
        )

    def _run_ahead(self, spec, value: float) -> None:
        """Run and keep the scenario of ``spec``'s slider at ``value``, with the shown region's
        chart rows; the page's state is not touched."""
        state = self._slider_state(spec, value)
        levers = state.get("levers", self._levers)
        assumptions = state.get("assumptions", self._assumptions)
        key = scenario_key(levers, assumptions)
        if key not in self._kept:
            self._validate(levers, assumptions)
        result = self._run(levers, assumptions, key)
        _paths, rows = self._region_rows(key, result, self._region)
        if self.feed.linked and not self._clips(spec, value):
            positions = self._positions()
            index = next(i for i, s in enumerate(self._feed_specs) if s.name == spec.name)
            positions[index] = _whole(value) if spec.is_int else value
            self.feed.ahead(
                self._epoch, self._run_name(key, self._region), positions, self._datasets(rows)
            )

    def _on_region(self, change: dict) -> None:
        if not self._muted:
            self.show_region(change["new"])

    def _on_scope(self, change: dict) -> None:
        if not self._muted:
            self.edit_levers_for(change["new"])

    # ------------------------------------------------------------------ actions
    def show_region(self, region: str) -> None:
        """Show ``region`` (``CN-LN``, ``CN-JL``, ``CN-HL`` or ``NE3``): charts, readouts and
        warnings are redrawn from the last model run, which is not repeated."""
        start = time.perf_counter()
        if not isinstance(region, str) or region not in LAB_REGIONS:
            with self._muted_widgets():
                self.region_picker.value = self._region
            raise ValueError(text.t("lab.error.unknown_region", self.lang, value=str(region)[:40]))
        self._region = region
        self._epoch += 1  # other rows for the same positions
        with self._muted_widgets():
            self.region_picker.value = region
        self._render()
        self._record("region", start, None)

    def edit_levers_for(self, scope: str) -> None:
        """Make the lever sliders edit all three provinces (``"all"``) or one (``CN-LN`` …)."""
        if not isinstance(scope, str) or scope not in SCOPES:
            with self._muted_widgets():
                self.scope_picker.value = self._scope
            raise ValueError(text.t("lab.error.unknown_region", self.lang, value=str(scope)[:40]))
        self._scope = scope
        with self._muted_widgets():
            self.scope_picker.value = scope
        for spec in self.parameters.levers:
            self._show_lever(spec)
        self._spare.cancel()  # the steps worked out were for the other sliders' meaning
        self._epoch += 1  # the sliders now mean other values: nothing sent ahead holds
        self._feed_current()

    def apply_preset(self, key: str) -> None:
        """Set the levers to a preset of the report's measures (the rest to the baseline) and
        run the model once."""
        start = time.perf_counter()
        if not isinstance(key, str) or key not in PRESETS:
            raise ValueError(text.t("lab.error.unknown_preset", self.lang, value=str(key)[:40]))
        levers = resolve_levers(preset_levers(key, self.baseline), self.baseline, self.parameters)
        try:
            self._commit(levers=levers, preset=key, action=f"preset:{key}", start=start)
        finally:
            self._show_all_levers()

    def reset_levers(self) -> None:
        """Every lever back to the no-policy baseline (assumptions untouched); one model run."""
        start = time.perf_counter()
        levers = {k: v.copy() for k, v in self._baseline_levers.items()}
        try:
            self._commit(levers=levers, preset=None, action="reset:levers", start=start)
        finally:
            self._show_all_levers()

    def reset_assumptions(self) -> None:
        """Every assumption back to its central value (levers untouched); one model run."""
        start = time.perf_counter()
        try:
            self._commit(
                assumptions=self.parameters.assumption_defaults(),
                action="reset:assumptions",
                start=start,
            )
        finally:
            for spec in self.parameters.assumptions:
                self._show_assumption(spec)

    # ------------------------------------------------------------------ sharing the state
    def current_scenario(self) -> dict[str, Any]:
        """The lab's whole state as a JSON-safe mapping, the form of a scenario file.

        Returns
        -------
        dict
            ``preset``: the last preset applied, or None. ``levers``: every lever that differs
            from the preset (or, without a preset, from the no-policy baseline): one number when
            the three provinces agree, else ``{"CN-LN": …, "CN-JL": …, "CN-HL": …}``.
            ``assumptions``: every assumption that differs from its central value.
            ``region``: the region shown (``CN-LN``, ``CN-JL``, ``CN-HL`` or ``NE3``).
            Without ``region``, the mapping is a valid scenario for
            :func:`helpers.scenario.parse_scenario`.
        """
        reference = self._reference_levers(self._preset)
        levers: dict[str, Any] = {}
        for spec in self.parameters.levers:
            values = self._levers[spec.name]
            if np.allclose(values, reference[spec.name], rtol=0, atol=1e-9):
                continue
            levers[spec.name] = _compact(spec, values)
        defaults = self.parameters.assumption_defaults()
        assumptions = {
            name: _plain(self.parameters[name], value)
            for name, value in self._assumptions.items()
            if not math.isclose(value, defaults[name], rel_tol=0, abs_tol=1e-12)
        }
        return {
            "preset": self._preset,
            "levers": levers,
            "assumptions": assumptions,
            "region": self._region,
        }

    def apply_scenario(self, data: Any) -> list[str]:
        """Set every widget from a scenario mapping at once, leniently, and run the model once.

        Whatever ``data`` leaves out takes its default (levers: the preset's or the baseline's
        value; assumptions: their central value; region: ``NE3``). Unknown keys, values that are
        not numbers and values outside [min, max] fall back to their default; each such change is
        returned (and shown on the page) as a sentence in the page's language. ``name``,
        ``description``, ``draws`` and ``seed`` are accepted and ignored: the lab always runs
        its own number of draws with its own seed.

        Returns
        -------
        list of str
            The notices; empty when everything was taken as given.
        """
        start = time.perf_counter()
        notices: list[str] = []
        if not isinstance(data, Mapping):
            notices.append(text.t("lab.notice.not_mapping", self.lang))
            data = {}
        data = dict(data)
        region = data.pop("region", DEFAULT_REGION)
        if not isinstance(region, str) or region not in LAB_REGIONS:
            notices.append(
                text.t(
                    "lab.notice.region",
                    self.lang,
                    value=repr(region)[:40],
                    default=self.names[DEFAULT_REGION],
                )
            )
            region = DEFAULT_REGION
        scenario, problems = parse_scenario_lenient(data, self.parameters)
        notices += [problem.message(self.lang) for problem in problems]
        levers = resolve_levers(
            scenario.resolved_levers(self.baseline), self.baseline, self.parameters
        )
        assumptions = resolve_assumptions(scenario.assumptions, self.parameters)
        previous_region, self._region = self._region, region
        try:
            self._commit(
                levers=levers,
                assumptions=assumptions,
                preset=scenario.preset,
                action="apply_scenario",
                start=start,
                rebuild_charts=True,
            )
        except Exception:
            self._region = previous_region
            raise
        finally:
            with self._muted_widgets():
                self.region_picker.value = self._region
            self._show_all_levers()
            for spec in self.parameters.assumptions:
                self._show_assumption(spec)
            self.notices.value = notices_html(notices, self.lang)
        return notices

    # ------------------------------------------------------------------ internals
    _UNSET = object()

    def _commit(
        self,
        *,
        levers: dict[str, np.ndarray] | None = None,
        assumptions: dict[str, float] | None = None,
        preset: Any = _UNSET,
        action: str,
        start: float,
        rebuild_charts: bool = False,
    ) -> None:
        """Check a candidate state as a whole scenario, run the model, then make it the state.

        Raises (and changes nothing) if the scenario is invalid or the model gives a number that
        is not finite.
        """
        levers = self._levers if levers is None else levers
        assumptions = self._assumptions if assumptions is None else assumptions
        self._validate(levers, assumptions)
        if not action.startswith(("lever:", "assumption:")):
            self._epoch += 1  # a preset, a reset, a shared scenario: many sliders at once
        checked = time.perf_counter()
        key = scenario_key(levers, assumptions)
        result = self._run(levers, assumptions, key)
        simulated = time.perf_counter()
        self._levers = {k: np.asarray(v, dtype=float) for k, v in levers.items()}
        self._assumptions = dict(assumptions)
        if preset is not self._UNSET:
            self._preset = preset
        self._key, self._result = key, result
        self.recomputes += 1
        self._render(rebuild_charts=rebuild_charts)
        self._record(action, start, (checked, simulated))

    def _validate(self, levers: Mapping[str, np.ndarray], assumptions: Mapping[str, float]) -> None:
        """Check a candidate state as a whole scenario: raises ScenarioError naming the value."""
        scenario = {
            "levers": {
                spec.name: _compact(spec, levers[spec.name]) for spec in self.parameters.levers
            },
            "assumptions": {
                name: _plain(self.parameters[name], value) for name, value in assumptions.items()
            },
        }
        parse_scenario(scenario, self.parameters)  # strict

    def _run(
        self, levers: Mapping[str, np.ndarray], assumptions: Mapping[str, float], key: tuple
    ) -> ScenarioResult:
        """The run of ``key`` (= :func:`scenario_key` of the levers and assumptions): kept from
        before, or run now and kept. Raises, keeping nothing, if a number is not finite."""
        kept = self._kept.get(key)
        if kept is None:
            kept = KeptRun(self._simulate(levers, assumptions))
            self._kept[key] = kept
            while len(self._kept) > RUNS_KEPT:
                self._kept.popitem(last=False)
        else:
            self._kept.move_to_end(key)
        return kept.result

    def _simulate(
        self, levers: Mapping[str, np.ndarray], assumptions: Mapping[str, float]
    ) -> ScenarioResult:
        self.runs += 1
        result = simulate(
            self.baseline,
            {
                name: dict(zip(NE_PROVINCES, np.asarray(values).tolist(), strict=True))
                for name, values in levers.items()
            },
            dict(assumptions),
            draws=self.draws,
            seed=self.seed,
            parameters=self.parameters,
        )
        values = result.series["value"].to_numpy()
        if not np.isfinite(values).all():
            raise ScenarioError([text.t("lab.error.not_finite", self.lang)])
        return result

    def _render(self, rebuild_charts: bool = False, charts_built: bool = False) -> None:
        """Show the current result: chart rows, captions, tables, readouts, warnings.

        ``rebuild_charts`` sends whole new charts (when the state was replaced at once);
        ``charts_built`` says the charts were just built from the current rows.
        """
        lang, region = self.lang, self._region
        name = self.names[region]
        if charts_built:
            pass  # the charts were built from self._rows a moment ago
        elif rebuild_charts:
            self._rows = self._chart_rows(region)
            self.chart.chart = self._chart_spec()
            self._feed_current()
        else:
            self._rows = self._chart_rows(region)
            datasets = self._datasets(self._rows)
            replace_chart_data(
                self.chart,
                dict(datasets),
                self._chart_spec,
                {lab_charts.REGION_PARAM: name},
                in_turn=True,
                send=not self.feed.linked,
            )
            self._feed_current(datasets)
        self.readouts.value = readouts_html(
            lab_charts.year_values(self._paths, region, self.end_year),
            lab_charts.metric_values(self._result, region),
            name,
            self.parameters,
            self.end_year,
            lang,
        )
        self.warnings.value = warnings_html(self._result.warnings, region, self.names, lang)
        self._later(functools.partial(self._render_tables, region))

    @staticmethod
    def _datasets(rows: Mapping[str, pd.DataFrame]) -> list[tuple[str, list[dict]]]:
        """A run's chart rows as the chart's named datasets, the R&D intensity view first."""
        return [
            (lab_charts.INTENSITY_DATA, lab_charts.records(rows["intensity"])),
            (lab_charts.OUTPUTS_DATA, lab_charts.records(rows["outputs"])),
        ]

    def _run_name(self, key: tuple, region: str) -> str:
        """Names what a run's chart rows show, for the browser (:class:`ChartFeed`)."""
        return f"{hash((key, region)) & 0xFFFFFFFFFFFF:x}"

    def _positions(self) -> list[float]:
        """Where the state puts the feed's sliders (levers, then assumptions)."""
        return [
            self._display_value(spec) if spec.kind == "lever" else self._assumptions[spec.name]
            for spec in self._feed_specs
        ]

    def _feed_current(
        self, datasets: list[tuple[str, list[dict]]] | None = None, drawn: bool = False
    ) -> None:
        """Once the browser has the feed: the rows shown and the sliders' positions (``drawn``:
        the browser's chart was just made from them)."""
        if self.feed.linked:
            self.feed.show(
                self._epoch,
                self._run_name(self._key, self._region),
                self._positions(),
                datasets or self._datasets(self._rows),
                drawn=drawn,
            )

    def _render_tables(self, region: str) -> None:
        """The intensity target's no-policy hint, caption, data tables and preset line: just
        after the chart and readouts (ui.Later)."""
        self._show_target_hint()
        self._render_tables_only(region)

    def _render_tables_only(self, region: str) -> None:
        lang, name = self.lang, self.names[region]
        self.figure.caption.value = lab_charts.lab_caption(
            name, self.draws, self.seed, self._calibration, lang
        )
        self.tables["intensity"].value = table_html(
            lab_charts.intensity_table(self._rows["intensity"], lang),
            lang,
            summary=text.t("lab.table.intensity_summary", lang),
        )
        self.tables["outputs"].value = table_html(
            lab_charts.outputs_table(self._rows["outputs"], self.parameters, lang),
            lang,
            summary=text.t("lab.table.outputs_summary", lang),
        )
        self.preset_status.value = self._preset_status_html()

    def _preset_status_html(self) -> str:
        lang = self.lang
        if self._preset is None:
            if self._is_reference(None):
                message = text.t("lab.presets.none", lang)
            else:
                message = text.t("lab.presets.custom", lang)
        else:
            preset = PRESETS[self._preset]
            title = preset.title_zh if lang == "zh" else preset.title_en
            key = (
                "lab.presets.active" if self._is_reference(self._preset) else "lab.presets.modified"
            )
            message = text.t(
                key,
                lang,
                title=title,
                section=section_label(preset.report_section, lang),
                summary=preset_summary(preset, lang),
            )
        return (
            '<div style="font-size:90%;color:#333;background:#f3f6fa;padding:4px 8px;'
            f'margin:2px 0 6px 0;max-width:70em;line-height:1.4">{html.escape(message)}</div>'
        )

    def _record(self, action: str, start: float, marks: tuple[float, float] | None) -> None:
        end = time.perf_counter()
        entry: dict[str, float | str] = {"action": action, "total_ms": (end - start) * 1000}
        if marks is not None:
            checked, simulated = marks
            entry["simulate_ms"] = (simulated - checked) * 1000
            entry["render_ms"] = (end - simulated) * 1000
        self.timings.append(entry)
        del self.timings[:-TIMINGS_KEPT]
        log.debug("lab callback %s", entry)
        for listener in self.listeners:
            listener()

    def _reference_levers(self, preset: str | None) -> dict[str, np.ndarray]:
        if preset is None:
            return self._baseline_levers
        return resolve_levers(preset_levers(preset, self.baseline), self.baseline, self.parameters)

    def _is_reference(self, preset: str | None) -> bool:
        reference = self._reference_levers(preset)
        return all(
            np.allclose(self._levers[name], reference[name], rtol=0, atol=1e-9)
            for name in self._levers
        )

    def _checked(self, spec, raw: Any) -> float:
        """A slider value from the browser, checked against the parameter file."""
        label = spec.label_zh if self.lang == "zh" else spec.label_en
        if isinstance(raw, bool) or not isinstance(raw, int | float | np.integer | np.floating):
            raise ValueError(
                text.t("lab.error.not_number", self.lang, name=label, value=repr(raw)[:40])
            )
        value = float(raw)
        if not math.isfinite(value):
            raise ValueError(
                text.t("lab.error.not_number", self.lang, name=label, value=repr(raw)[:40])
            )
        if not spec.min <= value <= spec.max:
            raise ValueError(
                text.t(
                    "lab.error.out_of_range",
                    self.lang,
                    name=label,
                    value=f"{value:g}",
                    low=f"{spec.min:g}",
                    high=f"{spec.max:g}",
                )
            )
        if spec.is_int and not value.is_integer():
            raise ValueError(
                text.t("lab.error.not_whole", self.lang, name=label, value=f"{value:g}")
            )
        return value

    def _clips(self, spec, value: float) -> bool:
        """Whether moving ``spec``'s slider to ``value`` clips a province at the lever's bound
        (an assumption never does)."""
        return spec.kind == "lever" and self._move(spec, value)[1]

    def _moved(self, spec, value: float) -> np.ndarray:
        """The lever's province values after its slider moved to ``value`` (see module doc)."""
        return self._move(spec, value)[0]

    def _move(self, spec, value: float) -> tuple[np.ndarray, bool]:
        """:meth:`_moved`, and whether a province was clipped at the lever's bound."""
        current = self._levers[spec.name]
        clipped = False
        if spec.per_region and self._scope != ALL_PROVINCES:
            new = current.copy()
            new[NE_PROVINCES.index(self._scope)] = value
        elif spec.per_region and not np.allclose(current, current[0], rtol=0, atol=1e-12):
            shifted = current + value - self._shown.get(spec.name, float(current.mean()))
            new = np.clip(shifted, spec.min, spec.max)
            clipped = bool(np.any(new != shifted))
        else:
            new = np.full(len(NE_PROVINCES), value)
        new = np.round(new, VALUE_DECIMALS)
        return (np.round(new) if spec.is_int else new), clipped

    def _display_value(self, spec) -> float:
        """What the lever's slider shows: the province's value, or the average of the three."""
        values = self._levers[spec.name]
        if spec.per_region and self._scope != ALL_PROVINCES:
            shown = float(values[NE_PROVINCES.index(self._scope)])
        else:
            shown = float(np.round(values.mean(), VALUE_DECIMALS))
        return _whole(shown) if spec.is_int else shown

    def _show_lever(self, spec) -> None:
        row = self.lever_rows[spec.name]
        shown = self._display_value(spec)
        with self._muted_widgets():
            row.slider.value = shown
        self._shown[spec.name] = shown
        if row.provinces is not None:
            row.provinces.value = province_values(
                spec, self._levers[spec.name], self.names, self.lang
            ) + self._target_hint(spec)

    def _target_hint(self, spec) -> str:
        """Under the intensity target: the no-policy level it must beat in each province."""
        if spec.name != "rd_intensity_target" or getattr(self, "_result", None) is None:
            return ""
        years = self._levers["rd_intensity_target_year"]
        levels = {
            region: (
                int(years[i]),
                self._result.value("rd_intensity", region, int(years[i]), "baseline"),
            )
            for i, region in enumerate(NE_PROVINCES)
        }
        return no_policy_hint(levels, self.names, self.lang)

    def _show_target_hint(self) -> None:
        spec = self.parameters["rd_intensity_target"]
        row = self.lever_rows.get(spec.name)
        if row is not None and row.provinces is not None:
            row.provinces.value = province_values(
                spec, self._levers[spec.name], self.names, self.lang
            ) + self._target_hint(spec)

    def _show_all_levers(self) -> None:
        for spec in self.parameters.levers:
            self._show_lever(spec)

    def _show_assumption(self, spec) -> None:
        row = self.assumption_rows[spec.name]
        value = self._assumptions[spec.name]
        with self._muted_widgets():
            row.slider.value = _whole(value) if spec.is_int else float(value)


#: A parenthesis that opens with a quotation: the preset docstrings quote the report there.
_QUOTED = re.compile(r'\s*\("[^()]*\)')


def preset_summary(preset, lang: str) -> str:
    """What a preset changes, in one paragraph: its Chinese summary, or the first two paragraphs
    of its docstring (what it is; what it changes and where in the report it comes from).

    The docstrings quote the report's wording in parentheses, for developers; the page shows
    the report summarised, never quoted, so those parentheses are left out.
    """
    if lang == "zh":
        return preset.summary_zh
    paragraphs = " ".join(preset.description_en.split("\n\n")[:2])
    return " ".join(_QUOTED.sub("", " ".join(paragraphs.split())).split())


def _whole(value: float) -> int:
    return int(np.rint(value))


def _plain(spec, value: float) -> int | float:
    return _whole(value) if spec.is_int else float(value)


def _compact(spec, values: np.ndarray) -> Any:
    """One number when the provinces agree, else a mapping province → number."""
    values = np.asarray(values, dtype=float)
    if not spec.per_region or np.allclose(values, values[0], rtol=0, atol=1e-12):
        return _plain(spec, values[0])
    return {r: _plain(spec, v) for r, v in zip(NE_PROVINCES, values, strict=True)}


def scenario_lab(
    baseline: Baseline, panel: pd.DataFrame, lang: str | None = None, **options: Any
) -> ScenarioLab:
    """Build the scenario lab for one page view (see :class:`ScenarioLab`)."""
    return ScenarioLab(baseline, panel, lang, **options)


__all__ = [
    "ALL_PROVINCES",
    "DEFAULT_REGION",
    "LAB_REGIONS",
    "SCOPES",
    "ScenarioLab",
    "replace_chart_data",
    "scenario_lab",
    "warm_up",
]
