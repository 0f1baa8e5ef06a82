"""`run harvest`: every record on the wiki, normalised and validated, into the JSON snapshot.

Full harvest: list the ids of every page that transcludes {{Advocacy record}} (every record
template transcludes it where it is used), 5,000 a request, then fetch their text, 500 pages a
request, parsing each batch while the next one downloads. Incremental harvest: the wiki's recent
changes since the snapshot's watermark name the pages to fetch again, and deletions and moves;
pages unseen before are fetched only if they transclude the marker.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import timedelta

from mwparserfromhell.parser import ParserError

from bots import statepages
from bots.core.casetable import VERSION as CASE_TABLE_VERSION
from bots.core.casetable import case_table, delta_rows, table_columns, used_values
from bots.core.parse import find_records
from bots.core.records import Problem, Record
from bots.core.schema import Schema
from bots.core.snapshot import EMPTY_SHARD, SHARD_MAX_BYTES, Snapshot, sha1
from bots.core.statedata import mapping_of, part
from bots.core.times import parse_time
from bots.core.wikitemplates import RECORD_MARKER
from bots.errors import AliasesChanged, StateDamaged
from bots.jobs.common.governance import record_used
from bots.jobs.common.reports import report, reported
from bots.jobs.common.snapshots import (
    load_snapshot,
    parse_head,
    schema_hash,
    shard_title,
    use_aliases,
)
from bots.jobs.common.statepage import read_state
from bots.jobs.context import JobContext
from bots.progress import progress
from bots.wiki.listings import recent_changes, with_template
from bots.wiki.pages import (
    PageText,
    fetch_texts,
    prefetched,
    template_redirects,
    transcluding_ids,
)

log = logging.getLogger(__name__)

FULL_EVERY = timedelta(days=30)  # recent changes are kept 90 days; re-read everything well before


def page_records(title: str, text: str, revid: int, timestamp: str,
                 schema: Schema, editor: str = "") -> list[Record]:
    try:
        records = find_records(text, title, schema, revid=revid, timestamp=timestamp)
        for record in records:  # who saved it: the review-due lists name them
            record.editor = editor
        return records
    # A page the parser cannot read must not stop the harvest: mwparserfromhell's ParserError
    # (its own bug, it says) or RecursionError (markup nested too deep), and what normalising
    # an odd value can raise (ValueError, and SchemaError, a ValueError; KeyError, IndexError,
    # TypeError on a shape the normaliser did not expect).
    except (ParserError, RecursionError, ValueError, KeyError, IndexError, TypeError) as exc:
        log.exception("cannot parse [[%s]]", title)
        problem = Problem(title, "page", "", "unparsable", str(exc)[:200])
        return [Record(kind="page", page=title, fields={}, revid=revid, problems=[problem])]


def load_head(ctx: JobContext) -> tuple[PageText, Snapshot | None, PageText]:
    """The head, the snapshot it describes (None: none yet, or a head whose parts are
    damaged, which the full harvest this leads to rebuilds) and the case table's head, read
    in the same request."""
    title = ctx.profile.state_page(statepages.SNAPSHOT)
    cases = ctx.profile.state_page(statepages.CASES)
    reports = ctx.profile.state_page(statepages.REPORTS)
    try:
        pages = ctx.wiki.read([title, cases, reports])
    except StateDamaged as exc:
        log.error("%s: rebuilding the snapshot", exc)
        pages = ctx.wiki.read([title, cases], join=False)
        return pages[title], None, pages[cases]
    # A shard or case table part some job found damaged (issue 25): rebuilt from the wiki.
    if _damaged_parts(ctx, pages[reports].text):
        return pages[title], None, pages[cases]
    return pages[title], parse_head(pages[title], ctx), pages[cases]


def _damaged_parts(ctx: JobContext, reports_text: str | None) -> bool:
    """Whether a job reported a part of the snapshot or of the case table damaged; the
    report is taken back (the full harvest that follows rebuilds them)."""
    state = [p for p in reported(reports_text) if p.code == "state-damaged"]
    parts = (ctx.profile.state_page(statepages.SNAPSHOT_SHARDS),
             ctx.profile.state_page(statepages.CASES_PARTS))
    hit = [p for p in state if p.page.startswith(parts)]
    if hit:
        log.error("damaged: %s: rebuilding the snapshot", ", ".join(p.page for p in hit))
        report(ctx, "state", [p for p in state if p not in hit])
    return bool(hit)


def record_templates(ctx: JobContext) -> list[str]:
    return [f"Template:{name}" for name in ctx.schema.template_names]


def no_record(title: str, revid: int) -> Record:
    """A page that transcludes a record template where the bot reads no record: reported, so
    that nothing MediaWiki files as a record is silently missing from the hub."""
    problem = Problem(title, "page", "", "no-record-found", "")
    return Record(kind="page", page=title, fields={}, revid=revid, problems=[problem])


def full_harvest(ctx: JobContext, old: Snapshot | None) -> Snapshot:
    # The watermark is the newest recent change when the listing began: whatever changes
    # while the pages are read is read again by the next incremental run.
    pageids, latest, aliases = transcluding_ids(ctx.site, f"Template:{RECORD_MARKER}",
                                                redirects_of=record_templates(ctx))
    ctx.schema = ctx.schema.with_redirects(aliases)
    # A page that used a redirect's title before the redirect existed is listed under that
    # title in MediaWiki's link tables (its marker comes only when the page is parsed again):
    # list those too, so it is found now, not at the next full harvest.
    for alias in sorted(aliases):
        pageids.extend(transcluding_ids(ctx.site, alias)[0])
    pageids = list(dict.fromkeys(pageids))
    # No recent change at all (a new wiki): every change from now on is new to the snapshot.
    rc_from, last_rcid = latest or ("1970-01-01T00:00:00Z", 0)
    snap = Snapshot(rc_from=rc_from, last_rcid=last_rcid, schema_hash=schema_hash(ctx),
                    full_at=ctx.now().isoformat(timespec="seconds"), aliases=aliases)
    # List first (5,000 ids a request for a bot), then fetch text 500 pages a request:
    # pywikibot's own content generator stops at 250 a request.
    texts = fetch_texts(ctx.site, pageids, ctx.wiki.batch_size)
    for page in progress(prefetched(texts, ahead=ctx.wiki.batch_size), len(pageids), "pages"):
        ctx.stats.pages_read += 1
        records = page_records(page.title, page.text, page.revid, page.timestamp, ctx.schema,
                               page.user)
        snap.add_base(page.title, page.revid, records or [no_record(page.title, page.revid)])
    if old is not None:
        snap.shard_titles, snap.shard_sha1 = old.shard_titles, old.shard_sha1
    return snap


def _changed_titles(ctx: JobContext, snap: Snapshot, changes: Iterable[dict] | None = None,
                    ) -> tuple[set[str], set[str], str, int, bool]:
    """Pages to read again, pages gone, the new watermark, and whether any template changed
    (created, moved, deleted: a redirect to a record template may have come or gone).
    ``changes``: the recent changes from the watermark as the watcher already read them
    (bots.jobs.watch); None: read them now."""
    changed: set[str] = set()
    gone: set[str] = set()
    rc_from, last_rcid = snap.rc_from, snap.last_rcid
    state_prefix = ctx.profile.state_page("")
    templates = False
    if changes is None:
        changes = recent_changes(ctx.site, snap.rc_from, exclude=ctx.profile.bot_user)
    for change in changes:
        rcid = int(change["rcid"])
        if rcid <= snap.last_rcid:
            continue
        rc_from, last_rcid = change["timestamp"], max(last_rcid, rcid)
        title = change.get("title")
        if not title:  # a log entry whose action was hidden: no page to read
            continue
        templates |= change.get("ns") == 10
        if title.startswith(state_prefix):
            continue
        if change["type"] == "log":
            params = change.get("logparams", {})
            if change.get("logtype") == "delete" and change.get("logaction") in (
                    "delete", "delete_redir"):
                gone.add(title)
                changed.discard(title)
                continue
            if change.get("logtype") == "move":
                target = params.get("target_title")
                if target:
                    changed.add(target)
            changed.add(title)  # restores, moves (the old title is now a redirect), imports
            continue
        changed.add(title)
        gone.discard(title)
    return changed, gone, rc_from, last_rcid, templates


def _with_marker(ctx: JobContext, titles: list[str]) -> set[str]:
    """Of pages the snapshot does not know, those that transclude {{Advocacy record}} (one
    light request per 500 titles, no page text)."""
    return with_template(ctx.site, titles, f"Template:{RECORD_MARKER}", ctx.wiki.batch_size)


def incremental_harvest(ctx: JobContext, snap: Snapshot,
                        changes: Iterable[dict] | None = None) -> bool:
    """Bring ``snap`` up to date; True when its records changed."""
    changed, gone, rc_from, last_rcid, templates = _changed_titles(ctx, snap, changes)
    if templates and template_redirects(ctx.site, record_templates(ctx)) != (snap.aliases or {}):
        raise AliasesChanged()
    use_aliases(ctx, snap)
    unknown = sorted(t for t in changed if not snap.knows(t))
    to_read = sorted(t for t in changed if snap.knows(t))
    marked: set[str] = set()
    if unknown:
        marked = _with_marker(ctx, unknown)
        to_read += sorted(marked)
    dirty = False
    for title in gone:
        dirty |= snap.drop_page(title)
    read = ctx.wiki.read(to_read)
    found: dict[str, list[Record]] = {}
    for title, page in read.items():
        if not page.exists or page.page.isRedirectPage():
            dirty |= snap.drop_page(title)
            continue
        found[title] = page_records(page.title, page.text or "", page.revid, page.timestamp,
                                    ctx.schema, page.user)
    # A known page that has no record any more may still show one (through a wrapper): it
    # is reported, not dropped. One light request, only when such pages exist.
    emptied = [t for t, recs in found.items() if not recs and t not in marked]
    if emptied:
        marked |= _with_marker(ctx, emptied)
    for title, records in found.items():
        page = read[title]
        if not records and title in marked:
            records = [no_record(page.title, page.revid)]
        dirty |= snap.set_page(page.title, page.revid, records)
    # Advance the watermark; it is saved with the next write of the head.
    snap.rc_from, snap.last_rcid = rc_from, last_rcid
    return dirty


def write_snapshot(ctx: JobContext, head: PageText, snap: Snapshot, *, shards: bool) -> None:
    summary = ctx.summary("advocacyhub-summary-snapshot", len(snap.revids))
    if shards:
        # Below the page budget (a lower one than the default too): never stored in parts.
        payloads = snap.shard_payloads(min(SHARD_MAX_BYTES, ctx.wiki.page_budget * 95 // 100))
        titles = [shard_title(ctx, i + 1) for i in range(len(payloads))]
        hashes = [sha1(p) for p in payloads]
        stale = [t for i, t in enumerate(titles)
                 if i >= len(snap.shard_sha1) or snap.shard_sha1[i] != hashes[i]
                 or snap.shard_titles[i:i + 1] != [t]]
        known = set(snap.shard_titles)  # pages that exist already; the rest are created
        # Shards are rebuilt whole: a damaged one (its parts) is overwritten, not read.
        current = ctx.wiki.read([t for t in stale if t in known], join=False)
        current.update({t: ctx.wiki.missing(t) for t in stale if t not in known})
        for title, payload in zip(titles, payloads, strict=True):
            if title in current:
                ctx.wiki.save(current[title], payload, summary)
        snap.shard_titles, snap.shard_sha1 = titles, hashes
        snap.delta = {}
    ctx.wiki.save(head, snap.head_json(), summary)


def _whole(ctx: JobContext, snap: Snapshot) -> dict[str, list[Record]]:
    """Every page's records: the shards (read) with the delta on top."""
    if snap.base or not snap.shard_titles:
        return snap.pages()
    shards = ctx.wiki.read(snap.shard_titles)
    whole = Snapshot()
    whole.add_shards(shards[t].text or EMPTY_SHARD for t in snap.shard_titles)
    return {p: r for p, r in {**whole.base, **snap.delta}.items() if r}


