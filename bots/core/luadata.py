"""What Module:Advocacy reads on the wiki, as JSON generated from the schema (issue 15).

* ``Module:Advocacy/Schema.json``: the record kinds (fields, types, aliases, required ...), the
  valid jurisdictions, and the messages the module shows (problem warnings, the tracking
  category) in every language of the message files. A pure function of the schema and the
  message files; regenerated and installed with the templates.
* ``Module:Advocacy/Vocabularies.json``: every vocabulary's values, synonyms and labels per
  language. ``templates install`` creates it only when missing: from then on the wiki's page
  belongs to the community.

Lists rather than objects wherever order matters (Lua tables from JSON objects have none):
"did you mean" breaks ties by candidate order, as bots.core.vocab.suggest does.
"""

from __future__ import annotations

import json
from typing import Any

import pycountry

from bots.core.messages import Messages, available_languages
from bots.core.places import Geography, jurisdiction_name, load_geography
from bots.core.schema import Schema

SCHEMA_PAGE = "Module:Advocacy/Schema.json"
VOCABULARIES_PAGE = "Module:Advocacy/Vocabularies.json"
# Where the module finds the bot's compact case table and the vocabularies (the profile's
# [hub] vocabularies_page): profile-dependent, written by install.
CONFIG_PAGE = "Module:Advocacy/Config.json"
# Place names in every language of the message files (CLDR, through Babel, as the bot shows
# them): a record's side box shows "Sweden", "Suecia", "瑞典", not SE.
PLACES_PAGE = "Module:Advocacy/Places.json"
VERSION = 1

# Problems the module finds while an editor previews (the bot's maintenance report has them all).
CHECK_CODES = ("unknown-value", "bad-date", "bad-datetime", "bad-month", "unknown-jurisdiction",
               "missing", "unknown-field", "positional", "bad-bool", "too-long", "bad-username",
               "bad-page", "bad-url", "end-before-start")
# Problems of an {{Advocacy cases}} query (bots.core.casequery.Problem codes).
QUERY_CODES = ("unknown-param", "unknown-value", "bad-limit", "bad-order", "unknown-column")
MODULE_MESSAGES = (*(f"advocacyhub-problem-{c}" for c in CHECK_CODES),
                   "advocacyhub-did-you-mean", "advocacyhub-check-warning",
                   "advocacyhub-category-problems", "advocacyhub-cases-query-unavailable",
                   *(f"advocacyhub-cases-problem-{c}" for c in QUERY_CODES),
                   "advocacyhub-cases-problems", "advocacyhub-category-cases-problems",
                   "advocacyhub-cases-query-none", "advocacyhub-cases-query-section",
                   "advocacyhub-check-private-typed",
                   # A record's side box: the line back to the hub.
                   "advocacyhub-nav-hub", "advocacyhub-nav-cases", "advocacyhub-record-hub-line",
                   # ... and the row of the cases that cite the case.
                   "advocacyhub-case-cited-by")


def dumps(data: Any) -> str:
    """JSON as MediaWiki stores it (tab-indented), so the committed file reads like the page."""
    return json.dumps(data, ensure_ascii=False, indent="\t") + "\n"


