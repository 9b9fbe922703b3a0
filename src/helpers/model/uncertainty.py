"""Uncertainty: Monte Carlo draws of the assumptions and the summary statistics of the results.

Each drawn assumption (``monte_carlo`` in ``parameters.yaml``) follows a triangular distribution
(low, mode, high), on a log scale where ``scale: log``. The mode is the value the scenario sets
(the default unless the user moved the assumption), and the range widens to include it. Draws
come from one stream of uniforms per seed, transformed by the inverse triangular CDF, so that two
scenarios run with the same seed share their random numbers ("common random numbers"): moving one
slider never reshuffles the bands.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .parameters import ParameterSet

#: Seed used when a scenario gives none, so that the same scenario always shows the same bands.
DEFAULT_SEED = 20250220
QUANTILES = {"p10": 0.10, "p50": 0.50, "p90": 0.90}
_MAX_REDRAWS = 50


def triangular_inverse_cdf(u, low, mode, high) -> np.ndarray:
    """Quantile function of the triangular distribution (arguments broadcast together).

    .. math::
        F^{-1}(u) = \\begin{cases} a + \\sqrt{u (b-a)(c-a)} & u < (c-a)/(b-a) \\\\
                    b - \\sqrt{(1-u)(b-a)(b-c)} & \\text{otherwise} \\end{cases}

    with a = low, b = high, c = mode. Where low = high the value is low.
    """
    u, low, mode, high = (np.asarray(x, float) for x in (u, low, mode, high))
    width = high - low
    with np.errstate(divide="ignore", invalid="ignore"):
        split = np.where(width > 0, (mode - low) / width, 0.0)
    lower = low + np.sqrt(u * (width * (mode - low)))
    upper = high - np.sqrt((1.0 - u) * (width * (high - mode)))
    return np.where(u < split, lower, upper)


def _draw(specs, central: dict[str, float], u: np.ndarray) -> np.ndarray:
    """Draws for ``specs`` (one row each) from uniforms ``u`` of shape (len(specs), n).

    The mode is the central value; the range widens to include it. Log-scale specs are drawn
    as a triangular distribution of the logarithm.
    """
    mode = np.array([central[s.name] for s in specs])
    low = np.minimum([s.range.low for s in specs], mode)
    high = np.maximum([s.range.high for s in specs], mode)
    is_log = np.array([s.scale == "log" for s in specs])[:, None]
    low, mode, high = (
        np.where(is_log[:, 0], np.log(np.abs(x) + (x == 0)), x)[:, None] for x in (low, mode, high)
    )
    x = triangular_inverse_cdf(u, low, mode, high)
    return np.where(is_log, np.exp(np.where(is_log, x, 0.0)), x)


def draw_assumptions(
    central: dict[str, float],
    parameters: ParameterSet,
    draws: int,
    seed: int | None = None,
) -> dict[str, np.ndarray]:
    """Assumption arrays for the model: row 0 central, rows 1…draws random.

    Parameters
    ----------
    central : dict
        Value of every assumption (defaults merged with the scenario's settings).
    parameters : ParameterSet
    draws : int
        Number of Monte Carlo draws; 0 gives the central run only.
    seed : int, optional
        Defaults to :data:`DEFAULT_SEED`.

    Returns
    -------
    dict of str to ndarray
        Drawn assumptions have shape (draws + 1,); the others shape (1,).

    Notes
    -----
    Draws with beta + gamma above ``monte_carlo.max_returns_to_scale`` are drawn again
    (parameters.md §4), unless the central values themselves exceed it.
    """
    out = {name: np.array([value], dtype=float) for name, value in central.items()}
    if draws <= 0:
        return out
    rng = np.random.default_rng(DEFAULT_SEED if seed is None else seed)
    specs = parameters.drawn
    drawn = _draw(specs, central, rng.random((len(specs), draws)))
    samples = {spec.name: row for spec, row in zip(specs, drawn, strict=True)}

    limit = parameters.monte_carlo.max_returns_to_scale
    beta, gamma = "patent_elasticity_rd_stock", "patent_elasticity_researchers"
    if beta in samples and gamma in samples and central[beta] + central[gamma] <= limit:
        for _ in range(_MAX_REDRAWS):
            bad = samples[beta] + samples[gamma] > limit
            if not bad.any():
                break
            n_bad = int(bad.sum())
            pair = (parameters[beta], parameters[gamma])
            samples[beta][bad], samples[gamma][bad] = _draw(pair, central, rng.random((2, n_bad)))
    for name, sample in samples.items():
        out[name] = np.concatenate([[central[name]], sample])
    return out


@functools.lru_cache(maxsize=64)
def order_statistic_index(n: int, q: float) -> int:
    """Index of the q-quantile in a sorted sample of n (the "inverted CDF" definition)."""
    return max(0, min(n - 1, math.ceil(q * n) - 1))


def round_significant(x: np.ndarray, digits: int) -> np.ndarray:
    """Round to ``digits`` significant digits (monotone: order is kept)."""
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        magnitude = np.floor(np.log10(np.abs(x)))
    scale = 10.0 ** np.where(np.isfinite(magnitude), digits - 1 - magnitude, 0)
    return np.round(x * scale) / scale
