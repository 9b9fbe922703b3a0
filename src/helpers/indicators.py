"""Derived indicators: every number NQP Lab computes from the published ones.

Each function takes a tidy panel (the columns of :func:`helpers.data.load_panel`) and returns
**new rows only**, in the same columns, with ``derived=True``. A derived row's grade is the worst
grade of its inputs; its ``source`` says how it was computed and from what; its ``source_url``
is the inputs' address when they share one, else empty.

Rules that hold for every function here:

* A value is computed only when **all** its inputs exist for that year. A gap stays a gap:
  nothing is interpolated, carried forward or filled in.
* No figure is typed in: every number comes out of the panel.
* Where a published value exists for the same region, year and indicator, the published one is
  kept and the derived one is set aside (:func:`helpers.data.build.merge_derived`).

:func:`derive_all` applies the steps in order, each seeing the rows of the previous ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from helpers.data.regions import (
    EASTERN_IM_MEMBERS,
    NE3_MEMBERS,
    PROVINCE_CODES,
    REGION_EN,
    REGION_ZH,
)

PANEL_COLUMNS: list[str] = [
    "region",
    "region_en",
    "region_zh",
    "year",
    "indicator",
    "value",
    "unit",
    "source",
    "source_url",
    "grade",
    "derived",
]

GRADES = "ABCD"

#: Units whose values add up across regions (stocks and flows of money, people and things).
#: Percentages, ranks and ratios are never summed.
ADDITIVE_UNITS: frozenset[str] = frozenset(
    {
        "CNY 10k",
        "CNY 100 million",
        "person-years",
        "items",
        "contracts",
        "projects",
        "enterprises",
        "institutions",
        "papers",
        "persons",
        "10k persons",
        "km2",
    }
)

#: Units of the derived ratios (added to the panel's allowed units).
PER_FTE_UNIT = "CNY 10k per person-year"
PER_10K_PEOPLE_UNIT = "items per 10k people"
DERIVED_UNITS: tuple[str, ...] = (PER_FTE_UNIT, PER_10K_PEOPLE_UNIT)

#: GDP rows graded A or B count as official GDP for the weighted intensity; [C] GDP rows are of
#: unknown vintage (raw/official/README.md, "Versions of GDP"), so the implied GDP is used instead.
GDP_OFFICIAL_GRADES: frozenset[str] = frozenset({"A", "B"})

#: Indicators whose regional shares of Jiangsu and of the national total are computed.
SHARE_INDICATORS: tuple[str, ...] = ("rd_expenditure", "rd_personnel_fte_total")
#: Regions those shares are computed for.
SHARE_REGIONS: tuple[str, ...] = ("NE3", "CN-LN", "CN-JL", "CN-HL", "CN-NM")

#: Patent counts turned into per-10k-people rates.
PATENT_RATE_INDICATORS: tuple[str, ...] = (
    "patents_granted_invention",
    "patents_in_force_invention",
)
#: No national patents-per-person rate: the national patent rows include Hong Kong, Macao and
#: Taiwan (raw/yearbook/README.md), while the population is the mainland's.
PATENT_RATE_EXCLUDED_REGIONS: frozenset[str] = frozenset({"CN"})


def worst_grade(grades: Iterable[str]) -> str:
    """Return the least trusted of ``grades`` (``D`` worst, ``A`` best)."""
    return max(grades, key=GRADES.index)


def derived_row(
    region: str,
    year: object,
    indicator: str,
    value: float,
    unit: str,
    inputs: pd.DataFrame,
    how: str,
) -> dict:
    """Build one derived row from its input rows.

    Parameters
    ----------
    region, year, indicator, value, unit
        The new row's key, value and unit.
    inputs : pandas.DataFrame
        The panel rows the value was computed from (for grade, source and URL).
    how : str
        A short description of the calculation, e.g. "sum of CN-LN, CN-JL, CN-HL".
    """
    sources = _input_sources(inputs)
    urls = list(dict.fromkeys(u if isinstance(u, str) else "" for u in inputs["source_url"]))
    return {
        "region": region,
        "region_en": REGION_EN[region],
        "region_zh": REGION_ZH[region],
        "year": year,
        "indicator": indicator,
        "value": float(value) + 0.0,
        "unit": unit,
        "source": f"NQP Lab calculation: {how}. Inputs: " + " | ".join(sources),
        # one address only when every input has that same address
        "source_url": urls[0] if len(urls) == 1 else "",
        "grade": worst_grade(inputs["grade"]),
        "derived": True,
    }


def _named_sources(rows: pd.DataFrame) -> pd.Series:
    """Each row's source; a derived row is named by its key ("NE3 gdp_implied 2023 (derived)")
    rather than by its own recipe, so sources do not nest."""
    year = rows["year"].astype("string").fillna("")
    key = rows["region"] + " " + rows["indicator"] + " " + year + " (derived)"
    return key.where(rows["derived"].astype(bool), rows["source"])


def _input_sources(inputs: pd.DataFrame) -> list[str]:
    """Distinct sources of the inputs, in order (see :func:`_named_sources`)."""
    return list(dict.fromkeys(_named_sources(inputs)))


def _pairs(panel: pd.DataFrame, first: str, second: str, regions=None):
    """Yield ``(inputs, value_first, value_second)`` for each region and year with both."""
    a = panel[panel["indicator"] == first]
    b = panel[panel["indicator"] == second]
    if regions is not None:
        a, b = a[a["region"].isin(regions)], b[b["region"].isin(regions)]
    pairs = (
        a[["region", "year"]]
        .assign(ia=a.index)
        .merge(b[["region", "year"]].assign(ib=b.index), on=["region", "year"])
        .sort_values(["region", "year"], kind="stable")
    )
    for ia, ib in zip(pairs["ia"], pairs["ib"], strict=True):
        inputs = panel.loc[[ia, ib]]
        yield inputs, float(inputs["value"].iloc[0]), float(inputs["value"].iloc[1])


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=PANEL_COLUMNS)
    frame["year"] = frame["year"].astype("Int64")
    frame["value"] = frame["value"].astype(float)
    frame["derived"] = frame["derived"].astype(bool)
    return frame


def _pick(panel: pd.DataFrame, region: str, indicator: str) -> pd.DataFrame:
    """Rows of one region and indicator, indexed by year."""
    rows = panel[(panel["region"] == region) & (panel["indicator"] == indicator)]
    return rows.set_index("year", drop=False)


# ---------------------------------------------------------------------------------------------
# Aggregates


def aggregate_sum(
    panel: pd.DataFrame,
    members: Sequence[str],
    region: str,
    indicators: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Sum additive indicators over ``members`` into ``region``.

    A sum is formed for an (indicator, year) only when every member has a value, in the same
    unit. Only indicators whose unit is in :data:`ADDITIVE_UNITS` are summed.

    Parameters
    ----------
    panel : pandas.DataFrame
        Tidy panel.
    members : sequence of str
        Region codes to add up, e.g. :data:`~helpers.data.regions.NE3_MEMBERS`.
    region : str
        Code of the aggregate, e.g. ``"NE3"``.
    indicators : iterable of str, optional
        Restrict to these indicators.

    Returns
    -------
    pandas.DataFrame
        One derived row per complete (indicator, year).
    """
    sub = panel[panel["region"].isin(members) & panel["unit"].isin(ADDITIVE_UNITS)]
    if indicators is not None:
        sub = sub[sub["indicator"].isin(list(indicators))]
    order = {code: position for position, code in enumerate(members)}
    sub = sub.assign(_order=sub["region"].map(order), _named=_named_sources(sub)).sort_values(
        ["indicator", "year", "_order"], kind="stable"
    )
    groups = sub.groupby(["indicator", "year"], dropna=False, sort=True)
    summary = groups.agg(
        n=("region", "size"),
        units=("unit", "nunique"),
        unit=("unit", "first"),
        value=("value", "sum"),
        grade=("grade", lambda g: worst_grade(g)),
        sources=("_named", lambda s: list(dict.fromkeys(s))),
        urls=(
            "source_url",
            lambda u: list(dict.fromkeys(x if isinstance(x, str) else "" for x in u)),
        ),
    ).reset_index()
    complete = summary[(summary["n"] == len(members)) & (summary["units"] == 1)]
    how = f"sum of {', '.join(members)}"
    rows = [
        {
            "region": region,
            "region_en": REGION_EN[region],
            "region_zh": REGION_ZH[region],
            "year": r.year,
            "indicator": r.indicator,
            "value": float(r.value) + 0.0,
            "unit": r.unit,
            "source": f"NQP Lab calculation: {how}. Inputs: " + " | ".join(r.sources),
            "source_url": r.urls[0] if len(r.urls) == 1 else "",
            "grade": r.grade,
            "derived": True,
        }
        for r in complete.itertuples(index=False)
    ]
    return _frame(rows)


