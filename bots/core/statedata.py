"""Reading the bot's JSON state pages defensively (issue 25).

A state page is the bot's memory, but it is a wiki page: anyone may damage it (a wrong type, an
empty page, a truncated text, parts missing). Reading one never raises: a page of the wrong
shape is said so (the caller reports it) and read as its default, from which the job
rebuilds it (the snapshot and the case table from the wiki, the rest from their defaults).
Pure.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from typing import Any

NOT_JSON, NOT_OBJECT, PARTS = "not-json", "not-object", "parts"
# The key of a JSON state page kept in parts (bots.wiki.pages): its head names them. A reader
# is given the joined text; it sees the head itself only when the parts do not add up.
PARTS_KEY = "advocacy-bot:parts"


def parse_object(text: str | None) -> tuple[dict[str, Any], str]:
    """The page's JSON object and "" or, for a page that is not one, ``{}`` and why
    (NOT_JSON, NOT_OBJECT; PARTS: the head of parts that are missing or were edited). A
    missing or blank page is an empty object, without a reason."""
    if text is None or not text.strip():
        return {}, ""
    try:
        data = json.loads(text)
    except ValueError:
        return {}, NOT_JSON
    if not isinstance(data, dict):
        return {}, NOT_OBJECT
    if PARTS_KEY in data:
        return {}, PARTS
    return data, ""


def as_object(text: str | None) -> dict[str, Any]:
    """The page's JSON object, or ``{}`` when it is not one."""
    return parse_object(text)[0]


def part(data: dict[str, Any], key: str, kind: type, default: Callable[[], Any]) -> Any:
    """``data[key]`` when it is a ``kind``, else (missing or of another type) ``default()``,
    stored in ``data`` so that the job goes on with it and writes it back repaired."""
    value = data.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        value = default()
        data[key] = value
    return value


def mapping_of(data: dict[str, Any], key: str, kind: type) -> dict[str, Any]:
    """``data[key]`` as an object whose values are all ``kind`` (the others dropped)."""
    value = part(data, key, dict, dict)
    for k in [k for k, v in value.items() if not isinstance(v, kind)]:
        del value[k]
    return value


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?")


def iso_timestamp(value: object) -> str:
    """``value`` when it is an ISO 8601 timestamp (what the bot writes), else "" (read from
    the start again)."""
    return value if isinstance(value, str) and _ISO.fullmatch(value) else ""


def entry_lost(data: dict[str, Any], key: str) -> bool:
    """Whether ``data[key]``, an entry of outcomes (``{"outcomes": {user: {...}}}``), is there
    but damaged: not an object, or its outcomes not an object of objects (what it said is
    lost, and must be rebuilt from what is authoritative)."""
    if key not in data:
        return False
    entry = data[key]
    if not isinstance(entry, dict):
        return True
    outcomes = entry.get("outcomes", {})
    return not isinstance(outcomes, dict) or \
        not all(isinstance(o, dict) for o in outcomes.values())


def joined(pieces: Sequence[str | None], head: dict) -> tuple[str, str]:
    """The whole text of a head's parts (``pieces``, None for a missing part) and "", or ""
    and why not: a part missing, not a JSON string, or a whole that is not what the head's
    SHA-1 says."""
    if None in pieces or len(pieces) != len(head.get("titles", ())):
        return "", "missing"
    try:
        strings = [json.loads(p) for p in pieces]  # type: ignore[arg-type]
    except ValueError:
        return "", "not-json"
    if not all(isinstance(p, str) for p in strings):
        return "", "not-strings"
    whole = "".join(strings)
    if hashlib.sha1(whole.encode()).hexdigest() != head.get("sha1"):
        return "", "edited"
    return whole, ""
