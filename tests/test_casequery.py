"""The {{Advocacy cases}} query (bots.core.casequery) and the compact case table
(bots.core.casetable): the reference Module:Advocacy is compared with on the wiki."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bots.core.casequery import (
    MAX_LIMIT,
    matching,
    parse_query,
    query_problems,
    resolve,
    run_query,
    sections,
    shown_columns,
)
from bots.core.casetable import (
    case_table,
    cited_by,
    citing_fields,
    delta_rows,
    table_columns,
    table_rows,
)
from bots.core.luadata import schema_data, vocabularies_data
from bots.core.places import load_geography
from bots.core.records import Record
from bots.core.schema import load_schema
from bots.core.snapshot import stored_size

SCHEMA = load_schema()
GEO = load_geography()
KIND = SCHEMA.kind("case")
TOPICS = list(SCHEMA.vocabularies["topics"].values)
STATUS = list(SCHEMA.vocabularies["status"].values)
REGIONS = list(SCHEMA.vocabularies["regions"].values)
COUNTRIES = ["DE", "BR", "CL", "EU", "US", "IN"]


def case(i: int, **fields) -> Record:
    values = {"title": f"Case {i}", "jurisdiction": ["DE"], "region": ["NWE"],
              "topics": ["copyright"], "start": "2020", "status": "active", **fields}
    return Record(kind="case", page=f"Advocacy Hub/Cases/C{i}", fields=values)


cases = st.lists(st.builds(
    lambda i, topics, status, country, region, year: case(
        i, topics=topics, status=status, jurisdiction=[country], region=[region],
        start=str(year)),
    st.integers(0, 10_000), st.lists(st.sampled_from(TOPICS), min_size=1, max_size=3,
                                     unique=True),
    st.sampled_from(STATUS), st.sampled_from(COUNTRIES), st.sampled_from(REGIONS),
    st.integers(2000, 2025)), max_size=40, unique_by=lambda r: r.page)
queries = st.fixed_dictionaries({}, optional={
    "topics": st.lists(st.sampled_from([*TOPICS, "Copyright", "privacy surveillance", "bogus"]),
                       min_size=1, max_size=3).map("; ".join),
    "status": st.sampled_from([*STATUS, "ACTIVE", "nope"]),
    "jurisdiction": st.sampled_from(["de", "Germany", "EU", "brasil", "BR, CL"]),
    "region": st.lists(st.sampled_from(REGIONS), min_size=1, max_size=2).map(",".join),
    "year": st.sampled_from(["2020", "2001;2002", "20x"]),
    "sort": st.sampled_from(["title", "start", "year", "status", "topics", "jurisdiction", "x"]),
    "order": st.sampled_from(["asc", "desc"]),
    "limit": st.sampled_from(["1", "5", "50", "1000", "-3", "many"]),
})


def rows_of(records: list[Record]) -> tuple[dict, list[dict]]:
    table = case_table(records, SCHEMA, ["en"], 500_000)
    head = json.loads(table.head_json(["p1"]))
    return head, table_rows(head, [json.loads(p) for p in table.parts], SCHEMA.kind("case"))


@settings(max_examples=150, deadline=None)
@given(cases, queries, st.randoms())
def test_query_properties(records, args, rnd) -> None:
    head, rows = rows_of(records)
    query = parse_query(args, KIND)
    labels = head["labels"]["en"]["values"]
    shown, total = run_query(rows, query, SCHEMA, GEO, labels)
    assert len(shown) <= min(query.limit, MAX_LIMIT) and total >= len(shown)
    # Every result matches every parameter given.
    for row in shown:
        for name, raws in query.filters.items():
            fld = KIND.field(name)
            wanted = {resolve(fld, r, SCHEMA, GEO) for r in raws}
            have = [row[name][:4]] if fld.type == "date" else row[name]
            assert set(have if isinstance(have, list) else [have]) & wanted
    # The rows' order does not matter.
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    assert run_query(shuffled, query, SCHEMA, GEO, labels) == (shown, total)
    # Nor the order of a parameter's values.
    if "topics" in args:
        flipped = {**args, "topics": ";".join(reversed(args["topics"].split(";")))}
        assert run_query(rows, parse_query(flipped, KIND), SCHEMA, GEO, labels) == (shown, total)
    # Without a limit below the matches, every matching row is shown.
    everything = parse_query({**args, "limit": "500"}, KIND)
    assert run_query(rows, everything, SCHEMA, GEO, labels)[1] == total


def test_values_are_read_as_the_bot_reads_them() -> None:
    records = [case(1, topics=["privacy-surveillance"], jurisdiction=["EU"]),
               case(2, topics=["copyright"], jurisdiction=["DE"], start="2019-05")]
    _, rows = rows_of(records)

    def pages(**args: str) -> list[str]:
        return [r["page"] for r in run_query(rows, parse_query(args, KIND), SCHEMA, GEO)[0]]

    assert pages(topics="Privacy_Surveillance") == ["Advocacy Hub/Cases/C1"]
    assert pages(jurisdiction="germany") == ["Advocacy Hub/Cases/C2"]
    assert pages(jurisdiction="eu; de", sort="start", order="desc") == [
        "Advocacy Hub/Cases/C1", "Advocacy Hub/Cases/C2"]
    assert pages(year="2019") == ["Advocacy Hub/Cases/C2"]
    assert pages(topics="nonsense") == []
    assert pages(topics="nonsense, copyright") == ["Advocacy Hub/Cases/C2"]


def test_the_table_is_cut_into_parts_within_the_budget_and_the_delta_replaces_rows() -> None:
    records = [case(i, title=f"Bench case {i} " + "x" * 40) for i in range(300)]
    table = case_table(records, SCHEMA, ["en", "es", "zh"], 8_000)
    assert len(table.parts) > 3
    assert all(stored_size(json.loads(p)) <= 8_000 for p in table.parts)
    # An incremental run: a page's new rows in the head replace the parts' rows.
    changed = {"Advocacy Hub/Cases/C7": [case(7, title="New title")], "Advocacy Hub/Cases/C8": []}
    head = json.loads(table.head_json(["a", "b"], delta=delta_rows(changed, SCHEMA)))
    rows = table_rows(head, [json.loads(p) for p in table.parts], SCHEMA.kind("case"))
    assert len(rows) == 299
    assert [r["title"] for r in rows if r["page"] == "Advocacy Hub/Cases/C7"] == ["New title"]
    # Labels in every language, for the values used.
    assert head["labels"]["es"]["headers"]["topics"] != head["labels"]["en"]["headers"]["topics"]
    assert set(head["labels"]["en"]["values"]["jurisdiction"]) == {"DE"}


def test_the_generated_json_carries_what_the_module_needs() -> None:
    data = schema_data(SCHEMA)
    assert [f["name"] for f in data["kinds"]["case"]["fields"]] == list(KIND.fields)
    assert "DE" in data["jurisdictions"]["codes"]
    assert data["jurisdictions"]["lookup"]["germany"] == "DE"
    for lang in ("en", "es", "zh"):
        assert "advocacyhub-problem-unknown-value" in data["messages"][lang]
    vocabs = vocabularies_data(SCHEMA)["vocabularies"]
    assert vocabs["topics"]["values"] == TOPICS
    assert set(vocabs["topics"]["labels"]) == {"en", "es", "zh"}


def test_a_limit_is_plain_ascii_digits_as_the_module_reads_it() -> None:
    # Module:Advocacy takes only ^%d+$; anything else is the default limit in both.
    for raw, expected in (("12", 12), (" 7 ", 7), ("1e2", 50), ("10.5", 50), ("+5", 50),
                          ("1_0", 50), ("٣", 50), ("", 50), ("9999", MAX_LIMIT)):
        assert parse_query({"limit": raw}, KIND).limit == expected, raw


PREFIX = "Advocacy Hub/Cases/"


def _main(value: str) -> bool:
    return ":" not in value


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.tuples(st.integers(0, 6), st.booleans()), max_size=4),
                min_size=1, max_size=7))
def test_a_case_is_cited_by_exactly_the_cases_whose_related_name_it(naming) -> None:
    # Case i names the cases of naming[i], each by its name (C3) or its full title; the
    # table's related column read backwards gives, for each case, the others naming it once.
    records = [case(i, related=[f"C{j}" if by_name else f"{PREFIX}C{j}" for j, by_name in named])
               for i, named in enumerate(naming)]
    _, rows = rows_of(records)
    for j in range(7):
        title = f"{PREFIX}C{j}"
        expected = sorted(f"{PREFIX}C{i}" for i, named in enumerate(naming)
                          if i != j and any(k == j for k, _ in named))
        got = cited_by(rows, KIND, title, PREFIX, _main)
        assert sorted(got) == expected and len(got) == len(set(got))


def test_the_fields_naming_cases_are_in_the_table() -> None:
    assert citing_fields(KIND) == ["related"]
    assert "related" in table_columns(KIND)


def test_every_facet_is_in_the_table_so_the_module_can_filter_on_it() -> None:
    assert {f.name for f in KIND.facets} <= set(table_columns(KIND))


# Any text a template can hold: tabs and new lines (the row's separators) included.
texts = st.text(st.characters(blacklist_categories=["Cs"]), max_size=30)


@settings(max_examples=200, deadline=None)
@given(texts, st.lists(st.sampled_from(TOPICS), max_size=3, unique=True), st.sampled_from(STATUS))
def test_a_row_reads_back_as_its_values_whatever_they_hold(title, topics, status) -> None:
    # One string per row (what keeps 10,000 cases within Lua's memory): a value holding the
    # separators must neither shift the columns nor merge two values.
    record = case(1, title=title, topics=topics, status=status, jurisdiction=["DE", "BR"])
    _, rows = rows_of([record])
    (row,) = rows
    assert row["title"] == " ".join(title.split())
    assert row["topics"] == topics and row["jurisdiction"] == ["DE", "BR"]
    assert row["status"] == status and row["outcome"] == "" and row["region"] == ["NWE"]


def test_rows_are_strings_in_the_parts_and_the_delta() -> None:
    table = case_table([case(1), case(2)], SCHEMA, ["en"], 500_000)
    (part,) = [json.loads(p) for p in table.parts]
    assert [type(r) for r in part["rows"]] == [str, str]
    delta = delta_rows({"Advocacy Hub/Cases/C3": [case(3)]}, SCHEMA)
    assert [type(r) for r in delta["Advocacy Hub/Cases/C3"]] == [str]


@settings(max_examples=150, deadline=None)
@given(cases, queries, st.sampled_from(["topics", "region", "status", "year", "jurisdiction",
                                        "outcome", "tactics"]))
def test_sections_hold_every_match_once_per_value(records, args, facet) -> None:
    head, rows = rows_of(records)
    labels = head["labels"]["en"]["values"]
    query = parse_query({**args, "section": facet}, KIND)
    assert query.section == {"year": "start"}.get(facet, facet)
    everything = matching(rows, query, SCHEMA, GEO, labels)
    groups = sections(everything, query, SCHEMA, labels)
    fld = KIND.field(query.section)
    for value, shown, count in groups:
        # A group's count is every match with that value (none: no value); it shows at most
        # the limit, in the query's order.
        have = [r for r in everything
                if (value in ([r[fld.name][:4]] if fld.type == "date" else r[fld.name] or [])
                    if value else not r[fld.name])]
        assert count == len(have) and shown == have[:query.limit]
    # Every match is in a group; groups are in label order, "no value" last.
    assert {r["page"] for _, shown, _ in groups for r in shown} <= {r["page"] for r in everything}
    assert sum(count for _, _, count in groups) >= len(everything)
    values = [v for v, _, _ in groups]
    assert "" not in values[:-1]
    assert len(values) == len(set(values))


@settings(max_examples=100, deadline=None)
@given(queries)
def test_a_problem_is_reported_for_every_value_the_query_cannot_use(args) -> None:
    problems = query_problems(args, SCHEMA, GEO)
    query = parse_query(args, KIND)
    unknown = {(p.param, p.value) for p in problems if p.code == "unknown-value"}
    for name, raws in query.filters.items():
        param = {"start": "year"}.get(name, name)
        for raw in raws:
            means_nothing = resolve(KIND.field(name), raw, SCHEMA, GEO) is None
            assert ((param, raw) in unknown) == means_nothing, (name, raw)
    bad_limit = any(p.code == "bad-limit" for p in problems)
    limit = args.get("limit", "5").strip()
    assert bad_limit == (not limit.isdigit() or not limit.isascii())
    assert any(p.code == "unknown-column" for p in problems) == (
        args.get("sort", "") not in ("", "title", "start", "year", "status", "topics",
                                     "jurisdiction"))


def test_what_went_wrong_is_said_with_the_bots_suggestion() -> None:
    def problems(**args: str) -> list[tuple[str, str, str, tuple[str, ...]]]:
        return [(p.code, p.param, p.value, p.suggestions)
                for p in query_problems(args, SCHEMA, GEO)]

    assert problems(topics="copyrigth") == [
        ("unknown-value", "topics", "copyrigth", ("copyright",))]
    assert problems(topic="copyright") == [("unknown-param", "topic", "copyright", ("topics",))]
    assert problems(limit="abc") == [("bad-limit", "limit", "abc", ())]
    assert problems(jurisdiction="Germny") == [
        ("unknown-value", "jurisdiction", "Germny", ("DE", "GG"))]
    assert problems(sort="strat", order="up") == [
        ("bad-order", "order", "up", ("asc", "desc")),
        ("unknown-column", "sort", "strat", ("start", "status"))]
    assert problems(section="topic", columns="title, regoin") == [
        ("unknown-column", "columns", "regoin", ("region",)),
        ("unknown-column", "section", "topic", ("topics",))]
    assert problems(**{"1": "copyright", "2": " "}) == [
        ("unknown-param", "1", "copyright", ())]
    # What is understood is no problem: synonyms, any case, country names, years.
    assert problems(topics="Copyright; fop", jurisdiction="germany, eu", year="2020",
                    limit="5", order="DESC", sort="year", section="Status",
                    columns="start, Region", lang="es") == []


def test_columns_are_the_title_then_those_named() -> None:
    available = ["title", "jurisdiction", "region", "topics", "start", "status", "outcome", "end"]
    assert shown_columns("", KIND, available) == list(KIND.column_names)
    assert shown_columns("start, year; Status, title", KIND, available) == [
        "title", "start", "status"]
    assert shown_columns("bogus", KIND, available) == list(KIND.column_names)
    assert shown_columns("end", KIND, available) == ["title", "end"]
