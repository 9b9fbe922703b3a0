"""A printable handout for the workshop, made from the same questions as the workshop page.

    python -m helpers.handout --lang zh > handout-zh.html     # then print it (A4, one sheet)

The questions come from the string table and the numbers they quote from the data, so the
handout never drifts from the page. Answers are not on it: they are revealed in the app.
"""

from __future__ import annotations

import argparse
import html
import sys

from helpers import __version__, text
from helpers.data import load_panel
from helpers.workshop import EXERCISES

STYLE = """
@page { size: A4; margin: 16mm; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei",
       sans-serif; font-size: 11pt; line-height: 1.45; max-width: 180mm; margin: auto; }
h1 { font-size: 17pt; margin-bottom: 2mm; }
h2 { font-size: 12.5pt; margin: 5mm 0 1mm; }
.box { border: 1px solid #555; border-radius: 2mm; padding: 2mm 4mm; margin: 2mm 0; }
.line { border-bottom: 1px solid #999; height: 8mm; }
.row { display: flex; gap: 6mm; }
.row > div { flex: 1; }
footer { margin-top: 6mm; font-size: 8.5pt; color: #555; }
"""


def handout_html(lang: str) -> str:
    """The handout as a standalone HTML page in ``lang``."""
    panel = load_panel()
    t = lambda key, **values: html.escape(text.t(key, lang, **values))  # noqa: E731
    parts = [
        f"<!DOCTYPE html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head>",
        "<meta charset='utf-8'>",
        f"<title>{t('handout.title')}</title><style>{STYLE}</style></head><body>",
        f"<h1>{t('handout.title')}</h1>",
        f"<p>{t('handout.intro')}</p>",
    ]
    for number, exercise in enumerate(EXERCISES, start=1):
        question = t(f"workshop.{exercise.key}.question", **exercise.question_values(panel))
        parts += [
            f"<h2>{number}. {question}</h2>",
            "<div class='box row'>",
            f"<div>{t('handout.my_guess')}<div class='line'></div></div>",
            f"<div>{t('handout.group_guess')}<div class='line'></div></div>",
            f"<div>{t('handout.answer')}<div class='line'></div></div>",
            "</div>",
            f"<p>{t('handout.surprise')}</p><div class='line'></div>",
        ]
    parts += [
        f"<h2>{t('handout.discuss')}</h2>",
        "".join("<div class='line'></div>" for _ in range(4)),
        f"<footer>{t('handout.footer', version=__version__)}</footer>",
        "</body></html>",
    ]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.handout", description=__doc__)
    parser.add_argument("--lang", default="en", choices=sorted(text.LANGUAGES))
    args = parser.parse_args(argv)
    sys.stdout.write(handout_html(args.lang))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
