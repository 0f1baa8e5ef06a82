"""Module:Advocacy on a real wiki (issue 15): {{Advocacy cases}} shows what the bot's own filter
gives, record templates warn while previewing with the bot's "did you mean", hostile titles
stay text, the case table is split into parts within the page budget, and the community's
vocabularies page is never overwritten."""

from __future__ import annotations

import html
import json
import re

import pytest

from bots.core.casequery import matching, parse_query, query_problems, run_query, sections
from bots.core.casetable import VERSION as CASE_TABLE_VERSION
from bots.core.casetable import table_rows
from bots.core.places import load_geography
from bots.core.schema import load_schema

try:
    from tests.harness import add_case
except ModuleNotFoundError:
    from harness import add_case  # type: ignore[no-redef]

pytestmark = pytest.mark.wiki
SCHEMA = load_schema()
GEO = load_geography()
HOSTILE = "Evil ]] [[Category:Pwned]] '''bold''' <b>tag</b> __NOTOC__"
QUERIES = [
    "topics=copyright|status=active",
    "topics=Copyright; privacy surveillance|sort=start|order=desc",
    "region=LAC",
    "jurisdiction=germany, eu|sort=jurisdiction",
    "year=2019;2020|sort=year|order=desc",
    "status=bogus",
    "limit=2|sort=title|order=desc",
    "tactics=Litigation",
    "",
    "topics=copyright|region=nwe,lac|sort=outcome",
    "jurisdiction=076, 276|sort=jurisdiction",  # ISO numeric codes (Brazil, Germany)
    # White space Python strips and MediaWiki's ASCII trim leaves to the module.
    "limit=2\u00a0|order=desc\u3000|sort=start\u00a0",
    "topics=copyright\u2029; freedom\u00a0of\u2003panorama",
]


def parse(bot, text: str, title: str = "Advocacy Hub/Lua test") -> dict:
    import requests

    resp = requests.post(bot.wiki.api_url, data={
        "action": "parse", "format": "json", "formatversion": "2", "text": text,
        "contentmodel": "wikitext", "title": title,
        "prop": "text|categories|parsewarnings|limitreportdata"}, timeout=300)
    resp.raise_for_status()
    return resp.json()


def warnings(answer: dict) -> list[str]:
    """The preview's warnings (mw.addWarning), wherever this MediaWiki puts them."""
    found = list(answer.get("parse", {}).get("parsewarnings", []))
    found += list(answer.get("parse", {}).get("warnings", []))
    block = answer.get("warnings", {}).get("parse", {})
    if block:
        found.append(block.get("warnings", "") or block.get("*", ""))
    return [w if isinstance(w, str) else json.dumps(w) for w in found]


def case_rows(bot) -> tuple[dict, list[dict]]:
    head = json.loads(bot.text("User:AdvocacyBot/Cases.json"))
    parts = [json.loads(bot.text(t)) for t in head["parts"]]
    return head, table_rows(head, parts, SCHEMA.kind("case"))


def expected(head: dict, rows: list[dict], query: str) -> tuple[list[str], int]:
    args = dict(item.split("=", 1) for item in query.split("|") if item)
    shown, total = run_query(rows, parse_query(args, SCHEMA.kind("case")), SCHEMA, GEO,
                             head["labels"]["en"]["values"])
    return [r["page"] for r in shown], total


def shown_pages(bot, queries: list[str]) -> list[tuple[list[str], str]]:
    """For each query on one page: the case pages linked from its table, in order, and its
    count line."""
    text = "\n".join(f"QMARK{i}\n{{{{Advocacy cases|{q}}}}}\n" for i, q in enumerate(queries))
    page = parse(bot, text)["parse"]["text"]
    out = []
    for chunk in re.split(r"QMARK\d+", page)[1:]:
        links = [html.unescape(t) for t in re.findall(r'<a href="[^"]*" title="([^"]*)"', chunk)]
        count = re.search(r'class="advocacy-cases-count">(.*?)</div>', chunk, re.S)
        out.append(([t for t in links if t.startswith("Advocacy Hub/Cases/")],
                    count.group(1).strip() if count else ""))
    return out


