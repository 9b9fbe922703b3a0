"""Table contracts: one declaration per table, used by pandera on load and by the data package.

Each table is declared once as a :class:`TableSpec` (fields with type, unit, constraints and a
description; the primary key; row rules). From that one declaration:

* :func:`read_table` reads a CSV strictly (UTF-8, header, same number of fields on every line),
  validates it with a pandera schema built from the spec, and either returns a fully typed frame
  or raises one :class:`~helpers.data.errors.DataValidationError` naming the file, the row (line
  number) and the problem. Nothing is half-loaded.
* :func:`frictionless_schema` writes the same contract as a Frictionless Table Schema for
  ``data/datapackage.json``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from helpers.data.errors import DataValidationError

if TYPE_CHECKING:  # pandera is imported only when a table is validated (see read_verified_table)
    import pandera.errors as pa_errors
    import pandera.pandas as pa

#: Frictionless type -> pandas dtype after validation. Booleans are read as the strings
#: ``true``/``false`` (a plain ``astype(bool)`` would turn the string "false" into True).
_DTYPES = {"string": "str", "integer": "Int64", "number": "float64", "boolean": "str"}
_TYPE_WORDS = {"integer": "a whole number", "number": "a number", "boolean": "true or false"}


@dataclass(frozen=True)
class Field:
    """One column of a table.

    Parameters
    ----------
    name, type, description
        Column name, Frictionless type (``string``, ``integer``, ``number``, ``boolean``) and a
        one-line definition for the codebook.
    required : bool
        False when an empty cell is allowed (it is then read as missing).
    enum : tuple, optional
        Allowed values; ``enum_label`` names the problem when another value appears
        (e.g. "unknown unit").
    pattern : str, optional
        Regular expression the whole value must match (Frictionless semantics: anchored).
    minimum, maximum : float, optional
        Bounds for numbers.
    unit : str, optional
        Unit of the column, when it has a single one.
    """

    name: str
    type: str
    description: str
    required: bool = True
    enum: tuple | None = None
    enum_label: str = ""
    pattern: str | None = None
    pattern_label: str = ""
    minimum: float | None = None
    maximum: float | None = None
    unit: str | None = None


@dataclass(frozen=True)
class RowRule:
    """A rule on whole rows: ``ok(frame)`` returns a boolean Series (True = row passes).

    ``message(row)`` gets the failing row (typed where coercion worked) and returns the problem
    sentence.
    """

    name: str
    ok: Callable[[pd.DataFrame], pd.Series]
    message: Callable[[pd.Series], str]


@dataclass(frozen=True)
class TableSpec:
    """The contract of one CSV table."""

    name: str
    title: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] | None = None
    rules: tuple[RowRule, ...] = field(default_factory=tuple)

    @property
    def columns(self) -> list[str]:
        """Column names in order."""
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        """Return the field called ``name``."""
        return next(f for f in self.fields if f.name == name)


# ---------------------------------------------------------------------------------------------
# Reading


def _read_text(path: Path) -> str:
    """Read ``path`` as strict UTF-8, or raise a DataValidationError naming the bad line."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataValidationError(path, None, "file not found") from None
    if not raw.strip():
        raise DataValidationError(path, 1, "file is empty (expected a header row and data)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        bad = raw[err.start : err.end].hex(" ")
        raise DataValidationError(
            path, line, f"bytes {bad} are not valid UTF-8 (files must be UTF-8 encoded)"
        ) from None


def _read_records(path: Path, spec: TableSpec) -> tuple[pd.DataFrame, np.ndarray]:
    """Parse the CSV into a frame of strings (empty cells as missing) and each row's line."""
    text = _read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as err:  # pragma: no cover - guarded by _read_text
        raise DataValidationError(path, 1, f"cannot read the header ({err})") from None
    missing = [c for c in spec.columns if c not in header]
    if missing:
        raise DataValidationError(
            path,
            1,
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))} "
            f"(expected columns: {', '.join(spec.columns)})",
        )
    extra = [c for c in header if c not in spec.columns]
    if extra or len(header) != len(set(header)):
        what = f"unexpected column {extra[0]!r}" if extra else "a column name is repeated"
        raise DataValidationError(path, 1, f"{what} (expected columns: {', '.join(spec.columns)})")
    records, lines = [], []
    try:
        for record in reader:
            if not record:  # a blank line
                continue
            if len(record) != len(header):
                raise DataValidationError(
                    path,
                    reader.line_num,
                    f"has {len(record)} fields but the header has {len(header)}",
                )
            records.append(record)
            lines.append(reader.line_num)
    except csv.Error as err:
        raise DataValidationError(path, reader.line_num, f"is not valid CSV ({err})") from None
    if not records:
        raise DataValidationError(path, 2, "file has a header but no data rows")
    frame = pd.DataFrame(records, columns=header, dtype="str")[spec.columns]
    frame = frame.mask(frame == "")
    return frame, np.asarray(lines)


# ---------------------------------------------------------------------------------------------
# Validation


