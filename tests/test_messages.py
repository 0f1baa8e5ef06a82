"""Message files and the Messages class (bots.core.messages)."""

from __future__ import annotations

import json
import re

import pytest

from bots.core import messages as messages_module
from bots.core.messages import Messages, available_languages
from bots.core.records import Problem
from bots.core.schema import load_schema
from bots.paths import I18N_DIR

SCHEMA = load_schema()
PARAM = re.compile(r"\$\d+")


def _file(lang: str) -> dict[str, str]:
    # A missing file must make the test fail (FileNotFoundError), never skip it.
    with open(I18N_DIR / f"{lang}.json", encoding="utf-8") as fh:
        data = json.load(fh)
    return {k: v for k, v in data.items() if not k.startswith("@")}


EN = _file("en")


# -- the files --------------------------------------------------------------------------------

def _glossary() -> list[dict]:
    with open(I18N_DIR / "qqq.json", encoding="utf-8") as fh:
        return json.load(fh)["@metadata"]["glossary"]["terms"]


@pytest.mark.parametrize("lang", ["en", "es", "zh"])
def test_one_word_for_one_thing(lang: str) -> None:
    """The glossary in qqq.json's @metadata: each term's word is used, and no message uses a
    word it avoids (Spanish "advocate" was defensor, activista and personas defensoras)."""
    texts = _file(lang)
    for term in _glossary():
        word = term[lang]
        assert any(word.lower() in t.lower() for t in texts.values()), (lang, word)
        for avoided in term.get("avoid", {}).get(lang, []):
            found = [k for k, t in texts.items()
                     if re.search(rf"(?<!\w){re.escape(avoided)}(?!\w)", t, re.IGNORECASE)]
            assert found == [], (avoided, found)


@pytest.mark.parametrize("lang", ["es", "zh", "qqq"])
def test_message_file_has_the_same_keys_as_english(lang: str) -> None:
    other = _file(lang)
    assert sorted(set(EN) - set(other)) == [], "missing"
    assert sorted(set(other) - set(EN)) == [], "not in en.json"


@pytest.mark.parametrize("lang", ["es", "zh"])
def test_translations_keep_every_parameter(lang: str) -> None:
    other = _file(lang)
    wrong = {key: (sorted(set(PARAM.findall(EN[key]))), sorted(set(PARAM.findall(text))))
             for key, text in other.items()
             if key in EN and set(PARAM.findall(EN[key])) != set(PARAM.findall(text))}
    assert wrong == {}


@pytest.mark.parametrize("lang", ["es", "zh"])
def test_translations_are_translated(lang: str) -> None:
    other = _file(lang)
    same = [k for k in EN if other.get(k) == EN[k]]
    assert len(same) < len(EN) // 4, same


@pytest.mark.parametrize("lang", ["en", "es", "zh"])
def test_every_message_renders_completely(lang: str) -> None:
    msgs = Messages(lang)
    for key in _file(lang):
        for n in (1, 2, 7):
            text = msgs(key, *([n] * 9))
            assert "{{PLURAL" not in text, (key, text)
            assert not PARAM.search(text), (key, text)


def test_available_languages() -> None:
    langs = available_languages()
    assert {"en", "es", "zh"} <= set(langs)
    assert "qqq" not in langs  # documentation, not a language


# -- labels the schema needs ------------------------------------------------------------------

def test_every_vocabulary_value_has_an_english_label() -> None:
    missing = [f"advocacyhub-{name}-{value}".lower()
               for name, vocab in SCHEMA.vocabularies.items() for value in vocab.values
               if f"advocacyhub-{name}-{value}".lower() not in EN]
    assert missing == []


def test_every_field_has_an_english_label_and_description() -> None:
    missing = []
    for kind in SCHEMA.kinds.values():
        for fld in kind.fields:
            if f"advocacyhub-field-{fld}" not in EN:
                missing.append(f"advocacyhub-field-{fld}")
            if (f"advocacyhub-fielddesc-{kind.name}-{fld}" not in EN
                    and f"advocacyhub-fielddesc-{fld}" not in EN):
                missing.append(f"advocacyhub-fielddesc-{fld} ({kind.name})")
        for key in (f"advocacyhub-kind-{kind.name}", f"advocacyhub-template-desc-{kind.name}"):
            if key not in EN:
                missing.append(key)
    assert missing == []


