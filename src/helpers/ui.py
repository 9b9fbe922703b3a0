"""Widget plumbing shared by every notebook: error messages that a served app can show.

A served Voilà app hides tracebacks, so an exception in a widget callback would leave a dead
slider and no explanation. :func:`guarded` wraps every callback: the error is logged for the
developer and shown to the user as one readable sentence, and the rest of the page keeps working.
"""

from __future__ import annotations

import asyncio
import functools
import html
import json
import logging
import os
import weakref
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any, TypeVar

import ipywidgets as widgets
import traitlets
from IPython import get_ipython
from IPython.core.formatters import DisplayFormatter

log = logging.getLogger("helpers.ui")

F = TypeVar("F", bound=Callable[..., Any])
L = TypeVar("L", bound=widgets.Widget)

ERROR_CLASS = "nqp-error"


def status_area() -> widgets.HTML:
    """An empty message area; :func:`guarded` writes errors into it."""
    area = widgets.HTML(value="")
    area.add_class("nqp-status")
    return area


def error_html(what: str, exc: BaseException) -> str:
    """One readable sentence about a failed action, safe to put into an HTML widget."""
    detail = str(exc).strip() or exc.__class__.__name__
    return (
        f'<div class="{ERROR_CLASS}" role="alert" '
        'style="color:#8a1c1c;background:#fdecea;border-left:4px solid #b42318;'
        'padding:6px 10px;margin:4px 0">'
        f"<b>{html.escape(what)}</b> {html.escape(detail)}</div>"
    )


def guarded(status: widgets.HTML, what: str = "Could not update the page:") -> Callable[[F], F]:
    """Decorate a widget callback so that an exception becomes a visible message.

    Parameters
    ----------
    status
        The HTML widget that shows the message (see :func:`status_area`). A later successful call
        clears a message left by an earlier failure.
    what
        The start of the sentence shown to the user, e.g. ``"Could not redraw the chart:"``.
    """

    def decorate(callback: F) -> F:
        @functools.wraps(callback)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                result = callback(*args, **kwargs)
            except Exception as exc:
                log.exception("widget callback %s failed", callback.__qualname__)
                status.value = error_html(what, exc)
                return None
            if ERROR_CLASS in status.value:
                status.value = ""
            return result

        return wrapper  # type: ignore[return-value]

    return decorate


#: Seconds between a callback's chart update and the captions and tables that follow it.
FOLLOW_UP_DELAY = 0.03


class Later:
    """The slower part of a widget callback, run just after the chart's update has gone out.

    A slider callback sets the chart's parameter or rows first, then rewrites captions and
    tables. Sent right behind the chart's message, those DOM updates hold the chart's redraw
    back in the browser (measured on the start page: key press → chart 20 ms, 15 ms with the
    caption and table sent 30 ms later). Work handed to a ``Later`` runs ``delay`` seconds
    after, on the kernel's event loop, and only the last of a burst runs (a slider dragged
    through ten years rewrites its table once). Errors are shown like :func:`guarded` shows
    them. Outside a kernel's running event loop (a test, a script, a static export) it runs at
    once.
    """

    def __init__(self, status: widgets.HTML, what: str, delay: float = FOLLOW_UP_DELAY) -> None:
        self.delay = delay
        self._guard = guarded(status, what)
        self._pending: asyncio.TimerHandle | None = None
        self._work: Callable[[], None] | None = None

    def __call__(self, work: Callable[[], None]) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        loop = _kernel_loop()
        if loop is None:
            self._guard(work)()
            return
        self._pending = loop.call_later(self.delay, self._run, work)
        self._work = work
        _WAITING.add(self)

    @property
    def pending(self) -> bool:
        """Whether work is waiting to run."""
        return self._pending is not None

    def run_now(self) -> None:
        """Run the waiting work at once (if any)."""
        if self._pending is not None:
            self._pending.cancel()
            self._run(self._work)

    def _run(self, work: Callable[[], None]) -> None:
        self._pending = None
        self._work = None
        _WAITING.discard(self)
        self._guard(work)()


