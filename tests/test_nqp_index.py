"""The NQP composite index: hand-computed cases, stated properties, and the real panel.

Hand-computed cases use the matrix

    X = [[1, 10],      province A
         [2, 30],      province B
         [4, 20]]      province C

with column 1 a benefit and column 2 a cost indicator. Range normalisation (1 = best):
z1 = (x − 1)/3 = [0, 1/3, 1]; z2 = (30 − x)/20 = [1, 0, 1/2].
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from helpers import nqp_index as ni
from helpers.data import load_panel
from helpers.data.regions import NE3_MEMBERS, PROVINCE_CODES
from helpers.nqp_index import build

X = np.array([[1.0, 10.0], [2.0, 30.0], [4.0, 20.0]])
DIRS = [1, -1]
PROPERTY = settings(max_examples=40, deadline=None)


# ------------------------------------------------------------------------------------------
# Hand-computed cases
# ------------------------------------------------------------------------------------------


def test_minmax_normalisation_applies_the_direction():
    z = ni.minmax_normalise(X, DIRS)
    np.testing.assert_allclose(z[:, 0], [0, 1 / 3, 1], atol=1e-12)
    np.testing.assert_allclose(z[:, 1], [1, 0, 1 / 2], atol=1e-12)


def test_entropy_weights_by_hand():
    """Column 1: p = z1/Σz1 = [0, 1/4, 3/4];
    e1 = −(1/ln 3)(¼ ln ¼ + ¾ ln ¾) = ln 4/ln 3 − 3/4, so d1 = 1 − e1 = 7/4 − ln 4/ln 3.
    Column 2: p = [2/3, 0, 1/3]; e2 = (1/ln 3)(⅔ ln 3/2 + ⅓ ln 3) = 1 − 2 ln 2/(3 ln 3),
    so d2 = 2 ln 2 / (3 ln 3).  w = d / (d1 + d2)  ≈ [0.53715, 0.46285].
    """
    d1 = 7 / 4 - math.log(4) / math.log(3)
    d2 = 2 * math.log(2) / (3 * math.log(3))
    w = ni.entropy_weights(ni.minmax_normalise(X, DIRS))
    np.testing.assert_allclose(w, [d1 / (d1 + d2), d2 / (d1 + d2)], rtol=0, atol=1e-9)


def test_weighted_sum_with_entropy_weights_by_hand():
    """S = w1 z1 + w2 z2: A = w2, B = w1/3, C = w1 + w2/2; ranks C, A, B."""
    d1 = 7 / 4 - math.log(4) / math.log(3)
    d2 = 2 * math.log(2) / (3 * math.log(3))
    w1, w2 = d1 / (d1 + d2), d2 / (d1 + d2)
    comp = ni.composite_scores(X, "entropy", "weighted_sum", DIRS)
    np.testing.assert_allclose(comp.scores, [w2, w1 / 3, w1 + w2 / 2], rtol=0, atol=1e-9)
    assert comp.ranks.tolist() == [2, 3, 1]


def test_critic_weights_two_columns_by_hand():
    """With two columns the conflict factor (1 − r12) is common to both, so w ∝ σ.
    σ(z1) with ddof 1: mean 4/9, squared deviations 16/81 + 1/81 + 25/81 = 14/27, so
    σ1 = √(7/27); σ2 = √((¼ + ¼ + 0)/2) = ½.  w1 = √(7/27) / (√(7/27) + ½) ≈ 0.50455.
    """
    s1, s2 = math.sqrt(7 / 27), 0.5
    w = ni.critic_weights(ni.minmax_normalise(X, DIRS))
    np.testing.assert_allclose(w, [s1 / (s1 + s2), s2 / (s1 + s2)], rtol=0, atol=1e-9)


def test_critic_weights_three_columns_by_hand():
    """z columns a = [0, ½, 1], b = [1, 0, ½], c = [0, 1, 1] (already in [0, 1]).
    Deviations: a [−½, 0, ½], b [½, −½, 0], c [−⅔, ⅓, ⅓]; Σdev²: a ½, b ½, c ⅔.
    σ (ddof 1): a ½, b ½, c 1/√3.
    r_ab = −¼/√(½·½) = −½; r_ac = ½/√(½·⅔) = √3/2; r_bc = −½/√(½·⅔) = −√3/2.
    Conflict Σ(1 − r): a = 3/2 + 1 − √3/2, b = 3/2 + 1 + √3/2, c = 2.
    C = σ × conflict: a = ½(5/2 − √3/2), b = ½(5/2 + √3/2), c = 2/√3; sum = 5/2 + 2/√3.
    """
    z = np.array([[0.0, 1.0, 0.0], [0.5, 0.0, 1.0], [1.0, 0.5, 1.0]])
    r3 = math.sqrt(3)
    c = np.array([0.5 * (2.5 - r3 / 2), 0.5 * (2.5 + r3 / 2), 2 / r3])
    np.testing.assert_allclose(ni.critic_weights(z), c / c.sum(), rtol=0, atol=1e-9)
    # the raw matrix gives the same weights: z is its own range normalisation
    np.testing.assert_allclose(ni.critic_weights(ni.minmax_normalise(z)), c / c.sum(), atol=1e-9)


def test_topsis_vector_normalisation_by_hand():
    """Equal weights ½. r1 = [1, 2, 4]/√21, r2 = [1, 3, 2]/√14 (norms √21 and √1400 = 10√14).
    v = r/2. Ideal: max of column 1, min of column 2 (cost): (4/√21, 1/√14)/2; anti-ideal
    (1/√21, 3/√14)/2. The common factor ½ cancels in C = D⁻/(D⁺ + D⁻):
    A: D⁺ = 3/√21, D⁻ = 2/√14            → C = (2/√14) / (3/√21 + 2/√14) ≈ 0.449490
    B: D⁺ = √(4/21 + 4/14) = √(10/21), D⁻ = √(1/21) → C = 1/(1 + √10) ≈ 0.240253
    C: D⁺ = 1/√14, D⁻ = √(9/21 + 1/14) = √(1/2)   → C = √½ / (1/√14 + √½) ≈ 0.725697
    """
    expected = [
        (2 / math.sqrt(14)) / (3 / math.sqrt(21) + 2 / math.sqrt(14)),
        1 / (1 + math.sqrt(10)),
        math.sqrt(0.5) / (1 / math.sqrt(14) + math.sqrt(0.5)),
    ]
    np.testing.assert_allclose(ni.topsis(X, [0.5, 0.5], DIRS), expected, rtol=0, atol=1e-9)
    comp = ni.composite_scores(X, "equal", "topsis", DIRS)
    np.testing.assert_allclose(comp.scores, expected, rtol=0, atol=1e-9)
    assert comp.ranks.tolist() == [2, 3, 1]


def test_topsis_minmax_variant_by_hand():
    """v = z/2 with z as in the module docstring; ideal (½, ½), anti-ideal (0, 0).
    A: v = (0, ½): D⁺ = ½, D⁻ = ½ → ½.
    B: v = (1/6, 0): D⁺ = √(1/9 + 1/4) = √13/6, D⁻ = 1/6 → 1/(1 + √13).
    C: v = (½, ¼): D⁺ = ¼, D⁻ = √(1/4 + 1/16) = √5/4 → √5/(1 + √5).
    """
    expected = [0.5, 1 / (1 + math.sqrt(13)), math.sqrt(5) / (1 + math.sqrt(5))]
    got = ni.topsis(X, [1, 1], DIRS, normalisation="minmax")
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


def test_dimension_weights_split_each_dimension_equally():
    w = ni.dimension_weights(["labourers", "labourers", "technology"])
    np.testing.assert_allclose(w, [0.25, 0.25, 0.5], atol=1e-12)
    np.testing.assert_allclose(ni.equal_weights(4), [0.25] * 4, atol=1e-12)


def test_ranks_are_one_for_best_and_ties_share_the_best_rank():
    assert ni.rank_scores([0.5, 0.9, 0.5, 0.1]).tolist() == [2, 1, 2, 4]
    assert ni.rank_scores([0.3, 0.3 + 1e-12, 0.2]).tolist() == [1, 1, 3]


def test_entropy_shift_changes_weights_only_slightly():
    z = ni.minmax_normalise(X, DIRS)
    w0, w1 = ni.entropy_weights(z), ni.entropy_weights(z, shift=1e-4)
    assert np.abs(w0 - w1).max() < 1e-2


# ------------------------------------------------------------------------------------------
# Properties
# ------------------------------------------------------------------------------------------


@st.composite
def matrices(draw, min_rows=3, max_rows=10, max_cols=5):
    """Small non-negative integer-valued matrices (integers keep exact ties exact)."""
    n = draw(st.integers(min_rows, max_rows))
    m = draw(st.integers(1, max_cols))
    x = draw(arrays(np.float64, (n, m), elements=st.integers(1, 1000).map(float)))
    dirs = draw(st.lists(st.sampled_from([1, -1]), min_size=m, max_size=m))
    return x, dirs


METHODS = [(w, a) for w in ni.AUTO_WEIGHTINGS for a in ni.AGGREGATIONS]


@PROPERTY
@given(matrices())
def test_weights_are_non_negative_and_sum_to_one(data):
    x, dirs = data
    z = ni.minmax_normalise(x, dirs)
    assume(not ni.constant_columns(x).all())
    for w in (
        ni.entropy_weights(z),
        ni.entropy_weights(z, shift=1e-4),
        ni.critic_weights(z),
        ni.equal_weights(x.shape[1]),
        ni.dimension_weights([str(j % 2) for j in range(x.shape[1])]),
    ):
        assert np.all(w >= 0)
        assert w.sum() == pytest.approx(1.0, abs=1e-12)


@PROPERTY
@given(matrices(), st.data())
def test_a_province_best_on_every_indicator_ranks_first(data, draw):
    x, dirs = data
    k = draw.draw(st.integers(0, x.shape[0] - 1))
    x = x.copy()
    for j, d in enumerate(dirs):
        x[k, j] = x[:, j].max() + 1 if d > 0 else x[:, j].min() - 1  # values stay ≥ 0
    for weighting, aggregation in [*METHODS, ("user", "weighted_sum"), ("user", "topsis")]:
        user = np.arange(1, x.shape[1] + 1) if weighting == "user" else None
        comp = ni.composite_scores(x, weighting, aggregation, dirs, user_weights=user)
        assert comp.ranks[k] == 1, (weighting, aggregation)
        assert (comp.ranks == 1).sum() == 1
    tz = ni.topsis(x, np.ones(x.shape[1]), dirs, normalisation="minmax")
    assert ni.rank_scores(tz)[k] == 1


@PROPERTY
@given(matrices(), st.data())
def test_changing_an_indicators_unit_leaves_ranks_unchanged(data, draw):
    x, dirs = data
    assume(not ni.constant_columns(x).all())
    j = draw.draw(st.integers(0, x.shape[1] - 1))
    factor = draw.draw(st.sampled_from([1e-4, 0.01, 3.7, 100.0, 1e4]))
    y = x.copy()
    y[:, j] *= factor
    for weighting, aggregation in METHODS:
        a = ni.composite_scores(x, weighting, aggregation, dirs)
        b = ni.composite_scores(y, weighting, aggregation, dirs)
        assert a.ranks.tolist() == b.ranks.tolist(), (weighting, aggregation, j, factor)


@PROPERTY
@given(matrices())
def test_a_cost_indicator_is_a_reversed_benefit_indicator(data):
    """For range normalisation, 'lower is better' on x equals 'higher is better' on K − x."""
    x, dirs = data
    assume(not ni.constant_columns(x).all())
    flipped = x.copy()
    for j, d in enumerate(dirs):
        if d < 0:
            flipped[:, j] = x[:, j].max() + x[:, j].min() - x[:, j]
    plus = [1] * x.shape[1]
    for weighting in ni.AUTO_WEIGHTINGS:
        a = ni.composite_scores(x, weighting, "weighted_sum", dirs)
        b = ni.composite_scores(flipped, weighting, "weighted_sum", plus)
        np.testing.assert_allclose(a.scores, b.scores, atol=1e-9)
        np.testing.assert_allclose(a.weights, b.weights, atol=1e-9)
    w = np.ones(x.shape[1])
    np.testing.assert_allclose(
        ni.topsis(x, w, dirs, normalisation="minmax"),
        ni.topsis(flipped, w, plus, normalisation="minmax"),
        atol=1e-9,
    )


@PROPERTY
@given(matrices(min_rows=3, max_cols=4), st.data())
def test_scores_follow_the_provinces_when_rows_are_reordered(data, draw):
    x, dirs = data
    assume(not ni.constant_columns(x).all())
    perm = np.array(draw.draw(st.permutations(range(x.shape[0]))))
    for weighting, aggregation in METHODS:
        a = ni.composite_scores(x, weighting, aggregation, dirs)
        b = ni.composite_scores(x[perm], weighting, aggregation, dirs)
        np.testing.assert_allclose(a.scores[perm], b.scores, atol=1e-12)


def test_a_constant_indicator_gets_zero_weight_and_no_nan():
    x = np.array([[1.0, 5.0, 3.0], [2.0, 5.0, 1.0], [4.0, 5.0, 2.0]])
    assert ni.constant_columns(x).tolist() == [False, True, False]
    z = ni.minmax_normalise(x)
    assert np.isfinite(z).all() and (z[:, 1] == 0).all()
    assert ni.entropy_weights(z)[1] == 0
    assert ni.critic_weights(z)[1] == 0
    for weighting, aggregation in METHODS:
        comp = ni.composite_scores(x, weighting, aggregation)
        assert np.isfinite(comp.scores).all() and np.isfinite(comp.weights).all()


def test_no_varying_indicator_is_a_clear_error_not_nan():
    x = np.array([[3.0, 5.0], [3.0, 5.0], [3.0, 5.0]])
    with pytest.raises(ni.NQPIndexError, match="No chosen indicator varies"):
        ni.composite_scores(x, "entropy")
    with pytest.raises(ni.NQPIndexError, match="No chosen indicator varies"):
        ni.composite_scores(x, "critic")
    comp = ni.composite_scores(x, "equal", "topsis")
    assert comp.scores.tolist() == [0.5, 0.5, 0.5] and comp.ranks.tolist() == [1, 1, 1]


def test_critic_falls_back_to_standard_deviations_for_perfectly_correlated_columns():
    x = np.array([[1.0, 2.0], [2.0, 4.0], [4.0, 8.0]])
    np.testing.assert_allclose(ni.critic_weights(ni.minmax_normalise(x)), [0.5, 0.5])
    np.testing.assert_allclose(ni.critic_weights(ni.minmax_normalise(x[:, :1])), [1.0])


# ------------------------------------------------------------------------------------------
# User weights
# ------------------------------------------------------------------------------------------

IDS = ["a", "b", "c"]


def test_user_weights_are_normalised_to_sum_one():
    w = ni.validate_weights({"a": 1, "b": 3, "c": 0}, IDS)
    assert w.to_dict() == {"a": 0.25, "b": 0.75, "c": 0.0}
    pd.testing.assert_series_equal(
        ni.validate_weights([10, 20, 30], IDS), ni.validate_weights([1, 2, 3], IDS)
    )


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"a": 1, "b": -1, "c": 1}, "cannot be negative: b"),
        ({"a": 0, "b": 0, "c": 0}, "All weights are zero"),
        ({"a": 1, "b": float("nan"), "c": 1}, "weight of b must be a finite number"),
        ({"a": 1, "b": float("inf"), "c": 1}, "weight of b must be a finite number"),
        ({"a": 1, "b": "heavy", "c": 1}, "weight of b is not a number"),
        ({"a": 1, "b": 1}, "no weight for c"),
        ({"a": 1, "b": 1, "c": 1, "d": 1}, "not chosen: d"),
        ([1, 2], "Expected 3 weights"),
    ],
)
def test_bad_user_weights_give_clear_errors(weights, message):
    with pytest.raises(ni.WeightsError, match=message) as err:
        ni.validate_weights(weights, IDS)
    assert err.value.zh  # a Chinese message for the bilingual page
    assert isinstance(err.value, ValueError)


def test_user_weighting_needs_weights():
    with pytest.raises(ni.WeightsError, match="needs weights"):
        ni.composite_scores(X, "user")


def test_user_weights_by_name_on_a_labelled_matrix():
    frame = pd.DataFrame(X, columns=["first", "second"])
    comp = ni.composite_scores(
        frame, "user", "weighted_sum", DIRS, user_weights={"first": 1, "second": 0}
    )
    np.testing.assert_allclose(comp.scores, [0, 1 / 3, 1], atol=1e-12)


def test_unknown_methods_are_named():
    with pytest.raises(ni.NQPIndexError, match="Unknown aggregation 'mean'"):
        ni.composite_scores(X, "equal", "mean")
    with pytest.raises(ni.NQPIndexError, match="Unknown weighting 'pca'"):
        ni.composite_scores(X, "pca")
    with pytest.raises(ni.NQPIndexError, match="non-negative"):
        ni.topsis(-X, [1, 1])


# ------------------------------------------------------------------------------------------
# Catalogue and statement
# ------------------------------------------------------------------------------------------


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_catalogue_is_complete_and_bilingual():
    ids = [i.id for i in ni.CATALOGUE]
    assert len(ids) == len(set(ids))
    assert set(ni.DEFAULT_INDICATORS) <= set(ids)
    for ind in ni.CATALOGUE:
        assert ind.direction in (1, -1)
        assert ind.dimension in ni.DIMENSIONS
        assert ind.scale > 0
        for name in ("name_en", "definition_en", "direction_reason_en", "sources_en", "unit_en"):
            assert getattr(ind, name).strip(), (ind.id, name)
        for name in ("name_zh", "definition_zh", "direction_reason_zh", "sources_zh"):
            assert _has_cjk(getattr(ind, name)), (ind.id, name)
        assert bool(ind.caveat_en) == bool(ind.caveat_zh), ind.id
    assert all(_has_cjk(zh) for _, zh in ni.DIMENSIONS.values())


def test_disclaimer_says_illustrative_and_names_the_frameworks():
    en, zh = ni.disclaimer("en"), ni.disclaimer("zh")
    assert "not an official statistic" in en
    assert "不是官方统计" in zh
    for name in ("叶天驰", "Li & Liu", "赵健博", "CRITIC", "TOPSIS", "entropy", "digital economy"):
        assert name in en
    for name in ("叶天驰", "Li & Liu", "赵健博", "CRITIC", "TOPSIS", "熵值法", "数字经济"):
        assert name in zh
    assert len(ni.LITERATURE) >= 3
    for paper in ni.LITERATURE:
        assert paper.url.startswith("http") and paper.dimensions_en and paper.dimensions_zh
        assert paper.method_en and paper.method_zh
    with pytest.raises(ni.NQPIndexError):
        ni.disclaimer("fr")


# ------------------------------------------------------------------------------------------
# The real panel
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return load_panel()


def test_every_catalogue_input_is_in_the_panel(panel):
    present = set(panel["indicator"])
    for ind in ni.CATALOGUE:
        assert set(ind.inputs) <= present, ind.id


def test_years_with_all_31_provinces(panel):
    table = ni.catalogue_table(panel).set_index("id")
    assert table.loc["rd_intensity", "years_label"] == "2011–2023"
    assert table.loc["hitech_revenue_to_gdp", "years_label"] == "2011–2016, 2018–2023"
    assert table.loc["tech_market_outflow_to_gdp", "years_label"] == "2017–2023"
    # per-resident rates divide every year by the 2020 census (the only count of all 31)
    assert table.loc["rd_fte_per_10k_people", "years_label"] == "2010–2023"
    assert table.loc["sci_papers_per_10k_people", "years_label"] == "2010–2022"
    assert table.loc["hitech_new_product_share", "years_complete"] == (2016, 2023)
    assert ni.complete_years(panel, ni.DEFAULT_INDICATORS) == list(range(2018, 2024))


def test_indicator_values_are_computed_from_the_panel(panel):
    def v(region, year, indicator):
        row = panel[
            (panel["region"] == region)
            & (panel["year"] == year)
            & (panel["indicator"] == indicator)
        ]
        assert len(row) == 1
        return float(row["value"].iloc[0])

    m = ni.indicator_matrix(
        panel, ["basic_research_share", "tech_market_outflow_to_gdp", "rd_fte_per_gdp"], 2023
    ).values
    assert list(m.index) == list(PROVINCE_CODES)  # 31 provinces, no CN, NE3, ...
    share = (
        100
        * v("CN-LN", 2023, "rd_expenditure_basic_research")
        / v("CN-LN", 2023, "rd_expenditure_total")
    )
    assert m.loc["CN-LN", "basic_research_share"] == pytest.approx(share, rel=1e-12)
    # CNY 10k ÷ CNY 100 million → percent: ÷ 1e4 × 100
    outflow = v("CN-BJ", 2023, "tech_market_outflow_value") / v("CN-BJ", 2023, "gdp_implied")
    assert m.loc["CN-BJ", "tech_market_outflow_to_gdp"] == pytest.approx(outflow / 100)
    fte = v("CN-HL", 2023, "rd_personnel_fte_total") / v("CN-HL", 2023, "gdp_implied")
    assert m.loc["CN-HL", "rd_fte_per_gdp"] == pytest.approx(fte)


def test_the_basic_research_caveat_holds(panel):
    """The catalogue says small-R&D provinces have more than twice Jiangsu's share."""
    for year in range(2018, 2024):
        share = ni.indicator_matrix(panel, ["basic_research_share"], year).values.iloc[:, 0]
        for code in ("CN-HI", "CN-XZ", "CN-JL", "CN-HL"):
            assert share[code] > 2 * share["CN-JS"], (year, code)


