"""The NQP index page: its charts (through ``to_dict()``), its panel driven from Python as a
visitor would drive it, and its strings in both languages."""

from __future__ import annotations

import html
import re

import nbformat
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import NOTEBOOK_DIR, REPO_ROOT, text
from helpers import nqp_index as ni
from helpers.charts import OKABE_ITO
from helpers.charts import nqp_index as ic
from helpers.data import load_panel
from helpers.data.regions import PROVINCE_CODES
from helpers.panels import nqp_index as ip

IDS = tuple(ni.DEFAULT_INDICATORS)
NE_NAMES = {"en": ("Liaoning", "Jilin", "Heilongjiang"), "zh": ("辽宁", "吉林", "黑龙江")}


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return load_panel()


@pytest.fixture(scope="module")
def data(panel) -> ip.IndexData:
    return ip.prepare(panel)


@pytest.fixture
def explorer(data) -> ip.IndexExplorer:
    return ip.IndexExplorer(data, "en")


@pytest.fixture
def explorer_zh(data) -> ip.IndexExplorer:
    return ip.IndexExplorer(data, "zh")


def chart_rows(spec: dict) -> list[list[dict]]:
    """The inline datasets of a chart spec, in order."""
    return list(spec["datasets"].values())


def table_html(frame) -> str:
    return frame.table.value


def status_text(explorer: ip.IndexExplorer) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", explorer.status.value))


# ------------------------------------------------------------------------------------------
# Charts
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_ranking_chart_lists_every_province_best_first_with_the_northeast_marked(data, lang):
    result = data.index(IDS, 2023, "entropy", "weighted_sum", None)
    spec = ic.ranking_chart(result, lang).to_dict()
    rows = chart_rows(spec)[0]
    assert len(rows) == len(PROVINCE_CODES)
    bars = spec["layer"][0]["encoding"]
    order = bars["y"]["sort"]
    ranks = [int(label.split(".")[0]) for label in order]
    assert ranks == sorted(ranks)  # best first, explicitly, whatever the layer does
    marked = [r["label"] for r in rows if ic.NE_MARKER in r["label"]]
    assert len(marked) == 3 and all(any(n in m for n in NE_NAMES[lang]) for m in marked)
    colours = bars["color"]["scale"]
    assert colours["range"][0] == OKABE_ITO["vermillion"]
    assert ic.NE_MARKER in colours["domain"][0]
    assert str(result.year) in spec["title"]["text"]
    assert spec["description"] == ic.ranking_summary(result, lang)


def test_ranking_summary_names_the_northeast_ranks_of_the_result(data):
    result = data.index(IDS, 2023, "critic", "topsis", None)
    summary = ic.ranking_summary(result, "en")
    for row in result.northeast.itertuples():
        assert f"{row.region_en}: {row.rank}" in summary
    assert "CRITIC weights · TOPSIS" in summary and "31 provinces" in summary
    zh = ic.ranking_summary(result, "zh")
    assert all(f"{row.region_zh}第{row.rank}位" in zh for row in result.northeast.itertuples())


def test_ranking_caption_names_sources_years_grades_and_weights(data, panel):
    result = data.index(IDS, 2023, "entropy", "weighted_sum", None)
    caption = html.unescape(ic.ranking_figure_caption(result, panel, "en"))
    assert ic.ranking_summary(result, "en") in caption
    assert ic.weights_summary(result, "en") in caption
    assert "China Statistical Yearbook on Science and Technology" in caption
    assert caption.count("GDP: the GDP each communiqué's intensity was computed on") == 1  # once
    assert "Years shown: 2023" in caption and "Trust grade A" in caption
    assert "no statistics office publishes it" in caption


def test_ranking_table_holds_ranks_raw_values_and_grades(data):
    result = data.index(IDS, 2023, "entropy", "weighted_sum", None)
    table = ic.ranking_table(result, "en")
    assert len(table) == 31 and list(table["Rank"]) == sorted(table["Rank"])
    for indicator in IDS:
        assert any(ic.indicator_name(indicator, "en") in c for c in table.columns)
    assert table["Grade"].isin(list("ABCD")).all()
    assert table["Region"].str.contains(ic.NE_MARKER).sum() == 3


