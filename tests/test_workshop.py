"""Workshop exercises: every answer computed from the data or the model, reveal and try again."""

from __future__ import annotations

import html

import pytest

from helpers import text
from helpers.data import load_panel
from helpers.panels.workshop import predict_reveal, reveal_html
from helpers.workshop import EXERCISES

PANEL = load_panel()


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.key)
def test_every_answer_is_finite_and_inside_the_guess_range(exercise):
    answer = exercise.answer(PANEL)
    assert exercise.guess_min <= answer.value <= exercise.guess_max
    if answer.kind == "model":
        assert answer.low <= answer.value <= answer.high
    else:
        assert not answer.rows.empty and answer.rows["grade"].notna().all()


def test_data_answers_are_the_panel_values():
    share = EXERCISES[0].answer(PANEL)
    rows = PANEL.query("region == 'NE3' and indicator == 'rd_expenditure_share_of_national'")
    assert share.value == rows.loc[rows["year"].idxmax(), "value"]
    intensity = EXERCISES[2].answer(PANEL)
    assert round(intensity.value, 2) == 1.87 and round(intensity.extra["simple_mean"], 2) == 1.74


def test_model_answer_is_reproducible_and_uses_an_official_national_level():
    first, second = EXERCISES[3].answer(PANEL), EXERCISES[3].answer(PANEL)
    assert first.value == second.value
    national = PANEL.query("region == 'CN' and indicator == 'rd_intensity' and year == 2023")
    assert first.extra["target"] == national["value"].iloc[0]


def test_guess_starts_in_the_middle_not_at_the_answer():
    for exercise in EXERCISES:
        answer = exercise.answer(PANEL).value
        assert abs(exercise.guess_start - answer) > 2 * exercise.guess_step


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_reveal_text_names_answer_distance_and_source(lang):
    for exercise in EXERCISES:
        answer = exercise.answer(PANEL)
        shown = reveal_html(exercise, answer, exercise.guess_start, lang)
        assert text.number(answer.value, exercise.decimals, lang) in shown
        assert ("来源" if lang == "zh" else "Source") in shown or "P10" in shown


def test_reveal_then_try_again():
    box = predict_reveal(EXERCISES[0], PANEL, "en")
    _question, guess, buttons, status, chart, result = box.children
    reveal, again = buttons.children
    assert chart.params.revealed == 0 and result.value == ""
    guess.value = 5.0
    assert chart.params.guess == 5.0
    reveal.click()
    answer = EXERCISES[0].answer(PANEL).value
    assert chart.params.revealed == 1 and chart.params.answer == answer
    assert "Your guess was 5.0" in result.value and reveal.disabled and not again.disabled
    guess.value = 4.0
    assert "Your guess was 4.0" in result.value
    again.click()
    assert chart.params.revealed == 0 and result.value == "" and not reveal.disabled
    assert status.value == ""


def test_a_guess_from_outside_the_range_is_refused_with_a_message():
    box = predict_reveal(EXERCISES[1], PANEL, "zh")
    _question, guess, _buttons, status, chart, _result = box.children
    handler = guess._trait_notifiers["value"]["change"][0]
    handler({"new": 1e9, "old": guess.value, "name": "value", "owner": guess})
    assert "超出" in status.value and chart.params.guess == guess.value


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_handout_has_every_question_and_no_answer(lang):
    from helpers.handout import handout_html

    page = handout_html(lang)
    for exercise in EXERCISES:
        values = exercise.question_values(PANEL)
        question = text.t(f"workshop.{exercise.key}.question", lang, **values)
        assert html.escape(question) in page
        answer = exercise.answer(PANEL).value
        assert text.number(answer, exercise.decimals, lang) not in page
