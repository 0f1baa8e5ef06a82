"""The `advocacy-bot` command."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bots.config import load_profile
from bots.core.stats import RunStats, write_all
from bots.errors import ConfigError

log = logging.getLogger("bots")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="advocacy-bot", description=__doc__)
    p.add_argument("--profile", default=None,
                   help="local (default), meta, or a path to a profile TOML file")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="every log line on the terminal too (the log file keeps them anyway)")
    sub = p.add_subparsers(dest="command", required=True)

    def stats_opt(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--stats-json", type=Path, help="write the run's counts to this file")

    run = sub.add_parser("run", help="run one job now")
    run.add_argument("job", help="a job name, or 'all'")
    run.add_argument("--dry-run", action="store_true", help="make no edit; print diffs")
    run.add_argument("--now", help="pretend it is this ISO date-time (for tests and replays)")
    run.add_argument("--full", action="store_true",
                     help="harvest: read every page again, not only the recent changes (the "
                          "periodic reconciliation next to `watch`)")
    stats_opt(run)

    sub.add_parser("schedule", help="run the jobs on the profile's cron schedule")

    w = sub.add_parser("watch", help="follow the wiki's changes and update the hub within a "
                                     "minute (until SIGTERM)")
    w.add_argument("--source", choices=["auto", "poll", "stream"],
                   help="where changes come from (default: the profile's [watch] source)")
    w.add_argument("--once", action="store_true",
                   help="one update from the watermark, one poll or read, then exit")
    w.add_argument("--max-seconds", type=float, help="exit cleanly after this long")
    w.add_argument("--stream-url", help="an EventStreams URL other than the wiki's")
    stats_opt(w)

    tpl = sub.add_parser("templates", help="the on-wiki record templates")
    tpl.add_argument("action", choices=["build", "install"])
    tpl.add_argument("--dry-run", action="store_true")
    stats_opt(tpl)

    seed = sub.add_parser("seed-demo", help="create the demo data on the local wiki")
    stats_opt(seed)

    sub.add_parser("status", help="show the target wiki and the state of each job")
    urls = sub.add_parser("urls", help="print the addresses of the hub's pages")
    urls.add_argument("--titles", action="store_true", help="only the page titles")
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
    except ConfigError as exc:
        print(f"advocacy-bot: {exc}", file=sys.stderr)
        return 2


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
        for name in names:
            if name not in registry.JOBS:
                print(f"advocacy-bot: no job {name!r} (jobs: {', '.join(registry.ORDER)})",
                      file=sys.stderr)
                return 2
        if args.full and names != ["harvest"]:
            print("advocacy-bot: --full is for `run harvest`", file=sys.stderr)
            return 2
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
