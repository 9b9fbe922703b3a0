"""The report's five measures as named lever presets, plus a combined package.

Each preset is a function of the calibrated :class:`~helpers.model.Baseline` that returns lever
values; its docstring says, in plain words, what it changes and which part of the report it
follows (GMW.cn research report, 2025-02-20, section 3 "Measures"). Numbers that depend on the
data (for example the national intensity to catch up with) are read from the baseline, never typed
in. The sizes of the packages are illustrative judgement, not forecasts or announced policy.

Use::

    from helpers.presets import PRESETS
    levers = PRESETS["talent_policy"].levers(baseline)
    result = simulate(baseline, levers)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from helpers.model import NE_PROVINCES, Baseline


@dataclass(frozen=True)
class Preset:
    """A named set of lever values following one measure of the report."""

    key: str
    title_en: str
    title_zh: str
    report_section: str
    summary_zh: str
    build: Callable[[Baseline], dict[str, Any]]

    @property
    def description_en(self) -> str:
        """The docstring of the preset: what it changes and where in the report it comes from."""
        return inspect.getdoc(self.build) or ""

    def levers(self, baseline: Baseline) -> dict[str, Any]:
        """Lever values for this preset (levers not named stay at their baseline setting)."""
        return self.build(baseline)


PRESETS: dict[str, Preset] = {}


def _preset(key: str, title_en: str, title_zh: str, report_section: str, summary_zh: str):
    def register(build):
        PRESETS[key] = Preset(key, title_en, title_zh, report_section, summary_zh, build)
        return build

    return register


def _per_province(values) -> dict[str, float]:
    return {region: float(value) for region, value in zip(NE_PROVINCES, values, strict=True)}


@_preset(
    "innovation_platforms",
    "Innovation platforms",
    "建设支撑产业振兴的科技创新平台",
    "Section 3, measure 1",
    "国家实验室等创新平台向东北倾斜：三省研发经费投入强度于2030年达到2023年全国平均水平（已超过者保持不变）。",
)
def innovation_platforms(baseline: Baseline) -> dict[str, Any]:
    """Tilt national laboratories and engineering centres towards the Northeast.

    Follows section 3, measure 1 of the report ("build a technological innovation platform that
    supports industrial revitalization"). Modelled as more R&D: each province raises its R&D
    intensity in a straight line to the 2023 national average by 2030 (a province already above
    it keeps its own level). The national average is read from the data.
    """
    national = baseline.value("rd_intensity", "CN")
    targets = [max(baseline.value("rd_intensity", r), national) for r in NE_PROVINCES]
    return {"rd_intensity_target": _per_province(targets), "rd_intensity_target_year": 2030}


@_preset(
    "tech_trading_finance",
    "Technology trading and finance",
    "技术交易与科技金融",
    "Section 3, measure 2",
    "每省每年新增20亿元政府引导基金投入研发；一半的高校和科研院所成果由专业化技术转移机构服务；本地转化率提高10个百分点。",
)
def tech_trading_finance(baseline: Baseline) -> dict[str, Any]:
    """Technology-trading platforms, transfer offices and guided funds.

    Follows section 3, measure 2 ("build an interconnected technology trading service platform",
    "encourage universities and research institutes to establish specialised technology transfer
    institutions", "fully leverage the role of government guided funds"). Each province puts
    ¥2 billion (20 亿元) a year of guided funds into R&D; professional transfer offices newly serve
    half of university and institute output; the share of results converted locally rises by 10
    percentage points. Sizes are illustrative judgement.
    """
    return {
        "guided_fund": 20.0,
        "tto_coverage_increase": 0.5,
        "local_conversion_increase": 0.10,
    }


@_preset(
    "talent_policy",
    "Talent policy",
    "人才政策",
    "Section 3, measure 3",
    "人才计划每年引进相当于现有R&D人员全时当量1.5%的研发人员；高校毕业生留省率提高10个百分点；每省每年新增500名研发方向研究生；研发人员额外净流出率降低0.5个百分点。",
)
def talent_policy(baseline: Baseline) -> dict[str, Any]:
    """A special talent plan for the Northeast.

    Follows section 3, measure 3 ("strengthen the supply of special preferential talent policies":
    national talent projects tilted to the Northeast, young researchers, outstanding engineers).
    Talent programmes recruit, each year, researchers equal to 1.5% of each province's 2023 R&D
    personnel (read from the data); graduate retention rises by 10 percentage points; each
    province trains 500 extra postgraduates a year for R&D; and the net outflow of researchers
    falls by 0.5 percentage points a year. Sizes are illustrative judgement.

    More researchers raise invention patents at once; they raise GDP only through the optional
    human-capital channel θ_H (0 by default, as parameters.md advises against double counting),
    so on its own this measure leaves GDP unchanged. Paired with more R&D money (measure 1) it
    keeps spending per researcher near its baseline.
    """
    recruits = [round(0.015 * baseline.value("fte", r), -1) for r in NE_PROVINCES]
    return {
        "talent_recruitment": _per_province(recruits),
        "graduate_retention_change": 0.10,
        "rd_graduates_extra": 500.0,
        "researcher_outflow_change": -0.005,
    }


@_preset(
    "ownership_reform",
    "Ownership reform of research results",
    "职务科技成果赋权改革",
    "Section 3, measure 4",
    "赋予科研人员职务科技成果所有权或长期使用权的改革覆盖80%的可赋权成果。",
)
def ownership_reform(baseline: Baseline) -> dict[str, Any]:
    """Give researchers ownership or long-term use rights of their results.

    Follows section 3, measure 4 ("deepen the reform of empowering ownership of scientific and
    technological achievements", "partially or even fully empower researchers"). The reform
    covers 80% of eligible job-related results once rolled out. Size is illustrative judgement.
    """
    return {"ownership_reform_coverage": 0.8}


@_preset(
    "chain_leaders",
    "Central-enterprise chain leaders",
    "发挥央企链长作用",
    "Section 3, measure 5",
    "央企链长的本地配套率提高12个百分点（相当于一汽从38%提高到“十二五”目标50%）。",
)
def chain_leaders(baseline: Baseline) -> dict[str, Any]:
    """Central enterprises as chain leaders that buy more from local suppliers.

    Follows section 3, measure 5 ("give full play to the functional advantages of central
    enterprise chain leaders"); the report's section 2 notes local procurement of only about 40%.
    Chain leaders raise their local sourcing share by 12 percentage points: the step from FAW's
    38% to its 12th Five-Year-Plan goal of 50% (Xinhua, 2011).
    """
    return {"local_sourcing_change": 0.12}


@_preset(
    "combined_package",
    "All five measures together",
    "五项措施组合",
    "Section 3, measures 1–5",
    "同时实施上述五项措施。",
)
def combined_package(baseline: Baseline) -> dict[str, Any]:
    """All five measures of section 3 at once.

    The union of the innovation-platform, technology-trading-and-finance, talent, ownership-reform
    and chain-leader presets. The measures do not overlap in the levers they move.
    """
    levers: dict[str, Any] = {}
    for key in (
        "innovation_platforms",
        "tech_trading_finance",
        "talent_policy",
        "ownership_reform",
        "chain_leaders",
    ):
        levers.update(PRESETS[key].levers(baseline))
    return levers


def preset_levers(key: str, baseline: Baseline) -> dict[str, Any]:
    """Lever values of the preset ``key``; raises KeyError naming the known presets."""
    try:
        return PRESETS[key].levers(baseline)
    except KeyError:
        raise KeyError(f"unknown preset {key!r}; known: {', '.join(PRESETS)}") from None


__all__ = ["PRESETS", "Preset", "preset_levers"]
