"""Monte Carlo draws: summarised by exact order statistics, sorted on both cores.

Every output that varies with the draws is copied into one table of rows (years × regions of
each output, one column per draw). Quantiles are order statistics (an actual draw, numpy's
``inverted_cdf``), found without sorting whole rows:

1. the draws are cut into runs of at most :data:`CHUNK` columns and each run is sorted along its
   rows, half of the runs on a worker thread (numpy releases the GIL while sorting) while the
   calling thread does other work and then sorts the rest. numpy sorts rows this short with a
   sorting network, about ten times faster per value than the 2,000-long rows of a full run
   (measured on the CI machine: 3.9 ms against 23 ms for the 1,352 × 2,000 table);
2. the k-th smallest of a row lies, in each sorted run, close to position k × run / draws. A
   window around that position is taken from every run, the windows are sorted together (again
   short rows) and the candidate at rank k minus the values left of the windows is the answer
   wherever every value left of a window is ≤ it and every value right of one is ≥ it, which is
   checked; the rare row that fails the check is sorted whole (:func:`order_statistics`).

Runs of more than :data:`BLOCK` draws are evaluated in blocks (to bound memory); their runs are
pooled the same way.
"""

from __future__ import annotations

import functools
import itertools
import math
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from .uncertainty import QUANTILES, order_statistic_index

#: Threads that sort runs of draws (numpy releases the GIL while sorting).
THREADS = min(2, os.cpu_count() or 1)
#: Largest block of draws evaluated in one go.
BLOCK = 4000
#: Longest run of draws sorted in one piece (numpy sorts float32 rows of up to 512 values with a
#: sorting network).
CHUNK = 500
#: Half-width of a window, in standard deviations of the position of the k-th value in a run.
WINDOW_SD = 4.5
#: Ranks at most this far apart are found from one set of windows.
NEAR = 8
#: Share of the rows summarised on the worker thread.
WORKER_SHARE = 0.6
_POOL: list[ThreadPoolExecutor] = []  # created on first use, shared by every call


def _pool() -> ThreadPoolExecutor:
    if not _POOL:
        _POOL.append(ThreadPoolExecutor(max(THREADS - 1, 1), thread_name_prefix="nqp-draws"))
    return _POOL[0]


