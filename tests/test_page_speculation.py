"""Pages run ahead of the visitor in a preheated Voilà kernel: the views built in every
language (helpers.page.Speculation), the page's slots filled when the visitor arrives
(helpers.page.Arrival)."""

from __future__ import annotations

import contextlib
import html
from collections import Counter

import ipywidgets as widgets
import nbformat
import pytest
from IPython.display import HTML

from helpers import NOTEBOOK_DIR, charts, data, page, text
from helpers.page import Speculation, open_page


@pytest.fixture
def preheated(monkeypatch):
    """A kernel that looks preheated; the visitor's address is whatever the test sets."""
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    visitor = {"query": ""}
    monkeypatch.setattr(page, "request_query", lambda: visitor["query"])
    monkeypatch.setattr(page, "warm_up", lambda: None)
    settled: list[bool] = []
    monkeypatch.setattr(page, "settle", lambda: settled.append(True))  # no gc.freeze in pytest
    visitor["settled"] = settled
    yield visitor
    text.set_language("en")


def build_counting(calls: list[str]):
    def build(lang: str):
        calls.append(lang)
        return widgets.VBox([widgets.HTML(text.t("start.title", lang))], layout=widgets.Layout())

    return build


def visit(name: str, build) -> page.Page:
    """Open a page run ahead of its visitor, and let the visitor arrive."""
    built = open_page(name, build=build)
    built.arrive()
    return built


def test_views_built_ahead_are_used_when_the_language_matches(preheated):
    calls: list[str] = []
    built = open_page("00_start_here", build=build_counting(calls))
    assert calls == ["en", "zh"] and built.waiting  # every language, before the visitor
    built.arrive()
    assert calls == ["en", "zh"] and built.lang == "en" and not built.waiting
    assert built.views.comm is not None  # the widgets built ahead, still open


def test_the_kernel_settles_once_the_page_is_run_ahead(preheated):
    calls: list[str] = []
    built = open_page("00_start_here", build=build_counting(calls))
    assert preheated["settled"] == []  # the page's other cells have not run yet
    built.arrive()
    assert calls == ["en", "zh"] and preheated["settled"] == [True]


def test_the_kernels_default_language_is_built_first(preheated):
    calls: list[str] = []
    text.set_language("zh")  # as NQP_LANG=zh would
    built = visit("00_start_here", build_counting(calls))
    assert calls == ["zh", "en"] and built.lang == "zh"


def test_settle_freezes_what_the_kernel_holds():
    import gc

    try:
        page.settle()
        assert gc.get_freeze_count() > 0  # the collector no longer walks these objects
    finally:
        gc.unfreeze()


def test_a_visitor_in_another_language_gets_its_build_and_the_other_is_closed(preheated):
    calls: list[str] = []
    made: list[widgets.VBox] = []
    build = build_counting(calls)

    def keep(lang):
        made.append(build(lang))
        return made[-1]

    preheated["query"] = "lang=zh"
    built = visit("00_start_here", keep)
    assert calls == ["en", "zh"] and built.views is made[1]  # nothing built after the visitor
    assert built.views.comm is not None
    assert built.views.children[0].value == text.t("start.title", "zh")
    unread = made[0]
    assert unread.comm is None and unread.children[0].comm is None  # closed: nobody sees them
    assert unread.layout.comm is None  # its look too: the browser would build it for nothing


def test_each_language_is_built_as_the_pages_language():
    """A panel that asks for text without naming a language gets its build's language."""
    seen: list[tuple[str, str]] = []

    def build(lang):
        seen.append((lang, text.get_language()))
        return widgets.HTML(text.t("start.title"))

    speculation = Speculation(build, ["en", "zh"])
    assert seen == [("en", "en"), ("zh", "zh")] and text.get_language() == "en"
    assert speculation.take("zh", build).value == text.t("start.title", "zh")


def test_a_look_the_kept_build_shares_with_the_closed_one_stays_open():
    looks: dict[str, widgets.Layout] = {}

    def build(lang):  # the first build makes the look; the second reuses it
        return widgets.HTML(lang, layout=looks.setdefault("box", widgets.Layout(width="50%")))

    speculation = Speculation(build, ["en", "zh"])
    en_view = speculation.builds["en"][0]
    views = speculation.take("zh", build)
    assert views.value == "zh" and en_view.comm is None
    assert looks["box"].comm is not None  # made by the closed build, used by the kept one


