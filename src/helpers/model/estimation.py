"""Estimate the knowledge production function on the 31-province panel (parameters.md §5).

    ln P_it = a_i + τ_t + β ln K_i,t−ℓ + γ ln H_i,t−ℓ + ε_it

P: domestic invention patents granted; K: R&D capital stock by perpetual inventory (as in the
model); H: R&D personnel FTE. Ordinary least squares with standard errors clustered by province
(31 clusters), in two specifications: province and year fixed effects (identification from
changes within a province), and year fixed effects only (mostly differences between provinces).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .calibration import _best_rows
from .core import _capital_stock


@dataclass(frozen=True)
class KnowledgeProductionEstimate:
    """Estimates of β (R&D stock) and γ (personnel) with 95% confidence intervals."""

    specification: str
    beta: float
    gamma: float
    se_beta: float
    se_gamma: float
    ci_beta: tuple[float, float]
    ci_gamma: tuple[float, float]
    n_obs: int
    n_provinces: int
    years: tuple[int, int]
    r2: float

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "specification": self.specification,
                    "parameter": name,
                    "estimate": est,
                    "std_error": se,
                    "ci_low": ci[0],
                    "ci_high": ci[1],
                    "n_obs": self.n_obs,
                    "n_provinces": self.n_provinces,
                }
                for name, est, se, ci in (
                    ("beta", self.beta, self.se_beta, self.ci_beta),
                    ("gamma", self.gamma, self.se_gamma, self.ci_gamma),
                )
            ]
        )


def student_t_quantile(p: float, df: int) -> float:
    """Quantile of Student's t (Cornish–Fisher expansion; error < 1e-4 for df ≥ 10)."""
    # Normal quantile by Acklam's rational approximation (relative error < 1.2e-9).
    a = (
        -3.969683028665376e01,
        2.209460984245205e02,
        -2.759285104469687e02,
        1.383577518672690e02,
        -3.066479806614716e01,
        2.506628277459239e00,
    )
    b = (
        -5.447609879822406e01,
        1.615858368580409e02,
        -1.556989798598866e02,
        6.680131188771972e01,
        -1.328068155288572e01,
    )
    c = (
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e00,
        -2.549732539343734e00,
        4.374664141464968e00,
        2.938163982698783e00,
    )
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
    if p < 0.02425:
        q = math.sqrt(-2 * math.log(p))
        z = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / (
            (((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1
        )
    elif p > 1 - 0.02425:
        return -student_t_quantile(1 - p, df)
    else:
        q = p - 0.5
        r = q * q
        z = (
            (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5])
            * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        )
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    return z + g1 / df + g2 / df**2 + g3 / df**3


def _pim(rd: np.ndarray, depreciation: float, price_inflation: float, floor: float = 0.01):
    """R&D capital stock (first-year prices) by perpetual inventory, as in the model (no lag);
    ``rd`` is (years, provinces)."""
    n = rd.shape[0]
    real = rd / (1 + price_inflation) ** np.arange(n)[:, None]
    growth = np.maximum((real[-1] / real[0]) ** (1 / (n - 1)) - 1, floor)
    return _capital_stock(real[0] / (growth + depreciation), real, 1 - depreciation)


def _demean(x: np.ndarray, province_fe: bool) -> np.ndarray:
    """Remove year means (and province means) from a balanced (years, provinces, k) array."""
    out = x - x.mean(axis=1, keepdims=True)
    if province_fe:
        out = out - out.mean(axis=0, keepdims=True)
    return out


def estimate_knowledge_production(
    panel: pd.DataFrame,
    *,
    depreciation: float = 0.15,
    price_inflation: float = 0.03,
    lag: int = 2,
    start: int = 2011,
    end: int = 2023,
) -> list[KnowledgeProductionEstimate]:
    """Estimate β and γ with province-clustered 95% confidence intervals.

    Parameters
    ----------
    panel : DataFrame
        The tidy data panel (``helpers.data.load_panel()``); uses ``rd_expenditure``,
        ``rd_personnel_fte_total`` and ``patents_granted_invention`` for the 31 provinces.
    depreciation, price_inflation : float
        Perpetual-inventory settings (the model's central values by default).
    lag : int
        Years from inputs to granted patents.
    start, end : int
        Years of R&D data used; the regression covers ``start + lag`` … ``end``.

    Returns
    -------
    list of KnowledgeProductionEstimate
        Two specifications: ``"province and year fixed effects"`` and ``"year fixed effects"``.

    Notes
    -----
    Standard errors are cluster-robust by province with the small-sample factor
    G/(G−1) · (N−1)/(N−k); intervals use Student's t with G−1 degrees of freedom.
    """
    rows = _best_rows(panel)
    rows = rows[rows["region"].str.match(r"^CN-[A-Z]{2}$") & rows["year"].between(start, end)]

    def wide(indicator):
        table = rows[rows["indicator"] == indicator].pivot(
            index="year", columns="region", values="value"
        )
        return table.reindex(range(start, end + 1))

    rd, fte, patents = (
        wide(i) for i in ("rd_expenditure", "rd_personnel_fte_total", "patents_granted_invention")
    )
    provinces = sorted(set(rd.columns) & set(fte.columns) & set(patents.columns))
    rd, fte, patents = (t[provinces] for t in (rd, fte, patents))
    complete = [
        p
        for p in provinces
        if rd[p].notna().all()
        and fte[p].notna().all()
        and patents[p].notna().all()
        and (patents[p] > 0).all()
    ]
    stock = _pim(rd[complete].to_numpy(float), depreciation, price_inflation)
    ln_k = np.log(stock[: len(stock) - lag])
    ln_h = np.log(fte[complete].to_numpy(float)[: len(stock) - lag])
    ln_p = np.log(patents[complete].to_numpy(float)[lag:])
    data = np.stack([ln_p, ln_k, ln_h], axis=-1)  # (years, provinces, 3)

    results = []
    for label, province_fe in (
        ("province and year fixed effects", True),
        ("year fixed effects", False),
    ):
        z = _demean(data, province_fe)
        y = z[..., 0].reshape(-1)
        x = z[..., 1:].reshape(-1, 2)
        xtx_inv = np.linalg.inv(x.T @ x)
        coef = xtx_inv @ x.T @ y
        resid = y - x @ coef
        n_obs, n_groups = y.size, len(complete)
        groups = np.tile(np.arange(n_groups), z.shape[0])
        meat = np.zeros((2, 2))
        for g in range(n_groups):
            score = x[groups == g].T @ resid[groups == g]
            meat += np.outer(score, score)
        scale = n_groups / (n_groups - 1) * (n_obs - 1) / (n_obs - 2)
        cov = scale * xtx_inv @ meat @ xtx_inv
        se = np.sqrt(np.diag(cov))
        t = student_t_quantile(0.975, n_groups - 1)
        r2 = 1 - (resid @ resid) / (y @ y)
        results.append(
            KnowledgeProductionEstimate(
                specification=label,
                beta=float(coef[0]),
                gamma=float(coef[1]),
                se_beta=float(se[0]),
                se_gamma=float(se[1]),
                ci_beta=(float(coef[0] - t * se[0]), float(coef[0] + t * se[0])),
                ci_gamma=(float(coef[1] - t * se[1]), float(coef[1] + t * se[1])),
                n_obs=int(n_obs),
                n_provinces=int(n_groups),
                years=(start + lag, end),
                r2=float(r2),
            )
        )
    return results


@dataclass(frozen=True)
class SlopeEstimate:
    """One slope from a panel regression with a province-clustered 95% confidence interval."""

    parameter: str
    estimate: float
    std_error: float
    ci: tuple[float, float]
    n_obs: int
    n_provinces: int
    years: tuple[int, int]
    specification: str

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "specification": self.specification,
                    "parameter": self.parameter,
                    "estimate": self.estimate,
                    "std_error": self.std_error,
                    "ci_low": self.ci[0],
                    "ci_high": self.ci[1],
                    "n_obs": self.n_obs,
                    "n_provinces": self.n_provinces,
                }
            ]
        )


