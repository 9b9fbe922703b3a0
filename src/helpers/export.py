"""Exports: charts as PNG and SVG, the data behind them as CSV with their provenance.

Charts are rendered by vl-convert (Vega bundled, no browser, no network) in a short-lived
subprocess: vl-convert's JavaScript runtime would otherwise stay in the kernel (+120 MB per
visitor, measured). A font that covers Chinese is registered there, so Chinese titles, axes and
legends are drawn as glyphs, never as boxes.

    python -m helpers.export render png < spec.json > chart.png     (what the subprocess runs)
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd

from helpers import __version__

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
#: Folders searched for a CJK font (Debian's fonts-noto-cjk first; macOS and Windows after).
CJK_FONT_DIRS = (
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/noto-cjk",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
)
#: Font families tried in order by exported charts; the first one installed is used.
FONT_STACK = (
    "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
)
PNG_SCALE = 2  # sharp on projectors and in slides
RENDER_TIMEOUT = 60


class ExportError(RuntimeError):
    """A chart could not be rendered; the message says why in one sentence."""


def cjk_font_dirs() -> list[str]:
    return [d for d in CJK_FONT_DIRS if Path(d).is_dir()]


def with_export_font(spec: dict) -> dict:
    """The spec with a font stack that covers Chinese, unless the chart sets its own font."""
    spec = dict(spec)
    config = dict(spec.get("config", {}))
    config.setdefault("font", FONT_STACK)
    spec["config"] = config
    return spec


def render_chart(spec: dict, fmt: str) -> bytes:
    """Render a Vega-Lite spec (a dict with its data inline) to PNG or SVG bytes.

    Raises
    ------
    ExportError
        On an unknown format, a renderer failure or a timeout.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "helpers.export", "render", fmt],
            input=json.dumps(with_export_font(spec)).encode("utf-8"),
            capture_output=True,
            timeout=RENDER_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ExportError(f"rendering the chart took longer than {RENDER_TIMEOUT} s") from None
    if done.returncode != 0 or not done.stdout:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ExportError(f"the chart renderer failed ({detail[-1] if detail else 'no output'})")
    return done.stdout


#: Caption line length in display columns (a Chinese character takes two).
CAPTION_COLUMNS = 120


def wrap_display(line: str, columns: int) -> list[str]:
    """Wrap text to ``columns`` display columns, Chinese characters counting double; English
    breaks at spaces, Chinese anywhere."""
    out, current, width = [], "", 0
    for token in re.findall(r"[\u2E80-\uFFEF]|[^\s\u2E80-\uFFEF]+|\s+", line):
        size = 2 * len(token) if re.match(r"[\u2E80-\uFFEF]", token) else len(token)
        if width + size > columns and current.strip():
            out.append(current.rstrip())
            current, width = ("", 0) if token.isspace() else (token, size)
            continue
        current += token
        width += size
    if current.strip():
        out.append(current.rstrip())
    return out


def with_caption(spec: dict, caption: str) -> dict:
    """The spec with its caption (source, years, grade) as the last line under the title, so an
    exported image carries its provenance."""
    if not caption:
        return spec
    spec = dict(spec)
    title = spec.get("title", "")
    title = dict(title) if isinstance(title, dict) else {"text": title}
    subtitle = title.get("subtitle", [])
    subtitle = [subtitle] if isinstance(subtitle, str) else list(subtitle)
    title["subtitle"] = [*subtitle, *wrap_display(caption, CAPTION_COLUMNS)]
    spec["title"] = title
    return spec


def spec_with_params(chart, params: dict | None = None) -> dict:
    """The chart's spec, with parameters set to the values now on screen."""
    spec = chart.to_dict()
    for param in spec.get("params", []):
        if params and param.get("name") in params and "select" not in param:
            param["value"] = params[param["name"]]
    return spec


def csv_with_provenance(table: pd.DataFrame, rows: pd.DataFrame | None, title: str) -> bytes:
    """The data behind a chart as CSV (UTF-8 with BOM, so Excel reads Chinese), preceded by
    ``#`` lines naming the chart, the sources, the years, the trust grades and the app version.

    ``pandas.read_csv(path, comment="#")`` reads it back.
    """
    lines = [f"# {title}", f"# NQP Lab {__version__}"]
    if rows is not None and not rows.empty:
        if "source" in rows:
            for source in sorted(rows["source"].dropna().astype(str).unique()):
                lines.append(f"# Source: {source}")
        if "year" in rows and rows["year"].notna().any():
            years = rows["year"].dropna().astype(int)
            span = (
                str(years.min()) if years.min() == years.max() else f"{years.min()}-{years.max()}"
            )
            lines.append(f"# Years: {span}")
        if "grade" in rows:
            grades = ", ".join(sorted(rows["grade"].dropna().astype(str).unique()))
            lines.append(
                f"# Trust grades: {grades} (A official table ... D worked out from printed figures)"
            )
    buffer = io.StringIO()
    buffer.write("\n".join(line.replace("\n", " ") for line in lines) + "\n")
    table.to_csv(buffer, index=False, lineterminator="\n")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _render_main(fmt: str) -> None:
    import vl_convert as vlc

    for directory in cjk_font_dirs():
        vlc.register_font_directory(directory)
    spec = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    if fmt == "png":
        sys.stdout.buffer.write(vlc.vegalite_to_png(spec, scale=PNG_SCALE))
    else:
        sys.stdout.buffer.write(vlc.vegalite_to_svg(spec).encode("utf-8"))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "render" and sys.argv[2] in FORMATS:
        _render_main(sys.argv[2])
    else:
        print("usage: python -m helpers.export render {png,svg} < spec.json", file=sys.stderr)
        sys.exit(2)
