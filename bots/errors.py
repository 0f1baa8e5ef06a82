"""The bot's errors, in one tree.

    AdvocacyError                 every error the bot raises on purpose
    └── SchemaError               config/schema.toml, or code that disagrees with it
        ├── UnknownKind           a record kind the schema does not declare
        └── UnknownField          a field name the record's kind does not declare
"""

from __future__ import annotations


class AdvocacyError(Exception):
    """Base of the bot's own errors: what a caller may catch to handle "the bot said no"."""


class SchemaError(AdvocacyError, ValueError):
    """The schema is not valid, or code asked it for something it does not declare."""


class UnknownKind(SchemaError, KeyError):
    def __init__(self, kind: str, known: list[str]) -> None:
        super().__init__(f"no record kind {kind!r} in the schema (declared: {', '.join(known)})")
        self.kind = kind

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class UnknownField(SchemaError, KeyError):
    def __init__(self, kind: str, field: str) -> None:
        super().__init__(f"record kind {kind!r} declares no field {field!r}")
        self.kind, self.field = kind, field

    def __str__(self) -> str:
        return str(self.args[0])
