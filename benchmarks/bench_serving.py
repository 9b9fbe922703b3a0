"""Serving benchmarks: time to interactive, slider latency, kernel memory and concurrent users.

    .venv/bin/python benchmarks/bench_serving.py                 # everything, writes the report
    .venv/bin/python benchmarks/bench_serving.py --only tti --loads 3

Measured in headless Chromium against the app served exactly as `python -m helpers.serve` serves
it (same command line, settings and template), each figure next to a bare notebook with one
ipywidgets slider served the same way in the same run. Results go to
`benchmarks/results/serving.md` (and `serving.json`). Bounded: every loop stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from helpers import NOTEBOOK_DIR  # noqa: E402
from helpers.serve import POOLS_ENV, voila_command, voila_environment  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
BARE = "bare_slider.ipynb"
#: What the benchmark measures (``--only`` picks some; the report keeps the others' last results).
PARTS = ("tti", "latency", "memory", "crowd")
BARE_SOURCE = """\
import ipywidgets as widgets

slider = widgets.IntSlider(value=50, min=0, max=100, description="x")
slider.add_class("bench-slider")
echo = widgets.Label("50")
echo.add_class("bench-echo")
slider.observe(lambda change: setattr(echo, "value", str(change["new"])), names="value")
widgets.VBox([slider, echo])
"""
#: Slider handle and the element a key press must change, per notebook with a slider.
SLIDERS = {
    BARE: (".bench-slider .noUi-handle", ".bench-echo"),
    "00_start_here.ipynb": (".nqp-year-slider .noUi-handle", ".nqp-chart-ranking svg"),
    "02_challenges.ipynb": (".nqp-lesson-year .noUi-handle", ".nqp-chart-lesson svg"),
    "03_measures.ipynb": (
        ".nqp-lab-lever-rd_intensity_target .noUi-handle",
        ".nqp-chart-lab svg",
    ),
    "04_workshop.ipynb": (".nqp-guess-share .noUi-handle", ".nqp-guess-chart-share svg"),
}
#: A page is interactive when Voilà has shown the cells, every widget view is drawn and every
#: chart has its marks; and that state has held for 300 ms.
READY_JS = """
() => {
  const cells = document.querySelector('#rendered_cells');
  if (!cells || getComputedStyle(cells).display === 'none') return false;
  if (document.querySelectorAll('.jupyter-widgets').length === 0) return false;
  for (const e of document.querySelectorAll('.vega-embed')) {
    if (!e.querySelector('svg .mark-group, canvas')) return false;
  }
  const n = document.querySelectorAll('.jupyter-widgets, .vega-embed svg').length;
  if (window.__nqpReadyCount !== n) {
    window.__nqpReadyCount = n;
    window.__nqpReadySince = performance.now();
    return false;
  }
  return performance.now() - window.__nqpReadySince > 300;
}
"""
#: Installs a timer: keydown on the handle starts it, the first change of the target stops it.
LATENCY_JS = """
([handle, target]) => {
  window.__nqpT0 = null; window.__nqpT1 = null;
  const h = document.querySelector(handle), t = document.querySelector(target);
  h.addEventListener('keydown', () => {
    window.__nqpT0 = performance.now();
    window.__nqpT1 = null;
  }, {capture: true});
  new MutationObserver(() => {
    if (window.__nqpT0 !== null && window.__nqpT1 === null) window.__nqpT1 = performance.now();
  }).observe(t, {subtree: true, childList: true, characterData: true, attributes: true});
}
"""


def serve_root(notebooks: list[str], with_bare: bool = True) -> Path:
    """A folder with the app's notebooks and the bare notebook, served together."""
    root = Path(tempfile.mkdtemp(prefix="nqp-bench-"))
    for name in notebooks:
        shutil.copy(NOTEBOOK_DIR / name, root / name)
    if not with_bare:
        return root
    bare = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(BARE_SOURCE)])
    bare.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(bare, root / BARE)
    return root


