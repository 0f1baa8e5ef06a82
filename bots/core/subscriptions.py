"""Who subscribed whom: every subscriber line attributed to the person who saved it (pure).

A line counts for a person only if that person saved it themselves, and their options
(language, format, topics) come only from such a line: the newest of their own lines. Lines are
followed through the page history revision by revision, by position (a sequence diff of the
page's lines): a line that is new or changed in a revision belongs to that revision's author; a
line left as it was keeps its author, whatever else the revision did.

A line removed by someone other than its author and put back unchanged (a revert of
vandalism) is the author's again; a line its author removed is withdrawn, and the same text
added later by someone else is that editor's line, not the subscriber's.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field

import mwparserfromhell

from bots.core.normalise import make_record
from bots.core.parse import parse_template, shown_templates
from bots.core.records import Record
from bots.core.schema import Schema
from bots.core.usernames import canonical_user, follow_renames, renamed_after

KEEP_RESTORABLE = 2000  # removed lines remembered for a revert; the oldest are forgotten


@dataclass(frozen=True)
class Revision:
    revid: int
    user: str
    text: str
    timestamp: str = ""  # ISO


@dataclass(frozen=True)
class Line:
    """One subscriber template call on the page, and who saved it."""

    text: str  # its exact wikitext
    user: str  # the subscriber it names (canonical; "" when it names nobody)
    author: str  # who saved it (canonical; "" when the history hides the author)
    revid: int  # the revision that saved it
    timestamp: str = ""  # when (ISO): renames after it apply to both names


@dataclass
class Attribution:
    """The subscribers page's lines as of ``last_revid``, in page order (kept on the wiki)."""

    last_revid: int = 0
    last_timestamp: str = ""
    lines: list[Line] = field(default_factory=list)
    restorable: dict[str, Line] = field(default_factory=dict)  # text -> the removed line
    # text -> (who removed it, revision, time): who withdrew an endorsement (bots.core.roles)
    removed: dict[str, tuple[str, int, str]] = field(default_factory=dict)

    def to_json(self) -> dict:
        data = {"version": 2, "last_revid": self.last_revid,
                "last_timestamp": self.last_timestamp,
                "lines": [asdict(line) for line in self.lines],
                "restorable": [asdict(line) for line in self.restorable.values()]}
        if self.removed:
            data["removed"] = [[text, *how] for text, how in self.removed.items()]
        return data

    @classmethod
    def from_json(cls, data: Mapping | None) -> Attribution:
        """The state saved by :meth:`to_json`. Anything older or unreadable starts over: the
        whole history is read again, which is slow once but never wrong."""
        if not data or data.get("version") != 2:
            return cls()
        return cls(int(data["last_revid"]), str(data.get("last_timestamp") or ""),
                   [Line(**line) for line in data["lines"]],
                   {line["text"]: Line(**line) for line in data.get("restorable", [])},
                   {str(r[0]): (str(r[1]), int(r[2]), str(r[3]))
                    for r in data.get("removed", [])})


def subscriber_lines(text: str, schema: Schema) -> list[tuple[str, str]]:
    """(exact wikitext, canonical user named) of every subscriber template call on one page
    revision, in page order; ``schema`` knows the template's redirects too."""
    kind = schema.kind("subscription")
    out: list[tuple[str, str]] = []
    for tpl, name in shown_templates(text):  # in a <div> too, as the harvest reads them
        if schema.kind_for_template(name) is not kind:
            continue
        raw, _problems = parse_template(tpl, kind, "")
        out.append((str(tpl).strip(), canonical_user(raw.get("user", ""))))
    return out


LinesOf = Callable[[str], list[tuple[str, str]]]


