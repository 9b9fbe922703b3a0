"""Chart builders: a tidy DataFrame in, an ``alt.Chart`` out; and the one way charts are shown.

One module per part of the app (``start``, ``foundations``, ...); this package holds what they
share: the palette, the offline live chart, captions naming source, vintage and trust grade.

Altair 6 emits Vega-Lite 6. Measured here (VOILA_NOTES.md) its default renderer fetches Vega from
a CDN and its ``mimetype`` renderer draws nothing in Voilà 0.5, so every live chart is an
:class:`altair.JupyterChart` in offline mode (the Vega bundle ships with vl-convert, inside the
kernel): it renders in JupyterLab and in Voilà with the network off, and a slider that only
changes a chart parameter costs ≈22 ms instead of ≈120 ms for a server-side SVG re-render (a
slider linked to the parameter in the browser, :class:`helpers.widgets.FollowValue`: 4–8 ms).
"""

from __future__ import annotations

import functools
import html
import os
import weakref

import altair as alt
import pandas as pd

from helpers import text, ui, vega_cache
from helpers.bundle import SERVED_PREFIX, ensure_offline_bundle

#: Okabe–Ito colours, distinguishable with the common colour-vision deficiencies.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
    "black": "#000000",
}
NORTHEAST_CODES = ("CN-LN", "CN-JL", "CN-HL")


#: Stands in for the Vega bundle in charts built before a visitor arrives (their address is not
#: known yet); :func:`load_bundle_from` replaces it in every chart before the page is sent.
BUNDLE_PENDING = (
    "export default { render({ el }) { el.textContent = 'The chart library did not load.'; } };"
)
#: Every chart this kernel made, so that the bundle can be swapped in all of them at once.
_LIVE_CHARTS: weakref.WeakSet[alt.JupyterChart] = weakref.WeakSet()


def defer_bundle() -> None:
    """Build charts without the bundle until :func:`load_bundle_from` says where it is.

    A preheated kernel builds its page before anyone visits; the bundle's address names the
    host the visitor used (``127.0.0.1`` or the laptop's address on the room's network), so it
    is only known when they arrive. The 0.9 MB inline bundle is no stand-in: it would travel
    with every chart's state.
    """
    _enable_offline()  # once per kernel; it would put the inline bundle back
    alt.JupyterChart._esm = BUNDLE_PENDING
    alt.JupyterChart._is_offline = True


def load_bundle_from(page_url: str) -> None:
    """Make this kernel's charts import the Vega bundle from the app's own server.

    Inline, each chart carries the 0.9 MB bundle in its widget state: a page with several charts
    sends it several times, and a chart that takes longer than anywidget's 2 s to start (seen
    under load with four charts) fails. Served once at ``/voila/templates/nqp/static/``, the
    browser downloads and evaluates it once per page, for every chart. ``page_url`` is the
    visitor's page address (``http://host:port/.../voila/render/x.ipynb``); without one (not
    in Voilà) charts get the bundle inline. Charts built already are switched too.
    """
    marker = "voila/render/"
    if marker in page_url:
        base = page_url[: page_url.index(marker)]
        name = ensure_offline_bundle().name
        alt.JupyterChart._esm = f"{base}{SERVED_PREFIX}{name}"
    else:
        alt.JupyterChart._esm = _inline_bundle()
    alt.JupyterChart._is_offline = True
    for chart in list(_LIVE_CHARTS):
        if chart._esm != alt.JupyterChart._esm:
            chart._esm = alt.JupyterChart._esm


def preload_html() -> str:
    """A ``<link rel="modulepreload">`` for the served Vega bundle, for a page that draws charts.

    A chart imports the bundle (0.9 MB) only once its widget is drawn, late in the page's load;
    named in the page, it is fetched and compiled while Voilà's own scripts load, and the chart
    finds it ready. Measured (five loads of each page, two runs): a page's first chart drawn
    40-90 ms sooner. The path is the one :func:`load_bundle_from` gives the charts, from the
    page's own host (``VOILA_BASE_URL``: the server's base path, set in every Voilà kernel).
    """
    base = os.environ.get("VOILA_BASE_URL") or "/"
    href = f"{base.rstrip('/')}/{SERVED_PREFIX}{ensure_offline_bundle().name}"
    return f'<link class="nqp-preload" rel="modulepreload" href="{html.escape(href)}">'


@functools.cache
def _enable_offline() -> None:
    """Make JupyterChart load Vega from the kernel (the cached bundle), never from a CDN.

    Equivalent to ``alt.JupyterChart.enable_offline()`` (a test compares the two bundles),
    without loading vl-convert into the kernel. In a kernel Voilà started, charts wait for the
    served bundle's address (:func:`load_bundle_from`, called when the page opens) instead: the
    inline bundle would stay in the kernel's memory for nothing (measured: 1.7 MB).
    """
    alt.JupyterChart._esm = BUNDLE_PENDING if ui.served_by_voila() else _inline_bundle()
    alt.JupyterChart._is_offline = True


