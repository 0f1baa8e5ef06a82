"""Controlled vocabularies: canonical values, synonyms, and "did you mean" suggestions."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

_SEPARATORS = re.compile(r"[\s_]+")


def canon_key(raw: str) -> str:
    """How editors' spellings are compared: case-insensitive, spaces/underscores as hyphens."""
    return _SEPARATORS.sub("-", raw.strip().lower()).strip("-")


def suggest(raw: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """Close matches of ``raw`` among ``candidates`` (compared by canon_key), best first."""
    by_key: dict[str, str] = {}
    for cand in candidates:
        by_key.setdefault(canon_key(cand), cand)
    key = canon_key(raw)
    hits = difflib.get_close_matches(key, list(by_key), n=limit, cutoff=0.6)
    # Prefix matches catch abbreviations difflib scores low ("priv" -> privacy-surveillance).
    if len(key) >= 3:
        hits += [k for k in by_key if k.startswith(key) and k not in hits]
    return [by_key[h] for h in hits[:limit]]


@dataclass(frozen=True)
class Vocabulary:
    name: str
    values: tuple[str, ...]
    synonyms: Mapping[str, str] = field(default_factory=dict)
    uppercase: bool = False
    ordered: bool = False  # the roster's groupings keep this order instead of sorting by label
    # Values that mean "still going" (the status vocabulary): a case with one of them is due
    # for review when its page has not been edited for a while (bots.core.review).
    open_values: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for target in self.synonyms.values():
            if target not in self.values:
                raise ValueError(
                    f"vocabulary {self.name}: synonym target {target!r} is not a value")
        for value in self.open_values:
            if value not in self.values:
                raise ValueError(f"vocabulary {self.name}: open value {value!r} is not a value")

    def lookup(self, raw: str) -> str | None:
        """The canonical value ``raw`` stands for, or None when it is unknown."""
        key = canon_key(raw)
        for value in self.values:
            if canon_key(value) == key:
                return value
        target = self.synonyms.get(key)
        return target

    def suggest(self, raw: str) -> list[str]:
        """Canonical values that ``raw`` may have meant (synonyms resolved, no duplicates)."""
        pool = {**{v: v for v in self.values}, **dict(self.synonyms)}
        out: list[str] = []
        for hit in suggest(raw, pool):
            target = pool.get(hit) or pool.get(canon_key(hit)) or hit
            if target not in out:
                out.append(target)
        return out


def load_vocabularies(data: Mapping[str, Mapping]) -> dict[str, Vocabulary]:
    vocabs = {}
    for name, spec in data.items():
        if name == "pillars":  # a grouping of topics, not a field vocabulary
            continue
        synonyms = {canon_key(k): v for k, v in spec.get("synonyms", {}).items()}
        vocabs[name] = Vocabulary(
            name=name,
            values=tuple(spec["values"]),
            synonyms=synonyms,
            uppercase=bool(spec.get("uppercase", False)),
            ordered=bool(spec.get("ordered", False)),
            open_values=frozenset(spec.get("open", ())),
        )
    return vocabs
