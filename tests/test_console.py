"""The command line for maintainers, without a wiki: the help of every command, --version,
"did you mean" for jobs and profiles, the summary lines of a run (a dry run's "would edit N
pages", `run all`'s sums), `status` and `urls` formatting, and the delivery log's line."""

from __future__ import annotations

import argparse
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bots import __version__, cli
from bots.core import console
from bots.core.delivery import ALREADY, DELIVERED, FAILED, SKIPPED, DeliveryReport, Outcome
from bots.core.messages import Messages
from bots.core.render.deliverylog import line
from bots.core.stats import RunStats, summary_all, write_all
from bots.core.status import EXIT_STATUS
from bots.jobs import registry

REPO_ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)


def subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = cli._parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def run_main(argv: list[str], capsys, monkeypatch) -> tuple[int, str, str]:
    monkeypatch.setenv("ADVOCACY_LOG_FILE", "none")
    try:
        code = cli.main(argv)
    except SystemExit as exc:  # --help, --version, argparse's own errors
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


# -- help ----------------------------------------------------------------------------------

def test_the_top_level_help_says_what_the_tool_is_and_names_every_command(capsys,
                                                                          monkeypatch) -> None:
    code, out, _ = run_main(["--help"], capsys, monkeypatch)
    assert code == 0
    assert "The `advocacy-bot` command" not in out
    assert "keeps the Advocacy Hub" in out and "--version" in out
    for name in subparsers():
        assert re.search(rf"^\s+{re.escape(name)}\s+\S", out, re.M), name  # with a summary


@pytest.mark.parametrize("command", ["run", "schedule", "watch", "templates", "seed-demo",
                                     "status", "urls"])
def test_every_command_has_its_own_help(command: str, capsys, monkeypatch) -> None:
    parser = subparsers()[command]
    assert parser.description and len(parser.description) > 60, command
    code, out, _ = run_main([command, "--help"], capsys, monkeypatch)
    assert code == 0
    assert " ".join(parser.description.split())[:60] in " ".join(out.split())


def test_run_help_lists_every_job_and_every_exit_status(capsys, monkeypatch) -> None:
    _, out, _ = run_main(["run", "--help"], capsys, monkeypatch)
    jobs = out.split("jobs:\n", 1)[1].split("\n\n", 1)[0]
    listed = re.findall(r"^  (\S+)  ", jobs, re.M)
    assert listed == [*registry.ORDER, "all"]
    statuses = out.split("exit status:\n", 1)[1]
    assert re.findall(r"^  (\d)  ", statuses, re.M) == ["0", "1", "2", "3", "4", "5"]
    assert all(len(line) <= 80 for line in out.splitlines())


def test_every_job_has_one_line_of_help_and_every_result_an_exit_status() -> None:
    assert list(console.JOB_HELP) == registry.ORDER
    assert set(console.EXIT_MEANINGS) == {*EXIT_STATUS.values(), console.USAGE_ERROR}


def test_the_readme_exit_status_table_says_what_the_help_says() -> None:
    """The operators' guide (docs/operators.md, "Using the bot") holds the table."""
    readme = (REPO_ROOT / "docs" / "operators.md").read_text()
    rows = dict(re.findall(r"^\| (\d) \| (.+?) \|$", readme, re.M))
    assert {int(k): v for k, v in rows.items()} == console.EXIT_MEANINGS


def test_version(capsys, monkeypatch) -> None:
    code, out, _ = run_main(["--version"], capsys, monkeypatch)
    assert code == 0
    assert out.startswith(f"advocacy-bot {__version__} (pywikibot ")


# -- did you mean ------------------------------------------------------------------------

def test_a_mistyped_job_gets_a_suggestion_and_the_list(capsys, monkeypatch) -> None:
    code, _, err = run_main(["run", "indx"], capsys, monkeypatch)
    assert code == 2
    assert "no job 'indx'; did you mean 'index'?" in err
    assert "harvest, index, roster, newsletter, deliver, digest, all" in err


def test_a_job_far_from_any_gets_the_list_only(capsys, monkeypatch) -> None:
    code, _, err = run_main(["run", "zzzz"], capsys, monkeypatch)
    assert code == 2 and "did you mean" not in err and "(jobs: harvest," in err


def test_a_missing_profile_lists_the_profiles_and_suggests_one(capsys, monkeypatch) -> None:
    code, _, err = run_main(["--profile", "metta", "status"], capsys, monkeypatch)
    assert code == 2
    assert "no profile 'metta'; did you mean 'meta'? (profiles: local, meta)" in err