def _field_checks(f: Field) -> list[pa.Check]:
    import pandera.pandas as pa

    checks = []
    if f.enum is not None:
        allowed = frozenset(f.enum)
        checks.append(pa.Check(lambda s, a=allowed: s.isin(a), error=f"enum:{f.name}"))
    if f.pattern is not None:
        pattern = re.compile(f.pattern)
        checks.append(pa.Check(lambda s, p=pattern: s.str.fullmatch(p), error=f"pattern:{f.name}"))
    if f.minimum is not None:
        checks.append(pa.Check.ge(f.minimum, error=f"minimum:{f.name}"))
    if f.maximum is not None:
        checks.append(pa.Check.le(f.maximum, error=f"maximum:{f.name}"))
    if f.type == "number":
        checks.append(pa.Check(lambda s: np.isfinite(s), error=f"finite:{f.name}"))
    if f.type == "boolean":
        checks.append(pa.Check.isin(["true", "false"], error=f"boolean:{f.name}"))
    return checks


def _duplicate_rule(key: tuple[str, ...]) -> RowRule:
    def ok(frame: pd.DataFrame) -> pd.Series:
        return ~frame.duplicated(list(key), keep="first")

    def message(row: pd.Series) -> str:
        values = ", ".join("(empty)" if pd.isna(row[k]) else str(row[k]) for k in key)
        return f"duplicate key ({', '.join(key)}) = ({values})"

    return RowRule("duplicate_key", ok, message)


def pandera_schema(spec: TableSpec) -> pa.DataFrameSchema:
    import pandera.pandas as pa

    """Build the pandera schema of ``spec`` (types are coerced from the CSV's strings)."""
    columns = {
        f.name: pa.Column(
            _DTYPES[f.type], nullable=not f.required, coerce=True, checks=_field_checks(f)
        )
        for f in spec.fields
    }
    rules = list(spec.rules)
    if spec.primary_key:
        rules.append(_duplicate_rule(spec.primary_key))
    checks = [pa.Check(_safe(rule.ok), error=f"rule:{rule.name}") for rule in rules]
    return pa.DataFrameSchema(columns, checks=checks, strict=True, ordered=True)


def _safe(ok: Callable[[pd.DataFrame], pd.Series]) -> Callable[[pd.DataFrame], pd.Series]:
    """Run a row rule on the coerced frame; rows it cannot judge (bad types) pass here, because
    the type error is reported on its own."""

    def run(frame: pd.DataFrame) -> pd.Series:
        result = ok(frame)
        return result.fillna(True).astype(bool)

    return run


def _fmt(value: object) -> str:
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return str(int(value))
    return str(value)


def _problem(spec: TableSpec, key: str, column: str | None, case: object, row: pd.Series) -> str:
    """Turn one pandera failure case into a plain sentence."""
    kind, _, name = key.partition(":")
    if key.startswith(("coerce_dtype", "dtype(")) and column is not None:
        word = _TYPE_WORDS.get(spec.field(column).type, "of the right type")
        return f"column {column!r} has {case!r}, which is not {word}"
    if key == "not_nullable":
        return f"column {column!r} is empty"
    if kind == "enum":
        f = spec.field(name)
        if f.enum_label:
            return f"{f.enum_label} {_fmt(case)!r}"
        allowed = ", ".join(map(str, f.enum[:8])) + (", …" if len(f.enum) > 8 else "")
        return f"{name} {_fmt(case)!r} is not one of: {allowed}"
    if kind == "pattern":
        f = spec.field(name)
        label = f.pattern_label or f"does not match the pattern {f.pattern!r}"
        return f"{name} {_fmt(case)!r} {label}"
    if kind == "minimum":
        return f"{name} {_fmt(case)} is below the minimum {_fmt(spec.field(name).minimum)}"
    if kind == "maximum":
        return f"{name} {_fmt(case)} is above the maximum {_fmt(spec.field(name).maximum)}"
    if kind == "finite":
        return f"{name} {case!r} is not a finite number"
    if kind == "boolean":
        return f"{name} {case!r} is not true or false"
    if kind == "rule":
        rules = list(spec.rules)
        if spec.primary_key:
            rules.append(_duplicate_rule(spec.primary_key))
        rule = next(r for r in rules if r.name == name)
        return rule.message(row)
    return f"{column}: {key} failed for {case!r}"  # pragma: no cover - unknown pandera check


