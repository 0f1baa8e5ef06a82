"""Field values: from what an editor typed to the canonical form, with a Problem for each
thing that is wrong. Driven entirely by the schema's field declarations."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from functools import cache

from bots.core.dates import normalise_date, normalise_datetime, normalise_month
from bots.core.places import (
    Geography,
    load_geography,
    normalise_language,
    suggest_language,
)
from bots.core.records import Problem, Record, Value
from bots.core.schema import CODE_TYPES, Field, RecordKind, Schema
from bots.core.vocab import suggest

_TITLE_ILLEGAL = re.compile(r"[#<>\[\]|{}\x00-\x1f\x7f]")
_USER_ILLEGAL = re.compile(r"[#<>\[\]|{}/@:\x00-\x1f\x7f]")
_URL = re.compile(r"^https?://[^\s<>\[\]\"{}|]+$", re.IGNORECASE)
_WIKI_LINK = re.compile(r"^\[\[\s*:?([^\[\]|]+?)\s*(?:\|[^\[\]]*)?\]\]$")
_EXT_LINK = re.compile(r"^\[\s*(\S+)(?:\s+[^\]]*)?\]$")
_USER_PREFIX = re.compile(r"^(?:(?:user|user[ _]talk|u)\s*:|special\s*:\s*contributions\s*/)\s*",
                          re.IGNORECASE)
_TRUE = {"yes", "y", "true", "1", "on", "x", "sí", "si", "是"}
_FALSE = {"no", "n", "false", "0", "off", "否"}
MAX_TEXT = 10_000


def split_values(raw: str, fld: Field) -> list[str]:
    """Split a multi-valued field. Free text and names only split on ";" and new lines (names
    such as "German, Czech Wikipedia communities" hold commas); codes also split on ","."""
    pattern = r"[;\n]" if fld.type not in CODE_TYPES else r"[;,\n]"
    items = [re.sub(r"^[*#•·\-]\s*", "", part.strip()) for part in re.split(pattern, raw)]
    return [item.strip() for item in items if item.strip()]


def _title_case(title: str) -> str:
    title = re.sub(r"[\s_]+", " ", title).strip()
    return title[:1].upper() + title[1:]


@cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class FieldNormaliser:
    """Normalises one value of one field; returns (value or None, problem code, suggestions)."""

    def __init__(self, schema: Schema, geography: Geography) -> None:
        self.schema = schema
        self.geo = geography
        self._by_type: dict[str, Callable[[Field, str], tuple[str | None, str, list[str]]]] = {
            "text": self._text,
            "date": self._date,
            "datetime": self._datetime,
            "month": self._month,
            "username": self._username,
            "page": self._page,
            "url": self._url,
            "enum": self._enum,
            "bool": self._bool,
            "jurisdiction": self._jurisdiction,
            "language": self._language,
            "timezone": self._timezone,
        }

    def __call__(self, fld: Field, raw: str) -> tuple[str | None, str, list[str]]:
        return self._by_type[fld.type](fld, raw)

    def _text(self, fld: Field, raw: str) -> tuple[str | None, str, list[str]]:
        limit = fld.max_length or MAX_TEXT
        if len(raw) > limit:
            return raw[:limit], "too-long", []
        return raw, "", []

    def _date(self, fld: Field, raw: str) -> tuple[str | None, str, list[str]]:
        value = normalise_date(raw)
        return (value, "", []) if value else (None, "bad-date", [])

    def _month(self, fld: Field, raw: str) -> tuple[str | None, str, list[str]]:
        value = normalise_month(raw)
        return (value, "", []) if value else (None, "bad-month", [])

    def _datetime(self, fld: Field, raw: str) -> tuple[str | None, str, list[str]]:
        value = normalise_datetime(raw)
        return (value, "", []) if value else (None, "bad-datetime", [])

    def _username(self, fld: Field, raw: str) -> tuple[str | None, str, list[str]]:
        m = _WIKI_LINK.match(raw)
        name = m.group(1) if m else raw
        name = _title_case(_USER_PREFIX.sub("", name.strip()))
        if not name or len(name) > 85 or _USER_ILLEGAL.search(name):
            return None, "bad-username", []
        return name, "", []

    def _page(self, fld: Field, raw: str) -> tuple[str | None, str, list[str]]:
        m = _WIKI_LINK.match(raw)
        title = _title_case(m.group(1) if m else raw)
        if not title or len(title.encode()) > 255 or _TITLE_ILLEGAL.search(title):
            return None, "bad-page", []
        return title, "", []

    def _url(self, fld: Field, raw: str) -> tuple[str | None, str, list[str]]:
        m = _EXT_LINK.match(raw.strip())
        url = m.group(1) if m else raw.strip()
        if len(url) > 2000 or not _URL.match(url):
            return None, "bad-url", []
        return url, "", []

    def _enum(self, fld: Field, raw: str) -> tuple[str | None, str, list[str]]:
        vocab = self.schema.vocabularies[fld.vocabulary or ""]
        value = vocab.lookup(raw)
        return (value, "", []) if value else (None, "unknown-value", vocab.suggest(raw))

    def _bool(self, fld: Field, raw: str) -> tuple[str | None, str, list[str]]:
        key = raw.strip().lower()
        if key in _TRUE:
            return "yes", "", []
        if key in _FALSE:
            return "no", "", []
        return None, "bad-bool", ["yes", "no"]

    def _jurisdiction(self, fld: Field, raw: str) -> tuple[str | None, str, list[str]]:
        value = self.geo.normalise(raw)
        return (value, "", []) if value else (None, "unknown-jurisdiction", self.geo.suggest(raw))

    def _language(self, fld: Field, raw: str) -> tuple[str | None, str, list[str]]:
        value = normalise_language(raw)
        return (value, "", []) if value else (None, "unknown-language", suggest_language(raw))

    def _timezone(self, fld: Field, raw: str) -> tuple[str | None, str, list[str]]:
        text = raw.strip().replace(" ", "_")
        if text.upper() in {"UTC", "GMT", "Z"}:
            return "UTC", "", []
        zones = _timezones()
        if text in zones:
            return text, "", []
        for zone in zones:
            if zone.lower() == text.lower():
                return zone, "", []
        return None, "unknown-timezone", suggest(text, zones)


def normalise_record(kind: RecordKind, page: str, raw: dict[str, str], schema: Schema,
                     geography: Geography | None = None, known: list[Problem] | None = None,
                     ) -> tuple[dict[str, Value], list[Problem]]:
    """Canonical fields of one record, and every problem found (one per wrong value).
    ``known``: problems already found in the template call (e.g. misspelled parameters)."""
    known = known or []
    geo = geography or load_geography()
    norm = FieldNormaliser(schema, geo)
    fields: dict[str, Value] = {}
    problems: list[Problem] = []

    def problem(fld: Field, code: str, value: str = "", sugg: list[str] | None = None,
                severity: str = "error") -> None:
        problems.append(Problem(page=page, kind=kind.name, field=fld.name, code=code,
                                value=value[:200], suggestions=tuple(sugg or ()),
                                severity=severity))

    for fld in kind.fields.values():
        text = raw.get(fld.name, "").strip()
        if not text and fld.default is not None:
            text = fld.default
        if not text:
            continue
        items = split_values(text, fld) if fld.multiple else [text]
        values: list[str] = []
        for item in items:
            value, code, sugg = norm(fld, item)
            if code:
                problem(fld, code, item, sugg)
            if value is not None and value not in values:
                values.append(value)
        if values:
            fields[fld.name] = values if fld.multiple else values[0]

    for fld in kind.fields.values():
        if fld.derive and fld.name not in fields:
            derived: list[str] = []
            source = fields.get(fld.derive, [])
            for code in [source] if isinstance(source, str) else source:
                derived += [r for r in geo.regions(code) if r not in derived]
            if derived:
                order = schema.vocabularies[fld.vocabulary or ""].values
                fields[fld.name] = sorted(derived, key=order.index)
        if fld.required and fld.name not in fields and not any(
            p.field == fld.name or fld.name in p.suggestions for p in [*problems, *known]
        ):
            # Not when a misspelled parameter already points here: one error per problem.
            problem(fld, "missing")

    start, end = fields.get("start"), fields.get("end")
    if isinstance(start, str) and isinstance(end, str) and end[: len(start)] < start[: len(end)]:
        problem(kind.field("end"), "end-before-start", end)
    return fields, problems


def make_record(kind: RecordKind, page: str, raw: dict[str, str], schema: Schema, *,
                index: int = 0, revid: int = 0, timestamp: str = "",
                extra_problems: list[Problem] | None = None) -> Record:
    fields, problems = normalise_record(kind, page, raw, schema, known=extra_problems)
    return Record(kind=kind.name, page=page, fields=fields, index=index, revid=revid,
                  timestamp=timestamp, problems=[*(extra_problems or []), *problems])
