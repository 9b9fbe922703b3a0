"""The scenario lab (notebook 03): panels generated from the parameter file, callbacks driven in
Python as the browser would drive them, the shareable state, and the chart builders."""

from __future__ import annotations

import html
import json
import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from traitlets import Bunch

from helpers import text, ui
from helpers.charts import OKABE_ITO
from helpers.charts import lab as lab_charts
from helpers.model import NE_PROVINCES, load_parameters, model_equations
from helpers.panels import lab as lab_panel
from helpers.presets import PRESETS, preset_levers
from helpers.scenario import parse_scenario
from tests.conftest_model import baseline, panel  # noqa: F401  (pytest fixtures)

PARAMETERS = load_parameters()
LEVERS = {spec.name: spec for spec in PARAMETERS.levers}
ASSUMPTIONS = {spec.name: spec for spec in PARAMETERS.assumptions}
TAG = re.compile(r"<[^>]+>")


def plain(markup: str) -> str:
    """What a reader sees of some HTML: the text, entities decoded."""
    return html.unescape(TAG.sub(" ", markup))


@pytest.fixture
def lab(baseline, panel):  # noqa: F811
    return lab_panel.ScenarioLab(baseline, panel, "en")


def readout(lab, name: str, column: str = "scenario") -> str:
    match = re.search(rf'data-readout="{name}-{column}"[^>]*>([^<]*)<', lab.readouts.value)
    assert match, f"no readout {name}-{column}"
    return match.group(1)


def lever_slider(lab, name):
    return lab.lever_rows[name].slider


def assumption_slider(lab, name):
    return lab.assumption_rows[name].slider


def browser_sends(widget, value):
    """Call the widget's observers with ``value`` as if it came from the browser, bypassing the
    widget's own validation (a crafted comm message, or a future widget that checks less)."""
    widget.notify_change(
        Bunch(name="value", old=widget.value, new=value, owner=widget, type="change")
    )


def flat(levers: dict) -> dict:
    """``{name: {region: value}}`` as ``{(name, region): value}`` (for pytest.approx)."""
    return {(name, r): v for name, values in levers.items() for r, v in values.items()}


def no_error(lab) -> bool:
    return "nqp-error" not in lab.status.value


# ------------------------------------------------------------------------------ generated panels


def test_one_slider_per_lever_and_assumption_generated_from_the_parameter_file(lab):
    assert list(lab.lever_rows) == [p.name for p in PARAMETERS.levers]
    assert list(lab.assumption_rows) == [p.name for p in PARAMETERS.assumptions]
    for name, row in {**lab.lever_rows, **lab.assumption_rows}.items():
        spec = PARAMETERS[name]
        slider = row.slider
        assert (slider.min, slider.max, slider.step) == (spec.min, spec.max, spec.step), name
        assert slider.continuous_update is False
        assert f"nqp-lab-{spec.kind}-{name}" in slider._dom_classes
        head = row.head.value
        assert text.t(f"lab.grade.{spec.grade}", "en") in head
        assert spec.label_en in plain(head)
        assert "<details" in head  # description and source one click away
        assert "Source:" in head


def test_in_the_app_the_figure_is_drawn_as_the_reader_nears_it(baseline, panel, monkeypatch):  # noqa: F811
    """Served, the chart and its tables wait below the first screen; levers and readouts don't."""
    monkeypatch.setenv("VOILA_BASE_URL", "/")  # as in a kernel Voilà started
    lab = lab_panel.ScenarioLab(baseline, panel, "en")
    (part,) = [w for w in ui._widgets_in(lab.main) if isinstance(w, ui.Deferred)]
    assert part.content is lab.figure
    assert part.placeholder.charts == 1  # the serving benchmark reads it
    assert part.placeholder.margin == lab_panel.FIGURE_NEAR_MARGIN
    assert not part.shown
    drawn_at_load = set(map(id, ui._widgets_in(lab.main))) - set(map(id, ui._widgets_in(part)))
    for widget in (lab.readouts, lab.warnings, *(row.slider for row in lab.lever_rows.values())):
        assert id(widget) in drawn_at_load


def test_outside_the_app_the_figure_is_in_place(lab):
    """JupyterLab, the headless notebook run and exports hold the figure itself."""
    (column,) = [w for w in ui._widgets_in(lab.main) if "nqp-lab-outputs-column" in w._dom_classes]
    assert lab.figure in column.children


def test_judgement_parameters_are_labelled_judgement_with_their_source(lab):
    judgement = [p for p in PARAMETERS.parameters if p.grade == "judgement"]
    assert judgement
    for spec in judgement:
        row = lab.lever_rows.get(spec.name) or lab.assumption_rows[spec.name]
        assert 'class="nqp-grade nqp-grade-judgement"' in row.head.value
        assert ">judgement<" in row.head.value


