"""The newsletter's archive page: every issue, newest first, each with its discussion (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bots.core.messages import Messages
from bots.core.render.partlinks import PageSet
from bots.core.render.tables import table
from bots.core.wikitext import escape, page_link

KEY = "newsletter"  # the archive is the newsletter's page (the hub's "newsletter" title)
PERIOD = re.compile(r"\d{4}-(?:\d{2}|W\d{2})")  # bots.core.newsletter.period_of


def issue_periods(subpages: Iterable[str]) -> list[str]:
    """The periods of the issues among the newsletter page's sub-page names (``2026-12``,
    ``2026-12/es``, ``Subscribers`` ...), newest first."""
    return sorted({name.split("/")[0] for name in subpages
                   if PERIOD.fullmatch(name.split("/")[0])}, reverse=True)


def new_section_link(talk: str, label: str) -> str:
    """A link that opens a new section of ``talk`` (no red link while it does not exist)."""
    return f"[{{{{fullurl:{talk}|action=edit&section=new}}}} {escape(label)}]"


class Archive:
    def __init__(self, msgs: Messages, pages: PageSet) -> None:
        self.msgs = msgs
        self.pages = pages

    def render(self, subpages: Iterable[str], talks: Iterable[str]) -> str:
        """``subpages``: the names of the newsletter page's existing sub-pages; ``talks``:
        those whose talk page exists."""
        m, lang = self.msgs, self.msgs.lang
        names, with_talk = set(subpages), set(talks)
        periods = issue_periods(names)
        out = [self.pages.language_bar(KEY, lang), m("advocacyhub-archive-intro", len(periods)),
               ""]
        if not periods:
            return "\n".join([*out, m("advocacyhub-archive-none")])
        rows = []
        for period in periods:
            # The issue in the page's language when it was translated, else the base issue.
            own = f"{period}/{lang}" if lang != self.pages.base_lang else period
            issue = self.pages.titles[KEY] + "/" + (own if own in names else period)
            base = self.pages.titles[KEY] + "/" + period
            talk = f"Talk:{base}"  # one conversation for every language, on the base issue
            rows.append([page_link(issue, period),
                         page_link(talk, m("advocacyhub-archive-talk")) if period in with_talk
                         else new_section_link(talk, m("advocacyhub-archive-discuss"))])
        return "\n".join([*out, table([m("advocacyhub-archive-issue"),
                                       m("advocacyhub-archive-discussion")], rows,
                                      [[p, ""] for p in periods], css="advocacy-archive")])
