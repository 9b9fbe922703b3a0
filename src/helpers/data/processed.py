"""The processed tables in ``data/processed/``: their contracts and the loaders pages call.

Validation is split on purpose:

* **At build time** (``python -m helpers.data build``) every raw file is checked in full (types,
  units, region codes, ranges, grades, unique keys) and every output table is checked against
  its contract before it is written.
* **At load time** the processed files are checked again against the same pandera contract
  (columns, types, allowed codes, units and grades, non-negative values, unique keys). That is
  cheap (a few tens of milliseconds for the panel) and catches a hand-edited or truncated file.
  Loaded frames are cached per process, keyed on the file's path, size and modification time,
  and every call returns a copy, so a page can change its frame without touching the cache.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from pathlib import Path

import pandas as pd

from helpers import DATA_DIR
from helpers.data.errors import DataValidationError
from helpers.data.regions import REGION_CODES
from helpers.data.sources import (
    OFFICIAL_UNITS,
    YEAR_MAX,
    YEAR_MIN,
    YEARBOOK_UNITS,
    _names_match,
    _non_negative,
)
from helpers.data.tables import (
    SNAKE_CASE,
    URL,
    Field,
    RowRule,
    TableSpec,
    read_table,
    read_verified_table,
)
from helpers.indicators import DERIVED_UNITS

PANEL_UNITS: tuple[str, ...] = tuple(sorted(set(YEARBOOK_UNITS) | set(OFFICIAL_UNITS))) + (
    DERIVED_UNITS
)
GRADE_ENUM = ("A", "B", "C", "D")
VERDICTS = ("confirmed", "partly", "misleading", "not found")

_YEAR_RULE = RowRule(
    "year_required",
    lambda f: f["year"].notna() | f["indicator"].isin({"land_area"}),
    lambda row: "year is empty (only land_area may have no year)",
)

PANEL_FIELDS = (
    Field(
        "region",
        "string",
        "Region code: ISO 3166-2:CN for provinces, CN for the nation, NQP Lab codes for "
        "aggregates and leagues (see Region codes)",
        enum=REGION_CODES,
        enum_label="unknown region code",
    ),
    Field("region_en", "string", "English region name"),
    Field("region_zh", "string", "Chinese region name"),
    Field(
        "year",
        "integer",
        "Data (reference) year; empty only for land area",
        required=False,
        minimum=YEAR_MIN,
        maximum=YEAR_MAX,
    ),
    Field("indicator", "string", "snake_case indicator name (see Indicators)", pattern=SNAKE_CASE),
    Field("value", "number", "Value in `unit`, as published (or as computed when derived)"),
    Field("unit", "string", "Unit as published", enum=PANEL_UNITS, enum_label="unknown unit"),
    Field("source", "string", "Publication, edition and table; for derived rows the calculation"),
    Field(
        "source_url",
        "string",
        "Address of the source; techme file for yearbook rows; empty where none was recorded",
        required=False,
        pattern=URL,
    ),
    Field(
        "grade",
        "string",
        "How far to trust the row: A official, B official reproduced, C secondary, D worked out",
        enum=GRADE_ENUM,
        enum_label="unknown grade",
    ),
    Field("derived", "boolean", "True when NQP Lab computed the value"),
)

PANEL_SPEC = TableSpec(
    name="panel",
    title="Everything the app shows: one tidy long table with provenance and grade",
    fields=PANEL_FIELDS,
    primary_key=("region", "year", "indicator"),
    rules=(
        _non_negative("indicator"),
        _names_match("region", "region_en", "region_zh"),
        _YEAR_RULE,
    ),
)

SUPERSEDED_SPEC = TableSpec(
    name="superseded",
    title="Candidate values not used in the panel, and why",
    fields=(
        *PANEL_FIELDS,
        Field("origin", "string", "Raw file (or derivation step) the candidate came from"),
        Field(
            "reason",
            "string",
            "Why the candidate is not in the panel",
            enum=(
                "lower grade",
                "same value, lower source priority",
                "conflicting values at the best grade",
                "published value exists",
            ),
        ),
        Field(
            "kept_value",
            "number",
            "The value the panel holds for this key (empty when the key was left empty)",
            required=False,
        ),
    ),
)

CLAIMS_SPEC = TableSpec(
    name="claims",
    title="The report's quantitative claims, recomputed and judged",
    fields=(
        Field("claim_id", "string", "Stable identifier", pattern=r"C\d{2}"),
        Field("report_section", "string", "Where in the report the claim is"),
        Field("claim_en", "string", "The claim, paraphrased in English"),
        Field("claim_zh", "string", "The claim, paraphrased in Chinese"),
        Field("claimed_value", "number", "The number the report gives", required=False),
        Field("claimed_unit", "string", "Unit of the claimed value", required=False),
        Field(
            "recomputed_value",
            "number",
            "The number recomputed from the data (empty when nothing could be recomputed)",
            required=False,
        ),
        Field("recomputed_unit", "string", "Unit of the recomputed value", required=False),
        Field("verdict", "string", "confirmed / partly / misleading / not found", enum=VERDICTS),
        Field("explanation_en", "string", "One plain sentence saying why"),
        Field("explanation_zh", "string", "The same explanation in Chinese"),
        Field(
            "grade",
            "string",
            "Worst grade of the data behind the recomputed value",
            required=False,
            enum=GRADE_ENUM,
        ),
        Field("evidence", "string", "Which panel rows or evidence rows were used"),
        Field("source_url", "string", "Main source address", required=False, pattern=URL),
    ),
    primary_key=("claim_id",),
)

REGIONS_SPEC = TableSpec(
    name="regions",
    title="Region codes",
    fields=(
        Field("region", "string", "Region code", enum=REGION_CODES),
        Field("region_en", "string", "English name"),
        Field("region_zh", "string", "Chinese name"),
        Field(
            "kind",
            "string",
            "national, province, aggregate or league_city",
            enum=("national", "province", "aggregate", "league_city"),
        ),
    ),
    primary_key=("region",),
)

PROCESSED_TABLES: dict[str, TableSpec] = {
    "panel.csv": PANEL_SPEC,
    "claims.csv": CLAIMS_SPEC,
    "superseded.csv": SUPERSEDED_SPEC,
    "regions.csv": REGIONS_SPEC,
}
NORTHEAST_GEOJSON = "northeast.geojson"


def _processed(data_dir: str | Path | None) -> Path:
    return (DATA_DIR if data_dir is None else Path(data_dir)) / "processed"


def _stamp(path: Path) -> tuple[str, int, int]:
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise DataValidationError(
            path, None, "file not found (run `python -m helpers.data build`)"
        ) from None
    return (str(path.resolve()), stat.st_size, stat.st_mtime_ns)


#: Optional text columns are given as "" rather than NA, so string methods work on every row.
_EMPTY_AS_TEXT: dict[str, tuple[str, ...]] = {
    "panel.csv": ("source_url",),
    "superseded.csv": ("source_url",),
}


#: Text columns with few distinct values, held as categories once validated: the panel takes
#: 1 MB instead of 18 MB in every kernel (one per visitor, so it counts), and behaves the same
#: for comparisons, ``isin``, ``.str`` and ``unique``.
_CATEGORICAL: dict[str, tuple[str, ...]] = {
    "panel.csv": (
        "region",
        "region_en",
        "region_zh",
        "indicator",
        "unit",
        "source",
        "source_url",
        "grade",
    ),
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _validated_hash(path: Path) -> str | None:
    """The sha256 the build recorded for ``path`` after validating it (datapackage.json)."""
    package = path.parent.parent / "datapackage.json"
    try:
        resources = json.loads(package.read_text(encoding="utf-8"))["resources"]
    except (OSError, ValueError, KeyError):
        return None
    relative = f"{path.parent.name}/{path.name}"
    for resource in resources:
        if resource.get("path") == relative and str(resource.get("hash", "")).startswith("sha256:"):
            return resource["hash"].removeprefix("sha256:")
    return None


@functools.lru_cache(maxsize=16)
def _cached_table(path: str, _size: int, _mtime: int, name: str) -> pd.DataFrame:
    """Read and check one processed table, once per process.

    A file whose bytes are exactly those the build validated (same sha256 as recorded in
    ``datapackage.json``) is read without checking each row again; any other file (edited,
    corrupted, or from elsewhere) is validated row by row with pandera, and a problem raises
    :class:`DataValidationError` naming the file, the row and the problem.
    """
    spec = PROCESSED_TABLES[name]
    file = Path(path)
    if _validated_hash(file) == _sha256(file):
        frame = read_verified_table(file, spec)
    else:
        frame = read_table(file, spec)
    for column in _EMPTY_AS_TEXT.get(name, ()):
        frame[column] = frame[column].fillna("")
    for column in _CATEGORICAL.get(name, ()):
        frame[column] = frame[column].astype("category")
    return frame


def _load(name: str, data_dir: str | Path | None) -> pd.DataFrame:
    path = _processed(data_dir) / name
    return _cached_table(*_stamp(path), name).copy()


def load_panel(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load the tidy panel of everything the app shows.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder holding ``processed/panel.csv``; default the repository's ``data/``.

    Returns
    -------
    pandas.DataFrame
        Columns ``region, region_en, region_zh, year, indicator, value, unit, source,
        source_url, grade, derived``; one row per (region, year, indicator). ``year`` is a
        nullable ``Int64`` because land areas have no year; ``value`` is float; ``derived`` is
        bool; ``source_url`` is ``""`` where no address was recorded. A fresh copy on every
        call.

    Raises
    ------
    DataValidationError
        If the file is missing or breaks the panel contract.
    """
    return _load("panel.csv", data_dir)


