"""The data layer: loaders, validation, the build and the data package."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import frictionless
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import DATA_DIR
from helpers.data import (
    REGION_CODES,
    DataValidationError,
    load_claims,
    load_northeast_geojson,
    load_panel,
    load_regions,
    load_superseded,
    processed,
)
from helpers.data.build import agree, build, format_number, resolve
from helpers.data.sources import (
    YEARBOOK_FILES,
    load_claim_evidence,
    load_official,
    load_yearbook_file,
    url_grade,
    yearbook_grade,
)
from helpers.indicators import PANEL_COLUMNS

RAW = DATA_DIR / "raw"
PROCESSED = DATA_DIR / "processed"


# ---------------------------------------------------------------------------------------------
# The build


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    """A fresh build of the repository's raw data into a temporary folder."""
    out = tmp_path_factory.mktemp("rebuilt")
    build(RAW, out)
    return out


def test_build_reproduces_processed_files_byte_for_byte(rebuilt):
    """Rebuilding from data/raw gives exactly the committed data/processed and datapackage."""
    committed = sorted(p.name for p in PROCESSED.iterdir())
    assert sorted(p.name for p in (rebuilt / "processed").iterdir()) == committed
    for name in committed:
        assert (rebuilt / "processed" / name).read_bytes() == (PROCESSED / name).read_bytes(), name
    assert (rebuilt / "datapackage.json").read_bytes() == (
        DATA_DIR / "datapackage.json"
    ).read_bytes()


def test_processed_files_are_utf8_with_unix_line_ends():
    for path in PROCESSED.iterdir():
        data = path.read_bytes()
        data.decode("utf-8")
        assert b"\r" not in data, path.name
        assert data.endswith(b"\n"), path.name


def test_datapackage_validates_with_frictionless():
    """Every raw and processed resource matches its schema, size and hash."""
    report = frictionless.validate(DATA_DIR / "datapackage.json")
    assert report.valid, report.flatten(["taskNumber", "rowNumber", "fieldName", "type", "note"])


def test_datapackage_describes_every_data_file():
    """Every data file is described by the data package or, for the model's backtest (written by
    ``python -m helpers.model.backtest``), by ``data/model/datapackage.json``."""
    package = frictionless.Package(DATA_DIR / "datapackage.json")
    model = frictionless.Package(DATA_DIR / "model" / "datapackage.json")
    paths = {r.path for r in package.resources} | {f"model/{r.path}" for r in model.resources}
    data_files = {
        p.relative_to(DATA_DIR).as_posix()
        for p in DATA_DIR.rglob("*")
        if p.is_file()
        and p.suffix in {".csv", ".json", ".geojson"}
        and p.name != "datapackage.json"
    }
    assert paths == data_files
    for resource in [*package.resources, *model.resources]:
        assert resource.sources, resource.name
        assert resource.licenses, resource.name
        if resource.path.endswith(".csv"):
            assert resource.schema.fields, resource.name