def ne3_aggregate(panel: pd.DataFrame) -> pd.DataFrame:
    """Northeast-3 (``NE3``): Liaoning + Jilin + Heilongjiang, for every additive indicator.

    The sum exists for a year only when all three provinces have the value (e.g. no NE3 sum of
    Jilin's missing 2019 design-patent applications). The grade is the worst of the three.
    """
    return aggregate_sum(panel, NE3_MEMBERS, "NE3")


def eastern_im_aggregate(panel: pd.DataFrame) -> pd.DataFrame:
    """Eastern Inner Mongolia (``CN-NM-E5``): Chifeng + Tongliao + Hulunbuir + Hinggan + Xilingol.

    Only indicators all five have are summed: the 2020 census population and land area. Their
    2023 GDP is not summed because Hinggan League's was not found.
    """
    return aggregate_sum(panel, EASTERN_IM_MEMBERS, "CN-NM-E5")


def northeast_region_aggregate(panel: pd.DataFrame) -> pd.DataFrame:
    """The report's Northeast region (``NE3E5``): NE3 + the five eastern Inner Mongolia units.

    Gives the 2020 census population of the region and its summed land area. The summed area
    counts the Jiagedaqi/Songling area twice (Heilongjiang administers it, Hulunbuir contains it).
    """
    return aggregate_sum(panel, ("NE3", "CN-NM-E5"), "NE3E5")