def test_levers_are_grouped_by_the_report_measures(lab):
    headings = [
        child.value
        for child in lab.main.children[-1].children[0].children
        if "nqp-lab-group" in getattr(child, "value", "")
    ]
    lever_groups = list(dict.fromkeys(spec.group for spec in PARAMETERS.levers))
    assert len(headings) == len(lever_groups)
    for heading, group in zip(headings, lever_groups, strict=True):
        assert PARAMETERS.groups[group].label_en in plain(heading)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_preset_summaries_say_what_changes_without_quoting_the_report(lang):
    from tests.report_runs import copies_the_report

    for preset in PRESETS.values():
        summary = lab_panel.preset_summary(preset, lang)
        assert summary and not copies_the_report(summary), preset.key
        assert '("' not in summary


def visible_texts(widget):
    """Every text a widget tree shows: HTML values (as text), descriptions and tooltips."""
    for attribute in ("value", "description", "tooltip"):
        value = getattr(widget, attribute, None)
        if isinstance(value, str) and value:
            yield plain(value)
    for child in getattr(widget, "children", ()) or ():
        yield from visible_texts(child)


def test_nothing_the_lab_shows_copies_the_report(lab):
    from tests.report_runs import copies_the_report

    lab.preset_buttons["combined_package"].click()
    texts = list(visible_texts(lab.widget))
    assert len(texts) > 100
    copied = [t[:80] for t in texts if copies_the_report(t)]
    assert not copied, copied


def test_one_button_per_preset_and_a_reset(lab):
    assert list(lab.preset_buttons) == list(PRESETS)
    assert "combined_package" in lab.preset_buttons
    assert lab.reset_levers_button.description


# ------------------------------------------------------------------------------ moving levers


def test_moving_the_rd_target_changes_outputs_and_readouts(lab):
    before_readout = readout(lab, "rd_intensity")
    before_rows = lab.chart_rows()
    runs = lab.recomputes
    slider = lever_slider(lab, "rd_intensity_target")
    slider.value = 3.0
    assert no_error(lab)
    assert lab.recomputes == runs + 1
    assert readout(lab, "rd_intensity") != before_readout
    assert float(readout(lab, "rd_intensity")) > float(before_readout)
    assert not before_rows["intensity"].equals(lab.chart_rows()["intensity"])
    assert not before_rows["outputs"].equals(lab.chart_rows()["outputs"])
    assert lab.timings[-1]["action"] == "lever:rd_intensity_target"
    assert lab.timings[-1]["total_ms"] > 0


def test_moving_the_talent_lever_changes_researchers_and_patents(lab):
    before = readout(lab, "rd_personnel_fte"), readout(lab, "invention_patents_granted")
    lever_slider(lab, "talent_recruitment").value = 3000
    assert no_error(lab)
    after = readout(lab, "rd_personnel_fte"), readout(lab, "invention_patents_granted")
    assert after[0] != before[0] and after[1] != before[1]
    assert readout(lab, "rd_personnel_fte", "change").startswith("+")


def test_a_slider_move_sends_new_rows_not_a_new_chart(lab):
    chart = lab.chart
    spec_before = chart.spec
    sent, messages = [], []
    chart.observe(sent.append, names="spec")
    chart.observe(lambda change: messages.append(change["new"]), names="_py_to_js_updates")
    lever_slider(lab, "rd_intensity_target").value = 2.5
    assert lab.chart is chart
    assert not sent  # the chart itself was not re-sent
    assert chart.spec is spec_before
    rows = {
        lab_charts.INTENSITY_DATA: lab_charts.records(lab.chart_rows()["intensity"]),
        lab_charts.OUTPUTS_DATA: lab_charts.records(lab.chart_rows()["outputs"]),
    }
    assert chart.spec["datasets"] == rows  # for views made later
    # one message per dataset, the intensity view's first: it is redrawn before the rest
    assert [[(u["namespace"], u["name"]) for u in m] for m in messages] == [
        [("data", lab_charts.INTENSITY_DATA)],
        [("data", lab_charts.OUTPUTS_DATA)],
    ]
    assert {m[0]["name"]: m[0]["value"] for m in messages} == rows
    json.dumps(messages)  # JSON-safe: no NaN


def test_rows_the_chart_already_shows_are_not_sent_again(lab):
    chart = lab.chart
    messages = []
    chart.observe(lambda change: messages.append(change["new"]), names="_py_to_js_updates")
    # the GDP assumption changes the outputs, never the R&D intensity path
    assumption_slider(lab, "rd_depreciation").value = 0.2
    assert no_error(lab)
    assert [[u["name"] for u in m] for m in messages] == [[lab_charts.OUTPUTS_DATA]]


