"""Who subscribed whom (bots.core.subscriptions): the attribution as saved between runs, the
options of a subscription, lines that name nobody. (Consent itself, reverts, renames and
template redirects are checked in tests/test_plan_properties.py.)"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bots.core.schema import load_schema
from bots.core.subscriptions import (
    KEEP_RESTORABLE,
    Attribution,
    Line,
    Revision,
    attribute,
    subscriber_lines,
    subscribers,
)

SCHEMA = load_schema()
PAGE = "Advocacy Hub/Newsletter/Subscribers"
PEOPLE = ["Ana", "Bo", "Cy"]


def line(user: str, lang: str = "en", fmt: str = "full") -> str:
    return f"{{{{Advocacy subscriber|user={user}|language={lang}|format={fmt}}}}}"


def page(*lines: str) -> str:
    return "Subscribe below.\n" + "\n".join(f"* {x}" for x in lines) + "\n"


# -- histories: each revision by one of PEOPLE adds, removes or changes a line ---------------

edit = st.tuples(st.sampled_from(PEOPLE),  # the author
                 st.sampled_from(["add-own", "add-other", "remove", "change"]),
                 st.integers(0, 20), st.sampled_from(["en", "es", "zh"]))


def history(edits) -> list[Revision]:
    lines: list[str] = []
    revs = []
    for n, (author, what, pick, lang) in enumerate(edits, start=1):
        if what == "add-own":
            lines.append(line(author, lang))
        elif what == "add-other":
            lines.append(line(PEOPLE[pick % 3], lang))
        elif lines and what == "remove":
            lines.pop(pick % len(lines))
        elif lines:
            i = pick % len(lines)
            lines[i] = lines[i].replace("language=en", f"language={lang}") \
                if "language=en" in lines[i] else lines[i].replace("full", "summary")
        revs.append(Revision(n, author, page(*lines), f"2026-01-01T00:{n % 60:02d}:00Z"))
    return revs


@settings(max_examples=150, deadline=None)
@given(st.lists(edit, max_size=25), st.integers(0, 25))
def test_reading_the_history_in_two_runs_is_reading_it_in_one(edits, split) -> None:
    """The attribution is saved on the wiki between runs (to_json) and brought forward by
    the revisions since: two runs must end where one run over the whole history ends."""
    revs = history(edits)
    once = attribute(Attribution(), revs, SCHEMA)
    first = attribute(Attribution(), revs[:split], SCHEMA)
    saved = json.loads(json.dumps(first.to_json()))
    twice = attribute(Attribution.from_json(saved), revs[split:], SCHEMA)
    assert twice.lines == once.lines
    assert twice.restorable == once.restorable
    assert twice.last_revid == once.last_revid == (revs[-1].revid if revs else 0)
    people_once = subscribers(once, SCHEMA, PAGE).people
    people_twice = subscribers(twice, SCHEMA, PAGE).people
    assert {p: s.line for p, s in people_once.items()} == \
        {p: s.line for p, s in people_twice.items()}


@settings(max_examples=100, deadline=None)
@given(st.lists(edit, max_size=25))
def test_every_line_on_the_page_is_attributed_once_in_page_order(edits) -> None:
    revs = history(edits)
    state = attribute(Attribution(), revs, SCHEMA)
    shown = [text for text, _ in subscriber_lines(revs[-1].text, SCHEMA)] if revs else []
    assert [x.text for x in state.lines] == shown
    subs = subscribers(state, SCHEMA, PAGE)
    assert len(subs.forged) + len(subs.unnamed) + sum(
        1 for x in state.lines if x.user and x.user == x.author) == len(state.lines)
    for person, sub in subs.people.items():
        own = [x for x in state.lines if x.user == person and x.author == person]
        assert sub.line == max(own, key=lambda x: x.revid)  # the newest own line


def test_an_old_or_unreadable_state_starts_over() -> None:
    for data in (None, {}, {"version": 1, "last_revid": 5, "lines": []}):
        assert Attribution.from_json(data) == Attribution()
    state = Attribution(7, "2026-01-01T00:00:00Z",
                        [Line("{{Advocacy subscriber|user=Ana}}", "Ana", "Ana", 7)],
                        {"x": Line("x", "Bo", "Bo", 3)})
    assert Attribution.from_json(json.loads(json.dumps(state.to_json()))) == state


def test_the_options_come_from_the_subscribers_newest_own_line_normalised() -> None:
    revs = [Revision(1, "Ana", page(line("Ana", "es", "summary"))),
            Revision(2, "Bo", page(line("Ana", "es", "summary"), line("Bo", "zh"))),
            Revision(3, "Ana", page(line("Ana", "es", "summary"), line("Bo", "zh"),
                                    line("ana", "en", "full")))]
    subs = subscribers(attribute(Attribution(), revs, SCHEMA), SCHEMA, PAGE)
    assert sorted(subs.people) == ["Ana", "Bo"]
    ana = subs.people["Ana"]
    assert ana.line.revid == 3 and ana.record.fields["language"] == "en"
    assert subs.people["Bo"].record.fields == {"user": "Bo", "language": "zh",
                                               "format": "full"}
    assert subs.forged == [] and subs.unnamed == []


def test_a_line_that_names_nobody_or_someone_else_gives_no_one_a_delivery() -> None:
    revs = [Revision(1, "Ana", page("{{Advocacy subscriber|language=es}}", line("Bo")))]
    subs = subscribers(attribute(Attribution(), revs, SCHEMA), SCHEMA, PAGE)
    assert subs.people == {}
    assert [x.user for x in subs.unnamed] == [""] and [x.user for x in subs.forged] == ["Bo"]


def test_a_bad_option_is_a_problem_of_the_subscription_not_a_lost_subscriber() -> None:
    revs = [Revision(1, "Ana", page(line("Ana", "klingon-ish", "poster")))]
    sub = subscribers(attribute(Attribution(), revs, SCHEMA), SCHEMA, PAGE).people["Ana"]
    assert {p.code for p in sub.record.problems} >= {"unknown-language", "unknown-value"}
    assert all(p.page == PAGE for p in sub.record.problems)


def test_removed_lines_are_remembered_up_to_a_limit() -> None:
    lines = [line(f"User{i}") for i in range(KEEP_RESTORABLE + 5)]
    revs = [Revision(1, "Owner", page(*lines)), Revision(2, "Vandal", page())]
    state = attribute(Attribution(), revs, SCHEMA)
    assert state.lines == [] and len(state.restorable) == KEEP_RESTORABLE
    assert lines[-1] in state.restorable and lines[0] not in state.restorable  # oldest go


def test_removing_one_of_two_identical_lines_withdraws_the_removers_own() -> None:
    """Mallory copies Ana's line exactly; Ana then removes "her" line (either of the two
    identical ones): she is no longer subscribed, and the copy left is Mallory's (forged)."""
    ana = line("Ana")
    history = [Revision(1, "Ana", page(ana)), Revision(2, "Mallory", page(ana, ana)),
               Revision(3, "Ana", page(ana))]
    state = attribute(Attribution(), history, SCHEMA)
    subs = subscribers(state, SCHEMA, PAGE)
    assert "Ana" not in subs.people
    assert [(x.user, x.author) for x in subs.forged] == [("Ana", "Mallory")]


def test_a_copy_removed_by_its_copier_leaves_the_subscription() -> None:
    ana = line("Ana")
    history = [Revision(1, "Ana", page(ana)), Revision(2, "Mallory", page(ana, ana)),
               Revision(3, "Mallory", page(ana))]
    subs = subscribers(attribute(Attribution(), history, SCHEMA), SCHEMA, PAGE)
    assert "Ana" in subs.people and not subs.forged
