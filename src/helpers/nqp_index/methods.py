"""Normalisation, weights, aggregation and ranks: pure numpy, rows = units, columns = indicators.

Nothing here knows about provinces, the panel or the catalogue; every function takes a matrix
and returns arrays, so the methods can be checked against hand calculations and textbooks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from helpers.nqp_index.errors import NQPIndexError, WeightsError

#: Weighting keys understood by :func:`composite_scores` (labels live in the catalogue file).
WEIGHTING_KEYS: tuple[str, ...] = ("entropy", "critic", "equal", "equal_by_dimension", "user")
#: Aggregation keys understood by :func:`composite_scores`.
AGGREGATION_KEYS: tuple[str, ...] = ("weighted_sum", "topsis")


def _as_matrix(x: object) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.ndim != 2:
        raise NQPIndexError(
            "The indicator matrix must be two-dimensional (units × indicators).",
            "指标矩阵必须是二维的（单位 × 指标）。",
        )
    if a.shape[0] < 2 or a.shape[1] < 1:
        raise NQPIndexError(
            f"An index needs at least 2 units and 1 indicator; got {a.shape[0]} × {a.shape[1]}.",
            f"指数至少需要2个单位和1个指标，当前为 {a.shape[0]} × {a.shape[1]}。",
        )
    if not np.isfinite(a).all():
        raise NQPIndexError(
            "The indicator matrix has missing or infinite values; drop those units first.",
            "指标矩阵含缺失值或无穷值，请先剔除相应单位。",
        )
    return a


def _directions(directions: Sequence[int] | None, m: int) -> np.ndarray:
    if directions is None:
        return np.ones(m)
    d = np.asarray(directions, dtype=float)
    if d.shape != (m,) or not np.isin(d, (1.0, -1.0)).all():
        raise NQPIndexError(
            f"Directions must be {m} values, each +1 (benefit) or -1 (cost).",
            f"方向必须是 {m} 个取值，每个为 +1（正向）或 -1（负向）。",
        )
    return d


def constant_columns(x: object) -> np.ndarray:
    """Boolean mask of columns whose values are the same for every unit.

    Parameters
    ----------
    x
        Matrix, units × indicators.

    Returns
    -------
    numpy.ndarray of bool
        True for a constant column (range zero, or below 1e-12 of its magnitude).
    """
    a = _as_matrix(x)
    rng = a.max(axis=0) - a.min(axis=0)
    scale = np.maximum(np.abs(a).max(axis=0), 1.0)
    return rng <= 1e-12 * scale


def minmax_normalise(x: object, directions: Sequence[int] | None = None) -> np.ndarray:
    """Range-normalise each column to [0, 1] with 1 = best, the direction applied.

    Benefit (+1): z = (x − min) / (max − min). Cost (−1): z = (max − x) / (max − min).
    A constant column becomes all zeros (it cannot tell units apart).

    Parameters
    ----------
    x
        Matrix, units × indicators, finite.
    directions
        +1 or −1 per column; all +1 when None.

    Returns
    -------
    numpy.ndarray
        z, same shape as ``x``, in [0, 1].
    """
    a = _as_matrix(x)
    d = _directions(directions, a.shape[1])
    lo, hi = a.min(axis=0), a.max(axis=0)
    const = constant_columns(a)
    rng = np.where(const, 1.0, hi - lo)
    z = np.where(d > 0, (a - lo) / rng, (hi - a) / rng)
    z[:, const] = 0.0
    return np.clip(z, 0.0, 1.0)


def vector_normalise(x: object) -> np.ndarray:
    """Divide each column by its Euclidean norm (TOPSIS's normalisation); needs x ≥ 0.

    The direction is not applied here: TOPSIS takes it into account when it picks the ideal.
    An all-zero column stays zero.

    Parameters
    ----------
    x
        Matrix, units × indicators, finite and non-negative.

    Returns
    -------
    numpy.ndarray
        r with r_ij = x_ij / sqrt(Σ_i x_ij²).
    """
    a = _as_matrix(x)
    if (a < 0).any():
        raise NQPIndexError(
            "Vector normalisation (TOPSIS) needs non-negative values.",
            "向量归一化（TOPSIS）要求数据非负。",
        )
    norm = np.sqrt((a * a).sum(axis=0))
    return a / np.where(norm > 0, norm, 1.0)


def _no_variation() -> NQPIndexError:
    return NQPIndexError(
        "No chosen indicator varies across the provinces, so entropy and CRITIC weights are "
        "undefined; add an indicator or use equal or your own weights.",
        "所选指标在各省份之间均无差异，熵值法和CRITIC权重无法计算；请增加指标，或改用等权重或"
        "自定义权重。",
    )


def entropy_weights(z: object, shift: float = 0.0) -> np.ndarray:
    """Entropy weights from a normalised matrix.

    p_ij = z'_ij / Σ_i z'_ij with z' = z + shift; e_j = −(1/ln n) Σ_i p_ij ln p_ij (0 ln 0 = 0);
    d_j = 1 − e_j; w_j = d_j / Σ_k d_k. A constant column has e_j = 1 and gets weight 0.

    Parameters
    ----------
    z
        Normalised matrix (units × indicators), non-negative, e.g. :func:`minmax_normalise`.
    shift
        Added to z before taking logs. 0 (default) uses the limit 0·ln 0 = 0; the literature
        often adds 1e-4 so that no p_ij is zero. The difference in weights is small.

    Returns
    -------
    numpy.ndarray
        Weights, ≥ 0, summing to 1.

    Raises
    ------
    NQPIndexError
        If no column varies.
    """
    a = _as_matrix(z)
    if (a < 0).any():
        raise NQPIndexError("Entropy weights need non-negative z.", "熵值法要求标准化值非负。")
    n = a.shape[0]
    a = a + shift
    const = constant_columns(a)
    colsum = a.sum(axis=0)
    p = a / np.where(colsum > 0, colsum, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = -plogp.sum(axis=0) / np.log(n)
    d = np.clip(1.0 - e, 0.0, None)
    d[const] = 0.0
    total = d.sum()
    if total <= 0:
        raise _no_variation()
    return d / total


def critic_weights(z: object) -> np.ndarray:
    """CRITIC weights from a normalised matrix.

    C_j = σ_j · Σ_k (1 − r_jk), w_j = C_j / Σ_k C_k, where σ_j is the standard deviation of z_j
    (ddof = 1; the choice cancels out) and r the Pearson correlation. Constant columns get
    weight 0 and are left out of the correlations; a correlation within 1e-9 of 1 counts as 1.
    If every C_j is 0 (a single varying column, or all varying columns perfectly correlated),
    w_j = σ_j / Σ_k σ_k.

    Parameters
    ----------
    z
        Normalised matrix (units × indicators), e.g. :func:`minmax_normalise`.

    Returns
    -------
    numpy.ndarray
        Weights, ≥ 0, summing to 1.

    Raises
    ------
    NQPIndexError
        If no column varies.
    """
    a = _as_matrix(z)
    m = a.shape[1]
    const = constant_columns(a)
    live = np.flatnonzero(~const)
    if live.size == 0:
        raise _no_variation()
    sub = a[:, live]
    sigma = sub.std(axis=0, ddof=1)
    if live.size == 1:
        c = sigma.copy()
    else:
        centred = sub - sub.mean(axis=0)
        cov = centred.T @ centred
        denom = np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
        conflict = 1.0 - np.clip(cov / denom, -1.0, 1.0)
        # correlations within 1e-9 of 1 are rounding noise of perfectly correlated columns
        conflict[conflict < 1e-9] = 0.0
        np.fill_diagonal(conflict, 0.0)
        c = sigma * conflict.sum(axis=0)
        if c.sum() <= 0:
            c = sigma.copy()
    w = np.zeros(m)
    w[live] = c / c.sum()
    return w


def equal_weights(m: int) -> np.ndarray:
    """Equal weights 1/m for m indicators.

    Parameters
    ----------
    m
        Number of indicators, ≥ 1.

    Returns
    -------
    numpy.ndarray
        ``m`` values of 1/m.
    """
    if m < 1:
        raise NQPIndexError("Choose at least one indicator.", "请至少选择一个指标。")
    return np.full(m, 1.0 / m)


def dimension_weights(dimensions: Sequence[str]) -> np.ndarray:
    """Equal weight per dimension, split equally among that dimension's indicators.

    Section 4 of ``nqp_index.md`` proposes this as the default of the hierarchical systems.

    Parameters
    ----------
    dimensions
        The dimension of each indicator, e.g. ``["labourers", "labourers", "technology"]``.

    Returns
    -------
    numpy.ndarray
        E.g. ``[0.25, 0.25, 0.5]`` for the example above.
    """
    dims = list(dimensions)
    if not dims:
        raise NQPIndexError("Choose at least one indicator.", "请至少选择一个指标。")
    counts = pd.Series(dims).value_counts()
    k = len(counts)
    return np.array([1.0 / (k * counts[d]) for d in dims])


def validate_weights(
    weights: Mapping[str, float] | Sequence[float], indicators: Sequence[str]
) -> pd.Series:
    """Check user weights and normalise them to sum 1.

    Parameters
    ----------
    weights
        Either a mapping indicator id -> weight with exactly the chosen indicators as keys, or a
        sequence of weights in the order of ``indicators``. Any positive scale (e.g. 1–10
        sliders) is fine.
    indicators
        The chosen indicator ids (any labels when used outside the catalogue).

    Returns
    -------
    pandas.Series
        Weights indexed by indicator, ≥ 0, summing to 1.

    Raises
    ------
    WeightsError
        Wrong indicators or length, a value that is not a finite number, a negative value, or
        all weights zero. The message says which.
    """
    ids = list(indicators)
    if isinstance(weights, Mapping):
        missing = [i for i in ids if i not in weights]
        extra = [k for k in weights if k not in ids]
        if missing or extra:
            parts_en, parts_zh = [], []
            if missing:
                parts_en.append(f"no weight for {', '.join(missing)}")
                parts_zh.append(f"缺少 {'、'.join(missing)} 的权重")
            if extra:
                parts_en.append(f"weights for indicators not chosen: {', '.join(map(str, extra))}")
                parts_zh.append(f"给了未选指标的权重：{'、'.join(map(str, extra))}")
            raise WeightsError(
                "User weights do not match the chosen indicators: " + "; ".join(parts_en) + ".",
                "自定义权重与所选指标不一致：" + "；".join(parts_zh) + "。",
            )
        raw = [weights[i] for i in ids]
    else:
        raw = list(weights)
        if len(raw) != len(ids):
            raise WeightsError(
                f"Expected {len(ids)} weights, one per chosen indicator; got {len(raw)}.",
                f"应为每个所选指标各给一个权重，共 {len(ids)} 个，实际为 {len(raw)} 个。",
            )
    values = []
    for i, v in zip(ids, raw, strict=True):
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise WeightsError(
                f"The weight of {i} is not a number: {v!r}.", f"{i} 的权重不是数字：{v!r}。"
            ) from None
        if not np.isfinite(f):
            raise WeightsError(
                f"The weight of {i} must be a finite number, not {v!r}.",
                f"{i} 的权重必须是有限数值，不能是 {v!r}。",
            )
        if f < 0:
            raise WeightsError(
                f"Weights cannot be negative: {i} has {f:g}. To make an indicator count "
                "against a province, it must be a cost indicator, not a negative weight.",
                f"权重不能为负：{i} 的权重为 {f:g}。若某指标越低越好，应将其设为负向指标，"
                "而不是给负权重。",
            )
        values.append(f)
    total = float(np.sum(values))
    if total <= 0:
        raise WeightsError(
            "All weights are zero; give at least one indicator a positive weight.",
            "所有权重都为零；请至少给一个指标正权重。",
        )
    return pd.Series(np.asarray(values) / total, index=pd.Index(ids, name="indicator"))


def _check_weights(w: object, m: int) -> np.ndarray:
    a = np.asarray(w, dtype=float)
    if a.shape != (m,) or not np.isfinite(a).all() or (a < 0).any() or a.sum() <= 0:
        raise WeightsError(
            f"Weights must be {m} finite, non-negative numbers, not all zero.",
            f"权重必须是 {m} 个有限、非负且不全为零的数。",
        )
    return a / a.sum()


def weighted_sum(z: object, weights: object) -> np.ndarray:
    """Composite score S_i = Σ_j w_j z_ij.

    Parameters
    ----------
    z
        Range-normalised matrix (:func:`minmax_normalise`), units × indicators.
    weights
        One non-negative weight per column (normalised to sum 1 here).

    Returns
    -------
    numpy.ndarray
        One score per unit, in [0, 1] when z is.
    """
    a = _as_matrix(z)
    return a @ _check_weights(weights, a.shape[1])


def topsis(
    x: object,
    weights: object,
    directions: Sequence[int] | None = None,
    normalisation: Literal["vector", "minmax"] = "vector",
) -> np.ndarray:
    """TOPSIS closeness coefficient C_i = D_i⁻ / (D_i⁺ + D_i⁻), in [0, 1], 1 = the ideal.

    ``normalisation="vector"`` (default, the classic form): r = x / ‖x‖ per column (x ≥ 0),
    v = w r, the ideal v⁺_j is the column maximum for a benefit and the minimum for a cost
    indicator, the anti-ideal the opposite. ``"minmax"`` (the entropy-TOPSIS variant in
    ``nqp_index.md`` §3): v = w z with z from :func:`minmax_normalise` (direction applied), the
    ideal is the column maximum. D⁺, D⁻ are Euclidean distances. If D⁺ + D⁻ = 0, C = 0.5.

    Parameters
    ----------
    x
        Raw matrix, units × indicators.
    weights
        One non-negative weight per column (normalised to sum 1 here).
    directions
        +1 or −1 per column; all +1 when None.
    normalisation
        ``"vector"`` or ``"minmax"``.

    Returns
    -------
    numpy.ndarray
        Closeness per unit.
    """
    a = _as_matrix(x)
    d = _directions(directions, a.shape[1])
    w = _check_weights(weights, a.shape[1])
    if normalisation == "vector":
        v = vector_normalise(a) * w
        hi, lo = v.max(axis=0), v.min(axis=0)
        ideal, anti = np.where(d > 0, hi, lo), np.where(d > 0, lo, hi)
    elif normalisation == "minmax":
        v = minmax_normalise(a, d) * w
        ideal, anti = v.max(axis=0), v.min(axis=0)
    else:
        raise NQPIndexError(
            f"Unknown TOPSIS normalisation {normalisation!r}; use 'vector' or 'minmax'.",
            f"未知的TOPSIS标准化方式 {normalisation!r}，请用 'vector' 或 'minmax'。",
        )
    d_plus = np.sqrt(((v - ideal) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - anti) ** 2).sum(axis=1))
    total = d_plus + d_minus
    return np.where(total > 0, d_minus / np.where(total > 0, total, 1.0), 0.5)


def rank_scores(scores: object, tol: float = 1e-9) -> np.ndarray:
    """Ranks with 1 = highest score; scores within ``tol`` of each other share the best rank.

    Parameters
    ----------
    scores
        One finite score per unit.
    tol
        Absolute tolerance for ties (scores here lie in [0, 1]).

    Returns
    -------
    numpy.ndarray of int
        Competition ranks ("1, 2, 2, 4").
    """
    s = np.asarray(scores, dtype=float)
    if s.ndim != 1 or not np.isfinite(s).all():
        raise NQPIndexError("Scores must be finite.", "得分必须是有限数值。")
    order = np.argsort(-s, kind="stable")
    ss = s[order]
    new = np.r_[True, (ss[:-1] - ss[1:]) > tol]
    start = np.maximum.accumulate(np.where(new, np.arange(len(ss)), 0))
    ranks = np.empty(len(s), dtype=int)
    ranks[order] = start + 1
    return ranks


def _weights_for(
    z: np.ndarray,
    weighting: str,
    dims: Sequence[str],
    user: np.ndarray | None,
) -> np.ndarray:
    if weighting == "entropy":
        return entropy_weights(z)
    if weighting == "critic":
        return critic_weights(z)
    if weighting == "equal":
        return equal_weights(z.shape[1])
    if weighting == "equal_by_dimension":
        return dimension_weights(dims)
    if weighting == "user":
        if user is None:
            raise WeightsError(
                "Weighting 'user' needs weights: pass user_weights.",
                "选择“自定义权重”时必须提供权重（user_weights）。",
            )
        return user
    raise NQPIndexError(
        f"Unknown weighting {weighting!r}; use one of {', '.join(WEIGHTING_KEYS)}.",
        f"未知的赋权方法 {weighting!r}，可选：{'、'.join(WEIGHTING_KEYS)}。",
    )


@dataclass(frozen=True)
class Composite:
    """Scores of one weighting × aggregation on one matrix (see :func:`composite_scores`)."""

    scores: np.ndarray
    ranks: np.ndarray
    weights: np.ndarray
    normalised: np.ndarray


def composite_scores(
    x: object,
    weighting: str = "entropy",
    aggregation: str = "weighted_sum",
    directions: Sequence[int] | None = None,
    dimensions: Sequence[str] | None = None,
    user_weights: object = None,
) -> Composite:
    """Normalise, weight, aggregate and rank a raw matrix (units × indicators).

    Parameters
    ----------
    x
        Raw matrix, finite; non-negative for TOPSIS.
    weighting
        ``"entropy"``, ``"critic"``, ``"equal"``, ``"equal_by_dimension"`` or ``"user"``.
        Entropy and CRITIC weights are computed from the range-normalised matrix.
    aggregation
        ``"weighted_sum"`` (on range-normalised z) or ``"topsis"`` (vector normalisation).
    directions
        +1 or −1 per column; all +1 when None.
    dimensions
        Dimension of each column (for ``"equal_by_dimension"``); one per column when None.
    user_weights
        Sequence of one weight per column, or a mapping when ``x`` is a DataFrame (keys =
        columns); used only with ``weighting="user"``.

    Returns
    -------
    Composite
        ``scores`` (in [0, 1]), ``ranks`` (1 = best), ``weights`` (sum 1), ``normalised``
        (range-normalised z, direction applied).
    """
    a = _as_matrix(x)
    m = a.shape[1]
    d = _directions(directions, m)
    dims = list(dimensions) if dimensions is not None else [str(j) for j in range(m)]
    labels = list(x.columns) if isinstance(x, pd.DataFrame) else [str(j) for j in range(m)]
    user = None
    if weighting == "user" and user_weights is not None:
        user = validate_weights(user_weights, labels).to_numpy()
    z = minmax_normalise(a, d)
    w = _weights_for(z, weighting, dims, user)
    if aggregation == "weighted_sum":
        s = weighted_sum(z, w)
    elif aggregation == "topsis":
        s = topsis(a, w, d)
    else:
        raise NQPIndexError(
            f"Unknown aggregation {aggregation!r}; use one of {', '.join(AGGREGATION_KEYS)}.",
            f"未知的合成方法 {aggregation!r}，可选：{'、'.join(AGGREGATION_KEYS)}。",
        )
    return Composite(scores=s, ranks=rank_scores(s), weights=w, normalised=z)