# ------------------------------------------------------------------------------ working ahead


def shown(lab) -> tuple:
    """Everything a visitor reads off the lab's outputs."""
    return (
        lab.readouts.value,
        lab.warnings.value,
        lab.chart.spec["datasets"],
        lab.figure.caption.value,
    )


def test_a_scenario_shown_before_is_shown_again_without_running_the_model(lab):
    slider = lever_slider(lab, "talent_recruitment")
    first = shown(lab)
    slider.value = 2000
    moved, runs = shown(lab), lab.runs
    slider.value = 0
    assert shown(lab) == first and lab.runs == runs  # kept: the model did not run again
    slider.value = 2000
    assert shown(lab) == moved and lab.runs == runs
    assert lab.recomputes == 4  # the page's state changed each time all the same


def test_the_lab_keeps_only_its_last_runs(lab):
    slider = lever_slider(lab, "talent_recruitment")
    for value in range(100, 1100, 100):
        slider.value = value
    assert len(lab._kept) == lab_panel.RUNS_KEPT
    assert lab.runs == 11  # the first one, then every value once


@pytest.mark.parametrize(
    ("kind", "name", "value"),
    [("lever", "rd_intensity_target", 2.5), ("assumption", "rd_depreciation", 0.2)],
)
def test_a_scenario_worked_out_ahead_is_exactly_what_running_it_shows(two_labs, kind, name, value):
    ahead, fresh = two_labs
    for lab in two_labs:
        lab.reset_levers()
        lab.reset_assumptions()
    spec = lab_panel.load_parameters()[name]
    slider = lever_slider if kind == "lever" else assumption_slider
    runs = ahead.runs
    ahead._run_ahead(spec, value)
    assert ahead.runs == runs + 1 and shown(ahead) == shown(fresh)  # nothing shown changed
    slider(ahead, name).value = value
    assert ahead.runs == runs + 1  # the run worked out ahead was shown
    slider(fresh, name).value = value
    assert shown(ahead) == shown(fresh)
    assert no_error(ahead)


def test_after_a_slider_move_two_steps_on_and_one_back_are_worked_out_the_way_it_moved(
    lab, monkeypatch
):
    planned = []
    monkeypatch.setattr(lab, "_spare", lambda steps: planned.append(steps))
    monkeypatch.setattr(lab._spare, "cancel", lambda: None, raising=False)
    slider = lever_slider(lab, "talent_recruitment")
    spec = lab.parameters["talent_recruitment"]
    slider.value = 1000
    slider.value = 900  # moved down
    targets = [step.args[1] for step in planned[-1]]
    assert targets == [900 - spec.step, 900 - 2 * spec.step, 900 + spec.step]
    slider.value = spec.max  # at the end: only the step back
    assert [step.args[1] for step in planned[-1]] == [spec.max - spec.step]
    for step in planned[-1]:
        step()
    runs = lab.runs
    slider.value = spec.max - spec.step
    assert lab.runs == runs


# ------------------------------------------------------------------ rows sent ahead to the browser


def feed_messages(lab, monkeypatch) -> list[dict]:
    """What the lab sends the browser's ChartFeed (helpers.widgets), once the browser has it."""
    sent: list[dict] = []
    monkeypatch.setattr(lab.feed, "send", lambda content, buffers=None: sent.append(content))
    lab.feed.linked = True  # as the browser does once the feed is in place
    return sent


def test_once_the_browser_has_the_feed_the_rows_go_through_it(lab, monkeypatch):
    through_chart = []
    lab.chart.observe(lambda c: through_chart.append(c["new"]), names="_py_to_js_updates")
    sent = feed_messages(lab, monkeypatch)
    assert [m["type"] for m in sent] == ["current"]  # what is shown, as soon as it is linked
    first = sent[0]
    assert first["shown"] is True  # the browser has just drawn it: no second drawing
    assert first["positions"] == [slider.value for slider in lab.feed.sources]
    names = [lab_charts.INTENSITY_DATA, lab_charts.OUTPUTS_DATA]
    assert [name for name, _rows in first["data"]] == names  # the view beside the slider first

    lever_slider(lab, "talent_recruitment").value = 1000
    assert no_error(lab) and through_chart == []
    moved = sent[-1]
    assert (moved["type"], moved["shown"], moved["epoch"]) == ("current", False, first["epoch"])
    assert moved["positions"] == [slider.value for slider in lab.feed.sources]
    assert moved["run"] != first["run"] and moved["data"] != first["data"]
    # the chart's spec follows all the same: a view made later starts from what is shown
    assert [lab.chart.spec["datasets"][name] for name in names] == [r for _, r in moved["data"]]


