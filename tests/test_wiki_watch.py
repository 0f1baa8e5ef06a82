"""`advocacy-bot watch` against a real local MediaWiki: new cases in the index and urgent
alerts on talk pages within a minute, exactly once, also when the watcher is killed at random
moments of a burst; and the EventStreams path, fed recorded messages over SSE from a local
port (duplicates, canaries, other wikis, a connection dropped mid-stream)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

try:
    from tests.harness import REPO_ROOT, BotHarness, add_case
except ModuleNotFoundError:
    from harness import REPO_ROOT, BotHarness, add_case  # type: ignore[no-redef]

from bots.localwiki import start_wiki

pytestmark = pytest.mark.wiki
SIGNUP = "Advocacy Hub/Advocates/Sign-up"
HELPERS = ["Watch helper 1", "Watch helper 2", "Watch helper 3"]
TOPIC = "child-safety-age-verification"
FAST = {"quiet_seconds": 1, "poll_seconds": 1, "max_wait_seconds": 10}
ALERT_MARK = "advocacy-bot:delivery alert:"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotHarness]:
    """One wiki for the module: templates, three advocates who match the alerts, harvested."""
    wiki = start_wiki(tmp_path_factory.mktemp("watch_wiki"))
    bot = BotHarness(wiki)
    try:
        bot.install_templates()
        bot.admin().edit("User:AdvocacyBot/Shutoff", "run", "the off switch")
        for user in HELPERS:  # each signs up themselves (issue 24: consent)
            bot.person(user).append(SIGNUP, f"\n{{{{Advocate|user={user}|topics={TOPIC}"
                                            "|languages=en}}", "sign-up")
        bot.run("harvest")
        bot.run("roster")
        yield bot
    finally:
        wiki.stop()


def watcher(bot: BotHarness, tmp_path: Path, *extra: str) -> subprocess.Popen[str]:
    profile = bot.profile_file(tmp_path, watch=FAST)
    env = {**os.environ, "ADVOCACY_WIKI_DIR": str(bot.wiki.dir),
           "PYWIKIBOT_DIR": os.environ["PYWIKIBOT_DIR"],
           "PYWIKIBOT_NO_USER_CONFIG": "0", "ADVOCACY_STATE_DIR": str(tmp_path / "state"),
           "ADVOCACY_LOG_FILE": "none"}
    env.pop("ADVOCACY_PROFILE", None)
    return subprocess.Popen([sys.executable, "-m", "bots", "--profile", str(profile), "watch",
                             *extra], env=env, cwd=REPO_ROOT, text=True,
                            stdout=subprocess.DEVNULL, stderr=open(tmp_path / "watch.log", "a"))


def wait_until(predicate, timeout: float, step: float = 0.25) -> float | None:
    """Seconds until ``predicate()`` held, or None after ``timeout``."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if predicate():
            return time.monotonic() - t0
        time.sleep(step)
    return None


def alerts_on(bot: BotHarness, user: str) -> int:
    return (bot.text(f"User talk:{user}") or "").count(ALERT_MARK)


def in_index(bot: BotHarness, title: str) -> bool:
    return f"Advocacy Hub/Cases/{title}|" in (bot.text("Advocacy Hub/Cases") or "")


def test_new_cases_and_alerts_reach_the_hub_within_a_minute(hub: BotHarness,
                                                            tmp_path: Path) -> None:
    proc = watcher(hub, tmp_path)
    try:
        # The watcher starts with a catch-up update of the whole hub (every page of the index
        # job): not the latency under test, and slower on a busy machine.
        assert wait_until(lambda: "watch" in (hub.text("User:AdvocacyBot/Status") or ""), 180)
        for trial in range(2):
            add_case(hub.admin(), f"Quick case {trial}")
            took = wait_until(lambda t=trial: in_index(hub, f"Quick case {t}"), 60)
            assert took is not None, (tmp_path / "watch.log").read_text()[-3000:]
            before = [alerts_on(hub, u) for u in HELPERS]
            add_case(hub.admin(), f"Urgent case {trial}", topics=TOPIC, alert="yes")
            took = wait_until(lambda b=before: all(alerts_on(hub, u) == n + 1
                                                   for u, n in zip(HELPERS, b, strict=True)), 60)
            assert took is not None, (tmp_path / "watch.log").read_text()[-3000:]
        time.sleep(3)  # a few more polls: nothing is posted twice
        assert [alerts_on(hub, u) for u in HELPERS] == [2, 2, 2]
        status = hub.text("User:AdvocacyBot/Status") or ""
        assert "Watching the wiki's changes (poll)" in status  # the heartbeat
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0  # a clean stop