def seed(bot) -> None:
    admin = bot.admin()
    add_case(admin, "Alpha copyright", topics="copyright", jurisdiction="CL", start="2020")
    add_case(admin, "Beta panorama", topics="freedom-of-panorama; copyright", status="concluded",
             jurisdiction="DE", start="2018", end="2019", outcome="won")
    add_case(admin, "Gamma surveillance", topics="privacy-surveillance", jurisdiction="EU",
             start="2021-05", tactics="coalition")
    add_case(admin, "Delta", topics="copyright", status="monitoring", jurisdiction="BR",
             tactics="litigation", start="2019")
    add_case(admin, "Epsilon", topics="copyright", jurisdiction="MX", start="2019-02-03",
             outcome="lost", status="concluded")
    add_case(admin, "Hostile", title=HOSTILE, jurisdiction="DE", start="2020")


def test_cases_query_shows_what_the_bot_filter_gives(bot) -> None:
    bot.install_templates()
    seed(bot)
    bot.run("harvest")
    head, rows = case_rows(bot)
    assert len(rows) == 6
    for query, (pages, count) in zip(QUERIES, shown_pages(bot, QUERIES), strict=True):
        want, total = expected(head, rows, query)
        assert pages == want, query
        assert count.startswith(f"{total} of 6 cases"), (query, count)
    # An edit after the harvest: the next (incremental) harvest writes the table's head
    # only, whose delta the module reads over the parts.
    add_case(bot.admin(), "Alpha copyright", topics="privacy-surveillance", start="2020")
    before = bot.revisions("User:AdvocacyBot/Cases/1.json")
    bot.run("harvest")
    assert bot.revisions("User:AdvocacyBot/Cases/1.json") == before
    head, rows = case_rows(bot)
    assert "Advocacy Hub/Cases/Alpha copyright" in head["delta"]
    for query, (pages, _) in zip(QUERIES, shown_pages(bot, QUERIES), strict=True):
        assert pages == expected(head, rows, query)[0], query

    # The hostile title is text: no category, no bold, no tag, no behaviour switch.
    answer = parse(bot, "{{Advocacy cases|jurisdiction=DE}}")["parse"]
    assert "Pwned" not in json.dumps(answer["categories"])
    assert "<b>tag</b>" not in answer["text"] and "&lt;b&gt;tag&lt;/b&gt;" in answer["text"]
    assert "<b>bold</b>" not in answer["text"]
    # In Spanish on a /es page, from the table's own labels.
    es = parse(bot, "{{Advocacy cases|topics=copyright}}", "Advocacy Hub/Lua test/es")
    assert "de 6 casos" in es["parse"]["text"]

    # A title holding the row's separators (a tab, new lines) stays one value in its column.
    add_case(bot.admin(), "Delta", title="Delta\tthe\nsecond  line", topics="copyright",
             status="monitoring", jurisdiction="BR", tactics="litigation", start="2019")
    bot.run("harvest")
    head, rows = case_rows(bot)
    (delta,) = [r for r in rows if r["page"] == "Advocacy Hub/Cases/Delta"]
    assert delta["title"] == "Delta the second line" and delta["jurisdiction"] == ["BR"]
    for query, (pages, _) in zip(QUERIES, shown_pages(bot, QUERIES), strict=True):
        assert pages == expected(head, rows, query)[0], query
    answer = parse(bot, "{{Advocacy cases|jurisdiction=BR}}")["parse"]["text"]
    assert ">Delta the second line</a>" in answer, answer

    # Cases of one page with one title: the page's order, in every query (Lua's table.sort
    # is not stable; the bot's sort is).
    twins = "".join(f"{{{{Advocacy case|title=Twin|summary=S.|jurisdiction={c}|topics=copyright|"
                    f"start=2020|status=active}}}}\n" for c in ("FR", "DE", "JP", "BR", "CL"))
    bot.admin().edit("Advocacy Hub/Cases/Twins", twins, "five cases, one title")
    bot.run("harvest")
    head, rows = case_rows(bot)
    assert [r["jurisdiction"] for r in rows if r["page"].endswith("/Twins")] == [
        ["FR"], ["DE"], ["JP"], ["BR"], ["CL"]]
    text = parse(bot, "{{Advocacy cases|topics=copyright|limit=500|order=desc}}")["parse"]["text"]
    order = re.findall(r"Twin</a>\s*</td>\s*<td[^>]*>([^<]*)<", text)
    assert [o.strip() for o in order] == ["Chile", "Brazil", "Japan", "Germany", "France"], order


BAD_QUERIES = [
    "topics=copyrigth",
    "topic=copyright|jurisdiction=Germny, BR",
    "limit=abc|order=up|sort=strat",
    "section=topic|columns=title, regoin, start",
    "copyright|year=20x",
]


