"""What the wiki knows about accounts, read in bulk.

For N advocates of whom K need a look-up of their last edit (not seen in the recent-changes
window, and not remembered from an earlier look-up), a roster run costs: one multi-module
request for recent changes (5,000 changes a request for a bot), the rename log and the first
500 accounts; K per-user look-ups of the last edit, each carrying the next 500 accounts
(list=users in the same request); and one request per 500 accounts left when the look-ups
are done: max(K, ceil(N/500) - 1) after the first. Where the wiki has CentralAuth, the
per-user look-up also asks for the global lock, in the same request.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pywikibot

from bots.core.times import iso
from bots.wiki.query import query_all

log = logging.getLogger(__name__)


USPROP = "blockinfo|editcount|registration"


def _rc_params(since: datetime, exclude: str) -> dict[str, Any]:
    params: dict[str, Any] = {"rctype": "edit|new", "rcprop": "user|timestamp",
                              "rcshow": "!anon", "rcend": iso(since), "rclimit": "max"}
    if exclude:
        params["rcexcludeuser"] = exclude
    return params


def _rename_params(since: str) -> dict[str, Any]:
    params: dict[str, Any] = {"letype": "renameuser", "ledir": "newer",
                              "leprop": "details|timestamp|ids", "lelimit": "max"}
    if since:
        params["lestart"] = since
    return params


def _collect_recent(q: dict, latest: dict[str, str]) -> None:
    for change in q.get("recentchanges", []):
        user = change.get("user")
        if user and user not in latest:  # newest first: the first seen is the newest
            latest[user] = change["timestamp"]


def _collect_renames(q: dict, since: str, out: list[tuple[str, str, str, int]]) -> None:
    for event in q.get("logevents", []):
        p = event.get("params", {})
        old, new = p.get("olduser"), p.get("newuser")
        if old and new and event.get("timestamp", "") > since:
            out.append((old, new, event["timestamp"], int(event.get("logid", 0))))


def _in_log_order(events: list[tuple[str, str, str, int]]) -> list[tuple[str, str, str]]:
    """(old, new, timestamp), in the order they were made: by time, then by log id (renames
    in the same second, A→B then B→C, must not come out the other way round)."""
    return [e[:3] for e in sorted(events, key=lambda e: (e[2], e[3]))]


def _collect_users(q: dict, answers: dict[str, dict], normalized: dict[str, str]) -> None:
    for n in q.get("normalized", []):
        normalized[n["from"]] = n["to"]
    for info in q.get("users", []):
        answers[info.get("name", "")] = info


def _by_given_name(names: Sequence[str], answers: dict[str, dict],
                   normalized: dict[str, str]) -> dict[str, dict]:
    return {name: answers.get(normalized.get(name, name)) or answers.get(name)
            or {"name": name, "missing": True} for name in names}


@dataclass
class Survey:
    recent: dict[str, str]  # user -> newest edit in the recent-changes window
    renames: list[tuple[str, str, str]]  # (old, new, timestamp), oldest first
    accounts: dict[str, dict]  # name as given -> list=users' answer


def survey(site: pywikibot.site.APISite, names: Sequence[str], *, recent_since: datetime,
           renames_since: str, exclude: str = "") -> Survey:
    """Recent changes, the rename log and the accounts of ``names`` (at most one batch) in one
    multi-module query (more requests only when one of them continues)."""
    params = {"list": "recentchanges|logevents" + ("|users" if names else ""),
              **_rc_params(recent_since, exclude), **_rename_params(renames_since)}
    if names:
        params.update(ususers=list(names), usprop=USPROP)
    latest: dict[str, str] = {}
    events: list[tuple[str, str, str, int]] = []
    answers: dict[str, dict] = {}
    normalized: dict[str, str] = {}
    for q in query_all(site, **params):
        _collect_recent(q, latest)
        _collect_renames(q, renames_since, events)
        _collect_users(q, answers, normalized)
    return Survey(latest, _in_log_order(events), _by_given_name(names, answers, normalized))


def accounts(site: pywikibot.site.APISite, names: Iterable[str], batch: int = 500,
             ) -> dict[str, dict]:
    """name (as given) -> list=users' answer: blocks, edit count, registration; batched."""
    names = list(dict.fromkeys(names))
    out: dict[str, dict] = {}
    for i in range(0, len(names), batch):
        chunk = names[i:i + batch]
        answers: dict[str, dict] = {}
        normalized: dict[str, str] = {}
        for q in query_all(site, list="users", ususers=chunk, usprop=USPROP):
            _collect_users(q, answers, normalized)
        out.update(_by_given_name(chunk, answers, normalized))
    return out


@dataclass(frozen=True)
class LastEdit:
    timestamp: str  # "" = no edit found
    global_info: dict | None = None  # meta=globaluserinfo's answer, with CentralAuth


