"""Monte Carlo draws: summarised by exact order statistics, sorted on both cores.

Every output that varies with the draws is copied into one table of rows (years × regions of
each output, one column per draw) and the table is sorted along the draws, half of its rows on a
worker thread (numpy releases the GIL while sorting) while the calling thread does other work and
then sorts the other half. Quantiles are order statistics (an actual draw, numpy's
``inverted_cdf``). Runs of more than :data:`BLOCK` draws are evaluated in blocks (to bound
memory); two sorted blocks give the order statistics of their union by a vectorised binary search
(:func:`kth_of_two`), without merging them.
"""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from .uncertainty import QUANTILES, order_statistic_index

#: Threads that evaluate and sort blocks of draws (numpy releases the GIL while sorting).
THREADS = min(2, os.cpu_count() or 1)
#: Largest block of draws evaluated in one go.
BLOCK = 4000
#: Runs with fewer draws than this stay in one block.
SPLIT_MIN = 400
_POOL: list[ThreadPoolExecutor] = []  # created on first use, shared by every call


def _pool() -> ThreadPoolExecutor:
    if not _POOL:
        _POOL.append(ThreadPoolExecutor(max(THREADS - 1, 1), thread_name_prefix="nqp-draws"))
    return _POOL[0]


def block_bounds(draws: int) -> list[tuple[int, int]]:
    """Draw rows ``[lo, hi)`` (1-based, row 0 is the central run) of each block of at most
    :data:`BLOCK` draws."""
    n_blocks = -(-draws // BLOCK)
    edges = np.linspace(1, draws + 1, n_blocks + 1).round().astype(int)
    return [(int(a), int(b)) for a, b in itertools.pairwise(edges)]


@dataclass
class RowTable:
    """The draws of every output, as rows sorted along the draws (one array per block).

    ``spans[i]`` is the (start, stop) of output i's rows and ``constant[i]`` whether its first
    ``n_first`` rows (the base year) did not vary. Call :meth:`finish` before reading.
    """

    blocks: list[np.ndarray]
    spans: list[tuple[int, int]]
    constant: list[bool]
    n_first: int
    _pending: list = field(default_factory=list)
    _stats: dict = field(default_factory=dict)

    def finish(self) -> RowTable:
        """Sort what is left on this thread and wait for the worker."""
        while self._pending:
            task = self._pending.pop()
            if callable(task):
                task()
            else:
                task.result()
        return self

    def quantiles(self, i: int, mirrored: bool = False) -> np.ndarray:
        """P10/P50/P90 of output i's rows over all blocks, (rows, 3)."""
        stats = self._stats.get(mirrored)
        if stats is None:  # every output's rows at once
            n = sum(b.shape[1] for b in self.blocks)
            stats = self._stats[mirrored] = order_statistics(
                self.blocks, quantile_ranks(n, mirrored)
            )
        start, stop = self.spans[i]
        return stats[start:stop]


def pack_rows(arrays: Sequence[np.ndarray], n_first: int) -> tuple[np.ndarray, list, list]:
    """Copy ``arrays`` (years, regions, draws) into one table of rows; their spans, and whether
    the first ``n_first`` rows of each are constant."""
    n = arrays[0].shape[-1]
    sizes = [a.shape[0] * a.shape[1] for a in arrays]
    rows = np.empty((sum(sizes), n), np.float32)
    spans, constant, start = [], [], 0
    for a, size in zip(arrays, sizes, strict=True):
        block = rows[start : start + size]
        block[...] = a.reshape(size, n)
        first = block[:n_first]
        constant.append(bool((first.min(axis=1) == first.max(axis=1)).all()))
        spans.append((start, start + size))
        start += size
    return rows, spans, constant


def start_sorting(blocks: list[np.ndarray], spans, constant, n_first: int) -> RowTable:
    """Sort every block's rows along the draws: half on the worker thread now, the rest when
    :meth:`RowTable.finish` is called."""
    table = RowTable(blocks, spans, constant, n_first)
    for rows in blocks:
        half = rows.shape[0] // 2
        if THREADS > 1 and rows.size > 200_000:
            # finish() pops from the end: this thread's half first, then wait for the worker's
            table._pending.append(_pool().submit(rows[:half].sort, axis=1))
            table._pending.append(functools.partial(rows[half:].sort, axis=1))
        else:
            table._pending.append(functools.partial(rows.sort, axis=1))
    return table


def kth_of_two(a: np.ndarray, b: np.ndarray, k: int) -> np.ndarray:
    """The k-th smallest (0-based) of the union of each row of ``a`` and ``b``, both sorted
    along axis 1, by a binary search on how many of the k + 1 smallest come from ``a``."""
    rows, m = a.shape
    n = b.shape[1]
    r = np.arange(rows)
    lo = np.full(rows, max(0, k + 1 - n))
    hi = np.full(rows, min(k + 1, m))
    for _ in range(int(np.ceil(np.log2(max(m, 2)))) + 2):
        i = (lo + hi) // 2
        j = k + 1 - i
        a_prev = np.where(i > 0, a[r, np.maximum(i - 1, 0)], -np.inf)
        b_next = np.where(j < n, b[r, np.minimum(j, n - 1)], np.inf)
        b_prev = np.where(j > 0, b[r, np.maximum(j - 1, 0)], -np.inf)
        a_next = np.where(i < m, a[r, np.minimum(i, m - 1)], np.inf)
        too_many = a_prev > b_next  # take fewer from a
        too_few = b_prev > a_next  # take more from a
        hi = np.where(too_many, i - 1, hi)
        lo = np.where(too_few, i + 1, lo)
        done = ~(too_many | too_few)
        lo = np.where(done, i, lo)
        hi = np.where(done, i, hi)
    i = lo
    j = k + 1 - i
    a_prev = np.where(i > 0, a[r, np.maximum(i - 1, 0)], -np.inf)
    b_prev = np.where(j > 0, b[r, np.maximum(j - 1, 0)], -np.inf)
    return np.maximum(a_prev, b_prev)


def order_statistics(blocks: Sequence[np.ndarray], ranks: Sequence[int]) -> np.ndarray:
    """Order statistics ``ranks`` (0-based) of each row over all blocks, (rows, len(ranks))."""
    if len(blocks) == 1:
        return blocks[0][:, list(ranks)].astype(float)
    if len(blocks) == 2:
        return np.stack([kth_of_two(blocks[0], blocks[1], k) for k in ranks], axis=1).astype(float)
    merged = np.sort(np.concatenate(blocks, axis=1), axis=1)  # rare: more than two blocks
    return merged[:, list(ranks)].astype(float)


@functools.lru_cache(maxsize=64)
def quantile_ranks(n: int, mirrored: bool = False) -> tuple[int, ...]:
    """Ranks of P10, P50, P90 in a sample of n; ``mirrored`` counts from the top (the quantiles
    of −x are −these values)."""
    ranks = [order_statistic_index(n, q) for q in QUANTILES.values()]
    return tuple(n - 1 - i for i in ranks) if mirrored else tuple(ranks)
