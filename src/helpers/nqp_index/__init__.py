"""An illustrative composite index of new quality productive forces (新质生产力) for 31 provinces.

Users choose the indicators (from the catalogue file ``catalogue.yaml``), the weighting
(entropy, CRITIC, equal, equal by dimension, or their own weights), the treatment of swings
(flag, smooth, leave out) and the aggregation (weighted sum or TOPSIS), and see how much the
ranks of Liaoning, Jilin and Heilongjiang depend on those choices. **This is an illustrative
index, not an official statistic** (:data:`DISCLAIMER`, :func:`disclaimer`).

Everything here is a pure function of the panel (:func:`helpers.data.load_panel`) or of a
matrix; nothing reads files, draws or holds widget state.

Pipeline
--------
1. :func:`indicator_matrix`: the raw values, 31 provinces × chosen indicators, for one year,
   computed from the panel as the catalogue (:data:`CATALOGUE`) says, with a table of gaps.
   Only the 31 provinces enter; ``CN``, ``NE3`` and other aggregates never do.
2. :func:`minmax_normalise`: range normalisation with the direction applied (benefit: higher is
   better, cost: lower is better), z in [0, 1], 1 = best. Weights and the weighted sum use z.
3. Weights from z: :func:`entropy_weights`, :func:`critic_weights`, :func:`equal_weights`,
   :func:`dimension_weights`, or user weights checked by :func:`validate_weights`.
4. Aggregation: :func:`weighted_sum` (Σ w z, in [0, 1]) or :func:`topsis` (closeness to the
   ideal province, in [0, 1]; by default on **vector-normalised raw values**, the classic
   Hwang–Yoon form, with the ideal at the maximum of a benefit and the minimum of a cost
   indicator).
5. :func:`rank_scores`: rank 1 = best; equal scores (within 1e-9) share the best rank.

:func:`build_index` runs the pipeline for one year; :func:`rank_history` for many years (each
year is a separate cross-section with its own weights, so the ranks, not the scores, are what
compare over time); :func:`rank_robustness` for every weighting × aggregation (and optionally
leaving each indicator out in turn).

Gaps
----
A gap stays a gap: nothing is interpolated, carried forward or filled. A province-year lacks an
indicator when any panel input is missing (or a denominator is not positive).
:func:`indicator_matrix` reports every such cell. The index then treats gaps in one of two ways
(argument ``gaps``):

* ``"strict"`` (default): a year is usable only when all 31 provinces have every chosen
  indicator; otherwise :class:`DataGapError` names the missing cells and lists the usable years
  (:func:`complete_years`). Ranks are then always out of 31 and comparable across years.
* ``"drop"``: provinces lacking any chosen indicator are left out of that year's index, and a
  :class:`Note` names them; ranks are then out of fewer than 31.

Degenerate cases
----------------
* A **constant indicator** (the same value in every province) has z = 0 everywhere, gets zero
  entropy and zero CRITIC weight, and is named in a note; it never produces NaN.
* If **no** chosen indicator varies, entropy and CRITIC weights are undefined and
  :class:`NQPIndexError` says so.
* CRITIC: correlations are taken among the non-constant indicators only; if the conflict term is
  zero for all of them (one varying indicator, or all perfectly correlated), weights fall back
  to σ_j / Σσ.
* TOPSIS: a province at equal distance zero from the ideal and the anti-ideal (possible only when
  every weighted indicator is constant) gets closeness 0.5.

Modules
-------
``catalogue`` (the indicator catalogue, read from ``catalogue.yaml`` and checked), ``matrix``
(panel → indicator values, coverage, sources, swings), ``methods`` (normalisation, weights,
aggregation, ranks: pure numpy), ``build`` (the index for a year, over years and across
methods), ``published`` (comparison with published rankings), ``errors``.
"""

from __future__ import annotations

from helpers.nqp_index.build import (
    DENOMINATOR_VARIANTS,
    DenominatorCheck,
    IndexResult,
    RankHistory,
    Robustness,
    build_index,
    denominator_robustness,
    rank_history,
    rank_robustness,
)
from helpers.nqp_index.catalogue import (
    AGGREGATIONS,
    AUTO_WEIGHTINGS,
    CATALOGUE,
    CATALOGUE_BY_ID,
    DEFAULT_AGGREGATION,
    DEFAULT_INDICATORS,
    DEFAULT_WEIGHTING,
    DIMENSION_INFO,
    DIMENSIONS,
    DISCLAIMER,
    DOMINANT_WEIGHT_FACTOR,
    LITERATURE,
    NORTHEAST,
    SWING_FACTOR,
    TREATMENTS,
    VERSION,
    WEIGHTINGS,
    CatalogueError,
    Dimension,
    Indicator,
    Paper,
    disclaimer,
    load_catalogue,
)
from helpers.nqp_index.errors import DataGapError, Note, NQPIndexError, WeightsError, year_ranges
from helpers.nqp_index.matrix import (
    IndicatorMatrix,
    IndicatorPanel,
    catalogue_table,
    complete_years,
    flag_swings,
    indicator_coverage,
    indicator_matrix,
    indicator_panel,
    indicator_sources,
)
from helpers.nqp_index.methods import (
    Composite,
    composite_scores,
    constant_columns,
    critic_weights,
    dimension_weights,
    entropy_weights,
    equal_weights,
    minmax_normalise,
    rank_scores,
    topsis,
    validate_weights,
    vector_normalise,
    weighted_sum,
)

__all__ = [
    "AGGREGATIONS",
    "AUTO_WEIGHTINGS",
    "CATALOGUE",
    "CATALOGUE_BY_ID",
    "DEFAULT_AGGREGATION",
    "DEFAULT_INDICATORS",
    "DEFAULT_WEIGHTING",
    "DENOMINATOR_VARIANTS",
    "DIMENSIONS",
    "DIMENSION_INFO",
    "DISCLAIMER",
    "DOMINANT_WEIGHT_FACTOR",
    "LITERATURE",
    "NORTHEAST",
    "SWING_FACTOR",
    "TREATMENTS",
    "VERSION",
    "WEIGHTINGS",
    "CatalogueError",
    "Composite",
    "DataGapError",
    "DenominatorCheck",
    "Dimension",
    "IndexResult",
    "Indicator",
    "IndicatorMatrix",
    "IndicatorPanel",
    "NQPIndexError",
    "Note",
    "Paper",
    "RankHistory",
    "Robustness",
    "WeightsError",
    "build_index",
    "catalogue_table",
    "complete_years",
    "composite_scores",
    "constant_columns",
    "critic_weights",
    "denominator_robustness",
    "dimension_weights",
    "disclaimer",
    "entropy_weights",
    "equal_weights",
    "flag_swings",
    "indicator_coverage",
    "indicator_matrix",
    "indicator_panel",
    "indicator_sources",
    "load_catalogue",
    "minmax_normalise",
    "rank_history",
    "rank_robustness",
    "rank_scores",
    "topsis",
    "validate_weights",
    "vector_normalise",
    "weighted_sum",
    "year_ranges",
]
