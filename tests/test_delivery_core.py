"""Exactly-once messages, pure part (bots.core.delivery) and the delivery log
(bots.core.render.deliverylog)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bots.core.delivery import (
    ALREADY,
    DELIVERED,
    FAILED,
    SIGNATURE,
    SKIPPED,
    DeliveryReport,
    Outcome,
    delivered_ids,
    marker,
    signed,
)
from bots.core.messages import Messages
from bots.core.render.deliverylog import DeliveryLog

ids = st.text(alphabet=st.sampled_from(list("abcXYZ019:./#@+-_")), min_size=1, max_size=40)
LOG_TITLE = "Advocacy Hub/Newsletter/2026-12/Delivery log"


# -- markers --------------------------------------------------------------------------------

@given(ids, st.text(max_size=200), st.text(max_size=200))
def test_a_marker_is_found_wherever_it_is_on_the_page(did, before, after) -> None:
    text = f"{before}\n{marker(did)}\n{after}"
    assert did in delivered_ids(text)


@given(st.lists(ids, max_size=5, unique=True))
def test_every_marker_on_a_page_is_found_and_nothing_else(dids) -> None:
    text = "== Issue ==\nHello <!-- a comment --> " + " ".join(marker(d) for d in dids)
    assert delivered_ids(text) == set(dids)


@pytest.mark.parametrize("bad", ["two words", "", "a-->b", "x\ny", "<b>", "a|b"])
def test_a_delivery_id_must_be_one_word(bad) -> None:
    with pytest.raises(ValueError):
        marker(bad)


def test_markers_are_hidden_comments_and_other_comments_are_not_markers() -> None:
    assert marker("newsletter:2026-11") == "<!-- advocacy-bot:delivery newsletter:2026-11 -->"
    assert delivered_ids("<!--advocacy-bot:delivery   alert:abc:12-->") == {"alert:abc:12"}
    assert delivered_ids("<!-- advocacy-bot:begin index -->") == set()
    assert delivered_ids(None) == set() and delivered_ids("") == set()


# -- the signature --------------------------------------------------------------------------

@given(st.text(max_size=100))
def test_every_post_ends_with_one_signature_on_its_own_line(body) -> None:
    out = signed(body)
    assert out.endswith(SIGNATURE)
    assert signed(out) == out  # signing twice adds nothing
    if body.strip() and not body.rstrip().endswith(SIGNATURE):
        assert out == body.rstrip() + "\n\n" + SIGNATURE
        assert out.count(SIGNATURE) == body.count(SIGNATURE) + 1


def test_a_post_that_ends_in_a_list_or_a_table_gets_the_signature_below_it() -> None:
    assert signed("* one\n* two\n") == "* one\n* two\n\n~~~~"
    assert signed("{|\n| a\n|}") == "{|\n| a\n|}\n\n~~~~"
    assert signed("") == "~~~~"


# -- reports --------------------------------------------------------------------------------

def test_a_report_is_complete_only_without_failures_or_a_pause() -> None:
    ok = DeliveryReport("d", [Outcome("A", "User talk:A", DELIVERED),
                              Outcome("B", "User talk:B", ALREADY),
                              Outcome("C", "User talk:C", SKIPPED, "excluded")])
    assert ok.complete and ok.all_final
    assert (ok.count(DELIVERED), ok.count(ALREADY), ok.count(SKIPPED), ok.count(FAILED)) == \
        (1, 1, 1, 0)
    failed = DeliveryReport("d", [*ok.outcomes, Outcome("D", "User talk:D", FAILED, "x")])
    assert not failed.complete and not failed.all_final
    paused = DeliveryReport("d", list(ok.outcomes), paused="breaker")
    assert not paused.complete and paused.all_final
    assert DeliveryReport("d").complete and DeliveryReport("d").all_final


# -- the delivery log -----------------------------------------------------------------------

def log_text(report: DeliveryReport, total: int, lang: str = "en") -> str:
    return DeliveryLog(Messages(lang), LOG_TITLE).text(report, total)


def rows(text: str) -> list[list[str]]:
    """Each table row's cells."""
    out = []
    for block in text.split("\n|-\n")[1:]:
        cells = [line[2:] for line in block.split("\n") if line.startswith("| ")]
        out.append(cells)
    return out


