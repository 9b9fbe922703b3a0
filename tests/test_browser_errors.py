"""Errors in a served page: visitors see a readable message, never a traceback."""

from __future__ import annotations

import nbformat
import pytest

from helpers import NOTEBOOK_DIR, text
from tests.browser import VOILA_CELL_ERROR, open_page, visible_text
from tests.conftest import start_app, stop_process_tree

pytestmark = pytest.mark.browser

FAILING_CALLBACK = """\
import ipywidgets as widgets
from helpers import ui

status = ui.status_area()
button = widgets.Button(description="Break it")
button.add_class("nqp-break")

@ui.guarded(status, "Could not do that:")
def on_click(_):
    raise ValueError("the test asked for an error")

button.on_click(on_click)
widgets.VBox([button, status])
"""

FAILING_CELL = "secret_path = '/home/someone/private'\n1 / 0\n"


@pytest.fixture(scope="module")
def error_app(tmp_path_factory, artifacts):
    root = tmp_path_factory.mktemp("error-notebooks")
    for name, source in {"callback.ipynb": FAILING_CALLBACK, "cell.ipynb": FAILING_CELL}.items():
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nbformat.write(notebook, root / name)
    running = start_app(root, artifacts / "voila-error-app.log")
    try:
        yield running
    finally:
        stop_process_tree(running.process)


def test_callback_error_is_shown_as_a_sentence(error_app, page, artifacts):
    open_page(page, error_app.url("callback.ipynb"), ".nqp-break")
    assert page.locator(".nqp-error").count() == 0
    page.click(".nqp-break")
    message = page.wait_for_selector(".nqp-error", timeout=15_000)
    page.screenshot(path=artifacts / "callback-error.png", full_page=True)
    assert message.inner_text().strip() == "Could not do that: the test asked for an error"
    assert "Traceback" not in visible_text(page)


def test_failing_cell_hides_the_traceback(error_app, page):
    page.goto(error_app.url("cell.ipynb"))
    page.wait_for_selector(f"text={VOILA_CELL_ERROR}", timeout=60_000)
    text = visible_text(page)
    for leak in ("Traceback", "ZeroDivisionError", "secret_path", "/home/someone"):
        assert leak not in text


#: A cell of an app page that fails while the page is run ahead of its visitor.
BROKEN_PART = 'raise RuntimeError("the gap table could not be read")'
#: A page whose data file is broken: its first cell fails before the page is opened.
BROKEN_DATA = (
    "raise data.DataValidationError("
    "'/srv/nqp/data/processed/panel.csv', None, 'the column grade is missing.')"
)


@pytest.fixture(scope="module")
def broken_page_app(tmp_path_factory, artifacts):
    """The Challenges page, preheated as served, with a failing cell after its introduction."""
    root = tmp_path_factory.mktemp("broken-page")
    notebook = nbformat.read(NOTEBOOK_DIR / "02_challenges.ipynb", as_version=4)
    after_intro = next(
        i for i, cell in enumerate(notebook.cells) if "challenges.intro" in cell.source
    )
    notebook.cells.insert(after_intro + 1, nbformat.v4.new_code_cell(BROKEN_PART))
    nbformat.write(notebook, root / "02_challenges.ipynb")
    # the same page whose data cannot be read: its first cell fails before the page opens
    notebook = nbformat.read(NOTEBOOK_DIR / "02_challenges.ipynb", as_version=4)
    first = notebook.cells[0]
    first.source = first.source.replace(
        "panel = data.load_panel()", f"{BROKEN_DATA}\npanel = data.load_panel()", 1
    )
    assert BROKEN_DATA in first.source
    nbformat.write(notebook, root / "broken_start.ipynb")
    running = start_app(root, artifacts / "voila-broken-page.log")
    try:
        yield running
    finally:
        stop_process_tree(running.process)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_failing_part_of_a_page_leaves_the_rest_working_and_says_why(
    broken_page_app, page, artifacts, lang
):
    """Voilà goes on past the failing cell: the page arrives whole in the visitor's language,
    the failed part is a short message, and the header says what failed."""
    page.goto(broken_page_app.url("02_challenges.ipynb") + f"?lang={lang}")
    page.wait_for_selector(".nqp-chart-gap svg .mark-group", timeout=120_000)
    page.screenshot(path=artifacts / f"broken-part-{lang}.png")
    notice = page.inner_text(".nqp-notice")
    assert notice == text.t("notice.cell_failed", lang, problem="the gap table could not be read")
    assert page.inner_text("h1:visible") == text.t("challenges.title", lang).lstrip("# ").strip()
    shown = visible_text(page)
    assert VOILA_CELL_ERROR in shown and "未能生成" in shown  # the failed cell, in both languages
    assert "Traceback" not in shown and "RuntimeError" not in shown
    assert page.locator(".jupyter-widgets:has-text('Loading widget')").count() == 0


def test_a_page_whose_data_cannot_be_read_says_so_once(broken_page_app, page, artifacts):
    """Its first cell fails before the page exists: the cells after it are not run, and the
    first of them says in both languages that the page could not be built, and why."""
    page.goto(broken_page_app.url("broken_start.ipynb"))
    notice = page.wait_for_selector(".nqp-page-failed", timeout=120_000)
    page.screenshot(path=artifacts / "broken-start.png")
    shown = notice.inner_text()
    for lang in text.LANGUAGE_NAMES:
        assert text.t("page.not_built", lang) in shown
    assert "panel.csv" in shown and "the column grade is missing" in shown
    assert "/srv/" not in shown
    assert page.locator(".nqp-page-failed").count() == 1
    assert visible_text(page).count(VOILA_CELL_ERROR) == 1  # the first cell's, nothing after
    assert "Traceback" not in visible_text(page)
    links = page.eval_on_selector_all(".nqp-page-failed a", "links => links.map(a => a.href)")
    assert [link.split("/voila/render/")[1] for link in links] == [
        f"00_start_here.ipynb?lang={lang}" for lang in text.LANGUAGE_NAMES
    ]


def test_requests_to_other_hosts_are_caught(page):
    """The offline guard itself: a request to a public CDN is recorded and never answered."""
    page.set_content('<img src="https://cdn.jsdelivr.net/npm/x/logo.png">')
    page.wait_for_timeout(1_000)
    assert any("cdn.jsdelivr.net" in url for url in page.log.external_requests)
    assert any("cdn.jsdelivr.net" in url for url in page.log.failed_requests)
    assert page.log.problems()
    page.log.console_errors.clear()
    page.log.failed_requests.clear()
    page.log.external_requests.clear()
