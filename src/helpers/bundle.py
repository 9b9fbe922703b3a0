"""The offline Vega bundle of Altair's JupyterChart, built once and served by the app.

Light on purpose (no Altair, no pandas): the app's launcher builds the bundle before it starts
Voilà without importing the chart libraries; the kernels use it through :mod:`helpers.charts`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from helpers import REPO_ROOT

#: Where the bundle is kept between kernels (not in git).
BUNDLE_CACHE = REPO_ROOT / ".cache"
#: The app's template serves files from here at ``/voila/templates/nqp/static/`` (not in git).
TEMPLATE_STATIC = REPO_ROOT / "share" / "jupyter" / "voila" / "templates" / "nqp" / "static"
#: The served bundle's address below the server's base URL.
SERVED_PREFIX = "voila/templates/nqp/static/"

_BUNDLE_SCRIPT = """
import sys
import altair as alt
alt.JupyterChart.enable_offline()
with open(sys.argv[1], "w", encoding="utf-8") as handle:
    handle.write(alt.JupyterChart._esm)
"""


def bundle_name() -> str:
    """The bundle's file name: the installed Altair and vl-convert versions name it.

    A new version is a new address, so a browser never uses a cached bundle of another version.
    """
    return f"jupyterchart-offline-altair{version('altair')}-vlc{version('vl-convert-python')}.js"


def offline_bundle_path() -> Path:
    """The cached bundle for the installed Altair and vl-convert."""
    return BUNDLE_CACHE / bundle_name()


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write ``path`` through a temporary file and a rename: a concurrent reader (another
    kernel, the compiler process) sees the old file or the whole new one, never half of it."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
    if isinstance(data, bytes):
        partial.write_bytes(data)
    else:
        partial.write_text(data, encoding="utf-8")
    partial.replace(path)


def ensure_offline_bundle() -> Path:
    """Write JupyterChart's offline bundle to the cache and the template's static folder, once.

    ``alt.JupyterChart.enable_offline()`` builds the bundle with vl-convert's embedded JavaScript
    runtime, which stays in the process: measured here, +120 MB in every kernel. Building it once
    in a throwaway process and reading the file instead keeps each visitor's kernel small. The
    app's launcher calls this before starting Voilà; a kernel that finds no file calls it too.
    """
    path = offline_bundle_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        subprocess.run(
            [sys.executable, "-c", _BUNDLE_SCRIPT, str(partial)], check=True, capture_output=True
        )
        partial.replace(path)  # atomic: concurrent kernels never read half a file
    served = TEMPLATE_STATIC / path.name
    if not served.exists():
        TEMPLATE_STATIC.mkdir(parents=True, exist_ok=True)
        write_atomically(served, path.read_bytes())
    return path
