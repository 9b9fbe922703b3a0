"""The parameter file: typed, validated access to ``src/helpers/parameters.yaml``.

Every lever and assumption of the scenario model is declared once in that file. This module reads
it into frozen pydantic objects, checks it (ranges, evidence grades, Monte Carlo settings, message
templates) and builds the validators that scenario values are checked against.

The two errors raised here are for people, not programs: they name the key and the value at fault.
"""

from __future__ import annotations

import difflib
import functools
import re
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

PARAMETERS_PATH = Path(__file__).resolve().parents[1] / "parameters.yaml"

#: Provinces the levers act on, in model order (ISO 3166-2:CN codes, as in the data panel).
NE_PROVINCES: tuple[str, ...] = ("CN-LN", "CN-JL", "CN-HL")

Grade = Literal["read", "derived", "judgement"]
Kind = Literal["lever", "assumption"]


class ParameterFileError(ValueError):
    """The parameter file cannot be read or breaks a rule; the message names the key at fault."""


class ScenarioError(ValueError):
    """Lever or assumption values that the model refuses; ``problems`` lists one line per value."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")


def tidy_chinese(text: str) -> str:
    """Drop the spaces that YAML line folding leaves next to Chinese characters."""
    return _SPACE_NEXT_TO_CJK.sub("", " ".join(text.split()))


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @field_validator("label_zh", "description_zh", "message_zh", "unit_zh", check_fields=False)
    @classmethod
    def _tidy_chinese(cls, value: str) -> str:
        return tidy_chinese(value)


class Range(_Frozen):
    """Plausible range of an assumption: triangular (low, mode, high) for the Monte Carlo."""

    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not (self.low <= self.mode <= self.high) or self.low == self.high:
            raise ValueError(
                f"range must satisfy low <= mode <= high with low < high "
                f"(got {self.low}, {self.mode}, {self.high})"
            )
        return self


class ParameterSpec(_Frozen):
    """One lever or assumption, exactly as declared in ``parameters.yaml``."""

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    symbol: str
    kind: Kind
    group: str
    type: Literal["float", "int"]
    per_region: bool = False
    unit: str
    unit_zh: str
    default: float | None
    default_from: Literal["rd_intensity"] | None = None
    min: float
    max: float
    step: Annotated[float, Field(gt=0)]
    label_en: Annotated[str, Field(min_length=1)]
    label_zh: Annotated[str, Field(min_length=1)]
    description_en: Annotated[str, Field(min_length=1)]
    description_zh: Annotated[str, Field(min_length=1)]
    source: Annotated[str, Field(min_length=1)]
    grade: Grade
    range: Range | None = None
    monte_carlo: bool | None = None
    scale: Literal["linear", "log"] = "linear"

    @model_validator(mode="after")
    def _consistent(self) -> ParameterSpec:
        problems = []
        if not self.min < self.max:
            problems.append(f"min ({self.min}) must be below max ({self.max})")
        if (self.default is None) == (self.default_from is None):
            problems.append("give exactly one of default and default_from")
        if self.default is not None and not self.min <= self.default <= self.max:
            problems.append(f"default {self.default} is outside [min {self.min}, max {self.max}]")
        if self.type == "int":
            for field in ("min", "max", "step", "default"):
                value = getattr(self, field)
                if value is not None and value != int(value):
                    problems.append(f"{field} {value} must be a whole number for an int parameter")
        if self.per_region and self.kind != "lever":
            problems.append("only levers can be set per region")
        if self.range is not None:
            if self.range.low < self.min or self.range.high > self.max:
                problems.append(
                    f"range {self.range.low}..{self.range.high} must lie within "
                    f"[min {self.min}, max {self.max}]"
                )
            if self.default is not None and self.range.mode != self.default:
                problems.append(f"range mode {self.range.mode} must equal default {self.default}")
        if self.kind == "assumption" and self.grade == "judgement" and self.range is None:
            problems.append("a judgement assumption needs a range (low, mode, high)")
        if self.monte_carlo and (self.range is None or self.kind != "assumption"):
            problems.append("monte_carlo needs an assumption with a range")
        if self.monte_carlo and self.type == "int":
            problems.append(
                "int assumptions are not drawn in the Monte Carlo; set monte_carlo: false"
            )
        if self.scale == "log" and (self.min <= 0 or (self.range and self.range.low <= 0)):
            problems.append("a log-scale parameter needs min > 0 and range low > 0")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def drawn(self) -> bool:
        """True when the Monte Carlo draws this assumption from its triangular range."""
        if self.monte_carlo is not None:
            return self.monte_carlo
        return self.kind == "assumption" and self.range is not None and self.type == "float"

    @property
    def is_int(self) -> bool:
        return self.type == "int"


class GroupSpec(_Frozen):
    kind: Kind
    label_en: str
    label_zh: str
    description_en: str
    description_zh: str
    report_section: str | None = None


class _Labelled(_Frozen):
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    unit: str
    unit_zh: str
    label_en: str
    label_zh: str
    description_en: str
    description_zh: str


class OutputSpec(_Labelled):
    """A model output (the ``variable`` column of the results table)."""


class MetricSpec(_Labelled):
    """A per-region summary number (the metrics table)."""


class CheckSpec(_Frozen):
    """A warning shown when a scenario leaves the model's ground."""

    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    fields: tuple[str, ...]
    message_en: str
    message_zh: str
    source: str
    threshold: float | None = None
    low: float | None = None
    high: float | None = None
    max_share_of_draws: float | None = None

    @model_validator(mode="after")
    def _templates_use_declared_fields(self) -> CheckSpec:
        for lang, template in (("en", self.message_en), ("zh", self.message_zh)):
            used = {f.split(".")[0] for _, f, _, _ in string.Formatter().parse(template) if f}
            unknown = used - set(self.fields)
            if unknown:
                raise ValueError(f"message_{lang} uses undeclared fields {sorted(unknown)}")
        return self

    def format(self, lang: str, values: Mapping[str, Any]) -> str:
        """The message in ``lang`` ("en" or "zh") with ``values`` filled in."""
        if lang == "zh":
            return tidy_chinese(self.message_zh.format(**values))
        return " ".join(self.message_en.format(**values).split())


