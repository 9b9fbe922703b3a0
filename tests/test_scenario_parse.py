"""Scenario files and dicts: strict parsing with clear messages, lenient parsing, round trips and
the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.model import NE_PROVINCES, ScenarioError, load_parameters
from helpers.presets import PRESETS
from helpers.scenario import (
    Scenario,
    example_scenario,
    load_scenario_file,
    main,
    parse_scenario,
    parse_scenario_lenient,
    scenario_to_yaml,
)
from tests.conftest_model import baseline, panel  # noqa: F401

PARAMS = load_parameters()
SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"levers": {"guided_fund": 500}}, "levers.guided_fund: 500 is above the maximum 200"),
        ({"levers": {"guided_funds": 5}}, "did you mean 'guided_fund'"),
        ({"levers": {"rd_depreciation": 0.2}}, "is an assumption; put it under assumptions"),
        ({"levers": {"rd_intensity_target": {"CN-XX": 2}}}, "unknown region 'CN-XX'"),
        ({"levers": {"rd_intensity_target": {"CN-HL": 9}}}, "CN-HL: 9 is above the maximum 7"),
        ({"assumptions": {"rd_depreciation": "high"}}, "assumptions.rd_depreciation"),
        ({"assumptions": {"patent_lag": 2.5}}, "assumptions.patent_lag"),
        ({"levers": {"guided_fund": True}}, "not true/false"),
        ({"levers": {"guided_fund": float("nan")}}, "levers.guided_fund"),
        ({"lever": {}}, "lever: unknown key (did you mean 'levers'?)"),
        ({"preset": "tax_cuts"}, "preset: 'tax_cuts' is not one of"),
        ({"draws": -1}, "draws: -1 is below the minimum 0"),
        ({"draws": 1.5}, "draws"),
        ("not a mapping", "must be a mapping"),
    ],
)
def test_malformed_scenarios_are_rejected_with_the_key_and_value_named(data, message):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data)
    assert any(message in problem for problem in info.value.problems), info.value.problems


def test_several_problems_are_reported_together():
    with pytest.raises(ScenarioError) as info:
        parse_scenario({"levers": {"guided_fund": -1, "tto_coverage_increase": 2}, "seed": -3})
    assert len(info.value.problems) == 3


@pytest.mark.parametrize("char", ["\x00", "\x85", "\u2028", "\x1b"])
def test_a_name_with_a_control_character_is_refused_by_name(char):
    """YAML reads U+0085 and U+2028 as line breaks: such a name could not round-trip."""
    with pytest.raises(ScenarioError) as info:
        parse_scenario({"name": f"a{char}b"})
    assert any(p.startswith("name:") and "control character" in p for p in info.value.problems)
    assert parse_scenario({"description": "line one\nline two"}).description.count("\n") == 1


def test_an_empty_scenario_is_the_baseline():
    assert parse_scenario({}) == Scenario() == parse_scenario(None)


def _value(spec):
    if spec.is_int:
        return st.integers(int(spec.min), int(spec.max))
    return st.floats(spec.min, spec.max, allow_nan=False)


scenarios = st.fixed_dictionaries(
    {},
    optional={
        "name": st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=40),
        "preset": st.sampled_from(list(PRESETS)),
        "levers": st.fixed_dictionaries(
            {},
            optional={
                p.name: st.one_of(
                    _value(p),
                    st.fixed_dictionaries({}, optional={r: _value(p) for r in NE_PROVINCES}),
                )
                for p in PARAMS.levers
            },
        ),
        "assumptions": st.fixed_dictionaries(
            {}, optional={p.name: _value(p) for p in PARAMS.assumptions}
        ),
        "draws": st.integers(0, 5000),
        "seed": st.integers(0, 2**32),
    },
)


@settings(max_examples=80, deadline=None)
@given(data=scenarios)
def test_serialising_and_parsing_a_scenario_round_trips(data):
    scenario = parse_scenario(data)
    assert parse_scenario(scenario.to_dict()) == scenario
    assert parse_scenario(scenario.to_dict(minimal=False)) == scenario
    assert parse_scenario(yaml.safe_load(scenario_to_yaml(scenario))) == scenario


untrusted_values = st.one_of(st.floats(-1e9, 1e9), st.text(max_size=3), st.none())
untrusted_sections = st.dictionaries(
    st.sampled_from([p.name for p in PARAMS.parameters] + ["nope"]), untrusted_values
)
untrusted = st.dictionaries(
    st.sampled_from(["levers", "assumptions", "draws", "junk"]),
    st.one_of(st.integers(-(10**6), 10**6), st.text(max_size=5), untrusted_sections),
)


@settings(max_examples=80, deadline=None)
@given(data=untrusted)
def test_lenient_parsing_never_fails_and_explains_every_change(data):
    scenario, notices = parse_scenario_lenient(data)
    assert isinstance(scenario, Scenario)
    try:
        parse_scenario(data)
    except ScenarioError:
        assert notices, "a rejected input must produce at least one notice"
    for notice in notices:
        assert notice.message_en and notice.message_zh


def test_lenient_parsing_resets_or_clips_out_of_range_values():
    data = {"levers": {"guided_fund": 500, "nope": 1, "rd_intensity_target": {"CN-HL": "x"}}}
    reset, notices = parse_scenario_lenient(data)
    assert reset.levers == {} and {n.action for n in notices} == {"reset", "dropped"}
    clipped, notices = parse_scenario_lenient(data, out_of_range="clip")
    assert clipped.levers == {"guided_fund": 200.0}
    assert "clipped" in {n.action for n in notices}


def test_presets_resolve_and_levers_override_them(baseline):  # noqa: F811
    scenario = parse_scenario(
        {"preset": "innovation_platforms", "levers": {"rd_intensity_target": {"CN-LN": 3.0}}}
    )
    levers = scenario.resolved_levers(baseline)
    assert levers["rd_intensity_target"]["CN-LN"] == 3.0
    national = baseline.value("rd_intensity", "CN")
    assert levers["rd_intensity_target"]["CN-HL"] == national


def test_scenario_files_load_from_yaml_and_json(tmp_path):
    scenario = parse_scenario({"name": "高强度", "levers": {"guided_fund": 10}, "draws": 10})
    yaml_file = tmp_path / "s.yaml"
    yaml_file.write_text(scenario_to_yaml(scenario), encoding="utf-8")
    json_file = tmp_path / "s.json"
    json_file.write_text(pd.Series(scenario.to_dict()).to_json(force_ascii=False), encoding="utf-8")
    assert load_scenario_file(yaml_file) == scenario == load_scenario_file(json_file)


def test_bad_files_name_the_file_and_the_problem(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("levers:\n  guided_fund: [1,\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"broken.yaml: not valid YAML at line"):
        load_scenario_file(broken)
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario_file(tmp_path / "missing.yaml")


def test_the_example_file_is_a_valid_scenario():
    assert parse_scenario(yaml.safe_load(example_scenario())).draws == 2000


# --------------------------------------------------------------------------------- command line


@pytest.fixture(scope="module")
def panel_csv(tmp_path_factory, panel):  # noqa: F811
    path = tmp_path_factory.mktemp("panel") / "panel.csv"
    panel.to_csv(path, index=False)
    return path


def test_cli_runs_a_scenario_and_writes_tidy_results(tmp_path, panel_csv, capsys):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "name: test\npreset: chain_leaders\nlevers: {rd_intensity_target: 7.0}\n"
        "draws: 40\nseed: 2\n",
        encoding="utf-8",
    )
    out = tmp_path / "results.csv"
    assert main(["run", str(scenario), "--out", str(out), "--panel", str(panel_csv)]) == 0
    results = pd.read_csv(out)
    assert list(results.columns) == ["region", "year", "variable", "run", "stat", "value", "unit"]
    assert {"central", "p10", "p50", "p90"} <= set(results["stat"])
    metric_rows = results[results["year"].isna()]
    assert "parity_year_national" in set(metric_rows["variable"])
    captured = capsys.readouterr()
    assert "wrote" in captured.out and "target_beyond_observed" in captured.err


def test_cli_overrides_draws_and_seed(tmp_path, panel_csv):
    scenario = tmp_path / "s.yaml"
    scenario.write_text("draws: 2000\n", encoding="utf-8")
    out = tmp_path / "r.csv"
    args = ["run", str(scenario), "--out", str(out), "--panel", str(panel_csv), "--draws", "0"]
    assert main(args) == 0
    assert set(pd.read_csv(out)["stat"]) == {"central"}


def test_cli_rejects_a_malformed_file_with_exit_status_2_and_no_traceback(tmp_path, panel_csv):
    scenario = tmp_path / "bad.yaml"
    scenario.write_text("levers:\n  guided_fund: 900\n  colour: red\n", encoding="utf-8")
    process = subprocess.run(
        [
            sys.executable,
            "-m",
            "helpers.scenario",
            "run",
            str(scenario),
            "--out",
            str(tmp_path / "r.csv"),
            "--panel",
            str(panel_csv),
        ],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(SRC), "PATH": ""},
        check=False,
    )
    assert process.returncode == 2
    assert "Traceback" not in process.stderr
    assert "levers.guided_fund: 900 is above the maximum 200" in process.stderr
    assert "levers.colour: unknown lever" in process.stderr
    assert not (tmp_path / "r.csv").exists()


def test_cli_validate_presets_and_example(tmp_path, capsys):
    good = tmp_path / "good.yaml"
    good.write_text("preset: talent_policy\n", encoding="utf-8")
    assert main(["validate", str(good)]) == 0
    assert main(["presets"]) == 0
    assert "combined_package" in capsys.readouterr().out
    assert main(["example"]) == 0
    assert "rd_intensity_target" in capsys.readouterr().out


def test_cli_without_a_panel_or_data_layer_explains_what_to_do(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "helpers.data", None)  # as if the data layer were absent
    good = tmp_path / "good.yaml"
    good.write_text("{}\n", encoding="utf-8")
    assert main(["run", str(good), "--out", str(tmp_path / "r.csv")]) == 1
    assert "--panel" in capsys.readouterr().err
