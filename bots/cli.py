"""The `advocacy-bot` command: the argument parser, and each command's dispatch."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from bots import __version__
from bots.config import load_profile
from bots.core import console
from bots.core.stats import RunStats, summary_all, write_all
from bots.errors import ConfigError

log = logging.getLogger("bots")


def version() -> str:
    """``advocacy-bot --version``: the bot's, pywikibot's and Python's versions."""
    try:
        pwb = metadata.version("pywikibot")
    except metadata.PackageNotFoundError:
        pwb = "not installed"
    python = ".".join(map(str, sys.version_info[:3]))
    return f"advocacy-bot {__version__} (pywikibot {pwb}, Python {python})"


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions and epilogs as written (lists of jobs and exit statuses), options wrapped."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="advocacy-bot", description=console.wrap(console.DESCRIPTION),
        formatter_class=_Formatter,
        epilog=console.wrap("`advocacy-bot COMMAND --help` says more about each command; "
                            "`advocacy-bot run --help` lists the jobs and the exit statuses. "
                            "The README and docs/ have the rest."))
    p.add_argument("--version", action="version", version=version(),
                   help="show the versions of the bot, pywikibot and Python, and exit")
    p.add_argument("--profile", default=None,
                   help="the wiki and its settings: local (default), meta, or the path of a "
                        "profile's .toml file (profiles are in config/)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="every log line on the terminal too (the log file keeps them anyway)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, description: str, epilog: str | None = None
                ) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=summary, description=console.wrap(description),
                              epilog=epilog, formatter_class=_Formatter)

    def stats_opt(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--stats-json", type=Path, metavar="PATH",
                        help="write the run's counts to this file (docs/operators.md: "
                             "Using the bot)")

    run = command("run", "run one job now, or all of them",
                  "Run one job now (or every job, in order, with `all`), then print its summary "
                  "line. The job reads the wiki, writes only what changed, and records its "
                  "result on the bot's status page.",
                  console.jobs_epilog() + "\n\n" + console.exit_epilog())
    run.add_argument("job", metavar="JOB", help="a job (listed below), or all")
    run.add_argument("--dry-run", action="store_true",
                     help="make no edit: print the diff of every page the job would change, "
                          "and what it would post where")
    run.add_argument("--now", metavar="ISO",
                     help="pretend it is this ISO date-time, UTC unless it says otherwise (for "
                          "tests and replays)")
    run.add_argument("--full", action="store_true",
                     help="harvest: read every page again, not only the recent changes (the "
                          "periodic reconciliation next to `watch`)")
    stats_opt(run)

    command("schedule", "run the jobs on the profile's cron schedule, until stopped",
            "Run the jobs on the cron expressions of the profile's [schedule] (UTC), one at a "
            "time, each in its own process with a timeout, until SIGTERM or Ctrl-C (a running "
            "job gets [schedule] shutdown_grace seconds to finish). A job that reads the "
            "snapshot runs a harvest first when the last successful one is older than its own "
            "interval. Each job's last run is in .state/schedule-<profile>.json.",
            "exit status:\n  0  stopped cleanly\n  2  the profile's [schedule] names no job"
            "\n  3  another scheduler is already running for this profile")

    w = command("watch", "follow the wiki's changes and update the hub within a minute",
                "Follow the wiki's changes (EventStreams on Wikimedia wikis, else polling the "
                "recent changes) and, after a quiet moment, harvest what changed, then update "
                "the index and send urgent alerts: the hub is current within a minute. Runs "
                "until SIGTERM or Ctrl-C; settings in the profile's [watch].",
                "exit status:\n  0  stopped cleanly (SIGTERM, Ctrl-C, --once, --max-seconds)")
    w.add_argument("--source", choices=["auto", "poll", "stream"],
                   help="where changes come from (default: the profile's [watch] source)")
    w.add_argument("--once", action="store_true",
                   help="one update from the watermark, one poll or read, then exit")
    w.add_argument("--max-seconds", type=float, metavar="SECONDS",
                   help="exit cleanly after this long")
    w.add_argument("--stream-url", metavar="URL", help="an EventStreams URL other than the wiki's")
    stats_opt(w)

    tpl = command("templates", "build or install the on-wiki templates",
                  "build: write the record templates, their documentation and TemplateData, "
                  "Module:Advocacy and the preload pages from config/schema.toml into "
                  "wikitemplates/ (no wiki needed).\n\n"
                  "install: put them on the wiki, with the pages documenting the vocabularies "
                  "and translations; create the vocabularies page and the bot's shutoff page "
                  "when they are missing (once there, they are the community's). Pages already "
                  "current are not touched, so it is safe to run again.",
                  console.exit_epilog())
    tpl.add_argument("action", choices=["build", "install"],
                     help="build (files in wikitemplates/) or install (on the wiki)")
    tpl.add_argument("--dry-run", action="store_true", help="install: make no edit; print diffs")
    stats_opt(tpl)

    seed = command("seed-demo", "create the demo data on the local wiki",
                   "Create real advocacy cases and the other demo records (bots/demo/*.toml), "
                   "demo advocates and subscribers on the LOCAL wiki, each person editing as "
                   "themselves. Running it again changes nothing.")
    stats_opt(seed)

    command("status", "show the wiki, the shutoff switch, the snapshot and each job's result",
            "Show the target wiki and the bot's account, the shutoff page's state, the "
            "snapshot's age, and each job's last recorded result and its age (from the bot's "
            "status page, which keeps a job's line until its result or its number of errors "
            "changes, and rewrites it at least every [limits] status_heartbeat_hours). Makes "
            "no edit.")
    urls = command("urls", "print the addresses of the hub's pages, grouped by kind",
                   "Print the addresses of the pages the bot writes that exist on the wiki, "
                   "grouped by kind and sorted: the hub's pages, the browse-by pages, three "
                   "case pages as a sample, and the bot's own pages (status, shutoff, state). "
                   "A page's translations (<page>/<lang>) are named after it.")
    urls.add_argument("--titles", action="store_true",
                      help="only the page titles, one a line, every translation included (for "
                           "scripts, e.g. to purge them)")
    return p


