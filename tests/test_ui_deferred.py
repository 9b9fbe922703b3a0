"""ui.when_near: parts below a served page's first screen are drawn when the reader nears them."""

from __future__ import annotations

import altair as alt
import ipywidgets as widgets
import pandas as pd
import pytest

from helpers import charts, page, text, ui


@pytest.fixture
def served(monkeypatch):
    """As in a kernel Voilà started (it sets VOILA_BASE_URL)."""
    monkeypatch.setenv("VOILA_BASE_URL", "/")


def a_part() -> widgets.VBox:
    chart = charts.live_chart(alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_point().encode(x="x"))
    return widgets.VBox([widgets.HTML("<p>Caption</p>"), chart])


def test_outside_voila_the_part_is_shown_as_it_is(monkeypatch):
    """JupyterLab, scripts, the headless notebook run and static exports hold every part."""
    monkeypatch.delenv("VOILA_BASE_URL", raising=False)
    part = a_part()
    assert ui.when_near(part, "drawn later") is part
    assert page.drawn_when_near(part, "en") is part


def test_in_voila_a_placeholder_holds_the_place_until_the_reader_comes_near(served):
    part = a_part()
    deferred = ui.when_near(part, "drawn later", "500px")
    assert isinstance(deferred, ui.Deferred)
    assert deferred.children == (deferred.placeholder,)
    assert not deferred.shown
    assert deferred.placeholder.label == "drawn later"
    assert deferred.placeholder.height == "500px"
    assert deferred.placeholder.charts == 1  # the serving benchmark reads it
    assert deferred.placeholder.margin == ui.NEAR_MARGIN
    assert "nqp-deferred" in deferred._dom_classes

    deferred.placeholder.near = True  # what the browser reports

    assert deferred.shown
    assert deferred.children == (part,)
    assert "nqp-deferred" not in deferred._dom_classes
    assert deferred.placeholder.comm is None  # closed: it is gone from the page


def test_a_part_can_be_drawn_nearer_than_the_usual_margin(served):
    deferred = ui.when_near(a_part(), "drawn later", "500px", margin="150px")
    assert deferred.placeholder.margin == "150px"  # the browser's IntersectionObserver reads it


def test_before_show_runs_once_before_the_content_takes_the_place(served):
    seen = []

    def before_show() -> None:
        seen.append(deferred.shown)

    deferred = ui.when_near(a_part(), "drawn later", before_show=before_show)
    deferred.placeholder.near = True
    deferred.show()
    assert seen == [False]  # the browser gets what it sends before it makes the views
    assert deferred.shown


def test_showing_twice_changes_nothing(served):
    part = a_part()
    deferred = ui.when_near(part, "drawn later")
    deferred.show()
    deferred.show()
    deferred.placeholder.near = True
    assert deferred.children == (part,)


def test_the_parts_widgets_are_there_before_they_are_drawn(served):
    """The kernel builds the part ahead: a control set before it is drawn is drawn set."""
    slider = widgets.IntSlider(value=1, max=10)
    deferred = ui.when_near(widgets.VBox([slider]), "drawn later")
    slider.value = 7
    deferred.placeholder.near = True
    assert deferred.content.children[0].value == 7


def test_shared_looks_reach_inside_a_part_not_yet_drawn(served):
    """ui.share_looks (one Layout for look-alike widgets) also sees the waiting content."""
    first, second = widgets.HTML("a"), widgets.HTML("b")
    root = widgets.VBox([first, ui.when_near(widgets.VBox([second]), "drawn later")])
    ui.share_looks(root)
    assert first.layout is second.layout


@pytest.mark.parametrize("lang", sorted(text.LANGUAGES))
def test_the_placeholder_says_what_happens_in_the_pages_language(served, lang):
    deferred = page.drawn_when_near(widgets.HTML("x"), lang, "300px")
    assert deferred.placeholder.label == text.t("page.drawn_when_near", lang)
    assert deferred.placeholder.label
