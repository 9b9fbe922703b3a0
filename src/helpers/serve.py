"""Start the NQP Lab Voilà app: ``python -m helpers.serve [--port N] [--host ADDR]``.

Voilà runs in standalone directory mode on the ``notebooks/`` folder, so every notebook there is a
page and nothing else is. Its settings live in the committed ``config/voila.py``, which Voilà is
told to read; the page template ``nqp`` lives in ``share/jupyter/voila/templates/`` and is found
through ``JUPYTER_PATH``.
Tests start the app with the same :func:`voila_command` and :func:`voila_environment`, so what is
tested is what users run.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from helpers import NOTEBOOK_DIR, REPO_ROOT

DEFAULT_PORT = 8866
DEFAULT_HOST = "127.0.0.1"
START_PAGE = "00_start_here.ipynb"
TEMPLATE_ROOT = REPO_ROOT / "share" / "jupyter"
CONFIG_DIR = REPO_ROOT / "config"


#: Seconds a cell may run while Voilà renders a page.
CELL_TIMEOUT = 60
#: Tag of the cell that waits for the visitor in a preheated kernel (the page's footer,
#: ``page.Page.arrive``).
WAIT_TAG = "wait-for-visitor"
#: Tag of the cell that builds the page's views in every language (``page.open_page``).
BUILD_TAG = "builds-ahead"
#: Seconds the building cell may run. A room's pool preheats at once: 40 kernels of the lab
#: share 2 cores for about 40 × 5.4 s / 2 ≈ 110 s, and each kernel's build takes most of that.
#: With the 60 s limit of other cells, 40 workshop kernels timed out and their pages stopped.
BUILD_TIMEOUT = 600


def cell_timeout(cell) -> int | None:
    """Voilà's per-cell execution limit: none for the cell that waits for a visitor, ten
    minutes for the one that builds the page, a minute for the others."""
    tags = cell.get("metadata", {}).get("tags", [])
    if WAIT_TAG in tags:
        return None
    return BUILD_TIMEOUT if BUILD_TAG in tags else CELL_TIMEOUT


POOLS_ENV = "NQP_KERNEL_POOLS"


def parse_pool(value: str) -> tuple[str, int]:
    """``"03_measures.ipynb=30"`` -> ``("03_measures.ipynb", 30)``; a clear error otherwise."""
    page, sep, size = value.partition("=")
    page = page.strip()
    if not page.endswith(".ipynb"):
        page += ".ipynb"
    if not sep or not (NOTEBOOK_DIR / page).is_file():
        pages = ", ".join(sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb")))
        raise ValueError(f"--pool wants PAGE=N with PAGE one of: {pages} (got {value!r})")
    try:
        count = int(size)
    except ValueError:
        raise ValueError(f"--pool {value!r}: N must be a whole number") from None
    if not 0 <= count <= 200:
        raise ValueError(f"--pool {value!r}: N must be between 0 and 200")
    return page, count


def kernel_pools_from_env(env: dict[str, str] | None = None) -> dict:
    """Voilà's ``kernel_pools_config`` from the launcher's ``--pool`` options (via the env)."""
    raw = (os.environ if env is None else env).get(POOLS_ENV, "")
    if not raw:
        return {}
    pools = {"default": {"pool_size": 1}}
    for item in raw.split(","):
        page, count = parse_pool(item)
        pools[page] = {"pool_size": count}
    return pools


#: Seconds before a kernel taken from a pool is replaced: ``NQP_REFILL_DELAY``, else these.
REFILL_ENV = "NQP_REFILL_DELAY"
REFILL_DELAY_ROOM = 60.0
REFILL_DELAY_SINGLE = 1.0


def refill_delay(env: dict[str, str] | None = None) -> float:
    """How long Voilà waits before preheating a replacement for a kernel a visitor took.

    With one kernel per page (a reader or two), at once. With a room's pools (``--pool``), a
    minute later: when 30 people open the page together, 30 replacements built at the same
    moment would take the CPU from the 30 pages being opened (measured on 2 cores: 10 visitors
    waited 48 s for their page). The room is served from the pool; the refills follow while
    people read.
    """
    env = os.environ if env is None else env
    raw = env.get(REFILL_ENV, "")
    if raw:
        try:
            delay = float(raw)
        except ValueError:
            raise ValueError(f"{REFILL_ENV} must be a number of seconds (got {raw!r})") from None
        if not 0 <= delay <= 3600:
            raise ValueError(f"{REFILL_ENV} must be between 0 and 3600 seconds (got {raw!r})")
        return delay
    return REFILL_DELAY_ROOM if env.get(POOLS_ENV) else REFILL_DELAY_SINGLE


def start_url(host: str, port: int, page: str = START_PAGE) -> str:
    """The address of a notebook page in the running app."""
    shown = "127.0.0.1" if host in {"0.0.0.0", ""} else host
    return f"http://{shown}:{port}/voila/render/{page}"


def voila_command(port: int, host: str = DEFAULT_HOST, root: Path = NOTEBOOK_DIR) -> list[str]:
    """The command line that serves ``root`` (the notebooks); run it with ``cwd=REPO_ROOT``."""
    return [
        sys.executable,
        "-m",
        "voila",
        str(root),
        f"--port={port}",
        f"--Voila.ip={host}",
        "--Voila.port_retries=0",  # never move silently to another port
        f"--Voila.config_file_paths={CONFIG_DIR}",
        "--no-browser",
    ]


def voila_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for Voilà: our template first on JUPYTER_PATH, unbuffered output."""
    env = dict(os.environ if base is None else base)
    paths = [str(TEMPLATE_ROOT), *filter(None, env.get("JUPYTER_PATH", "").split(os.pathsep))]
    env["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    env["PYTHONUNBUFFERED"] = "1"
    return env


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.serve",
        description="Start the NQP Lab app (Voilà) on this computer.",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default 8866)")
    parser.add_argument(
        "--pool",
        action="append",
        default=[],
        metavar="PAGE=N",
        help="keep N kernels preheated for PAGE (e.g. 03_measures.ipynb=30), for a workshop "
        "where everyone opens the same page at once; other pages keep 1. Each kernel holds "
        "about 130-250 MB.",
    )
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help="address to listen on (default 127.0.0.1, this computer only; use 0.0.0.0 to let "
        "a room reach a workshop laptop, and only on a network you trust)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.port <= 65535:
        parser.error(f"--port must be between 1 and 65535, not {args.port}")
    try:
        pools = dict(parse_pool(item) for item in args.pool)
    except ValueError as error:
        parser.error(str(error))
    if not port_is_free(args.host, args.port):
        print(
            f"Port {args.port} on {args.host} is in use (is the app already running?). "
            f"Choose another with --port, e.g. --port {args.port + 1}.",
            file=sys.stderr,
        )
        return 2
    print("NQP Lab is starting (Voilà, preheating kernels) ...", flush=True)
    from helpers.bundle import ensure_offline_bundle

    ensure_offline_bundle()  # built once here, so no kernel has to
    env = voila_environment()
    if pools:
        env[POOLS_ENV] = ",".join(f"{page}={count}" for page, count in pools.items())
        total = sum(pools.values())
        print(
            f"Preheating {total} extra kernels; the page answers at once when they are ready "
            f"(about {2 * total} s on 2 cores).",
            flush=True,
        )
    process = subprocess.Popen(voila_command(args.port, args.host), cwd=REPO_ROOT, env=env)
    try:
        if wait_until_serving(args.host, args.port, process):
            print(f"\n  NQP Lab is running: {start_url(args.host, args.port)}", flush=True)
            print("  Press Ctrl+C to stop.\n", flush=True)
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        return 0


def wait_until_serving(
    host: str, port: int, process: subprocess.Popen, timeout: float = 120
) -> bool:
    """Wait until the port accepts connections; False if the process ended first."""
    deadline = time.monotonic() + timeout
    probe_host = "127.0.0.1" if host in {"0.0.0.0", ""} else host
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection((probe_host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


if __name__ == "__main__":
    raise SystemExit(main())
