"""localwiki: throw-away local MediaWiki (Debian's `mediawiki` package, SQLite,
PHP built-in web server) for developing and testing the Advocacy Hub bot.

Usage: scripts/localwiki start|stop|reset|status|maint SCRIPT [ARGS...]|env|deps

  start    create the wiki (if needed) and start its web server (idempotent)
  stop     stop the web server started for this wiki directory
  reset    stop, delete the wiki directory, start a brand-new wiki
  status   print running/stopped and the URLs; exit 0 if running, 3 if not
  maint    run a MediaWiki maintenance script against this wiki, e.g.
           `scripts/localwiki maint createAndPromote --bot Foo Secret12345678`
  env      print ADVOCACY_WIKI_URL=... / ADVOCACY_WIKI_API=... lines
  deps     install what the chosen MediaWiki needs (Debian packages; for 1.43 the
           cached trixie root) if missing, and nothing else

Environment:
  ADVOCACY_MEDIAWIKI  1.39 (default: the host's Debian bookworm packages) or 1.43 (Debian
                      trixie's, from a trixie root built once with debootstrap and cached).
                      An existing wiki keeps the version it was created with (`reset` to
                      change it); `stop`, `status` and `maint` follow the wiki's own version.
  ADVOCACY_WIKI_DIR   data directory (default: <repo root>/.localwiki)
  ADVOCACY_WIKI_PORT  port (default: the port the wiki was created with, else 8765)
  XDG_CACHE_HOME      caches live in ${XDG_CACHE_HOME:-~/.cache}/advocacy-localwiki/:
                      template-<mw version>-r<recipe>/ (an installed wiki, copied for
                      each new one)
                      and trixie-root/ (1.43 only: ~800 MB, built in about a minute)

Nothing is written to /etc/mediawiki or /usr/share/mediawiki: every wiki has its
own LocalSettings.php, SQLite files, cache and router.php in its data directory, so
several wikis (of both versions) can run side by side on different directories/ports.

A 1.43 wiki's PHP (web server and maintenance scripts) runs chrooted in the trixie root,
in a private mount namespace (unshare -m) whose root is a tmpfs holding bind mounts of
the trixie root's /usr, /etc, /var, the host's /dev and the wiki's data directory at its
own path (plus, for `maint`, the directories of file arguments). The mounts exist only in
that namespace: the host's mount table never changes, and they vanish with the processes,
so `stop` (which ends the server's process group) leaves nothing mounted.
"""

# The docstring above is the usage text (`scripts/localwiki --help`), word for word as the
# shell version printed it.

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
from collections.abc import Sequence

from .deps import ensure_deps, remove_tree
from .layout import Fatal, Layout, logical_cwd, server_url
from .php import exposable, mw_version, php_command, php_sees
from .render import bash_q
from .server import port_in_use, running_pid, start_server, stop_server
from .wiki import configure_wiki, create_wiki, foreign_content, wiki_exists

USAGE = __doc__ or ""


