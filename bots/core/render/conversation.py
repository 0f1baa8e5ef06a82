"""Conversation around issues and digests: the invitation that ends each of them, and the
"From the conversation" list of an issue (the talk-page threads of the previous period)."""

from __future__ import annotations

from collections.abc import Sequence

from bots.core.digest import Discussion
from bots.core.messages import Messages
from bots.core.wikitext import escape, heading, page_link, user_link


def talk_page(title: str) -> str:
    """The talk page of a hub page in the main namespace (as ``[digest] hub_talk_page``)."""
    return f"Talk:{title}"


def invitation(msgs: Messages, key: str, talk: str) -> str:
    """The last line of an issue or digest: discuss it on ``talk`` (named, linked)."""
    return "''" + msgs(key, page_link(talk)) + "''"


def thread_line(msgs: Messages, thread: Discussion) -> str:
    anchor = f"{thread.page}#{thread.section}" if thread.section else thread.page
    label = f"{thread.page} – {thread.section}" if thread.section else thread.page
    people = ", ".join(user_link(u) for u in thread.users[:5])
    return ("* " + page_link(anchor, label) + " – "
            + escape(msgs("advocacyhub-digest-discussion", thread.edits)) + " " + people)


def from_conversation(msgs: Messages, threads: Sequence[Discussion], since: str) -> str:
    """An issue's section of the threads active since ``since`` ("" when there were none)."""
    if not threads:
        return ""
    return "\n".join([heading(msgs("advocacyhub-conversation-heading")),
                      msgs("advocacyhub-conversation-intro", since[:10]),
                      *(thread_line(msgs, t) for t in threads)])