def test_a_misspelt_query_says_what_went_wrong(bot) -> None:
    """{{Advocacy cases}} with a misspelt filter, an unknown parameter, a bad limit: a warning
    above the list with the bot's "did you mean", a preview warning and a tracking category;
    sections and columns as the bot's reference gives them."""
    bot.install_templates()
    admin = bot.admin()
    add_case(admin, "Alpha copyright", topics="copyright", jurisdiction="CL", start="2020")
    add_case(admin, "Beta panorama", topics="freedom-of-panorama; copyright", status="concluded",
             jurisdiction="DE", start="2018", end="2019", outcome="won")
    add_case(admin, "Gamma surveillance", topics="privacy-surveillance", jurisdiction="EU",
             start="2021-05")
    bot.run("harvest")
    head, rows = case_rows(bot)
    answer = parse(bot, "{{Advocacy cases|topics=copyrigth}}")
    text = answer["parse"]["text"]
    box = re.search(r'<div class="advocacy-cases-warning".*?</div>', text, re.S)
    assert box, text
    assert "copyrigth" in box.group(0) and "Did you mean: copyright?" in box.group(0), box
    assert "0 of 3 cases" in text
    assert any("copyrigth" in w and "copyright" in w for w in warnings(answer)), answer
    cats = [c["category"] for c in answer["parse"]["categories"]]
    assert "Advocacy_Hub_case_lists_with_problems" in cats
    # The category page exists (installed with the templates), hidden, with what it holds.
    assert "__HIDDENCAT__" in bot.text("Category:Advocacy Hub case lists with problems")

    # Each problem the bot's reference finds is one line of the box, with its suggestions.
    for query in BAD_QUERIES:
        args = dict(item.split("=", 1) if "=" in item else ("1", item)
                    for item in query.split("|"))
        found = re.search(r'<div class="advocacy-cases-warning".*?</div>',
                          parse(bot, f"{{{{Advocacy cases|{query}}}}}")["parse"]["text"], re.S)
        lines = re.findall(r"<li>(.*?)</li>", found.group(0) if found else "", re.S)
        want = query_problems(args, SCHEMA, GEO, head["columns"])
        assert len(lines) == len(want), (query, lines, want)
        for line, problem in zip(lines, want, strict=True):
            line = html.unescape(re.sub(r"<[^>]+>", "", line))
            assert problem.param in line, (query, line)
            assert problem.code == "unknown-param" or problem.value in line, (query, line)
            assert all(s in line for s in problem.suggestions), (query, line)
    # A query the module understands has no box and no category.
    good = parse(bot, "{{Advocacy cases|topics=Copyright|section=status|columns=start}}")
    assert "advocacy-cases-warning" not in good["parse"]["text"]
    assert "case_lists_with_problems" not in json.dumps(good["parse"]["categories"])
    assert warnings(good) == []

    # In Spanish on a /es page.
    es = parse(bot, "{{Advocacy cases|topics=copyrigth}}", "Advocacy Hub/Lua test/es")
    assert "no es un valor" in es["parse"]["text"] and "copyright" in es["parse"]["text"]

    # section= and columns=: the groups, their counts and their cases as the reference has them.
    labels = head["labels"]["en"]["values"]
    for query in ("section=topics", "section=year|order=desc", "section=region|limit=1",
                  "section=outcome|columns=start, status"):
        args = dict(item.split("=", 1) for item in query.split("|"))
        q = parse_query(args, SCHEMA.kind("case"))
        want = sections(matching(rows, q, SCHEMA, GEO, labels), q, SCHEMA, labels)
        page = parse(bot, f"{{{{Advocacy cases|{query}}}}}")["parse"]["text"]
        got = re.findall(r'class="advocacy-cases-section"[^>]*>(.*?)</div>', page, re.S)
        assert [html.unescape(g) for g in got] == [
            f"{labels.get(q.section, {}).get(v, v) if v else 'Not given'} ({n})"
            for v, _, n in want], (query, got)
        shown = [html.unescape(t) for t in re.findall(r'<a href="[^"]*" title="([^"]*)"', page)]
        assert [t for t in shown if t.startswith("Advocacy Hub/Cases/")] == [
            r["page"] for _, rs, _ in want for r in rs], query
    page = parse(bot, "{{Advocacy cases|columns=start, status}}")["parse"]["text"]
    assert re.findall(r"<th[^>]*>\s*([^<]*?)\s*</th>", page)[:3] == ["Title", "Start", "Status"]