@pytest.mark.parametrize(
    "change",
    [
        lambda lab: setattr(lab.scope_picker, "value", "CN-HL"),  # the sliders mean one province
        lambda lab: setattr(lab.region_picker, "value", "CN-JL"),  # other rows
        lambda lab: lab.apply_preset("talent_policy"),  # many sliders at once
        lambda lab: setattr(lever_slider(lab, "rd_intensity_target"), "value", 0.5),  # clipped
    ],
)
def test_what_changes_the_meaning_of_slider_positions_starts_a_new_epoch(lab, monkeypatch, change):
    """Within an epoch the same positions always give the same rows (the browser keeps them by
    positions): anything else starts a new one, and the browser drops what it holds."""
    sent = feed_messages(lab, monkeypatch)
    lever_slider(lab, "talent_recruitment").value = 1000  # a plain step: the same epoch
    assert sent[-1]["epoch"] == sent[0]["epoch"]
    change(lab)
    assert no_error(lab)
    assert sent[-1]["type"] == "current" and sent[-1]["epoch"] > sent[0]["epoch"]
    assert sent[-1]["positions"] == [slider.value for slider in lab.feed.sources]


def test_steps_worked_out_ahead_go_to_the_browser_as_the_kernel_would_show_them(lab, monkeypatch):
    sent = feed_messages(lab, monkeypatch)
    slider = lever_slider(lab, "talent_recruitment")
    spec = lab.parameters["talent_recruitment"]
    index = lab.feed.sources.index(slider)
    lab._run_ahead(spec, 100.0)
    ahead = sent[-1]
    assert (ahead["type"], ahead["epoch"]) == ("ahead", sent[0]["epoch"])
    expected = list(sent[0]["positions"])
    expected[index] = 100
    assert ahead["positions"] == expected  # the sliders' positions that give these rows
    slider.value = 100
    shown = sent[-1]
    assert shown["type"] == "current" and shown["positions"] == ahead["positions"]
    assert (shown["run"], shown["data"]) == (ahead["run"], ahead["data"])


def test_all_three_provinces_move_together_keeping_their_differences(lab, baseline):  # noqa: F811
    own = np.array([baseline.value("rd_intensity", r) for r in NE_PROVINCES])
    slider = lever_slider(lab, "rd_intensity_target")
    assert slider.value == pytest.approx(own.mean(), abs=1e-6)
    slider.value = round(own.mean() + 0.5, 2)
    moved = np.array(list(lab.levers["rd_intensity_target"].values()))
    np.testing.assert_allclose(moved - own, moved[0] - own[0], atol=1e-6)
    assert moved[0] - own[0] == pytest.approx(round(own.mean() + 0.5, 2) - own.mean(), abs=1e-6)


def test_one_province_can_be_set_on_its_own(lab, baseline):  # noqa: F811
    lab.scope_picker.value = "CN-HL"
    slider = lever_slider(lab, "rd_intensity_target")
    assert slider.value == pytest.approx(baseline.value("rd_intensity", "CN-HL"))
    slider.value = 2.65
    levers = lab.levers["rd_intensity_target"]
    assert levers["CN-HL"] == pytest.approx(2.65)
    assert levers["CN-LN"] == pytest.approx(baseline.value("rd_intensity", "CN-LN"))
    assert "Heilongjiang 2.65" in lab.lever_rows["rd_intensity_target"].provinces.value
    lab.scope_picker.value = "all"
    assert slider.value == pytest.approx(np.mean(list(levers.values())), abs=1e-6)


def test_switching_the_region_redraws_without_running_the_model(lab):
    runs = lab.recomputes
    lab.region_picker.value = "CN-JL"
    assert lab.recomputes == runs
    assert "Readouts for Jilin" in lab.readouts.value
    assert lab.chart.params.region_name == "Jilin"
    assert lab.chart.spec["params"][0]["value"] == "Jilin"
    assert "Jilin" in lab.figure.caption.value


# ------------------------------------------------------------------------------ presets and reset


@pytest.mark.parametrize("key", list(PRESETS))
def test_a_preset_sets_the_sliders_and_runs_the_model_once(lab, baseline, key):  # noqa: F811
    runs = lab.recomputes
    lab.preset_buttons[key].click()
    assert no_error(lab)
    assert lab.recomputes == runs + 1
    assert lab.preset == key
    expected = preset_levers(key, baseline)
    for name, value in expected.items():
        got = lab.levers[name]
        if isinstance(value, dict):
            for region, v in value.items():
                assert got[region] == pytest.approx(v)
            assert lever_slider(lab, name).value == pytest.approx(np.mean(list(value.values())))
        else:
            assert list(got.values()) == pytest.approx([value] * len(NE_PROVINCES))
            assert lever_slider(lab, name).value == pytest.approx(value)
    assert lab.current_scenario() == {
        "preset": key,
        "levers": {},
        "assumptions": {},
        "region": "NE3",
    }
    assert "Preset:" in lab.preset_status.value