def _edges(n: int, longest: int) -> list[tuple[int, int]]:
    """[lo, hi) of near-equal pieces of range(n), none longer than ``longest``."""
    pieces = -(-n // longest)
    edges = np.linspace(0, n, pieces + 1).round().astype(int)
    return [(int(a), int(b)) for a, b in itertools.pairwise(edges)]


def block_bounds(draws: int) -> list[tuple[int, int]]:
    """Draw rows ``[lo, hi)`` (1-based, row 0 is the central run) of each block of at most
    :data:`BLOCK` draws."""
    return [(lo + 1, hi + 1) for lo, hi in _edges(draws, BLOCK)]


@dataclass
class RowTable:
    """The draws of every output, as rows, and the tasks that summarise them.

    ``spans[i]`` is the (start, stop) of output i's rows and ``constant[i]`` whether its first
    ``n_first`` rows (the base year) did not vary. The order statistics of P10/P50/P90 and of
    their mirror images (counted from the top) are found for every row by :meth:`finish`.
    """

    n_draws: int
    spans: list[tuple[int, int]]
    constant: list[bool]
    n_first: int
    _pending: list = field(default_factory=list)
    _parts: list = field(default_factory=list)
    _stats: np.ndarray | None = None
    _columns: dict = field(default_factory=dict)

    def finish(self) -> RowTable:
        """Summarise what is left on this thread and wait for the worker."""
        while self._pending:
            task = self._pending.pop()
            self._parts.append(task() if callable(task) else task.result())
        if self._stats is None:  # parts were made from the last rows to the first
            self._stats = np.concatenate(self._parts[::-1])
        return self

    def quantiles(self, i: int, mirrored: bool = False) -> np.ndarray:
        """P10/P50/P90 of output i's rows over all draws, (rows, 3)."""
        stats = self.finish()._stats
        start, stop = self.spans[i]
        return stats[start:stop, self._columns[mirrored]]


def row_spans(arrays: Sequence[np.ndarray]) -> list[tuple[int, int]]:
    """(start, stop) of each array's rows (years × regions) in the table of all of them."""
    ends = np.cumsum([0, *(a.shape[0] * a.shape[1] for a in arrays)]).tolist()
    return list(itertools.pairwise(ends))


def first_rows_constant(arrays: Sequence[np.ndarray]) -> list[bool]:
    """Whether each array's first year (years, regions, draws) is the same in every draw."""
    if len({a.shape[1:] for a in arrays}) == 1:  # all at once
        first = np.stack([a[0] for a in arrays])
        return (first.min(axis=-1) == first.max(axis=-1)).all(axis=-1).tolist()
    return [bool((a[0].min(axis=-1) == a[0].max(axis=-1)).all()) for a in arrays]


def pack_rows(arrays: Sequence[np.ndarray], start: int = 0, stop: int | None = None) -> np.ndarray:
    """Rows ``start:stop`` of the table of ``arrays`` (years, regions, draws), as a new
    float32 array (rows, draws)."""
    spans = row_spans(arrays)
    stop = spans[-1][1] if stop is None else stop
    n = arrays[0].shape[-1]
    out = np.empty((stop - start, n), np.float32)
    for a, (lo, hi) in zip(arrays, spans, strict=True):
        first, last = max(lo, start), min(hi, stop)
        if first < last:
            out[first - start : last - start] = a.reshape(hi - lo, n)[first - lo : last - lo]
    return out


def _rows(source, start: int, stop: int) -> np.ndarray:
    """Rows ``start:stop`` of a block: a packed table (a view) or a list of arrays (copied)."""
    if isinstance(source, np.ndarray):
        return source[start:stop]
    return pack_rows(source, start, stop)


def _summarise(sources: Sequence, start: int, stop: int, ranks: Sequence[int]) -> np.ndarray:
    """Order statistics ``ranks`` of rows ``start:stop`` over every block of draws: the rows
    are copied (from a list of arrays) or taken (from a packed table), cut into runs of at most
    :data:`CHUNK` draws, and each run is sorted."""
    runs = []
    for source in sources:
        rows = _rows(source, start, stop)
        runs.extend(rows[:, lo:hi] for lo, hi in _edges(rows.shape[1], CHUNK))
    for run in runs:
        run.sort(axis=1)
    return order_statistics(runs, ranks)


def start_sorting(sources: Sequence, spans, constant, n_first: int) -> RowTable:
    """Summarise the draws of every output: ``sources`` holds one block of draws each, as a list
    of arrays (years, regions, draws) or a table packed by :func:`pack_rows` (rows, draws), the
    same rows in every block. The first rows go to the worker thread now (copying them too);
    the rest wait for :meth:`RowTable.finish`."""
    n_rows = spans[-1][1]
    n = sum(_width(source) for source in sources)
    table = RowTable(n, spans, constant, n_first)
    ranks = sorted({*quantile_ranks(n), *quantile_ranks(n, True)})
    table._columns = {m: [ranks.index(k) for k in quantile_ranks(n, m)] for m in (False, True)}
    if THREADS > 1 and n_rows * n > 200_000:
        # finish() pops from the end: this thread's part first, then wait for the worker's.
        # The worker takes more rows: this thread summarises the metrics meanwhile.
        split = round(n_rows * WORKER_SHARE)
        table._pending.append(_pool().submit(_summarise, sources, 0, split, ranks))
        table._pending.append(functools.partial(_summarise, sources, split, n_rows, ranks))
    else:
        table._pending.append(functools.partial(_summarise, sources, 0, n_rows, ranks))
    return table


def _width(source) -> int:
    """Draws in a block."""
    return source.shape[1] if isinstance(source, np.ndarray) else source[0].shape[-1]


def _windows(ks: Sequence[int], sizes: Sequence[int]) -> list[tuple[int, int]]:
    """[lo, hi) in each sorted run of where the ks-th smallest (0-based, close together) of
    their union probably lie: about :data:`WINDOW_SD` standard deviations of the hypergeometric
    position either side of k × run / total. Every window starts at or before k × run / total
    and ends after it, so the windows hold more than k − (values left of them) values: the
    ranks sought are always among the candidates."""
    n = sum(sizes)
    k_lo, k_hi = min(ks), max(ks)
    p = ((k_lo + k_hi) / 2 + 0.5) / n
    out = []
    for m in sizes:
        sd = math.sqrt(max(m * p * (1 - p) * (n - m) / max(n - 1, 1), 0.25))
        first = math.floor(k_lo * m / n - WINDOW_SD * sd) - 1
        last = math.ceil(k_hi * m / n + WINDOW_SD * sd) + 1
        width = min(m, last - first)
        lo = min(max(first, 0), m - width)
        out.append((lo, lo + width))
    return out


def _kth(runs: Sequence[np.ndarray], ks: Sequence[int]) -> np.ndarray:
    """The ks-th smallest (0-based, close together) of each row of the union of ``runs`` (each
    sorted along its rows), float32 (rows, len(ks)). NaN counts as the largest value, as in
    numpy's sort."""
    windows = _windows(ks, [run.shape[1] for run in runs])
    left = sum(lo for lo, _ in windows)
    candidates = np.concatenate(
        [run[:, lo:hi] for run, (lo, hi) in zip(runs, windows, strict=True)], axis=1
    )
    candidates.sort(axis=1)
    values = candidates[:, [k - left for k in ks]]
    low, high = values[:, 0], values[:, -1]
    good = np.ones(low.shape, bool)
    for run, (lo, hi) in zip(runs, windows, strict=True):
        if lo > 0:  # everything left of the window is <= the smallest value sought
            good &= (run[:, lo - 1] <= low) | np.isnan(low)
        if hi < run.shape[1]:  # everything right of it is >= the largest (NaN is largest)
            right = run[:, hi]
            good &= (right >= high) | np.isnan(right)
    bad = np.flatnonzero(~good)
    if bad.size:
        whole = np.sort(np.concatenate([run[bad] for run in runs], axis=1), axis=1)
        values[bad] = whole[:, list(ks)]
    return values


def order_statistics(runs: Sequence[np.ndarray], ranks: Sequence[int]) -> np.ndarray:
    """Order statistics ``ranks`` (0-based) of each row over all ``runs`` (each sorted along its
    rows), float64 (rows, len(ranks)). Ranks within :data:`NEAR` of each other share one sort of
    candidates."""
    if len(runs) == 1:
        return runs[0][:, list(ranks)].astype(float)
    order = sorted(range(len(ranks)), key=lambda i: ranks[i])
    out = np.empty((runs[0].shape[0], len(ranks)))
    group = [order[0]]
    for i in [*order[1:], None]:
        if i is not None and ranks[i] - ranks[group[-1]] <= NEAR:
            group.append(i)
            continue
        out[:, group] = _kth(runs, [ranks[j] for j in group])
        group = [i]
    return out


def row_quantiles(rows: np.ndarray, mirrored: bool | None = False) -> np.ndarray:
    """P10/P50/P90 of each row of ``rows`` (rows, draws), float64 (rows, 3), without sorting
    whole rows (``rows`` is left as it is). ``mirrored`` counts from the top (see
    :func:`quantile_ranks`); ``None`` gives both, (rows, 6): as counted, then mirrored."""
    n = rows.shape[1]
    ranks = (
        [*quantile_ranks(n), *quantile_ranks(n, True)]
        if mirrored is None
        else list(quantile_ranks(n, mirrored))
    )
    runs = [np.sort(rows[:, lo:hi], axis=1) for lo, hi in _edges(n, CHUNK)]
    return order_statistics(runs, ranks)


@functools.lru_cache(maxsize=64)
def quantile_ranks(n: int, mirrored: bool = False) -> tuple[int, ...]:
    """Ranks of P10, P50, P90 in a sample of n; ``mirrored`` counts from the top (the quantiles
    of −x are −these values)."""
    ranks = [order_statistic_index(n, q) for q in QUANTILES.values()]
    return tuple(n - 1 - i for i in ranks) if mirrored else tuple(ranks)
