"""Widget panels of the model check: the baseline's track record against history, the evidence
behind the estimated parameters, the tornado of a scenario, and the model's changelog.

Every number comes from the backtest files (``data/model/``), the estimators run on the panel
(:mod:`helpers.model.validation`) or the model itself; the panels only lay them out. Values from
the browser are checked, and every callback is guarded (a failure becomes a sentence).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import pandas as pd

from helpers import charts, text, ui
from helpers.charts import check as cc
from helpers.model import (
    NE_PROVINCES,
    Baseline,
    ParameterSet,
    calibrate,
    load_parameters,
    tornado,
)
from helpers.model.backtest import ORIGINS, SERIES
from helpers.model.validation import (
    COMPARATORS,
    HEADLINE_ORIGIN,
    TrackRecord,
    estimates,
    projection_rows,
    track_record,
)
from helpers.panels import figure
from helpers.panels.foundations import checked_choice, checked_year
from helpers.panels.lab_text import grade_badge
from helpers.presets import PRESETS
from helpers.widgets import FollowValue

#: Decimals of each backtested series in the chart and its table.
DECIMALS = {
    "rd_expenditure": 1,
    "rd_personnel_fte": 0,
    "invention_patents_granted": 0,
    "gdp": 0,
    "rd_intensity": 2,
}
#: Results the tornado can explain: (variable, run).
TORNADO_OUTPUTS = (
    ("gdp", "change"),
    ("invention_patents_granted", "change"),
    ("rd_expenditure", "change"),
    ("rd_intensity", "scenario"),
)
TORNADO_REGIONS = ("NE3", *NE_PROVINCES)
NO_POLICY = "no_policy"

__all__ = ["Prepared", "model_check", "prepare", "tornado_explorer", "tornado_frame"]


@dataclass(frozen=True)
class Prepared:
    """What the page needs, computed once per kernel before any visitor."""

    panel: pd.DataFrame
    baseline: Baseline
    parameters: ParameterSet
    record: TrackRecord
    estimates: pd.DataFrame


def prepare(panel: pd.DataFrame, parameters: ParameterSet | None = None) -> Prepared:
    parameters = parameters or load_parameters()
    baseline = calibrate(panel, parameters=parameters)
    return Prepared(
        panel=panel,
        baseline=baseline,
        parameters=parameters,
        record=track_record(),
        estimates=estimates(panel, parameters, baseline.base_year),
    )


def _num(value: float, decimals: int, lang: str) -> str:
    return text.number(float(value), decimals, lang)


def _signed(value: float, decimals: int, lang: str) -> str:
    shown = _num(value, decimals, lang)
    return shown if shown.startswith(("-", "−")) or float(value) == 0 else "+" + shown


def _table(head: list[str], rows: list[list[str]], css: str, caption: str = "") -> str:
    """A plain, readable HTML table (numbers right-aligned; first column a row header)."""
    cap = f'<caption style="text-align:left;font-weight:600">{html.escape(caption)}</caption>'
    th = "".join(
        f'<th scope="col" style="text-align:{"left" if i == 0 else "right"};padding:2px 8px">'
        f"{html.escape(h)}</th>"
        for i, h in enumerate(head)
    )
    body = "".join(
        "<tr>"
        + "".join(
            (
                f'<th scope="row" style="text-align:left;font-weight:normal;padding:2px 8px">'
                f"{cell}</th>"
                if i == 0
                else f'<td style="text-align:right;padding:2px 8px;white-space:nowrap">{cell}</td>'
            )
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return (
        f'<table class="{css}" style="border-collapse:collapse;line-height:1.4">'
        f"{cap if caption else ''}<thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"
    )


def _method(name: str, lang: str) -> str:
    return text.t(f"check.method.{name}", lang)


def record_html(record: TrackRecord, lang: str) -> str:
    """The headline sentence and the MAPE of every origin for the model and the comparators."""
    head = record.headline()
    best, best_mean = record.best_comparator_mean()
    sentence = text.t(
        "check.record.headline",
        lang,
        origin=HEADLINE_ORIGIN,
        n=record.headline_n,
        model=_num(head["model"], 1, lang),
        random_walk=_num(head["random_walk"], 1, lang),
        own_drift=_num(head["own_drift"], 1, lang),
        national_drift=_num(head["national_drift"], 1, lang),
        mean=_num(record.by_origin.loc["mean", "model"], 1, lang),
        best=_method(best, lang),
        best_mean=_num(best_mean, 1, lang),
        first=ORIGINS[0],
        last=ORIGINS[-1],
        coverage=_num(record.coverage, 0, lang),
        coverage_loo=_num(record.coverage_loo, 0, lang),
        values=record.n_values,
    )
    rows = []
    for origin, values in record.by_origin.iterrows():
        label = {
            "mean": text.t("check.record.row.mean", lang),
            "pooled": text.t("check.record.row.pooled", lang, n=record.n_values),
        }.get(str(origin), str(origin))
        lowest = values.idxmin()
        cells = [html.escape(label)]
        for method in ("model", *COMPARATORS):
            shown = _num(values[method], 1, lang)
            cells.append(f"<strong>{shown}</strong>" if method == lowest else shown)
        rows.append(cells)
    table = _table(
        [
            text.t("check.record.col.origin", lang),
            *(_method(m, lang) for m in ("model", *COMPARATORS)),
        ],
        rows,
        "nqp-check-record",
        text.t("check.record.caption", lang),
    )
    note = text.t("check.record.note", lang)
    return (
        f'<p class="nqp-check-headline" style="line-height:1.5;max-width:62em">'
        f"{html.escape(sentence)}</p>{table}"
        f'<p style="font-size:90%;color:#444;max-width:62em;line-height:1.45">'
        f"{html.escape(note)}</p>"
    )


def horizon_html(record: TrackRecord, lang: str) -> str:
    """Error, bias and band coverage by years ahead."""
    rows = []
    for horizon, r in record.by_horizon.iterrows():
        rows.append(
            [
                str(horizon),
                *(_num(r[m], 1, lang) for m in ("model", *COMPARATORS)),
                _signed(r["bias"], 1, lang),
                _num(r["coverage"], 0, lang),
                _num(r["coverage_loo"], 0, lang),
                str(int(r["n"])),
            ]
        )
    head = [
        text.t("check.horizon.col.horizon", lang),
        *(_method(m, lang) for m in ("model", *COMPARATORS)),
        text.t("check.horizon.col.bias", lang),
        text.t("check.horizon.col.coverage", lang),
        text.t("check.horizon.col.coverage_loo", lang),
        text.t("check.horizon.col.n", lang),
    ]
    return _table(head, rows, "nqp-check-horizon", text.t("check.horizon.caption", lang))


def estimates_html(table: pd.DataFrame, parameters: ParameterSet, lang: str) -> str:
    """The estimated parameters beside their defaults, with their intervals."""
    rows = []
    for _, r in table.iterrows():
        if r["parameter"] in parameters.by_name:
            spec = parameters[r["parameter"]]
            label = spec.label_zh if lang == "zh" else spec.label_en
        else:  # derived at calibration, not a slider
            label = text.t(f"check.estimates.{r['parameter']}", lang)
        default = r["default"]
        rows.append(
            [
                html.escape(f"{label} ({r['parameter']})"),
                _num(default, 2, lang)
                if pd.notna(default)
                else html.escape(text.t("check.estimates.at_calibration", lang)),
                _num(r["estimate"], 2, lang),
                f"{_num(r['ci_low'], 2, lang)} – {_num(r['ci_high'], 2, lang)}",
                html.escape(
                    f"{r['n_obs']} / {r['n_provinces']}, {r['first_year']}–{r['last_year']}"
                ),
                grade_badge(r["grade"], lang),
            ]
        )
    head = [
        text.t("check.estimates.col.parameter", lang),
        text.t("check.estimates.col.default", lang),
        text.t("check.estimates.col.estimate", lang),
        text.t("check.estimates.col.interval", lang),
        text.t("check.estimates.col.sample", lang),
        text.t("check.estimates.col.grade", lang),
    ]
    return _table(head, rows, "nqp-check-estimates", text.t("check.estimates.caption", lang))


def sensitivity_html(record: TrackRecord, parameters: ParameterSet, lang: str) -> str:
    """The headline error at other settings of the damping and the national pull."""
    defaults = (parameters["trend_damping"].default, parameters["national_pull"].default)
    rows = []
    for _, r in record.sensitivity.iterrows():
        chosen = (r["trend_damping"], r["national_pull"]) == defaults
        mark = (lambda s: f"<strong>{s}</strong>") if chosen else (lambda s: s)
        rows.append(
            [
                mark(_num(r["trend_damping"], 2, lang)),
                mark(_num(r["national_pull"], 2, lang)),
                mark(_num(r["mape_2018"], 1, lang)),
                mark(_num(r["mape_mean_over_origins"], 1, lang)),
            ]
        )
    head = [
        text.t("check.sensitivity.col.damping", lang),
        text.t("check.sensitivity.col.pull", lang),
        text.t("check.sensitivity.col.headline", lang, origin=HEADLINE_ORIGIN),
        text.t("check.sensitivity.col.mean", lang),
    ]
    return _table(head, rows, "nqp-check-sensitivity", text.t("check.sensitivity.caption", lang))


def changelog_html(parameters: ParameterSet, lang: str) -> str:
    """The model's version and what changed in each version, newest first."""
    parts = [
        f"<p><strong>{html.escape(text.t('check.version', lang, version=parameters.model.version))}"
        "</strong></p>"
    ]
    for change in parameters.model.changelog:
        items = change.changes_zh if lang == "zh" else change.changes_en
        style = "line-height:1.45;margin-bottom:4px"
        lis = "".join(f'<li style="{style}">{html.escape(" ".join(i.split()))}</li>' for i in items)
        head = text.t("check.changelog.entry", lang, version=change.version, date=change.date)
        parts.append(f"<h4>{html.escape(head)}</h4><ul>{lis}</ul>")
    return '<div class="nqp-check-changelog" style="max-width:62em">' + "".join(parts) + "</div>"


