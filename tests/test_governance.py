"""The vocabularies page and the translation pages, checked (pure: bots.core.governance)."""

from __future__ import annotations

import copy
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bots.core.governance import (
    fallback_chain,
    from_schema,
    parse_translation,
    parse_vocabularies,
    translation_fits,
)
from bots.core.luadata import vocabularies_data
from bots.core.messages import Messages, repository_messages
from bots.core.schema import load_schema

PAGE = "Module:Advocacy/Vocabularies.json"
SCHEMA = load_schema()
BASE = vocabularies_data(SCHEMA)  # what `templates install` puts on the wiki
ENGLISH = repository_messages("en")


def parse(data: dict, used: dict | None = None):
    return parse_vocabularies(json.dumps(data), PAGE, SCHEMA, used)


def codes(problems) -> set[str]:
    return {p.code for p in problems}


def test_the_installed_page_is_valid_and_says_what_the_repository_says():
    vocab, problems = parse(BASE)
    assert problems == []
    schema = vocab.apply(SCHEMA)
    assert schema.vocabularies == SCHEMA.vocabularies
    assert schema.pillars == SCHEMA.pillars
    assert vocab.normalising_hash() == from_schema(SCHEMA).normalising_hash()
    label = vocab.message_labels()["es"]["advocacyhub-topics-copyright"]
    assert label == Messages("es").label("topics", "copyright")


def test_a_new_topic_with_labels_takes_effect():
    data = copy.deepcopy(BASE)
    topics = data["vocabularies"]["topics"]
    topics["values"].append("net-neutrality")
    topics["synonyms"].append(["neutrality", "net-neutrality"])
    topics["labels"]["es"]["net-neutrality"] = "Neutralidad de la red"
    topics["labels"].setdefault("fr", {})["net-neutrality"] = "Neutralité du net"
    vocab, problems = parse(data, {"topics": {"copyright"}})
    assert problems == []
    schema = vocab.apply(SCHEMA)
    assert schema.vocabularies["topics"].lookup("Neutrality") == "net-neutrality"
    msgs = Messages("es", labels=vocab.message_labels())
    assert msgs.label("topics", "net-neutrality") == "Neutralidad de la red"
    assert Messages("fr", labels=vocab.message_labels()).label(
        "topics", "net-neutrality") == "Neutralité du net"
    # A synonym changes what records normalise to; a label does not.
    assert vocab.normalising_hash() != from_schema(SCHEMA).normalising_hash()


def test_labels_on_the_page_win_over_the_message_files():
    data = copy.deepcopy(BASE)
    data["vocabularies"]["topics"]["labels"]["es"]["copyright"] = "Derechos de autor (wiki)"
    vocab, _ = parse(data)
    assert Messages("es", labels=vocab.message_labels()).label(
        "topics", "copyright") == "Derechos de autor (wiki)"
    hash_before = from_schema(SCHEMA).normalising_hash()
    assert vocab.normalising_hash() == hash_before


def test_not_json_or_of_another_shape_is_refused():
    vocab, problems = parse_vocabularies("{not json", PAGE, SCHEMA)
    assert vocab is None and codes(problems) == {"vocabularies-not-json"}
    vocab, problems = parse({"vocabularies": []})
    assert vocab is None and codes(problems) == {"vocabularies-shape"}
    data = copy.deepcopy(BASE)
    del data["vocabularies"]["status"]
    assert codes(parse(data)[1]) == {"vocabularies-missing"}


def test_duplicates_and_synonyms_pointing_nowhere_are_refused():
    data = copy.deepcopy(BASE)
    data["vocabularies"]["topics"]["values"].append("Copyright")
    assert codes(parse(data)[1]) == {"vocabularies-duplicate"}
    data = copy.deepcopy(BASE)
    data["vocabularies"]["topics"]["synonyms"].append(["ip", "intellectual-property"])
    vocab, problems = parse(data)
    assert vocab is None and codes(problems) == {"vocabularies-synonym-target"}
    assert problems[0].value == "ip → intellectual-property"


MARKUP = ["[[Main Page]]", "{{tl}}", "<b>x</b>", "'''bold'''", "~~~~", "__NOTOC__", "a | b",
          "&amp;", "* item", "= heading =", "https://example.org", "<script>"]


@given(st.sampled_from(MARKUP), st.text(alphabet="abc ", max_size=5))
def test_a_label_with_markup_is_refused(markup, around):
    data = copy.deepcopy(BASE)
    data["vocabularies"]["topics"]["labels"]["zh"]["copyright"] = markup + around
    vocab, problems = parse(data)
    assert vocab is None and codes(problems) == {"vocabularies-label-markup"}