@pytest.mark.parametrize("code", [
    "missing", "unknown-field", "positional", "duplicate-field", "too-long", "bad-date",
    "bad-datetime", "bad-username", "bad-page", "bad-url", "unknown-value", "bad-bool",
    "unknown-jurisdiction", "unknown-language", "unknown-timezone", "end-before-start",
])
def test_every_problem_code_has_a_message(code: str) -> None:
    assert f"advocacyhub-problem-{code}" in EN


def test_supranational_jurisdictions_have_labels() -> None:
    for code in ("eu", "un", "global"):
        assert f"advocacyhub-jurisdiction-{code}" in EN


# -- behaviour --------------------------------------------------------------------------------

def test_english_plural() -> None:
    en = Messages("en")
    one = en("advocacyhub-summary-snapshot", 1)
    two = en("advocacyhub-summary-snapshot", 2)
    assert "1 page " in one and "pages" not in one
    assert "2 pages " in two
    assert "0 pages " in en("advocacyhub-summary-snapshot", 0)
    assert "1,000 pages " in en("advocacyhub-summary-snapshot", "1,000")


def _fake_tables(monkeypatch: pytest.MonkeyPatch, tables: dict[str, dict[str, str]]) -> None:
    monkeypatch.setattr(messages_module, "_load", lambda lang, *a: tables.get(lang, {}))


def test_parameters_and_plural_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_tables(monkeypatch, {"en": {
        "t": "$2 saw {{PLURAL:$1|one cat|$1 cats}}; $3 stays",
        "zh-only": "{{PLURAL:$1|$1 只猫}}",
    }})
    en = Messages("en")
    assert en("t", 1, "Ann") == "Ann saw one cat; $3 stays"
    assert en("t", 3, "Bob") == "Bob saw 3 cats; $3 stays"
    assert Messages("zh")("zh-only", 1) == "1 只猫"  # fallback to en table, zh plural rules
    assert Messages("zh")("zh-only", 5) == "5 只猫"


def test_plural_forms_follow_the_languages_own_categories(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_tables(monkeypatch, {"ru": {"f": "{{PLURAL:$1|$1 файл|$1 файла|$1 файлов}}"}})
    ru = Messages("ru")
    assert [ru("f", n) for n in (1, 2, 5, 21)] == [
        "1 файл", "2 файла", "5 файлов", "21 файл"]


def test_fallback_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_tables(monkeypatch, {
        "en": {"a": "A in English", "b": "B in English"},
        "es": {"a": "A en español"},
    })
    assert Messages("es")("a") == "A en español"
    assert Messages("es")("b") == "B in English"
    assert Messages("es-mx")("a") == "A en español"
    assert Messages("xx")("a") == "A in English"
    assert Messages("not a language!")("a") == "A in English"
    with pytest.raises(KeyError):
        Messages("es")("c")


def test_unknown_language_falls_back_to_english_file() -> None:
    assert Messages("xx")("advocacyhub-field-title") == EN["advocacyhub-field-title"]
    assert Messages("de-at").label("regions", "NA") == EN["advocacyhub-regions-na"]


def test_translated_language_is_used() -> None:
    es = _file("es")
    assert Messages("es")("advocacyhub-field-summary") == es["advocacyhub-field-summary"]
    assert Messages("zh-hans")("advocacyhub-field-summary") == _file("zh")[
        "advocacyhub-field-summary"]


def test_labels() -> None:
    en = Messages("en")
    assert en.label("regions", "NA") == "North America"
    assert en.label("topics", "freedom-of-panorama") == "Freedom of panorama"
    assert en.label("topics", "not-a-topic") == "not-a-topic"
    assert en.field_label("help_wanted") == "Help wanted"
    assert en.field_label("no_such_field") == "no_such_field"


def test_describe_adds_did_you_mean() -> None:
    en = Messages("en")
    problem = Problem("Advocacy Hub/Cases/X", "case", "topics", "unknown-value", "copyrite",
                      ("copyright", "public-domain"))
    text = en.describe(problem)
    assert text.startswith('"copyrite" is not a known value of "topics".')
    assert text.endswith("Did you mean: copyright, public-domain?")
    plain = en.describe(Problem("P", "case", "title", "missing"))
    assert plain == 'The required field "title" is missing or empty.'
    assert "Did you mean" not in plain


@pytest.mark.parametrize("lang", ["es", "zh"])
def test_describe_in_other_languages(lang: str) -> None:
    msgs = Messages(lang)
    text = msgs.describe(Problem("P", "case", "topics", "unknown-value", "copyrite",
                                 ("copyright",)))
    assert "copyrite" in text and "topics" in text and "copyright" in text
    assert "Did you mean" not in text  # the suggestion sentence is translated too
