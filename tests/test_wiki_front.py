"""The front page and the featured case against a real MediaWiki (one wiki for the module):
generated in every language between the markers with the human text kept, idempotent, the
InputBox buttons rendered by the wiki, the editor's pick winning over the bot's proposal, and
the featured case in the case index, the newsletter issue and the weekly digest."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bots.core import markers
from bots.localwiki import start_wiki

try:
    from tests.harness import BotHarness, add_case
except ModuleNotFoundError:
    from harness import BotHarness, add_case  # type: ignore[no-redef]

pytestmark = pytest.mark.wiki
FRONT = "Advocacy Hub"
INTRO = "Intro written by a human: '''welcome'''.\n\n"
OUTRO = "\n\n== Contact ==\nKept, too.\n"
MONTH = datetime.now(UTC).strftime("%Y-%m")


def _inputs(form: str) -> list[tuple[str, str]]:
    """(name, value) of a form's inputs, whatever the order of their attributes."""
    out = []
    for tag in re.findall(r"<input[^>]*>", form.split("</form>")[0]):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            out.append((name.group(1), value.group(1) if value else ""))
    return out


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotHarness]:
    wiki = start_wiki(tmp_path_factory.mktemp("front_wiki"))
    harness = BotHarness(wiki)
    try:
        harness.install_templates()
        admin = harness.admin()
        admin.edit(FRONT, INTRO + markers.wrap("front", "") + OUTRO, "the hub's introduction")
        add_case(admin, "Alpha", lessons="Coalitions win.", tactics="open-letter",
                 sources="https://a.example/1; https://a.example/2")
        add_case(admin, "Beta")
        add_case(admin, "Gamma", help_wanted="Translators into Portuguese")
        harness.run("harvest")
        yield harness
    finally:
        wiki.stop()


def test_front_page_in_every_language_with_the_human_text_kept(hub) -> None:
    first = hub.run("index")
    assert first.errors == 0
    text = hub.text(FRONT) or ""
    assert text.startswith(INTRO) and text.endswith(OUTRO.rstrip("\n"))
    body = markers.extract(text, "front") or ""
    assert "type=create\nprefix=Advocacy Hub/Cases/\npreload=Template:Advocacy case/preload" \
        in body
    assert "default=Advocacy Hub/Newsletter/Subscribers" in body
    assert "[[:Advocacy Hub/Cases/Gamma|Gamma]] – <bdi>Translators into Portuguese</bdi>" in body
    assert "Proposed by the bot for " + MONTH in body and "[[:Advocacy Hub/Cases/Alpha|Alpha]]" \
        in body.split("== Featured case ==")[1].split("==")[0]
    for lang, label in (("es", "Documentar un caso"), ("zh", "记录一个案例")):
        assert label in (hub.text(f"{FRONT}/{lang}") or "")
    # The wiki's InputBox renders the five forms, each to the right page.
    html = hub.parse(FRONT)["text"]
    forms = [dict(_inputs(f)) for f in html.split("<form")[1:]]
    assert len(forms) == 5
    assert [f["prefix"] for f in forms[3:]] == ["Advocacy Hub/Events/",
                                               "Advocacy Hub/Resources/"]
    assert forms[3]["preload"] == "Template:Advocacy event/preload"
    assert forms[0]["prefix"] == "Advocacy Hub/Cases/" and forms[0]["action"] == "edit"
    assert (forms[1]["title"], forms[1]["section"]) == ("Advocacy Hub/Advocates/Sign-up", "new")
    assert forms[2]["preload"] == "Template:Advocacy subscriber/preload"
    # The featured case heads the case index too.
    assert "== Featured case ==" in (hub.text("Advocacy Hub/Cases") or "")
    assert hub.run("index").edits == 0  # nothing new: no edit


def test_the_proposal_is_stable_and_an_editor_pick_wins(hub) -> None:
    before = markers.extract(hub.text(FRONT) or "", "front")
    hub.run("harvest")
    stats = hub.run("index", now=datetime.now(UTC) + timedelta(minutes=5))
    assert stats.edits == 0 and markers.extract(hub.text(FRONT) or "", "front") == before
    admin = hub.admin()
    add_case(admin, "Beta", featured=MONTH)  # an editor features the least complete case
    add_case(admin, "Zeta", featured=MONTH)  # and another one for the same month
    add_case(admin, "Delta", featured="2026-13")
    hub.run("harvest")
    hub.run("index")
    featured = (hub.text(FRONT) or "").split("== Featured case ==")[1].split("==")[0]
    assert "[[:Advocacy Hub/Cases/Beta|Beta]]" in featured
    assert "Chosen by the hub's editors for " + MONTH in featured
    assert "Caso destacado" in (hub.text(f"{FRONT}/es") or "")
    report = hub.text("Advocacy Hub/Maintenance") or ""
    assert "Another case, &quot;Beta&quot;, is featured for the same month" in report or \
        "Another case, \"Beta\", is featured for the same month" in report
    assert "Advocacy Hub/Cases/Zeta" in report
    assert "is not a month: write YYYY-MM" in report


