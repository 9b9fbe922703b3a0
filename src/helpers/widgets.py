"""Small browser-side widgets ipywidgets lacks: download, copy, and keeping the address current.

Both are anywidgets with their JavaScript inline (a few lines, no CDN, no build step), so they
work offline in JupyterLab and in the served app.

- :class:`DownloadButton` asks Python for the file when clicked (so nothing is computed until
  someone wants it), then the browser saves it under ``filename``.
- :class:`CopyButton` copies ``text`` to the clipboard (with a fallback for pages served over plain
  HTTP on a network, where the clipboard API is not available).
- :class:`AddressBar` keeps the page's address in step with its state (``history.replaceState``),
  so the address bar is always a link to what is on screen and a reload keeps it.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable

import anywidget
import traitlets

log = logging.getLogger("helpers.widgets")

_DOWNLOAD_ESM = """
function render({ model, el }) {
  const button = document.createElement("button");
  button.className = "jupyter-button widget-button nqp-download-button";
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