def test_a_failing_build_ahead_is_retried_after_the_visitor_arrives(preheated):
    attempts: list[str] = []

    def flaky(lang):
        attempts.append(lang)
        if len(attempts) == 1:
            raise RuntimeError("ahead of time only")
        return lang

    assert visit("00_start_here", flaky).views == "en"
    assert attempts == ["en", "zh", "en"]


def test_charts_built_ahead_get_the_bundle_from_the_visitors_server(preheated, monkeypatch):
    import altair as alt

    monkeypatch.setenv("SCRIPT_NAME", "/voila/render/00_start_here.ipynb")
    monkeypatch.setenv("SERVER_NAME", "192.168.1.20")
    monkeypatch.setenv("SERVER_PORT", "8866")
    seen = {}

    def build(lang):
        chart = charts.live_chart(alt.Chart({"values": [{"a": 1}]}).mark_point().encode(x="a:Q"))
        seen["esm at build"] = chart._esm
        return chart

    try:
        chart = visit("00_start_here", build).views
        assert seen["esm at build"] == charts.BUNDLE_PENDING  # the 0.9 MB bundle never inlined
        assert chart._esm.startswith("http://192.168.1.20:8866/voila/templates/nqp/static/")
    finally:
        charts.load_bundle_from("")  # back to the inline bundle for the other tests


def test_a_page_run_ahead_names_the_bundle_for_its_charts(preheated, monkeypatch):
    """A page whose views draw charts names the served bundle ahead of them (modulepreload,
    under the server's base path); a page without charts does not."""
    import altair as alt

    monkeypatch.setenv("VOILA_BASE_URL", "/hub/user/ana/")
    shown = []
    monkeypatch.setattr(page, "display", lambda *objs: shown.extend(objs))
    try:
        visit("00_start_here", build_counting([]))
        assert shown == []  # no chart, no bundle
        visit(
            "00_start_here",
            lambda lang: charts.live_chart(alt.Chart({"values": [{"a": 1}]}).mark_point()),
        )
    finally:
        charts.load_bundle_from("")  # back to the inline bundle for the other tests
    links = [obj.data for obj in shown if isinstance(obj, HTML) and "modulepreload" in obj.data]
    name = charts.ensure_offline_bundle().name
    assert links == [
        f'<link class="nqp-preload" rel="modulepreload" '
        f'href="/hub/user/ana/voila/templates/nqp/static/{name}">'
    ]


def test_the_preload_link_is_hidden_by_the_page_template():
    template = (NOTEBOOK_DIR.parent / "share/jupyter/voila/templates/nqp/index.html.j2").read_text()
    assert ".jp-OutputArea-child:has(link.nqp-preload)" in template


def test_a_voila_kernel_never_holds_the_inline_bundle(monkeypatch):
    """Charts made in a kernel Voilà started wait for the served bundle's address; the 0.9 MB
    inline bundle is never read there (it stayed in every kernel's memory)."""
    import altair as alt

    monkeypatch.setenv("VOILA_BASE_URL", "/")
    monkeypatch.setattr(charts, "_inline_bundle", lambda: pytest.fail("inline bundle read"))
    charts._enable_offline.cache_clear()
    try:
        chart = charts.live_chart(alt.Chart({"values": [{"a": 1}]}).mark_point().encode(x="a:Q"))
        assert chart._esm == charts.BUNDLE_PENDING
        charts.load_bundle_from("http://127.0.0.1:8866/voila/render/00_start_here.ipynb")
        assert chart._esm.startswith("http://127.0.0.1:8866/voila/templates/nqp/static/")
    finally:
        monkeypatch.undo()
        charts._enable_offline.cache_clear()
        charts.load_bundle_from("")  # back to the inline bundle for the other tests


def test_without_preheating_the_page_is_built_once_in_its_language(monkeypatch):
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    calls: list[str] = []
    built = open_page("00_start_here", "lang=zh", build=build_counting(calls))
    assert calls == ["zh"] and built.views.comm is not None
    text.set_language("en")


