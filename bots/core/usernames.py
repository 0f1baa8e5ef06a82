"""User names as MediaWiki compares them, and accounts followed through renames (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping

_SPACES = re.compile(r"[\s_]+")
_USER_PREFIX = re.compile(r"^(?:user|benutzer|usuario|usuaria|utilisateur)\s*:", re.IGNORECASE)


def canonical_user(name: str) -> str:
    """The name MediaWiki stores for ``name``: underscores are spaces, runs of spaces collapse,
    the first letter is upper case, and a ``User:`` prefix (as in ``user=User:Ana``) is dropped.
    ``""`` for a name that is empty after that."""
    name = _SPACES.sub(" ", name).strip()
    name = _USER_PREFIX.sub("", name).strip()
    return name[:1].upper() + name[1:]


def follow_renames(name: str, renames: Mapping[str, str]) -> str:
    """The current name of an account renamed once or several times (cycles are cut)."""
    seen = {name}
    while name in renames:
        name = renames[name]
        if name in seen:
            break
        seen.add(name)
    return name


def former_names(name: str, renames: Mapping[str, str]) -> set[str]:
    """Every name that was renamed (directly or in a chain) to ``name``, and ``name`` itself."""
    return {old for old in renames if follow_renames(old, renames) == name} | {name}


def renamed_after(name: str, log: list[tuple[str, str, str]], since: str) -> str:
    """The name ``name`` (as it was at ISO time ``since``) has now: the renames of the log,
    (old, new, timestamp) oldest first, made after ``since``. A name given up by a rename
    and registered again by someone else afterwards stays with the renamed account."""
    for old, new, when in log:
        if old == name and (not since or when >= since):  # same second: the rename is later
            name, since = new, when
    return name


def merge_rename_logs(known: list[tuple[str, str, str]], new: list[tuple[str, str, str]],
                      ) -> list[tuple[str, str, str]]:
    """The rename log read so far (in log order) followed by what came since, without the
    entries read twice, still in log order. Renames of the same second keep the order the
    wiki's log gave them (by log id): A→B→C within a second is not C←B←A."""
    seen = {(r[0], r[1], r[2]) for r in known}
    merged = [(r[0], r[1], r[2]) for r in known] + \
        [(r[0], r[1], r[2]) for r in new if (r[0], r[1], r[2]) not in seen]
    return sorted(merged, key=lambda r: r[2])  # stable: equal times keep their order