def load_claims(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load the claims table: each quantitative claim of the report, recomputed and judged.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder holding ``processed/claims.csv``; default the repository's ``data/``.
    """
    return _load("claims.csv", data_dir)


def load_superseded(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load the candidates that lost to a better-graded value (or conflicted), with the reason."""
    return _load("superseded.csv", data_dir)


def load_regions(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load the region code table (``region, region_en, region_zh, kind``)."""
    return _load("regions.csv", data_dir)


@functools.lru_cache(maxsize=4)
def _cached_geojson(path: str, _size: int, _mtime: int) -> dict:
    raw = Path(path).read_bytes()
    try:
        collection = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise DataValidationError(path, None, f"is not valid UTF-8 JSON ({err})") from None
    features = collection.get("features") if isinstance(collection, dict) else None
    if not features:
        raise DataValidationError(path, None, "is not a GeoJSON FeatureCollection with features")
    for number, feature in enumerate(features, start=1):
        code = feature.get("properties", {}).get("id")
        if code not in REGION_CODES:
            raise DataValidationError(path, None, f"feature {number} has unknown id {code!r}")
    return collection


def load_northeast_geojson(data_dir: str | Path | None = None) -> dict:
    """Load the map of the Northeast: 4 province shapes and 5 league seats as points.

    The FeatureCollection holds Liaoning, Jilin, Heilongjiang and Inner Mongolia (Natural Earth,
    public domain) as polygons, and the seats of Chifeng, Tongliao, Hulunbuir, Hinggan and
    Xilingol (GeoNames, CC BY 4.0) as points. Each feature's ``properties`` has ``id`` (region
    code), ``name_en``, ``name_zh`` and ``kind`` (``province`` or ``league_seat``). It draws
    the region only, never a partial map of China. Exterior rings run clockwise, as Vega needs.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder holding ``processed/northeast.geojson``; default the repository's ``data/``.

    Returns
    -------
    dict
        A GeoJSON FeatureCollection (a deep copy; safe to modify).
    """
    path = _processed(data_dir) / NORTHEAST_GEOJSON
    return copy.deepcopy(_cached_geojson(*_stamp(path)))