def _province_table(panel: pd.DataFrame, indicator: str, start: int, end: int) -> pd.DataFrame:
    rows = _best_rows(panel)
    rows = rows[rows["region"].str.match(r"^CN-[A-Z]{2}$") & rows["year"].between(start, end)]
    table = rows[rows["indicator"] == indicator].pivot(
        index="year", columns="region", values="value"
    )
    table.index = table.index.astype(int)
    return table.reindex(range(start, end + 1))


def _clustered_slope(y: np.ndarray, x: np.ndarray, groups: np.ndarray) -> tuple[float, float]:
    """OLS slope of demeaned ``y`` on demeaned ``x`` with a cluster-robust standard error."""
    slope = float(x @ y / (x @ x))
    resid = y - slope * x
    ids = np.unique(groups)
    meat = sum(float(x[groups == g] @ resid[groups == g]) ** 2 for g in ids)
    n, g = len(y), len(ids)
    scale = g / (g - 1) * (n - 1) / (n - 1 - 1)
    return slope, math.sqrt(scale * meat) / float(x @ x)


def estimate_hiring_elasticity(
    panel: pd.DataFrame, *, start: int = 2011, end: int = 2023
) -> SlopeEstimate:
    """Elasticity ε of R&D personnel to R&D spending within provinces.

    Yearly change of ln FTE on the yearly change of ln R&D spending, with province and year fixed
    effects (both variables demeaned by province and by year), 31 provinces, standard error
    clustered by province.
    """
    spending = _province_table(panel, "rd_expenditure", start, end)
    people = _province_table(panel, "rd_personnel_fte_total", start, end)
    provinces = sorted(c for c in spending.columns if c in people.columns)
    d_r = np.log(spending[provinces]).diff().iloc[1:]
    d_h = np.log(people[provinces]).diff().iloc[1:]
    ok = d_r.notna().all() & d_h.notna().all()
    d_r, d_h = d_r.loc[:, ok], d_h.loc[:, ok]
    x = _demean(d_r.to_numpy()[..., None], True)[..., 0]
    y = _demean(d_h.to_numpy()[..., None], True)[..., 0]
    groups = np.tile(np.arange(x.shape[1]), x.shape[0])
    slope, se = _clustered_slope(y.reshape(-1), x.reshape(-1), groups)
    t = student_t_quantile(0.975, x.shape[1] - 1)
    return SlopeEstimate(
        "hiring_elasticity",
        slope,
        se,
        (slope - t * se, slope + t * se),
        int(x.size),
        int(x.shape[1]),
        (start + 1, end),
        "yearly changes, province and year fixed effects",
    )


