"""Predict, then reveal: one panel per workshop exercise.

The participant sets a guess and presses "Reveal"; the answer (from the data, or from the model
with its band) appears next to the guess in a small chart, with the distance between them, an
explanation, the source and the trust grade. "Try again" hides the answer.
"""

from __future__ import annotations

import html

import altair as alt
import ipywidgets as widgets
import pandas as pd

from helpers import charts, text, ui
from helpers.widgets import FollowValue
from helpers.workshop import Answer, Exercise


def guess_chart(exercise: Exercise, lang: str) -> alt.LayerChart:
    """Two bars, the guess and the answer, driven by chart parameters (no data resent).

    The answer bar and its band stay hidden until ``revealed`` is 1.
    """
    guess = alt.param(name="guess", value=exercise.guess_start)
    answer = alt.param(name="answer", value=0.0)
    low = alt.param(name="low", value=0.0)
    high = alt.param(name="high", value=0.0)
    revealed = alt.param(name="revealed", value=0)
    labels = pd.DataFrame(
        {
            "kind": ["guess", "answer"],
            "label": [text.t("workshop.chart.guess", lang), text.t("workshop.chart.answer", lang)],
        }
    )
    base = (
        alt.Chart(labels)
        .transform_calculate(
            value=f"datum.kind === 'guess' ? {guess.name} : {answer.name}",
            low=f"datum.kind === 'guess' ? {guess.name} : {low.name}",
            high=f"datum.kind === 'guess' ? {guess.name} : {high.name}",
            shown=f"datum.kind === 'guess' || {revealed.name} > 0",
        )
        .transform_filter("datum.shown")
    )
    axis = text.t(f"workshop.{exercise.key}.unit", lang)
    y = alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=160))
    bars = base.mark_bar(height=22).encode(
        y=y,
        x=alt.X(
            "value:Q",
            title=axis,
            scale=alt.Scale(domain=[exercise.guess_min, exercise.guess_max], clamp=True),
        ),
        color=alt.Color(
            "kind:N",
            scale=alt.Scale(
                domain=["guess", "answer"],
                range=[charts.OKABE_ITO["sky_blue"], charts.OKABE_ITO["vermillion"]],
            ),
            legend=None,
        ),
    )
    band = base.mark_rule(size=3, color=charts.OKABE_ITO["black"]).encode(
        y=y, x="low:Q", x2="high:Q"
    )
    labels_text = (
        base.transform_calculate(end="max(datum.value, datum.high)")
        .mark_text(align="left", dx=4, fontSize=13)
        .encode(y=y, x="end:Q", text=alt.Text("value:Q", format=f".{exercise.decimals}f"))
    )
    return (
        alt.layer(bars, band, labels_text)
        .add_params(guess, answer, low, high, revealed)
        .properties(width=460, height=80)
    )


def reveal_html(exercise: Exercise, answer: Answer, guess: float, lang: str) -> str:
    """The answer in words: the value (and band), the distance to the guess, the explanation,
    the model's warnings, and the source with year and grade."""
    fmt = lambda v: text.number(v, exercise.decimals, lang)  # noqa: E731
    values = {
        "answer": fmt(answer.value),
        "guess": fmt(guess),
        "difference": fmt(abs(guess - answer.value)),
        "year": answer.year,
        **{
            k: text.number(v, 2, lang) if isinstance(v, float) else v
            for k, v in answer.extra.items()
        },
    }
    if answer.low is not None and answer.high is not None:
        values.update(low=fmt(answer.low), high=fmt(answer.high))

    def say(key: str) -> str:
        return html.escape(text.t(key, lang, **values))

    lines = [
        f"<p class='nqp-reveal-answer'><b>{say(f'workshop.{exercise.key}.answer')}</b></p>",
        f"<p>{say('workshop.distance')}</p>",
        f"<p>{say(f'workshop.{exercise.key}.explain')}</p>",
    ]
    warnings = answer.warnings_zh if lang == "zh" else answer.warnings_en
    if warnings:
        items = "".join(f"<li>{html.escape(w)}</li>" for w in warnings)
        heading = html.escape(text.t("workshop.model_warns", lang))
        lines.append(f"<div class='nqp-model-warnings'><b>{heading}</b><ul>{items}</ul></div>")
    if answer.kind == "data":
        lines.append(charts.source_caption(answer.rows, lang))
    else:
        lines.append(
            "<p class='nqp-caption-source' style='font-size:90%;color:#444'>"
            + html.escape(text.t("workshop.model_source", lang, **values))
            + "</p>"
        )
    return "".join(lines)


def predict_reveal(
    exercise: Exercise, panel: pd.DataFrame, lang: str | None = None
) -> widgets.VBox:
    """The exercise as a panel: question, guess slider, Reveal / Try again, chart and answer."""
    lang = lang or text.get_language()
    key = exercise.key
    asked = text.t(f"workshop.{key}.question", lang, **exercise.question_values(panel))
    question = widgets.HTML(f"<p>{html.escape(asked)}</p>")
    guess = widgets.FloatSlider(
        value=exercise.guess_start,
        min=exercise.guess_min,
        max=exercise.guess_max,
        step=exercise.guess_step,
        readout_format=f".{exercise.decimals}f",
        description=text.t("workshop.your_guess", lang),
        style={"description_width": "initial"},
        layout=widgets.Layout(width="520px"),
        continuous_update=True,
    )
    guess.add_class(f"nqp-guess-{key}")
    reveal = widgets.Button(description=text.t("workshop.reveal", lang), button_style="primary")
    reveal.add_class(f"nqp-reveal-{key}")
    again = widgets.Button(description=text.t("workshop.again", lang), disabled=True)
    again.add_class(f"nqp-again-{key}")
    chart = charts.live_chart(guess_chart(exercise, lang), css_class=f"nqp-guess-chart-{key}")
    # the chart redraws in the browser on the key press; the kernel checks and follows
    follow = FollowValue(source=guess, chart=chart, param="guess")
    result = widgets.HTML("")
    result.add_class(f"nqp-reveal-text-{key}")
    status = ui.status_area()
    revealed: dict[str, Answer] = {}

    @ui.guarded(status, text.t("workshop.error", lang))
    def move_guess(change: dict) -> None:
        value = float(change["new"])
        if not exercise.guess_min <= value <= exercise.guess_max:
            raise ValueError(text.t("workshop.out_of_range", lang))
        follow.set(value)
        if "answer" in revealed:
            result.value = reveal_html(exercise, revealed["answer"], value, lang)

    @ui.guarded(status, text.t("workshop.error", lang))
    def show(_button) -> None:
        answer = revealed.get("answer") or exercise.answer(panel)
        revealed["answer"] = answer
        with chart.hold_sync():
            chart.params.answer = answer.value
            chart.params.low = answer.low if answer.low is not None else answer.value
            chart.params.high = answer.high if answer.high is not None else answer.value
            chart.params.revealed = 1
        result.value = reveal_html(exercise, answer, guess.value, lang)
        reveal.disabled, again.disabled = True, False

    @ui.guarded(status, text.t("workshop.error", lang))
    def hide(_button) -> None:
        revealed.pop("answer", None)
        result.value = ""
        chart.params.revealed = 0
        reveal.disabled, again.disabled = False, True

    guess.observe(move_guess, names="value")
    reveal.on_click(show)
    again.on_click(hide)
    box = widgets.VBox(
        [question, guess, widgets.HBox([reveal, again]), status, chart, result],
        layout=widgets.Layout(border="1px solid #ddd", padding="8px", margin="8px 0"),
    )
    box.add_class(f"nqp-exercise-{key}")
    return box
