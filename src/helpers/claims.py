"""The report's quantitative claims, recomputed from the data and judged.

The source report (GMW.cn, 2025-02-20) makes eleven checkable quantitative claims. For each,
:func:`build_claims` paraphrases the claim in English and Chinese (the report's sentences are
never copied), recomputes the number from the panel or, where only an outside figure can speak
to it, from the claims evidence file, and gives a verdict with one plain sentence in each
language.

Verdicts:

* ``confirmed``: the data give the claimed number (to the report's rounding);
* ``partly``: a related figure exists but for another scope, year or measure, or it only
  bounds the claim;
* ``misleading``: the number can be reproduced, but the way it was computed does not support the
  claim as worded;
* ``not found``: no source was found (which does not make the claim false).

The claimed numbers are the report's own; every other number in this table, including the
numbers inside the explanations, is computed here from the data.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from helpers.data.regions import NE3_MEMBERS, PROVINCE_CODES

CLAIM_COLUMNS = [
    "claim_id",
    "report_section",
    "claim_en",
    "claim_zh",
    "claimed_value",
    "claimed_unit",
    "recomputed_value",
    "recomputed_unit",
    "verdict",
    "explanation_en",
    "explanation_zh",
    "grade",
    "evidence",
    "source_url",
]

SECTION_FOUNDATION = "1. A solid foundation (region)"
SECTION_CHALLENGES = "2. Challenges"

#: The year the report's R&D figures refer to (the latest communiqué when it was written).
REPORT_RD_YEAR = 2023
#: The year of the census it uses for population.
CENSUS_YEAR = 2020

_GRADES = "ABCD"


def _worst(grades: list[str]) -> str:
    return max(grades, key=_GRADES.index)


class _Data:
    """Lookups into the panel and the evidence file that fail loudly when a row is missing."""

    def __init__(self, panel: pd.DataFrame, evidence: pd.DataFrame):
        self.panel = panel
        self.evidence = evidence

    def row(self, region: str, year: int | None, indicator: str) -> pd.Series:
        p = self.panel
        mask = (p["region"] == region) & (p["indicator"] == indicator)
        mask &= p["year"].isna() if year is None else p["year"] == year
        rows = p[mask]
        if len(rows) != 1:
            raise LookupError(f"panel has {len(rows)} rows for {region} {year} {indicator}")
        return rows.iloc[0]

    def value(self, region: str, year: int | None, indicator: str) -> float:
        return float(self.row(region, year, indicator)["value"])

    def fact(
        self, region_en: str, year: int | None, indicator: str, host: str | None = None
    ) -> pd.Series:
        e = self.evidence
        mask = (e["region_en"] == region_en) & (e["indicator"] == indicator)
        if host is not None:
            mask &= e["source_url"].str.contains(f"//{host}/", regex=False)
        mask &= e["year"].isna() if year is None else e["year"] == year
        rows = e[mask]
        if len(rows) != 1:
            raise LookupError(f"claims evidence has {len(rows)} rows for {region_en} {indicator}")
        row = rows.iloc[0].copy()
        row["line"] = int(rows.index[0]) + 2
        return row


def _panel_ref(row: pd.Series) -> str:
    year = "" if pd.isna(row["year"]) else f" {int(row['year'])}"
    kind = "derived" if row["derived"] else "published"
    return f"panel {row['region']} {row['indicator']}{year} ({kind}, grade {row['grade']})"


def _fact_ref(row: pd.Series) -> str:
    return (
        f"raw/claims/observations.csv row {row['line']}: {row['region_en']} {row['indicator']}"
        f" (grade {row['grade']})"
    )


def _claim(**fields: object) -> dict:
    missing = set(CLAIM_COLUMNS) - set(fields)
    if missing:  # pragma: no cover - programming error
        raise ValueError(f"claim lacks {sorted(missing)}")
    return fields


def _close(recomputed: float, claimed: float, decimals: int) -> bool:
    """True when the recomputed value, rounded as the report rounds, equals the claim."""
    return round(recomputed, decimals) == round(claimed, decimals)


# ---------------------------------------------------------------------------------------------
# The claims, in report order


def claim_land_area(d: _Data) -> dict:
    """C01: the region covers about 1.45 million km²."""
    claimed = 1.45
    plan = d.row("NE3E5", 2007, "land_area")
    parts = d.row("NE3E5", None, "land_area")
    plan_m, parts_m = plan["value"] / 1e6, parts["value"] / 1e6
    verdict = "confirmed" if _close(plan_m, claimed, 2) else "partly"
    return _claim(
        claim_id="C01",
        report_section=SECTION_FOUNDATION,
        claim_en="The Northeast region (three provinces and five eastern Inner Mongolia "
        "leagues/cities) has a land area of about 1.45 million km².",
        claim_zh="东北地区（三省及内蒙古东部五盟市）土地面积约145万平方公里。",
        claimed_value=claimed,
        claimed_unit="million km2",
        recomputed_value=parts_m,
        recomputed_unit="million km2",
        verdict=verdict,
        explanation_en=f"The 2007 revitalisation plan gives {plan_m:.2f} million km²; adding the "
        f"published areas of the eight units gives {parts_m:.2f} million, a little more because "
        "Heilongjiang's area includes the Jiagedaqi–Songling area inside Hulunbuir.",
        explanation_zh="2007年《东北地区振兴规划》给出的面积为"
        f"{plan['value'] / 1e4:.0f}万平方公里；把三省和五盟市各自公布的面积相加约为"
        f"{parts['value'] / 1e4:.0f}万平方公里，略多一些，"
        "因为黑龙江的面积包含了位于呼伦贝尔境内的加格达奇和松岭地区。",
        grade=_worst([plan["grade"], parts["grade"]]),
        evidence=f"{_panel_ref(plan)}; {_panel_ref(parts)}",
        source_url=plan["source_url"],
    )


def claim_population(d: _Data) -> dict:
    """C02: the region has a population of about 110 million."""
    claimed = 110.0
    ne3 = d.row("NE3", CENSUS_YEAR, "population_census")
    east = d.row("CN-NM-E5", CENSUS_YEAR, "population_census")
    total = d.row("NE3E5", CENSUS_YEAR, "population_census")
    total_m = total["value"] / 1e6
    verdict = "confirmed" if _close(total_m, claimed, 0) else "partly"
    return _claim(
        claim_id="C02",
        report_section=SECTION_FOUNDATION,
        claim_en="The Northeast region has a population of about 110 million.",
        claim_zh="东北地区人口约1.1亿。",
        claimed_value=claimed,
        claimed_unit="million persons",
        recomputed_value=total_m,
        recomputed_unit="million persons",
        verdict=verdict,
        explanation_en=f"The 2020 census counted {ne3['value'] / 1e6:.2f} million people in the "
        f"three provinces and {east['value'] / 1e6:.2f} million in the five leagues/cities, "
        f"{total_m:.2f} million in all.",
        explanation_zh=f"2020年第七次全国人口普查：三省{ne3['value'] / 1e4:.0f}万人，"
        f"蒙东五盟市{east['value'] / 1e4:.0f}万人，合计{total['value'] / 1e4:.0f}万人，"
        "与约1.1亿相符。",
        grade=total["grade"],
        evidence=f"{_panel_ref(ne3)}; {_panel_ref(east)}; {_panel_ref(total)}",
        source_url=ne3["source_url"],
    )


def claim_rd_total(d: _Data) -> dict:
    """C03: 2023 R&D of the three provinces was 111.59 billion yuan."""
    claimed = 1115.9
    total = d.row("NE3", REPORT_RD_YEAR, "rd_expenditure")
    parts = [d.row(code, REPORT_RD_YEAR, "rd_expenditure") for code in NE3_MEMBERS]
    ln, jl, hl = (p["value"] for p in parts)
    verdict = "confirmed" if _close(total["value"], claimed, 1) else "partly"
    return _claim(
        claim_id="C03",
        report_section=SECTION_CHALLENGES,
        claim_en="In 2023 the three Northeast provinces spent 111.59 billion yuan "
        "(1,115.9 亿元) on R&D.",
        claim_zh="2023年东北三省R&D经费投入合计1115.9亿元。",
        claimed_value=claimed,
        claimed_unit="CNY 100 million",
        recomputed_value=total["value"],
        recomputed_unit="CNY 100 million",
        verdict=verdict,
        explanation_en=f"The 2023 R&D communiqué gives Liaoning {ln:,.1f}, Jilin {jl:,.1f} and "
        f"Heilongjiang {hl:,.1f} (亿元), which add up to {total['value']:,.1f}.",
        explanation_zh=f"2023年全国科技经费投入统计公报：辽宁{ln:.1f}亿元、吉林{jl:.1f}亿元、"
        f"黑龙江{hl:.1f}亿元，合计{total['value']:.1f}亿元，与报告一致。",
        grade=total["grade"],
        evidence=_panel_ref(total),
        source_url=total["source_url"],
    )


def claim_share_of_jiangsu(d: _Data) -> dict:
    """C04: that is only 26.5% of Jiangsu's R&D."""
    claimed = 26.5
    share = d.row("NE3", REPORT_RD_YEAR, "rd_expenditure_share_of_jiangsu")
    total = d.value("NE3", REPORT_RD_YEAR, "rd_expenditure")
    jiangsu = d.row("CN-JS", REPORT_RD_YEAR, "rd_expenditure")
    verdict = "confirmed" if _close(share["value"], claimed, 1) else "partly"
    return _claim(
        claim_id="C04",
        report_section=SECTION_CHALLENGES,
        claim_en="The three provinces' 2023 R&D spending was only 26.5% of Jiangsu's.",
        claim_zh="东北三省2023年R&D经费仅相当于江苏省的26.5%。",
        claimed_value=claimed,
        claimed_unit="percent",
        recomputed_value=share["value"],
        recomputed_unit="percent",
        verdict=verdict,
        explanation_en=f"{total:,.1f} ÷ Jiangsu's {jiangsu['value']:,.1f} (亿元) = "
        f"{share['value']:.1f}%.",
        explanation_zh=f"{total:.1f}亿元 ÷ 江苏{jiangsu['value']:.1f}亿元 = {share['value']:.1f}%，"
        "与报告一致。",
        grade=share["grade"],
        evidence=_panel_ref(share),
        source_url=jiangsu["source_url"],
    )


