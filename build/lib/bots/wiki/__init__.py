"""The edge: everything that talks to a wiki goes through pywikibot, from here.

pywikibot reads its configuration when first imported, so the environment it needs is set
before any import of it: PYWIKIBOT_DIR is the repository root (user-config.py lives there), and
PYWIKIBOT_NO_USER_CONFIG=0 makes a missing user-config an error instead of a silent run
against test.wikipedia.
"""

import os

from bots.paths import REPO_ROOT

os.environ.setdefault("PYWIKIBOT_DIR", str(REPO_ROOT))
os.environ["PYWIKIBOT_NO_USER_CONFIG"] = "0"