# ------------------------------------------------------------------------ the backtest chart


def _region_pick(baseline, regions, value: str, lang: str, css_class: str) -> widgets.Dropdown:
    """A dropdown of ``regions`` by name in the reader's language."""
    names = baseline.names_zh if lang == "zh" else baseline.names_en
    pick = widgets.Dropdown(
        options=[(names[r], r) for r in regions],
        value=value,
        description=text.t("check.widget.region", lang),
        style={"description_width": "initial"},
        layout=widgets.Layout(width="300px"),
    )
    pick.add_class(css_class)
    return pick


def _series_label(parameters: ParameterSet, key: str, lang: str) -> tuple[str, str]:
    spec = parameters.output_by_name[SERIES[key][0]]
    label = spec.label_zh if lang == "zh" else spec.label_en
    unit = spec.unit_zh if lang == "zh" else spec.unit
    return label, unit


def backtest_explorer(prepared: Prepared, lang: str) -> widgets.VBox:
    """Pick a series and a province; slide through the origins: the projection from each origin
    with its band, against what happened."""
    baseline, parameters = prepared.baseline, prepared.parameters
    series_keys = list(SERIES)
    state: dict[str, Any] = {
        "series": series_keys[0],
        "region": NE_PROVINCES[0],
        "origin": HEADLINE_ORIGIN,
    }

    def rows() -> pd.DataFrame:
        raw = projection_rows(prepared.record, prepared.panel, state["series"], state["region"])
        return cc.backtest_rows(raw, DECIMALS[state["series"]], lang)

    def build_chart(shown: pd.DataFrame):
        label, unit = _series_label(parameters, state["series"], lang)
        name = (
            baseline.names_zh[state["region"]]
            if lang == "zh"
            else baseline.names_en[state["region"]]
        )
        title = text.t("check.chart.title", lang, series=label, region=name)
        return cc.backtest_chart(shown, state["origin"], title, unit, lang)

    def caption(shown: pd.DataFrame) -> str:
        f = prepared.record.forecasts
        part = f[
            (f["series"] == state["series"])
            & (f["region"] == state["region"])
            & (f["origin"] == state["origin"])
        ]
        err = float((part["model"] / part["actual"] - 1).abs().mean() * 100)
        covered = float(((part["actual"] >= part["p10"]) & (part["actual"] <= part["p90"])).mean())
        sentence = text.t(
            "check.chart.caption",
            lang,
            origin=state["origin"],
            last=int(part["year"].max()),
            mape=_num(err, 1, lang),
            inside=round(covered * len(part)),
            n=len(part),
        )
        note = text.t("check.chart.breaks", lang) if part["crosses_break"].any() else ""
        source = text.t("check.chart.source", lang)
        body = " ".join(x for x in (sentence, note, source) if x)
        return (
            '<p class="nqp-caption-source" style="font-size:90%;color:#444;max-width:62em;'
            f'line-height:1.45">{html.escape(body)}</p>'
        )

    shown = rows()
    chart = charts.live_chart(build_chart(shown), css_class="nqp-chart-backtest")
    series_pick = widgets.Dropdown(
        options=[(_series_label(parameters, k, lang)[0], k) for k in series_keys],
        value=state["series"],
        description=text.t("check.widget.series", lang),
        style={"description_width": "initial"},
        layout=widgets.Layout(width="460px", max_width="100%"),
    )
    series_pick.add_class("nqp-check-series")
    region_pick = _region_pick(baseline, NE_PROVINCES, state["region"], lang, "nqp-check-region")
    origin_slider = widgets.IntSlider(
        value=state["origin"],
        min=ORIGINS[0],
        max=ORIGINS[-1],
        step=1,
        description=text.t("check.widget.origin", lang),
        style={"description_width": "initial"},
        continuous_update=True,
        layout=widgets.Layout(width="420px"),
    )
    origin_slider.add_class("nqp-check-origin")
    follow = FollowValue(
        source=origin_slider, chart=chart, param=cc.ORIGIN_PARAM, values=list(ORIGINS)
    )
    frame = figure(
        chart,
        caption(shown),
        cc.backtest_table(shown, state["origin"], lang),
        lang,
        name="backtest",
    )
    status = ui.status_area()
    later = ui.Later(status, text.t("error.redraw", lang))

    def texts() -> None:
        current = rows()
        frame.caption.value = caption(current)
        frame.set_table(cc.backtest_table(current, state["origin"], lang))

    @ui.guarded(status, text.t("error.redraw", lang))
    def pick_origin(change: dict) -> None:
        state["origin"] = checked_year(change["new"], list(ORIGINS), lang)
        follow.set(state["origin"])
        later(texts)

    @ui.guarded(status, text.t("error.redraw", lang))
    def pick_view(change: dict) -> None:
        state["series"] = checked_choice(series_pick.value, series_keys, lang)
        state["region"] = checked_choice(region_pick.value, list(NE_PROVINCES), lang)
        current = rows()
        chart.chart = build_chart(current)
        frame.caption.value = caption(current)
        frame.set_table(cc.backtest_table(current, state["origin"], lang))

    origin_slider.observe(pick_origin, names="value")
    series_pick.observe(pick_view, names="value")
    region_pick.observe(pick_view, names="value")
    controls = widgets.HBox([series_pick, region_pick], layout=widgets.Layout(flex_flow="row wrap"))
    box = widgets.VBox([controls, origin_slider, status, frame, follow])
    box.add_class("nqp-check-backtest")
    return box