# ---------------------------------------------------------------------------------------------
# R&D intensity


def implied_gdp(panel: pd.DataFrame) -> pd.DataFrame:
    """GDP implied by the R&D communiqué: ``gdp_implied = rd_expenditure / rd_intensity × 100``.

    This is the GDP (CNY 100 million) each communiqué divided by: the preliminary regional GDP of
    the time, as the intensities are never re-based. It is computed for every region that has
    both numbers in a year; the NE3 value is then the sum of the three provinces. Because the
    intensity is printed with two decimals, the implied GDP is uncertain by about ±0.005 / intensity
    (±0.35% at 1.44%).
    """
    rows = []
    for inputs, rd, intensity in _pairs(panel, "rd_expenditure", "rd_intensity"):
        if intensity <= 0:
            continue
        first = inputs.iloc[0]
        rows.append(
            derived_row(
                first["region"],
                first["year"],
                "gdp_implied",
                rd / intensity * 100,
                "CNY 100 million",
                inputs,
                "R&D expenditure ÷ R&D intensity × 100",
            )
        )
    implied = _frame(rows)
    provinces = implied[implied["region"].isin(PROVINCE_CODES)]
    return pd.concat([implied, aggregate_sum(provinces, NE3_MEMBERS, "NE3")], ignore_index=True)


def rd_intensity_simple_mean(panel: pd.DataFrame) -> pd.DataFrame:
    """NE3 ``rd_intensity_simple_mean``: the unweighted mean of the three provinces' intensities.

    (LN + JL + HL) / 3, in percent. This is how the report's "about 1.74%" for 2023 comes about.
    It is not the region's R&D intensity: it gives small Jilin and Heilongjiang the same weight as
    Liaoning. See :func:`rd_intensity_gdp_weighted`.
    """
    rows = []
    series = [_pick(panel, code, "rd_intensity") for code in NE3_MEMBERS]
    for year in sorted(set.intersection(*(set(s.index) for s in series))):
        inputs = pd.concat([s.loc[[year]] for s in series])
        rows.append(
            derived_row(
                "NE3",
                year,
                "rd_intensity_simple_mean",
                inputs["value"].mean(),
                "percent",
                inputs,
                "unweighted mean of the R&D intensities of CN-LN, CN-JL, CN-HL",
            )
        )
    return _frame(rows)


def _gdp_denominator(gdp_rows: pd.DataFrame, implied_rows: pd.DataFrame, year) -> pd.DataFrame:
    """The GDP row to divide by: official GDP graded A/B if present, else the implied GDP.

    Returns an empty frame when neither exists for ``year``.
    """
    if year in gdp_rows.index:
        official = gdp_rows.loc[[year]]
        official = official[official["grade"].isin(GDP_OFFICIAL_GRADES) & ~official["derived"]]
        if len(official):
            return official
    return implied_rows.loc[[year]] if year in implied_rows.index else implied_rows.iloc[0:0]