def test_gaps_are_reported_not_filled(panel):
    m = ni.indicator_matrix(panel, ni.DEFAULT_INDICATORS, 2014)
    assert not m.complete
    assert m.regions_with_gaps == ("CN-XZ",)
    row = m.gaps.iloc[0]
    assert (row["indicator"], row["missing_inputs"]) == (
        "tech_market_outflow_to_gdp",
        "tech_market_outflow_value",
    )
    assert np.isnan(m.values.loc["CN-XZ", "tech_market_outflow_to_gdp"])
    assert pd.isna(m.grades.loc["CN-XZ", "tech_market_outflow_to_gdp"])


def test_strict_gaps_raise_with_the_usable_years(panel):
    with pytest.raises(ni.DataGapError, match="Tibet") as err:
        ni.build_index(panel, year=2014)
    assert err.value.complete_years == list(range(2018, 2024))
    assert "西藏" in err.value.zh


def test_dropping_provinces_with_gaps_is_visible(panel):
    result = ni.build_index(panel, year=2014, gaps="drop")
    assert result.dropped == ("CN-XZ",)
    assert result.n_provinces == 30
    assert sorted(result.ranking["rank"]) == list(range(1, 31))
    note = next(n for n in result.notes if n.kind == "dropped")
    assert "Tibet" in note.en and "西藏" in note.zh
    with pytest.raises(ni.DataGapError):  # 2017: no province has high-tech revenue
        ni.build_index(panel, year=2017, gaps="drop")


