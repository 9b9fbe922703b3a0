"""helpers.widgets.FollowValue: a chart parameter that follows a slider in the browser."""

from __future__ import annotations

import altair as alt
import ipywidgets as widgets
import pandas as pd
import pytest

from helpers import charts
from helpers.widgets import FollowValue


@pytest.fixture
def chart() -> alt.JupyterChart:
    rows = pd.DataFrame({"k": list("ab"), "v": [1, 2]})
    year = alt.param(name="year", value=2020)
    return charts.live_chart(alt.Chart(rows).mark_bar().encode(x="v:Q", y="k:N").add_params(year))


def sent_states(widget) -> list:
    sent: list = []
    widget.send_state = lambda key=None: sent.append(key)
    return sent


def test_the_link_names_its_slider_and_chart_for_the_browser(chart):
    slider = widgets.IntSlider(value=2020, min=2019, max=2022)
    follow = FollowValue(source=slider, chart=chart, param="year", values=[2020, 2022])
    state = follow.get_state()
    assert state["source"] == f"IPY_MODEL_{slider.model_id}"
    assert state["chart"] == f"IPY_MODEL_{chart.model_id}"
    assert (state["param"], state["values"], state["linked"]) == ("year", [2020, 2022], False)
    assert "initialize" in state["_esm"] and "https://" not in state["_esm"]  # inline, offline


def test_unlinked_the_kernel_sends_the_parameter_as_usual(chart):
    follow = FollowValue(source=widgets.IntSlider(), chart=chart, param="year")
    sent = sent_states(chart)
    follow.set(2021)
    assert chart.params.year == 2021 and sent == ["_params"]


def test_linked_the_kernel_keeps_the_value_without_sending_it_back(chart):
    """The browser already drew it, and may have moved on: an older value sent back would
    draw the chart a step back."""
    follow = FollowValue(source=widgets.IntSlider(), chart=chart, param="year", linked=True)
    sent = sent_states(chart)
    follow.set(2021)
    assert chart.params.year == 2021 and chart._params["year"] == 2021
    assert sent == []
    chart.params.year = 2022  # other changes of the chart are still sent
    assert sent == ["_params"]


def test_a_browser_cannot_point_the_kernel_at_another_parameter(chart):
    """The synced traits are the browser's to read; a crafted message changing them does not
    change what the kernel sets."""
    follow = FollowValue(source=widgets.IntSlider(), chart=chart, param="year")
    follow.set_state({"param": "other"})  # as a message from the browser would
    follow.set(2021)
    assert chart.params.year == 2021
