"""Serving benchmarks: time to interactive, slider latency, kernel memory and concurrent users.

    .venv/bin/python benchmarks/bench_serving.py      # tti, latency, memory, crowd: the report
    .venv/bin/python benchmarks/bench_serving.py --only tti --loads 3
    .venv/bin/python benchmarks/bench_serving.py --only crowd --crowd-notebook 04_workshop.ipynb
    .venv/bin/python benchmarks/bench_serving.py --only crowd_browsers   # ~25 min

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
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from helpers import NOTEBOOK_DIR  # noqa: E402
from helpers.serve import POOLS_ENV, voila_command, voila_environment  # noqa: E402
from helpers.ui import SCROLL_TO_JS  # noqa: E402

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
#: The floor for any page with a chart: one slider and one Altair chart whose parameter follows
#: it through the kernel, the Vega bundle served as the app serves it. Reported beside the bare
#: slider (the issue's reference), so that what the app adds to drawing a chart at all shows.
BARE_CHART = "bare_chart.ipynb"
#: What the benchmark measures (``--only`` picks some; the report keeps the others' last results).
PARTS = ("tti", "latency", "memory", "crowd", "crowd_browsers")
#: Run when ``--only`` is not given (the all-Chromium crowd takes about 25 minutes on its own).
DEFAULT_PARTS = ("tti", "latency", "memory", "crowd")
BARE_SOURCE = """\
import ipywidgets as widgets

slider = widgets.IntSlider(value=50, min=0, max=100, description="x")
slider.add_class("bench-slider")
echo = widgets.Label("50")
echo.add_class("bench-echo")
slider.observe(lambda change: setattr(echo, "value", str(change["new"])), names="value")
widgets.VBox([slider, echo])
"""
BARE_CHART_SOURCE = """\
import os

import altair as alt
import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML, display

from helpers.bundle import SERVED_PREFIX, ensure_offline_bundle

