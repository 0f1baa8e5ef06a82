"""Raw API queries through pywikibot, for the combined queries its generators cannot express
(several list/prop modules in one request)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pywikibot


def query_all(site: pywikibot.site.APISite, **params: Any) -> list[dict]:
    """Every answer of a query, following its continuation (pywikibot's Request does the
    retries, maxlag and throttling)."""
    results: list[dict] = []
    cont: dict[str, Any] = {}
    while True:
        data = site.simple_request(action="query", formatversion=2, **params, **cont).submit()
        results.append(data.get("query", {}))
        if "continue" not in data:
            return results
        cont = data["continue"]


def titles_limit(site: pywikibot.site.APISite) -> int:
    """Titles the API takes in one request from this account: 500 with ``apihighlimits``
    (bots, admins), else 50."""
    return 500 if site.has_right("apihighlimits") else 50


def page_info(site: pywikibot.site.APISite, titles: list[str], batch: int = 500,
              ) -> dict[str, tuple[int, int]]:
    """title -> (the id of its latest revision, its length in bytes), both 0 for a page that
    does not exist, or -1 as the length; ``batch`` titles a request, no page text."""
    out: dict[str, tuple[int, int]] = {}
    for i in range(0, len(titles), batch):
        for q in query_all(site, prop="info", titles=titles[i:i + batch]):
            normalized = {n["to"]: n["from"] for n in q.get("normalized", [])}
            for page in q.get("pages", []):
                title = normalized.get(page["title"], page["title"])
                missing = bool(page.get("missing"))
                out[title] = (int(page.get("lastrevid") or 0),
                              -1 if missing else int(page.get("length") or 0))
    return out


def latest_revids(site: pywikibot.site.APISite, titles: list[str], batch: int = 500,
                  ) -> dict[str, int]:
    """title -> the id of its latest revision (0: the page does not exist)."""
    return {t: revid for t, (revid, _) in page_info(site, titles, batch).items()}


def page_lengths(site: pywikibot.site.APISite, titles: list[str], batch: int = 500,
                 ) -> dict[str, int]:
    """title -> its length in bytes (-1: the page does not exist)."""
    return {t: length for t, (_, length) in page_info(site, titles, batch).items()}


def language_info(site: pywikibot.site.APISite, codes: list[str]) -> dict[str, dict]:
    """code -> what the wiki says of it (``fallbacks``: MediaWiki's chain, ``pt-br`` ->
    ``["pt", "en"]``; ``dir``: ``ltr`` or ``rtl``; ``autonym``): one request per 50 codes.
    A code the wiki does not know is not in the answer (the API warns of it: an expected
    warning, bots.wiki.session.EXPECTED)."""
    out: dict[str, dict] = {}
    for start in range(0, len(codes), 50):
        for q in query_all(site, meta="languageinfo", liprop="fallbacks|dir|autonym",
                           licode=codes[start:start + 50]):
            for code, info in q.get("languageinfo", {}).items():
                out[code] = {"fallbacks": list(info.get("fallbacks", [])),
                             "dir": info.get("dir", "ltr"),
                             "autonym": info.get("autonym", "")}
    return out


_PARSE_PROPS = "text|links|templates|categories|externallinks|images|iwlinks|langlinks"


def _plain(site: pywikibot.site.APISite, text: str) -> bool:
    """Whether the wiki renders ``text`` as plain text: no link, template, category, image
    or external link, and no HTML element but the paragraphs the parser wraps text in."""
    answer = site.simple_request(action="parse", text=text, contentmodel="wikitext",
                                 prop=_PARSE_PROPS, disablelimitreport=True,
                                 disableeditsection=True, wrapoutputclass="",
                                 formatversion=2).submit()["parse"]
    if any(answer.get(key) for key in _PARSE_PROPS.split("|")[1:]):
        return False
    html = re.sub(r"</?p>|<br\s*/?>|<!--.*?-->", "", answer.get("text", ""), flags=re.S)
    return "<" not in html


def renders_plain(site: pywikibot.site.APISite, texts: list[str]) -> list[bool]:
    """For each of ``texts`` (labels, messages), whether the wiki's own parser renders it as
    plain text. One parse request for all of them (each its own paragraph); one more per
    text only when that one finds something (someone tried markup)."""
    if not texts:
        return []
    if _plain(site, "\n\n".join(t.replace("\n", " ") for t in texts)):
        return [True] * len(texts)
    return [_plain(site, t) for t in texts]


def moved_to(site: pywikibot.site.APISite, titles: Sequence[str], hops: int = 5,
             ) -> dict[str, str]:
    """Where each of ``titles`` was moved last (following later moves of the target, up to
    ``hops``), from the move log; titles never moved are left out. One request a title."""
    out: dict[str, str] = {}
    for title in titles:
        current, seen = title, {title}
        for _ in range(hops):
            data = site.simple_request(action="query", list="logevents", letype="move",
                                       letitle=current, leprop="details|title",
                                       lelimit=1, formatversion=2).submit()
            events = data.get("query", {}).get("logevents", [])
            target = events[0].get("params", {}).get("target_title") if events else None
            if not target or target in seen:
                break
            seen.add(target)
            current = target
        if current != title:
            out[title] = current
    return out


def contributors(site: pywikibot.site.APISite, titles: list[str], batch: int = 50,
                 ) -> dict[str, tuple[set[str], int]]:
    """title -> (the registered accounts that edited it, how many anonymous editors): a few
    requests for many pages (prop=contributors), no history. A page only its owner edited
    needs no history to tell whose lines it holds (bots.jobs.common.consent)."""
    out: dict[str, tuple[set[str], int]] = {}
    for i in range(0, len(titles), batch):
        for q in query_all(site, prop="contributors", titles=titles[i:i + batch],
                           pclimit="max"):
            normalized = {n["to"]: n["from"] for n in q.get("normalized", [])}
            for page in q.get("pages", []):
                title = normalized.get(page["title"], page["title"])
                users, anons = out.get(title, (set(), 0))
                users |= {c["name"] for c in page.get("contributors", [])}
                out[title] = (users, max(anons, int(page.get("anoncontributors") or 0)))
    return out


def expanded(site: pywikibot.site.APISite, text: str, title: str) -> str:
    """``text`` with every template, parser function and module call expanded by the wiki
    (as ``subst:`` would, on ``title``), editors' comments dropped: one request."""
    return site.expand_text(text, title=title, includecomments=False)
