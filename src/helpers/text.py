"""Every user-visible string, in English and 简体中文, from one string table per language.

The table is a set of gettext PO files in ``helpers/locales/<lang>/LC_MESSAGES/*.po`` (``nqp.po``
for what pages share, one file per part of the app), read with Babel (no compile step). PO is
what translation tools (Poedit, Weblate, Crowdin) edit, so adding a language means adding PO
files; no notebook changes. Message ids are stable keys such as
``start.title``; English is a catalogue like any other. Values are filled with ``str.format``
placeholders (``{year}``); a test checks that every key exists in every language with the same
placeholders.

Numbers are formatted with Babel's locale data (:func:`number`, :func:`percent`).
"""

from __future__ import annotations

import functools
import logging
import math
import os
import string
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path

from babel import Locale
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

log = logging.getLogger("helpers.text")

LOCALE_DIR = Path(__file__).parent / "locales"
#: Language code in URLs (``?lang=zh``) -> Babel locale of the catalogue and of number formats.
LANGUAGES: dict[str, str] = {"en": "en", "zh": "zh_Hans_CN"}
LANGUAGE_NAMES = {"en": "English", "zh": "简体中文"}
#: What goes between two sentences: a space in English, nothing in Chinese.
SENTENCE_SEPARATOR = {"en": " ", "zh": ""}
DEFAULT_LANGUAGE = "en"

_current = os.environ.get("NQP_LANG", DEFAULT_LANGUAGE)


class TranslationError(KeyError):
    """A key is missing from a catalogue (the catalogue tests fail before this can ship)."""


def catalogue_paths(lang: str) -> list[Path]:
    """The PO files of one language, in a fixed order."""
    return sorted((LOCALE_DIR / LANGUAGES[lang] / "LC_MESSAGES").glob("*.po"))


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """All messages of one language: key -> text (empty translations left out).

    A key defined in two files of the same language is an error.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    messages: dict[str, str] = {}
    for path in catalogue_paths(lang):
        with path.open("rb") as handle:
            po = read_po(handle, locale=LANGUAGES[lang], domain=path.stem)
        for message in po:
            if not message.id or not isinstance(message.string, str) or not message.string:
                continue
            if message.id in messages:
                raise ValueError(f"{path.name}: key {message.id!r} is defined twice for {lang}")
            messages[message.id] = message.string
    return messages


def normalise_language(value: str | None) -> str | None:
    """``'zh'``, ``'zh-CN'``, ``'zh_Hans'`` -> ``'zh'``; unknown or empty -> None."""
    if not value:
        return None
    head = value.strip().lower().replace("_", "-").split("-")[0]
    return head if head in LANGUAGES else None


def set_language(lang: str) -> str:
    """Make ``lang`` the language of this kernel's page (one kernel serves one page view)."""
    global _current
    code = normalise_language(lang)
    if code is None:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _current = code
    return code


def get_language() -> str:
    return _current


def t(key: str, lang: str | None = None, /, **values: object) -> str:
    """The text of ``key`` in ``lang`` (default: the page's language), placeholders filled.

    A key missing in a translation falls back to English (and is logged), so a page never
    breaks; the catalogue tests make sure that does not ship.
    """
    lang = lang or _current
    messages = catalogue(lang)
    if key not in messages:
        log.warning("missing %s translation for %r", lang, key)
        messages = catalogue(DEFAULT_LANGUAGE)
        if key not in messages:
            raise TranslationError(key)
    text = messages[key]
    return text.format(**values) if values else text


def sentences(parts: list[str], lang: str | None = None) -> str:
    """Join finished sentences the way the language does."""
    return SENTENCE_SEPARATOR[lang or _current].join(p for p in parts if p)


def placeholders(message: str) -> set[str]:
    """Names of the ``{placeholders}`` in a message."""
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


def number(value: float, decimals: int = 1, lang: str | None = None) -> str:
    """A number with the language's grouping and decimal signs, fixed decimals.

    Exactly what Babel's ``format_decimal`` writes with the pattern ``#,##0.0…`` (a test
    checks this over many values), but ~10× faster: a page formats thousands of numbers for its
    tables and tooltips. Babel rounds the number's shortest decimal form half to even; so does
    this, with the grouping (3 digits) from the pattern and the signs from the locale's data.
    """
    locale = LANGUAGES[lang or _current]
    if not math.isfinite(value) or not 0 <= decimals < len(_STEPS) or abs(value) >= 1e15:
        pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
        return format_decimal(value, format=pattern, locale=Locale.parse(locale))
    try:
        exact = Decimal(str(value))  # as Babel reads it
    except InvalidOperation:  # e.g. a bool
        exact = Decimal(repr(float(value)))
    rounded = exact.quantize(_STEPS[decimals], rounding=ROUND_HALF_EVEN)
    group, point, minus = _number_signs(locale)
    digits = f"{abs(rounded):,f}".translate({ord(","): group, ord("."): point})
    return minus + digits if rounded.is_signed() else digits


_STEPS = {places: Decimal(1).scaleb(-places) for places in range(10)}


#: Grouping, decimal and minus signs (Latin digits) of each language's locale, as in Babel's
#: CLDR data (``Locale.parse(locale).number_symbols["latn"]``; a test checks they still agree).
#: Written out because reading them from Babel loads its locale data into every kernel: measured
#: 4.6 MB per kernel, to know three characters.
NUMBER_SIGNS: dict[str, tuple[str, str, str]] = {
    "en": (",", ".", "-"),
    "zh_Hans_CN": (",", ".", "-"),
}


def number_signs(lang: str | None = None) -> tuple[str, str, str]:
    """Grouping sign, decimal sign and minus sign of a language (default: the page's)."""
    return _number_signs(LANGUAGES[lang or _current])


def _number_signs(locale: str) -> tuple[str, str, str]:
    """Grouping sign, decimal sign and minus sign of a locale (Latin digits)."""
    if locale in NUMBER_SIGNS:
        return NUMBER_SIGNS[locale]
    symbols = Locale.parse(locale).number_symbols["latn"]
    return symbols["group"], symbols["decimal"], symbols["minusSign"]


def percent(value: float, decimals: int = 1, lang: str | None = None) -> str:
    """A value already in percent, e.g. ``2.24`` -> ``'2.24%'``."""
    return number(value, decimals, lang) + "%"


def big_number(value: float, lang: str | None = None) -> str:
    """A count of people or yuan the way each language says it: ``11.0 million`` in English,
    ``1,100万`` in Chinese (which counts in 万 = 10⁴ and 亿 = 10⁸)."""
    lang = lang or _current
    if lang == "zh":
        if abs(value) >= 1e8:
            return number(value / 1e8, 2, lang) + "亿"
        return number(value / 1e4, 0, lang) + "万"
    if abs(value) >= 1e9:
        return number(value / 1e9, 2, lang) + " billion"
    return number(value / 1e6, 1, lang) + " million"
