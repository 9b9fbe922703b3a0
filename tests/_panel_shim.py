"""TEMPORARY test-only shim: replaced by ``helpers.data.load_panel`` at merge.

The data layer (built in parallel) will provide ``helpers.data.load_panel()``, a tidy long table
with the columns below. Until it lands, the model tests build an equivalent panel from the shared
reference CSVs with this module. Nothing in ``src/`` imports it. Delete it once
``tests/conftest_model.py`` calls ``helpers.data.load_panel()``.

Columns: region, region_en, region_zh, year, indicator, value, unit, source, source_url, grade,
derived.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pandas as pd

REFERENCE = Path(os.environ.get("NQP_REFERENCE_DATA", "/work/shared/reference-data"))
TECHME_URL = "https://github.com/huhuaping/techme/tree/9ad60a190dec4a56953da9c478d42cd44c80762a"
COLUMNS = [
    "region",
    "region_en",
    "region_zh",
    "year",
    "indicator",
    "value",
    "unit",
    "source",
    "source_url",
    "grade",
    "derived",
]


@functools.cache
def load_panel() -> pd.DataFrame:
    """Temporary stand-in for ``helpers.data.load_panel()`` (same columns, same indicator names)."""
    yearbook = pd.concat(
        [pd.read_csv(path) for path in sorted((REFERENCE / "yearbook").glob("*.csv"))],
        ignore_index=True,
    )
    yearbook = yearbook.rename(
        columns={"province_code": "region", "province_en": "region_en", "province_zh": "region_zh"}
    ).assign(source_url=TECHME_URL, grade="B", derived=False)

    official = pd.read_csv(REFERENCE / "official" / "observations.csv")
    codes = dict(zip(yearbook["region_en"], yearbook["region"], strict=False))
    codes["China (national)"] = "CN"
    official = official.assign(
        region=official["region_en"].map(codes),
        grade=official["note"].str.extract(r"^\[([ABCD])\]", expand=False),
        source=official["source_title"],
        derived=official["note"].str.startswith("[D]"),
    ).dropna(subset=["region", "year"])

    panel = pd.concat([yearbook[COLUMNS], official[COLUMNS]], ignore_index=True)
    panel["year"] = panel["year"].astype(int)
    panel["value"] = panel["value"].astype(float)
    panel["derived"] = panel["derived"].astype(bool)
    return panel
