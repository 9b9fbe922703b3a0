"""Unit tests for the foundation helpers: callbacks, charts, the start panel, the launcher."""

from __future__ import annotations

import json
import re
import socket

import ipywidgets as widgets
import nbformat
import pandas as pd
import pytest

from helpers import NOTEBOOK_DIR, REPO_ROOT, charts, panels, serve, ui
from helpers.data import load_panel


@pytest.fixture(scope="module")
def intensity() -> pd.DataFrame:
    panel = load_panel()
    return panel[panel["indicator"] == "rd_intensity"]


# --- ui.guarded -------------------------------------------------------------------------------


def test_guarded_turns_an_exception_into_a_visible_sentence():
    status = ui.status_area()

    @ui.guarded(status, "Could not redraw:")
    def broken(_change):
        raise ValueError("year 1850 has no data")

    assert broken({"new": 1850}) is None  # the exception does not escape to the widget
    assert "nqp-error" in status.value
    assert "Could not redraw:" in status.value and "year 1850 has no data" in status.value
    assert "Traceback" not in status.value


def test_guarded_escapes_html_in_messages():
    status = ui.status_area()

    @ui.guarded(status)
    def broken():
        raise ValueError("<script>alert(1)</script>")

    broken()
    assert "<script>" not in status.value and "&lt;script&gt;" in status.value


def test_guarded_clears_an_old_error_after_success():
    status = ui.status_area()
    calls = []

    @ui.guarded(status)
    def sometimes(fail):
        if fail:
            raise RuntimeError("boom")
        calls.append(fail)
        return "ok"

    sometimes(True)
    assert "boom" in status.value
    assert sometimes(False) == "ok"
    assert status.value == ""
    assert calls == [False]


def test_fill_output_sets_outputs_in_one_assignment():
    out = widgets.Output()
    seen = []
    out.observe(lambda change: seen.append(change["new"]), names="outputs")
    ui.fill_output(out, "hello")
    assert len(seen) == 1
    assert seen[0][0]["data"]["text/plain"] == "'hello'"


# --- charts -----------------------------------------------------------------------------------


def test_ranking_chart_is_driven_by_a_year_parameter(intensity):
    spec = charts.intensity_ranking(intensity, 2023).to_dict()
    params = spec["params"]
    assert [p["name"] for p in params] == ["year"] and params[0]["value"] == 2023
    text = json.dumps(spec)
    assert '"datum.year === year"' in text or "(datum.year === year)" in text
    colours = {c for layer in spec["layer"] for c in json.dumps(layer).split('"') if "#" in c}
    assert charts.OKABE_ITO["vermillion"] in colours


def test_ranking_chart_holds_every_year_so_the_browser_can_filter(intensity):
    spec = charts.intensity_ranking(intensity, 2023).to_dict()
    rows = [row for rows in spec["datasets"].values() for row in rows]
    years = {row["year"] for row in rows}
    assert years == set(intensity["year"].unique())


def test_caption_names_source_grade_and_northeast_ranks(intensity):
    text = charts.ranking_caption(intensity, 2023)
    for province in ("Liaoning", "Jilin", "Heilongjiang"):
        assert province in text
    assert "Trust grade A" in text and "Source:" in text
    national = intensity.query("region == 'CN' and year == 2023")["value"].iloc[0]
    assert f"{national:.2f}%" in text


def test_caption_of_a_year_without_data_is_an_error(intensity):
    with pytest.raises(ValueError, match="no provincial data for 1999"):
        charts.ranking_caption(intensity, 1999)


def test_live_chart_works_offline(intensity):
    widget = charts.live_chart(charts.intensity_ranking(intensity, 2023), css_class="x")
    assert "cdn" not in widget._esm[:2000].lower() or "jsdelivr" not in widget._esm
    assert widget.params.year == 2023
    assert "x" in widget._dom_classes


# --- the start panel --------------------------------------------------------------------------


def test_year_explorer_moves_chart_and_caption_together():
    box = panels.year_explorer(load_panel(), "en")
    slider, status, frame = box.children
    chart = frame.children[0]
    assert slider.value == slider.max
    slider.value = slider.max - 1
    assert chart.params.year == slider.max - 1
    assert f"In {slider.max - 1}," in frame.caption.value
    assert f"<td>{slider.max - 1}</td>" in frame.table.value
    assert f"<td>{slider.max}</td>" not in frame.table.value
    assert status.value == ""


def test_year_explorer_rejects_a_year_without_data():
    box = panels.year_explorer(load_panel(), "en")
    slider, status, frame = box.children
    chart = frame.children[0]
    # A value from the browser is untrusted: simulate one that bypassed the slider's bounds.
    handler = slider._trait_notifiers["value"]["change"][0]
    handler({"new": 1900, "old": slider.value, "name": "value", "owner": slider})
    assert "no provincial data for 1900" in status.value
    assert chart.params.year == slider.value


def test_complete_years_requires_every_region():
    rows = pd.DataFrame({"year": [2020, 2020, 2021], "region": ["CN", "CN-LN", "CN"]})
    assert panels.complete_years(rows, regions=2) == [2020]


# --- the launcher -----------------------------------------------------------------------------


