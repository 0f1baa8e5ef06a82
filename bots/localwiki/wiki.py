"""A wiki directory's life: created from the cached template, (re)configured for a port."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .files import random_hex, read_assignments, shell_assignments, write_atomic
from .layout import Fatal, Layout
from .settings import write_credentials, write_router, write_settings
from .template import copy_template


def wiki_exists(layout: Layout) -> bool:
    d = layout.dir
    return (layout.marker.is_file() and (d / "data" / "my_wiki.sqlite").is_file()
            and (d / ".secrets").is_file() and (d / "accounts.sh").is_file())


def foreign_content(layout: Layout) -> bool:
    """True if the directory holds something other than a localwiki (its lock aside)."""
    if layout.marker.is_file():
        return False
    try:
        return any(name != ".lock" for name in os.listdir(layout.wiki_dir))
    except OSError:
        return False


def create_wiki(layout: Layout) -> None:
    if os.path.lexists(layout.wiki_dir) and foreign_content(layout):
        raise Fatal(f"{layout.wiki_dir} exists, is not empty and is not a localwiki directory; "
                    "refusing to use it")
    os.makedirs(layout.wiki_dir, exist_ok=True)
    layout.marker.touch()
    Path(layout.file("mediawiki-series")).write_text(f"{layout.series}\n")
    for sub in ("data", "cache"):
        shutil.rmtree(layout.file(sub), ignore_errors=True)
    copy_template(layout, layout.wiki_dir)
    write_atomic(layout.file(".secrets"), shell_assignments(
        {"SECRET_KEY": random_hex(32), "UPGRADE_KEY": random_hex(8)}), 0o600)


def configure_wiki(layout: Layout, port: str) -> None:
    """(Re)generate LocalSettings.php, router.php and credentials.json for ``port``."""
    secrets = read_assignments(layout.file(".secrets"))
    accounts = read_assignments(layout.file("accounts.sh"))
    for sub in ("logs", "cache"):
        os.makedirs(layout.file(sub), exist_ok=True)
    d = layout.wiki_dir
    try:
        secret_key, upgrade_key = secrets["SECRET_KEY"], secrets["UPGRADE_KEY"]
        admin_pw, bot_pw = accounts["ADMIN_PASSWORD"], accounts["BOT_PASSWORD"]
    except KeyError as exc:
        raise Fatal(f"{d}: {exc.args[0]} missing from .secrets or accounts.sh") from exc
    write_settings(layout, d, port, secret_key, upgrade_key)
    write_router(layout, d)
    write_credentials(layout, d, port, admin_pw, bot_pw)
    Path(layout.file("port")).write_text(f"{port}\n")
    Path(layout.file("mediawiki-series")).write_text(f"{layout.series}\n")