# ------------------------------------------------------------------------ the tornado


def _output_label(parameters: ParameterSet, variable: str, run: str, lang: str) -> tuple[str, str]:
    spec = parameters.output_by_name[variable]
    label = spec.label_zh if lang == "zh" else spec.label_en
    unit = spec.unit_zh if lang == "zh" else spec.unit
    if run == "change":
        label = text.t("check.tornado.change_of", lang, label=label)
    return label, unit


def tornado_frame(
    baseline: Baseline,
    levers: Mapping[str, Any] | None,
    assumptions: Mapping[str, Any] | None,
    variable: str,
    run: str,
    region: str,
    parameters: ParameterSet,
    lang: str,
) -> tuple[Any, str, pd.DataFrame]:
    """The tornado of one result: (chart, caption HTML, reader's table)."""
    table = tornado(
        baseline,
        levers,
        assumptions,
        variable=variable,
        run=run,
        region=region,
        parameters=parameters,
    )
    label, unit = _output_label(parameters, variable, run, lang)
    name = baseline.names_zh[region] if lang == "zh" else baseline.names_en[region]
    title = text.t("check.tornado.title", lang, output=label, region=name, year=baseline.end_year)
    decimals = 2 if variable == "rd_intensity" else 0
    chart = cc.tornado_chart(table, title, unit, lang)
    top = cc.tornado_rows(table, lang, decimals)
    if len(top) and float(top["swing"].iloc[0]) > 0:
        caption = text.t(
            "check.tornado.caption",
            lang,
            central=_num(top["central"].iloc[0], decimals, lang),
            unit=unit,
            first=top["label"].iloc[0],
            swing=top["swing_text"].iloc[0],
        )
    else:
        caption = text.t("check.tornado.flat", lang)
    caption_html = (
        '<p class="nqp-caption-source" style="font-size:90%;color:#444;max-width:62em;'
        f'line-height:1.45">{html.escape(caption)}</p>'
    )
    return chart, caption_html, cc.tornado_table(table, lang, decimals)


