"""A reader's audit of the hub on a real MediaWiki (issue 23): every page under the hub's root
on a seeded demo wiki, after every job, as the wiki's own parser renders it (action=parse).

The tests walk all pages (a new page is audited without a new test): no red link into the
hub's prefixes or to a category; no vocabulary code where the vocabulary has a label; no
heading without content; every page the bot writes for readers, and every case page,
reachable from the front page (in its language) in at most two clicks; no English interface
text on the /es and /zh pages. One demo wiki for the module: the pages are parsed once.
"""

from __future__ import annotations

import html
import json
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import requests

from bots.core.messages import Messages
from bots.core.schema import load_schema
from bots.paths import PACKAGE_DIR

pytestmark = pytest.mark.wiki
ROOT = "Advocacy Hub"
LANGS = ("es", "zh")
BOT_MARK = "advocacy-bot:begin"
CASE_RECORD = re.compile(r"\{\{\s*Advocacy case\s*[|}\n]")
SCHEMA = load_schema()
I18N = PACKAGE_DIR / "i18n"


@dataclass
class Page:
    title: str
    wikitext: str
    html: str
    links: list[dict] = field(default_factory=list)
    categories: list[dict] = field(default_factory=list)
    expensive: int = 0  # the parser's expensive function calls (MediaWiki allows 100)

    @property
    def lang(self) -> str:
        last = self.title.rsplit("/", 1)[-1]
        return last if last in LANGS else "en"

    @property
    def generated(self) -> bool:
        return BOT_MARK in self.wikitext


def visible_text(markup: str) -> str:
    """What a reader sees of the rendered HTML: no tags, scripts, styles, comments or code."""
    markup = re.sub(r"(?is)<(script|style|code|pre|textarea)\b.*?</\1>", " ", markup)
    markup = re.sub(r"(?s)<!--.*?-->", " ", markup)
    markup = re.sub(r"<[^>]+>", " ", markup)
    return re.sub(r"\s+", " ", html.unescape(markup)).strip()


def _api(wiki, **params) -> dict:
    resp = requests.post(wiki.api_url, data={"format": "json", "formatversion": "2", **params},
                         timeout=120)
    resp.raise_for_status()
    return resp.json()


def _all_titles(wiki) -> list[str]:
    titles, cont = [], {}
    while True:
        data = _api(wiki, action="query", list="allpages", apprefix=ROOT, apnamespace=0,
                    aplimit="max", apfilterredir="nonredirects", **cont)
        titles += [p["title"] for p in data["query"]["allpages"]]
        if "continue" not in data:
            return titles
        cont = data["continue"]


@pytest.fixture(scope="module")
def hub(demo_bot) -> Iterator[dict[str, Page]]:
    """The demo wiki after every job, each page under the hub's root parsed once."""
    for job in ("index", "roster", "newsletter", "deliver", "digest", "index"):
        demo_bot.run(job)
    titles = _all_titles(demo_bot.wiki)
    texts = {}
    for i in range(0, len(titles), 50):
        data = _api(demo_bot.wiki, action="query", prop="revisions", rvprop="content",
                    rvslots="main", titles="|".join(titles[i:i + 50]))
        texts.update({p["title"]: p["revisions"][0]["slots"]["main"]["content"]
                      for p in data["query"]["pages"]})
    pages = {}
    for title in titles:
        # Parsed afresh (not the parser cache, whose links may predate the pages they name).
        parsed = _api(demo_bot.wiki, action="parse", title=title, text=texts[title],
                      contentmodel="wikitext", disableeditsection=1,
                      prop="text|links|categories|limitreportdata")["parse"]
        expensive = [int(item.get("0", 0)) for item in parsed.get("limitreportdata", [])
                     if item.get("name") == "limitreport-expensivefunctioncount"]
        pages[title] = Page(title, texts[title], parsed["text"], parsed["links"],
                            parsed["categories"], expensive[0] if expensive else 0)
    yield pages


def test_the_audit_walks_every_page_of_the_hub(hub) -> None:
    """A guard for the others: the walk found the generated pages in every language and
    the demo's case pages (so an empty walk cannot pass)."""
    generated = [p for p in hub.values() if p.generated]
    cases = [t for t in hub if t.startswith(f"{ROOT}/Cases/") and
             CASE_RECORD.search(hub[t].wikitext)]
    assert len(cases) >= 45
    assert {p.lang for p in generated} == {"en", "es", "zh"}
    for title in (ROOT, f"{ROOT}/Cases", f"{ROOT}/Statistics", f"{ROOT}/Newsletter",
                  f"{ROOT}/Events", f"{ROOT}/Resources", f"{ROOT}/Partners"):
        assert title in hub and hub[title].generated, title


