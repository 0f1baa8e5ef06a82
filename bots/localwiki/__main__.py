"""``python -m bots.localwiki``: what ``scripts/localwiki`` runs."""

from bots.localwiki.cli import main

raise SystemExit(main())
