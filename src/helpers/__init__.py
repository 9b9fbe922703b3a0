"""NQP Lab helpers: data, model, charts and widgets behind the notebooks.

The notebooks in ``notebooks/`` tell the story; everything longer than a few lines lives here.
"""

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

try:
    __version__ = version("nqp-lab")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

#: Root of the source tree (the folder holding ``pyproject.toml``). The package is installed in
#: editable mode, so notebooks, data and the Voilà template are read from here.
REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data"
NOTEBOOK_DIR = REPO_ROOT / "notebooks"

__all__ = ["DATA_DIR", "NOTEBOOK_DIR", "REPO_ROOT", "__version__"]
