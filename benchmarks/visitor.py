"""A page visitor at the protocol level, for the crowd benchmark: a browser's traffic, no drawing.

A visitor does what the browser does on the wire when someone opens a served page, moves a
slider and leaves:

1. GET the page (Voilà runs the rest of the notebook in a preheated kernel and sends the HTML);
2. GET every file the browser loaded for that page (recorded once from a real Chromium visit:
   scripts, style sheets, fonts, the chart bundle), one after another;
3. open the kernel's websocket, ask for the kernel's info, and load every widget's state over
   the ``jupyter.widget.control`` comm, as the widget manager of Voilà 0.5 does;
4. move the slider one step (a widget ``update`` message) and wait for the chart's update;
5. leave: close the control comm, send Voilà's shutdown beacon (with the ``_xsrf`` cookie the
   page template sets) and close the websocket.

Rendering in the browser is not simulated: with 40 Chromium pages on the server's own 2 cores,
a crowd run measures the browsers, not the server. The crowd benchmark runs these visitors and
one real Chromium visitor alongside, so the report has both.
"""

from __future__ import annotations

import json
import re
import secrets
import struct
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass

import websocket

#: The widget control protocol of ipywidgets 8 (the kernel refuses other versions).
CONTROL_VERSION = "1.0.0"


class VisitFailed(RuntimeError):
    """A step of the visit failed; the message names the step."""


def record_assets(base: str, page_url: str, chromium: str, args: list[str]) -> list[str]:
    """The same-origin files a real Chromium visit of ``page_url`` loads (paths, in order)."""
    from playwright.sync_api import sync_playwright

    seen: list[str] = []
    origin = urllib.parse.urlsplit(base).netloc

    def note(request) -> None:
        url = urllib.parse.urlsplit(request.url)
        if request.method != "GET" or url.netloc != origin:
            return
        path = url.path + (f"?{url.query}" if url.query else "")
        # the page itself (whatever its query) is the visit's first step, not a file of it
        if "/api/kernels/" in url.path or url.path == urllib.parse.urlsplit(page_url).path:
            return
        if path not in seen:
            seen.append(path)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=args)
        page = browser.new_page()
        page.on("request", note)
        page.goto(page_url)
        page.wait_for_selector(".vega-embed svg .mark-group", timeout=120_000)
        page.wait_for_timeout(1000)
        page.goto("about:blank")
        browser.close()
    return seen


@dataclass
class Visit:
    """Timings of one visit, in seconds from its start; ``error`` names the failed step."""

    html: float | None = None
    assets: float | None = None
    states: float | None = None
    slider: float | None = None
    left: float | None = None
    asset_bytes: int = 0
    models: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.slider is not None


def _decode(opcode: int, data: bytes) -> dict:
    """A kernel message from the websocket (JSON text, or the binary form with buffers)."""
    if opcode == websocket.ABNF.OPCODE_TEXT:
        return json.loads(data)
    count = struct.unpack("!I", data[:4])[0]
    offsets = struct.unpack(f"!{count}I", data[4 : 4 + 4 * count])
    end = offsets[1] if count > 1 else len(data)
    return json.loads(data[offsets[0] : end])


class _Channel:
    """The kernel websocket of one page, spoken as the browser speaks it (no subprotocol)."""

    def __init__(self, base: str, kernel_id: str, timeout: float) -> None:
        url = base.replace("http", "ws", 1) + f"/api/kernels/{kernel_id}/channels"
        self.session = uuid.uuid4().hex
        self.ws = websocket.create_connection(
            f"{url}?session_id={self.session}", origin=base, timeout=timeout
        )

    def send(self, msg_type: str, content: dict, metadata: dict | None = None) -> str:
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": msg_type,
            "username": "",
            "session": self.session,
            "date": "",
            "version": "5.3",
        }
        message = {
            "header": header,
            "parent_header": {},
            "metadata": metadata or {},
            "content": content,
            "channel": "shell",
            "buffers": [],
        }
        self.ws.send(json.dumps(message))
        return msg_id

    def wait_for(self, match, deadline: float, what: str) -> dict:
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise VisitFailed(f"no {what} in time")
            self.ws.settimeout(left)
            try:
                opcode, data = self.ws.recv_data()
            except websocket.WebSocketTimeoutException as exc:
                raise VisitFailed(f"no {what} in time") from exc
            except websocket.WebSocketConnectionClosedException as exc:
                raise VisitFailed(
                    f"the kernel's websocket closed while waiting for {what}"
                ) from exc
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                raise VisitFailed(f"the kernel's websocket closed while waiting for {what}")
            if opcode not in (websocket.ABNF.OPCODE_TEXT, websocket.ABNF.OPCODE_BINARY):
                continue
            message = _decode(opcode, data)
            status = message.get("content", {}).get("execution_state")
            if message.get("msg_type") == "status" and status in ("dead", "restarting"):
                raise VisitFailed(f"the kernel is {status}")
            if match(message):
                return message

    def close(self) -> None:
        self.ws.close()


