"""One field value as safe wikitext, in the reader's language, by field type."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

from bots.core.dates import event_when, utc_of
from bots.core.messages import Messages
from bots.core.places import jurisdiction_name, language_autonym
from bots.core.records import Record
from bots.core.schema import Field, RecordKind, Schema
from bots.core.wikitext import escape, isolate, page_link, url_link, user_link


@dataclass
class CellRenderer:
    schema: Schema
    msgs: Messages

    @property
    def lang(self) -> str:
        return self.msgs.lang

    def value_label(self, fld: Field, value: str) -> str:
        """Plain (unescaped) label of one value: translated vocabulary labels, country names
        from CLDR, language autonyms."""
        if fld.type == "enum":
            return self.msgs.label(fld.vocabulary or "", value)
        if fld.type == "jurisdiction":
            key = f"advocacyhub-jurisdiction-{value.lower()}"
            return self.msgs(key) if self.msgs.has(key) else jurisdiction_name(value, self.lang)
        if fld.type == "language":
            return language_autonym(value)
        if fld.type == "bool":
            return self.msgs(f"advocacyhub-{value}") if value in ("yes", "no") else value
        return value

    def one(self, fld: Field, value: str) -> str:
        if fld.type == "username":
            return user_link(value)
        if fld.type == "page":
            return page_link(value)
        if fld.type == "url":
            return url_link(value, urlparse(value).netloc or value)
        if fld.type == "text":
            return isolate(value, 300)
        return escape(self.value_label(fld, value))

    def cell(self, kind: RecordKind, record: Record, fld: Field) -> str:
        if not record.shows(fld.name):  # kept off public pages (a low-profile advocate's place)
            return f"<small>{escape(self.msgs('advocacyhub-not-shown'))}</small>"
        if fld.name == kind.label_field:
            label = record.value(fld.name) or record.page
            return user_link(label) if fld.type == "username" else page_link(record.page, label)
        if fld.name == "start" and "end" in kind.fields and fld.type == "date":
            return escape(years(record))
        if fld.name == "start" and fld.type == "datetime" and "timezone" in kind.fields:
            return escape(self.when(record))
        return ", ".join(self.one(fld, v) for v in record.values(fld.name))

    def when(self, record: Record) -> str:
        """An event's date, time and time zone, with the UTC time beside it: the same on
        every page that shows an event (bots.core.dates.event_when)."""
        local, zone, utc = event_when(record.value("start"), record.value("end"),
                                      record.value("timezone"))
        if utc:
            return self.msgs("advocacyhub-event-when", local, zone, utc)
        return f"{local} {zone}" if zone else local

    def sort_key(self, kind: RecordKind, record: Record, fld: Field) -> str:
        """What a sortable column sorts by (dates as ISO, labels as shown)."""
        values = record.values(fld.name) if record.shows(fld.name) else []
        if not values:
            return ""
        if fld.type == "datetime" and "timezone" in kind.fields:  # events sort by UTC
            return utc_of(values[0], record.value("timezone"))
        if fld.type in ("date", "datetime"):
            return values[0]
        return self.value_label(fld, values[0]).lower()


def years(record: Record) -> str:
    start, end = record.value("start")[:4], record.value("end")[:4]
    if not start:
        return ""
    ongoing = "status" in record.declared.fields and record.value("status") in (
        "active", "monitoring")
    if ongoing and not end:
        return f"{start}–"
    if not end or end == start:
        return start
    return f"{start}–{end}"