def test_reset_restores_the_baseline_levers_and_keeps_the_assumptions(lab):
    defaults = {name: row.slider.value for name, row in lab.lever_rows.items()}
    start_readout = readout(lab, "rd_intensity")
    lab.assumption_rows["rd_depreciation"].slider.value = 0.2
    lab.preset_buttons["combined_package"].click()
    lever_slider(lab, "guided_fund").value = 100
    runs = lab.recomputes
    lab.reset_levers_button.click()
    assert lab.recomputes == runs + 1
    assert {name: row.slider.value for name, row in lab.lever_rows.items()} == pytest.approx(
        defaults
    )
    assert readout(lab, "rd_intensity") == start_readout
    assert lab.current_scenario() == {
        "preset": None,
        "levers": {},
        "assumptions": {"rd_depreciation": 0.2},
        "region": "NE3",
    }


def test_assumptions_have_their_own_reset(lab):
    lever_slider(lab, "guided_fund").value = 50
    lab.assumption_rows["fund_additionality"].slider.value = 1.0
    lab.assumption_rows["patent_lag"].slider.value = 3
    runs = lab.recomputes
    lab.reset_assumptions_button.click()
    assert lab.recomputes == runs + 1
    for name, row in lab.assumption_rows.items():
        assert row.slider.value == pytest.approx(ASSUMPTIONS[name].default), name
    assert lab.current_scenario()["assumptions"] == {}
    assert lab.current_scenario()["levers"] == {"guided_fund": 50.0}


def test_an_assumption_changes_the_bands_and_results(lab):
    lab.preset_buttons["tech_trading_finance"].click()
    before = readout(lab, "rd_expenditure")
    lab.assumption_rows["fund_additionality"].slider.value = 1.0
    assert readout(lab, "rd_expenditure") != before


# ------------------------------------------------------------------------------ sharing the state


def test_state_round_trips_through_current_and_apply(baseline, panel):  # noqa: F811
    first = lab_panel.ScenarioLab(baseline, panel, "en")
    first.preset_buttons["talent_policy"].click()
    first.scope_picker.value = "CN-LN"
    lever_slider(first, "rd_intensity_target").value = 3.1
    first.scope_picker.value = "all"
    lever_slider(first, "guided_fund").value = 35
    first.assumption_rows["rd_depreciation"].slider.value = 0.22
    first.assumption_rows["patent_lag"].slider.value = 3
    first.region_picker.value = "CN-HL"
    state = first.current_scenario()
    assert state["preset"] == "talent_policy"
    assert state["levers"]["rd_intensity_target"]["CN-LN"] == pytest.approx(3.1)
    assert state["region"] == "CN-HL"
    json.loads(json.dumps(state))  # JSON-safe, ready for a URL or a file
    parse_scenario({k: v for k, v in state.items() if k != "region"})  # a valid scenario

    second = lab_panel.ScenarioLab(baseline, panel, "en")
    runs = second.recomputes
    assert second.apply_scenario(state) == []
    assert second.recomputes == runs + 1
    assert second.current_scenario() == state
    assert flat(second.levers) == pytest.approx(flat(first.levers))
    assert second.readouts.value == first.readouts.value
    assert second.region_picker.value == "CN-HL"
    assert lever_slider(second, "guided_fund").value == pytest.approx(35)
    assert second.assumption_rows["patent_lag"].slider.value == 3


def test_apply_an_empty_scenario_restores_every_default(lab):
    lab.preset_buttons["combined_package"].click()
    lab.assumption_rows["rd_depreciation"].slider.value = 0.3
    lab.region_picker.value = "CN-JL"
    assert lab.apply_scenario({}) == []
    assert lab.current_scenario() == {
        "preset": None,
        "levers": {},
        "assumptions": {},
        "region": "NE3",
    }


def lever_value(spec):
    steps = round((spec.max - spec.min) / spec.step)
    return st.integers(0, steps).map(lambda i: spec.min + i * spec.step)


