"""What every notebook page shares: the visitor's request, language, header, narrative, footer.

A notebook starts with ``page = open_page("foundations")``. In the served app that call waits
until a visitor arrives (Voilà runs the notebook ahead of time in a preheated kernel, up to this
point; everything before it — imports, data — is already done when someone opens the page), then
reads the page address: ``?lang=zh`` switches to Chinese, and later issues add scenario state.
Unknown or malformed values never break a page: they fall back to defaults and the page says so.

Narrative comes from the string table (:mod:`helpers.text`), so the same notebook reads in
English or Chinese.
"""

from __future__ import annotations

import functools
import gc
import html
import logging
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML, Markdown

from helpers import NOTEBOOK_DIR, __version__, text, ui

log = logging.getLogger("helpers.page")

#: The app's pages, in reading order: (notebook file, key of its short title). The header links
#: only those that exist, so a page in progress never shows a broken link.
PAGES: tuple[tuple[str, str], ...] = (
    ("00_start_here.ipynb", "nav.start"),
    ("01_foundations.ipynb", "nav.foundations"),
    ("02_challenges.ipynb", "nav.challenges"),
    ("03_measures.ipynb", "nav.measures"),
    ("04_workshop.ipynb", "nav.workshop"),
    ("05_nqp_index.ipynb", "nav.index"),
)
#: Longest query string read at all; anything longer is ignored with a notice.
MAX_QUERY_LENGTH = 4096


def drawn_when_near(widget: widgets.Widget, lang: str, height: str = "420px") -> widgets.Widget:
    """A part of the page below its first screen: in the served app the browser draws it when
    the reader comes near it (:func:`helpers.ui.when_near`); ``height`` holds its place."""
    return ui.when_near(widget, text.t("page.drawn_when_near", lang), height)


