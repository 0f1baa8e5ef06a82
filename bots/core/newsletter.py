"""Newsletter issues: what changed in a period, grouped by pillar, as a page editors finish.

The generated part of an issue is the difference between the records now and a baseline taken
at the first run of the period, so every run in the period regenerates the same text (and makes
no edit when nothing changed). Introduction and community news are human sections around it.
"""

from __future__ import annotations

import contextlib
import re
import tomllib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from urllib.parse import quote

import mwparserfromhell

from bots.core import markers
from bots.core.dates import utc_of
from bots.core.messages import Messages
from bots.core.records import Record
from bots.core.render.cells import CellRenderer, years
from bots.core.schema import Schema, template_key
from bots.core.usernames import canonical_user
from bots.core.wikitext import escape, heading, page_link, user_link
from bots.paths import CONFIG_DIR

ISSUE_TEMPLATE = "Advocacy newsletter"
ISSUE_SECTION = "newsletter"  # the name of an issue's generated block (between markers)
GROUP_ITEMS = 8  # new cases an issue lists under each pillar; the rest are counted


def _is_issue_template(tpl) -> bool:
    """Whether a template call is {{Advocacy newsletter}}, however its name is spelt."""
    return template_key(str(tpl.name)).lower() == ISSUE_TEMPLATE.lower()
DRAFT, READY, DELIVERED = "draft", "ready", "delivered"


def period_of(now: datetime, period: str = "monthly") -> str:
    if period == "weekly":
        year, week, _ = now.isocalendar()
        return f"{year}-W{week:02d}"
    return now.strftime("%Y-%m")


@cache
def pillar_of_topic() -> dict[str, str]:
    with open(CONFIG_DIR / "vocabularies.toml", "rb") as fh:
        members = tomllib.load(fh)["pillars"]["members"]
    return {topic: pillar for pillar, topics in members.items() for topic in topics}


def summarise(records: Sequence[Record]) -> dict:
    """The baseline: what a later run needs to tell new and changed records apart."""
    cases: dict[str, dict] = {}
    lists: dict[str, list[str]] = {"advocates": [], "resources": [], "events": []}
    for r in records:
        if r.kind == "case":
            cases[r.page] = {"status": r.value("status"), "outcome": r.value("outcome")}
        elif r.kind == "advocate":
            lists["advocates"].append(r.value("user"))
        elif r.kind in ("resource", "event"):
            lists[f"{r.kind}s"].append(f"{r.page}#{r.index}")
    return {"cases": cases, **{key: sorted(values) for key, values in lists.items()}}


def sound_baseline(data: object) -> dict:
    """A baseline as :func:`summarise` makes it, whatever a hand-damaged state page holds:
    the parts of the wrong shape are empty."""
    data = data if isinstance(data, dict) else {}
    found = data.get("cases")
    cases: dict = found if isinstance(found, dict) else {}
    out: dict[str, Any] = {"cases": {p: c for p, c in cases.items() if isinstance(c, dict)}}
    for key in ("advocates", "resources", "events"):
        value = data.get(key)
        out[key] = [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
    return out


@dataclass
class IssueItems:
    new_cases: list[Record] = field(default_factory=list)
    changed_cases: list[tuple[Record, dict]] = field(default_factory=list)  # (now, before)
    new_advocates: list[Record] = field(default_factory=list)
    upcoming_events: list[Record] = field(default_factory=list)
    new_resources: list[Record] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.new_cases or self.changed_cases or self.new_advocates
                    or self.upcoming_events or self.new_resources)

    def count(self) -> int:
        return (len(self.new_cases) + len(self.changed_cases) + len(self.new_advocates)
                + len(self.upcoming_events) + len(self.new_resources))


def items_since(records: Sequence[Record], baseline: dict, now: datetime,
                horizon_days: int = 45) -> IssueItems:
    items = IssueItems()
    horizon = (now + timedelta(days=horizon_days)).strftime("%Y-%m-%dT%H:%M")
    today = now.strftime("%Y-%m-%dT%H:%M")
    known_advocates = set(baseline.get("advocates", []))
    known_resources = set(baseline.get("resources", []))
    for r in sorted(records, key=lambda r: r.label.lower()):
        if not r.valid:
            continue
        if r.kind == "case":
            was = baseline.get("cases", {}).get(r.page)
            if was is None:
                items.new_cases.append(r)
            elif (was.get("status"), was.get("outcome")) != (r.value("status"),
                                                                   r.value("outcome")):
                items.changed_cases.append((r, was))
        elif r.kind == "advocate" and r.value("user") not in known_advocates:
            if not r.hides_private:  # an advocate who keeps a low profile is not announced
                items.new_advocates.append(r)
        elif r.kind == "resource" and f"{r.page}#{r.index}" not in known_resources:
            items.new_resources.append(r)
        elif r.kind == "event" and today <= utc_of(r.value("start"), r.value("timezone"),
                                                    end_of_day=True) <= horizon:
            items.upcoming_events.append(r)
    items.upcoming_events.sort(key=lambda r: r.value("start"))
    return items


