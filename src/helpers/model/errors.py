"""How far the baseline has missed in the past, as a distribution for the Monte Carlo bands.

The backtest (:mod:`helpers.model.backtest`) projects the no-policy baseline from each origin
2015–2021 with data up to the origin only and compares it with what happened. Its log errors,
``ln(actual / projected)``, are summarised here as a normal distribution whose standard deviation
grows with the horizon h (years after the origin):

    e_h ~ N(0, σ_h²),   σ_h = a · h^b

fitted by maximum likelihood per series (``a`` in closed form for each ``b`` on a grid). In the
Monte Carlo each draw takes one standard-normal z per series, correlated across series as the
backtest's standardised errors are, and the same z at every horizon (an error that has happened
persists): the reported series are multiplied by ``exp(σ_h z)``.

The fitted numbers are data: written to ``data/model/forecast_errors.csv`` by
``python -m helpers.model.backtest`` and read back here.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import DATA_DIR

from .core import ERROR_KEYS

ERRORS_PATH = DATA_DIR / "model" / "forecast_errors.csv"
#: Exponents b tried when fitting σ_h = a h^b.
EXPONENTS = np.round(np.arange(0.0, 1.51, 0.05), 2)
#: Seed offset: error draws come from their own stream, so new assumptions never reshuffle them.
STREAM = 7919
COLUMNS = ("series", "quantity", "other", "value", "n")


class ErrorModelError(ValueError):
    """The forecast-error file is missing or malformed; the message names the file and row."""


@dataclass(frozen=True)
class ErrorModel:
    """σ_h = a h^b per series, and the correlation of the standardised errors.

    Attributes
    ----------
    scale, exponent : dict
        ``a`` and ``b`` for every key of :data:`helpers.model.core.ERROR_KEYS`.
    correlation : ndarray
        Correlation matrix of the standardised errors, keys in :data:`ERROR_KEYS` order.
    counts : dict
        Number of backtest errors behind each fit.
    """

    scale: Mapping[str, float]
    exponent: Mapping[str, float]
    correlation: np.ndarray
    counts: Mapping[str, int]

    def sigma(self, key: str, horizon) -> np.ndarray:
        """σ_h for ``key`` at the horizons given (0 at h = 0)."""
        h = np.asarray(horizon, dtype=float)
        return np.where(
            h > 0, self.scale[key] * np.power(np.maximum(h, 1e-12), self.exponent[key]), 0.0
        )

    def to_frame(self) -> pd.DataFrame:
        """The model as the rows of ``forecast_errors.csv``."""
        rows = []
        for key in ERROR_KEYS:
            rows.append((key, "scale", "", self.scale[key], self.counts[key]))
            rows.append((key, "exponent", "", self.exponent[key], self.counts[key]))
        for i, key in enumerate(ERROR_KEYS):
            for j, other in enumerate(ERROR_KEYS):
                if j > i:
                    rows.append((key, "correlation", other, float(self.correlation[i, j]), 0))
        return pd.DataFrame(rows, columns=list(COLUMNS))


def fit_sigma(log_errors: np.ndarray, horizons: np.ndarray) -> tuple[float, float]:
    """Maximum-likelihood ``(a, b)`` of e_h ~ N(0, (a h^b)²) over the grid :data:`EXPONENTS`."""
    e = np.asarray(log_errors, float)
    h = np.asarray(horizons, float)
    if e.size == 0:
        raise ErrorModelError("no backtest errors to fit")
    best = None
    for b in EXPONENTS:
        scaled = e / h**b
        a2 = float(np.mean(scaled**2))
        if a2 <= 0:
            continue
        # −2 log L up to a constant: Σ ln σ_h² + Σ e²/σ_h² = n ln a² + 2b Σ ln h + n
        nll = e.size * math.log(a2) + 2 * b * float(np.log(h).sum())
        if best is None or nll < best[0] - 1e-12:
            best = (nll, math.sqrt(a2), float(b))
    if best is None:
        return 0.0, 0.0
    return best[1], best[2]


def fit_error_model(errors: pd.DataFrame) -> ErrorModel:
    """Fit σ_h for every key from a table with columns ``key, origin, region, horizon,
    log_error`` (rows to leave out already removed).
    """
    scale, exponent, counts = {}, {}, {}
    standardised = {}
    for key in ERROR_KEYS:
        rows = errors[errors["key"] == key]
        a, b = fit_sigma(rows["log_error"].to_numpy(), rows["horizon"].to_numpy())
        scale[key], exponent[key], counts[key] = round(a, 6), b, len(rows)
        sigma = a * rows["horizon"].to_numpy(float) ** b
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(sigma > 0, rows["log_error"].to_numpy() / sigma, 0.0)
        standardised[key] = pd.Series(
            z, index=pd.MultiIndex.from_frame(rows[["origin", "region", "horizon"]])
        )
    corr = np.eye(len(ERROR_KEYS))
    groups = _groups()
    for i, key in enumerate(ERROR_KEYS):
        for j, other in enumerate(ERROR_KEYS):
            if j <= i or groups[key] != groups[other]:
                continue
            joined = pd.concat([standardised[key], standardised[other]], axis=1, join="inner")
            if len(joined) >= 5:
                value = float(np.corrcoef(joined.iloc[:, 0], joined.iloc[:, 1])[0, 1])
                corr[i, j] = corr[j, i] = round(value if np.isfinite(value) else 0.0, 4)
    return ErrorModel(scale, exponent, _nearest_correlation(corr), counts)


def _groups() -> dict[str, str]:
    """Errors are correlated within the provinces' series and within the benchmarks' series."""
    return {key: ("benchmark" if key.startswith("benchmark") else "province") for key in ERROR_KEYS}


def _nearest_correlation(corr: np.ndarray) -> np.ndarray:
    """Clip negative eigenvalues so the matrix has a Cholesky factor (rounded to 4 places)."""
    values, vectors = np.linalg.eigh(corr)
    if values.min() > 1e-6:
        return corr
    fixed = vectors @ np.diag(np.maximum(values, 1e-6)) @ vectors.T
    d = np.sqrt(np.diag(fixed))
    return np.round(fixed / np.outer(d, d), 4)


def read_error_model(path: str | Path | None = None) -> ErrorModel:
    """Read ``forecast_errors.csv``; raise :class:`ErrorModelError` naming the problem."""
    path = Path(path) if path is not None else ERRORS_PATH
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise ErrorModelError(
            f"cannot read the forecast errors {path.name}: {exc.strerror}; "
            "run `python -m helpers.model.backtest` to write it"
        ) from None
    return _read_cached(str(path), mtime)


@functools.lru_cache(maxsize=4)
def _read_cached(path: str, mtime_ns: int) -> ErrorModel:
    name = Path(path).name
    try:
        table = pd.read_csv(path, dtype={"other": str}, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ErrorModelError(f"{name} cannot be read: {exc}") from None
    if tuple(table.columns) != COLUMNS:
        raise ErrorModelError(f"{name}: expected the columns {', '.join(COLUMNS)}")
    values = pd.to_numeric(table["value"], errors="coerce")
    bad = table.index[~np.isfinite(values)]
    if len(bad):
        raise ErrorModelError(f"{name}, row {int(bad[0]) + 2}: value is not a number")
    scale, exponent, counts = {}, {}, {}
    corr = np.eye(len(ERROR_KEYS))
    for row, value in zip(table.itertuples(index=False), values, strict=True):
        if row.series not in ERROR_KEYS:
            raise ErrorModelError(f"{name}: unknown series {row.series!r}")
        if row.quantity == "scale":
            if not 0 <= value < 5:
                raise ErrorModelError(f"{name}: scale of {row.series} out of range ({value})")
            scale[row.series], counts[row.series] = float(value), int(row.n)
        elif row.quantity == "exponent":
            if not 0 <= value <= 3:
                raise ErrorModelError(f"{name}: exponent of {row.series} out of range ({value})")
            exponent[row.series] = float(value)
        elif row.quantity == "correlation":
            if row.other not in ERROR_KEYS or not -1 <= value <= 1:
                raise ErrorModelError(f"{name}: bad correlation {row.series} / {row.other}")
            i, j = ERROR_KEYS.index(row.series), ERROR_KEYS.index(row.other)
            corr[i, j] = corr[j, i] = float(value)
        else:
            raise ErrorModelError(f"{name}: unknown quantity {row.quantity!r}")
    missing = [k for k in ERROR_KEYS if k not in scale or k not in exponent]
    if missing:
        raise ErrorModelError(f"{name}: no scale or exponent for {', '.join(missing)}")
    try:
        np.linalg.cholesky(corr)
    except np.linalg.LinAlgError:
        raise ErrorModelError(f"{name}: the correlations are not a valid matrix") from None
    return ErrorModel(scale, exponent, corr, counts)


def draw_errors(
    model: ErrorModel, n_years: int, draws: int, seed: int, dtype=np.float32
) -> dict[str, np.ndarray]:
    """Multipliers exp(σ_h z) for every key, each (years, 1, draws); row 0 (the base year) is 1.

    ``z`` is standard normal per draw, correlated across keys by ``model.correlation``, and the
    same at every horizon. Same seed, same multipliers.
    """
    rng = np.random.default_rng([seed, STREAM])
    z = rng.standard_normal((len(ERROR_KEYS), draws))
    z = np.linalg.cholesky(model.correlation) @ z
    h = np.arange(n_years, dtype=float)
    out = {}
    for i, key in enumerate(ERROR_KEYS):
        sigma = model.sigma(key, h)[:, None]  # (T, 1)
        out[key] = np.exp(sigma * z[i][None, :]).astype(dtype)[:, None, :]
    return out


def describe(model: ErrorModel, horizons: Sequence[int] = (1, 5, 12)) -> pd.DataFrame:
    """σ_h as a percentage band half-width at a few horizons, for the validation page."""
    rows = []
    for key in ERROR_KEYS:
        for h in horizons:
            sigma = float(model.sigma(key, h))
            rows.append(
                {"series": key, "horizon": h, "sigma": sigma, "p90": math.expm1(1.2816 * sigma)}
            )
    return pd.DataFrame(rows)


__all__ = [
    "ERRORS_PATH",
    "ErrorModel",
    "ErrorModelError",
    "describe",
    "draw_errors",
    "fit_error_model",
    "fit_sigma",
    "read_error_model",
]