@contextlib.contextmanager
def served(root: Path, port: int, pools: str = ""):
    """Voilà on ``root``; ``pools`` as the launcher's ``--pool`` options, e.g. ``"x.ipynb=40"``."""
    log = (RESULTS / "raw").joinpath(f"voila-{port}.log")
    log.parent.mkdir(parents=True, exist_ok=True)
    env = voila_environment()
    if pools:
        env[POOLS_ENV] = pools
    process = subprocess.Popen(
        voila_command(port, root=root),
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_pool(process, len(list(root.glob("*.ipynb"))), timeout=600)
        yield f"http://127.0.0.1:{port}", process
    finally:
        children = psutil.Process(process.pid).children(recursive=True)
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
        for child in children:
            with contextlib.suppress(psutil.Error):
                child.kill()


def kernels(process) -> list[psutil.Process]:
    found = []
    for child in psutil.Process(process.pid).children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if child.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(child.cmdline()):
                found.append(child)
    return found


def wait_for_pool(process, count: int, timeout: float) -> None:
    """Wait until the preheated kernels exist and are idle (their notebooks executed)."""

    def quiet(kernel: psutil.Process) -> bool:
        try:
            return kernel.cpu_percent(interval=0.2) < 5
        except psutil.Error:  # gone meanwhile (a visitor's kernel shutting down)
            return True

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ks = kernels(process)
        if len(ks) >= count and all(quiet(k) for k in ks):
            return
        time.sleep(1)
    raise TimeoutError("the kernel pool did not fill in time")


def uss_mb(proc: psutil.Process) -> float:
    return proc.memory_full_info().uss / 2**20


def summary(values: list[float]) -> dict:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(values),
        "median": statistics.median(values),
        "p95": p95,
        "min": ordered[0],
        "max": ordered[-1],
    }


# --- time to interactive and slider latency, one visitor at a time --------------------------


def time_to_interactive(base: str, process, notebooks: list[str], loads: int) -> dict:
    from playwright.sync_api import sync_playwright

    results: dict[str, list[float]] = {name: [] for name in notebooks}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(loads):
            for name in notebooks:
                # Wait for a warm pool, as a visitor arriving a little after the previous one.
                wait_for_pool(process, len(notebooks), timeout=300)
                context = browser.new_context()  # cold browser cache, like a new visitor
                page = context.new_page()
                start = time.perf_counter()
                page.goto(f"{base}/voila/render/{name}")
                page.wait_for_function(READY_JS, timeout=180_000, polling=50)
                results[name].append(time.perf_counter() - start - 0.3)  # minus the hold
                page.goto("about:blank")
                page.wait_for_timeout(500)
                context.close()
        browser.close()
    return {name: summary(values) for name, values in results.items()}


def slider_latency(base: str, process, notebooks: list[str], presses: int) -> dict:
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name in notebooks:
            if name not in SLIDERS:
                continue
            handle, target = SLIDERS[name]
            wait_for_pool(process, len(notebooks), timeout=300)
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"{base}/voila/render/{name}")
            page.wait_for_function(READY_JS, timeout=180_000, polling=50)
            page.evaluate(LATENCY_JS, [handle, target])
            page.focus(handle)
            values = []
            for index in range(presses):
                page.keyboard.press("ArrowLeft" if index % 2 == 0 else "ArrowRight")
                page.wait_for_function("() => window.__nqpT1 !== null", timeout=30_000)
                values.append(page.evaluate("window.__nqpT1 - window.__nqpT0"))
                page.wait_for_timeout(150)  # let the last update settle before the next press
            results[name] = summary(values)
            page.goto("about:blank")
            context.close()
        browser.close()
    return results


# --- memory -----------------------------------------------------------------------------------


