"""The parameter file is complete, consistent and rejects malformed content with clear messages."""

from __future__ import annotations

import math
import string

import pytest
import yaml

from helpers.model import ParameterFileError, load_parameters, model_equations, simulate
from helpers.model.parameters import PARAMETERS_PATH, parse_parameters
from tests.conftest_model import baseline  # noqa: F401

PARAMS = load_parameters()
RAW = yaml.safe_load(PARAMETERS_PATH.read_text(encoding="utf-8"))


@pytest.mark.parametrize("spec", PARAMS.parameters, ids=lambda p: p.name)
def test_every_parameter_has_a_source_a_grade_and_both_languages(spec):
    """Sliders, the assumptions panel and the docs need all of these for every parameter."""
    assert spec.source.strip() and spec.grade in ("read", "derived", "judgement")
    for text in (spec.label_en, spec.label_zh, spec.description_en, spec.description_zh):
        assert text.strip()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in spec.description_zh), "zh text has no Chinese"


@pytest.mark.parametrize("spec", PARAMS.assumptions, ids=lambda p: p.name)
def test_every_judgement_assumption_has_a_range_around_its_default(spec):
    if spec.grade == "judgement":
        assert spec.range is not None
    if spec.range is not None:
        assert spec.min <= spec.range.low <= spec.range.mode <= spec.range.high <= spec.max
        assert spec.range.mode == spec.default


@pytest.mark.parametrize("spec", PARAMS.parameters, ids=lambda p: p.name)
def test_defaults_lie_in_range_and_steps_divide_it_sensibly(spec):
    if spec.default is not None:
        assert spec.min <= spec.default <= spec.max
    n_steps = (spec.max - spec.min) / spec.step
    assert math.isclose(n_steps, round(n_steps), abs_tol=1e-6), "step must divide max − min"
    assert 2 <= round(n_steps) <= 2000
    if spec.default is not None:
        offset = (spec.default - spec.min) / spec.step
        assert math.isclose(offset, round(offset), abs_tol=1e-6), "default must sit on a step"


def test_levers_default_to_no_policy_and_are_grouped_by_report_measure():
    measures = {k for k, g in PARAMS.groups.items() if g.kind == "lever"}
    assert len(measures) == 5
    for spec in PARAMS.levers:
        assert spec.group in measures and PARAMS.groups[spec.group].report_section
    assert {p.group for p in PARAMS.levers} == measures


def test_baseline_defaults_of_levers_come_from_the_data(baseline):  # noqa: F811
    target = PARAMS["rd_intensity_target"]
    assert target.default is None and target.default_from == "rd_intensity"
    for region in ("CN-LN", "CN-JL", "CN-HL"):
        assert target.min <= baseline.value("rd_intensity", region) <= target.max


def test_monte_carlo_draws_only_ranged_continuous_assumptions():
    for spec in PARAMS.drawn:
        assert spec.kind == "assumption" and spec.range is not None and not spec.is_int


@pytest.mark.parametrize("check", PARAMS.checks, ids=lambda c: c.code)
def test_warning_templates_format_in_both_languages(check):
    sample = {name: 1.5 for name in check.fields}
    sample.update({k: "X" for k in check.fields if k.startswith(("region", "max_region"))})
    sample.update({"year": 2030, "max_year": 2022})
    for lang in ("en", "zh"):
        text = check.format(lang, sample)
        assert text and "{" not in text


def test_declared_outputs_are_exactly_what_the_model_produces(baseline):  # noqa: F811
    result = simulate(baseline)
    assert set(result.series["variable"].unique()) == {o.name for o in PARAMS.outputs}
    assert set(result.metrics["metric"].unique()) == {m.name for m in PARAMS.metrics} - {
        "share_of_draws_implausible_return"  # only with Monte Carlo draws
    }
    assert set(result.series["unit"].unique()) <= {o.unit for o in PARAMS.outputs}


def test_every_symbol_appears_in_the_equations():
    latex = " ".join(e["latex"] for e in model_equations())
    missing = [p.name for p in PARAMS.parameters if p.symbol not in latex]
    assert not missing, f"symbols not shown in any equation: {missing}"


def test_equations_have_latex_and_both_languages():
    equations = model_equations()
    assert len({e["id"] for e in equations}) == len(equations)
    for e in equations:
        assert e["latex"] and e["description_en"] and e["description_zh"]
        assert e["latex"].count("{") == e["latex"].count("}")


# --------------------------------------------------------------------- malformed parameter files


def _broken(mutate):
    raw = yaml.safe_load(PARAMETERS_PATH.read_text(encoding="utf-8"))
    mutate(raw)
    return raw


def _param(raw, name):
    return next(p for p in raw["parameters"] if p["name"] == name)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda r: _param(r, "rd_depreciation").update(default=0.9), "rd_depreciation"),
        (lambda r: _param(r, "rd_depreciation").pop("source"), "source"),
        (lambda r: _param(r, "fund_additionality").pop("range"), "needs a range"),
        (lambda r: _param(r, "rd_depreciation").update(grade="guess"), "grade"),
        (lambda r: _param(r, "rd_depreciation").update(colour="red"), "colour"),
        (lambda r: _param(r, "guided_fund").update(group="nowhere"), "unknown group"),
        (lambda r: r["parameters"].append(dict(r["parameters"][0])), "more than once"),
        (lambda r: _param(r, "patent_lag").update(default=1.5), "whole number"),
        (lambda r: _param(r, "rd_price_inflation").update(min=0.2), "min"),
    ],
)
def test_a_malformed_parameter_file_names_the_bad_key(mutate, expected):
    with pytest.raises(ParameterFileError) as info:
        parse_parameters(_broken(mutate))
    assert expected in str(info.value)


def test_invalid_yaml_and_missing_file_give_clear_errors(tmp_path):
    bad = tmp_path / "parameters.yaml"
    bad.write_text("parameters: [\n  - name: x\n    source: a: b\n", encoding="utf-8")
    with pytest.raises(ParameterFileError, match="not valid YAML"):
        load_parameters(bad)
    with pytest.raises(ParameterFileError, match="cannot read"):
        load_parameters(tmp_path / "missing.yaml")


def test_templates_only_use_declared_fields():
    for check in PARAMS.checks:
        for template in (check.message_en, check.message_zh):
            used = {f for _, f, _, _ in string.Formatter().parse(template) if f}
            assert used <= set(check.fields)
