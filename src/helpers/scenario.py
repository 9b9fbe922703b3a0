"""Scenarios as data: parse, check, serialise, run — and a command line for researchers.

A scenario is a small mapping, the same in a YAML file, a JSON file or a URL::

    name: Heilongjiang reaches the national average by 2030
    preset: talent_policy            # optional: start from a preset of helpers.presets
    levers:                          # override or add levers (see parameters.yaml)
      rd_intensity_target: {CN-HL: 2.65}
      rd_intensity_target_year: 2030
    assumptions:
      rd_depreciation: 0.20
    draws: 2000                      # Monte Carlo draws (0 = central run only)
    seed: 7

:func:`parse_scenario` is strict: an unknown key, a value out of its [min, max] range or a
non-number is rejected with a message naming it; nothing is silently clipped.
:func:`parse_scenario_lenient` is for untrusted input that must not fail (a shared link): it drops
or resets what is wrong and reports every change it made.

Command line::

    python -m helpers.scenario run my_scenario.yaml --out results.csv
    python -m helpers.scenario validate my_scenario.yaml
    python -m helpers.scenario presets
    python -m helpers.scenario example > my_scenario.yaml

Malformed files exit with status 2 and a message naming the bad key or value (no traceback).
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
)

from helpers.model import (
    NE_PROVINCES,
    Baseline,
    ParameterSet,
    ScenarioError,
    ScenarioResult,
    load_parameters,
    simulate,
)
from helpers.model.parameters import format_validation_errors
from helpers.presets import PRESETS


@dataclass(frozen=True)
class Scenario:
    """A scenario: levers and assumptions set by the user, plus Monte Carlo settings.

    ``levers`` and ``assumptions`` hold only what the scenario sets; everything else keeps its
    default (levers: the no-policy baseline; assumptions: their central value). ``preset`` names a
    starting point from :data:`helpers.presets.PRESETS`; ``levers`` override it.
    """

    name: str | None = None
    description: str | None = None
    preset: str | None = None
    levers: Mapping[str, Any] = field(default_factory=dict)
    assumptions: Mapping[str, Any] = field(default_factory=dict)
    draws: int = 0
    seed: int | None = None

    def resolved_levers(self, baseline: Baseline) -> dict[str, Any]:
        """The preset's levers (if any) updated with this scenario's own."""
        levers: dict[str, Any] = {}
        if self.preset is not None:
            levers.update(PRESETS[self.preset].levers(baseline))
        for name, value in self.levers.items():
            if isinstance(value, Mapping) and isinstance(levers.get(name), Mapping):
                levers[name] = {**levers[name], **value}
            else:
                levers[name] = value
        return levers

    def run(self, baseline: Baseline, parameters: ParameterSet | None = None) -> ScenarioResult:
        """Simulate this scenario."""
        return simulate(
            baseline,
            self.resolved_levers(baseline),
            dict(self.assumptions),
            draws=self.draws,
            seed=self.seed,
            parameters=parameters,
        )

    def to_dict(self, minimal: bool = True) -> dict[str, Any]:
        """Plain, JSON-safe mapping; :func:`parse_scenario` reads it back to an equal scenario.

        With ``minimal`` (the default) empty fields are left out, which keeps URLs short.
        """
        data = {
            "name": self.name,
            "description": self.description,
            "preset": self.preset,
            "levers": _plain(self.levers),
            "assumptions": _plain(self.assumptions),
            "draws": self.draws,
            "seed": self.seed,
        }
        if minimal:
            data = {k: v for k, v in data.items() if v not in (None, {}) and (k, v) != ("draws", 0)}
        return data


def _plain(values: Mapping[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in values.items():
        if isinstance(value, Mapping):
            out[name] = {region: _number(v) for region, v in value.items()}
        else:
            out[name] = _number(value)
    return out


def _number(value):
    as_float = float(value)
    return int(as_float) if as_float.is_integer() and isinstance(value, int) else as_float


# ------------------------------------------------------------------------------ validation


_LINE_BREAKS = "\n\r\t"


def _control(text: str, allowed: str = "") -> str | None:
    """The first control or line-separator character of ``text`` not in ``allowed``, if any.

    YAML reads some of them (U+0085, U+2028, U+2029) as line breaks, so a name holding one would
    not survive a round trip through a scenario file.
    """
    for char in text:
        if char in allowed:
            continue
        if unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            return char
    return None


def _no_control(text: str) -> str:
    char = _control(text)
    if char is not None:
        raise ValueError(f"contains the control character U+{ord(char):04X}")
    return text


def _no_control_but_lines(text: str) -> str:
    char = _control(text, _LINE_BREAKS)
    if char is not None:
        raise ValueError(f"contains the control character U+{ord(char):04X}")
    return text


def _scenario_model(parameters: ParameterSet) -> type[BaseModel]:
    """Pydantic model of a scenario mapping, with every lever and assumption typed and bounded."""
    cached = _MODELS.get(id(parameters))
    if cached is not None and cached[0] is parameters:
        return cached[1]
    max_draws = parameters.monte_carlo.max_draws
    model = create_model(
        "Scenario",
        __config__=ConfigDict(extra="forbid", frozen=True),
        name=(Annotated[str, Field(max_length=200), AfterValidator(_no_control)] | None, None),
        description=(
            Annotated[str, Field(max_length=4000), AfterValidator(_no_control_but_lines)] | None,
            None,
        ),
        preset=(Literal[tuple(PRESETS)] | None, None),  # type: ignore[valid-type]
        levers=(parameters._levers_model | None, None),  # an empty YAML section is None
        assumptions=(parameters._assumptions_model | None, None),
        draws=(Annotated[int, Field(ge=0, le=max_draws, strict=True)], 0),
        seed=(Annotated[int, Field(ge=0, strict=True)] | None, None),
    )
    _MODELS[id(parameters)] = (parameters, model)
    return model


_MODELS: dict[int, tuple[ParameterSet, type[BaseModel]]] = {}


def parse_scenario(data: Any, parameters: ParameterSet | None = None) -> Scenario:
    """Check a scenario mapping strictly and return a :class:`Scenario`.

    Raises
    ------
    ScenarioError
        With one line per problem, naming the key and the value: unknown keys, values outside
        [min, max], unknown provinces or presets, non-numbers. Nothing is clipped.
    """
    parameters = parameters or load_parameters()
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ScenarioError([f"a scenario must be a mapping of keys to values (got {data!r})"])
    try:
        parsed = _scenario_model(parameters).model_validate(dict(data))
    except ValidationError as exc:
        raise ScenarioError(format_validation_errors(exc, "", parameters)) from None
    values = parsed.model_dump()

    def set_only(section):
        return {k: v for k, v in (values.get(section) or {}).items() if v is not None}

    return Scenario(
        name=values["name"],
        description=values["description"],
        preset=values["preset"],
        levers=set_only("levers"),
        assumptions=set_only("assumptions"),
        draws=values["draws"],
        seed=values["seed"],
    )


@dataclass(frozen=True)
class Notice:
    """What :func:`parse_scenario_lenient` changed, and why."""

    key: str
    value: Any
    action: Literal["dropped", "reset", "clipped"]
    message_en: str
    message_zh: str

    def message(self, lang: str = "en") -> str:
        return self.message_zh if lang == "zh" else self.message_en


def parse_scenario_lenient(
    data: Any,
    parameters: ParameterSet | None = None,
    *,
    out_of_range: Literal["default", "clip"] = "default",
) -> tuple[Scenario, list[Notice]]:
    """Parse untrusted scenario data without failing; report every change made.

    Unknown keys are dropped; values that are not valid numbers fall back to their default; values
    outside [min, max] fall back to their default (``out_of_range="default"``) or are clipped to
    the nearest bound (``"clip"``). Returns the scenario and the list of :class:`Notice`.
    """
    parameters = parameters or load_parameters()
    notices: list[Notice] = []
    if not isinstance(data, Mapping):
        notices.append(
            _notice("(scenario)", data, "dropped", "not a mapping", "不是有效的键值映射")
        )
        return Scenario(), notices

    clean: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("levers", "assumptions"):
            clean[key] = _lenient_section(key, value, parameters, out_of_range, notices)
            continue
        try:
            parse_scenario({key: value}, parameters)
            clean[key] = value
        except ScenarioError as exc:
            reasons = "; ".join(p.split(": ", 1)[-1] for p in exc.problems)
            notices.append(_notice(str(key), value, "dropped", reasons, "无效，已忽略"))
    return parse_scenario(clean, parameters), notices


def _lenient_section(section, values, parameters, out_of_range, notices) -> dict[str, Any]:
    if not isinstance(values, Mapping):
        notices.append(_notice(section, values, "dropped", "not a mapping", "不是有效的键值映射"))
        return {}
    kept: dict[str, Any] = {}
    for name, value in values.items():
        where = f"{section}.{name}"
        spec = parameters.by_name.get(name)
        if spec is None or spec.kind != section[:-1]:
            notices.append(_notice(where, value, "dropped", "unknown key", "未知参数，已忽略"))
            continue
        if isinstance(value, Mapping) and spec.per_region:
            per_region = {}
            for region, v in value.items():
                fixed = _lenient_value(
                    f"{where}.{region}",
                    spec,
                    v,
                    out_of_range,
                    notices,
                    region_ok=region in NE_PROVINCES,
                )
                if fixed is not None:
                    per_region[region] = fixed
            if per_region:
                kept[name] = per_region
        else:
            fixed = _lenient_value(where, spec, value, out_of_range, notices, region_ok=True)
            if fixed is not None:
                kept[name] = fixed
    return kept


def _lenient_value(where, spec, value, out_of_range, notices, *, region_ok):
    """A valid value for ``spec``, or None (meaning: use the default); records a notice."""
    if not region_ok:
        notices.append(_notice(where, value, "dropped", "unknown region", "未知地区，已忽略"))
        return None
    try:
        number = float(value)
        if isinstance(value, bool) or number != number or number in (float("inf"), float("-inf")):
            raise ValueError
    except (TypeError, ValueError):
        notices.append(
            _notice(where, value, "reset", "not a number; default used", "不是数字，已恢复默认值")
        )
        return None
    if spec.is_int and not number.is_integer():
        notices.append(
            _notice(
                where, value, "reset", "not a whole number; default used", "不是整数，已恢复默认值"
            )
        )
        return None
    if spec.min <= number <= spec.max:
        return int(number) if spec.is_int else number
    bounds = f"outside [{spec.min:g}, {spec.max:g}]"
    if out_of_range == "clip":
        clipped = min(max(number, spec.min), spec.max)
        notices.append(
            _notice(
                where,
                value,
                "clipped",
                f"{bounds}; set to {clipped:g}",
                f"超出范围[{spec.min:g}, {spec.max:g}]，已调整为{clipped:g}",
            )
        )
        return int(clipped) if spec.is_int else clipped
    notices.append(
        _notice(
            where,
            value,
            "reset",
            f"{bounds}; default used",
            f"超出范围[{spec.min:g}, {spec.max:g}]，已恢复默认值",
        )
    )
    return None


def _notice(key, value, action, en, zh) -> Notice:
    return Notice(key, value, action, f"{key} = {value!r}: {en}", f"{key} = {value!r}：{zh}")


# ------------------------------------------------------------------------------ files


def load_scenario_file(path: str | Path, parameters: ParameterSet | None = None) -> Scenario:
    """Read a scenario from a YAML or JSON file; raise :class:`ScenarioError` if malformed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError([f"{path}: cannot read the file ({exc.strerror})"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError([f"{path}: not valid YAML{where}: {problem}"]) from None
    try:
        return parse_scenario(data, parameters)
    except ScenarioError as exc:
        raise ScenarioError([f"{path}: {p}" for p in exc.problems]) from None


def scenario_to_yaml(scenario: Scenario) -> str:
    """The scenario as YAML text (Chinese characters kept readable)."""
    return yaml.safe_dump(scenario.to_dict(), allow_unicode=True, sort_keys=False)


def example_scenario(parameters: ParameterSet | None = None) -> str:
    """A commented scenario file listing every lever and assumption with its range."""
    parameters = parameters or load_parameters()
    lines = [
        "# NQP Lab scenario. Remove the '#' before a line to set it; the rest keep their defaults.",
        "name: My scenario",
        "# preset: " + " | ".join(PRESETS),
        f"draws: {parameters.monte_carlo.default_draws}",
        "seed: 1",
        "levers:",
    ]
    for spec in parameters.levers:
        default = "baseline (2023 level)" if spec.default is None else f"{spec.default:g}"
        per = "; number or {CN-LN: …, CN-JL: …, CN-HL: …}" if spec.per_region else ""
        lines.append(
            f"  # {spec.name}: {default}    # {spec.label_en} [{spec.min:g}–"
            f"{spec.max:g} {spec.unit}{per}]"
        )
    lines.append("assumptions:")
    for spec in parameters.assumptions:
        lines.append(
            f"  # {spec.name}: {spec.default:g}    # {spec.label_en} [{spec.min:g}–"
            f"{spec.max:g} {spec.unit}; {spec.grade}]"
        )
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------ command line


def _load_baseline(panel_path: str | None):
    from helpers.model import calibrate

    if panel_path:
        import pandas as pd

        try:
            panel = pd.read_csv(panel_path)
        except (OSError, ValueError) as exc:
            raise RuntimeError(f"cannot read the panel {panel_path}: {exc}") from None
    else:
        try:
            from helpers.data import load_panel
        except ImportError:
            raise RuntimeError(
                "the data layer (helpers.data.load_panel) is not available; "
                "pass a tidy panel CSV with --panel"
            ) from None
        panel = load_panel()
    return calibrate(panel)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.scenario",
        description="Run NQP Lab scenarios from YAML or JSON files.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a scenario file and write the tidy results")
    run.add_argument("file", help="scenario file (YAML or JSON)")
    run.add_argument("--out", required=True, help="CSV file for the results")
    run.add_argument("--draws", type=int, help="override the file's Monte Carlo draws")
    run.add_argument("--seed", type=int, help="override the file's random seed")
    run.add_argument("--panel", help="tidy panel CSV (default: helpers.data.load_panel())")
    run.add_argument("--lang", choices=("en", "zh"), default="en", help="language of warnings")
    check = commands.add_parser("validate", help="check a scenario file without running it")
    check.add_argument("file")
    commands.add_parser("presets", help="list the presets of the report's measures")
    commands.add_parser("example", help="print a scenario file with every lever and assumption")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m helpers.scenario``; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "presets":
            for preset in PRESETS.values():
                print(
                    f"{preset.key}  ({preset.report_section}) {preset.title_en} / {preset.title_zh}"
                )
            return 0
        if args.command == "example":
            sys.stdout.write(example_scenario())
            return 0
        scenario = load_scenario_file(args.file)
        if args.command == "validate":
            print(f"{args.file}: valid scenario")
            return 0
        overrides = {}
        if args.draws is not None:
            overrides["draws"] = args.draws
        if args.seed is not None:
            overrides["seed"] = args.seed
        if overrides:
            scenario = parse_scenario({**scenario.to_dict(), **overrides})
        baseline = _load_baseline(args.panel)
        result = scenario.run(baseline)
        frame = result.to_frame()
        frame.to_csv(args.out, index=False)
        for warning in result.warnings:
            print(f"warning [{warning.code}]: {warning.message(args.lang)}", file=sys.stderr)
        print(f"wrote {len(frame)} rows to {args.out} (draws={result.draws}, seed={result.seed})")
        return 0
    except ScenarioError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    except (RuntimeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


__all__ = [
    "Notice",
    "Scenario",
    "example_scenario",
    "load_scenario_file",
    "main",
    "parse_scenario",
    "parse_scenario_lenient",
    "scenario_to_yaml",
]

if __name__ == "__main__":
    sys.exit(main())
