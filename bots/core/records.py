"""Records (one template instance each) and the problems found in them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from bots.errors import UnknownField

Value = str | list[str]

# Field names each kind declares, filled by bots.core.schema as schemas are parsed. A record
# holds only the fields it has values for, so without this a misspelt name would read as an
# empty value. "page" records carry a page-level problem and no fields.
_DECLARED: dict[str, frozenset[str]] = {"page": frozenset()}
_LABEL_FIELD: dict[str, str] = {}


def declare(kind: str, names: Iterable[str], label_field: str) -> None:
    """Record that ``kind`` has the fields ``names`` and is named by ``label_field`` (called
    once per parsed schema; a test's own schema adds to what the real one declares)."""
    _DECLARED[kind] = _DECLARED.get(kind, frozenset()) | frozenset(names)
    _LABEL_FIELD[kind] = label_field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a record. ``code`` names the message that explains it
    (``advocacyhub-problem-<code>``); ``params`` fill it."""

    page: str
    kind: str
    field: str
    code: str
    value: str = ""
    suggestions: tuple[str, ...] = ()
    severity: str = "error"  # error | warning

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["suggestions"] = list(self.suggestions)
        return {k: v for k, v in data.items() if v not in ("", [], None)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Problem:
        # to_json leaves out empty values, the field too ("" for a page-level problem)
        return cls(page=data.get("page", ""), kind=data.get("kind", ""),
                   field=data.get("field", ""), code=data["code"],
                   value=data.get("value", ""),
                   suggestions=tuple(data.get("suggestions", ())),
                   severity=data.get("severity", "error"))


@dataclass
class Record:
    kind: str
    page: str
    fields: dict[str, Value]
    index: int = 0  # n-th instance of this kind on the page (the sign-up page holds many)
    revid: int = 0
    timestamp: str = ""  # of the revision the record was read from
    problems: list[Problem] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.page}#{self.index}"

    @property
    def valid(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    def _missing(self, name: str) -> None:
        if name not in _DECLARED.get(self.kind, ()):
            raise UnknownField(self.kind, name)

    def value(self, name: str) -> str:
        """The field's value as text (a list joined with "; "); "" when it has none.
        A name the kind does not declare raises :class:`UnknownField`."""
        value = self.fields.get(name)
        if value is None:
            self._missing(name)
            return ""
        return value if isinstance(value, str) else "; ".join(value)

    @property
    def label(self) -> str:
        """The value that names the record (its kind's ``label_field``: a title, a user)."""
        name = _LABEL_FIELD.get(self.kind)
        return self.value(name) if name else ""

    def values(self, name: str) -> list[str]:
        """The field's values as a list (one item for a single value); [] when it has none."""
        value = self.fields.get(name)
        if value is None or value == "":
            if value is None:
                self._missing(name)
            return []
        return [value] if isinstance(value, str) else list(value)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "page": self.page, "fields": self.fields}
        if self.index:
            data["index"] = self.index
        if self.revid:
            data["revid"] = self.revid
        if self.timestamp:
            data["ts"] = self.timestamp
        if self.problems:
            data["problems"] = [p.to_json() for p in self.problems]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Record:
        return cls(
            kind=data["kind"],
            page=data["page"],
            fields=data.get("fields", {}),
            index=data.get("index", 0),
            revid=data.get("revid", 0),
            timestamp=data.get("ts", ""),
            problems=[Problem.from_json(p) for p in data.get("problems", [])],
        )
