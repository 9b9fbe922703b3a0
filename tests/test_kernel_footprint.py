"""What a visitor's kernel loads: nothing heavy that a page does not need.

One kernel runs per visitor, so a module that is imported by every page but used by few (the
chart renderer, the validation library, Voilà's server code) costs its memory 40 times in a
workshop of 40. This runs every page's panels in a fresh process and checks what got imported.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helpers import NOTEBOOK_DIR

#: Modules no visitor's kernel may import; with what each would cost (measured here).
FORBIDDEN = {
    "vl_convert": "vl-convert's JavaScript runtime, +120 MB (exports run it in a subprocess)",
    "pandera": "the validation library, +10 MB (files the build validated are read directly)",
    "voila": "Voilà's server code, +20 MB (helpers.page waits for the visitor without it)",
    "jupyterlab_server": "JupyterLab's server code, pulled in by voila.utils",
}

#: Modules only some pages may import: module -> (those pages, what it would cost the others).
ONLY_ON = {
    "pydantic": (
        {"03_measures.ipynb", "06_model_check.ipynb"},
        "the scenario validator with the model and YAML, ≈9 MB: only the model's pages need it",
    ),
}

SCRIPT = """
import json, sys, nbformat
from helpers.page import open_page
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
namespace = {}
for cell in nb.cells:
    if cell.cell_type == "code":
        exec(compile(cell.source, path, "exec"), namespace)
localedata = sys.modules.get("babel.localedata")
print(json.dumps({
    "modules": sorted({name.split(".")[0] for name in sys.modules}),
    "babel_locales": sorted(getattr(localedata, "_cache", {})),
}))
"""


@pytest.mark.parametrize("path", sorted(NOTEBOOK_DIR.glob("*.ipynb")), ids=lambda p: p.name)
def test_a_page_kernel_loads_nothing_heavy_it_does_not_need(path):
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(path)],
        capture_output=True,
        text=True,
        cwd=NOTEBOOK_DIR,
        timeout=300,
        check=True,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    loaded = set(report["modules"])
    found = {name: why for name, why in FORBIDDEN.items() if name in loaded}
    found |= {
        name: why
        for name, (pages, why) in ONLY_ON.items()
        if name in loaded and path.name not in pages
    }
    assert not found, found
    # Babel's locale data (4.6 MB) is never loaded: the number signs are written out in
    # helpers.text.NUMBER_SIGNS, and the message catalogues need none of it.
    assert report["babel_locales"] == []
