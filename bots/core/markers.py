"""Begin/end markers around generated text. Everything outside them belongs to humans."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bots.errors import MarkerError

BEGIN = "<!-- advocacy-bot:begin {name} (generated; edits inside are replaced) -->"
END = "<!-- advocacy-bot:end {name} -->"
_ANY_BEGIN = re.compile(r"<!--\s*advocacy-bot:begin\s+([\w.-]+)[^>]*-->")
_ANY_END = re.compile(r"<!--\s*advocacy-bot:end\s+([\w.-]+)\s*-->")
# Markers inside these are shown as text or not at all: an editor disabled the generated block
# (wrapping it in <nowiki> is a common way), so it is damaged, not the bot's to write into.
_INERT = re.compile(r"<(nowiki|pre|syntaxhighlight|source)\b[^>]*(?<!/)>"
                    r".*?(?:</\1\s*>|\Z)", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Section:
    name: str
    body: str


def wrap(name: str, body: str) -> str:
    return f"{BEGIN.format(name=name)}\n{body.strip()}\n{END.format(name=name)}"


def splice(page_text: str | None, name: str, body: str) -> str:
    """The page with the generated section ``name`` replaced by ``body``.

    A page that does not exist yet gets just the section. An existing page must hold exactly
    one well-formed pair of markers for ``name``; anything else raises MarkerError.
    """
    block = wrap(name, body)
    if page_text is None or not page_text.strip():
        return block + "\n"
    begins = [m for m in _ANY_BEGIN.finditer(page_text) if m.group(1) == name]
    ends = [m for m in _ANY_END.finditer(page_text) if m.group(1) == name]
    if not begins and not ends:
        raise MarkerError("markers-missing", name)
    if len(begins) != 1 or len(ends) != 1 or ends[0].start() < begins[0].end() \
            or _inert(page_text, begins[0].start(), ends[0].start()):
        raise MarkerError("markers-damaged", name)
    return page_text[: begins[0].start()] + block + page_text[ends[0].end():]


def _inert(text: str, *positions: int) -> bool:
    """Whether a marker at one of ``positions`` is inside an inert tag (<nowiki>, <pre> ...)."""
    return any(m.start() < pos < m.end() for m in _INERT.finditer(text) for pos in positions)


def extract(page_text: str, name: str) -> str | None:
    """The generated body of section ``name``, or None when it is not (well) there."""
    begins = [m for m in _ANY_BEGIN.finditer(page_text) if m.group(1) == name]
    ends = [m for m in _ANY_END.finditer(page_text) if m.group(1) == name]
    if len(begins) != 1 or len(ends) != 1 or ends[0].start() < begins[0].end():
        return None
    return page_text[begins[0].end(): ends[0].start()].strip()