def claim_intensity(d: _Data) -> dict:
    """C05: the three provinces' R&D intensity is about 1.74%."""
    claimed = 1.74
    mean = d.row("NE3", REPORT_RD_YEAR, "rd_intensity_simple_mean")
    weighted = d.row("NE3", REPORT_RD_YEAR, "rd_intensity_gdp_weighted")
    ln, jl, hl = (d.value(code, REPORT_RD_YEAR, "rd_intensity") for code in NE3_MEMBERS)
    if _close(weighted["value"], claimed, 2):
        verdict = "confirmed"
    elif _close(mean["value"], claimed, 2):
        verdict = "misleading"
    else:
        verdict = "partly"
    return _claim(
        claim_id="C05",
        report_section=SECTION_CHALLENGES,
        claim_en="The three provinces' R&D intensity (R&D spending as a share of GDP) is about "
        "1.74%.",
        claim_zh="东北三省R&D投入强度约为1.74%。",
        claimed_value=claimed,
        claimed_unit="percent",
        recomputed_value=weighted["value"],
        recomputed_unit="percent",
        verdict=verdict,
        explanation_en=f"1.74% is the plain average of the three provincial intensities "
        f"({ln:.2f}%, {jl:.2f}%, {hl:.2f}% → {mean['value']:.3f}%), which weighs small Jilin and "
        f"Heilongjiang as much as Liaoning; total R&D over total GDP gives "
        f"{weighted['value']:.2f}%.",
        explanation_zh=f"1.74%是三省强度（{ln:.2f}%、{jl:.2f}%、{hl:.2f}%）的简单平均"
        f"（{mean['value']:.3f}%），把经济体量较小的吉林、黑龙江与辽宁同等看待；"
        f"按三省R&D经费总额除以GDP总额计算，强度约为{weighted['value']:.2f}%。",
        grade=_worst([mean["grade"], weighted["grade"]]),
        evidence=f"{_panel_ref(mean)}; {_panel_ref(weighted)}",
        source_url=d.row("CN-LN", REPORT_RD_YEAR, "rd_intensity")["source_url"],
    )