def test_newsletter_issue_and_weekly_digest_show_the_featured_case(hub) -> None:
    hub.run("newsletter")
    issue = hub.text(f"Advocacy Hub/Newsletter/{MONTH}") or ""
    featured = issue.split("== Featured case ==")[1].split("==")[0]
    assert "[[:Advocacy Hub/Cases/Beta|Beta]]" in featured
    assert "Destacado" in (hub.text(f"Advocacy Hub/Newsletter/{MONTH}/es") or "") or \
        "Caso destacado" in (hub.text(f"Advocacy Hub/Newsletter/{MONTH}/es") or "")
    time.sleep(1.1)
    t0 = datetime.now(UTC).replace(microsecond=0)
    hub.run("digest", now=t0)  # the week's baseline
    t1 = t0 + timedelta(days=7)
    hub.run("digest", now=t1)
    talk = hub.text("Talk:Advocacy Hub") or ""
    block = talk.split("==== Featured case ====")[1].split("==")[0] \
        if "==== Featured case ====" in talk else talk.split("=== Featured case ===")[1]
    # The pick of the digest's month: Beta while it is this month, else the bot's proposal.
    expected = "Beta" if t1.strftime("%Y-%m") == MONTH else "Alpha"
    assert f"[[:Advocacy Hub/Cases/{expected}|{expected}]]" in block.split("\n== ")[0]


def test_the_case_template_warns_about_a_malformed_month_while_previewing(hub) -> None:
    import json

    import requests

    def preview(featured: str) -> list[str]:
        text = ("{{Advocacy case|title=T|summary=S.|jurisdiction=DE|topics=copyright|"
                f"start=2021|status=active|featured={featured}}}}}")
        answer = requests.post(hub.wiki.api_url, data={
            "action": "parse", "format": "json", "formatversion": "2", "text": text,
            "contentmodel": "wikitext", "title": "Advocacy Hub/Lua test",
            "prop": "text|parsewarnings"}, timeout=300).json()
        found = list(answer.get("parse", {}).get("parsewarnings", []))
        return [w if isinstance(w, str) else json.dumps(w) for w in found]

    assert preview(MONTH) == []
    assert any("is not a month" in w for w in preview("2026-12-05"))
    assert any("is not a month" in w for w in preview("2026"))


def _preloaded(actor, title: str, **params: str) -> str:
    """The edit box MediaWiki opens for ``actor`` (index.php?action=edit&preload=…)."""
    import html as html_lib

    index = actor.api_url.replace("api.php", "index.php")
    resp = actor.session.get(index, params={"title": title, "action": "edit", **params},
                             timeout=60)
    resp.raise_for_status()
    box = re.search(r'<textarea[^>]*id="wpTextbox1"[^>]*>(.*?)</textarea>', resp.text, re.S)
    assert box, resp.text[:2000]
    return html_lib.unescape(box.group(1))


def test_the_forms_preload_every_field_with_hints(hub) -> None:
    """The buttons' preload pages as MediaWiki puts them in the edit box: the case with
    every field (help wanted, alert, end, related, partners among the optional ones), hints
    naming the vocabularies' values; the Join line with profile and digest."""
    from bots.core.schema import load_schema

    schema = load_schema()
    person = hub.person("Preloader")
    for lang, suffix in (("en", ""), ("es", "/es")):
        case = _preloaded(person, "Advocacy Hub/Cases/A new case",
                          preload=f"Template:Advocacy case/preload{suffix}")
        assert case.startswith("{{Advocacy case\n") and case.rstrip().endswith("}}")
        assert "| title = {{subst:SUBPAGENAME}}" in case
        names = re.findall(r"^\| (\w+) =", case, re.MULTILINE)
        assert set(names) == set(schema.kind("case").fields), names
        for name in ("help_wanted", "alert", "end", "related", "partners"):
            line = re.search(rf"^\| {name} = <!--.*-->$", case, re.MULTILINE)
            assert line and ("(optional)" if lang == "en" else "(opcional)") in line.group(0)
        topics = re.search(r"^\| topics = .*$", case, re.MULTILINE).group(0)
        assert all(v in topics for v in schema.vocabularies["topics"].values), topics
        join = _preloaded(person, "Advocacy Hub/Advocates/Sign-up", section="new",
                          nosummary="1", preload=f"Template:Advocate/preload{suffix}")
        assert join.startswith("{{Advocate\n| user = {{subst:REVISIONUSER}}")
        for name in ("profile", "digest"):
            assert re.search(rf"^\| {name} = <!--.*-->$", join, re.MULTILINE), join
        assert "public" in join and "weekly" in join
