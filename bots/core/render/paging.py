"""Pages that stay small: long lists split into sub-pages by the first letters of their keys.

A generated page over the budget (512 KiB by default; MediaWiki refuses 2 MiB, and a page of
megabytes is slow to save and to read) is split by the first character of each item's key
(``A``, ``B`` ... ``0`` ... ``Д``, ``中`` ... ``Other`` for keys that start with neither a
letter nor a digit), and a part still over the budget by its next character (``Sa``,
``Se``). The split is decided by the keys alone, never by positions: adding one item changes
only the sub-page it falls in (and the overview's counts), so edits do not churn. A part
whose keys cannot be told apart further is cut into numbered pieces, the one place where
positions count.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

PAGE_BUDGET = 512 * 1024  # bytes of wikitext per generated page
OTHER = "Other"  # the part for keys that do not start with a Latin letter or a digit
MAX_DEPTH = 100  # characters: deeper than any title prefix shared by many cases, and a
# sub-page's title stays within MediaWiki's 255 bytes


def size(text: str) -> int:
    return len(text.encode("utf-8"))


def fold(key: str) -> str:
    """The key as it is bucketed: accents dropped, case folded (``Émile`` -> ``emile``)."""
    decomposed = unicodedata.normalize("NFKD", key)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def _segment(key: str, depth: int) -> str:
    """The bucket label of ``key`` at ``depth`` characters: letters and digits of any script
    as they are (``Д``, ``中`` ...), anything else as ``-``; keys that start with neither are
    ``Other``."""
    folded = fold(key)
    if not folded or not folded[0].isalnum():
        return OTHER if depth == 1 else OTHER + "-" * (depth - 1)
    out = []
    for ch in folded[:depth]:
        out.append(ch if ch.isalnum() else "-")
    out += ["-"] * (depth - len(out))
    label = "".join(out)
    return label[:1].upper() + label[1:]


@dataclass(frozen=True)
class Part:
    """One sub-page: its label (the title suffix), and the items on it, in order."""

    label: str
    items: tuple[int, ...]


def split(keys: Sequence[str], sizes: Sequence[int], budget: int) -> list[Part]:
    """Items (already in display order) as parts whose sizes sum to at most ``budget``; one
    part labelled "" when everything fits. ``sizes`` are each item's bytes on the page."""
    if sum(sizes) <= budget:
        return [Part("", tuple(range(len(keys))))]
    parts: list[Part] = []
    _split(list(range(len(keys))), keys, sizes, budget, 1, parts)
    return sorted(parts, key=lambda p: (p.label.startswith(OTHER), p.label))


def _split(items: list[int], keys: Sequence[str], sizes: Sequence[int], budget: int,
           depth: int, out: list[Part]) -> None:
    groups: dict[str, list[int]] = {}
    for i in items:
        groups.setdefault(_segment(keys[i], depth), []).append(i)
    for label, members in groups.items():
        if sum(sizes[i] for i in members) <= budget:
            out.append(Part(label, tuple(members)))
            continue
        # The next depth where these keys differ ("Bench case 1", "Bench case 2" ...).
        deeper = next((d for d in range(depth + 1, MAX_DEPTH + 1)
                       if len({_segment(keys[i], d) for i in members}) > 1), None)
        if deeper is not None:
            _split(members, keys, sizes, budget, deeper, out)
        else:  # the keys are alike this far: numbered pieces
            piece: list[int] = []
            used = 0
            n = 1
            for i in members:
                if piece and used + sizes[i] > budget:
                    out.append(Part(f"{label} {n}", tuple(piece)))
                    piece, used, n = [], 0, n + 1
                piece.append(i)
                used += sizes[i]
            out.append(Part(f"{label} {n}" if n > 1 else label, tuple(piece)))


class Layout:
    """The splits of a set of pages written in several languages: a page is split the same
    way in every language (a language bar links each part to the same part in the others),
    by the largest of its languages. Each renderer first *measures* (every language), then,
    once :meth:`freeze` is called, renders by the shared decision. A layout made with
    ``solo=True`` (one language) decides at once."""

    def __init__(self, budget: int = PAGE_BUDGET, *, solo: bool = False) -> None:
        self.budget = budget
        self.solo = solo
        self.frozen = solo
        self._single: dict[str, int] = {}
        self._head: dict[str, int] = {}
        self._rows: dict[str, list[int]] = {}
        self._extra: dict[str, int] = {}

    def freeze(self) -> None:
        self.frozen = True

    def measure(self, key: str, single: int, rows: Sequence[int], head: int = 0) -> None:
        if self.solo:  # one language: the latest measure is the decision
            self._single[key], self._rows[key], self._head[key] = single, list(rows), head
            return
        if self.frozen:
            return
        self._single[key] = max(self._single.get(key, 0), single)
        self._head[key] = max(self._head.get(key, 0), head)
        known = self._rows.get(key)
        self._rows[key] = list(rows) if known is None else [max(a, b) for a, b in
                                                            zip(known, rows, strict=True)]

    def reserve(self, key: str, extra: int) -> None:
        """Room page ``key`` needs while it is one page, besides what its renderer measures:
        text the job adds to it afterwards (the featured case on the case index), in its
        largest language."""
        if not self.frozen or self.solo:
            self._extra[key] = max(self._extra.get(key, 0), extra)

    def fits(self, key: str) -> bool:
        """Page ``key`` fits the budget in its largest language."""
        return self._single[key] + self._extra.get(key, 0) <= self.budget

    def parts(self, key: str, keys: Sequence[str], room: int) -> list[Part]:
        """The parts of page ``key``: one part labelled "" while its largest language fits.
        ``room`` is the budget less what a part spends outside its rows and table head."""
        if self.fits(key):
            return [Part("", tuple(range(len(keys))))]
        parts: list[Part] = []
        _split(list(range(len(keys))), keys, self._rows[key], room - self._head[key], 1, parts)
        return sorted(parts, key=lambda p: (p.label.startswith(OTHER), p.label))