@pytest.mark.parametrize(("weighting", "aggregation"), METHODS)
def test_latest_complete_year_ranks_all_31_provinces(panel, weighting, aggregation):
    result = ni.build_index(panel, weighting=weighting, aggregation=aggregation)
    assert result.year == 2023
    assert set(result.ranking["region"]) == set(PROVINCE_CODES)
    assert np.isfinite(result.ranking["score"]).all()
    assert result.ranking["rank"].between(1, 31).all()
    assert result.ranking["rank"].iloc[0] == 1
    assert result.weights["weight"].sum() == pytest.approx(1.0)
    assert (result.weights["weight"] >= 0).all()
    ne = result.northeast
    assert list(ne["region"]) == list(NE3_MEMBERS)
    assert ne["rank"].between(1, 31).all()
    assert result.raw.shape == result.normalised.shape == (31, len(ni.DEFAULT_INDICATORS))


def test_equal_user_weights_match_equal_weighting(panel):
    ids = ni.DEFAULT_INDICATORS
    a = ni.build_index(panel, weighting="equal")
    b = ni.build_index(panel, weighting="user", user_weights={i: 5 for i in ids})
    pd.testing.assert_frame_equal(a.ranking, b.ranking)
    with pytest.raises(ni.WeightsError):
        ni.build_index(panel, weighting="user")