@dataclass
class Page:
    """One page view: its name, language and address parameters, and notices for the visitor."""

    name: str
    lang: str
    query: dict[str, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    #: "present" for presenter mode (``?mode=present``: big type, one idea per screen; the page
    #: template does the layout and the keys), otherwise "".
    mode: str = ""
    #: What the page's ``build`` function made (see :func:`open_page`), else None.
    views: Any = None

    def t(self, key: str, **values: object) -> str:
        return text.t(key, self.lang, **values)

    def md(self, key: str, **values: object) -> Markdown:
        """A paragraph (or more) of narrative, as Markdown."""
        return Markdown(self.t(key, **values))

    def link(self, notebook: str, **params: str) -> str:
        """Address of another page, keeping the language (in a static export: its HTML file)."""
        from helpers.static_export import is_static, static_name

        if is_static():
            return static_name(notebook.removesuffix(".ipynb"), self.lang)
        query = {"lang": self.lang, **params}
        return f"{notebook}?{urlencode(query)}"

    def header(self) -> widgets.HTML:
        """Navigation between pages, the language switch, and any notices about the address.

        An HTML *widget*, not an HTML output: JupyterLab's output renderer opens every link of
        an output in a new tab, and a language switch must reload this tab.
        """
        nav = " · ".join(
            f'<a href="{html.escape(self.link(nb))}">{html.escape(self.t(key))}</a>'
            for nb, key in PAGES
            if (NOTEBOOK_DIR / nb).exists()
        )
        switch = " | ".join(
            f"<b>{html.escape(name)}</b>"
            if code == self.lang
            else f'<a class="nqp-lang-{code}" hreflang="{code}" '
            f'href="{html.escape(self.switch_language_link(code))}">{html.escape(name)}</a>'
            for code, name in text.LANGUAGE_NAMES.items()
        )
        notices = "".join(
            f'<div class="nqp-notice" role="status" style="background:#fff8e1;'
            f'border-left:4px solid #e69f00;padding:6px 10px;margin:6px 0">{html.escape(n)}</div>'
            for n in self.notices
        )
        header = widgets.HTML(
            '<nav class="nqp-header" style="display:flex;justify-content:space-between;'
            'gap:1em;flex-wrap:wrap;border-bottom:1px solid #ddd;padding-bottom:4px">'
            f'<span class="nqp-nav">{nav}</span>'
            f'<span class="nqp-lang-switch" aria-label="{html.escape(self.t("nav.language"))}">'
            f"{switch}</span></nav>{notices}"
        )
        header.add_class("nqp-page-header")
        return header

    def contents(self) -> widgets.HTML:
        """The app's parts with one line each, linked (in this tab, keeping the language) once
        they exist."""
        items = []
        for notebook, key in PAGES[1:]:
            title = html.escape(self.t(key))
            about = html.escape(self.t(f"contents.{notebook.removesuffix('.ipynb')}"))
            if (NOTEBOOK_DIR / notebook).exists():
                items.append(
                    f'<li><a href="{html.escape(self.link(notebook))}">{title}</a>: {about}</li>'
                )
            else:
                items.append(f"<li>{title}: {about} {html.escape(self.t('contents.coming'))}</li>")
        box = widgets.HTML(f'<ol class="nqp-contents">{"".join(items)}</ol>')
        box.add_class("nqp-contents")
        return box

    def footer(self, vintage: str) -> HTML:
        """Version of the app and vintage of the data, on every page (its last cell)."""
        # after the page is on screen, not before: a full garbage collection takes ~90 ms
        threading.Timer(2.0, release_memory).start()
        return HTML(
            '<footer class="nqp-footer" style="margin-top:2em;border-top:1px solid #ddd;'
            'padding-top:4px;font-size:85%;color:#555">'
            + html.escape(self.t("footer.text", version=__version__, vintage=vintage))
            + "</footer>"
        )

    def switch_language_link(self, lang: str) -> str:
        """This page in another language, every other address parameter kept."""
        from helpers.static_export import is_static, static_name

        if is_static():
            return static_name(self.name, lang)
        return f"{self.name}.ipynb?{urlencode({**self.query, 'lang': lang})}"


def data_vintage(panel: pd.DataFrame, lang: str | None = None) -> str:
    """Years the statistics cover and the publication date of the newest headline table.

    The headline series is R&D intensity from the NBS/MOST/MOF communiqués; its newest
    grade-A table names its release date in the source title.
    """
    published = panel[~panel["derived"] & panel["year"].notna()]
    headline = published[(published["indicator"] == "rd_intensity") & (published["grade"] == "A")]
    last = int(headline["year"].max())
    dates = headline.loc[headline["year"] == last, "source"].str.extract(r"(\d{4}-\d{2}-\d{2})")[0]
    return text.t(
        "footer.vintage",
        lang,
        first=int(published["year"].min()),
        last=last,
        published=dates.dropna().max() if dates.notna().any() else "?",
    )


def release_memory() -> None:
    """Give the memory freed while the page was built back to the system.

    One kernel runs per visitor, so what each keeps counts (a workshop of 40 is 40 kernels).
    Loading and checking data frees many small blocks that glibc keeps for reuse; trimming them
    returns about 10 MB per kernel. Does nothing where glibc is not the C library.
    """
    import gc

    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def read_query(raw: str) -> tuple[dict[str, str], list[str]]:
    """Parse a page address's query string leniently: first value of each key, plus problems."""
    problems: list[str] = []
    if len(raw) > MAX_QUERY_LENGTH:
        return {}, [f"address too long ({len(raw)} characters)"]
    try:
        parsed = parse_qs(raw, keep_blank_values=True, strict_parsing=False, max_num_fields=64)
    except ValueError as exc:  # too many fields
        return {}, [str(exc)]
    return {key: values[0] for key, values in parsed.items()}, problems


def warm_up() -> None:
    """Pay one-off costs before the visitor arrives (a preheated kernel runs this ahead).

    The first chart of a kernel loads Altair's schema validator and the offline Vega bundle
    (measured: ~200 ms); doing it here keeps it off the visitor's wait.
    """
    import altair as alt
    import pandas as pd

    from helpers import charts

    rows = pd.DataFrame({"name": ["a", "b"], "value": [1.0, 2.0], "year": [2022, 2023]})
    year = alt.param(name="year", value=2023)
    encoded = alt.Chart(rows).encode(
        x=alt.X("value:Q", title="x"),
        y=alt.Y("name:N", sort="-x", title=None),
        color=alt.Color("name:N", scale=alt.Scale(range=["#000", "#111"]), legend=None),
        tooltip=[alt.Tooltip("value:Q", format=".2f")],
    )
    layered = alt.layer(
        encoded.mark_bar().transform_filter(alt.datum.year == year),
        encoded.mark_line(point=True),
        encoded.mark_rule(strokeDash=[2, 2]),
        encoded.mark_area(opacity=0.2),
        encoded.mark_text(),
    ).add_params(year)
    chart = layered.properties(title=alt.Title(alt.expr("'t' + year"), subtitle="s"))
    charts.live_chart(chart).close()  # never shown: closing keeps it out of the page's state


def _sharing_looks(build: Callable[[str], Any]) -> Callable[[str], Any]:
    """``build``, then one Layout and style model for look-alike widgets (ui.share_looks)."""

    @functools.wraps(build)
    def built(lang: str) -> Any:
        return ui.share_looks(build(lang))

    return built


def settle() -> None:
    """Take what the kernel holds before the visitor out of the garbage collector's sight.

    ``gc.freeze()`` after the imports and the page's first build: the collector no longer walks
    those objects, neither during the visit nor when the kernel exits. Measured on a kernel
    that imports pandas and Altair: leaving (the shutdown Voilà asks for when the visitor goes)
    took 0.5 CPU seconds, almost all of it collecting objects that die with the process anyway;
    a room of 40 leaving at once spent 20 s of a 2-core server's CPU on it. The cost: a build
    thrown away for another language is never collected (one per kernel, which serves one
    visitor).
    """
    gc.collect()
    gc.freeze()


def wait_for_visitor() -> None:
    """In a preheated Voilà kernel, block until a visitor takes it; then their request's
    variables (``QUERY_STRING`` …) are in ``os.environ``. Does nothing elsewhere.

    The protocol of ``voila.utils.wait_for_request`` (Voilà 0.5): one message on the websocket
    ``/voila/query/<kernel id>`` carries the request as JSON. Importing ``voila.utils`` would
    bring jupyter_server and jupyterlab_server into every kernel (measured: +20 MB each).
    """
    env = os.environ
    if not preheated():
        return
    import asyncio
    import json
    import threading

    import websockets

    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    url = (
        f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
        f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env.get('VOILA_KERNEL_ID')}"
    )
    received: list[str] = []

    async def receive() -> None:
        async with websockets.connect(url) as socket:
            received.append(await socket.recv())

    # The kernel's own event loop is busy running this cell: wait on a loop of our own.
    thread = threading.Thread(target=lambda: asyncio.run(receive()), daemon=True)
    thread.start()
    thread.join()
    if received:
        env.update({str(k): str(v) for k, v in json.loads(received[0]).items()})