def _run_with_context(job: str, profile_name: str | None, body: Callable, *, dry_run: bool,
                      stats_json: Path | None, now: str | None = None,
                      overlay: dict[str, str] | None = None) -> tuple[int, RunStats]:
    """Run one job; prints its summary line and returns its exit status and counts."""
    from bots.core.status import EXIT_STATUS, OK
    from bots.jobs.context import run_job

    profile = load_profile(profile_name)
    clock = None
    if now:
        try:
            fixed = datetime.fromisoformat(now)
        except ValueError as exc:
            raise ConfigError(f"--now {now!r} is not an ISO date-time") from exc
        if fixed.tzinfo is None:  # a date-time without a zone is UTC, as everywhere here
            fixed = fixed.replace(tzinfo=UTC)
        clock = lambda: fixed  # noqa: E731
    stats, result = run_job(job, profile, body, dry_run=dry_run, now=clock,
                            on_terminate=True, overlay=overlay)
    print(stats.summary() + ("" if result == OK else f" [{result}]"), flush=True)
    stats.result = result
    if stats_json:
        stats.write_json(stats_json)
    return EXIT_STATUS[result], stats


def _exit_status(codes: list[int]) -> int:
    """For several jobs: the most serious status (failed over stopped over paused ...)."""
    order = [1, 3, 4, 5, 0]
    return min(codes, key=order.index) if codes else 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.profile:
        os.environ["ADVOCACY_PROFILE"] = args.profile
    from bots.logsetup import setup_logging

    setup_logging(verbose=args.verbose, profile=args.profile)
    try:
        return _dispatch(args)
    except BrokenPipeError:  # `advocacy-bot urls | head`: the reader had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except ConfigError as exc:
        print(f"advocacy-bot: {exc}", file=sys.stderr)
        return console.USAGE_ERROR


def _dispatch(args: argparse.Namespace) -> int:
    from bots.jobs import registry

    if args.command == "templates" and args.action == "build":
        from bots.core.schema import load_schema
        from bots.jobs.templates import build

        for path in build(load_schema()):
            print(f"wrote {path}")
        return 0
    if args.command == "templates":
        from bots.jobs.templates import install

        return _run_with_context("templates", args.profile, install, dry_run=args.dry_run,
                                 stats_json=args.stats_json)[0]
    if args.command == "seed-demo":
        from bots.jobs.seed import seed_demo

        return _run_with_context("seed-demo", args.profile, seed_demo, dry_run=False,
                                 stats_json=args.stats_json)[0]
    if args.command == "run":
        names = registry.ORDER if args.job == "all" else [args.job]
        if args.job != "all" and args.job not in registry.JOBS:
            print(f"advocacy-bot: {console.unknown('job', args.job, [*registry.ORDER, 'all'])}",
                  file=sys.stderr)
            return console.USAGE_ERROR
        if args.full and names != ["harvest"]:
            print("advocacy-bot: --full is for `run harvest`", file=sys.stderr)
            return console.USAGE_ERROR
        if args.full:
            from functools import partial

            body = partial(registry.JOBS["harvest"], full=True)
            return _run_with_context("harvest", args.profile, body, dry_run=args.dry_run,
                                     stats_json=args.stats_json, now=args.now)[0]
        if len(names) == 1:
            return _run_with_context(names[0], args.profile, registry.JOBS[names[0]],
                                     dry_run=args.dry_run, stats_json=args.stats_json,
                                     now=args.now)[0]
        overlay: dict[str, str] = {}  # a dry run's pages, read by the jobs after it
        codes, runs = [], []
        for name in names:
            code, stats = _run_with_context(name, args.profile, registry.JOBS[name],
                                            dry_run=args.dry_run, stats_json=None,
                                            now=args.now, overlay=overlay)
            codes.append(code)
            runs.append(stats)
        print(summary_all(runs), flush=True)
        if args.stats_json:
            write_all(args.stats_json, runs)
        return _exit_status(codes)
    if args.command == "watch":
        from bots.jobs.watch import watch

        code, report = watch(load_profile(args.profile), source=args.source, once=args.once,
                             max_seconds=args.max_seconds, stream_url=args.stream_url)
        if args.stats_json:
            import dataclasses
            import json

            args.stats_json.write_text(json.dumps(dataclasses.asdict(report), indent=1))
        return code
    if args.command == "schedule":
        from bots.schedule.runner import run_scheduler

        return run_scheduler(load_profile(args.profile))
    if args.command in ("status", "urls"):
        from bots.jobs import status

        if args.command == "status":
            return status.print_status(load_profile(args.profile))
        return status.print_urls(load_profile(args.profile), titles_only=args.titles)
    raise AssertionError(args.command)