def claim_intensity_vs_national(d: _Data) -> dict:
    """C06: that intensity is only 65% of the national average."""
    claimed = 65.0
    mean_pct = d.row("NE3", REPORT_RD_YEAR, "rd_intensity_simple_mean_pct_of_national")
    weighted_pct = d.row("NE3", REPORT_RD_YEAR, "rd_intensity_gdp_weighted_pct_of_national")
    national = d.row("CN", REPORT_RD_YEAR, "rd_intensity")
    if _close(weighted_pct["value"], claimed, 0):
        verdict = "confirmed"
    elif int(mean_pct["value"]) == int(claimed):
        verdict = "misleading"
    else:
        verdict = "partly"
    return _claim(
        claim_id="C06",
        report_section=SECTION_CHALLENGES,
        claim_en="That R&D intensity is only 65% of the national average.",
        claim_zh="东北三省R&D投入强度仅相当于全国平均水平的65%。",
        claimed_value=claimed,
        claimed_unit="percent of national",
        recomputed_value=weighted_pct["value"],
        recomputed_unit="percent of national",
        verdict=verdict,
        explanation_en=f"The plain average is {mean_pct['value']:.1f}% of the national "
        f"{national['value']:.2f}% (cut down to 65%), while the GDP-weighted intensity is "
        f"{weighted_pct['value']:.1f}%, about {weighted_pct['value']:.0f}% of the national level.",
        explanation_zh=f"简单平均值相当于全国{national['value']:.2f}%的{mean_pct['value']:.1f}%"
        f"（报告舍去为65%）；按GDP加权的强度相当于全国的{weighted_pct['value']:.1f}%，"
        f"约为{weighted_pct['value']:.0f}%。",
        grade=_worst([mean_pct["grade"], weighted_pct["grade"]]),
        evidence=f"{_panel_ref(mean_pct)}; {_panel_ref(weighted_pct)}; {_panel_ref(national)}",
        source_url=national["source_url"],
    )


