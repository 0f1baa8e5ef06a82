"""The delivery promises as properties of the pure core (Hypothesis).

Subscriber-page histories by several people (own lines, forged lines, duplicates, edits
elsewhere, other spellings of names, reverts) and talk pages with generated redirect graphs,
exclusions and renames. Invariants: at most one copy per talk page per delivery; only people
who saved their own line, with that line's options; redirects only as the rules say; nothing
silently dropped; a re-run (also after a kill half way) posts nothing twice.
"""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bots.core.delivery import ALREADY, SKIPPED, marker, posted_by_summary
from bots.core.plan import (
    AccountInfo,
    PageInfo,
    Recipient,
    make_plan,
    owner,
    recheck,
    resolve,
)
from bots.core.schema import load_schema
from bots.core.subscriptions import Attribution, Revision, attribute, subscribers
from bots.core.usernames import canonical_user, follow_renames

SCHEMA = load_schema()
PAGE = "Advocacy Hub/Newsletter/Subscribers"
PEOPLE = ["Ana", "Bo Li", "Cy", "Dee", "Émile"]
BOT = "AdvocacyBot"
DID = "newsletter:2026-11"
PROFILE = settings(max_examples=300, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow])


def spellings(name: str) -> st.SearchStrategy[str]:
    """Ways editors write one user name: as is, underscores, lower-case first letter, a
    User: prefix, stray spaces."""
    return st.sampled_from([name, name.replace(" ", "_"), name[0].lower() + name[1:],
                            f"User:{name}", f" {name} ", f"user:{name.replace(' ', '_')}"])


def line(user: str, lang: str, fmt: str, tpl: str = "Advocacy subscriber") -> str:
    return f"{{{{{tpl}|user={user}|language={lang}|format={fmt}}}}}"


# -- histories ------------------------------------------------------------------------------

@st.composite
def edits(draw):
    """One edit: (author, action, parameters)."""
    author = draw(st.sampled_from(PEOPLE))
    kind = draw(st.sampled_from(["own", "own", "forge", "remove", "change", "elsewhere",
                                 "duplicate", "revert"]))
    if kind == "own":
        return author, kind, (draw(spellings(author)), draw(st.sampled_from(["en", "es", "zh"])),
                              draw(st.sampled_from(["full", "summary"])),
                              draw(st.integers(0, 20)),
                              draw(st.sampled_from(["Advocacy subscriber",
                                                    "advocacy_subscriber"])))
    if kind == "forge":
        victim = draw(st.sampled_from([p for p in PEOPLE if p != author]))
        return author, kind, (draw(spellings(victim)), draw(st.sampled_from(["en", "es", "zh"])),
                              draw(st.sampled_from(["full", "summary"])),
                              draw(st.integers(0, 20)))
    return author, kind, (draw(st.integers(0, 20)),)


def play(history):
    """The page's revisions, with the truth about who saved what: ``saved[(text, person)]``
    is the set of people whose own edits added that line."""
    lines: list[str] = ["Subscribe below."]
    revisions: list[Revision] = []
    texts: list[list[str]] = []
    added_by: list[tuple[str, str]] = []  # (line text, author) for each line an edit added
    for revid, (author, kind, params) in enumerate(history, start=1):
        before = Counter(lines)
        if kind in ("own", "forge"):
            user, lang, fmt, pos = params[:4]
            tpl = params[4] if len(params) > 4 else "Advocacy subscriber"
            lines.insert(pos % (len(lines) + 1), line(user, lang, fmt, tpl))
        elif kind == "remove" and len(lines) > 1:
            del lines[1 + params[0] % (len(lines) - 1)]
        elif kind == "change" and len(lines) > 1:
            i = 1 + params[0] % (len(lines) - 1)
            lines[i] = lines[i].replace("format=full", "format=summary") \
                if "format=full" in lines[i] else lines[i].replace("language=", "language=e")
        elif kind == "elsewhere":
            lines.insert(params[0] % (len(lines) + 1), f"A note by {author}.")
        elif kind == "duplicate" and len(lines) > 1:
            lines.append(lines[1 + params[0] % (len(lines) - 1)])
        elif kind == "revert" and texts:
            lines = list(texts[params[0] % len(texts)])
        after = Counter(lines)
        for text in after:
            if after[text] > before[text]:
                added_by.append((text, author))
        texts.append(list(lines))
        revisions.append(Revision(revid, author.replace(" ", "_") if revid % 3 else author,
                                  "\n".join(lines)))
    return revisions, lines, added_by


