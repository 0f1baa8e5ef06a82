"""A JSON state page kept in parts, the pure side (issue 25): a damaged part is said, never
read as a state, and never raises (tests/test_wiki_levers.py has the wiki side)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bots.core.statedata import PARTS, PARTS_KEY, entry_lost, joined, parse_object
from bots.wiki.pages import sha1, split_json_text

TEXTS = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                     lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8),
                                                                         c, max_size=4),
                     max_leaves=20).map(lambda d: json.dumps({"state": d}, ensure_ascii=False))
DAMAGE = st.sampled_from(["blanked", "deleted", "wrong-shape", "other-string", "truncated"])


def head(pieces: list[str], text: str) -> dict:
    return {"titles": [f"X/part-a{i}.json" for i in range(1, len(pieces) + 1)],
            "sha1": sha1(text)}


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.integers(min_value=8, max_value=200), DAMAGE, st.data())
def test_parts_join_to_the_text_and_a_damaged_part_is_said_never_read(text, budget, kind,
                                                                       data) -> None:
    pieces: list[str | None] = list(split_json_text(text, budget))
    about = head(pieces, text)  # type: ignore[arg-type]
    assert joined(pieces, about) == (text, "")
    n = data.draw(st.integers(0, len(pieces) - 1))
    damaged = {"blanked": "", "deleted": None, "wrong-shape": json.dumps({"rows": [1]}),
               "other-string": json.dumps("tampered"),
               "truncated": (pieces[n] or "")[:-1]}[kind]
    if damaged == pieces[n]:
        return
    pieces[n] = damaged
    whole, why = joined(pieces, about)
    assert whole == "" and why  # never a wrong text, never an exception
    # what the reader is then given: the head's own text, read as damaged (never a state)
    assert parse_object(json.dumps({PARTS_KEY: about})) == ({}, PARTS)


@given(st.recursive(st.none() | st.integers() | st.text(max_size=5),
                    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c,
                                                                        max_size=3)))
def test_entry_lost_only_for_an_entry_that_is_there_and_damaged(value) -> None:
    assert entry_lost({}, "newsletter:2043-01") is False
    lost = entry_lost({"newsletter:2043-01": value}, "newsletter:2043-01")
    sound = isinstance(value, dict) and isinstance(value.get("outcomes", {}), dict) and \
        all(isinstance(o, dict) for o in value.get("outcomes", {}).values())
    assert lost is not sound
