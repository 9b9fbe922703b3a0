"""ui.Later: the captions and tables of a widget callback follow its chart update."""

from __future__ import annotations

import asyncio

from helpers import ui


def test_without_an_event_loop_work_runs_at_once():
    status = ui.status_area()
    done = []
    ui.Later(status, "Could not redraw:")(lambda: done.append(1))
    assert done == [1]


def test_in_the_kernel_work_runs_after_the_delay_and_only_the_last_of_a_burst():
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

    before, pending = asyncio.run(burst())
    assert before == [] and pending  # nothing ran while the chart's message went out
    assert done == [2021]


def test_an_error_in_later_work_is_shown_and_a_later_success_clears_it():
    status = ui.status_area()

    def fails() -> None:
        raise ValueError("no data for 2031")

    async def run(work) -> None:
        later = ui.Later(status, "Could not redraw:", delay=0.01)
        later(work)
        await asyncio.sleep(0.05)

    asyncio.run(run(fails))
    assert ui.ERROR_CLASS in status.value and "no data for 2031" in status.value
    asyncio.run(run(lambda: None))
    assert status.value == ""