def rd_intensity_gdp_weighted(panel: pd.DataFrame) -> pd.DataFrame:
    """NE3 ``rd_intensity_gdp_weighted``: total R&D ÷ total GDP × 100, in percent.

    The region's R&D intensity proper. For each province the denominator is its official GDP
    where the panel has a ``gdp`` row graded A or B (:data:`GDP_OFFICIAL_GRADES`), and otherwise
    the GDP implied by the communiqué (``gdp_implied``, derived), which is exactly the preliminary
    GDP each provincial intensity was computed on. With implied GDP throughout, the result is a
    GDP-weighted mean of the three intensities and lies between the lowest and the highest.
    2023: 1.87% against a simple mean of 1.74%.
    """
    rows = []
    rd = [_pick(panel, code, "rd_expenditure") for code in NE3_MEMBERS]
    gdp = [_pick(panel, code, "gdp") for code in NE3_MEMBERS]
    implied = [_pick(panel, code, "gdp_implied") for code in NE3_MEMBERS]
    for year in sorted(set.intersection(*(set(s.index) for s in rd))):
        denominators = [
            _gdp_denominator(gdp_rows, implied_rows, year)
            for gdp_rows, implied_rows in zip(gdp, implied, strict=True)
        ]
        if any(d.empty for d in denominators):
            continue  # a gap stays a gap
        total_rd = sum(r.loc[year, "value"] for r in rd)
        total_gdp = sum(d["value"].iloc[0] for d in denominators)
        inputs = pd.concat(
            [piece for r, d in zip(rd, denominators, strict=True) for piece in (r.loc[[year]], d)]
        )
        rows.append(
            derived_row(
                "NE3",
                year,
                "rd_intensity_gdp_weighted",
                total_rd / total_gdp * 100,
                "percent",
                inputs,
                "total R&D of CN-LN, CN-JL, CN-HL ÷ their total GDP × 100 "
                "(official GDP graded A/B where available, else GDP implied by the communiqué)",
            )
        )
    return _frame(rows)


def intensity_relative_to_national(panel: pd.DataFrame) -> pd.DataFrame:
    """NE3 intensities as a percentage of the national intensity of the same year.

    ``rd_intensity_simple_mean_pct_of_national`` and ``rd_intensity_gdp_weighted_pct_of_national``
    divide by the national ``rd_intensity`` as first published (the same vintage as the
    provincial intensities).
    """
    national = _pick(panel, "CN", "rd_intensity")
    rows = []
    for indicator in ("rd_intensity_simple_mean", "rd_intensity_gdp_weighted"):
        ne3 = _pick(panel, "NE3", indicator)
        for year in sorted(set(ne3.index) & set(national.index)):
            inputs = pd.concat([ne3.loc[[year]], national.loc[[year]]])
            rows.append(
                derived_row(
                    "NE3",
                    year,
                    f"{indicator}_pct_of_national",
                    ne3.loc[year, "value"] / national.loc[year, "value"] * 100,
                    "percent",
                    inputs,
                    f"NE3 {indicator} ÷ national rd_intensity × 100",
                )
            )
    return _frame(rows)


# ---------------------------------------------------------------------------------------------
# Shares, ratios, population


def shares(panel: pd.DataFrame) -> pd.DataFrame:
    """Shares of Jiangsu and of the national total, in percent.

    ``<indicator>_share_of_jiangsu`` = region ÷ Jiangsu × 100 and ``<indicator>_share_of_national``
    = region ÷ national × 100, for :data:`SHARE_INDICATORS` and :data:`SHARE_REGIONS`. Example:
    NE3 R&D expenditure 2023 is 26.5% of Jiangsu's.
    """
    rows = []
    for indicator in SHARE_INDICATORS:
        for reference, suffix in (("CN-JS", "share_of_jiangsu"), ("CN", "share_of_national")):
            ref = _pick(panel, reference, indicator)
            for region in SHARE_REGIONS:
                own = _pick(panel, region, indicator)
                for year in sorted(set(own.index) & set(ref.index)):
                    if ref.loc[year, "value"] <= 0:
                        continue
                    inputs = pd.concat([own.loc[[year]], ref.loc[[year]]])
                    rows.append(
                        derived_row(
                            region,
                            year,
                            f"{indicator}_{suffix}",
                            own.loc[year, "value"] / ref.loc[year, "value"] * 100,
                            "percent",
                            inputs,
                            f"{region} {indicator} ÷ {reference} {indicator} × 100",
                        )
                    )
    return _frame(rows)


