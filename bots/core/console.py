"""What the command line says (pure): the jobs and exit statuses of the help, "did you mean",
ages, and the lines of `advocacy-bot status` and `advocacy-bot urls`.

The terminal speaks English, as pywikibot's and MediaWiki's maintenance scripts do; everything
the bot writes on the wiki comes from the message files (bots/i18n).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from babel.dates import format_timedelta

from bots.core.stats import plural
from bots.core.status import EXIT_STATUS
from bots.core.vocab import suggest

# One line per job, in the order `run all` runs them (bots.jobs.registry.ORDER; a test
# checks that both name the same jobs).
JOB_HELP: dict[str, str] = {
    "harvest": "read the records on the wiki (only what changed since the last run; --full: "
               "all) into the snapshot",
    "index": "write the front page, the case index and the other directories, browse-by "
             "pages, statistics, events, resources and the maintenance report",
    "roster": "write the advocates roster and Help wanted; notice inactive advocates",
    "newsletter": "keep this month's newsletter issue (a draft until an editor marks it "
                  "ready) up to date",
    "deliver": "post the issues marked ready on their subscribers' talk pages, once each",
    "digest": "post urgent alerts, and the weekly hub digest and personal digests when a "
              "period ends",
}

USAGE_ERROR = 2  # a usage or configuration error: nothing ran
# Every exit status of `advocacy-bot run`, as docs/operators.md's table says it (a test compares).
EXIT_MEANINGS: dict[int, str] = {
    EXIT_STATUS["ok"]: "ok",
    EXIT_STATUS["failed"]: "failed: the job (or the connection to the wiki) failed; the next "
                           "run continues from what is on the wiki",
    USAGE_ERROR: "usage or configuration error (unknown job; profile missing, not valid TOML, "
                 "or with a key unknown, missing or of the wrong type); nothing ran",
    EXIT_STATUS["stopped"]: "stopped by the shutoff page: no edit after the bot read its stop",
    EXIT_STATUS["paused"]: "paused: a delivery waits for a maintainer (the circuit breaker)",
    EXIT_STATUS["partial"]: "partial: a per-run limit was reached (post cap, time budget), or "
                            "another run holds the lease on the wiki (it says which, and until "
                            "when); the next run goes on",
}

DESCRIPTION = (
    "advocacy-bot keeps the Advocacy Hub on a MediaWiki wiki: it reads the records editors "
    "write with templates ({{Advocacy case}}, {{Advocate}}, {{Advocacy event}} ...), writes "
    "the pages readers read (case index, browse-by pages, statistics, roster, newsletter "
    "issues), and posts newsletters, digests and urgent alerts on talk pages. Its state lives "
    "on the wiki, in the bot's user space."
)


WIDTH = 79  # the help's lines (argparse's own wrap at the terminal's width)


def wrap(text: str) -> str:
    """Paragraphs (separated by a blank line) wrapped for the help."""
    return "\n\n".join(textwrap.fill(" ".join(par.split()), WIDTH)
                       for par in text.split("\n\n"))


def _items(heading: str, items: Sequence[tuple[str, str]]) -> str:
    """``heading:`` and one item a line, its text wrapped under itself."""
    width = max(len(name) for name, _ in items)
    lines = [heading + ":"]
    for name, text in items:
        lines += textwrap.wrap(text, WIDTH, initial_indent=f"  {name:{width}}  ",
                               subsequent_indent=" " * (width + 4))
    return "\n".join(lines)


def jobs_epilog() -> str:
    """The jobs, one a line, for `run --help`."""
    return _items("jobs", [*JOB_HELP.items(), ("all", "every job above, in this order")])


def exit_epilog() -> str:
    """The exit statuses, for `run --help` and the other commands that run a job."""
    return _items("exit status", [
        *((str(code), EXIT_MEANINGS[code]) for code in sorted(EXIT_MEANINGS)),
        ("", "run all: the most serious status of its jobs', in the order 1, 3, 4, 5, 0")])


def did_you_mean(word: str, choices: Iterable[str]) -> list[str]:
    """Close matches of a mistyped name (a job, a profile), best first."""
    return suggest(word, list(choices))


def unknown(kind: str, word: str, choices: Sequence[str]) -> str:
    """The error for a name that is not one of ``choices``: a suggestion when one is close,
    and every choice."""
    near = did_you_mean(word, choices)
    hint = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
    listed = ", ".join(choices) if choices else "none"
    return f"no {kind} {word!r}{hint} ({kind}s: {listed})"


def age(then: datetime, now: datetime) -> str:
    """How long ago, in words ("3 minutes ago"); CLDR's rounding (Babel)."""
    delta = now - then
    if abs(delta) < timedelta(seconds=1):
        return "just now"
    return format_timedelta(-delta, add_direction=True, locale="en")


def when(stamp: str, now: datetime) -> str:
    """An ISO time stamp as "2 hours ago (2026-12-06 18:40 UTC)"; "" for none."""
    if not stamp:
        return ""
    try:
        then = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if then.tzinfo is None:
        then = then.replace(tzinfo=now.tzinfo)
    return f"{age(then, now)} ({then.strftime('%Y-%m-%d %H:%M')} UTC)"


