"""Calibration: the starting state of every region, read from the data panel.

:func:`calibrate` turns the tidy panel of ``helpers.data.load_panel()`` into a frozen
:class:`Baseline`. Every number in it comes from the panel: the base-year levels are read, growth
rates and trends are derived from the panel with the windows declared in ``parameters.yaml``
(``calibration:``), and GDP is *implied* by the R&D communiqué (R&D spending ÷ intensity), which is
derived, not an official GDP series.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .parameters import NE_PROVINCES, ParameterSet, load_parameters

#: Regions the model simulates, in array order: the three provinces, then the benchmarks.
MODEL_REGIONS: tuple[str, ...] = (*NE_PROVINCES, "CN-JS", "CN")
#: Regions in the results: provinces, their aggregate, then the benchmarks.
OUTPUT_REGIONS: tuple[str, ...] = (*NE_PROVINCES, "NE3", "CN-JS", "CN")
NE3 = "NE3"

_GRADE_ORDER = {"A": 0, "B": 1, "C": 2, "D": 3}
_FALLBACK_NAMES = {NE3: ("Northeast (3 provinces)", "东北三省")}

#: Panel columns the calibration needs (the data-layer contract).
PANEL_COLUMNS = ("region", "region_en", "region_zh", "year", "indicator", "value", "unit")


class CalibrationError(ValueError):
    """The panel lacks a number the model needs; the message names region, indicator and year."""


@dataclass(frozen=True, eq=False)
class Baseline:
    """Starting state of the model, one entry per region of :data:`MODEL_REGIONS`.

    All arrays are read-only and ordered like ``regions``. Money is nominal CNY 100 million
    (亿元) unless stated; people are person-years (full-time equivalent).

    Attributes
    ----------
    base_year, end_year : int
        First and last year of the projection.
    regions : tuple of str
        ISO codes of the modelled regions (Liaoning, Jilin, Heilongjiang, Jiangsu, national).
    names_en, names_zh : dict
        Display names for every output region, including the ``NE3`` aggregate.
    rd_expenditure : ndarray
        R&D spending in the base year [read: communiqué].
    rd_intensity : ndarray
        R&D intensity in the base year, percent [read].
    gdp : ndarray
        GDP implied by the communiqué, ``rd_expenditure / rd_intensity * 100`` [derived].
    gdp_growth : ndarray
        Nominal CAGR of implied GDP over the calibration window [derived].
    rd_history_years, rd_history : ndarray
        R&D spending from ``rd_history_start`` to the base year, shape (years, regions) [read];
        the perpetual inventory starts from it.
    fte : ndarray
        R&D personnel FTE in the base year [read].
    fte_growth : ndarray
        CAGR of FTE over the window [derived]; shown for comparison, not used by the model.
    rd_per_fte_growth : ndarray
        CAGR of nominal R&D spending per FTE over the same window [derived]. Baseline FTE grows
        with baseline R&D spending at this trend of spending per researcher.
    fte_history_years, fte_history : ndarray
        FTE series, shape (years, regions) [read]; lagged inputs of the patent equation use it.
    patents_granted : ndarray
        Domestic invention patents granted in the base year, items [read].
    tech_contract_value : ndarray
        Technology-contract turnover, seller side, CNY 100 million (panel: CNY 10k ÷ 10⁴) [read].
    intensity_trend : ndarray
        OLS slope of R&D intensity over the trend window, percentage points per year [derived].
    max_intensity : tuple
        Highest R&D intensity any province has reached in the panel: (value, region, year).
    provenance : dict
        For each attribute, a sentence saying where it comes from.
    """

    base_year: int
    end_year: int
    regions: tuple[str, ...]
    names_en: dict[str, str]
    names_zh: dict[str, str]
    rd_expenditure: np.ndarray
    rd_intensity: np.ndarray
    gdp: np.ndarray
    gdp_growth: np.ndarray
    rd_history_years: np.ndarray
    rd_history: np.ndarray
    fte: np.ndarray
    fte_growth: np.ndarray
    rd_per_fte_growth: np.ndarray
    fte_history_years: np.ndarray
    fte_history: np.ndarray
    patents_granted: np.ndarray
    tech_contract_value: np.ndarray
    intensity_trend: np.ndarray
    max_intensity: tuple[float, str, int]
    provenance: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        for value in vars(self).values():
            if isinstance(value, np.ndarray):
                value.setflags(write=False)

    @property
    def years(self) -> np.ndarray:
        """Projection years, base year included."""
        return np.arange(self.base_year, self.end_year + 1)

    def index(self, region: str) -> int:
        return self.regions.index(region)

    def value(self, attribute: str, region: str) -> float:
        """One base-year number, e.g. ``baseline.value("rd_intensity", "CN-LN")``."""
        return float(getattr(self, attribute)[self.index(region)])

    def to_frame(self) -> pd.DataFrame:
        """The calibrated starting values as a tidy table with their provenance."""
        units = {
            "rd_expenditure": "CNY 100 million",
            "rd_intensity": "percent",
            "gdp": "CNY 100 million",
            "gdp_growth": "1/yr",
            "fte": "person-years",
            "fte_growth": "1/yr",
            "rd_per_fte_growth": "1/yr",
            "patents_granted": "items",
            "tech_contract_value": "CNY 100 million",
            "intensity_trend": "percentage points per year",
        }
        rows = [
            {
                "region": region,
                "year": self.base_year,
                "variable": name,
                "value": float(getattr(self, name)[i]),
                "unit": unit,
                "provenance": self.provenance.get(name, ""),
                "derived": "[derived]" in self.provenance.get(name, ""),
            }
            for name, unit in units.items()
            for i, region in enumerate(self.regions)
        ]
        return pd.DataFrame(rows)


def _check_columns(panel: pd.DataFrame) -> None:
    missing = [c for c in PANEL_COLUMNS if c not in panel.columns]
    if missing:
        raise CalibrationError(f"the panel lacks the columns {missing}")


def _best_rows(panel: pd.DataFrame) -> pd.DataFrame:
    """One row per (region, indicator, year): the best grade, and read before derived."""
    ranked = panel.assign(
        _grade=panel["grade"].map(_GRADE_ORDER).fillna(9) if "grade" in panel else 9,
        _derived=panel["derived"].fillna(False).astype(bool) if "derived" in panel else False,
    )
    ranked = ranked.dropna(subset=["value", "year"])
    ranked = ranked.sort_values(["_derived", "_grade"], kind="stable")
    return ranked.drop_duplicates(["region", "indicator", "year"], keep="first")


def _table(rows: pd.DataFrame, indicator: str, years, regions=MODEL_REGIONS) -> np.ndarray:
    """Values of ``indicator`` as an array (len(years), len(regions)); names any gap."""
    sub = rows[rows["indicator"] == indicator]
    wide = sub.pivot(index="year", columns="region", values="value")
    wide.index = wide.index.astype(int)
    wide = wide.reindex(index=list(years), columns=list(regions))
    if wide.isna().any().any():
        gaps = [
            f"{region} {year}"
            for region in wide.columns
            for year in wide.index[wide[region].isna()]
        ]
        shown = ", ".join(gaps[:8]) + (" …" if len(gaps) > 8 else "")
        raise CalibrationError(f"the panel has no {indicator!r} for {shown}")
    return wide.to_numpy(dtype=float)


def _cagr(start, end, years: int) -> np.ndarray:
    return (np.asarray(end) / np.asarray(start)) ** (1.0 / years) - 1.0


def calibrate(
    panel: pd.DataFrame,
    base_year: int = 2023,
    *,
    parameters: ParameterSet | None = None,
) -> Baseline:
    """Build the model's starting state from the data panel.

    Parameters
    ----------
    panel : DataFrame
        Tidy panel with columns ``region, region_en, region_zh, year, indicator, value, unit``
        (and optionally ``grade``, ``derived``), as returned by ``helpers.data.load_panel()``.
        Where a (region, indicator, year) appears twice, the best grade wins, and read values win
        over derived ones.
    base_year : int
        Last observed year; the projection starts here.
    parameters : ParameterSet, optional
        Supplies the calibration windows and the end year; defaults to ``load_parameters()``.

    Returns
    -------
    Baseline

    Raises
    ------
    CalibrationError
        If a needed number is missing; the message names the region, indicator and years.

    Notes
    -----
    Derived quantities (window lengths from ``parameters.yaml``)::

        Y_b       = R_b / s_b × 100                      implied GDP
        g_Y       = (Y_b / Y_{b-n})^(1/n) − 1            n = gdp_growth_years
        g_H       = (H_b / H_{b-m})^(1/m) − 1            m = fte_growth_years
        g_w       = (w_b / w_{b-m})^(1/m) − 1            w = R / H, R&D spending per FTE
        slope_s   = OLS slope of s_t, t = b−k … b        k = benchmark_trend_years
    """
    parameters = parameters or load_parameters()
    settings = parameters.calibration
    _check_columns(panel)
    rows = _best_rows(panel)

    n_gdp = settings.gdp_growth_years
    n_fte = settings.fte_growth_years
    n_trend = settings.benchmark_trend_years
    start = settings.rd_history_start
    if base_year - start < max(n_gdp, n_trend, 3):
        raise CalibrationError(f"base year {base_year} leaves too little history after {start}")

    rd_years = np.arange(start, base_year + 1)
    rd_history = _table(rows, "rd_expenditure", rd_years)
    intensity_years = np.arange(base_year - max(n_gdp, n_trend), base_year + 1)
    intensity = _table(rows, "rd_intensity", intensity_years)
    rd_for_gdp = rd_history[-len(intensity_years) :]
    implied_gdp = rd_for_gdp / intensity * 100.0

    fte_years = np.arange(min(start, base_year - n_fte), base_year + 1)
    fte_history = _table(rows, "rd_personnel_fte_total", fte_years)

    patents = _table(rows, "patents_granted_invention", [base_year])[0]
    contracts = _table(rows, "tech_market_outflow_value", [base_year])[0] / 1e4

    trend_years = intensity_years[-(n_trend + 1) :]
    trend_values = intensity[-(n_trend + 1) :]
    slope = np.polyfit(trend_years - trend_years.mean(), trend_values, 1)[0]

    provinces = rows[rows["region"].str.startswith("CN-") & (rows["indicator"] == "rd_intensity")]
    if provinces.empty:
        raise CalibrationError("the panel has no provincial 'rd_intensity'")
    top = provinces.loc[provinces["value"].idxmax()]
    max_intensity = (float(top["value"]), str(top["region"]), int(top["year"]))

    names = rows.drop_duplicates("region").set_index("region")[["region_en", "region_zh"]]
    names_en, names_zh = {}, {}
    for region in (*OUTPUT_REGIONS, top["region"]):  # the top province is named in a warning
        if region in names.index:
            names_en[region] = str(names.at[region, "region_en"])
            names_zh[region] = str(names.at[region, "region_zh"])
        else:
            names_en[region], names_zh[region] = _FALLBACK_NAMES.get(region, (region, region))

    b = base_year
    provenance = {
        "rd_expenditure": f"[read] panel rd_expenditure, {b}",
        "rd_intensity": f"[read] panel rd_intensity, {b}",
        "gdp": f"[derived] implied GDP = rd_expenditure ÷ rd_intensity × 100, {b}",
        "gdp_growth": f"[derived] CAGR of implied GDP, {b - n_gdp}–{b}",
        "rd_history": f"[read] panel rd_expenditure, {start}–{b}",
        "fte": f"[read] panel rd_personnel_fte_total, {b}",
        "fte_growth": f"[derived] CAGR of rd_personnel_fte_total, {b - n_fte}–{b}",
        "rd_per_fte_growth": (
            f"[derived] CAGR of rd_expenditure ÷ rd_personnel_fte_total, {b - n_fte}–{b}"
        ),
        "fte_history": f"[read] panel rd_personnel_fte_total, {fte_years[0]}–{b}",
        "patents_granted": f"[read] panel patents_granted_invention, {b}",
        "tech_contract_value": f"[read] panel tech_market_outflow_value ÷ 10⁴, {b}",
        "intensity_trend": f"[derived] OLS slope of rd_intensity, {trend_years[0]}–{b}",
        "max_intensity": "[read] highest provincial rd_intensity in the panel",
    }
    return Baseline(
        base_year=base_year,
        end_year=parameters.horizon.end_year,
        regions=MODEL_REGIONS,
        names_en=names_en,
        names_zh=names_zh,
        rd_expenditure=rd_history[-1].copy(),
        rd_intensity=intensity[-1].copy(),
        gdp=implied_gdp[-1].copy(),
        gdp_growth=_cagr(implied_gdp[-(n_gdp + 1)], implied_gdp[-1], n_gdp),
        rd_history_years=rd_years,
        rd_history=rd_history,
        fte=fte_history[-1].copy(),
        fte_growth=_cagr(fte_history[-(n_fte + 1)], fte_history[-1], n_fte),
        rd_per_fte_growth=_cagr(
            rd_history[-(n_fte + 1)] / fte_history[-(n_fte + 1)],
            rd_history[-1] / fte_history[-1],
            n_fte,
        ),
        fte_history_years=fte_years,
        fte_history=fte_history,
        patents_granted=patents,
        tech_contract_value=contracts,
        intensity_trend=slope,
        max_intensity=max_intensity,
        provenance=provenance,
    )