def attribute(state: Attribution, revisions: Iterable[Revision], schema: Schema,
              lines_of: LinesOf | None = None) -> Attribution:
    """``state`` brought forward through ``revisions`` (oldest first, by revision id).
    ``lines_of``: (key, person named) of the lines of one revision's text, in page order
    (by default the subscriber lines, keyed by their wikitext)."""
    lines = list(state.lines)
    restorable = dict(state.restorable)
    removed = dict(state.removed)
    last_revid, last_ts = state.last_revid, state.last_timestamp
    for rev in revisions:
        author = canonical_user(rev.user)
        now = (lines_of or (lambda text: subscriber_lines(text, schema)))(rev.text)
        matcher = difflib.SequenceMatcher(None, [line.text for line in lines],
                                          [text for text, _ in now], autojunk=False)
        opcodes = matcher.get_opcodes()
        # Removals first, then insertions: a line moved (the list sorted, say) is removed
        # and inserted in one revision, and keeps its author whatever the order of the two.
        for tag, i1, i2, _j1, _j2 in opcodes:
            if tag == "equal":
                continue
            for gone in lines[i1:i2]:
                removed[gone.text] = (author, rev.revid, rev.timestamp)
                if gone.author and gone.author != author:
                    restorable[gone.text] = gone  # removed by someone else: a revert restores
                else:
                    restorable.pop(gone.text, None)  # withdrawn by its author
        result: list[Line] = []
        for tag, i1, i2, j1, j2 in opcodes:
            if tag == "equal":
                result.extend(lines[i1:i2])
                continue
            for text, user in now[j1:j2]:
                removed.pop(text, None)
                back = restorable.pop(text, None)
                result.append(back if back is not None else
                              Line(text, user, author, rev.revid, rev.timestamp))
        lines = _withdraw_own_copies(result, lines, opcodes, author, restorable)
        last_revid = rev.revid
        while len(restorable) > KEEP_RESTORABLE:
            restorable.pop(next(iter(restorable)))
        while len(removed) > KEEP_RESTORABLE:
            removed.pop(next(iter(removed)))
    return Attribution(last_revid, last_ts, lines, restorable, removed)


def _withdraw_own_copies(result: list[Line], before: list[Line], opcodes: list,
                         author: str, restorable: dict[str, Line]) -> list[Line]:
    """Of several identical lines, the one a person removes is their own. The diff matches
    lines by text, so when someone removes one of two identical lines (their own and another
    editor's copy of it) it may keep theirs and drop the copy: then the copy takes their
    line's place, and their line is withdrawn."""
    gone = [line for tag, i1, i2, _j1, _j2 in opcodes if tag != "equal"
            for line in before[i1:i2] if line.author != author]
    if not gone or not author:
        return result
    kept = {id(line) for line in before}
    out = list(result)
    for copy in gone:
        for i, line in enumerate(out):
            if line.text == copy.text and line.author == author and id(line) in kept:
                out[i] = copy  # the copy stays, under its own author
                kept.discard(id(line))
                if restorable.get(copy.text) is copy:
                    restorable.pop(copy.text)  # not removed: nothing to restore
                break
    return out


def current_names(line: Line, renames: Mapping[str, str],
                  log: list[tuple[str, str, str]]) -> tuple[str, str]:
    """The line's subscriber and author under the names their accounts have now: through
    the renames made after the line was saved (``log``), else through ``renames``."""
    if log and line.timestamp:
        return (renamed_after(line.user, log, line.timestamp),
                renamed_after(line.author, log, line.timestamp))
    return follow_renames(line.user, renames), follow_renames(line.author, renames)


def own_line(line: Line, renames: Mapping[str, str],
             log: list[tuple[str, str, str]] | None = None) -> bool:
    """The line was saved by the person it subscribes (under their name then or now)."""
    if not line.user or not line.author:
        return False
    user, author = current_names(line, renames, log or [])
    return user == author


@dataclass(frozen=True)
class Subscriber:
    person: str  # the account's current name
    line: Line  # the newest line they saved themselves
    record: Record  # that line's fields, normalised and checked


@dataclass
class Subscribers:
    people: dict[str, Subscriber]  # person -> their subscription
    forged: list[Line]  # lines saved by someone other than the person they name
    unnamed: list[Line]  # lines that name nobody


def subscribers(state: Attribution, schema: Schema, page: str,
                renames: Mapping[str, str] | None = None,
                log: list[tuple[str, str, str]] | None = None) -> Subscribers:
    """The people subscribed, each once, with the options of the newest line they saved.
    ``log``: the rename log, (old, new, timestamp) oldest first."""
    renames = renames or {}
    log = log or []
    kind = schema.kind("subscription")
    people: dict[str, Subscriber] = {}
    forged: list[Line] = []
    unnamed: list[Line] = []
    for line in state.lines:
        if not line.user:
            unnamed.append(line)
            continue
        if not own_line(line, renames, log):
            forged.append(line)
            continue
        person = current_names(line, renames, log)[0]
        known = people.get(person)
        if known is not None and known.line.revid > line.revid:
            continue
        tpl = mwparserfromhell.parse(line.text).filter_templates(recursive=False)[0]
        raw, problems = parse_template(tpl, kind, page)
        people[person] = Subscriber(person, line, make_record(kind, page, raw, schema,
                                                              extra_problems=problems))
    # A forged line for someone who also saved their own is ignored, and still reported.
    return Subscribers(people, forged, unnamed)
