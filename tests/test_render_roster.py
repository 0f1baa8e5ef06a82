"""The roster, role log and "Help wanted" pages (bots.core.render.roster): exact rows, counts,
order, language and hostile values. (Low-profile places and the split into sub-pages are in
tests/test_roster.py.)"""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from bots.core.matching import Reason, Suggestion
from bots.core.messages import Messages
from bots.core.records import Record
from bots.core.render.pages import PageSet
from bots.core.render.roster import RosterRenderer
from bots.core.roster import ACTIVE, INACTIVE, NOTICED, Advocate, RosterConfig
from bots.core.schema import load_schema

SCHEMA = load_schema()
PAGES = PageSet(titles={"roster": "Advocacy Hub/Advocates",
                        "roster_log": "Advocacy Hub/Advocates/Log",
                        "help_wanted": "Advocacy Hub/Help wanted",
                        "signup": "Advocacy Hub/Advocates/Sign-up"},
                base_lang="en", languages=["en", "es", "zh"])


def renderer(lang: str = "en") -> RosterRenderer:
    return RosterRenderer(SCHEMA, Messages(lang), PAGES, RosterConfig())


def adv(user: str, status: str = ACTIVE, **fields) -> Advocate:
    fields = {"user": user, "role": "member", "profile": "public", **fields}
    return Advocate(user=user, record=Record("advocate", "Advocacy Hub/Advocates/Sign-up",
                                             fields), status=status)


def gone(user: str, reason: str, **kw) -> Advocate:
    return Advocate(user=user, record=Record("advocate", "S", {"user": user}),
                    status=INACTIVE, reason=reason,
                    inactive_since=kw.pop("since", "2026-05-01T00:00:00Z"), **kw)


def table_rows(text: str, css: str) -> list[list[str]]:
    body = text.split(f'class="wikitable sortable {css}"', 1)[1].split("\n|}", 1)[0]
    return [[re.sub(r'^data-sort-value="[^"]*" \| ', "", line[2:])
             for line in block.split("\n") if line.startswith("| ")]
            for block in body.split("\n|-\n")[1:]]


PEOPLE = [adv("zoe", regions=["LAC"], jurisdictions=["BR"], topics=["copyright"],
              languages=["pt", "es"], role="coordinator"),
          adv("Adam", regions=["NWE"], jurisdictions=["DE"], topics=["ai"], languages=["de"],
              skills=["legal"], status=NOTICED),
          adv("Quiet", regions=["MENA"], jurisdictions=["IR"], languages=["fa"],
              profile="low"),
          gone("Sleeper", "inactive", inactive_edit="2025-01-02T00:00:00Z"),
          gone("Blocked One", "blocked"), gone("Locked", "locked"),
          gone("Never", "inactive")]


def test_the_roster_counts_active_advocates_public_regions_languages_and_inactive() -> None:
    text = renderer().roster(PEOPLE)
    # 3 active (a noticed advocate is still active), regions of the public ones only (2),
    # languages of everyone active (pt, es, de, fa), 4 inactive
    assert "lists 3 active Wikimedia advocates in 2 regions, speaking 4 languages. " \
           "4 advocates are listed as inactive." in text
    # Nobody inactive: said once, in words, not "0 advocates".
    alone = renderer().roster(PEOPLE[:1])
    assert "speaking" in alone and "No one is inactive." in alone and "0 advocates" not in alone


def test_the_active_table_lists_advocates_by_name_with_their_columns() -> None:
    text = renderer().roster(PEOPLE)
    rows = table_rows(text, "advocacy-roster")
    assert [r[0].split("|")[0] for r in rows] == ["[[:User:Adam", "[[:User:Quiet",
                                                  "[[:User:zoe"]
    adam, quiet, zoe = rows
    assert adam == ["[[:User:Adam|Adam]] ([[:User talk:Adam|talk]])", "Member",
                    "Northern & Western Europe", "Germany", "Artificial intelligence",
                    "Deutsch", "Legal"]
    assert quiet[2] == quiet[3] == "<small>not shown</small>"
    assert zoe[1] == "Coordinator" and zoe[5] == "português, español"


