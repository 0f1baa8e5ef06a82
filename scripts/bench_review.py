"""Review due at scale, measured side by side in one run: `run index` on N imported cases the
day after the import (the generated cases have no lessons: the concluded ones are due at
once) and 200 days on (the open ones too), the review pages' sizes against the budget, a run
with nothing new, and the pure part (who is due, who is nudged) for N cases and 1,000
advocates.

    .venv/bin/python scripts/bench_review.py            # N = 2,000
    .venv/bin/python scripts/bench_review.py --sizes 10000
    .venv/bin/python scripts/bench_review.py --quick    # N = 300
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # scripts/bench.py: the dump, the wiki, bot processes

from bots.localwiki import start_wiki

IMPORTED = datetime(2026, 1, 1, tzinfo=UTC)  # bench.write_dump's revision timestamp
REVIEW = "Advocacy Hub/Cases/Review due"


def review_sizes(wiki) -> dict[str, int]:
    sizes = bench.generated_sizes(wiki)
    return {t: n for t, n in sizes.items() if t.startswith(REVIEW)}


def pure(n: int, advocates: int = 1000) -> str:
    from bots.core.normalise import make_record
    from bots.core.review import due_cases, nudges, recorded
    from bots.core.schema import load_schema

    schema = load_schema()
    rng = random.Random(n)
    users = [f"Advocate {i}" for i in range(advocates)]
    cases = []
    for i in range(n):
        rec = make_record(schema.kind("case"), f"Advocacy Hub/Cases/Bench {i}", {
            "title": f"Bench case {i}", "summary": "S.", "jurisdiction": "BR",
            "topics": "copyright", "start": "2020", "status": rng.choice(
                ["active", "concluded", "monitoring"]),
            "contacts": "; ".join(rng.sample(users, 2))}, schema)
        rec.timestamp = "2026-01-01T00:00:00Z"
        cases.append(rec)
    roster = [make_record(schema.kind("advocate"), f"User:{u}", {"user": u, "digest": "weekly"},
                          schema) for u in users]
    open_values = schema.vocabularies["status"].open_values
    now = IMPORTED + timedelta(days=200)
    t0 = time.perf_counter()
    due = due_cases(cases, open_values, now, 180)
    t1 = time.perf_counter()
    given = nudges(due, roster, "weekly", {})
    ledger = recorded({}, given, due)
    t2 = time.perf_counter()
    again = nudges(due, roster, "weekly", ledger)
    return (f"{len(due)} due, {sum(map(len, given.values()))} nudges to {len(given)} advocates; "
            f"due_cases {1000 * (t1 - t0):.0f} ms, nudges + ledger {1000 * (t2 - t1):.0f} ms; "
            f"a second run nudges {sum(map(len, again.values()))}")


def run(n: int, workdir: Path) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    wiki = start_wiki(workdir / f"wiki-{n}")
    try:
        bench.bot(wiki, "templates", "install")
        dump = workdir / f"cases-{n}.xml"
        bench.write_dump(dump, n)
        wiki.maint("importDump", "--quiet", str(dump), timeout=3600)
        wiki.maint("runJobs", "--quiet", timeout=3600)
        bench.bot(wiki, "run", "harvest")
        # The generated cases have no lessons: the concluded ones are due at once.
        for label, now in (("first run, concluded due", IMPORTED + timedelta(days=1)),
                           ("200 days on, all due", IMPORTED + timedelta(days=200))):
            stats, _secs, rss, _ = bench.bot(wiki, "run", "index", "--now", now.isoformat())
            sizes = review_sizes(wiki)
            largest = max(sizes.values())
            fits = largest <= bench.PAGE_LIMIT
            rows.append((f"N={n}: run index, {label}",
                         f"{stats['api_requests']} requests, {stats['edits']} pages written, "
                         f"{stats['seconds']:.1f} s, peak {rss:.0f} MB; review pages "
                         f"{len(sizes)}, largest {largest:,} bytes (at most "
                         f"{bench.PAGE_LIMIT:,}: {bench.verdict(f'N={n} review page', fits)})"))
        stats, _secs, _rss, _ = bench.bot(wiki, "run", "index", "--now",
                                          (IMPORTED + timedelta(days=200)).isoformat())
        quiet = stats["edits"] == 0 and stats["api_requests"] <= 5
        rows.append((f"N={n}: run index again, nothing new",
                     f"{stats['api_requests']} requests, {stats['edits']} edits (budget 5, 0: "
                     f"{bench.verdict(f'N={n} quiet index', quiet)})"))
    finally:
        wiki.stop()
    rows.append((f"N={n}: pure, 1,000 advocates", pure(n)))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="N = 300 only")
    ap.add_argument("--sizes", type=int, nargs="*", help="N values (default 2,000)")
    args = ap.parse_args()
    sizes = args.sizes or ([300] if args.quick else [2000])
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="advocacy-bench-review-") as tmp:
        bench.PWB_DIR = Path(tmp) / "pywikibot"
        bench.PWB_DIR.mkdir()
        (bench.PWB_DIR / "user-config.py").write_text(
            (bench.REPO_ROOT / "user-config.py").read_text())
        for n in sizes:
            for label, value in run(n, Path(tmp)):
                rows.append((label, value))
                print(f"{label:40} {value}", flush=True)
    print("\nTargets missed: " + "; ".join(bench.MISSED) if bench.MISSED
          else "\nEvery target was met.")
    return 1 if bench.MISSED else 0


if __name__ == "__main__":
    raise SystemExit(main())
