"""Command line: ``python -m helpers.data build [--raw DIR] [--out DIR]``."""

from __future__ import annotations

import argparse
import sys

from helpers.data.errors import DataValidationError


def main(argv: list[str] | None = None) -> int:
    """Run the data command; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m helpers.data", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="write data/processed/ and data/datapackage.json")
    build.add_argument("--raw", default=None, help="raw input folder (default data/raw)")
    build.add_argument("--out", default=None, help="output folder (default data/)")
    args = parser.parse_args(argv)
    from helpers.data.build import build as run_build

    try:
        written = run_build(args.raw, args.out)
    except DataValidationError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