def test_robustness_table_is_complete_and_consistent(panel):
    rob = ni.rank_robustness(panel)
    n_scen = len(ni.AUTO_WEIGHTINGS) * len(ni.AGGREGATIONS)
    assert rob.year == 2023
    assert len(rob.table) == n_scen * 31
    assert (rob.table.groupby(["weighting", "aggregation"])["region"].nunique() == 31).all()
    assert len(rob.summary) == 31 and (rob.summary["n_scenarios"] == n_scen).all()
    s = rob.summary
    assert (s["rank_min"] <= s["rank_median"]).all() and (s["rank_median"] <= s["rank_max"]).all()
    assert list(rob.northeast["region"]) == list(NE3_MEMBERS)
    # every scenario is exactly what build_index gives
    for (w, a), part in rob.table.groupby(["weighting", "aggregation"]):
        direct = ni.build_index(panel, weighting=w, aggregation=a).ranking
        merged = part.merge(direct, on="region", suffixes=("", "_direct"))
        assert (merged["rank"] == merged["rank_direct"]).all(), (w, a)


def test_robustness_with_leave_one_out_and_user_weights(panel):
    ids = ni.DEFAULT_INDICATORS
    user = {i: 1.0 for i in ids} | {ids[0]: 0.0}
    rob = ni.rank_robustness(panel, leave_one_out=True, user_weights=user)
    n_weightings = len(ni.AUTO_WEIGHTINGS) + 1
    # user weights leaving out ids[0] keep the same (renormalised) weights; still one scenario
    n_scen = (1 + len(ids)) * n_weightings * len(ni.AGGREGATIONS)
    assert len(rob.table) == n_scen * 31
    assert set(rob.table["left_out"]) == {"", *ids}
    assert (rob.summary["n_scenarios"] == n_scen).all()
    sums = rob.weights.groupby(["weighting", "aggregation", "left_out"])["weight"].sum()
    np.testing.assert_allclose(sums, 1.0)