def test_speculation_keeps_nothing_when_its_build_fails():
    def broken(lang):
        raise ValueError("broken data")

    speculation = Speculation(broken, ["en", "zh"])
    assert speculation.languages == []
    assert speculation.take("en", lambda lang: f"built in {lang}") == "built in en"


def test_what_a_failing_build_made_before_it_failed_is_closed_when_the_visitor_arrives():
    left: list[widgets.HTML] = []

    def half(lang):
        if lang == "zh":
            left.append(widgets.HTML("half a page"))
            raise ValueError("broken translation")
        return widgets.HTML(lang)

    speculation = Speculation(half, ["en", "zh"])
    assert speculation.languages == ["en"]
    assert speculation.take("en", half).value == "en"
    assert left[0].comm is None


def test_what_the_visitors_own_failed_build_made_is_closed_before_it_is_built_again():
    left: list[widgets.HTML] = []

    def half_once(lang):
        if not left:
            left.append(widgets.HTML("half a page"))
            raise ValueError("failed ahead of the visitor")
        return widgets.HTML(lang)

    speculation = Speculation(half_once, ["en"])
    assert speculation.take("en", half_once).value == "en"
    assert left[0].comm is None


# --- the whole page run ahead: slots filled when the visitor arrives ---------------------------


def lines(lang: str):
    """A page's views in one language: two widgets and a value that is not a widget."""
    return {
        "title": widgets.HTML(text.t("start.title", lang)),
        "parts": [widgets.HTML(f"part one ({lang})"), widgets.HTML(f"part two ({lang})")],
        "note": HTML(f"<i>{lang}</i>"),
    }


def shown(slot: widgets.VBox) -> list:
    return [getattr(child, "value", None) for child in slot.children]


def test_narrative_run_ahead_is_written_in_every_language(preheated):
    ahead = open_page("00_start_here", build=lines)
    block = ahead.md("start.title").data
    for lang in text.LANGUAGE_NAMES:
        assert f'lang="{page.HTML_LANG[lang]}" data-nqp-lang="{lang}">' in block
        assert text.t("start.title", lang) in block
    with pytest.raises(RuntimeError, match="known only when the visitor arrives"):
        ahead.t("start.title")  # nothing may be written in a language guessed too early


def test_slots_are_filled_in_the_visitors_language_when_they_arrive(preheated):
    ahead = open_page("00_start_here", build=lines)
    views = ahead.views
    header = ahead.header()
    title = views["title"]
    with patch_display() as displayed:
        title._ipython_display_()
        views["parts"][1]._ipython_display_()
        views["note"]._ipython_display_()
    assert all(not slot.children for slot in [header, *displayed])  # empty until they arrive
    preheated["query"] = "lang=zh&mode=slides"
    footer = ahead.footer(data.load_panel()).data
    assert ahead.lang == "zh"
    assert shown(displayed[0]) == [text.t("start.title", "zh")]
    assert shown(displayed[1]) == ["part two (zh)"]
    (note,) = displayed[2].children  # not a widget: shown as Jupyter would display it
    assert note.outputs[0]["data"]["text/html"] == "<i>zh</i>"
    (nav,) = header.children
    assert text.t("notice.unknown_mode", "zh", value="slides") in nav.value
    assert '<style>.nqp-say[data-nqp-lang="zh"] { display: block; }</style>' in footer
    assert 'document.documentElement.lang = "zh-Hans"' in footer  # glyphs, screen readers
    assert "数据" in footer  # the footer in the visitor's language


def test_an_action_on_arrival_gets_the_visitors_views_and_page(preheated):
    ahead = open_page("00_start_here", build=lines)
    seen = {}

    def share_bar(title, page, *, suffix):
        seen.update(title=title.value, lang=page.lang)
        return widgets.HTML(f"{page.query['lang']}{suffix}")

    slot = ahead.on_arrival(share_bar, ahead.views["title"], ahead, suffix="!")
    nothing = ahead.on_arrival(lambda: None)
    preheated["query"] = "lang=zh"
    ahead.arrive()
    assert seen == {"title": text.t("start.title", "zh"), "lang": "zh"}
    assert shown(slot) == ["zh!"] and nothing.children == ()