def rd_expenditure_per_fte(panel: pd.DataFrame) -> pd.DataFrame:
    """``rd_expenditure_per_fte``: R&D expenditure per full-time-equivalent R&D person-year.

    ``rd_expenditure_total`` (CNY 10k, yearbook) ÷ ``rd_personnel_fte_total`` (person-years,
    yearbook), in CNY 10k per person-year, for every region and year with both (NE3 from its
    sums). National 2023: 46.07, as the communiqué's "46.1万元".
    """
    rows = []
    for inputs, spend, fte in _pairs(panel, "rd_expenditure_total", "rd_personnel_fte_total"):
        if fte <= 0:
            continue
        first = inputs.iloc[0]
        rows.append(
            derived_row(
                first["region"],
                first["year"],
                "rd_expenditure_per_fte",
                spend / fte,
                PER_FTE_UNIT,
                inputs,
                "rd_expenditure_total ÷ rd_personnel_fte_total",
            )
        )
    return _frame(rows)


def patents_per_10k_people(panel: pd.DataFrame) -> pd.DataFrame:
    """Invention patents per 10,000 residents: ``<patent indicator>_per_10k_people``.

    Patents (items, yearbook) ÷ ``population_year_end`` (10k persons, same region and year), for
    :data:`PATENT_RATE_INDICATORS`. The population series is the year-end resident population,
    which is patchy: 30 provinces in 2022, the Northeast, Inner Mongolia and the nation in 2023,
    Heilongjiang 2015–2023, a few other years. Pre-census vintages are excluded (they are
    ``population_year_end_prerevision``). No national rate (:data:`PATENT_RATE_EXCLUDED_REGIONS`).
    """
    rows = []
    regions = sorted(set(panel["region"]) - PATENT_RATE_EXCLUDED_REGIONS)
    for indicator in PATENT_RATE_INDICATORS:
        for inputs, patents, population in _pairs(panel, indicator, "population_year_end", regions):
            if population <= 0:
                continue
            first = inputs.iloc[0]
            rows.append(
                derived_row(
                    first["region"],
                    first["year"],
                    f"{indicator}_per_10k_people",
                    patents / population,
                    PER_10K_PEOPLE_UNIT,
                    inputs,
                    f"{indicator} ÷ population_year_end (10k persons)",
                )
            )
    return _frame(rows)


def census_population_change(panel: pd.DataFrame) -> pd.DataFrame:
    """Census population change 2010 → 2020, as persons and as percent, dated 2020.

    ``population_census_change_since_2010`` = census 2020 − census 2010 (persons) and
    ``population_census_growth_since_2010`` = (census 2020 ÷ census 2010 − 1) × 100, for every
    region with both censuses. NE3 lost 10,998,181 people (−10.04%). Jilin's 2010 count is
    itself derived in the source ([D]), so Jilin's and NE3's change carry grade D.
    """
    census = panel[panel["indicator"] == "population_census"]
    rows = []
    for region, group in census.groupby("region", sort=True):
        by_year = group.set_index("year", drop=False)
        if 2010 not in by_year.index or 2020 not in by_year.index:
            continue
        inputs = by_year.loc[[2010, 2020]]
        before, after = inputs["value"].iloc[0], inputs["value"].iloc[1]
        rows.append(
            derived_row(
                region,
                2020,
                "population_census_change_since_2010",
                after - before,
                "persons",
                inputs,
                "census 2020 − census 2010",
            )
        )
        rows.append(
            derived_row(
                region,
                2020,
                "population_census_growth_since_2010",
                (after / before - 1) * 100,
                "percent",
                inputs,
                "(census 2020 ÷ census 2010 − 1) × 100",
            )
        )
    return _frame(rows)


#: The derivation steps, in order. Each sees the panel with the rows of the earlier steps.
STEPS = (
    eastern_im_aggregate,
    ne3_aggregate,
    implied_gdp,
    northeast_region_aggregate,
    census_population_change,
    rd_intensity_simple_mean,
    rd_intensity_gdp_weighted,
    intensity_relative_to_national,
    shares,
    rd_expenditure_per_fte,
    patents_per_10k_people,
)
