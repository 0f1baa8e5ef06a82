"""Records (one template instance each) and the problems found in them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

Value = str | list[str]


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

    def get(self, name: str) -> str:
        value = self.fields.get(name, "")
        return value if isinstance(value, str) else "; ".join(value)

    def get_list(self, name: str) -> list[str]:
        value = self.fields.get(name)
        if value is None or value == "":
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
