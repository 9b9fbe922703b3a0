"""helpers.vega_cache: charts compiled to Vega once, outside the kernels."""

from __future__ import annotations

import json

import altair as alt
import pytest

from helpers import charts, ui, vega_cache
from helpers.panels.lab import replace_chart_data


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setattr(vega_cache, "CACHE", tmp_path)
    monkeypatch.setattr(vega_cache, "PENDING", tmp_path / "pending")
    started = []
    monkeypatch.setattr(vega_cache, "_start_compiler", lambda: started.append(True))
    return started


def bars(n: int = 3) -> alt.Chart:
    rows = [{"k": f"k{i}", "v": i} for i in range(n)]
    x = alt.param(name="x", value=1)
    return (
        alt.Chart(alt.NamedData("rows"))
        .mark_bar()
        .encode(x="v:Q", y="k:N")
        .add_params(x)
        .properties(datasets={"rows": rows})
    )


def test_the_key_is_the_spec_not_its_key_order():
    spec = bars().to_dict()
    again = json.loads(json.dumps(spec, sort_keys=True))
    assert vega_cache.spec_key(spec) == vega_cache.spec_key(dict(reversed(list(again.items()))))
    assert vega_cache.spec_key(spec) != vega_cache.spec_key(bars(4).to_dict())
    assert vega_cache.spec_key({"a": float("nan")}) is None  # not plain JSON: never cached


def test_a_spec_is_queued_compiled_and_found(cache):
    spec = bars().to_dict()
    key = vega_cache.spec_key(spec)
    assert vega_cache.compiled(key) is None
    assert vega_cache.request(key, spec) and cache == [True]
    assert vega_cache.compile_pending() == 1
    vega = vega_cache.compiled(key)
    assert vega["$schema"].startswith("https://vega.github.io/schema/vega/")
    assert {"name": "rows", "values": spec["datasets"]["rows"]} in vega["data"]
    assert not list(vega_cache.PENDING.glob("*.json"))


def test_a_spec_the_compiler_refuses_is_not_queued_again(cache):
    key = "0" * 40
    assert vega_cache.request(key, {"mark": "no such mark", "encoding": 3})
    vega_cache.compile_pending()
    assert vega_cache.compiled(key) is None and (vega_cache.CACHE / f"{key}.failed").exists()
    assert not vega_cache.request(key, {"mark": "bar"})


def test_an_unreadable_entry_is_a_miss(cache):
    (vega_cache.CACHE / "abc.json").write_text("{not json")
    assert vega_cache.compiled("abc") is None
    (vega_cache.CACHE / "abd.json").write_text('{"mark": "bar"}')  # not Vega
    assert vega_cache.compiled("abd") is None


def test_one_compiler_at_a_time(cache):
    import fcntl

    vega_cache.CACHE.mkdir(parents=True, exist_ok=True)
    with open(vega_cache.CACHE / "compiler.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert vega_cache.request("1" * 40, bars().to_dict())
        assert vega_cache.compile_pending() == 0  # another holds the lock
    assert vega_cache.compile_pending() == 1


def test_a_served_chart_is_sent_compiled_once_the_cache_has_it(cache, monkeypatch):
    monkeypatch.setattr(ui, "served_by_voila", lambda: True)
    first = charts.live_chart(bars())
    assert first.spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert cache == [True]  # queued
    vega_cache.compile_pending()
    second = charts.live_chart(bars())
    assert second.spec["$schema"].startswith("https://vega.github.io/schema/vega/")
    assert second.embed_options == {"renderer": "svg", "actions": False, "hover": False}
    assert second.params.x == 1


def test_outside_voila_charts_stay_vega_lite(cache):
    chart = charts.live_chart(bars())
    assert chart.spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert cache == []


@pytest.mark.parametrize("compiled", [False, True])
def test_new_rows_for_a_chart_either_way(cache, monkeypatch, compiled):
    """The lab's data channel sends only changed rows and remembers what it shows, in a
    Vega-Lite spec or a compiled one."""
    monkeypatch.setattr(ui, "served_by_voila", lambda: True)
    if compiled:
        charts.live_chart(bars())
        vega_cache.compile_pending()
    chart = charts.live_chart(bars())
    assert ("datasets" not in chart.spec) is compiled
    rows = charts.shown_rows(chart.spec)["rows"]
    sent = []
    chart.observe(lambda change: sent.append(change["new"]), names="_py_to_js_updates")
    assert replace_chart_data(chart, {"rows": rows}) == "data" and sent == []  # unchanged
    new = [{"k": "k0", "v": 9}]
    replace_chart_data(chart, {"rows": new}, params={"x": 5})
    assert sent == [[{"namespace": "data", "name": "rows", "scope": [], "value": new}]]
    assert charts.shown_rows(chart.spec)["rows"] == new
    values = [
        p["value"]
        for p in [*chart.spec.get("params", []), *chart.spec.get("signals", [])]
        if p.get("name") == "x"
    ]
    assert values == [5]
