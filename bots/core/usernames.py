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
