"""Benchmark of the scenario lab (03_measures): how fast a slider move answers.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_lab.py              # Python callbacks, 30 moves each
    PYTHONPATH=src python benchmarks/bench_lab.py --browser    # also: key press to new numbers

Two measures:

- **Python**: the lab's own end-to-end time of a callback (``ScenarioLab.timings``): check the
  value, validate the scenario, run the model with 2,000 draws, build the chart rows, tables,
  readouts and warnings, and hand them to the widgets. Split into model run and rendering.
- **Browser** (``--browser``): the served app in headless Chromium, from a key press on the R&D
  slider's handle to the readouts and the chart in the page showing the new scenario (this
  adds the widget messages, the kernel round trip and Vega redrawing the SVG).

Prints a markdown table and writes it to ``benchmarks/results/lab.md``. Wall-clock timings on a
shared machine: the load average is recorded next to them.
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

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "lab.md"


def stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median": statistics.median(ordered),
        "p90": ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))],
        "min": ordered[0],
    }


def python_cases(moves: int) -> list[tuple[str, dict[str, float], dict[str, float]]]:
    """(case, total ms stats, model-run ms stats) for lever, assumption, preset and region."""
    from helpers.data import load_panel
    from helpers.model import calibrate
    from helpers.panels import lab as lab_panel

    panel = load_panel()
    baseline = calibrate(panel)
    lab_panel.warm_up(baseline)
    lab = lab_panel.ScenarioLab(baseline, panel, "en")
    rd = lab.lever_rows["rd_intensity_target"].slider
    talent = lab.lever_rows["talent_recruitment"].slider
    depreciation = lab.assumption_rows["rd_depreciation"].slider
    presets = list(lab.preset_buttons.values())
    regions = ["CN-LN", "CN-JL", "CN-HL", "NE3"]
    cases = {
        "R&D intensity target slider": lambda i: setattr(rd, "value", 2.0 + 0.05 * (i % 20)),
        "talent recruitment slider": lambda i: setattr(talent, "value", 100 * (i % 30 + 1)),
        "depreciation assumption slider": lambda i: setattr(
            depreciation, "value", 0.10 + 0.01 * (i % 15)
        ),
        "preset button (moves up to 11 sliders, one model run)": lambda i: presets[
            i % len(presets)
        ].click(),
        "region switch (no model run)": lambda i: lab.show_region(regions[i % len(regions)]),
    }
    out = []
    for name, act in cases.items():
        for i in range(3):  # warm-up
            act(i)
        start = len(lab.timings)
        for i in range(moves):
            act(i + 3)
        entries = lab.timings[start:]
        total = [e["total_ms"] for e in entries]
        model = [e["simulate_ms"] for e in entries if "simulate_ms" in e]
        out.append((name, stats(total), stats(model) if model else {}))
    return out


def browser_case(presses: int) -> dict[str, float]:
    """Median ms from a key press on the R&D slider to new readouts and a redrawn chart."""
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from helpers import NOTEBOOK_DIR
    from tests.conftest import CHROMIUM, CHROMIUM_ARGS, start_app, stop_process_tree

    app = start_app(NOTEBOOK_DIR, ROOT / "test-artifacts" / "voila-bench-lab.log")
    handle = ".nqp-lab-lever-rd_intensity_target .noUi-handle"
    svg = ".nqp-chart-lab svg"
    readouts = ".nqp-lab-readouts"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(app.url("03_measures.ipynb"), wait_until="domcontentloaded")
            page.wait_for_selector(f"{svg} .mark-line path", timeout=180_000)
            page.wait_for_selector(handle, timeout=180_000)
            times = []
            for i in range(presses + 2):
                old_text = page.inner_text(readouts)
                old_svg = page.inner_html(svg)
                page.focus(handle)
                start = time.perf_counter()
                page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
                page.wait_for_function(
                    "([r, s, t, v]) => document.querySelector(r).innerText !== t"
                    " && document.querySelector(s).innerHTML !== v",
                    arg=[readouts, svg, old_text, old_svg],
                    polling=5,
                    timeout=60_000,
                )
                if i >= 2:  # the first two are warm-up
                    times.append((time.perf_counter() - start) * 1000)
            browser.close()
    finally:
        stop_process_tree(app.process)
    return stats(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=30, help="timed moves per case")
    parser.add_argument("--browser", action="store_true", help="also time the served app")
    parser.add_argument("--presses", type=int, default=12, help="timed key presses (browser)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)

    load = os.getloadavg()[0]
    rows = python_cases(args.moves)
    lines = [
        "# Scenario lab benchmark",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {os.cpu_count()} CPUs, {platform.machine()}, Python "
        f"{platform.python_version()}; load average at start {load:.2f} "
        "(2 means both cores busy with other work)",
        f"- Each case: {args.moves} timed moves after 3 warm-up moves; the model runs with "
        "2,000 Monte Carlo draws",
        "",
        "## In Python: the lab's callback, end to end",
        "",
        "From the widget's new value to every widget holding its new content (value checked, "
        "scenario validated, model run, chart rows, tables, readouts and warnings built). "
        "Measured by the lab itself (`ScenarioLab.timings`).",
        "",
        "| case | median (ms) | p90 (ms) | min (ms) | of which model run, median (ms) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, total, model in rows:
        model_ms = f"{model['median']:.1f}" if model else "—"
        lines.append(
            f"| {name} | {total['median']:.1f} | {total['p90']:.1f} | {total['min']:.1f} | "
            f"{model_ms} |"
        )
    if args.browser:
        browser = browser_case(args.presses)
        lines += [
            "",
            "## In the browser: key press to new numbers and a redrawn chart",
            "",
            "Served app (Voilà, preheated kernel), headless Chromium: from pressing an arrow key "
            "on the R&D intensity target slider to the readouts *and* the chart "
            f"showing the new scenario ({args.presses} presses after 2 warm-up presses).",
            "",
            "| case | median (ms) | p90 (ms) | min (ms) |",
            "|---|---:|---:|---:|",
            f"| R&D slider key press → readouts and chart | {browser['median']:.0f} | "
            f"{browser['p90']:.0f} | {browser['min']:.0f} |",
        ]
    lines.append("")
    report = "\n".join(lines)
    print(report)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
