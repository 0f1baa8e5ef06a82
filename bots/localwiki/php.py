"""Running this wiki's PHP: on the host for 1.39; for 1.43 chrooted into the trixie root, in a
private mount namespace.

For 1.43 the process (before it execs PHP) unshares its mount namespace, makes every mount
private, mounts a tmpfs on the trixie view and binds into it the root's /usr, /etc and /var,
the host's /dev and /proc, and the host directories the command needs at their own paths (the
wiki's, for ``maint`` also those of file arguments); then it chroots there. The mounts exist
only in that namespace: the host's mount table never changes and they vanish with the
processes, so ``stop`` (which ends the server's process group) leaves nothing mounted. The
process keeps its pid, so pid files and process groups work as on the host.

The namespace is entered with unshare(2) and mount(2) through ctypes (os.unshare is 3.12+):
no helper process, nothing but the stdlib.
"""

from __future__ import annotations

import ctypes
import os
import re
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .layout import Fatal, Layout, logical_cwd

CHROOT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# What a chrooted process keeps of the caller's environment.
PASSED_ENV = ("MW_CONFIG_FILE", "PHP_CLI_SERVER_WORKERS")

_CLONE_NEWNS = 0x00020000
_MS_BIND = 4096
_MS_REC = 16384
_MS_PRIVATE = 1 << 18


def exposable(directory: str) -> bool:
    """True if a 1.43 process may see ``directory`` at its own path: not what the root has
    itself (/usr, /etc, /var, /dev, /proc ...), and an existing directory."""
    if directory == "/" or re.match(
        r"/(usr|etc|var|dev|proc|sys|bin|sbin|run)(/|$)|/lib", directory
    ):
        return False
    return os.path.isdir(directory)


def exposed_dirs(dirs: Sequence[str]) -> list[str]:
    """The directories to bind, parents first; one inside another is seen through it."""
    done: list[str] = []
    for d in sorted({d for d in dirs if d}):
        if not any(f"{d}/".startswith(f"{p}/") for p in done):
            done.append(d)
    return done


def exists_in_root(root: str, path: str, *, kind: str = "e") -> bool:
    """``chroot ROOT test -e PATH`` (or ``-f``) without a process: absolute symlinks inside the
    root mean the root's files (Debian links parts of /usr/share/mediawiki to /etc, /var)."""
    parts = [p for p in path.split("/") if p]
    real = ""  # the path inside the root, symlinks resolved so far
    hops = 0
    while parts:
        part = parts.pop(0)
        if part == ".":
            continue
        if part == "..":
            real = real.rsplit("/", 1)[0]
            continue
        candidate = f"{real}/{part}"
        host = root + candidate
        if os.path.islink(host):
            hops += 1
            if hops > 40:
                return False
            target = os.readlink(host)
            parts = [p for p in target.split("/") if p] + parts
            if target.startswith("/"):
                real = ""
            continue
        real = candidate
    host = root + real if real else root
    return os.path.isfile(host) if kind == "f" else os.path.exists(host)


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(libc: ctypes.CDLL, source: str | None, target: str, fstype: str | None,
           flags: int, data: str | None = None) -> None:
    _check(libc.mount(source.encode() if source else None, target.encode(),
                      fstype.encode() if fstype else None, ctypes.c_ulong(flags),
                      data.encode() if data else None),
           f"mount {target}")


@dataclass(frozen=True)
class View:
    """A private view of the trixie root with ``dirs`` of the host at their own paths."""

    root: str
    mount_point: str
    cwd: str
    dirs: tuple[str, ...]

    def enter(self) -> None:
        """Enter it: this process (and what it execs) is then chrooted in the view."""
        libc = _libc()
        _check(libc.unshare(_CLONE_NEWNS), "unshare")
        _mount(libc, None, "/", None, _MS_REC | _MS_PRIVATE)
        view = self.mount_point
        _mount(libc, "advocacy-localwiki", view, "tmpfs", 0, "mode=0755")
        for d in ("usr", "etc", "var"):
            os.mkdir(f"{view}/{d}")
            _mount(libc, f"{self.root}/{d}", f"{view}/{d}", None, _MS_BIND)
        for link in ("bin", "sbin", "lib", "lib64", "lib32", "libx32"):
            if os.path.islink(f"{self.root}/{link}"):
                os.symlink(os.readlink(f"{self.root}/{link}"), f"{view}/{link}")
        for d in ("dev", "proc", "tmp", "run"):
            os.makedirs(f"{view}/{d}", exist_ok=True)
        os.chmod(f"{view}/tmp", 0o1777)
        _mount(libc, "/dev", f"{view}/dev", None, _MS_BIND | _MS_REC)
        _mount(libc, "/proc", f"{view}/proc", None, _MS_BIND)
        for d in self.dirs:
            os.makedirs(view + d, exist_ok=True)
            _mount(libc, d, view + d, None, _MS_BIND)
        os.chroot(view)
        os.chdir(self.cwd)