def test_only_files_with_a_wiki_table_are_profiles(tmp_path: Path) -> None:
    from bots.config import available_profiles

    (tmp_path / "one.toml").write_text("[wiki]\nkind = 'x'\n")
    (tmp_path / "schema.toml").write_text("[case]\n")
    (tmp_path / "broken.toml").write_text("[wiki\n")
    assert available_profiles(tmp_path) == ["one"]
    assert available_profiles() == ["local", "meta"]


@settings(deadline=None)
@given(st.sampled_from(registry.ORDER), st.integers(0, 100), st.sampled_from("xq_"))
def test_one_slip_of_the_keyboard_is_recognised(job: str, at: int, slip: str) -> None:
    """A job name with one letter replaced, dropped or doubled is suggested back."""
    i = at % len(job)
    for typo in (job[:i] + slip + job[i + 1:], job[:i] + job[i + 1:], job[:i] + job[i] + job[i:]):
        if typo != job:
            assert job in console.did_you_mean(typo, [*registry.ORDER, "all"]), typo


# -- summary lines -----------------------------------------------------------------------

def test_a_dry_run_says_what_it_would_edit() -> None:
    stats = RunStats("index", records=45, dry_run=True,
                     would_edit=[f"Advocacy Hub/P{i}" for i in range(9)])
    assert stats.summary().startswith("index (dry run): would edit 9 pages, 45 records")
    assert "0 edits" not in stats.summary()
    posts = RunStats("deliver", dry_run=True, would_edit=["X"], would_post=3)
    assert posts.summary().startswith("deliver (dry run): would edit 1 page and post 3 messages")
    assert RunStats("index", edits=1).summary().startswith("index: 1 edit, 0 records")


def test_the_dry_run_counts_stay_out_of_the_stats_json_and_the_status_page(tmp_path) -> None:
    from bots.core.status import entry

    stats = RunStats("index", dry_run=True, would_edit=["A"], would_post=2)
    documented = {"job", "api_requests", "api_warnings", "edits", "pages_read", "records",
                  "errors", "skipped", "seconds", "result", "requests_by_kind"}
    assert set(stats.as_json()) == documented
    assert set(entry(stats, "ok", "", NOW)) == documented | {"message", "at"}
    write_all(tmp_path / "s.json", [stats, RunStats("harvest")])
    data = json.loads((tmp_path / "s.json").read_text())
    assert set(data) == documented - {"requests_by_kind"} | {"jobs"}
    assert all(set(j) == documented for j in data["jobs"])


def run_stats(job: str, edits: int, records: int, requests: int, errors: int,
              result: str = "ok") -> RunStats:
    return RunStats(job, edits=edits, records=records, api_requests=requests, errors=errors,
                    seconds=1.25, result=result)


def test_run_all_sums_only_what_means_the_same_in_every_job() -> None:
    runs = [run_stats("harvest", 4, 107, 12, 3), run_stats("index", 55, 107, 62, 3),
            run_stats("deliver", 0, 16, 3, 0, "paused")]
    text = summary_all(runs)
    assert text == ("all: 3 jobs, deliver paused; 59 edits, 77 API requests, 3.8 s; "
                    "errors: harvest 3, index 3")
    assert "record" not in text and "230" not in text  # 107 + 107 + 16 means nothing
    assert summary_all([run_stats("harvest", 1, 2, 3, 0)]).endswith("; no errors")


def test_run_all_in_a_dry_run_counts_each_page_once() -> None:
    runs = [RunStats("harvest", dry_run=True, would_edit=["User:B/Snapshot.json"]),
            RunStats("index", dry_run=True, would_edit=["A", "B"]),
            RunStats("newsletter", dry_run=True, would_edit=["B", "C"], would_post=0),
            RunStats("digest", dry_run=True, would_post=4)]
    assert summary_all(runs).startswith("all (dry run): 4 jobs, all ok; would edit 4 pages "
                                        "and post 4 messages, 0 API requests")


stats_lists = st.lists(st.builds(
    RunStats, job=st.sampled_from(registry.ORDER), edits=st.integers(0, 500),
    records=st.integers(0, 10_000), api_requests=st.integers(0, 5000),
    errors=st.integers(0, 50), seconds=st.floats(0, 1000),
    result=st.sampled_from(list(EXIT_STATUS))), min_size=1, max_size=6)


@settings(deadline=None)
@given(stats_lists)
def test_run_all_line_holds_the_true_sums_and_every_job_that_did_not_end_ok(runs) -> None:
    text = summary_all(runs)
    edits = sum(r.edits for r in runs)
    requests = sum(r.api_requests for r in runs)
    assert f"; {edits} edit{'' if edits == 1 else 's'}, " in text
    assert f" {requests} API request{'' if requests == 1 else 's'}, " in text
    for r in runs:
        if r.result != "ok":
            assert f"{r.job} {r.result}" in text
        if r.errors:
            assert f"{r.job} {r.errors}" in text
    assert "record" not in text and "skipped" not in text and "pages read" not in text
    assert ("all ok" in text) == all(r.result == "ok" for r in runs)


