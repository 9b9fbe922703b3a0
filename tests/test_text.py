"""The string table: every key in every language, same placeholders; language from the address."""

from __future__ import annotations

import math
import re

import pytest
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import NOTEBOOK_DIR, REPO_ROOT, text
from helpers.page import open_page, read_query

LANGS = list(text.LANGUAGES)
CJK = re.compile(r"[\u4e00-\u9fff]")
#: Calls whose first argument is a string-table key, in helpers and notebooks.
KEY_USE = re.compile(
    r"""(?:\bt|\.md|\.t|text\.t|page\.md)\(\s*["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']"""
)


def used_keys() -> dict[str, set[str]]:
    files = [*(REPO_ROOT / "src" / "helpers").rglob("*.py"), *NOTEBOOK_DIR.glob("*.ipynb")]
    uses: dict[str, set[str]] = {}
    for path in files:
        for key in KEY_USE.findall(path.read_text(encoding="utf-8")):
            uses.setdefault(key, set()).add(path.name)
    return uses


def test_every_language_has_every_key():
    keys = {lang: set(text.catalogue(lang)) for lang in LANGS}
    english = keys["en"]
    for lang in LANGS:
        assert keys[lang] == english, (
            f"{lang}: missing {sorted(english - keys[lang])}, extra {sorted(keys[lang] - english)}"
        )


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_match_english(lang):
    english = text.catalogue("en")
    for key, message in text.catalogue(lang).items():
        assert text.placeholders(message) == text.placeholders(english[key]), key


def test_chinese_messages_are_chinese():
    """A Chinese entry that is still English is a missing translation in disguise."""
    untranslated = [
        key
        for key, message in text.catalogue("zh").items()
        if not CJK.search(message) and message == text.catalogue("en")[key] and len(message) > 3
    ]
    assert not untranslated, untranslated


def test_every_key_used_in_code_exists():
    english = text.catalogue("en")
    missing = {key: files for key, files in used_keys().items() if key not in english}
    assert not missing, missing


def test_t_fills_placeholders_and_falls_back_to_english(caplog):
    assert text.t("error.no_year_data", "zh", year=1999) == "1999 年没有分省数据"
    with pytest.raises(text.TranslationError):
        text.t("no.such.key", "en")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("zh", "zh"), ("zh-CN", "zh"), ("ZH_hans", "zh"), ("en", "en"), ("fr", None), ("", None)],
)
def test_language_codes_are_read_leniently(value, expected):
    assert text.normalise_language(value) == expected


def test_numbers_follow_the_language():
    assert text.number(1115.9, 1, "en") == "1,115.9"
    assert text.percent(2.2449, 2, "zh") == "2.24%"


@settings(max_examples=2000, deadline=None)
@given(
    value=st.one_of(
        st.floats(min_value=-1e20, max_value=1e20),
        st.sampled_from([math.nan, math.inf, -math.inf, -0.0]),
        st.integers(min_value=-(10**15), max_value=10**15),
        st.decimals(min_value=-(10**9), max_value=10**9, places=4).map(float),
    ),
    decimals=st.integers(min_value=0, max_value=4),
    lang=st.sampled_from(sorted(text.LANGUAGES)),
)
def test_fast_numbers_are_exactly_what_babel_writes(value, decimals, lang):
    """The fast path of text.number writes what Babel's format_decimal writes (rounding half to
    even on the number's shortest decimal form, signs from the locale)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    expected = format_decimal(value, format=pattern, locale=text.LANGUAGES[lang])
    assert text.number(value, decimals, lang) == expected


def test_written_out_number_signs_are_babels():
    """The signs kept in text.NUMBER_SIGNS (so that kernels need not load Babel's locale data)
    are those of Babel's CLDR data, for every language of the app."""
    from babel import Locale

    assert set(text.NUMBER_SIGNS) == set(text.LANGUAGES.values())
    for lang, locale in text.LANGUAGES.items():
        symbols = Locale.parse(locale).number_symbols["latn"]
        expected = (symbols["group"], symbols["decimal"], symbols["minusSign"])
        assert text.NUMBER_SIGNS[locale] == expected
        assert text.number_signs(lang) == expected


# --- the page address -------------------------------------------------------------------------


def test_lang_in_the_address_switches_the_page():
    page = open_page("00_start_here", "lang=zh")
    assert page.lang == "zh" and not page.notices
    assert CJK.search(page.t("start.title"))
    text.set_language("en")


def test_unknown_language_falls_back_with_a_notice():
    page = open_page("00_start_here", "lang=xx%3Cscript%3E")
    assert page.lang == "en"
    assert len(page.notices) == 1 and "xx<script>" in page.notices[0]
    assert "<script>" not in page.header().value  # notices are escaped


@pytest.mark.parametrize(
    "raw", ["%", "a=1&&&b", "lang", "=zh", "lang=zh&lang=en", "x" * 5000, "&".join(["a=1"] * 100)]
)
def test_malformed_addresses_never_break_a_page(raw):
    page = open_page("00_start_here", raw)
    assert page.lang in text.LANGUAGES
    page.header()
    text.set_language("en")


def test_query_is_read_first_value_only():
    assert read_query("lang=zh&lang=en")[0] == {"lang": "zh"}


def test_language_switch_keeps_other_parameters():
    page = open_page("00_start_here", "lang=en&rd=3")
    assert page.switch_language_link("zh") == "00_start_here.ipynb?lang=zh&rd=3"
    assert 'hreflang="zh"' in page.header().value


def test_narrative_summarises_the_report_without_copying_it():
    from tests.report_runs import copies_the_report, report_runs

    assert len(report_runs()) > 1000
    copied = [key for key, message in text.catalogue("en").items() if copies_the_report(message)]
    assert not copied, copied