def test_preview_warns_with_the_bots_suggestion(bot) -> None:
    bot.install_templates()
    bad = ("{{Advocacy case|title=T|summary=S.|jurisdiction=Germny|topics=copyrigth|"
           "start=2021-13|status=active|sumary=x}}")
    answer = parse(bot, bad)
    found = " ".join(warnings(answer))
    assert "copyrigth" in found and "copyright" in found, answer
    assert "Did you mean" in found and "DE" in found  # Germny: Germany's code
    assert "2021-13" in found and "sumary" in found and "summary" in found
    cats = [c["category"] for c in answer["parse"]["categories"]]
    assert "Advocacy_Hub_records_with_problems" in cats
    good = ("{{Advocacy case|title=T|summary=S.|jurisdiction=Germany; EU|topics=Copyright|"
            "start=2021-02|status=active|help wanted=yes}}")
    answer = parse(bot, good)
    assert warnings(answer) == [], answer
    assert "Advocacy_Hub_records_with_problems" not in json.dumps(answer["parse"]["categories"])
    missing = parse(bot, "{{Advocacy case|title=T|summary=S.|jurisdiction=DE|start=2021|"
                         "status=active}}")
    assert any("topics" in w for w in warnings(missing)), missing
    event = parse(bot, "{{Advocacy event|title=E|start=2026-02-30T10:00}}")
    assert any("2026-02-30T10:00" in w for w in warnings(event)), event


TYPOS = {
    "topics": ["copyrigth", "privcy", "panorama", "censor", "open licence", "Copy right", "xyz",
               "ai act", "surveilance", "platform"],
    "status": ["activ", "monitor", "done", "conclude"],
    "regions": ["latam", "eurpe", "Sub saharan", "nwe"],
    "tactics": ["litgation", "letter", "banner ad", "coalitoin"],
    "jurisdiction": ["Germny", "Brasil", "Eu", "Untied States", "Chle"],
    "fields:case": ["sumary", "jurisdictoin", "help-wanted", "strat", "outcom", "xyzzy"],
}


def python_suggestions(what: str, raw: str) -> list[str]:
    if what == "jurisdiction":
        return GEO.suggest(raw)
    if what.startswith("fields:"):
        return SCHEMA.kind(what[7:]).suggest_param(raw)
    return SCHEMA.vocabularies[what].suggest(raw)


def test_lua_and_python_suggest_the_same(bot) -> None:
    bot.install_templates()
    pairs = [(what, raw) for what, raws in TYPOS.items() for raw in raws]
    text = "\n\n".join(f"S{i}:{{{{#invoke:Advocacy|suggest|{w}|{r}}}}}:E"
                       for i, (w, r) in enumerate(pairs))
    page = parse(bot, text)["parse"]["text"]
    got = dict(re.findall(r"S(\d+):(.*?):E", page))
    for i, (what, raw) in enumerate(pairs):
        lua = [s for s in html.unescape(got[str(i)]).split(";") if s]
        assert lua == python_suggestions(what, raw), (what, raw)


def test_the_case_table_stays_within_the_page_budget_in_parts(bot) -> None:
    bot.install_templates()
    admin = bot.admin()
    for i in range(40):
        add_case(admin, f"Case {i:02d} about copyright", jurisdiction=["DE", "BR", "EU"][i % 3],
                 topics="copyright" if i % 2 else "copyright; freedom-of-panorama",
                 start=str(2000 + i % 20), status=["active", "concluded"][i % 2])
    bot.overrides = {"limits": {"page_bytes": 4_000}}
    bot.run("harvest")
    head = json.loads(bot.text("User:AdvocacyBot/Cases.json"))
    assert len(head["parts"]) >= 2
    for title in ["User:AdvocacyBot/Cases.json", *head["parts"]]:
        size = bot.api(action="query", prop="info", titles=title)["query"]["pages"][0]["length"]
        assert size <= 4_000, title
    head, rows = case_rows(bot)
    assert len(rows) == 40
    queries = ["topics=freedom of panorama|sort=start", "jurisdiction=eu|limit=5", "limit=500",
               "status=active|year=2001,2003,2005|order=desc"]
    for query, (pages, _) in zip(queries, shown_pages(bot, queries), strict=True):
        assert pages == expected(head, rows, query)[0], query
    report = parse(bot, "{{Advocacy cases|limit=500}}")["parse"]["limitreportdata"]
    assert {item["name"] for item in report} >= {"scribunto-limitreport-timeusage"}


