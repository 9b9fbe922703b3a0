"""What a visitor sees when things go wrong on the server side."""

from __future__ import annotations

import json
import signal

import pytest

from tests.browser import open_page

pytestmark = pytest.mark.browser

START = "00_start_here.ipynb"
READY = ".nqp-year-slider .noUi-handle"


def page_kernel_id(page) -> str:
    config = json.loads(page.text_content("#jupyter-config-data"))
    return config["kernelId"]


def test_a_killed_kernel_is_announced_with_a_reload_button(app, page, artifacts):
    open_page(page, app.url(START) + "?lang=zh", READY)
    kernel_id = page_kernel_id(page)
    kernel = next(k for k in app.kernels() if kernel_id in " ".join(k.cmdline()))
    kernel.send_signal(signal.SIGKILL)

    notice = page.wait_for_selector("#nqp-connection-lost", timeout=30_000)
    page.screenshot(path=artifacts / "kernel-lost.png", full_page=True)
    assert "连接已中断" in notice.inner_text()

    page.click("#nqp-connection-lost .nqp-reload")
    page.wait_for_selector(READY, timeout=90_000)
    assert page.locator("#nqp-connection-lost").count() == 0
    assert page_kernel_id(page) != kernel_id
