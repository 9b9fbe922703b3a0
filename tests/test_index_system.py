"""The indicator system of the NQP index: catalogue file, defaults an economist would sign,
per-resident denominators, swings, the denominator check and the published findings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import nqp_index as ni
from helpers.data import load_panel
from helpers.data.regions import PROVINCE_CODES
from helpers.nqp_index.catalogue import CATALOGUE_FILE, load_catalogue
from helpers.nqp_index.matrix import flag_swings, smoothed
from helpers.nqp_index.published import PUBLISHED, compare_published, load_published

BIG_FIVE = ("CN-BJ", "CN-SH", "CN-GD", "CN-JS", "CN-ZJ")


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return load_panel()


# ------------------------------------------------------------------------------------------
# Defaults: the ranks an economist would sign
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2022, 2023])
def test_default_ranks_put_the_big_five_on_top_and_no_small_rd_spender_in_the_ten(panel, year):
    result = ni.build_index(panel, year=year)
    order = list(result.ranking["region"])
    assert set(BIG_FIVE) <= set(order[:7]), order[:7]
    rd = panel[
        (panel["indicator"] == "rd_expenditure")
        & (panel["year"] == year)
        & panel["region"].isin(PROVINCE_CODES)
    ].set_index("region")["value"]
    share = rd / rd.sum()
    small = set(share[share < 0.01].index)
    assert small and not small & set(order[:10]), sorted(small & set(order[:10]))


def test_defaults_are_in_the_file_and_cover_every_dimension_with_data():
    dims = {ni.CATALOGUE_BY_ID[i].dimension for i in ni.DEFAULT_INDICATORS}
    with_data = {k for k, d in ni.DIMENSION_INFO.items() if not d.is_gap}
    assert dims == with_data == {"innovation", "industry", "labour"}
    assert (ni.DEFAULT_WEIGHTING, ni.DEFAULT_AGGREGATION) == ("entropy", "weighted_sum")


def test_the_dimensions_are_those_the_literature_shares_and_gaps_are_stated():
    assert list(ni.DIMENSION_INFO) == ["innovation", "industry", "digital", "green", "labour"]
    papers = {p.id for p in ni.LITERATURE}
    for dim in ni.DIMENSION_INFO.values():
        assert dim.literature and set(dim.literature) <= papers
    gaps = {k for k, d in ni.DIMENSION_INFO.items() if d.is_gap}
    assert gaps == {"digital", "green"}
    for key in gaps:
        info = ni.DIMENSION_INFO[key]
        assert "not estimated" in info.gap_en and "未做估算" in info.gap_zh
        assert not [i for i in ni.CATALOGUE if i.dimension == key]


# ------------------------------------------------------------------------------------------
# Every indicator: source, grade, justification, in both languages
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ind", ni.CATALOGUE, ids=lambda i: i.id)
def test_every_indicator_has_source_grade_and_one_sentence_justification(ind):
    for lang in ("en", "zh"):
        for field in ("name", "unit", "definition", "justification", "sources"):
            assert getattr(ind, f"{field}_{lang}").strip(), (field, lang)
    assert ind.justification_en.count(". ") <= 1  # one sentence (two at most for a caveat)
    assert ind.grade in "ABCD"
    if ind.denominator_kind == "per_gdp" and ind.denominator is not None:
        assert "GDP" in ind.justification_en and "GDP" in ind.justification_zh


def test_each_stated_grade_is_the_weakest_grade_of_its_inputs_in_2018_to_2023(panel):
    ip = ni.indicator_panel(panel, [i.id for i in ni.CATALOGUE], range(2018, 2024))
    for ind in ni.CATALOGUE:
        grades = ip.grades[ind.id].dropna()
        assert max(grades) == ind.grade, ind.id


def test_variants_point_to_the_same_numerator_with_another_denominator():
    for ind in ni.CATALOGUE:
        for kind, other_id in ind.variants.items():
            other = ni.CATALOGUE_BY_ID[other_id]
            assert other.denominator_kind == kind and other.dimension == ind.dimension
            assert other.numerator == ind.numerator or {ind.id, other_id} == {
                "rd_intensity",
                "rd_expenditure_per_capita",
            }


# ------------------------------------------------------------------------------------------
# The catalogue file is checked on load
# ------------------------------------------------------------------------------------------


def _broken(tmp_path, change) -> object:
    raw = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda raw: raw["indicators"][0].update(colour="red"), "colour"),
        (lambda raw: raw["indicators"][0].update(dimension="happiness"), "unknown dimension"),
        (lambda raw: raw["indicators"][0].pop("justification_zh"), "justification_zh"),
        (lambda raw: raw["defaults"].update(indicators=["rd_intensity", "nope"]), "nope"),
        (lambda raw: raw["indicators"][0].update(grade="E"), "grade"),
        (lambda raw: raw["dimensions"]["green"].update(literature=["nobody_2030"]), "nobody"),
    ],
)
def test_a_broken_catalogue_is_refused_with_the_file_and_the_problem(tmp_path, change, words):
    with pytest.raises(ni.CatalogueError) as err:
        load_catalogue(_broken(tmp_path, change))
    assert "catalogue.yaml" in str(err.value) and words in str(err.value)


def test_a_catalogue_that_is_not_yaml_is_refused(tmp_path):
    path = tmp_path / "catalogue.yaml"
    path.write_text("indicators: [unclosed", encoding="utf-8")
    with pytest.raises(ni.CatalogueError, match="cannot be read"):
        load_catalogue(path)


# ------------------------------------------------------------------------------------------
# Per-resident indicators divide by the 2020 census
# ------------------------------------------------------------------------------------------


def _value(panel, region, year, indicator):
    row = panel[
        (panel["region"] == region) & (panel["year"] == year) & (panel["indicator"] == indicator)
    ]
    return float(row["value"].iloc[0])


def test_per_resident_values_divide_every_year_by_the_2020_census(panel):
    m = ni.indicator_matrix(panel, ["invention_patents_in_force_per_10k_people"], 2023)
    expected = (
        1e4
        * _value(panel, "CN-HL", 2023, "patents_in_force_invention")
        / _value(panel, "CN-HL", 2020, "population_census")
    )
    assert m.values.loc["CN-HL", "invention_patents_in_force_per_10k_people"] == pytest.approx(
        expected, rel=1e-12
    )
    sources = ni.indicator_sources(panel, "invention_patents_in_force_per_10k_people", 2023)
    census = sources[sources["input"] == "population_census"]
    assert list(census["years"]) == ["2020"]  # the denominator's own year, whatever the year


# ------------------------------------------------------------------------------------------
# Swings: flag, smooth, leave out
# ------------------------------------------------------------------------------------------


def _loop_flags(values: pd.DataFrame, factor: float) -> set[tuple]:
    """A plain loop over provinces and consecutive years, as a reader would check by hand."""
    out = set()
    for ind in values.columns:
        wide = values[ind].unstack("region")
        for region in wide.columns:
            s = wide[region]
            for y1 in s.index:
                v0, v1 = s.get(y1 - 1, np.nan), s[y1]
                with np.errstate(over="ignore"):
                    ratio = np.float64(v1) / np.float64(v0) if v0 > 0 and v1 > 0 else np.nan
                if ratio >= factor or ratio <= 1 / factor:
                    out.add((int(y1), region, ind, int(y1 - 1)))
    return out


@settings(max_examples=60, deadline=None)
@given(
    data=st.lists(
        st.one_of(st.none(), st.floats(min_value=-5, max_value=1e4, allow_nan=False)),
        min_size=31 * 5,
        max_size=31 * 5,
    ),
    factor=st.floats(min_value=1.01, max_value=5),
)
def test_swing_flags_equal_a_plain_loop(data, factor):
    index = pd.MultiIndex.from_product(
        [range(2019, 2024), PROVINCE_CODES], names=["year", "region"]
    )
    values = pd.DataFrame({"x": [np.nan if v is None else v for v in data]}, index=index)
    got = {
        (r.year, r.region, r.indicator, r.previous_year)
        for r in flag_swings(values, factor).itertuples()
    }
    assert got == _loop_flags(values, factor)


def test_no_swing_is_measured_across_the_missing_year_2017(panel):
    flags = ni.flag_swings(ni.indicator_panel(panel, ["hitech_revenue_to_gdp"]).values)
    assert not (flags["year"] == 2018).any()
    assert (flags["year"] - flags["previous_year"] == 1).all()


def test_heilongjiang_high_tech_swing_is_flagged_and_explained(panel):
    result = ni.build_index(panel, year=2023)
    row = result.swings[
        (result.swings["region"] == "CN-HL")
        & (result.swings["indicator"] == "hitech_revenue_to_gdp")
    ]
    assert len(row) == 1 and row["ratio"].iloc[0] == pytest.approx(2.464, abs=1e-3)
    assert row["previous_year"].iloc[0] == 2022
    note = next(n for n in result.notes if n.kind == "swing")
    assert "used as published" in note.en and "按公布值使用" in note.zh


def test_smoothing_is_the_mean_of_the_year_and_the_two_before_and_never_fills_a_gap(panel):
    ip = ni.indicator_panel(panel, ["hitech_revenue_to_gdp", "hitech_new_product_share"])
    mean = smoothed(ip.values, ["hitech_revenue_to_gdp", "hitech_new_product_share"], 2019)
    hl = ip.values["hitech_revenue_to_gdp"].xs("CN-HL", level="region")
    assert mean.loc["CN-HL", "hitech_revenue_to_gdp"] == pytest.approx(hl[[2018, 2019]].mean())
    assert np.isnan(mean.loc["CN-XZ", "hitech_new_product_share"])  # Tibet blank in 2019
    smooth = ni.build_index(panel, year=2023, treatment="smooth")
    published = ni.build_index(panel, year=2023)
    flagged = {(r.region, r.indicator) for r in smooth.swings.itertuples()}
    assert ("CN-HL", "hitech_revenue_to_gdp") in flagged
    three = ip.values["hitech_revenue_to_gdp"].xs("CN-HL", level="region")[[2021, 2022, 2023]]
    assert smooth.raw.loc["CN-HL", "hitech_revenue_to_gdp"] == pytest.approx(three.mean())
    for region in smooth.raw.index:  # only the flagged values change
        for indicator in smooth.raw.columns:
            same = smooth.raw.loc[region, indicator] == published.raw.loc[region, indicator]
            assert same != ((region, indicator) in flagged), (region, indicator)
    assert any(n.kind == "swing" and "2021–2023" in n.en for n in smooth.notes)


def test_leaving_swings_out_drops_their_provinces_with_a_note(panel):
    result = ni.build_index(panel, year=2023, treatment="exclude")
    swung = set(result.swings["region"])
    assert "CN-HL" in swung and not swung & set(result.ranking["region"])
    assert result.n_provinces == 31 - len(swung)
    note = next(n for n in result.notes if n.kind == "swing")
    assert "Heilongjiang" in note.en and "黑龙江" in note.zh and "not estimated" in note.en
    history = ni.rank_history(panel, treatment="exclude", regions=None)
    assert set(history.table.loc[history.table["year"] == 2023, "region"]) == set(
        result.ranking["region"]
    )


def test_an_unknown_treatment_is_refused_in_both_languages(panel):
    with pytest.raises(ni.NQPIndexError) as err:
        ni.build_index(panel, treatment="ignore")
    assert "flag, smooth, exclude" in err.value.en and "平滑" not in err.value.en


# ------------------------------------------------------------------------------------------
# What changes when the denominators change
# ------------------------------------------------------------------------------------------


def test_the_denominator_check_switches_each_indicator_that_has_a_version(panel):
    check = ni.denominator_robustness(panel, year=2023)
    rows = check.variants.set_index("variant")
    assert list(rows.index) == list(ni.DENOMINATOR_VARIANTS)
    assert rows.loc["chosen", "spearman"] == 1.0 and rows.loc["chosen", "switched"] == ()
    per_capita = dict(rows.loc["per_capita", "switched"])
    assert per_capita["rd_intensity"] == "rd_expenditure_per_capita"
    per_gdp = dict(rows.loc["per_gdp", "switched"])
    assert per_gdp["rd_fte_per_10k_people"] == "rd_fte_per_gdp"
    for variant in ("per_capita", "per_gdp"):
        direct = ni.build_index(panel, rows.loc[variant, "indicators"], 2023).ranking
        assert tuple(direct["region"].head(7)) == rows.loc[variant, "top"]
        assert -1 <= rows.loc[variant, "spearman"] <= 1
    assert list(check.northeast().columns) == list(ni.NORTHEAST)


def test_user_weights_follow_their_indicator_into_the_other_version(panel):
    ids = ("rd_intensity", "rd_fte_per_10k_people")
    check = ni.denominator_robustness(
        panel, ids, 2023, "user", user_weights={"rd_intensity": 9, "rd_fte_per_10k_people": 1}
    )
    per_gdp = check.variants.set_index("variant").loc["per_gdp"]
    assert per_gdp["indicators"] == ("rd_intensity", "rd_fte_per_gdp")
    direct = ni.build_index(
        panel,
        per_gdp["indicators"],
        2023,
        "user",
        user_weights={"rd_intensity": 9, "rd_fte_per_gdp": 1},
    )
    assert tuple(direct.ranking["region"].head(7)) == per_gdp["top"]


# ------------------------------------------------------------------------------------------
# Published findings
# ------------------------------------------------------------------------------------------


def test_no_published_table_is_claimed_and_the_page_says_so():
    assert PUBLISHED.tables_found == 0
    assert (
        "cannot be computed" in PUBLISHED.no_table["en"] and "无法计算" in PUBLISHED.no_table["zh"]
    )
    regions = [m for r in PUBLISHED.regions.values() for m in r.members]
    assert sorted(regions) == sorted(PROVINCE_CODES)


def test_published_findings_are_checked_against_the_index_of_their_year(panel):
    table = compare_published(lambda year: ni.build_index(panel, year=year))
    assert len(table) == len(PUBLISHED.findings) >= 3
    rows = table.set_index("id")
    assert rows.loc["xmu_beijing_first", "agrees"]
    assert "Beijing 1 of 31" in rows.loc["xmu_beijing_first", "ours_en"]
    regions = rows.loc["ssstm_regions"]
    result = ni.build_index(panel, year=2022)
    score = result.ranking.set_index("region")["score"]
    means = {k: score[list(r.members)].mean() for k, r in PUBLISHED.regions.items()}
    expected = sorted(means, key=means.get, reverse=True) == [
        "east",
        "central",
        "northeast",
        "west",
    ]
    assert bool(regions["agrees"]) == expected and "Northeast" in regions["ours_en"]
    missing = compare_published(lambda year: None)
    assert missing["agrees"].isna().all() and missing["ours_en"].str.contains("lack").all()


def test_a_broken_findings_file_is_refused(tmp_path):
    raw = yaml.safe_load((ni.catalogue.CATALOGUE_FILE.parent / "published.yaml").read_text("utf-8"))
    raw["regions"]["east"]["members"].append("CN-LN")  # Liaoning twice
    path = tmp_path / "published.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ni.CatalogueError, match="each of the 31 provinces once"):
        load_published(path)


def test_the_shipped_files_follow_the_pydantic_schema():
    """The quick checks of every load and the full schema agree on the shipped files."""
    from helpers.nqp_index import catalogue_schema

    raw = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    catalogue_schema._Catalogue.model_validate(raw)
    published = yaml.safe_load((CATALOGUE_FILE.parent / "published.yaml").read_text("utf-8"))
    catalogue_schema.PublishedFile.model_validate(published)
