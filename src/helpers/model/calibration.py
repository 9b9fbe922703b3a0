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
    (亿元) unless stated; people are person-years (full-time equivalent). Every trend is a mean
    annual change over the calibration window (``trend_years`` years up to the base year, shorter
    where the data start later), leaving out the change into a documented break.

    Attributes
    ----------
    base_year, end_year : int
        First and last year of the projection.
    regions : tuple of str
        ISO codes of the modelled regions (Liaoning, Jilin, Heilongjiang, Jiangsu, national).
    names_en, names_zh : dict
        Display names for every output region, including the ``NE3`` aggregate.
    rd_expenditure, rd_intensity : ndarray
        R&D spending and intensity (percent) in the base year [read: communiqué].
    gdp : ndarray
        GDP implied by the communiqué, ``rd_expenditure / rd_intensity * 100`` [derived].
    gdp_growth : ndarray
        Nominal growth of implied GDP a year over the window, breaks left out [derived].
    intensity_trend : ndarray
        Mean yearly change of R&D intensity over the window, percentage points [derived]; the
        benchmarks (Jiangsu, the nation) follow it.
    rd_history_years, rd_history : ndarray
        R&D spending from ``rd_history_start`` to the base year, shape (years, regions) [read];
        the perpetual inventory starts from it.
    fte, fte_history_years, fte_history : ndarray
        R&D personnel FTE in the base year and its history [read].
    fte_growth : ndarray
        Growth of FTE a year over the window [derived]; shown for comparison.
    rd_per_fte : ndarray
        R&D spending per FTE in the base year, CNY 10k per person-year [derived].
    rd_per_fte_growth : float
        Mean yearly log change of national R&D spending per FTE over the window [derived].
    patents_granted, patents_history : ndarray
        Domestic invention patents granted in the base year and their history (items) [read].
    patent_growth : float
        Mean yearly log change of national invention patents granted over the window [derived];
        with the input growth it gives the national drift of the patent equation.
    tech_contract_value : ndarray
        Technology-contract turnover, seller side, CNY 100 million (panel: CNY 10k ÷ 10⁴) [read].
    public_share : ndarray
        Share of R&D financed by government funds in the base year [derived]: stands for the share
        of R&D done by universities and research institutes, on which conversion acts.
    trend_start : int
        First year of the calibration window.
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
    intensity_trend: np.ndarray
    rd_history_years: np.ndarray
    rd_history: np.ndarray
    fte: np.ndarray
    fte_history_years: np.ndarray
    fte_history: np.ndarray
    fte_growth: np.ndarray
    rd_per_fte: np.ndarray
    rd_per_fte_growth: float
    patents_granted: np.ndarray
    patents_history: np.ndarray
    patent_growth: float
    tech_contract_value: np.ndarray
    public_share: np.ndarray
    trend_start: int
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
            "intensity_trend": "percentage points per year",
            "fte": "person-years",
            "fte_growth": "1/yr",
            "rd_per_fte": "CNY 10k per person-year",
            "patents_granted": "items",
            "tech_contract_value": "CNY 100 million",
            "public_share": "share",
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


def _window_changes(
    values: np.ndarray, years: np.ndarray, regions, first: int, settings, *, log: bool
) -> np.ndarray:
    """Mean yearly change of ``values`` (years, regions) over ``first``…last year, per region.

    Changes into a documented break year of that region are left out; ``log`` takes log changes.
    """
    x = np.log(values) if log else values
    steps = np.diff(x, axis=0)  # change into years[1:]
    into = years[1:]
    keep = into > first
    out = np.empty(steps.shape[1])
    for j, region in enumerate(regions):
        mask = keep & np.array([not settings.skips(region, int(y)) for y in into])
        if not mask.any():
            raise CalibrationError(f"no year left for the trend of {region} after {first}")
        out[j] = steps[mask, j].mean()
    return out


