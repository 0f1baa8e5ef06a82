"""Lists the jobs read through pywikibot's generators: recent changes, the pages that embed
a template, which of some pages transclude one, and a page's history."""

from __future__ import annotations

from collections.abc import Iterator

import pywikibot


def recent_changes(site: pywikibot.site.APISite, since: str, until: str | None = None, *,
                   exclude: str, **params) -> Iterator[dict]:
    """The recent changes from ``since`` (to ``until``), oldest first, ``exclude``'s left
    out; ``params`` go to pywikibot's ``recentchanges`` (namespaces, changetype ...)."""
    if until is not None:
        params["end"] = pywikibot.Timestamp.fromISOformat(until)
    return site.recentchanges(start=pywikibot.Timestamp.fromISOformat(since), reverse=True,
                              excludeuser=exclude, **params)


def namespace_id(site: pywikibot.site.APISite, title: str) -> int:
    """The number of the namespace ``title`` is in."""
    return pywikibot.Page(site, title).namespace().id


def in_main_namespace(site: pywikibot.site.APISite, title: str) -> bool:
    """Whether ``title`` is in the main namespace; False for a title the wiki refuses (the
    harvest reports it as a bad page)."""
    try:
        return pywikibot.Page(site, title).namespace().id == 0
    except (pywikibot.exceptions.InvalidTitleError, ValueError):
        return False


def embedding_titles(site: pywikibot.site.APISite, template: str) -> list[str]:
    """The titles of the pages that embed ``template`` (a full title: ``Template:...``)."""
    return [p.title() for p in site.page_embeddedin(pywikibot.Page(site, template))]


def with_template(site: pywikibot.site.APISite, titles: list[str], template: str,
                  batch: int) -> set[str]:
    """Of ``titles``, those that transclude ``template`` (one light request per ``batch``
    titles, no page text)."""
    found: set[str] = set()
    for i in range(0, len(titles), batch):
        req = site.simple_request(action="query", prop="templates", titles=titles[i:i + batch],
                                  tltemplates=template, tllimit="max")
        data = req.submit()
        for page in data.get("query", {}).get("pages", {}).values():
            if page.get("templates"):
                found.add(page["title"])
    return found


def history(page: pywikibot.Page, since: str | None) -> Iterator[tuple[int, str, str | None,
                                                                    str]]:
    """(revid, author, text, timestamp) of the revisions of ``page`` from ``since`` (None:
    from the first), oldest first as pywikibot orders them (by timestamp); the text is None
    for a revision whose text is hidden."""
    for rev in page.revisions(content=True, reverse=True, starttime=since):
        hidden = rev.text is None or getattr(rev, "texthidden", False)
        yield rev.revid, rev.user or "", None if hidden else rev.text, rev.timestamp.isoformat()


def prefixed_titles(site: pywikibot.site.APISite, prefix: str, namespace: int = 0) -> list[str]:
    """The titles of the existing pages whose title starts with ``prefix`` (a title without
    its namespace) in ``namespace``, redirects left out."""
    return [p.title(with_ns=False) for p in site.allpages(prefix=prefix, namespace=namespace,
                                                         filterredir=False)]