def test_killed_at_random_moments_of_a_burst_nothing_is_lost_or_doubled(
        hub: BotHarness, tmp_path: Path) -> None:
    rng = random.Random(16)
    admin = hub.admin()
    urgent = {f"Burst {i}" for i in range(0, 50, 10)}  # five alerts among the fifty edits
    before = {u: alerts_on(hub, u) for u in HELPERS}
    proc = watcher(hub, tmp_path)
    kills, next_kill = 0, time.monotonic() + rng.uniform(2, 6)
    for i in range(50):
        name = f"Burst {i}"
        if name in urgent:
            add_case(admin, name, topics=TOPIC, alert="yes")
        else:
            add_case(admin, name)
        if time.monotonic() >= next_kill and kills < 4:
            proc.send_signal(signal.SIGKILL)  # wherever it is: polling, harvesting, posting
            proc.wait(timeout=30)
            kills += 1
            proc = watcher(hub, tmp_path)
            next_kill = time.monotonic() + rng.uniform(1, 6)
        time.sleep(rng.uniform(0, 0.3))
    try:
        done = wait_until(lambda: all(in_index(hub, f"Burst {i}") for i in range(50)) and all(
            alerts_on(hub, u) == before[u] + len(urgent) for u in HELPERS), 150, step=1)
        assert done is not None, (tmp_path / "watch.log").read_text()[-4000:]
        assert kills >= 2
        time.sleep(3)
        assert {u: alerts_on(hub, u) - before[u] for u in HELPERS} == \
            dict.fromkeys(HELPERS, len(urgent))  # each alert exactly once
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0


def test_a_change_a_scheduled_harvest_read_first_still_reaches_index_and_alerts(
        hub: BotHarness, tmp_path: Path) -> None:
    # On Toolforge the scheduled reconciliation runs in another container: when its harvest
    # reads a change first, the watcher's harvest edits nothing, and the index and the alerts
    # must run all the same.
    proc = watcher(hub, tmp_path)
    try:
        assert wait_until(lambda: "watch" in (hub.text("User:AdvocacyBot/Status") or ""), 60)
        before = [alerts_on(hub, u) for u in HELPERS]
        proc.send_signal(signal.SIGSTOP)  # the watcher waits while the scheduled job runs
        try:
            add_case(hub.admin(), "Harvested elsewhere", topics=TOPIC, alert="yes")
            hub.run("harvest")
        finally:
            proc.send_signal(signal.SIGCONT)
        assert not in_index(hub, "Harvested elsewhere")
        took = wait_until(lambda: in_index(hub, "Harvested elsewhere") and all(
            alerts_on(hub, u) == n + 1 for u, n in zip(HELPERS, before, strict=True)), 60)
        assert took is not None, (tmp_path / "watch.log").read_text()[-3000:]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0


# -- EventStreams ------------------------------------------------------------------------------

def stream_message(rc: dict, server: str, offset: int) -> tuple[str, dict]:
    """A local recent change as EventStreams' recentchange message (the recorded messages'
    shape, tests/data/eventstreams-recentchange.txt) and its SSE id."""
    from datetime import datetime

    ts = int(datetime.fromisoformat(rc["timestamp"].replace("Z", "+00:00")).timestamp())
    data = {"$schema": "/mediawiki/recentchange/1.0.0",
            "meta": {"uri": f"http://{server}/wiki/{rc['title'].replace(' ', '_')}",
                     "request_id": f"req-{rc['rcid']}", "id": f"evt-{rc['rcid']}",
                     "dt": rc["timestamp"], "domain": server,
                     "stream": "mediawiki.recentchange", "topic": "eqiad.mediawiki.recentchange",
                     "partition": 0, "offset": offset},
            "id": rc["rcid"], "type": rc["type"], "namespace": rc["ns"], "title": rc["title"],
            "comment": "", "timestamp": ts, "user": rc["user"], "bot": False, "minor": False,
            "server_url": f"http://{server}", "server_name": server,
            "server_script_path": "", "wiki": "advocacywiki", "parsedcomment": ""}
    if rc["type"] in ("edit", "new"):
        data["revision"] = {"old": rc.get("old_revid") or None, "new": rc.get("revid")}
    sse_id = json.dumps([{"topic": "eqiad.mediawiki.recentchange", "partition": 0,
                          "offset": offset}])
    return sse_id, data


def recorded() -> list[tuple[str, dict]]:
    """Other wikis' messages and a canary, as the service sends them."""
    out = []
    block: dict[str, str] = {}
    for line in (DATA / "eventstreams-recentchange.txt").read_text().splitlines():
        if not line:
            if "data" in block:
                out.append((block.get("id", ""), json.loads(block["data"])))
            block = {}
        elif not line.startswith(":"):
            key, _, value = line.partition(": ")
            block[key] = value
    return out


