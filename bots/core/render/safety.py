"""The "Safety and support" page: where an advocate in trouble can turn (pure).

Its text is the messages' (every language); the programmes, their links and the emergency
address are the profile's ``[safety]`` section, never code. Linked from the front page, the
Join form, every alert and every personal digest (:func:`safety_line`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bots.core.messages import Messages
from bots.core.render.partlinks import PageSet
from bots.core.wikitext import escape, heading, page_link, url_link

_EMAIL = re.compile(r"^[^@\s<>\[\]{}|]+@[^@\s<>\[\]{}|]+\.[A-Za-z]{2,}$")


def programme(entry: str) -> tuple[str, str]:
    """("name", "link") of one ``[safety] programmes`` entry, "name | link"."""
    name, _, link = entry.partition("|")
    return name.strip(), link.strip()


def _link(name: str, link: str) -> str:
    if link.startswith(("https://", "http://")):
        return url_link(link, name)
    if link:
        return page_link(link, name)
    return escape(name)


def _mail(address: str) -> str:
    if _EMAIL.match(address):
        return url_link(f"mailto:{address}", address)
    return escape(address)


def safety_page(msgs: Messages, pages: PageSet, emergency: str,
                programmes: Sequence[str]) -> str:
    lang = msgs.lang
    out = [pages.language_bar("safety", lang), msgs("advocacyhub-safety-intro"), ""]
    if emergency:
        out += ['<div class="advocacy-emergency" style="border:2px solid #d33; padding:0.5em 1em;'
                ' background:#fee7e6;">'
                f"'''{escape(msgs('advocacyhub-safety-emergency-heading'))}''' "
                + msgs("advocacyhub-safety-emergency", _mail(emergency)) + "</div>", ""]
    if programmes:
        out += [heading(msgs("advocacyhub-safety-programmes")), msgs(
            "advocacyhub-safety-programmes-intro"), ""]
        out += [f"* {_link(*programme(p))}" for p in programmes]
        out.append("")
    out += [heading(msgs("advocacyhub-safety-profile-heading")),
            msgs("advocacyhub-safety-profile"), "",
            heading(msgs("advocacyhub-safety-hub-heading")),
            msgs("advocacyhub-safety-hub")]
    if "roles" in pages.titles:
        out += ["", msgs("advocacyhub-safety-roles",
                         page_link(pages.title("roles", lang), msgs("advocacyhub-roles-title")))]
    return "\n".join(out)


def safety_line(msgs: Messages, pages: PageSet) -> str:
    """One line for an alert, a digest, the front page: where to find help."""
    return msgs("advocacyhub-safety-line",
                page_link(pages.title("safety", msgs.lang), msgs("advocacyhub-safety-title")))
