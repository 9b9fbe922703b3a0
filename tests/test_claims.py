"""The claims table: every verdict, and every recomputed number, comes from the data."""

from __future__ import annotations

import re

import pytest

from helpers.data import load_claims, load_panel
from tests.report_runs import copies_the_report

VERDICTS = {
    "C01": "confirmed",  # land area 1.45 million km²
    "C02": "confirmed",  # population about 110 million
    "C03": "confirmed",  # 2023 NE3 R&D 1,115.9 亿元
    "C04": "confirmed",  # 26.5% of Jiangsu
    "C05": "misleading",  # 1.74% is a simple mean; weighted 1.87%
    "C06": "misleading",  # 65% is the simple mean truncated; weighted ≈ 71%
    "C07": "partly",  # patent conversion ~10%: no Liaoning figure
    "C08": "not found",  # 12 universities with transfer offices
    "C09": "not found",  # Harbin central SOEs
    "C10": "partly",  # ~40% local procurement: FAW 38% around 2010
    "C11": "partly",  # high-tech enterprises < 5%
}


@pytest.fixture(scope="module")
def claims():
    return load_claims().set_index("claim_id")


@pytest.fixture(scope="module")
def panel():
    return load_panel().set_index(["region", "year", "indicator"])


def test_every_claim_has_its_expected_verdict(claims):
    assert claims["verdict"].to_dict() == VERDICTS


def test_explanations_are_one_sentence_in_each_language(claims):
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for claim_id, row in claims.iterrows():
        assert row["explanation_en"].endswith("."), claim_id
        assert row["explanation_en"].count(". ") == 0, claim_id  # one sentence
        assert cjk.search(row["explanation_zh"]), claim_id
        assert cjk.search(row["claim_zh"]), claim_id
        assert row["explanation_zh"].endswith("。"), claim_id


def test_recomputed_values_are_the_panel_values(claims, panel):
    assert (
        claims.loc["C03", "recomputed_value"] == panel.loc[("NE3", 2023, "rd_expenditure"), "value"]
    )
    assert (
        claims.loc["C04", "recomputed_value"]
        == panel.loc[("NE3", 2023, "rd_expenditure_share_of_jiangsu"), "value"]
    )
    assert (
        claims.loc["C05", "recomputed_value"]
        == panel.loc[("NE3", 2023, "rd_intensity_gdp_weighted"), "value"]
    )
    assert claims.loc["C02", "recomputed_value"] == pytest.approx(
        panel.loc[("NE3E5", 2020, "population_census"), "value"] / 1e6
    )


def test_headline_numbers(claims):
    assert claims.loc["C03", "recomputed_value"] == pytest.approx(1115.9, abs=0.05)
    assert round(claims.loc["C04", "recomputed_value"], 1) == 26.5
    assert round(claims.loc["C05", "recomputed_value"], 2) == 1.87
    assert round(claims.loc["C06", "recomputed_value"]) == 71
    assert round(claims.loc["C02", "recomputed_value"], 1) == 110.2


def test_explanations_quote_the_computed_numbers(claims, panel):
    """The numbers in the sentences are the computed ones, formatted, not typed-in text."""
    simple = panel.loc[("NE3", 2023, "rd_intensity_simple_mean"), "value"]
    weighted = panel.loc[("NE3", 2023, "rd_intensity_gdp_weighted"), "value"]
    assert f"{simple:.3f}%" in claims.loc["C05", "explanation_en"]
    assert f"{weighted:.2f}%" in claims.loc["C05", "explanation_en"]
    share = panel.loc[("NE3", 2023, "rd_expenditure_share_of_jiangsu"), "value"]
    assert f"{share:.1f}%" in claims.loc["C04", "explanation_zh"]


def test_claims_have_a_grade_and_source_unless_not_found(claims):
    found = claims[claims["recomputed_value"].notna()]
    assert found["grade"].isin(list("ABCD")).all()
    assert found["source_url"].str.startswith("http").all()
    assert claims.loc["C09", "recomputed_value"] != claims.loc["C09", "recomputed_value"]  # NaN


def test_claims_are_paraphrased_not_copied():
    """No claim shares a run of eight words with the report's text."""
    copied = [
        claim_id
        for claim_id, text in load_claims().set_index("claim_id")["claim_en"].items()
        if copies_the_report(text)
    ]
    assert not copied