@st.composite
def scenarios(draw):
    levers = {}
    for spec in draw(st.lists(st.sampled_from(list(LEVERS.values())), max_size=4, unique=True)):
        if draw(st.booleans()):
            levers[spec.name] = draw(lever_value(spec))
        else:
            levers[spec.name] = {r: draw(lever_value(spec)) for r in NE_PROVINCES}
    assumptions = {
        spec.name: draw(lever_value(spec))
        for spec in draw(
            st.lists(st.sampled_from(list(ASSUMPTIONS.values())), max_size=3, unique=True)
        )
    }
    return {
        "preset": draw(st.none() | st.sampled_from(list(PRESETS))),
        "levers": levers,
        "assumptions": assumptions,
        "region": draw(st.sampled_from(lab_panel.LAB_REGIONS)),
    }


@pytest.fixture(scope="module")
def two_labs(baseline, panel):  # noqa: F811
    return lab_panel.ScenarioLab(baseline, panel, "en"), lab_panel.ScenarioLab(
        baseline, panel, "en"
    )


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios())
def test_any_valid_scenario_survives_the_round_trip(two_labs, scenario):
    """Applying a scenario and reading the state back, twice, gives the same state and levers."""
    first, second = two_labs
    first.apply_scenario(scenario)
    state = first.current_scenario()
    assert no_error(first)
    assert second.apply_scenario(state) == []
    assert second.current_scenario() == state
    assert flat(second.levers) == pytest.approx(flat(first.levers))


# ------------------------------------------------------------------------------ untrusted input


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "2.5", None, True, [1], 99.0, -5.0])
def test_a_bad_lever_value_is_rejected_with_a_message(lab, bad):
    slider = lever_slider(lab, "rd_intensity_target")
    before_levers, before_readouts, runs = lab.levers, lab.readouts.value, lab.recomputes
    shown = slider.value
    browser_sends(slider, bad)
    assert "nqp-error" in lab.status.value
    assert "R&D intensity target" in plain(lab.status.value)
    assert lab.levers == before_levers and lab.readouts.value == before_readouts
    assert lab.recomputes == runs
    assert slider.value == pytest.approx(shown)  # the slider is put back
    slider.value = 2.0  # and the page keeps working: the next good value clears the message
    assert no_error(lab)


def test_a_fractional_year_is_rejected(lab):
    browser_sends(lever_slider(lab, "rd_intensity_target_year"), 2030.5)
    assert "not a whole number" in lab.status.value


def test_bad_region_and_scope_values_are_rejected(lab):
    """A selection arrives from the browser as an index that ipywidgets checks; the lab checks
    the value once more."""
    readouts = lab.readouts.value
    with pytest.raises(ValueError, match="CN-BJ is not one of the choices"):
        lab.show_region("CN-BJ")
    assert lab.region == "NE3" and lab.region_picker.value == "NE3"
    assert lab.readouts.value == readouts
    with pytest.raises(ValueError, match="not one of the choices"):
        lab.edit_levers_for(["CN-LN"])
    assert lab.scope_picker.value == "all"
    lab.show_region("CN-LN")
    assert lab.region_picker.value == "CN-LN" and "Liaoning" in lab.readouts.value


def test_an_unknown_preset_is_rejected(lab):
    with pytest.raises(ValueError, match="not one of the report's measures"):
        lab.apply_preset("make_it_rain")


def test_apply_scenario_falls_back_to_defaults_and_says_why(lab):
    notices = lab.apply_scenario(
        {
            "preset": "no_such_preset",
            "levers": {
                "guided_fund": 10_000,
                "talent_recruitment": "lots",
                "rd_intensity_target": {"CN-LN": 2.9, "CN-XX": 3},
                "teleporter": 1,
            },
            "assumptions": {"rd_depreciation": -1, "patent_lag": 2.5},
            "region": "Mars",
            "colour": "blue",
        }
    )
    joined = " | ".join(notices)
    for key in (
        "preset",
        "guided_fund",
        "talent_recruitment",
        "CN-XX",
        "teleporter",
        "rd_depreciation",
        "patent_lag",
        "Mars",
        "colour",
    ):
        assert key in joined, key
    state = lab.current_scenario()
    assert state["region"] == "NE3" and state["preset"] is None
    assert state["levers"] == {"rd_intensity_target": {"CN-LN": 2.9, "CN-JL": 1.55, "CN-HL": 1.44}}
    assert state["assumptions"] == {}
    assert "nqp-notice" in lab.notices.value and "Mars" in lab.notices.value
    assert no_error(lab)


@pytest.mark.parametrize("junk", [None, "preset=talent_policy", 42, ["levers"]])
def test_apply_scenario_survives_junk(lab, junk):
    notices = lab.apply_scenario(junk)
    assert notices and lab.current_scenario()["levers"] == {}