OTHER = "other"  # the group of new cases whose first topic is in no pillar
MAX_ITEMS = 50  # entries a list of an issue or digest shows; the rest are counted


class IssueRenderer:
    """An issue's (or a digest's) generated lists. Each shows at most ``max_items`` entries
    and then how many more there are, with ``more`` (a link to the case index): a month
    with thousands of new cases still makes a readable issue of bounded size."""

    def __init__(self, schema: Schema, msgs: Messages, *, max_items: int = MAX_ITEMS,
                 more: str = "", group_items: int = GROUP_ITEMS) -> None:
        self.schema = schema
        self.msgs = msgs
        self.cells = CellRenderer(schema, msgs)
        self.case = schema.kind("case")
        self.max_items = max_items
        self.group_items = group_items
        self.more = more

    def _more(self, total: int, shown: int | None = None) -> list[str]:
        left = total - (self.max_items if shown is None else shown)
        if left <= 0:
            return []
        return ["* ''" + self.msgs("advocacyhub-newsletter-more", left, self.more or "–") + "''"]

    def _case_line(self, r: Record) -> str:
        """One short line: the title (linked), where, when."""
        where = ", ".join(self.cells.value_label(self.case.field("jurisdiction"), j)
                          for j in r.values("jurisdiction"))
        return (f"* {page_link(r.page, r.value('title') or r.page)} ({escape(where, 120)}; "
                f"{escape(years(r))})")

    def _by_pillar(self, cases: Sequence[Record]) -> dict[str, list[Record]]:
        """Cases by the pillar of their first topic, in the pillars' order on the
        vocabularies page (nothing hard-coded: a pillar the community adds gets its group);
        a case whose first topic is in no pillar, or that has none, goes to OTHER, last.
        Every case is in exactly one group."""
        pillars = self.schema.pillars or pillar_of_topic()  # the wiki's vocabularies page
        order = list(dict.fromkeys(pillars.values()))
        groups: dict[str, list[Record]] = {}
        for r in cases:
            topics = r.values("topics")
            pillar = pillars.get(topics[0], OTHER) if topics else OTHER
            groups.setdefault(pillar, []).append(r)
        return {p: groups[p] for p in [*order, OTHER] if p in groups}

    def _pillar_heading(self, pillar: str) -> str:
        key = f"advocacyhub-pillar-{pillar}".lower()
        return self.msgs(key) if self.msgs.has(key) else pillar

    def generated(self, items: IssueItems, period: str) -> str:
        m = self.msgs
        out: list[str] = []
        if items.empty:
            return m("advocacyhub-newsletter-nothing", period)
        if items.new_cases:
            out.append(heading(m("advocacyhub-newsletter-new-cases", len(items.new_cases))))
            # Each pillar's first few cases, one short line each; the rest counted, with a
            # link to the index (a month of hundreds of new cases stays one screen).
            cap = max(1, min(self.group_items, self.max_items))
            for pillar, cases in self._by_pillar(items.new_cases).items():
                out.append(heading(self._pillar_heading(pillar), 3))
                out += [self._case_line(r) for r in cases[:cap]]
                out += self._more(len(cases), cap)
        if items.changed_cases:
            out.append(heading(m("advocacyhub-newsletter-changed-cases",
                                 len(items.changed_cases))))
            status, outcome = self.case.field("status"), self.case.field("outcome")
            for r, was in items.changed_cases[:self.max_items]:
                change = []
                for fld, key in ((status, "status"), (outcome, "outcome")):
                    if was.get(key) != r.value(key):
                        change.append(m("advocacyhub-newsletter-change",
                                        m.field_label(key),
                                        self.cells.value_label(fld, was.get(key) or "-"),
                                        self.cells.value_label(fld, r.value(key) or "-")))
                out.append(f"* {page_link(r.page, r.value('title') or r.page)}: "
                           f"{escape('; '.join(change))}")
            out += self._more(len(items.changed_cases))
        if items.new_advocates:
            out.append(heading(m("advocacyhub-newsletter-new-advocates",
                                 len(items.new_advocates))))
            out.append(", ".join(user_link(r.value("user"))
                                 for r in items.new_advocates[:self.max_items]))
            out += self._more(len(items.new_advocates))
        if items.upcoming_events:
            out.append(heading(m("advocacyhub-newsletter-events", len(items.upcoming_events))))
            for r in items.upcoming_events[:self.max_items]:
                where = m("advocacyhub-newsletter-online") if r.value("online") == "yes" \
                    else r.value("place")
                out.append(f"* {escape(CellRenderer(self.schema, m).when(r))} – "
                           f"{page_link(r.page, r.value('title'))} ({escape(where)})")
            out += self._more(len(items.upcoming_events))
        if items.new_resources:
            out.append(heading(m("advocacyhub-newsletter-resources", len(items.new_resources))))
            kind = self.schema.kind("resource").field("kind")
            for r in items.new_resources[:self.max_items]:
                out.append(f"* {page_link(r.page, r.value('title'))} "
                           f"({escape(self.cells.value_label(kind, r.value('kind')))})")
            out += self._more(len(items.new_resources))
        return "\n".join(out)

    def skeleton(self, period: str) -> str:
        """A new issue page: the status line, the editors' places (hints in comments: a
        place without text shows no empty heading; the community news' heading is in its
        hint, for the editor to take out), the generated section between markers (filled by
        the caller)."""
        m = self.msgs
        community = heading(m("advocacyhub-newsletter-community-heading"))
        return "\n".join([
            f"{{{{{ISSUE_TEMPLATE}|status={DRAFT}|period={period}}}}}",
            _comment(m("advocacyhub-newsletter-intro-hint")),
            "",
            _comment(m("advocacyhub-newsletter-community-hint") + "\n" + community),
            "",
            "{GENERATED}",
            "",
        ])

    def footer(self, talk: str, subscribers: str, preload: str) -> str:
        """The last lines of an issue: discuss it (a new section of its talk page, which
        need not exist yet: no red link), subscribe (a new line on the subscribers page, with
        the preload of the reader's language), unsubscribe (edit the subscribers page). Links
        by URL, so they work the same on the issue and on every talk page it is posted to."""
        m = self.msgs

        def link(title: str, query: str, key: str) -> str:
            return f"[{{{{fullurl:{title}|{query}}}}} {escape(m(key))}]"

        bold = "'" * 3
        parts = [
            bold + link(talk, "action=edit&section=new", "advocacyhub-newsletter-discuss") + bold,
            link(subscribers, "action=edit&section=new&nosummary=1&preload="
                 + quote(preload.replace(" ", "_"), safe=":/"),
                 "advocacyhub-newsletter-subscribe"),
            m("advocacyhub-newsletter-unsubscribe",
              link(subscribers, "action=edit", "advocacyhub-newsletter-subscribers-page")),
        ]
        return ('----\n<div class="advocacy-newsletter-footer plainlinks">'
                + " · ".join(parts) + "</div>")


