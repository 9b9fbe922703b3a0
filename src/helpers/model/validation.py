"""The model's track record and evidence, as tables for the model-check page.

Every number here comes from the backtest files (``data/model/``, written by
``python -m helpers.model.backtest``), from the estimators in :mod:`helpers.model.estimation`
run on the data panel, or from ``parameters.yaml``. Nothing is typed in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .backtest import METHODS, ORIGINS, SERIES, TARGET_SERIES, read_backtest
from .estimation import (
    estimate_hiring_elasticity,
    estimate_knowledge_production,
    estimate_national_pull,
    estimate_patent_drift,
)
from .parameters import NE_PROVINCES, ParameterSet

COMPARATORS = tuple(m for m in METHODS if m != "model")
#: Origin whose 45 headline values the issue's first test reads.
HEADLINE_ORIGIN = 2018


@dataclass(frozen=True)
class TrackRecord:
    """The backtest, read back: MAPE by origin and method, and band coverage.

    ``by_origin`` has one row per origin plus ``mean`` (the mean over origins) and ``pooled``
    (all projections at once), columns :data:`METHODS`; values are percent.
    """

    by_origin: pd.DataFrame
    by_horizon: pd.DataFrame
    coverage: float
    coverage_loo: float
    n_values: int
    headline_n: int
    forecasts: pd.DataFrame
    sensitivity: pd.DataFrame

    def headline(self) -> dict[str, float]:
        """MAPE of the headline origin's 45 values by method."""
        return {m: float(self.by_origin.loc[str(HEADLINE_ORIGIN), m]) for m in METHODS}

    def best_comparator_mean(self) -> tuple[str, float]:
        """The naive comparator with the lowest mean over origins, and that mean."""
        means = self.by_origin.loc["mean", list(COMPARATORS)]
        return str(means.idxmin()), float(means.min())


def _pick(summary: pd.DataFrame, **where) -> pd.DataFrame:
    mask = np.logical_and.reduce([summary[k] == v for k, v in where.items()])
    return summary[mask]


def track_record(tables: dict[str, pd.DataFrame] | None = None) -> TrackRecord:
    """Read the backtest tables (default: ``data/model/``) into a :class:`TrackRecord`."""
    tables = tables or read_backtest()
    summary = tables["summary"].astype({"origin": str, "horizon": str})
    target = _pick(summary, series="target", region="provinces")
    mape = _pick(target, measure="mape", horizon="all")
    by_origin = mape.pivot(index="origin", columns="method", values="value")[list(METHODS)]
    origins = [str(o) for o in ORIGINS]
    table = by_origin.loc[origins].copy()
    table.loc["mean"] = table.mean()
    table.loc["pooled"] = by_origin.loc["all"]
    horizon = target[target["origin"] == "all"]
    horizon = horizon[horizon["horizon"] != "all"]
    wide = horizon.pivot_table(index="horizon", columns=["measure", "method"], values="value")
    counts = horizon.groupby("horizon")["n"].first()
    rows = pd.DataFrame(
        {
            **{m: wide[("mape", m)] for m in METHODS},
            "bias": wide[("bias", "model")],
            "coverage": wide[("coverage", "model")],
            "coverage_loo": wide[("coverage_loo", "model")],
            "n": counts,
        }
    )
    rows.index = rows.index.astype(int)
    rows = rows.sort_index()

    def one(measure: str) -> float:
        return float(_pick(target, measure=measure, origin="all", horizon="all")["value"].item())

    pooled_n = int(
        _pick(target, measure="mape", origin="all", horizon="all", method="model")["n"].item()
    )
    head_n = int(
        _pick(target, measure="mape", origin=str(HEADLINE_ORIGIN), horizon="all", method="model")[
            "n"
        ].item()
    )
    return TrackRecord(
        by_origin=table,
        by_horizon=rows,
        coverage=one("coverage"),
        coverage_loo=one("coverage_loo"),
        n_values=pooled_n,
        headline_n=head_n,
        forecasts=tables["forecasts"],
        sensitivity=tables["sensitivity"],
    )