# The Vega bundle from the app's template, as the app's pages load it.
alt.JupyterChart._esm = (
    f"http://127.0.0.1:{os.environ.get('VOILA_APP_PORT', '8866')}"
    f"{os.environ.get('VOILA_BASE_URL', '/')}{SERVED_PREFIX}{ensure_offline_bundle().name}"
)
alt.JupyterChart._is_offline = True
# ... and named ahead of the chart, as the app's pages do (helpers.charts.preload_html).
display(HTML(f'<link rel="modulepreload" href="{alt.JupyterChart._esm}">'))
rows = pd.DataFrame({"k": list("abcdefghij"), "v": range(5, 100, 10)})
x = alt.param(name="x", value=50)
bars = alt.Chart(rows).mark_bar().encode(
    x="v:Q", y="k:N", opacity=alt.condition(alt.datum.v < x, alt.value(1.0), alt.value(0.3))
)
spec = bars.add_params(x).properties(title=alt.Title(alt.expr("'x = ' + x")))
chart = alt.JupyterChart(spec, embed_options={"renderer": "svg", "actions": False})
chart.add_class("bench-chart")
slider = widgets.IntSlider(value=50, min=0, max=100, description="x")
slider.add_class("bench-chart-slider")
slider.observe(lambda change: setattr(chart.params, "x", change["new"]), names="value")
widgets.VBox([slider, chart])
"""
#: Slider handle and the element a key press must change, per notebook with a slider.
SLIDERS = {
    BARE: (".bench-slider .noUi-handle", ".bench-echo"),
    BARE_CHART: (".bench-chart-slider .noUi-handle", ".bench-chart svg"),
    "00_start_here.ipynb": (".nqp-year-slider .noUi-handle", ".nqp-chart-ranking svg"),
    "02_challenges.ipynb": (".nqp-lesson-year .noUi-handle", ".nqp-chart-lesson svg"),
    "03_measures.ipynb": (
        ".nqp-lab-lever-rd_intensity_target .noUi-handle",
        ".nqp-chart-lab svg",
    ),
    "04_workshop.ipynb": (".nqp-guess-share .noUi-handle", ".nqp-guess-chart-share svg"),
}
#: Counts the charts the kernel sends (each chart's full state names its class once), so that
#: the page is not called ready before the charts' views even exist (they wait for the Vega
#: bundle). Installed in every visitor's browser context before the page loads.
COUNT_CHARTS_JS = """
(() => {
  window.__nqpCharts = 0;
  const CHART = /"_anywidget_id"\\s*:\\s*"altair\\.jupyter\\.jupyter_chart\\.JupyterChart"/g;
  const decoder = new TextDecoder('utf-8');
  const count = (text) => { window.__nqpCharts += (text.match(CHART) || []).length; };
  const Native = window.WebSocket;
  function Counting(url, protocols) {
    const socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
    socket.addEventListener('message', (event) => {
      const data = event.data;
      if (typeof data === 'string') count(data);
      else if (data instanceof ArrayBuffer) count(decoder.decode(data));
      else if (data && typeof data.text === 'function') data.text().then(count);
    });
    return socket;
  }
  Counting.prototype = Native.prototype;
  for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) Counting[k] = Native[k];
  window.WebSocket = Counting;
})();
"""
#: A page is interactive when Voilà has shown the cells, every widget view is drawn and every
#: chart the kernel sent has its marks; and that state has held for 300 ms. A part of the page
#: drawn as the reader comes near it (helpers.ui.Deferred) counts once its placeholder is
#: within the window: then it must be drawn; further down, its charts (the placeholder's
#: ``data-charts``) are not waited for. :data:`WHOLE_PAGE_JS` scrolls through every part.
READY_JS = """
() => {
  const cells = document.querySelector('#rendered_cells');
  if (!cells || getComputedStyle(cells).display === 'none') return false;
  if (document.querySelectorAll('.jupyter-widgets').length === 0) return false;
  for (const e of document.querySelectorAll('.vega-embed')) {
    if (!e.querySelector('svg .mark-group, canvas')) return false;
  }
  let later = 0;
  for (const p of document.querySelectorAll('.nqp-deferred-placeholder')) {
    const box = p.getBoundingClientRect();
    if (box.top < window.innerHeight && box.bottom > 0) return false;
    later += Number(p.dataset.charts || 0);
  }
  const charts = (window.__nqpCharts || 0) - later;
  if (document.querySelectorAll('.vega-embed').length < charts) return false;
  const n = document.querySelectorAll('.jupyter-widgets, .vega-embed svg').length;
  if (window.__nqpReadyCount !== n) {
    window.__nqpReadyCount = n;
    window.__nqpReadySince = performance.now();
    return false;
  }
  return performance.now() - window.__nqpReadySince > 300;
}
"""
#: After :data:`READY_JS`: a reader who scrolls straight to the end. Each poll scrolls to the
#: first part still waiting to be drawn; true when no part waits and every chart the kernel sent
#: has its marks.
WHOLE_PAGE_JS = """
() => {
  const waiting = document.querySelector('.nqp-deferred-placeholder');
  if (waiting) { waiting.scrollIntoView({block: 'start'}); return false; }
  const embeds = document.querySelectorAll('.vega-embed');
  if (embeds.length < (window.__nqpCharts || 0)) return false;
  for (const e of embeds) if (!e.querySelector('svg .mark-group, canvas')) return false;
  return true;
}
"""
#: Installs a timer: keydown on the handle starts it, the first change of the target stops it
#: (``__nqpT1``); ``__nqpTLast`` is the target's last change since (a chart redrawn in parts).
LATENCY_JS = """
([handle, target]) => {
  window.__nqpT0 = null; window.__nqpT1 = null; window.__nqpTLast = null;
  const h = document.querySelector(handle), t = document.querySelector(target);
  h.addEventListener('keydown', () => {
    window.__nqpT0 = performance.now();
    window.__nqpT1 = null;
    window.__nqpTLast = null;
  }, {capture: true});
  new MutationObserver(() => {
    if (window.__nqpT0 === null) return;
    const now = performance.now();
    if (window.__nqpT1 === null) window.__nqpT1 = now;
    window.__nqpTLast = now;
  }).observe(t, {subtree: true, childList: true, characterData: true, attributes: true});
}
"""
#: The arrow key that moves a slider handle to a position it has not had yet: towards its far
#: end (read from the handle's ARIA values), back once it is there.
NEXT_KEY_JS = """
([handle, previous]) => {
  const h = document.querySelector(handle);
  const now = Number(h.getAttribute('aria-valuenow'));
  const low = Number(h.getAttribute('aria-valuemin'));
  const high = Number(h.getAttribute('aria-valuemax'));
  if (previous === 'ArrowRight') return now >= high ? 'ArrowLeft' : 'ArrowRight';
  if (previous === 'ArrowLeft') return now <= low ? 'ArrowRight' : 'ArrowLeft';
  return high - now >= now - low ? 'ArrowRight' : 'ArrowLeft';
}
"""
#: Quiet time after a key press's last change of the target before it counts as redrawn.
SETTLED_MS = 120
PRESSES_NOTE = (
    "Each key press moves the slider to a position it has not had in the visit (towards its "
    "far end), after the page has been quiet 120 ms, as a visitor stepping with the arrow keys."
)


def notebook_of(name: str) -> str:
    """The notebook a page name opens: ``04_workshop.ipynb?lang=zh`` -> ``04_workshop.ipynb``."""
    return name.partition("?")[0]


def serve_root(notebooks: list[str], with_bare: bool = True) -> Path:
    """A folder with the app's notebooks and the bare notebook, served together."""
    root = Path(tempfile.mkdtemp(prefix="nqp-bench-"))
    for name in notebooks:
        shutil.copy(NOTEBOOK_DIR / name, root / name)
    if not with_bare:
        return root
    for name, source in ((BARE, BARE_SOURCE), (BARE_CHART, BARE_CHART_SOURCE)):
        bare = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
        bare.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nbformat.write(bare, root / name)
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
    whole: dict[str, list[float]] = {name: [] for name in notebooks}
    drawn: dict[str, int] = {}
    files = {notebook_of(name) for name in notebooks}  # a page, also read as ?lang=zh
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(loads):
            for name in notebooks:
                # Wait for a warm pool, as a visitor arriving a little after the previous one.
                wait_for_pool(process, len(files), timeout=300)
                context = browser.new_context()  # cold browser cache, like a new visitor
                context.add_init_script(COUNT_CHARTS_JS)
                page = context.new_page()
                start = time.perf_counter()
                page.goto(f"{base}/voila/render/{name}")
                page.wait_for_function(READY_JS, timeout=180_000, polling=50)
                results[name].append(time.perf_counter() - start - 0.3)  # minus the hold
                drawn[name] = page.evaluate("document.querySelectorAll('.vega-embed').length")
                page.wait_for_function(WHOLE_PAGE_JS, timeout=180_000, polling=50)
                whole[name].append(time.perf_counter() - start - 0.3)  # the same hold
                page.goto("about:blank")
                page.wait_for_timeout(500)
                context.close()
        browser.close()
    return {
        name: {**summary(values), "charts": drawn[name], "whole_page": summary(whole[name])}
        for name, values in results.items()
    }


