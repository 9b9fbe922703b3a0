"""Widget panels: they wire data and chart builders together and hold no logic of their own.

One module per part of the app; this package holds what they share, such as :func:`figure`,
the frame every chart is shown in (chart, caption with provenance, and a data table as its text
alternative)."""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from helpers import text


def complete_years(rows: pd.DataFrame, regions: int = 32) -> list[int]:
    """Years in which every region (31 provinces and the nation) has a value."""
    counts = rows.groupby("year")["region"].nunique()
    return sorted(int(y) for y in counts[counts >= regions].index)


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
) -> widgets.VBox:
    """A chart with its caption and, when given, its data table (the text alternative).

    Returns a VBox ``[chart, caption, table]`` whose caption (an HTML widget) a callback may
    update; ``box.caption`` and ``box.table`` reach them.
    """
    caption = widgets.HTML(caption_html)
    caption.add_class("nqp-caption")
    children = [chart, caption]
    table_widget = None
    if table is not None:
        table_widget = widgets.HTML(data_table_html(table, lang))
        table_widget.add_class("nqp-table")
        children.append(table_widget)
    box = widgets.VBox(children)
    if css_class:
        box.add_class(css_class)
    box.caption = caption
    box.table = table_widget
    return box


from helpers.panels.start import year_explorer  # noqa: E402

__all__ = ["complete_years", "data_table_html", "display_table", "figure", "year_explorer"]