def test_parts_built_from_other_shards_are_rebuilt_not_patched(bot) -> None:
    # A run wrote new snapshot shards and stopped before the case table: the table's head
    # names other shards. The next incremental run rebuilds the parts instead of adding its
    # delta to parts that miss cases.
    seed(bot)
    bot.run("harvest")
    admin = bot.admin()
    head = json.loads(bot.text("User:AdvocacyBot/Cases.json"))
    assert head["shards"] == bot.snapshot()["shard_sha1"]
    part = json.loads(bot.text(head["parts"][0]))
    lost = part["rows"].pop(0)  # a case the stale parts do not have
    admin.edit(head["parts"][0], json.dumps(part), "stale part")
    head["shards"] = ["0" * 40]
    admin.edit("User:AdvocacyBot/Cases.json", json.dumps(head), "another generation")
    add_case(admin, "Zeta", topics="copyright", jurisdiction="CL", start="2022")
    bot.run("harvest")
    head, rows = case_rows(bot)
    pages = [r["page"] for r in rows]
    assert lost.split("\t")[0] in pages and "Advocacy Hub/Cases/Zeta" in pages
    assert len(pages) == len(set(pages)) == 7
    assert head["shards"] == bot.snapshot()["shard_sha1"]


def test_a_table_of_the_previous_format_is_not_read_and_is_rebuilt(bot) -> None:
    # Version 1 held rows as lists. The module shows "unavailable" rather than misreading a
    # table of another version; the next harvest, incremental or not, writes it anew.
    bot.install_templates()
    seed(bot)
    bot.run("harvest")
    head = json.loads(bot.text("User:AdvocacyBot/Cases.json"))
    old = {**head, "version": 1}
    bot.admin().edit("User:AdvocacyBot/Cases.json", json.dumps(old), "an older bot")
    text = parse(bot, "{{Advocacy cases}}")["parse"]["text"]
    assert "advocacy-cases-count" not in text and 'class="error"' in text
    add_case(bot.admin(), "Zeta", topics="copyright", jurisdiction="CL", start="2022")
    bot.run("harvest")
    head, rows = case_rows(bot)
    assert head["version"] == CASE_TABLE_VERSION and len(rows) == 7
    ((pages, count),) = shown_pages(bot, ["limit=500"])
    assert pages == expected(head, rows, "limit=500")[0] and count.startswith("7 of 7 cases")


def test_the_vocabularies_page_is_created_once_and_then_the_communitys(bot) -> None:
    bot.install_templates()
    title = "Module:Advocacy/Vocabularies.json"
    data = json.loads(bot.text(title))
    data["vocabularies"]["topics"]["labels"]["en"]["copyright"] = "Copyright (community label)"
    bot.admin().edit(title, json.dumps(data), "a community edit")
    edited = bot.text(title)
    assert bot.install_templates().edits == 0
    assert bot.text(title) == edited
    # Where Module:Advocacy reads the vocabularies: the community's page, and first the bot's
    # copy of the revision in effect. (Config.json has more keys since issues 23b/25 - the
    # side box's links: root, index, browse, languages, base_lang - checked elsewhere.)
    config = json.loads(bot.text("Module:Advocacy/Config.json"))
    assert {k: config.get(k) for k in ("cases", "vocabularies", "effective")} == {
        "cases": "User:AdvocacyBot/Cases.json", "vocabularies": title,
        "effective": "User:AdvocacyBot/Vocabularies.json"}


def test_the_module_reads_the_vocabularies_page_the_profile_names(bot) -> None:
    title = "Module:Advocacy/Community vocabularies.json"
    bot.overrides = {"hub": {"vocabularies_page": title}}
    bot.install_templates()
    assert json.loads(bot.text("Module:Advocacy/Config.json"))["vocabularies"] == title
    data = json.loads(bot.text(title))
    data["vocabularies"]["topics"]["values"].append("net-neutrality")
    bot.admin().edit(title, json.dumps(data), "a new topic")
    case = "{{Advocacy case|title=T|summary=S.|jurisdiction=DE|topics=net neutrality|" \
           "start=2021|status=active}}"
    assert warnings(parse(bot, case)) == []
    # The profile's page, not the default one (which, if there, lacks the topic).
    assert "net-neutrality" not in (bot.text("Module:Advocacy/Vocabularies.json") or "")
    typo = parse(bot, case.replace("net neutrality", "net neutrality; net neutrallity"))
    assert any("net neutrallity" in w and "net-neutrality" in w for w in warnings(typo)), typo


