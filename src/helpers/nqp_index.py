"""An illustrative composite index of new quality productive forces (新质生产力) for 31 provinces.

Users choose the indicators, the weighting (entropy, CRITIC, equal, equal by dimension, or their
own weights) and the aggregation (weighted sum or TOPSIS), and see how much the ranks of
Liaoning, Jilin and Heilongjiang depend on those choices. **This is an illustrative index, not an
official statistic** (:data:`DISCLAIMER`, :func:`disclaimer`).

Everything here is a pure function of the panel (:func:`helpers.data.load_panel`) or of a
matrix; nothing reads files, draws or holds widget state.

Pipeline
--------
1. :func:`indicator_matrix`: the raw values, 31 provinces × chosen indicators, for one year,
   computed from the panel as the catalogue (:data:`CATALOGUE`) says, with a table of gaps.
   Only the 31 provinces enter; ``CN``, ``NE3`` and other aggregates never do.
2. :func:`minmax_normalise`: range normalisation with the direction applied (benefit: higher is
   better, cost: lower is better), z in [0, 1], 1 = best. Weights and the weighted sum use z.
3. Weights from z: :func:`entropy_weights`, :func:`critic_weights`, :func:`equal_weights`,
   :func:`dimension_weights`, or user weights checked by :func:`validate_weights`.
4. Aggregation: :func:`weighted_sum` (Σ w z, in [0, 1]) or :func:`topsis` (closeness to the
   ideal province, in [0, 1]; by default on **vector-normalised raw values**, the classic
   Hwang–Yoon form, with the ideal at the maximum of a benefit and the minimum of a cost
   indicator).
5. :func:`rank_scores`: rank 1 = best; equal scores (within 1e-9) share the best rank.

:func:`build_index` runs the pipeline for one year; :func:`rank_history` for many years (each
year is a separate cross-section with its own weights, so the ranks, not the scores, are what
compare over time); :func:`rank_robustness` for every weighting × aggregation (and optionally
leaving each indicator out in turn).

Gaps
----
A gap stays a gap: nothing is interpolated, carried forward or filled. A province-year lacks an
indicator when any panel input is missing (or a denominator is not positive).
:func:`indicator_matrix` reports every such cell. The index then treats gaps in one of two ways
(argument ``gaps``):

* ``"strict"`` (default): a year is usable only when all 31 provinces have every chosen
  indicator; otherwise :class:`DataGapError` names the missing cells and lists the usable years
  (:func:`complete_years`). Ranks are then always out of 31 and comparable across years.
* ``"drop"``: provinces lacking any chosen indicator are left out of that year's index, and a
  :class:`Note` names them; ranks are then out of fewer than 31.

Degenerate cases
----------------
* A **constant indicator** (the same value in every province) has z = 0 everywhere, gets zero
  entropy and zero CRITIC weight, and is named in a note; it never produces NaN.
* If **no** chosen indicator varies, entropy and CRITIC weights are undefined and
  :class:`NQPIndexError` says so.
* CRITIC: correlations are taken among the non-constant indicators only; if the conflict term is
  zero for all of them (one varying indicator, or all perfectly correlated), weights fall back
  to σ_j / Σσ.
* TOPSIS: a province at equal distance zero from the ideal and the anti-ideal (possible only when
  every weighted indicator is constant) gets closeness 0.5.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np
import pandas as pd

from helpers.data.regions import NE3_MEMBERS, PROVINCE_CODES, REGION_EN, REGION_ZH

# --------------------------------------------------------------------------------------------
# Statement, frameworks, dimensions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Framework:
    """A published framework or method this index follows (see ``shared/model/nqp_index.md``)."""

    id: str
    name_en: str
    name_zh: str
    used_for_en: str
    used_for_zh: str
    citation: str
    url: str


FRAMEWORKS: tuple[Framework, ...] = (
    Framework(
        id="three_elements",
        name_en="Three elements of productivity: labourers, means of labour, objects of labour",
        name_zh="生产力三要素：劳动者、劳动资料、劳动对象",
        used_for_en="the dimensions the indicators are grouped into",
        used_for_zh="指标所属维度的划分",
        citation=(
            "叶天驰、胡海生《中国新质生产力发展水平测度与区域差异分析》; "
            "朱富显、李瑞雪、徐晓莉、孙家昌 (2024)《中国新质生产力指标构建与时空演进》,"
            "工业技术经济 (3)"
        ),
        url="https://hanspub.org/journal/PaperInformation?paperID=90661",
    ),
    Framework(
        id="permeating_factors",
        name_en=(
            "Entity factors plus permeating factors (new technology, production organisation, data)"
        ),
        name_zh="实体性要素与渗透性要素（新技术、生产组织、数据要素）",
        used_for_en="the two permeating dimensions (new technology; organisation and transfer)",
        used_for_zh="两个渗透性维度（新技术；生产组织与技术转移）",
        citation="韩文龙等 (2024), as summarised in a 2024 literature review (read second-hand)",
        url="https://www.hanspub.org/journal/paperinformation?paperid=121539",
    ),
    Framework(
        id="entropy_topsis",
        name_en="Entropy weights and entropy-weight TOPSIS",
        name_zh="熵值法与熵权TOPSIS法",
        used_for_en="entropy weights, weighted sum and TOPSIS",
        used_for_zh="熵值法赋权、加权求和与TOPSIS",
        citation=(
            "赵健博 (2025)《新质生产力评价指标体系的构建及统计度量》, 统计学与应用 14(2):42–49; "
            "工业技术经济 2024(6), doi 10.3969/j.issn.1004-910X.2024.06.004"
        ),
        url="https://www.abtbus.com/journal/paperinformation?paperid=107778",
    ),
    Framework(
        id="critic",
        name_en="CRITIC weights",
        name_zh="CRITIC赋权法",
        used_for_en="CRITIC weights",
        used_for_zh="CRITIC赋权",
        citation="工业技术经济 2025(3), doi 10.3969/j.issn.1004-910X.2025.03.003",
        url="http://www.handmsg.com/page/2025/0228/25804200.shtml",
    ),
)

DISCLAIMER: Mapping[str, str] = MappingProxyType(
    {
        "en": (
            "This is an illustrative index, not an official statistic. NQP Lab computes it for "
            "teaching from yearbook and communiqué data; no statistical office publishes it. Its "
            "dimensions follow the 'three elements of productivity' framework (labourers, means "
            "of labour, objects of labour; 叶天驰 & 胡海生; 朱富显 et al. 2024) with the "
            "'permeating factors' of 韩文龙 et al. (2024); its methods are the entropy weights "
            "and entropy-weight TOPSIS of studies such as 赵健博 (2025) and the CRITIC weights "
            "of a 2025 study in 工业技术经济. It uses only indicators the data hold (R&D, "
            "patents, technology markets, high-tech industry), a narrow innovation-side slice of "
            "those frameworks, and its ranks change with the indicators and weights chosen."
        ),
        "zh": (
            "本指数仅用于教学演示，不是官方统计数据。它由NQP Lab根据统计年鉴和统计公报数据计算，"
            "没有任何统计机构发布该指数。维度划分参照“生产力三要素”框架（劳动者、劳动资料、"
            "劳动对象；叶天驰、胡海生；朱富显等，2024）及韩文龙等（2024）提出的“渗透性要素”；"
            "计算方法采用赵健博（2025）等研究中的熵值法和熵权TOPSIS法，以及《工业技术经济》"
            "2025年一项研究中的CRITIC赋权法。指数只使用现有数据中的指标（研发、专利、技术市场、"
            "高技术产业），只覆盖上述框架中偏重创新的一小部分，排名会随所选指标和权重而变化。"
        ),
    }
)


def disclaimer(lang: str = "en") -> str:
    """Return the statement that this index is illustrative, in ``"en"`` or ``"zh"``.

    Parameters
    ----------
    lang
        ``"en"`` or ``"zh"``.

    Returns
    -------
    str
        One paragraph naming the published frameworks the index follows.
    """
    try:
        return DISCLAIMER[lang]
    except KeyError:
        raise NQPIndexError(
            f"Unknown language {lang!r}; use 'en' or 'zh'.",
            f"未知语言 {lang!r}，请用 'en' 或 'zh'。",
        ) from None


#: Dimension key -> (English, Chinese). Framework A (three elements) + B (permeating factors),
#: as in section 4 of ``nqp_index.md``.
DIMENSIONS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "labourers": ("New-quality labourers", "新质劳动者"),
        "means": ("New-quality means of labour", "新质劳动资料"),
        "objects": ("New-quality objects of labour", "新质劳动对象"),
        "technology": ("New technology (permeating factor)", "新技术（渗透性要素）"),
        "organisation": (
            "Organisation and technology transfer (permeating factor)",
            "生产组织与技术转移（渗透性要素）",
        ),
    }
)

# --------------------------------------------------------------------------------------------
# Errors and notes
# --------------------------------------------------------------------------------------------


class NQPIndexError(ValueError):
    """A choice the index cannot honour; ``str(err)`` is English, ``err.zh`` is Chinese."""

    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.en = en
        self.zh = zh


class WeightsError(NQPIndexError):
    """User weights that are not usable (negative, not finite, all zero, wrong indicators)."""


class DataGapError(NQPIndexError):
    """A year in which some province lacks a chosen indicator (``gaps="strict"``).

    Attributes
    ----------
    gaps
        The missing cells (columns as :attr:`IndicatorMatrix.gaps`).
    complete_years
        The years in which every province has every chosen indicator.
    """

    def __init__(self, en: str, zh: str, gaps: pd.DataFrame, complete_years: list[int]):
        super().__init__(en, zh)
        self.gaps = gaps
        self.complete_years = complete_years


@dataclass(frozen=True)
class Note:
    """A remark shown with a result, in both languages; ``kind`` is a stable key.

    Kinds: ``dropped`` (provinces left out for gaps), ``grade`` (lower-grade inputs),
    ``constant`` (an indicator that cannot separate provinces), ``zero_weight`` and
    ``dominant_weight`` (entropy or CRITIC put no weight, or an outsized weight, on an
    indicator; the latter with the indicator's caveat).
    """

    kind: str
    en: str
    zh: str


# --------------------------------------------------------------------------------------------
# Indicator catalogue
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """One index indicator: what it measures, how it is computed, which way is better.

    The value for a province-year is ``scale * panel[numerator] / panel[denominator]`` (or
    ``scale * panel[numerator]`` when ``denominator`` is ``None``), both inputs of the same
    province and year. Missing inputs give a gap, never a filled value.
    """

    id: str
    name_en: str
    name_zh: str
    unit_en: str
    unit_zh: str
    definition_en: str
    definition_zh: str
    numerator: str
    denominator: str | None
    scale: float
    direction: Literal[1, -1]
    direction_reason_en: str
    direction_reason_zh: str
    dimension: str
    sources_en: str
    sources_zh: str
    caveat_en: str = ""
    caveat_zh: str = ""

    @property
    def inputs(self) -> tuple[str, ...]:
        """Panel indicators this indicator is computed from."""
        return (self.numerator,) if self.denominator is None else (self.numerator, self.denominator)

    @property
    def formula(self) -> str:
        """The computation as text, e.g. ``100 × rd_expenditure_basic_research ÷ ...``."""
        head = "" if self.scale == 1 else f"{self.scale:g} × "
        tail = "" if self.denominator is None else f" ÷ {self.denominator}"
        return f"{head}{self.numerator}{tail}"


_GDP_NOTE_EN = (
    "GDP is the GDP implied by the R&D communiqué (R&D expenditure ÷ R&D intensity × 100, the "
    "first-release GDP the intensity was computed on), the only GDP series with all 31 "
    "provinces in 2011–2023; it is exact only to the rounding of the two-decimal intensity "
    "(up to about ±2.6% for Tibet)."
)
_GDP_NOTE_ZH = (
    "地区生产总值采用由R&D公报推算的值（R&D经费 ÷ R&D经费投入强度 × 100，即计算强度时所用的"
    "初步核算GDP），这是2011—2023年唯一覆盖全部31个省份的GDP序列；由于强度只保留两位小数，"
    "推算值存在舍入误差（西藏最大约±2.6%）。"
)
_SRC_GDP_EN = "GDP: implied from the annual R&D communiqués (NBS, MOST, MOF)."
_SRC_GDP_ZH = "地区生产总值：由国家统计局、科技部、财政部《全国科技经费投入统计公报》推算。"
_SRC_YB_EN = "China Statistical Yearbook on Science and Technology (compiled by the techme package)"
_SRC_YB_ZH = "《中国科技统计年鉴》（经techme数据包整理）"
_SRC_CENSUS_ZH = "人口：人口普查公报（B级；吉林2010年为D级）。"
_CENSUS_EN = (
    "Population: census resident population (reference time 1 November) of the same year. All "
    "31 provinces only in 2020 (the data hold 2010 census counts for four provinces); the "
    "year-end population covers all 31 provinces in no year (30 in 2022), and nothing is "
    "interpolated."
)
_CENSUS_ZH = (
    "人口：同年人口普查常住人口（标准时点为11月1日）。只有2020年覆盖全部31个省份（数据中"
    "2010年普查人口仅有4个省份）；年末常住人口没有任何一年覆盖全部31个省份（2022年为30个），"
    "且不做插值。"
)

CATALOGUE: tuple[Indicator, ...] = (
    Indicator(
        id="rd_intensity",
        name_en="R&D intensity",
        name_zh="R&D经费投入强度",
        unit_en="% of GDP",
        unit_zh="占地区生产总值的%",
        definition_en=(
            "Expenditure on research and experimental development (R&D) as a percentage of "
            "regional GDP, as first published in the annual R&D statistical communiqué."
        ),
        definition_zh=(
            "研究与试验发展（R&D）经费支出占地区生产总值的百分比，取《全国科技经费投入统计公报》"
            "的首次公布值。"
        ),
        numerator="rd_intensity",
        denominator=None,
        scale=1.0,
        direction=1,
        direction_reason_en=(
            "More R&D spending relative to output means more resources for creating new "
            "technology and equipment."
        ),
        direction_reason_zh="研发投入相对经济规模越大，用于创造新技术、新装备的资源越多。",
        dimension="means",
        sources_en=(
            "Annual R&D statistical communiqués (NBS, MOST, MOF), R&D by region: 2011–2017 as "
            "compiled in the techme package (grade C), 2018–2023 official pages (grade A)."
        ),
        sources_zh=(
            "国家统计局、科技部、财政部《全国科技经费投入统计公报》分地区R&D经费表：2011—2017年"
            "取自techme数据包整理（C级），2018—2023年取自官方页面（A级）。"
        ),
        caveat_en=(
            "First-published values on preliminary GDP, never re-based. Liaoning's jump in "
            "2015–2016 reflects a downward GDP restatement, not more R&D."
        ),
        caveat_zh=(
            "按初步核算GDP计算的首发值，未按修订后的GDP重算。辽宁2015—2016年的跳升源于GDP"
            "下修，并非研发投入增加。"
        ),
    ),
    Indicator(
        id="rd_fte_per_gdp",
        name_en="R&D personnel per CNY 100 million of GDP",
        name_zh="每亿元地区生产总值R&D人员全时当量",
        unit_en="person-years per CNY 100 million",
        unit_zh="人年/亿元",
        definition_en=(
            "Full-time-equivalent R&D personnel divided by regional GDP. " + _GDP_NOTE_EN + " A "
            "per-GDP rather than a per-person rate, because the year-end population covers all "
            "31 provinces in no year."
        ),
        definition_zh=(
            "R&D人员全时当量除以地区生产总值。" + _GDP_NOTE_ZH + "之所以不按人口计算，是因为年末"
            "常住人口没有任何一年覆盖全部31个省份。"
        ),
        numerator="rd_personnel_fte_total",
        denominator="gdp_implied",
        scale=1.0,
        direction=1,
        direction_reason_en=(
            "More research workers relative to the size of the economy means a larger pool of "
            "new-quality labour."
        ),
        direction_reason_zh="相对经济规模的研发人员越多，新质劳动者队伍越大。",
        dimension="labourers",
        sources_en=f"R&D FTE: {_SRC_YB_EN}, table 1-4. {_SRC_GDP_EN}",
        sources_zh=f"R&D人员全时当量：{_SRC_YB_ZH}表1-4。{_SRC_GDP_ZH}",
        caveat_en="Per unit of GDP: the same staff weigh more in a province with a smaller GDP.",
        caveat_zh="按GDP计算：同样多的研发人员，在GDP较小的省份得分更高。",
    ),
    Indicator(
        id="rd_fte_per_10k_people",
        name_en="R&D personnel per 10,000 residents (census years)",
        name_zh="每万人R&D人员全时当量（普查年份）",
        unit_en="person-years per 10,000 residents",
        unit_zh="人年/万人",
        definition_en=(
            "Full-time-equivalent R&D personnel per 10,000 census residents. " + _CENSUS_EN
        ),
        definition_zh="每万名普查常住人口中的R&D人员全时当量。" + _CENSUS_ZH,
        numerator="rd_personnel_fte_total",
        denominator="population_census",
        scale=1e4,
        direction=1,
        direction_reason_en="More research workers per resident means more new-quality labour.",
        direction_reason_zh="人均研发人员越多，新质劳动者越多。",
        dimension="labourers",
        sources_en=(
            f"R&D FTE: {_SRC_YB_EN}, table 1-4. Population: "
            "census communiqués (grade B; Jilin 2010 grade D)."
        ),
        sources_zh=f"R&D人员全时当量：{_SRC_YB_ZH}表1-4。{_SRC_CENSUS_ZH}",
    ),
    Indicator(
        id="researcher_share",
        name_en="Researchers' share of R&D personnel",
        name_zh="研究人员占R&D人员全时当量比重",
        unit_en="%",
        unit_zh="%",
        definition_en=(
            "Researchers (研究人员: professionals who conceive or create new knowledge, "
            "products, processes or methods, or manage such projects) as a percentage of all R&D "
            "personnel, both in full-time equivalents."
        ),
        definition_zh=(
            "研究人员（从事新知识、新产品、新工艺、新方法构思或创造，以及相关项目管理的专业人员）"
            "全时当量占全部R&D人员全时当量的百分比。"
        ),
        numerator="rd_personnel_fte_researchers",
        denominator="rd_personnel_fte_total",
        scale=100.0,
        direction=1,
        direction_reason_en=(
            "A higher share of researchers, rather than support staff, means more highly "
            "skilled labour."
        ),
        direction_reason_zh="研究人员（而非辅助人员）占比越高，劳动者素质越高。",
        dimension="labourers",
        sources_en=f"{_SRC_YB_EN}, table 1-4.",
        sources_zh=f"{_SRC_YB_ZH}表1-4。",
    ),
    Indicator(
        id="invention_patents_granted_per_gdp",
        name_en="Invention patents granted per CNY 100 million of GDP",
        name_zh="每亿元地区生产总值发明专利授权数",
        unit_en="patents per CNY 100 million",
        unit_zh="件/亿元",
        definition_en=(
            "Domestic invention patents granted in the year (not utility models or designs) "
            "divided by regional GDP. " + _GDP_NOTE_EN
        ),
        definition_zh=(
            "当年国内发明专利授权数（不含实用新型和外观设计）除以地区生产总值。" + _GDP_NOTE_ZH
        ),
        numerator="patents_granted_invention",
        denominator="gdp_implied",
        scale=1.0,
        direction=1,
        direction_reason_en="More invention patents relative to output means more new technology.",
        direction_reason_zh="相对经济规模的发明专利越多，新技术产出越多。",
        dimension="technology",
        sources_en=f"Patents: {_SRC_YB_EN}, table 7-8 (8-8 from 2016). {_SRC_GDP_EN}",
        sources_zh=f"专利：{_SRC_YB_ZH}表7-8（2016年起为表8-8）。{_SRC_GDP_ZH}",
    ),
    Indicator(
        id="invention_patents_in_force_per_10k_people",
        name_en="Invention patents in force per 10,000 residents (census years)",
        name_zh="每万人发明专利拥有量（普查年份）",
        unit_en="patents per 10,000 residents",
        unit_zh="件/万人",
        definition_en=(
            "Domestic invention patents in force at year end per 10,000 census residents; close "
            "to the official indicator 每万人口发明专利拥有量, which uses year-end population. "
            + _CENSUS_EN
        ),
        definition_zh=(
            "年末国内有效发明专利数除以普查常住人口，按每万人计；与官方指标“每万人口发明专利"
            "拥有量”接近（官方按年末常住人口计算）。" + _CENSUS_ZH
        ),
        numerator="patents_in_force_invention",
        denominator="population_census",
        scale=1e4,
        direction=1,
        direction_reason_en="A larger stock of valid invention patents per person means more "
        "usable new technology.",
        direction_reason_zh="人均有效发明专利越多，可用的新技术存量越大。",
        dimension="technology",
        sources_en=(
            f"Patents: {_SRC_YB_EN}, table 8-9. Population: "
            "census communiqués (grade B; Jilin 2010 grade D)."
        ),
        sources_zh=f"专利：{_SRC_YB_ZH}表8-9。{_SRC_CENSUS_ZH}",
    ),
    Indicator(
        id="basic_research_share",
        name_en="Basic research share of R&D expenditure",
        name_zh="基础研究经费占R&D经费比重",
        unit_en="%",
        unit_zh="%",
        definition_en=(
            "Intramural R&D expenditure on basic research as a percentage of total intramural "
            "R&D expenditure."
        ),
        definition_zh="R&D经费内部支出中基础研究支出所占的百分比。",
        numerator="rd_expenditure_basic_research",
        denominator="rd_expenditure_total",
        scale=100.0,
        direction=1,
        direction_reason_en=(
            "Basic research is the source of the original breakthroughs new industries grow from."
        ),
        direction_reason_zh="基础研究是原创性突破的源头，新兴产业由此孕育。",
        dimension="technology",
        sources_en=(
            f"{_SRC_YB_EN}: R&D expenditure by type of activity (table 1-7 from 2018) and by "
            "source of funds (table 1-14); 2010–2017 activity values grade C."
        ),
        sources_zh=(
            f"{_SRC_YB_ZH}：按活动类型分的R&D经费（2018年起为表1-7）及按资金来源分的R&D经费"
            "（表1-14）；2010—2017年活动类型数据为C级。"
        ),
        caveat_en=(
            "A share, not a level: it is highest where total R&D is small and dominated by "
            "universities and public institutes (Hainan, Tibet, Jilin and Heilongjiang have "
            "more than twice Jiangsu's share). It conflicts with the other indicators, so "
            "CRITIC gives it much weight."
        ),
        caveat_zh=(
            "这是比重而非总量：R&D总量小、以高校和科研院所为主的省份比重最高（海南、西藏、吉林、"
            "黑龙江的比重都超过江苏的两倍）。它与其他指标走势相反，"
            "因此CRITIC法会给它较大权重。"
        ),
    ),
    Indicator(
        id="tech_market_outflow_to_gdp",
        name_en="Technology contracts sold (outflow) relative to GDP",
        name_zh="技术输出合同成交额与地区生产总值之比",
        unit_en="% of GDP",
        unit_zh="占地区生产总值的%",
        definition_en=(
            "Value of technology contracts in which the province's entities sell technology "
            "(技术输出地域, seller side), as a percentage of regional GDP (contract value in "
            "CNY 10k ÷ GDP in CNY 100 million ÷ 100). " + _GDP_NOTE_EN
        ),
        definition_zh=(
            "本省（区、市）作为技术输出方的技术合同成交额（按技术输出地域统计）占地区生产总值的"
            "百分比（合同金额（万元）÷ 地区生产总值（亿元）÷ 100）。" + _GDP_NOTE_ZH
        ),
        numerator="tech_market_outflow_value",
        denominator="gdp_implied",
        scale=0.01,
        direction=1,
        direction_reason_en=(
            "More technology sold means more research turned into marketable technology."
        ),
        direction_reason_zh="技术输出越多，说明科研成果转化为可交易技术的能力越强。",
        dimension="organisation",
        sources_en=f"{_SRC_YB_EN}, technology-market table by seller region. {_SRC_GDP_EN}",
        sources_zh=f"{_SRC_YB_ZH}技术市场按输出地域分表。{_SRC_GDP_ZH}",
        caveat_en=(
            "No provincial values for 2011; Tibet missing 2012–2016; 2012–2013 values unchecked "
            "(grade C). Large swings in Jilin (2020–2022) and Heilongjiang (2022–2023) are in "
            "the official tables. Beijing's value is far above all others, which makes this "
            "indicator dominate entropy weights."
        ),
        caveat_zh=(
            "2011年无分省数据；西藏2012—2016年缺失；2012—2013年数据未经核对（C级）。吉林"
            "（2020—2022年）和黑龙江（2022—2023年）的大幅波动来自官方表格。北京的数值远高于"
            "其他省份，因此该指标在熵值法中权重很大。"
        ),
    ),
    Indicator(
        id="tech_market_inflow_to_gdp",
        name_en="Technology contracts bought (inflow) relative to GDP",
        name_zh="技术吸纳合同成交额与地区生产总值之比",
        unit_en="% of GDP",
        unit_zh="占地区生产总值的%",
        definition_en=(
            "Value of technology contracts whose technology flows into the province (技术流向"
            "地域, buyer side), as a percentage of regional GDP. " + _GDP_NOTE_EN
        ),
        definition_zh=(
            "技术流向本省（区、市）的技术合同成交额（按技术流向地域统计）占地区生产总值的"
            "百分比。" + _GDP_NOTE_ZH
        ),
        numerator="tech_market_inflow_value",
        denominator="gdp_implied",
        scale=0.01,
        direction=1,
        direction_reason_en=(
            "Buying technology shows demand for, and absorption of, new technology."
        ),
        direction_reason_zh="吸纳技术越多，说明对新技术的需求和吸收能力越强。",
        dimension="organisation",
        sources_en=f"{_SRC_YB_EN}, technology-market table by buyer region. {_SRC_GDP_EN}",
        sources_zh=f"{_SRC_YB_ZH}技术市场按流向地域分表。{_SRC_GDP_ZH}",
        caveat_en="No provincial values for 2011; 2012–2013 values unchecked (grade C).",
        caveat_zh="2011年无分省数据；2012—2013年数据未经核对（C级）。",
    ),
    Indicator(
        id="hitech_revenue_to_gdp",
        name_en="High-tech industry revenue relative to GDP",
        name_zh="高技术产业营业收入与地区生产总值之比",
        unit_en="% of GDP",
        unit_zh="占地区生产总值的%",
        definition_en=(
            "Revenue of the high-tech industry (高技术产业, the yearbook's high-tech industry "
            "tables) as a percentage of regional GDP. Revenue is gross sales and GDP is value "
            "added, so this is a ratio, not a share of GDP. " + _GDP_NOTE_EN
        ),
        definition_zh=(
            "高技术产业营业收入（取自年鉴高技术产业表）占地区生产总值的百分比。营业收入是总销售额，"
            "地区生产总值是增加值，所以这是一个比值，而不是占GDP的份额。" + _GDP_NOTE_ZH
        ),
        numerator="hitech_industry_revenue",
        denominator="gdp_implied",
        scale=100.0,
        direction=1,
        direction_reason_en=(
            "A larger high-tech industry relative to the economy means more production built on "
            "new objects of labour."
        ),
        direction_reason_zh="高技术产业相对经济规模越大，基于新型劳动对象的生产越多。",
        dimension="objects",
        sources_en=f"{_SRC_YB_EN}, table 5-3 (5-2 from 2018). {_SRC_GDP_EN}",
        sources_zh=f"{_SRC_YB_ZH}表5-3（2018年起为表5-2）。{_SRC_GDP_ZH}",
        caveat_en=(
            "2017 missing for every province. Main-business revenue (主营业务收入) up to 2016, "
            "operating revenue (营业收入) from 2018."
        ),
        caveat_zh="所有省份均缺2017年数据。2016年及以前为主营业务收入，2018年起为营业收入。",
    ),
    Indicator(
        id="st_budget_share",
        name_en="Science and technology share of public budget expenditure",
        name_zh="科学技术支出占一般公共预算支出比重",
        unit_en="%",
        unit_zh="%",
        definition_en=(
            "Local general public budget expenditure on science and technology as a percentage "
            "of total local general public budget expenditure."
        ),
        definition_zh="地方一般公共预算支出中科学技术支出所占的百分比。",
        numerator="public_budget_expenditure_science_technology",
        denominator="public_budget_expenditure_total",
        scale=100.0,
        direction=1,
        direction_reason_en=(
            "A larger fiscal commitment to science and technology supports organising innovation."
        ),
        direction_reason_zh="财政对科技的投入占比越高，对创新组织的支持越大。",
        dimension="organisation",
        sources_en=f"{_SRC_YB_EN}, local public budget table; 2010–2018 grade C.",
        sources_zh=f"{_SRC_YB_ZH}地方一般公共预算支出表；2010—2018年为C级。",
    ),
)

CATALOGUE_BY_ID: Mapping[str, Indicator] = MappingProxyType({i.id: i for i in CATALOGUE})

#: The default indicator set: one or two per dimension, all 31 provinces in 2018–2023.
DEFAULT_INDICATORS: tuple[str, ...] = (
    "rd_intensity",
    "rd_fte_per_gdp",
    "invention_patents_granted_per_gdp",
    "basic_research_share",
    "tech_market_outflow_to_gdp",
    "hitech_revenue_to_gdp",
)

NORTHEAST: tuple[str, ...] = NE3_MEMBERS

Weighting = Literal["entropy", "critic", "equal", "equal_by_dimension", "user"]
Aggregation = Literal["weighted_sum", "topsis"]
GapPolicy = Literal["strict", "drop"]

#: Weighting key -> (English label, Chinese label, one-line description en, zh).
WEIGHTINGS: Mapping[str, tuple[str, str, str, str]] = MappingProxyType(
    {
        "entropy": (
            "Entropy weights",
            "熵值法权重",
            "More weight to indicators on which provinces differ more (dispersion, not "
            "importance).",
            "省份间差异越大的指标权重越高（反映离散程度，而非重要性）。",
        ),
        "critic": (
            "CRITIC weights",
            "CRITIC权重",
            "More weight to indicators that vary more and agree less with the others.",
            "波动越大、与其他指标相关性越低的指标权重越高。",
        ),
        "equal": (
            "Equal weights",
            "等权重",
            "Every indicator counts the same.",
            "每个指标权重相同。",
        ),
        "equal_by_dimension": (
            "Equal by dimension",
            "按维度等权",
            "Every dimension counts the same, split equally among its indicators.",
            "每个维度权重相同，维度内各指标平分。",
        ),
        "user": ("Your weights", "自定义权重", "Weights you set.", "由用户设定的权重。"),
    }
)

#: Aggregation key -> (English label, Chinese label, one-line description en, zh).
AGGREGATIONS: Mapping[str, tuple[str, str, str, str]] = MappingProxyType(
    {
        "weighted_sum": (
            "Weighted sum",
            "加权求和",
            "Sum of weighted range-normalised values (0 = worst, 1 = best on every indicator).",
            "极差标准化值的加权和（0为各指标均最差，1为各指标均最好）。",
        ),
        "topsis": (
            "TOPSIS",
            "TOPSIS法",
            "Closeness to an ideal province (best value of every indicator), on vector-"
            "normalised values.",
            "基于向量归一化数据，衡量与理想省份（各指标均取最优值）的接近程度。",
        ),
    }
)

#: Weightings used by :func:`rank_robustness` by default (``"user"`` is added when given).
AUTO_WEIGHTINGS: tuple[str, ...] = ("entropy", "critic", "equal", "equal_by_dimension")

#: A data-driven weight (entropy, CRITIC) at least this many times an equal share (1/m) is
#: named in a note, with the indicator's caveat. Judgement: 1.5 flags the cases the catalogue
#: warns about (technology outflow under entropy, basic-research share under CRITIC) without
#: flagging the ordinary spread of weights.
DOMINANT_WEIGHT_FACTOR = 1.5

#: Why a data-driven weighting concentrates weight, in plain words (en, zh).
_CONCENTRATION_REASON: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "entropy": (
            "entropy weights reward the indicators on which provinces differ most, not the most "
            "important ones",
            "熵值法奖励的是各省份差异最大的指标，而不是最重要的指标",
        ),
        "critic": (
            "CRITIC weights reward indicators that vary a lot and disagree with the others, not "
            "the most important ones",
            "CRITIC法奖励的是波动大且与其他指标走势不一致的指标，而不是最重要的指标",
        ),
    }
)


def _indicator(indicator_id: str) -> Indicator:
    try:
        return CATALOGUE_BY_ID[indicator_id]
    except KeyError:
        known = ", ".join(CATALOGUE_BY_ID)
        raise NQPIndexError(
            f"Unknown indicator {indicator_id!r}. Known indicators: {known}.",
            f"未知指标 {indicator_id!r}。可用指标：{known}。",
        ) from None


def _check_indicators(indicators: Iterable[str]) -> tuple[str, ...]:
    ids = tuple(indicators)
    if not ids:
        raise NQPIndexError("Choose at least one indicator.", "请至少选择一个指标。")
    if len(set(ids)) != len(ids):
        raise NQPIndexError(
            f"An indicator is chosen twice: {', '.join(ids)}.",
            f"有指标被重复选择：{'、'.join(ids)}。",
        )
    for i in ids:
        _indicator(i)
    return ids


def catalogue_table(panel: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the catalogue as a table, one row per indicator, for display.

    Parameters
    ----------
    panel
        The tidy panel. When given, two columns are added: ``years_complete`` (tuple of years in
        which all 31 provinces have the indicator) and ``years_label`` (the same as text, e.g.
        ``"2012–2016, 2018–2023"``).

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``name_en``, ``name_zh``, ``unit_en``, ``unit_zh``, ``dimension``,
        ``dimension_en``, ``dimension_zh``, ``direction`` (+1 benefit, −1 cost),
        ``direction_reason_en``/``_zh``, ``definition_en``/``_zh``, ``formula``, ``inputs``,
        ``sources_en``/``_zh``, ``caveat_en``/``_zh``.
    """
    rows = []
    for ind in CATALOGUE:
        rows.append(
            {
                "id": ind.id,
                "name_en": ind.name_en,
                "name_zh": ind.name_zh,
                "unit_en": ind.unit_en,
                "unit_zh": ind.unit_zh,
                "dimension": ind.dimension,
                "dimension_en": DIMENSIONS[ind.dimension][0],
                "dimension_zh": DIMENSIONS[ind.dimension][1],
                "direction": ind.direction,
                "direction_reason_en": ind.direction_reason_en,
                "direction_reason_zh": ind.direction_reason_zh,
                "definition_en": ind.definition_en,
                "definition_zh": ind.definition_zh,
                "formula": ind.formula,
                "inputs": ind.inputs,
                "sources_en": ind.sources_en,
                "sources_zh": ind.sources_zh,
                "caveat_en": ind.caveat_en,
                "caveat_zh": ind.caveat_zh,
            }
        )
    table = pd.DataFrame(rows)
    if panel is not None:
        cov = indicator_coverage(panel)
        n = len(PROVINCE_CODES)
        years = [tuple(int(y) for y in cov.columns if cov.loc[i, y] == n) for i in table["id"]]
        table["years_complete"] = years
        table["years_label"] = [_year_ranges(y) for y in years]
    return table


def _year_ranges(years: Sequence[int]) -> str:
    """``[2012, 2013, 2014, 2018]`` -> ``"2012–2014, 2018"``."""
    parts: list[str] = []
    ys = sorted(years)
    i = 0
    while i < len(ys):
        j = i
        while j + 1 < len(ys) and ys[j + 1] == ys[j] + 1:
            j += 1
        parts.append(str(ys[i]) if i == j else f"{ys[i]}–{ys[j]}")
        i = j + 1
    return ", ".join(parts)


# --------------------------------------------------------------------------------------------
# From the panel to the indicator matrix
# --------------------------------------------------------------------------------------------

_GRADE_ORDER = "ABCD"
_GRADE_CODE = {g: float(k) for k, g in enumerate(_GRADE_ORDER)}


def _inputs_wide(
    panel: pd.DataFrame, inputs: Sequence[str], years: Sequence[int] | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Panel inputs as two wide tables (values, grades), index (year, region), provinces only."""
    mask = panel["indicator"].isin(list(inputs)) & panel["region"].isin(PROVINCE_CODES)
    if years is not None:
        mask &= panel["year"].isin(list(years))
    sub = panel.loc[mask, ["year", "region", "indicator", "value", "grade"]]
    sub = sub[sub["year"].notna()]
    sub = sub.assign(year=sub["year"].astype("int64"))
    if years is None:
        all_years = sorted(int(y) for y in sub["year"].unique())
    else:
        all_years = sorted(int(y) for y in years)
    index = pd.MultiIndex.from_product([all_years, PROVINCE_CODES], names=["year", "region"])
    values = sub.pivot(index=["year", "region"], columns="indicator", values="value")
    grades = sub.pivot(index=["year", "region"], columns="indicator", values="grade")
    values = values.reindex(index=index, columns=list(inputs)).astype(float)
    grades = grades.reindex(index=index, columns=list(inputs))
    return values, grades


def _indicators_from_wide(
    values: pd.DataFrame, grades: pd.DataFrame, indicators: Sequence[str]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Compute the catalogue indicators row by row; return (values, worst grades, gaps)."""
    out = pd.DataFrame(index=values.index, columns=list(indicators), dtype=float)
    worst = pd.DataFrame(index=values.index, columns=list(indicators), dtype=object)
    gap_frames = []
    for ind_id in indicators:
        ind = _indicator(ind_id)
        num = values[ind.numerator].to_numpy()
        missing = {ind.numerator: np.isnan(num)}
        if ind.denominator is None:
            val = ind.scale * num
            bad_den = np.zeros(len(num), dtype=bool)
        else:
            den = values[ind.denominator].to_numpy()
            missing[ind.denominator] = np.isnan(den)
            bad_den = ~np.isnan(den) & (den <= 0)
            with np.errstate(divide="ignore", invalid="ignore"):
                val = np.where(bad_den | np.isnan(den), np.nan, ind.scale * num / den)
        out[ind_id] = val
        codes = np.max(
            [grades[name].map(_GRADE_CODE).to_numpy(dtype=float) for name in ind.inputs], axis=0
        )
        worst[ind_id] = [
            None if (np.isnan(v) or np.isnan(c)) else _GRADE_ORDER[int(c)]
            for v, c in zip(val, codes, strict=True)
        ]
        gap = np.isnan(val)
        if gap.any():
            reasons = []
            for k in np.flatnonzero(gap):
                parts = [name for name, m in missing.items() if m[k]]
                if bad_den[k]:
                    parts.append(f"{ind.denominator} not positive")
                reasons.append(", ".join(parts))
            idx = values.index[gap]
            gap_frames.append(
                pd.DataFrame(
                    {
                        "year": idx.get_level_values("year"),
                        "region": idx.get_level_values("region"),
                        "indicator": ind_id,
                        "missing_inputs": reasons,
                    }
                )
            )
    columns = ["year", "region", "region_en", "region_zh", "indicator", "missing_inputs"]
    if gap_frames:
        gaps = pd.concat(gap_frames, ignore_index=True)
        gaps["region_en"] = gaps["region"].map(REGION_EN)
        gaps["region_zh"] = gaps["region"].map(REGION_ZH)
        gaps = gaps[columns]
    else:
        gaps = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return out, worst, gaps


@dataclass(frozen=True)
class IndicatorMatrix:
    """Raw indicator values for one year: 31 provinces (rows, NBS order) × indicators.

    Attributes
    ----------
    year
        Data year.
    values
        Index ``region`` (the 31 province codes), one column per indicator id, raw values in the
        catalogue's units; NaN where a gap is.
    grades
        Worst data grade (A–D) of the inputs behind each value; missing (NA) at gaps.
    gaps
        One row per missing cell: ``year``, ``region``, ``region_en``, ``region_zh``,
        ``indicator``, ``missing_inputs`` (the panel inputs that are missing).
    """

    year: int
    values: pd.DataFrame
    grades: pd.DataFrame
    gaps: pd.DataFrame

    @property
    def complete(self) -> bool:
        """True when every province has every indicator."""
        return self.gaps.empty

    @property
    def regions_with_gaps(self) -> tuple[str, ...]:
        """Province codes lacking at least one indicator, in NBS order."""
        bad = set(self.gaps["region"])
        return tuple(r for r in PROVINCE_CODES if r in bad)


def indicator_matrix(panel: pd.DataFrame, indicators: Sequence[str], year: int) -> IndicatorMatrix:
    """Compute the chosen indicators for the 31 provinces in one year.

    Parameters
    ----------
    panel
        The tidy panel of :func:`helpers.data.load_panel`. Aggregates (``CN``, ``NE3``, …) are
        ignored.
    indicators
        Catalogue ids (:data:`CATALOGUE_BY_ID`).
    year
        Data year.

    Returns
    -------
    IndicatorMatrix
        Values (NaN at gaps, never filled), worst input grades, and the list of gaps.
    """
    ids = _check_indicators(indicators)
    inputs = _unique_inputs(ids)
    values, grades = _inputs_wide(panel, inputs, [int(year)])
    return _matrix_for_year(values, grades, ids, int(year))


def _unique_inputs(ids: Sequence[str]) -> list[str]:
    inputs: list[str] = []
    for i in ids:
        for name in _indicator(i).inputs:
            if name not in inputs:
                inputs.append(name)
    return inputs


def _matrix_for_year(
    values: pd.DataFrame, grades: pd.DataFrame, ids: Sequence[str], year: int
) -> IndicatorMatrix:
    index = pd.MultiIndex.from_product([[year], PROVINCE_CODES], names=["year", "region"])
    out, worst, gaps = _indicators_from_wide(values.reindex(index), grades.reindex(index), ids)
    out = out.droplevel("year")
    worst = worst.droplevel("year")
    out.columns.name = worst.columns.name = "indicator"
    return IndicatorMatrix(year=year, values=out, grades=worst, gaps=gaps)


def _slice_year(
    values: pd.DataFrame, grades: pd.DataFrame, gaps: pd.DataFrame, year: int
) -> IndicatorMatrix:
    """One year of indicators already computed for many years (as :func:`_matrix_for_year`)."""
    out = values.xs(year, level="year").reindex(PROVINCE_CODES)
    worst = grades.xs(year, level="year").reindex(PROVINCE_CODES)
    out.columns.name = worst.columns.name = "indicator"
    year_gaps = gaps[gaps["year"] == year].reset_index(drop=True)
    return IndicatorMatrix(year=year, values=out, grades=worst, gaps=year_gaps)


def indicator_coverage(
    panel: pd.DataFrame, indicators: Sequence[str] | None = None
) -> pd.DataFrame:
    """Count, per indicator and year, the provinces (of 31) that have a value.

    Parameters
    ----------
    panel
        The tidy panel.
    indicators
        Catalogue ids; all of :data:`CATALOGUE` when None.

    Returns
    -------
    pandas.DataFrame
        Index = indicator id, columns = years in which any input has provincial data, values =
        number of provinces with the indicator (0–31).
    """
    ids = tuple(CATALOGUE_BY_ID) if indicators is None else _check_indicators(indicators)
    values, grades = _inputs_wide(panel, _unique_inputs(ids), None)
    out, _, _ = _indicators_from_wide(values, grades, ids)
    counts = out.notna().groupby(level="year").sum().T
    counts.index.name = "indicator"
    counts.columns.name = "year"
    return counts.astype(int)


def complete_years(panel: pd.DataFrame, indicators: Sequence[str]) -> list[int]:
    """Years in which all 31 provinces have every chosen indicator (usable with ``"strict"``).

    Parameters
    ----------
    panel
        The tidy panel.
    indicators
        Catalogue ids.

    Returns
    -------
    list of int
        Ascending years; empty when no year is complete.
    """
    ids = _check_indicators(indicators)
    values, grades = _inputs_wide(panel, _unique_inputs(ids), None)
    out, _, _ = _indicators_from_wide(values, grades, ids)
    full = out.notna().all(axis=1).groupby(level="year").all()
    return [int(y) for y, ok in full.items() if ok]


def indicator_sources(panel: pd.DataFrame, indicator: str, year: int | None = None) -> pd.DataFrame:
    """The sources behind one indicator: every distinct source line of its panel inputs.

    Parameters
    ----------
    panel
        The tidy panel.
    indicator
        A catalogue id.
    year
        Restrict to one data year; all years when None.

    Returns
    -------
    pandas.DataFrame
        Columns ``input`` (panel indicator), ``unit``, ``years`` (e.g. ``"2018–2023"``),
        ``source``, ``source_url``, ``grade``, ``n_values`` (province-years); provinces only.
    """
    ind = _indicator(indicator)
    mask = panel["indicator"].isin(list(ind.inputs)) & panel["region"].isin(PROVINCE_CODES)
    if year is not None:
        mask &= panel["year"] == int(year)
    sub = panel.loc[mask & panel["year"].notna()]
    rows = []
    keys = ["indicator", "unit", "source", "source_url", "grade"]
    for key, g in sub.groupby(keys, sort=False, dropna=False):
        rows.append(
            dict(zip(["input", "unit", "source", "source_url", "grade"], key, strict=True))
            | {"years": _year_ranges(sorted({int(y) for y in g["year"]})), "n_values": len(g)}
        )
    cols = ["input", "unit", "years", "source", "source_url", "grade", "n_values"]
    out = pd.DataFrame(rows, columns=cols)
    order = {name: k for k, name in enumerate(ind.inputs)}
    return (
        out.assign(_o=out["input"].map(order))
        .sort_values(["_o", "years", "source"])
        .drop(columns="_o")
        .reset_index(drop=True)
    )


# --------------------------------------------------------------------------------------------
# Normalisation, weights, aggregation (pure numpy; rows = provinces, columns = indicators)
# --------------------------------------------------------------------------------------------


def _as_matrix(x: object) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.ndim != 2:
        raise NQPIndexError(
            "The indicator matrix must be two-dimensional (units × indicators).",
            "指标矩阵必须是二维的（单位 × 指标）。",
        )
    if a.shape[0] < 2 or a.shape[1] < 1:
        raise NQPIndexError(
            f"An index needs at least 2 units and 1 indicator; got {a.shape[0]} × {a.shape[1]}.",
            f"指数至少需要2个单位和1个指标，当前为 {a.shape[0]} × {a.shape[1]}。",
        )
    if not np.isfinite(a).all():
        raise NQPIndexError(
            "The indicator matrix has missing or infinite values; drop those units first.",
            "指标矩阵含缺失值或无穷值，请先剔除相应单位。",
        )
    return a


def _directions(directions: Sequence[int] | None, m: int) -> np.ndarray:
    if directions is None:
        return np.ones(m)
    d = np.asarray(directions, dtype=float)
    if d.shape != (m,) or not np.isin(d, (1.0, -1.0)).all():
        raise NQPIndexError(
            f"Directions must be {m} values, each +1 (benefit) or -1 (cost).",
            f"方向必须是 {m} 个取值，每个为 +1（正向）或 -1（负向）。",
        )
    return d


def constant_columns(x: object) -> np.ndarray:
    """Boolean mask of columns whose values are the same for every unit.

    Parameters
    ----------
    x
        Matrix, units × indicators.

    Returns
    -------
    numpy.ndarray of bool
        True for a constant column (range zero, or below 1e-12 of its magnitude).
    """
    a = _as_matrix(x)
    rng = a.max(axis=0) - a.min(axis=0)
    scale = np.maximum(np.abs(a).max(axis=0), 1.0)
    return rng <= 1e-12 * scale


def minmax_normalise(x: object, directions: Sequence[int] | None = None) -> np.ndarray:
    """Range-normalise each column to [0, 1] with 1 = best, the direction applied.

    Benefit (+1): z = (x − min) / (max − min). Cost (−1): z = (max − x) / (max − min).
    A constant column becomes all zeros (it cannot tell units apart).

    Parameters
    ----------
    x
        Matrix, units × indicators, finite.
    directions
        +1 or −1 per column; all +1 when None.

    Returns
    -------
    numpy.ndarray
        z, same shape as ``x``, in [0, 1].
    """
    a = _as_matrix(x)
    d = _directions(directions, a.shape[1])
    lo, hi = a.min(axis=0), a.max(axis=0)
    const = constant_columns(a)
    rng = np.where(const, 1.0, hi - lo)
    z = np.where(d > 0, (a - lo) / rng, (hi - a) / rng)
    z[:, const] = 0.0
    return np.clip(z, 0.0, 1.0)


def vector_normalise(x: object) -> np.ndarray:
    """Divide each column by its Euclidean norm (TOPSIS's normalisation); needs x ≥ 0.

    The direction is not applied here: TOPSIS takes it into account when it picks the ideal.
    An all-zero column stays zero.

    Parameters
    ----------
    x
        Matrix, units × indicators, finite and non-negative.

    Returns
    -------
    numpy.ndarray
        r with r_ij = x_ij / sqrt(Σ_i x_ij²).
    """
    a = _as_matrix(x)
    if (a < 0).any():
        raise NQPIndexError(
            "Vector normalisation (TOPSIS) needs non-negative values.",
            "向量归一化（TOPSIS）要求数据非负。",
        )
    norm = np.sqrt((a * a).sum(axis=0))
    return a / np.where(norm > 0, norm, 1.0)


def _no_variation() -> NQPIndexError:
    return NQPIndexError(
        "No chosen indicator varies across the provinces, so entropy and CRITIC weights are "
        "undefined; add an indicator or use equal or your own weights.",
        "所选指标在各省份之间均无差异，熵值法和CRITIC权重无法计算；请增加指标，或改用等权重或"
        "自定义权重。",
    )


def entropy_weights(z: object, shift: float = 0.0) -> np.ndarray:
    """Entropy weights from a normalised matrix.

    p_ij = z'_ij / Σ_i z'_ij with z' = z + shift; e_j = −(1/ln n) Σ_i p_ij ln p_ij (0 ln 0 = 0);
    d_j = 1 − e_j; w_j = d_j / Σ_k d_k. A constant column has e_j = 1 and gets weight 0.

    Parameters
    ----------
    z
        Normalised matrix (units × indicators), non-negative, e.g. :func:`minmax_normalise`.
    shift
        Added to z before taking logs. 0 (default) uses the limit 0·ln 0 = 0; the literature
        often adds 1e-4 so that no p_ij is zero. The difference in weights is small.

    Returns
    -------
    numpy.ndarray
        Weights, ≥ 0, summing to 1.

    Raises
    ------
    NQPIndexError
        If no column varies.
    """
    a = _as_matrix(z)
    if (a < 0).any():
        raise NQPIndexError("Entropy weights need non-negative z.", "熵值法要求标准化值非负。")
    n = a.shape[0]
    a = a + shift
    const = constant_columns(a)
    colsum = a.sum(axis=0)
    p = a / np.where(colsum > 0, colsum, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = -plogp.sum(axis=0) / np.log(n)
    d = np.clip(1.0 - e, 0.0, None)
    d[const] = 0.0
    total = d.sum()
    if total <= 0:
        raise _no_variation()
    return d / total


def critic_weights(z: object) -> np.ndarray:
    """CRITIC weights from a normalised matrix.

    C_j = σ_j · Σ_k (1 − r_jk), w_j = C_j / Σ_k C_k, where σ_j is the standard deviation of z_j
    (ddof = 1; the choice cancels out) and r the Pearson correlation. Constant columns get
    weight 0 and are left out of the correlations; a correlation within 1e-9 of 1 counts as 1.
    If every C_j is 0 (a single varying column, or all varying columns perfectly correlated),
    w_j = σ_j / Σ_k σ_k.

    Parameters
    ----------
    z
        Normalised matrix (units × indicators), e.g. :func:`minmax_normalise`.

    Returns
    -------
    numpy.ndarray
        Weights, ≥ 0, summing to 1.

    Raises
    ------
    NQPIndexError
        If no column varies.
    """
    a = _as_matrix(z)
    m = a.shape[1]
    const = constant_columns(a)
    live = np.flatnonzero(~const)
    if live.size == 0:
        raise _no_variation()
    sub = a[:, live]
    sigma = sub.std(axis=0, ddof=1)
    if live.size == 1:
        c = sigma.copy()
    else:
        centred = sub - sub.mean(axis=0)
        cov = centred.T @ centred
        denom = np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
        conflict = 1.0 - np.clip(cov / denom, -1.0, 1.0)
        # correlations within 1e-9 of 1 are rounding noise of perfectly correlated columns
        conflict[conflict < 1e-9] = 0.0
        np.fill_diagonal(conflict, 0.0)
        c = sigma * conflict.sum(axis=0)
        if c.sum() <= 0:
            c = sigma.copy()
    w = np.zeros(m)
    w[live] = c / c.sum()
    return w


def equal_weights(m: int) -> np.ndarray:
    """Equal weights 1/m for m indicators.

    Parameters
    ----------
    m
        Number of indicators, ≥ 1.

    Returns
    -------
    numpy.ndarray
        ``m`` values of 1/m.
    """
    if m < 1:
        raise NQPIndexError("Choose at least one indicator.", "请至少选择一个指标。")
    return np.full(m, 1.0 / m)


def dimension_weights(dimensions: Sequence[str]) -> np.ndarray:
    """Equal weight per dimension, split equally among that dimension's indicators.

    Section 4 of ``nqp_index.md`` proposes this as the default of the hierarchical systems.

    Parameters
    ----------
    dimensions
        The dimension of each indicator, e.g. ``["labourers", "labourers", "technology"]``.

    Returns
    -------
    numpy.ndarray
        E.g. ``[0.25, 0.25, 0.5]`` for the example above.
    """
    dims = list(dimensions)
    if not dims:
        raise NQPIndexError("Choose at least one indicator.", "请至少选择一个指标。")
    counts = pd.Series(dims).value_counts()
    k = len(counts)
    return np.array([1.0 / (k * counts[d]) for d in dims])


def validate_weights(
    weights: Mapping[str, float] | Sequence[float], indicators: Sequence[str]
) -> pd.Series:
    """Check user weights and normalise them to sum 1.

    Parameters
    ----------
    weights
        Either a mapping indicator id -> weight with exactly the chosen indicators as keys, or a
        sequence of weights in the order of ``indicators``. Any positive scale (e.g. 1–10
        sliders) is fine.
    indicators
        The chosen indicator ids (any labels when used outside the catalogue).

    Returns
    -------
    pandas.Series
        Weights indexed by indicator, ≥ 0, summing to 1.

    Raises
    ------
    WeightsError
        Wrong indicators or length, a value that is not a finite number, a negative value, or
        all weights zero. The message says which.
    """
    ids = list(indicators)
    if isinstance(weights, Mapping):
        missing = [i for i in ids if i not in weights]
        extra = [k for k in weights if k not in ids]
        if missing or extra:
            parts_en, parts_zh = [], []
            if missing:
                parts_en.append(f"no weight for {', '.join(missing)}")
                parts_zh.append(f"缺少 {'、'.join(missing)} 的权重")
            if extra:
                parts_en.append(f"weights for indicators not chosen: {', '.join(map(str, extra))}")
                parts_zh.append(f"给了未选指标的权重：{'、'.join(map(str, extra))}")
            raise WeightsError(
                "User weights do not match the chosen indicators: " + "; ".join(parts_en) + ".",
                "自定义权重与所选指标不一致：" + "；".join(parts_zh) + "。",
            )
        raw = [weights[i] for i in ids]
    else:
        raw = list(weights)
        if len(raw) != len(ids):
            raise WeightsError(
                f"Expected {len(ids)} weights, one per chosen indicator; got {len(raw)}.",
                f"应为每个所选指标各给一个权重，共 {len(ids)} 个，实际为 {len(raw)} 个。",
            )
    values = []
    for i, v in zip(ids, raw, strict=True):
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise WeightsError(
                f"The weight of {i} is not a number: {v!r}.", f"{i} 的权重不是数字：{v!r}。"
            ) from None
        if not np.isfinite(f):
            raise WeightsError(
                f"The weight of {i} must be a finite number, not {v!r}.",
                f"{i} 的权重必须是有限数值，不能是 {v!r}。",
            )
        if f < 0:
            raise WeightsError(
                f"Weights cannot be negative: {i} has {f:g}. To make an indicator count "
                "against a province, it must be a cost indicator, not a negative weight.",
                f"权重不能为负：{i} 的权重为 {f:g}。若某指标越低越好，应将其设为负向指标，"
                "而不是给负权重。",
            )
        values.append(f)
    total = float(np.sum(values))
    if total <= 0:
        raise WeightsError(
            "All weights are zero; give at least one indicator a positive weight.",
            "所有权重都为零；请至少给一个指标正权重。",
        )
    return pd.Series(np.asarray(values) / total, index=pd.Index(ids, name="indicator"))


def _check_weights(w: object, m: int) -> np.ndarray:
    a = np.asarray(w, dtype=float)
    if a.shape != (m,) or not np.isfinite(a).all() or (a < 0).any() or a.sum() <= 0:
        raise WeightsError(
            f"Weights must be {m} finite, non-negative numbers, not all zero.",
            f"权重必须是 {m} 个有限、非负且不全为零的数。",
        )
    return a / a.sum()


def weighted_sum(z: object, weights: object) -> np.ndarray:
    """Composite score S_i = Σ_j w_j z_ij.

    Parameters
    ----------
    z
        Range-normalised matrix (:func:`minmax_normalise`), units × indicators.
    weights
        One non-negative weight per column (normalised to sum 1 here).

    Returns
    -------
    numpy.ndarray
        One score per unit, in [0, 1] when z is.
    """
    a = _as_matrix(z)
    return a @ _check_weights(weights, a.shape[1])


def topsis(
    x: object,
    weights: object,
    directions: Sequence[int] | None = None,
    normalisation: Literal["vector", "minmax"] = "vector",
) -> np.ndarray:
    """TOPSIS closeness coefficient C_i = D_i⁻ / (D_i⁺ + D_i⁻), in [0, 1], 1 = the ideal.

    ``normalisation="vector"`` (default, the classic form): r = x / ‖x‖ per column (x ≥ 0),
    v = w r, the ideal v⁺_j is the column maximum for a benefit and the minimum for a cost
    indicator, the anti-ideal the opposite. ``"minmax"`` (the entropy-TOPSIS variant in
    ``nqp_index.md`` §3): v = w z with z from :func:`minmax_normalise` (direction applied), the
    ideal is the column maximum. D⁺, D⁻ are Euclidean distances. If D⁺ + D⁻ = 0, C = 0.5.

    Parameters
    ----------
    x
        Raw matrix, units × indicators.
    weights
        One non-negative weight per column (normalised to sum 1 here).
    directions
        +1 or −1 per column; all +1 when None.
    normalisation
        ``"vector"`` or ``"minmax"``.

    Returns
    -------
    numpy.ndarray
        Closeness per unit.
    """
    a = _as_matrix(x)
    d = _directions(directions, a.shape[1])
    w = _check_weights(weights, a.shape[1])
    if normalisation == "vector":
        v = vector_normalise(a) * w
        hi, lo = v.max(axis=0), v.min(axis=0)
        ideal, anti = np.where(d > 0, hi, lo), np.where(d > 0, lo, hi)
    elif normalisation == "minmax":
        v = minmax_normalise(a, d) * w
        ideal, anti = v.max(axis=0), v.min(axis=0)
    else:
        raise NQPIndexError(
            f"Unknown TOPSIS normalisation {normalisation!r}; use 'vector' or 'minmax'.",
            f"未知的TOPSIS标准化方式 {normalisation!r}，请用 'vector' 或 'minmax'。",
        )
    d_plus = np.sqrt(((v - ideal) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - anti) ** 2).sum(axis=1))
    total = d_plus + d_minus
    return np.where(total > 0, d_minus / np.where(total > 0, total, 1.0), 0.5)


def rank_scores(scores: object, tol: float = 1e-9) -> np.ndarray:
    """Ranks with 1 = highest score; scores within ``tol`` of each other share the best rank.

    Parameters
    ----------
    scores
        One finite score per unit.
    tol
        Absolute tolerance for ties (scores here lie in [0, 1]).

    Returns
    -------
    numpy.ndarray of int
        Competition ranks ("1, 2, 2, 4").
    """
    s = np.asarray(scores, dtype=float)
    if s.ndim != 1 or not np.isfinite(s).all():
        raise NQPIndexError("Scores must be finite.", "得分必须是有限数值。")
    order = np.argsort(-s, kind="stable")
    ss = s[order]
    new = np.r_[True, (ss[:-1] - ss[1:]) > tol]
    start = np.maximum.accumulate(np.where(new, np.arange(len(ss)), 0))
    ranks = np.empty(len(s), dtype=int)
    ranks[order] = start + 1
    return ranks


def _weights_for(
    z: np.ndarray,
    weighting: str,
    dims: Sequence[str],
    user: np.ndarray | None,
) -> np.ndarray:
    if weighting == "entropy":
        return entropy_weights(z)
    if weighting == "critic":
        return critic_weights(z)
    if weighting == "equal":
        return equal_weights(z.shape[1])
    if weighting == "equal_by_dimension":
        return dimension_weights(dims)
    if weighting == "user":
        if user is None:
            raise WeightsError(
                "Weighting 'user' needs weights: pass user_weights.",
                "选择“自定义权重”时必须提供权重（user_weights）。",
            )
        return user
    raise NQPIndexError(
        f"Unknown weighting {weighting!r}; use one of {', '.join(WEIGHTINGS)}.",
        f"未知的赋权方法 {weighting!r}，可选：{'、'.join(WEIGHTINGS)}。",
    )


@dataclass(frozen=True)
class Composite:
    """Scores of one weighting × aggregation on one matrix (see :func:`composite_scores`)."""

    scores: np.ndarray
    ranks: np.ndarray
    weights: np.ndarray
    normalised: np.ndarray


def composite_scores(
    x: object,
    weighting: str = "entropy",
    aggregation: str = "weighted_sum",
    directions: Sequence[int] | None = None,
    dimensions: Sequence[str] | None = None,
    user_weights: object = None,
) -> Composite:
    """Normalise, weight, aggregate and rank a raw matrix (units × indicators).

    Parameters
    ----------
    x
        Raw matrix, finite; non-negative for TOPSIS.
    weighting
        ``"entropy"``, ``"critic"``, ``"equal"``, ``"equal_by_dimension"`` or ``"user"``.
        Entropy and CRITIC weights are computed from the range-normalised matrix.
    aggregation
        ``"weighted_sum"`` (on range-normalised z) or ``"topsis"`` (vector normalisation).
    directions
        +1 or −1 per column; all +1 when None.
    dimensions
        Dimension of each column (for ``"equal_by_dimension"``); one per column when None.
    user_weights
        Sequence of one weight per column, or a mapping when ``x`` is a DataFrame (keys =
        columns); used only with ``weighting="user"``.

    Returns
    -------
    Composite
        ``scores`` (in [0, 1]), ``ranks`` (1 = best), ``weights`` (sum 1), ``normalised``
        (range-normalised z, direction applied).
    """
    a = _as_matrix(x)
    m = a.shape[1]
    d = _directions(directions, m)
    dims = list(dimensions) if dimensions is not None else [str(j) for j in range(m)]
    labels = list(x.columns) if isinstance(x, pd.DataFrame) else [str(j) for j in range(m)]
    user = None
    if weighting == "user" and user_weights is not None:
        user = validate_weights(user_weights, labels).to_numpy()
    z = minmax_normalise(a, d)
    w = _weights_for(z, weighting, dims, user)
    if aggregation == "weighted_sum":
        s = weighted_sum(z, w)
    elif aggregation == "topsis":
        s = topsis(a, w, d)
    else:
        raise NQPIndexError(
            f"Unknown aggregation {aggregation!r}; use one of {', '.join(AGGREGATIONS)}.",
            f"未知的合成方法 {aggregation!r}，可选：{'、'.join(AGGREGATIONS)}。",
        )
    return Composite(scores=s, ranks=rank_scores(s), weights=w, normalised=z)


# --------------------------------------------------------------------------------------------
# The index on the panel
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexResult:
    """One index: a year, a set of indicators, a weighting and an aggregation.

    Attributes
    ----------
    year, indicators, weighting, aggregation
        The choices.
    ranking
        One row per province in the index, best first: ``rank`` (1 = best), ``region``,
        ``region_en``, ``region_zh``, ``score``, ``is_northeast``.
    weights
        One row per indicator: ``indicator``, ``name_en``, ``name_zh``, ``dimension``,
        ``direction``, ``weight`` (sum 1).
    raw
        The raw values used (provinces in the index × indicators).
    normalised
        Range-normalised values z (1 = best), same shape as ``raw``.
    grades
        Worst data grade behind each raw value.
    gaps
        Missing cells of the year (all 31 provinces; see :attr:`IndicatorMatrix.gaps`).
    dropped
        Provinces left out because of gaps (only with ``gaps="drop"``).
    notes
        Remarks to show with the result (:class:`Note`).
    """

    year: int
    indicators: tuple[str, ...]
    weighting: str
    aggregation: str
    ranking: pd.DataFrame
    weights: pd.DataFrame
    raw: pd.DataFrame
    normalised: pd.DataFrame
    grades: pd.DataFrame
    gaps: pd.DataFrame
    dropped: tuple[str, ...] = ()
    notes: tuple[Note, ...] = field(default_factory=tuple)

    @property
    def n_provinces(self) -> int:
        """Number of provinces ranked (31 unless some were dropped)."""
        return len(self.ranking)

    @property
    def northeast(self) -> pd.DataFrame:
        """The ranking rows of Liaoning, Jilin and Heilongjiang (in that order)."""
        r = self.ranking.set_index("region")
        return r.loc[[c for c in NORTHEAST if c in r.index]].reset_index()


def _region_names(codes: Sequence[str]) -> dict[str, list]:
    return {
        "region": list(codes),
        "region_en": [REGION_EN[c] for c in codes],
        "region_zh": [REGION_ZH[c] for c in codes],
    }


def _gap_error(matrix: IndicatorMatrix, years_ok: list[int] | None) -> DataGapError:
    g = matrix.gaps
    cells_en = "; ".join(
        f"{REGION_EN[r]}: {CATALOGUE_BY_ID[i].name_en} (missing {m})"
        for r, i, m in zip(g["region"], g["indicator"], g["missing_inputs"], strict=True)
    )
    cells_zh = "；".join(
        f"{REGION_ZH[r]}：{CATALOGUE_BY_ID[i].name_zh}"
        for r, i in zip(g["region"], g["indicator"], strict=True)
    )
    if len(g) > 8:
        cells_en = f"{len(g)} province-indicator values missing, e.g. " + cells_en.split("; ")[0]
        cells_zh = f"共缺 {len(g)} 个省份-指标数据，例如" + cells_zh.split("；")[0]
    en = f"{matrix.year}: not every province has every chosen indicator ({cells_en})."
    zh = f"{matrix.year}年并非所有省份都具备所选指标（{cells_zh}）。"
    if years_ok is not None:
        en += (
            f" Years with all 31 provinces: {_year_ranges(years_ok) or 'none'}. Or leave out "
            "provinces with gaps (gaps='drop')."
        )
        zh += (
            f"31个省份数据齐全的年份：{_year_ranges(years_ok) or '无'}。也可剔除有缺失的省份"
            "（gaps='drop'）。"
        )
    return DataGapError(en, zh, gaps=g, complete_years=list(years_ok or []))


def _prepare(
    matrix: IndicatorMatrix,
    gaps: str,
    years_ok: list[int] | None,
) -> tuple[pd.DataFrame, pd.DataFrame, tuple[str, ...], list[Note]]:
    """Apply the gap policy; return (raw values, grades, dropped provinces, notes)."""
    notes: list[Note] = []
    if gaps not in ("strict", "drop"):
        raise NQPIndexError(
            f"Unknown gap policy {gaps!r}; use 'strict' or 'drop'.",
            f"未知的缺失处理方式 {gaps!r}，请用 'strict' 或 'drop'。",
        )
    dropped = matrix.regions_with_gaps
    if dropped and gaps == "strict":
        raise _gap_error(matrix, years_ok)
    keep = [r for r in PROVINCE_CODES if r not in dropped]
    if len(keep) < 2:
        raise DataGapError(
            f"{matrix.year}: fewer than 2 provinces have every chosen indicator.",
            f"{matrix.year}年具备全部所选指标的省份不足2个。",
            gaps=matrix.gaps,
            complete_years=years_ok or [],
        )
    if dropped:
        g = matrix.gaps
        what_en = "; ".join(
            f"{REGION_EN[r]} ("
            + ", ".join(CATALOGUE_BY_ID[i].name_en for i in g.loc[g["region"] == r, "indicator"])
            + ")"
            for r in dropped
        )
        what_zh = "；".join(
            f"{REGION_ZH[r]}（"
            + "、".join(CATALOGUE_BY_ID[i].name_zh for i in g.loc[g["region"] == r, "indicator"])
            + "）"
            for r in dropped
        )
        notes.append(
            Note(
                "dropped",
                f"Left out for missing data, not estimated: {what_en}. Ranks are out of "
                f"{len(keep)}.",
                f"因数据缺失未纳入（未做估算）：{what_zh}。排名范围为1—{len(keep)}。",
            )
        )
    raw = matrix.values.loc[keep]
    grades = matrix.grades.loc[keep]
    low = [
        c
        for c in raw.columns
        if grades[c].isin(["C", "D"]).any()  # secondary or derived-from-print inputs
    ]
    if low:
        notes.append(
            Note(
                "grade",
                "Some values rest on lower-grade data (C: secondary compilation; D: worked out "
                "from printed figures): "
                + ", ".join(CATALOGUE_BY_ID[c].name_en for c in low)
                + ".",
                "部分数值依据较低等级的数据（C级：二手汇编；D级：由公布数字推算）："
                + "、".join(CATALOGUE_BY_ID[c].name_zh for c in low)
                + "。",
            )
        )
    const = constant_columns(raw.to_numpy())
    if const.any():
        names_en = ", ".join(CATALOGUE_BY_ID[c].name_en for c in raw.columns[const])
        names_zh = "、".join(CATALOGUE_BY_ID[c].name_zh for c in raw.columns[const])
        notes.append(
            Note(
                "constant",
                f"Same value in every province, so it cannot separate them (zero entropy and "
                f"CRITIC weight): {names_en}.",
                f"各省份取值相同，无法区分省份（熵值法和CRITIC权重为零）：{names_zh}。",
            )
        )
    return raw, grades, dropped, notes


def _resolve_year(panel: pd.DataFrame, ids: Sequence[str], year: int | None) -> int:
    if year is not None:
        return int(year)
    years = complete_years(panel, ids)
    if not years:
        raise NQPIndexError(
            "No year has all 31 provinces for every chosen indicator; choose a year and "
            "gaps='drop', or other indicators.",
            "没有任何年份31个省份的所选指标全部齐全；请指定年份并选择剔除缺失省份，或更换指标。",
        )
    return years[-1]


def _check_method(weighting: str, aggregation: str) -> None:
    if weighting not in WEIGHTINGS:
        raise NQPIndexError(
            f"Unknown weighting {weighting!r}; use one of {', '.join(WEIGHTINGS)}.",
            f"未知的赋权方法 {weighting!r}，可选：{'、'.join(WEIGHTINGS)}。",
        )
    if aggregation not in AGGREGATIONS:
        raise NQPIndexError(
            f"Unknown aggregation {aggregation!r}; use one of {', '.join(AGGREGATIONS)}.",
            f"未知的合成方法 {aggregation!r}，可选：{'、'.join(AGGREGATIONS)}。",
        )


def _user_vector(user_weights: object, ids: Sequence[str]) -> np.ndarray | None:
    if user_weights is None:
        return None
    return validate_weights(user_weights, ids).to_numpy()


def _score(
    raw: pd.DataFrame, ids: Sequence[str], weighting: str, aggregation: str, user: object
) -> Composite:
    inds = [CATALOGUE_BY_ID[i] for i in ids]
    return composite_scores(
        raw.to_numpy(),
        weighting=weighting,
        aggregation=aggregation,
        directions=[i.direction for i in inds],
        dimensions=[i.dimension for i in inds],
        user_weights=user,
    )


def build_index(
    panel: pd.DataFrame,
    indicators: Sequence[str] = DEFAULT_INDICATORS,
    year: int | None = None,
    weighting: str = "entropy",
    aggregation: str = "weighted_sum",
    user_weights: Mapping[str, float] | Sequence[float] | None = None,
    gaps: str = "strict",
) -> IndexResult:
    """Build the index for one year.

    Parameters
    ----------
    panel
        The tidy panel (:func:`helpers.data.load_panel`).
    indicators
        Catalogue ids; :data:`DEFAULT_INDICATORS` by default.
    year
        Data year; the latest year with all 31 provinces (:func:`complete_years`) when None.
    weighting
        ``"entropy"``, ``"critic"``, ``"equal"``, ``"equal_by_dimension"`` or ``"user"``.
    aggregation
        ``"weighted_sum"`` or ``"topsis"``.
    user_weights
        Required with ``weighting="user"`` (see :func:`validate_weights`); ignored otherwise.
    gaps
        ``"strict"`` (raise :class:`DataGapError` if any province lacks an indicator) or
        ``"drop"`` (leave such provinces out, with a note).

    Returns
    -------
    IndexResult
    """
    ids = _check_indicators(indicators)
    yr = _resolve_year(panel, ids, year)
    _check_method(weighting, aggregation)
    user = _user_vector(user_weights, ids) if weighting == "user" else None
    if weighting == "user" and user is None:
        raise WeightsError(
            "Weighting 'user' needs weights: pass user_weights.",
            "选择“自定义权重”时必须提供权重（user_weights）。",
        )
    inputs = _unique_inputs(ids)
    values, grades = _inputs_wide(panel, inputs, [yr])
    matrix = _matrix_for_year(values, grades, ids, yr)
    years_ok = None if matrix.complete or gaps == "drop" else complete_years(panel, ids)
    raw, grd, dropped, notes = _prepare(matrix, gaps, years_ok)
    comp = _score(raw, ids, weighting, aggregation, user)
    return _result(yr, ids, weighting, aggregation, raw, grd, matrix.gaps, dropped, notes, comp)


def _result(
    year: int,
    ids: tuple[str, ...],
    weighting: str,
    aggregation: str,
    raw: pd.DataFrame,
    grades: pd.DataFrame,
    gaps: pd.DataFrame,
    dropped: tuple[str, ...],
    notes: list[Note],
    comp: Composite,
) -> IndexResult:
    codes = list(raw.index)
    ranking = pd.DataFrame(
        {"rank": comp.ranks, **_region_names(codes), "score": comp.scores}
    ).assign(is_northeast=lambda t: t["region"].isin(NORTHEAST))
    ranking = ranking.sort_values(["rank", "region"], kind="stable").reset_index(drop=True)
    inds = [CATALOGUE_BY_ID[i] for i in ids]
    weights = pd.DataFrame(
        {
            "indicator": list(ids),
            "name_en": [i.name_en for i in inds],
            "name_zh": [i.name_zh for i in inds],
            "dimension": [i.dimension for i in inds],
            "direction": [i.direction for i in inds],
            "weight": comp.weights,
        }
    )
    zeroed = [i for i, w in zip(inds, comp.weights, strict=True) if w == 0]
    if (
        zeroed
        and weighting in ("entropy", "critic")
        and not any(n.kind == "constant" for n in notes)
    ):
        notes = [
            *notes,
            Note(
                "zero_weight",
                "Zero weight: " + ", ".join(i.name_en for i in zeroed) + ".",
                "权重为零：" + "、".join(i.name_zh for i in zeroed) + "。",
            ),
        ]
    dominant = _dominant_weight_note(weighting, inds, comp.weights)
    if dominant is not None:
        notes = [*notes, dominant]
    normalised = pd.DataFrame(comp.normalised, index=raw.index, columns=raw.columns)
    return IndexResult(
        year=year,
        indicators=ids,
        weighting=weighting,
        aggregation=aggregation,
        ranking=ranking,
        weights=weights,
        raw=raw,
        normalised=normalised,
        grades=grades,
        gaps=gaps,
        dropped=dropped,
        notes=tuple(notes),
    )


def _dominant_weight_note(
    weighting: str, inds: Sequence[Indicator], weights: np.ndarray
) -> Note | None:
    """A note when entropy or CRITIC gives one indicator an outsized weight, with its caveat.

    Outsized: at least :data:`DOMINANT_WEIGHT_FACTOR` times an equal share. The note says in
    plain words why the method does that and repeats the indicator's caveat (for example
    Beijing's far-out technology sales, or the basic-research share being highest where R&D
    is small).
    """
    if weighting not in _CONCENTRATION_REASON or len(inds) < 2:
        return None
    top = int(np.argmax(weights))
    share, equal = float(weights[top]), 1.0 / len(inds)
    if share < DOMINANT_WEIGHT_FACTOR * equal:
        return None
    ind = inds[top]
    label_en, label_zh = WEIGHTINGS[weighting][0], WEIGHTINGS[weighting][1]
    why_en, why_zh = _CONCENTRATION_REASON[weighting]
    ratio = share / equal
    en = (
        f"{label_en} give “{ind.name_en}” {share:.0%} of the weight, {ratio:.1f} times "
        f"an equal share: {why_en}."
    )
    zh = f"{label_zh}赋予“{ind.name_zh}”{share:.0%}的权重，是等权重的{ratio:.1f}倍：{why_zh}。"
    if ind.caveat_en:
        en += " " + ind.caveat_en
        zh += ind.caveat_zh
    return Note("dominant_weight", en, zh)


# --------------------------------------------------------------------------------------------
# Ranks over time and across methods
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankHistory:
    """Ranks over time (see :func:`rank_history`).

    Attributes
    ----------
    table
        One row per year and region: ``year``, ``region``, ``region_en``, ``region_zh``,
        ``rank``, ``score``, ``n_provinces``.
    weights
        One row per year and indicator: ``year``, ``indicator``, ``weight``.
    skipped
        Years without an index: ``year``, ``reason_en``, ``reason_zh``.
    notes
        Per-year notes: ``year``, ``kind``, ``en``, ``zh``.
    """

    table: pd.DataFrame
    weights: pd.DataFrame
    skipped: pd.DataFrame
    notes: pd.DataFrame


def rank_history(
    panel: pd.DataFrame,
    indicators: Sequence[str] = DEFAULT_INDICATORS,
    years: Iterable[int] | None = None,
    weighting: str = "entropy",
    aggregation: str = "weighted_sum",
    user_weights: Mapping[str, float] | Sequence[float] | None = None,
    gaps: str = "strict",
    regions: Sequence[str] | None = NORTHEAST,
) -> RankHistory:
    """Ranks of chosen provinces year by year, each year its own cross-section.

    Weights (entropy, CRITIC) are recomputed every year from that year's data, so scores are not
    comparable across years; ranks are. With ``gaps="strict"`` a year with any gap is skipped
    (and listed in ``skipped``); with ``"drop"`` provinces with gaps are left out that year and
    ``n_provinces`` says how many were ranked.

    Parameters
    ----------
    panel, indicators, weighting, aggregation, user_weights, gaps
        As in :func:`build_index`.
    years
        Years to try. When None: from the first to the last year in which every chosen
        indicator has data for at least one province.
    regions
        Province codes to report; the Northeast three by default; all provinces when None.

    Returns
    -------
    RankHistory
    """
    ids = _check_indicators(indicators)
    _check_method(weighting, aggregation)
    user = _user_vector(user_weights, ids) if weighting == "user" else None
    if weighting == "user" and user is None:
        raise WeightsError(
            "Weighting 'user' needs weights: pass user_weights.",
            "选择“自定义权重”时必须提供权重（user_weights）。",
        )
    inputs = _unique_inputs(ids)
    values, grades = _inputs_wide(panel, inputs, None if years is None else list(years))
    year_list = sorted({int(y) for y in values.index.get_level_values("year")})
    # The indicators of every year at once (one pass over the panel, not one per year).
    all_values, all_grades, all_gaps = _indicators_from_wide(values, grades, ids)
    if years is None:
        # From the first to the last year in which every chosen indicator has some province;
        # years in between that lack an indicator are reported in ``skipped``.
        some = all_values.notna().groupby(level="year").any().all(axis=1)
        usable = [int(y) for y, ok in some.items() if ok]
        year_list = [y for y in year_list if usable and usable[0] <= y <= usable[-1]]
    want = list(PROVINCE_CODES) if regions is None else list(regions)
    rows, wrows, skipped, nrows = [], [], [], []
    for yr in year_list:
        matrix = _slice_year(all_values, all_grades, all_gaps, yr)
        if matrix.values.isna().all().any():
            empty = [i for i in ids if matrix.values[i].isna().all()]
            skipped.append(
                {
                    "year": yr,
                    "reason_en": "No province has: "
                    + ", ".join(CATALOGUE_BY_ID[i].name_en for i in empty)
                    + ".",
                    "reason_zh": "所有省份均缺："
                    + "、".join(CATALOGUE_BY_ID[i].name_zh for i in empty)
                    + "。",
                }
            )
            continue
        try:
            raw, _, _, notes = _prepare(matrix, gaps, None)
            comp = _score(raw, ids, weighting, aggregation, user)
        except NQPIndexError as err:
            skipped.append({"year": yr, "reason_en": err.en, "reason_zh": err.zh})
            continue
        codes = list(raw.index)
        for code, score, rank in zip(codes, comp.scores, comp.ranks, strict=True):
            if code in want:
                rows.append(
                    {
                        "year": yr,
                        "region": code,
                        "region_en": REGION_EN[code],
                        "region_zh": REGION_ZH[code],
                        "rank": int(rank),
                        "score": float(score),
                        "n_provinces": len(codes),
                    }
                )
        wrows.extend(
            {"year": yr, "indicator": i, "weight": float(w)}
            for i, w in zip(ids, comp.weights, strict=True)
        )
        nrows.extend({"year": yr, "kind": n.kind, "en": n.en, "zh": n.zh} for n in notes)
    table = pd.DataFrame(
        rows,
        columns=["year", "region", "region_en", "region_zh", "rank", "score", "n_provinces"],
    )
    return RankHistory(
        table=table,
        weights=pd.DataFrame(wrows, columns=["year", "indicator", "weight"]),
        skipped=pd.DataFrame(skipped, columns=["year", "reason_en", "reason_zh"]),
        notes=pd.DataFrame(nrows, columns=["year", "kind", "en", "zh"]),
    )


@dataclass(frozen=True)
class Robustness:
    """Ranks across method choices (see :func:`rank_robustness`).

    Attributes
    ----------
    year, indicators
        The choices held fixed.
    table
        One row per scenario and province: ``weighting``, ``aggregation``, ``left_out``
        (indicator id left out, or ``""`` for the full set), ``region``, ``region_en``,
        ``region_zh``, ``rank``, ``score``.
    summary
        One row per province, best median rank first: ``region``, ``region_en``, ``region_zh``,
        ``is_northeast``, ``rank_min``, ``rank_median``, ``rank_max``, ``rank_spread``
        (max − min), ``n_scenarios``.
    weights
        One row per scenario and indicator: ``weighting``, ``aggregation``, ``left_out``,
        ``indicator``, ``weight``.
    notes
        Notes from the data (gaps dropped, grades).
    """

    year: int
    indicators: tuple[str, ...]
    table: pd.DataFrame
    summary: pd.DataFrame
    weights: pd.DataFrame
    notes: tuple[Note, ...]

    @property
    def northeast(self) -> pd.DataFrame:
        """Summary rows of Liaoning, Jilin and Heilongjiang."""
        s = self.summary.set_index("region")
        return s.loc[[c for c in NORTHEAST if c in s.index]].reset_index()


def rank_robustness(
    panel: pd.DataFrame,
    indicators: Sequence[str] = DEFAULT_INDICATORS,
    year: int | None = None,
    weightings: Sequence[str] = AUTO_WEIGHTINGS,
    aggregations: Sequence[str] = tuple(AGGREGATIONS),
    leave_one_out: bool = False,
    user_weights: Mapping[str, float] | Sequence[float] | None = None,
    gaps: str = "strict",
) -> Robustness:
    """Every weighting × aggregation (and optionally each indicator left out) for one year.

    The scenarios are a grid of defensible choices, not a probability distribution: the spread
    shows how much a rank depends on method, not how likely a rank is.

    Parameters
    ----------
    panel, indicators, year, gaps
        As in :func:`build_index`.
    weightings
        Weightings to run; ``"user"`` is added when ``user_weights`` is given.
    aggregations
        Aggregations to run.
    leave_one_out
        Also run every scenario with each indicator left out in turn (needs ≥ 2 indicators).
        User weights are then renormalised over the remaining indicators; a scenario whose
        remaining user weights are all zero is skipped.
    user_weights
        Optional user weights (see :func:`validate_weights`).

    Returns
    -------
    Robustness
    """
    ids = _check_indicators(indicators)
    yr = _resolve_year(panel, ids, year)
    ws = list(dict.fromkeys(weightings))
    aggs = list(dict.fromkeys(aggregations))
    for w in ws:
        for a in aggs:
            _check_method(w, a)
    if not ws or not aggs:
        raise NQPIndexError(
            "Choose at least one weighting and one aggregation.",
            "请至少选择一种赋权和一种合成方法。",
        )
    user = None
    if user_weights is not None:
        user = validate_weights(user_weights, ids)
        if "user" not in ws:
            ws.append("user")
    elif "user" in ws:
        ws.remove("user")
    inputs = _unique_inputs(ids)
    values, grades = _inputs_wide(panel, inputs, [yr])
    matrix = _matrix_for_year(values, grades, ids, yr)
    years_ok = None if matrix.complete or gaps == "drop" else complete_years(panel, ids)
    raw, _, _, notes = _prepare(matrix, gaps, years_ok)
    codes = list(raw.index)
    subsets: list[tuple[str, tuple[str, ...]]] = [("", ids)]
    if leave_one_out:
        if len(ids) < 2:
            raise NQPIndexError(
                "Leaving one indicator out needs at least 2 indicators.",
                "逐一剔除指标至少需要2个指标。",
            )
        subsets += [(i, tuple(j for j in ids if j != i)) for i in ids]
    names = _region_names(codes)
    frames, wframes = [], []
    for left_out, sub in subsets:
        x = raw[list(sub)]
        for w in ws:
            uw = None
            if w == "user":
                part = user[list(sub)]
                if part.sum() <= 0:
                    continue
                uw = (part / part.sum()).to_numpy()
            for a in aggs:
                try:
                    comp = _score(x, sub, w, a, uw)
                except NQPIndexError:
                    continue  # e.g. no varying indicator left after leaving one out
                frames.append(
                    pd.DataFrame(
                        {
                            "weighting": w,
                            "aggregation": a,
                            "left_out": left_out,
                            **names,
                            "rank": comp.ranks,
                            "score": comp.scores,
                        }
                    )
                )
                wframes.append(
                    pd.DataFrame(
                        {
                            "weighting": w,
                            "aggregation": a,
                            "left_out": left_out,
                            "indicator": list(sub),
                            "weight": comp.weights,
                        }
                    )
                )
    table = pd.concat(frames, ignore_index=True)
    g = table.groupby("region", sort=False)["rank"]
    summary = pd.DataFrame(
        {
            "rank_min": g.min(),
            "rank_median": g.median(),
            "rank_max": g.max(),
            "n_scenarios": g.size(),
        }
    ).reset_index()
    summary["rank_spread"] = summary["rank_max"] - summary["rank_min"]
    summary.insert(1, "region_en", summary["region"].map(REGION_EN))
    summary.insert(2, "region_zh", summary["region"].map(REGION_ZH))
    summary.insert(3, "is_northeast", summary["region"].isin(NORTHEAST))
    summary = summary[
        [
            "region",
            "region_en",
            "region_zh",
            "is_northeast",
            "rank_min",
            "rank_median",
            "rank_max",
            "rank_spread",
            "n_scenarios",
        ]
    ]
    summary = summary.sort_values(["rank_median", "rank_min", "region"]).reset_index(drop=True)
    return Robustness(
        year=yr,
        indicators=ids,
        table=table,
        summary=summary,
        weights=pd.concat(wframes, ignore_index=True),
        notes=tuple(notes),
    )


__all__ = [
    "AGGREGATIONS",
    "AUTO_WEIGHTINGS",
    "CATALOGUE",
    "CATALOGUE_BY_ID",
    "DEFAULT_INDICATORS",
    "DIMENSIONS",
    "DISCLAIMER",
    "DOMINANT_WEIGHT_FACTOR",
    "FRAMEWORKS",
    "NORTHEAST",
    "WEIGHTINGS",
    "Composite",
    "DataGapError",
    "Framework",
    "IndexResult",
    "Indicator",
    "IndicatorMatrix",
    "NQPIndexError",
    "Note",
    "RankHistory",
    "Robustness",
    "WeightsError",
    "build_index",
    "catalogue_table",
    "complete_years",
    "composite_scores",
    "constant_columns",
    "critic_weights",
    "dimension_weights",
    "disclaimer",
    "entropy_weights",
    "equal_weights",
    "indicator_coverage",
    "indicator_matrix",
    "indicator_sources",
    "minmax_normalise",
    "rank_history",
    "rank_robustness",
    "rank_scores",
    "topsis",
    "validate_weights",
    "vector_normalise",
    "weighted_sum",
]