def slider_latency(base: str, process, notebooks: list[str], presses: int) -> dict:
    """Key press on a slider's handle → first change of its chart, and → the chart's last change.

    Every press moves the handle to a position it has not had in this visit
    (:data:`NEXT_KEY_JS`, as long as the slider has room), so a page never shows a scenario
    again from memory; each once the chart has been quiet :data:`SETTLED_MS`, as a visitor
    stepping with the arrow keys.
    """
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
            context.add_init_script(COUNT_CHARTS_JS)
            page = context.new_page()
            page.goto(f"{base}/voila/render/{name}")
            page.wait_for_function(READY_JS, timeout=180_000, polling=50)
            for selector in (handle, target):
                page.wait_for_function(SCROLL_TO_JS, arg=selector, timeout=60_000, polling=50)
            page.wait_for_function(READY_JS, timeout=180_000, polling=50)  # the part drawn
            page.evaluate(LATENCY_JS, [handle, target])
            page.focus(handle)
            values, settled, key = [], [], None
            for _ in range(presses):
                key = page.evaluate(NEXT_KEY_JS, [handle, key])
                page.keyboard.press(key)
                page.wait_for_function("() => window.__nqpT1 !== null", timeout=30_000)
                values.append(page.evaluate("window.__nqpT1 - window.__nqpT0"))
                page.wait_for_function(  # the last part redrawn, and the page quiet again
                    f"() => performance.now() - window.__nqpTLast > {SETTLED_MS}",
                    timeout=30_000,
                    polling=20,
                )
                settled.append(page.evaluate("window.__nqpTLast - window.__nqpT0"))
            results[name] = {**summary(values), "settled": summary(settled)}
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
            context.add_init_script(COUNT_CHARTS_JS)
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
    await context.add_init_script(COUNT_CHARTS_JS)
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