def test_no_red_link_into_the_hub_or_to_a_category(hub) -> None:
    red = []
    for page in hub.values():
        for link in page.links:
            if not link.get("exists") and (link["title"].startswith(ROOT)
                                           or link["ns"] == 14):
                red.append(f"{page.title} → {link['title']}")
        red += [f"{page.title} → Category:{c['category']}" for c in page.categories
                if c.get("missing")]
    assert not red, f"{len(red)} red links:\n" + "\n".join(sorted(red)[:60])


def _codes_with_labels() -> set[str]:
    """Vocabulary codes a reader would not read as words (``freedom-of-panorama``,
    ``no-change``): those with a hyphen, whose label differs."""
    en = Messages("en")
    return {v for name, vocab in SCHEMA.vocabularies.items() for v in vocab.values
            if "-" in v and en.label(name, v) != v}


def test_no_vocabulary_code_where_it_has_a_label(hub, demo_bot) -> None:
    codes = _codes_with_labels()
    assert "freedom-of-panorama" in codes
    pattern = re.compile(r"(?<![\w/.-])(" + "|".join(map(re.escape, sorted(codes))) +
                         r")(?![\w/.-])")
    # Content values aside: a case's summary and lessons are the editors' words.
    content = re.compile(r'(?s)<div class="advocacy-(?:summary|lessons)">.*?</div>')
    # The editors' input pages (issue 24's role endorsements: "* regional-contact: [[User:X]]")
    # are written in the codes the bot reads, by those who give roles: not pages for readers.
    # The profile declares them (HubPages.INPUT); none is a page the bot writes for readers.
    inputs = demo_bot.profile().hub.pages.input_titles()
    assert inputs and all(t in hub and not hub[t].generated for t in inputs), inputs
    found = [f"{p.title}: {m}" for p in hub.values() if p.title not in inputs
             for m in sorted(set(pattern.findall(visible_text(content.sub(" ", p.html)))))]
    assert not found, f"{len(found)} codes shown:\n" + "\n".join(found[:60])


HEADING = re.compile(r"<h([2-6])\b[^>]*>(.*?)</h\1>", re.S)
CONTENT = re.compile(r"<(table|form|img|input|ul|ol|dl|pre|code)\b")


def empty_headings(markup: str) -> list[str]:
    """Headings followed by nothing (or by a heading of their level or above) before the
    next heading of their level or above."""
    heads = list(HEADING.finditer(markup))
    out = []
    for i, head in enumerate(heads):
        level = int(head.group(1))
        nxt = heads[i + 1] if i + 1 < len(heads) else None
        between = markup[head.end():nxt.start() if nxt else len(markup)]
        has_sub = nxt is not None and int(nxt.group(1)) > level
        if not has_sub and not visible_text(between) and not CONTENT.search(between):
            out.append(visible_text(head.group(2)))
    return out


def test_empty_heading_detector() -> None:
    assert empty_headings("<h2>A</h2><h2>B</h2><p>x</p>") == ["A"]
    assert empty_headings("<h2>A</h2><h3>B</h3><p>x</p><h2>C</h2>") == ["C"]
    assert empty_headings("<h2>A</h2><table><tr><td></td></tr></table>") == []


def test_no_heading_without_content(hub) -> None:
    found = [f"{p.title}: {h}" for p in hub.values() for h in empty_headings(p.html)]
    assert not found, f"{len(found)} empty headings:\n" + "\n".join(found[:60])


def _hub_links(page: Page) -> list[str]:
    return [link["title"] for link in page.links
            if link["ns"] == 0 and link["title"].startswith(ROOT) and link.get("exists")]


def test_every_reader_page_is_two_clicks_from_the_front_page(hub) -> None:
    """Breadth first from the front page in the page's language: every generated page and
    every case page is at most two links away."""
    far = []
    for lang in ("en", *LANGS):
        front = ROOT if lang == "en" else f"{ROOT}/{lang}"
        dist = {front: 0}
        queue = deque([front])
        while queue:
            title = queue.popleft()
            if dist[title] >= 2 or title not in hub:
                continue
            for target in _hub_links(hub[title]):
                if target not in dist:
                    dist[target] = dist[title] + 1
                    queue.append(target)
        for page in hub.values():
            is_case = page.title.startswith(f"{ROOT}/Cases/") and \
                CASE_RECORD.search(page.wikitext) is not None
            reader_page = (page.generated and page.lang == lang) or (is_case and lang == "en")
            if reader_page and page.title not in dist:
                far.append(f"{page.title} ({lang})")
    assert not far, f"{len(far)} pages more than two clicks away:\n" + "\n".join(sorted(far))


