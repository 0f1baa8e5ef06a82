"""Records (one template instance each) and the problems found in them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from bots.errors import UnknownField

Value = str | list[str]

# What each kind declares, filled by bots.core.schema as schemas are parsed. A record holds only
# the fields it has values for, so without this a misspelt name would read as an empty value.
# "page" records carry a page-level problem and no fields.
@dataclass(frozen=True)
class Declared:
    fields: frozenset[str] = frozenset()
    label_field: str = ""
    private: frozenset[str] = frozenset()  # fields hidden when the record asks for it
    private_when: tuple[str, str] | None = None  # (field, value): the record asks for it


_DECLARED: dict[str, Declared] = {"page": Declared()}


def declare(kind: str, declared: Declared) -> None:
    """Record what ``kind`` declares (once per parsed schema). The field names of a kind
    declared twice (a test's own schema) add up; its other keys are the latest's."""
    before = _DECLARED.get(kind)
    fields = declared.fields | (before.fields if before else frozenset())
    _DECLARED[kind] = replace(declared, fields=fields)


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
    editor: str = ""  # who saved that revision (public edit history: the review-due lists)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.page}#{self.index}"

    @property
    def valid(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    @property
    def declared(self) -> Declared:
        try:
            return _DECLARED[self.kind]
        except KeyError:
            raise UnknownField(self.kind, "") from None

    def _missing(self, name: str) -> None:
        if name not in self.declared.fields:
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
        name = self.declared.label_field
        return self.value(name) if name else ""

    @property
    def hides_private(self) -> bool:
        """Whether the record asks for its private fields to stay off public pages (an
        advocate's low profile): the one privacy rule, for templates, roster, matching and
        newsletters alike."""
        when = self.declared.private_when
        if when is None:
            return False
        # A value the vocabulary does not know ("secret") is not taken as consent to publish.
        return self.value(when[0]).lower() == when[1] or any(
            p.field == when[0] for p in self.problems)

    def shows(self, name: str) -> bool:
        """Whether a public page may show field ``name`` of this record."""
        return not (name in self.declared.private and self.hides_private)

    def public(self) -> Record:
        """The record as the bot may write it anywhere (its JSON pages, tables, Lua data,
        logs): without the private fields it hides, and without their values in its
        problems. Jobs that need them read the record's own page again."""
        if not self.declared.private or not self.hides_private:
            return self
        hidden = self.declared.private
        return replace(self, fields={k: v for k, v in self.fields.items() if k not in hidden},
                       problems=[replace(p, value="", suggestions=()) if p.field in hidden
                                 else p for p in self.problems])

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
        if self.editor:
            data["editor"] = self.editor
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
            editor=data.get("editor", ""),
        )
