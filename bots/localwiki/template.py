"""The cached wiki template: one installed MediaWiki per version and recipe
(``<cache>/template-<version>-r<recipe>/``), copied into every new wiki in a fraction of a
second instead of running the installer each time."""

from __future__ import annotations

import fcntl
import glob
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .files import random_alnum, random_hex, shell_assignments, write_atomic
from .layout import (
    ADMIN_USER,
    BOT_USER,
    SITENAME,
    TEMPLATE_RECIPE,
    WANTED_EXTENSIONS,
    Fatal,
    Layout,
    note,
)
from .php import available_extensions, mw_version, php_command
from .settings import write_settings


def template_dir(layout: Layout) -> str:
    # The recipe is in the name: checkouts of other recipes on this machine keep their own.
    return f"{layout.cache_root}/template-{mw_version(layout)}-r{TEMPLATE_RECIPE}"


def template_ok(tpl: str) -> bool:
    try:
        stamp = Path(tpl, ".complete").read_text()
    except OSError:
        return False
    return (stamp.rstrip("\n") == str(TEMPLATE_RECIPE)
            and os.path.isfile(f"{tpl}/data/my_wiki.sqlite")
            and os.path.isfile(f"{tpl}/accounts.sh"))


def _run_logged(layout: Layout, tmp: str, argv: list[str], conf: str, log: str, what: str,
                *, truncate: bool = False) -> None:
    """Run a PHP command of the build, its output appended to the install log."""
    cmd = php_command(layout, [tmp], argv, {"MW_CONFIG_FILE": conf})
    with open(log, "wb" if truncate else "ab") as out:
        status = cmd.run(stdout=out, stderr=out)
    if status != 0:
        sys.stderr.write(Path(log).read_text(encoding="utf-8", errors="replace"))
        raise Fatal(what)


def build_template(layout: Layout, tpl: str) -> None:
    t0 = time.monotonic()
    note(f"building the wiki template (once per MediaWiki version) in {tpl}")
    shutil.rmtree(tpl, ignore_errors=True)
    tmp = tempfile.mkdtemp(prefix=".build.", dir=layout.cache_root)
    try:
        _build(layout, tmp)
        os.rename(tmp, tpl)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    note(f"template ready ({int(time.monotonic() - t0)} s)")


def _build(layout: Layout, tmp: str) -> None:
    for sub in ("data", "cache", "logs", "install"):
        os.makedirs(f"{tmp}/{sub}")
    admin_pw = "Ad" + random_alnum(22)
    bot_pw = "Bo" + random_alnum(22)
    root = layout.mw_root
    log = f"{tmp}/logs/install.log"
    extensions = available_extensions(layout, WANTED_EXTENSIONS)
    # MW_CONFIG_FILE points install.php's "is there an existing LocalSettings.php?" check at
    # a file that does not exist (it would otherwise look at
    # /usr/share/mediawiki/LocalSettings.php -> /etc/mediawiki/LocalSettings.php).
    args = ["--dbtype", "sqlite", "--dbpath", f"{tmp}/data", "--dbname", "my_wiki",
            "--server", "http://127.0.0.1:1", "--scriptpath", "", "--lang", "en",
            "--passfile", f"{tmp}/install/admin-password", "--confpath", f"{tmp}/install",
            "--skins", "Vector"]
    if extensions:
        args += ["--extensions", ",".join(extensions)]
    write_atomic(f"{tmp}/install/admin-password", admin_pw, 0o600)
    _run_logged(layout, tmp, ["php", f"{root}/maintenance/install.php", *args, SITENAME,
                              ADMIN_USER],
                f"{tmp}/install/LocalSettings.php", log, "maintenance/install.php failed",
                truncate=True)
    write_settings(layout, tmp, "1", random_hex(32), random_hex(8))
    conf = f"{tmp}/LocalSettings.php"
    _run_logged(layout, tmp, ["php", f"{root}/maintenance/createAndPromote.php", "--conf", conf,
                              "--bot", BOT_USER, bot_pw],
                conf, log, f"creating {BOT_USER} failed")
    # Pre-build the English localisation cache (CDB files in cache/), so that the first web
    # request of every new wiki does not spend seconds on it.
    _run_logged(layout, tmp, ["php", f"{root}/maintenance/rebuildLocalisationCache.php",
                              "--conf", conf, "--lang", "en", "--no-progress"],
                conf, log, "rebuildLocalisationCache failed")
    _run_logged(layout, tmp, ["php", f"{root}/maintenance/runJobs.php", "--conf", conf],
                conf, log, "runJobs failed")
    for pattern in ("*-journal", "*-wal", "*-shm", ".htaccess"):
        for path in glob.glob(f"{tmp}/data/{pattern}", include_hidden=True):
            os.remove(path)
    shutil.rmtree(f"{tmp}/install", ignore_errors=True)
    shutil.rmtree(f"{tmp}/data/locks", ignore_errors=True)
    write_atomic(f"{tmp}/accounts.sh",
                 shell_assignments({"ADMIN_PASSWORD": admin_pw, "BOT_PASSWORD": bot_pw}), 0o600)
    Path(tmp, "mediawiki-version").write_text(mw_version(layout) + "\n")
    Path(tmp, ".complete").write_text(f"{TEMPLATE_RECIPE}\n")


def copy_template(layout: Layout, dest: str) -> None:
    """Copy the template's data into ``dest``, building it first if needed: under a shared
    lock (copies run in parallel), an exclusive one to build."""
    tpl = template_dir(layout)
    os.makedirs(layout.cache_root, exist_ok=True)
    with open(f"{layout.cache_root}/template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)
        if not template_ok(tpl):
            fcntl.flock(lock, fcntl.LOCK_UN)
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not template_ok(tpl):
                build_template(layout, tpl)
        for sub in ("data", "cache", "logs"):
            os.makedirs(f"{dest}/{sub}", exist_ok=True)
        for sqlite in glob.glob(f"{tpl}/data/*.sqlite"):
            shutil.copy2(sqlite, f"{dest}/data/")
        shutil.copytree(f"{tpl}/cache", f"{dest}/cache", dirs_exist_ok=True)
        shutil.copy2(f"{tpl}/accounts.sh", f"{dest}/accounts.sh")