def _english_phrases() -> dict[str, set[str]]:
    """lang -> English interface phrases (four words or more, from the message files) that
    the language's own messages translate: seen on a page in that language, they are
    untranslated interface text."""
    raw = json.loads((I18N / "en.json").read_text())
    out: dict[str, set[str]] = {}
    for lang in LANGS:
        own = json.loads((I18N / f"{lang}.json").read_text())
        phrases = set()
        for key, text in raw.items():
            if key.startswith("@") or own.get(key, text) == text:
                continue
            for piece in re.split(r"\$\d+|\{\{[^}]*\}\}|\[\[[^\]]*\]\]|<[^>]*>|'''?|[.:;!?()\"]",
                                  text):
                piece = piece.strip(" ,–-")
                if len(piece.split()) >= 4:
                    phrases.add(piece)
        out[lang] = phrases
    return out


def test_no_english_interface_text_on_translated_pages(hub) -> None:
    phrases = _english_phrases()
    # The check can fail: the English front page shows many of the phrases.
    english = visible_text(hub[ROOT].html)
    assert sum(1 for p in phrases["es"] if p in english) >= 5
    found = []
    for page in hub.values():
        if page.lang == "en" or not page.generated:
            continue
        text = visible_text(page.html)
        found += [f"{page.title}: {p}" for p in sorted(phrases[page.lang]) if p in text]
    assert not found, f"{len(found)} English phrases:\n" + "\n".join(found[:60])


CITED_BY = re.compile(r"<th>\s*Cited by\s*</th>\s*<td>(.*?)</td>", re.S)
LINK = re.compile(r'<a\b[^>]*\btitle="([^"]*)"[^>]*>')


def _cited_by(markup: str) -> list[tuple[str, bool]]:
    """The links of a case box's "Cited by" row: (title, exists)."""
    row = CITED_BY.search(markup)
    if row is None:
        return []
    out = []
    for tag in re.finditer(r"<a\b[^>]*>", row.group(1)):
        title = html.unescape(LINK.match(tag.group(0)).group(1))
        red = 'class="new"' in tag.group(0)
        out.append((title.removesuffix(" (page does not exist)"), not red))
    return out


def test_every_case_shows_the_cases_that_cite_it(hub, demo_bot) -> None:
    """Each demo case page's "Cited by" row links exactly the cases whose related cases name
    it (by name or by full title), each an existing page; a case nobody names has no row."""
    from bots.core.pagetargets import page_target

    prefix = f"{ROOT}/Cases/"
    info = _api(demo_bot.wiki, action="query", meta="siteinfo",
                siprop="namespaces|namespacealiases")["query"]
    spaces = {n["name"].lower() for n in info["namespaces"].values() if n["name"]} | \
        {n.get("canonical", "").lower() for n in info["namespaces"].values()} | \
        {a["alias"].lower() for a in info["namespacealiases"]}

    def main_namespace(value: str) -> bool:  # "Russian Civil Code: panorama" is in ns 0
        return ":" not in value or value.split(":", 1)[0].strip().lower() not in spaces

    cases = [r for recs in demo_bot.records().values() for r in recs if r["kind"] == "case"]
    cited: dict[str, set[str]] = {}
    for rec in cases:
        for value in rec["fields"].get("related") or []:
            target = page_target(value, prefix, main_namespace(value))
            if target != rec["page"]:
                cited.setdefault(target, set()).add(rec["page"])
    assert sum(len(v) for v in cited.values()) >= 10  # the demo's cases do cite each other
    wrong = []
    for rec in cases:
        shown = _cited_by(hub[rec["page"]].html)
        if {t for t, _ in shown} != cited.get(rec["page"], set()) or len(shown) != len(set(shown)):
            wrong.append(f"{rec['page']}: shows {sorted(shown)}, "
                         f"cited by {sorted(cited.get(rec['page'], []))}")
        wrong += [f"{rec['page']}: red link to {t}" for t, exists in shown if not exists]
    assert not wrong, "\n".join(wrong[:30])