def _jurisdictions(geo: Geography) -> dict[str, Any]:
    # What Geography.normalise accepts, as tables: codes, supranational codes, the project's
    # aliases, and pycountry's lookup keys (alpha-3, numeric, names), lower-cased.
    lookup: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("alpha_3", "numeric", "name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                lookup.setdefault(value.lower(), c.alpha_2)
    # Suggestion pool (Geography.suggest): supranational codes, then country names.
    names = [[c.name, c.alpha_2] for c in pycountry.countries]
    return {"codes": sorted(geo.region_of), "supranational": list(geo.supranational),
            "aliases": dict(sorted(geo.aliases.items())), "lookup": dict(sorted(lookup.items())),
            "names": names}


def schema_data(schema: Schema, geo: Geography | None = None) -> dict[str, Any]:
    geo = geo or load_geography()
    langs = available_languages()
    kinds = {}
    for kind in schema.kinds.values():
        fields = []
        for fld in kind.fields.values():
            spec: dict[str, Any] = {"name": fld.name, "type": fld.type}
            for key in ("multiple", "required", "suggested", "private"):
                if getattr(fld, key):
                    spec[key] = True
            for key in ("vocabulary", "default", "facet", "max_length", "target"):
                if getattr(fld, key) is not None:
                    spec[key] = getattr(fld, key)
            if fld.aliases:
                spec["aliases"] = list(fld.aliases)
            fields.append(spec)
        kinds[kind.name] = {"template": kind.template, "label_field": kind.label_field,
                            "columns": list(kind.column_names), "fields": fields}
        if kind.private_when:
            kinds[kind.name]["private_when"] = list(kind.private_when)
    names = sorted({f.name for kind in schema.kinds.values() for f in kind.fields.values()})
    messages = {lang: {**{key: Messages(lang).raw(key) for key in MODULE_MESSAGES},
                       # The side box's row labels, in the page's language.
                       **{f"advocacyhub-field-{n}": Messages(lang).field_label(n)
                          for n in names}}
                for lang in langs}
    return {
        "version": VERSION,
        "description": "Generated by the Advocacy Hub bot from its config/schema.toml: do not "
                       "edit here (run `advocacy-bot templates build`).",
        "kinds": kinds,
        "jurisdictions": _jurisdictions(geo),
        "languages": langs,
        "messages": messages,
    }


def places_data(geo: Geography | None = None) -> dict[str, Any]:
    """lang -> code -> the place's name, for every jurisdiction code the bot accepts."""
    geo = geo or load_geography()
    out = {}
    for lang in available_languages():
        msgs = Messages(lang)
        names = {}
        for code in sorted({*geo.region_of, *geo.supranational}):
            key = f"advocacyhub-jurisdiction-{code.lower()}"
            names[code] = msgs(key) if msgs.has(key) else jurisdiction_name(code, lang)
        out[lang] = names
    return {"version": VERSION,
            "description": "Place names in every language, from CLDR (Babel), written by the "
                           "Advocacy Hub bot: do not edit here.",
            "names": out}


def places_json() -> str:
    return dumps(places_data())


def vocabularies_data(schema: Schema) -> dict[str, Any]:
    langs = available_languages()
    out: dict[str, Any] = {}
    for name, vocab in schema.vocabularies.items():
        labels = {}
        for lang in langs:
            msgs = Messages(lang)
            labels[lang] = {v: msgs.label(name, v) for v in vocab.values}
        out[name] = {"values": list(vocab.values),
                     "synonyms": [[k, v] for k, v in vocab.synonyms.items()],
                     "labels": labels}
        if vocab.open_values:  # the status values that keep a case open (review due)
            out[name]["open"] = [v for v in vocab.values if v in vocab.open_values]
    return {"version": VERSION,
            "description": "The Advocacy Hub's controlled vocabularies: values, synonyms "
                           "([spelling, value]) and labels per language.",
            "vocabularies": out,
            "pillars": {"members": pillar_members(schema)}}


def pillar_members(schema: Schema) -> dict[str, list[str]]:
    """pillar -> its topics, in the topics' order (the newsletter groups cases by them)."""
    out: dict[str, list[str]] = {}
    for topic, pillar in schema.pillars.items():
        out.setdefault(pillar, []).append(topic)
    return out


def schema_json(schema: Schema) -> str:
    return dumps(schema_data(schema))


def vocabularies_json(schema: Schema) -> str:
    return dumps(vocabularies_data(schema))


def config_json(cases_page: str, vocabularies_page: str = VOCABULARIES_PAGE,
                in_effect: str | None = None, prefixes: dict[str, str] | None = None,
                hub: dict[str, Any] | None = None) -> str:
    """``in_effect``: the bot's copy of the vocabularies revision it uses, read first;
    ``prefixes``: kind -> where its pages are (a page field's bare names are under it);
    ``hub``: where a record's side box links (``root``, ``cases``, ``browse``: kind -> the
    base of its browse-by pages, ``languages``, ``base_lang``)."""
    data: dict = {"cases": cases_page, "vocabularies": vocabularies_page}
    if prefixes:
        data["prefixes"] = prefixes
    data.update(hub or {})
    return dumps({**data, "effective": in_effect} if in_effect else data)
