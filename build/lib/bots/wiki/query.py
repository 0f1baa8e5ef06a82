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
