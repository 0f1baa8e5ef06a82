"""The bot's errors, in one tree.

    AdvocacyError                 every error the bot raises on purpose
    ├── ConfigError               a profile (config/*.toml) is missing or not valid (RuntimeError)
    ├── SchemaError               config/schema.toml, or code that disagrees with it (ValueError)
    │   ├── UnknownKind           a record kind the schema does not declare (KeyError)
    │   └── UnknownField          a field name the record's kind does not declare (KeyError)
    ├── MarkerError               a page's generated-section markers are missing or damaged
    │                             (ValueError)
    ├── AliasesChanged            a redirect to a record template came or went (harvest)
    ├── ApiWarningsSeen           the wiki warned about this run's requests (RuntimeError)
    ├── ActorError                a person's edit on the local wiki failed (RuntimeError)
    │   the wiki refused, or the bot would not:
    ├── WriteRefused              a title outside the profile's write prefixes (RuntimeError)
    ├── ShutoffEngaged            the shutoff page says stop (RuntimeError)
    ├── ExcludedByTemplate        {{bots}} / {{nobots}} keep the bot off a page (RuntimeError)
    ├── SaveFailed                the wiki refused to save a page (RuntimeError)
    ├── EditConflict              the page changed after it was read; ``fresh`` is it now
    ├── RateLimited               the wiki refused an edit for its rate limit: nothing posted
    ├── LeaseConflict             the lease page changed since it was read (bots.core.lease)
    └── LeaseHeld                 another run holds the lease on the wiki, or took it over:
                                  the run ends partial (RuntimeError)

    BaseException
    └── Terminated                SIGTERM (a time limit): not an Exception, so that nothing
                                  that catches Exception (pywikibot's retries) swallows it

No pywikibot here: the pure core (bots.core) imports this module. EditConflict and RateLimited
once subclassed pywikibot's EditConflictError and Error; no caller relied on that (each is
caught by its own class, and pywikibot raises RateLimited out of ``Request.submit`` without
looking at its class), so they are plain AdvocacyErrors now.
"""

from __future__ import annotations

from typing import Any


class AdvocacyError(Exception):
    """Base of the bot's own errors: what a caller may catch to handle "the bot said no"."""


class ConfigError(AdvocacyError, RuntimeError):
    """A profile is missing or not valid: ``<file>: [section] key: what is wrong``."""


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


class MarkerError(AdvocacyError, ValueError):
    """Markers are missing or damaged: the page must not be overwritten."""

    def __init__(self, code: str, name: str) -> None:
        super().__init__(f"{code}: {name}")
        self.code = code
        self.name = name


class AliasesChanged(AdvocacyError):
    """A redirect to a record template came or went: only a full harvest finds its pages."""


class ApiWarningsSeen(AdvocacyError, RuntimeError):
    """The wiki warned about requests of this run (``ADVOCACY_API_WARNINGS=fail``)."""


class ActorError(AdvocacyError, RuntimeError):
    """A person's request to the local wiki failed (bots.wiki.actor)."""


class WriteRefused(AdvocacyError, RuntimeError):
    """The bot was asked to write outside its configured prefixes."""


class ShutoffEngaged(AdvocacyError, RuntimeError):
    """The shutoff page says stop: no job edits until a maintainer sets it back."""


class ExcludedByTemplate(AdvocacyError, RuntimeError):
    """The page opts out of this bot with {{bots}} or {{nobots}}."""


class SaveFailed(AdvocacyError, RuntimeError):
    """The wiki refused to save a page (too big, protected, a filter ...): nothing was saved.
    The job reports it and goes on with its other pages."""

    def __init__(self, title: str, code: str, info: str) -> None:
        super().__init__(f"[[{title}]] was not saved: {code}: {info}")
        self.title, self.code, self.info = title, code, info


class EditConflict(AdvocacyError):
    """The page changed after the bot read it; ``fresh`` is the page as it is now (a
    bots.wiki.pages.PageText)."""

    def __init__(self, fresh: Any) -> None:
        super().__init__(f"[[{fresh.title}]] changed after it was read")
        self.fresh = fresh


class RateLimited(AdvocacyError):
    """The wiki refused the edit for its rate limit: nothing was posted."""


class LeaseConflict(AdvocacyError):
    """The lease page is no longer at the revision a write named (an edit conflict)."""


class LeaseHeld(AdvocacyError, RuntimeError):
    """Another run holds the lease (``holder``, ``until``): this one may not post or write
    state now; or it held the lease and lost it. The run ends partial."""

    def __init__(self, message: str, holder: str = "", until: str = "") -> None:
        super().__init__(message)
        self.holder = holder
        self.until = until


class Terminated(BaseException):
    """The process was asked to stop (SIGTERM: the scheduler's or Toolforge's time limit).
    Not an Exception: pywikibot retries a request on any Exception, and would swallow it."""
