"""What the front page costs `run index`: the demo data on a fresh local wiki, the index job's
requests and edits on its first run, on a run with nothing new and after one edited case,
side by side for this checkout and a baseline checkout (e.g. main, exported with
`git archive main | tar -x -C DIR`), each on its own fresh wiki. Also the front page's size
against the page budget and the wiki's time to parse it.

    .venv/bin/python scripts/bench_front.py --baseline /tmp/main-checkout
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bots.localwiki import LocalWiki, start_wiki  # noqa: E402

CASE = "Advocacy Hub/Cases/Philippines freedom of panorama"


def bot(code: Path, wiki: LocalWiki, *args: str) -> dict:
    """advocacy-bot of the checkout ``code``, in its own process: its --stats-json."""
    env = {**os.environ, "ADVOCACY_WIKI_DIR": str(wiki.dir), "PYWIKIBOT_DIR": str(code),
           "PYWIKIBOT_NO_USER_CONFIG": "0", "PYTHONPATH": str(code)}
    env.pop("ADVOCACY_PROFILE", None)
    with tempfile.NamedTemporaryFile(suffix=".json") as stats:
        proc = subprocess.run([sys.executable, "-m", "bots", *args, "--stats-json", stats.name],
                              env=env, cwd=code, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"{code}: advocacy-bot {' '.join(args)} failed:\n"
                             f"{proc.stderr[-3000:]}")
        return json.loads(Path(stats.name).read_text() or "{}")


def measure(code: Path) -> dict[str, object]:
    from bots.wiki.actor import Actor

    wiki = start_wiki(Path(tempfile.mkdtemp(prefix="bench-front-")))
    try:
        env = {"ADVOCACY_WIKI_DIR": str(wiki.dir), "PYWIKIBOT_DIR": str(code),
               "PYWIKIBOT_NO_USER_CONFIG": "0", "PYTHONPATH": str(code)}
        subprocess.run([sys.executable, "-m", "bots", "templates", "install"], cwd=code,
                       env={**os.environ, **env}, check=True, capture_output=True)
        bot(code, wiki, "seed-demo")
        bot(code, wiki, "run", "harvest")
        out: dict[str, object] = {"first": bot(code, wiki, "run", "index"),
                                  "quiet": bot(code, wiki, "run", "index")}
        admin = Actor(wiki.api_url, *wiki.admin).login()
        admin.edit(CASE, (admin.text(CASE) or "").replace("}}", "|lessons=Measured.\n}}", 1),
                   "bench: one edited case")
        bot(code, wiki, "run", "harvest")
        out["one"] = bot(code, wiki, "run", "index")
        text = admin.text("Advocacy Hub") or ""
        started = time.monotonic()
        requests.post(wiki.api_url, data={"action": "parse", "page": "Advocacy Hub",
                                          "format": "json"}, timeout=120).raise_for_status()
        out["front_bytes"] = len(text.encode())
        out["parse_s"] = time.monotonic() - started
        return out
    finally:
        wiki.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline", type=Path, help="another checkout to compare with")
    args = ap.parse_args()
    runs = {"this": measure(REPO_ROOT)}
    if args.baseline:
        runs["baseline"] = measure(args.baseline.resolve())
    names = list(runs)
    print(f"{'run index (demo data)':34}" + "".join(f"{n:>22}" for n in names))
    for key, label in (("first", "first run"), ("quiet", "nothing new"),
                       ("one", "one case edited")):
        cells = [f"{r[key]['api_requests']} req, {r[key]['edits']} edits"  # type: ignore[index]
                 for r in runs.values()]
        print(f"{label:34}" + "".join(f"{c:>22}" for c in cells))
    cells = [f"{r['front_bytes']:,} B, {r['parse_s']:.2f} s" for r in runs.values()]
    print(f"{'front page (bytes, parse)':34}" + "".join(f"{c:>22}" for c in cells))
    print("page budget: 524,288 bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