def import_only_kernel_mb() -> float:
    """USS of a kernel that only imports numpy, pandas, altair and ipywidgets."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    try:
        client.execute_interactive(
            "import numpy, pandas, altair, ipywidgets", timeout=120, store_history=False
        )
        time.sleep(1)
        return uss_mb(psutil.Process(manager.provisioner.pid))
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def session_kernel_mb(base: str, process, notebooks: list[str]) -> dict:
    """USS of the kernel serving one visitor of each page, after it rendered."""
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name in notebooks:
            wait_for_pool(process, len(notebooks), timeout=300)
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"{base}/voila/render/{name}")
            page.wait_for_function(READY_JS, timeout=180_000, polling=50)
            config = json.loads(page.text_content("#jupyter-config-data"))
            kernel = next(
                k for k in kernels(process) if config["kernelId"] in " ".join(k.cmdline())
            )
            time.sleep(1)
            results[name] = uss_mb(kernel)
            page.goto("about:blank")
            context.close()
        browser.close()
    return results


# --- concurrent users -------------------------------------------------------------------------


async def _one_user(browser, url: str, handle: str | None, target: str | None) -> dict:
    context = await browser.new_context()
    page = await context.new_page()
    start = time.perf_counter()
    try:
        await page.goto(url, timeout=300_000)
        await page.wait_for_function(READY_JS, timeout=300_000, polling=100)
        tti = time.perf_counter() - start - 0.3
        interactive = True
        if handle:
            before = await page.inner_html(target)
            await page.focus(handle)
            await page.keyboard.press("ArrowLeft")
            await page.wait_for_function(
                "([sel, old]) => document.querySelector(sel).innerHTML !== old",
                arg=[target, before],
                timeout=120_000,
            )
        return {"ok": interactive, "tti": tti}
    except Exception as exc:  # a failure is a result here, reported in the table
        return {"ok": False, "tti": None, "error": f"{exc.__class__.__name__}: {exc}"[:200]}
    finally:
        with contextlib.suppress(Exception):
            await page.goto("about:blank")
            await page.wait_for_timeout(500)
        await context.close()


async def _crowd(base: str, name: str, users: int, process) -> dict:
    from playwright.async_api import async_playwright

    handle, target = SLIDERS.get(name, (None, None))
    peak = {"kernels_mb": 0.0, "server_mb": 0.0, "kernels": 0}

    async def watch():
        while True:
            ks = kernels(process)
            total = 0.0
            for k in ks:
                with contextlib.suppress(psutil.Error):
                    total += uss_mb(k)
            peak["kernels_mb"] = max(peak["kernels_mb"], total)
            peak["kernels"] = max(peak["kernels"], len(ks))
            peak["server_mb"] = max(peak["server_mb"], uss_mb(psutil.Process(process.pid)))
            await asyncio.sleep(1)

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--renderer-process-limit=6"]
        )
        watcher = asyncio.create_task(watch())
        start = time.perf_counter()
        outcomes = await asyncio.gather(
            *(
                _one_user(browser, f"{base}/voila/render/{name}", handle, target)
                for _ in range(users)
            )
        )
        wall = time.perf_counter() - start
        watcher.cancel()
        await browser.close()
    ttis = [o["tti"] for o in outcomes if o["ok"]]
    return {
        "users": users,
        "ok": len(ttis),
        "failed": users - len(ttis),
        "errors": [o["error"] for o in outcomes if not o["ok"]][:3],
        "tti": summary(ttis) if ttis else None,
        "wall_s": wall,
        **peak,
    }


def concurrent_users(root: Path, name: str, crowds: list[int], port: int, pool: int) -> list:
    results = []
    for users in crowds:
        with served(root, port, f"{name}={pool}") as (base, process):
            wait_for_pool(process, pool, timeout=900)
            before = sum(uss_mb(k) for k in kernels(process))
            run = asyncio.run(_crowd(base, name, users, process))
            # The visitors have left: their kernels shut down, the pool fills up again.
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                with contextlib.suppress(TimeoutError):
                    wait_for_pool(process, pool, timeout=30)
                    if len(kernels(process)) <= pool:
                        break
                time.sleep(2)
            left = kernels(process)
            run.update(
                pool_mb_before=before,
                kernels_after=len(left),
                kernels_mb_after=sum(uss_mb(k) for k in left),
            )
            results.append(run)
    return results


# --- report -----------------------------------------------------------------------------------


def write_report(results: dict) -> str:
    bare_tti = results.get("tti", {}).get(BARE, {}).get("median")
    bare_lat = results.get("latency", {}).get(BARE, {}).get("median")
    bare_mem = results.get("memory", {}).get("import_only_mb")
    lines = [
        "# Serving benchmark",
        "",
        f"- Date: {results['date']}",
        *(
            [f"- Parts measured at: {', '.join(f'{k} {v}' for k, v in results['dates'].items())}"]
            if "dates" in results
            else []
        ),
        f"- Machine: {results['machine']}",
        "- Browser: headless Chromium (Debian), driven by Playwright; cold cache per visitor",
        "- Server: Voilà exactly as `python -m helpers.serve` starts it (preheated pool of 1 "
        "kernel per notebook unless stated), plus a bare one-slider notebook in the same run",
        "",
    ]
    if "tti" in results:
        lines += [
            "## Time to interactive (navigation → every widget and chart drawn)",
            "",
            "| notebook | median (s) | p95 (s) | × bare | target ≤ 1.3× |",
            "|---|---:|---:|---:|---|",
        ]
        for name, s in results["tti"].items():
            ratio = s["median"] / bare_tti if bare_tti else float("nan")
            lines.append(
                f"| {name} | {s['median']:.2f} | {s['p95']:.2f} | {ratio:.2f} | "
                f"{'met' if ratio <= 1.3 else 'not met'} |"
            )
        lines.append("")
    if "latency" in results:
        lines += [
            "## Slider → chart update (key press → first change of the chart)",
            "",
            "| notebook | median (ms) | p95 (ms) | × bare echo "
            "| targets: median ≤ 150, p95 ≤ 300, ≤ 2× |",
            "|---|---:|---:|---:|---|",
        ]
        for name, s in results["latency"].items():
            ratio = s["median"] / bare_lat if bare_lat else float("nan")
            met = s["median"] <= 150 and s["p95"] <= 300 and (name == BARE or ratio <= 2)
            lines.append(
                f"| {name} | {s['median']:.0f} | {s['p95']:.0f} | {ratio:.2f} | "
                f"{'met' if met else 'not met'} |"
            )
        lines.append("")
    if "memory" in results:
        lines += [
            "## Memory (USS) of one visitor's kernel",
            "",
            f"A kernel that only imports numpy, pandas, altair and ipywidgets: {bare_mem:.0f} MB.",
            "",
            "| notebook | USS (MB) | × import-only | target ≤ 1.2× |",
            "|---|---:|---:|---|",
        ]
        for name, mb in results["memory"]["sessions_mb"].items():
            ratio = mb / bare_mem
            lines.append(
                f"| {name} | {mb:.0f} | {ratio:.2f} | {'met' if ratio <= 1.2 else 'not met'} |"
            )
        lines.append("")
    if "crowd" in results:
        crowd = results["crowd"]
        lines += [
            f"## Concurrent users on loopback ({crowd['notebook']}, pool of {crowd['pool']} "
            "kernels per notebook)",
            "",
            "Every user opens the page at the same moment, waits until it is interactive, moves "
            "the slider once and sees the chart change, then leaves.",
            "",
            "| users | interactive | failed | TTI median (s) | TTI p95 (s) | TTI max (s) | peak "
            "kernels | peak kernel USS (MB) | server USS (MB) | kernels before → after | "
            "kernel USS before → after (MB) |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
        ]
        for r in crowd["runs"]:
            t = r["tti"] or {"median": float("nan"), "p95": float("nan"), "max": float("nan")}
            lines.append(
                f"| {r['users']} | {r['ok']} | {r['failed']} | {t['median']:.1f} | "
                f"{t['p95']:.1f} | {t['max']:.1f} | {r['kernels']} | {r['kernels_mb']:.0f} | "
                f"{r['server_mb']:.0f} | {crowd['pool']} → {r['kernels_after']} | "
                f"{r['pool_mb_before']:.0f} → {r['kernels_mb_after']:.0f} |"
            )
        errors = [e for r in crowd["runs"] for e in r["errors"]]
        if errors:
            lines += ["", "First errors:", "", *(f"- `{e}`" for e in errors)]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=PARTS, action="append")
    parser.add_argument("--loads", type=int, default=5, help="page loads per notebook (TTI)")
    parser.add_argument("--presses", type=int, default=20, help="key presses per slider")
    parser.add_argument("--crowd-notebook", default="00_start_here.ipynb")
    parser.add_argument("--crowds", default="10,20,40")
    parser.add_argument(
        "--crowd-pool", type=int, default=0, help="pool size (default: largest crowd)"
    )
    parser.add_argument("--port", type=int, default=8899)
    args = parser.parse_args()
    parts = set(args.only or PARTS)

    app_notebooks = sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb"))
    notebooks = [BARE, *app_notebooks]
    root = serve_root(app_notebooks)
    results: dict = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{psutil.cpu_count()} CPUs, {psutil.virtual_memory().total / 2**30:.0f} GB, "
        f"{platform.machine()}, Python {platform.python_version()}, load average "
        f"{os.getloadavg()[0]:.2f} at start",
    }
    try:
        if parts & {"tti", "latency", "memory"}:
            with served(root, args.port) as (base, process):
                if "tti" in parts:
                    results["tti"] = time_to_interactive(base, process, notebooks, args.loads)
                if "latency" in parts:
                    results["latency"] = slider_latency(base, process, notebooks, args.presses)
                if "memory" in parts:
                    results["memory"] = {
                        "import_only_mb": import_only_kernel_mb(),
                        "sessions_mb": session_kernel_mb(base, process, notebooks),
                    }
        if "crowd" in parts:
            crowds = [int(n) for n in args.crowds.split(",")]
            pool = args.crowd_pool or max(crowds)
            crowd_root = serve_root([args.crowd_notebook], with_bare=False)
            results["crowd"] = {
                "notebook": args.crowd_notebook,
                "pool": pool,
                "runs": concurrent_users(crowd_root, args.crowd_notebook, crowds, args.port, pool),
            }
    finally:
        shutil.rmtree(root, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    previous = RESULTS / "serving.json"
    if args.only and previous.exists():  # a partial run keeps the other parts' last results
        kept = json.loads(previous.read_text(encoding="utf-8"))
        dates = kept.get("dates") or {part: kept["date"] for part in PARTS if part in kept}
        results = {**kept, **results}
        results["dates"] = {**dates, **{part: results["date"] for part in parts}}
    report = write_report(results)
    (RESULTS / "serving.md").write_text(report + "\n", encoding="utf-8")
    (RESULTS / "serving.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
