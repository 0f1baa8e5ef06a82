"""What the community governs on the wiki (issue 15), checked before the bot uses it.

* The vocabularies page (``Module:Advocacy/Vocabularies.json``, the format of
  :func:`bots.core.luadata.vocabularies_data`): values, synonyms, the pillars grouping topics,
  and labels in any language. A page that is not valid is refused as a whole: the bot keeps
  the last valid revision, and every reason is a :class:`Problem` for the maintenance report.
* Translation pages (``Module:Advocacy/i18n/<lang>.json``, translatewiki's format): messages
  that overlay the repository's key by key. A message whose ``$n`` or ``{{PLURAL}}`` differ
  from the English one is refused alone (its key falls back to the next language).

Pure: the job side reads the pages and hands their text in.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bots.core.records import Problem
from bots.core.schema import Schema
from bots.core.vocab import canon_key, load_vocabularies

PAGE_KIND = "page"  # Problems about a whole page (not a record)
# -- one validator for what the community governs (issue 25) ---------------------------------
# Wiki markup or HTML anywhere in a text: links, templates, tables, tags, entities,
# bold/italics, signatures, behaviour switches, list/heading/table starts (at the start of any
# line: a label never holds a line break anyway), external and magic links (any URL scheme,
# the schemes MediaWiki links without "//", ISBN/RFC/PMID). Labels are plain text.
_MARKUP = re.compile(
    r"[<>\[\]{}|]|''|~~~|__[A-Za-z]+__|&#?\w+;|^[*#:;=!\s-]|[A-Za-z][A-Za-z0-9+.-]*://"
    r"|\b(?:mailto|news|tel|urn|sips?|sms|xmpp|magnet|geo|bitcoin|irc|ircs|matrix):"
    r"|\b(?:ISBN|RFC|PMID)[\s\u00a0]*\d", re.IGNORECASE | re.MULTILINE)
# Control characters, line and paragraph separators: a label is one line of text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# A vocabulary value or pillar: a code (letters, digits, spaces, hyphens, dots, underscores).
_VALUE = re.compile(r"[^\W_][\w .-]*")
MAX_LABEL = 200  # characters of a label (a column header, a value's name)
MAX_VALUE = 64  # characters of a value (a code in every record that uses it)
MAX_MESSAGE = 2000  # characters of a translated message (the longest English one: ~600)


def plain_text(text: object, limit: int = MAX_LABEL) -> bool:
    """Whether ``text`` is a label the community may give: a non-empty string of at most
    ``limit`` characters, one line, without anything the wiki's parser would turn into an
    element, link, category, template or list (the wiki's own parse checks it too: see
    bots.wiki.query.renders_plain)."""
    return (isinstance(text, str) and bool(text.strip()) and len(text) <= limit
            and not _CONTROL.search(text) and not _MARKUP.search(text.strip()))


def plain_value(value: object) -> bool:
    """Whether ``value`` may be a vocabulary value or a pillar: a short plain code."""
    return isinstance(value, str) and len(value.strip()) <= MAX_VALUE \
        and bool(_VALUE.fullmatch(value.strip())) and plain_text(value, MAX_VALUE)
_PARAM = re.compile(r"\$(\d+)")
_PLURAL = re.compile(r"\{\{\s*PLURAL\s*:\s*([^|}]*)\|", re.IGNORECASE)


# -- vocabularies ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Vocabularies:
    """The vocabularies in effect: TOML-shaped specs (as config/vocabularies.toml), the
    pillars (pillar -> topics) and labels (lang -> vocabulary -> value -> label)."""

    specs: Mapping[str, Mapping[str, Any]]
    pillars: Mapping[str, Sequence[str]] = field(default_factory=dict)
    labels: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)

    def apply(self, schema: Schema) -> Schema:
        """``schema`` with these vocabularies (fields name vocabularies, not values)."""
        pillar_of = {t: p for p, topics in self.pillars.items() for t in topics}
        return replace(schema, vocabularies=load_vocabularies(self.specs), pillars=pillar_of)

    def message_labels(self) -> dict[str, dict[str, str]]:
        """lang -> message key -> label: the labels as messages (``advocacyhub-<vocab>-<v>``,
        the keys :meth:`Messages.label` looks up), which win over the message files'."""
        out: dict[str, dict[str, str]] = {}
        for lang, vocabs in self.labels.items():
            table = out.setdefault(lang, {})
            for name, labels in vocabs.items():
                for value, label in labels.items():
                    table[f"advocacyhub-{name}-{value}".lower()] = label
        return out

    def normalising_hash(self) -> str:
        """What normalising records depends on (values, synonyms, flags; not labels)."""
        data = json.dumps(self.specs, sort_keys=True, ensure_ascii=False)
        return hashlib.sha1(data.encode()).hexdigest()[:12]

    def used_values(self) -> dict[str, list[str]]:
        return {name: list(spec["values"]) for name, spec in self.specs.items()}


