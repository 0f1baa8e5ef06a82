"""The knowledge base's pages (bots.core.render.pages), their cells (bots.core.render.cells)
and tables (bots.core.render.tables): exact fragments, order, counts, language, escaping."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bots.core.messages import Messages
from bots.core.normalise import make_record
from bots.core.records import Problem, Record
from bots.core.render.cells import CellRenderer, years
from bots.core.render.pages import KnowledgeBase, PageSet
from bots.core.render.tables import bar_chart, share_bar, table
from bots.core.schema import load_schema
from bots.core.wikitext import escape

SCHEMA = load_schema()
CASE = SCHEMA.kinds["case"]
PAGES = PageSet({"cases": "Advocacy Hub/Cases", "facets": "Advocacy Hub/Cases/By",
                 "statistics": "Advocacy Hub/Statistics", "events": "Advocacy Hub/Events",
                 "resources": "Advocacy Hub/Resources",
                 "maintenance": "Advocacy Hub/Maintenance"}, "en", ["en", "es", "zh"])
NOW = datetime(2026, 6, 1, 12, 30, tzinfo=UTC)


def kb(lang: str = "en") -> KnowledgeBase:
    return KnowledgeBase(SCHEMA, Messages(lang), PAGES)


def case(title: str, **raw: str) -> Record:
    fields = {"title": title, "summary": "S.", "jurisdiction": "BR", "topics": "copyright",
              "start": "2021-03", "status": "active", **raw}
    rec = make_record(CASE, f"Advocacy Hub/Cases/{title}", fields, SCHEMA)
    assert rec.valid, rec.problems
    return rec


def event(title: str, start: str, **raw: str) -> Record:
    return make_record(SCHEMA.kinds["event"], f"Events/{title}", {"title": title,
                                                                   "start": start, **raw},
                       SCHEMA)


def resource(title: str, **raw: str) -> Record:
    return make_record(SCHEMA.kinds["resource"], f"Resources/{title}",
                       {"title": title, "kind": "guide", **raw}, SCHEMA)


def rows(text: str) -> list[list[str]]:
    """The cells of every row of the first table in ``text`` (sort values dropped)."""
    body = text.split("{|", 1)[1].split("\n|}", 1)[0]
    out = []
    for block in body.split("\n|-\n")[1:]:
        out.append([re.sub(r'^data-sort-value="[^"]*" \| ', "", line[2:])
                    for line in block.split("\n") if line.startswith("| ")])
    return out


# -- tables ---------------------------------------------------------------------------------

def test_a_table_has_one_cell_a_line_and_quoted_sort_values() -> None:
    text = table(["A|b", "C"], [["x", "y"], ["z", ""]], [["k1", ""], ["", 'q"r']], css="c")
    assert text == "\n".join([
        '{| class="wikitable sortable c" style="width:100%;"',
        "! A&#124;b", "! C",
        "|-", '| data-sort-value="k1" | x', "| y",
        "|-", "| z", '| data-sort-value="q&quot;r" | ', "|}"])


@given(st.text(max_size=60))
def test_a_sort_value_never_leaves_its_attribute(key) -> None:
    text = table(["H"], [["cell"]], [[key]])
    row = text.split("\n|-\n")[1].split("\n")[0]
    if key.strip():
        assert re.fullmatch(r'\| data-sort-value="[^"\n|\[\]{}<>]*" \| cell', row), row
    else:
        assert row in ("| cell", '| data-sort-value="" | cell')


def test_bars_are_as_wide_as_their_share_of_the_largest() -> None:
    text = bar_chart([("a", 10), ("b", 5), ("c", 0)])
    widths = re.findall(r"width:(\d+)%; height", text)
    assert widths == ["100", "50", "1"]  # an empty bar is still a sliver
    assert "|+" not in text  # no caption: the heading above says what the chart shows
    assert re.findall(r"height:(\d+)px", text) == ["16"] * 3  # no font size can flatten them
    assert re.findall(r"padding-left:0.5em;\" \| (\d+)", text) == ["10", "5", "0"]
    assert bar_chart([]) == ""


def test_a_share_bar_splits_one_hundred_percent_with_a_legend() -> None:
    text = share_bar([("Won", 1), ("Lost", 3)])
    assert re.findall(r"flex:0 0 ([\d.]+)%", text) == ["25.00", "75.00"]
    assert "font-size:0" not in text and "em;\" title" not in text  # heights in px
    assert "Won: 1 (25%)" in text and "Lost: 3 (75%)" in text
    assert "'''" not in text  # no caption repeating the heading
    assert share_bar([("Won", 0)]) == ""


# -- cells ----------------------------------------------------------------------------------

def test_each_field_type_has_its_own_cell() -> None:
    cells = CellRenderer(SCHEMA, Messages("es"))
    adv = SCHEMA.kinds["advocate"]
    assert cells.one(adv.fields["user"], "Ana") == "[[:User:Ana|Ana]]"
    assert cells.one(CASE.fields["related"], "Advocacy Hub/Cases/X") == \
        "[[:Advocacy Hub/Cases/X]]"
    assert cells.one(CASE.fields["sources"], "https://example.org/a?b=1") == \
        "[https://example.org/a?b=1 example.org]"
    assert cells.one(CASE.fields["summary"], "{{x}} ''y''") == \
        "<bdi>&#123;&#123;x&#125;&#125; &#39;&#39;y&#39;&#39;</bdi>"
    assert cells.one(CASE.fields["status"], "active") == "Activo"
    assert cells.one(CASE.fields["jurisdiction"], "DE") == "Alemania"
    assert cells.one(adv.fields["languages"], "pt") == "português"  # autonyms in any language
    assert cells.one(CASE.fields["alert"], "yes") == Messages("es")("advocacyhub-yes")


@pytest.mark.parametrize("raw,shown", [
    ({"start": "2019", "end": "2020", "status": "concluded"}, "2019–2020"),
    ({"start": "2019-05", "end": "2019-11", "status": "concluded"}, "2019"),
    ({"start": "2019", "status": "active"}, "2019–"),
    ({"start": "2019", "status": "monitoring"}, "2019–"),
    ({"start": "2019", "status": "dormant"}, "2019"),
    ({"start": "2019", "end": "2022", "status": "active"}, "2019–2022"),
])
def test_years_of_a_case(raw, shown) -> None:
    assert years(case("Y", **raw)) == shown


# -- the case index -------------------------------------------------------------------------

def test_the_case_index_lists_cases_by_title_with_their_columns() -> None:
    records = [case("beta law", jurisdiction="DE; FR", topics="privacy-surveillance",
                    start="2019", end="2020", status="concluded", outcome="won"),
               case("Alpha act"),
               make_record(SCHEMA.kinds["resource"], "R", {"title": "Aaa", "kind": "guide"},
                           SCHEMA)]
    text = kb().case_index(records)
    assert "The hub documents 2 advocacy cases" in text  # the resource is not a case
    assert rows(text) == [
        ["[[:Advocacy Hub/Cases/Alpha act|Alpha act]]", "Brazil", "Latin America & Caribbean",
         "Copyright", "", "2021–", "Active", "Unknown"],
        ["[[:Advocacy Hub/Cases/beta law|beta law]]", "Germany, France",
         "Northern & Western Europe", "Privacy and surveillance", "", "2019–2020", "Concluded",
         "Won"]]
    header = re.findall(r"^! (.*)$", text, re.M)
    assert header == ["Title", "Jurisdiction", "Region", "Topics", "Tactics", "Years",
                      "Status", "Outcome"]
    assert '| data-sort-value="2019" | 2019–2020' in text  # years sort by the start date


def test_the_language_bar_bolds_the_page_language_and_links_the_others() -> None:
    bar = kb("es").case_index([case("A")]).split("\n")[0]
    assert bar.endswith('<span class="advocacy-languages">'
                        "[[:Advocacy Hub/Cases|English]] · '''español''' · "
                        "[[:Advocacy Hub/Cases/zh|中文]]</span></div>")
    assert "float" not in bar  # a block of its own: it cannot overlap a heading
    one = PageSet({"cases": "C"}, "en", ["en"])
    assert KnowledgeBase(SCHEMA, Messages("en"), one).pages.language_bar("cases", "en") == ""


def test_every_hub_page_starts_with_the_navigation_line_in_its_language() -> None:
    pages = PageSet({**PAGES.titles, "front": "Advocacy Hub", "partner": "Advocacy Hub/Partners",
                     "roster": "Advocacy Hub/Advocates", "newsletter": "Advocacy Hub/Newsletter",
                     "help_wanted": "Advocacy Hub/Help wanted"}, "en", ["en", "es", "zh"],
                    directories=["partner"])
    bar = pages.language_bar("statistics", "es")
    links = re.findall(r"\[\[:([^|\]]+)\|([^\]]+)\]\]", bar.split("advocacy-languages")[0])
    assert links == [("Advocacy Hub/es", "Advocacy Hub"), ("Advocacy Hub/Cases/es", "Casos"),
                     ("Advocacy Hub/Events/es", "Eventos"),
                     ("Advocacy Hub/Resources/es", "Recursos"),
                     ("Advocacy Hub/Partners/es", "Aliadas"),
                     ("Advocacy Hub/Advocates/es", "Activistas"),
                     ("Advocacy Hub/Newsletter/es", "Boletín"),
                     ("Advocacy Hub/Help wanted/es", "Se busca ayuda"),
                     ("Advocacy Hub/Statistics/es", "Estadísticas")]
    assert "\n" not in bar
    # Only the pages a hub has are linked.
    assert "Partners" not in PAGES.language_bar("statistics", "en")


@pytest.mark.parametrize("lang,intro,status", [
    ("en", "The hub documents one advocacy case", "Active"),
    ("es", None, "Activo"),
    ("zh", None, "进行中"),
])
def test_the_case_index_is_written_in_the_pages_language(lang, intro, status) -> None:
    text = kb(lang).case_index([case("Único")])
    assert rows(text)[0][6] == status
    expected = Messages(lang)("advocacyhub-index-intro", 1)
    assert expected in text and "{{PLURAL" not in text
    if intro:
        assert intro in text
    assert Messages(lang)("advocacyhub-facets-nav") in text
    suffix = "" if lang == "en" else f"/{lang}"
    assert f"[[:Advocacy Hub/Cases/By/topics{suffix}|" in text  # facets in the same language


TITLE_BITS = st.sampled_from(["a", "Z", " ", "é", "中", "[", "]", "[[", "]]", "{", "}", "{{",
                              "}}", "|", "||", "<", ">", "'", "''", "'''", "~", "~~~~",
                              "_", "__NOTOC__", "=", "==", "!", "!!", "\n", "\n==", ":",
                              "https://x.org", "mailto:a@b", "ISBN 123", "RFC 1",
                              "<nowiki>", "-{", "&#91;", "*", "#", ";", "\u2028"])
HOSTILE = st.lists(TITLE_BITS, min_size=1, max_size=12).map("".join).filter(
    lambda t: t.strip())

MARKUP = ["[", "]", "{", "}", "|", "<", ">", "~~~", "__", "''", "==", "!!", "\n"]
# free links (any case, as MediaWiki reads them) and magic links (upper case only, likewise)
AUTOLINK = re.compile(r"(?i:\b(https?|mailto):)|\b(ISBN|RFC|PMID)\s")


def skeleton(text: str) -> Counter:
    counts = Counter({m: text.count(m) for m in MARKUP})
    counts["autolinks"] = len(AUTOLINK.findall(text))
    return counts


@settings(max_examples=150, deadline=None)
@given(st.lists(HOSTILE, min_size=1, max_size=4), HOSTILE)
def test_hostile_values_leave_the_markup_of_every_page_as_it_was(titles, place) -> None:
    """Whatever the titles, places and problem values, the pages have the markup they have
    with plain values: no value adds a link, template, tag, cell, heading or free link."""
    def pages(names: list[str], where: str) -> list[str]:
        cases = [Record("case", f"Advocacy Hub/Cases/C{i}", {
            "title": n, "summary": n, "jurisdiction": ["BR"], "region": ["LAC"],
            "topics": ["copyright"], "start": "2020", "status": "active", "outcome": "won"})
            for i, n in enumerate(names)]
        events = [Record("event", f"Events/E{i}", {"title": n, "start": "2026-07-01T10:00",
                                                     "online": "no", "place": where})
                  for i, n in enumerate(names)]
        res = [Record("resource", f"Resources/R{i}", {"title": n, "kind": "guide"})
               for i, n in enumerate(names)]
        problems = [Problem(f"Advocacy Hub/Cases/C{i}", "case", "topics", "unknown-value", n,
                            (n,)) for i, n in enumerate(names)]
        k = kb()
        return [k.case_index(cases), k.facet_page(cases, CASE.fields["topics"]),
                k.facet_page(cases, CASE.fields["start"]), k.events(events, NOW),
                k.resources(res), k.maintenance([], problems), k.statistics(cases)]

    plain = [f"Plain {i}" for i in range(len(titles))]
    for n, (hostile, benign) in enumerate(zip(pages(titles, place), pages(plain, "Lima"),
                                              strict=True)):
        assert skeleton(hostile) == skeleton(benign)
        for t in titles if n < 5 else []:  # as labels (the report quotes them in a sentence)
            assert escape(t, 200)[:20] in hostile or escape(t)[:20] in hostile


@settings(max_examples=60, deadline=None)
@given(st.permutations(range(6)), st.sampled_from(["en", "es", "zh"]))
def test_the_pages_do_not_depend_on_the_order_of_the_records(order, lang) -> None:
    records = [case("Delta", topics="copyright; ai", start="2018"),
               case("alpha", jurisdiction="FR", topics="privacy-surveillance"),
               case("Charlie", outcome="lost", status="concluded", end="2022"),
               case("bravo", jurisdiction="JP; KR", tactics="litigation"),
               event("Meet", "2026-07-01T10:00"), resource("Guide", topics="ai")]
    shuffled = [records[i] for i in order]
    k = kb(lang)
    for render in (k.case_index, k.resources,
                   lambda r: k.events(r, NOW),
                   lambda r: k.facet_page(r, CASE.fields["topics"]),
                   lambda r: k.facet_page(r, CASE.fields["start"])):
        assert render(shuffled) == render(records)


def test_topics_with_the_same_count_are_in_the_same_order_whatever_the_records_order() -> None:
    records = [case("A", topics="privacy-surveillance"), case("B", topics="ai")]
    assert kb().statistics(records) == kb().statistics(records[::-1])


# -- facets ---------------------------------------------------------------------------------

def test_a_facet_page_groups_cases_by_value_with_counts_and_a_case_in_every_group() -> None:
    records = [case("Beta", topics="copyright; ai", jurisdiction="DE"),
               case("alpha", topics="copyright", start="2018", end="2019",
                    status="concluded"),
               case("Gamma", topics="ai")]
    text = kb().facet_page(records, CASE.fields["topics"])
    assert "3 cases in 2 groups; a case can be in several groups." in text
    assert rows(text) == [["Artificial intelligence", "2"], ["Copyright", "2"]]
    ai = text.split("== Artificial intelligence (2) ==")[1].split("==")[0]
    assert ai.strip().split("\n") == [
        "* [[:Advocacy Hub/Cases/Beta|Beta]] (2021–; Germany)",
        "* [[:Advocacy Hub/Cases/Gamma|Gamma]] (2021–; Brazil)"]
    copyright_ = text.split("== Copyright (2) ==")[1]
    assert copyright_.index("alpha|alpha]] (2018–2019; Brazil)") < copyright_.index("Beta|")
    assert '| data-sort-value="000002" | 2' in text  # counts sort as numbers


def test_the_year_facet_groups_by_start_year_in_order() -> None:
    records = [case("A", start="2021-05"), case("B", start="2019"), case("C", start="2021")]
    text = kb().facet_page(records, CASE.fields["start"])
    assert [h for h in re.findall(r"^== (.*) ==$", text, re.M)] == ["2019 (1)", "2021 (2)"]
    assert rows(text) == [["2019", "1"], ["2021", "2"]]


def test_facet_labels_are_translated() -> None:
    text = kb("es").facet_page([case("A", topics="freedom-of-panorama")],
                               CASE.fields["topics"])
    assert "== Libertad de panorama (1) ==" in text
    text = kb("zh").facet_page([case("A", jurisdiction="BR")], CASE.fields["region"])
    assert "== 拉丁美洲与加勒比 (1) ==" in text


# -- statistics -----------------------------------------------------------------------------

def test_statistics_count_cases_per_year_region_topic_and_outcome() -> None:
    records = [case("A", start="2019", topics="copyright; ai", outcome="won"),
               case("B", start="2021", topics="ai", jurisdiction="DE", outcome="won"),
               case("C", start="2021", topics="ai", outcome="lost"),
               case("D", start="2021", topics="ai", jurisdiction="global", outcome="lost"),
               case("E", start="2021", topics="ai", jurisdiction="EU", outcome="lost"),
               case("F", start="2021", topics="ai", jurisdiction="DE; BR", outcome="pending")]
    text = kb().statistics(records)
    assert "6 cases from 2 regions on 2 topics." in text

    def bars(section: str) -> list[tuple[str, str]]:
        part = text.split(f"== {section} ==")[1].split("\n== ")[0]
        labels = re.findall(r"text-align:right;\" \| (.*)", part)
        counts = re.findall(r"padding-left:0.5em;\" \| (\d+)", part)
        return list(zip(labels, counts, strict=True))

    assert bars("Cases per year (by start)") == [("2019", "1"), ("2020", "0"), ("2021", "5")]
    # Each case once: global, EU and a case in two regions are one row of their own.
    assert bars("Cases per region") == [("Latin America & Caribbean", "2"),
                                        ("Northern & Western Europe", "1"),
                                        ("''Global or several regions''", "3")]
    assert "3 cases lie in a single region and 3 cases in several" in text
    assert bars("Cases per topic") == [("Artificial intelligence", "6"), ("Copyright", "1")]
    outcomes = text.split("== Outcomes ==")[1]
    assert "Lost: 3 (50%)" in outcomes and "Won: 2 (33%)" in outcomes
    assert outcomes.index("Lost") < outcomes.index("Won") < outcomes.index("Pending")
    assert "|+" not in text and "'''Outcomes'''" not in text  # no caption repeats a heading


def test_statistics_sort_regions_largest_first() -> None:
    records = [case("A", jurisdiction="DE"), case("B", jurisdiction="FR"),
               case("C", jurisdiction="BR")]
    text = kb().statistics(records)
    part = text.split("== Cases per region ==")[1].split("\n== ")[0]
    assert re.findall(r"text-align:right;\" \| (.*)", part) == [
        "Northern & Western Europe", "Latin America & Caribbean"]


def test_statistics_of_no_cases() -> None:
    text = kb().statistics([])
    assert "0 cases from 0 regions on 0 topics." in text
    assert "advocacy-chart" not in text and "Won:" not in text


# -- events ---------------------------------------------------------------------------------

def test_events_are_upcoming_until_they_end_and_past_newest_first() -> None:
    records = [event("Later", "2026-08-01T10:00"), event("Soon", "2026-06-02"),
               event("Running", "2026-05-30T10:00", end="2026-06-03T10:00"),
               event("Today all day", "2026-06-01"), event("Old", "2025-01-01T09:00"),
               event("Older", "2024-01-01T09:00"), event("This morning", "2026-06-01T08:00")]
    text = kb().events(records, NOW)
    upcoming, past = text.split("== Past events (3) ==")
    assert "== Upcoming events (4) ==" in upcoming
    assert re.findall(r"\[\[:Events/[^|]+\|([^\]]+)\]\]", upcoming) == [
        "Running", "Today all day", "Soon", "Later"]  # by start
    assert re.findall(r"\[\[:Events/[^|]+\|([^\]]+)\]\]", past) == [
        "This morning", "Old", "Older"]  # newest first


def test_no_events_says_so_twice() -> None:
    text = kb("es").events([], NOW)
    assert text.count(Messages("es")("advocacyhub-events-none")) == 2
    assert "== Eventos pasados (0) ==" in text


def test_an_event_in_another_timezone_is_upcoming_until_it_is_over() -> None:
    santiago = event("Santiago meet-up", "2026-06-01T10:00", timezone="America/Santiago")
    assert santiago.valid
    text = kb().events([santiago], NOW)  # 12:30 UTC = 08:30 in Santiago
    assert "== Upcoming events (1) ==" in text


# -- resources ------------------------------------------------------------------------------

def test_resources_are_listed_by_title_and_grouped_by_topic() -> None:
    records = [resource("Guide B", topics="copyright; ai", languages="es, pt"),
               resource("a toolkit", kind="toolkit"), resource("Charter", topics="ai")]
    text = kb().resources(records)
    assert "3 resources for advocates" in text
    assert [r[0] for r in rows(text)] == ["[[:Resources/a toolkit|a toolkit]]",
                                          "[[:Resources/Charter|Charter]]",
                                          "[[:Resources/Guide B|Guide B]]"]
    by_topic = text.split("== By topic ==")[1]
    ai = by_topic.split("=== Artificial intelligence (2) ===\n")[1].split("===")[0]
    assert ai.split("\n")[:2] == ["* [[:Resources/Charter|Charter]] (Guide)",
                                  "* [[:Resources/Guide B|Guide B]] (Guide, español, português)"]
    assert "=== No topic (1) ===\n* [[:Resources/a toolkit|a toolkit]] (Toolkit)" in by_topic
    assert "=== Copyright (1) ===" in by_topic


# -- the maintenance report -----------------------------------------------------------------

def test_the_maintenance_report_lists_every_problem_sorted_with_a_suggestion() -> None:
    bad = make_record(CASE, "Advocacy Hub/Cases/B", {"title": "B", "summary": "s",
                                                     "jurisdiction": "BR",
                                                     "topics": "copyrigth", "start": "2020",
                                                     "status": "active"}, SCHEMA)
    assert not bad.valid
    bot = [Problem("Advocacy Hub/Cases/A", "page", "index", "markers-damaged", "index",
                   severity="warning")]  # as bots.jobs.index reports a damaged page
    text = kb().maintenance([bad, case("Fine")], bot)
    assert "2 problems on 2 pages" in text
    table_rows = rows(text)
    assert table_rows == [
        ["[[:Advocacy Hub/Cases/A]]", Messages("en")("advocacyhub-kind-page"),
         "<code>index</code>",
         "The bot did not update this page: the markers of its generated text (index) are "
         "damaged "
         "(repeated, or the end before the beginning).", "warning"],
        ["[[:Advocacy Hub/Cases/B]]", "advocacy case", "<code>topics</code>",
         '"copyrigth" is not a known value of "topics". Did you mean: copyright?', "error"]]


def test_a_report_without_problems_thanks_the_editors_in_their_language() -> None:
    fine = kb().maintenance([case("Fine")], [])
    assert fine.endswith("No problems. Thank you!")
    assert "0 problems" not in fine  # the empty state said once
    zh = kb("zh").maintenance([], [Problem("P", "case", "topics", "unknown-value", "x")])
    assert "倡导案例" in zh and Messages("zh")("advocacyhub-severity-error") in zh


def test_the_maintenance_report_never_prints_a_hidden_fields_value() -> None:
    # The report is public: a low-profile advocate's misspelt place is reported without it.
    shy = make_record(SCHEMA.kind("advocate"), "User:Shy",
                      {"user": "Shy", "jurisdictions": "Minsk", "profile": "low"}, SCHEMA)
    open_ = make_record(SCHEMA.kind("advocate"), "User:Open",
                        {"user": "Open", "jurisdictions": "Istanbull"}, SCHEMA)
    assert not shy.valid and not open_.valid
    text = kb().maintenance_pages([shy, open_], [])[""]
    assert "Minsk" not in text and "Istanbull" in text
    assert "User:Shy" in text  # still listed: the page, the field and what is wrong


def test_an_event_shows_its_date_time_and_zone_with_the_utc_time_beside_it() -> None:
    ny = event("NY hour", "2027-01-14T15:00", end="2027-01-14T16:00",
               timezone="America/New_York")
    late = event("Late", "2027-01-14T22:00", timezone="America/New_York")
    day = event("Day", "2027-01-20")
    utc = event("UTC hour", "2027-01-15T09:00")
    cells = CellRenderer(SCHEMA, Messages("es"))
    assert cells.when(ny) == "2027-01-14 15:00–16:00 (America/New York) · 20:00 UTC"
    assert cells.when(late) == "2027-01-14 22:00 (America/New York) · 2027-01-15 03:00 UTC"
    assert cells.when(day) == "2027-01-20"
    assert cells.when(utc) == "2027-01-15 09:00 UTC"
    text = kb().events([ny, late, day, utc], datetime(2027, 1, 1, tzinfo=UTC))
    assert "2027-01-14 15:00–16:00 (America/New York) · 20:00 UTC" in text
    assert "T15:00" not in text  # no ISO "T" left for a reader to decode
    # The table sorts by the UTC start (22:00 in New York is 03:00 UTC the next day).
    keys = re.findall(r'data-sort-value="(2027-01-1\dT\d\d:\d\d)"', text)
    assert keys == ["2027-01-14T20:00", "2027-01-15T03:00", "2027-01-15T09:00"]