VALID_CASE = {"title": "T", "summary": "S.", "jurisdiction": "DE", "topics": "copyright",
              "start": "2021-03", "status": "active"}
# Values of every type the check reads, valid and not: (kind, fields over the valid ones).
CHECKED = [
    ("case", {}),
    ("case", {"title": "x" * 201}),
    ("case", {"title": "é" * 200}),  # code points, not bytes
    ("case", {"summary": "y" * 3001, "lessons": "ok"}),
    ("case", {"contacts": "Ana; [[User:Bo b|Bo]]; User talk:Cy; Special:Contributions/Di"}),
    ("case", {"contacts": "a/b; x@y; [[User:]]; " + "n" * 86}),
    ("case", {"contacts": "u:Ok; USER:Fine"}),
    ("case", {"partners": "Wikimedia Deutschland; [[Wikimedia Chile|WMCL]]; Bad{title} x"}),
    ("case", {"related": "A[B; <x>; " + "é" * 128}),
    ("case", {"sources": "https://example.org/a; [https://example.org/b a link]; HTTP://X.ORG"}),
    ("case", {"sources": "ftp://x.org; example.org; https://; https://a b; [https://x.org"}),
    ("case", {"start": "2021-05", "end": "2021-04"}),
    ("case", {"start": "2021-05", "end": "2021"}),  # the same year: not before
    ("case", {"start": "2021-05-10", "end": "2021-05-09"}),
    ("case", {"start": "2020", "end": "2019-12-31"}),
    ("case", {"start": "2021/5/3", "end": "2021.05.02"}),
    ("case", {"start": "2021-13", "end": "2020"}),  # a bad start: no comparison
    ("case", {"jurisdiction": "840; DE; 076"}),  # ISO numeric codes, as pycountry reads them
    # White space Python strips and Lua's ASCII trim would not: no-break, ideographic spaces.
    ("case", {"start": "2021\u00a0", "jurisdiction": "\u00a0DE", "tactics": "litigation\u3000"}),
    ("case", {"title": "\u00a0", "summary": "\u3000"}),
    ("case", {"topics": "freedom\u00a0of\u2003panorama; copyright\u0085"}),
    ("advocate", {"user": "[[User:Ana B|Ana]]"}),
    ("advocate", {"user": "Ana#1"}),
    ("advocate", {"user": "Ana", "since": "2020-02-30"}),
    ("event", {"title": "E", "start": "2026-02-01", "link": "[https://x.org/e the event]",
               "organiser": "Ana; Bo:b"}),
    ("event", {"title": "E", "start": "2026-12-24", "end": "2025-01-01"}),
    ("event", {"title": "E", "start": "2026-12-24T10:00", "end": "2026-12-24T9:30"}),
    ("event", {"title": "E", "start": "2026-12-24 10:00", "end": "2026-12-24"}),  # same day
    ("event", {"title": "E", "start": "2026-12-24T10:00:30Z", "end": "2026-12-24T10:01"}),
    ("partner", {"name": "P", "website": "www.example.org", "cases": "Advocacy Hub/Cases/T"}),
]


def test_the_preview_finds_the_problems_the_bot_finds(bot) -> None:
    from bots.core.parse import find_records

    bot.install_templates()
    calls = []
    for kind, fields in CHECKED:
        values = {**VALID_CASE, **fields} if kind == "case" else fields
        calls.append((kind, "|".join(f"{k}={v}" for k, v in values.items())))
    text = "\n\n".join(f"P{i}:{{{{#invoke:Advocacy|problems|{kind}|{args}}}}}:E"
                       for i, (kind, args) in enumerate(calls))
    page = parse(bot, text)["parse"]["text"]
    got = dict(re.findall(r"P(\d+):(.*?):E", page, re.S))
    for i, (kind, args) in enumerate(calls):
        template = SCHEMA.kind(kind).template
        (record,) = find_records(f"{{{{{template}|{args}}}}}", "Advocacy Hub/Lua test", SCHEMA)
        python = sorted(f"{p.field}:{p.code}" for p in record.problems)
        lua = [c for c in html.unescape(got[str(i)]).split(";") if c]
        assert lua == python, (kind, args)
