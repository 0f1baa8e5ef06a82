"""Where the watcher learns of changes: one ``list=recentchanges`` request per poll, or
Wikimedia's EventStreams (``recentchange``) through pywikibot's own client, read in a thread.
"""

from __future__ import annotations

import http.client
import logging
import queue
import threading
from dataclasses import dataclass
from typing import Any

import pywikibot
import requests

log = logging.getLogger(__name__)

RCPROP = "title|ids|timestamp|user|loginfo"


def poll(site: pywikibot.site.APISite, since: str, *, exclude: str,
         limit: int) -> tuple[list[dict[str, Any]], bool]:
    """The recent changes from ``since`` (inclusive), oldest first, ``exclude``'s left out,
    in ONE request; and whether there are more than ``limit`` (the next poll reads them)."""
    data = site.simple_request(action="query", list="recentchanges", rcstart=since,
                               rcdir="newer", rcexcludeuser=exclude, rcprop=RCPROP,
                               rclimit=limit, formatversion=2).submit()
    return list(data.get("query", {}).get("recentchanges", [])), "continue" in data


def server_name(site: pywikibot.site.APISite) -> str:
    """The name EventStreams gives the wiki (``server_name``: ``meta.wikimedia.org``): the
    wiki's own $wgServerName, without a port (pywikibot's hostname() has one)."""
    return str(site.siteinfo.get("servername") or site.hostname())


@dataclass(frozen=True)
class StreamEnded:
    """Put on the queue when the stream cannot go on (the watcher then polls)."""

    error: str


class StreamReader(threading.Thread):
    """Reads EventStreams' ``recentchange`` in a thread and puts this wiki's messages on a
    queue (bounded: the watcher takes them as fast as they come). Canary events are left out
    by pywikibot's client; the watcher checks again (bots.core.watch.from_event).

    A dropped connection is resumed by the client with the last event's id (Last-Event-ID),
    and the service replays from there: the watcher's bookkeeping makes a replay harmless.
    ``since``: where a new connection starts (the watermark's time), so that a restarted
    watcher misses nothing that happened while it was down."""

    def __init__(self, site: pywikibot.site.APISite, *, since: str, url: str = "",
                 retry_ms: int = 5000, timeout: float = 75.0, maxsize: int = 10000,
                 connect_retries: int = 2) -> None:
        super().__init__(name="eventstreams", daemon=True)
        self.site = site
        self.since = since
        self.url = url
        self.retry_ms = retry_ms
        self.timeout = timeout
        self.connect_retries = connect_retries
        self.queue: queue.Queue[dict[str, Any] | StreamEnded] = queue.Queue(maxsize)
        self.stopping = threading.Event()

    def open(self) -> Any:
        from pywikibot.comms.eventstreams import EventStreams

        kwargs: dict[str, Any] = {"streams": "recentchange", "site": self.site,
                                  "since": self.since, "retry": self.retry_ms,
                                  "timeout": (6.05, self.timeout)}
        if self.url:  # another server (the tests' recorded stream); ?since= as the service's
            sep = "&" if "?" in self.url else "?"
            kwargs["url"] = f"{self.url}{sep}since={self.since}" if self.since else self.url
        stream = EventStreams(**kwargs)
        stream.register_filter(server_name=server_name(self.site))
        # The first connection with few retries: a stream that is not there is soon left
        # for polling (pywikibot would retry it [limits] max_retries times, minutes on
        # Meta); once connected, pywikibot's client reconnects as it does.
        from requests_sse import EventSource

        stream.source = EventSource(**stream.sse_kwargs)
        stream.source.connect(self.connect_retries)
        return stream

    def run(self) -> None:
        try:
            for element in self.open():
                if self.stopping.is_set():
                    return
                self.queue.put(element)
        # The stream failed for good (refused, an error status, not SSE, requests-sse
        # missing, the network): the watcher falls back to polling.
        except (requests.RequestException, OSError, http.client.HTTPException, ImportError,
                ValueError, pywikibot.exceptions.Error) as exc:
            self.queue.put(StreamEnded(f"{type(exc).__name__}: {exc}"[:300]))
            return
        except Exception as exc:
            # A message of an unexpected shape in pywikibot's filter (anything): the thread
            # must still say it ended, or the watcher waits on an empty queue forever
            # instead of polling.
            log.exception("watch: the stream reader failed")
            self.queue.put(StreamEnded(f"{type(exc).__name__}: {exc}"[:300]))
            return
        self.queue.put(StreamEnded("the stream ended"))

    def stop(self) -> None:
        self.stopping.set()
