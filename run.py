#!/usr/bin/env python3
"""The two commands of NQP Lab, with their own set-up.

    python3 run.py app     # start the Voilà app on http://127.0.0.1:8866/
    python3 run.py test    # run every test (unit, notebooks, real browser)

Each command makes sure a virtual environment exists in ``.venv`` (created with the Python that
runs this script, which must be 3.11 or newer), installs the project into it in editable mode
when ``pyproject.toml`` changed since the last install, and then runs inside it. Only the
standard library is used here, so this file works on a fresh machine.

Set ``NQP_USE_CURRENT_ENV=1`` to skip the virtual environment and run in the active one (for a
conda environment made from ``environment.yml``, or Binder).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".nqp-installed"
MIN_PYTHON = (3, 11)
BROWSER = "/usr/bin/chromium"

USAGE = """usage: python3 run.py {app,test} [options passed on]

  app    start the Voilà app (options: --port N, --host ADDR; see `python3 run.py app --help`)
  test   run the whole test suite (options are passed to pytest, e.g. -k browser -x)
"""


def fail(message: str, code: int = 2) -> None:
    print(f"run.py: {message}", file=sys.stderr)
    raise SystemExit(code)


def venv_python() -> Path:
    scripts = "Scripts" if os.name == "nt" else "bin"
    return VENV / scripts / ("python.exe" if os.name == "nt" else "python")


def install_fingerprint() -> str:
    """What the installed environment depends on: the project metadata and the Python used."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def ensure_environment() -> str:
    """Return the Python to run in, creating and installing the environment if needed."""
    if os.environ.get("NQP_USE_CURRENT_ENV") == "1":
        return sys.executable
    if sys.version_info < MIN_PYTHON:
        fail(f"Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]}+ is needed, this is {sys.version.split()[0]}")
    python = venv_python()
    if not python.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=VENV.exists()).create(VENV)
    fingerprint = install_fingerprint()
    if not STAMP.exists() or STAMP.read_text().strip() != fingerprint:
        print("Installing NQP Lab and its dependencies (first run, or pyproject.toml changed) ...")
        pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
        steps = [[*pip, "--upgrade", "pip"], [*pip, "--editable", f"{ROOT}[test]"]]
        for step in steps:
            if subprocess.call(step, cwd=ROOT) != 0:
                fail("installing the dependencies failed (see pip's message above)")
        STAMP.write_text(fingerprint + "\n")
    return str(python)


def check_browser() -> None:
    """Browser tests are never skipped: without Chromium the test command stops here."""
    if not (Path(BROWSER).exists() or shutil.which("chromium")):
        fail(
            "the browser tests need Chromium at /usr/bin/chromium, which is missing.\n"
            "  On Debian/Ubuntu: sudo apt-get install chromium\n"
            "  (Playwright drives this system browser; `playwright install` is not used.)"
        )


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"app", "test"}:
        print(USAGE, file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "test":
        check_browser()
    python = ensure_environment()
    if command == "app":
        args = [python, "-m", "helpers.serve", *rest]
    else:
        args = [python, "-m", "pytest", *rest]
    return subprocess.call(args, cwd=ROOT)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
