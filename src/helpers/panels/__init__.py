"""Widget panels: they wire data and chart builders together and hold no logic of their own.

One module per part of the app; this package holds what they share, such as :func:`figure`,
the frame every chart is shown in (chart, caption with provenance, and a data table as its text
alternative)."""

from __future__ import annotations

import html
import re

import ipywidgets as widgets
import pandas as pd

from helpers import text


def complete_years(rows: pd.DataFrame, regions: int = 32) -> list[int]:
    """Years in which every region (31 provinces and the nation) has a value."""
    counts = rows.groupby("year")["region"].nunique()
    return sorted(int(y) for y in counts[counts >= regions].index)


def year_slider(
    years: list[int], value: int, css_class: str, lang: str, width: str = "420px"
) -> widgets.IntSlider:
    """The year slider every page uses: one step per year, updating while dragged."""
    slider = widgets.IntSlider(
        value=value,
        min=years[0],
        max=years[-1],
        step=1,
        description=text.t("widget.year", lang),
        continuous_update=True,
        layout=widgets.Layout(width=width),
    )
    slider.add_class(css_class)
    return slider


def display_table(rows: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """Panel rows as a reader's table: region name, year, indicator, value, unit, grade, source.

    Column headers are in ``lang``; the values are the data's own.
    """
    lang = lang or text.get_language()
    name = "region_zh" if lang == "zh" else "region_en"
    columns = {
        name: text.t("table.col.region", lang),
        "year": text.t("table.col.year", lang),
        "indicator": text.t("table.col.indicator", lang),
        "value": text.t("table.col.value", lang),
        "unit": text.t("table.col.unit", lang),
        "grade": text.t("table.col.grade", lang),
        "derived": text.t("table.col.derived", lang),
        "source": text.t("table.col.source", lang),
    }
    present = [c for c in columns if c in rows]
    table = rows.loc[:, present].copy()
    if "derived" in table:
        yes, no = text.t("table.yes", lang), text.t("table.no", lang)
        table["derived"] = table["derived"].map({True: yes, False: no})
    return table.rename(columns=columns)


def data_table_html(table: pd.DataFrame, lang: str | None = None, max_rows: int = 60) -> str:
    """The numbers behind a chart as an HTML table in a collapsible section.

    It is the chart's text alternative: screen readers read a table, not an SVG.
    """
    lang = lang or text.get_language()
    shown = table.head(max_rows)
    body = shown.to_html(index=False, border=0, classes="nqp-data-table", na_rep="—", escape=True)
    more = (
        f"<p>{html.escape(text.t('table.truncated', lang, shown=len(shown), total=len(table)))}</p>"
        if len(table) > max_rows
        else ""
    )
    return (
        f'<details class="nqp-data-details"><summary>{html.escape(text.t("table.show", lang))}'
        f"</summary>{body}{more}</details>"
    )


def figure(
    chart: widgets.DOMWidget,
    caption_html: str,
    table: pd.DataFrame | None = None,
    lang: str | None = None,
    css_class: str | None = None,
    *,
    rows: pd.DataFrame | None = None,
    name: str = "chart",
) -> widgets.VBox:
    """A chart with its caption, its data table (the text alternative) and export buttons.

    Parameters
    ----------
    chart
        The live chart (a JupyterChart from ``charts.live_chart``) or any widget.
    caption_html
        Caption naming source, years and grade (``charts.source_caption``).
    table
        The numbers shown, as a reader's table (``display_table``); also the CSV export.
    rows
        The panel rows behind the chart, for the provenance lines of the CSV export.
    name
        Short name for exported files (``nqp-<name>-<lang>.png``).

    Returns a VBox ``[chart, caption, table, exports]``; ``box.caption`` and ``box.table`` are
    the HTML widgets a callback updates; ``box.set_table(frame, rows)`` replaces the table shown
    and exported (and the rows whose sources, years and grades head the CSV).
    """
    lang = lang or text.get_language()
    caption = widgets.HTML(caption_html)
    caption.add_class("nqp-caption")
    children = [chart, caption]
    table_widget = None
    if table is not None:
        table_widget = widgets.HTML(data_table_html(table, lang))
        table_widget.add_class("nqp-table")
        children.append(table_widget)
    state = {"table": table, "rows": rows}
    exports = export_bar(chart, caption, state, name, lang)
    if exports is not None:
        children.append(exports)
    box = widgets.VBox(children)
    if css_class:
        box.add_class(css_class)
    box.caption = caption
    box.table = table_widget

    def set_table(frame: pd.DataFrame, rows: pd.DataFrame | None = None) -> None:
        state["table"] = frame
        if rows is not None:
            state["rows"] = rows
        if table_widget is not None:
            table_widget.value = data_table_html(frame, lang)

    box.set_table = set_table
    return box


def export_bar(chart, caption, state: dict, name: str, lang: str) -> widgets.Widget | None:
    """PNG, SVG and CSV buttons for a figure; files are made only when asked for."""
    import altair as alt

    from helpers import export, ui
    from helpers.widgets import DownloadButton

    status = ui.status_area()

    def show_error(exc: Exception) -> None:
        status.value = ui.error_html(text.t("export.failed", lang), exc)

    def caption_text() -> str:
        return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(caption.value)).split())

    buttons = []
    if isinstance(chart, alt.JupyterChart):

        def image(fmt: str):
            def produce() -> tuple[str, str, bytes]:
                ui.run_waiting()  # the caption the page is about to show (ui.Later)
                spec = export.spec_with_params(chart.chart, chart.params.trait_values())
                spec = export.with_caption(spec, caption_text())
                return (
                    f"nqp-{name}-{lang}.{fmt}",
                    export.FORMATS[fmt],
                    export.render_chart(spec, fmt),
                )

            return produce

        for fmt in ("png", "svg"):
            button = DownloadButton(text.t(f"export.{fmt}", lang), image(fmt), show_error)
            button.add_class(f"nqp-export-{fmt}")
            buttons.append(button)
    if state.get("table") is not None:

        def produce_csv() -> tuple[str, str, bytes]:
            ui.run_waiting()  # the table the page is about to show (ui.Later)
            payload = export.csv_with_provenance(state["table"], state["rows"], caption_text())
            return f"nqp-{name}-{lang}.csv", "text/csv", payload

        button = DownloadButton(text.t("export.csv", lang), produce_csv, show_error)
        button.add_class("nqp-export-csv")
        buttons.append(button)
    if not buttons:
        return None
    bar = widgets.VBox([widgets.HBox(buttons), status])
    bar.add_class("nqp-export-bar")
    return bar


from helpers.panels.start import year_explorer  # noqa: E402

__all__ = ["complete_years", "data_table_html", "display_table", "figure", "year_explorer"]