# -- advocacy-bot status ------------------------------------------------------------------

SHUTOFF_RUN, SHUTOFF_STOP, SHUTOFF_MISSING = "run", "stop", "missing"


def shutoff_state(text: str | None, expected: str) -> str:
    """What the shutoff page says: run (exactly the agreed value, any case, spaces around
    it), missing (no page: the bot runs, and warns), or stop (anything else)."""
    if text is None:
        return SHUTOFF_MISSING
    return SHUTOFF_RUN if text.strip().lower() == expected.strip().lower() else SHUTOFF_STOP


def shutoff_line(title: str, text: str | None, expected: str) -> str:
    state = shutoff_state(text, expected)
    if state == SHUTOFF_RUN:
        return f"run: the bot may edit ([[{title}]] says {expected!r})"
    if state == SHUTOFF_MISSING:
        return (f"missing: [[{title}]] does not exist, so nothing can stop the bot; "
                f"`advocacy-bot templates install` creates it (with {expected!r})")
    said = " ".join((text or "").split())[:60]
    return f"STOPPED: [[{title}]] says {said!r}, not {expected!r}: no job edits until it does"


@dataclass(frozen=True)
class JobLine:
    job: str
    result: str  # "" when the job never ran
    at: str = ""
    edits: int = 0
    errors: int = 0
    message: str = ""


def job_lines(entries: Mapping[str, Mapping], jobs: Sequence[str], now: datetime) -> list[str]:
    """Each job's last recorded result and its age, in ``jobs``' order, then any other job
    the status page knows (templates, seed-demo, watch)."""
    names = [*jobs, *sorted(set(entries) - set(jobs))]
    width = max(map(len, names), default=0)
    out = []
    for name in names:
        e = entries.get(name)
        if not isinstance(e, Mapping):
            out.append(f"  {name:{width}}  never run")
            continue
        result = str(e.get("result", "?"))
        line = f"  {name:{width}}  {result:7}  {when(str(e.get('at', '')), now)}"
        edits, errors = int(e.get("edits", 0)), int(e.get("errors", 0))
        line += f"; {plural(edits, 'edit')}, {plural(errors, 'error')}"
        message = " ".join(str(e.get("message", "")).split())
        if message and result != "ok":
            line += f": {message[:120]}"
        out.append(line)
    return out


# -- advocacy-bot urls ----------------------------------------------------------------------

@dataclass(frozen=True)
class UrlGroup:
    heading: str
    titles: list[str]  # sorted; translations are not listed, but named after their page
    translations: dict[str, list[str]]  # title -> the languages it also exists in
    note: str = ""


def _sort_key(title: str) -> tuple[str, str]:
    return title.casefold(), title


def url_groups(titles: Iterable[str], *, languages: Sequence[str], browse_bases: Sequence[str],
               state_root: str, cases: Sequence[str], cases_page: str) -> list[UrlGroup]:
    """Sort the existing pages ``titles`` into the groups `urls` prints: the hub's pages, the
    browse-by pages (under one of ``browse_bases``), a sample of ``cases`` and the bot's own
    pages (under ``state_root``); a page's translations (``<title>/<lang>`` for a language of
    ``languages`` after the first) are named after it, not listed."""
    present = set(titles)
    translations: dict[str, list[str]] = {}
    bases: set[str] = set()
    for title in sorted(present, key=len):  # a page before its translations
        base, _, lang = title.rpartition("/")
        if lang in languages[1:] and base in bases:  # a translation of a listed page
            translations.setdefault(base, []).append(lang)
        else:
            bases.add(title)
    for langs in translations.values():
        langs.sort(key=list(languages).index)
    hub, browse, state = [], [], []
    sample = set(cases)
    for title in sorted(bases, key=_sort_key):
        if title in sample:
            continue
        if any(title.startswith(b.rstrip("/") + "/") for b in browse_bases):
            browse.append(title)
        elif title.startswith(state_root.rstrip("/") + "/"):
            state.append(title)
        else:
            hub.append(title)
    shown = sorted((c for c in cases if c in present), key=_sort_key)
    return [UrlGroup("Hub pages", hub, translations),
            UrlGroup("Browse-by pages", browse, translations),
            UrlGroup("Case pages", shown, translations,
                     f"{len(shown)} as a sample: [[{cases_page}]] lists them all" if shown
                     else ""),
            UrlGroup("The bot's own pages", state, translations)]


def group_lines(groups: Sequence[UrlGroup], url_of: Mapping[str, str]) -> list[str]:
    """The groups under their headings, each title with its address (and the languages it
    is translated into), aligned."""
    shown = [g for g in groups if g.titles]
    width = max((len(t) for g in shown for t in g.titles), default=0)
    out: list[str] = []
    for group in shown:
        if out:
            out.append("")
        out.append(f"{group.heading}:")
        for title in group.titles:
            line = f"  {title:{width}}  {url_of[title]}"
            if langs := group.translations.get(title):
                line += f"  (also /{', /'.join(langs)})"
            out.append(line)
        if group.note:
            out.append(f"  ({group.note})")
    return out
