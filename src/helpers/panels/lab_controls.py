"""Widgets of the scenario lab generated from ``parameters.yaml``: one slider per lever or
assumption, grouped as the file groups them, each with its name, unit, grade and source.

Nothing here is typed in by hand: the list of sliders, their ranges, steps, labels and
descriptions all come from :func:`helpers.model.load_parameters`. The lab panel
(:mod:`helpers.panels.lab`) wires them to the model.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from helpers.model import ParameterSet
from helpers.model.parameters import ParameterSpec
from helpers.panels.lab_text import (
    bracketed,
    esc,
    monte_carlo_note,
    parameter_head,
    section_label,
    step_decimals,
)


def slider_layout() -> widgets.Layout:
    return widgets.Layout(width="98%", margin="0 0 2px 0")


def slider_style() -> widgets.SliderStyle:
    return widgets.SliderStyle(description_width="0px")


def html_widget(value: str = "") -> widgets.HTML:
    """An HTML widget (the page shares its layout and style with its look-alikes)."""
    return widgets.HTML(value)


def make_slider(spec: ParameterSpec, value: float, lang: str) -> widgets.widgets.ValueWidget:
    """A slider for ``spec``: range and step from the parameter file, recomputing on release.

    ``continuous_update=False``: the model runs once when the handle is let go (or a key is
    pressed), not for every pixel of a drag.
    """
    label = spec.label_zh if lang == "zh" else spec.label_en
    common = {
        "continuous_update": False,
        "readout": True,
        "layout": slider_layout(),
        "style": slider_style(),
        "tooltip": label,
    }
    if spec.is_int:
        slider = widgets.IntSlider(
            value=int(np.rint(value)),
            min=int(spec.min),
            max=int(spec.max),
            step=int(spec.step),
            readout_format="d",
            **common,
        )
    else:
        slider = widgets.FloatSlider(
            value=float(value),
            min=spec.min,
            max=spec.max,
            step=spec.step,
            readout_format=f".{step_decimals(spec.step)}f",
            **common,
        )
    slider.add_class("nqp-lab-slider")
    slider.add_class(f"nqp-lab-{spec.kind}")
    slider.add_class(f"nqp-lab-{spec.kind}-{spec.name}")
    return slider


@dataclass
class ParameterRow:
    """The widgets of one lever or assumption."""

    spec: ParameterSpec
    head: widgets.HTML
    slider: widgets.widgets.ValueWidget
    provinces: widgets.HTML | None
    box: widgets.VBox


def parameter_row(spec: ParameterSpec, value: float, lang: str) -> ParameterRow:
    """Name, unit, grade and source (one click away) above the slider; for a lever, a line
    below it saying which value each province gets."""
    head = html_widget(parameter_head(spec, lang, extra=monte_carlo_note(spec, lang)))
    slider = make_slider(spec, value, lang)
    provinces = None
    children = [head, slider]
    if spec.kind == "lever":
        provinces = html_widget()
        children.append(provinces)
    box = widgets.VBox(children, layout=widgets.Layout(margin="0 0 6px 0"))
    box.add_class("nqp-lab-param")
    return ParameterRow(spec, head, slider, provinces, box)


def group_heading(parameters: ParameterSet, group: str, lang: str) -> widgets.HTML:
    """Heading of a group of parameters (a report measure, or a model block)."""
    spec = parameters.groups[group]
    label = spec.label_zh if lang == "zh" else spec.label_en
    description = spec.description_zh if lang == "zh" else spec.description_en
    section = ""
    if spec.report_section:
        section = (
            f' <span style="font-weight:normal;color:#555;font-size:85%">'
            f"{esc(bracketed(section_label(spec.report_section, lang), lang))}</span>"
        )
    heading = html_widget(
        f'<div class="nqp-lab-group nqp-lab-group-{esc(group)}" style="margin:12px 0 4px 0;'
        f'border-bottom:1px solid #ddd;line-height:1.35">'
        f'<span style="font-weight:700">{esc(label)}</span>{section}'
        f'<div style="font-size:85%;color:#444;margin:1px 0 3px 0">{esc(description)}</div></div>'
    )
    return heading


def grouped_specs(parameters: ParameterSet, kind: str) -> list[tuple[str, list[ParameterSpec]]]:
    """Parameters of one kind grouped by their ``group``, in the order of the file."""
    groups: dict[str, list[ParameterSpec]] = {}
    for spec in parameters.parameters:
        if spec.kind == kind:
            groups.setdefault(spec.group, []).append(spec)
    return list(groups.items())


__all__ = [
    "ParameterRow",
    "group_heading",
    "grouped_specs",
    "html_widget",
    "make_slider",
    "parameter_row",
    "slider_layout",
    "slider_style",
]