def _get(url: str, timeout: float, headers: dict | None = None) -> bytes:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def _model_with_class(states: dict, css_class: str) -> str:
    for model_id, entry in states.items():
        if css_class in entry["state"].get("_dom_classes", []):
            return model_id
    raise VisitFailed(f"no widget with the class {css_class!r} on the page")


def visit(
    base: str,
    page_path: str,
    assets: list[str],
    slider_class: str,
    target_class: str,
    timeout: float = 300.0,
    leave: bool = True,
) -> Visit:
    """One visitor: open the page, load its files and widgets, move the slider once, leave."""
    result = Visit()
    start = time.perf_counter()
    deadline = start + timeout
    token = secrets.token_hex(32)  # the _xsrf cookie our page template sets
    cookie = {"Cookie": f"_xsrf={token}"}
    channel = None
    step = "page"
    try:
        html = _get(base + page_path, timeout, cookie).decode("utf-8")
        result.html = time.perf_counter() - start
        found = re.search(r'"kernelId":\s*"([0-9a-f-]+)"', html)
        if not found:
            raise VisitFailed("the page names no kernel")
        kernel_id = found.group(1)

        step = "files"
        for path in assets:
            result.asset_bytes += len(_get(base + path, timeout, cookie))
        result.assets = time.perf_counter() - start

        step = "widgets"
        channel = _Channel(base, kernel_id, timeout)
        info = channel.send("kernel_info_request", {})
        channel.wait_for(
            lambda m: (
                m.get("parent_header", {}).get("msg_id") == info
                and m["msg_type"] == "kernel_info_reply"
            ),
            deadline,
            "kernel info",
        )
        control = uuid.uuid4().hex
        channel.send(
            "comm_open",
            {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}},
            {"version": CONTROL_VERSION},
        )
        channel.send("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
        reply = channel.wait_for(
            lambda m: m["msg_type"] == "comm_msg" and m["content"].get("comm_id") == control,
            deadline,
            "widget states",
        )
        states = reply["content"]["data"].get("states", {})
        result.models = len(states)
        result.states = time.perf_counter() - start
        channel.send("comm_close", {"comm_id": control, "data": {}})

        step = "slider"
        slider = _model_with_class(states, slider_class)
        target = _model_with_class(states, target_class)
        state = states[slider]["state"]
        value = state["value"] - state.get("step", 1)
        if value < state["min"]:
            value = state["value"] + state.get("step", 1)
        channel.send(
            "comm_msg",
            {
                "comm_id": slider,
                "data": {"method": "update", "state": {"value": value}, "buffer_paths": []},
            },
        )
        moved = time.perf_counter()
        channel.wait_for(
            lambda m: (
                m["msg_type"] == "comm_msg"
                and m["content"].get("comm_id") == target
                and m["content"].get("data", {}).get("method") == "update"
            ),
            deadline,
            "chart update after the slider moved",
        )
        result.slider = time.perf_counter() - moved

        step = "leave"
        if not leave:
            return result
        body = urllib.parse.urlencode({"_xsrf": token}).encode()
        request = urllib.request.Request(
            f"{base}/voila/api/shutdown/{kernel_id}", data=body, headers=cookie, method="POST"
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            if response.status not in (200, 204):
                raise VisitFailed(f"the shutdown beacon got HTTP {response.status}")
        result.left = time.perf_counter() - start
    except VisitFailed as exc:
        result.error = f"{step}: {exc}"
    except Exception as exc:  # a failure is a result here, reported in the table
        result.error = f"{step}: {exc.__class__.__name__}: {exc}"[:200]
    finally:
        if channel is not None:
            channel.close()
    return result