def test_extreme_slider_positions_give_finite_outputs_or_a_message(lab):
    for end in ("max", "min"):
        for name, row in lab.lever_rows.items():
            row.slider.value = getattr(LEVERS[name], end)
        for name, row in lab.assumption_rows.items():
            row.slider.value = getattr(ASSUMPTIONS[name], "min" if end == "max" else "max")
        shown = plain(lab.readouts.value)
        assert "nan" not in shown.lower() and "inf" not in shown.lower()
        values = lab.result.series["value"].to_numpy()
        assert np.isfinite(values).all()
        assert no_error(lab) or "nqp-error" in lab.status.value


# ------------------------------------------------------------------------------ what is shown


def test_warnings_are_shown_in_the_page_language(baseline, panel):  # noqa: F811
    for lang in ("en", "zh"):
        lab = lab_panel.ScenarioLab(baseline, panel, lang)
        assert "nqp-lab-warnings-none" in lab.warnings.value
        lab.apply_scenario({"levers": {"rd_intensity_target": 4.0}})
        warnings = lab.result.warnings
        assert warnings
        shown = lab.warnings.value
        for warning in warnings:
            assert warning.message(lang) in plain(shown)
        assert "nqp-lab-warnings-list" in shown


def test_readouts_name_the_gap_and_the_year_of_parity(lab):
    lab.apply_scenario({"levers": {"rd_intensity_target": 5.0, "rd_intensity_target_year": 2027}})
    year = readout(lab, "parity_year_national")
    assert re.fullmatch(r"20\d\d", year)
    assert readout(lab, "parity_year_national", "baseline") == "not by 2035"
    gap = float(readout(lab, "gap_to_national"))
    assert gap < float(readout(lab, "gap_to_national", "baseline"))
    assert readout(lab, "rd_intensity", "change").startswith("+")
    assert "(" in readout(lab, "gdp", "change")  # with its P10–P90


def test_the_model_details_show_every_equation_and_parameter(lab):
    equations, table, calibration, sensitivity = lab.model_view.children
    for eq in model_equations():
        assert f'data-equation="{eq["id"]}"' in equations.value
        assert "$$" in equations.value
    for spec in PARAMETERS.parameters:
        assert f'data-parameter="{spec.name}"' in table.value
    assert "[read]" in calibration.value and "[derived]" in calibration.value
    assert sensitivity is lab.sensitivity


def test_the_sensitivity_of_the_scenario_is_shown_on_request(lab):
    """The track record in one sentence with a link to the model check; the button draws the
    tornado of the GDP gain for the scenario as set."""
    intro, button, status, shown = lab.sensitivity.children
    assert "06_model_check.ipynb" in intro.value and "%" in intro.value
    assert shown.children == ()
    lab.apply_preset("innovation_platforms")
    button.click()
    assert status.value == ""
    (frame,) = shown.children
    caption = frame.children[1]
    assert "Gross social return on R&amp;D capital" in frame.children[2].value
    assert "moves it most" in caption.value


def test_the_chart_has_a_caption_and_a_table_per_view(lab):
    caption = lab.figure.caption.value
    assert "not a forecast" in caption
    assert "2,000" in caption and str(lab.seed) in caption
    assert "NBS/MOST/MOF" in caption and "2010–2023" in caption
    assert "backtest" in caption and "2015–2021" in caption
    for table in lab.tables.values():
        assert "<table" in table.value and "nqp-data-table" in table.value
    assert "R&amp;D intensity (data table)" in lab.tables["intensity"].value
    rows = lab.chart_rows()
    assert lab.tables["intensity"].value.count("<tr>") == len(rows["intensity"]["year"].unique())
    assert (
        lab.tables["outputs"].value.count("<tr>")
        == rows["outputs"].query("series_key != 'baseline'").shape[0]
    )


def test_the_lab_reads_in_chinese(baseline, panel):  # noqa: F811
    lab = lab_panel.ScenarioLab(baseline, panel, "zh")
    assert ">判断<" in lab.lever_rows["guided_fund"].head.value
    assert "研发经费投入强度目标" in lab.lever_rows["rd_intensity_target"].head.value
    assert "模型情景，不是预测" in lab.figure.caption.value
    assert "东北三省读数" in lab.readouts.value
    assert lab.preset_buttons["talent_policy"].description == "人才政策"
    assert "报告第3部分" in lab.main.children[-1].children[0].children[3].value
    lab.preset_buttons["talent_policy"].click()
    assert "预设：人才政策" in lab.preset_status.value
    assert lab.chart.params.region_name == "东北三省"


# ------------------------------------------------------------------------------ chart builders


def paths_for(baseline, levers=None):  # noqa: F811
    from helpers.model import simulate

    result = simulate(baseline, levers or {}, draws=200)
    return result, lab_charts.region_paths(result, "NE3")


