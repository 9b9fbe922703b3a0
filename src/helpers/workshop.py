"""Workshop exercises in "predict, then reveal" form: the questions and how each answer is found.

Each exercise asks for a number, lets participants commit to a guess, then reveals the answer
computed here from the data (with source, year and trust grade) or from the scenario model
(with its P10–P90 band and the model's own warnings). Nothing is typed in: every answer is
computed when it is revealed. The words (question, explanation, discussion prompt) are in the
string table under ``workshop.<key>.*``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

#: The model exercise's target year for the intensity path, and the year it looks at.
MODEL_TARGET_YEAR = 2030
MODEL_OUTCOME_YEAR = 2035
MODEL_DRAWS = 500
MODEL_SEED = 1


@dataclass(frozen=True)
class Answer:
    """A revealed answer: the value, a band for model answers, and where it comes from."""

    value: float
    kind: str  # "data" or "model"
    year: int
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)  # panel rows behind a data answer
    low: float | None = None  # P10 of a model answer
    high: float | None = None  # P90 of a model answer
    warnings_en: tuple[str, ...] = ()
    warnings_zh: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)  # numbers the explanation quotes


@dataclass(frozen=True)
class Exercise:
    """One question: the guess's range (percent unless the strings say otherwise) and the answer."""

    key: str
    guess_min: float
    guess_max: float
    guess_step: float
    decimals: int
    answer: Callable[[pd.DataFrame], Answer]
    #: Numbers the question quotes (years, the report's claim), read from the data.
    question_values: Callable[[pd.DataFrame], dict] = lambda panel: {}

    @property
    def guess_start(self) -> float:
        """Where the guess slider starts: the middle of its range, a hint of nothing."""
        middle = (self.guess_min + self.guess_max) / 2
        return round(round(middle / self.guess_step) * self.guess_step, 6)


def _latest(
    panel: pd.DataFrame, region: str, indicator: str, grades: tuple[str, ...] = tuple("ABCD")
) -> pd.DataFrame:
    """Rows of the latest year with a value of at least the given grades."""
    rows = panel[(panel["region"] == region) & (panel["indicator"] == indicator)]
    rows = rows[rows["year"].notna() & rows["grade"].isin(grades)]
    if rows.empty:
        raise LookupError(f"the data have no {indicator} for {region}")
    return rows[rows["year"] == rows["year"].max()]


def share_of_national(panel: pd.DataFrame) -> Answer:
    """The three provinces' share of China's R&D spending, latest year (percent)."""
    rows = _latest(panel, "NE3", "rd_expenditure_share_of_national")
    row = rows.iloc[0]
    return Answer(float(row["value"]), "data", int(row["year"]), rows)


def census_change(panel: pd.DataFrame) -> Answer:
    """Population change of the three provinces between the 2010 and 2020 censuses (percent)."""
    rows = _latest(panel, "NE3", "population_census_growth_since_2010")
    persons = _latest(panel, "NE3", "population_census_change_since_2010").iloc[0]
    row = rows.iloc[0]
    return Answer(
        float(row["value"]),
        "data",
        int(row["year"]),
        pd.concat([rows, persons.to_frame().T]),
        extra={"people": abs(float(persons["value"]))},
    )


def weighted_intensity(panel: pd.DataFrame) -> Answer:
    """Total R&D over total GDP of the three provinces, latest year (percent); the report's
    "about 1.74%" is the simple mean of the three intensities, shown next to it."""
    rows = _latest(panel, "NE3", "rd_intensity_gdp_weighted")
    year = int(rows.iloc[0]["year"])
    mean = panel[
        (panel["region"] == "NE3")
        & (panel["indicator"] == "rd_intensity_simple_mean")
        & (panel["year"] == year)
    ]
    return Answer(
        float(rows.iloc[0]["value"]),
        "data",
        year,
        pd.concat([rows, mean]),
        extra={"simple_mean": float(mean["value"].iloc[0]) if not mean.empty else float("nan")},
    )


def model_patents(panel: pd.DataFrame) -> Answer:
    """Model: if all three provinces reached the national R&D intensity of the latest year by
    2030, how much higher would invention patents granted be in 2035 than on the baseline path
    (percent of the baseline, with the P10–P90 band over the judgement parameters)?

    The backtest's forecast errors move the baseline and the scenario together, so they leave
    this percentage alone and are not drawn here."""
    from helpers.model import calibrate, simulate

    national = _latest(panel, "CN", "rd_intensity", grades=("A", "B"))  # not a secondary 2024
    target = float(national.iloc[0]["value"])
    result = simulate(
        calibrate(panel),
        {"rd_intensity_target": target, "rd_intensity_target_year": MODEL_TARGET_YEAR},
        draws=MODEL_DRAWS,
        seed=MODEL_SEED,
        forecast_errors=False,
    )
    base = result.value("invention_patents_granted", "NE3", MODEL_OUTCOME_YEAR, "baseline")

    def change(stat: str) -> float:
        extra = result.value("invention_patents_granted", "NE3", MODEL_OUTCOME_YEAR, "change", stat)
        return extra / base * 100

    return Answer(
        change("central"),
        "model",
        MODEL_OUTCOME_YEAR,
        national,
        low=change("p10"),
        high=change("p90"),
        warnings_en=tuple(dict.fromkeys(w.message_en for w in result.warnings)),
        warnings_zh=tuple(dict.fromkeys(w.message_zh for w in result.warnings)),
        extra={"target": target, "target_year": MODEL_TARGET_YEAR, "draws": MODEL_DRAWS},
    )


def intensity_question(panel: pd.DataFrame) -> dict:
    """The report's intensity claim (claims table, C05) and its year."""
    from helpers.data import load_claims

    claim = load_claims().set_index("claim_id").loc["C05"]
    year = int(_latest(panel, "NE3", "rd_intensity_gdp_weighted").iloc[0]["year"])
    return {"claimed": f"{claim['claimed_value']:g}", "year": year}


def model_question(panel: pd.DataFrame) -> dict:
    national = _latest(panel, "CN", "rd_intensity", grades=("A", "B"))
    return {
        "year": int(national.iloc[0]["year"]),
        "target_year": MODEL_TARGET_YEAR,
        "outcome_year": MODEL_OUTCOME_YEAR,
    }


EXERCISES: tuple[Exercise, ...] = (
    Exercise("share", 0, 20, 0.1, 1, share_of_national),
    Exercise("census", -30, 20, 0.5, 1, census_change),
    Exercise("intensity", 0, 4, 0.01, 2, weighted_intensity, intensity_question),
    Exercise("model", 0, 60, 0.5, 1, model_patents, model_question),
)
