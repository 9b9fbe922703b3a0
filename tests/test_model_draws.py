"""The Monte Carlo summary finds the same P10/P50/P90 as sorting every row whole (hypothesis).

:mod:`helpers.model.draws` sorts short runs of draws and reads the quantiles from windows around
where they should be, checking each answer; these tests compare it with ``np.sort`` on draws of
every shape the model can make: any number of draws, several evaluation blocks, ties, constant
rows, NaN, and rows whose draws are ordered (where every window misses and the check must catch
it).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.model import draws as D
from helpers.model import simulate
from helpers.model.draws import row_quantiles
from tests.conftest_model import baseline, model_baseline  # noqa: F401


def _reference(rows: np.ndarray, mirrored: bool) -> np.ndarray:
    ranks = list(D.quantile_ranks(rows.shape[1], mirrored))
    return np.sort(rows, axis=1)[:, ranks].astype(float)


def _table(rows: np.ndarray, block: int) -> D.RowTable:
    """The rows as the simulation hands them over: one source per evaluation block, earlier
    blocks packed into a table, the last one as a list of arrays (years, regions, draws)."""
    n = rows.shape[1]
    edges = [*range(0, n, block), n]
    blocks = [rows[:, a:b] for a, b in itertools.pairwise(edges)]
    sources = [D.pack_rows([b[:, None, :]]) for b in blocks[:-1]]
    # the last block: the rows split over arrays of one or two regions
    last, parts, start = blocks[-1], [], 0
    while start < len(last):
        stop = min(len(last), start + 2 * (1 + len(parts) % 3))
        parts.append(last[start:stop].reshape(-1, 1 if (stop - start) % 2 else 2, last.shape[1]))
        start = stop
    sources.append(parts)
    spans = D.row_spans(parts)
    assert spans[-1][1] == len(rows)
    return D.start_sorting(sources, spans, D.first_rows_constant(parts), 1)


def _quantiles(table: D.RowTable, mirrored: bool = False) -> np.ndarray:
    """Every output's P10/P50/P90, their rows in order."""
    return np.concatenate([table.quantiles(i, mirrored) for i in range(len(table.spans))])


def _draws(rng: np.random.Generator, n_rows: int, n: int, kind: str) -> np.ndarray:
    rows = rng.lognormal(size=(n_rows, n)).astype(np.float32)
    if kind == "ties":
        rows = np.round(rows * 2).astype(np.float32)
    elif kind == "constant":
        rows[:] = 1.5
    elif kind == "nan":
        rows[rng.random(rows.shape) < rng.random((n_rows, 1))] = np.nan
    elif kind == "ordered":  # draws in order: every window is in the wrong place
        rows.sort(axis=1)
    elif kind == "reversed":
        rows = -np.sort(rows, axis=1)
    elif kind == "signs":
        rows -= np.median(rows)
    return rows


KINDS = ["random", "ties", "constant", "nan", "ordered", "reversed", "signs"]


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 9000),
    n_rows=st.integers(1, 40),
    kind=st.sampled_from(KINDS),
    block=st.sampled_from([4000, 1000, 333]),
    seed=st.integers(0, 2**16),
)
def test_quantiles_equal_those_of_a_full_sort(n, n_rows, kind, block, seed):
    rows = _draws(np.random.default_rng(seed), n_rows, n, kind)
    table = _table(rows, block)
    for mirrored in (False, True):
        got = _quantiles(table, mirrored)
        assert np.array_equal(got, _reference(rows, mirrored), equal_nan=True)


@pytest.mark.parametrize("n", [2, 499, 500, 501, 2000, 4001])
@pytest.mark.parametrize("kind", KINDS)
def test_row_quantiles_equal_those_of_a_full_sort(n, kind):
    rows = _draws(np.random.default_rng(n), 30, n, kind)
    before = rows.copy()
    both = D.row_quantiles(rows, None)
    assert np.array_equal(rows, before, equal_nan=True)  # the caller's draws are left alone
    assert np.array_equal(both[:, :3], _reference(rows, False), equal_nan=True)
    assert np.array_equal(both[:, 3:], _reference(rows, True), equal_nan=True)
    assert np.array_equal(D.row_quantiles(rows), _reference(rows, False), equal_nan=True)


def test_the_table_is_summarised_on_both_threads_with_the_same_result():
    """Large tables are split between the worker thread and the caller."""
    rows = _draws(np.random.default_rng(0), 1352, 2000, "random")
    assert rows.size > 200_000
    table = _table(rows, 4000)
    assert len(table._pending) == (2 if D.THREADS > 1 else 1)
    assert np.array_equal(_quantiles(table), _reference(rows, False))
    assert np.array_equal(_quantiles(table, True), _reference(rows, True))


def test_nan_counts_as_the_largest_value():
    """As in numpy's sort: a quantile that lands on a NaN (parity never reached) is NaN."""
    row = np.array([[np.nan] * 5 + list(range(5))], np.float32)
    assert row_quantiles(row)[0, :2].tolist() == [0.0, 4.0]  # ranks 0, 4 and 8 of 0…4, nan×5
    assert np.isnan(row_quantiles(row)[0, 2])
    mostly = np.full((3, 2000), np.nan, np.float32)
    mostly[:, :5] = [[1], [2], [3]]
    assert np.isnan(row_quantiles(mostly)).all()


def test_changing_one_result_leaves_the_next_alone(baseline):  # noqa: F811
    """The structural columns of the series table are built once and cached: each result must
    get its own copy."""
    first = simulate(baseline, draws=50)
    expected = simulate(baseline, draws=50).series.copy()
    first.series.loc[0, "region"] = "CN"
    first.series.loc[1, "year"] = 1900
    first.metrics.loc[0, "value"] = -1.0
    again = simulate(baseline, draws=50)
    assert again.series.equals(expected)
    assert again.metrics.loc[0, "value"] != -1.0


def test_packed_rows_are_the_arrays_rows_in_order():
    arrays = [np.arange(24, dtype=np.float32).reshape(3, 2, 4), np.full((1, 3, 4), 7, np.float32)]
    table = D.pack_rows(arrays)
    assert table.shape == (9, 4) and D.row_spans(arrays) == [(0, 6), (6, 9)]
    assert np.array_equal(table[:6], arrays[0].reshape(6, 4))
    assert np.array_equal(D.pack_rows(arrays, 5, 8), table[5:8])
    assert D.first_rows_constant(arrays) == [False, True]
