"""Raw API queries through pywikibot, for the combined queries its generators cannot express
(several list/prop modules in one request)."""

from __future__ import annotations

from typing import Any

import pywikibot


def query_all(site: pywikibot.site.APISite, **params: Any) -> list[dict]:
    """Every answer of a query, following its continuation (pywikibot's Request does the
    retries, maxlag and throttling)."""
    results, cont = [], {}
    while True:
        data = site.simple_request(action="query", formatversion=2, **params, **cont).submit()
        results.append(data.get("query", {}))
        if "continue" not in data:
            return results
        cont = data["continue"]


def edited_since(site: pywikibot.site.APISite, since: str, exclude_user: str,
                 ) -> tuple[set[str], str]:
    """Titles edited (or created, moved, deleted) by anyone but ``exclude_user`` since the
    ISO timestamp ``since``, and the newest change's timestamp (the next ``since``). Without a
    ``since``: no titles, only the newest change. One request, unless more than 5,000 changes
    (a bot's limit) came since."""
    params: dict[str, Any] = {"action": "query", "formatversion": 2, "list": "recentchanges",
                              "rcprop": "title|timestamp|user", "rctype": "edit|new|log",
                              "rclimit": "max" if since else 1}
    if since:
        params["rcend"] = since
    titles: set[str] = set()
    newest = since
    while True:
        data = site.simple_request(**params).submit()
        changes = data.get("query", {}).get("recentchanges", [])
        if changes:
            newest = max(newest or "", changes[0]["timestamp"])
        titles |= {c["title"] for c in changes if c.get("user", "") != exclude_user}
        more = data.get("continue", {})
        if not since or "rccontinue" not in more:
            return (titles if since else set()), newest
        params = {**params, "rccontinue": more["rccontinue"]}
