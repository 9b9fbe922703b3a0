"""The indicator catalogue: read from ``catalogue.yaml`` and checked on load.

The catalogue is data, not code: every indicator, dimension, paper, default and method label
is in ``catalogue.yaml`` beside this module, with its sources and grades. This module reads it
once, checks it (an unknown key, a missing language, a dimension, paper, source or
variant that does not exist is refused with a message naming it) and exposes it as frozen
objects: :data:`CATALOGUE`, :data:`DIMENSIONS`, :data:`LITERATURE`, :data:`DEFAULT_INDICATORS`,
:data:`WEIGHTINGS`, :data:`AGGREGATIONS`, :data:`TREATMENTS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Literal

import yaml

from helpers.data.regions import NE3_MEMBERS
from helpers.nqp_index.errors import NQPIndexError
from helpers.nqp_index.methods import AGGREGATION_KEYS, WEIGHTING_KEYS

CATALOGUE_FILE = Path(__file__).with_name("catalogue.yaml")

DenominatorKind = Literal["per_gdp", "per_capita", "per_worker", "share", "level"]
Grade = Literal["A", "B", "C", "D"]


class CatalogueError(NQPIndexError):
    """The catalogue file cannot be read or does not follow its schema."""


_TOP = {
    "version",
    "literature",
    "dimensions",
    "sources",
    "indicators",
    "defaults",
    "swing_factor",
    "weightings",
    "aggregations",
    "treatments",
    "disclaimer",
}
_INDICATOR_REQUIRED = {
    "id",
    "dimension",
    "name_en",
    "name_zh",
    "unit_en",
    "unit_zh",
    "numerator",
    "denominator",
    "denominator_kind",
    "scale",
    "direction",
    "definition_en",
    "definition_zh",
    "justification_en",
    "justification_zh",
    "sources",
    "grade",
}
_INDICATOR_OPTIONAL = {
    "denominator_year",
    "source_tables_en",
    "source_tables_zh",
    "variants",
    "caveat_en",
    "caveat_zh",
}
_KINDS = {"per_gdp", "per_capita", "per_worker", "share", "level"}


def _quick_problems(raw: object) -> list[str]:
    """The checks of every load, in plain Python (pydantic, 9 MB, is imported only to word a
    problem precisely: see :mod:`helpers.nqp_index.catalogue_schema`)."""
    if not isinstance(raw, dict) or set(raw) != _TOP:
        return ["top-level keys"]
    problems = []
    ids = []
    for ind in raw["indicators"]:
        keys = set(ind) if isinstance(ind, dict) else set()
        if not _INDICATOR_REQUIRED <= keys <= _INDICATOR_REQUIRED | _INDICATOR_OPTIONAL:
            problems.append("indicator keys")
            continue
        ids.append(ind["id"])
        text_fields = [k for k in keys if k.endswith(("_en", "_zh")) or k in ("id", "numerator")]
        if not all(isinstance(ind[k], str) for k in text_fields):
            problems.append(f"{ind['id']}: text")
        if ind["grade"] not in ("A", "B", "C", "D") or ind["direction"] not in (1, -1):
            problems.append(f"{ind['id']}: grade or direction")
        if ind["denominator_kind"] not in _KINDS or not set(ind.get("variants", {})) <= _KINDS:
            problems.append(f"{ind['id']}: denominator kind")
        if ind["dimension"] not in raw["dimensions"]:
            problems.append(f"{ind['id']}: dimension")
        if not ind["sources"] or not set(ind["sources"]) <= set(raw["sources"]):
            problems.append(f"{ind['id']}: sources")
    for ind in raw["indicators"]:
        if isinstance(ind, dict) and not set(ind.get("variants", {}).values()) <= set(ids):
            problems.append("variants")
    papers = {p.get("id") for p in raw["literature"]}
    for dim in raw["dimensions"].values():
        if not set(dim.get("literature", ())) <= papers:
            problems.append("dimension literature")
    if len(set(ids)) != len(ids) or not set(raw["defaults"].get("indicators", ())) <= set(ids):
        problems.append("ids or defaults")
    return problems


def read_catalogue(path: Path | str = CATALOGUE_FILE) -> dict:
    """Read and check a catalogue file; :class:`CatalogueError` names the file and the problem."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        msg = f"{path.name}: cannot be read ({err.__class__.__name__}: {err})."
        raise CatalogueError(msg, f"{path.name}：无法读取（{err.__class__.__name__}）。") from None
    if _quick_problems(raw):
        from helpers.nqp_index.catalogue_schema import explain

        en, zh = explain(raw, path.name)
        raise CatalogueError(en, zh)
    return raw


# --------------------------------------------------------------------------------------------
# The objects the rest of the package uses
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paper:
    """A published provincial NQP index whose dimensions or method this one follows."""

    id: str
    citation: str
    url: str
    dimensions_en: str
    dimensions_zh: str
    method_en: str
    method_zh: str
    read_en: str
    read_zh: str


