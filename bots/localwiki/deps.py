"""What a MediaWiki series needs on this machine: for 1.39 Debian's packages on the host, for
1.43 the Debian trixie root (debootstrap, built once and cached)."""

from __future__ import annotations

import fcntl
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from .layout import (
    APT_PACKAGES,
    DEFAULT_MW_ROOT,
    LUA,
    TRIXIE_PACKAGES,
    TRIXIE_RECIPE,
    Fatal,
    Layout,
    note,
)
from .php import php_command

PHP_MODULES = ("pdo_sqlite", "intl", "mbstring", "dom", "xml")


def tail(path: str | Path, lines: int = 30) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "".join(text.splitlines(keepends=True)[-lines:])


def as_root(argv: Sequence[str]) -> list[str]:
    if os.geteuid() == 0:
        return list(argv)
    if shutil.which("sudo") is None:
        raise Fatal(f"need root or sudo for: {' '.join(argv)}")
    return ["sudo", *argv]


def apt_get_install(packages: Sequence[str]) -> None:
    note(f"installing missing packages: {' '.join(packages)}")
    for args in (["update"], ["install", "-y", "--no-install-recommends", *packages]):
        status = subprocess.call(
            as_root(["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", *args]))
        if status != 0:
            raise SystemExit(status)  # apt-get said why


def php_has_modules(layout: Layout) -> bool:
    """True if the wiki's PHP runs and has the modules MediaWiki needs."""
    cmd = php_command(layout, [], ["php", "-m"])
    try:
        proc = cmd.popen(stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except Fatal:
        return False
    out, _ = proc.communicate()
    if proc.returncode != 0:
        return False
    have = {line.strip().lower() for line in out.decode(errors="replace").splitlines()}
    return all(m in have for m in PHP_MODULES)


def ensure_deps(layout: Layout) -> None:
    if layout.series == "1.43":
        ensure_trixie_root(layout)
    else:
        ensure_host_deps(layout)


def _host_mw_ok(layout: Layout) -> bool:
    root = layout.mw_root
    return (shutil.which("php") is not None
            and os.path.isfile(f"{root}/maintenance/install.php")
            and os.path.isfile(f"{root}/includes/Defines.php")
            and os.access(LUA, os.X_OK) and php_has_modules(layout))


def ensure_host_deps(layout: Layout) -> None:
    if _host_mw_ok(layout):
        return
    root = layout.mw_root
    if root != DEFAULT_MW_ROOT:
        raise Fatal(f"MediaWiki not found in ADVOCACY_MW_ROOT={root}")
    apt_get_install(APT_PACKAGES)
    if shutil.which("php") is None:
        raise Fatal("php still missing after apt-get install")
    if not os.path.isfile(f"{root}/maintenance/install.php"):
        raise Fatal(f"MediaWiki still missing in {root}")
    if not os.access(LUA, os.X_OK):
        raise Fatal(f"{LUA} still missing after apt-get install")
    if not php_has_modules(layout):
        raise Fatal("PHP modules pdo_sqlite/intl/mbstring/dom/xml still missing")


def trixie_root_ok(layout: Layout) -> bool:
    try:
        stamp = Path(layout.trixie_root, ".advocacy-localwiki-root").read_text()
    except OSError:
        return False
    return stamp.rstrip("\n") == str(TRIXIE_RECIPE)


def remove_tree(path: str) -> None:
    """rm -rf that stays on one file system (never into a mount)."""
    subprocess.run(["rm", "-rf", "--one-file-system", path], check=False)


def ensure_trixie_root(layout: Layout) -> None:
    """The Debian trixie root that MediaWiki 1.43 runs in: built once (debootstrap, about a
    minute and 800 MB), under an exclusive lock so that parallel starts build it once."""
    if trixie_root_ok(layout):
        return
    if os.geteuid() != 0:
        raise Fatal("MediaWiki 1.43 runs in a chroot: run as root (or use 1.39)")
    cache = layout.cache_root
    os.makedirs(cache, exist_ok=True)
    with open(f"{cache}/trixie-root.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if trixie_root_ok(layout):
            return
        if shutil.which("debootstrap") is None:
            apt_get_install(["debootstrap"])
        t0 = time.monotonic()
        tmp = tempfile.mkdtemp(prefix=".trixie-root.build.", dir=cache)
        root = layout.trixie_root
        note(f"building the Debian trixie root for MediaWiki 1.43 (once) in {root}")
        log = f"{cache}/trixie-root.log"
        mirror = layout.env.get("ADVOCACY_DEBIAN_MIRROR") or "http://deb.debian.org/debian"
        with open(log, "wb") as out:
            status = subprocess.call(
                ["debootstrap", "--variant=minbase", f"--include={TRIXIE_PACKAGES}", "trixie",
                 tmp, mirror], stdout=out, stderr=subprocess.STDOUT)
        if status != 0:
            print(tail(log), end="", file=sys.stderr)
            remove_tree(tmp)
            raise Fatal(f"debootstrap of trixie failed (log: {log})")
        for deb in glob.glob(f"{tmp}/var/cache/apt/archives/*.deb"):
            os.remove(deb)
        if not (os.path.isfile(f"{tmp}{layout.mw_root}/includes/Defines.php")
                and os.access(f"{tmp}{LUA}", os.X_OK)):
            raise Fatal(f"the trixie root in {tmp} lacks MediaWiki or lua5.1")
        Path(tmp, ".advocacy-localwiki-root").write_text(f"{TRIXIE_RECIPE}\n")
        remove_tree(root)
        os.rename(tmp, root)
        os.makedirs(layout.trixie_view, exist_ok=True)
        if not php_has_modules(layout):
            raise Fatal(f"PHP modules pdo_sqlite/intl/mbstring/dom/xml missing in {root}")
        note(f"trixie root ready ({int(time.monotonic() - t0)} s)")
