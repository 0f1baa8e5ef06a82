"""The newsletter archive page (bots.core.render.archive): every issue, newest first, in the
page's language, with a discussion link that is never red."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bots.core.messages import Messages
from bots.core.render.archive import Archive, issue_periods
from bots.core.render.partlinks import PageSet

PAGES = PageSet({"newsletter": "Advocacy Hub/Newsletter", "front": "Advocacy Hub"}, "en",
                ["en", "es", "zh"])


def test_every_issue_newest_first_in_the_page_language_with_its_discussion() -> None:
    subpages = ["2026-11", "2026-12", "2026-12/es", "Subscribers", "2025-W03", "Draft notes"]
    text = Archive(Messages("es"), PAGES).render(subpages, talks=["2026-11"])
    issues = re.findall(r"^\| data-sort-value=\S+ \| \[\[:([^|]+)\|", text, re.M)
    assert issues == ["Advocacy Hub/Newsletter/2026-12/es", "Advocacy Hub/Newsletter/2026-11",
                      "Advocacy Hub/Newsletter/2025-W03"]
    assert "[[:Talk:Advocacy Hub/Newsletter/2026-11|Leer la discusión]]" in text
    # No talk page yet: a link that opens a new section, not a red link.
    assert ("[{{fullurl:Talk:Advocacy Hub/Newsletter/2026-12|action=edit&section=new}} "
            "Iniciar una discusión]") in text
    assert "3 números" in text and "Subscribers" not in text


def test_no_issue_yet() -> None:
    assert "No issue yet." in Archive(Messages("en"), PAGES).render(["Subscribers"], [])


@settings(deadline=None)  # a shared machine: no time limit per example
@given(st.lists(st.from_regex(r"\A(\d{4}-\d{2}|\d{4}-W\d{2}|[A-Za-z ]{1,8})(/es)?\Z")))
def test_periods_are_unique_and_newest_first(names: list[str]) -> None:
    periods = issue_periods(names)
    assert periods == sorted(set(periods), reverse=True)
    assert set(periods) == {n.split("/")[0] for n in names if n[:1].isdigit()}