@dataclass(frozen=True)
class Dimension:
    """A dimension of the index; ``gap_en``/``gap_zh`` say why it has no indicator here."""

    id: str
    en: str
    zh: str
    literature: tuple[str, ...]
    gap_en: str = ""
    gap_zh: str = ""

    @property
    def is_gap(self) -> bool:
        """True when no official series of this dimension is in the data."""
        return bool(self.gap_en)


@dataclass(frozen=True)
class Indicator:
    """One index indicator: what it measures, how it is computed, which way is better.

    The value for a province-year is ``scale * numerator / denominator`` (or ``scale *
    numerator`` when ``denominator`` is None), the numerator of the same province and year, the
    denominator of the same year or, when ``denominator_year`` is set, of that year for every
    year (the 2020 census population). Missing inputs give a gap, never a filled value.
    """

    id: str
    dimension: str
    name_en: str
    name_zh: str
    unit_en: str
    unit_zh: str
    numerator: str
    denominator: str | None
    denominator_year: int | None
    denominator_kind: str
    scale: float
    direction: Literal[1, -1]
    definition_en: str
    definition_zh: str
    justification_en: str
    justification_zh: str
    sources_en: str
    sources_zh: str
    grade: str
    variants: Mapping[str, str]
    caveat_en: str = ""
    caveat_zh: str = ""

    @property
    def inputs(self) -> tuple[str, ...]:
        """Panel indicators this indicator is computed from."""
        return (self.numerator,) if self.denominator is None else (self.numerator, self.denominator)

    @property
    def direction_reason_en(self) -> str:
        """Why this direction (and this denominator), in one sentence."""
        return self.justification_en

    @property
    def direction_reason_zh(self) -> str:
        """The same sentence in Chinese."""
        return self.justification_zh

    @property
    def formula(self) -> str:
        """The computation as text, e.g. ``10000 × patents_in_force_invention ÷ population_census
        (2020)``."""
        head = "" if self.scale == 1 else f"{self.scale:g} × "
        if self.denominator is None:
            return f"{head}{self.numerator}"
        year = "" if self.denominator_year is None else f" ({self.denominator_year})"
        return f"{head}{self.numerator} ÷ {self.denominator}{year}"


def _sources(ind: dict, cat: dict, lang: str) -> str:
    parts = [cat["sources"][key][lang] for key in ind["sources"]]
    tables = ind.get(f"source_tables_{lang}", "")
    if tables:
        parts[0] = f"{parts[0]}, {tables}" if lang == "en" else f"{parts[0]}，{tables}"
    sep = ". " if lang == "en" else "。"
    return sep.join(parts) + ("." if lang == "en" else "。")


@dataclass(frozen=True)
class Catalogue:
    """Everything ``catalogue.yaml`` holds, as frozen objects (see :func:`load_catalogue`)."""

    version: str
    indicators: tuple[Indicator, ...]
    dimensions: Mapping[str, Dimension]
    literature: tuple[Paper, ...]
    default_indicators: tuple[str, ...]
    default_weighting: str
    default_aggregation: str
    weightings: Mapping[str, tuple[str, str, str, str]]
    aggregations: Mapping[str, tuple[str, str, str, str]]
    treatments: Mapping[str, tuple[str, str, str, str]]
    concentration_reason: Mapping[str, tuple[str, str]]
    disclaimer: Mapping[str, str]
    swing_factor: float


def _labels(methods: Mapping[str, dict], order: Iterable[str]) -> Mapping[str, tuple]:
    return MappingProxyType(
        {
            k: (
                methods[k]["label_en"],
                methods[k]["label_zh"],
                methods[k]["help_en"],
                methods[k]["help_zh"],
            )
            for k in order
        }
    )


_DROP = ("sources", "source_tables_en", "source_tables_zh", "variants")


def _indicator_from(i: dict, cat: dict) -> Indicator:
    fields = {k: v for k, v in i.items() if k not in _DROP}
    fields.setdefault("denominator_year", None)
    fields["scale"] = float(fields["scale"])
    return Indicator(
        **fields,
        sources_en=_sources(i, cat, "en"),
        sources_zh=_sources(i, cat, "zh"),
        variants=MappingProxyType(dict(i.get("variants", {}))),
    )


def load_catalogue(path: Path | str = CATALOGUE_FILE) -> Catalogue:
    """Read, check and freeze a catalogue file (the package's own by default)."""
    cat = read_catalogue(path)
    try:
        return _freeze(cat)
    except (KeyError, TypeError, ValueError, AttributeError):
        from helpers.nqp_index.catalogue_schema import explain

        en, zh = explain(cat, Path(path).name)
        raise CatalogueError(en, zh) from None