def test_build_with_a_bad_raw_file_writes_nothing(tmp_path):
    """A raw file that breaks its contract stops the build before anything is written."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    (raw / "yearbook" / "rd_source.csv").write_bytes(b"")
    out = tmp_path / "out"
    with pytest.raises(DataValidationError, match=r"rd_source\.csv, row 1: file is empty"):
        build(raw, out)
    assert not out.exists()


# ---------------------------------------------------------------------------------------------
# Loaders


def test_load_panel_has_the_contract_columns_and_types():
    panel = load_panel()
    assert list(panel.columns) == PANEL_COLUMNS
    assert str(panel["year"].dtype) == "Int64"
    assert panel["value"].dtype == "float64"
    assert panel["derived"].dtype == bool
    assert set(panel["grade"]) <= set("ABCD")
    assert set(panel["region"]) <= set(REGION_CODES)
    assert not panel.duplicated(["region", "year", "indicator"]).any()
    # only land areas have no year
    assert set(panel.loc[panel["year"].isna(), "indicator"]) == {"land_area"}
    # the indicators the scenario model relies on exist under their source names
    for indicator in (
        "rd_expenditure",
        "rd_intensity",
        "rd_expenditure_total",
        "rd_expenditure_government_funds",
        "rd_expenditure_basic_research",
        "rd_personnel_fte_total",
        "patent_applications_invention",
        "patents_granted_invention",
        "patents_in_force_invention",
        "tech_market_outflow_value",
        "tech_market_inflow_value",
        "hitech_industry_revenue",
        "gdp",
        "population_census",
        "population_year_end",
        "land_area",
    ):
        assert indicator in set(panel["indicator"]), indicator


def test_every_indicator_has_one_unit():
    panel = load_panel()
    units = panel.groupby("indicator")["unit"].nunique()
    assert (units == 1).all(), units[units > 1]


def test_published_rows_carry_a_source_and_most_an_address():
    panel = load_panel()
    assert panel["source"].str.len().min() > 0
    published = panel[~panel["derived"]]
    # every yearbook row points at the techme file it came from; official rows at their page;
    # only the [C] rows read from unrecorded GitHub files have no address
    assert panel["source_url"].notna().all()
    no_url = published[published["source_url"] == ""]
    assert set(no_url["grade"]) <= {"C"}
    assert no_url["source"].str.contains("github-search-index").all()


def test_load_panel_returns_a_fresh_copy():
    first = load_panel()
    first.loc[:, "value"] = -1.0
    assert (load_panel()["value"] != -1.0).any()


def test_load_regions_and_superseded():
    regions = load_regions()
    assert list(regions["region"]) == list(REGION_CODES)
    superseded = load_superseded()
    assert set(superseded["reason"]) <= {
        "lower grade",
        "same value, lower source priority",
        "conflicting values at the best grade",
        "published value exists",
    }


def test_raw_loaders_validate_every_input():
    for name in YEARBOOK_FILES:
        frame = load_yearbook_file(name)
        assert len(frame) > 0
    assert load_official()["region"].notna().all()
    assert set(load_claim_evidence()["grade"]) <= set("ABC")


def test_northeast_map_holds_the_region_only():
    """Four provinces as shapes and five league seats as points; nothing else of China."""
    collection = load_northeast_geojson()
    shapes = [f for f in collection["features"] if f["properties"]["kind"] == "province"]
    seats = [f for f in collection["features"] if f["properties"]["kind"] == "league_seat"]
    assert sorted(f["id"] for f in shapes) == ["CN-HL", "CN-JL", "CN-LN", "CN-NM"]
    assert sorted(f["id"] for f in seats) == [
        "CN-NM-CF",
        "CN-NM-HB",
        "CN-NM-TL",
        "CN-NM-XA",
        "CN-NM-XL",
    ]
    for seat in seats:
        lon, lat = seat["geometry"]["coordinates"]
        # eastern Inner Mongolia lies roughly within 111–127°E, 41–53°N
        assert 111 < lon < 127 and 41 < lat < 53, seat["id"]
    collection["features"].clear()
    assert load_northeast_geojson()["features"], "the cached map must not be modified"


# ---------------------------------------------------------------------------------------------
# Grades and the choice between candidates


def test_yearbook_grades_follow_the_checks():
    assert yearbook_grade("rd_source", 2012) == "A"
    assert yearbook_grade("rd_activity", 2015) == "C"  # no raw table for 2010–2017
    assert yearbook_grade("rd_activity", 2020) == "B"  # third-party transcript
    assert yearbook_grade("rd_intense", 2017) == "C"  # techme's own spreadsheet
    assert yearbook_grade("rd_intense", 2018) == "A"  # saved communiqué page
    assert yearbook_grade("market_push", 2013) == "C"  # external workbook
    assert yearbook_grade("hitech_firms_pub", 2023) == "C"  # unverifiable scrape


def test_url_grades():
    assert url_grade("https://jl.gov.cn/yaowen/x.html") == "A"
    assert url_grade("https://ln.cri.cn/2020/x.html") == "B"
    assert url_grade("http://www.feapp.net/dictionary/d27948.html") == "C"


def test_better_grade_wins_in_the_panel():
    panel = load_panel().set_index(["region", "year", "indicator"])
    superseded = load_superseded()
    # Heilongjiang 2020 GDP: [B] 13,698.5 beats the [C] 13,633.4 of a later secondary series
    assert panel.loc[("CN-HL", 2020, "gdp"), "value"] == 13698.5
    assert panel.loc[("CN-HL", 2020, "gdp"), "grade"] == "B"
    lost = superseded[
        (superseded["region"] == "CN-HL")
        & (superseded["year"] == 2020)
        & (superseded["indicator"] == "gdp")
    ]
    assert list(lost["value"]) == [13633.4]
    assert list(lost["reason"]) == ["lower grade"]
    # yearbook table 1-7 for 2010–2017 (unchecked, C) loses to table 1-14 (A)
    assert panel.loc[("CN-LN", 2015, "rd_expenditure_total"), "grade"] == "A"


def test_c_graded_values_stay_with_their_grade_when_nothing_better_exists():
    panel = load_panel().set_index(["region", "year", "indicator"])
    row = panel.loc[("CN-LN", 2015, "rd_intensity")]
    assert row["grade"] == "C" and row["value"] == 1.27


def test_conflicting_values_at_the_best_grade_leave_a_gap():
    """Jiangsu 2023 GDP: two [C] sources disagree (128,222.2 vs 128,192.2), so no value."""
    panel = load_panel()
    key = (panel["region"] == "CN-JS") & (panel["year"] == 2023) & (panel["indicator"] == "gdp")
    assert not key.any()
    superseded = load_superseded()
    conflict = superseded[superseded["reason"] == "conflicting values at the best grade"]
    assert {128222.2, 128192.2} <= set(conflict["value"])


def _candidate(grade: str, value: float, priority: int = 0, line: int = 2) -> dict:
    return {
        "region": "CN-LN",
        "region_en": "Liaoning",
        "region_zh": "辽宁",
        "year": 2023,
        "indicator": "gdp",
        "value": value,
        "unit": "CNY 100 million",
        "source": f"source {grade}{line}",
        "source_url": "",
        "grade": grade,
        "derived": False,
        "origin": f"file{priority}",
        "priority": priority,
        "line": line,
    }


@settings(max_examples=60, deadline=None)
@given(
    grades=st.lists(st.sampled_from("ABCD"), min_size=1, max_size=5),
    shuffle_seed=st.randoms(use_true_random=False),
)
def test_resolution_keeps_the_best_grade_whatever_the_order(grades, shuffle_seed):
    """With agreeing values, the kept candidate is a best-graded one, in any input order."""
    rows = [_candidate(g, 100.0, priority=i, line=i + 2) for i, g in enumerate(grades)]
    shuffled = rows[:]
    shuffle_seed.shuffle(shuffled)
    kept_a, aside_a = resolve(pd.DataFrame(rows))
    kept_b, _ = resolve(pd.DataFrame(shuffled))
    assert len(kept_a) == 1 and len(aside_a) == len(rows) - 1
    assert kept_a["grade"].iloc[0] == min(grades)
    assert kept_a.iloc[0].equals(kept_b.iloc[0])


def test_resolution_leaves_a_gap_on_conflict_and_ignores_worse_grades():
    rows = pd.DataFrame([_candidate("C", 100.0, 0, 2), _candidate("C", 120.0, 1, 3)])
    kept, aside = resolve(rows)
    assert kept.empty and len(aside) == 2
    rows = pd.DataFrame(
        [_candidate("B", 100.0, 0, 2), _candidate("C", 120.0, 1, 3), _candidate("C", 90.0, 1, 4)]
    )
    kept, aside = resolve(rows)
    assert list(kept["value"]) == [100.0]
    assert set(aside["reason"]) == {"lower grade"}


def test_agree_uses_the_rounding_of_the_coarser_value():
    assert agree(77715.36, 77715.4)
    assert agree(10061244.5, 10061245.0)
    assert not agree(128222.2, 128192.2)
    assert not agree(2.24, 2.25)


@given(st.floats(min_value=-1e10, max_value=1e10, allow_nan=False, allow_infinity=False))
def test_number_format_round_trips_to_twelve_digits(x):
    """Written numbers read back to within 12 significant digits, with no trailing '.0'."""
    text = format_number(x)
    assert not text.endswith(".0")
    assert float(text) == pytest.approx(x, rel=1e-11, abs=1e-300)


# ---------------------------------------------------------------------------------------------
# Bad input: each corruption gives one clear error naming file, row and problem


def _rewrite(path: Path, edit) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    rows = edit(rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _set(line: int, column: str, value: str):
    def edit(rows):
        rows[line - 1][rows[0].index(column)] = value
        return rows

    return edit


def _drop_column(column: str):
    def edit(rows):
        index = rows[0].index(column)
        return [r[:index] + r[index + 1 :] for r in rows]

    return edit


def _repeat_line(line: int):
    return lambda rows: [*rows, rows[line - 1]]


CORRUPTIONS = {
    "missing column": (_drop_column("unit"), 1, "missing column 'unit'"),
    "wrong type": (_set(17, "value", "abc"), 17, "column 'value' has 'abc', which is not a number"),
    "negative expenditure": (
        _set(17, "value", "-3.2"),
        17,
        "value -3.2 is negative (rd_expenditure must be ≥ 0)",
    ),
    "duplicate key": (_repeat_line(5), 834, "duplicate key (province_code, year, indicator)"),
    "unknown province code": (
        _set(9, "province_code", "CN-XX"),
        9,
        "unknown province code 'CN-XX'",
    ),
    "unknown unit": (_set(12, "unit", "CNY 1k"), 12, "unknown unit 'CNY 1k'"),
    "wrong year type": (_set(30, "year", "2O15"), 30, "column 'year' has '2O15'"),
    "ragged row": (lambda rows: [*rows[:40], rows[40][:-1], *rows[41:]], 41, "has 9 fields"),
}


@pytest.fixture
def raw_copy(tmp_path) -> Path:
    raw = tmp_path / "raw"
    (raw / "yearbook").mkdir(parents=True)
    shutil.copy(RAW / "yearbook" / "rd_intense.csv", raw / "yearbook" / "rd_intense.csv")
    return raw


@pytest.mark.parametrize("case", sorted(CORRUPTIONS))
def test_corrupted_yearbook_file_raises_one_clear_error(raw_copy, case):
    edit, row, problem = CORRUPTIONS[case]
    path = raw_copy / "yearbook" / "rd_intense.csv"
    _rewrite(path, edit)
    with pytest.raises(DataValidationError) as caught:
        load_yearbook_file("rd_intense", raw_copy)
    err = caught.value
    assert err.path.endswith("yearbook/rd_intense.csv")
    assert err.row == row
    assert problem in err.problem
    assert str(err).startswith(f"{err.path}, row {row}: ")


def test_empty_file_raises(raw_copy):
    (raw_copy / "yearbook" / "rd_intense.csv").write_bytes(b"")
    with pytest.raises(DataValidationError, match=r"rd_intense.csv, row 1: file is empty"):
        load_yearbook_file("rd_intense", raw_copy)


def test_non_utf8_bytes_raise_with_their_line(raw_copy):
    path = raw_copy / "yearbook" / "rd_intense.csv"
    lines = path.read_bytes().split(b"\n")
    lines[19] = (
        lines[19].replace("全国".encode(), b"\xff\xfe", 1).replace("北京".encode(), b"\xff\xfe", 1)
    )
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(DataValidationError) as caught:
        load_yearbook_file("rd_intense", raw_copy)
    assert caught.value.row == 20
    assert "not valid UTF-8" in caught.value.problem


def test_missing_file_raises(tmp_path):
    with pytest.raises(DataValidationError, match="file not found"):
        load_yearbook_file("rd_intense", tmp_path)


def test_official_file_with_unknown_region_or_grade_raises(tmp_path):
    raw = tmp_path / "raw"
    (raw / "official").mkdir(parents=True)
    path = raw / "official" / "observations.csv"
    shutil.copy(RAW / "official" / "observations.csv", path)
    _rewrite(path, _set(3, "region_en", "Atlantis"))
    with pytest.raises(DataValidationError, match="row 3: unknown region 'Atlantis'"):
        load_official(raw)
    shutil.copy(RAW / "official" / "observations.csv", path)
    _rewrite(path, _set(4, "note", "official table"))
    with pytest.raises(DataValidationError, match=r"row 4: note .* does not start with a grade"):
        load_official(raw)


@pytest.fixture
def processed_copy(tmp_path) -> Path:
    (tmp_path / "processed").mkdir()
    for path in PROCESSED.iterdir():
        shutil.copy(path, tmp_path / "processed" / path.name)
    return tmp_path


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("region", "CN-ZZ", "unknown region code 'CN-ZZ'"),
        ("unit", "furlongs", "unknown unit 'furlongs'"),
        ("grade", "E", "unknown grade 'E'"),
        ("derived", "maybe", "derived 'maybe' is not true or false"),
        ("value", "", "column 'value' is empty"),
    ],
)
def test_corrupted_panel_raises_and_nothing_is_cached(processed_copy, column, value, problem):
    path = processed_copy / "processed" / "panel.csv"
    _rewrite(path, _set(100, column, value))
    for _ in range(2):  # a failed load is not cached: it fails again
        with pytest.raises(DataValidationError) as caught:
            load_panel(processed_copy)
        assert caught.value.row == 100
        assert problem in caught.value.problem
    assert len(load_panel()) > 20_000  # the real panel still loads in full


def test_panel_duplicate_key_raises(processed_copy):
    path = processed_copy / "processed" / "panel.csv"
    _rewrite(path, _repeat_line(2))
    with pytest.raises(DataValidationError, match="duplicate key"):
        load_panel(processed_copy)


def test_claims_loader_validates(processed_copy):
    assert len(load_claims(processed_copy)) == len(load_claims())
    _rewrite(processed_copy / "processed" / "claims.csv", _set(3, "verdict", "true-ish"))
    with pytest.raises(
        DataValidationError, match="row 3: verdict 'true-ish' is not one of: confirmed"
    ):
        load_claims(processed_copy)


# ---------------------------------------------------------------------------------------------
# The codebook


def test_codebook_lists_every_indicator_and_the_row_counts():
    """data/README.md names every panel indicator and states the current row counts."""
    codebook = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    panel = load_panel()
    published = set(panel.loc[~panel["derived"], "indicator"])
    for indicator in sorted(published):
        assert f"| `{indicator}` |" in codebook, indicator
    for indicator in sorted(set(panel["indicator"]) - published):  # derived only
        assert f"`{indicator}`" in codebook, indicator
    for name, loader in (("panel", load_panel), ("superseded", load_superseded)):
        assert f"| `processed/{name}.csv` | {len(loader()):,} |" in codebook, name


# --- the fast path for files the build validated ------------------------------------------------


@pytest.mark.parametrize("name", sorted(processed.PROCESSED_TABLES))
def test_verified_read_gives_the_same_frame_as_full_validation(name):
    """Reading a build-validated file without per-row checks loses nothing."""
    from helpers.data.tables import read_table, read_verified_table

    path = DATA_DIR / "processed" / name
    spec = processed.PROCESSED_TABLES[name]
    pd.testing.assert_frame_equal(read_verified_table(path, spec), read_table(path, spec))


def test_committed_files_take_the_fast_path():
    """The committed processed files are byte for byte those the build validated."""
    for name in processed.PROCESSED_TABLES:
        path = DATA_DIR / "processed" / name
        assert processed._validated_hash(path) == processed._sha256(path), name


def test_an_edited_file_is_validated_row_by_row(tmp_path):
    """A file that differs from what the build validated gets the full check, with the row."""
    shutil.copytree(DATA_DIR / "processed", tmp_path / "processed")
    shutil.copy(DATA_DIR / "datapackage.json", tmp_path / "datapackage.json")
    panel = tmp_path / "processed" / "panel.csv"
    lines = panel.read_text(encoding="utf-8").splitlines(keepends=True)
    fields = lines[5].split(",")
    value_at = processed.PANEL_SPEC.columns.index("value")
    fields[value_at] = "-1"
    lines[5] = ",".join(fields)
    panel.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataValidationError) as error:
        load_panel(tmp_path)
    assert error.value.row == 6