def write_case_table(ctx: JobContext, snap: Snapshot, head: PageText, *, shards: bool) -> None:
    """The compact case table, kept like the snapshot: its parts are written with the shards
    (those whose hash changed), its ``head`` (labels, parts, the delta's rows) with the head."""
    summary = ctx.summary("advocacyhub-summary-snapshot", len(snap.revids))
    old = read_state(ctx, head) if head.exists else {}
    old_parts = list(part(old, "parts", list, list))
    old_hashes = list(part(old, "sha1", list, list))
    labels = mapping_of(old, "labels", dict)
    for lang in labels:
        mapping_of(labels[lang], "values", dict)
    budget = min(SHARD_MAX_BYTES, ctx.wiki.page_budget * 95 // 100)
    # The parts hold the snapshot's shards as the head says; parts built from other shards (a
    # run that wrote new shards and stopped before the table) are rebuilt, not patched.
    if not shards and old_parts and old.get("version") == CASE_TABLE_VERSION and \
            old.get("shards") == list(snap.shard_sha1) and labels:
        # The head alone: the labels of the parts' values (as they were) and the delta's.
        delta = delta_rows(snap.delta, ctx.schema)
        also = used_values(ctx.schema, table_columns(ctx.schema.kind("case")),
                           [row for rows in delta.values() for row in rows])
        for values in labels.values():
            for name, labelled in values["values"].items():
                also.setdefault(name, set()).update(labelled)
        table = case_table([], ctx.schema, ctx.profile.languages, budget, also,
                           messages=ctx.messages)
        ctx.wiki.save(head, table.head_json(old_parts, old_hashes, delta, snap.shard_sha1),
                      summary)
        return
    # The parts as of the shards (a head missing or outdated: from the shards read now).
    base = snap.base if shards else _whole(ctx, snap)
    table = case_table([r for page in sorted(base) for r in base[page]], ctx.schema,
                       ctx.profile.languages, budget, messages=ctx.messages)
    titles = [ctx.profile.state_page(statepages.case_table_part(i + 1))
              for i in range(len(table.parts))]
    stale = [i for i, t in enumerate(titles)
             if old_parts[i:i + 1] != [t] or old_hashes[i:i + 1] != [table.hashes[i]]]
    current = ctx.wiki.read([titles[i] for i in stale], join=False)
    for i in stale:
        ctx.wiki.save(current[titles[i]], table.parts[i], summary)
    ctx.wiki.save(head, table.head_json(titles, delta={} if shards else None,
                                        shards=snap.shard_sha1), summary)


def _needs_full(ctx: JobContext, snap: Snapshot | None) -> str:
    if snap is None:
        return "no snapshot yet"
    if snap.schema_hash != schema_hash(ctx):
        return "the schema changed"
    if snap.aliases is None:
        return "the snapshot does not know the template redirects yet"
    full_at = parse_time(snap.full_at) if snap.full_at else None
    if full_at is None or ctx.now() - full_at > FULL_EVERY:
        return "the last full harvest is old"
    return ""


def run(ctx: JobContext, *, full: bool = False,
        changes: Iterable[dict] | None = None) -> Snapshot:
    """Harvest; ``changes``: the recent changes since the watermark, already read (the
    watcher's), instead of reading them."""
    head, old, cases = load_head(ctx)
    reason = "asked for" if full else _needs_full(ctx, old)
    if reason:
        log.info("full harvest: %s", reason)
        snap = full_harvest(ctx, old)
        write_snapshot(ctx, head, snap, shards=True)
        write_case_table(ctx, snap, cases, shards=True)
    else:
        assert old is not None
        snap = old
        try:
            dirty = incremental_harvest(ctx, snap, changes)
        except AliasesChanged:
            log.info("full harvest: the redirects to the record templates changed")
            reason = "template redirects changed"
            snap = full_harvest(ctx, old)
            write_snapshot(ctx, head, snap, shards=True)
            write_case_table(ctx, snap, cases, shards=True)
            dirty = False
        if dirty:
            if snap.needs_compaction():
                try:
                    whole: Snapshot | None = load_snapshot(ctx)
                except StateDamaged as exc:  # a shard's parts: rebuild all from the wiki
                    log.error("%s: rebuilding the snapshot", exc)
                    whole = None
                if whole is None:
                    snap = full_harvest(ctx, old)
                else:
                    whole.delta.update(snap.delta)
                    # what this run learnt (the shards are as of the last full harvest)
                    whole.revids, whole.counts = snap.revids, snap.counts
                    whole.rc_from, whole.last_rcid = snap.rc_from, snap.last_rcid
                    snap = whole.compacted()
                write_snapshot(ctx, head, snap, shards=True)
                write_case_table(ctx, snap, cases, shards=True)
            else:
                write_snapshot(ctx, head, snap, shards=False)
                write_case_table(ctx, snap, cases, shards=False)
        elif not reason:
            # Nothing new in the records; the labels may be (an edit of the vocabularies
            # page's labels only, or of a translation page): the head again, saved only if
            # its text changed.
            write_case_table(ctx, snap, cases, shards=False)
    # The values records use, which an edit of the vocabularies page may not remove.
    record_used(ctx, snap.records(), exact=bool(reason))
    # errors: records with problems (each is listed on the maintenance report by `run index`).
    ctx.stats.records = snap.record_count
    ctx.stats.errors += snap.invalid_count
    log.info("harvest: %s", json.dumps({"mode": "full" if reason else "incremental",
                                        "pages": len(snap.revids),
                                        "records": snap.record_count,
                                        "invalid": snap.invalid_count}))
    return snap