@PROFILE
@given(st.lists(edits(), max_size=14), st.integers(1, 4))
def test_consent_only_from_the_persons_own_line(history, split) -> None:
    revisions, current, added_by = play(history)
    # Read in two runs (the state saved between them), as the job does.
    state = attribute(Attribution(), revisions[:split], SCHEMA)
    state = attribute(Attribution.from_json(state.to_json()), revisions[split:], SCHEMA)
    subs = subscribers(state, SCHEMA, PAGE)
    for person, sub in subs.people.items():
        # the line is on the page now, names the person, and the person's own edit added it
        assert sub.line.text in current
        assert (sub.line.text, person) in added_by
        assert canonical_user(sub.record.value("user")) == person
        # their options are those of that line
        assert f"language={sub.record.value('language')}" in sub.line.text
    assert len(subs.people) == len(set(subs.people))


@PROFILE
@given(st.lists(edits().filter(lambda e: e[1] not in ("revert", "remove", "change")),
                max_size=14))
def test_every_own_line_counts_with_the_newest_options(history) -> None:
    """Without removals, changes or reverts, everyone who added their own line is subscribed,
    with the options of the newest line they added."""
    revisions, _current, added_by = play(history)
    subs = subscribers(attribute(Attribution(), revisions, SCHEMA), SCHEMA, PAGE)
    newest: dict[str, tuple[str, str]] = {}
    for text, author in added_by:  # in the order the edits added them
        m = re.search(r"user=([^|]*)\|language=(\w+)\|format=(\w+)", text)
        if m and canonical_user(m.group(1)) == author:  # a line for oneself (a copy too)
            newest[author] = (m.group(2), m.group(3))
    assert set(subs.people) == set(newest)
    for person, (lang, fmt) in newest.items():
        rec = subs.people[person].record
        assert (rec.value("language"), rec.value("format")) == (lang, fmt)


def test_forged_line_above_a_real_one() -> None:
    """The reported bug: A inserts a line for E above E's own line."""
    own = line("Eve", "en", "full")
    forged = line("Eve", "zh", "summary")
    revs = [Revision(1, "Eve", own), Revision(2, "Mallory", forged + "\n" + own)]
    subs = subscribers(attribute(Attribution(), revs, SCHEMA), SCHEMA, PAGE)
    assert list(subs.people) == ["Eve"]
    assert subs.people["Eve"].record.value("language") == "en"
    assert [(f.user, f.author) for f in subs.forged] == [("Eve", "Mallory")]


def test_revert_of_vandalism_restores_the_subscription_but_not_a_withdrawal() -> None:
    own = line("Eve", "es", "full")
    revs = [Revision(1, "Eve", own), Revision(2, "Vandal", ""), Revision(3, "Admin", own)]
    assert "Eve" in subscribers(attribute(Attribution(), revs, SCHEMA), SCHEMA, PAGE).people
    revs = [Revision(1, "Eve", own), Revision(2, "Eve", ""), Revision(3, "Mallory", own)]
    assert "Eve" not in subscribers(attribute(Attribution(), revs, SCHEMA), SCHEMA, PAGE).people


def test_template_redirects_and_renames() -> None:
    schema = SCHEMA.with_redirects({"Template:Sub": "Template:Advocacy subscriber"})
    revs = [Revision(1, "New name", "{{sub|user=Old name|language=es}}")]
    state = attribute(Attribution(), revs, schema)
    assert not subscribers(state, schema, PAGE).people  # Old name != New name, unknown rename
    subs = subscribers(state, schema, PAGE, {"Old name": "New name"})
    assert list(subs.people) == ["New name"]


# -- talk pages -----------------------------------------------------------------------------

NAMES = ["Ana", "Bo", "Cy", "Dee", "Eve", "Fay"]


@st.composite
def worlds(draw):
    """Recipients, accounts, renames and a graph of talk pages among them."""
    recipients = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=6))
    renamed = draw(st.dictionaries(st.sampled_from(NAMES), st.sampled_from(["Ray", "Sol"]),
                                   max_size=2))
    accounts = {n: AccountInfo(exists=draw(st.booleans()) or draw(st.booleans()),
                               blocked=draw(st.sampled_from(["", "", "", "vandalism"])),
                               locked=draw(st.integers(0, 9)) == 0)
                for n in [*NAMES, "Ray", "Sol"]}
    for old in renamed:
        accounts[old] = AccountInfo(exists=False)
    titles = [f"User talk:{n}" for n in [*NAMES, "Ray", "Sol"]] + \
        [f"User talk:{n}/Inbox" for n in NAMES] + ["Project:Lounge", "User talk:Stranger"]
    pages: dict[str, PageInfo] = {}
    for title in titles:
        shape = draw(st.sampled_from(["missing", "text", "text", "redirect", "redirect"]))
        if shape == "text":
            text = draw(st.sampled_from(["Hello.", "{{nobots}}", "{{bots|deny=AdvocacyBot}}",
                                         "Old news.\n" + marker(DID), "{{bots|optout=digest}}"]))
            pages[title] = PageInfo(title, text, opted_out=draw(st.integers(0, 7)) == 0)
        elif shape == "redirect":
            pages[title] = PageInfo(title, redirect_to=draw(st.sampled_from(titles)))
    return recipients, accounts, pages, renamed