def _freeze(cat: dict) -> Catalogue:
    return Catalogue(
        version=str(cat["version"]),
        indicators=tuple(_indicator_from(i, cat) for i in cat["indicators"]),
        dimensions=MappingProxyType(
            {
                k: Dimension(id=k, **{**d, "literature": tuple(d["literature"])})
                for k, d in cat["dimensions"].items()
            }
        ),
        literature=tuple(Paper(**p) for p in cat["literature"]),
        default_indicators=tuple(cat["defaults"]["indicators"]),
        default_weighting=cat["defaults"]["weighting"],
        default_aggregation=cat["defaults"]["aggregation"],
        weightings=_labels(cat["weightings"], WEIGHTING_KEYS),
        aggregations=_labels(cat["aggregations"], AGGREGATION_KEYS),
        treatments=_labels(cat["treatments"], ("flag", "smooth", "exclude")),
        concentration_reason=MappingProxyType(
            {
                k: (m["reason_en"], m["reason_zh"])
                for k, m in cat["weightings"].items()
                if m.get("reason_en")
            }
        ),
        disclaimer=MappingProxyType(dict(cat["disclaimer"])),
        swing_factor=float(cat["swing_factor"]),
    )


_CAT = load_catalogue()
VERSION: str = _CAT.version
CATALOGUE: tuple[Indicator, ...] = _CAT.indicators
CATALOGUE_BY_ID: Mapping[str, Indicator] = MappingProxyType({i.id: i for i in CATALOGUE})
DIMENSION_INFO: Mapping[str, Dimension] = _CAT.dimensions
#: Dimension id -> (English name, Chinese name).
DIMENSIONS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {k: (d.en, d.zh) for k, d in DIMENSION_INFO.items()}
)
LITERATURE: tuple[Paper, ...] = _CAT.literature
DEFAULT_INDICATORS: tuple[str, ...] = _CAT.default_indicators
DEFAULT_WEIGHTING: str = _CAT.default_weighting
DEFAULT_AGGREGATION: str = _CAT.default_aggregation
#: Weighting key -> (English label, Chinese label, one-line description en, zh).
WEIGHTINGS: Mapping[str, tuple[str, str, str, str]] = _CAT.weightings
#: Aggregation key -> (English label, Chinese label, one-line description en, zh).
AGGREGATIONS: Mapping[str, tuple[str, str, str, str]] = _CAT.aggregations
#: Treatment of flagged swings -> (English label, Chinese label, description en, zh).
TREATMENTS: Mapping[str, tuple[str, str, str, str]] = _CAT.treatments
CONCENTRATION_REASON: Mapping[str, tuple[str, str]] = _CAT.concentration_reason
DISCLAIMER: Mapping[str, str] = _CAT.disclaimer
SWING_FACTOR: float = _CAT.swing_factor

NORTHEAST: tuple[str, ...] = NE3_MEMBERS

#: Weightings used by :func:`helpers.nqp_index.rank_robustness` by default (``"user"`` is
#: added when given).
AUTO_WEIGHTINGS: tuple[str, ...] = ("entropy", "critic", "equal", "equal_by_dimension")

#: A data-driven weight (entropy, CRITIC) at least this many times an equal share (1/m) is
#: named in a note, with the indicator's caveat. Judgement: 1.5 flags the cases the catalogue
#: warns about without flagging the ordinary spread of weights.
DOMINANT_WEIGHT_FACTOR = 1.5


def disclaimer(lang: str = "en") -> str:
    """The statement that this index is illustrative, in ``"en"`` or ``"zh"``."""
    if lang not in DISCLAIMER:
        raise NQPIndexError(
            f"No disclaimer in language {lang!r}; use 'en' or 'zh'.",
            f"没有 {lang!r} 语言的声明，请用 'en' 或 'zh'。",
        )
    return DISCLAIMER[lang]


def indicator(indicator_id: str) -> Indicator:
    """The catalogue entry of ``indicator_id``; :class:`NQPIndexError` lists the known ids."""
    try:
        return CATALOGUE_BY_ID[indicator_id]
    except KeyError:
        known = ", ".join(CATALOGUE_BY_ID)
        raise NQPIndexError(
            f"Unknown indicator {indicator_id!r}. Known indicators: {known}.",
            f"未知指标 {indicator_id!r}。可用指标：{known}。",
        ) from None


def check_indicators(indicators: Iterable[str]) -> tuple[str, ...]:
    """The chosen ids as a tuple: at least one, none twice, all in the catalogue."""
    ids = tuple(indicators)
    if not ids:
        raise NQPIndexError("Choose at least one indicator.", "请至少选择一个指标。")
    if len(set(ids)) != len(ids):
        raise NQPIndexError(
            f"An indicator is chosen twice: {', '.join(ids)}.",
            f"有指标被重复选择：{'、'.join(ids)}。",
        )
    for i in ids:
        indicator(i)
    return ids
