"""The lease page on the wiki (bots.core.lease's store): read it, and write it over the
revision it replaces, so that MediaWiki's edit conflict tells two runs apart.

The edit names only ``baserevid`` (no ``basetimestamp``): with a base timestamp MediaWiki
suppresses an edit conflict whose other side is the same account ("conflict with self"), and
every run of the bot is the same account. With the base revision alone it tries to merge, and
two edits of the same single line never merge (tests/test_wiki_lease.py shows it)."""

from __future__ import annotations

import pywikibot

from bots.errors import LeaseConflict, WriteRefused
from bots.wiki.pages import WikiClient


class WikiLeaseStore:
    def __init__(self, wiki: WikiClient, title: str, summary: str) -> None:
        self.wiki = wiki
        self.title = title
        self.summary = summary
        if not wiki.profile.may_write(title):
            raise WriteRefused(f"refusing to write {title!r}: not under "
                               f"{wiki.profile.write_prefixes}")

    def read(self) -> tuple[int, str | None]:
        page = self.wiki.read_one(self.title, join=False)
        return page.revid, page.text

    def write(self, base: int, text: str, *, check: bool = True) -> int:
        """``check``: read the shutoff page first (not to free the lease)."""
        site = self.wiki.site
        params = {"action": "edit", "title": self.title, "text": text, "summary": self.summary,
                  "bot": True, "watchlist": "nochange", "token": site.tokens["csrf"]}
        if base:
            params.update(baserevid=base, nocreate=True)
        else:
            params["createonly"] = True
        if check:
            self.wiki.check_shutoff()
        try:
            result = site.simple_request(**params).submit().get("edit", {})
        except pywikibot.exceptions.APIError as exc:
            if exc.code not in ("editconflict", "articleexists", "missingtitle"):
                raise
            # A retried request whose first answer was lost conflicts with itself: look.
            revid, now = self.read()
            if (now or "").strip() == text.strip():
                return revid
            raise LeaseConflict(f"[[{self.title}]]: {exc.code}") from exc
        if result.get("result") != "Success":
            raise LeaseConflict(f"[[{self.title}]]: {result}")
        if "nochange" in result:  # the same text over the same revision: ours already
            return int(result.get("newrevid") or base)
        return int(result["newrevid"])
