"""Matchmaking: which advocates could help with a case that asks for help.

A pure function of records (the digests call it too): for a case marked ``help_wanted`` or
``alert``, the active advocates whose topics, jurisdictions, regions and languages meet the
case's, ranked, each with the machine-readable reasons of the match.

An advocate is suggested only for a shared topic or place; a shared language adds weight but is
never enough alone. The languages of a case are the official languages of its jurisdictions
(CLDR). The case's own contacts are already on it and are not suggested. Low-profile advocates
are matched on topics and languages only: a suggestion must not reveal where they work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from babel.languages import get_official_languages

from bots.core.records import Record

ACTIVE = "active"

TOPIC = "topic"
JURISDICTION = "jurisdiction"
REGION = "region"
LANGUAGE = "language"
WEIGHTS = {TOPIC: 3, JURISDICTION: 4, REGION: 2, LANGUAGE: 1}
# Ties are broken by role: people whose role is to connect others first.
ROLE_ORDER = {"coordinator": 0, "regional-contact": 1, "topic-lead": 2, "member": 3}


@dataclass(frozen=True)
class Reason:
    kind: str  # topic | jurisdiction | region | language
    value: str  # the shared vocabulary value, jurisdiction code or language code

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "value": self.value}


@dataclass(frozen=True)
class Suggestion:
    user: str
    score: int
    reasons: tuple[Reason, ...]
    role: str = "member"

    def to_json(self) -> dict:
        return {"user": self.user, "score": self.score, "role": self.role,
                "reasons": [r.to_json() for r in self.reasons]}


def needs_help(case: Record) -> bool:
    return case.kind == "case" and (bool(case.value("help_wanted").strip())
                                    or case.value("alert") == "yes")


@cache
def _official(code: str) -> tuple[str, ...]:
    if len(code) != 2 or not code.isalpha() or not code.isupper():
        return ()  # EU, UN, global: no official language of their own here
    # No try: babel answers () for a territory it does not know (tests/test_matching.py).
    return tuple(get_official_languages(code, de_facto=True))


def case_languages(case: Record) -> list[str]:
    out: list[str] = []
    for code in case.values("jurisdiction"):
        for lang in _official(code):
            if lang not in out:
                out.append(lang)
    return out


def _base(lang: str) -> str:
    return lang.split("-")[0].lower()


def match(case: Record, advocate: Record, *, places: bool = True) -> list[Reason]:
    """Why ``advocate`` could help with ``case`` (empty: they could not)."""
    reasons: list[Reason] = []
    topics = set(advocate.values("topics"))
    reasons += [Reason(TOPIC, t) for t in case.values("topics") if t in topics]
    if places:
        jurisdictions = set(advocate.values("jurisdictions"))
        shared = [j for j in case.values("jurisdiction") if j in jurisdictions]
        reasons += [Reason(JURISDICTION, j) for j in shared]
        if not shared:
            regions = set(advocate.values("regions"))
            reasons += [Reason(REGION, r) for r in case.values("region") if r in regions]
    if not reasons:
        return []  # a shared language alone is not a match
    spoken = {_base(code): code for code in advocate.values("languages")}
    reasons += [Reason(LANGUAGE, lang) for lang in case_languages(case) if _base(lang) in spoken]
    return reasons


def suggest(case: Record, advocates: Iterable[Record], statuses: Mapping[str, str], *,
            limit: int = 5, renames: Mapping[str, str] | None = None,
            private_places: bool = False,
            roles: Mapping[str, str] | None = None) -> list[Suggestion]:
    """Up to ``limit`` advocates for ``case``, best first.

    ``statuses`` maps each advocate's account name to ``active`` / ``noticed`` / ``inactive``
    (the roster's state); only those known to be active are suggested. ``renames`` (old name ->
    current name) lets records written under an old name count for the current one. With
    ``private_places`` (a private message to the advocate themself, never a public page)
    low-profile advocates are matched on places too. ``roles`` (current name -> the role
    held, bots.core.roles): a role only proposed in an entry does not rank; by default the
    records' own.
    """
    if not needs_help(case):
        return []
    renames = renames or {}
    contacts = {c.strip().lower() for c in case.values("contacts")}
    found: dict[str, Suggestion] = {}
    for adv in advocates:
        if adv.kind != "advocate" or not adv.value("user"):
            continue
        user = _current(adv.value("user"), renames)
        if statuses.get(user) != ACTIVE or user.lower() in contacts or \
                adv.value("user").lower() in contacts:
            continue
        places = private_places or not adv.hides_private
        reasons = match(case, adv, places=places)
        if not reasons:
            continue
        score = sum(WEIGHTS[r.kind] for r in reasons)
        role = (roles.get(user, "member") if roles is not None
                else adv.value("role") or "member")
        if user not in found or score > found[user].score:
            found[user] = Suggestion(user, score, tuple(reasons), role)
    ranked = sorted(found.values(), key=lambda s: (-s.score, ROLE_ORDER.get(s.role, 9),
                                                   s.user.lower()))
    return ranked[:max(0, limit)]


def _current(name: str, renames: Mapping[str, str]) -> str:
    seen = {name}
    while name in renames and renames[name] not in seen:
        name = renames[name]
        seen.add(name)
    return name


def help_wanted(records: Iterable[Record], statuses: Mapping[str, str],
                renames: Mapping[str, str] | None = None, limit: int = 5,
                roles: Mapping[str, str] | None = None,
                ) -> list[tuple[Record, list[Suggestion]]]:
    """Every case asking for help (``help_wanted`` or ``alert``) with its suggestions, in the
    order of the records; what the hub's "Help wanted" page and the digests show."""
    records = list(records)
    advocates = [r for r in records if r.kind == "advocate"]
    return [(case, suggest(case, advocates, statuses, limit=limit, renames=renames,
                           roles=roles))
            for case in records if needs_help(case)]