def from_schema(schema: Schema, pillars: Mapping[str, Sequence[str]] | None = None,
                ) -> Vocabularies:
    """The repository's vocabularies (config/vocabularies.toml), as the wiki page would say."""
    specs = {name: {"values": list(v.values), "synonyms": dict(v.synonyms),
                    "uppercase": v.uppercase, "ordered": v.ordered,
                    "open": sorted(v.open_values)}
             for name, v in schema.vocabularies.items()}
    if pillars is None:
        members: dict[str, list[str]] = {}
        for topic, pillar in schema.pillars.items():
            members.setdefault(pillar, []).append(topic)
        pillars = members
    return Vocabularies(specs=specs, pillars={p: list(t) for p, t in pillars.items()})


def _problem(page: str, code: str, vocab: str = "", value: str = "") -> Problem:
    return Problem(page, PAGE_KIND, vocab, f"vocabularies-{code}", value)


def parse_vocabularies(text: str, page: str, schema: Schema,
                       used: Mapping[str, Collection[str]] | None = None,
                       ) -> tuple[Vocabularies | None, list[Problem]]:
    """The vocabularies of the page's ``text``, or None and every reason it is refused.
    ``schema``: the repository's (which vocabularies its fields need; the default flags);
    ``used``: vocabulary -> values records hold now, which may not disappear (a value that
    becomes a synonym of another is not lost: records are normalised to its target)."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        return None, [_problem(page, "not-json", "", str(exc)[:120])]
    problems: list[Problem] = []
    vocabs = data.get("vocabularies") if isinstance(data, dict) else None
    if not isinstance(vocabs, dict):
        return None, [_problem(page, "shape", "vocabularies")]
    specs: dict[str, dict[str, Any]] = {}
    labels: dict[str, dict[str, dict[str, str]]] = {}
    for name in schema.vocabularies:
        if name not in vocabs:
            problems.append(_problem(page, "missing", name))
    for name, spec in vocabs.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("values"), list) or not all(
                isinstance(v, str) and v.strip() for v in spec["values"]):
            problems.append(_problem(page, "shape", f"{name}.values"))
            continue
        values: list[str] = [v.strip() for v in spec["values"]]
        for value in values:
            if not plain_value(value):
                problems.append(_problem(page, "value-markup", name, value[:60]))
        keys: dict[str, str] = {}
        for value in values:
            if canon_key(value) in keys:
                problems.append(_problem(page, "duplicate", name, value))
            keys.setdefault(canon_key(value), value)
        synonyms: dict[str, str] = {}
        pairs = spec.get("synonyms", [])
        if isinstance(pairs, dict):  # {"spelling": "value"} is accepted too
            pairs = list(pairs.items())
        if not isinstance(pairs, list) or not all(
                isinstance(p, list | tuple) and len(p) == 2 and all(isinstance(s, str) for s in p)
                for p in pairs):
            problems.append(_problem(page, "shape", f"{name}.synonyms"))
            pairs = []
        for spelling, target in pairs:
            key = canon_key(spelling)
            if not plain_text(spelling, MAX_LABEL):
                problems.append(_problem(page, "value-markup", name, spelling[:60]))
            if target not in values:
                problems.append(_problem(page, "synonym-target", name, f"{spelling} → {target}"))
            elif key in keys or (key in synonyms and synonyms[key] != target):
                problems.append(_problem(page, "duplicate", name, spelling))
            synonyms[key] = target
        base = schema.vocabularies.get(name)
        flags = {flag: bool(spec.get(flag, getattr(base, flag, False)))
                 for flag in ("uppercase", "ordered")}
        # Which values are open: the page's "open" list when it has one (the community may
        # open a new status), else the repository's. A value no longer in the vocabulary is
        # no longer open (removing a value needs no second edit), a synonym stands for its
        # value.
        raw_open = spec.get("open")
        if raw_open is None:
            raw_open = sorted(getattr(base, "open_values", ()))
        if not isinstance(raw_open, list) or not all(isinstance(v, str) for v in raw_open):
            problems.append(_problem(page, "shape", f"{name}.open"))
            raw_open = []
        open_values = sorted({v.strip() if v.strip() in values else synonyms[canon_key(v)]
                              for v in raw_open
                              if v.strip() in values or canon_key(v) in synonyms})
        specs[name] = {"values": values, "synonyms": synonyms, **flags, "open": open_values}
        for value in sorted(set((used or {}).get(name, ())) - set(values)):
            if synonyms.get(canon_key(value)) is None:
                problems.append(_problem(page, "removed-used", name, value))
        raw_labels = spec.get("labels", {})
        if not isinstance(raw_labels, dict):
            problems.append(_problem(page, "shape", f"{name}.labels"))
            continue
        for lang, table in raw_labels.items():
            if not isinstance(table, dict):
                problems.append(_problem(page, "shape", f"{name}.labels.{lang}"))
                continue
            for value, label in table.items():
                if value not in values:
                    problems.append(_problem(page, "unknown-value", name, f"{lang}: {value}"))
                elif not plain_text(label, MAX_LABEL):
                    problems.append(_problem(page, "label-markup", name,
                                             f"{lang}: {value} = {str(label)[:60]}"))
                else:
                    labels.setdefault(lang, {}).setdefault(name, {})[value] = label.strip()
    pillars = _pillars(data.get("pillars"), specs.get("topics", {}).get("values", []), page,
                       problems, labels)
    if problems:
        return None, problems
    return Vocabularies(specs=specs, pillars=pillars, labels=labels), []


def _pillars(raw: Any, topics: Sequence[str], page: str, problems: list[Problem],
             labels: dict[str, dict[str, dict[str, str]]] | None = None,
             ) -> dict[str, list[str]]:
    """{"members": {pillar: [topics]}, "labels": {lang: {pillar: label}}}: each topic in at
    most one pillar; a pillar's name is a plain code, its labels plain text (they head the
    newsletter's groups of new cases, as ``advocacyhub-pillar-<pillar>``)."""
    if raw is None:
        return {}
    members = raw.get("members") if isinstance(raw, dict) else None
    if not isinstance(members, dict) or not all(
            isinstance(t, list) and all(isinstance(x, str) for x in t) for t in members.values()):
        problems.append(_problem(page, "shape", "pillars.members"))
        return {}
    raw_labels = raw.get("labels", {})
    if not isinstance(raw_labels, dict) or not all(isinstance(t, dict)
                                                   for t in raw_labels.values()):
        problems.append(_problem(page, "shape", "pillars.labels"))
        raw_labels = {}
    for lang, table in raw_labels.items():
        for pillar, label in table.items():
            if pillar not in members:
                problems.append(_problem(page, "unknown-value", "pillars", f"{lang}: {pillar}"))
            elif not plain_text(label, MAX_LABEL):
                problems.append(_problem(page, "label-markup", "pillars",
                                         f"{lang}: {pillar} = {str(label)[:60]}"))
            elif labels is not None:
                labels.setdefault(lang, {}).setdefault("pillar", {})[pillar] = label.strip()
    seen: set[str] = set()
    for pillar, members_of in members.items():
        if not plain_value(pillar):
            problems.append(_problem(page, "value-markup", "pillars", pillar[:60]))
        for topic in members_of:
            if topic not in topics:
                problems.append(_problem(page, "unknown-value", "pillars", f"{pillar}: {topic}"))
            elif topic in seen:
                problems.append(_problem(page, "duplicate", "pillars", topic))
            seen.add(topic)
    return {p: list(t) for p, t in members.items()}