def test_the_log_counts_each_result_and_lists_every_recipient_by_name() -> None:
    report = DeliveryReport("newsletter:2026-12", [
        Outcome("zed", "User talk:Zed", DELIVERED, revid=5, at="2026-12-06T20:15:00+00:00"),
        Outcome("Anna", "User talk:Anna", SKIPPED, "opted-out"),
        Outcome("bob", "", FAILED, "APIError: boom"),
        Outcome("Émile", "User talk:Émile", ALREADY)])
    text = log_text(report, 4)
    assert text.startswith("Newsletter issue 2026-12, Dec 6, 2026 20:15 (UTC): 4 recipients, "
                           "1 delivered, 1 already had it, 1 skipped, and 1 failed.")
    table = rows(text)
    assert [r[0] for r in table] == ["Anna", "bob", "zed", "Émile"]  # by name, any case
    assert table[0][1:] == ["[[:User talk:Anna]]", "skipped",
                        "the talk page is in the opt-out category"]
    assert table[1][1:] == ["–", "failed", "APIError: boom"]  # no page; the error as it was
    assert table[2][2] == "delivered" and table[3][2] == "delivered (found on the page)"
    assert "Delivery paused" not in text


def test_a_paused_log_says_why_in_bold_and_the_reason_is_escaped() -> None:
    report = DeliveryReport("newsletter:2026-12", [], paused="list grew [[x]] {{y}}")
    text = log_text(report, 0)
    assert "'''Delivery paused: list grew &#91;&#91;x&#93;&#93; &#123;&#123;y&#125;&#125;'''" \
        in text
    assert "[[x]]" not in text and "{{y}}" not in text


def test_hostile_names_and_error_texts_cannot_become_markup() -> None:
    report = DeliveryReport("d", [Outcome("A|b}}", "User talk:A", FAILED,
                                          "Error: {{delete}} ~~~~ [[Category:X]]\n== H ==")])
    text = log_text(report, 1)
    for bad in ("{{delete}}", "~~~~", "[[Category", "\n== H", "A|b}}"):
        assert bad not in text
    (row,) = rows(text)
    assert len(row) == 4  # still four cells


def test_the_log_is_written_in_the_wikis_language() -> None:
    report = DeliveryReport("newsletter:2026-12", [
        Outcome("Ana", "User talk:Ana", SKIPPED, "cap")])
    es = log_text(report, 1, "es")
    assert es.startswith("Boletín del Advocacy Hub 2026-12: una persona destinataria; 1 se ha "
                         "omitido.")
    assert "se alcanzó el límite por ejecución" in es
    zh = log_text(report, 1, "zh")
    assert "已达到每次运行的上限" in zh


def test_a_skip_reason_with_a_detail_names_it() -> None:
    report = DeliveryReport("d", [Outcome("B", "User talk:A", SKIPPED, "same-page",
                                          detail="A")])
    (row,) = rows(log_text(report, 1))
    assert row[3] == "the same talk page as A, who gets the one copy posted there"
    unknown = DeliveryReport("d", [Outcome("B", "User talk:B", SKIPPED, "new-reason''x")])
    (row,) = rows(log_text(unknown, 1))
    assert row[3] == "new-reason&#39;&#39;x"  # a code without a message: shown, escaped


@given(st.permutations(list(range(6))))
def test_the_log_does_not_depend_on_the_order_of_the_outcomes(order) -> None:
    outcomes = [Outcome(f"User {c}", f"User talk:User {c}", r) for c, r in
                zip("FaBdCe", [DELIVERED, SKIPPED, FAILED, ALREADY, DELIVERED, SKIPPED],
                    strict=True)]
    base = log_text(DeliveryReport("d", outcomes), 6)
    assert log_text(DeliveryReport("d", [outcomes[i] for i in order]), 6) == base
    names = re.findall(r"^\| (User \w)$", base, re.M)
    assert names == sorted(names, key=str.lower) and len(names) == 6