@functools.cache
def _inline_bundle() -> str:
    """The bundle's text, read once per kernel."""
    return ensure_offline_bundle().read_text(encoding="utf-8")


def live_chart(chart: alt.TopLevelMixin, css_class: str | None = None) -> alt.JupyterChart:
    """Wrap a chart for display: offline, drawn as SVG, no export menu.

    SVG (rather than canvas) keeps the marks in the page's DOM, where screen readers and the
    browser tests can reach them.
    """
    _enable_offline()
    widget = alt.JupyterChart(chart, embed_options={"renderer": "svg", "actions": False})
    if ui.served_by_voila():
        _use_compiled(widget)
    _LIVE_CHARTS.add(widget)
    if css_class:
        widget.add_class(css_class)
    return widget


def _use_compiled(widget: alt.JupyterChart) -> None:
    """Send the chart as Vega compiled ahead (:mod:`helpers.vega_cache`), if it is there; else
    as Vega-Lite, and queue it for compiling. Vega-embed hovers Vega's marks by default, and
    not Vega-Lite's; ``hover`` is set off so that both draw and behave the same."""
    key = vega_cache.spec_key(widget.spec or {})
    if key is None:
        return
    vega = vega_cache.compiled(key)
    if vega is None:
        vega_cache.request(key, widget.spec)
        return
    widget.embed_options = {**widget.embed_options, "hover": False}
    widget.spec = vega


def _vega_data(spec: dict) -> list[dict]:
    """Compiled Vega's inline datasets (Vega-Lite's ``data`` is one dict, not a list)."""
    data = spec.get("data")
    if "datasets" in spec or not isinstance(data, list):
        return []
    return [d for d in data if isinstance(d, dict) and "name" in d and "values" in d]


def shown_rows(spec: dict) -> dict[str, list]:
    """A live chart's named datasets: Vega-Lite's ``datasets``, or compiled Vega's ``data``."""
    if "datasets" in spec:
        return dict(spec["datasets"])
    return {d["name"]: d["values"] for d in _vega_data(spec)}


def remember_shown(spec: dict, rows: dict[str, list], params: dict[str, object]) -> None:
    """Write new rows and parameter values into a live chart's spec in place (Vega-Lite or
    compiled Vega), so that a view created later starts from what the chart shows."""
    named = spec.get("datasets", {})
    for name, values in rows.items():
        if name in named:
            named[name] = values
    for entry in _vega_data(spec):
        if entry["name"] in rows:
            entry["values"] = rows[entry["name"]]
    for param in [*spec.get("params", []), *spec.get("signals", [])]:
        if param.get("name") in params and "value" in param:
            param["value"] = params[param["name"]]


def region_name_column(lang: str) -> str:
    """The panel column holding region names in ``lang``."""
    return "region_zh" if lang == "zh" else "region_en"


def years_label(years: pd.Series) -> str:
    """``2011–2023`` or ``2020`` for the years a chart shows."""
    years = pd.Series(years).dropna().astype(int)
    if years.empty:
        return ""
    first, last = int(years.min()), int(years.max())
    return str(first) if first == last else f"{first}–{last}"


def source_caption(rows: pd.DataFrame, lang: str | None = None, note: str = "") -> str:
    """Caption naming the source(s), the years (vintage) and the trust grade(s) of ``rows``.

    Every chart's caption is built here, so each number a user sees carries its provenance.
    ``rows`` are the panel rows behind the chart (columns ``source``, ``grade``, ``year`` and
    ``derived``); ``note`` is an extra sentence (a break in the series, a caveat), already in
    ``lang``.
    """
    lang = lang or text.get_language()
    sources = "; ".join(sorted(rows["source"].dropna().unique()))
    grades = ", ".join(sorted(rows["grade"].dropna().unique()))
    parts = [
        text.t(
            "caption.provenance",
            lang,
            sources=sources,
            years=years_label(rows["year"]) if "year" in rows else "",
            grades=grades,
        )
    ]
    if "derived" in rows and rows["derived"].any():
        parts.append(text.t("caption.derived", lang))
    if note:
        parts.append(note)
    return (
        '<p class="nqp-caption-source" style="font-size:90%;color:#444">'
        + html.escape(text.sentences(parts, lang))
        + "</p>"
    )


from helpers.charts.start import intensity_ranking, ranking_caption  # noqa: E402

__all__ = [
    "NORTHEAST_CODES",
    "OKABE_ITO",
    "intensity_ranking",
    "live_chart",
    "ranking_caption",
    "region_name_column",
    "source_caption",
    "years_label",
]
