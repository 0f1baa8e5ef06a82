"""The harvest snapshot as the jobs read it: the head, its shards, and the schema's hash."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import replace

from bots import statepages
from bots.core.snapshot import EMPTY_SHARD, Snapshot
from bots.jobs.common.statepage import damaged
from bots.jobs.context import JobContext
from bots.paths import CONFIG_DIR
from bots.wiki.pages import PageText

log = logging.getLogger(__name__)


def schema_hash(ctx: JobContext) -> str:
    """What normalising depends on: the schema, the regions and the vocabularies in effect
    (the wiki's page: a new synonym re-normalises every record)."""
    digest = hashlib.sha1(ctx.governance.vocabulary_hash.encode())
    for name in ("schema.toml", "regions.toml"):
        digest.update((CONFIG_DIR / name).read_bytes())
    return digest.hexdigest()[:12]


def shard_title(ctx: JobContext, n: int) -> str:
    """The title of the snapshot's ``n``-th shard (from 1)."""
    return ctx.profile.state_page(statepages.snapshot_shard(n))


def parse_head(head: PageText, ctx: JobContext | None = None) -> Snapshot | None:
    """The snapshot its head describes; None when there is none or it cannot be read (with
    ``ctx``: reported, and the harvest rebuilds it)."""
    if not head.exists:
        return None
    if head.damaged:  # its parts do not add up
        log.warning("snapshot head [[%s]]: %s: a full harvest rebuilds it", head.title,
                    head.damaged)
        if ctx is not None:
            damaged(ctx, head.title, head.damaged)
        return None
    try:
        return Snapshot.from_json(head.text or "")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("snapshot head unreadable (%s): a full harvest rebuilds it", exc)
        if ctx is not None:
            damaged(ctx, head.title, type(exc).__name__)
        return None


def same_head(a: Snapshot, b: Snapshot) -> bool:
    """Whether two snapshots have the same head (watermark, revisions, shards and their
    SHA-1s, delta): the same records."""
    return a.head_json() == b.head_json()


def whole_after(whole: Snapshot | None, snap: Snapshot) -> Snapshot | None:
    """The whole snapshot (shards' records included) after a harvest returned ``snap``: itself
    when complete (a full harvest, a compaction, no shards), else ``whole``'s shards under
    ``snap``'s head when the shards are still the same (by their SHA-1s), else unknown."""
    if snap.base or not snap.shard_titles:
        return snap
    if whole is not None and (whole.shard_titles, whole.shard_sha1) == (snap.shard_titles,
                                                                        snap.shard_sha1):
        return replace(snap, base=whole.base)
    return None


def load_snapshot(ctx: JobContext, head: PageText | None = None,
                  have: Mapping[str, PageText] | None = None,
                  held: Snapshot | None = None) -> Snapshot:
    """The whole snapshot (head and shards), for the jobs that read records. Pages a job has
    read already (the ``head``, shards in ``have``) are not read again. ``held``: a whole
    snapshot the caller holds (the watcher's, from its harvest): used as it is when the
    wiki's head is still the same, so its shards are not read again."""
    if head is None:
        head = ctx.wiki.read_one(ctx.profile.state_page(statepages.SNAPSHOT))
    snap = parse_head(head, ctx)
    if snap is None:
        raise RuntimeError(f"no snapshot at [[{head.title}]]: run the harvest job first")
    if held is not None and same_head(held, snap):
        use_aliases(ctx, held)
        return held
    shards = dict(have or {})
    shards.update(ctx.wiki.read([t for t in snap.shard_titles if t not in shards]))
    if missing := [t for t in snap.shard_titles if not shards[t].exists]:
        log.warning("snapshot shards missing (deleted?): %s; their records are left out until "
                    "the next full harvest", ", ".join(missing))
    snap.add_shards(shards[t].text or EMPTY_SHARD for t in snap.shard_titles)
    for n in snap.damaged:  # the next harvest is a full one, which rebuilds it
        damaged(ctx, snap.shard_titles[n - 1], "shard")
    use_aliases(ctx, snap)
    return snap


def use_aliases(ctx: JobContext, snap: Snapshot | None) -> None:
    """Parse with the template redirects the last full harvest found ({{Case}} for
    {{Advocacy case}}), wherever this run reads record templates."""
    if snap is not None and snap.aliases:
        ctx.schema = ctx.schema.with_redirects(snap.aliases)
