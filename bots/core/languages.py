"""Which language to write in, and how to say so (issue 29): MediaWiki's fallback chains
and the ``lang``/``dir`` wrapper of a text in another language than its page's.

The facts come from the wiki itself (``meta=languageinfo&liprop=fallbacks|dir|autonym``,
asked once per code and kept in the bot's governance state); this module only decides.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

LTR = "ltr"
RTL = "rtl"


@dataclass(frozen=True)
class LanguageInfo:
    """What the wiki says of a language code."""

    code: str
    fallbacks: tuple[str, ...] = ()  # MediaWiki's chain after the code itself, in order
    dir: str = LTR
    autonym: str = ""

    def to_json(self) -> dict[str, object]:
        return {"fallbacks": list(self.fallbacks), "dir": self.dir, "autonym": self.autonym}

    @classmethod
    def from_json(cls, code: str, data: object) -> LanguageInfo | None:
        """None for an entry that is not what :meth:`to_json` writes (asked again)."""
        if not isinstance(data, dict):
            return None
        fallbacks = data.get("fallbacks", [])
        direction = data.get("dir")
        autonym = data.get("autonym", "")
        if not isinstance(fallbacks, list) or not all(isinstance(f, str) for f in fallbacks) \
                or direction not in (LTR, RTL) or not isinstance(autonym, str):
            return None
        return cls(code, tuple(fallbacks), direction, autonym)


def norm(code: str) -> str:
    """A code as MediaWiki spells it: lower case, hyphens (``es_MX`` -> ``es-mx``)."""
    return code.strip().replace("_", "-").lower()


def chain(code: str, infos: Mapping[str, LanguageInfo]) -> list[str]:
    """``code``, then the wiki's fallbacks for it; a regional code's base language
    (``es-mx`` -> ``es``) after them when the wiki names none of it."""
    code = norm(code)
    if not code:
        return []
    info = infos.get(code)
    out = [code, *(norm(f) for f in (info.fallbacks if info else ()))]
    if "-" in code:
        out.append(code.split("-")[0])
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class Choice:
    lang: str
    by_default: bool = False  # no code of the person, nor any fallback, has a translation
    asked: str = ""  # the person's code it was chosen for ("" by default)


def choose(codes: Iterable[str], available: Collection[str],
           infos: Mapping[str, LanguageInfo], default: str) -> Choice:
    """The language to write to a person in: for each of their ``codes`` in their order, the
    first of its fallback chain that has a translation (is in ``available``); else
    ``default`` (the hub's language), saying so."""
    for code in codes:
        for candidate in chain(code, infos):
            if candidate in available:
                return Choice(candidate, asked=norm(code))
    return Choice(default, by_default=True)


def direction(code: str, infos: Mapping[str, LanguageInfo]) -> str:
    info = infos.get(norm(code))
    return info.dir if info else LTR


def wrap(body: str, lang: str, page_lang: str, infos: Mapping[str, LanguageInfo]) -> str:
    """``body`` as it goes on a page in ``page_lang``: unchanged in that language, else in a
    block naming its language and direction (as MassMessage wraps a page message whose
    language differs from the target page's)."""
    if norm(lang) == norm(page_lang):
        return body
    d = direction(lang, infos)
    return (f'<div lang="{html.escape(norm(lang))}" dir="{d}" class="mw-content-{d}">\n'
            f"{body}\n</div>")


def needs_direction(lang: str, page_lang: str, infos: Mapping[str, LanguageInfo]) -> bool:
    """Whether a generated page in ``lang`` on a wiki in ``page_lang`` needs its content
    wrapped for direction (an Arabic page on an English wiki)."""
    return direction(lang, infos) != direction(page_lang, infos)