class MemoryWatch:
    """Peak kernel count and memory of a served app, sampled every second in a thread."""

    def __init__(self, process) -> None:
        self.process = process
        self.peak = {"kernels_mb": 0.0, "server_mb": 0.0, "kernels": 0}
        self._cpu: dict[int, tuple[float, float]] = {}  # kernel pid: first, last CPU seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            ks = kernels(self.process)
            total = 0.0
            for k in ks:
                with contextlib.suppress(psutil.Error):
                    total += uss_mb(k)
                    times = k.cpu_times()
                    used = times.user + times.system
                    self._cpu[k.pid] = (self._cpu.get(k.pid, (used,))[0], used)
            self.peak["kernels_mb"] = max(self.peak["kernels_mb"], total)
            self.peak["kernels"] = max(self.peak["kernels"], len(ks))
            with contextlib.suppress(psutil.Error):
                server = uss_mb(psutil.Process(self.process.pid))
                self.peak["server_mb"] = max(self.peak["server_mb"], server)
            self._stop.wait(1)

    @property
    def kernel_cpu_s(self) -> float:
        """CPU seconds the kernels used while watched (to within the last second)."""
        return sum(last - first for first, last in self._cpu.values())

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _after_the_crowd(process, pool: int, before: float) -> dict:
    """Wait until the visitors' kernels are gone and the pool is full again; what is left."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        with contextlib.suppress(TimeoutError):
            wait_for_pool(process, pool, timeout=30)
            if len(kernels(process)) <= pool:
                break
        time.sleep(2)
    left = kernels(process)
    return {
        "pool_mb_before": before,
        "kernels_after": len(left),
        "kernels_mb_after": sum(uss_mb(k) for k in left),
    }


async def _crowd(base: str, name: str, users: int, process) -> dict:
    from playwright.async_api import async_playwright

    handle, target = SLIDERS.get(notebook_of(name), (None, None))
    with MemoryWatch(process) as watch:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--renderer-process-limit=6"]
            )
            start = time.perf_counter()
            outcomes = await asyncio.gather(
                *(
                    _one_user(browser, f"{base}/voila/render/{name}", handle, target)
                    for _ in range(users)
                )
            )
            wall = time.perf_counter() - start
            await browser.close()
    ttis = [o["tti"] for o in outcomes if o["ok"]]
    return {
        "users": users,
        "ok": len(ttis),
        "failed": users - len(ttis),
        "errors": [o["error"] for o in outcomes if not o["ok"]][:3],
        "tti": summary(ttis) if ttis else None,
        "wall_s": wall,
        **watch.peak,
    }


def concurrent_browsers(root: Path, name: str, crowds: list[int], port: int, pool: int) -> list:
    """Every visitor a Chromium page on the server's own 2 cores (measures the browsers too)."""
    results = []
    for users in crowds:
        with served(root, port, f"{notebook_of(name)}={pool}") as (base, process):
            wait_for_pool(process, pool, timeout=900)
            before = sum(uss_mb(k) for k in kernels(process))
            run = asyncio.run(_crowd(base, name, users, process))
            run.update(_after_the_crowd(process, pool, before))
            results.append(run)
    return results


