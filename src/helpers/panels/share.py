"""Sharing the scenario lab: a link that always holds the current state, and scenario files.

- :func:`apply_link` opens the lab in the state a link asks for (leniently: anything it cannot
  use falls back to the default, with a notice on the page).
- :func:`share_bar` shows the link (kept current, also in the browser's address bar), a copy
  button, "save scenario" (a YAML file) and "load scenario" (refused with a clear message, and
  nothing changed, when the file is not a valid scenario), and the numbers shown as CSV.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd
import yaml

from helpers import export, share, text, ui
from helpers.page import Page
from helpers.panels.lab import ScenarioLab
from helpers.scenario import ScenarioError, parse_scenario, scenario_to_yaml
from helpers.widgets import AddressBar, CopyButton, DownloadButton

#: A scenario file larger than this is refused before it is read.
MAX_SCENARIO_BYTES = 64 * 1024
SCENARIO_KEYS = {"preset", "levers", "assumptions", "region"}


def apply_link(lab: ScenarioLab, page: Page) -> list[str]:
    """Put the lab in the state the page address asks for; returns the notices shown.

    Does nothing when the address holds no scenario (the lab keeps its defaults).
    """
    wanted = share.from_query(page.query)
    asks = any(key.startswith((share.LEVER, share.ASSUMPTION)) for key in page.query)
    asks = asks or "preset" in page.query or "region" in page.query
    notices = [share.notice_text(n, page.lang) for n in wanted.notices]
    if asks:
        data = wanted.scenario.to_dict()
        if "region" in wanted.page:
            data["region"] = wanted.page["region"]
        notices += lab.apply_scenario(data)
    if notices:
        lab.notices.value = _notices_html(notices, page.lang)
    return notices


def scenario_query(lab: ScenarioLab, page: Page) -> str:
    """The address query for the lab's current state and the page's language and mode."""
    state = lab.current_scenario()
    settings = {"lang": page.lang, "mode": page.mode, "region": state.pop("region")}
    return share.to_query({k: v for k, v in state.items() if v}, settings)


def share_bar(lab: ScenarioLab, page: Page) -> widgets.VBox:
    """Link, copy, save and load for the lab; returns the bar (class ``nqp-share``)."""
    lang = page.lang
    status = ui.status_area()
    base = share.page_address() or f"{page.name}.ipynb"
    link = widgets.Text(
        description=text.t("share.link", lang),
        style={"description_width": "initial"},
        layout=widgets.Layout(width="100%"),
    )
    link.add_class("nqp-share-link")
    copy = CopyButton(description=text.t("share.copy", lang))
    copy.add_class("nqp-share-copy")
    address = AddressBar()

    def refresh() -> None:
        query = scenario_query(lab, page)
        copy.text = f"{base}?{query}"  # first: the box only ever shows what the button copies
        link.value = copy.text
        address.query = query

    def keep_link_current(change: dict) -> None:  # the box is for copying, not for typing
        if change["new"] != copy.text:
            link.value = copy.text

    link.observe(keep_link_current, names="value")
    lab.listeners.append(refresh)
    refresh()

    def produce_scenario() -> tuple[str, str, bytes]:
        state = lab.current_scenario()
        state.pop("region")
        scenario = parse_scenario({k: v for k, v in state.items() if v}, lab.parameters)
        return "nqp-scenario.yaml", "application/yaml", scenario_to_yaml(scenario).encode("utf-8")

    def show_error(exc: Exception) -> None:
        status.value = ui.error_html(text.t("share.save_failed", lang), exc)

    save = DownloadButton(text.t("share.save", lang), produce_scenario, show_error)
    save.add_class("nqp-share-save")

    def produce_csv() -> tuple[str, str, bytes]:
        rows = lab.chart_rows()
        table = pd.concat([rows["intensity"], rows["outputs"]], ignore_index=True)
        title = text.t("share.csv_title", lang, region=lab.names[lab.region])
        payload = export.csv_with_provenance(table, None, title)
        return f"nqp-scenario-{lab.region}-{lang}.csv", "text/csv", payload

    csv = DownloadButton(text.t("export.csv", lang), produce_csv, show_error)
    csv.add_class("nqp-share-csv")

    upload = widgets.FileUpload(
        accept=".yaml,.yml,.json",
        multiple=False,
        description=text.t("share.load", lang),
        layout=widgets.Layout(width="auto"),  # the whole label, as the buttons beside it
    )
    upload.add_class("nqp-share-load")

    @ui.guarded(status, text.t("share.load_failed", lang))
    def load(change: dict) -> None:
        files = change["new"]
        if not files:
            return
        try:
            data = read_scenario_file(files[0])
            notices = lab.apply_scenario(data)
        finally:
            upload.value = ()  # ready for the next file, whatever happened
        status.value = ""
        name = html.escape(str(files[0].get("name", "")))
        lab.notices.value = (
            f"<div class='nqp-notice' role='status' style='background:#e8f4ea;border-left:4px "
            f"solid #009e73;padding:6px 10px;margin:6px 0'>"
            f"{html.escape(text.t('share.loaded', lang, name=name))}</div>"
            + (_notices_html(notices, lang) if notices else "")
        )

    upload.observe(load, names="value")
    buttons = widgets.HBox([copy, save, upload, csv], layout=widgets.Layout(flex_flow="row wrap"))
    bar = widgets.VBox(
        [
            widgets.HTML(f"<h3>{html.escape(text.t('share.title', lang))}</h3>"),
            link,
            buttons,
            status,
            address,
        ]
    )
    bar.add_class("nqp-share")
    bar.link, bar.upload, bar.status, bar.refresh = link, upload, status, refresh
    return bar


def read_scenario_file(upload: dict) -> dict:
    """The scenario in an uploaded file, checked strictly.

    Raises
    ------
    ScenarioError
        The file is too large, not UTF-8, not YAML/JSON, not a mapping, or not a valid
        scenario (naming every bad key or value); the lab is then left as it was.
    """
    content = bytes(upload.get("content", b""))
    name = str(upload.get("name", "file"))
    if len(content) > MAX_SCENARIO_BYTES:
        raise ScenarioError([f"{name}: larger than {MAX_SCENARIO_BYTES // 1024} KB"])
    try:
        data = yaml.safe_load(content.decode("utf-8"))
    except UnicodeDecodeError:
        raise ScenarioError([f"{name}: not a text file (UTF-8)"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ScenarioError([f"{name}: not YAML or JSON{where}"]) from None
    if not isinstance(data, dict):  # e.g. a list, or plain text
        raise ScenarioError([f"{name}: a scenario file holds keys such as levers: or assumptions:"])
    region = data.pop("region", None)
    parse_scenario(data)  # strict: raises with one line per bad key or value
    if region is not None:
        data["region"] = region
    return data


def _notices_html(notices: list[str], lang: str) -> str:
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notices)
    return (
        "<div class='nqp-notice' role='status' style='background:#fff8e1;border-left:4px solid "
        f"#e69f00;padding:6px 10px;margin:6px 0'><b>{html.escape(text.t('share.notices', lang))}"
        f"</b><ul>{items}</ul></div>"
    )
