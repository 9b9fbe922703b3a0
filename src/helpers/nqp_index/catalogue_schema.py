"""The catalogue file's schema, in pydantic: imported only when a catalogue fails the quick
checks of :mod:`helpers.nqp_index.catalogue`, to say exactly which key or value is wrong (and by
the tests, which validate the shipped file with it). Pydantic is about 9 MB of memory that an
index page's kernel then never loads.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from helpers.nqp_index.methods import AGGREGATION_KEYS, WEIGHTING_KEYS

DenominatorKind = Literal["per_gdp", "per_capita", "per_worker", "share", "level"]
Grade = Literal["A", "B", "C", "D"]


# --------------------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Paper(_Strict):
    id: str
    citation: str
    url: str
    dimensions_en: str
    dimensions_zh: str
    method_en: str
    method_zh: str
    read_en: str
    read_zh: str


class _Dimension(_Strict):
    en: str
    zh: str
    literature: list[str]
    gap_en: str = ""
    gap_zh: str = ""


class _Text(_Strict):
    en: str
    zh: str


class _Indicator(_Strict):
    id: str
    dimension: str
    name_en: str
    name_zh: str
    unit_en: str
    unit_zh: str
    numerator: str
    denominator: str | None
    denominator_year: int | None = None
    denominator_kind: DenominatorKind
    scale: float
    direction: Literal[1, -1]
    definition_en: str
    definition_zh: str
    justification_en: str
    justification_zh: str
    sources: list[str] = Field(min_length=1)
    source_tables_en: str = ""
    source_tables_zh: str = ""
    grade: Grade
    variants: dict[DenominatorKind, str] = Field(default_factory=dict)
    caveat_en: str = ""
    caveat_zh: str = ""


class _Method(_Strict):
    label_en: str
    label_zh: str
    help_en: str
    help_zh: str
    reason_en: str = ""
    reason_zh: str = ""


class _Defaults(_Strict):
    indicators: list[str] = Field(min_length=2)
    weighting: str
    aggregation: str


class _Catalogue(_Strict):
    version: str
    literature: list[_Paper]
    dimensions: dict[str, _Dimension]
    sources: dict[str, _Text]
    indicators: list[_Indicator]
    defaults: _Defaults
    swing_factor: float = Field(gt=1)
    weightings: dict[str, _Method]
    aggregations: dict[str, _Method]
    treatments: dict[str, _Method]
    disclaimer: _Text

    @model_validator(mode="after")
    def _references(self) -> _Catalogue:
        papers = {p.id for p in self.literature}
        ids = [i.id for i in self.indicators]
        problems = []
        if len(set(ids)) != len(ids):
            problems.append("an indicator id is used twice")
        for key, dim in self.dimensions.items():
            problems += [
                f"dimension {key}: unknown paper {p}" for p in dim.literature if p not in papers
            ]
        for ind in self.indicators:
            if ind.dimension not in self.dimensions:
                problems.append(f"{ind.id}: unknown dimension {ind.dimension}")
            problems += [
                f"{ind.id}: unknown source {s}" for s in ind.sources if s not in self.sources
            ]
            problems += [
                f"{ind.id}: unknown variant {v}" for v in ind.variants.values() if v not in ids
            ]
        problems += [
            f"defaults: unknown indicator {i}" for i in self.defaults.indicators if i not in ids
        ]
        if set(self.weightings) != set(WEIGHTING_KEYS):
            problems.append(f"weightings must be exactly {', '.join(WEIGHTING_KEYS)}")
        if set(self.aggregations) != set(AGGREGATION_KEYS):
            problems.append(f"aggregations must be exactly {', '.join(AGGREGATION_KEYS)}")
        if set(self.treatments) != {"flag", "smooth", "exclude"}:
            problems.append("treatments must be exactly flag, smooth, exclude")
        if self.defaults.weighting not in self.weightings:
            problems.append(f"defaults: unknown weighting {self.defaults.weighting}")
        if self.defaults.aggregation not in self.aggregations:
            problems.append(f"defaults: unknown aggregation {self.defaults.aggregation}")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _first_problem(model: type[BaseModel], raw: object, name: str) -> tuple[str, str]:
    """The first problem pydantic finds in ``raw`` against ``model``, in English and Chinese."""
    try:
        model.model_validate(raw)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        en = f"{name}: {where}: {first['msg']} ({err.error_count()} problem(s) in all)."
        return en, f"{name}：{where}：{first['msg']}。"
    return f"{name}: does not follow its schema.", f"{name}：格式不符。"


def explain(raw: object, name: str) -> tuple[str, str]:
    """The first problem of a catalogue that failed the quick checks."""
    return _first_problem(_Catalogue, raw, name)


# ------------------------------------------------------------------ published.yaml
class PublishedRegion(_Strict):
    en: str
    zh: str
    members: list[str]


class PublishedCheck(_Strict):
    kind: Literal["top", "region_order"]
    year: int
    regions: list[str] = Field(default_factory=list)
    within: int = 0
    order: list[str] = Field(default_factory=list)


class PublishedFinding(_Strict):
    id: str
    citation: str
    url: str
    read_en: str
    read_zh: str
    sample_en: str
    sample_zh: str
    statement_en: str
    statement_zh: str
    check: PublishedCheck


class PublishedFile(_Strict):
    tables_found: int
    no_table_en: str
    no_table_zh: str
    regions: dict[str, PublishedRegion]
    findings: list[PublishedFinding]


def explain_published(raw: object, name: str) -> tuple[str, str]:
    """The first problem of a findings file."""
    return _first_problem(PublishedFile, raw, name)
