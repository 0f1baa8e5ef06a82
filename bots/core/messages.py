"""User-visible text from translatewiki-style message files (bots/i18n/<lang>.json).

Messages use MediaWiki's conventions: $1, $2 … for parameters and {{PLURAL:$1|one|other}},
resolved here with CLDR plural rules (Babel) so edit summaries read right too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError

from bots.core.records import Problem
from bots.paths import I18N_DIR

FALLBACK = "en"
_PLURAL = re.compile(r"\{\{PLURAL:\s*([^|}]*)\|([^}]*)\}\}")
_PARAM = re.compile(r"\$(\d+)")


@cache
def _load(lang: str, directory: Path = I18N_DIR) -> dict[str, str]:
    path = directory / f"{lang}.json"
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return {k: v for k, v in data.items() if not k.startswith("@")}


def repository_messages(lang: str) -> Mapping[str, str]:
    """The messages of ``lang``'s file (empty when the repository has none)."""
    return _load(lang)


def available_languages(directory: Path = I18N_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.json") if p.stem != "qqq")


Tables = Mapping[str, Mapping[str, str]]  # lang -> key -> text


class Messages:
    """``chain``: the languages to look in, in order (default: ``lang``, its base language,
    English). ``overlays`` (the wiki's translation pages) win over the message files of the
    same language, and ``labels`` (the wiki's vocabulary labels) over both; each language of
    the chain is searched whole before the next one."""

    def __init__(self, lang: str = FALLBACK, *, chain: Sequence[str] | None = None,
                 overlays: Tables | None = None, labels: Tables | None = None) -> None:
        self.lang = lang
        if chain is None:
            chain = [lang]
            if "-" in lang:
                chain.append(lang.split("-")[0])
        chain = list(dict.fromkeys([*chain, FALLBACK]))
        self._chain = [table for code in chain
                       for table in ((labels or {}).get(code), (overlays or {}).get(code),
                                     _load(code)) if table]
        try:
            self._plural = Locale.parse(lang.replace("-", "_")).plural_form
        except (UnknownLocaleError, ValueError):
            self._plural = Locale(FALLBACK).plural_form

    def has(self, key: str) -> bool:
        return any(key in table for table in self._chain)

    def raw(self, key: str) -> str:
        for table in self._chain:
            if key in table:
                return table[key]
        raise KeyError(f"no message {key!r} in any of the message files")

    def __call__(self, key: str, *params: object) -> str:
        text = self.raw(key)
        values = [str(p) for p in params]

        def param(m: re.Match[str]) -> str:
            i = int(m.group(1)) - 1
            return values[i] if 0 <= i < len(values) else m.group(0)

        text = _PARAM.sub(param, text)

        def plural(m: re.Match[str]) -> str:
            forms = m.group(2).split("|")
            try:
                number = float(m.group(1).strip().replace(",", ""))
            except ValueError:
                return forms[-1]
            category = self._plural(number)
            # MediaWiki's order: the language's own CLDR categories, "other" last.
            order = [c for c in ("zero", "one", "two", "few", "many")
                     if c in self._plural.tags] + ["other"]
            index = order.index(category) if category in order else len(order) - 1
            return forms[min(index, len(forms) - 1)]

        return _PLURAL.sub(plural, text)

    def label(self, vocabulary: str, value: str) -> str:
        """The translated label of a vocabulary value, or the value itself."""
        key = f"advocacyhub-{vocabulary}-{value}".lower()
        return self(key) if self.has(key) else value

    def field_label(self, field: str) -> str:
        key = f"advocacyhub-field-{field}"
        return self(key) if self.has(key) else field

    def describe(self, problem: Problem) -> str:
        """One sentence saying what is wrong, with a "did you mean" where there is one."""
        text = self(f"advocacyhub-problem-{problem.code}", problem.field, problem.value)
        if problem.suggestions:
            text += " " + self("advocacyhub-did-you-mean", ", ".join(problem.suggestions))
        return text
