"""Benchmark of the scenario model (issue 4): one full scenario, 2,000 draws, all regions and years.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_model.py            # 40 timed runs
    PYTHONPATH=src python benchmarks/bench_model.py --runs 60 --panel data/processed/panel.csv

Prints a markdown table and writes it to ``benchmarks/results/model.md``. The scenario is the
combined package of the report's five measures, so every block of the model moves. Timings are
wall-clock, single process; the machine's load average is recorded next to them because other
processes on a shared machine slow every figure down.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "model.md"
TARGET_MS = 20.0


def load_panel(path: str | None):
    """The data panel: a CSV if given, else the data layer."""
    import pandas as pd

    if path:
        return pd.read_csv(path)
    from helpers.data import load_panel as data_layer

    return data_layer()


def time_it(fn, runs: int, warmup: int = 3) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU (this process) milliseconds of ``runs`` calls."""
    for _ in range(warmup):
        fn()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def summary(wall: list[float], cpu: list[float]) -> dict[str, float]:
    ordered = sorted(wall)
    return {
        "median": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, int(np.ceil(0.95 * len(ordered))) - 1)],
        "min": ordered[0],
        "cpu": statistics.median(cpu),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="timed runs per case (>= 30)")
    parser.add_argument("--draws", type=int, default=2000)
    parser.add_argument("--panel", help="tidy panel CSV (default: helpers.data.load_panel())")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)

    from helpers.model import DEFAULT_SEED, calibrate, load_parameters, simulate
    from helpers.model.core import evaluate
    from helpers.model.errors import draw_errors, read_error_model
    from helpers.model.simulation import resolve_assumptions, resolve_levers
    from helpers.model.uncertainty import draw_assumptions
    from helpers.presets import PRESETS

    baseline = calibrate(load_panel(args.panel))
    parameters = load_parameters()
    levers = PRESETS["combined_package"].levers(baseline)
    draws = args.draws

    lever_values = resolve_levers(levers, baseline, parameters)
    drawn = draw_assumptions(resolve_assumptions(None, parameters), parameters, draws, None)
    errors = draw_errors(read_error_model(), len(baseline.years), draws, DEFAULT_SEED)

    def model_only():  # what simulate() evaluates, with the backtest's forecast errors
        centre = evaluate(baseline, lever_values, {k: v[:1] for k, v in drawn.items()})
        block = {k: (v[1:] if v.size > 1 else v) for k, v in drawn.items()}
        evaluate(baseline, lever_values, block, dtype=np.float32, reference=centre, errors=errors)

    cases = [
        (
            f"simulate(): full scenario, {draws:,} draws, every output summarised (P10/P50/P90)",
            lambda: simulate(baseline, levers, draws=draws),
        ),
        (f"model evaluation only ({draws:,} draws, no summary)", model_only),
        ("simulate(): central run only (draws=0)", lambda: simulate(baseline, levers)),
    ]
    rows = []
    for label, fn in cases:
        load_before = os.getloadavg()[0]
        stats = summary(*time_it(fn, args.runs))
        rows.append((label, stats, load_before))
        print(f"{label}: median {stats['median']:.1f} ms", file=sys.stderr)

    result = simulate(baseline, levers, draws=draws)
    lines = [
        "# Scenario model benchmark",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Scenario: `combined_package` preset (all five measures), {draws:,} Monte Carlo draws, "
        f"{len(result.series):,} result rows ({result.series['region'].nunique()} regions, "
        f"{result.series['year'].nunique()} years, {result.series['variable'].nunique()} "
        f"variables × baseline/scenario/change × central/P10/P50/P90)",
        f"- Machine: {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, numpy {np.__version__}; single process",
        f"- Runs: {args.runs} timed runs per case after 3 warm-up runs",
        f"- Target: median under {TARGET_MS:.0f} ms for the full scenario",
        "",
        "| case | median (ms) | p95 (ms) | min (ms) | CPU time, median (ms) | load average |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, stats, load in rows:
        lines.append(
            f"| {label} | {stats['median']:.1f} | {stats['p95']:.1f} | {stats['min']:.1f} "
            f"| {stats['cpu']:.1f} | {load:.2f} |"
        )
    verdict = "met" if rows[0][1]["median"] < TARGET_MS else "NOT met"
    lines += [
        "",
        f"Target ({TARGET_MS:.0f} ms median, full scenario): **{verdict}**. Wall-clock time is the "
        "measure; CPU time (this process only) shows how much of it is the model's own work when "
        "other processes share the cores (load average = 1-minute average at the start of a case;"
        f" {os.cpu_count()} means the cores were fully busy).",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
