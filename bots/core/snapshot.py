"""The harvest snapshot: every normalised record, kept on the wiki as JSON pages.

A wiki page holds at most 2 MB, and an incremental run should write one page, not all of them.
So the snapshot is a head page plus shards:

* shards (``…/Snapshot/<n>.json``) hold the records as of the last full harvest or compaction;
* the head (``…/Snapshot.json``) holds the recent-changes watermark, the revision id of every
  page with records, and a delta: the current records of every page changed since the shards
  were written (an empty list when a page lost its records, was deleted or moved away).

Readers (other tools too) materialise the shards with the delta on top.

A shard is a table, not a list of objects: MediaWiki stores JSON pretty-printed, one value a
line, and repeating every key in every record made the shards half as big again (a table is a
third smaller, so a full harvest writes fewer shard pages). ``rows`` hold ``columns`` (the
record's kind, page, instance index, revision id, revision timestamp, problems and the
revision's author) followed by
the values of ``fields``; a field a record does not have is null. :func:`shard_records` reads
one back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bots.core.records import Record

VERSION = 4
SHARD_MAX_RECORDS = 5000
# MediaWiki stores JSON pages pretty-printed (tab-indented): sizes are measured in that stored
# form. Every page the bot writes stays within 512 KiB (bots.core.render.paging.PAGE_BUDGET;
# MediaWiki refuses 2 MiB): a shard is cut below that, with room to spare.
SHARD_MAX_BYTES = 500_000
DELTA_MAX_PAGES = 1000
# "editor" (who saved the revision read) came last, so older shards still read (without it).
COLUMNS = ("kind", "page", "index", "revid", "ts", "problems", "editor")
EMPTY_SHARD = '{"columns": [], "fields": [], "rows": []}'  # stands in for a missing shard page
SHARD_DESCRIPTION = ("Advocacy Hub records (part of the snapshot; see its head page). Each row "
                     "holds the values of 'columns', then of 'fields'; null: no value.")


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def stored_size(data: Any, depth: int = 0) -> int:
    """Bytes ``data`` takes once MediaWiki has pretty-printed it, nested ``depth`` levels.
    MediaWiki also writes <, > and & as \u003C-style escapes (6 bytes, not 1), and the line
    and paragraph separators U+2028/2029 likewise (6 bytes, not 3)."""
    pretty = json.dumps(data, ensure_ascii=False, indent="\t", sort_keys=True)
    escaped = 5 * sum(map(pretty.count, "<>&")) + 3 * sum(map(pretty.count, "\u2028\u2029"))
    return len(pretty.encode()) + escaped + depth * (pretty.count("\n") + 1)


@dataclass
class Snapshot:
    rc_from: str = ""  # timestamp of the newest recent change taken into account
    last_rcid: int = 0
    shard_titles: list[str] = field(default_factory=list)
    revids: dict[str, int] = field(default_factory=dict)  # page -> revision read
    counts: dict[str, list[int]] = field(default_factory=dict)  # page -> [records, invalid]
    base: dict[str, list[Record]] = field(default_factory=dict)  # page -> records (shards)
    delta: dict[str, list[Record]] = field(default_factory=dict)  # page -> records (head)
    full_at: str = ""  # when the last full harvest ran
    schema_hash: str = ""  # records were normalised with this schema; another one: full harvest
    shard_sha1: list[str] = field(default_factory=list)
    # Template redirects to the record templates (alias title -> template), as of the last
    # full harvest: another set of redirects means a full harvest.
    aliases: dict[str, str] | None = field(default_factory=dict)  # None: head predates them

    # -- reading --------------------------------------------------------------------------
    def pages(self) -> dict[str, list[Record]]:
        merged = {**self.base, **self.delta}
        return {page: recs for page, recs in merged.items() if recs}

    def records(self) -> list[Record]:
        out: list[Record] = []
        merged = self.pages()
        for page in sorted(merged):
            out.extend(merged[page])
        return out

    def knows(self, page: str) -> bool:
        return page in self.revids

    # -- changing -------------------------------------------------------------------------
    def set_page(self, page: str, revid: int, records: list[Record]) -> bool:
        """Record what a page holds now; False when nothing changed (same revision read, or
        still no records)."""
        records = [r.public() for r in records]  # nothing private is stored (issue 24)
        if not records:
            if page not in self.revids:
                return False
            del self.revids[page]
            self.counts.pop(page, None)
            self.delta[page] = []
            return True
        if self.revids.get(page) == revid:
            return False
        self.revids[page] = revid
        self.counts[page] = [len(records), sum(not r.valid for r in records)]
        self.delta[page] = records
        return True

    def add_base(self, page: str, revid: int, records: list[Record]) -> None:
        """A page read by a full harvest."""
        records = [r.public() for r in records]
        self.base[page] = records
        self.revids[page] = revid
        self.counts[page] = [len(records), sum(not r.valid for r in records)]

    @property
    def record_count(self) -> int:
        return sum(n for n, _ in self.counts.values())

    @property
    def invalid_count(self) -> int:
        return sum(bad for _, bad in self.counts.values())

    def drop_page(self, page: str) -> bool:
        return self.set_page(page, 0, [])

    def compacted(self) -> Snapshot:
        """The same records with an empty delta (all in shards)."""
        return Snapshot(rc_from=self.rc_from, last_rcid=self.last_rcid,
                        shard_titles=list(self.shard_titles), revids=dict(self.revids),
                        counts=dict(self.counts), base=self.pages(), delta={},
                        full_at=self.full_at,
                        schema_hash=self.schema_hash, shard_sha1=list(self.shard_sha1),
                        aliases=None if self.aliases is None else dict(self.aliases))

    def needs_compaction(self) -> bool:
        return (len(self.delta) > DELTA_MAX_PAGES
                or stored_size(json.loads(self.head_json())) > SHARD_MAX_BYTES)

    # -- serialising ----------------------------------------------------------------------
    def head_json(self) -> str:
        return _dumps({
            "version": VERSION,
            "description": "Advocacy Hub records harvested by the bot. Materialise: the records "
                           "of the shards, then for every page in 'delta' its records replace "
                           "the shards' (an empty list removes the page).",
            "rc_from": self.rc_from,
            "last_rcid": self.last_rcid,
            "full_at": self.full_at,
            "schema": self.schema_hash,
            "aliases": self.aliases,
            "shards": self.shard_titles,
            "shard_sha1": self.shard_sha1,
            "revids": self.revids,
            # Sparse: pages with other than one record, and pages with invalid records.
            "counts": {p: c[0] for p, c in self.counts.items() if c[0] != 1},
            "invalid": {p: c[1] for p, c in self.counts.items() if c[1]},
            "delta": {p: [r.to_json() for r in recs] for p, recs in sorted(self.delta.items())},
        })

    def shard_payloads(self, max_bytes: int | None = None) -> list[str]:
        """The records of ``base`` as tables, split into shards by count and by size (at
        most ``max_bytes`` stored, SHARD_MAX_BYTES by default, but for a single record
        longer than that)."""
        max_bytes = SHARD_MAX_BYTES if max_bytes is None else max_bytes
        records = [rec for page in sorted(self.base) for rec in self.base[page]]
        fields = sorted({name for rec in records for name in rec.fields})
        header = {"version": VERSION, "description": SHARD_DESCRIPTION,
                  "columns": list(COLUMNS), "fields": fields}
        empty = stored_size({**header, "rows": []})
        shards: list[list[list]] = [[]]
        size = empty
        for rec in records:
            row = _row(rec, fields)
            length = stored_size(row, depth=2) + 2  # the row's indentation, comma and newline
            if shards[-1] and (len(shards[-1]) >= SHARD_MAX_RECORDS
                               or size + length > max_bytes):
                shards.append([])
                size = empty
            shards[-1].append(row)
            size += length
        return [_dumps({**header, "rows": rows}) for rows in shards]

    @classmethod
    def from_json(cls, head: str, shards: Iterable[str] = ()) -> Snapshot:
        """The snapshot from its pages; without shards, a head-only view (enough for an
        incremental harvest, which only adds to the delta)."""
        data = json.loads(head)
        if data.get("version") != VERSION:
            raise ValueError(f"snapshot version {data.get('version')} is not {VERSION}")
        delta = {p: [Record.from_json(r) for r in recs] for p, recs in data["delta"].items()}
        snap = cls(rc_from=data["rc_from"], last_rcid=data["last_rcid"],
                   shard_titles=list(data["shards"]), revids=dict(data["revids"]),
                   counts={p: [data.get("counts", {}).get(p, 1), data.get("invalid", {}).get(p, 0)]
                           for p in data["revids"]},
                   delta=delta, full_at=data.get("full_at", ""),
                   schema_hash=data.get("schema", ""),
                   shard_sha1=list(data.get("shard_sha1", [])),
                   aliases=data.get("aliases"))
        snap.add_shards(shards)
        return snap

    def add_shards(self, shards: Iterable[str]) -> None:
        """Fill ``base`` from the shards' texts (a head-only view becomes the whole)."""
        for shard in shards:
            for record in shard_records(json.loads(shard)):
                self.base.setdefault(record.page, []).append(record)


_COLUMN_DEFAULTS = {"index": 0, "revid": 0, "ts": ""}  # what Record.to_json leaves out


def _row(rec: Record, fields: list[str]) -> list:
    data = rec.to_json()
    return ([data.get(c, _COLUMN_DEFAULTS.get(c)) for c in COLUMNS]
            + [rec.fields.get(name) for name in fields])


def shard_records(data: dict[str, Any]) -> list[Record]:
    """The records of one shard (its parsed JSON)."""
    columns, fields = data["columns"], data["fields"]
    out = []
    for row in data["rows"]:
        meta = {k: v for k, v in zip(columns, row, strict=False) if v is not None}
        values = row[len(columns):]
        meta["fields"] = {name: value for name, value in zip(fields, values, strict=True)
                          if value is not None}
        out.append(Record.from_json(meta))
    return out


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()
