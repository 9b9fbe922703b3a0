"""Raw inputs in ``data/raw/``: their contracts, loaders and how far each row can be trusted.

Every loader takes the raw folder as an argument (default ``data/raw``) so tests can point it at
corrupted copies. Each returns a fully validated frame or raises
:class:`~helpers.data.errors.DataValidationError`.

Grades follow the scale of ``raw/official/README.md`` (the first token of its ``note``):

* ``A``: an official table or page, or a saved copy of one;
* ``B``: an official figure reproduced in full by another site that names the official source;
* ``C``: secondary (aggregators, compilations typed into code or data files), use with care;
* ``D``: worked out from printed figures.

Yearbook rows get a grade by :func:`yearbook_grade`; claims evidence by :func:`url_grade`.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

from helpers import DATA_DIR
from helpers.data.errors import DataValidationError
from helpers.data.regions import (
    OFFICIAL_REGION_ALIASES,
    PROVINCE_CODES,
    REGION_EN,
    REGION_ZH,
    REGIONS,
    official_region_code,
)
from helpers.data.tables import SNAKE_CASE, URL, Field, RowRule, TableSpec, read_table

RAW_DIR = DATA_DIR / "raw"

#: techme snapshot the yearbook CSVs were built from (raw/yearbook/README.md, "Licence").
TECHME_COMMIT = "9ad60a190dec4a56953da9c478d42cd44c80762a"
TECHME_URL = "https://github.com/huhuaping/techme/blob/{commit}/{file}"

YEARBOOK_FILES: tuple[str, ...] = (
    "rd_intense",
    "rd_activity",
    "rd_source",
    "rd_labor_hour",
    "rd_patent_accept",
    "rd_patent_authority",
    "rd_patent_valid",
    "rd_paper_international",
    "market_push",
    "market_pull",
    "public_budget",
    "industry_operation",
    "industry_rd",
    "hitech_firms_pub",
)

YEARBOOK_UNITS: tuple[str, ...] = (
    "CNY 10k",
    "CNY 100 million",
    "person-years",
    "percent",
    "items",
    "contracts",
    "projects",
    "enterprises",
    "institutions",
    "papers",
    "rank",
)
OFFICIAL_UNITS: tuple[str, ...] = ("CNY 100 million", "percent", "10k persons", "persons", "km2")

#: Indicators that can be below zero. Everything else (money, people, counts, rates) must be
#: ≥ 0. Ningxia's high-tech profit is −0.1 in 2013 (raw/yearbook/README.md, industry_operation).
MAY_BE_NEGATIVE: frozenset[str] = frozenset(
    {
        "hitech_industry_profit",
        "population_census_change_since_2010",
        "population_census_growth_since_2010",
    }
)

#: Indicators that are not tied to a year (the official file leaves ``year`` empty for them).
YEARLESS_INDICATORS: frozenset[str] = frozenset({"land_area"})

YEAR_MIN, YEAR_MAX = 2000, 2025

#: 157 [C] rows of the official file (GDP and population hard-coded in GitHub files whose
#: repository was not recorded) carry a search-index reference instead of a web address. They are
#: accepted as such; the panel leaves their ``source_url`` empty and keeps the reference in
#: ``source``.
SEARCH_INDEX_REF = r"github-search-index:file-id=\d+"

# ---------------------------------------------------------------------------------------------
# Grades of yearbook rows (see data/README.md, "Grades")

#: Dataset-years whose values were found, value by value, in techme's saved copies of the official
#: yearbook tables (raw/yearbook/checks.md §2) or in the saved NBS communiqué pages (§3): grade A.
#: Years outside these ranges have no raw table in techme and could not be checked: grade C.
YEARBOOK_CHECKED_YEARS: dict[str, tuple[int, int]] = {
    "rd_intense": (2018, 2023),  # §3: saved communiqué pages 2018–2023; 2011–2017 are techme's xlsx
    "rd_activity": (2018, 2023),  # no raw tables for 2010–2017
    "rd_source": (2010, 2023),
    "rd_labor_hour": (2010, 2023),
    "rd_patent_accept": (2010, 2023),
    "rd_patent_authority": (2010, 2023),
    "rd_patent_valid": (2010, 2023),
    "rd_paper_international": (2010, 2022),
    "market_push": (2000, 2023),
    "market_pull": (2000, 2023),
    "public_budget": (2019, 2023),  # no raw tables for 2010–2018
    "industry_operation": (2010, 2023),
    "industry_rd": (2018, 2023),  # no raw tables for 2016–2017
}

#: Years inside the checked range that techme imported from outside its raw tables: the
#: technology-market provincial values of 2012–2013 came from an external workbook (checks.md §2).
YEARBOOK_UNCHECKED_YEARS: dict[str, frozenset[int]] = {
    "market_push": frozenset({2012, 2013}),
    "market_pull": frozenset({2012, 2013}),
}

#: 2020 values checked only against a third-party transcript of the official table ("soshu",
#: checks.md §6.6): an official figure reproduced by another site, grade B.
YEARBOOK_TRANSCRIPT_YEARS: dict[str, frozenset[int]] = {
    "rd_activity": frozenset({2020}),
    "public_budget": frozenset({2020}),
    "industry_operation": frozenset({2020}),
    "industry_rd": frozenset({2020}),
}


def yearbook_grade(file: str, year: int) -> str:
    """Return the grade of a yearbook row from its file and data year.

    ``A`` where checks.md found the value in a saved copy of the official table, ``B`` where the
    check was against a third-party transcript of it, ``C`` where no check was possible
    (including all of ``hitech_firms_pub``, a scrape of innocom.gov.cn lists).

    Parameters
    ----------
    file : str
        Yearbook file stem, e.g. ``"rd_source"``.
    year : int
        Data year.
    """
    checked = YEARBOOK_CHECKED_YEARS.get(file)
    if checked is None or not checked[0] <= year <= checked[1]:
        return "C"
    if year in YEARBOOK_UNCHECKED_YEARS.get(file, frozenset()):
        return "C"
    if year in YEARBOOK_TRANSCRIPT_YEARS.get(file, frozenset()):
        return "B"
    return "A"


#: Hosts of official media (party and state papers, state broadcasters, Xinhua carried by a
#: portal). Used by :func:`url_grade` for the claims evidence, whose file has no grade column.
OFFICIAL_MEDIA_HOSTS: frozenset[str] = frozenset(
    {
        "people.com.cn",
        "cnr.cn",
        "cri.cn",
        "lnd.com.cn",
        "dbw.cn",
        "northnews.cn",
        "nmgnews.com.cn",
        "ce.cn",
        "chinagate.cn",
        # Xinhua item carried by 中国政府网 and Sina (raw/claims/claims.md, claim d)
        "news.sina.com.cn",
    }
)


def url_grade(url: str) -> str:
    """Grade a claims-evidence row by where it was read.

    ``A`` for government sites (``*.gov.cn``), ``B`` for official media
    (:data:`OFFICIAL_MEDIA_HOSTS`), ``C`` for everything else (reprint mirrors, aggregators,
    journal mirrors, law-firm summaries), following the trust levels of ``raw/claims/README.md``.
    """
    host = (urlparse(url).hostname or "").lower()
    if host == "gov.cn" or host.endswith(".gov.cn"):
        return "A"
    if any(host == h or host.endswith("." + h) for h in OFFICIAL_MEDIA_HOSTS):
        return "B"
    return "C"


# ---------------------------------------------------------------------------------------------
# Contracts


def _non_negative(indicator_col: str) -> RowRule:
    def ok(frame: pd.DataFrame) -> pd.Series:
        value = pd.to_numeric(frame["value"], errors="coerce")
        return ~(value < 0) | frame[indicator_col].isin(MAY_BE_NEGATIVE)

    def message(row: pd.Series) -> str:
        v = row["value"]
        shown = f"{v:g}" if isinstance(v, float) else str(v)
        return f"value {shown} is negative ({row[indicator_col]} must be ≥ 0)"

    return RowRule("non_negative", ok, message)


def _names_match(code_col: str, en_col: str, zh_col: str) -> RowRule:
    def ok(frame: pd.DataFrame) -> pd.Series:
        known = frame[code_col].isin(REGION_EN)
        en = frame[code_col].map(REGION_EN)
        zh = frame[code_col].map(REGION_ZH)
        return ~known | ((frame[en_col] == en) & (frame[zh_col] == zh))

    def message(row: pd.Series) -> str:
        code = row[code_col]
        return (
            f"names {row[en_col]!r}/{row[zh_col]!r} do not match region code {code} "
            f"({REGION_EN[code]}/{REGION_ZH[code]})"
        )

    return RowRule("names_match_code", ok, message)


def _year_required_unless_yearless(frame: pd.DataFrame) -> pd.Series:
    return frame["year"].notna() | frame["indicator"].isin(YEARLESS_INDICATORS)


YEAR_RULE = RowRule(
    "year_required",
    _year_required_unless_yearless,
    lambda row: f"year is empty (only {', '.join(sorted(YEARLESS_INDICATORS))} may have no year)",
)

YEARBOOK_SPEC = TableSpec(
    name="yearbook",
    title="China Statistical Yearbook on Science and Technology (via techme), tidy",
    fields=(
        Field("province_zh", "string", "Short Chinese name as in the yearbook (全国 = national)"),
        Field("province_en", "string", "English name; 'China (national total)' for CN"),
        Field(
            "province_code",
            "string",
            "ISO 3166-2:CN code; CN = national row",
            enum=("CN", *PROVINCE_CODES),
            enum_label="unknown province code",
        ),
        Field(
            "year",
            "integer",
            "Data (reference) year, not the yearbook edition",
            minimum=YEAR_MIN,
            maximum=YEAR_MAX,
        ),
        Field("indicator", "string", "snake_case indicator name", pattern=SNAKE_CASE),
        Field("indicator_zh", "string", "Chinese name in that year's source table"),
        Field("value", "number", "Value in `unit`, not rescaled"),
        Field(
            "unit", "string", "Unit as published", enum=YEARBOOK_UNITS, enum_label="unknown unit"
        ),
        Field("source", "string", "Publication, edition and table"),
        Field("techme_file", "string", "techme object the row came from", pattern=r"data/\w+\.rda"),
    ),
    primary_key=("province_code", "year", "indicator"),
    rules=(_non_negative("indicator"), _names_match("province_code", "province_en", "province_zh")),
)

_OFFICIAL_REGION_NAMES = tuple(
    sorted({name for _c, name, _z, _k in REGIONS} | set(OFFICIAL_REGION_ALIASES))
)

OFFICIAL_SPEC = TableSpec(
    name="official_observations",
    title="Official statistics read from public pages, with URL and grade",
    fields=(
        Field(
            "region_en",
            "string",
            "English region name (mapped to a region code by helpers.data.regions)",
            enum=_OFFICIAL_REGION_NAMES,
            enum_label="unknown region",
        ),
        Field("region_zh", "string", "Chinese region name"),
        Field(
            "year",
            "integer",
            "Reference year; empty for land areas",
            required=False,
            minimum=YEAR_MIN,
            maximum=YEAR_MAX,
        ),
        Field("indicator", "string", "snake_case indicator name", pattern=SNAKE_CASE),
        Field("value", "number", "Value in `unit`"),
        Field(
            "unit", "string", "Unit as published", enum=OFFICIAL_UNITS, enum_label="unknown unit"
        ),
        Field(
            "source_url",
            "string",
            "Address of the page read (or a search-index reference for some [C] rows)",
            pattern=f"{URL}|{SEARCH_INDEX_REF}",
            pattern_label="is neither a web address nor a search-index reference",
        ),
        Field("source_title", "string", "Title, publisher and date of the page"),
        Field(
            "note",
            "string",
            "Grade [A]–[D] as first token, then remarks",
            pattern=r"\[[ABCD]\].*",
            pattern_label="does not start with a grade [A], [B], [C] or [D]",
        ),
    ),
    primary_key=("region_en", "year", "indicator", "source_url"),
    rules=(_non_negative("indicator"), YEAR_RULE),
)

CLAIM_EVIDENCE_SPEC = TableSpec(
    name="claims_observations",
    title="Innovation and talent statistics gathered to check the report's claims",
    fields=(
        Field("region_en", "string", "English region, city or institution name"),
        Field("region_zh", "string", "Chinese name"),
        Field("year", "integer", "Reference year; empty when unknown", required=False),
        Field("indicator", "string", "Indicator name", pattern=r"[A-Za-z][A-Za-z0-9_]*"),
        Field("value", "number", "Value in `unit` as the source states it"),
        Field("unit", "string", "Unit as the source states it (free text)"),
        Field("source_url", "string", "Address of the page read", pattern=URL),
        Field("source_title", "string", "Title, publisher and date of the page"),
        Field("note", "string", "Remarks, quoted wording, derived arithmetic", required=False),
    ),
    primary_key=("region_en", "year", "indicator", "source_url"),
)


# ---------------------------------------------------------------------------------------------
# Loaders


def _raw(raw_dir: str | Path | None) -> Path:
    return RAW_DIR if raw_dir is None else Path(raw_dir)


def load_yearbook_file(name: str, raw_dir: str | Path | None = None) -> pd.DataFrame:
    """Load and validate one yearbook CSV, e.g. ``load_yearbook_file("rd_intense")``.

    Parameters
    ----------
    name : str
        File stem, one of :data:`YEARBOOK_FILES`.
    raw_dir : str or pathlib.Path, optional
        Folder holding ``yearbook/``; default ``data/raw``.

    Returns
    -------
    pandas.DataFrame
        The file's columns, typed (``year`` as Int64, ``value`` as float).
    """
    if name not in YEARBOOK_FILES:
        raise ValueError(f"unknown yearbook file {name!r}; expected one of {YEARBOOK_FILES}")
    return read_table(_raw(raw_dir) / "yearbook" / f"{name}.csv", YEARBOOK_SPEC)


def load_official(raw_dir: str | Path | None = None) -> pd.DataFrame:
    """Load and validate ``official/observations.csv`` and add ``region`` and ``grade``.

    Parameters
    ----------
    raw_dir : str or pathlib.Path, optional
        Folder holding ``official/``; default ``data/raw``.
    """
    frame = read_table(_raw(raw_dir) / "official" / "observations.csv", OFFICIAL_SPEC)
    frame["region"] = frame["region_en"].map(official_region_code)
    frame["grade"] = frame["note"].str[1]
    return frame


def load_claim_evidence(raw_dir: str | Path | None = None) -> pd.DataFrame:
    """Load and validate ``claims/observations.csv`` and add a ``grade`` from each URL.

    Parameters
    ----------
    raw_dir : str or pathlib.Path, optional
        Folder holding ``claims/``; default ``data/raw``.
    """
    frame = read_table(_raw(raw_dir) / "claims" / "observations.csv", CLAIM_EVIDENCE_SPEC)
    frame["grade"] = frame["source_url"].map(url_grade)
    return frame


def load_raw_geojson(raw_dir: str | Path | None = None) -> dict:
    """Load the Natural Earth province shapes (``geo/china_adm1_ne10m.geojson``).

    Raises
    ------
    DataValidationError
        If the file is not a FeatureCollection of the 31 provinces with an ``id`` each.
    """
    path = _raw(raw_dir) / "geo" / "china_adm1_ne10m.geojson"
    collection = _read_json(path)
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise DataValidationError(path, None, "is not a GeoJSON FeatureCollection")
    ids = [f.get("properties", {}).get("id") for f in collection.get("features", [])]
    unknown = [i for i in ids if i not in PROVINCE_CODES]
    if unknown or sorted(ids) != sorted(PROVINCE_CODES):
        raise DataValidationError(
            path, None, f"features must be the 31 provinces once each; unexpected ids: {unknown}"
        )
    return collection


def load_league_seats_raw(raw_dir: str | Path | None = None) -> list[dict]:
    """Load the GeoNames records of the five eastern Inner Mongolia league seats."""
    path = _raw(raw_dir) / "geo" / "geonames_eastern_inner_mongolia_seats.json"
    records = _read_json(path)
    ok = isinstance(records, list) and all(
        isinstance(r, dict)
        and {"geonameid", "name", "latitude", "longitude"} <= set(r)
        and -90 <= float(r["latitude"]) <= 90
        and -180 <= float(r["longitude"]) <= 180
        for r in records
    )
    if not ok:
        raise DataValidationError(
            path, None, "expected a list of GeoNames records with geonameid, latitude, longitude"
        )
    return records


def _read_json(path: Path) -> object:
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise DataValidationError(path, None, "file not found") from None
    except UnicodeDecodeError as err:
        raise DataValidationError(path, None, f"is not valid UTF-8 ({err.reason})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise DataValidationError(path, err.lineno, f"is not valid JSON ({err.msg})") from None


def techme_url(techme_file: str) -> str:
    """Return the address of a techme data object at the snapshot commit."""
    return TECHME_URL.format(commit=TECHME_COMMIT, file=techme_file)
