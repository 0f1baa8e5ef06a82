"""All jobs together under faults: `advocacy-bot schedule` and `advocacy-bot watch` side by side
(two "containers": their own state directories and machine names, so only the wiki's lease
keeps them apart), both talking to a fresh local wiki through the fault proxy
(bots/localwiki/faultproxy.py: 20% of requests fail, answers slow, connections dropped, answers
lost), while people save cases every few seconds (some with alert=yes for the advocates), and
the wiki is restarted half way.

After ``--minutes`` the faults stop and the people stop editing; the two processes get
``--settle`` seconds to catch up, then SIGTERM. Then the checks, read straight from the wiki:

- duplicates: no talk page holds a delivery id twice (alerts, digests);
- lost changes: every case saved is in the case index with its last summary; every alert went
  to each advocate it matches, once;
- damaged state: every JSON state page of the bot parses; the lease page is one line;
- exit statuses: the watcher's is 0 (SIGTERM), the scheduler's 0, every job run the scheduler
  recorded has a documented result (ok, failed, stopped, paused, partial).

It prints one JSON summary and exits 0 when every check holds, 1 otherwise.

    .venv/bin/python scripts/fault_run.py --minutes 10
    .venv/bin/python scripts/fault_run.py --minutes 1 --settle 90   # the suite's short version
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bots.localwiki import LocalWiki, start_wiki  # noqa: E402
from bots.localwiki.faultproxy import FaultPlan, FaultProxy  # noqa: E402

TOPIC = "copyright"
ADVOCATES = ["Fault advocate 1", "Fault advocate 2"]
CASE_FIELDS = {"summary": "A case.", "jurisdiction": "BR", "topics": TOPIC, "start": "2025",
               "status": "active", "outcome": "pending"}
ALERT_MARK = re.compile(r"advocacy-bot:delivery (alert:\S+) ")
MARK = re.compile(r"advocacy-bot:delivery (\S+) ")
SCHEDULE = {"harvest": "* * * * *", "index": "*/2 * * * *", "digest": "*/3 * * * *",
            "roster": "0 0 1 1 *", "newsletter": "0 0 1 1 *", "deliver": "0 0 1 1 *"}
DOCUMENTED = {"ok", "failed", "stopped", "paused", "partial"}


def env_for(wiki: LocalWiki, api_url: str, name: str, state: Path) -> dict[str, str]:
    env = {**os.environ, "ADVOCACY_WIKI_DIR": str(wiki.dir), "PYWIKIBOT_DIR": str(REPO_ROOT),
           "PYWIKIBOT_NO_USER_CONFIG": "0", "ADVOCACY_API_URL": api_url,
           "ADVOCACY_STATE_DIR": str(state), "ADVOCACY_INSTANCE": name,
           "ADVOCACY_LOG_FILE": "none", "ADVOCACY_TERMINAL_LEVEL": "info"}
    env.pop("ADVOCACY_PROFILE", None)
    return env


def profile_file(path: Path) -> Path:
    """The local profile with a schedule of minutes, a short lease and quick retries."""
    text = (REPO_ROOT / "config" / "local.toml").read_text()
    sched = "\n".join(f'{job} = "{cron}"' for job, cron in SCHEDULE.items())
    text = re.sub(r"(?ms)^\[schedule\]\n.*?(?=^\[)", f"[schedule]\n{sched}\ntimeout = 240\n\n",
                  text)
    text = re.sub(r"(?m)^lease_seconds = .*$", "lease_seconds = 120", text)
    # Retries as the fault tests have them: a hung answer is given up after 3 s.
    text = text.replace("[limits]\n", "[limits]\nread_timeout = 3\nretry_max = 4\n", 1)
    path.write_text(text)
    return path


def actor(wiki: LocalWiki, name: str, admin=None):
    from bots.wiki.actor import Actor

    if admin is None:
        return Actor(wiki.api_url, wiki.admin[0], wiki.admin[1]).login()
    password = f"pw-{name}-0123456789"
    admin.create_account(name, password)
    return Actor(wiki.api_url, name, password).login()


def case_text(title: str, summary: str, alert: bool) -> str:
    fields = {"title": title, **CASE_FIELDS, "summary": summary,
              "alert": "yes" if alert else "no"}
    return "{{Advocacy case\n" + "".join(f"|{k}={v}\n" for k, v in fields.items()) + "}}"


def setup(wiki: LocalWiki, profile: Path) -> None:
    env = env_for(wiki, wiki.api_url, "setup", wiki.dir / "setup-state")
    for args in (["templates", "install"], ["run", "harvest"]):
        subprocess.run([sys.executable, "-m", "bots", "--profile", str(profile), *args],
                       env=env, cwd=REPO_ROOT, check=True, capture_output=True, timeout=600)
    admin = actor(wiki, "")
    for name in ADVOCATES:
        person = actor(wiki, name, admin)
        person.append("Advocacy Hub/Advocates/Sign-up",
                      f"\n{{{{Advocate|user={name}|topics={TOPIC}|languages=en}}}}", "sign up")
    admin.edit("User:AdvocacyBot/Shutoff", "run", "the off switch")


class People(threading.Thread):
    """People saving cases: a new case or a new summary every ``every`` seconds; every third
    new case raises an alert. What they saved last is kept, to be found in the index."""

    def __init__(self, wiki: LocalWiki, every: float, seed: int) -> None:
        super().__init__(daemon=True)
        self.wiki = wiki
        self.every = every
        self.rng = random.Random(seed)
        self.stop = threading.Event()
        self.cases: dict[str, str] = {}  # title -> its last summary
        self.alerts: list[str] = []
        self.errors = 0
        self.edits = 0

    def run(self) -> None:
        admin = None
        n = 0
        while not self.stop.wait(self.every):
            try:
                admin = admin or actor(self.wiki, "")
                if self.cases and self.rng.random() < 0.4:
                    title = self.rng.choice(sorted(self.cases))
                    summary = f"Summary {self.edits}."
                    alert = title in self.alerts
                else:
                    n += 1
                    title, summary, alert = f"Fault case {n}", f"Summary {self.edits}.", n % 3 == 0
                admin.edit(f"Advocacy Hub/Cases/{title}", case_text(title, summary, alert),
                           "a person's edit")
                self.cases[title] = summary
                if alert and title not in self.alerts:
                    self.alerts.append(title)
                self.edits += 1
            except Exception:  # the wiki is restarting: the person tries again later
                self.errors += 1
                admin = None


def text(wiki: LocalWiki, title: str) -> str | None:
    import requests

    page = requests.get(wiki.api_url, params={
        "action": "query", "prop": "revisions", "rvprop": "content", "rvslots": "main",
        "titles": title, "format": "json", "formatversion": "2"}, timeout=60).json()
    page = page["query"]["pages"][0]
    return None if page.get("missing") else page["revisions"][0]["slots"]["main"]["content"]


def all_pages(wiki: LocalWiki, prefix: str, ns: int) -> list[str]:
    import requests

    out, cont = [], {}
    while True:
        data = requests.get(wiki.api_url, params={
            "action": "query", "list": "allpages", "apprefix": prefix, "apnamespace": ns,
            "aplimit": "max", "format": "json", "formatversion": "2", **cont}, timeout=60).json()
        out += [p["title"] for p in data["query"]["allpages"]]
        if "continue" not in data:
            return out
        cont = data["continue"]


def case_index(wiki: LocalWiki) -> str:
    return "".join(text(wiki, t) or "" for t in
                   ["Advocacy Hub/Cases", *all_pages(wiki, "Advocacy Hub/Cases/Part", 0)])


def snapshot_text(wiki: LocalWiki) -> str:
    return "".join(text(wiki, t) or "" for t in all_pages(wiki, "AdvocacyBot/Snapshot", 2))


def lost(wiki: LocalWiki, people: People) -> list[str]:
    """Cases not listed in the case index, or whose summary as the wiki has it now (the
    people's last saved edit, whether or not its answer reached them) is not in the
    snapshot (each summary is unique to its edit)."""
    index, snap = case_index(wiki), snapshot_text(wiki)
    out = []
    for title in people.cases:
        now = re.search(r"\|summary=(.*)", text(wiki, f"Advocacy Hub/Cases/{title}") or "")
        if f"[[:Advocacy Hub/Cases/{title}|" not in index or not now \
                or json.dumps(now[1].strip())[1:-1] not in snap:
            out.append(title)
    return out


def alerts_missing(wiki: LocalWiki, people: People) -> dict[str, int]:
    out = {}
    for a in ADVOCATES:
        n = len(people.alerts) - len(set(ALERT_MARK.findall(text(wiki, f"User talk:{a}") or "")))
        if n:
            out[a] = n
    return out


def converged(wiki: LocalWiki, people: People) -> bool:
    return not lost(wiki, people) and not alerts_missing(wiki, people)


def check(wiki: LocalWiki, people: People) -> dict:
    duplicates, damaged = [], []
    for title in all_pages(wiki, "", 3):
        marks = MARK.findall(text(wiki, title) or "")
        duplicates += [f"{title}: {m}" for m in set(marks) if marks.count(m) > 1]
    for title in all_pages(wiki, "AdvocacyBot/", 2):
        body = text(wiki, title) or ""
        if title.endswith(".json"):
            try:
                json.loads(body)
            except ValueError:
                damaged.append(title)
    lease = (text(wiki, "User:AdvocacyBot/Lease") or "").strip()
    if "\n" in lease:
        damaged.append("User:AdvocacyBot/Lease")
    return {"duplicates": duplicates, "damaged_state": damaged,
            "lost_changes": lost(wiki, people), "alerts_missing": alerts_missing(wiki, people),
            "lease": lease}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--settle", type=float, default=240, help="seconds to catch up after")
    ap.add_argument("--every", type=float, default=4, help="seconds between people's edits")
    ap.add_argument("--rate", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=26)
    ap.add_argument("--mediawiki", default=None)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="fault-run-"))
    wiki = start_wiki(tmp / "wiki", mediawiki=args.mediawiki)
    t0 = time.monotonic()
    report: dict = {"minutes": args.minutes, "rate": args.rate}
    procs: dict[str, subprocess.Popen] = {}
    try:
        profile = profile_file(tmp / "profile.toml")
        setup(wiki, profile)
        report["setup_seconds"] = round(time.monotonic() - t0, 1)
        plan = FaultPlan(rate=args.rate, seed=args.seed)
        with FaultProxy(wiki.server, plan) as proxy:
            for name, cmd in (("scheduler", ["schedule"]), ("watcher", ["watch"])):
                log = open(tmp / f"{name}.log", "w")  # noqa: SIM115 (the process keeps it)
                procs[name] = subprocess.Popen(
                    [sys.executable, "-m", "bots", "--profile", str(profile), *cmd],
                    env=env_for(wiki, proxy.api_url, f"container-{name}", tmp / name),
                    cwd=REPO_ROOT, stdout=log, stderr=log)
            people = People(wiki, args.every, args.seed)
            people.start()
            end = time.monotonic() + args.minutes * 60
            restarted = False
            while time.monotonic() < end:
                time.sleep(1)
                if not restarted and time.monotonic() > end - args.minutes * 30:
                    wiki.stop()  # the wiki goes away for a while, and comes back
                    time.sleep(5)
                    wiki = start_wiki(wiki.dir, port=wiki.port, mediawiki=args.mediawiki)
                    restarted = True
                    report["restarted_at_minute"] = round((time.monotonic() - t0) / 60, 1)
            people.stop.set()
            people.join(timeout=60)
            proxy.enabled = False  # the faults end; the jobs catch up
            report["faults"] = dict(proxy.counts)
            deadline = time.monotonic() + args.settle
            while time.monotonic() < deadline and not converged(wiki, people):
                time.sleep(5)
            report["settled_in_seconds"] = round(args.settle - (deadline - time.monotonic()), 1)
            for proc in procs.values():
                proc.send_signal(signal.SIGTERM)
            report["exit"] = {name: proc.wait(timeout=300) for name, proc in procs.items()}
        report["people"] = {"edits": people.edits, "cases": len(people.cases),
                            "alerts": len(people.alerts), "refused": people.errors}
        report.update(check(wiki, people))
        record = tmp / "scheduler" / f"schedule-{profile.stem}.json"
        runs = json.loads(record.read_text()) if record.exists() else {}
        report["scheduler_record"] = runs
        results = json.dumps(runs)
        undocumented = sorted(set(re.findall(r'"result": "(\w+)"', results)) - DOCUMENTED)
        report["undocumented_results"] = undocumented
        watch_log = (tmp / "watcher.log").read_text()
        report["watcher_updates"] = watch_log.count("watch: index ")
        report["lease_refusals"] = sum((tmp / f"{n}.log").read_text().count(
            "holds the lease until") for n in procs)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
        wiki.stop()
    ok = not (report["duplicates"] or report["damaged_state"] or report["lost_changes"]
              or report["alerts_missing"] or report["undocumented_results"]) \
        and report["exit"] == {"scheduler": 0, "watcher": 0}
    report["verdict"] = "ok" if ok else "FAILED"
    report["logs"] = str(tmp)
    print(json.dumps(report, indent=1, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
