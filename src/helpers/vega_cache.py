"""Charts compiled from Vega-Lite to Vega once, outside the kernels, and kept on disk.

A live chart sends the browser Vega-Lite, which vega-embed compiles to Vega before it draws.
Measured in Chromium, on a page's first chart (cold, six loads each): the Scenario lab's chart
drawn in 276 ms from Vega against 340 ms from Vega-Lite; the Foundations map 200 against 251 ms;
the Challenges gap chart 132 against 176 ms. The SVG drawn is the same, byte for byte.

The compiler (vl-convert, the Vega-Lite of the chart bundle itself) would cost every kernel
80 MB, so kernels never load it. A served page's chart looks for its compiled spec here
(:func:`compiled`); one not found is written to ``pending/`` and a compiler process started
(:func:`request`): ``python -m helpers.vega_cache``, at the lowest CPU priority, one at a time
(a lock), which compiles every pending spec and exits. The next kernels find them. A spec is
known by a hash of itself and of the compiler's version, so a changed chart or library is a
new entry, never a stale one.

Light on purpose (no Altair, no pandas): the compiler process imports only this module.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import subprocess
import sys
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any

from helpers.bundle import BUNDLE_CACHE, write_atomically

try:
    import fcntl
except ImportError:  # Windows: charts go on being compiled in the browser
    fcntl = None

log = logging.getLogger(__name__)

#: Compiled specs, ``<key>.json``; specs waiting for the compiler in ``pending/``.
#: ``NQP_VEGA_CACHE`` names another folder (the tests start from an empty one).
CACHE = Path(os.environ.get("NQP_VEGA_CACHE") or BUNDLE_CACHE / "vega")
PENDING = CACHE / "pending"
#: The Vega-Lite version of the chart bundle (Altair 6.3 with vl-convert 1.9: Vega-Lite 6.4).
VEGA_LITE = "6.4"
#: Compiled specs kept; beyond it the least recently written go (a spec is 5-300 KB).
KEEP = 400


def spec_key(spec: Mapping[str, Any]) -> str | None:
    """The cache key of a Vega-Lite spec, or None if it is not plain JSON."""
    try:
        text = json.dumps(spec, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        return None
    return hashlib.sha256((_seed() + text).encode("utf-8")).hexdigest()[:40]


@functools.cache
def _seed() -> str:
    """What else a compiled spec depends on: the compiler and its Vega-Lite (read once)."""
    return f"vl-convert {version('vl-convert-python')} vega-lite {VEGA_LITE}\n"


def compiled(key: str) -> dict | None:
    """The Vega spec compiled for ``key``, or None if there is none (yet) or it is unreadable."""
    try:
        spec = json.loads((CACHE / f"{key}.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        log.warning("compiled chart %s unreadable; the browser compiles it", key)
        return None
    return spec if isinstance(spec, dict) and "$schema" in spec else None


def request(key: str, spec: Mapping[str, Any]) -> bool:
    """Queue ``spec`` for the compiler and make sure one runs. False if it cannot be done here.

    Never raises: a chart is drawn from Vega-Lite meanwhile, as without this cache.
    """
    if fcntl is None or (CACHE / f"{key}.failed").exists():
        return False
    try:
        PENDING.mkdir(parents=True, exist_ok=True)
        target = PENDING / f"{key}.json"
        if not target.exists():
            write_atomically(target, json.dumps(spec))
        _start_compiler()
    except OSError:
        log.warning("could not queue a chart for compiling", exc_info=True)
        return False
    return True


_compiler: subprocess.Popen | None = None


def _start_compiler() -> None:
    """Start ``python -m helpers.vega_cache`` unless this kernel's last one is still running."""
    global _compiler
    if _compiler is not None and _compiler.poll() is None:
        return  # it reads pending/ again before it stops
    _compiler = subprocess.Popen(
        [sys.executable, "-m", "helpers.vega_cache"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # not the kernel's: an interrupt or restart leaves it be
    )


def compile_pending() -> int:
    """Compile every pending spec into the cache; the number compiled. One process at a time:
    returns 0 at once if another holds the lock."""
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / "compiler.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return 0
        import vl_convert

        done = 0
        while pending := sorted(PENDING.glob("*.json")):
            for path in pending:
                key = path.stem
                try:
                    spec = json.loads(path.read_text(encoding="utf-8"))
                    vega = vl_convert.vegalite_to_vega(spec, vl_version=VEGA_LITE)
                except Exception as exc:  # any spec the compiler refuses
                    (CACHE / f"{key}.failed").write_text(f"{type(exc).__name__}: {exc}\n")
                else:
                    write_atomically(CACHE / f"{key}.json", json.dumps(vega))
                    done += 1
                path.unlink(missing_ok=True)
        _trim()
        return done


def _trim() -> None:
    entries = sorted(CACHE.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)


def main() -> int:
    if fcntl is None:
        return 0
    os.nice(19)  # only the CPU that visitors' pages leave idle
    compile_pending()
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["CACHE", "PENDING", "compile_pending", "compiled", "request", "spec_key"]