def test_rank_history_of_the_northeast(panel):
    hist = ni.rank_history(panel)
    table = hist.table
    assert sorted(table["year"].unique()) == list(range(2018, 2024))
    assert set(table["region"]) == set(NE3_MEMBERS)
    assert table["rank"].between(1, 31).all() and (table["n_provinces"] == 31).all()
    assert list(hist.skipped["year"]) == list(range(2012, 2018))
    latest = ni.build_index(panel, year=2023).northeast.set_index("region")["rank"]
    last = table[table["year"] == 2023].set_index("region")["rank"]
    assert last.to_dict() == latest.to_dict()
    dropped = ni.rank_history(panel, gaps="drop")
    early = dropped.table[dropped.table["year"] < 2017]
    assert sorted(early["year"].unique()) == list(range(2012, 2017))
    assert (early["n_provinces"] == 30).all()
    assert list(dropped.skipped["year"]) == [2017]


def test_sources_for_every_indicator(panel):
    for ind in ni.CATALOGUE:
        src = ni.indicator_sources(panel, ind.id)
        assert set(src["input"]) == set(ind.inputs), ind.id
        assert src["source"].str.len().gt(0).all()
        assert src["grade"].isin(list("ABCD")).all()
    one = ni.indicator_sources(panel, "rd_fte_per_gdp", 2023)
    assert list(one["input"]) == ["rd_personnel_fte_total", "gdp_implied"]
    assert (one["n_values"] == 31).all()


