"""Shared fixtures: a served Voilà app and a headless Chromium driven by Playwright.

The app is started exactly as ``python -m helpers.serve`` starts it (same command line, same
``voila.py``, same template), on a free loopback port. Voilà and every kernel it started are
stopped after the tests, also when a test fails.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import psutil
import pytest

from helpers import NOTEBOOK_DIR, REPO_ROOT
from helpers.serve import voila_command, voila_environment

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    # Without these, Chromium tries Google's hosts at start-up; on a closed network those
    # attempts only add noise (VOILA_NOTES.md).
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Offline by construction: names other than the loopback ones do not resolve, so a page can
    # never work only because the network happened to be up. (Blocking with Playwright's
    # page.route instead would also swallow Voilà's kernel-shutdown beacon at page unload.)
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
ARTIFACTS = REPO_ROOT / "test-artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
#: Seconds a served page may take to render; cold kernels on a busy 2-core CI machine are slow.
RENDER_TIMEOUT_MS = 90_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process_tree(process: subprocess.Popen) -> None:
    """Stop Voilà and every kernel it started (kernels run in their own sessions)."""
    try:
        parent = psutil.Process(process.pid)
        children = parent.children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
    for child in children:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()
    psutil.wait_procs(children, timeout=5)


@dataclass
class App:
    """A running Voilà server."""

    base_url: str
    process: subprocess.Popen
    log_path: Path

    def url(self, page: str) -> str:
        return f"{self.base_url}/voila/render/{page}"

    def kernels(self) -> list[psutil.Process]:
        """Kernel processes started by this server."""
        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        kernels = []
        for child in children:
            with contextlib.suppress(psutil.Error):  # gone, or a zombie not yet reaped
                if child.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(
                    child.cmdline()
                ):
                    kernels.append(child)
        return kernels


def start_app(
    root: Path, log_path: Path, extra_args: tuple[str, ...] = (), env: dict | None = None
) -> App:
    """Serve ``root`` as ``helpers.serve`` does; ``extra_args`` override settings for a test,
    ``env`` adds environment variables."""
    port = free_port()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("w")
    process = subprocess.Popen(
        [*voila_command(port, root=root), *extra_args],
        cwd=REPO_ROOT,
        env={**voila_environment(), **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Voilà exited with {process.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(base_url + "/", timeout=2):
                return App(base_url, process, log_path)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    stop_process_tree(process)
    raise RuntimeError(f"Voilà did not answer on {base_url} within 90 s; see {log_path}")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def app(artifacts: Path) -> Iterator[App]:
    """The NQP Lab app, served from ``notebooks/`` as users get it."""
    running = start_app(NOTEBOOK_DIR, artifacts / "voila-app.log")
    try:
        yield running
    finally:
        stop_process_tree(running.process)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless. Missing Chromium is an error, never a skip."""
    if not CHROMIUM.exists():
        pytest.fail(
            "Browser tests need Chromium at /usr/bin/chromium (Debian: apt-get install chromium)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class PageLog:
    """What a page did that a test must not accept: errors and requests leaving the machine."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return [
            *(f"console error: {m}" for m in self.console_errors),
            *(f"page error: {m}" for m in self.page_errors),
            *(f"failed request: {u}" for u in self.failed_requests),
            *(f"request to another host: {u}" for u in self.external_requests),
        ]

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "the page misbehaved:\n  " + "\n  ".join(problems)


def _is_local(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in {"data", "blob", "about", "file"} or parsed.hostname in LOCAL_HOSTS


@pytest.fixture
def page(browser):
    """A fresh browser page whose console errors and network requests are recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    log = PageLog()
    tab.on(
        "console",
        lambda msg: log.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    tab.on("pageerror", lambda exc: log.page_errors.append(str(exc)))

    def record_failure(request):
        # Leaving a page sends Voilà's kernel-shutdown beacon; Chromium reports a beacon still
        # in flight at unload as aborted although the server receives it (the kernel-count
        # assertions in the browser tests check that it does).
        if "/voila/api/shutdown/" in request.url and request.failure == "net::ERR_ABORTED":
            return
        log.failed_requests.append(f"{request.url} ({request.failure})")

    tab.on("requestfailed", record_failure)

    def check_host(request):
        if not _is_local(request.url):
            log.external_requests.append(request.url)

    tab.on("request", check_host)
    tab.log = log
    try:
        yield tab
    finally:
        # Leave the page as a visitor closing the tab would, so Voilà shuts its kernel down.
        # Closing the context at once would cut the beacon off (Playwright does not report
        # unload beacons as requests, so there is nothing to wait for but a moment).
        with contextlib.suppress(Exception):
            tab.goto("about:blank", timeout=5_000)
            tab.wait_for_timeout(1_000)
        context.close()
