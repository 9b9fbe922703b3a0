"""HTML pieces of the scenario lab: parameter labels, readouts, warnings, equations, tables.

Pure functions: values in, an HTML string out (every piece of text escaped). The lab panel
(:mod:`helpers.panels.lab`) puts them into HTML widgets.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from helpers import text
from helpers.charts.lab import DECIMALS, number, output_label, series_label
from helpers.model import NE_PROVINCES, Baseline, ModelWarning, ParameterSet
from helpers.model.parameters import ParameterSpec

#: Badge colours of the evidence grades (Okabe–Ito, text dark enough on a light fill).
GRADE_STYLE = {
    "read": ("#009E73", "#e6f5f0"),
    "derived": ("#0072B2", "#e5f1f8"),
    "judgement": ("#B35900", "#fdf0e1"),
}
GRADE_KEYS = {
    "read": "lab.grade.read",
    "derived": "lab.grade.derived",
    "judgement": "lab.grade.judgement",
}
GRADE_HELP_KEYS = {
    "read": "lab.grade.read_help",
    "derived": "lab.grade.derived_help",
    "judgement": "lab.grade.judgement_help",
}
#: Model blocks (parameters.md) → key of their name.
BLOCK_KEYS = {
    "A": "lab.block.a",
    "B": "lab.block.b",
    "C": "lab.block.c",
    "D": "lab.block.d",
    "E": "lab.block.e",
    "F": "lab.block.f",
    "G": "lab.block.g",
    "H": "lab.block.h",
}


def esc(value: object) -> str:
    return html.escape(str(value))


def grade_badge(grade: str, lang: str) -> str:
    """A small labelled badge for an evidence grade; judgement is visibly marked as such."""
    border, fill = GRADE_STYLE[grade]
    return (
        f'<span class="nqp-grade nqp-grade-{esc(grade)}" '
        f'title="{esc(text.t(GRADE_HELP_KEYS[grade], lang))}" '
        f'style="display:inline-block;border:1px solid {border};background:{fill};color:#222;'
        f'border-radius:8px;padding:0 6px;font-size:80%;margin-left:4px;white-space:nowrap">'
        f"{esc(text.t(GRADE_KEYS[grade], lang))}</span>"
    )


def with_unit(label: str, unit: str, lang: str) -> str:
    """``R&D spending (CNY 100 million)`` / ``研发经费（亿元）``."""
    return text.t("lab.chart.panel_title", lang, label=label, unit=unit)


def bracketed(value: str, lang: str) -> str:
    """``(value)`` in English, ``（value）`` in Chinese."""
    return f"（{value}）" if lang == "zh" else f"({value})"


_SECTION = re.compile(r"^Section (\d+), measures? (.+)$")


def section_label(section: str, lang: str) -> str:
    """A part of the report as the parameter file and presets name it ("Section 3, measure 1"),
    in ``lang``; anything else unchanged."""
    match = _SECTION.match(section.strip())
    if not match:
        return section
    return text.t("lab.report_section", lang, part=match.group(1), measures=match.group(2))


def spec_label(spec: ParameterSpec, lang: str) -> str:
    return spec.label_zh if lang == "zh" else spec.label_en


def spec_unit(spec: ParameterSpec, lang: str) -> str:
    return spec.unit_zh if lang == "zh" else spec.unit


def spec_description(spec: ParameterSpec, lang: str) -> str:
    return spec.description_zh if lang == "zh" else spec.description_en


def parameter_head(spec: ParameterSpec, lang: str, extra: str = "") -> str:
    """Name, unit and grade of a lever or assumption, with its description and source one click
    away (a ``<details>`` element: no round trip to the kernel).

    ``extra`` is a further sentence inside the details (e.g. the Monte Carlo range).
    """
    source = text.t("lab.info.source", lang, source=spec.source)
    body = f"<p style='margin:2px 0'>{esc(spec_description(spec, lang))}</p>"
    body += f"<p style='margin:2px 0;color:#444'>{esc(source)}</p>"
    if extra:
        body += f"<p style='margin:2px 0;color:#444'>{esc(extra)}</p>"
    return (
        f'<div class="nqp-lab-param-head nqp-lab-head-{esc(spec.name)}" style="line-height:1.35">'
        f'<span style="font-weight:600">{esc(spec_label(spec, lang))}</span> '
        f'<span style="color:#555">{esc(bracketed(spec_unit(spec, lang), lang))}</span>'
        f"{grade_badge(spec.grade, lang)}"
        f'<details class="nqp-lab-info" style="font-size:88%;margin:1px 0 0 0">'
        f'<summary style="cursor:pointer;color:#0b5394">{esc(text.t("lab.info.summary", lang))}'
        f"</summary>"
        f'<div style="background:#f6f8fa;border-left:3px solid #ccc;padding:4px 8px;'
        f'max-width:40em">{body}</div></details></div>'
    )


def monte_carlo_note(spec: ParameterSpec, lang: str) -> str:
    """'Drawn in the Monte Carlo from low–high (triangular, mode = the slider)' or ''."""
    if not spec.drawn or spec.range is None:
        return ""
    return text.t(
        "lab.info.drawn",
        lang,
        low=f"{spec.range.low:g}",
        high=f"{spec.range.high:g}",
    )


def format_value(value: float, step: float, is_int: bool, lang: str) -> str:
    """A lever or assumption value with as many decimals as its slider step."""
    if is_int:
        return str(int(np.rint(value)))
    return number(value, step_decimals(step), lang)


def step_decimals(step: float) -> int:
    """Decimals needed to show multiples of ``step`` (0.05 → 2, 0.0025 → 4, 100 → 0)."""
    for decimals in range(0, 7):
        if abs(round(step, decimals) - step) < 1e-12:
            return decimals
    return 6


def province_values(
    spec: ParameterSpec, values: np.ndarray, names: Mapping[str, str], lang: str
) -> str:
    """The value the model uses in each province (one line, or one value when all agree)."""
    shown = [format_value(v, spec.step, spec.is_int, lang) for v in values]
    if len(set(shown)) == 1:
        body = text.t("lab.levers.all_equal", lang, value=shown[0])
    else:
        body = " · ".join(f"{esc(names[r])} {v}" for r, v in zip(NE_PROVINCES, shown, strict=True))
        body = text.t("lab.levers.per_province", lang, values=body)
    return (
        f'<div class="nqp-lab-provinces nqp-lab-provinces-{esc(spec.name)}" '
        f'style="font-size:85%;color:#444;margin:-2px 0 4px 0;line-height:1.3">{esc(body)}</div>'
    )


def no_policy_hint(
    levels: Mapping[str, tuple[int, float]], names: Mapping[str, str], lang: str
) -> str:
    """Under the intensity target: the no-policy intensity of each province in its target year,
    below which a target adds nothing (``levels``: region → (target year, intensity))."""
    body = " · ".join(
        f"{esc(names[r])} {text.number(v, 2, lang)}% ({y})" for r, (y, v) in levels.items()
    )
    return (
        '<div class="nqp-lab-no-policy" style="font-size:85%;color:#444;margin:0 0 4px 0;'
        f'line-height:1.3">{esc(text.t("lab.levers.no_policy_path", lang, values=body))}</div>'
    )


# ------------------------------------------------------------------------------ readouts


def _num(value: float, decimals: int, lang: str) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return number(value, decimals, lang)


def _signed(value: float, decimals: int, lang: str) -> str:
    """``+1.20``, ``−0.35`` or ``±0.00`` (a change that rounds to zero has no sign)."""
    if value is None or not math.isfinite(value):
        return "—"
    shown = number(abs(value), decimals, lang)
    if round(abs(value), decimals) == 0:
        return "±" + shown
    return ("+" if value > 0 else "−") + shown


def _year(value: float, end_year: int, lang: str) -> str:
    if value is None or not math.isfinite(value):
        return text.t("lab.readout.not_by", lang, year=end_year)
    return str(int(value))


def _band(lo: str, hi: str, central: str, lang: str) -> str:
    """`` (lo to hi)``, or nothing when every run gives the same."""
    if lo == hi == central:
        return ""
    return " " + text.t("lab.readout.band", lang, lo=lo, hi=hi)


def readouts_html(
    values: Mapping[tuple[str, str, str], float],
    metrics: Mapping[tuple[str, str, str], float],
    region_name: str,
    parameters: ParameterSet,
    end_year: int,
    lang: str,
) -> str:
    """The lab's numeric readouts for one region (HTML table).

    ``values`` are the region's numbers in ``end_year`` (:func:`helpers.charts.lab.year_values`)
    and ``metrics`` its summary numbers (:func:`helpers.charts.lab.metric_values`).

    Rows: R&D intensity and the gap to the national average in the end year; the years of
    parity with the national average and with Jiangsu; R&D spending, R&D personnel, invention
    patents and GDP in the end year; cumulative extra R&D and GDP. Columns: baseline, scenario,
    change (with P10–P90 of the Monte Carlo draws). Every value cell carries
    ``data-readout="<name>-<column>"`` so that tests can read it.
    """
    nan = float("nan")
    rows: list[tuple[str, str, str, str, str]] = []

    def get(variable, run, stat="central"):
        return values.get((variable, run, stat), nan)

    def change_cell(central, lo, hi, decimals):
        shown = _signed(central, decimals, lang)
        return shown + _band(_signed(lo, decimals, lang), _signed(hi, decimals, lang), shown, lang)

    def level_row(variable):
        label, unit = output_label(parameters, variable, lang)
        decimals = DECIMALS[variable]
        change = change_cell(
            get(variable, "change"),
            get(variable, "change", "p10"),
            get(variable, "change", "p90"),
            decimals,
        )
        rows.append(
            (
                variable,
                with_unit(label, unit, lang),
                _num(get(variable, "baseline"), decimals, lang),
                _num(get(variable, "scenario"), decimals, lang),
                change,
            )
        )

    level_row("rd_intensity")

    # Gap to the national average: the model has its baseline and scenario runs; the change is
    # their difference (the national path is the same in both).
    gap = "gap_to_national"
    label, unit = output_label(parameters, gap, lang)
    decimals = DECIMALS[gap]
    base = get(gap, "baseline")
    change = change_cell(
        get(gap, "scenario") - base,
        get(gap, "scenario", "p10") - base,
        get(gap, "scenario", "p90") - base,
        decimals,
    )
    rows.append(
        (
            gap,
            with_unit(label, unit, lang),
            _num(base, decimals, lang),
            _num(get(gap, "scenario"), decimals, lang),
            change,
        )
    )

    for name in ("parity_year_national", "parity_year_jiangsu"):
        spec = parameters.metric_by_name[name]
        scen = _year(metrics.get((name, "scenario", "central"), nan), end_year, lang)
        band = _band(
            _year(metrics.get((name, "scenario", "p10"), nan), end_year, lang),
            _year(metrics.get((name, "scenario", "p90"), nan), end_year, lang),
            scen,
            lang,
        ).strip()
        rows.append(
            (
                name,
                spec.label_zh if lang == "zh" else spec.label_en,
                _year(metrics.get((name, "baseline", "central"), nan), end_year, lang),
                scen,
                band or "—",
            )
        )

    for variable in ("rd_expenditure", "rd_personnel_fte", "invention_patents_granted", "gdp"):
        level_row(variable)

    for name in ("cumulative_extra_rd", "cumulative_gdp_gain"):
        spec = parameters.metric_by_name[name]
        unit = spec.unit_zh if lang == "zh" else spec.unit
        label = spec.label_zh if lang == "zh" else spec.label_en
        change = change_cell(
            metrics.get((name, "change", "central"), nan),
            metrics.get((name, "change", "p10"), nan),
            metrics.get((name, "change", "p90"), nan),
            0,
        )
        rows.append((name, with_unit(label, unit, lang), "—", "—", change))

    head = "".join(
        f'<th scope="col" style="text-align:{align};padding:2px 8px">{esc(t)}</th>'
        for t, align in (
            (text.t("lab.readout.what", lang, year=end_year), "left"),
            (series_label("baseline", lang), "right"),
            (series_label("scenario", lang), "right"),
            (text.t("lab.readout.change", lang), "right"),
        )
    )
    body = "".join(
        '<tr style="border-bottom:1px solid #eee">'
        '<th scope="row" style="text-align:left;font-weight:normal;padding:2px 8px">'
        f"{esc(label)}</th>"
        + "".join(
            f'<td data-readout="{esc(name)}-{col}" style="text-align:right;padding:2px 8px;'
            f'white-space:nowrap">{esc(cell)}</td>'
            for col, cell in zip(("baseline", "scenario", "change"), cells, strict=True)
        )
        + "</tr>"
        for name, label, *cells in rows
    )
    caption = text.t("lab.readout.caption", lang, region=region_name, year=end_year)
    return (
        '<table class="nqp-lab-readout-table" style="border-collapse:collapse;font-size:92%;'
        'line-height:1.35">'
        f'<caption style="text-align:left;font-weight:600;padding:2px 8px">{esc(caption)}</caption>'
        f'<thead style="border-bottom:1px solid #bbb"><tr>{head}</tr></thead><tbody>{body}</tbody>'
        "</table>"
    )


_NUMERIC = re.compile(r"^[+−-]?[\d,.]+%?$|^—$")


def table_html(
    table: pd.DataFrame, lang: str, max_rows: int = 200, summary: str | None = None
) -> str:
    """A chart's numbers as a collapsible HTML table (its text alternative).

    The same markup as :func:`helpers.panels.data_table_html` (``<details>`` with a
    ``nqp-data-table``), written directly: the lab rewrites its tables on every slider move and
    ``DataFrame.to_html`` is the slow part of that.
    """
    shown = table.head(max_rows)
    head = "".join(f"<th>{esc(c)}</th>" for c in shown.columns)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td style="text-align:right">{esc(v)}</td>'
            if _NUMERIC.match(str(v))
            else f"<td>{esc(v)}</td>"
            for v in row
        )
        + "</tr>"
        for row in shown.itertuples(index=False, name=None)
    )
    more = ""
    if len(table) > max_rows:
        note = text.t("table.truncated", lang, shown=len(shown), total=len(table))
        more = f"<p>{esc(note)}</p>"
    return (
        f'<details class="nqp-data-details"><summary>{esc(summary or text.t("table.show", lang))}'
        "</summary>"
        '<table border="0" class="dataframe nqp-data-table" style="line-height:1.3">'
        f'<thead><tr style="text-align: right;">{head}</tr></thead><tbody>{body}</tbody></table>'
        f"{more}</details>"
    )


# ------------------------------------------------------------------------------ warnings


def warnings_html(
    warnings: Sequence[ModelWarning], region: str, names: Mapping[str, str], lang: str
) -> str:
    """The model's warnings, those about the shown region first (HTML, a live region)."""
    if not warnings:
        return (
            '<div class="nqp-lab-warnings-none" role="status" '
            'style="background:#eef7f1;line-height:1.4;'
            'border-left:4px solid #009E73;padding:6px 10px;margin:4px 0">'
            f"{esc(text.t('lab.warnings.none', lang))}</div>"
        )
    shown_regions = set(NE_PROVINCES) if region == "NE3" else {region}
    ordered = sorted(
        warnings, key=lambda w: (w.region not in shown_regions, w.region or "", w.year or 0)
    )
    items = "".join(
        f'<li class="nqp-lab-warning nqp-lab-warning-{esc(w.code)}" style="margin:3px 0'
        + (";font-weight:600" if w.region in shown_regions or w.region is None else ";color:#555")
        + f'">{esc(w.message(lang))}</li>'
        for w in ordered
    )
    title = text.t("lab.warnings.title", lang, count=len(warnings))
    return (
        '<div class="nqp-lab-warnings-list" role="status" '
        'style="background:#fff4e5;line-height:1.4;'
        'border-left:5px solid #D55E00;padding:6px 10px;margin:4px 0">'
        f'<div style="font-weight:700">⚠ {esc(title)}</div>'
        f'<ul style="margin:4px 0 2px 1.2em;padding:0">{items}</ul>'
        f'<div style="font-size:85%;color:#444">{esc(text.t("lab.warnings.explain", lang))}</div>'
        "</div>"
    )


