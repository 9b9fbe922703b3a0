"""Add or replace messages in the English and Chinese PO files from a YAML file.

    python tools/add_strings.py new_strings.yaml [--domain foundations]

The YAML maps each key to ``{en: ..., zh: ..., note: ...}`` (``note``: a comment for
translators). Messages go to ``src/helpers/locales/<lang>/LC_MESSAGES/<domain>.po``. The PO
files stay the source of truth and can be edited directly or with any PO editor; this is only a
convenience for writing both languages side by side.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parents[1] / "src" / "helpers" / "locales"
BABEL_LOCALE = {"en": "en", "zh": "zh_Hans_CN"}


def update(domain: str, entries: dict[str, dict[str, str]]) -> None:
    for lang, locale in BABEL_LOCALE.items():
        path = LOCALES / locale / "LC_MESSAGES" / f"{domain}.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as handle:
                catalogue = read_po(handle, locale=locale, domain=domain)
        else:
            catalogue = Catalog(locale=locale, domain=domain, project="NQP Lab", charset="utf-8")
        for key, entry in entries.items():
            if key in catalogue:
                del catalogue[key]
            catalogue.add(
                key,
                entry[lang].rstrip("\n"),
                auto_comments=[entry["note"]] if entry.get("note") else [],
                flags=["python-brace-format"] if "{" in entry["en"] else [],
            )
        catalogue.fuzzy = False
        catalogue.last_translator = catalogue.language_team = "NQP Lab developers"
        with path.open("wb") as handle:
            write_po(handle, catalogue, width=100, sort_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("yaml_file", type=Path)
    parser.add_argument("--domain", default="nqp", help="PO file name without .po (default nqp)")
    args = parser.parse_args()
    entries = yaml.safe_load(args.yaml_file.read_text(encoding="utf-8"))
    update(args.domain, entries)
    print(f"{len(entries)} messages written to {args.domain}.po (en, zh)")


if __name__ == "__main__":
    main()