def claim_patent_conversion(d: _Data) -> dict:
    """C07: Liaoning universities' effective patent conversion rate is only about 10%."""
    joint = d.fact(
        "China",
        2021,
        "invention_patent_industrialization_rate_univ_first_patentee_IUR_patents",
    )
    # the source: the joint-patent rate is "more than seven times the average level of
    # universities", so the university average is below joint / 7
    times_university_average = 7
    bound = joint["value"] / times_university_average
    return _claim(
        claim_id="C07",
        report_section=SECTION_CHALLENGES,
        claim_en="According to the 2021 China Patent Survey Report, only about 10% of "
        "Liaoning universities' patents are effectively converted into use.",
        claim_zh="据《2021年中国专利调查报告》，辽宁高校专利成果有效转化率仅约10%。",
        claimed_value=10.0,
        claimed_unit="percent",
        recomputed_value=bound,
        recomputed_unit="percent (upper bound, national university average)",
        verdict="partly",
        explanation_en="The survey exists but no Liaoning figure was found in it; nationally, "
        f"university patents were industrialised at under {bound:.1f}% (the "
        f"{joint['value']:.1f}% of joint industry–university patents is said to be over seven "
        "times the university average), so 10% would be about three times that.",
        explanation_zh="该调查报告确实存在，但未找到辽宁的数据；全国高校发明专利产业化率低于"
        f"{bound:.1f}%（产学研合作专利的{joint['value']:.1f}%据称是高校平均水平的七倍多），"
        "10%约为其三倍。",
        grade=joint["grade"],
        evidence=_fact_ref(joint),
        source_url=joint["source_url"],
    )


