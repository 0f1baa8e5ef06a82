"""Partners, a kind added by declaration only (config/schema.toml), end to end on a real wiki:
their template (with Module:Advocacy's links), the directory and its facet pages, a case's
partners linked on the case page, a hostile value, and the maintenance report."""

from __future__ import annotations

import pytest

try:
    from tests.harness import add_case
except ModuleNotFoundError:
    from harness import add_case  # type: ignore[no-redef]

pytestmark = pytest.mark.wiki

DIRECTORY = "Advocacy Hub/Partners"


def partner(actor, name: str, **fields: str) -> None:
    values = {"name": name, "kind": "ngo", **fields}
    body = "\n".join(f"|{k}={v}" for k, v in values.items())
    actor.edit(f"{DIRECTORY}/{name}", "{{Advocacy partner\n" + body + "\n}}", "t")


def test_partners_have_a_directory_and_are_linked_from_cases(bot) -> None:
    bot.install_templates()
    admin = bot.admin()
    partner(admin, "Wikimedia Chile", kind="chapter", jurisdictions="CL", topics="copyright",
            cases="Advocacy Hub/Cases/Chile platforms")
    partner(admin, "Open Rights", kind="NGO", jurisdictions="GB; EU", topics="privacy")
    # Hostile: markup in a name and a kind nobody declared.
    partner(admin, "Evil", kind="lobbyist", summary="[[Category:Spam]] {{Delete}}",
            jurisdictions="US")
    add_case(admin, "Chile platforms",
             partners=f"{DIRECTORY}/Wikimedia Chile; {DIRECTORY}/Open Rights; [[Category:Spam]]")
    bot.run("harvest")
    stats = bot.run("index")
    assert stats.edits > 0

    index = bot.text(DIRECTORY) or ""
    # Every partner, in order, with its labels; the one with a bad kind too (as the case
    # index lists a case with problems), its markup inert.
    assert index.index("|Evil]]") < index.index("|Open Rights]]") < \
        index.index("|Wikimedia Chile]]")
    assert "Wikimedia affiliate" in index and "NGO" in index and "Chile" in index
    assert "Spam" not in index and "Delete" not in index
    categories = [c["category"] for c in bot.parse(DIRECTORY)["categories"]]
    assert "Spam" not in categories
    assert "[[:Advocacy Hub/Partners/By/kind|kind]]" in index
    for facet in ("kind", "region", "topics"):
        page = bot.text(f"{DIRECTORY}/By/{facet}") or ""
        assert "Wikimedia Chile" in page, facet
    assert "Wikimedia affiliate (1)" in (bot.text(f"{DIRECTORY}/By/kind") or "")
    assert "Privacy" in (bot.text(f"{DIRECTORY}/By/topics/es") or "") or \
        "privacidad" in (bot.text(f"{DIRECTORY}/By/topics/es") or "").lower()
    assert "合作" in (bot.text(f"{DIRECTORY}/zh") or "")

    # The case page links its partners (Module:Advocacy), and the hostile item stays text.
    html = bot.parse("Advocacy Hub/Cases/Chile platforms")
    links = {link["title"] for link in html["links"]}
    assert {f"{DIRECTORY}/Wikimedia Chile", f"{DIRECTORY}/Open Rights"} <= links
    assert ">Wikimedia Chile</a>" in html["text"] and ">Open Rights</a>" in html["text"]
    assert "Spam" not in [c["category"] for c in html["categories"]]
    assert "[[Category:Spam]]" in html["text"].replace("&#91;", "[").replace("&#93;", "]")
    # The partner's page shows its cases as links too.
    page = bot.parse(f"{DIRECTORY}/Wikimedia Chile")
    assert "Advocacy Hub/Cases/Chile platforms" in {link["title"] for link in page["links"]}
    assert "Advocacy partners" in [c["category"].replace("_", " ") for c in page["categories"]]

    # The bad kind is on the maintenance report with its "did you mean", the markup inert.
    report = bot.text("Advocacy Hub/Maintenance") or ""
    assert "lobbyist" in report and "Evil" in report
    assert bot.run("index").edits == 0  # nothing changed: nothing written

