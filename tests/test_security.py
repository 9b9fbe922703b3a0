"""The served app never lets a visitor run code, read files, or reach notebooks it does not serve.

These tests talk to the served app directly over HTTP and websockets, as a hostile visitor would.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
import websocket
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jupyter_client.session import Session
from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

from helpers import NOTEBOOK_DIR, text
from helpers.page import open_page

START = "00_start_here.ipynb"
V1 = "v1.kernel.websocket.jupyter.org"


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def kernel_id(app) -> str:
    """A kernel of a rendered page, as a visitor's browser would get it."""
    status, body = get(app.url(START))
    assert status == 200
    config = re.search(
        r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', body, re.S
    )
    return json.loads(config.group(1))["kernelId"]


def connect(app, kernel_id: str, subprotocol: str | None = None, origin: str | None = None):
    url = app.base_url.replace("http", "ws") + f"/api/kernels/{kernel_id}/channels"
    return websocket.create_connection(
        f"{url}?session_id={uuid.uuid4().hex}",
        origin=origin or app.base_url,
        subprotocols=[subprotocol] if subprotocol else None,
        timeout=10,
    )


def replies_to(ws, msg_id: str, seconds: float = 6) -> list[str]:
    """Message types the server sent back in answer to ``msg_id``."""
    seen = []
    deadline = time.monotonic() + seconds
    ws.settimeout(0.5)
    while time.monotonic() < deadline:
        try:
            frame = ws.recv()
        except websocket.WebSocketTimeoutException:
            continue
        raw = frame.decode("utf-8", "replace") if isinstance(frame, bytes) else frame
        if msg_id in raw:
            seen.append(re.search(r'"msg_type":\s*"(\w+)"', raw).group(1))
    return seen


@pytest.mark.parametrize("protocol", [None, V1], ids=["json", "binary-v1"])
def test_execute_requests_over_the_websocket_run_nothing(app, kernel_id, tmp_path, protocol):
    marker = tmp_path / f"ran-{protocol}"
    session = Session(key=b"", username="attacker")
    code = f"open({str(marker)!r}, 'w').write('pwned')"
    requests = [
        session.msg("execute_request", {"code": code, "silent": False, "store_history": True}),
        session.msg("inspect_request", {"code": "open", "cursor_pos": 4, "detail_level": 1}),
        session.msg("complete_request", {"code": "imp", "cursor_pos": 3}),
        session.msg("history_request", {"hist_access_type": "tail", "n": 10, "output": True}),
    ]
    ws = connect(app, kernel_id, protocol)
    try:
        for request in requests:
            if protocol == V1:
                ws.send_binary(serialize_msg_to_ws_v1(request, "shell", session.pack))
            else:
                ws.send(json.dumps({**request, "channel": "shell"}, default=str))
        answers = {
            request["msg_type"]: replies_to(ws, request["header"]["msg_id"], seconds=3)
            for request in requests
        }
        # Control: an allowed request on the same socket is answered, so silence means refusal.
        info = session.msg("kernel_info_request", {})
        if protocol == V1:
            ws.send_binary(serialize_msg_to_ws_v1(info, "shell", session.pack))
        else:
            ws.send(json.dumps({**info, "channel": "shell"}, default=str))
        control = replies_to(ws, info["header"]["msg_id"], seconds=6)
    finally:
        ws.close()
    assert "kernel_info_reply" in control
    assert not marker.exists()
    assert all(not replies for replies in answers.values()), answers


def test_a_websocket_from_another_site_is_refused(app, kernel_id):
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        connect(app, kernel_id, origin="https://evil.example.com")
    assert refused.value.status_code == 403


SECRET_FILES = {
    "pyproject.toml": 'name = "nqp-lab"',
    "etc/passwd": "root:x:0:0",
    "config/voila.py": "c.VoilaConfiguration",
    "src/helpers/serve.py": "def voila_command",
}
TRAVERSALS = [
    "/voila/files/../pyproject.toml",
    "/voila/files/%2e%2e/pyproject.toml",
    "/voila/files/%2e%2e%2fpyproject.toml",
    "/voila/files/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/voila/files/%252e%252e%252fpyproject.toml",
    "/voila/files/....//....//pyproject.toml",
    "/voila/files/..\\..\\pyproject.toml",
    "/voila/files//etc/passwd",
    "/voila/files/00_start_here.ipynb",
    "/voila/render/../config/voila.py",
    "/voila/render/%2e%2e/src/helpers/serve.py",
    "/voila/render/..%2fsrc%2fhelpers%2fserve.py",
    "/voila/render/../../etc/passwd",
    "/voila/tree/..",
    "/voila/tree/%2e%2e/",
    "/voila/static/../../../../../../etc/passwd",
    "/voila/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/voila/templates/../../../../../etc/passwd",
    "/voila/templates/nqp/../../../../../../pyproject.toml",
    "/files/pyproject.toml",
    "/api/contents",
    "/api/contents/00_start_here.ipynb",
    "/api/kernels",
    "/api/sessions",
    "/notebooks/00_start_here.ipynb",
    "/lab",
    "/tree",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_path_reads_a_file_outside_the_app(app, path):
    status, body = get(app.base_url + path)
    leaked = [name for name, marker in SECRET_FILES.items() if marker in body]
    assert not leaked, f"{path} ({status}) returned the contents of {leaked}"
    assert '"cells"' not in body or status != 200, f"{path} returned a notebook's source"


def test_only_the_apps_notebooks_are_listed_and_served(app):
    status, listing = get(app.base_url + "/voila/tree")
    assert status == 200
    listed = set(re.findall(r"([\w.-]+\.ipynb)", listing))
    assert listed == {p.name for p in NOTEBOOK_DIR.glob("*.ipynb")}
    status, _ = get(app.url("no_such_page.ipynb"))
    assert status == 404


# --- malformed addresses ----------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300) | st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
def test_any_query_string_gives_a_working_page(raw):
    """Whatever a link carries, the page opens in a known language, with notices at most."""
    page = open_page("00_start_here", raw)
    assert page.lang in text.LANGUAGES
    assert "<script" not in page.header().value.lower().replace("&lt;script", "")
    text.set_language("en")


def test_start_page_survives_hostile_addresses_in_the_browser(app, browser):
    """A few hostile links, opened in Chromium: the page renders, with a notice when needed."""
    context = browser.new_context()
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        for query in [
            "lang=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
            "lang=zh&lang=en&" + "x=1&" * 80,
            "%%%%",
            "lang=" + "z" * 5000,
        ]:
            tab.goto(app.url(START) + "?" + query)
            tab.wait_for_selector(".nqp-year-slider .noUi-handle", timeout=90_000)
            assert tab.locator("img[src=x]").count() == 0
        assert not errors
    finally:
        context.close()


def test_marker_files_exist_so_the_traversal_checks_mean_something():
    root = Path(__file__).resolve().parents[1]
    for name, marker in SECRET_FILES.items():
        path = Path("/") / name if name.startswith("etc/") else root / name
        assert marker in path.read_text(), name