def request_query() -> str:
    """The visitor's query string (after waiting for the visitor in a preheated kernel)."""
    wait_for_visitor()
    return os.environ.get("QUERY_STRING", "")


def preheated() -> bool:
    """Whether this kernel is one of Voilà's preheated kernels, waiting for a visitor."""
    return os.environ.get("VOILA_PREHEAT", "False") != "False"


class Speculation:
    """A page's views built before the visitor arrives, once in each of the app's languages.

    Built while a preheated kernel waits, they cost the visitor nothing, whichever language
    they read. Measured on the Challenges page (medians of 6 loads, one server): with only
    English built ahead, a Chinese visitor waited 3.00 s for the page against 1.89 s for an
    English one, as the page was built again after they arrived. Each further language costs a
    waiting kernel at most 2 MB and 0.06–0.8 s of work before anyone visits. The builds the
    visitor does not read are closed when they arrive.
    """

    _FAILED = object()

    def __init__(self, build: Callable[[str], Any], languages: Iterable[str]) -> None:
        from ipywidgets.widgets.widget import _instances

        self.builds: dict[str, tuple[Any, list[widgets.Widget]]] = {}
        waiting = text.get_language()
        for lang in dict.fromkeys(languages):  # in order, once each
            before = set(_instances)
            text.set_language(lang)  # as after the visitor arrives: text asked for without a
            try:  # language comes in the build's own
                views = build(lang)
            except Exception:  # built again after the visitor arrives, where errors are shown
                log.exception("building the page in %s ahead of the visitor failed", lang)
                views = self._FAILED
            finally:
                text.set_language(waiting)
            self.builds[lang] = (views, [_instances[key] for key in set(_instances) - before])

    @property
    def languages(self) -> list[str]:
        """The languages whose views are ready."""
        return [lang for lang, (views, _) in self.builds.items() if views is not self._FAILED]

    def take(self, lang: str, build: Callable[[str], Any]) -> Any:
        """The views in ``lang``: the ones built ahead if there are any, else new ones. Every
        other build is closed, except widgets the kept views use (a look may be shared)."""
        views, made = self.builds.get(lang, (self._FAILED, []))
        in_use = set() if views is self._FAILED else _widgets_used_by(made)
        for _, others in self.builds.values():  # a failed build's half-made widgets go too
            for widget in others:
                if id(widget) not in in_use:
                    widget.close()
        self.builds = {}
        return build(lang) if views is self._FAILED else views


