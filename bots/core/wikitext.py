"""Safe wikitext building blocks: field values can never become markup.

Every character that could open or close wiki syntax (tables, templates, links, tags, magic
words, signatures, headings, lists) is written as a numeric character reference; new lines
become spaces, so nothing can start a line. The rendered text reads exactly as typed, and its
wikitext stays readable: characters that are markup only when doubled (an apostrophe, a
tilde ...) are escaped only where they could be, so "Brazil's law" stays as it is.
"""

from __future__ import annotations

import re
from urllib.parse import quote

# With new lines gone, nothing is at the start of a line, so these are enough to make any string
# inert inside a table cell, link label, heading or list item: brackets and braces (links,
# templates, tables, -{ }- conversion), pipes (cells) and angle brackets (tags, <nowiki>),
# always; tildes (~~~ signatures are expanded at save time), apostrophes ('' and ''' are
# italic and bold), underscores (__MAGIC__), = and ! (headings, !! header cells) where two
# or more come together, or at either end of the text (where markup around it could
# complete them).
_UNSAFE = re.compile(r"[\[\]{}|<>]|(['~_=!])\1+|^['~_=!]|['~_=!]$")
_SPACE = re.compile(r"[\s\u2028\u2029]+")
ELLIPSIS = "…"
# Free external links (MediaWiki links a bare "https://…" or "mailto:…": every protocol of
# MediaWiki's default $wgUrlProtocols) and magic links
# (ISBN, RFC, PMID): the colon or the space after the word is written as a reference.
_AUTOLINK = re.compile(r"(?i)\b(https?|ftps?|sftp|mailto|irc|ircs|news|nntp|telnet|gopher|"
                       r"ssh|svn|git|mms|xmpp|sips?|sms|tel|urn|geo|magnet|bitcoin|matrix|"
                       r"worldwind|redis)(:)|\b(ISBN|RFC|PMID)(\s)")


def cut_at_word(text: str, limit: int) -> str:
    """At most ``limit`` characters of ``text``, ending at a word when there is a space in
    its last third (a text without spaces, as Chinese is written, is cut at a character)."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    if not text[limit].isspace():
        space = head.rfind(" ")
        if space >= limit * 2 // 3:
            head = head[:space]
    return head.rstrip()


def escape(value: str, limit: int | None = 500) -> str:
    """Inline-safe text for any field value."""
    text = _SPACE.sub(" ", value).strip()
    if limit and len(text) > limit:
        text = cut_at_word(text, limit - 1) + ELLIPSIS
    text = _UNSAFE.sub(lambda m: "".join(f"&#{ord(c)};" for c in m.group(0)), text)
    if ":" in text or "ISBN" in text or "RFC" in text or "PMID" in text:
        text = _AUTOLINK.sub(lambda m: (m.group(1) + "&#58;") if m.group(1)
                             else (m.group(3) + "&#32;"), text)
    return text


def isolate(value: str, limit: int | None = 500) -> str:
    """Escaped text wrapped in <bdi>, so right-to-left values don't reorder the row around it."""
    return f"<bdi>{escape(value, limit)}</bdi>"


def page_link(title: str, label: str | None = None) -> str:
    """A link to a page. Titles come from the API or are validated, but are still checked: a
    title that could break out of the link is shown as text instead."""
    if re.search(r"[\[\]{}|<>\n]", title):
        return isolate(title)
    # Always a leading colon: MediaWiki reads "category : X" or "file:X" (any case, any
    # spacing) as a category or an image otherwise. The colon makes every title a plain link.
    if label is None:
        return f"[[:{title}]]"
    return f"[[:{title}|{escape(label)}]]"


def user_link(user: str) -> str:
    return page_link(f"User:{user}", user)


def url_link(url: str, label: str) -> str:
    """An external link; the URL was validated, and is percent-encoded again for good measure."""
    safe_url = quote(url, safe=":/?&=#%@+,;~!$()*'-._")
    safe_url = safe_url.replace("'", "%27").replace("~", "%7E")
    return f"[{safe_url} {escape(label)}]"


def heading(text: str, level: int = 2) -> str:
    marks = "=" * level
    return f"{marks} {escape(text, 200)} {marks}"


def sort_value(value: str) -> str:
    """A data-sort-value attribute, quoted safely."""
    return '"' + escape(value, 100).replace('"', "&quot;") + '"'
