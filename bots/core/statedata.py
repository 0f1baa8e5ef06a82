"""Reading the bot's JSON state pages defensively (issue 25).

A state page is the bot's memory, but it is a wiki page: anyone may damage it (a wrong type, an
empty page, a truncated text, parts missing). Reading one never raises: a page of the wrong
shape is said so (the caller reports it) and read as its default, from which the job
rebuilds it (the snapshot and the case table from the wiki, the rest from their defaults).
Pure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

NOT_JSON, NOT_OBJECT = "not-json", "not-object"


def parse_object(text: str | None) -> tuple[dict[str, Any], str]:
    """The page's JSON object and "" or, for a page that is not one, ``{}`` and why
    (NOT_JSON, NOT_OBJECT). A missing or blank page is an empty object, without a reason."""
    if text is None or not text.strip():
        return {}, ""
    try:
        data = json.loads(text)
    except ValueError:
        return {}, NOT_JSON
    if not isinstance(data, dict):
        return {}, NOT_OBJECT
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
