"""What published provincial NQP indices report, checked against this index.

``published.yaml`` holds each finding that could be read (a source, its sample and method, the
statement, and how to check it: ``top`` — the named provinces are within the first ``within``
ranks; ``region_order`` — the mean score of the NBS regions falls in the stated order). No
published table of all 31 provinces could be read, so there is no rank correlation; the file
says so (``tables_found: 0``) and the page repeats it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Literal

import pandas as pd
import yaml

from helpers.data.regions import PROVINCE_CODES, REGION_EN, REGION_ZH
from helpers.nqp_index.build import IndexResult
from helpers.nqp_index.catalogue import CatalogueError
from helpers.nqp_index.errors import NQPIndexError

PUBLISHED_FILE = Path(__file__).with_name("published.yaml")


@dataclass(frozen=True)
class Region:
    """An NBS region (东部, 中部, 西部, 东北) and its provinces."""

    en: str
    zh: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Check:
    """How a finding is checked: ``top`` (``regions`` within the first ``within`` ranks) or
    ``region_order`` (the regions' mean scores fall in ``order``), in ``year``."""

    kind: Literal["top", "region_order"]
    year: int
    regions: tuple[str, ...] = ()
    within: int = 0
    order: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One published statement, its source and how it is checked."""

    id: str
    citation: str
    url: str
    read_en: str
    read_zh: str
    sample_en: str
    sample_zh: str
    statement_en: str
    statement_zh: str
    check: Check


def _finding(raw: dict) -> Finding:
    check = dict(raw["check"])
    if check.get("kind") not in ("top", "region_order") or not isinstance(check.get("year"), int):
        raise ValueError("check")
    for key in ("regions", "order"):
        check[key] = tuple(check.get(key, ()))
    return Finding(**{**raw, "check": Check(**check)})


@dataclass(frozen=True)
class Published:
    """The findings file, checked: ``findings`` (dicts as in the file), ``regions``."""

    tables_found: int
    no_table: Mapping[str, str]
    regions: Mapping[str, Region]
    findings: tuple[Finding, ...]


def load_published(path: Path | str = PUBLISHED_FILE) -> Published:
    """Read and check the findings file; :class:`CatalogueError` names the file and problem."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        msg = f"{path.name}: cannot be read ({err.__class__.__name__})."
        raise CatalogueError(msg, f"{path.name}：无法读取。") from None
    try:
        if set(data) != {"tables_found", "no_table_en", "no_table_zh", "regions", "findings"}:
            raise KeyError("top level")
        raw = Published(
            tables_found=int(data["tables_found"]),
            no_table=MappingProxyType({"en": data["no_table_en"], "zh": data["no_table_zh"]}),
            regions=MappingProxyType(
                {
                    k: Region(r["en"], r["zh"], tuple(r["members"]))
                    for k, r in data["regions"].items()
                }
            ),
            findings=tuple(_finding(f) for f in data["findings"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        from helpers.nqp_index.catalogue_schema import explain_published

        en, zh = explain_published(data, path.name)
        raise CatalogueError(en, zh) from None
    members = [m for r in raw.regions.values() for m in r.members]
    if sorted(members) != sorted(PROVINCE_CODES):
        raise CatalogueError(
            f"{path.name}: the regions must hold each of the 31 provinces once.",
            f"{path.name}：各区域必须恰好包含31个省份各一次。",
        )
    for f in raw.findings:
        unknown = [r for r in f.check.regions if r not in PROVINCE_CODES]
        unknown += [r for r in f.check.order if r not in raw.regions]
        if unknown:
            raise CatalogueError(
                f"{path.name}: {f.id}: unknown region {unknown[0]}.",
                f"{path.name}：{f.id}：未知地区 {unknown[0]}。",
            )
    return raw


PUBLISHED = load_published()

COLUMNS = [
    "id",
    "citation",
    "url",
    "read_en",
    "read_zh",
    "sample_en",
    "sample_zh",
    "statement_en",
    "statement_zh",
    "year",
    "ours_en",
    "ours_zh",
    "agrees",
]


def _check_top(f: Finding, result: IndexResult) -> tuple[str, str, bool]:
    ranks = result.ranking.set_index("region")["rank"]
    got = {r: int(ranks[r]) for r in f.check.regions if r in ranks.index}
    en = ", ".join(f"{REGION_EN[r]} {k}" for r, k in got.items())
    zh = "、".join(f"{REGION_ZH[r]}第{k}" for r, k in got.items())
    ok = bool(len(got) == len(f.check.regions) and all(k <= f.check.within for k in got.values()))
    return f"ranks {en} of {result.n_provinces}", f"{result.n_provinces}个省份中{zh}名", ok


def _check_regions(f: Finding, result: IndexResult) -> tuple[str, str, bool]:
    score = result.ranking.set_index("region")["score"]
    means = {}
    for key in f.check.order:
        members = [m for m in PUBLISHED.regions[key].members if m in score.index]
        means[key] = float(score[members].mean()) if members else float("nan")
    order = sorted(means, key=lambda k: -means[k])
    en = " > ".join(f"{PUBLISHED.regions[k].en} {means[k]:.3f}" for k in order)
    zh = " > ".join(f"{PUBLISHED.regions[k].zh}{means[k]:.3f}" for k in order)
    return f"mean score {en}", f"平均得分：{zh}", bool(order == list(f.check.order))


def compare_published(
    index_for_year: Callable[[int], IndexResult | None],
) -> pd.DataFrame:
    """Each finding beside what this index says in the finding's year.

    Parameters
    ----------
    index_for_year
        Returns this index (the user's choices) for a year, or None when the chosen
        indicators lack that year.

    Returns
    -------
    pandas.DataFrame
        One row per finding, columns :data:`COLUMNS`; ``agrees`` is True, False, or None when
        the year cannot be computed with the chosen indicators.
    """
    rows = []
    for f in PUBLISHED.findings:
        result = index_for_year(f.check.year)
        if result is None:
            ours_en = f"not computable: the chosen indicators lack {f.check.year}"
            ours_zh = f"无法计算：所选指标缺少{f.check.year}年数据"
            agrees = None
        elif f.check.kind == "top":
            ours_en, ours_zh, agrees = _check_top(f, result)
        elif f.check.kind == "region_order":
            ours_en, ours_zh, agrees = _check_regions(f, result)
        else:  # pragma: no cover - the schema allows only the two kinds
            raise NQPIndexError(f"unknown check {f.check.kind}", f"未知的核对方式 {f.check.kind}")
        rows.append(
            {
                "id": f.id,
                "citation": f.citation,
                "url": f.url,
                "read_en": f.read_en,
                "read_zh": f.read_zh,
                "sample_en": f.sample_en,
                "sample_zh": f.sample_zh,
                "statement_en": f.statement_en,
                "statement_zh": f.statement_zh,
                "year": f.check.year,
                "ours_en": ours_en,
                "ours_zh": ours_zh,
                "agrees": agrees,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


__all__ = ["COLUMNS", "PUBLISHED", "Published", "compare_published", "load_published"]
