"""Pages built ahead of the visitor (helpers.page.Speculation) in a preheated Voilà kernel."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from helpers import charts, page, text
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


def test_views_built_ahead_are_used_when_the_language_matches(preheated):
    calls: list[str] = []
    built = open_page("00_start_here", build=build_counting(calls))
    assert calls == ["en", "zh"] and built.lang == "en"  # every language, before the visitor
    assert built.views.comm is not None  # the widgets built ahead, still open


def test_the_kernel_settles_once_the_page_is_built_ahead(preheated):
    calls: list[str] = []
    open_page("00_start_here", build=build_counting(calls))
    assert calls == ["en", "zh"] and preheated["settled"] == [True]


def test_the_kernels_default_language_is_built_first(preheated):
    calls: list[str] = []
    text.set_language("zh")  # as NQP_LANG=zh would
    built = open_page("00_start_here", build=build_counting(calls))
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
    built = open_page("00_start_here", build=keep)
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

    assert open_page("00_start_here", build=flaky).views == "en"
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
        chart = open_page("00_start_here", build=build).views
        assert seen["esm at build"] == charts.BUNDLE_PENDING  # the 0.9 MB bundle never inlined
        assert chart._esm.startswith("http://192.168.1.20:8866/voila/templates/nqp/static/")
    finally:
        charts.load_bundle_from("")  # back to the inline bundle for the other tests


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