def outcome_people(plan) -> Counter:
    people = Counter(o.user for o in plan.outcomes)
    for post in plan.posts:
        people[post.person] += 1
    return people


@PROFILE
@given(worlds())
def test_plan_invariants(world) -> None:
    names, accounts, pages, renames = world
    recipients = [Recipient(n, DID, "newsletter", {"language": n.lower()}) for n in names]
    plan = make_plan(recipients, accounts, pages, renames, bot=BOT)
    people = {follow_renames(n, renames) for n in names}
    # nothing silently dropped: every person once, as a post or an outcome
    assert outcome_people(plan) == Counter(people)
    # at most one copy per talk page per delivery
    assert len({(p.delivery_id, p.page) for p in plan.posts}) == len(plan.posts)
    deliverable = {p for p in people if accounts.get(p, AccountInfo(False)).exists
                   and not accounts[p].blocked and not accounts[p].locked}
    for post in plan.posts:
        assert post.person in deliverable
        start = f"User talk:{post.person}"
        final, _hops, loop = resolve(start, pages)
        assert not loop and post.page == final  # the end of the person's redirects
        assert post.page.startswith("User talk:")
        whose = follow_renames(owner(post.page, "User talk"), renames)
        if whose != post.person:  # not theirs: exactly the talk page of another recipient
            assert whose in deliverable
            assert post.page == f"User talk:{owner(post.page, 'User talk')}"
        info = pages.get(post.page)
        assert recheck(post, info, BOT) is None  # no marker there, not excluded
        assert not (pages.get(start) and pages[start].opted_out)
        # the person's own options
        assert post.options == {"language": next(n for n in names if follow_renames(
            n, renames) == post.person).lower()}
        for other in post.also:
            assert resolve(f"User talk:{other}", pages)[0] == post.page


@PROFILE
@given(worlds(), st.integers(0, 6))
def test_rerun_after_a_kill_posts_nothing_twice(world, killed_after) -> None:
    names, accounts, pages, renames = world
    recipients = [Recipient(n, DID, "newsletter") for n in names]
    copies: Counter = Counter()
    for _run in range(3):  # killed after ``killed_after`` posts, then run to the end, twice
        plan = make_plan(recipients, accounts, pages, renames, bot=BOT)
        posts = plan.posts[:killed_after] if _run == 0 else plan.posts
        for post in posts:
            info = pages.get(post.page)
            assert recheck(post, info, BOT) is None
            copies[post.page] += 1
            pages[post.page] = PageInfo(post.page, ((info.text or "") if info else "") +
                                        "\n" + marker(DID), opted_out=bool(info and
                                                                            info.opted_out))
    assert all(n == 1 for n in copies.values())
    final = make_plan(recipients, accounts, pages, renames, bot=BOT)
    assert not final.posts
    assert all(o.result in (ALREADY, SKIPPED) for o in final.outcomes)


def test_two_people_one_talk_page_one_copy() -> None:
    pages = {"User talk:Ana": PageInfo("User talk:Ana", redirect_to="User talk:Shared"),
             "User talk:Bo": PageInfo("User talk:Bo", redirect_to="User talk:Shared")}
    accounts = {n: AccountInfo() for n in ("Ana", "Bo", "Shared")}
    plan = make_plan([Recipient("Ana", DID, "newsletter"), Recipient("Bo", DID, "newsletter"),
                      Recipient("Shared", DID, "newsletter")], accounts, pages, {}, bot=BOT)
    assert [(p.person, p.page, p.also) for p in plan.posts] == [
        ("Shared", "User talk:Shared", ("Ana", "Bo"))]


def test_redirect_to_a_stranger_is_skipped() -> None:
    pages = {"User talk:Ana": PageInfo("User talk:Ana", redirect_to="User talk:Stranger")}
    plan = make_plan([Recipient("Ana", DID, "newsletter")], {"Ana": AccountInfo()}, pages, {},
                     bot=BOT)
    assert not plan.posts
    assert [(o.user, o.reason) for o in plan.outcomes] == [("Ana", "redirect-elsewhere")]


def test_sorting_the_list_keeps_every_line_its_author() -> None:
    lines = {u: line(u, "en", "full") for u in ("Bob", "Ana", "Cy")}
    revs = [Revision(1, "Bob", lines["Bob"]),
            Revision(2, "Ana", lines["Bob"] + "\n" + lines["Ana"]),
            Revision(3, "Cy", lines["Bob"] + "\n" + lines["Ana"] + "\n" + lines["Cy"]),
            Revision(4, "Clerk", "\n".join(lines[u] for u in ("Ana", "Bob", "Cy")))]
    subs = subscribers(attribute(Attribution(), revs, SCHEMA), SCHEMA, PAGE)
    assert sorted(subs.people) == ["Ana", "Bob", "Cy"] and not subs.forged