def _widgets_used_by(roots: Iterable[widgets.Widget]) -> set[int]:
    """``id`` of each widget in ``roots`` and of every widget their synced traits refer to
    (children, layouts, styles, links), however deep."""
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        widget = stack.pop()
        if id(widget) in seen:
            continue
        seen.add(id(widget))
        for name in widget.keys:
            value = getattr(widget, name, None)
            for item in value if isinstance(value, list | tuple) else (value,):
                if isinstance(item, widgets.Widget):
                    stack.append(item)
    return seen


def open_page(
    name: str, raw_query: str | None = None, build: Callable[[str], Any] | None = None
) -> Page:
    """Start a page view: read the address, set the language, collect notices.

    Parameters
    ----------
    name
        The notebook's name without ``.ipynb``.
    raw_query
        The query string; by default the visitor's (``QUERY_STRING`` in Voilà, empty in
        JupyterLab, where ``NQP_LANG`` or :func:`helpers.text.set_language` choose the language).
    build
        Builds the page's charts and widgets in a language; the result becomes ``page.views``.
        In a preheated Voilà kernel they are built before the visitor arrives, in every
        language of the app (:class:`Speculation`), so that the page appears at once (measured:
        about 1 s sooner).
    """
    from helpers import charts, share, static_export  # imported before the visitor arrives

    if build is not None:
        build = _sharing_looks(build)
    speculation = None
    if static_export.is_static():
        static_export.enable()  # a read-only export: widgets become what they show
    elif raw_query is None:
        warm_up()
        if preheated():
            if build is not None:
                charts.defer_bundle()  # its address is the visitor's; known when they arrive
                speculation = Speculation(build, [text.get_language(), *text.LANGUAGE_NAMES])
            settle()
    query, problems = read_query(request_query() if raw_query is None else raw_query)
    if raw_query is None and not static_export.is_static():
        charts.load_bundle_from(share.page_address())
    requested = query.get("lang")
    code = text.normalise_language(requested)
    page = Page(name=name, lang=text.set_language(code or text.get_language()), query=query)
    if build is not None:
        page.views = speculation.take(page.lang, build) if speculation else build(page.lang)
    if requested is not None and code is None:
        page.notices.append(page.t("notice.unknown_language", value=requested[:20]))
    mode = query.get("mode")
    if mode == "present":
        page.mode = mode
    elif mode is not None:
        page.notices.append(page.t("notice.unknown_mode", value=mode[:20]))
    page.notices.extend(page.t("notice.bad_address", problem=problem) for problem in problems)
    return page