def notices_html(notices: Sequence[str], lang: str) -> str:
    """What :meth:`ScenarioLab.apply_scenario` changed or ignored (HTML; empty when nothing)."""
    if not notices:
        return ""
    items = "".join(f"<li>{esc(n)}</li>" for n in notices)
    return (
        '<div class="nqp-notice" role="status" style="background:#fff8e1;line-height:1.4;'
        'border-left:4px solid #e69f00;padding:6px 10px;margin:6px 0">'
        f"<b>{esc(text.t('lab.notices.title', lang))}</b>"
        f'<ul style="margin:2px 0 0 1.2em;padding:0">{items}</ul></div>'
    )


# ------------------------------------------------------------------------------ model details


def equations_html(
    equations: Sequence[Mapping[str, str]], base_year: int, end_year: int, lang: str
) -> str:
    """The model's equations by block, LaTeX for MathJax (an ``HTMLMath`` widget) with a
    sentence each."""
    intro = text.t("lab.equations.intro", lang, base_year=base_year, end_year=end_year)
    parts = [f"<p>{esc(intro)}</p>"]
    block = None
    for eq in equations:
        if eq["block"] != block:
            block = eq["block"]
            name = text.t(BLOCK_KEYS[block], lang) if block in BLOCK_KEYS else block
            parts.append(f'<h4 style="margin:10px 0 2px 0">{esc(block)} · {esc(name)}</h4>')
        description = eq["description_zh"] if lang == "zh" else eq["description_en"]
        parts.append(
            f'<div class="nqp-lab-equation" data-equation="{esc(eq["id"])}" '
            'style="margin:2px 0 8px 0">'
            f"$${esc(eq['latex'])}$$"
            f'<div style="font-size:90%;color:#333">{esc(description)}</div></div>'
        )
    return "".join(parts)