def calibrate(
    panel: pd.DataFrame,
    base_year: int = 2023,
    *,
    parameters: ParameterSet | None = None,
) -> Baseline:
    """Build the model's starting state from the data panel, using no year after ``base_year``.

    Parameters
    ----------
    panel : DataFrame
        Tidy panel with columns ``region, region_en, region_zh, year, indicator, value, unit``
        (and optionally ``grade``, ``derived``), as returned by ``helpers.data.load_panel()``.
        Where a (region, indicator, year) appears twice, the best grade wins, and read values win
        over derived ones. Rows after ``base_year`` are ignored, so a backtest can calibrate at
        any origin.
    base_year : int
        Last observed year; the projection starts here.
    parameters : ParameterSet, optional
        Supplies the calibration window, the documented breaks and the end year; defaults to
        ``load_parameters()``.

    Returns
    -------
    Baseline

    Raises
    ------
    CalibrationError
        If a needed number is missing; the message names the region, indicator and years.

    Notes
    -----
    Derived quantities (window of ``trend_years`` up to b, from ``rd_history_start`` at the
    earliest; changes into a documented break are left out)::

        Y_b        = R_b / s_b × 100                    implied GDP
        g_Y        = exp(mean Δln Y) − 1                 nominal GDP growth
        slope_s    = mean Δs                             intensity trend (pp a year)
        g_w        = mean Δln(R_CN / H_CN)               national trend of spending per FTE
        g_P        = mean Δln P_CN                       national trend of invention patents
    """
    parameters = parameters or load_parameters()
    settings = parameters.calibration
    _check_columns(panel)
    rows = _best_rows(panel)
    rows = rows[rows["year"] <= base_year]

    start = settings.rd_history_start
    first = max(base_year - settings.trend_years, start)
    if base_year - start < 3:
        raise CalibrationError(f"base year {base_year} leaves too little history after {start}")

    hist_years = np.arange(start, base_year + 1)
    rd_history = _rd_table(rows, hist_years)
    intensity_years = np.arange(max(first, _first_year(rows, "rd_intensity")), base_year + 1)
    intensity = _table(rows, "rd_intensity", intensity_years)
    implied_gdp = rd_history[-len(intensity_years) :] / intensity * 100.0
    fte_history = _table(rows, "rd_personnel_fte_total", hist_years)
    patents_history = _table(rows, "patents_granted_invention", hist_years)
    contracts = _table(rows, "tech_market_outflow_value", [base_year])[0] / 1e4
    public = _table(rows, "rd_expenditure_government_funds", [base_year])[0]
    public_total = _table(rows, "rd_expenditure_total", [base_year])[0]

    regions = MODEL_REGIONS
    cn = regions.index("CN")
    g_first = intensity_years[0]
    gdp_growth = np.expm1(
        _window_changes(implied_gdp, intensity_years, regions, g_first, settings, log=True)
    )
    intensity_trend = _window_changes(
        intensity, intensity_years, regions, g_first, settings, log=False
    )
    per_fte = rd_history / fte_history * 1e4
    per_fte_growth = float(
        _window_changes(per_fte[:, cn : cn + 1], hist_years, ("CN",), first, settings, log=True)[0]
    )
    patent_growth = float(
        _window_changes(
            patents_history[:, cn : cn + 1], hist_years, ("CN",), first, settings, log=True
        )[0]
    )
    n_fte = base_year - first
    fte_growth = (fte_history[-1] / fte_history[-1 - n_fte]) ** (1.0 / n_fte) - 1.0

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
    skipped = ", ".join(f"{x.region} {x.year}" for x in settings.breaks if first < x.year <= b)
    left_out = f"; changes into {skipped} left out" if skipped else ""
    window = f"{first}–{b}"
    provenance = {
        "rd_expenditure": f"[read] panel rd_expenditure, {b}",
        "rd_intensity": f"[read] panel rd_intensity, {b}",
        "gdp": f"[derived] implied GDP = rd_expenditure ÷ rd_intensity × 100, {b}",
        "gdp_growth": f"[derived] mean growth of implied GDP, {g_first}–{b}{left_out}",
        "intensity_trend": f"[derived] mean yearly change of rd_intensity, {g_first}–{b}{left_out}",
        "rd_history": f"[read] panel rd_expenditure, {start}–{b} ({start}: rd_expenditure_total)",
        "fte": f"[read] panel rd_personnel_fte_total, {b}",
        "fte_growth": f"[derived] growth of rd_personnel_fte_total a year, {window}",
        "rd_per_fte": f"[derived] rd_expenditure ÷ rd_personnel_fte_total, {b}",
        "fte_history": f"[read] panel rd_personnel_fte_total, {start}–{b}",
        "patents_granted": f"[read] panel patents_granted_invention, {b}",
        "tech_contract_value": f"[read] panel tech_market_outflow_value ÷ 10⁴, {b}",
        "public_share": (
            f"[derived] rd_expenditure_government_funds ÷ rd_expenditure_total, {b}: stands for "
            "the share of R&D done by universities and research institutes"
        ),
        "max_intensity": "[read] highest provincial rd_intensity in the panel",
    }
    return Baseline(
        base_year=base_year,
        end_year=parameters.horizon.end_year,
        regions=regions,
        names_en=names_en,
        names_zh=names_zh,
        rd_expenditure=rd_history[-1].copy(),
        rd_intensity=intensity[-1].copy(),
        gdp=implied_gdp[-1].copy(),
        gdp_growth=gdp_growth,
        intensity_trend=intensity_trend,
        rd_history_years=hist_years,
        rd_history=rd_history,
        fte=fte_history[-1].copy(),
        fte_history_years=hist_years.copy(),
        fte_history=fte_history,
        fte_growth=fte_growth,
        rd_per_fte=per_fte[-1].copy(),
        rd_per_fte_growth=per_fte_growth,
        patents_granted=patents_history[-1].copy(),
        patents_history=patents_history,
        patent_growth=patent_growth,
        tech_contract_value=contracts,
        public_share=public / public_total,
        trend_start=int(first),
        max_intensity=max_intensity,
        provenance=provenance,
    )


def _first_year(rows: pd.DataFrame, indicator: str) -> int:
    years = rows.loc[rows["indicator"] == indicator, "year"]
    if years.empty:
        raise CalibrationError(f"the panel has no {indicator!r}")
    return int(years.min())


def _rd_table(rows: pd.DataFrame, years) -> np.ndarray:
    """R&D spending (CNY 100 million): the communiqué, and the yearbook's intramural total
    (CNY 10k ÷ 10⁴, the same statistic) for years the communiqué does not cover."""
    years = list(years)
    sub = rows[rows["indicator"] == "rd_expenditure"]
    wide = sub.pivot(index="year", columns="region", values="value")
    wide.index = wide.index.astype(int)
    wide = wide.reindex(index=years, columns=list(MODEL_REGIONS))
    if wide.isna().any().any():
        total = rows[rows["indicator"] == "rd_expenditure_total"]
        fill = total.pivot(index="year", columns="region", values="value") / 1e4
        fill.index = fill.index.astype(int)
        wide = wide.fillna(fill.reindex(index=years, columns=list(MODEL_REGIONS)))
    if wide.isna().any().any():
        _table(rows, "rd_expenditure", years)  # raises, naming the gaps
    return wide.to_numpy(dtype=float)
