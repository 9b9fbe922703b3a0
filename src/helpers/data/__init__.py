"""Data layer: load, check and build every number NQP Lab shows, with its source and grade.

Pages call the loaders; they read ``data/processed/`` (written by ``python -m helpers.data
build``), validate it and cache it per process::

    from helpers.data import load_panel, load_claims, load_northeast_geojson

    panel = load_panel()  # region, region_en, region_zh, year, indicator, value, unit,
    #                       source, source_url, grade, derived

A loader either returns a fully valid frame or raises :class:`DataValidationError`, whose message
names the file, the row (line) and the problem.
"""

from helpers.data.errors import DataValidationError
from helpers.data.processed import (
    load_claims,
    load_northeast_geojson,
    load_panel,
    load_regions,
    load_superseded,
)
from helpers.data.regions import NE3_MEMBERS, REGION_CODES, region_table

__all__ = [
    "NE3_MEMBERS",
    "REGION_CODES",
    "DataValidationError",
    "build",
    "load_claims",
    "load_northeast_geojson",
    "load_panel",
    "load_regions",
    "load_superseded",
    "region_table",
]


def build(raw_dir=None, out_dir=None):
    """Write ``data/processed/`` and ``data/datapackage.json``; see ``helpers.data.build``."""
    from helpers.data.build import build as _build

    return _build(raw_dir, out_dir)