def claim_tech_transfer_offices(d: _Data) -> dict:
    """C08: only 12 Heilongjiang universities (15.3%) have technology-transfer offices."""
    claimed_count = 12  # the report's own number, used to test its own percentage
    universities = d.fact("Heilongjiang", 2023, "higher_education_institutions")
    share = claimed_count / universities["value"] * 100
    return _claim(
        claim_id="C08",
        report_section=SECTION_CHALLENGES,
        claim_en="Only 12 universities in Heilongjiang have technology-transfer offices, 15.3% "
        "of the total.",
        claim_zh="黑龙江仅有12所高校设立了技术转移机构，占总数的15.3%。",
        claimed_value=15.3,
        claimed_unit="percent",
        recomputed_value=share,
        recomputed_unit="percent (12 of all higher-education institutions)",
        verdict="not found",
        explanation_en="No source for the count was found; with Heilongjiang's "
        f"{universities['value']:.0f} higher-education institutions (2023), 12 would be "
        f"{share:.1f}%, close to the claimed share.",
        explanation_zh=f"未找到这一数字的出处；按黑龙江{universities['value']:.0f}所高校（2023年）"
        f"计算，12所约占{share:.1f}%，与报告的比例接近。",
        grade=universities["grade"],
        evidence=_fact_ref(universities),
        source_url=universities["source_url"],
    )


def claim_harbin_soes(d: _Data) -> dict:
    """C09: in H1 2024, 111 central SOEs in Harbin bought about 2.37 billion yuan locally."""
    return _claim(
        claim_id="C09",
        report_section=SECTION_CHALLENGES,
        claim_en="In the first half of 2024, 111 central state-owned enterprises in Harbin "
        "worked with local suppliers, for about 2.37 billion yuan.",
        claim_zh="2024年上半年，在哈111户央企与地方配套企业合作，配套金额约23.7亿元。",
        claimed_value=23.7,
        claimed_unit="CNY 100 million",
        recomputed_value=None,
        recomputed_unit=None,
        verdict="not found",
        explanation_en="No source for either number was found; three differently worded "
        "searches returned nothing.",
        explanation_zh="未找到这两个数字的出处，三次不同措辞的检索均无结果。",
        grade=None,
        evidence="raw/claims/claims.md, claim (c)",
        source_url=None,
    )


def claim_local_procurement(d: _Data) -> dict:
    """C10: central car makers in the Northeast buy only about 40% of their parts locally."""
    faw = d.fact("Jilin", 2010, "in_province_parts_supply_rate_for_FAW")
    return _claim(
        claim_id="C10",
        report_section=SECTION_CHALLENGES,
        claim_en="Central state-owned car makers in the Northeast buy only about 40% of their "
        "parts locally.",
        claim_zh="东北地区汽车央企零部件本地采购比例仅约40%。",
        claimed_value=40.0,
        claimed_unit="percent",
        recomputed_value=faw["value"],
        recomputed_unit="percent (FAW, parts made in Jilin, about 2010)",
        verdict="partly",
        explanation_en=f"The closest official figure is {faw['value']:.0f}%: the share of FAW's "
        "parts supplied from within Jilin, stated by a vice-governor in January 2011; no recent "
        "figure for all central car makers in the Northeast was found.",
        explanation_zh=f"最接近的官方数字是{faw['value']:.0f}%，即2011年1月吉林省副省长所说的"
        "省内零部件对一汽集团的配套率；未找到近年东北汽车央企整体的数据。",
        grade=faw["grade"],
        evidence=_fact_ref(faw),
        source_url=faw["source_url"],
    )


