"""ui.Later: the captions and tables of a widget callback follow its chart update."""

from __future__ import annotations

import asyncio
import threading
from types import SimpleNamespace

import pytest

from helpers import ui


def in_a_fresh_thread(work):
    """Run ``work()`` in a new thread, which has no event loop running (in this test process
    the browser tests' Playwright keeps one running in the main thread)."""
    result = []
    thread = threading.Thread(target=lambda: result.append(work()))
    thread.start()
    thread.join()
    assert result, "the work raised in its thread"
    return result[0]


@pytest.fixture
def in_a_kernel(monkeypatch):
    """As in a Jupyter kernel: an IPython shell with a kernel (its loop runs the callbacks)."""
    monkeypatch.setattr(ui, "get_ipython", lambda: SimpleNamespace(kernel=object()))


def test_outside_a_kernel_work_runs_at_once_even_under_another_event_loop():
    """Not in a kernel (a script, a test process where Playwright runs its loop): at once."""
    status = ui.status_area()
    done = []

    async def under_a_loop() -> None:
        ui.Later(status, "Could not redraw:")(lambda: done.append(1))
        assert done == [1]

    in_a_fresh_thread(lambda: asyncio.run(under_a_loop()))


def test_without_an_event_loop_work_runs_at_once(in_a_kernel):
    status = ui.status_area()
    done = []
    in_a_fresh_thread(lambda: ui.Later(status, "Could not redraw:")(lambda: done.append(1)))
    assert done == [1]


def test_in_the_kernel_work_runs_after_the_delay_and_only_the_last_of_a_burst(in_a_kernel):
    status = ui.status_area()
    done: list[int] = []

    async def burst() -> tuple[list[int], bool]:
        later = ui.Later(status, "Could not redraw:", delay=0.02)
        for year in (2019, 2020, 2021):  # a slider dragged through three years
            later(lambda year=year: done.append(year))
        before = (list(done), later.pending)
        await asyncio.sleep(0.1)
        assert not later.pending
        return before

    before, pending = in_a_fresh_thread(lambda: asyncio.run(burst()))
    assert before == [] and pending  # nothing ran while the chart's message went out
    assert done == [2021]


def test_an_error_in_later_work_is_shown_and_a_later_success_clears_it(in_a_kernel):
    status = ui.status_area()

    def fails() -> None:
        raise ValueError("no data for 2031")

    async def run(work) -> None:
        later = ui.Later(status, "Could not redraw:", delay=0.01)
        later(work)
        await asyncio.sleep(0.05)

    in_a_fresh_thread(lambda: asyncio.run(run(fails)))
    assert ui.ERROR_CLASS in status.value and "no data for 2031" in status.value
    in_a_fresh_thread(lambda: asyncio.run(run(lambda: None)))
    assert status.value == ""


def test_an_export_runs_the_waiting_work_first(in_a_kernel):
    """A file made right after a move holds what the page is about to show."""
    status = ui.status_area()
    done: list[str] = []

    async def move_then_export() -> list[str]:
        later = ui.Later(status, "Could not redraw:", delay=10)
        later(lambda: done.append("caption 2015"))
        ui.run_waiting()  # what export producers call first
        seen = list(done)
        assert not later.pending
        await asyncio.sleep(0.01)
        return seen

    assert in_a_fresh_thread(lambda: asyncio.run(move_then_export())) == ["caption 2015"]
    assert done == ["caption 2015"]  # run once, not again when its timer would have fired