def used_values(records: Iterable[Any], schema: Schema) -> dict[str, set[str]]:
    """vocabulary -> the values ``records`` (normalised) hold."""
    out: dict[str, set[str]] = {}
    for record in records:
        try:
            kind = schema.kind(record.kind)
        except KeyError:  # UnknownKind: "page" pseudo-records
            continue
        for fld in kind.fields.values():
            if fld.vocabulary:
                values = record.values(fld.name)
                if values:
                    out.setdefault(fld.vocabulary, set()).update(values)
    return out


# -- translations ------------------------------------------------------------------------------

def signature(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The parameters a message uses, and those it chooses a PLURAL form by."""
    return (frozenset(_PARAM.findall(text)),
            frozenset(m.group(1).strip() for m in _PLURAL.finditer(text)))


def translation_fits(text: str, english: str) -> bool:
    """The same ``$n`` as English; PLURAL only where English has it (a language with one
    form may drop it: zh); the braces balanced."""
    params, plurals = signature(text)
    en_params, en_plurals = signature(english)
    return (params == en_params and plurals <= en_plurals
            and text.count("{{") == text.count("}}"))


# The pieces of wiki markup a message can hold: link openers with their target, templates and
# parser functions by name, tables, tags by name, bold/italics, signatures, behaviour
# switches, entities, external and magic links, list/heading/table starts of a line.
_TOKEN = re.compile(
    r"\[\[\s*[^\]|]*|\[(?=[a-z/])|\{\{\s*[^|}:]*|\{\||\|\}|<\s*/?\s*[a-z0-9]+|''+|~~~+"
    r"|__[a-z]+__|&#?\w+;|[a-z][a-z0-9+.-]*://|(?m:^[*#:;=!])|\b(?:isbn|rfc|pmid)\s*\d"
    r"|\b(?:mailto|news|tel|urn|sips?|sms|xmpp|magnet|geo|bitcoin|irc|ircs|matrix):",
    re.IGNORECASE)
PLAIN_WORDS = _WORDS = frozenset({"{{plural", "{{gender", "{{grammar", "{{formatnum"})


def markup_of(text: str) -> frozenset[str]:
    """The markup ``text`` holds (see _TOKEN), normalised."""
    return frozenset(re.sub(r"\s+", "", t).lower() for t in _TOKEN.findall(text))


def markup_fits(text: str, english: str) -> bool:
    """A translation holds no markup the English message does not (PLURAL, GENDER, GRAMMAR
    and formatnum apart), no line break where English has none, and at most MAX_MESSAGE
    characters: "$1 de $2 casos [[Category:X]]" is refused where English is plain text."""
    if len(text) > MAX_MESSAGE:
        return False
    if _CONTROL.sub("", text.replace("\n", "")) != text.replace("\n", "") or \
            ("\n" in text and "\n" not in english):
        return False
    return markup_of(text) <= markup_of(english) | _WORDS


def parse_translation(text: str, page: str, english: Mapping[str, str],
                      ) -> tuple[dict[str, str], list[Problem]]:
    """The usable messages of a translation page, and a Problem for each refused one (or
    for the whole page, when it is not a JSON object of strings). Keys English does not
    have are ignored (a message the bot no longer uses)."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        return {}, [Problem(page, PAGE_KIND, "", "translation-not-json", str(exc)[:120])]
    if not isinstance(data, dict):
        return {}, [Problem(page, PAGE_KIND, "", "translation-not-json", "not an object")]
    out: dict[str, str] = {}
    problems: list[Problem] = []
    for key, value in data.items():
        if key.startswith("@") or key not in english:
            continue
        if not isinstance(value, str) or not translation_fits(value, english[key]):
            problems.append(Problem(page, PAGE_KIND, key, "translation-parameters",
                                    str(value)[:120]))
            continue
        if not markup_fits(value, english[key]):
            problems.append(Problem(page, PAGE_KIND, key, "translation-markup",
                                    value[:120]))
            continue
        out[key] = value
    return out, problems


def fallback_chain(lang: str, fallbacks: Sequence[str] = (), final: str = "en") -> list[str]:
    """``lang``, MediaWiki's fallbacks for it (``meta=languageinfo``), then ``final``."""
    chain = [lang, *fallbacks]
    if not fallbacks and "-" in lang:  # the wiki did not say: the base language
        chain.append(lang.split("-")[0])
    return list(dict.fromkeys([*chain, final]))