# -- status --------------------------------------------------------------------------------

@settings(deadline=None)
@given(st.one_of(st.none(), st.text(max_size=20)), st.sampled_from(["run", "Run ", "go"]))
def test_the_shutoff_state_is_run_only_for_exactly_the_agreed_value(text, expected) -> None:
    state = console.shutoff_state(text, expected)
    if text is None:
        assert state == console.SHUTOFF_MISSING
    elif text.strip().lower() == expected.strip().lower():
        assert state == console.SHUTOFF_RUN
    else:
        assert state == console.SHUTOFF_STOP


def test_the_shutoff_lines_say_what_to_do() -> None:
    title = "User:Bot/Shutoff"
    assert console.shutoff_line(title, " RUN\n", "run").startswith("run: the bot may edit")
    assert console.shutoff_line(title, "stop: vandalism", "run").startswith(
        "STOPPED: [[User:Bot/Shutoff]] says 'stop: vandalism', not 'run'")
    assert "templates install` creates it" in console.shutoff_line(title, None, "run")


def test_ages_read_as_words() -> None:
    assert console.age(NOW - timedelta(minutes=3), NOW) == "3 minutes ago"
    assert console.age(NOW - timedelta(hours=5), NOW) == "5 hours ago"
    assert console.age(NOW - timedelta(days=3), NOW) == "3 days ago"
    assert console.age(NOW, NOW) == "just now"
    assert console.when("2026-12-06T18:00:00Z", NOW) == "2 hours ago (2026-12-06 18:00 UTC)"
    assert console.when("", NOW) == ""


@settings(deadline=None)
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2026, 12, 6, 19)))
def test_every_past_moment_reads_as_so_long_ago(then: datetime) -> None:
    text = console.age(then.replace(tzinfo=UTC), NOW)
    assert text.endswith(" ago") and text[0].isdigit()


def test_each_job_shows_its_last_result_and_age_and_a_job_never_run_says_so() -> None:
    entries = {
        "harvest": {"result": "ok", "at": "2026-12-06T19:57:00+00:00", "edits": 4, "errors": 0,
                    "message": ""},
        "index": {"result": "failed", "at": "2026-12-06T14:00:00+00:00", "edits": 0,
                  "errors": 1, "message": "RuntimeError: no snapshot\nat all"},
        "templates": {"result": "ok", "at": "2026-12-01T20:00:00+00:00", "edits": 1,
                      "errors": 0},
    }
    lines = console.job_lines(entries, ["harvest", "index", "roster"], NOW)
    assert [ln.split()[0] for ln in lines] == ["harvest", "index", "roster", "templates"]
    assert lines[0].split()[1:4] == ["ok", "3", "minutes"] and "4 edits, 0 errors" in lines[0]
    assert "6 hours ago" in lines[1] and lines[1].endswith(
        "0 edits, 1 error: RuntimeError: no snapshot at all")
    assert lines[2].split() == ["roster", "never", "run"]
    assert "5 days ago" in lines[3]


# -- urls ----------------------------------------------------------------------------------

LANGS = ["en", "es", "zh"]
BROWSE = ["Hub/Cases/By", "Hub/Partners/By"]


def groups_of(titles, cases=()):
    return console.url_groups(titles, languages=LANGS, browse_bases=BROWSE,
                              state_root="User:Bot", cases=list(cases), cases_page="Hub/Cases")


def test_urls_are_grouped_by_kind_sorted_and_name_their_translations() -> None:
    titles = ["Hub/Statistics", "Hub", "Hub/es", "Hub/zh", "Hub/Cases/By/topics",
              "Hub/Cases/By/topics/es", "Hub/Cases/By/region", "User:Bot/Status",
              "User:Bot/Shutoff", "Hub/Cases/A", "Hub/Cases/B", "Hub/Partners/By/kind",
              "Hub/Newsletter/2026-12", "Hub/fr"]
    groups = groups_of(titles, cases=["Hub/Cases/B", "Hub/Cases/A"])
    assert [(g.heading, g.titles) for g in groups] == [
        ("Hub pages", ["Hub", "Hub/fr", "Hub/Newsletter/2026-12", "Hub/Statistics"]),
        ("Browse-by pages", ["Hub/Cases/By/region", "Hub/Cases/By/topics",
                             "Hub/Partners/By/kind"]),
        ("Case pages", ["Hub/Cases/A", "Hub/Cases/B"]),
        ("The bot's own pages", ["User:Bot/Shutoff", "User:Bot/Status"])]
    lines = console.group_lines(groups, {t: f"http://w/{t}" for t in titles})
    assert lines[0] == "Hub pages:"
    assert lines[1].split() == ["Hub", "http://w/Hub", "(also", "/es,", "/zh)"]
    assert "  (2 as a sample: [[Hub/Cases]] lists them all)" in lines
    assert "" in lines and lines[-1].strip().startswith("User:Bot/Status")