def last_edits(site: pywikibot.site.APISite, names: Sequence[str], *,
               centralauth: bool = False, accounts_of: Sequence[str] = (), batch: int = 500,
               ) -> tuple[dict[str, LastEdit], dict[str, dict]]:
    """The newest edit of each user in ``names``: one request per user (the API sorts several
    users' contributions together, so a batch cannot say who edited last), with the global
    lock in the same request where the wiki has CentralAuth. The accounts of
    ``accounts_of`` ride along, ``batch`` a request (list=users in the same query), and
    those left when the look-ups are done are read on their own: (last edits, name as given
    -> list=users' answer)."""
    out: dict[str, LastEdit] = {}
    chunks = [list(accounts_of[i:i + batch]) for i in range(0, len(accounts_of), batch)]
    answers: dict[str, dict] = {}
    normalized: dict[str, str] = {}
    carried: list[str] = []
    for name in names:
        params: dict[str, Any] = {"list": "usercontribs", "ucuser": name, "uclimit": 1,
                                  "ucprop": "timestamp"}
        if centralauth:
            params.update(meta="globaluserinfo", guiuser=name)
        if chunks:
            carried += chunks[0]
            params.update(list="usercontribs|users", ususers=chunks.pop(0), usprop=USPROP)
        for q in query_all(site, **params):
            _collect_users(q, answers, normalized)
            if name in out:
                continue  # a continuation of list=users only
            contribs = q.get("usercontribs", [])
            out[name] = LastEdit(contribs[0]["timestamp"] if contribs else "",
                                 q.get("globaluserinfo") if centralauth else None)
    found = _by_given_name(carried, answers, normalized)
    for chunk in chunks:
        found.update(accounts(site, chunk, batch))
    return out, found


def revisions_between(site: pywikibot.site.APISite, title: str, after_revid: int,
                      until_revid: int, limit: int = 50) -> list[tuple[int, str, str, str]]:
    """(revid, author, timestamp, text) of the revisions of ``title`` after ``after_revid``
    (0: from the first) up to ``until_revid`` (0: the latest), oldest first; at most the
    newest ``limit``."""
    params: dict[str, Any] = {"prop": "revisions", "titles": title,
                              "rvprop": "ids|user|timestamp|content", "rvslots": "main",
                              "rvlimit": limit}
    if until_revid:
        params["rvstartid"] = until_revid
    if after_revid:
        params["rvendid"] = after_revid
    data = site.simple_request(action="query", formatversion=2, **params).submit()
    out = []
    for page in data.get("query", {}).get("pages", []):
        for rev in page.get("revisions", []):
            if rev["revid"] == after_revid:
                continue
            text = rev.get("slots", {}).get("main", {}).get("content", "")
            out.append((rev["revid"], rev.get("user", ""), rev["timestamp"], text))
    out.sort()
    return out


def renames_since(site: pywikibot.site.APISite, since: str) -> list[tuple[str, str, str]]:
    """The rename log after ISO time ``since`` ("" for all of it): (old, new, timestamp),
    oldest first; one request for up to 5,000 renames."""
    events: list[tuple[str, str, str, int]] = []
    for q in query_all(site, list="logevents", **_rename_params(since)):
        _collect_renames(q, since, events)
    return _in_log_order(events)


def standing(site: pywikibot.site.APISite, names: Iterable[str]) -> dict[str, dict]:
    """name (as given) -> list=users' answer with the account's groups, edit count and
    block (whether it may make the bot send a newsletter issue); one request per 500."""
    names = list(dict.fromkeys(n for n in names if n))
    out: dict[str, dict] = {}
    for i in range(0, len(names), 500):
        chunk = names[i:i + 500]
        answers: dict[str, dict] = {}
        normalized: dict[str, str] = {}
        for q in query_all(site, list="users", ususers=chunk, usprop="blockinfo|editcount|groups"):
            _collect_users(q, answers, normalized)
        out.update(_by_given_name(chunk, answers, normalized))
    return out


def contributions(site: pywikibot.site.APISite, user: str, namespace: int,
                  since: str) -> list[tuple[str, str]]:
    """(title, edit summary) of ``user``'s edits in ``namespace`` since ISO time ``since``
    ("" for all of them), newest first; one request for up to 5,000 edits (a bot)."""
    params: dict[str, Any] = {"ucuser": user, "ucnamespace": namespace,
                              "ucprop": "title|comment", "uclimit": "max"}
    if since:
        params["ucend"] = since
    out: list[tuple[str, str]] = []
    for q in query_all(site, list="usercontribs", **params):
        out.extend((c["title"], c.get("comment", "")) for c in q.get("usercontribs", []))
    return out
