"""Shareable scenarios: the scenario lab's state in a page address, and back.

A link such as

    03_measures.ipynb?lang=zh&preset=talent_policy&L.guided_fund=50&A.rd_depreciation=0.2

opens the lab with those settings. Levers are ``L.<name>`` (one value for the three provinces)
or ``L.<name>.<region>`` (one province), assumptions ``A.<name>``; ``preset``, ``region`` and
``lang`` are kept as they are. Reading a link never fails: unknown keys, values that are not
numbers and values out of range fall back to the defaults, each with a notice in the page's
language (the model's lenient scenario parser decides, from ``parameters.yaml``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from helpers import text

if TYPE_CHECKING:
    # Imported where a link is read: the scenario parser brings the model, pydantic and YAML
    # (measured ≈ 8 MB per kernel), which pages without a scenario never need.
    from helpers.scenario import Notice, Scenario

LEVER = "L."
ASSUMPTION = "A."
#: Address keys that are not scenario values.
PAGE_KEYS = ("lang", "mode", "preset", "region")


@dataclass
class SharedState:
    """What a link asks for: the scenario, the page settings, and notices about the rest."""

    scenario: Scenario
    page: dict[str, str] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)


def _number(value: float) -> str:
    """Shortest text that reads back as the same float."""
    return (
        repr(float(value)).removesuffix(".0") if float(value).is_integer() else repr(float(value))
    )


def to_query(scenario: dict, page: dict[str, str] | None = None) -> str:
    """The address query (without ``?``) for a scenario dict (``Scenario.to_dict()`` form)."""
    pairs: list[tuple[str, str]] = [(k, str(v)) for k, v in (page or {}).items() if v]
    if scenario.get("preset"):
        pairs.append(("preset", str(scenario["preset"])))
    for prefix, group in ((LEVER, "levers"), (ASSUMPTION, "assumptions")):
        for name, value in sorted(scenario.get(group, {}).items()):
            if isinstance(value, dict):
                pairs += [(f"{prefix}{name}.{r}", _number(v)) for r, v in sorted(value.items())]
            else:
                pairs.append((f"{prefix}{name}", _number(value)))
    return urlencode(pairs, safe=".-")


def from_query(query: dict[str, str]) -> SharedState:
    """Read a page address's query (first value of each key) into a scenario, leniently."""
    from helpers.scenario import Notice, parse_scenario_lenient

    data: dict = {"levers": {}, "assumptions": {}}
    page: dict[str, str] = {}
    unknown: list[str] = []
    for key, raw in query.items():
        if key in PAGE_KEYS:
            page[key] = raw
            continue
        for prefix, group in ((LEVER, "levers"), (ASSUMPTION, "assumptions")):
            if key.startswith(prefix):
                name, _, region = key[len(prefix) :].partition(".")
                value = _parse(raw)
                if region:
                    current = data[group].get(name)
                    data[group][name] = {
                        **(current if isinstance(current, dict) else {}),
                        region: value,
                    }
                else:
                    data[group][name] = value
                break
        else:
            unknown.append(key)
    if page.get("preset"):
        data["preset"] = page["preset"]
    scenario, notices = parse_scenario_lenient(data)
    notices = list(notices)
    for key in unknown:
        if key not in ("draws", "seed"):
            notices.append(
                Notice(
                    key=key,
                    value=query[key],
                    action="dropped",
                    message_en=f"{key}: not a setting of this page; ignored",
                    message_zh=f"{key}：不是本页面的设置，已忽略",
                )
            )
    return SharedState(scenario, page, notices)


def _parse(raw: str):
    """A number if the text is one (the parser then checks its range), else the text itself."""
    try:
        return float(raw)
    except ValueError:
        return raw


def notice_text(notice: Notice, lang: str | None = None) -> str:
    return notice.message_zh if (lang or text.get_language()) == "zh" else notice.message_en


def page_address() -> str:
    """This page's address without its query, from the visitor's request (empty outside Voilà)."""
    env = os.environ
    path = env.get("SCRIPT_NAME", "")
    if not path:
        return ""
    host = env.get("SERVER_NAME", "127.0.0.1")
    port = env.get("SERVER_PORT", "")
    scheme = "https" if env.get("HTTPS", "").lower() in ("on", "1") else "http"
    return f"{scheme}://{host}{':' + port if port else ''}{path}"