def projection_rows(
    record: TrackRecord, panel: pd.DataFrame, series: str, region: str
) -> pd.DataFrame:
    """Rows for the backtest chart of one series and province.

    Columns ``kind`` (actual or projection), ``origin`` (the projection's origin; the actual
    rows carry 0), ``year``, ``value``, ``p10``, ``p90``, ``crosses_break``. The projection of each
    origin starts at the origin's actual value.
    """
    if series not in SERIES:
        raise KeyError(f"unknown series {series!r}; known: {', '.join(SERIES)}")
    if region not in NE_PROVINCES:
        raise KeyError(f"unknown province {region!r}")
    f = record.forecasts
    f = f[(f["series"] == series) & (f["region"] == region)]
    indicator = SERIES[series][1]
    from .calibration import _best_rows

    rows = _best_rows(panel)
    actual = rows[(rows["indicator"] == indicator) & (rows["region"] == region)]
    if series == "rd_expenditure":  # 2010 from the yearbook's intramural total
        extra = rows[(rows["indicator"] == "rd_expenditure_total") & (rows["region"] == region)]
        extra = extra[~extra["year"].isin(actual["year"])].assign(value=lambda d: d["value"] / 1e4)
        actual = pd.concat([actual, extra])
    actual = actual[actual["year"] <= max(f["year"].max(), ORIGINS[-1])].sort_values("year")
    out = [
        pd.DataFrame(
            {
                "kind": "actual",
                "origin": 0,
                "year": actual["year"].astype(int).to_numpy(),
                "value": actual["value"].to_numpy(float),
                "p10": np.nan,
                "p90": np.nan,
                "crosses_break": False,
            }
        )
    ]
    start = actual.set_index(actual["year"].astype(int))["value"]
    for origin, part in f.groupby("origin"):
        if origin not in start.index:
            continue
        first = pd.DataFrame(
            {
                "kind": ["projection"],
                "origin": [int(origin)],
                "year": [int(origin)],
                "value": [float(start[origin])],
                "p10": [float(start[origin])],
                "p90": [float(start[origin])],
                "crosses_break": [False],
            }
        )
        later = pd.DataFrame(
            {
                "kind": "projection",
                "origin": int(origin),
                "year": part["year"].astype(int).to_numpy(),
                "value": part["model"].to_numpy(float),
                "p10": part["p10"].to_numpy(float),
                "p90": part["p90"].to_numpy(float),
                "crosses_break": part["crosses_break"].astype(bool).to_numpy(),
            }
        )
        out += [first, later]
    return pd.concat(out, ignore_index=True)


def estimates(panel: pd.DataFrame, parameters: ParameterSet, base_year: int = 2023) -> pd.DataFrame:
    """The estimated parameters beside their defaults (the patent drift over the calibration
    window up to ``base_year``, as the model sets it).

    Columns ``parameter``, ``default``, ``estimate``, ``ci_low``, ``ci_high``, ``n_obs``,
    ``n_provinces``, ``first_year``, ``last_year``, ``specification``, ``grade``.
    """
    breaks = [(b.region, b.year) for b in parameters.calibration.breaks]
    kpf = next(
        e
        for e in estimate_knowledge_production(panel)
        if e.specification == "province and year fixed effects"
    )
    hiring = estimate_hiring_elasticity(panel)
    pull = estimate_national_pull(panel, breaks=breaks)
    drift = estimate_patent_drift(
        panel,
        beta=float(parameters["patent_elasticity_rd_stock"].default),
        gamma=float(parameters["patent_elasticity_researchers"].default),
        first=max(
            base_year - parameters.calibration.trend_years, parameters.calibration.rd_history_start
        ),
        last=base_year,
        depreciation=float(parameters["rd_depreciation"].default),
        price_inflation=float(parameters["rd_price_inflation"].default),
        lag=int(parameters["patent_lag"].default),
    )
    rows = [
        (
            "patent_elasticity_rd_stock",
            kpf.beta,
            kpf.ci_beta,
            kpf.n_obs,
            kpf.n_provinces,
            kpf.years,
            kpf.specification,
        ),
        (
            "patent_elasticity_researchers",
            kpf.gamma,
            kpf.ci_gamma,
            kpf.n_obs,
            kpf.n_provinces,
            kpf.years,
            kpf.specification,
        ),
        (
            "hiring_elasticity",
            hiring.estimate,
            hiring.ci,
            hiring.n_obs,
            hiring.n_provinces,
            hiring.years,
            hiring.specification,
        ),
        (
            "national_pull",
            pull.estimate,
            pull.ci,
            pull.n_obs,
            pull.n_provinces,
            pull.years,
            pull.specification,
        ),
        (
            "patent_drift",
            drift.estimate,
            drift.ci,
            drift.n_obs,
            drift.n_provinces,
            drift.years,
            drift.specification,
        ),
    ]
    return pd.DataFrame(
        [
            {
                "parameter": name,
                "default": float(parameters[name].default) if name in parameters.by_name else None,
                "estimate": float(value),
                "ci_low": float(ci[0]),
                "ci_high": float(ci[1]),
                "n_obs": int(n),
                "n_provinces": int(g),
                "first_year": int(years[0]),
                "last_year": int(years[1]),
                "specification": spec,
                "grade": parameters[name].grade if name in parameters.by_name else "derived",
            }
            for name, value, ci, n, g, years, spec in rows
        ]
    )


__all__ = [
    "COMPARATORS",
    "HEADLINE_ORIGIN",
    "TARGET_SERIES",
    "TrackRecord",
    "estimates",
    "projection_rows",
    "track_record",
]