def test_no_page_makes_expensive_calls_per_box(hub, demo_bot) -> None:
    """MediaWiki stops a page at 100 expensive calls; 1.43 counts title.pageLang among them
    (and #ifexist, title.exists). Module:Advocacy makes one per JSON page it reads
    (mw.loadJsonData: the schema, the config, the vocabularies, the place names, the case
    table's head and parts), never one per box: a page of many boxes (the sign-up page, a
    case with "Cited by") costs no more than those pages."""
    head = json.loads(demo_bot.text("User:AdvocacyBot/Cases.json"))
    pages_read = 6 + len(head["parts"])  # Schema, Config, Vocabularies (2), Places, head
    costly = {t: p.expensive for t, p in hub.items() if p.expensive > pages_read}
    assert not costly, (pages_read, costly)
    assert hub[f"{ROOT}/Advocates/Sign-up"].expensive > 0  # the count is read


def test_the_events_and_resources_pages_have_their_add_buttons(hub) -> None:
    """"Add an event" on the events page, "Add a resource" on the resources page, in each
    language, as on the front page."""
    for lang in ("en", *LANGS):
        for key, what in (("Events", "event"), ("Resources", "resource")):
            title = f"{ROOT}/{key}" if lang == "en" else f"{ROOT}/{key}/{lang}"
            button = Messages(lang)(f"advocacyhub-front-{what}-button")
            markup = hub[title].html
            assert f'id="advocacy-add-{what}"' in markup, title
            assert f'value="{html.escape(button, quote=True)}"' in markup or \
                f'>{button}<' in markup, (title, button)


def test_related_cases_by_name_or_title_link_and_missing_ones_are_reported(bot) -> None:
    from tests.harness import add_case

    admin = bot.admin()
    add_case(admin, "Known", jurisdiction="SE", topics="freedom-of-panorama")
    add_case(admin, "Citing", related="Known; Advocacy Hub/Cases/Known; Gone case",
             jurisdiction="SE", topics="freedom-of-panorama", tactics="litigation")
    bot.run("harvest")
    bot.run("index")
    # The case page as a Spanish reader gets it (the module reads the language of the title).
    parsed = _api(bot.wiki, action="parse", title="Advocacy Hub/Cases/Citing/es",
                  text=bot.text("Advocacy Hub/Cases/Citing"), contentmodel="wikitext",
                  prop="text|links", disableeditsection=1)["parse"]
    links = {(link["title"], bool(link.get("exists"))) for link in parsed["links"]}
    assert ("Advocacy Hub/Cases/Known", True) in links  # by name and by title, one page
    assert ("Advocacy Hub/Cases/Gone case", False) in links
    text = visible_text(parsed["text"])
    # Labels and place names in the page's language, linking to the browse-by pages.
    assert "Suecia" in text and "Libertad de panorama" in text and "SE" not in text.split()
    assert ("Advocacy Hub/Cases/By/jurisdiction/es", True) in links
    assert "Forma parte del" in text  # the line back to the hub
    assert "<p><br" not in parsed["text"].split("advocacy-case")[1].split("</table>")[0]
    # The cited case shows the case that cites it, once (named by name and by title), in
    # the page's language; the case nobody names has no such row.
    known = _api(bot.wiki, action="parse", title="Advocacy Hub/Cases/Known/es",
                 text=bot.text("Advocacy Hub/Cases/Known"), contentmodel="wikitext",
                 prop="text", disableeditsection=1)["parse"]["text"]
    row = re.search(r"<th>\s*Citado por\s*</th>\s*<td>(.*?)</td>", known, re.S)
    assert row and re.findall(r'title="([^"]*)"', row.group(1)) == ["Advocacy Hub/Cases/Citing"]
    assert "new" not in re.findall(r'class="([^"]*)"', row.group(1))
    assert "Citado por" not in parsed["text"] and "Cited by" not in parsed["text"]
    report = bot.text("Advocacy Hub/Maintenance") or ""
    assert "Gone case" in report and "does not exist" in report
    assert report.count("Known") == 0  # the existing target is no problem


def test_the_demo_region_counts_add_up_with_global_cases_apart(hub, demo_bot) -> None:
    stats = hub[f"{ROOT}/Statistics"].html
    part = stats.split('id="Cases_per_region"')[1].split("<h2")[0]
    rows = re.findall(r'text-align:right;">\s*(.*?)\s*</td>.*?padding-left:0.5em;">\s*(\d+)',
                      part, re.S)
    counts = {visible_text(label): int(n) for label, n in rows}
    cases = [r for recs in demo_bot.records().values() for r in recs if r["kind"] == "case"]
    regions = [set(r["fields"].get("region") or []) for r in cases]
    several = counts.pop("Global or several regions")
    assert several == sum(1 for r in regions if len(r) > 1) > 0
    assert sum(counts.values()) == sum(1 for r in regions if len(r) == 1)
    assert sum(counts.values()) + several == len(cases) == 45
    assert "Each case counts once" in visible_text(part)