def tornado_explorer(prepared: Prepared, lang: str) -> widgets.VBox:
    """The tornado of a preset's result: pick the preset, the result and the region."""
    baseline, parameters = prepared.baseline, prepared.parameters
    presets = [NO_POLICY, *PRESETS]
    state = {"preset": "combined_package", "output": 0, "region": "NE3"}

    def levers():
        return None if state["preset"] == NO_POLICY else PRESETS[state["preset"]].levers(baseline)

    def compute():
        variable, run = TORNADO_OUTPUTS[state["output"]]
        return tornado_frame(
            baseline, levers(), None, variable, run, state["region"], parameters, lang
        )

    chart_spec, caption, table = compute()
    chart = charts.live_chart(chart_spec, css_class="nqp-chart-tornado")
    preset_pick = widgets.Dropdown(
        options=[
            (
                text.t("check.tornado.no_policy", lang)
                if key == NO_POLICY
                else (PRESETS[key].title_zh if lang == "zh" else PRESETS[key].title_en),
                key,
            )
            for key in presets
        ],
        value=state["preset"],
        description=text.t("check.widget.preset", lang),
        style={"description_width": "initial"},
        layout=widgets.Layout(width="460px", max_width="100%"),
    )
    preset_pick.add_class("nqp-check-preset")
    output_pick = widgets.Dropdown(
        options=[
            (_output_label(parameters, v, r, lang)[0], i)
            for i, (v, r) in enumerate(TORNADO_OUTPUTS)
        ],
        value=state["output"],
        description=text.t("check.widget.output", lang),
        style={"description_width": "initial"},
        layout=widgets.Layout(width="460px", max_width="100%"),
    )
    output_pick.add_class("nqp-check-output")
    region_pick = _region_pick(
        baseline, TORNADO_REGIONS, state["region"], lang, "nqp-check-tornado-region"
    )
    frame = figure(chart, caption, table, lang, name="tornado")
    status = ui.status_area()

    @ui.guarded(status, text.t("error.redraw", lang))
    def pick(change: dict) -> None:
        state["preset"] = checked_choice(preset_pick.value, presets, lang)
        state["output"] = checked_choice(output_pick.value, list(range(len(TORNADO_OUTPUTS))), lang)
        state["region"] = checked_choice(region_pick.value, list(TORNADO_REGIONS), lang)
        spec, caption_now, table_now = compute()
        chart.chart = spec
        frame.caption.value = caption_now
        frame.set_table(table_now)

    for w in (preset_pick, output_pick, region_pick):
        w.observe(pick, names="value")
    controls = widgets.HBox(
        [preset_pick, output_pick, region_pick], layout=widgets.Layout(flex_flow="row wrap")
    )
    box = widgets.VBox([controls, status, frame])
    box.add_class("nqp-check-tornado")
    return box


@dataclass
class CheckPage:
    record: widgets.HTML
    backtest: widgets.VBox
    horizon: widgets.HTML
    estimates: widgets.HTML
    sensitivity: widgets.HTML
    tornado: widgets.VBox
    changelog: widgets.HTML


def model_check(prepared: Prepared, lang: str | None = None) -> CheckPage:
    """Every view of the model-check page in one language."""
    lang = lang or text.get_language()

    def html_widget(value: str, css: str) -> widgets.HTML:
        w = widgets.HTML(value)
        w.add_class(css)
        return w

    return CheckPage(
        record=html_widget(record_html(prepared.record, lang), "nqp-check-record-box"),
        backtest=backtest_explorer(prepared, lang),
        horizon=html_widget(horizon_html(prepared.record, lang), "nqp-check-horizon-box"),
        estimates=html_widget(
            estimates_html(prepared.estimates, prepared.parameters, lang), "nqp-check-estimates-box"
        ),
        sensitivity=html_widget(
            sensitivity_html(prepared.record, prepared.parameters, lang),
            "nqp-check-sensitivity-box",
        ),
        tornado=tornado_explorer(prepared, lang),
        changelog=html_widget(changelog_html(prepared.parameters, lang), "nqp-check-changelog-box"),
    )
