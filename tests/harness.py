"""Running the bot's jobs against a real local wiki from tests.

Jobs run in-process (so tests can inject the clock and read the counters), as the people of a
wiki are played by :class:`bots.wiki.actor.Actor` sessions. pywikibot is imported lazily: it
reads its config on import, and the config needs a wiki to point at.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

# Any warning in the wiki's API answers to the bot fails the run (bots.wiki.session): no
# deprecated or unrecognised parameter goes unnoticed, on either MediaWiki version.
os.environ.setdefault("ADVOCACY_API_WARNINGS", "fail")
# The command line's info lines on stderr, which tests read (a terminal shows warnings only).
os.environ.setdefault("ADVOCACY_TERMINAL_LEVEL", "info")

from bots.localwiki import LocalWiki

REPO_ROOT = Path(__file__).resolve().parent.parent


class BotHarness:
    def __init__(self, wiki: LocalWiki) -> None:
        self.wiki = wiki
        self._people: dict[str, Any] = {}
        self.last_out = ""
        self.overrides: dict[str, dict[str, Any]] = {}  # profile settings for this test

    def extra_settings(self, php: str) -> None:
        """Settings added to the wiki's LocalSettings (read on every request)."""
        (self.wiki.dir / "LocalSettings.extra.php").write_text("<?php\n" + php + "\n")

    def profile_file(self, tmp_path: Path, **sections: dict[str, Any]) -> Path:
        """The local profile with ``sections`` merged in, as a file (for the command line)."""
        text = (REPO_ROOT / "config" / "local.toml").read_text()
        for name, values in {**self.overrides, **sections}.items():
            for key in values:  # the file's own setting of a key is replaced
                text = re.sub(rf"(?m)^{re.escape(key)}\s*=.*\n", "", text)
            body = "\n".join(f"{k} = {json.dumps(v)}" for k, v in values.items())
            text = text.replace(f"[{name}]\n", f"[{name}]\n{body}\n", 1) \
                if f"[{name}]\n" in text else text + f"\n[{name}]\n{body}\n"
        path = tmp_path / "profile.toml"
        path.write_text(text)
        return path

    # -- the bot ------------------------------------------------------------------------
    def profile(self):
        os.environ["ADVOCACY_WIKI_DIR"] = str(self.wiki.dir)
        os.environ.pop("ADVOCACY_PROFILE", None)
        from bots.config import load_profile

        return load_profile("local").with_overrides(self.overrides)

    def run(self, job: str | Callable, *, dry_run: bool = False,
            now: datetime | None = None, **kwargs: Any):
        """Run a job (a registry name or a function of the context); returns its RunStats."""
        from bots.jobs import registry
        from bots.jobs.context import job_context

        fn = registry.JOBS[job] if isinstance(job, str) else job
        out = io.StringIO()
        name = job if isinstance(job, str) else getattr(job, "__name__", "job")
        with job_context(name, self.profile(), dry_run=dry_run,
                         now=(lambda: now) if now else None, out=out) as ctx:
            fn(ctx, **kwargs)
        self.last_out = out.getvalue()
        return ctx.stats

    def install_templates(self):
        from bots.jobs.templates import install

        return self.run(install)

    def cli(self, *args: str, check: bool = True,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "ADVOCACY_WIKI_DIR": str(self.wiki.dir),
               "PYWIKIBOT_DIR": os.environ["PYWIKIBOT_DIR"], "PYWIKIBOT_NO_USER_CONFIG": "0",
               **(env or {})}
        env.pop("ADVOCACY_PROFILE", None)
        proc = subprocess.run([sys.executable, "-m", "bots", *args], env=env, text=True,
                              capture_output=True, timeout=600, cwd=REPO_ROOT)
        if check and proc.returncode != 0:
            raise AssertionError(f"advocacy-bot {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
        return proc

    # -- the people ---------------------------------------------------------------------
    def admin(self):
        return self.person(self.wiki.admin[0], self.wiki.admin[1])

    def person(self, name: str, password: str | None = None):
        from bots.wiki.actor import Actor

        if name not in self._people:
            if password is None:
                password = f"pw-{name}-0123456789"
                self.admin().create_account(name, password)
            self._people[name] = Actor(self.wiki.api_url, name, password).login()
        return self._people[name]

    # -- looking at the wiki ------------------------------------------------------------
    def api(self, **params: Any) -> dict:
        resp = requests.get(self.wiki.api_url, params={"format": "json", "formatversion": "2",
                                                       **params}, timeout=60)
        resp.raise_for_status()
        return resp.json()

    def text(self, title: str) -> str | None:
        page = self.api(action="query", prop="revisions", rvprop="content", rvslots="main",
                        titles=title)["query"]["pages"][0]
        if page.get("missing"):
            return None
        return page["revisions"][0]["slots"]["main"]["content"]

    def revisions(self, title: str) -> int:
        page = self.api(action="query", prop="revisions", rvprop="ids", rvlimit="max",
                        titles=title)["query"]["pages"][0]
        return len(page.get("revisions", []))

    def parse(self, title: str | None = None, text: str | None = None) -> dict:
        """The wiki's own rendering: html, categories, templates, sections."""
        params: dict[str, Any] = {"action": "parse",
                                  "prop": "text|categories|templates|sections|links"}
        if title:
            params["page"] = title
        else:
            params.update(text=text, contentmodel="wikitext", title="Advocacy Hub/Parse test")
        resp = requests.post(self.wiki.api_url, data={"format": "json", "formatversion": "2",
                                                      **params}, timeout=120)
        resp.raise_for_status()
        return resp.json()["parse"]

    def snapshot(self) -> dict:
        return json.loads(self.text("User:AdvocacyBot/Snapshot.json") or "{}")

    def records(self) -> dict[str, list[dict]]:
        """page -> its records in the snapshot (shards, then the head's delta), as the
        snippet in docs/architecture.md reads them."""
        head = self.snapshot()
        pages: dict[str, list[dict]] = {}
        for title in head.get("shards", []):
            shard = json.loads(self.text(title) or "{}")
            width = len(shard.get("columns", []))
            for row in shard.get("rows", []):
                rec = dict(zip(shard["columns"], row, strict=False))
                rec["fields"] = dict(zip(shard["fields"], row[width:], strict=False))
                pages.setdefault(rec["page"], []).append(rec)
        pages.update(head.get("delta", {}))
        return {p: r for p, r in pages.items() if r}


def run_for_real(harness: BotHarness, job: str, *, dry_run: bool = False,
                 now: datetime | None = None):
    """Run a job the way the command line does (status page, clean failure, shutoff):
    returns (stats, result, printed output)."""
    from bots.jobs import registry
    from bots.jobs.context import run_job

    out = io.StringIO()
    stats, result = run_job(job, harness.profile(), registry.JOBS[job], dry_run=dry_run,
                            now=(lambda: now) if now else None, out=out)
    return stats, result, out.getvalue()


CASE_DEFAULTS = {"summary": "S.", "jurisdiction": "CL", "topics": "copyright", "start": "2021",
                 "status": "active", "outcome": "pending"}


def add_case(actor, name: str, **fields: str) -> None:
    """A case page written by a person, with sensible defaults for the required fields."""
    values = {"title": name, **CASE_DEFAULTS, **fields}
    body = "\n".join(f"|{k}={v}" for k, v in values.items())
    actor.edit(f"Advocacy Hub/Cases/{name}", "{{Advocacy case\n" + body + "\n}}", "t")


SIGNED = re.compile(r'<a [^>]*title="User:AdvocacyBot( \(page does not exist\))?"[^>]*>'
                    r"AdvocacyBot</a>.{0,300}?\d{2}:\d{2}, \d{1,2} \w+ \d{4} \(UTC\)", re.S)


def assert_signed(bot: BotHarness, title: str, delivery: str) -> None:
    """The post of ``delivery`` on ``title`` ends with the bot's signature: in the parsed
    HTML, a link to the bot's user page and a timestamp (what DiscussionTools and archive
    bots look for), right before the post's hidden marker."""
    text = bot.text(title) or ""
    end = text.index(f"advocacy-bot:delivery {delivery}")
    post = text[:end].rsplit("\n== ", 1)[-1]
    assert "~~~~" not in post, post[-200:]  # expanded when saved
    html = bot.parse(text="== " + post)["text"]
    assert SIGNED.search(html[-1500:]), html[-1500:]
