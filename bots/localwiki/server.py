"""A wiki's web server: PHP's built-in server on 127.0.0.1, the leader of its own process group
(so that ``stop`` ends it and its PHP_CLI_SERVER_WORKERS together), its pid in server.pid."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .deps import tail
from .layout import Fatal, Layout, digits, note, server_url
from .php import php_command

READY_SECONDS = 30


def pid_alive(pid: int) -> bool:
    """True if ``pid`` exists and is not a zombie (this machine's init may take a while to
    reap orphaned children, and kill(pid, 0) succeeds on zombies)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(") ", 1)[-1].split(" ", 1)[0] != "Z"


def running_pid(layout: Layout) -> int | None:
    """The pid of this directory's server if it is running (its command line names this
    wiki's port and router, so a reused pid is not taken for it)."""
    pid = digits(layout.dir / "server.pid")
    if not pid:
        return None
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(
            errors="replace")
    except OSError:
        return None
    port = layout.stored_port()
    if f"127.0.0.1:{port}" not in cmdline or layout.router not in cmdline:
        return None
    return int(pid)


def port_in_use(port: str) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        try:
            sock.connect(("127.0.0.1", int(port)))
        except OSError:
            return False
    return True


def http_get(url: str) -> str | None:
    """The body of a 2xx answer, else None."""
    import urllib.request  # here: only `start` needs it (saves each command 15 ms)

    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.read().decode("utf-8", errors="replace")
    except (OSError, ValueError):  # URLError and HTTPError are OSErrors
        return None


def _log(layout: Layout) -> str:
    return layout.file("server.log")


def wait_ready(layout: Layout, port: str, pid: int) -> None:
    api = f"{server_url(port)}/api.php?action=query&meta=siteinfo&format=json"
    deadline = time.monotonic() + READY_SECONDS
    body: str | None = None
    log = _log(layout)
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            note(f"the PHP server exited; last lines of {log}:")
            sys.stderr.write(tail(log))
            Path(layout.file("server.pid")).unlink(missing_ok=True)
            if "Address already in use" in Path(log).read_text(errors="replace"):
                raise Fatal(f"port {port} is already in use by another process")
            raise Fatal("the PHP built-in server failed to start")
        body = http_get(api) or body
        if body is not None and body.startswith("{") and '"general"' in body:
            return
        time.sleep(0.1)
    note(f"no siteinfo answer from {api} after {READY_SECONDS} s; last lines of {log}:")
    sys.stderr.write(tail(log))
    if body:
        note("last response:")
        print(body[:2000], file=sys.stderr)
    with contextlib.suppress(Exception):
        stop_server(layout)
    raise Fatal("the wiki did not become ready")


def _ignore_hangup() -> None:
    # As nohup did: the server outlives the terminal it was started from.
    signal.signal(signal.SIGHUP, signal.SIG_IGN)


def start_server(layout: Layout, port: str) -> None:
    if port_in_use(port):
        raise Fatal(f"port {port} is already in use by another process "
                    "(set ADVOCACY_WIKI_PORT to use another port)")
    log = _log(layout)
    Path(log).write_bytes(b"")
    cmd = php_command(layout, [layout.wiki_dir],
                      ["php", "-S", f"127.0.0.1:{port}", "-t", layout.mw_root, layout.router],
                      {"PHP_CLI_SERVER_WORKERS": "4", "MW_CONFIG_FILE": layout.settings})
    with open(log, "ab") as out:
        proc = cmd.popen(stdin=subprocess.DEVNULL, stdout=out, stderr=out, new_session=True,
                         then=_ignore_hangup)
    # Not waited for: the server outlives this command (init reaps it).
    Path(layout.file("server.pid")).write_text(f"{proc.pid}\n")
    wait_ready(layout, port, proc.pid)


def stop_server(layout: Layout) -> bool:
    """End the server (and its workers); False if it was not running."""
    pid_file = Path(layout.file("server.pid"))
    pid = running_pid(layout)
    if pid is None:
        pid_file.unlink(missing_ok=True)
        return False
    _signal_group(pid, signal.SIGTERM)
    for _ in range(100):
        if not pid_alive(pid):
            break
        time.sleep(0.05)
    if pid_alive(pid):
        _signal_group(pid, signal.SIGKILL)
    pid_file.unlink(missing_ok=True)
    return True


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except OSError:
        with contextlib.suppress(OSError):
            os.kill(pid, sig)