def test_weights_chart_shows_every_weight_and_an_equal_share(data):
    result = data.index(IDS, 2023, "critic", "weighted_sum", None)
    spec = ic.weights_chart(result, "en").to_dict()
    rows, equal = chart_rows(spec)[0], chart_rows(spec)[1]
    assert sum(r["percent"] for r in rows) == pytest.approx(100)
    assert equal[0]["equal"] == pytest.approx(100 / len(IDS))
    heaviest = max(rows, key=lambda r: r["percent"])["name"]
    assert spec["layer"][0]["encoding"]["y"]["sort"][0] == heaviest
    assert "High-tech manufacturing revenue" in heaviest  # CRITIC's known preference, shown


def test_weights_caption_labels_user_weights_as_judgement(data):
    user = tuple((i, 5) for i in IDS)
    result = data.index(IDS, 2023, "user", "weighted_sum", user)
    assert "judgement" in ic.weights_caption(result, "en")
    auto = data.index(IDS, 2023, "entropy", "weighted_sum", None)
    assert "judgement" not in ic.weights_caption(auto, "en")


def test_history_chart_breaks_its_lines_at_years_without_an_index(data):
    history = ni.rank_history(
        data.panel, ["rd_intensity", "hitech_revenue_to_gdp"], weighting="equal"
    )
    assert 2017 in set(history.skipped["year"])  # no province has high-tech revenue in 2017
    rows = ic.history_rows(history, "en")
    before, after = rows[rows["year"] < 2017], rows[rows["year"] > 2017]
    assert set(before["segment"]).isdisjoint(set(after["segment"]))
    spec = ic.history_chart(history, "equal", "weighted_sum", "en").to_dict()
    lines = spec["layer"][1]["encoding"]
    assert lines["detail"]["field"] == "segment"
    assert lines["y"]["scale"]["reverse"] is True
    bands = chart_rows(spec)[0]
    assert [b["year"] for b in bands] == list(history.skipped["year"])


def test_history_caption_states_the_skipped_years_and_why(data, panel):
    history = data.history(IDS, "entropy", "weighted_sum", None)
    caption = html.unescape(ic.history_caption(history, "en"))
    assert "No index for 2012–2017" in caption and "gaps are not filled" in caption
    reasons = ic.skipped_reasons(history, "en")
    assert len(reasons) == len(history.skipped)
    assert all(r.startswith(str(y)) for r, y in zip(reasons, history.skipped["year"], strict=True))
    zh = ic.skipped_reasons(history, "zh")
    assert all(r.startswith(f"{y}年") for r, y in zip(zh, history.skipped["year"], strict=True))


def test_robustness_chart_rings_the_current_choice(data):
    rob = data.robustness(IDS, 2023, False, None)
    spec = ic.robustness_chart(rob, ("critic", "topsis"), "en").to_dict()
    ring = chart_rows(spec)[-1]
    assert len(ring) == 3  # one per province
    table = rob.table[rob.table["region"].isin(ni.NORTHEAST)]
    expected = table[(table["weighting"] == "critic") & (table["aggregation"] == "topsis")]
    assert {(r["region"], r["rank"]) for r in ring} == set(
        zip(expected["region"], expected["rank"], strict=True)
    )
    assert "params" not in spec  # no parameters: Altair would deep-copy the figure per update
    dots = chart_rows(spec)[1]
    assert {d["region"] for d in dots} == set(ni.NORTHEAST)
    assert len(dots) == 3 * len(ni.AUTO_WEIGHTINGS) * len(ni.AGGREGATIONS)
    assert spec["layer"][1]["encoding"]["y"]["axis"]["labelExpr"].startswith('["Liaoning"')


def test_robustness_summary_and_table_match_the_library(data):
    rob = data.robustness(IDS, 2023, False, None)
    summary = ic.robustness_summary(rob, "en")
    for row in rob.northeast.itertuples():
        assert f"{row.region_en} between {row.rank_min} and {row.rank_max}" in summary
    table = ic.robustness_table(rob, "en")
    assert len(table) == 31
    assert table["Region"].str.contains(ic.NE_MARKER).sum() == 3


