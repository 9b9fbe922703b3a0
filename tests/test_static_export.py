"""The static, read-only export: standalone HTML pages with the charts drawn in, nothing online."""

from __future__ import annotations

import re

import pytest

from helpers import NOTEBOOK_DIR
from helpers.static_export import export_notebook

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    return {
        lang: export_notebook(NOTEBOOK_DIR / "00_start_here.ipynb", out, lang)
        for lang in ("en", "zh")
    }


def test_export_references_nothing_online(exported):
    for page in exported.values():
        text = page.read_text(encoding="utf-8")
        fetched = re.findall(r'(?:src|href)="(https?://[^"]+)"|import\("(https?://[^"]+)"', text)
        assert not fetched, fetched
        assert "def " not in text and "open_page(" not in text  # no code, only what it shows


def test_exported_page_shows_charts_and_text_offline(exported, page, artifacts):
    page.goto(exported["zh"].as_uri())
    page.wait_for_selector(".nqp-static-chart svg .mark-rect path", timeout=30_000)
    body = page.inner_text("body")
    assert "东北地区新质生产力" in body and "来源" in body
    assert "各省研发经费投入强度" in page.text_content(".nqp-static-chart svg")
    page.screenshot(path=artifacts / "static-export-zh.png", full_page=True)
    page.click(".nqp-lang-en")  # the language switch leads to the English file
    page.wait_for_selector("text=New Quality Productive Forces", timeout=10_000)
    page.log.assert_clean()