def _raise_first(
    path: Path, spec: TableSpec, err: pa_errors.SchemaErrors, raw: pd.DataFrame, lines: np.ndarray
) -> None:
    cases = err.failure_cases
    cases = cases[cases["index"].notna()].copy()
    if cases.empty:  # a frame-level failure pandera could not tie to a row
        raise DataValidationError(path, None, str(err).splitlines()[0]) from None
    cases["index"] = cases["index"].astype(int)
    # a frame-level rule reports one case per column; a type error is reported twice
    cases["key"] = cases["check"].astype(str)
    cases.loc[cases["key"].str.startswith("dtype("), "key"] = "coerce_dtype"
    cases.loc[cases["key"].str.startswith("coerce_dtype"), "key"] = "coerce_dtype"
    cases = cases.drop_duplicates(["index", "key", "column"])
    cases = cases[~(cases["key"].str.startswith("rule:") & cases.duplicated(["index", "key"]))]
    cases = cases.sort_values(["index", "key"], kind="stable")
    first = cases.iloc[0]
    idx = int(first["index"])
    column = None if pd.isna(first["column"]) else str(first["column"])
    problem = _problem(spec, str(first["key"]), column, first["failure_case"], raw.loc[idx])
    raise DataValidationError(path, int(lines[idx]), problem, more=len(cases) - 1) from None


def validate_frame(
    frame: pd.DataFrame, spec: TableSpec, path: Path, lines: np.ndarray | None = None
) -> pd.DataFrame:
    """Validate a frame of strings against ``spec`` and return it typed.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns as in the spec, values as strings (missing cells as NA), default RangeIndex.
    spec : TableSpec
        The contract.
    path : pathlib.Path
        File the frame came from (for messages).
    lines : numpy.ndarray, optional
        File line number of each row; by default row ``i`` is line ``i + 2``.

    Raises
    ------
    DataValidationError
        On the first problem (by line), with the count of further problems.
    """
    import pandera.errors as pa_errors

    if lines is None:
        lines = np.arange(len(frame)) + 2
    try:
        typed = pandera_schema(spec).validate(frame, lazy=True)
    except pa_errors.SchemaErrors as err:
        # rules see typed values where coercion worked, so messages print numbers as numbers
        _raise_first(path, spec, err, _best_effort_types(frame, spec), lines)
        raise  # pragma: no cover - _raise_first always raises
    for f in spec.fields:
        if f.type == "boolean":
            typed[f.name] = typed[f.name].map({"true": True, "false": False}).astype(bool)
    return typed


def _best_effort_types(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    out = frame.copy()
    for f in spec.fields:
        if f.type in ("integer", "number"):
            out[f.name] = pd.to_numeric(out[f.name], errors="coerce")
    return out


def read_table(path: str | Path, spec: TableSpec) -> pd.DataFrame:
    """Read and validate one CSV file against ``spec``.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file (UTF-8, comma-separated, header row).
    spec : TableSpec
        Its contract.

    Returns
    -------
    pandas.DataFrame
        Typed columns in spec order: ``str``, nullable ``Int64``, ``float64`` or ``bool``.

    Raises
    ------
    DataValidationError
        The file is missing, empty, not UTF-8, not rectangular, lacks a column, or a row breaks
        a type, constraint, rule or the primary key.
    """
    path = Path(path)
    frame, lines = _read_records(path, spec)
    return validate_frame(frame, spec, path, lines)


def read_verified_table(path: str | Path, spec: TableSpec) -> pd.DataFrame:
    """Read a CSV whose exact bytes were already validated, typed as :func:`read_table` types it.

    The build validates every processed file with pandera and records its sha256 in
    ``datapackage.json``; a loader that finds the same hash reads the file this way, without
    checking each row again and without importing pandera (measured: +30 MB of memory in every
    kernel, one per visitor). A test checks that both readers give identical frames.
    """
    frame = pd.read_csv(path, dtype="str", keep_default_na=False, na_values=[""], encoding="utf-8")[
        list(spec.columns)
    ]
    for f in spec.fields:
        if f.type == "integer":
            frame[f.name] = frame[f.name].astype("Int64")
        elif f.type == "number":
            frame[f.name] = frame[f.name].astype("float64")
        elif f.type == "boolean":
            frame[f.name] = frame[f.name].map({"true": True, "false": False}).astype(bool)
    return frame


# ---------------------------------------------------------------------------------------------
# Frictionless


def frictionless_schema(spec: TableSpec) -> dict:
    """Return ``spec`` as a Frictionless Table Schema (a plain dict)."""
    fields = []
    for f in spec.fields:
        entry: dict = {"name": f.name, "type": f.type, "description": f.description}
        if f.unit:
            entry["unit"] = f.unit
        constraints: dict = {}
        if f.required:
            constraints["required"] = True
        if f.enum is not None:
            constraints["enum"] = list(f.enum)
        if f.pattern is not None:
            constraints["pattern"] = f.pattern
        if f.minimum is not None:
            constraints["minimum"] = f.minimum
        if f.maximum is not None:
            constraints["maximum"] = f.maximum
        if f.type == "boolean":
            entry["trueValues"] = ["true"]
            entry["falseValues"] = ["false"]
        if constraints:
            entry["constraints"] = constraints
        fields.append(entry)
    schema: dict = {"fields": fields, "missingValues": [""]}
    if spec.primary_key:
        schema["primaryKey"] = list(spec.primary_key)
    return schema


SNAKE_CASE = r"[a-z][a-z0-9_]*"
URL = r"https?://\S+"
