"""From the panel to indicator values: 31 provinces × indicators × years, gaps kept as gaps.

Also the coverage of each indicator, its sources, the catalogue as a table, and the flags on
swings (a value that doubles or halves from one year to the next) with the three treatments a
user can choose: keep and flag, smooth, or leave out.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.data.regions import PROVINCE_CODES, REGION_EN, REGION_ZH
from helpers.nqp_index.catalogue import (
    CATALOGUE,
    CATALOGUE_BY_ID,
    DIMENSIONS,
    SWING_FACTOR,
    Indicator,
    check_indicators,
    indicator,
)
from helpers.nqp_index.errors import NQPIndexError, year_ranges

_GRADE_ORDER = "ABCD"
_GRADE_CODE = {g: float(k) for k, g in enumerate(_GRADE_ORDER)}

#: Trailing window of the "smooth" treatment: the year and the two before.
SMOOTH_YEARS = 3


def input_keys(ind: Indicator) -> tuple[str, ...]:
    """Panel inputs of an indicator; a fixed-year denominator is ``"name@year"``."""
    if ind.denominator is None:
        return (ind.numerator,)
    den = (
        ind.denominator
        if ind.denominator_year is None
        else f"{ind.denominator}@{ind.denominator_year}"
    )
    return (ind.numerator, den)


def _unique_inputs(ids: Sequence[str]) -> list[str]:
    inputs: list[str] = []
    for i in ids:
        for key in input_keys(indicator(i)):
            if key not in inputs:
                inputs.append(key)
    return inputs


def _inputs_wide(
    panel: pd.DataFrame, inputs: Sequence[str], years: Sequence[int] | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Panel inputs as two wide tables (values, grades), index (year, region), provinces only.

    An input ``"name@year"`` holds the value of ``name`` in ``year`` in every row of a province.
    """
    plain = [k for k in inputs if "@" not in k]
    fixed = {k: (k.split("@")[0], int(k.split("@")[1])) for k in inputs if "@" in k}
    provinces = panel["region"].isin(PROVINCE_CODES) & panel["year"].notna()
    mask = provinces & panel["indicator"].isin(plain)
    if years is not None:
        mask &= panel["year"].isin(list(years))
    sub = panel.loc[mask, ["year", "region", "indicator", "value", "grade"]]
    sub = sub.assign(year=sub["year"].astype("int64"))
    if years is None:
        all_years = sorted(int(y) for y in sub["year"].unique())
    else:
        all_years = sorted(int(y) for y in years)
    index = pd.MultiIndex.from_product([all_years, PROVINCE_CODES], names=["year", "region"])
    values = sub.pivot(index=["year", "region"], columns="indicator", values="value")
    grades = sub.pivot(index=["year", "region"], columns="indicator", values="grade")
    values = values.reindex(index=index, columns=list(inputs)).astype(float)
    grades = grades.reindex(index=index, columns=list(inputs)).astype(object)
    regions = index.get_level_values("region")
    for key, (name, year) in fixed.items():
        rows = panel.loc[provinces & (panel["indicator"] == name) & (panel["year"] == year)]
        rows = rows.drop_duplicates("region").set_index("region")
        values[key] = rows["value"].reindex(regions).to_numpy(dtype=float)
        grades[key] = rows["grade"].reindex(regions).to_numpy(dtype=object)
    return values, grades