def _comment(text: str) -> str:
    """An HTML comment for editors (its text cannot end it early)."""
    return "<!-- " + text.replace("--", "–") + " -->"


def issue_status(text: str | None) -> str:
    """draft / ready / delivered, from the {{Advocacy newsletter|status=…}} line."""
    if not text:
        return ""
    for tpl in mwparserfromhell.parse(text).filter_templates():
        if _is_issue_template(tpl):
            if tpl.has("status"):
                return str(tpl.get("status").value).strip().lower()
            return DRAFT
    return ""


def set_status(text: str, status: str, **extra: str) -> str:
    code = mwparserfromhell.parse(text)
    for tpl in code.filter_templates():
        if _is_issue_template(tpl):
            tpl.add("status", status)
            for key, value in extra.items():
                tpl.add(key, value)
            return str(code)
    return text


@dataclass(frozen=True)
class IssueRevision:
    """One revision of an issue page, as the delivery judges it."""

    revid: int
    user: str
    status: str  # issue_status of its text ("" for a hidden text)


def issue_editors(revisions: Sequence[IssueRevision], bot: str, *, base: bool = True,
                  ) -> tuple[str, str | list[str]]:
    """Whether an issue page may be delivered, and who must have standing for it.

    ``revisions``: the page's history, oldest first (by revision id). The page must have been
    created by ``bot`` (from its own draft). For the base issue (``base``), the edit that
    marked it ready (the first of the last run of ready revisions) and every edit after it
    are the ones the delivery rests on; for a translation, every edit after its creation.
    Returns ("", the accounts other than the bot that made those edits) or (a problem code,
    the account it is about)."""
    revisions = sorted(revisions, key=lambda r: r.revid)
    if not revisions:
        return "issue-not-by-bot", ""
    if canonical_user(revisions[0].user) != canonical_user(bot):
        return "issue-not-by-bot", revisions[0].user
    start = 1
    if base:
        marks = [i for i, r in enumerate(revisions) if r.status == READY
                 and (i == 0 or revisions[i - 1].status != READY)]
        if not marks or revisions[-1].status != READY:
            return "issue-not-ready", ""
        start = marks[-1]
    editors = [r.user for r in revisions[start:] if canonical_user(r.user) != canonical_user(bot)]
    return "", list(dict.fromkeys(editors))