#: The 4th economic census revised every province's GDP in 2019.
CENSUS_REVISION_YEARS = (2019,)


def estimate_national_pull(
    panel: pd.DataFrame, *, start: int = 2011, end: int = 2023, breaks=()
) -> SlopeEstimate:
    """How far a province's R&D follows national rather than its own GDP, ν.

    Yearly change of a province's share of national R&D spending on the yearly change of its share
    of national GDP (implied GDP), province fixed effects, 31 provinces; the slope is 1 − ν. The
    changes into the census revision year and into documented ``breaks`` ((region, year) pairs)
    are left out, since there GDP moved by its revision, not by growth.
    """
    spending = _province_table(panel, "rd_expenditure", start, end)
    gdp = _province_table(panel, "gdp_implied", start, end)
    rows = _best_rows(panel)
    national = {}
    for indicator in ("rd_expenditure", "gdp_implied"):
        sub = rows[(rows["region"] == "CN") & (rows["indicator"] == indicator)]
        national[indicator] = sub.set_index(sub["year"].astype(int))["value"].reindex(
            range(start, end + 1)
        )
    provinces = sorted(c for c in spending.columns if c in gdp.columns)
    d_r = np.log(spending[provinces].div(national["rd_expenditure"], axis=0)).diff().iloc[1:]
    d_y = np.log(gdp[provinces].div(national["gdp_implied"], axis=0)).diff().iloc[1:]
    skip = {(r, y) for r, y in breaks} | {(r, y) for r in provinces for y in CENSUS_REVISION_YEARS}
    mask = np.array([[(r, int(y)) not in skip for r in provinces] for y in d_r.index])
    mask &= d_r.notna().to_numpy() & d_y.notna().to_numpy()
    y_all, x_all = d_r.to_numpy(), d_y.to_numpy()
    groups = np.tile(np.arange(len(provinces)), (len(d_r), 1))
    ys, xs, gs = [], [], []
    for j in range(len(provinces)):  # province fixed effects: demean within province
        keep = mask[:, j]
        if keep.sum() < 2:
            continue
        ys.append(y_all[keep, j] - y_all[keep, j].mean())
        xs.append(x_all[keep, j] - x_all[keep, j].mean())
        gs.append(groups[keep, j])
    y, x, g = np.concatenate(ys), np.concatenate(xs), np.concatenate(gs)
    slope, se = _clustered_slope(y, x, g)
    t = student_t_quantile(0.975, len(ys) - 1)
    pull = 1 - slope
    return SlopeEstimate(
        "national_pull",
        pull,
        se,
        (pull - t * se, pull + t * se),
        len(y),
        len(ys),
        (start + 1, end),
        "yearly changes of the shares of national R&D and GDP, province fixed effects, "
        "census-revision and documented break years left out",
    )


