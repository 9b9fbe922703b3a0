"""Widget panels: they wire data and chart builders together and hold no logic of their own."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from helpers import charts, text, ui


def complete_years(rows: pd.DataFrame, regions: int = 32) -> list[int]:
    """Years in which every region (31 provinces and the nation) has a value."""
    counts = rows.groupby("year")["region"].nunique()
    return sorted(int(y) for y in counts[counts >= regions].index)


def year_explorer(panel: pd.DataFrame, lang: str | None = None) -> widgets.VBox:
    """A year slider driving the R&D intensity ranking (the start page's example).

    Moving the slider only sets the chart's ``year`` parameter; the data stays in the browser.
    The value arriving from the browser is checked against the years that have data.
    """
    lang = lang or text.get_language()
    rows = panel[(panel["indicator"] == "rd_intensity") & ~panel["derived"]]
    years = complete_years(rows)
    latest = years[-1]
    chart = charts.live_chart(
        charts.intensity_ranking(rows, latest, lang), css_class="nqp-chart-ranking"
    )
    slider = widgets.IntSlider(
        value=latest,
        min=years[0],
        max=latest,
        step=1,
        description=text.t("widget.year", lang),
        continuous_update=True,
        layout=widgets.Layout(width="420px"),
    )
    slider.add_class("nqp-year-slider")
    caption = widgets.HTML(charts.ranking_caption(rows, latest, lang))
    caption.add_class("nqp-caption")
    status = ui.status_area()

    @ui.guarded(status, text.t("error.redraw", lang))
    def show_year(change: dict) -> None:
        year = int(change["new"])
        if year not in years:
            raise ValueError(text.t("error.no_year_data", lang, year=year))
        chart.params.year = year
        caption.value = charts.ranking_caption(rows, year, lang)

    slider.observe(show_year, names="value")
    return widgets.VBox([slider, status, chart, caption])
