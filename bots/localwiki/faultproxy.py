"""A fault-injecting HTTP reverse proxy on 127.0.0.1, in front of a local wiki (tests and
scripts/fault_run.py; dev tooling, stdlib only).

    with FaultProxy(wiki.server, FaultPlan(rate=0.2, seed=7)) as proxy:
        env["ADVOCACY_API_URL"] = proxy.api_url   # the bot now talks to the wiki through it
        ...
        proxy.counts   # Counter: requests, passed, and one count per fault kind injected

For a share ``rate`` of requests it injects one fault, picked by ``weights`` among those that
fit the request; the others are forwarded untouched. The faults:

- ``503``: a 503 HTML page with ``Retry-After`` (the request does not reach the wiki);
- ``slow``: ``slow_delay`` seconds, then forwarded (under the client's read timeout);
- ``timeout``: ``timeout_delay`` seconds (over the client's read timeout), then the connection
  is closed; the wiki never sees the request (a hung server);
- ``drop``: the connection is closed at once, no response (the wiki never sees the request);
- ``lost``: forwarded, the wiki's answer read, and the connection closed without it: the wiki
  did the work but the client cannot know (the hard case for "nothing duplicated");
- ``maxlag``: the API's maxlag error, with ``Retry-After`` (only for requests carrying
  ``maxlag=``, as the real wiki does);
- ``readonly``: the API's read-only error (only for edits, as the real wiki does).

Decisions come from ``random.Random(seed)`` in arrival order: the same requests in the same
order get the same faults. The proxy is threaded and stdlib-only.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import random
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

KINDS = ("503", "slow", "timeout", "drop", "lost", "maxlag", "readonly")
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
               "trailers", "transfer-encoding", "upgrade", "content-length", "host", "server",
               "date"}


@dataclass
class FaultPlan:
    rate: float = 0.2
    seed: int = 0
    weights: dict[str, float] = field(default_factory=lambda: {
        "503": 3, "drop": 2, "lost": 2, "timeout": 1, "slow": 1, "maxlag": 2, "readonly": 2})
    slow_delay: float = 0.3
    timeout_delay: float = 4.0
    retry_after: int = 1

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)} (known: {KINDS})")


class FaultProxy:
    def __init__(self, upstream: str, plan: FaultPlan | None = None) -> None:
        parts = urlsplit(upstream)
        self.upstream_host = parts.hostname or "127.0.0.1"
        self.upstream_port = parts.port or 80
        self.plan = plan or FaultPlan()
        self.rng = random.Random(self.plan.seed)
        self.counts: Counter[str] = Counter()
        self.events: list[tuple[int, str, str]] = []  # (request number, kind, API action)
        self.enabled = True
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.proxy = self  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------
    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api.php"

    def start(self) -> FaultProxy:
        self._thread = threading.Thread(target=self._server.serve_forever, name="faultproxy",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def faults(self) -> int:
        return sum(self.counts[k] for k in KINDS)

    # -- the decision -------------------------------------------------------------------
    def decide(self, method: str, target: str, body: bytes) -> str:
        """The fault for this request, or "" to forward it untouched."""
        text = target + "&" + body[:4096].decode("latin-1")
        action = ""
        for part in text.replace("?", "&").split("&"):
            if part.startswith("action="):
                action = part[7:]
                break
        with self._lock:
            self.counts["requests"] += 1
            number = self.counts["requests"]
            roll, pick = self.rng.random(), self.rng.random()  # both drawn: same sequence
            kind = ""
            if self.enabled and roll < self.plan.rate:
                fits = {k: w for k, w in self.plan.weights.items() if w > 0 and (
                    k != "maxlag" or "maxlag=" in text) and (
                    k != "readonly" or (method == "POST" and action == "edit"))}
                total = sum(fits.values())
                acc = 0.0
                for k, w in fits.items():
                    acc += w / total
                    if pick < acc:
                        kind = k
                        break
                else:
                    kind = next(reversed(fits), "") if fits else ""
            self.counts[kind or "passed"] += 1
            if kind:
                self.events.append((number, kind, action))
            return kind

    def forward(self, method: str, target: str, headers: list[tuple[str, str]],
                body: bytes) -> tuple[int, str, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=300)
        try:
            conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", f"{self.upstream_host}:{self.upstream_port}")
            for name, value in headers:
                if name.lower() not in _HOP_BY_HOP:
                    conn.putheader(name, value)
            conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            resp = conn.getresponse()
            data = resp.read()
            out = [(k, v) for k, v in resp.getheaders() if k.lower() not in _HOP_BY_HOP]
            return resp.status, resp.reason, out, data
        finally:
            conn.close()


def _api_error(code: str, info: str, **extra: object) -> bytes:
    return json.dumps({"error": {"code": code, "info": info, **extra,
                                 "*": "See the API help."}, "servedby": "faultproxy"}).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection: a closed socket is the fault

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _handle(self) -> None:
        proxy: FaultProxy = self.server.proxy  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        kind = proxy.decide(self.command, self.path, body)
        plan = proxy.plan
        if kind == "drop":
            self._close()
            return
        if kind == "timeout":
            time.sleep(plan.timeout_delay)
            self._close()
            return
        if kind == "503":
            page = b"<html><body><h1>503 Service Unavailable</h1>Try again.</body></html>"
            self._reply(503, "Service Unavailable",
                        [("Content-Type", "text/html"), ("Retry-After", str(plan.retry_after))],
                        page)
            return
        if kind == "maxlag":
            self._reply(200, "OK", [("Content-Type", "application/json"),
                                    ("Retry-After", str(plan.retry_after)),
                                    ("X-Database-Lag", "7"), ("MediaWiki-API-Error", "maxlag")],
                        _api_error("maxlag", "Waiting for 127.0.0.1: 7 seconds lagged.",
                                   host="127.0.0.1", lag=7, type="db"))
            return
        if kind == "readonly":
            self._reply(200, "OK", [("Content-Type", "application/json"),
                                    ("MediaWiki-API-Error", "readonly")],
                        _api_error("readonly", "The wiki is currently in read-only mode.",
                                   readonlyreason="Database maintenance (fault injected)."))
            return
        if kind == "slow":
            time.sleep(plan.slow_delay)
        try:
            status, reason, headers, data = proxy.forward(self.command, self.path,
                                                          list(self.headers.items()), body)
        except OSError:  # the wiki itself is down (restarting): a gateway's answer
            page = b"<html><body><h1>502 Bad Gateway</h1>The wiki is down.</body></html>"
            self._reply(502, "Bad Gateway", [("Content-Type", "text/html")], page)
            return
        if kind == "lost":
            self._close()
            return
        self._reply(status, reason, headers, data)

    do_GET = do_POST = do_HEAD = _handle

    def _reply(self, status: int, reason: str, headers: list[tuple[str, str]],
               data: bytes) -> None:
        try:
            self.send_response(status, reason)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _close(self) -> None:
        """Close the connection without a byte of response."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