def test_inactive_advocates_are_listed_with_the_reason_and_a_way_to_check_it() -> None:
    rows = table_rows(renderer().roster(PEOPLE), "advocacy-roster-inactive")
    by_user = {r[0].split("|")[1].split("]]")[0]: r[1:] for r in rows}
    assert [r[0].split("|")[1].split("]]")[0] for r in rows] == ["Blocked One", "Locked",
                                                               "Never", "Sleeper"]
    assert by_user["Sleeper"] == ["No edit since 2025-01-02", "2026-05-01"]
    assert by_user["Never"][0] == "No edit yet"
    assert by_user["Blocked One"][0] == ("Blocked indefinitely "
                                         "([[:Special:BlockList/Blocked One|details]])")
    assert by_user["Locked"][0] == "Account locked ([[:Special:CentralAuth/Locked|details]])"


def test_the_groupings_count_each_value_and_list_names() -> None:
    text = renderer().roster(PEOPLE)
    topics = text.split("== By topic ==")[1].split("\n== ")[0]
    assert re.findall(r"^=== (.*) ===$", topics, re.M) == [
        "Artificial intelligence (1)", "Copyright (1)", "Not given (1)"]
    languages = text.split("== By language ==")[1].split("\n== ")[0]
    assert re.findall(r"^=== (.*) ===$", languages, re.M) == [
        "Deutsch (1)", "español (1)", "português (1)", "فارسی (1)"]


def test_names_in_a_group_are_in_alphabetical_order_whatever_their_case() -> None:
    text = renderer().roster([adv("bea", topics=["copyright"]), adv("Al", topics=["copyright"]),
                              adv("Carl", topics=["copyright"])])
    group = text.split("=== Copyright (3) ===\n")[1].split("\n")[0]
    assert group == "[[:User:Al|Al]] · [[:User:bea|bea]] · [[:User:Carl|Carl]]"


def test_the_roster_is_written_in_the_pages_language() -> None:
    es = renderer("es").roster(PEOPLE)
    assert "'''español'''" in es and "[[:Advocacy Hub/Advocates|English]]" in es
    assert "América Latina y el Caribe" in es and Messages("es")("advocacyhub-roster-talk") in es
    zh = renderer("zh").roster(PEOPLE)
    assert "拉丁美洲与加勒比" in zh and "{{PLURAL" not in zh


@settings(max_examples=40, deadline=None)
@given(st.permutations(range(len(PEOPLE))), st.sampled_from(["en", "es"]))
def test_the_roster_does_not_depend_on_the_order_of_the_advocates(order, lang) -> None:
    shuffled = [PEOPLE[i] for i in order]
    r = renderer(lang)
    assert r.roster(shuffled) == r.roster(PEOPLE)
    assert r.roster_pages(shuffled, 3_000) == r.roster_pages(PEOPLE, 3_000)


BITS = st.sampled_from(["a", "Z", " ", "[[", "]]", "{{", "}}", "|", "<b>", "''", "~~~~",
                        "__NOTOC__", "\n==", "==", "https://x.org", "ISBN 1", "-{", "!!"])
HOSTILE = st.lists(BITS, min_size=1, max_size=10).map("".join).filter(lambda t: t.strip())
MARKUP = ["[", "]", "{", "}", "|", "<", ">", "~~~", "__", "''", "==", "!!", "\n"]


def skeleton(text: str) -> Counter:
    counts = Counter({m: text.count(m) for m in MARKUP})
    # free links and magic links, as MediaWiki finds them (after a word boundary)
    counts["links"] = len(re.findall(r"\b(?i:https?:)|\bISBN\s", text))
    return counts


@settings(max_examples=100, deadline=None)
@given(HOSTILE, HOSTILE, HOSTILE)
def test_hostile_values_add_no_markup_to_the_roster_or_help_wanted(title, help_, name) -> None:
    def pages(t: str, h: str, n: str) -> list[str]:
        person = Advocate(user="Ana", record=Record("advocate", "S", {
            "user": "Ana", "topics": [n], "skills": [n], "role": "member"}), former_name=n)
        case = Record("case", "Advocacy Hub/Cases/C", {"title": t, "help_wanted": h,
                                                       "topics": [n], "alert": "yes"})
        sugg = Suggestion("Ana", 3, (Reason("topic", n),), role=n)
        r = renderer()
        log = [{"user": "Ana", "old": n, "new": "member", "by": "Bo", "revid": 3,
                "at": "2026-01-01T00:00:00Z"}]
        return [r.roster([person]), r.help_wanted([(case, [sugg])]), r.log(log)]

    for hostile, plain in zip(pages(title, help_, name), pages("Title", "Help", "value"),
                              strict=True):
        assert skeleton(hostile) == skeleton(plain)


