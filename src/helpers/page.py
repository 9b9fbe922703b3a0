"""What every notebook page shares: the visitor's request, language, header, narrative, footer.

A notebook starts with ``page = open_page("foundations", build=build)`` and ends with
``page.footer(panel)``. In JupyterLab (and in a static export) ``open_page`` reads the page
address at once: ``?lang=zh`` switches to Chinese, and later issues add scenario state. Unknown
or malformed values never break a page: they fall back to defaults and the page says so.

In the served app a preheated kernel runs the whole notebook before anyone visits
(:class:`Arrival`): the views in every language, the narrative in every language, the header
and each view as an empty slot. The last cell, the footer, waits for the visitor, then fills the
slots with the views in their language and shows the narrative in it. The page's HTML is then
ready the moment they arrive.

Narrative comes from the string table (:mod:`helpers.text`), so the same notebook reads in
English or Chinese.

A served page whose first cell fails before ``open_page`` (its data could not be read) does not
run its other cells: every one of them would fail in turn, as the page they use does not exist.
The first of them says once, in both languages, that the page could not be built and why
(:func:`watch_cells`, installed when this module is imported in a Voilà kernel).
"""

from __future__ import annotations

import functools
import gc
import html
import logging
import operator
import os
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML, Markdown, display

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
    ("06_model_check.ipynb", "nav.check"),
)
#: Each language's tag in HTML (BCP 47): Chinese in simplified characters, so the browser picks
#: simplified glyphs (an untagged page got the punctuation of Japanese fonts).
HTML_LANG = {"en": "en", "zh": "zh-Hans"}
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
    #: What the page's ``build`` function made (see :func:`open_page`), else None. Before the
    #: visitor arrives in a preheated kernel: stand-ins shown as slots (:class:`PendingView`).
    views: Any = None
    #: In a preheated kernel, until the visitor arrives: what to finish when they do.
    arrival: Arrival | None = None

    @property
    def waiting(self) -> bool:
        """Whether the page is being run ahead of its visitor (language not known yet)."""
        return self.arrival is not None

    def t(self, key: str, **values: object) -> str:
        if self.waiting:
            raise RuntimeError(
                f"the page's language is known only when the visitor arrives (text {key!r}): "
                "build what depends on it in build(lang), or use page.md / page.on_arrival"
            )
        return text.t(key, self.lang, **values)

    def md(self, key: str, **values: object) -> Markdown:
        """A paragraph (or more) of narrative, as Markdown.

        Before the visitor arrives: in every language, each in a block of class ``nqp-say``
        that the page template hides until the footer names the visitor's language."""
        if not self.waiting:
            return Markdown(self.t(key, **values))
        return Markdown(
            "\n\n".join(
                f'<div class="nqp-say" lang="{HTML_LANG[code]}" data-nqp-lang="{code}">\n\n'
                f"{text.t(key, code, **values)}\n\n</div>"
                for code in text.LANGUAGE_NAMES
            )
        )

    def on_arrival(self, action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``action(*args, **kwargs)``, once the page's address is known; shows what it
        returns if that is a widget.

        For what needs the visitor's address or language, such as a shared link's scenario
        or the share bar. Before the visitor arrives, the call waits for them (views named
        through ``page.views`` are the visitor's by then) and its widget fills a slot.
        """
        if not self.waiting:
            return action(*args, **kwargs)

        def fill(page: Page) -> Any:
            def real(value: Any) -> Any:
                return value.resolve(page.views) if isinstance(value, PendingView) else value

            return action(*map(real, args), **{k: real(v) for k, v in kwargs.items()})

        return self.arrival.slot(fill)

    def link(self, notebook: str, **params: str) -> str:
        """Address of another page, keeping the language (in a static export: its HTML file)."""
        from helpers.static_export import is_static, static_name

        if is_static():
            return static_name(notebook.removesuffix(".ipynb"), self.lang)
        query = {"lang": self.lang, **params}
        return f"{notebook}?{urlencode(query)}"

    def header(self) -> widgets.Widget:
        """Navigation between pages, the language switch, and any notices about the address.

        An HTML *widget*, not an HTML output: JupyterLab's output renderer opens every link of
        an output in a new tab, and a language switch must reload this tab.
        """
        if self.waiting:
            return self.arrival.slot(Page.header)
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

    def contents(self) -> widgets.Widget:
        """The app's parts with one line each, linked (in this tab, keeping the language) once
        they exist."""
        if self.waiting:
            return self.arrival.slot(Page.contents)
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

    def footer(self, panel: pd.DataFrame) -> HTML:
        """Version of the app and vintage of the data in ``panel``, on every page: its last
        cell. Run ahead of the visitor, this is where the page waits for them (:meth:`arrive`)
        and then shows its narrative in their language."""
        shown = ""
        if self.waiting:
            self.arrive()
            shown = (  # the language's own glyphs, and what a screen reader reads it as
                f'<style>.nqp-say[data-nqp-lang="{self.lang}"] {{ display: block; }}</style>'
                f'<script>document.documentElement.lang = "{HTML_LANG[self.lang]}";</script>'
            )
        # after the page is on screen, not before: a full garbage collection takes ~90 ms
        threading.Timer(2.0, release_memory).start()
        vintage = data_vintage(panel, self.lang)
        return HTML(
            shown + '<footer class="nqp-footer" style="margin-top:2em;border-top:1px solid #ddd;'
            'padding-top:4px;font-size:85%;color:#555">'
            + html.escape(self.t("footer.text", version=__version__, vintage=vintage))
            + "</footer>"
        )

    def arrive(self) -> None:
        """Run ahead of the visitor: wait for them, read their address, and fill every slot of
        the page with what they see (in the order the page showed the slots). A slot that
        cannot be filled shows why; the others are filled all the same."""
        arrival, self.arrival = self.arrival, None
        if arrival is None:
            return
        global _AHEAD
        _AHEAD = None  # what fails from here is the visitor's to see where it happens
        try:
            settle()
            self.read_address(request_query(), live=True)
            self.notices.extend(
                self.t("notice.cell_failed", problem=_reason(error)) for error in arrival.failures
            )
            try:
                self.views = arrival.take(self.lang)
            except Exception as exc:  # shown in each slot that needed the views
                log.exception("building the page for its visitor failed")
                self.views = _Broken(exc)
            arrival.fill(self)
        finally:  # the browser asks for the widgets once this cell is done: from here it listens
            arrival.release()

    def read_address(self, raw_query: str, live: bool = False) -> None:
        """Language, mode, parameters and notices from the page's query string. ``live``: the
        address of the served page, whose server also serves the chart bundle."""
        query, problems = read_query(raw_query)
        if live:
            from helpers import charts, share

            charts.load_bundle_from(share.page_address())
        requested = query.get("lang")
        code = text.normalise_language(requested)
        self.lang = text.set_language(code or text.get_language())
        self.query = query
        if requested is not None and code is None:
            self.notices.append(self.t("notice.unknown_language", value=requested[:20]))
        mode = query.get("mode")
        if mode == "present":
            self.mode = mode
        elif mode is not None:
            self.notices.append(self.t("notice.unknown_mode", value=mode[:20]))
        self.notices.extend(self.t("notice.bad_address", problem=problem) for problem in problems)

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


#: Messages that carry widgets between kernel and browser (the Jupyter comm protocol).
WIDGET_MESSAGES = frozenset({"comm_open", "comm_msg", "comm_close"})


def hold_widget_messages() -> Callable[[], None]:
    """Stop the kernel from sending widget messages, until the returned function is called.

    For a page run ahead of its visitor, no browser is there to receive them: when it connects,
    it asks the kernel for every widget's state at once. Sent anyway, they flooded the kernel's
    output channel: the Scenario lab's first cell sent 2,666 of them (2.3 MB) in a few seconds,
    beyond the 1,000 the channel queues for a slow reader. When the server was busy (six pages
    preheating), the queue overflowed and dropped the cell's own output with the widget
    messages: the page lost its header, and Voilà waited for the lost end of the cell. Does
    nothing outside a kernel.
    """
    from ipykernel.kernelbase import Kernel

    if not Kernel.initialized():
        return lambda: None
    kernel = Kernel.instance()
    session, channel = kernel.session, kernel.iopub_socket
    send = session.send

    def send_unless_widget(stream: Any, msg_or_type: Any, *args: Any, **kwargs: Any) -> Any:
        if stream is channel and isinstance(msg_or_type, str) and msg_or_type in WIDGET_MESSAGES:
            return None
        return send(stream, msg_or_type, *args, **kwargs)

    session.send = send_unless_widget
    return lambda: vars(session).pop("send", None)


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
    def draws_charts(self) -> bool:
        """Whether a build made a live chart (the page then names the Vega bundle ahead)."""
        import altair as alt

        return any(
            isinstance(widget, alt.JupyterChart)
            for _, made in self.builds.values()
            for widget in made
        )

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


class Arrival:
    """A page run ahead of its visitor: its views built in every language (:class:`Speculation`)
    and the slots the page shows, filled when the visitor arrives (:meth:`Page.arrive`).

    With only the views built ahead, the narrative cells ran after the visitor arrived and the
    page's HTML streamed for 0.3–0.45 s (Challenges). With the whole page run ahead, time to
    interactive (serving benchmark, medians of 5 loads, two runs) went from 1.82 to 1.54–1.63 s
    on Foundations, 1.85 to 1.55–1.67 s on Challenges and 2.06 to 1.66–1.69 s on the lab. A room
    of 40 opening the start page at once was interactive after a median 5.5 s instead of 8.2 s.
    The browser asks for the widgets' state only when the kernel is done with the last cell, so
    it never sees an empty slot or a view in the other language.
    """

    def __init__(
        self,
        build: Callable[[str], Any] | None,
        speculation: Speculation | None,
        release: Callable[[], None] = lambda: None,
    ):
        self.build = build
        self.speculation = speculation
        #: Sends widget messages again (see :func:`hold_widget_messages`).
        self.release = release
        self.slots: list[tuple[widgets.VBox, Callable[[Page], Any]]] = []
        self.look = widgets.Layout()  # one look for every slot: one model, not one each
        #: Errors of the page's cells while it runs ahead, oldest first (:func:`watch_cells`):
        #: the visitor's header says which part failed and why (:meth:`Page.arrive`).
        self.failures: list[BaseException] = []

    def slot(self, fill: Callable[[Page], Any]) -> widgets.VBox:
        """An empty box on the page, filled with ``fill(page)`` when the visitor arrives."""
        box = widgets.VBox(layout=self.look)
        box.add_class("nqp-slot")
        self.slots.append((box, fill))
        return box

    def take(self, lang: str) -> Any:
        """The views in the visitor's language (see :meth:`Speculation.take`)."""
        if self.build is None:
            return None
        if self.speculation is None:
            return self.build(lang)
        return self.speculation.take(lang, self.build)

    def fill(self, page: Page) -> None:
        for box, fill in self.slots:
            try:
                box.children = _as_widgets(fill(page))
            except Exception as exc:
                log.exception("a part of the page could not be shown")
                box.children = (widgets.HTML(ui.error_html(page.t("page.part_failed"), exc)),)
        self.slots = []


#: Longest reason shown for a failed part of a page (an exception's message can be long).
REASON_CHARS = 300


#: An absolute file path in a message (POSIX or Windows), shown to visitors as its file name.
_PATH = re.compile(r"(?:[A-Za-z]:\\|/)(?:[^\s'\"/\\]+[/\\])+([^\s'\"/\\]*)")


def _reason(error: BaseException) -> str:
    """An exception as the reason a visitor reads: its message, else its kind; never a trace,
    and no folder of the server (a path becomes its file name)."""
    reason = " ".join(str(error).split()) or type(error).__name__
    reason = _PATH.sub(lambda m: m.group(1) or "…", reason)
    return reason if len(reason) <= REASON_CHARS else reason[: REASON_CHARS - 1] + "…"


def _as_widgets(value: Any) -> tuple[widgets.Widget, ...]:
    """What a slot shows for ``value``: a widget as it is, nothing for None, anything else as
    the output Jupyter would display for it."""
    if value is None:
        return ()
    if isinstance(value, widgets.Widget):
        return (value,)
    data, metadata = _display_formatter().format(value)
    output = widgets.Output()
    # one assignment, never ``with output:`` while the page loads (a Voilà page-load hang)
    output.outputs = ({"output_type": "display_data", "data": data, "metadata": metadata},)
    return (output,)


def _display_formatter():
    """IPython's display formatter (a plain one outside a kernel, e.g. in tests)."""
    from IPython import get_ipython
    from IPython.core.formatters import DisplayFormatter

    shell = get_ipython()
    return shell.display_formatter if shell is not None else DisplayFormatter()


class PendingView:
    """A part of ``page.views`` named before the visitor arrives (``views.gap``,
    ``exercises[0]``): displayed, it is a slot that their views fill."""

    __slots__ = ("_arrival", "_path")

    def __init__(self, arrival: Arrival, path: tuple[tuple[Callable, Any], ...] = ()):
        self._arrival = arrival
        self._path = path

    def __getattr__(self, name: str) -> PendingView:
        if name.startswith("_"):
            raise AttributeError(name)
        return PendingView(self._arrival, (*self._path, (getattr, name)))

    def __getitem__(self, key: Any) -> PendingView:
        return PendingView(self._arrival, (*self._path, (operator.getitem, key)))

    def resolve(self, views: Any) -> Any:
        """This part of the visitor's views."""
        for step, key in self._path:
            views = step(views, key)
        return views

    def _ipython_display_(self) -> None:
        display(self._arrival.slot(lambda page: self.resolve(page.views)))


class _Broken:
    """Views that could not be built for the visitor: every part of them raises why."""

    def __init__(self, error: Exception) -> None:
        self._error = error

    def __getattr__(self, name: str) -> Any:
        raise self._error

    def __getitem__(self, key: Any) -> Any:
        raise self._error


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

    In a preheated Voilà kernel the page does not wait here: it is run ahead of the visitor to
    its footer (:class:`Arrival`), with the views built in every language of the app
    (:class:`Speculation`; measured: the page appears about 1 s sooner).
    """
    from helpers import charts, share, static_export  # noqa: F401 -- before the visitor arrives

    global _OPENED, _AHEAD
    _OPENED = True
    if build is not None:
        build = _sharing_looks(build)
    if static_export.is_static():
        static_export.enable()  # a read-only export: widgets become what they show
    elif raw_query is None:
        ahead = preheated()
        release = hold_widget_messages() if ahead else None  # until the visitor arrives
        warm_up()
        if ahead:
            speculation = None
            if build is not None:
                charts.defer_bundle()  # its address is the visitor's; known when they arrive
                speculation = Speculation(build, [text.get_language(), *text.LANGUAGE_NAMES])
                if speculation.draws_charts:
                    display(HTML(charts.preload_html()))  # hidden by the page template
            arrival = Arrival(build, speculation, release)
            _AHEAD = arrival
            page = Page(name=name, lang="", arrival=arrival)
            page.views = PendingView(arrival)
            return page
    page = Page(name=name, lang="")
    live = raw_query is None and not static_export.is_static()
    page.read_address(request_query() if raw_query is None else raw_query, live=live)
    if build is not None:
        page.views = build(page.lang)
    return page


# --- a served page's cells that fail ------------------------------------------------------------

#: Whether :func:`open_page` has run in this kernel.
_OPENED = False
#: The page run ahead of its visitor in this kernel, until they arrive.
_AHEAD: Arrival | None = None
#: What the first cell of a served page raised before the page was opened, else None.
_START_FAILED: BaseException | None = None
#: Code run instead of each cell after a failed start: the first says why, the others nothing.
_SAY_WHY = "__import__('helpers.page').page.say_why_the_page_failed()\n"
#: Whether the reason has been shown (once per page).
_SAID = False


def watch_cells() -> None:
    """Watch this kernel's cells for errors (once per kernel). Voilà goes on past a failing
    cell (``allow_errors``, config/voila.py) and shows it as a short message, never the trace.

    - A cell that fails while a page runs ahead of its visitor: its error is kept
      (``Arrival.failures``) for the visitor's header.
    - A cell that fails before :func:`open_page` ran (the page's data could not be read): none
      of the cells after it runs; the first of them shows :func:`say_why_the_page_failed`
      instead. Without this, such a page showed Voilà's short error once per cell (a dozen on
      the lab page) and no header, as every cell uses the page that was never opened.
    """
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None or getattr(shell, "_nqp_start_guard", False):
        return
    shell._nqp_start_guard = True

    def record(result) -> None:
        global _START_FAILED
        error = result.error_before_exec or result.error_in_exec
        if error is None:
            return
        if _AHEAD is not None:
            _AHEAD.failures.append(error)
        elif not _OPENED and _START_FAILED is None:
            _START_FAILED = error
            shell.input_transformers_post.append(_skip_cell)

    shell.events.register("post_run_cell", record)


def _skip_cell(lines: list[str]) -> list[str]:
    """The code run instead of a cell (the kernel may transform a cell more than once)."""
    return [_SAY_WHY]


def say_why_the_page_failed() -> HTML | None:
    """The one message of a page that could not be built, in every language of the app (the
    visitor's is not known yet), with the reason and a link back to the start page; None
    after the first call (the page's later cells show nothing)."""
    global _SAID
    if _SAID:
        return None
    _SAID = True
    reason = html.escape(_reason(_START_FAILED)) if _START_FAILED is not None else ""
    lines = "".join(
        f'<p lang="{HTML_LANG[code]}" style="margin:0 0 4px 0">'
        f"{html.escape(text.t('page.not_built', code))} "
        f'<a href="{html.escape(PAGES[0][0])}?lang={code}">'
        f"{html.escape(text.t('page.not_built_link', code))}</a></p>"
        for code in text.LANGUAGE_NAMES
    )
    return HTML(
        f'<div class="nqp-notice nqp-page-failed" role="alert" style="background:#fdecea;'
        f'border-left:4px solid #b42318;padding:8px 12px;margin:8px 0">{lines}'
        f'<p style="margin:4px 0 0 0;color:#555;font-size:90%"><code>{reason}</code></p></div>'
    )


if ui.served_by_voila():
    watch_cells()