def test_unknown_indicator_is_named(panel):
    with pytest.raises(ni.NQPIndexError, match="Unknown indicator 'tfp'"):
        ni.build_index(panel, indicators=["rd_intensity", "tfp"])


def test_an_outsized_entropy_or_critic_weight_is_explained_with_the_caveat(panel):
    """The catalogue's warnings surface as notes when the weights actually concentrate."""
    ids = ni.DEFAULT_INDICATORS
    equal_share = 1 / len(ids)
    for weighting, indicator in [
        ("entropy", "invention_patents_in_force_per_10k_people"),
        ("critic", "hitech_revenue_to_gdp"),
    ]:
        result = ni.build_index(panel, weighting=weighting)
        top = result.weights.sort_values("weight").iloc[-1]
        assert top["indicator"] == indicator
        assert top["weight"] >= ni.DOMINANT_WEIGHT_FACTOR * equal_share
        note = next(n for n in result.notes if n.kind == "dominant_weight")
        ind = ni.CATALOGUE_BY_ID[indicator]
        assert ind.name_en in note.en and ind.caveat_en in note.en
        assert ind.name_zh in note.zh and ind.caveat_zh in note.zh
        assert f"{top['weight']:.0%}" in note.en and "not the most important" in note.en
    for weighting in ("equal", "equal_by_dimension"):
        result = ni.build_index(panel, weighting=weighting)
        assert not any(n.kind == "dominant_weight" for n in result.notes)


