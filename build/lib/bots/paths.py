"""Where the project's files are: the repository root holds config/, wikitemplates/ and
pywikibot's user-config.py."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
CONFIG_DIR = REPO_ROOT / "config"
TEMPLATES_DIR = REPO_ROOT / "wikitemplates"
I18N_DIR = PACKAGE_DIR / "i18n"
DEMO_DIR = PACKAGE_DIR / "demo"