# ------------------------------------------------------------------------------------------
# The panel
# ------------------------------------------------------------------------------------------


def test_the_page_holds_two_live_charts_of_two_views_each(data, explorer):
    """Few live charts: each ships the Vega bundle and must start within anywidget's limit."""
    import altair as alt

    def walk(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from walk(child)

    parts = [explorer.controls, explorer.ranking, explorer.northeast, explorer.catalogue]
    live = [w for part in parts for w in walk(part) if isinstance(w, alt.JupyterChart)]
    assert live == [explorer.ranking_chart, explorer.northeast_chart]
    assert [len(c.spec["vconcat"]) for c in live] == [2, 2]
    assert all("params" not in c.spec for c in live)


def test_changing_the_method_recomputes_and_redraws_in_place(explorer):
    chart, northeast = explorer.ranking_chart, explorer.northeast_chart
    before = {
        "table": table_html(explorer.ranking_frame),
        "spec": chart.spec,
        "summary": explorer.summary.value,
        "northeast": northeast.spec,
    }
    explorer.weighting.value = "critic"
    assert explorer.status.value == ""
    assert explorer.ranking_chart is chart and explorer.ranking_frame.children[0] is chart
    assert explorer.northeast_chart is northeast
    assert table_html(explorer.ranking_frame) != before["table"]
    assert chart.spec != before["spec"] and northeast.spec != before["northeast"]
    assert "CRITIC weights" in explorer.summary.value
    assert "Liaoning: 18" in explorer.summary.value  # CRITIC, weighted sum, 2023
    middle = table_html(explorer.ranking_frame)
    explorer.aggregation.value = "topsis"
    assert table_html(explorer.ranking_frame) != middle
    assert "CRITIC weights · TOPSIS" in html.unescape(explorer.summary.value)
    ring = chart_rows(northeast.spec)[-1]
    assert {r["weighting"] for r in ring} == {"critic"} and {r["aggregation"] for r in ring} == {
        "topsis"
    }


def test_changing_the_year_redraws_ranking_and_robustness(explorer):
    explorer.year.value = 2019
    assert explorer.status.value == ""
    assert explorer.ranking_chart.spec["vconcat"][0]["title"]["text"].endswith("2019")
    assert "In 2019" in explorer.summary.value
    assert "2019" in explorer.northeast_chart.spec["vconcat"][1]["title"]["text"]


def test_notes_explain_the_known_weighting_caveats(explorer):
    assert "Beijing" in explorer.notes.value and "not the most important" in explorer.notes.value
    explorer.weighting.value = "critic"
    assert "High-tech manufacturing revenue relative to GDP" in explorer.notes.value
    explorer.weighting.value = "equal"
    assert "not the most important" not in explorer.notes.value
    assert "used as published" in explorer.notes.value  # the flagged swings of 2023


def test_user_weights_appear_validate_and_show_normalised_shares(explorer):
    assert explorer.user_box.layout.display == "none"
    explorer.weighting.value = "user"
    assert explorer.user_box.layout.display == "flex"
    shown = [row.children[0] for row in explorer.user_box.children[1:]]
    assert shown == [explorer.sliders[i] for i in IDS]
    assert all(s.continuous_update is False for s in shown)
    equal = text.percent(100 / len(IDS), 1, "en")
    assert all(equal in explorer.shares[i].value for i in IDS)
    explorer.sliders[IDS[0]].value = ip.USER_WEIGHT_MAX
    total = sum(float(explorer.shares[i].value.strip("= %")) for i in IDS)
    assert total == pytest.approx(100, abs=0.1 * len(IDS))
    assert "judgement" in explorer.ranking_frame.caption.value


def test_all_zero_user_weights_show_a_message_and_keep_the_last_charts(explorer):
    explorer.weighting.value = "user"
    for i in IDS[1:]:
        explorer.sliders[i].value = 0
    spec = explorer.ranking_chart.spec  # the last valid choice: all weight on one indicator
    explorer.sliders[IDS[0]].value = 0
    message = status_text(explorer)
    assert "Could not rebuild the index" in message
    assert "All weights are zero" in message
    assert explorer.ranking_chart.spec == spec
    explorer.sliders[IDS[0]].value = 3
    assert explorer.status.value == ""  # a valid choice clears the message
    assert explorer.shares[IDS[0]].value.endswith("100.0%")


def test_errors_are_shown_in_the_page_language(explorer_zh):
    explorer_zh.weighting.value = "user"
    for i in IDS:
        explorer_zh.sliders[i].value = 0
    message = status_text(explorer_zh)
    assert "无法重新计算指数" in message and "所有权重都为零" in message


def test_fewer_than_two_indicators_is_a_message_not_a_dead_page(explorer):
    spec = explorer.ranking_chart.spec
    explorer.choose(indicators=IDS[:1])
    assert "tick at least 2 indicators (1 ticked)" in status_text(explorer)
    assert explorer.ranking_chart.spec == spec
    explorer.checkboxes[IDS[1]].value = True
    assert explorer.status.value == ""
    assert explorer.ranking_chart.spec != spec


def test_ticking_an_indicator_offers_only_complete_years(explorer):
    explorer.checkboxes["hitech_new_product_share"].value = True  # Tibet blank 2017–2022
    assert list(explorer.year.options) == [2023]
    assert explorer.year.value == 2023 and explorer.status.value == ""
    assert "New products' share" in html.unescape(explorer.ranking_frame.table.value)
    explorer.checkboxes["hitech_new_product_share"].value = False
    assert list(explorer.year.options) == list(range(2018, 2024))
    assert explorer.year.value == 2023  # kept: still complete


def test_leaving_indicators_out_widens_the_robustness_grid(explorer):
    explorer.leave_one_out.value = True
    n = (1 + len(IDS)) * len(ni.AUTO_WEIGHTINGS) * len(ni.AGGREGATIONS)
    assert f"across {n} combinations" in explorer.northeast_frame.caption.value
    assert "one indicator left out" in explorer.northeast_frame.caption.value


def test_catalogue_gives_every_indicator_its_definition_and_sources(data, panel):
    page = ip.catalogue_html(data, "en")
    assert page.count('<details class="nqp-index-indicator"') == len(ni.CATALOGUE)
    for ind in ni.CATALOGUE:
        assert html.escape(ind.definition_en) in page
        assert html.escape(ind.sources_en) in page
        for grade in ni.indicator_sources(panel, ind.id)["grade"].unique():
            assert f'<td style="white-space:nowrap">{grade}</td>' in page
    assert "https://" in page and 'rel="noopener noreferrer"' in page
    zh = ip.catalogue_html(data, "zh")
    assert all(html.escape(ind.definition_zh) in zh for ind in ni.CATALOGUE)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_disclaimer_says_illustrative_and_names_the_frameworks(lang):
    box = ip.disclaimer_box(lang).value
    assert html.escape(ni.disclaimer(lang)) in box
    for paper in ni.LITERATURE:
        assert html.escape(paper.url) in box
        assert html.escape(paper.dimensions_zh if lang == "zh" else paper.dimensions_en) in box
    assert text.t("index.disclaimer.title", lang) in box


CHOICES = st.fixed_dictionaries(
    {
        "indicators": st.lists(
            st.sampled_from([i.id for i in ni.CATALOGUE]), min_size=0, max_size=5, unique=True
        ),
        "weighting": st.sampled_from(list(ni.WEIGHTINGS)),
        "aggregation": st.sampled_from(list(ni.AGGREGATIONS)),
        "treatment": st.sampled_from(list(ni.TREATMENTS)),
    }
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(CHOICES)
def test_any_choice_gives_a_ranking_or_a_readable_message(explorer, choice):
    """Whatever a visitor ticks and picks, the page shows a full ranking or one sentence."""
    explorer.choose(**choice)
    if explorer.status.value:
        message = status_text(explorer)
        assert "Could not rebuild the index" in message
        ids = choice["indicators"]
        if len(ids) >= ip.MIN_INDICATORS:  # indicators without a common complete year
            assert not explorer.data.years(tuple(ids))
            assert text.t("index.error.no_complete_year", "en") in message
    else:
        rows = chart_rows(explorer.ranking_chart.spec)[0]
        left_out = {
            r
            for n in explorer._shown["result"].notes
            if n.kind == "swing"
            for r in explorer._shown["result"].dropped
        }
        assert len(rows) == len(PROVINCE_CODES) - len(left_out)
        assert explorer.year.value in explorer.data.years(explorer.chosen())


# ------------------------------------------------------------------------------------------
# Strings
# ------------------------------------------------------------------------------------------


PAGE_KEY = re.compile(r"""["'](index\.[a-z0-9_]+(?:\.[a-z0-9_]+)*)["']""")


def page_sources() -> str:
    """The page's modules and the code of its notebook (cell sources, not the JSON)."""
    notebook = nbformat.read(NOTEBOOK_DIR / "05_nqp_index.ipynb", as_version=4)
    modules = [
        REPO_ROOT / "src/helpers/charts/nqp_index.py",
        REPO_ROOT / "src/helpers/panels/nqp_index.py",
    ]
    return "\n".join([*(p.read_text() for p in modules), *(c.source for c in notebook.cells)])


def test_every_index_string_exists_in_both_languages():
    """Keys named anywhere in the page's modules or notebook, including inside expressions."""
    keys = set(PAGE_KEY.findall(page_sources()))
    assert len(keys) > 60
    for lang in text.LANGUAGES:
        missing = keys - set(text.catalogue(lang))
        assert not missing, (lang, sorted(missing))


def test_index_strings_are_all_used_and_chinese_uses_the_official_terms():
    english = {k for k in text.catalogue("en") if k.startswith("index.")}
    unused = english - set(PAGE_KEY.findall(page_sources()))
    assert not unused, sorted(unused)
    zh = text.catalogue("zh")
    assert "新质生产力" in zh["index.title"]
    assert "熵值法" in zh["index.weights_intro"] and "TOPSIS" in zh["index.choose"]


def test_the_narrative_about_entropy_and_critic_matches_the_data(data):
    """The weights section says entropy favours patents in force per resident (Beijing 2.7 times
    Shanghai) and CRITIC high-tech revenue, with the default indicators; check every year."""
    years = data.years(IDS)
    top = {
        weighting: [
            data.index(IDS, y, weighting, "weighted_sum", None)
            .weights.sort_values("weight")
            .iloc[-1]["indicator"]
            for y in years
        ]
        for weighting in ("entropy", "critic")
    }
    assert set(top["entropy"]) == {"invention_patents_in_force_per_10k_people"}
    assert set(top["critic"]) == {"hitech_revenue_to_gdp"}
    ratio = data.index(IDS, 2022, "entropy", "weighted_sum", None).raw[
        "invention_patents_in_force_per_10k_people"
    ]
    assert f"{ratio['CN-BJ'] / ratio['CN-SH']:.1f} times" in text.t("index.weights_intro", "en")


def test_equal_weights_are_described_as_equal(data):
    result = data.index(IDS, 2023, "equal", "weighted_sum", None)
    share = text.percent(100 / len(IDS), 1, "en")
    assert (
        ic.weights_summary(result, "en")
        == f"Equal weights in 2023: every indicator carries {share}."
    )


def test_figures_carry_both_tables_and_export_the_main_one(explorer):
    """Each figure shows two reader's tables; the CSV export holds the first with provenance."""
    ranking = explorer.ranking_frame.table.value
    assert ranking.count("<details") == 2 and "Show the weights" in ranking
    northeast = explorer.northeast_frame.table.value
    assert northeast.count("<details") == 2 and "best, median and worst rank" in northeast
    bars = [w for w in explorer.ranking_frame.children if "nqp-export-bar" in w._dom_classes]
    assert bars, "the ranking figure offers PNG, SVG and CSV"
