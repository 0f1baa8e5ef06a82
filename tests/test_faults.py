"""Fault tolerance: the jobs against a real local wiki behind a fault-injecting proxy.

Two fresh wikis get the same records. On one, a job runs fault-free (the reference); on the
other it runs through :mod:`faultproxy` with a share of its requests failing (503s, timeouts,
dropped connections, lost answers, maxlag, read-only), as the real command (`python -m bots run
JOB`, a new process each time, as the scheduler and Toolforge run it), again and again until it
succeeds. pywikibot's retries are made short for the test (2 retries, 1 s apart, 3 s read
timeout), so some runs do fail and the next run has to continue from what the last one really
did. Then the end states must be the same: the snapshot's records, every page the bot writes,
and the number of revisions of each (nothing written twice); and a final run through the
faults edits nothing.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bots.core import lease
from bots.localwiki import LocalWiki, start_wiki

try:
    from tests.faultproxy import FaultPlan, FaultProxy
    from tests.harness import BotHarness
    from tests.profiletools import write_profile
except ModuleNotFoundError:
    from faultproxy import FaultPlan, FaultProxy  # type: ignore[no-redef]
    from harness import BotHarness  # type: ignore[no-redef]
    from profiletools import write_profile  # type: ignore[no-redef]

SIGNATURE_TIME = re.compile(r"\d{2}:\d{2}, \d{1,2} \w+ \d{4} \(UTC\)")
pytestmark = pytest.mark.wiki

REPO_ROOT = Path(__file__).resolve().parent.parent
NOW = "2025-03-01T12:00:00+00:00"
MAX_RUNS = 10  # runs of one job before the test gives up
RATE = 0.2  # share of requests that fail
FAST_RETRIES = {"max_retries": 2, "retry_wait": 1, "retry_max": 2, "read_timeout": 3}


def case(name: str, j: str = "BR", topics: str = "copyright", status: str = "active") -> str:
    return (f"{{{{Advocacy case\n|title={name}\n|summary=Something happened to {name}.\n"
            f"|jurisdiction={j}\n|topics={topics}\n|start=2020\n|status={status}\n}}}}")


def seed_records(harness: BotHarness) -> None:
    admin = harness.admin()
    for i, (j, topics) in enumerate([("BR", "copyright"), ("DE", "copyright; ai"),
                                     ("US", "upload filters"), ("EE", "FoP"), ("ZA", "copyright"),
                                     ("EU", "ai")]):
        admin.edit(f"Advocacy Hub/Cases/Case {i}", case(f"Case {i}", j, topics), "seed")
    admin.edit("Advocacy Hub/Cases/Broken", case("Broken", j="XX", topics="no such topic"),
               "seed")  # listed on the maintenance report
    admin.edit("Advocacy Hub/Events/Meetup",
               "{{Advocacy event|title=Meetup|start=2025-04-02|online=yes}}", "seed")


SUBSCRIBERS = [f"Reader{i}" for i in range(8)]
ISSUE = "Advocacy Hub/Newsletter/" + NOW[:7]


def seed_delivery(harness: BotHarness) -> None:
    seed_records(harness)
    harness.admin().edit("Advocacy Hub/Newsletter/Subscribers", "Subscribe below.\n", "seed")
    for user in SUBSCRIBERS:  # each saved by the subscriber's own account
        harness.person(user).append("Advocacy Hub/Newsletter/Subscribers",
                                    f"\n{{{{Advocacy subscriber|user={user}}}}}", "subscribe")


def mark_ready(harness: BotHarness) -> None:
    harness.admin().edit(ISSUE, harness.text(ISSUE).replace("status=draft", "status=ready"),
                         "ready")


@dataclass
class FaultCase:
    job: str
    before: tuple[str, ...] = ()  # run fault-free first, on both wikis
    seed: Callable[[BotHarness], None] = seed_records
    plan: FaultPlan = field(default_factory=lambda: FaultPlan(rate=RATE, seed=7))
    after_before: Callable[[BotHarness], None] | None = None  # a person acts, then the job


# The jobs checked under faults. Add a case when a job lands, e.g. for the lead's delivery:
#     FaultCase("deliver", before=("harvest", "newsletter"), seed=seed_delivery),
# with `seed_delivery` creating subscribers (each saved by the subscriber's own account) and
# an issue marked ready; the comparison below then also covers the talk pages it writes
# (add their prefix to `bot_pages`).
FAULT_CASES = [
    FaultCase("harvest"),
    FaultCase("index", before=("harvest",)),
    FaultCase("deliver", before=("harvest", "newsletter"), seed=seed_delivery,
              after_before=mark_ready),
]


# -- running the real command -----------------------------------------------------------------
def run_cli(wiki: LocalWiki, *args: str, env: dict[str, str] | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "ADVOCACY_WIKI_DIR": str(wiki.dir), "ADVOCACY_LOG_FILE": "none",
                "PYWIKIBOT_DIR": os.environ["PYWIKIBOT_DIR"], "PYWIKIBOT_NO_USER_CONFIG": "0",
                **(env or {})}
    full_env.pop("ADVOCACY_PROFILE", None)
    if "ADVOCACY_API_URL" not in (env or {}):
        full_env.pop("ADVOCACY_API_URL", None)
    return subprocess.run([sys.executable, "-m", "bots", *args], env=full_env, text=True,
                          capture_output=True, timeout=timeout, cwd=REPO_ROOT)


def run_job(wiki: LocalWiki, job: str, stats: Path, *, profile: Path | None = None,
            env: dict[str, str] | None = None) -> tuple[int, subprocess.CompletedProcess[str]]:
    args = ["--profile", str(profile)] if profile else []
    proc = run_cli(wiki, *args, "run", job, "--now", NOW, "--stats-json", str(stats), env=env)
    return proc.returncode, proc


def run_until_ok(wiki: LocalWiki, job: str, tmp: Path, **kwargs: Any) -> tuple[int, int, str]:
    """Run ``job`` until a run succeeds; (runs needed, edits over all runs, last stderr)."""
    edits = 0
    tmp.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, MAX_RUNS + 1):
        stats = tmp / f"{job}-{attempt}.json"
        rc, proc = run_job(wiki, job, stats, **kwargs)
        if stats.exists():
            edits += json.loads(stats.read_text())["edits"]
        if rc == 0:
            return attempt, edits, proc.stderr
    raise AssertionError(f"{job} still failing after {MAX_RUNS} runs:\n{proc.stderr[-3000:]}")


# -- the end state ----------------------------------------------------------------------------
def bot_pages(harness: BotHarness) -> list[str]:
    """Every page under the hub and in the bot's user space, but the status page: it reports
    each run (requests made, seconds taken), which differ with faults by design."""
    titles = []
    for ns, prefix in ((0, "Advocacy Hub/"), (2, f"{harness.wiki.bot[0]}/"), (3, "")):
        data = harness.api(action="query", list="allpages", apnamespace=ns, apprefix=prefix,
                           aplimit="max")
        titles += [p["title"] for p in data["query"]["allpages"]]
    from bots import statepages

    status = statepages.status(harness.profile())
    return sorted(t for t in titles if t != status)


def revisions(harness: BotHarness, title: str) -> list[dict]:
    data = harness.api(action="query", prop="revisions", titles=title, rvlimit="max",
                       rvprop="ids|sha1|user")
    return data["query"]["pages"][0].get("revisions", [])


def snapshot_records(harness: BotHarness) -> dict[str, list[dict]]:
    from bots.core.snapshot import EMPTY_SHARD, Snapshot

    head = harness.text(f"User:{harness.wiki.bot[0]}/Snapshot.json")
    if head is None:
        return {}
    shards = [harness.text(t) or EMPTY_SHARD for t in json.loads(head)["shards"]]
    snap = Snapshot.from_json(head, shards)
    out = {}
    for page, records in snap.pages().items():
        out[page] = [{k: v for k, v in r.to_json().items() if k not in ("revid", "ts")}
                     for r in records]
    return out


def end_state(harness: BotHarness) -> dict[str, Any]:
    """The wiki's end state. The lease page (User:<bot>/Lease) is coordination, not content:
    each run that takes it edits it twice (taken, freed), and a run a fault ended leaves it
    held until it expires (the protocol, bots.core.lease), or even the last run when the
    fault hits its freeing edit. So it is kept apart (``lease``: its text) and checked by the
    test as a state page: a lease line or ``free``, never damaged."""
    from bots import statepages

    bot_user = harness.wiki.bot[0]
    lease_title = statepages.lease(harness.profile())
    texts, bot_revisions, repeats, lease_text = {}, {}, [], None
    for title in bot_pages(harness):
        revs = revisions(harness, title)
        repeats += [title for a, b in itertools.pairwise(revs) if a["sha1"] == b["sha1"]]
        if title == lease_title:
            lease_text = harness.text(title)
            continue
        bot_revisions[title] = sum(1 for r in revs if r["user"] == bot_user)
        if not title.endswith(".json"):
            texts[title] = harness.text(title)
    return {"records": snapshot_records(harness), "texts": texts, "lease": lease_text,
            "bot_revisions": bot_revisions, "repeated_revisions": repeats}


# -- the test ---------------------------------------------------------------------------------
@pytest.fixture
def reference(tmp_path_factory: pytest.TempPathFactory):
    wiki = start_wiki(tmp_path_factory.mktemp("reference_wiki"))
    harness = BotHarness(wiki)
    try:
        harness.install_templates()
        yield harness
    finally:
        wiki.stop()


@pytest.mark.parametrize("fault_case", FAULT_CASES, ids=[c.job for c in FAULT_CASES])
def test_job_converges_under_faults(fault_case: FaultCase, bot: BotHarness,
                                    reference: BotHarness, tmp_path: Path) -> None:
    job = fault_case.job
    for harness in (bot, reference):
        fault_case.seed(harness)
        for before in fault_case.before:
            run_until_ok(harness.wiki, before, tmp_path / "before")
        if fault_case.after_before:
            fault_case.after_before(harness)

    # The reference: fault-free, once.
    runs, ref_edits, _ = run_until_ok(reference.wiki, job, tmp_path / "ref")
    assert runs == 1 and ref_edits > 0

    # Through the proxy, with short retries, until a run succeeds.
    profile = write_profile(tmp_path / "faulty.toml", limits=FAST_RETRIES)
    with FaultProxy(bot.wiki.server, fault_case.plan) as proxy:
        env = {"ADVOCACY_API_URL": proxy.api_url}
        runs, edits, _ = run_until_ok(bot.wiki, job, tmp_path / "faulty", profile=profile,
                                      env=env)
        converged = dict(proxy.counts)
        # A final run through the same faults finds nothing to do.
        final_runs, final_edits, final_log = run_until_ok(bot.wiki, job, tmp_path / "final",
                                                          profile=profile, env=env)
        total = dict(proxy.counts)

    # edits_reported can be lower than reference_edits: an edit whose answer was lost ("lost")
    # is saved, but the retry sees "nochange" and the run does not count it (revisions match).
    numbers = {"job": job, "runs_to_converge": runs, "edits_reported": edits,
               "reference_edits": ref_edits,
               "faults_until_converged": {k: v for k, v in converged.items()},
               "final_runs": final_runs, "all_requests": total}
    print(json.dumps(numbers))
    artifacts = REPO_ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / f"faults-{job}.json").write_text(json.dumps(numbers, indent=2) + "\n")

    faults = sum(v for k, v in converged.items() if k not in ("requests", "passed"))
    assert faults >= 3, f"too few faults injected to mean anything: {converged}"
    assert final_edits == 0, final_log[-4000:]

    got, want = end_state(bot), end_state(reference)
    assert got["records"] == want["records"]
    assert want["records"], "the reference harvested nothing"
    # The lease: freed by the fault-free run; under faults a lease line (a run a fault ended
    # may leave it held until it expires) or free, never anything else (no damaged state).
    assert want["lease"] is not None and want["lease"].strip() == lease.FREE, want["lease"]
    assert got["lease"] is not None, "the faulty runs never took the lease"
    assert got["lease"].strip() == lease.FREE or lease.parse(got["lease"]) is not None, \
        got["lease"]
    if job == "deliver":
        # Talk pages: the same text, and exactly one bot revision each (no copy lost or
        # doubled). The bot's own log and state may take an extra run to complete, and say
        # "found on the page" for posts a failed run made.
        talk = [t for t in want["texts"] if t.startswith("User talk:")]
        assert len(talk) == len(SUBSCRIBERS)
        def unsigned(text: str) -> str:  # the signature's time is when each run posted
            return SIGNATURE_TIME.sub("<time>", text)

        for title in talk:
            assert unsigned(got["texts"][title]) == unsigned(want["texts"][title]), title
            assert SIGNATURE_TIME.search(got["texts"][title]), title  # signed, though
            assert got["bot_revisions"][title] == want["bot_revisions"][title] == 1, title
        log = got["texts"][ISSUE + "/Delivery log"]
        assert all(f"| {user}\n" in log for user in SUBSCRIBERS)
        assert "| failed" not in log and "| skipped" not in log
        assert "status=delivered" in got["texts"][ISSUE]
    else:
        assert got["texts"] == want["texts"]
        assert got["bot_revisions"] == want["bot_revisions"]  # nothing written twice, missed
    assert got["repeated_revisions"] == []


@pytest.mark.wiki
def test_scheduler_and_watcher_side_by_side_under_faults_short() -> None:
    """The short version of scripts/fault_run.py (docs/guarantees.md, "All jobs together under
    faults"): the scheduler and the watcher, two containers, behind the fault proxy with a
    restart of the wiki, while people save cases: no duplicates, no lost change, no damaged
    state."""
    proc = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "fault_run.py"),
                           "--minutes", "0.5", "--settle", "120", "--every", "3"],
                          capture_output=True, text=True, timeout=600, cwd=REPO_ROOT)
    report = json.loads(proc.stdout)
    assert report["duplicates"] == [] and report["damaged_state"] == [], report
    assert report["lost_changes"] == [] and report["alerts_missing"] == {}, report
    assert report["exit"] == {"scheduler": 0, "watcher": 0}, report
    assert report["undocumented_results"] == [] and report["faults"].get("passed"), report
    assert proc.returncode == 0, proc.stderr[-3000:]