class Horizon(_Frozen):
    end_year: int


class Change(_Frozen):
    """One version of the model and what changed in it, in both languages."""

    version: str
    date: str
    changes_en: tuple[str, ...]
    changes_zh: tuple[str, ...]

    @field_validator("changes_zh")
    @classmethod
    def _tidy(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(tidy_chinese(v) for v in value)

    @model_validator(mode="after")
    def _both(self) -> Change:
        if len(self.changes_en) != len(self.changes_zh):
            raise ValueError("changes_en and changes_zh must list the same changes")
        return self


class ModelInfo(_Frozen):
    version: str
    changelog: tuple[Change, ...]

    @model_validator(mode="after")
    def _current(self) -> ModelInfo:
        if not self.changelog or self.changelog[0].version != self.version:
            raise ValueError("the changelog must start with the current version")
        return self


class Break(_Frozen):
    """A documented level shift in implied GDP: the change from ``year - 1`` to ``year``."""

    region: Annotated[str, Field(pattern=r"^CN(-[A-Z]{2})?$")]
    year: int
    note: Annotated[str, Field(min_length=1)]


class CalibrationSettings(_Frozen):
    trend_years: Annotated[int, Field(ge=2)]
    rd_history_start: int
    breaks: tuple[Break, ...] = ()
    notes: str = ""

    def skips(self, region: str, year: int) -> bool:
        """True when the change into ``year`` is a documented break for ``region``."""
        return any(b.region == region and b.year == year for b in self.breaks)


class MonteCarloSettings(_Frozen):
    default_draws: Annotated[int, Field(ge=0)]
    max_draws: Annotated[int, Field(ge=1)]
    max_returns_to_scale: Annotated[float, Field(gt=0)]


class ParameterSet(_Frozen):
    """Everything in ``parameters.yaml``, validated. Get it with :func:`load_parameters`."""

    schema_version: Literal[1]
    model: ModelInfo
    horizon: Horizon
    calibration: CalibrationSettings
    monte_carlo: MonteCarloSettings
    groups: dict[str, GroupSpec]
    parameters: tuple[ParameterSpec, ...]
    checks: tuple[CheckSpec, ...]
    outputs: tuple[OutputSpec, ...]
    metrics: tuple[MetricSpec, ...]

    @model_validator(mode="after")
    def _cross_references(self) -> ParameterSet:
        problems = []
        for kind, items in (
            ("parameter", self.parameters),
            ("output", self.outputs),
            ("metric", self.metrics),
        ):
            names = [item.name for item in items]
            for dup in sorted({n for n in names if names.count(n) > 1}):
                problems.append(f"{kind} {dup!r} is declared more than once")
        codes = [c.code for c in self.checks]
        for dup in sorted({c for c in codes if codes.count(c) > 1}):
            problems.append(f"check {dup!r} is declared more than once")
        for p in self.parameters:
            group = self.groups.get(p.group)
            if group is None:
                problems.append(f"parameter {p.name!r}: unknown group {p.group!r}")
            elif group.kind != p.kind:
                problems.append(f"parameter {p.name!r}: group {p.group!r} holds {group.kind}s")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # -- lookups -------------------------------------------------------------------------------
    @functools.cached_property
    def by_name(self) -> dict[str, ParameterSpec]:
        return {p.name: p for p in self.parameters}

    def __getitem__(self, name: str) -> ParameterSpec:
        try:
            return self.by_name[name]
        except KeyError:
            raise KeyError(f"no parameter {name!r}{_did_you_mean(name, self.by_name)}") from None

    @property
    def levers(self) -> tuple[ParameterSpec, ...]:
        return tuple(p for p in self.parameters if p.kind == "lever")

    @property
    def assumptions(self) -> tuple[ParameterSpec, ...]:
        return tuple(p for p in self.parameters if p.kind == "assumption")

    @property
    def drawn(self) -> tuple[ParameterSpec, ...]:
        """Assumptions the Monte Carlo draws, in file order."""
        return tuple(p for p in self.parameters if p.drawn)

    def check(self, code: str) -> CheckSpec:
        for c in self.checks:
            if c.code == code:
                return c
        raise KeyError(code)

    @functools.cached_property
    def output_by_name(self) -> dict[str, OutputSpec]:
        return {o.name: o for o in self.outputs}

    @functools.cached_property
    def metric_by_name(self) -> dict[str, MetricSpec]:
        return {m.name: m for m in self.metrics}

    def assumption_defaults(self) -> dict[str, float]:
        """Central value of every assumption."""
        return {p.name: _as_type(p, p.default) for p in self.assumptions}

    def to_frame(self):
        """The parameter table (one row per parameter) for the docs and the assumptions panel."""
        import pandas as pd

        rows = []
        for p in self.parameters:
            row = p.model_dump(exclude={"range"})
            row["range_low"] = p.range.low if p.range else None
            row["range_mode"] = p.range.mode if p.range else None
            row["range_high"] = p.range.high if p.range else None
            row["drawn"] = p.drawn
            rows.append(row)
        return pd.DataFrame(rows)

    # -- validation of scenario values ------------------------------------------------------------
    @functools.cached_property
    def _levers_model(self) -> type[BaseModel]:
        return _values_model("levers", self.levers)

    @functools.cached_property
    def _assumptions_model(self) -> type[BaseModel]:
        return _values_model("assumptions", self.assumptions)

    def validate_levers(self, levers: Mapping[str, Any] | None) -> dict[str, Any]:
        """Check lever values; return them typed. Raises :class:`ScenarioError` naming each bad one.

        A lever is a number for all three provinces, or a mapping ``{"CN-LN": 2.8, ...}``; provinces
        left out of a mapping keep their default.
        """
        return self._validate(self._levers_model, levers or {}, "levers")

    def validate_assumptions(self, assumptions: Mapping[str, Any] | None) -> dict[str, Any]:
        """Check assumption values; return them typed. Raises :class:`ScenarioError`."""
        return self._validate(self._assumptions_model, assumptions or {}, "assumptions")

    def _validate(self, model, values, section) -> dict[str, Any]:
        if not isinstance(values, Mapping):
            raise ScenarioError([f"{section}: expected a mapping of names to values"])
        try:
            parsed = model.model_validate(dict(values))
        except ValidationError as exc:
            raise ScenarioError(format_validation_errors(exc, section, self)) from None
        return {k: v for k, v in parsed.model_dump().items() if v is not None}


def _as_type(spec: ParameterSpec, value):
    if value is None:
        return None
    return int(value) if spec.is_int else float(value)


def _reject_bool(value):
    if isinstance(value, bool):
        raise ValueError("expected a number, not true/false")
    return value


def _values_model(section: str, specs: tuple[ParameterSpec, ...]) -> type[BaseModel]:
    """A pydantic model accepting ``{name: value}`` for ``specs``, with each range enforced."""
    fields: dict[str, Any] = {}
    for p in specs:
        base = int if p.is_int else float
        bounds = (
            Field(ge=p.min, le=p.max, allow_inf_nan=False)
            if not p.is_int
            else Field(ge=int(p.min), le=int(p.max))
        )
        number = Annotated[base, BeforeValidator(_reject_bool), bounds]
        if p.per_region:
            region = Annotated[str, Field(pattern="^(" + "|".join(NE_PROVINCES) + ")$")]
            value_type = Annotated[
                Annotated[number, Tag("scalar")] | Annotated[dict[region, number], Tag("map")],
                Discriminator(lambda v: "map" if isinstance(v, Mapping) else "scalar"),
            ]
        else:
            value_type = number
        fields[p.name] = (value_type | None, None)
    return create_model(
        f"Scenario{section.title()}", __config__=ConfigDict(extra="forbid", frozen=True), **fields
    )


def _did_you_mean(name: str, choices) -> str:
    close = difflib.get_close_matches(str(name), list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


_SCENARIO_KEYS = ("name", "description", "preset", "levers", "assumptions", "draws", "seed")


def format_validation_errors(
    exc: ValidationError, section: str, parameters: ParameterSet | None = None
) -> list[str]:
    """One readable line per pydantic error, e.g. ``levers.guided_fund: 500 is above the maximum
    200 CNY 100 million per year per province``.

    ``section`` prefixes the location ("levers", "assumptions", or "" for a whole scenario).
    """
    known = parameters.by_name if parameters else {}
    lines = []
    for err in exc.errors():
        loc = [str(part) for part in err["loc"] if part not in ("scalar", "map", "[key]")]
        where = ".".join([section, *loc] if section else loc) or "(scenario)"
        path = [section, *loc] if section else loc
        value = err.get("input")
        kind = err["type"]
        ctx = err.get("ctx") or {}
        spec = next((known[part] for part in path if part in known), None)
        unit = f" {spec.unit}" if spec is not None and spec.unit != "share" else ""
        if kind == "extra_forbidden":
            name = path[-1]
            if len(path) >= 2 and path[-2] in ("levers", "assumptions"):
                wanted = path[-2][:-1]
                other = known.get(name)
                if other is not None and other.kind != wanted:
                    msg = (
                        f"unknown {wanted}: {name!r} is an {other.kind}; put it under {other.kind}s"
                    )
                else:
                    names = [p.name for p in known.values() if p.kind == wanted]
                    msg = f"unknown {wanted}{_did_you_mean(name, names)}"
            else:
                msg = f"unknown key{_did_you_mean(name, _SCENARIO_KEYS)}"
        elif kind in ("less_than_equal", "less_than"):
            msg = f"{value!r} is above the maximum {_fmt(ctx.get('le', ctx.get('lt')))}{unit}"
        elif kind in ("greater_than_equal", "greater_than"):
            msg = f"{value!r} is below the minimum {_fmt(ctx.get('ge', ctx.get('gt')))}{unit}"
        elif kind == "string_pattern_mismatch" and "[key]" in [str(p) for p in err["loc"]]:
            msg = f"unknown region {value!r}; use one of {', '.join(NE_PROVINCES)}"
        elif kind == "literal_error":
            msg = f"{value!r} is not one of {ctx.get('expected', '')}"
        else:
            msg = f"{err['msg'].removeprefix('Value error, ')} (got {value!r})"
        lines.append(f"{where}: {msg}")
    return lines


def _fmt(number) -> str:
    return f"{number:g}" if isinstance(number, int | float) else str(number)


def _friendly_location(raw: Any, loc: tuple) -> str:
    """Turn ``('parameters', 3, 'default')`` into ``parameters[3] (rd_depreciation).default``."""
    parts: list[str] = []
    node = raw
    for part in loc:
        if isinstance(part, int) and isinstance(node, list):
            name = (
                node[part].get("name")
                if 0 <= part < len(node) and isinstance(node[part], dict)
                else None
            )
            parts[-1] = f"{parts[-1]}[{part}]" + (f" ({name})" if name else "")
            node = node[part] if 0 <= part < len(node) else None
        else:
            parts.append(str(part))
            node = node.get(part) if isinstance(node, dict) else None
    return ".".join(parts)


def parse_parameters(raw: Any, *, origin: str = "parameters.yaml") -> ParameterSet:
    """Validate already-loaded YAML content; raise :class:`ParameterFileError` on any problem."""
    if not isinstance(raw, dict):
        raise ParameterFileError(f"{origin}: expected a mapping at the top level")
    try:
        return ParameterSet.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            where = _friendly_location(raw, err["loc"]) or "(top level)"
            msg = err["msg"].removeprefix("Value error, ")
            value = err.get("input")
            shown = "" if isinstance(value, dict | list) else f" (got {value!r})"
            lines.append(f"  {where}: {msg}{shown}")
        raise ParameterFileError(f"{origin} is not valid:\n" + "\n".join(lines)) from None


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int) -> ParameterSet:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParameterFileError(f"{path} is not valid YAML: {exc}") from None
    return parse_parameters(raw, origin=str(path))


def load_parameters(path: str | Path | None = None) -> ParameterSet:
    """Read and validate the parameter file (cached until the file changes).

    Parameters
    ----------
    path : str or Path, optional
        Defaults to ``src/helpers/parameters.yaml``.

    Returns
    -------
    ParameterSet
        Frozen, typed view of the file: ``.levers``, ``.assumptions``, ``.drawn``, ``[name]``.

    Raises
    ------
    ParameterFileError
        If the file is missing, is not YAML, or breaks a rule; the message names each bad key.
    """
    path = Path(path) if path is not None else PARAMETERS_PATH
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise ParameterFileError(f"cannot read parameter file {path}: {exc.strerror}") from None
    return _load_cached(str(path), mtime)


__all__ = [
    "NE_PROVINCES",
    "PARAMETERS_PATH",
    "Break",
    "CheckSpec",
    "GroupSpec",
    "MetricSpec",
    "OutputSpec",
    "ParameterFileError",
    "ParameterSet",
    "ParameterSpec",
    "Range",
    "ScenarioError",
    "format_validation_errors",
    "load_parameters",
    "parse_parameters",
]
