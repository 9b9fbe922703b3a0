"""A static, read-only copy of the app: HTML pages with the charts drawn in, no server needed.

    python -m helpers.static_export --out site/ [--lang zh]

Each notebook is executed once, headless, with every widget replaced by what it shows at its
defaults (charts rendered to SVG by vl-convert, captions and tables as HTML, controls as a line
saying their value), and written as a standalone HTML page without code. The pages load nothing
from the internet (a test checks that no ``http`` address is referenced). Nothing is
interactive: for sliders and the scenario lab, serve the app.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import sys
from pathlib import Path

STATIC_ENV = "NQP_STATIC"


def is_static() -> bool:
    return os.environ.get(STATIC_ENV) == "1"


def static_name(page: str, lang: str) -> str:
    """File name of a page in the export: ``00_start_here.html``, ``00_start_here.zh.html``."""
    return f"{page}{'' if lang == 'en' else '.' + lang}.html"


def widget_html(widget) -> str:
    """What a widget shows, as static HTML (recursively for boxes, tabs and accordions)."""
    import altair as alt
    import ipywidgets as widgets

    from helpers import export

    if isinstance(widget, alt.JupyterChart):
        spec = export.spec_with_params(widget.chart, widget.params.trait_values())
        svg = export.render_chart(spec, "svg").decode("utf-8")
        return f'<div class="nqp-static-chart">{svg}</div>'
    if isinstance(widget, widgets.HTML | widgets.HTMLMath):
        return widget.value
    if isinstance(widget, widgets.Label):
        return f"<p>{html.escape(widget.value)}</p>"
    if isinstance(widget, widgets.Accordion | widgets.Tab):
        parts = []
        for index, child in enumerate(widget.children):
            title = widget.get_title(index) or ""
            parts.append(f"<h4>{html.escape(title)}</h4>{widget_html(child)}")
        return "".join(parts)
    if isinstance(widget, widgets.Box):
        return "".join(widget_html(child) for child in widget.children)
    if isinstance(widget, widgets.Output):
        return "".join(
            output.get("data", {}).get("text/html", "")
            or html.escape(output.get("data", {}).get("text/plain", output.get("text", "")))
            for output in widget.outputs
        )
    if isinstance(widget, widgets.Button) or not hasattr(widget, "value"):
        return ""  # buttons, downloads and invisible helpers have nothing to show on paper
    label = getattr(widget, "description", "") or ""
    value = widget.value
    if isinstance(value, tuple | list):
        value = ", ".join(map(str, value))
    return (
        f'<p class="nqp-static-control"><b>{html.escape(label)}</b> {html.escape(str(value))}</p>'
    )


def enable() -> None:
    """Show every widget as static HTML in this kernel (the export runs notebooks this way)."""
    import ipywidgets as widgets

    def static_bundle(self, **_kwargs):
        return {"text/html": widget_html(self), "text/plain": ""}

    widgets.Widget._repr_mimebundle_ = static_bundle


#: nbconvert's page links require.js and MathJax from CDNs and loads Mermaid from one when a
#: diagram is present; the exported pages need none of them.
_CDN_SCRIPTS = re.compile(
    r'<script[^>]*src="https?://[^"]*"[^>]*>\s*</script>'
    r"|<script type=\"module\">(?:(?!</script>).)*?mermaid(?:(?!</script>).)*</script>",
    re.S,
)


def offline(page: str) -> str:
    """The page without scripts from the internet."""
    return _CDN_SCRIPTS.sub("", page)


def export_notebook(path: Path, out_dir: Path, lang: str) -> Path:
    """Execute one notebook in static mode and write it as HTML without code."""
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    notebook = nbformat.read(path, as_version=4)
    saved = {key: os.environ.get(key) for key in (STATIC_ENV, "NQP_LANG")}
    os.environ.update({STATIC_ENV: "1", "NQP_LANG": lang})  # the kernel inherits these
    try:
        resources = {"metadata": {"path": str(path.parent)}}
        NotebookClient(notebook, timeout=300, kernel_name="python3", resources=resources).execute()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    notebook.metadata.pop("widgets", None)
    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    body, _ = exporter.from_notebook_node(notebook)
    target = out_dir / static_name(path.stem, lang)
    target.write_text(offline(body), encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    from helpers import NOTEBOOK_DIR

    parser = argparse.ArgumentParser(prog="python -m helpers.static_export", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("site"))
    parser.add_argument("--lang", default="en", choices=["en", "zh"])
    parser.add_argument("notebooks", nargs="*", help="notebook names (default: all)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    names = args.notebooks or sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb"))
    for name in names:
        target = export_notebook(NOTEBOOK_DIR / name, args.out, args.lang)
        print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