def estimate_patent_drift(
    panel: pd.DataFrame,
    *,
    beta: float,
    gamma: float,
    first: int,
    last: int,
    depreciation: float = 0.15,
    price_inflation: float = 0.03,
    lag: int = 2,
    start: int = 2010,
) -> SlopeEstimate:
    """The national drift τ of the patent equation, with a 95% interval.

    Each year's national growth of invention patents granted, less β times the growth of the
    R&D stock and γ times the growth of R&D personnel ``lag`` years earlier, over the years
    ``first`` + 1 … ``last``; τ is their mean (as the model's calibration takes it) and the interval
    comes from their spread (Student's t with n − 1 degrees of freedom).
    """
    rows = _best_rows(panel)
    rows = rows[rows["region"] == "CN"]

    def series(indicator: str, scale: float = 1.0) -> pd.Series:
        sub = rows[rows["indicator"] == indicator]
        return (sub.set_index(sub["year"].astype(int))["value"] * scale).sort_index()

    rd = series("rd_expenditure").combine_first(series("rd_expenditure_total", 1e-4))
    rd = rd.loc[start:last]
    stock = pd.Series(
        _pim(rd.to_numpy(float)[:, None], depreciation, price_inflation)[:, 0], index=rd.index
    )
    fte = series("rd_personnel_fte_total")
    patents = series("patents_granted_invention")
    years = [y for y in range(first + 1, last + 1) if y - lag - 1 >= start]
    growth = np.array(
        [
            np.log(patents[y] / patents[y - 1])
            - beta * np.log(stock[y - lag] / stock[y - lag - 1])
            - gamma * np.log(fte[y - lag] / fte[y - lag - 1])
            for y in years
        ]
    )
    tau = float(growth.mean())
    se = float(growth.std(ddof=1) / math.sqrt(len(growth)))
    t = (
        student_t_quantile(0.975, len(growth) - 1)
        if len(growth) > 10
        else _t_small(len(growth) - 1)
    )
    return SlopeEstimate(
        "patent_drift",
        tau,
        se,
        (tau - t * se, tau + t * se),
        len(growth),
        1,
        (years[0], years[-1]),
        "national yearly growth of invention patents not explained by the R&D stock and personnel",
    )


#: Student's t 97.5% quantiles for few degrees of freedom (the Cornish–Fisher expansion of
#: :func:`student_t_quantile` is meant for 10 or more).
_T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}


def _t_small(df: int) -> float:
    return _T975.get(df, student_t_quantile(0.975, df))
