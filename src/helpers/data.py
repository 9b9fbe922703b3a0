"""Temporary loader for the start page; replaced by the validated data layer (issue 3)."""

from __future__ import annotations

import functools
import re

import pandas as pd

from helpers import DATA_DIR

_GRADE = re.compile(r"^\[([A-D])\]")


@functools.cache
def _panel() -> pd.DataFrame:
    codes = pd.read_csv(DATA_DIR / "raw" / "yearbook" / "rd_intense.csv", encoding="utf-8")
    code_of = dict(zip(codes["province_en"], codes["province_code"], strict=False))
    code_of["China (national)"] = "CN"
    obs = pd.read_csv(DATA_DIR / "raw" / "official" / "observations.csv", encoding="utf-8")
    obs = obs[obs["indicator"].isin(["rd_intensity", "rd_expenditure"])]
    obs = obs[obs["region_en"].isin(code_of)]
    panel = pd.DataFrame(
        {
            "region": obs["region_en"].map(code_of),
            "region_en": obs["region_en"],
            "region_zh": obs["region_zh"],
            "year": obs["year"].astype(int),
            "indicator": obs["indicator"],
            "value": obs["value"].astype(float),
            "unit": obs["unit"],
            "source": obs["source_title"],
            "source_url": obs["source_url"],
            "grade": obs["note"].str.extract(_GRADE, expand=False),
            "derived": False,
        }
    ).sort_values(["region", "year", "indicator", "grade"])
    # the better grade wins where the same number has several sources
    return panel.drop_duplicates(["region", "year", "indicator"]).reset_index(drop=True)


def load_panel() -> pd.DataFrame:
    return _panel().copy()
