"""The start page's panel: a year slider driving the R&D intensity ranking."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from helpers import charts, text, ui
from helpers.panels import complete_years, display_table, figure, year_slider
from helpers.widgets import FollowValue


def year_explorer(panel: pd.DataFrame, lang: str | None = None) -> widgets.VBox:
    """A year slider driving the R&D intensity ranking (the start page's example).

    Moving the slider only sets the chart's ``year`` parameter, in the browser
    (:class:`helpers.widgets.FollowValue`); the data stays there. The value arriving in the
    kernel is checked against the years that have data.
    """
    lang = lang or text.get_language()
    rows = panel[(panel["indicator"] == "rd_intensity") & ~panel["derived"]]
    years = complete_years(rows)
    latest = years[-1]
    chart = charts.live_chart(
        charts.intensity_ranking(rows, latest, lang), css_class="nqp-chart-ranking"
    )
    slider = year_slider(years, latest, "nqp-year-slider", lang)
    # the chart redraws in the browser on the key press; the kernel checks and follows
    follow = FollowValue(source=slider, chart=chart, param="year", values=years)

    def rows_for(year: int) -> pd.DataFrame:
        return rows[rows["year"] == year].sort_values("value", ascending=False)

    def table_for(year: int) -> pd.DataFrame:
        return display_table(rows_for(year).drop(columns=["indicator", "derived"]), lang)

    frame = figure(
        chart,
        charts.ranking_caption(rows, latest, lang),
        table_for(latest),
        lang,
        rows=rows_for(latest),
        name="ranking",
    )
    status = ui.status_area()
    later = ui.Later(status, text.t("error.redraw", lang))

    @ui.guarded(status, text.t("error.redraw", lang))
    def show_year(change: dict) -> None:
        year = int(change["new"])
        if year not in years:
            raise ValueError(text.t("error.no_year_data", lang, year=year))
        follow.set(year)

        def caption_and_table() -> None:  # after the chart has redrawn (ui.Later)
            frame.caption.value = charts.ranking_caption(rows, year, lang)
            frame.set_table(table_for(year), rows_for(year))

        later(caption_and_table)

    slider.observe(show_year, names="value")
    return widgets.VBox([slider, status, frame])