def test_no_dominant_weight_note_when_weights_are_spread():
    inds = [ni.CATALOGUE_BY_ID[i] for i in ni.DEFAULT_INDICATORS[:3]]
    spread = np.array([0.4, 0.35, 0.25])  # 0.4 < 1.5 × 1/3
    note = build._dominant_weight_note
    assert note("entropy", inds, spread) is None
    assert note("critic", inds, np.array([0.6, 0.2, 0.2])) is not None
    assert note("equal", inds, np.array([0.6, 0.2, 0.2])) is None


@pytest.mark.parametrize(
    ("weighting", "aggregation"), [("critic", "topsis"), ("equal", "weighted_sum")]
)
def test_rank_history_equals_the_index_of_each_year(panel, weighting, aggregation):
    """Every year of the history is exactly that year's index (computed in one pass)."""
    ids = ["rd_intensity", "hitech_revenue_to_gdp", "basic_research_share"]
    hist = ni.rank_history(panel, ids, weighting=weighting, aggregation=aggregation, regions=None)
    assert 2017 in set(hist.skipped["year"])
    for year, part in hist.table.groupby("year"):
        direct = ni.build_index(panel, ids, int(year), weighting, aggregation).ranking
        merged = part.merge(direct, on="region", suffixes=("", "_direct"))
        assert len(merged) == 31
        assert (merged["rank"] == merged["rank_direct"]).all(), year
        np.testing.assert_allclose(merged["score"], merged["score_direct"], atol=1e-12)
    dropped = ni.rank_history(panel, ni.DEFAULT_INDICATORS, years=[2014], gaps="drop")
    assert (dropped.table["n_provinces"] == 30).all()
    assert any("Tibet" in n for n in dropped.notes["en"])
