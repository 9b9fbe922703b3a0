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


# --- ui.Spare: optional work in the kernel's spare time ---------------------------------------


def test_spare_work_runs_step_by_step_after_the_delay(in_a_kernel, monkeypatch):
    monkeypatch.setattr(ui, "machine_busy", lambda: False)
    done: list[str] = []

    async def run() -> tuple[list[str], list[str]]:
        spare = ui.Spare(delay=0.02)
        spare([lambda: done.append("a"), lambda: done.append("b")])
        before = list(done)
        await asyncio.sleep(0.1)
        assert not spare.pending
        return before, list(done)

    before, after = in_a_fresh_thread(lambda: asyncio.run(run()))
    assert before == [] and after == ["a", "b"]


def test_a_new_call_or_cancel_drops_the_steps_not_yet_run(in_a_kernel, monkeypatch):
    monkeypatch.setattr(ui, "machine_busy", lambda: False)
    done: list[str] = []

    async def run() -> None:
        spare = ui.Spare(delay=0.01)
        spare([lambda: done.append("old")])
        spare([lambda: done.append("new"), lambda: spare.cancel(), lambda: done.append("gone")])
        await asyncio.sleep(0.1)

    in_a_fresh_thread(lambda: asyncio.run(run()))
    assert done == ["new"]


def test_a_failing_step_is_skipped_and_the_rest_run(in_a_kernel, monkeypatch, caplog):
    monkeypatch.setattr(ui, "machine_busy", lambda: False)
    done: list[str] = []

    def fails() -> None:
        raise ValueError("no such scenario")

    async def run() -> None:
        ui.Spare(delay=0.01)([fails, lambda: done.append("b")])
        await asyncio.sleep(0.1)

    in_a_fresh_thread(lambda: asyncio.run(run()))
    assert done == ["b"] and "no such scenario" in caplog.text


def test_no_spare_work_outside_a_kernel_or_on_a_busy_machine(in_a_kernel, monkeypatch):
    done: list[str] = []
    in_a_fresh_thread(lambda: ui.Spare(delay=0)([lambda: done.append("no loop")]) or True)

    async def run() -> None:
        spare = ui.Spare(delay=0.001)
        spare([lambda: done.append("busy")])
        await asyncio.sleep(ui.SPARE_RETRY * ui.SPARE_TRIES + 0.1)
        assert not spare.pending  # gave up

    monkeypatch.setattr(ui, "machine_busy", lambda: True)
    in_a_fresh_thread(lambda: asyncio.run(run()))
    assert done == []


def test_spare_work_waits_for_a_quiet_moment(in_a_kernel, monkeypatch):
    answers = iter([True, True, False, True, False])  # busy twice, quiet, busy, quiet
    monkeypatch.setattr(ui, "machine_busy", lambda: next(answers))
    done: list[str] = []

    async def run() -> None:
        ui.Spare(delay=0.005)([lambda: done.append("a"), lambda: done.append("b")])
        await asyncio.sleep(0.2)

    in_a_fresh_thread(lambda: asyncio.run(run()))
    assert done == ["a", "b"]


def test_the_machine_is_busy_when_other_runnable_tasks_fill_every_core(monkeypatch, tmp_path):
    monkeypatch.setattr(ui.os, "cpu_count", lambda: 2)
    real_open = open

    def proc_loadavg(running: int):
        def fake_open(path, *args, **kwargs):
            if path == "/proc/loadavg":
                path = tmp_path / "loadavg"
                path.write_text(f"0.50 0.40 0.30 {running}/345 6789\n", encoding="ascii")
            return real_open(path, *args, **kwargs)

        return fake_open

    monkeypatch.setattr("builtins.open", proc_loadavg(2))  # itself and one other
    assert not ui.machine_busy()
    monkeypatch.setattr("builtins.open", proc_loadavg(3))  # itself and two others
    assert ui.machine_busy()


def test_without_proc_the_one_minute_load_average_decides(monkeypatch):
    def no_proc(*args, **kwargs):
        raise OSError("no /proc here")

    monkeypatch.setattr("builtins.open", no_proc)
    monkeypatch.setattr(ui.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(ui.os, "getloadavg", lambda: (2.0, 0.0, 0.0))
    assert not ui.machine_busy()
    monkeypatch.setattr(ui.os, "getloadavg", lambda: (2.5, 0.0, 0.0))
    assert ui.machine_busy()