#: Seconds a kernel must have been left alone before it starts optional work (:class:`Spare`):
#: after the chart's update and the captions and tables that follow it (:class:`Later`).
SPARE_DELAY = 0.04
#: Seconds between two steps of optional work, so that a message arriving meanwhile (the next
#: slider move) is handled before the next step starts.
SPARE_GAP = 0.005
#: Seconds between two looks for a quiet moment while the machine is busy, and how many looks
#: a step of optional work takes before it and the steps after it are dropped (about half a
#: second in all).
SPARE_RETRY = 0.015
SPARE_TRIES = 30


def machine_busy() -> bool:
    """Whether work started now would make someone wait for a processor: the other tasks ready
    to run at this moment already fill every core (a room of visitors all moving sliders).

    Reads the kernel's count of runnable tasks (``/proc/loadavg``, Linux); elsewhere, a
    1-minute load average above the number of cores.
    """
    cores = os.cpu_count() or 1
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            running = int(f.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        try:
            return os.getloadavg()[0] > cores
        except OSError:  # no load average either: assume there is time
            return False
    return running - 1 >= cores  # less this process, which is running while it reads


class Spare:
    """Optional work done in a kernel's spare time: nothing shown depends on it.

    Called with a list of steps, it runs them one by one once the kernel has been left alone
    :data:`SPARE_DELAY` seconds, giving the event loop a turn between steps. A new call drops
    the steps not yet run (the visitor did something else). Nothing runs outside a kernel's
    event loop (a test, a script, an export). While the machine is busy
    (:func:`machine_busy`) a step waits for a quiet moment, looking :data:`SPARE_TRIES` times
    at most, then the rest is dropped: the work is only worth doing when it costs nobody anything.
    A step that fails is logged and skipped.
    """

    def __init__(self, delay: float = SPARE_DELAY) -> None:
        self.delay = delay
        self._pending: asyncio.TimerHandle | None = None
        self._steps: list[Callable[[], None]] = []
        self._tries = 0

    def __call__(self, steps: list[Callable[[], None]]) -> None:
        self.cancel()
        loop = _kernel_loop()
        if loop is None or not steps:
            return
        self._steps = list(steps)
        self._pending = loop.call_later(self.delay, self._next, loop)

    @property
    def pending(self) -> bool:
        """Whether steps are waiting to run."""
        return self._pending is not None

    def cancel(self) -> None:
        """Drop the steps not yet run."""
        if self._pending is not None:
            self._pending.cancel()
        self._pending = None
        self._steps = []
        self._tries = 0

    def _next(self, loop: asyncio.AbstractEventLoop) -> None:
        self._pending = None
        if not self._steps:
            return
        if machine_busy():
            self._tries += 1
            if self._tries >= SPARE_TRIES:
                self.cancel()
            else:
                self._pending = loop.call_later(SPARE_RETRY, self._next, loop)
            return
        self._tries = 0
        step = self._steps.pop(0)
        try:
            step()
        except Exception:  # optional work: the page does not depend on it
            log.warning("spare-time work %r failed", step, exc_info=True)
        if self._steps:
            self._pending = loop.call_later(SPARE_GAP, self._next, loop)


#: Laters with work waiting (see :func:`run_waiting`).
_WAITING: weakref.WeakSet[Later] = weakref.WeakSet()


def run_waiting() -> None:
    """Run every caption and table update still waiting (:class:`Later`) at once.

    Exports call it first, so that a file made right after a slider moved holds what the
    page is about to show, not what it showed a moment before.
    """
    for later in list(_WAITING):
        later.run_now()


def _kernel_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop of the Jupyter kernel running this callback, else None.

    Only a kernel's own loop: another library's loop that happens to be running (Playwright's,
    in the browser tests' process) would run the work only whenever that library lets it.
    """
    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def served_by_voila() -> bool:
    """Whether Voilà started this kernel (it sets ``VOILA_BASE_URL`` in every kernel's env)."""
    return "VOILA_BASE_URL" in os.environ


# --- parts of a page drawn when the reader comes near them ------------------------------------

#: How far below (or above) the window a deferred part starts to be drawn: about half a screen,
#: so that a reader scrolling at reading pace finds it drawn.
NEAR_MARGIN = "400px"

#: The placeholder's front end: it tells the kernel once that it came within
#: :data:`NEAR_MARGIN` of the window (a hidden placeholder, as on a presenter-mode slide not
#: shown yet, never does). ``data-charts`` says how many charts it stands for (the serving
#: benchmark reads it).
_NEAR_ESM = """
export default {
  render({ model, el }) {
    el.className = 'nqp-deferred-placeholder';
    el.dataset.charts = String(model.get('charts'));
    Object.assign(el.style, {
      minHeight: model.get('height'), boxSizing: 'border-box', padding: '10px 14px',
      color: '#555', background: '#f6f7f9', border: '1px dashed #c8ccd4', fontSize: '90%',
    });
    el.textContent = model.get('label');
    if (model.get('near')) return;
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return;
      observer.disconnect();
      model.set('near', true);
      model.save_changes();
    }, { rootMargin: model.get('margin') });
    observer.observe(el);
    return () => observer.disconnect();
  }
};
"""


#: For tools that drive a served page (the browser tests, the serving benchmark): a function of
#: a CSS selector, true once it matches a drawn element; until then each call scrolls to the
#: first part still waiting to be drawn, as a reader scrolling down would.
SCROLL_TO_JS = """
(selector) => {
  const found = document.querySelector(selector);
  if (found && found.getClientRects().length > 0) return true;
  const waiting = document.querySelector('.nqp-deferred-placeholder');
  if (waiting) waiting.scrollIntoView({block: 'start'});
  return false;
}
"""


@functools.cache
def _near_viewport() -> type:
    """The placeholder widget class (anywidget is imported with the first one: Altair's
    JupyterChart needs it anyway)."""
    import anywidget

    class NearViewport(anywidget.AnyWidget):
        _esm = _NEAR_ESM
        near = traitlets.Bool(False).tag(sync=True)
        label = traitlets.Unicode("").tag(sync=True)
        height = traitlets.Unicode("200px").tag(sync=True)
        margin = traitlets.Unicode(NEAR_MARGIN).tag(sync=True)
        charts = traitlets.Int(0).tag(sync=True)

    return NearViewport


class Deferred(widgets.VBox):
    """A part of the page, built ahead, whose views the browser draws only when the reader
    comes near it.

    A served page's first screen waits for every widget view and chart on the page (measured
    side by side on the Challenges page: 2.37 s with its six charts drawn at load, 1.94 s with
    the first screen's one). Until the placeholder comes within ``margin`` of the window
    (:data:`NEAR_MARGIN` unless given) it holds the place (``height`` keeps the page's length
    close to the final one) and says that the part is drawn on the way; then ``content``
    takes its place. The content's widgets exist in the kernel all along, so nothing waits for
    the kernel and nothing about the state changes.
    """

    def __init__(
        self,
        content: widgets.Widget,
        label: str,
        height: str,
        charts: int,
        margin: str = NEAR_MARGIN,
        before_show: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.content = content
        self._before_show = before_show
        self.placeholder = _near_viewport()(
            label=label, height=height, charts=charts, margin=margin
        )
        self.children = (self.placeholder,)
        self.add_class("nqp-deferred")
        self.placeholder.observe(self._show, names="near")

    @property
    def shown(self) -> bool:
        """Whether the content has taken the placeholder's place."""
        return self.content in self.children

    def show(self) -> None:
        """Put the content in place now (after ``before_show``, which can bring what the
        browser holds of the content up to date before its views are made)."""
        if not self.shown:
            if self._before_show is not None:
                self._before_show()
            self.children = (self.content,)
            self.remove_class("nqp-deferred")
            self.placeholder.close()

    def _show(self, change: dict) -> None:
        if change["new"]:
            self.show()


def when_near(
    content: widgets.Widget,
    label: str,
    height: str = "300px",
    margin: str = NEAR_MARGIN,
    before_show: Callable[[], None] | None = None,
) -> widgets.Widget:
    """``content``, drawn when the reader comes within ``margin`` of it in a served app
    (:class:`Deferred`, which calls ``before_show`` just before).

    Anywhere else (JupyterLab, a script, the headless notebook run, a static export) it is
    ``content`` itself: there is no first screen to hurry, and an export must hold every part.
    """
    if not served_by_voila():
        return content
    charts = sum(type(w).__name__ == "JupyterChart" for w in _widgets_in(content))
    return Deferred(content, label, height, charts, margin, before_show)


def fill_output(output: widgets.Output, obj: Any) -> None:
    """Put ``obj`` into an Output widget in one assignment.

    ``with output: display(obj)`` while Voilà executes a notebook at page load was seen to hang
    the page in 2 to 10 of every 10 loads (VOILA_NOTES.md, trap 1); assigning ``outputs`` at once
    never did.
    """
    shell = get_ipython()
    formatter = shell.display_formatter if shell is not None else DisplayFormatter()
    data, metadata = formatter.format(obj)
    output.outputs = ({"output_type": "display_data", "data": data, "metadata": metadata},)


# --- one Layout and one Style model for widgets that look the same ----------------------------

#: Layouts and styles that code changes after the page is built (showing or hiding a box):
#: never shared, or the change would reach every widget that shares them.
_OWN_LOOKS: weakref.WeakSet[widgets.Widget] = weakref.WeakSet()


def own_look(look: L) -> L:
    """Mark a ``Layout`` or style that will be changed later: :func:`share_looks` leaves it."""
    _OWN_LOOKS.add(look)
    return look


def _look_key(look: widgets.Widget) -> tuple[type, str]:
    return type(look), json.dumps(look.get_state(), sort_keys=True, default=str)


def _widgets_in(root: Any) -> Iterator[widgets.Widget]:
    """Every widget reachable from ``root`` in page order: through children, containers and
    page objects."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, widgets.Widget):
            yield item
            inner = list(getattr(item, "children", ()) or ())
            if isinstance(item, Deferred):
                inner.append(item.content)
        elif isinstance(item, list | tuple):
            inner = list(item)
        elif isinstance(item, dict):
            inner = list(item.values())
        elif isinstance(item, SimpleNamespace) or type(item).__module__.startswith("helpers."):
            inner = list(vars(item).values())
        else:
            continue
        stack.extend(reversed(inner))  # the first child is visited next


def share_looks(root: Any) -> Any:
    """Let widgets that look the same share one ``Layout`` and one style model; returns ``root``.

    ipywidgets gives every widget its own ``Layout`` and style, and the browser creates a model
    for each before the page appears. On the Challenges page 83 layouts had 3 distinct states
    and 29 HTML styles one. Shared (and the spare ones closed), a page sends and builds about
    half as many models. Layouts marked with :func:`own_look` are left alone.
    """
    canonical: dict[tuple[type, str], widgets.Widget] = {}
    spare: dict[int, widgets.Widget] = {}
    for widget in list(_widgets_in(root)):
        if not isinstance(widget, widgets.DOMWidget):
            continue
        for name in ("layout", "style"):
            look = getattr(widget, name, None) if widget.has_trait(name) else None
            if not isinstance(look, widgets.Widget) or look.comm is None or look in _OWN_LOOKS:
                continue
            shared = canonical.setdefault(_look_key(look), look)
            if shared is not look:
                setattr(widget, name, shared)
                spare[id(look)] = look
    for look in spare.values():
        look.close()
    return root