def test_a_part_that_fails_shows_why_and_the_others_are_still_filled(preheated):
    ahead = open_page("00_start_here", build=lines)

    def broken():
        raise ValueError("no such scenario")

    failed = ahead.on_arrival(broken)
    header = ahead.header()
    ahead.arrive()
    (message,) = failed.children
    assert "no such scenario" in message.value and text.t("page.part_failed", "en") in message.value
    assert "nqp-header" in header.children[0].value


def test_views_that_cannot_be_built_for_the_visitor_say_so_in_each_slot(preheated):
    def broken(lang):
        raise ValueError("broken data file")

    ahead = open_page("00_start_here", build=broken)
    with patch_display() as displayed:
        ahead.views.year_explorer._ipython_display_()
    ahead.arrive()
    assert "broken data file" in displayed[0].children[0].value


def test_without_preheating_nothing_waits_and_actions_run_at_once(monkeypatch):
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    now = open_page("00_start_here", "lang=zh", build=lines)
    assert not now.waiting and now.views["parts"][0].value == "part one (zh)"
    assert now.md("start.title").data == text.t("start.title", "zh")
    assert now.on_arrival(lambda page: page.lang, now) == "zh"
    assert "<style>" not in now.footer(data.load_panel()).data
    text.set_language("en")


@contextlib.contextmanager
def patch_display():
    """What the page displays (``IPython.display.display``), kept instead of shown."""
    displayed: list = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(page, "display", displayed.append)
        yield displayed


# --- widget messages held while the page runs ahead --------------------------------------------


@pytest.fixture(scope="module")
def preheated_kernel():
    """A real kernel that looks preheated; yields ``run(code) -> {message type: count}``."""
    import os

    from jupyter_client.manager import start_new_kernel

    env = dict(os.environ, VOILA_PREHEAT="True")
    manager, client = start_new_kernel(kernel_name="python3", env=env, cwd=str(NOTEBOOK_DIR))

    def run(code: str) -> Counter:
        sent: Counter = Counter()
        msg_id = client.execute(code)
        while True:
            msg = client.get_iopub_msg(timeout=120)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            sent[msg["msg_type"]] += 1
            if msg["msg_type"] == "error":
                pytest.fail("\n".join(msg["content"]["traceback"]))
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return sent

    try:
        yield run
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_widget_messages_are_held_until_released(preheated_kernel):
    held = preheated_kernel(
        "import ipywidgets as w\nfrom helpers.page import hold_widget_messages\n"
        "release = hold_widget_messages()\nboxes = [w.HTML(str(i)) for i in range(50)]\n"
        "boxes[0].value = 'changed'\nboxes[1].close()"
    )
    assert not page.WIDGET_MESSAGES & set(held)  # no browser is there to read them
    sent = preheated_kernel("release()\nw.HTML('after')")
    assert sent["comm_open"] == 3  # the widget, its layout and its style: heard again


def test_the_labs_first_cell_run_ahead_sends_its_output_and_no_flood(preheated_kernel):
    """Sent, its 2,666 widget messages overflowed the kernel's output queue on a busy server
    and dropped the cell's own output: the page's header (seen in 1 load of 18)."""
    lab = nbformat.read(NOTEBOOK_DIR / "03_measures.ipynb", as_version=4)
    sent = preheated_kernel(lab.cells[0].source)
    assert sent["execute_result"] == 1  # the header's slot
    assert sum(sent[kind] for kind in page.WIDGET_MESSAGES) <= 5  # a chart made before the page


# --- a cell of the page that fails while it runs ahead ------------------------------------------


class FakeShell:
    """What :func:`helpers.page.watch_cells` uses of IPython's shell: events, transformers."""

    def __init__(self) -> None:
        from IPython.core.events import EventManager, available_events

        self.events = EventManager(self, available_events)

    def run_cell(self, error: BaseException | None = None) -> None:
        from IPython.core.interactiveshell import ExecutionInfo, ExecutionResult

        result = ExecutionResult(ExecutionInfo("x", False, False, False, None))
        result.error_in_exec = error
        self.events.trigger("post_run_cell", result)


