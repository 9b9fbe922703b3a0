"""Scenario cases in ``tests/scenarios/*.yaml``: each ``name`` is a sentence a policy reader can
check; ``input`` is a scenario (as in a scenario file); ``output`` lists expected numbers.

Each expected number is a series value (``variable``, ``region``, ``year``, ``run``, ``stat``) or a
metric (``metric``, ``region``, ``run``, ``stat``), checked against ``value`` (± ``tolerance``;
``null`` means "not reached"), ``relative_to_baseline`` (change ÷ baseline), ``at_least`` or
``at_most``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, model_validator

from helpers.scenario import parse_scenario
from tests.conftest_model import baseline  # noqa: F401

CASES = sorted((Path(__file__).parent / "scenarios").glob("*.yaml"))


class Expected(BaseModel):
    model_config = ConfigDict(extra="forbid")
    variable: str | None = None
    metric: str | None = None
    region: str
    year: int | None = None
    run: Literal["baseline", "scenario", "change"] = "scenario"
    stat: Literal["central", "p10", "p50", "p90"] = "central"
    value: float | None = None
    tolerance: float = 1e-9
    relative_to_baseline: float | None = None
    at_least: float | None = None
    at_most: float | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_target(cls, data: dict) -> dict:
        assert ("variable" in data) != ("metric" in data), "give a variable or a metric"
        checks = {"value", "relative_to_baseline", "at_least", "at_most"} & set(data)
        assert checks, "give value, relative_to_baseline, at_least or at_most"
        return data


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    source: str | None = None
    input: dict[str, Any]
    output: list[Expected]


def _load(path: Path) -> Case:
    return Case.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def test_there_are_cases_and_every_name_is_a_sentence():
    assert len(CASES) >= 10
    for path in CASES:
        name = _load(path).name
        assert name[0].isupper() and len(name.split()) >= 8, name


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_scenario_case(path, baseline):  # noqa: F811
    case = _load(path)
    result = parse_scenario(case.input).run(baseline)
    for exp in case.output:
        if exp.metric is not None:
            got = result.metric(exp.metric, exp.region, exp.run, exp.stat)
            where = f"{exp.metric} {exp.region} {exp.run} {exp.stat}"
        else:
            got = result.value(exp.variable, exp.region, exp.year, exp.run, exp.stat)
            where = f"{exp.variable} {exp.region} {exp.year} {exp.run} {exp.stat}"
        message = f"{case.name}\n  {where} = {got}"
        if "value" in exp.model_fields_set:
            if exp.value is None:
                assert math.isnan(got), message + " (expected: not reached)"
            else:
                assert got == pytest.approx(exp.value, abs=exp.tolerance), message
        if exp.relative_to_baseline is not None:
            base = result.value(exp.variable, exp.region, exp.year, "baseline", exp.stat)
            assert got / base == pytest.approx(exp.relative_to_baseline, abs=exp.tolerance), message
        if exp.at_least is not None:
            assert got >= exp.at_least, message
        if exp.at_most is not None:
            assert got <= exp.at_most, message