def test_intensity_chart_spec(baseline):  # noqa: F811
    _, paths = paths_for(baseline, {"rd_intensity_target": 3.0})
    rows = lab_charts.intensity_rows(paths, "NE3", "en")
    assert set(rows["series_key"]) == {"baseline", "scenario", "national", "jiangsu"}
    banded = rows.dropna(subset=["lo", "hi"])
    assert set(banded["series_key"]) == {"scenario"}
    assert (banded["lo"] <= banded["value"] + 1e-9).all()
    assert (banded["value"] <= banded["hi"] + 1e-9).all()
    spec = lab_charts.intensity_chart(rows, "Northeast", 200, "en").to_dict()
    assert spec["data"] == {"name": lab_charts.INTENSITY_DATA}
    assert len(spec["datasets"][lab_charts.INTENSITY_DATA]) == len(rows)
    assert spec["params"][0] == {"name": "region_name", "value": "Northeast"}
    assert "region_name" in spec["title"]["text"]["expr"]
    assert "not a forecast" in spec["title"]["subtitle"]
    lines = spec["layer"][1]["encoding"]
    assert lines["y"]["title"] == "R&D intensity (% of GDP)"
    assert set(lines["color"]["scale"]["range"]) <= set(OKABE_ITO.values())
    assert len(set(map(str, lines["strokeDash"]["scale"]["range"]))) == 4  # not colour alone


def test_outputs_chart_spec(baseline):  # noqa: F811
    _, paths = paths_for(baseline, {"talent_recruitment": 2000})
    rows = lab_charts.output_rows(paths, "NE3", PARAMETERS, "zh")
    assert list(dict.fromkeys(rows["variable"])) == [
        *lab_charts.LEVEL_OUTPUTS,
        lab_charts.EFFECT_OUTPUT,
    ]
    assert set(rows.loc[rows["variable"] == "gdp", "series_key"]) == {"change"}
    spec = lab_charts.outputs_chart(rows, "东北三省", 200, PARAMETERS, "zh").to_dict()
    assert spec["data"] == {"name": lab_charts.OUTPUTS_DATA}
    assert spec["facet"]["field"] == "panel"
    assert spec["facet"]["sort"][0] == "研发经费（亿元）"
    assert spec["resolve"] == {"scale": {"y": "independent"}}
    table = lab_charts.outputs_table(rows, PARAMETERS, "zh")
    assert len(table) == 6 * len(paths["year"].unique())
    assert "P10（第10百分位）" in table.columns


def test_lab_chart_holds_both_views_in_one_chart(baseline):  # noqa: F811
    _, paths = paths_for(baseline, {"guided_fund": 50})
    intensity = lab_charts.intensity_rows(paths, "NE3", "en")
    outputs = lab_charts.output_rows(paths, "NE3", PARAMETERS, "en")
    spec = lab_charts.lab_chart(intensity, outputs, "Northeast", 200, PARAMETERS, "en").to_dict()
    assert set(spec["datasets"]) == {lab_charts.INTENSITY_DATA, lab_charts.OUTPUTS_DATA}
    assert spec["params"] == [{"name": "region_name", "value": "Northeast"}]
    first, second = spec["vconcat"]
    assert first["data"] == {"name": lab_charts.INTENSITY_DATA}
    assert second["data"] == {"name": lab_charts.OUTPUTS_DATA}
    assert "region_name" in first["title"]["text"]["expr"]
    assert "region_name" in second["title"]["text"]["expr"]
    assert spec["resolve"]["legend"] == {"color": "independent", "strokeDash": "independent"}


def test_the_charts_can_be_taken_away_with_what_is_shown(lab):
    lab.preset_buttons["chain_leaders"].click()
    lab.show_region("CN-JL")
    charts = lab.current_charts()
    assert set(charts) == {"intensity", "outputs", "lab"}
    spec = charts["lab"].to_dict()
    assert (
        spec["datasets"][lab_charts.OUTPUTS_DATA]
        == lab.chart.spec["datasets"][lab_charts.OUTPUTS_DATA]
    )
    assert spec["params"][0]["value"] == "Jilin"
    assert charts["intensity"].to_dict()["params"][0]["value"] == "Jilin"


def test_number_formatting_matches_babel():
    for value in (0, 1.5, -1234.567, 1234567.891):
        for lang in ("en", "zh"):
            for decimals in (0, 2):
                assert lab_charts.number(value, decimals, lang) == text.number(
                    value, decimals, lang
                )


def test_records_are_json_safe():
    import pandas as pd

    rows = pd.DataFrame({"a": [1.0, math.nan], "b": ["x", "y"], "year": [2023, 2024]})
    assert lab_charts.records(rows) == [
        {"a": 1.0, "b": "x", "year": 2023},
        {"a": None, "b": "y", "year": 2024},
    ]