def claim_high_tech_enterprises(d: _Data) -> dict:
    """C11: national high-tech enterprises in the Northeast are under 5% of the national total."""
    indicator = "hitech_enterprises_recognized"
    recognized = d.panel[d.panel["indicator"] == indicator]

    def ne3_share(year: int) -> tuple[float, str]:
        rows = recognized[recognized["year"] == year]
        provinces = rows[rows["region"].isin(PROVINCE_CODES)]
        if len(provinces) != len(PROVINCE_CODES):
            raise LookupError(f"{indicator} {year} lacks provinces")
        ne3 = d.row("NE3", year, indicator)
        return ne3["value"] / provinces["value"].sum() * 100, _worst(list(provinces["grade"]))

    latest = int(recognized["year"].max())
    share_report, grade = ne3_share(REPORT_RD_YEAR)
    share_latest, _ = ne3_share(latest)
    # Liaoning 2021 has two rows: a mid-year count (reprint site) and the year-end count of
    # the provincial statistics bureau cited by a journal article; the year-end one matches the
    # national year-end stock
    liaoning = d.fact("Liaoning", 2021, "high_tech_enterprises_count", host="fx361.cc")
    national = d.fact("China", 2021, "high_tech_enterprises_count")
    liaoning_share = liaoning["value"] / national["value"] * 100
    return _claim(
        claim_id="C11",
        report_section=SECTION_CHALLENGES,
        claim_en="The Northeast has less than 5% of China's national high-tech enterprises.",
        claim_zh="东北地区国家高新技术企业数量占全国比重不足5%。",
        claimed_value=5.0,
        claimed_unit="percent (upper bound)",
        recomputed_value=share_report,
        recomputed_unit=f"percent of enterprises recognised in {REPORT_RD_YEAR} (three provinces)",
        verdict="partly",
        explanation_en="No source states the share; on the published recognition lists the three "
        f"provinces had {share_report:.1f}% of the enterprises recognised in {REPORT_RD_YEAR} "
        f"and {share_latest:.1f}% in {latest} (lists, not the stock), and Liaoning alone held "
        f"{liaoning_share:.1f}% of the national stock in 2021.",
        explanation_zh=f"没有资料直接给出这一比重；按高新技术企业认定名单，三省占{REPORT_RD_YEAR}年"
        f"全国认定数的{share_report:.1f}%，{latest}年为{share_latest:.1f}%（名单数，不是存量）；"
        f"2021年仅辽宁一省就占全国高新技术企业存量的{liaoning_share:.1f}%。",
        grade=grade,
        evidence=f"panel {indicator} NE3 and 31 provinces {REPORT_RD_YEAR}, {latest}; "
        f"{_fact_ref(liaoning)}; {_fact_ref(national)}",
        source_url=liaoning["source_url"],
    )


CLAIMS: tuple[Callable[[_Data], dict], ...] = (
    claim_land_area,
    claim_population,
    claim_rd_total,
    claim_share_of_jiangsu,
    claim_intensity,
    claim_intensity_vs_national,
    claim_patent_conversion,
    claim_tech_transfer_offices,
    claim_harbin_soes,
    claim_local_procurement,
    claim_high_tech_enterprises,
)


def build_claims(panel: pd.DataFrame, evidence: pd.DataFrame) -> pd.DataFrame:
    """Recompute and judge every claim.

    Parameters
    ----------
    panel : pandas.DataFrame
        The resolved panel with derived indicators (as :func:`helpers.data.load_panel`).
    evidence : pandas.DataFrame
        ``raw/claims/observations.csv`` with a ``grade`` column
        (:func:`helpers.data.sources.load_claim_evidence`).

    Returns
    -------
    pandas.DataFrame
        One row per claim, columns :data:`CLAIM_COLUMNS`, sorted by ``claim_id``.
    """
    data = _Data(panel, evidence)
    frame = pd.DataFrame([claim(data) for claim in CLAIMS], columns=CLAIM_COLUMNS)
    frame["claimed_value"] = frame["claimed_value"].astype(float)
    frame["recomputed_value"] = frame["recomputed_value"].astype(float)
    return frame.sort_values("claim_id").reset_index(drop=True)