#: Smallest width of each column of the parameter table (Chinese wraps anywhere otherwise).
WIDTHS = ("9em", "3em", "4.5em", "7em", "6em", "6em", "5em", "8em", "4em", "22em")


def parameter_table_html(
    parameters: ParameterSet, baseline: Baseline, names: Mapping[str, str], lang: str
) -> str:
    """Every lever and assumption with symbol, unit, default, range, grade and source (HTML).

    Built from ``load_parameters().to_frame()``; symbols are LaTeX for MathJax.
    """
    frame = parameters.to_frame()
    groups = parameters.groups
    columns = [
        text.t("lab.params.col.name", lang),
        text.t("lab.params.col.symbol", lang),
        text.t("lab.params.col.kind", lang),
        text.t("lab.params.col.group", lang),
        text.t("lab.params.col.unit", lang),
        text.t("lab.params.col.default", lang),
        text.t("lab.params.col.range", lang),
        text.t("lab.params.col.uncertainty", lang),
        text.t("lab.params.col.grade", lang),
        text.t("lab.params.col.source", lang),
    ]
    kinds = {
        "lever": text.t("lab.params.kind.lever", lang),
        "assumption": text.t("lab.params.kind.assumption", lang),
    }
    body = []
    for row in frame.itertuples(index=False):
        spec = parameters[row.name]
        if spec.default_from is not None:
            default = " · ".join(
                f"{names[r]} {baseline.value(spec.default_from, r):g}" for r in NE_PROVINCES
            )
            default = text.t(
                "lab.params.default_from", lang, values=default, year=baseline.base_year
            )
        else:
            default = format_value(row.default, row.step, spec.is_int, lang)
        uncertainty = (
            text.t(
                "lab.params.triangular",
                lang,
                low=f"{row.range_low:g}",
                mode=f"{row.range_mode:g}",
                high=f"{row.range_high:g}",
            )
            if row.drawn
            else (
                text.t(
                    "lab.params.range_only",
                    lang,
                    low=f"{row.range_low:g}",
                    high=f"{row.range_high:g}",
                )
                if pd.notna(row.range_low)
                else "—"
            )
        )
        group = groups[row.group]
        cells = [
            f'<span title="{esc(spec_description(spec, lang))}">'
            f"{esc(spec_label(spec, lang))}</span>"
            f'<br><code style="font-size:80%">{esc(row.name)}</code>',
            f"${esc(row.symbol)}$",
            esc(kinds[row.kind]),
            esc(group.label_zh if lang == "zh" else group.label_en),
            esc(spec_unit(spec, lang)),
            esc(default),
            esc(f"{row.min:g} – {row.max:g}"),
            esc(uncertainty),
            grade_badge(row.grade, lang),
            esc(row.source),
        ]
        body.append(
            f'<tr data-parameter="{esc(row.name)}">'
            + "".join(
                f'<td style="padding:3px 6px;vertical-align:top;min-width:{width}">{c}</td>'
                for c, width in zip(cells, WIDTHS, strict=True)
            )
            + "</tr>"
        )
    head = "".join(
        f'<th scope="col" style="padding:3px 6px;text-align:left">{esc(c)}</th>' for c in columns
    )
    return (
        f"<p>{esc(text.t('lab.params.intro', lang))}</p>"
        '<div style="max-height:520px;overflow:auto;border:1px solid #ddd">'
        '<table class="nqp-lab-parameter-table" style="border-collapse:collapse;font-size:85%">'
        f'<thead style="position:sticky;top:0;background:#fafafa"><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def calibration_table_html(baseline: Baseline, names: Mapping[str, str], lang: str) -> str:
    """The calibrated starting values (base year) with their provenance [read]/[derived]."""
    frame = baseline.to_frame()
    columns = [
        text.t("lab.calib.col.region", lang),
        text.t("lab.calib.col.variable", lang),
        text.t("lab.calib.col.value", lang),
        text.t("lab.calib.col.unit", lang),
        text.t("lab.calib.col.provenance", lang),
    ]
    body = "".join(
        f"<tr>"
        f'<td style="padding:2px 6px">{esc(names.get(row.region, row.region))}</td>'
        f'<td style="padding:2px 6px"><code>{esc(row.variable)}</code></td>'
        f'<td style="padding:2px 6px;text-align:right">{esc(f"{row.value:,.6g}")}</td>'
        f'<td style="padding:2px 6px">{esc(row.unit)}</td>'
        f'<td style="padding:2px 6px">{esc(row.provenance)}</td></tr>'
        for row in frame.itertuples(index=False)
    )
    head = "".join(
        f'<th scope="col" style="padding:2px 6px;text-align:left">{esc(c)}</th>' for c in columns
    )
    return (
        f"<p>{esc(text.t('lab.calib.intro', lang, year=baseline.base_year))}</p>"
        '<div style="max-height:420px;overflow:auto;border:1px solid #ddd">'
        '<table class="nqp-lab-calibration-table" style="border-collapse:collapse;font-size:85%">'
        f'<thead style="position:sticky;top:0;background:#fafafa"><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


__all__ = [
    "bracketed",
    "calibration_table_html",
    "equations_html",
    "format_value",
    "grade_badge",
    "monte_carlo_note",
    "no_policy_hint",
    "notices_html",
    "parameter_head",
    "parameter_table_html",
    "province_values",
    "readouts_html",
    "section_label",
    "step_decimals",
    "table_html",
    "warnings_html",
    "with_unit",
]
