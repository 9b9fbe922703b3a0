"""Look-alike widgets share one Layout and one style model (helpers.ui.share_looks)."""

from __future__ import annotations

from types import SimpleNamespace

import ipywidgets as widgets

from helpers import ui


def test_look_alikes_share_one_layout_and_style_and_the_spares_close():
    htmls = [widgets.HTML(f"<p>{k}</p>", layout=widgets.Layout(margin="2px")) for k in range(5)]
    wide = widgets.HTML("wide", layout=widgets.Layout(width="90%"))
    spares = [h.layout for h in htmls[1:]] + [h.style for h in htmls[1:]]
    page = SimpleNamespace(panel=widgets.VBox([widgets.HBox(htmls[:3]), *htmls[3:], wide]))
    assert ui.share_looks(page) is page
    assert len({id(h.layout) for h in htmls}) == 1 and len({id(h.style) for h in htmls}) == 1
    assert wide.layout is not htmls[0].layout  # another look: kept apart
    assert all(look.comm is None for look in spares)  # closed: never sent to the browser
    assert htmls[0].layout.comm is not None and htmls[0].layout.margin == "2px"


def test_a_look_that_changes_later_is_never_shared():
    hidden = widgets.VBox(layout=ui.own_look(widgets.Layout(display="none")))
    other = widgets.VBox(layout=widgets.Layout(display="none"))
    ui.share_looks([hidden, other])
    hidden.layout.display = "flex"
    assert other.layout.display == "none"


def test_widgets_inside_page_objects_and_containers_are_reached():
    class Panel:  # stands in for a helpers page object (ScenarioLab, IndexExplorer)
        pass

    Panel.__module__ = "helpers.panels.example"
    panel = Panel()
    panel.sliders = {"a": widgets.IntSlider(), "b": widgets.IntSlider()}
    panel.rows = (widgets.Button(description="x"), widgets.Button(description="y"))
    ui.share_looks(panel)
    assert panel.sliders["a"].style is panel.sliders["b"].style
    assert panel.rows[0].layout is panel.rows[1].layout
