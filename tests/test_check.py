"""The model-check page's panels: every number read from the backtest, the estimators or the
model, in both languages, and the controls redraw what they should."""

from __future__ import annotations

import re

import pytest

from helpers.model import load_parameters
from helpers.model.backtest import ORIGINS
from helpers.model.validation import HEADLINE_ORIGIN, estimates, projection_rows, track_record
from helpers.panels import check as check_panels
from tests.conftest_model import panel  # noqa: F401

PARAMS = load_parameters()


@pytest.fixture(scope="module")
def prepared(panel):  # noqa: F811
    return check_panels.prepare(panel)


def test_the_track_record_is_the_backtest_read_back():
    record = track_record()
    assert [int(o) for o in record.by_origin.index[:-2]] == list(ORIGINS)
    head = record.headline()
    assert record.headline_n == 45
    assert head["model"] < min(head[m] for m in ("random_walk", "own_drift", "national_drift"))
    assert record.by_origin.loc["mean", "model"] < record.best_comparator_mean()[1]
    assert list(record.by_horizon.index) == sorted(record.by_horizon.index)


def test_the_defaults_sit_at_the_estimates_inside_their_intervals(panel):  # noqa: F811
    table = estimates(panel, PARAMS)
    drift = table[table["parameter"] == "patent_drift"].iloc[0]
    assert drift["ci_low"] < drift["estimate"] < drift["ci_high"]
    for _, row in table[table["parameter"] != "patent_drift"].iterrows():
        spec = PARAMS[row["parameter"]]
        assert row["ci_low"] <= row["default"] <= row["ci_high"]
        assert abs(row["default"] - row["estimate"]) <= spec.step / 2 + 1e-9, row["parameter"]
        # the source text quotes the estimate as it is today
        assert f"{row['estimate']:.2f}" in " ".join(spec.source.split()), row["parameter"]


def test_projection_rows_start_each_origin_at_the_data(panel):  # noqa: F811
    rows = projection_rows(track_record(), panel, "rd_expenditure", "CN-JL")
    actual = rows[rows["kind"] == "actual"].set_index("year")["value"]
    for origin in ORIGINS:
        first = rows[(rows["kind"] == "projection") & (rows["origin"] == origin)].iloc[0]
        assert first["year"] == origin and first["value"] == actual[origin]
    with pytest.raises(KeyError, match="happiness"):
        projection_rows(track_record(), panel, "happiness", "CN-JL")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_is_built_in_both_languages_from_the_data(prepared, lang):
    page = check_panels.model_check(prepared, lang)
    head = prepared.record.headline()
    assert f"{head['model']:.1f}" in page.record.value
    assert str(HEADLINE_ORIGIN) in page.record.value
    assert PARAMS.model.version in page.changelog.value
    for name in ("national_pull", "hiring_elasticity"):
        assert name in page.estimates.value
    if lang == "zh":
        assert re.search("[\u4e00-\u9fff]", page.horizon.value)


def test_the_backtest_controls_redraw_the_chart_caption_and_table(prepared):
    box = check_panels.backtest_explorer(prepared, "en")
    controls, origin, status, frame, _follow = box.children
    series, region = controls.children
    chart = frame.children[0]
    caption = frame.caption.value
    origin.value = 2016
    assert frame.caption.value != caption and "From 2016" in frame.caption.value
    spec = chart.chart
    series.value = "rd_personnel_fte"
    region.value = "CN-HL"
    assert chart.chart is not spec and status.value == ""
    assert "Heilongjiang" in str(chart.chart.to_dict()["title"])


def test_the_tornado_follows_its_scenario_and_says_when_nothing_moves(prepared):
    box = check_panels.tornado_explorer(prepared, "en")
    controls, status, frame = box.children
    preset = controls.children[0]
    table = frame.table.value
    preset.value = "talent_policy"
    assert frame.table.value != table and status.value == ""
    preset.value = check_panels.NO_POLICY
    assert "No assumption moves this result" in frame.caption.value
