"""Exports: PNG and SVG charts (Chinese drawn as glyphs), CSV with provenance, download buttons."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import altair as alt
import pandas as pd
import pytest

from helpers import export
from helpers.data import load_panel
from helpers.widgets import CopyButton, DownloadButton

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def title_chart(title: str) -> dict:
    frame = pd.DataFrame({"x": [1, 2], "y": [3, 4]})
    return alt.Chart(frame).mark_point().encode(x="x", y="y").properties(title=title).to_dict()


def png_size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_png_export_is_a_png():
    png = export.render_chart(title_chart("R&D"), "png")
    assert png.startswith(PNG_MAGIC)
    width, height = png_size(png)
    assert width > 300 and height > 200  # drawn at twice the screen size


def test_chinese_titles_are_drawn_as_glyphs_not_boxes():
    """Two different Chinese titles must give different images: missing glyphs all look alike
    (the same empty box), so equal images would mean the font was not found."""
    assert export.cjk_font_dirs(), "no CJK font installed (Debian: apt-get install fonts-noto-cjk)"
    first = export.render_chart(title_chart("东北振兴"), "png")
    second = export.render_chart(title_chart("新质生产"), "png")
    assert first != second


def test_svg_export_keeps_chinese_text():
    svg = export.render_chart(title_chart("研发经费投入强度"), "svg")
    root = ET.fromstring(svg)
    texts = "".join(node.text or "" for node in root.iter() if node.tag.endswith("text"))
    assert "研发经费投入强度" in texts


def test_exported_image_carries_its_caption():
    spec = export.with_caption(title_chart("Title"), "Source: NBS communiqué. Grade A.")
    assert spec["title"]["subtitle"][-1] == "Source: NBS communiqué. Grade A."


def test_exports_use_the_parameter_values_on_screen():
    year = alt.param(name="year", value=2023)
    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x").add_params(year)
    spec = export.spec_with_params(chart, {"year": 2015})
    assert spec["params"][0]["value"] == 2015


def test_unknown_format_is_refused():
    with pytest.raises(export.ExportError, match="unknown format"):
        export.render_chart(title_chart("x"), "gif")


def test_broken_spec_gives_a_sentence_not_a_traceback():
    with pytest.raises(export.ExportError, match="renderer failed"):
        export.render_chart({"mark": "no-such-mark", "data": {"values": []}}, "png")


def test_csv_names_sources_years_and_grades_and_reads_back():
    panel = load_panel()
    rows = panel[(panel["indicator"] == "rd_intensity") & (panel["region"] == "CN-LN")]
    table = rows[["region_zh", "year", "value"]]
    payload = export.csv_with_provenance(table, rows, "Liaoning R&D intensity")
    text = payload.decode("utf-8-sig")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert header[0] == "# Liaoning R&D intensity"
    assert any(line.startswith("# Source: ") for line in header)
    assert any(line.startswith("# Years: 2011-2023") for line in header)
    assert any("Trust grades: A, C" in line for line in header)
    back = pd.read_csv(io.StringIO(text), comment="#")
    assert list(back.columns) == ["region_zh", "year", "value"]
    assert back["region_zh"].iloc[0] == "辽宁" and len(back) == len(table)


def test_download_button_sends_the_file_only_when_asked():
    calls, sent, errors = [], [], []

    def produce():
        calls.append(1)
        return "a.csv", "text/csv", b"x,y\n1,2\n"

    button = DownloadButton("Save", produce, errors.append)
    button.send = sent.append
    assert not calls
    button._handle(button, {"type": "something else"}, [])
    assert not calls and not sent
    button._handle(button, {"type": "request"}, [])
    assert calls == [1] and sent[0]["filename"] == "a.csv" and sent[0]["b64"] == "eCx5CjEsMgo="


def test_download_button_reports_a_failure():
    errors, sent = [], []

    def produce():
        raise export.ExportError("the chart renderer failed (boom)")

    button = DownloadButton("Save", produce, errors.append)
    button.send = sent.append
    button._handle(button, {"type": "request"}, [])
    assert sent == [{"type": "error"}] and "boom" in str(errors[0])


def test_copy_button_holds_its_text():
    button = CopyButton(description="Copy link", text="http://127.0.0.1/x?lang=zh")
    assert button.text.endswith("lang=zh") and button.copied == 0


def test_captions_wrap_by_display_width():
    lines = export.wrap_display("来源" * 40 + " and some English words here", 60)
    assert all(len(line.encode("gbk", "ignore")) <= 60 for line in lines)
    assert "".join(lines).replace(" ", "") == ("来源" * 40 + "andsomeEnglishwordshere")