def skeleton_headings(msgs: Messages) -> list[str]:
    """The titles of the human sections the bot's skeleton of an issue has, in ``msgs``'s
    language (as written on the page: escaped like every heading the bot writes)."""
    out = []
    for key in ("advocacyhub-newsletter-intro-heading", "advocacyhub-newsletter-community-heading"):
        heads = mwparserfromhell.parse(heading(msgs(key))).filter_headings()
        out += [str(h.title).strip() for h in heads]
    return out


def has_standing(name: str, account: Mapping[str, Any], maintainers: Collection[str],
                 min_edits: int) -> bool:
    """Whether ``name`` (list=users' ``account``: groups, editcount, block) may make the bot
    post: one of the ``maintainers``, or autoconfirmed with ``min_edits`` edits, unblocked."""
    if canonical_user(name) in {canonical_user(m) for m in maintainers}:
        return True
    if account.get("missing") or account.get("invalid") or account.get("blockid"):
        return False
    return "autoconfirmed" in account.get("groups", ()) and \
        int(account.get("editcount", 0) or 0) >= min_edits


def own_sections(text: str, headings: Collection[str], section: str) -> str | None:
    """Only the issue's own parts: what comes before its first heading, the bot's generated
    block (``section`` between markers) and the sections under the skeleton's ``headings``
    (the introduction and community news, in the page's language). Any other top-level
    section someone added is left out of every copy. None when the generated block's
    markers are missing or damaged (not an issue the bot made)."""
    body = markers.extract(text, section)
    if body is None:
        return None
    begin = text.find(markers.BEGIN.format(name=section))
    end_marker = markers.END.format(name=section)
    end = text.find(end_marker, begin)
    if begin < 0 or end < 0:
        return None
    placeholder = "\ue000GENERATED\ue000"  # a private-use character: never in a page
    rest = text[:begin] + placeholder + text[end + len(end_marker):]
    wanted = {h.strip() for h in headings}
    # The page in parts, each from one top-level heading of level 2 (or 1) to the next.
    chunks: list[tuple[str | None, list[str]]] = [(None, [])]
    for node in mwparserfromhell.parse(rest).nodes:
        if isinstance(node, mwparserfromhell.nodes.Heading) and node.level <= 2:
            chunks.append((str(node.title).strip(), []))
        chunks[-1][1].append(str(node))
    kept: list[str] = []
    for title, nodes in chunks:
        text_of = "".join(nodes)
        if title is None or title in wanted:
            kept.append(text_of)
        elif placeholder in text_of:  # a heading someone put above the block: not copied
            kept.append("\n" + text_of[text_of.index(placeholder):])
    return "".join(kept).replace(placeholder, markers.wrap(section, body))


def for_delivery(text: str, categories: Collection[str] = ("category",)) -> str:
    """The issue as posted on talk pages: inside the one new section the bot adds, so its
    headings go one level down; without the status line, editors' hidden comments,
    editorial sections nobody wrote and category links (``categories``: the wiki's names of
    the category namespace, lower case): a copy never puts a talk page in a category."""
    code = mwparserfromhell.parse(text)
    prefixes = {c.lower().replace("_", " ").strip() for c in categories} | {"category"}
    for link in code.filter_wikilinks():
        target = str(link.title).strip()
        ns = target.split(":", 1)[0].lower().replace("_", " ").strip() if ":" in target else ""
        if ns in prefixes:
            with contextlib.suppress(ValueError):  # inside a link already removed
                code.remove(link)
    for tpl in code.filter_templates(recursive=False):
        if _is_issue_template(tpl):
            code.remove(tpl)
    for comment in code.filter_comments():
        code.remove(comment)
    # Editorial sections nobody wrote go, innermost first: a section whose only content was
    # an empty subsection is empty once that one has gone.
    for _ in range(len(code.filter_headings(recursive=False))):
        empty = []
        for section in code.get_sections(include_lead=False):
            head = section.filter_headings(recursive=False)[0]
            if not str(section)[len(str(head)):].strip():
                empty.append(head)
        if not empty:
            break
        with contextlib.suppress(ValueError):  # already gone with an enclosing node
            code.remove(empty[-1])  # the innermost, last one: its parent is judged again
    for head in code.filter_headings():
        head.level = min(6, head.level + 1)
    return re.sub(r"\n{3,}", "\n\n", str(code)).strip()
