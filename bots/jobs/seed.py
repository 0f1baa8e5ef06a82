"""`advocacy-bot seed-demo`: real advocacy cases and demo people on the LOCAL wiki.

Cases, events and resources come from bots/demo/*.toml (the cases of shared/reference/cases.tsv,
written in our own words). People act for themselves, as on a real wiki: each demo user has an
account, signs up on the sign-up page or their user page, and subscribes with their own edit.
Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import json
import logging
import secrets
import tomllib
from pathlib import Path

from bots.config import local_wiki_dir
from bots.core import markers
from bots.core.parse import build_template
from bots.errors import ConfigError
from bots.jobs.context import JobContext
from bots.paths import DEMO_DIR
from bots.wiki.actor import Actor

log = logging.getLogger(__name__)



def load_demo(directory: Path = DEMO_DIR) -> dict[str, list[dict]]:
    """Every bots/demo/*.toml: arrays of records by their name (``cases``, ``advocates`` …,
    or a kind's own name for a kind that declares a directory)."""
    data: dict[str, list[dict]] = {}
    for path in sorted(directory.glob("*.toml")):
        with open(path, "rb") as fh:
            data.update(tomllib.load(fh))
    return data


class DemoPeople:
    """Demo accounts and their passwords (kept in the local wiki's data directory)."""

    def __init__(self, api_url: str, admin: Actor) -> None:
        self.api_url = api_url
        self.admin = admin
        self.path = local_wiki_dir() / "demo-users.json"
        self.passwords: dict[str, str] = (
            json.loads(self.path.read_text()) if self.path.exists() else {})
        self._actors: dict[str, Actor] = {}

    def actor(self, user: str) -> Actor:
        if user not in self._actors:
            password = self.passwords.setdefault(user, secrets.token_urlsafe(18))
            self.path.write_text(json.dumps(self.passwords, indent=1))
            self.path.chmod(0o600)
            self.admin.create_account(user, password)
            self._actors[user] = Actor(self.api_url, user, password).login()
        return self._actors[user]


def _put(actor: Actor, title: str, text: str, summary: str, ctx: JobContext) -> None:
    if (actor.text(title) or "").strip() == text.strip():
        return
    result = actor.edit(title, text, summary)
    if "nochange" not in result:
        ctx.stats.edits += 1


def _add_line(actor: Actor, title: str, line: str, user: str, summary: str,
              ctx: JobContext) -> None:
    """Append the user's own template line to a shared page, once."""
    current = actor.text(title) or ""
    if f"user = {user}\n" in current or f"user = {user}}}" in current:
        return
    actor.append(title, "\n" + line, summary)
    ctx.stats.edits += 1


def seed_demo(ctx: JobContext) -> None:
    profile = ctx.profile
    if not profile.is_local:
        raise ConfigError("seed-demo writes demo data and only runs against the local wiki")
    creds = json.loads((local_wiki_dir() / "credentials.json").read_text())
    admin = Actor(profile.api_url, creds["admin"]["username"], creds["admin"]["password"]).login()
    people = DemoPeople(profile.api_url, admin)
    data = load_demo()
    summary = ctx.summary("advocacyhub-summary-seed")
    kinds = ctx.schema.kinds

    # The bot's off switch, in its own user space: "run" lets it edit (see docs/operators.md).
    shutoff = ctx.wiki.shutoff_page
    if admin.text(shutoff) is None:
        admin.edit(shutoff, "run", "The bot may edit: anything else here stops it.")
        ctx.stats.edits += 1

    # The front page: a human introduction, and under it the markers of the section that
    # `run index` generates (the buttons, the featured case, the latest cases ...).
    front = admin.text(profile.root)
    if front is None or "advocacy-bot:begin front" not in front:
        _put(admin, profile.root,
             "The '''Advocacy Hub''' connects Wikimedia advocates and keeps the movement's "
             "knowledge of advocacy cases, methods, successes and failures on the wiki.\n\n"
             + markers.wrap("front", "") + "\n", summary, ctx)

    case_kind = ctx.schema.kind("case")
    for case in data["cases"]:
        fields = {k: v for k, v in case.items() if k in case_kind.fields}
        title = profile.hub.cases_prefix + case["title"]
        _put(admin, title, build_template(case_kind.template, fields) + "\n", summary, ctx)
        ctx.stats.records += 1

    signup = profile.hub_page("signup")
    if admin.text(signup) is None:
        template = ctx.schema.kind("advocate").template
        admin.edit(signup, "Sign up as a Wikimedia advocate: add a line "
                   f"<code><nowiki>{{{{{template}|user=...}}}}</nowiki></code> "
                   "below (or put it on your own user page).\n", summary)
        ctx.stats.edits += 1
    for adv in data["advocates"]:
        user = adv["user"]
        fields = {k: v for k, v in adv.items() if k != "signup"}
        line = build_template(ctx.schema.kind("advocate").template, fields)
        actor = people.actor(user)
        if adv.get("signup") == "userpage":
            _put(actor, f"User:{user}", f"Hello, I am {user}.\n\n{line}\n", summary, ctx)
        else:
            _add_line(actor, signup, line, user, summary, ctx)
        ctx.stats.records += 1

    # Roles are given, not taken (bots.core.roles): the local wiki's administrator, one of the
    # profile's maintainers, endorses the roles the demo people ask for.
    endorsements = profile.hub_page("role_endorsements")
    lines = [f"* {adv['role']}: [[User:{adv['user']}]]" for adv in data["advocates"]
             if adv.get("role", "member") != "member"]
    current = admin.text(endorsements) or ""
    missing = [line for line in lines if line not in current]
    if missing and profile.roster.maintainers:
        _put(admin, endorsements, current.rstrip("\n") + "\n" + "\n".join(missing) + "\n",
             summary, ctx)

    for kind_name, key, prefix in (("event", "events", "events"),
                                   ("resource", "resources", "resources")):
        for item in data[key]:
            author = people.actor(item["organiser"][0]) if item.get("organiser") else admin
            title = f"{profile.hub_page(prefix)}/{item['title']}"
            _put(author, title, build_template(kinds[kind_name].template, item) + "\n",
                 summary, ctx)
            ctx.stats.records += 1

    # Records of kinds with a directory (config/schema.toml): one page each, under it.
    for kind in kinds.values():
        for item in data.get(kind.name, []) if kind.directory else []:
            title = f"{profile.root}/{kind.directory}/{item[kind.label_field]}"
            _put(admin, title, build_template(kind.template, item) + "\n", summary, ctx)
            ctx.stats.records += 1

    subscribers = profile.hub_page("subscribers")
    if admin.text(subscribers) is None:
        admin.edit(subscribers, "To receive the Advocacy Hub newsletter on your talk page, add "
                   f"<code><nowiki>{{{{{ctx.schema.kind('subscription').template}|user=Your name|"
                   "language=en}}</nowiki></code> below yourself.\n", summary)
        ctx.stats.edits += 1
    for sub in data["subscribers"]:
        line = build_template(ctx.schema.kind("subscription").template, sub)
        _add_line(people.actor(sub["user"]), subscribers, line, sub["user"], summary, ctx)
        ctx.stats.records += 1