@pytest.fixture
def shell(monkeypatch):
    import IPython

    fake = FakeShell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: fake)
    return fake


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_cell_that_fails_ahead_is_named_in_the_visitors_header(preheated, fresh_start, lang):
    shell = fresh_start
    ahead = open_page("00_start_here", build=lines)
    header = ahead.header()
    shell.run_cell()
    shell.run_cell(ValueError("the claims file has no column 'grade'"))
    preheated["query"] = f"lang={lang}"
    ahead.arrive()
    shell.run_cell(RuntimeError("after the visitor arrived"))  # not watched any more
    shown = header.children[0].value
    problem = "the claims file has no column 'grade'"
    assert html.escape(text.t("notice.cell_failed", lang, problem=problem)) in shown
    assert "after the visitor arrived" not in shown
    assert shown.count('class="nqp-notice"') == 1


def test_a_failure_reads_as_a_sentence_without_the_servers_folders():
    reason = page._reason
    missing = FileNotFoundError(2, "No such file", "/srv/nqp/data/processed/panel.csv")
    assert reason(missing) == "[Errno 2] No such file: 'panel.csv'"
    assert (
        reason(ValueError("bad row in C:\\Users\\ana\\nqp\\claims.csv")) == "bad row in claims.csv"
    )
    assert reason(ValueError("3/4 and/or 1/2")) == "3/4 and/or 1/2"
    assert reason(KeyError()) == "KeyError"
    assert len(reason(ValueError("x" * 1000))) == page.REASON_CHARS


def test_config_lets_the_page_go_on_past_a_failing_cell():
    from traitlets.config import Config

    config = Config()
    namespace = {"get_config": lambda: config}
    exec((NOTEBOOK_DIR.parent / "config" / "voila.py").read_text(encoding="utf-8"), namespace)
    assert config.VoilaExecutor.allow_errors is True
    instruction = config.VoilaExecutor.cell_error_instruction
    assert "could not be built" in instruction and "未能生成" in instruction


# --- a served page whose first cell fails before the page is open ------------------------------


@pytest.fixture
def fresh_start(monkeypatch, shell):
    """A kernel where no page has been opened yet and nothing has failed."""
    shell.input_transformers_post = []
    monkeypatch.setattr(page, "_OPENED", False)
    monkeypatch.setattr(page, "_START_FAILED", None)
    monkeypatch.setattr(page, "_AHEAD", None)
    monkeypatch.setattr(page, "_SAID", False)
    page.watch_cells()
    return shell


def test_after_a_failed_start_the_first_later_cell_says_why_and_the_rest_do_nothing(fresh_start):
    shell = fresh_start
    shell.run_cell()  # imports: fine
    shell.run_cell(ValueError("panel.csv: no column 'grade' in /srv/nqp/data/processed"))
    (skip,) = shell.input_transformers_post
    first, second = skip(["page.md('lab.intro')\n"]), skip(["views.main\n"])
    assert first == second  # every cell is replaced the same way (a kernel may transform twice)
    shown = [eval(first[0]) for _ in range(3)]  # the replacement code, as the kernel runs it
    assert shown[1:] == [None, None]  # the reason is shown once, by the first cell after
    notice = shown[0].data
    assert "panel.csv: no column" in notice and "/srv/" not in notice
    for lang in text.LANGUAGE_NAMES:
        assert html.escape(text.t("page.not_built", lang)) in notice
        assert f'00_start_here.ipynb?lang={lang}"' in notice


def test_a_failure_after_the_page_opened_is_left_to_the_page(fresh_start, preheated):
    shell = fresh_start
    ahead = open_page("00_start_here", build=lines)
    shell.run_cell(ValueError("a later part failed"))
    assert shell.input_transformers_post == []  # the page runs on and names it in its header
    ahead.arrive()


def test_the_guard_is_installed_once_per_kernel(fresh_start):
    shell = fresh_start
    page.watch_cells()
    shell.run_cell(ValueError("broken"))
    assert len(shell.input_transformers_post) == 1
