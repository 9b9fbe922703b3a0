"""Region codes used in every table: ISO 3166-2:CN for provinces, NQP Lab codes for the rest.

Provinces and the national row use the codes of the yearbook files (ISO 3166-2:CN, alphabetic
form since 2017). Aggregates and the eastern Inner Mongolia leagues/cities have no ISO code; the
codes below are the project's own and are documented in ``data/README.md``:

* ``NE3``: Liaoning + Jilin + Heilongjiang (NBS's 东北地区).
* ``CN-NM-CF`` Chifeng, ``CN-NM-TL`` Tongliao, ``CN-NM-HB`` Hulunbuir, ``CN-NM-XA`` Hinggan
  League (兴安, Xing'an), ``CN-NM-XL`` Xilingol League: the five leagues/cities of eastern Inner
  Mongolia, prefixed with their province's ISO code.
* ``CN-NM-E5``: the five together; ``CN-NM-E4``: the four without Xilingol; ``CN-NM-CF+TL`` and
  ``CN-NM-CF+TL+XL``: partial sums printed by one source.
* ``NE3E5``: the Northeast region of the 2007 revitalisation plan and of the report, NE3 + E5.
"""

from __future__ import annotations

import pandas as pd

#: (code, English name, Chinese name, kind). Province names follow the yearbook files and the
#: Natural Earth GeoJSON (``Tibet`` for Xizang). Order: national, NBS province order, aggregates.
REGIONS: tuple[tuple[str, str, str, str], ...] = (
    ("CN", "China (national total)", "全国", "national"),
    ("CN-BJ", "Beijing", "北京", "province"),
    ("CN-TJ", "Tianjin", "天津", "province"),
    ("CN-HE", "Hebei", "河北", "province"),
    ("CN-SX", "Shanxi", "山西", "province"),
    ("CN-NM", "Inner Mongolia", "内蒙古", "province"),
    ("CN-LN", "Liaoning", "辽宁", "province"),
    ("CN-JL", "Jilin", "吉林", "province"),
    ("CN-HL", "Heilongjiang", "黑龙江", "province"),
    ("CN-SH", "Shanghai", "上海", "province"),
    ("CN-JS", "Jiangsu", "江苏", "province"),
    ("CN-ZJ", "Zhejiang", "浙江", "province"),
    ("CN-AH", "Anhui", "安徽", "province"),
    ("CN-FJ", "Fujian", "福建", "province"),
    ("CN-JX", "Jiangxi", "江西", "province"),
    ("CN-SD", "Shandong", "山东", "province"),
    ("CN-HA", "Henan", "河南", "province"),
    ("CN-HB", "Hubei", "湖北", "province"),
    ("CN-HN", "Hunan", "湖南", "province"),
    ("CN-GD", "Guangdong", "广东", "province"),
    ("CN-GX", "Guangxi", "广西", "province"),
    ("CN-HI", "Hainan", "海南", "province"),
    ("CN-CQ", "Chongqing", "重庆", "province"),
    ("CN-SC", "Sichuan", "四川", "province"),
    ("CN-GZ", "Guizhou", "贵州", "province"),
    ("CN-YN", "Yunnan", "云南", "province"),
    ("CN-XZ", "Tibet", "西藏", "province"),
    ("CN-SN", "Shaanxi", "陕西", "province"),
    ("CN-GS", "Gansu", "甘肃", "province"),
    ("CN-QH", "Qinghai", "青海", "province"),
    ("CN-NX", "Ningxia", "宁夏", "province"),
    ("CN-XJ", "Xinjiang", "新疆", "province"),
    ("NE3", "Northeast China (Liaoning + Jilin + Heilongjiang)", "东北三省", "aggregate"),
    ("CN-NM-CF", "Chifeng", "赤峰市", "league_city"),
    ("CN-NM-TL", "Tongliao", "通辽市", "league_city"),
    ("CN-NM-HB", "Hulunbuir", "呼伦贝尔市", "league_city"),
    ("CN-NM-XA", "Hinggan League", "兴安盟", "league_city"),
    ("CN-NM-XL", "Xilingol League", "锡林郭勒盟", "league_city"),
    ("CN-NM-E5", "Eastern Inner Mongolia (5 leagues/cities)", "蒙东五盟市", "aggregate"),
    (
        "CN-NM-E4",
        "Eastern Inner Mongolia excl. Xilingol (4 leagues/cities)",
        "内蒙古东四盟市",
        "aggregate",
    ),
    ("CN-NM-CF+TL", "Chifeng + Tongliao", "赤峰市+通辽市", "aggregate"),
    ("CN-NM-CF+TL+XL", "Chifeng + Tongliao + Xilingol", "赤峰市+通辽市+锡林郭勒盟", "aggregate"),
    (
        "NE3E5",
        "Northeast region (3 provinces + 5 eastern Inner Mongolia leagues/cities)",
        "东北地区(三省+蒙东五盟市)",
        "aggregate",
    ),
)

REGION_CODES: tuple[str, ...] = tuple(r[0] for r in REGIONS)
REGION_EN: dict[str, str] = {r[0]: r[1] for r in REGIONS}
REGION_ZH: dict[str, str] = {r[0]: r[2] for r in REGIONS}
PROVINCE_CODES: tuple[str, ...] = tuple(r[0] for r in REGIONS if r[3] == "province")

#: The three provinces whose sum is NE3, and the five leagues/cities whose sum is CN-NM-E5.
NE3_MEMBERS: tuple[str, ...] = ("CN-LN", "CN-JL", "CN-HL")
EASTERN_IM_MEMBERS: tuple[str, ...] = ("CN-NM-CF", "CN-NM-TL", "CN-NM-HB", "CN-NM-XA", "CN-NM-XL")

#: ``region_en`` spellings in ``raw/official/observations.csv`` that are not the province names
#: above, mapped to their codes. Two spellings of the same aggregate map to one code.
OFFICIAL_REGION_ALIASES: dict[str, str] = {
    "China (national)": "CN",
    "Northeast (3 provinces, NBS definition)": "NE3",
    "Northeast (3 provinces)": "NE3",
    "Eastern Inner Mongolia (5 leagues/cities)": "CN-NM-E5",
    "Eastern IM excl. Xilingol (4 leagues/cities)": "CN-NM-E4",
    "Northeast China (3 provinces + 5 eastern IM leagues/cities)": "NE3E5",
}


def official_region_code(region_en: str) -> str | None:
    """Return the region code for a ``region_en`` of the official observations, or ``None``.

    Parameters
    ----------
    region_en : str
        The English region name as written in ``raw/official/observations.csv``.
    """
    if region_en in OFFICIAL_REGION_ALIASES:
        return OFFICIAL_REGION_ALIASES[region_en]
    for code, name_en, _zh, _kind in REGIONS:
        if name_en == region_en:
            return code
    return None


def region_table() -> pd.DataFrame:
    """Return the region codes as a table: ``region, region_en, region_zh, kind``."""
    return pd.DataFrame(REGIONS, columns=["region", "region_en", "region_zh", "kind"])
