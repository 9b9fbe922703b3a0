"""Exports from the served page, as a visitor saves them: PNG, SVG and CSV files."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from tests.browser import open_page

pytestmark = pytest.mark.browser

START = "00_start_here.ipynb"
HANDLE = ".nqp-year-slider .noUi-handle"
MARKS = ".nqp-chart-ranking svg .mark-rect path"


def save(page, selector: str, folder) -> tuple[str, bytes]:
    with page.expect_download(timeout=60_000) as info:
        page.click(f"{selector} button")
    download = info.value
    path = folder / download.suggested_filename
    download.save_as(path)
    return download.suggested_filename, path.read_bytes()


def test_chart_and_data_exports_in_chinese(app, page, artifacts, tmp_path):
    open_page(page, app.url(START) + "?lang=zh", HANDLE, MARKS, ".nqp-export-png button")
    page.focus(HANDLE)
    for _ in range(8):  # 2023 -> 2015: the exports follow what is on screen
        page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        "document.querySelector('.nqp-chart-ranking svg .role-title-text').textContent"
        ".endsWith('2015')"
    )

    name, png = save(page, ".nqp-export-png", tmp_path)
    assert name == "nqp-ranking-zh.png" and png.startswith(b"\x89PNG\r\n\x1a\n")
    (artifacts / "export-zh.png").write_bytes(png)

    name, svg = save(page, ".nqp-export-svg", tmp_path)
    texts = "".join(ET.fromstring(svg).itertext())
    assert "各省研发经费投入强度，2015" in texts and "辽宁" in texts and "来源" in texts

    name, csv = save(page, ".nqp-export-csv", tmp_path)
    text = csv.decode("utf-8-sig")
    (artifacts / "export-zh.csv").write_bytes(csv)
    assert "# Source: " in text and "# Trust grades: C" in text
    table = pd.read_csv(io.StringIO(text), comment="#")
    assert set(table["年份"]) == {2015} and len(table) == 32  # 31 provinces and the nation
    assert {"辽宁", "全国"} <= set(table["地区"])
    page.log.assert_clean()