def _indicators_from_wide(
    values: pd.DataFrame, grades: pd.DataFrame, indicators: Sequence[str]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Compute the catalogue indicators row by row; return (values, worst grades, gaps)."""
    out = pd.DataFrame(index=values.index, columns=list(indicators), dtype=float)
    worst = pd.DataFrame(index=values.index, columns=list(indicators), dtype=object)
    gap_frames = []
    for ind_id in indicators:
        ind = indicator(ind_id)
        keys = input_keys(ind)
        num = values[keys[0]].to_numpy()
        missing = {keys[0]: np.isnan(num)}
        if len(keys) == 1:
            val = ind.scale * num
            bad_den = np.zeros(len(num), dtype=bool)
        else:
            den = values[keys[1]].to_numpy()
            missing[keys[1]] = np.isnan(den)
            bad_den = ~np.isnan(den) & (den <= 0)
            with np.errstate(divide="ignore", invalid="ignore"):
                val = np.where(bad_den | np.isnan(den), np.nan, ind.scale * num / den)
        out[ind_id] = val
        codes = np.max([grades[k].map(_GRADE_CODE).to_numpy(dtype=float) for k in keys], axis=0)
        worst[ind_id] = [
            None if (np.isnan(v) or np.isnan(c)) else _GRADE_ORDER[int(c)]
            for v, c in zip(val, codes, strict=True)
        ]
        gap = np.isnan(val)
        if gap.any():
            reasons = []
            for k in np.flatnonzero(gap):
                parts = [name for name, m in missing.items() if m[k]]
                if bad_den[k]:
                    parts.append(f"{keys[1]} not positive")
                reasons.append(", ".join(parts))
            idx = values.index[gap]
            gap_frames.append(
                pd.DataFrame(
                    {
                        "year": idx.get_level_values("year"),
                        "region": idx.get_level_values("region"),
                        "indicator": ind_id,
                        "missing_inputs": reasons,
                    }
                )
            )
    columns = ["year", "region", "region_en", "region_zh", "indicator", "missing_inputs"]
    if gap_frames:
        gaps = pd.concat(gap_frames, ignore_index=True)
        gaps["region_en"] = gaps["region"].map(REGION_EN)
        gaps["region_zh"] = gaps["region"].map(REGION_ZH)
        gaps = gaps[columns]
    else:
        gaps = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return out, worst, gaps


@dataclass(frozen=True)
class IndicatorPanel:
    """Indicator values of many years: index (year, region), one column per indicator.

    ``values`` (NaN at gaps), ``grades`` (worst input grade, None at gaps), ``gaps`` (one row
    per missing cell, as :attr:`IndicatorMatrix.gaps`).
    """

    values: pd.DataFrame
    grades: pd.DataFrame
    gaps: pd.DataFrame

    @property
    def years(self) -> list[int]:
        """The years held, ascending."""
        return sorted({int(y) for y in self.values.index.get_level_values("year")})

    def year(self, year: int) -> IndicatorMatrix:
        """One year as an :class:`IndicatorMatrix` (all 31 provinces, NBS order)."""
        if year not in self.years:
            index = pd.Index(PROVINCE_CODES, name="region")
            cols = pd.Index(list(self.values.columns), name="indicator")
            empty = pd.DataFrame(np.nan, index=index, columns=cols)
            gaps = pd.DataFrame(
                [
                    {
                        "year": year,
                        "region": r,
                        "region_en": REGION_EN[r],
                        "region_zh": REGION_ZH[r],
                        "indicator": i,
                        "missing_inputs": "no data in this year",
                    }
                    for i in cols
                    for r in PROVINCE_CODES
                ]
            )
            return IndicatorMatrix(year, empty, empty.astype(object), gaps)
        out = self.values.xs(year, level="year").reindex(PROVINCE_CODES)
        worst = self.grades.xs(year, level="year").reindex(PROVINCE_CODES)
        out.columns.name = worst.columns.name = "indicator"
        year_gaps = self.gaps[self.gaps["year"] == year].reset_index(drop=True)
        return IndicatorMatrix(year=year, values=out, grades=worst, gaps=year_gaps)


def _compute(
    panel: pd.DataFrame, ids: Sequence[str], years: Sequence[int] | None
) -> IndicatorPanel:
    values, grades = _inputs_wide(panel, _unique_inputs(ids), years)
    out, worst, gaps = _indicators_from_wide(values, grades, ids)
    out.columns.name = worst.columns.name = "indicator"
    return IndicatorPanel(values=out, grades=worst, gaps=gaps)


#: Every catalogue indicator of a panel, and its swings, computed once per panel object:
#: id(panel) -> (weak reference, fingerprint, IndicatorPanel, flags). The fingerprint (rows and
#: the sum of values) catches a panel changed in place after it was first read.
_FULL: dict[int, tuple[weakref.ref, tuple[int, float], IndicatorPanel, pd.DataFrame]] = {}


def _fingerprint(panel: pd.DataFrame) -> tuple[int, float]:
    return len(panel), float(np.nansum(panel["value"].to_numpy(dtype=float)))


def _full(panel: pd.DataFrame) -> tuple[IndicatorPanel, pd.DataFrame]:
    key, fingerprint = id(panel), _fingerprint(panel)
    hit = _FULL.get(key)
    if hit is not None and hit[0]() is panel and hit[1] == fingerprint:
        return hit[2], hit[3]
    full = _compute(panel, list(CATALOGUE_BY_ID), None)
    flags = flag_swings(full.values)
    _FULL[key] = (
        weakref.ref(panel, lambda _ref, k=key: _FULL.pop(k, None)),
        fingerprint,
        full,
        flags,
    )
    return full, flags


def indicator_panel(
    panel: pd.DataFrame, indicators: Sequence[str], years: Sequence[int] | None = None
) -> IndicatorPanel:
    """The chosen indicators for the 31 provinces in every year (or the years given).

    Every indicator of the catalogue is computed once per panel and kept while the panel lives;
    a call then takes the chosen columns.
    """
    ids = list(check_indicators(indicators))
    full, _ = _full(panel)
    if years is not None and not set(int(y) for y in years) <= set(full.years):
        return _compute(panel, ids, years)
    values, grades = full.values[ids], full.grades[ids]
    gaps = full.gaps[full.gaps["indicator"].isin(ids)]
    if years is not None:
        keep = sorted({int(y) for y in years})
        values, grades = values.loc[keep], grades.loc[keep]
        gaps = gaps[gaps["year"].isin(keep)]
    order = {i: k for k, i in enumerate(ids)}
    gaps = gaps.assign(_o=gaps["indicator"].map(order)).sort_values(["_o"], kind="stable")
    return IndicatorPanel(
        values=values, grades=grades, gaps=gaps.drop(columns="_o").reset_index(drop=True)
    )


def panel_swings(panel: pd.DataFrame, indicators: Sequence[str] | None = None) -> pd.DataFrame:
    """:func:`flag_swings` of the panel's indicators (all, or those given), computed once."""
    _, flags = _full(panel)
    if indicators is None:
        return flags
    return flags[flags["indicator"].isin(list(indicators))].reset_index(drop=True)


@dataclass(frozen=True)
class IndicatorMatrix:
    """Raw indicator values for one year: 31 provinces (rows, NBS order) × indicators.

    Attributes
    ----------
    year
        Data year.
    values
        Index ``region`` (the 31 province codes), one column per indicator id, raw values in the
        catalogue's units; NaN where a gap is.
    grades
        Worst data grade (A–D) of the inputs behind each value; missing (None) at gaps.
    gaps
        One row per missing cell: ``year``, ``region``, ``region_en``, ``region_zh``,
        ``indicator``, ``missing_inputs`` (the panel inputs that are missing).
    """

    year: int
    values: pd.DataFrame
    grades: pd.DataFrame
    gaps: pd.DataFrame

    @property
    def complete(self) -> bool:
        """True when every province has every indicator."""
        return self.gaps.empty

    @property
    def regions_with_gaps(self) -> tuple[str, ...]:
        """Province codes lacking at least one indicator, in NBS order."""
        bad = set(self.gaps["region"])
        return tuple(r for r in PROVINCE_CODES if r in bad)


def indicator_matrix(panel: pd.DataFrame, indicators: Sequence[str], year: int) -> IndicatorMatrix:
    """Compute the chosen indicators for the 31 provinces in one year.

    Parameters
    ----------
    panel
        The tidy panel of :func:`helpers.data.load_panel`. Aggregates (``CN``, ``NE3``, …) are
        ignored.
    indicators
        Catalogue ids (:data:`helpers.nqp_index.CATALOGUE_BY_ID`).
    year
        Data year.

    Returns
    -------
    IndicatorMatrix
        Values (NaN at gaps, never filled), worst input grades, and the list of gaps.
    """
    return indicator_panel(panel, indicators, [int(year)]).year(int(year))


def indicator_coverage(
    panel: pd.DataFrame, indicators: Sequence[str] | None = None
) -> pd.DataFrame:
    """Count, per indicator and year, the provinces (of 31) that have a value.

    Returns
    -------
    pandas.DataFrame
        Index = indicator id, columns = years in which any input has provincial data, values =
        number of provinces with the indicator (0–31).
    """
    ids = tuple(CATALOGUE_BY_ID) if indicators is None else check_indicators(indicators)
    out = indicator_panel(panel, ids).values
    counts = out.notna().groupby(level="year").sum().T
    counts.index.name = "indicator"
    counts.columns.name = "year"
    return counts.astype(int)


def complete_years(panel: pd.DataFrame, indicators: Sequence[str]) -> list[int]:
    """Years in which all 31 provinces have every chosen indicator (usable with ``"strict"``)."""
    out = indicator_panel(panel, indicators).values
    full = out.notna().all(axis=1).groupby(level="year").all()
    return [int(y) for y, ok in full.items() if ok]


def indicator_sources(
    panel: pd.DataFrame, indicator_id: str, year: int | None = None
) -> pd.DataFrame:
    """The sources behind one indicator: every distinct source line of its panel inputs.

    A fixed-year denominator contributes its source in that year only, whatever ``year`` is.

    Returns
    -------
    pandas.DataFrame
        Columns ``input`` (panel indicator), ``unit``, ``years`` (e.g. ``"2018–2023"``),
        ``source``, ``source_url``, ``grade``, ``n_values`` (province-years); provinces only.
    """
    ind = indicator(indicator_id)
    provinces = panel["region"].isin(PROVINCE_CODES) & panel["year"].notna()
    parts = []
    for key in input_keys(ind):
        name, _, fixed = key.partition("@")
        mask = provinces & (panel["indicator"] == name)
        if fixed:
            mask &= panel["year"] == int(fixed)
        elif year is not None:
            mask &= panel["year"] == int(year)
        parts.append(panel.loc[mask])
    sub = pd.concat(parts)
    rows = []
    keys = ["indicator", "unit", "source", "source_url", "grade"]
    for key, g in sub.groupby(keys, sort=False, dropna=False):
        rows.append(
            dict(zip(["input", "unit", "source", "source_url", "grade"], key, strict=True))
            | {"years": year_ranges(sorted({int(y) for y in g["year"]})), "n_values": len(g)}
        )
    cols = ["input", "unit", "years", "source", "source_url", "grade", "n_values"]
    out = pd.DataFrame(rows, columns=cols)
    order = {name: k for k, name in enumerate(ind.inputs)}
    return (
        out.assign(_o=out["input"].map(order))
        .sort_values(["_o", "years", "source"])
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def catalogue_table(panel: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the catalogue as a table, one row per indicator, for display.

    Parameters
    ----------
    panel
        The tidy panel. When given, two columns are added: ``years_complete`` (tuple of years in
        which all 31 provinces have the indicator) and ``years_label`` (the same as text, e.g.
        ``"2012–2016, 2018–2023"``).

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``name_en``, ``name_zh``, ``unit_en``, ``unit_zh``, ``dimension``,
        ``dimension_en``, ``dimension_zh``, ``direction`` (+1 benefit, −1 cost),
        ``denominator_kind``, ``justification_en``/``_zh`` (also as ``direction_reason_*``),
        ``definition_en``/``_zh``, ``formula``, ``inputs``, ``sources_en``/``_zh``, ``grade``,
        ``caveat_en``/``_zh``.
    """
    rows = []
    for ind in CATALOGUE:
        rows.append(
            {
                "id": ind.id,
                "name_en": ind.name_en,
                "name_zh": ind.name_zh,
                "unit_en": ind.unit_en,
                "unit_zh": ind.unit_zh,
                "dimension": ind.dimension,
                "dimension_en": DIMENSIONS[ind.dimension][0],
                "dimension_zh": DIMENSIONS[ind.dimension][1],
                "direction": ind.direction,
                "denominator_kind": ind.denominator_kind,
                "justification_en": ind.justification_en,
                "justification_zh": ind.justification_zh,
                "direction_reason_en": ind.justification_en,
                "direction_reason_zh": ind.justification_zh,
                "definition_en": ind.definition_en,
                "definition_zh": ind.definition_zh,
                "formula": ind.formula,
                "inputs": ind.inputs,
                "sources_en": ind.sources_en,
                "sources_zh": ind.sources_zh,
                "grade": ind.grade,
                "caveat_en": ind.caveat_en,
                "caveat_zh": ind.caveat_zh,
            }
        )
    table = pd.DataFrame(rows)
    if panel is not None:
        cov = indicator_coverage(panel)
        n = len(PROVINCE_CODES)
        years = [tuple(int(y) for y in cov.columns if cov.loc[i, y] == n) for i in table["id"]]
        table["years_complete"] = years
        table["years_label"] = [year_ranges(y) for y in years]
    return table


# --------------------------------------------------------------------------------------------
# Swings: flag, smooth or leave out
# --------------------------------------------------------------------------------------------

SWING_COLUMNS = [
    "year",
    "region",
    "region_en",
    "region_zh",
    "indicator",
    "value",
    "previous_year",
    "previous_value",
    "ratio",
]


def flag_swings(values: pd.DataFrame, factor: float = SWING_FACTOR) -> pd.DataFrame:
    """Province-years whose value changed by ``factor`` or more (up or down) from the year before.

    Parameters
    ----------
    values
        Indicator values, index (year, region), as :attr:`IndicatorPanel.values`.
    factor
        A ratio to the province's value of the year before at least ``factor`` or at most
        ``1 / factor`` is flagged. Never across a missing year (a gap may hide a change of
        definition), and never for values that are not positive (no ratio).

    Returns
    -------
    pandas.DataFrame
        One row per flag: ``year``, ``region``, ``region_en``, ``region_zh``, ``indicator``,
        ``value``, ``previous_year``, ``previous_value``, ``ratio``.
    """
    if not factor > 1:
        raise NQPIndexError(
            f"The swing factor must be above 1, not {factor!r}.",
            f"波动倍数必须大于1，不能是 {factor!r}。",
        )
    frames = []
    for ind_id in values.columns:
        wide = values[ind_id].unstack("region").sort_index()
        # consecutive years only: a missing year (high-tech 2017) may hide a definition change
        wide = wide.reindex(range(int(wide.index.min()), int(wide.index.max()) + 1))
        wide = wide.where(wide > 0)  # no ratio for values that are not positive
        previous = wide.shift(1)
        previous_year = pd.DataFrame(
            np.repeat((wide.index.to_numpy() - 1)[:, None], wide.shape[1], axis=1),
            index=wide.index,
            columns=wide.columns,
        ).where(previous.notna())
        ratio = wide / previous
        hit = (ratio >= factor) | (ratio <= 1.0 / factor)
        if not hit.to_numpy().any():
            continue
        stacked = pd.DataFrame(
            {
                "value": wide.stack(),
                "previous_year": previous_year.stack(),
                "previous_value": previous.stack(),
                "ratio": ratio.stack(),
                "hit": hit.stack(),
            }
        )
        stacked = stacked[stacked["hit"]].reset_index()
        frames.append(stacked.assign(indicator=ind_id))
    if not frames:
        return pd.DataFrame(columns=SWING_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    out["year"] = out["year"].astype(int)
    out["previous_year"] = out["previous_year"].astype(int)
    out["region_en"] = out["region"].map(REGION_EN)
    out["region_zh"] = out["region"].map(REGION_ZH)
    out = out[SWING_COLUMNS]
    return out.sort_values(["year", "indicator", "region"], kind="stable").reset_index(drop=True)


def smoothed(values: pd.DataFrame, indicators: Sequence[str], year: int) -> pd.DataFrame:
    """Each province's mean over ``year`` and the two years before (those with data).

    A province lacking the value of ``year`` itself keeps the gap: smoothing never fills one.

    Returns
    -------
    pandas.DataFrame
        Index = the 31 provinces, one column per indicator in ``indicators``.
    """
    years = [y for y in range(year - SMOOTH_YEARS + 1, year + 1)]
    have = sorted({int(y) for y in values.index.get_level_values("year")} & set(years))
    window = values.loc[have, list(indicators)]
    mean = window.groupby(level="region").mean().reindex(PROVINCE_CODES)
    current = values.xs(year, level="year")[list(indicators)].reindex(PROVINCE_CODES)
    return mean.where(current.notna())


__all__ = [
    "IndicatorMatrix",
    "IndicatorPanel",
    "catalogue_table",
    "complete_years",
    "flag_swings",
    "indicator_coverage",
    "indicator_matrix",
    "indicator_panel",
    "indicator_sources",
    "input_keys",
    "panel_swings",
    "smoothed",
]
