"""The bot's state pages, in one registry: every job names them from here.

They live under the profile's state root (``[hub] state_root``, by default ``User:<bot>``):
``profile.state_page(SNAPSHOT)`` is ``User:<bot>/Snapshot.json``. The JSON pages are the
bot's memory between runs (docs/architecture.md: "Reusing the snapshot"); the status and
shutoff pages are for people, and their names are settings (``[limits] status_page``,
``shutoff_page``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bots.config import Profile

SNAPSHOT = "Snapshot.json"  # harvest: the snapshot's head (watermark, revisions, delta)
SNAPSHOT_SHARDS = "Snapshot/"  # harvest: the shards, Snapshot/<n>.json
# harvest: the compact case table Module:Advocacy reads ({{Advocacy cases}}), parts Cases/<n>.json
CASES = "Cases.json"
CASES_PARTS = "Cases/"
INDEX = "Index.json"  # index: its inputs' key and each generated page's text hash
SUBSCRIBERS = "Subscribers.json"  # deliver: the subscriber list as last read, and its history
DELIVERIES = "Deliveries.json"  # deliver: every delivery made, by id
NEWSLETTER = "Newsletter.json"  # newsletter: what each issue listed
# roster, digest: who saved each advocate line (hashes and authors, no values), who must confirm
ADVOCATES = "Advocates.json"
ROSTER = "Roster.json"  # roster: advocates' last activity, notices, roles, renames, the log
DIGEST = "Digest.json"  # digest: alerts sent, the last weekly digest
# every job: the vocabularies page's last valid revision (id, text), the values records use,
# the wiki's language fallbacks (bots.jobs.common.governance)
GOVERNANCE = "Governance.json"
# every job: a copy of that revision, which Module:Advocacy reads (so that a refused edit of the
# community's page changes nothing on the wiki either)
VOCABULARIES = "Vocabularies.json"
# every job: what it found wrong outside the records (an issue marked ready by an account
# without standing, a damaged state page, a clock that ran backwards), for the maintenance
# report (bots.jobs.common.reports)
REPORTS = "Reports.json"


def snapshot_shard(n: int) -> str:
    """The snapshot's ``n``-th shard (from 1)."""
    return f"{SNAPSHOT_SHARDS}{n}.json"


def case_table_part(n: int) -> str:
    """The case table's ``n``-th part (from 1)."""
    return f"{CASES_PARTS}{n}.json"


def status(profile: Profile) -> str:
    """The status page's title: each job's last run."""
    return profile.state_page(profile.limits.status_page)


def shutoff(profile: Profile) -> str:
    """The shutoff page's title: anything but ``[limits] shutoff_value`` stops the bot."""
    return profile.state_page(profile.limits.shutoff_page)


def lease(profile: Profile) -> str:
    """The lease page's title: one line naming the run that may post and write state now
    (bots.core.lease)."""
    return profile.state_page(profile.limits.lease_page)