def test_a_redirect_to_another_recipients_subpage_is_skipped() -> None:
    pages = {"User talk:Ana": PageInfo("User talk:Ana", redirect_to="User talk:Bob/Notes")}
    plan = make_plan([Recipient("Ana", DID, "newsletter"), Recipient("Bob", DID, "newsletter")],
                     {"Ana": AccountInfo(), "Bob": AccountInfo()}, pages, {}, bot=BOT)
    assert [p.person for p in plan.posts] == ["Bob"]
    assert [(o.user, o.reason) for o in plan.outcomes] == [("Ana", "redirect-elsewhere")]


def test_lines_are_read_where_mediawiki_shows_them() -> None:
    revs = [Revision(1, "Mia", "<div>" + line("Mia", "en", "full") + "</div>\n<pre>"
                     + line("Max", "en", "full") + "</pre>"), Revision(2, "Max", "<div>"
                     + line("Mia", "en", "full") + "</div>\n<pre>" + line("Max", "en", "full")
                     + "</pre>\n<!-- " + line("Max", "es", "full") + " -->")]
    subs = subscribers(attribute(Attribution(), revs, SCHEMA), SCHEMA, PAGE)
    assert list(subs.people) == ["Mia"]


def test_a_name_registered_again_after_a_rename_is_not_the_subscriber() -> None:
    revs = [Revision(1, "Quinn", line("Quinn", "en", "full"), "2026-01-01T00:00:00Z"),
            Revision(2, "Newcomer", line("Quinn", "en", "full") + "\n" +
                     line("Newcomer", "es", "full"), "2026-03-01T00:00:00Z")]
    state = attribute(Attribution(), revs, SCHEMA)
    log = [("Quinn", "Quinn Two", "2026-02-01T00:00:00Z")]
    subs = subscribers(state, SCHEMA, PAGE, {}, log)
    assert sorted(subs.people) == ["Newcomer", "Quinn Two"]  # not the new "Quinn"
    later = attribute(state, [Revision(3, "Quinn", "\n".join(
        [line("Quinn", "en", "full"), line("Newcomer", "es", "full"),
         line("Quinn", "zh", "summary")]), "2026-04-01T00:00:00Z")], SCHEMA)
    subs = subscribers(later, SCHEMA, PAGE, {}, log)  # the new Quinn subscribes themselves
    assert sorted(subs.people) == ["Newcomer", "Quinn", "Quinn Two"]
    assert subs.people["Quinn"].record.value("language") == "zh"


@given(st.text(max_size=60))
def test_every_post_ends_with_one_signature_on_its_own_line(body: str) -> None:
    from bots.core.delivery import SIGNATURE, signed

    out = signed(body)
    assert out.endswith(SIGNATURE) and out.count(SIGNATURE) <= max(1, body.count(SIGNATURE))
    assert out == SIGNATURE or out.endswith("\n" + SIGNATURE) or body.rstrip().endswith(SIGNATURE)
    assert signed(out) == out  # signing twice signs once


# -- a lost delivery state (issue 25) ----------------------------------------------------------

SUMMARY = "Bot: Advocacy Hub newsletter 2026-11"


@PROFILE
@given(worlds(), st.data())
def test_a_lost_delivery_state_rebuilt_from_the_bots_edits_never_posts_twice(world, data) -> None:
    """Whatever the bot's history says it posted (its edits with this delivery's summary,
    among edits for other deliveries), the plan posts none of those pages again, and
    changes nothing else: a page without the marker (archived) is known to have it."""
    names, accounts, pages, renames = world
    recipients = [Recipient(n, DID, "newsletter") for n in names]
    titles = sorted({*pages, *(f"User talk:{n}" for n in NAMES)})
    edits = data.draw(st.lists(st.tuples(st.sampled_from(titles), st.sampled_from(
        [SUMMARY, "Bot: Advocacy Hub newsletter 2026-10", "archiving", ""])), max_size=12))
    posted = posted_by_summary(edits, {DID: SUMMARY})
    assert posted[DID] == {t for t, s in edits if s == SUMMARY}
    before = make_plan(recipients, accounts, pages, renames, bot=BOT)
    after = make_plan(recipients, accounts, pages, renames, bot=BOT, posted=posted)
    assert not {p.page for p in after.posts} & posted[DID]
    assert [p for p in before.posts if p.page not in posted[DID]] == after.posts
    again = {(o.user, o.page) for o in after.outcomes if o.result == ALREADY}
    assert again == {(o.user, o.page) for o in before.outcomes if o.result == ALREADY} | \
        {(p.person, p.page) for p in before.posts if p.page in posted[DID]}