def cmd_start(layout: Layout) -> int:
    port = layout.requested_port()
    os.makedirs(layout.wiki_dir, exist_ok=True)
    with open(layout.file(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        wanted = layout.env.get("ADVOCACY_MEDIAWIKI")
        if wanted and wanted != layout.series:
            raise Fatal(f"the wiki in {layout.wiki_dir} is MediaWiki {layout.series}, not "
                        f"{wanted} (`reset` it, or use another ADVOCACY_WIKI_DIR)")
        pid = running_pid(layout)
        if pid is not None:
            running_port = layout.stored_port()
            asked = layout.env.get("ADVOCACY_WIKI_PORT")
            if asked and asked != running_port:
                raise Fatal(f"wiki in {layout.wiki_dir} is already running on port "
                            f"{running_port} (not {asked}); stop it first")
            print(f"Local wiki already running: {server_url(running_port)}/wiki/Main_Page "
                  f"(pid {pid})")
            return 0
        if port_in_use(port):
            raise Fatal(f"port {port} is already in use by another process "
                        "(set ADVOCACY_WIKI_PORT to use another port)")
        # (/dev/shm is seen through the chroot's /dev, the host's.)
        if (layout.chroot and not layout.wiki_dir.startswith("/dev/shm/")
                and not exposable(layout.wiki_dir)):
            raise Fatal("a 1.43 wiki's directory cannot be under /usr, /etc, /var, /run, /dev "
                        f"or /proc (the chroot has its own): {layout.wiki_dir}")
        ensure_deps(layout)
        if not wiki_exists(layout):
            create_wiki(layout)
        configure_wiki(layout, port)
        start_server(layout, port)
        url = server_url(port)
        print(f"Local wiki running: {url}/wiki/Main_Page (MediaWiki {mw_version(layout)}, "
              f"api: {url}/api.php, dir: {layout.wiki_dir})")
    return 0


def cmd_stop(layout: Layout) -> int:
    if stop_server(layout):
        print(f"Local wiki stopped ({layout.wiki_dir})")
    else:
        print(f"Local wiki not running ({layout.wiki_dir})")
    return 0


def cmd_reset(layout: Layout) -> int:
    with contextlib.suppress(Exception):  # a broken old wiki is what reset is for
        stop_server(layout)
    if os.path.lexists(layout.wiki_dir):
        if foreign_content(layout):
            raise Fatal(f"{layout.wiki_dir} is not a localwiki directory; refusing to delete it")
        remove_tree(layout.wiki_dir)
    # Again from the top: the new wiki is ADVOCACY_MEDIAWIKI's version (default 1.39), not the
    # deleted one's.
    return cmd_start(Layout.from_env(layout.env))


def cmd_status(layout: Layout) -> int:
    port = layout.stored_port() or layout.requested_port()
    url = server_url(port)
    pid = running_pid(layout)
    if pid is not None:
        print(f"running (pid {pid})")
    elif wiki_exists(layout):
        print("stopped")
    else:
        print(f"stopped (no wiki created in {layout.wiki_dir} yet)")
    print(f"mediawiki: {layout.series}")
    print(f"url: {url}/wiki/Main_Page")
    print(f"api: {url}/api.php")
    print(f"dir: {layout.wiki_dir}")
    return 0 if pid is not None else 3


def _renameuser_core_args(args: Sequence[str]) -> list[str]:
    """Renameuser's --oldname/--newname as core's renameUser.php (1.40+) wants them: the
    other arguments, then the two names."""
    old = new = ""
    rest: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("--oldname", "--newname"):
            value = args[i + 1] if i + 1 < len(args) else ""
            i += 2
        elif a.startswith(("--oldname=", "--newname=")):
            value = a.split("=", 1)[1]
            i += 1
        else:
            rest.append(a)
            i += 1
            continue
        if a.startswith("--oldname"):
            old = value
        else:
            new = value
    return [*rest, old, new]


def maint_dirs(layout: Layout, args: Sequence[str]) -> list[str]:
    """Directories a maintenance script's PHP must see (1.43): the wiki's, the working
    directory, those of absolute file arguments (``--opt=/path`` too)."""
    dirs = [layout.wiki_dir, logical_cwd(layout.env)]
    for a in args:
        if a.startswith("--") and "=" in a[2:]:
            a = a[2:].split("=", 1)[1]
        if not a.startswith("/"):
            continue
        if os.path.isdir(a):
            dirs.append(a)
        elif os.path.exists(a):
            dirs.append(os.path.dirname(a))
    return dirs


def cmd_maint(layout: Layout, argv: Sequence[str]) -> int:
    if not argv:
        raise Fatal("usage: localwiki maint SCRIPT [ARGS...]")
    script, args = argv[0], list(argv[1:])
    settings = layout.settings
    if not os.path.isfile(settings):
        raise Fatal(f"no wiki in {layout.wiki_dir} (run `scripts/localwiki start` first)")
    ensure_deps(layout)
    script = script.removesuffix(".php") + ".php"
    root = layout.mw_root
    if not script.startswith("/"):
        script = f"{root}/maintenance/{script}"
    if (script == f"{root}/extensions/Renameuser/maintenance/renameUser.php"
            and not php_sees(layout, script)
            and php_sees(layout, f"{root}/maintenance/renameUser.php")):
        # Renameuser is core from 1.40: same script name, the names as arguments.
        script = f"{root}/maintenance/renameUser.php"
        args = _renameuser_core_args(args)
    if not php_sees(layout, script):
        raise Fatal(f"no such maintenance script: {script}")
    cmd = php_command(layout, maint_dirs(layout, args),
                      ["php", script, "--conf", settings, *args], {"MW_CONFIG_FILE": settings})
    sys.stdout.flush()
    sys.stderr.flush()
    cmd.exec()
    return 1  # not reached


def cmd_env(layout: Layout) -> int:
    port = layout.requested_port()
    url = server_url(port)
    for key, value in (("ADVOCACY_WIKI_URL", url), ("ADVOCACY_WIKI_API", f"{url}/api.php"),
                       ("ADVOCACY_WIKI_DIR", layout.wiki_dir), ("ADVOCACY_WIKI_PORT", port),
                       ("ADVOCACY_WIKI_CREDENTIALS", layout.file("credentials.json")),
                       ("ADVOCACY_MEDIAWIKI", layout.series)):
        print(f"{key}={bash_q(value)}")
    return 0


def usage() -> None:
    sys.stderr.write(USAGE)


def run(argv: Sequence[str]) -> int:
    layout = Layout.from_env()
    if not argv:
        usage()
        return 2
    cmd, rest = argv[0], argv[1:]
    if cmd == "maint":
        return cmd_maint(layout, rest)
    commands = {"start": cmd_start, "stop": cmd_stop, "reset": cmd_reset,
                "status": cmd_status, "env": cmd_env}
    if cmd in commands:
        return commands[cmd](layout)
    if cmd == "deps":
        ensure_deps(layout)
        return 0
    usage()
    return 0 if cmd in ("-h", "--help", "help") else 2


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except Fatal as exc:
        sys.stdout.flush()
        print(f"localwiki: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
