"""The same notebooks in JupyterLab, as a researcher or student opens them: run all cells, see
the charts drawn with the network off, move a slider and see the chart change."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from helpers import NOTEBOOK_DIR
from tests.browser import wait_for_new_html
from tests.conftest import RENDER_TIMEOUT_MS, free_port, stop_process_tree

pytestmark = pytest.mark.browser

TOKEN = "nqp-lab-test-token"


@pytest.fixture(scope="module")
def lab(tmp_path_factory, artifacts) -> Iterator[str]:
    """JupyterLab on loopback, on a copy of the notebooks (running cells never touches the
    committed notebooks, which stay without outputs), with a clean configuration."""
    root = tmp_path_factory.mktemp("lab-root")
    for notebook in NOTEBOOK_DIR.glob("*.ipynb"):
        shutil.copy(notebook, root / notebook.name)
    home = tmp_path_factory.mktemp("lab-home")
    # No "get notified about Jupyter news?" prompt over the notebook
    news = home / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    # Every cell in the page (no virtual scrolling), so a chart can be scrolled to and pictured
    tracker = home / "settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "PYTHONUNBUFFERED": "1",
    }
    log = (artifacts / "jupyterlab.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",  # CI containers run as root
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={root}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=5)
                break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start; see test-artifacts/jupyterlab.log")
                time.sleep(0.5)
        yield base
    finally:
        stop_process_tree(process)
        log.close()


RUN_ALL = """
async () => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  await panel.context.ready;
  await panel.sessionContext.ready;
  await app.commands.execute('notebook:run-all-cells');
}
"""


def open_notebook(page, lab: str, name: str) -> None:
    page.goto(f"{lab}/lab/tree/{name}?token={TOKEN}&reset", wait_until="domcontentloaded")
    page.wait_for_function(
        f"() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
        f" && window.jupyterapp.shell.currentWidget.title.label === '{name}'",
        timeout=RENDER_TIMEOUT_MS,
    )
    page.evaluate(RUN_ALL)


def test_start_page_runs_in_jupyterlab_offline_and_its_slider_redraws_the_chart(
    lab, page, artifacts
):
    chart = ".nqp-chart-ranking svg"
    handle = ".nqp-year-slider .noUi-handle"
    open_notebook(page, lab, "00_start_here.ipynb")
    page.wait_for_selector(f"{chart} .mark-rect path", timeout=RENDER_TIMEOUT_MS)
    page.wait_for_selector(".nqp-footer", timeout=RENDER_TIMEOUT_MS)  # the last cell ran
    page.screenshot(path=artifacts / "jupyterlab-start.png")
    text = page.inner_text(".jp-Notebook")
    assert "Traceback" not in text and "Error" not in text.split("Errors")[0]
    before = page.inner_html(chart)
    title = page.text_content(f"{chart} .role-title-text")

    page.focus(handle)
    page.keyboard.press("ArrowLeft")
    wait_for_new_html(page, chart, before, timeout=15_000)
    after_title = page.text_content(f"{chart} .role-title-text")
    year = int(title.rsplit(" ", 1)[-1])
    assert after_title == f"R&D intensity by province, {year - 1}"
    page.screenshot(path=artifacts / "jupyterlab-start-after.png")
    assert not page.log.external_requests, page.log.external_requests


def test_foundations_map_draws_in_jupyterlab(lab, page, artifacts):
    open_notebook(page, lab, "01_foundations.ipynb")
    page.wait_for_selector(".nqp-footer", timeout=RENDER_TIMEOUT_MS)
    for marks in (".nqp-chart-map svg .mark-shape path", ".nqp-chart-trend svg .mark-line path"):
        page.wait_for_selector(marks, state="attached", timeout=RENDER_TIMEOUT_MS)
    page.locator(".nqp-chart-map").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "jupyterlab-foundations-map.png")
    assert "Traceback" not in page.inner_text(".jp-Notebook")
    assert not page.log.external_requests, page.log.external_requests
