"""Consent for every listing of a person (bots.core.consent), as properties over generated page
histories: own lines, lines written for others, edits of another's line, reverts, renames, on
the sign-up page and on user pages. An advocate counts only through a line they saved."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bots.core.consent import attribute_page, confirmed, line_key, page_owner
from bots.core.schema import load_schema
from bots.core.subscriptions import Attribution, Revision

SCHEMA = load_schema()
SIGNUP = "Advocacy Hub/Advocates/Sign-up"
PEOPLE = ["Ana", "Bo", "Cy"]
PAGES = [SIGNUP, "User:Ana", "User:Bo/Advocacy"]


def line(user: str, topic: str = "copyright", profile: str = "public") -> str:
    return (f"{{{{Advocate|user={user}|topics={topic}|jurisdictions=IR|profile={profile}"
            f"|digest=weekly}}}}")


def text(lines: list[str]) -> str:
    return "Sign up below.\n" + "\n".join(f"* {x}" for x in lines) + "\n"


edit = st.tuples(st.sampled_from(PEOPLE),
                 st.sampled_from(["add-own", "add-other", "remove", "change", "revert"]),
                 st.integers(0, 20), st.sampled_from(["copyright", "censorship", "ai"]))


def history(edits) -> list[Revision]:
    lines: list[str] = []
    before: list[str] = []
    revs = []
    for n, (author, what, pick, topic) in enumerate(edits, start=1):
        previous = list(lines)
        if what == "add-own":
            lines.append(line(author, topic))
        elif what == "add-other":
            lines.append(line(PEOPLE[pick % 3], topic))
        elif what == "revert":
            lines = list(before)
        elif lines and what == "remove":
            lines.pop(pick % len(lines))
        elif lines:
            i = pick % len(lines)
            lines[i] = lines[i].replace("topics=", f"topics={topic};", 1)
        before = previous
        revs.append(Revision(n, author, text(lines), f"2026-01-01T00:{n % 60:02d}:00Z"))
    return revs


def saved_by(revs: list[Revision], person: str, wikitext: str) -> bool:
    """Some revision by ``person`` has the exact line (the oracle: nothing else can confirm)."""
    return any(r.user == person and wikitext in r.text for r in revs)


def counted(page: str, revs: list[Revision], split: int = 0):
    state = attribute_page(Attribution(), revs[:split], SCHEMA)
    state = Attribution.from_json(json.loads(json.dumps(state.to_json())))
    state = attribute_page(state, revs[split:], SCHEMA)
    last = revs[-1] if revs else Revision(0, "", "", "")
    return state, confirmed({page: (last.text, last.revid, last.timestamp)}, {page: state},
                            SCHEMA)


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(PAGES), st.lists(edit, max_size=25), st.integers(0, 25))
def test_an_advocate_counts_only_through_a_line_they_saved(page, edits, split) -> None:
    revs = history(edits)
    state, result = counted(page, revs, split)
    owner = page_owner(page)
    for rec in result.records:
        user = rec.value("user")
        # The lines the attribution gives to the person (of two identical lines, one may be
        # theirs and the other a copy someone else saved and then changed): each must be a
        # line the person saved themselves.
        own = {ln.text for ln in state.lines if ln.author == user}
        lines = [x for x in text_lines(revs[-1].text) if f"user={user}|" in x
                 and line_key(x) in own]
        assert lines, (user, revs[-1].text)
        for wikitext in lines:
            assert saved_by(revs, user, wikitext), (user, wikitext)
        assert rec.editor == user
        assert not owner or owner == user  # a user page counts only for its owner
    # Everyone named and not counted waits for their confirmation, by name only.
    named = {u for x in text_lines(revs[-1].text if revs else "")
             for u in PEOPLE if f"user={u}|" in x}
    counted_users = {r.value("user") for r in result.records}
    assert {u for u, _p in result.waiting} | counted_users == named
    # The state remembers hashes, never what a line says (a low-profile advocate's places).
    assert "IR" not in json.dumps(state.to_json())


def text_lines(wikitext: str) -> list[str]:
    return [x[2:] for x in wikitext.splitlines() if x.startswith("* ")]


@settings(max_examples=100, deadline=None)
@given(st.lists(edit, max_size=15), st.sampled_from(PEOPLE))
def test_a_persons_own_last_save_counts(edits, person) -> None:
    """Completeness: whoever adds their own line last is counted, whatever came before
    (on the sign-up page, and on their own user page)."""
    for page in (SIGNUP, f"User:{person}"):
        revs = history(edits)
        own = line(person, "lgbtq")
        revs.append(Revision(len(revs) + 1, person, text([*text_lines(revs[-1].text
                                                                    if revs else ""), own]),
                             "2026-01-02T00:00:00Z"))
        _state, result = counted(page, revs)
        assert person in {r.value("user") for r in result.records}


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(PEOPLE), st.sampled_from(PEOPLE))
def test_a_line_for_someone_else_counts_for_no_one(writer, named) -> None:
    """``user=B`` on A's user page counts for no one, even when B saved it; a line A wrote
    for B on the sign-up page counts when B saves it themselves, and not before."""
    revs = [Revision(1, writer, text([line(named)]), "2026-01-01T00:00:00Z")]
    _s, result = counted(f"User:{writer}", revs)
    assert [r.value("user") for r in result.records] == ([named] if writer == named else [])
    if writer != named:
        revs.append(Revision(2, named, text([line(named)]) + "thanks", "2026-01-01T00:01:00Z"))
        _s, result = counted(f"User:{writer}", revs)
        assert result.records == []  # not the owner's: no save of B makes it count here
        revs = [Revision(1, writer, text([line(named)]), "2026-01-01T00:00:00Z")]
        _s, result = counted(SIGNUP, revs)
        assert result.records == [] and result.waiting == [(named, SIGNUP)]
        revs.append(Revision(2, named, text([line(named, "ai")]), "2026-01-01T00:01:00Z"))
        _s, result = counted(SIGNUP, revs)
        assert [r.value("user") for r in result.records] == [named]


def test_a_revert_of_vandalism_gives_the_line_back_to_its_author() -> None:
    revs = [Revision(1, "Ana", text([line("Ana")]), "2026-01-01T00:00:00Z"),
            Revision(2, "Bo", text([line("Ana", "ai")]), "2026-01-01T00:01:00Z"),
            Revision(3, "Cy", text([line("Ana")]), "2026-01-01T00:02:00Z")]
    _s, result = counted(SIGNUP, revs[:2])
    assert result.records == []  # changed by Bo: Ana's no more
    _s, result = counted(SIGNUP, revs)
    assert [r.value("user") for r in result.records] == ["Ana"]


def test_renamed_owner_keeps_their_entry() -> None:
    revs = [Revision(1, "Ana", text([line("Ana")]), "2026-01-01T00:00:00Z")]
    state = attribute_page(Attribution(), revs, SCHEMA)
    result = confirmed({SIGNUP: (revs[0].text, 1, "")}, {SIGNUP: state}, SCHEMA,
                       {"Ana": "Ana Maria"})
    assert [r.value("user") for r in result.records] == ["Ana"]