class Recording:
    """Serves the messages over SSE: the first connection drops after ``drop_after``, mid-way
    through a message; the next ones resume after the Last-Event-ID they send, replaying two
    messages before it (as a reconnect may), then stay open with heartbeats."""

    def __init__(self, messages: list[tuple[str, dict]], drop_after: int) -> None:
        self.messages = messages
        self.drop_after = drop_after
        self.connections: list[dict[str, str]] = []
        self.closing = threading.Event()
        self.ready = threading.Event()  # the messages are there to send
        recording = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                recording.connections.append({"path": self.path,
                                              "last_event_id": self.headers.get(
                                                  "Last-Event-ID", "")})
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream; charset=utf-8")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                self.wfile.flush()
                while not recording.ready.wait(0.5):  # a connected client, nothing to say yet
                    if recording.closing.is_set():
                        return
                    self.wfile.write(b":\n")
                    self.wfile.flush()
                first = len(recording.connections) == 1
                ids = [i for i, _ in recording.messages]
                last = self.headers.get("Last-Event-ID", "")
                start = max(0, ids.index(last) - 1) if last in ids else 0
                todo = recording.messages[:recording.drop_after] if first else \
                    recording.messages[start:]
                try:
                    for sse_id, data in todo:
                        self.wfile.write(f"event: message\nid: {sse_id}\ndata: "
                                         f"{json.dumps(data)}\n\n".encode())
                    if first:  # dropped mid-message: the client must not see half of it
                        self.wfile.write(b'event: message\ndata: {"meta": {"dom')
                        self.wfile.flush()
                        return
                    while not recording.closing.wait(0.5):
                        self.wfile.write(b":\n")
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v2/stream/recentchange"

    def __enter__(self) -> Recording:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.closing.set()
        self.ready.set()
        self.server.shutdown()
        self.server.server_close()


def test_stream_client_processes_each_relevant_change_once(hub: BotHarness) -> None:
    from bots.jobs.watch import Watcher

    admin = hub.admin()
    # Quiet for longer than the client takes to reconnect: the messages before and after
    # the drop make one batch, in which the replayed ones must count once.
    profile = hub.profile().with_overrides({"watch": {**FAST, "source": "stream",
                                                      "quiet_seconds": 4}})
    names = [f"Streamed {i}" for i in range(3)]
    with Recording([], drop_after=3) as rec:
        w = Watcher(profile, source="stream", stream_url=rec.url)
        done: list[int] = []
        thread = threading.Thread(target=lambda: done.append(w.run(
            max_seconds=90, stop_when=lambda r: sum(len(p) for p in r.processed[1:]) >= 3
            and r.events >= 6)), daemon=True)
        thread.start()
        assert wait_until(lambda: w.report.updates >= 1, 60)  # the catch-up is done
        start = w.last_rcid
        for name in names:
            add_case(admin, name)
        admin.edit("Sandbox", "not a record", "t")  # a change the hub does not need
        changes = hub.api(action="query", list="recentchanges", rclimit=20,
                          rcprop="title|ids|timestamp|user|loginfo",
                          rcexcludeuser="AdvocacyBot")["query"]["recentchanges"][::-1]
        ours = [stream_message(rc, "127.0.0.1", 1000 + n) for n, rc in enumerate(changes)
                if rc["rcid"] > start]
        assert len(ours) == 4
        # Another wiki's change, and a canary, of a page this wiki has records on (the
        # sign-up page): if either counted, that page would be processed.
        others = recorded()
        for n, (_sse_id, data) in enumerate(others):
            data["title"] = SIGNUP
            data["id"] = 10**9 + n  # above every rcid of this wiki
        rec.messages[:] = [ours[0], others[0], ours[1], ours[1], others[1], ours[2],
                           others[2], ours[3], ours[2]]
        rec.ready.set()
        thread.join(timeout=120)
    assert done == [0]
    assert w.report.events, (w.report, rec.connections)
    processed = [t for titles in w.report.processed[1:] for t in titles]  # after the catch-up
    assert sorted(processed) == sorted(f"Advocacy Hub/Cases/{n}" for n in names)  # once each
    assert w.report.stream_failures == []  # a dropped connection is resumed, not a failure
    assert len(rec.connections) >= 2
    assert rec.connections[1]["last_event_id"] == rec.messages[2][0]  # after the last seen
    assert "since=" in rec.connections[0]["path"]  # a new watcher starts at the watermark
    assert all(in_index(hub, n) for n in names)


def test_stream_that_fails_falls_back_to_polling(hub: BotHarness) -> None:
    from bots.jobs.watch import watch

    profile = hub.profile().with_overrides({"watch": {**FAST, "source": "stream",
                                                      "stream_retry_seconds": 600}})
    add_case(hub.admin(), "Polled after all")
    code, report = watch(profile, source="stream", stream_url="http://127.0.0.1:9/nothing",
                         signals=False, max_seconds=60,
                         stop_when=lambda r: r.stream_failures and r.polls >= 1)
    assert code == 0 and report.stream_failures and report.polls >= 1
    assert in_index(hub, "Polled after all")  # the catch-up from the watermark