names = sorted(BASE["vocabularies"])


@settings(max_examples=60, deadline=None)  # four parses of the whole page: no deadline
@given(st.sampled_from(names), st.data())
def test_any_removal_of_a_used_value_is_refused(name, draw):
    values = BASE["vocabularies"][name]["values"]
    used = draw.draw(st.sets(st.sampled_from(values), min_size=1))
    removed = draw.draw(st.sampled_from(sorted(used)))
    data = copy.deepcopy(BASE)
    spec = data["vocabularies"][name]
    spec["values"].remove(removed)
    spec["synonyms"] = [p for p in spec["synonyms"] if p[1] != removed]
    for labels in spec["labels"].values():
        labels.pop(removed, None)
    for members in data["pillars"]["members"].values():
        if removed in members:
            members.remove(removed)
    vocab, problems = parse(data, {name: used})
    assert vocab is None
    assert ("vocabularies-removed-used", removed) in {(p.code, p.value) for p in problems}
    # Unused, it may go; made a synonym of another value, records follow it.
    assert parse(data, {name: used - {removed}})[1] == []
    if len(values) > 1:
        target = next(v for v in spec["values"])
        spec["synonyms"].append([removed, target])
        assert parse(data, {name: used})[1] == []


# -- translations ------------------------------------------------------------------------------

params = st.sets(st.integers(1, 4))
words = st.text(alphabet="abcxyz .,", max_size=8)


def message(numbers, text) -> str:
    return text.join(f"${n}" for n in sorted(numbers)) or text


@given(params, params, words)
def test_any_parameter_mismatch_is_refused(en, other, text):
    english = message(en, " and ")
    translated = message(other, text or " ")
    assert translation_fits(translated, english) == (en == other)


@given(st.integers(1, 3), words)
def test_plural_only_where_english_has_it(n, text):
    english = f"{{{{PLURAL:${n}|${n} case|${n} cases}}}}"
    assert translation_fits(f"${n} {text}", english)  # a language with one form drops it
    assert translation_fits(f"{{{{PLURAL:${n}|${n} cas|${n} cas}}}}{text}", english)
    assert not translation_fits(f"{{{{PLURAL:${n}|${n} cas|${n} cas}}", english)
    plain = f"${n} cases"
    assert not translation_fits(f"{{{{PLURAL:${n}|${n} cas|${n} cas}}}}", plain)


def test_a_translation_page_is_used_key_by_key():
    key_ok, key_bad = "advocacyhub-did-you-mean", "advocacyhub-problem-missing"
    text = json.dumps({"@metadata": {"authors": ["x"]}, key_ok: "Vouliez-vous dire : $1 ?",
                       key_bad: "Le champ $2 manque.", "advocacyhub-gone": "x"})
    table, problems = parse_translation(text, "Module:Advocacy/i18n/fr.json", ENGLISH)
    assert table == {key_ok: "Vouliez-vous dire : $1 ?"}
    assert [(p.code, p.field) for p in problems] == [("translation-parameters", key_bad)]
    msgs = Messages("fr", chain=fallback_chain("fr"), overlays={"fr": table})
    assert msgs(key_ok, "x") == "Vouliez-vous dire : x ?"
    assert msgs(key_bad, "title") == ENGLISH[key_bad].replace("$1", "title")
    assert codes(parse_translation("[", "p", ENGLISH)[1]) == {"translation-not-json"}


@settings(max_examples=40)
@given(st.dictionaries(st.sampled_from(sorted(ENGLISH)), st.text(max_size=20), max_size=30))
def test_the_overlay_never_loses_a_key(overlay):
    msgs = Messages("fr", overlays={"fr": overlay})
    for key in ENGLISH:
        assert msgs.has(key)
        assert msgs.raw(key) == overlay.get(key, ENGLISH[key])


def test_fallbacks_follow_the_wikis_chain():
    assert fallback_chain("pt-br", ["pt", "en"]) == ["pt-br", "pt", "en"]
    assert fallback_chain("pt-br") == ["pt-br", "pt", "en"]
    assert fallback_chain("fr", []) == ["fr", "en"]
    key = "advocacyhub-did-you-mean"
    msgs = Messages("pt-br", chain=["pt-br", "pt", "en"],
                    overlays={"pt": {key: "Quis dizer $1?"}, "en": {}})
    assert msgs(key, "x") == "Quis dizer x?"
    # The repository's own language first, then the wiki's English, then the files'.
    es = Messages("es", chain=["es"], overlays={"es": {key: "¿Quiso decir $1? (wiki)"}})
    assert es(key, "x") == "¿Quiso decir x? (wiki)"
