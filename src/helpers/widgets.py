"""Small browser-side widgets ipywidgets lacks: download, copy, and keeping the address current.

All are anywidgets with their JavaScript inline (a few lines, no CDN, no build step), so they
work offline in JupyterLab and in the served app.

- :class:`DownloadButton` asks Python for the file when clicked (so nothing is computed until
  someone wants it), then the browser saves it under ``filename``.
- :class:`CopyButton` copies ``text`` to the clipboard (with a fallback for pages served over plain
  HTTP on a network, where the clipboard API is not available).
- :class:`AddressBar` keeps the page's address in step with its state (``history.replaceState``),
  so the address bar is always a link to what is on screen and a reload keeps it.
- :class:`FollowValue` (invisible) makes a chart's parameter follow a slider in the browser, so
  the chart redraws on the key press instead of after a round trip to the kernel.
- :class:`ChartFeed` (invisible) draws a chart's rows in the browser from rows the kernel worked
  out ahead, so that a step of a slider driving a model redraws on the key press too.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable

import anywidget
import ipywidgets
import traitlets

log = logging.getLogger("helpers.widgets")

_DOWNLOAD_ESM = """
function render({ model, el }) {
  const button = document.createElement("button");
  button.className = "jupyter-button widget-button nqp-download-button";
  button.style.width = "auto";  // the whole label: a widget button is 148 px
  const label = () => { button.textContent = model.get("description"); };
  label();
  model.on("change:description", label);
  button.addEventListener("click", () => {
    button.disabled = true;
    model.send({ type: "request" });
  });
  model.on("msg:custom", (msg) => {
    button.disabled = false;
    if (msg.type !== "file") return;
    const bytes = Uint8Array.from(atob(msg.b64), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: msg.mime }));
    const link = document.createElement("a");
    link.href = url;
    link.download = msg.filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  });
  el.appendChild(button);
}
export default { render };
"""

_COPY_ESM = """
function render({ model, el }) {
  const button = document.createElement("button");
  button.className = "jupyter-button widget-button nqp-copy-button";
  button.style.width = "auto";  // the whole label: a widget button is 148 px
  button.textContent = model.get("description");
  model.on("change:description", () => { button.textContent = model.get("description"); });
  button.addEventListener("click", async () => {
    const text = model.get("text");
    let copied = false;
    try {
      await navigator.clipboard.writeText(text);
      copied = true;
    } catch (error) {
      const area = document.createElement("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
      area.remove();
    }
    model.set("copied", copied ? (model.get("copied") + 1) : -1);
    model.save_changes();
  });
  el.appendChild(button);
}
export default { render };
"""


class DownloadButton(anywidget.AnyWidget):
    """A button that saves a file computed in Python on click.

    Parameters
    ----------
    description
        The button's label.
    produce
        Called on click; returns ``(filename, mime type, bytes)``. An exception is passed to
        ``on_error`` (a page shows it as a sentence) and nothing is downloaded.
    on_error
        Called with the exception when ``produce`` fails.
    """

    _esm = _DOWNLOAD_ESM
    description = traitlets.Unicode("Download").tag(sync=True)

    def __init__(
        self,
        description: str,
        produce: Callable[[], tuple[str, str, bytes]],
        on_error: Callable[[Exception], None] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(description=description, **kwargs)
        self._produce = produce
        self._on_error = on_error
        self.on_msg(self._handle)

    def _handle(self, _widget, content, _buffers) -> None:
        if not isinstance(content, dict) or content.get("type") != "request":
            return  # anything else from the browser is ignored
        try:
            filename, mime, payload = self._produce()
        except Exception as exc:
            log.exception("export failed")
            self.send({"type": "error"})
            if self._on_error:
                self._on_error(exc)
            return
        self.send(
            {
                "type": "file",
                "filename": filename,
                "mime": mime,
                "b64": base64.b64encode(payload).decode("ascii"),
            }
        )


class CopyButton(anywidget.AnyWidget):
    """A button that copies ``text`` to the clipboard; ``copied`` counts successes (-1: failed)."""

    _esm = _COPY_ESM
    description = traitlets.Unicode("Copy").tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    copied = traitlets.Int(0).tag(sync=True)


_ADDRESS_ESM = """
function render({ model, el }) {
  el.style.display = "none";
  const apply = () => {
    const query = model.get("query");
    if (window.location.pathname.indexOf("/voila/render/") === -1) return;  // not in JupyterLab
    const url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    window.history.replaceState(window.history.state, "", url);
  };
  model.on("change:query", apply);
  apply();
}
export default { render };
"""


class AddressBar(anywidget.AnyWidget):
    """Invisible: sets the browser's address to this page with ``query`` (in the served app)."""

    _esm = _ADDRESS_ESM
    query = traitlets.Unicode("").tag(sync=True)


#: The model a widget reference (``IPY_MODEL_<id>``) names, in the browser's widget manager.
_MODEL_OF_JS = """
const PREFIX = "IPY_MODEL_";

async function modelOf(manager, ref) {
  // A model made after the page connected may not be registered yet: ask again, briefly.
  for (let attempt = 0; ; attempt++) {
    try {
      return await manager.get_model(ref.slice(PREFIX.length));
    } catch (error) {
      if (attempt >= 40) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
"""

_FOLLOW_ESM = (
    _MODEL_OF_JS
    + """

function initialize({ model }) {
  let stop = () => {};
  let closed = false;
  (async () => {
    const manager = model.widget_manager;
    const [source, chart] = await Promise.all([
      modelOf(manager, model.get("source")),
      modelOf(manager, model.get("chart")),
    ]);
    if (closed) return;
    const follow = () => {
      const value = source.get("value");
      const allowed = model.get("values");
      if (allowed !== null && !allowed.includes(value)) return;  // the kernel says why
      const name = model.get("param");
      const params = chart.get("_params") || {};
      if (params[name] === value) return;
      chart.set("_params", { ...params, [name]: value });
      chart.save_changes();
    };
    source.on("change:value", follow);
    stop = () => source.off("change:value", follow);
    model.set("linked", true);  // from now on the kernel leaves this parameter to the browser
    model.save_changes();
  })().catch((error) => console.warn("[nqp] the chart follows its slider via the kernel", error));
  return () => { closed = true; stop(); };
}
export default { initialize };
"""
)


class FollowValue(anywidget.AnyWidget):
    """Invisible: in the browser, a chart's parameter ``param`` follows ``source.value``.

    A chart that follows its slider through the kernel waits for the round trip before it
    redraws; linked here, it redraws on the key press, as ``ipywidgets.jslink`` does for two
    widgets (which cannot reach into a chart's parameters). The kernel still sees every value:
    the chart sends its parameters back, and the page's own callback checks the value and
    updates what Python draws (captions, tables). It sets the parameter with :meth:`set`.

    ``values``, if given, are the only ones followed: a year with no data is left to the
    kernel, which explains it. ``linked`` is set by the browser once the link is in place.
    """

    _esm = _FOLLOW_ESM
    source = traitlets.Instance(ipywidgets.ValueWidget).tag(
        sync=True, **ipywidgets.widget_serialization
    )
    chart = traitlets.Instance(ipywidgets.DOMWidget).tag(
        sync=True, **ipywidgets.widget_serialization
    )
    param = traitlets.Unicode().tag(sync=True)
    values = traitlets.List(default_value=None, allow_none=True).tag(sync=True)
    linked = traitlets.Bool(False).tag(sync=True)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        # what the kernel sets, fixed here: the browser may change the synced traits, not this
        self._target = (self.chart, self.param)

    def set(self, value) -> None:
        """Set the parameter in the kernel's chart. Once the browser has linked it, the value
        is not sent back: with fast key presses the kernel's value can be one the browser has
        already moved past, and sending it would draw the chart back a step. Unlinked (a
        notebook run headless, a browser where the link failed), it is sent as usual."""
        chart, param = self._target
        if not self.linked:
            setattr(chart.params, param, value)
            return
        with chart._lock_property(_params={**chart._params, param: value}):
            setattr(chart.params, param, value)


_FEED_ESM = (
    _MODEL_OF_JS
    + """
// Slider positions as a key: six decimals, as the kernel rounds them (2.1 = 2.1000000000000001).
const keyOf = (positions) => positions.map((v) => Math.round(Number(v) * 1e6)).join(",");
const KEEP = 8;  // rows kept: the runs either side of the last few steps

function initialize({ model }) {
  let stop = () => {};
  let closed = false;
  (async () => {
    const manager = model.widget_manager;
    const chart = await modelOf(manager, model.get("chart"));
    const sources = await Promise.all(model.get("sources").map((ref) => modelOf(manager, ref)));
    if (closed) return;
    let current = null;  // the kernel's state: {epoch, run, positions, data}
    const kept = new Map();  // rows by slider positions, for the current epoch only
    let drawn = null;  // the run the chart shows, if it came from here
    let moved = false;  // the sliders were last moved by the visitor (not by the kernel)

    const keep = (entry) => {
      const key = keyOf(entry.positions);
      kept.delete(key);
      kept.set(key, entry);
      while (kept.size > KEEP) kept.delete(kept.keys().next().value);
    };
    const draw = (entry) => {
      if (entry.run === drawn) return;
      drawn = entry.run;
      // each dataset in its own step: the view beside the slider is redrawn first
      entry.data.forEach(([name, rows], i) => {
        const update = () => chart.set_state({
          _py_to_js_updates: [{ namespace: "data", name, scope: [], value: rows }],
        });
        if (i === 0) update(); else setTimeout(update, 0);
      });
    };
    const redraw = () => {
      if (current === null) return;
      const now = keyOf(sources.map((s) => s.get("value")));
      if (now === keyOf(current.positions)) { draw(current); return; }
      if (!moved) return;  // the kernel moved a slider: its rows will come
      const entry = kept.get(now);
      if (entry) draw(entry);
    };

    const onValue = (_model, _value, options) => {
      moved = Boolean(options && options.updated_view);  // a slider's own view: the visitor
      redraw();
    };
    const onMessage = (msg) => {
      if (!msg || typeof msg !== "object") return;
      if (msg.type === "current") {
        if (current === null || msg.epoch !== current.epoch) kept.clear();
        current = msg;
        if (msg.shown && drawn === null) drawn = msg.run;  // the chart was made with these rows
      } else if (msg.type !== "ahead" || current === null || msg.epoch !== current.epoch) {
        return;
      }
      keep(msg);
      redraw();
    };
    sources.forEach((s) => s.on("change:value", onValue));
    model.on("msg:custom", onMessage);
    stop = () => {
      sources.forEach((s) => s.off("change:value", onValue));
      model.off("msg:custom", onMessage);
    };
    model.set("linked", true);  // from now on the kernel sends the chart's rows here
    model.save_changes();
  })().catch((error) => console.warn("[nqp] the chart takes its rows from the kernel", error));
  return () => { closed = true; stop(); };
}
export default { initialize };
"""
)


class ChartFeed(anywidget.AnyWidget):
    """Invisible: draws a live chart's named datasets in the browser, from rows the kernel sent
    ahead of the visitor's key press.

    The kernel sends the rows of what it shows (:meth:`show`) and, when it has worked them
    out, the rows of scenarios a slider step or two away (:meth:`ahead`), each with the
    positions of ``sources`` (the sliders the state is set with) that give it. When the
    visitor's sliders land on positions whose rows the browser holds, it draws them at once;
    otherwise the chart waits for the kernel's :meth:`show`. The browser only draws rows made
    for the positions its sliders are at, so a message that arrives late never draws the
    chart back a step.

    Rows are valid within an ``epoch``: while it stays the same, the same slider positions
    always give the same rows. The kernel starts a new one whenever that stops being true
    (another region or scope, a preset, a lever clipped at its bound); the browser then drops
    what it holds.

    ``linked`` is set by the browser once the feed is in place; until then (and in a kernel
    without a browser) the page updates the chart itself. A view created later starts from
    the chart's spec, which the page keeps up to date in the kernel
    (:func:`helpers.charts.remember_shown`) and sends before that view is made (the lab's
    figure, drawn when the reader comes near it: ``ui.when_near(before_show=...)``).
    """

    _esm = _FEED_ESM
    sources = traitlets.List(traitlets.Instance(ipywidgets.ValueWidget)).tag(
        sync=True, **ipywidgets.widget_serialization
    )
    chart = traitlets.Instance(ipywidgets.DOMWidget).tag(
        sync=True, **ipywidgets.widget_serialization
    )
    linked = traitlets.Bool(False).tag(sync=True)

    def show(
        self,
        epoch: int,
        run: str,
        positions: list[float],
        datasets: list[tuple[str, list]],
        *,
        drawn: bool = False,
    ) -> None:
        """The rows of the state shown (``run`` names it), with the sliders at ``positions``;
        drawn in the order given. ``drawn``: the chart's spec has these rows already (the
        first message, when the browser has just made the chart): not redrawn."""
        self._feed("current", epoch, run, positions, datasets, shown=drawn)

    def ahead(
        self, epoch: int, run: str, positions: list[float], datasets: list[tuple[str, list]]
    ) -> None:
        """The rows of a state worked out ahead, that the sliders at ``positions`` give."""
        self._feed("ahead", epoch, run, positions, datasets)

    def _feed(self, kind, epoch, run, positions, datasets, **extra) -> None:
        self.send(
            {
                "type": kind,
                "epoch": int(epoch),
                "run": run,
                "positions": [float(p) for p in positions],
                "data": [[name, rows] for name, rows in datasets],
                **extra,
            }
        )