# -- the role log ---------------------------------------------------------------------------

def test_the_role_log_lists_changes_newest_first_with_who_and_the_diff() -> None:
    entries = [{"user": "Ana", "old": "member", "new": "coordinator", "by": "Boss",
                "at": "2026-05-01T10:00:00Z", "revid": 42},
               {"user": "Bo", "old": "topic-lead", "new": "", "at": "2026-05-03T09:00:00Z",
                "page": "User:Bo"},
               {"user": "Cy", "old": "", "new": "member", "by": "Cy",
                "at": "2026-05-03T09:00:00Z"}]
    text = renderer().log(entries)
    assert text.split("\n")[1] == Messages("en")("advocacyhub-roster-log-intro", 3)
    rows = table_rows(text, "advocacy-roster-log")
    assert [r[1].split("|")[1].split("]]")[0] for r in rows] == ["Cy", "Bo", "Ana"]
    assert rows[2] == ["2026-05-01", "[[:User:Ana|Ana]] ([[:User talk:Ana|talk]])", "Member",
                       "Coordinator", "[[:User:Boss|Boss]]", "[[:Special:Diff/42|diff]]"]
    assert rows[1][3] == "<small>(not on the roster)</small>" and rows[1][4] == "unknown"
    assert rows[1][5] == "[[:User:Bo]]" and rows[0][5] == ""
    assert renderer().log([]).endswith(Messages("en")("advocacyhub-roster-log-none"))


# -- help wanted ----------------------------------------------------------------------------

def test_help_wanted_puts_alerts_first_then_cases_by_title_with_suggestions() -> None:
    def case(title: str, alert: str = "no", help_: str = "") -> Record:
        fields = {"title": title, "alert": alert, "jurisdiction": ["BR"],
                  "topics": ["copyright"]}
        if help_:
            fields["help_wanted"] = help_
        return Record("case", f"Advocacy Hub/Cases/{title}", fields)

    lead = Suggestion("Lead", 9, (Reason("topic", "copyright"), Reason("jurisdiction", "BR")),
                      role="topic-lead")
    member = Suggestion("Mem", 2, (Reason("language", "pt"),))
    items = [(case("beta", help_="A lawyer"), [lead, member]), (case("Alpha"), []),
             (case("Zulu", alert="yes"), [member])]
    text = renderer().help_wanted(items)
    assert re.findall(r"^=== (.*) ===$", text, re.M) == ["Zulu", "Alpha", "beta"]
    assert "'''Urgent alert''' · [[:Advocacy Hub/Cases/Zulu|Zulu]] (Brazil · Copyright)" in text
    beta = text.split("=== beta ===")[1]
    assert "Help wanted: <bdi>A lawyer</bdi>" in beta
    assert "* [[:User:Lead|Lead]] ([[:User talk:Lead|talk]]) (Topic lead): works on " \
           "Copyright; works in Brazil" in beta
    assert "* [[:User:Mem|Mem]] ([[:User talk:Mem|talk]]): speaks português" in beta
    alpha = text.split("=== Alpha ===")[1].split("===")[0]
    assert "No active advocate matches this case yet." in alpha
    assert "(3 cases), each with up to 5 active advocates" in text.split("\n")[1]
    es = renderer("es").help_wanted(items)
    assert f"'''{Messages('es')('advocacyhub-match-alert')}''' · " in es
    assert Messages("es")("advocacyhub-match-none") in es


def test_a_facet_declared_without_its_own_heading_message_gets_the_generic_one() -> None:
    import tomllib

    from bots.core.schema import parse_schema
    from bots.paths import CONFIG_DIR

    data = tomllib.loads((CONFIG_DIR / "schema.toml").read_text())
    data["advocate"]["fields"]["skills"]["facet"] = "skill"  # no advocacyhub-roster-by-skill
    schema = parse_schema(data, tomllib.loads((CONFIG_DIR / "vocabularies.toml").read_text()))
    text = RosterRenderer(schema, Messages("es"), PAGES, RosterConfig()).roster(
        [adv("Ana", skills=["legal"])])
    assert f"== Por {Messages('es').field_label('skills')} ==" in text
