"""Errors and notes of the composite index, each in English and Chinese."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd


class NQPIndexError(ValueError):
    """A choice the index cannot honour; ``str(err)`` is English, ``err.zh`` is Chinese."""

    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.en = en
        self.zh = zh


class WeightsError(NQPIndexError):
    """User weights that are not usable (negative, not finite, all zero, wrong indicators)."""


class DataGapError(NQPIndexError):
    """A year in which some province lacks a chosen indicator (``gaps="strict"``).

    Attributes
    ----------
    gaps
        The missing cells (columns as :attr:`IndicatorMatrix.gaps`).
    complete_years
        The years in which every province has every chosen indicator.
    """

    def __init__(self, en: str, zh: str, gaps: pd.DataFrame, complete_years: list[int]):
        super().__init__(en, zh)
        self.gaps = gaps
        self.complete_years = complete_years


@dataclass(frozen=True)
class Note:
    """A remark shown with a result, in both languages; ``kind`` is a stable key.

    Kinds: ``dropped`` (provinces left out for gaps), ``grade`` (lower-grade inputs),
    ``constant`` (an indicator that cannot separate provinces), ``zero_weight`` and
    ``dominant_weight`` (entropy or CRITIC put no weight, or an outsized weight, on an
    indicator; the latter with the indicator's caveat).
    """

    kind: str
    en: str
    zh: str


def year_ranges(years: Sequence[int]) -> str:
    """``[2012, 2013, 2014, 2018]`` -> ``"2012–2014, 2018"``."""
    parts: list[str] = []
    ys = sorted(years)
    i = 0
    while i < len(ys):
        j = i
        while j + 1 < len(ys) and ys[j + 1] == ys[j] + 1:
            j += 1
        parts.append(str(ys[i]) if i == j else f"{ys[i]}–{ys[j]}")
        i = j + 1
    return ", ".join(parts)