def test_voila_command_serves_the_notebooks_on_loopback_only():
    command = serve.voila_command(9999)
    assert str(REPO_ROOT / "notebooks") in command
    assert "--Voila.ip=127.0.0.1" in command and "--port=9999" in command
    assert "--Voila.port_retries=0" in command
    assert f"--Voila.config_file_paths={serve.CONFIG_DIR}" in command


def test_voila_environment_puts_our_template_first():
    env = serve.voila_environment({"JUPYTER_PATH": "/elsewhere"})
    first, second = env["JUPYTER_PATH"].split(":")[:2]
    assert first == str(REPO_ROOT / "share" / "jupyter") and second == "/elsewhere"
    assert (REPO_ROOT / "share/jupyter/voila/templates/nqp/index.html.j2").exists()


def load_voila_config():
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("voila.py", path=str(serve.CONFIG_DIR)).load_config()


def test_committed_voila_config_hides_sources_and_tracebacks():
    config = load_voila_config()
    voila = config.VoilaConfiguration
    assert voila.strip_sources is True and voila.show_tracebacks is False
    assert voila.template == "nqp" and voila.preheat_kernel is True
    assert voila.progressive_rendering is False  # incompatible with the kernel pool
    assert config.MappingKernelManager.cull_idle_timeout > 0
    assert config.VoilaExecutor.timeout_func is serve.cell_timeout


def test_cells_have_a_time_limit_except_the_one_waiting_for_a_visitor():
    waiting = nbformat.v4.new_code_cell("page.footer(panel)", metadata={"tags": [serve.WAIT_TAG]})
    assert serve.cell_timeout(waiting) is None
    assert serve.cell_timeout(nbformat.v4.new_code_cell("1 + 1")) == serve.CELL_TIMEOUT
    building = nbformat.v4.new_code_cell("open_page('x')", metadata={"tags": [serve.BUILD_TAG]})
    assert serve.cell_timeout(building) == serve.BUILD_TIMEOUT > serve.CELL_TIMEOUT


def test_every_page_waits_for_its_visitor_in_its_last_cell_and_only_there():
    """The footer, the last cell, waits (helpers.page.Page.arrive): it must carry the tag, or a
    preheated kernel times out; every cell before it runs before anyone visits, so none may
    use the page's language (page.lang, page.t) or wait itself."""
    for path in NOTEBOOK_DIR.glob("*.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        opens = [c for c in code if "open_page(" in c.source]
        assert len(opens) == 1, path.name
        # it builds every language while a whole room's pool preheats: more than 60 s then
        assert opens[0].metadata.get("tags") == [serve.BUILD_TAG], path.name
        tagged = [c for c in code if serve.WAIT_TAG in c.metadata.get("tags", [])]
        assert tagged == [code[-1]] and "page.footer(" in code[-1].source, path.name
        early = [c.source for c in code[:-1] if re.search(r"\bpage\.(lang|t)\b", c.source)]
        assert not early, (path.name, early)


def test_template_never_links_a_cdn():
    for path in (REPO_ROOT / "share/jupyter/voila/templates/nqp").iterdir():
        if path.is_dir():  # static/: the generated Vega bundle, served from this machine
            continue
        text = path.read_text()
        assert "https://" not in text and "http://" not in text, path


def test_serve_refuses_a_busy_port(capsys):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        busy = sock.getsockname()[1]
        assert serve.main(["--port", str(busy)]) == 2
    assert f"Port {busy}" in capsys.readouterr().err


def test_start_url_points_at_the_start_page():
    assert serve.start_url("127.0.0.1", 8866).endswith(":8866/voila/render/00_start_here.ipynb")
    assert serve.start_url("0.0.0.0", 80).startswith("http://127.0.0.1:80/")


def test_pool_option_names_a_page_and_a_count():
    assert serve.parse_pool("00_start_here.ipynb=30") == ("00_start_here.ipynb", 30)
    assert serve.parse_pool("00_start_here=5") == ("00_start_here.ipynb", 5)
    for bad, message in [
        ("nope.ipynb=3", "PAGE one of"),
        ("00_start_here.ipynb", "PAGE one of"),
        ("00_start_here.ipynb=many", "whole number"),
        ("00_start_here.ipynb=999", "between 0 and 200"),
    ]:
        with pytest.raises(ValueError, match=message):
            serve.parse_pool(bad)


def test_pools_reach_voila_through_the_environment():
    pools = serve.kernel_pools_from_env({serve.POOLS_ENV: "00_start_here.ipynb=12"})
    assert pools == {"default": {"pool_size": 1}, "00_start_here.ipynb": {"pool_size": 12}}
    assert serve.kernel_pools_from_env({}) == {}


def test_pools_for_a_room_are_refilled_after_the_rush():
    assert serve.refill_delay({}) == serve.REFILL_DELAY_SINGLE
    assert serve.refill_delay({serve.POOLS_ENV: "03_measures.ipynb=30"}) == 60.0
    assert serve.refill_delay({serve.REFILL_ENV: "5", serve.POOLS_ENV: "x=2"}) == 5.0
    for bad in ("soon", "-1", "1e9", "nan"):
        with pytest.raises(ValueError, match=serve.REFILL_ENV):
            serve.refill_delay({serve.REFILL_ENV: bad})