def _browser_visitor(url: str, handle: str, target: str, go: threading.Barrier) -> dict:
    """The one real Chromium visitor in a protocol crowd: time to interactive, slider → chart."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context()
        context.add_init_script(COUNT_CHARTS_JS)
        page = context.new_page()
        try:
            go.wait()
            start = time.perf_counter()
            page.goto(url, timeout=300_000)
            page.wait_for_function(READY_JS, timeout=300_000, polling=50)
            tti = time.perf_counter() - start - 0.3
            page.evaluate(LATENCY_JS, [handle, target])
            page.focus(handle)
            page.keyboard.press("ArrowLeft")
            page.wait_for_function("() => window.__nqpT1 !== null", timeout=120_000)
            slider = page.evaluate("window.__nqpT1 - window.__nqpT0") / 1000
            return {"ok": True, "tti": tti, "slider": slider}
        except Exception as exc:  # a failure is a result here, reported in the table
            return {"ok": False, "error": f"{exc.__class__.__name__}: {exc}"[:200]}
        finally:
            with contextlib.suppress(Exception):
                page.goto("about:blank")  # the leave beacon
                page.wait_for_timeout(500)
            browser.close()


def _cpu_seconds(process) -> dict:
    """CPU seconds used so far by the server and by this benchmark (the visitors)."""
    server = psutil.Process(process.pid).cpu_times()
    own = psutil.Process().cpu_times()
    return {"server": server.user + server.system, "visitors": own.user + own.system}


def concurrent_users(root: Path, name: str, crowds: list[int], port: int, pool: int) -> list:
    """``users`` visitors at the same moment: one in Chromium, the others at the protocol level.

    The protocol visitors (benchmarks/visitor.py) send and wait for what a browser sends and
    waits for: the page, every file the browser loads for it, the kernel websocket and the
    widgets' state, one slider step and the chart's update, then the leave beacon.
    """
    from visitor import Visit, record_assets, visit

    notebook = notebook_of(name)
    slider_class, target_class = (sel.split()[0].lstrip(".") for sel in SLIDERS[notebook])
    page_path = f"/voila/render/{name}"
    with served(root, port) as (base, _process):
        assets = record_assets(base, base + page_path, CHROMIUM, CHROMIUM_ARGS)
    results = []
    for users in crowds:
        with served(root, port, f"{notebook}={pool}") as (base, process):
            wait_for_pool(process, pool, timeout=900)
            before = sum(uss_mb(k) for k in kernels(process))
            go = threading.Barrier(users)
            cpu_before = _cpu_seconds(process)
            with MemoryWatch(process) as watch, ThreadPoolExecutor(users) as pool_:

                def protocol_visitor(go: threading.Barrier = go) -> Visit:
                    go.wait()
                    return visit(base, page_path, assets, slider_class, target_class)

                start = time.perf_counter()
                probe = pool_.submit(_browser_visitor, base + page_path, *SLIDERS[notebook], go)
                visits = [
                    f.result() for f in [pool_.submit(protocol_visitor) for _ in range(users - 1)]
                ]
                browser = probe.result()
                wall = time.perf_counter() - start
            cpu_after = _cpu_seconds(process)
            done = [v for v in visits if v.ok]
            run = {
                "users": users,
                "ok": len(done) + int(browser["ok"]),
                "failed": users - len(done) - int(browser["ok"]),
                "errors": [v.error for v in visits if not v.ok][:3]
                + ([] if browser["ok"] else [f"Chromium visitor: {browser['error']}"]),
                "html": summary([v.html for v in done]) if done else None,
                "files_s": summary([v.assets - v.html for v in done]) if done else None,
                "widgets_s": summary([v.states - v.assets for v in done]) if done else None,
                "cpu_s": {
                    **{k: cpu_after[k] - cpu_before[k] for k in cpu_before},
                    "kernels": watch.kernel_cpu_s,
                },
                "tti": summary([v.states for v in done]) if done else None,
                "slider": summary([v.slider for v in done]) if done else None,
                "browser": browser,
                "files": len(assets),
                "file_mb": (done[0].asset_bytes / 2**20) if done else None,
                "wall_s": wall,
                **watch.peak,
            }
            run.update(_after_the_crowd(process, pool, before))
            results.append(run)
    return results


# --- report -----------------------------------------------------------------------------------


def write_report(results: dict) -> str:
    bare_tti = results.get("tti", {}).get(BARE, {}).get("median")
    bare_lat = results.get("latency", {}).get(BARE, {}).get("median")
    chart_tti = results.get("tti", {}).get(BARE_CHART, {}).get("median")
    chart_lat = results.get("latency", {}).get(BARE_CHART, {}).get("median")
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
        "- References: `bare_slider.ipynb` (one slider echoed to a label: the issue's reference "
        "for every ratio) and `bare_chart.ipynb` (one slider and one Altair chart whose parameter "
        "follows it through the kernel, the Vega bundle served as the app serves it: the floor "
        "for any page that draws a chart, shown in the *× bare chart* column)",
        "",
    ]
    if "tti" in results:
        lines += [
            "## Time to interactive (navigation → every widget and chart drawn)",
            "",
            "The first screen (1280 × 720): every widget and chart in it drawn. Parts further "
            "down are drawn as the reader scrolls to them (`helpers.ui.Deferred`); *whole page* "
            "is the time until every part and chart is drawn for a reader who scrolls straight "
            "to the end as soon as the first screen is ready. `?lang=zh`: the same page read "
            "in Chinese.",
            "",
            "| notebook | charts on first screen | median (s) | p95 (s) | × bare | × bare chart "
            "| target ≤ 1.3× | whole page, median (s) |",
            "|---|---:|---:|---:|---:|---:|---|---:|",
        ]
        for name, s in results["tti"].items():
            ratio = s["median"] / bare_tti if bare_tti else float("nan")
            floor = s["median"] / chart_tti if chart_tti else float("nan")
            whole = s.get("whole_page", {}).get("median")
            lines.append(
                f"| {name} | {s.get('charts', '')} | {s['median']:.2f} | {s['p95']:.2f} | "
                f"{ratio:.2f} | {floor:.2f} | {'met' if ratio <= 1.3 else 'not met'} | "
                f"{'' if whole is None else f'{whole:.2f}'} |"
            )
        lines.append("")
    if "latency" in results:
        lines += [
            "## Slider → chart update (key press → first change of the chart)",
            "",
            f"{PRESSES_NOTE} *Whole chart*: until its last change (the lab redraws the R&D "
            "intensity view first, then the small multiples).",
            "",
            "| notebook | median (ms) | p95 (ms) | × bare echo | × bare chart "
            "| targets: median ≤ 150, p95 ≤ 300, ≤ 2× | whole chart, median / p95 (ms) |",
            "|---|---:|---:|---:|---:|---|---|",
        ]
        for name, s in results["latency"].items():
            ratio = s["median"] / bare_lat if bare_lat else float("nan")
            floor = s["median"] / chart_lat if chart_lat else float("nan")
            met = s["median"] <= 150 and s["p95"] <= 300 and (name == BARE or ratio <= 2)
            whole = s.get("settled")
            settled = f"{whole['median']:.0f} / {whole['p95']:.0f}" if whole else ""
            lines.append(
                f"| {name} | {s['median']:.0f} | {s['p95']:.0f} | {ratio:.2f} | {floor:.2f} | "
                f"{'met' if met else 'not met'} | {settled} |"
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
    for crowd in results.get("crowds", {}).values():
        lines += [
            f"## Concurrent users on loopback ({crowd['notebook']}, pool of {crowd['pool']} "
            f"kernels per notebook{', measured ' + crowd['date'] if 'date' in crowd else ''})",
            "",
            "All visitors arrive at the same moment. One is a real Chromium page (its time to "
            "interactive and slider → chart time are in the *Chromium* columns); the others send "
            "exactly what a browser sends (`benchmarks/visitor.py`): the page, every file the "
            "browser loads for it, the kernel websocket and every widget's state, one slider "
            "step and the chart's update, then the leave beacon. *Interactive* = page, files and "
            "widget states received (the browser's drawing is left out: 40 Chromium pages on "
            "the server's own 2 cores would measure the browsers, see the next table).",
            "",
            "| users | interactive | failed | page (s) median | interactive (s) median / p95 "
            "/ max | slider → chart (ms) median / p95 | Chromium: interactive (s), slider (ms) "
            "| peak kernels | peak kernel USS (MB) | server USS (MB) | kernels before → after | "
            "kernel USS before → after (MB) |",
            "|---:|---:|---:|---:|---|---|---|---:|---:|---:|---|---|",
        ]
        nan = {"median": float("nan"), "p95": float("nan"), "max": float("nan")}
        for r in crowd["runs"]:
            t, h, sl = r["tti"] or nan, r["html"] or nan, r["slider"] or nan
            b = r["browser"]
            seen = f"{b['tti']:.2f}, {b['slider'] * 1000:.0f}" if b["ok"] else "failed"
            lines.append(
                f"| {r['users']} | {r['ok']} | {r['failed']} | {h['median']:.2f} | "
                f"{t['median']:.2f} / {t['p95']:.2f} / {t['max']:.2f} | "
                f"{sl['median'] * 1000:.0f} / {sl['p95'] * 1000:.0f} | {seen} | "
                f"{r['kernels']} | {r['kernels_mb']:.0f} | {r['server_mb']:.0f} | "
                f"{crowd['pool']} → {r['kernels_after']} | "
                f"{r['pool_mb_before']:.0f} → {r['kernels_mb_after']:.0f} |"
            )
        timed = [r for r in crowd["runs"] if r.get("files_s") and r.get("cpu_s")]
        if timed:
            lines += [
                "",
                "Where the time went (medians, seconds from arrival) and which process used the "
                "2 cores (CPU seconds during the run):",
                "",
                "| users | page | + files | + widget states | wall time of the run | CPU: server "
                "| CPU: kernels | CPU: protocol visitors |",
                "|---:|---:|---:|---:|---:|---:|---:|---:|",
            ]
            for r in timed:
                cpu = r["cpu_s"]
                lines.append(
                    f"| {r['users']} | {r['html']['median']:.2f} | "
                    f"{r['files_s']['median']:.2f} | {r['widgets_s']['median']:.2f} | "
                    f"{r['wall_s']:.1f} | {cpu['server']:.1f} | {cpu['kernels']:.1f} | "
                    f"{cpu['visitors']:.1f} |"
                )
        files = crowd["runs"][0]
        if files.get("file_mb"):
            lines += [
                "",
                f"Each visitor loads {files['files']} files ({files['file_mb']:.1f} MB) besides "
                "the page.",
            ]
        errors = [e for r in crowd["runs"] for e in r["errors"]]
        if errors:
            lines += ["", "First errors:", "", *(f"- `{e}`" for e in errors)]
        lines.append("")
    if "crowd_browsers" in results:
        crowd = results["crowd_browsers"]
        lines += [
            f"## Concurrent users, every one a Chromium page ({crowd['notebook']}, pool of "
            f"{crowd['pool']})",
            "",
            "The same crowd with every visitor a real Chromium page (at most 6 renderer "
            "processes) on the same 2 cores as the server: this measures the visitors' browsers "
            "as much as the app. In a room each visitor has their own computer.",
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
    parser.add_argument(
        "--crowd-notebook",
        default="00_start_here.ipynb",
        help="the page the crowd opens, with a query if wanted: '04_workshop.ipynb?lang=zh'",
    )
    parser.add_argument("--crowds", default="10,20,40")
    parser.add_argument(
        "--crowd-pool", type=int, default=0, help="pool size (default: largest crowd)"
    )
    parser.add_argument("--port", type=int, default=8899)
    args = parser.parse_args()
    parts = set(args.only or DEFAULT_PARTS)

    app_notebooks = sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb"))
    notebooks = [BARE, BARE_CHART, *app_notebooks]
    root = serve_root(app_notebooks)
    crowd_root = serve_root([notebook_of(args.crowd_notebook)], with_bare=False)
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
                    in_chinese = [f"{name}?lang=zh" for name in app_notebooks]
                    results["tti"] = time_to_interactive(
                        base, process, [*notebooks, *in_chinese], args.loads
                    )
                if "latency" in parts:
                    results["latency"] = slider_latency(base, process, notebooks, args.presses)
                if "memory" in parts:
                    results["memory"] = {
                        "import_only_mb": import_only_kernel_mb(),
                        "sessions_mb": session_kernel_mb(base, process, notebooks),
                    }
        crowds = [int(n) for n in args.crowds.split(",")]
        pool = args.crowd_pool or max(crowds)
        for part, run in (("crowd", concurrent_users), ("crowd_browsers", concurrent_browsers)):
            if part in parts:
                measured = {
                    "date": results["date"],
                    "notebook": args.crowd_notebook,
                    "pool": pool,
                    "runs": run(crowd_root, args.crowd_notebook, crowds, args.port, pool),
                }
                if part == "crowd":  # one table per page the crowd opened, the last run of each
                    results["crowds"] = {args.crowd_notebook: measured}
                else:
                    results[part] = measured
    finally:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(crowd_root, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    previous = RESULTS / "serving.json"
    if args.only and previous.exists():  # a partial run keeps the other parts' last results
        kept = json.loads(previous.read_text(encoding="utf-8"))
        dates = kept.get("dates") or {part: kept["date"] for part in PARTS if part in kept}
        if "crowd" in kept:  # reports before crowds were kept per page
            old = kept.pop("crowd")
            kept.setdefault("crowds", {})[old["notebook"]] = old
        results["crowds"] = {**kept.get("crowds", {}), **results.get("crowds", {})}
        results = {**kept, **results}
        results["dates"] = {**dates, **{part: results["date"] for part in parts}}
    # the measurements first: a report that fails to write leaves them kept
    (RESULTS / "serving.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    report = write_report(results)
    (RESULTS / "serving.md").write_text(report + "\n", encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