@dataclass(frozen=True)
class PhpCommand:
    """A command to run with a wiki's PHP: ``argv`` with ``env``, in ``view`` for 1.43."""

    argv: list[str]
    env: dict[str, str]
    view: View | None = None  # None: on the host, in the caller's working directory

    def _preexec(self, then: Callable[[], None] | None = None) -> Callable[[], None] | None:
        view = self.view
        if view is None and then is None:
            return None

        def preexec() -> None:
            if then is not None:
                then()
            if view is not None:
                try:
                    view.enter()
                except OSError as exc:
                    # The parent only learns "Exception occurred in preexec_fn": say what.
                    os.write(2, f"localwiki: cannot enter the trixie root: {exc}\n".encode())
                    raise

        return preexec

    def run(self, *, stdout: IO[Any] | int | None = None,
            stderr: IO[Any] | int | None = None) -> int:
        """Run it to the end; its exit status."""
        return self.popen(stdout=stdout, stderr=stderr).wait()

    def popen(self, *, stdin: IO[Any] | int | None = None,
              stdout: IO[Any] | int | None = None, stderr: IO[Any] | int | None = None,
              new_session: bool = False,
              then: Callable[[], None] | None = None) -> subprocess.Popen[bytes]:
        try:
            return subprocess.Popen(
                self.argv, env=self.env, stdin=stdin, stdout=stdout,
                stderr=stderr, start_new_session=new_session, preexec_fn=self._preexec(then),
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise Fatal(f"cannot run {self.argv[0]}: {exc}") from exc

    def exec(self) -> None:
        """Replace this process with it (``maint``: PHP's exit status is ours)."""
        if self.view is not None:
            try:
                self.view.enter()
            except OSError as exc:
                raise Fatal(f"cannot enter the trixie root: {exc}") from exc
        try:
            os.execvpe(self.argv[0], self.argv, self.env)
        except OSError as exc:
            raise Fatal(f"cannot run {self.argv[0]}: {exc}") from exc


def php_command(layout: Layout, dirs: Sequence[str], argv: Sequence[str],
                env: Mapping[str, str] | None = None) -> PhpCommand:
    """The command that runs ``argv`` with the wiki's PHP. For 1.43 ``dirs`` are the host
    directories it must see (the working directory is kept when it is one of them); only
    MW_CONFIG_FILE and PHP_CLI_SERVER_WORKERS of the environment are passed on, PATH is the
    root's."""
    full_env = {**layout.env, **(env or {})}
    if not layout.chroot:
        return PhpCommand(list(argv), full_env)
    keep = [d for d in dirs if d and exposable(d)]
    pwd = logical_cwd(layout.env)
    cwd = "/"
    for d in keep:
        if f"{pwd}/".startswith(f"{d}/"):
            cwd = pwd
    chroot_env = {"PATH": CHROOT_PATH, "HOME": "/tmp", "LANG": "C.UTF-8", "TZ": "UTC"}
    chroot_env.update({k: full_env[k] for k in PASSED_ENV if full_env.get(k)})
    view = View(layout.chroot, layout.trixie_view, cwd, tuple(exposed_dirs(keep)))
    return PhpCommand(list(argv), chroot_env, view)


def php_sees(layout: Layout, path: str, kind: str = "f") -> bool:
    """True if the wiki's PHP sees a file at ``path`` (for 1.43: inside the trixie root)."""
    if not layout.chroot:
        return os.path.isfile(path) if kind == "f" else os.path.exists(path)
    return exists_in_root(layout.chroot, path, kind=kind)


def mw_version(layout: Layout) -> str:
    """MediaWiki's version (e.g. 1.39.17), from its includes/Defines.php."""
    defines = Path(layout.mw_files) / "includes" / "Defines.php"
    try:
        text = defines.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    match = re.search(r"^define\( *'MW_VERSION', *'([^']*)' *\);", text, re.MULTILINE)
    if not match or not match.group(1):
        raise Fatal(f"cannot determine MediaWiki version from {defines}")
    return match.group(1)


def available_extensions(layout: Layout, wanted: Sequence[str]) -> list[str]:
    """The ``wanted`` extensions this MediaWiki has."""
    return [ext for ext in wanted
            if php_sees(layout, f"{layout.mw_root}/extensions/{ext}/extension.json", "e")]