title_parts = st.sampled_from(["Hub", "Hub/Cases/By", "Hub/Partners/By", "User:Bot", "Hub/X"])


@settings(deadline=None)
@given(st.lists(st.tuples(title_parts, st.sampled_from(["", "/a", "/b", "/By", "/es", "/zh"]),
                          st.sampled_from(["", "/es", "/zh", "/fr"])), max_size=30))
def test_every_page_is_listed_once_or_named_as_a_translation_of_one(parts) -> None:
    titles = {a + b + c for a, b, c in parts}
    groups = groups_of(titles)
    listed = [t for g in groups for t in g.titles]
    assert len(listed) == len(set(listed))
    translated = {f"{base}/{lang}" for g in groups for base, langs in g.translations.items()
                  for lang in langs if base in listed}
    assert set(listed) | translated == titles and not set(listed) & translated
    for g in groups:
        assert g.titles == sorted(g.titles, key=lambda t: (t.casefold(), t))
    browse = next(g for g in groups if g.heading == "Browse-by pages")
    assert all(any(t.startswith(b + "/") for b in BROWSE) for t in browse.titles)


# -- the delivery log's line (item 8) ------------------------------------------------------

def report(delivery_id: str, *results: str, about: tuple[str, ...] = ()) -> DeliveryReport:
    return DeliveryReport(delivery_id, [
        Outcome(f"U{i}", f"User talk:U{i}", r,
                at="2026-12-06T20:15:00+00:00" if r == DELIVERED else "")
        for i, r in enumerate(results)], about=about)


def test_the_log_line_says_what_was_delivered_when_and_to_how_many() -> None:
    en = Messages("en")
    alert = report("alert:310c558ebe07:69", *[DELIVERED] * 10,
                   about=("Advocacy Hub/Cases/Chile bill", "Chile age-verification bill"))
    assert line(en, alert, 10) == (
        "Urgent alert about [[:Advocacy Hub/Cases/Chile bill|Chile age-verification bill]], "
        "Dec 6, 2026 20:15 (UTC): 10 recipients, 10 delivered.")
    hub = report("digest:hub:2026-W49", DELIVERED)
    assert line(en, hub, 1) == "Hub digest for 2026-W49, Dec 6, 2026 20:15 (UTC): one " \
                               "recipient, 1 delivered."
    personal = report("digest:3f2a:2026-12", SKIPPED, ALREADY)
    assert line(en, personal, 2) == "Personal digest for 2026-12: 2 recipients, 1 already " \
                                    "had it and 1 skipped."
    assert line(en, report("newsletter:2026-12"), 0) == "Newsletter issue 2026-12: no " \
                                                        "recipients."
    paused = report("newsletter:2026-12")  # the breaker holds it: nothing delivered yet
    assert line(en, paused, 12) == "Newsletter issue 2026-12: 12 recipients, none delivered yet."
    listed = report("newsletter:2026-12", DELIVERED, SKIPPED)  # a forged line is listed too
    assert ": 2 recipients, 1 delivered and 1 skipped." in line(en, listed, 1)
    old = report("alert:310c558ebe07:69", FAILED)  # a log kept from before: no case, no time
    assert line(en, old, 1) == "Urgent alert: one recipient, 1 failed."
    es = line(Messages("es"), alert, 10)
    assert es.startswith("Alerta urgente sobre [[:Advocacy Hub/Cases/Chile bill|") \
        and "6 dic 2026 20:15 (UTC): 10 personas destinatarias; 10 lo han recibido." in es
    assert "alert:" not in line(Messages("zh"), alert, 10)


@settings(deadline=None)
@given(st.lists(st.sampled_from([DELIVERED, ALREADY, SKIPPED, FAILED]), max_size=12))
def test_the_log_line_names_every_outcome_that_happened_and_no_other(results) -> None:
    text = line(Messages("en"), report("newsletter:2026-12", *results), len(results))
    words = {DELIVERED: "delivered", ALREADY: "already had it", SKIPPED: "skipped",
             FAILED: "failed"}
    for result, word in words.items():
        n = results.count(result)
        assert (f"{n} {word}" in text) == bool(n), (result, text)
    assert " 0 " not in text and "newsletter:" not in text
