"""Issue 29, the pure core: MediaWiki's fallback chains choose the language; a copy in
another language than its page's is wrapped with its language and direction."""

from __future__ import annotations

import mwparserfromhell
from hypothesis import given
from hypothesis import strategies as st

from bots.core.languages import (
    LTR,
    RTL,
    LanguageInfo,
    choose,
    direction,
    needs_direction,
    wrap,
)

CODES = st.sampled_from(["en", "es", "zh", "ar", "qu", "qug", "wuu", "zh-hans", "fa", "he",
                         "gn", "ast", "an", "pt", "pt-br", "fr", "de"])


# a copy's text (markup is the copy's own business: what matters here is the wrapper)
BODIES = st.text(st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="<>"),
                 min_size=1, max_size=60)


@st.composite
def wikis(draw) -> dict[str, LanguageInfo]:
    """What a wiki might say of some codes: any fallback chain, any direction."""
    codes = draw(st.lists(CODES, unique=True, max_size=10))
    return {c: LanguageInfo(c, tuple(draw(st.lists(CODES.filter(lambda f, c=c: f != c),
                                                   unique=True, max_size=4))),
                            draw(st.sampled_from([LTR, RTL])), c.upper())
            for c in codes}


def wiki_chain(code: str, infos: dict[str, LanguageInfo]) -> list[str]:
    """The code, the wiki's fallbacks for it; a regional code's base language last."""
    return [code, *(infos[code].fallbacks if code in infos else ()),
            *([code.split("-")[0]] if "-" in code else [])]


@given(wikis(), CODES, st.sets(CODES), st.sampled_from(["en", "es"]))
def test_the_first_of_the_chain_with_a_translation(infos, code, available, default) -> None:
    wiki_chain = globals()["wiki_chain"](code, infos)
    got = choose([code], available, infos, default)
    having = [c for c in wiki_chain if c in available]
    if having:
        assert got.lang == having[0] and not got.by_default and got.asked == code
        # nothing before it in the wiki's chain has a translation
        assert not set(wiki_chain[:wiki_chain.index(got.lang)]) & set(available)
    else:
        assert got.lang == default and got.by_default


@given(wikis(), st.lists(CODES, max_size=4), st.sets(CODES), st.sampled_from(["en", "es"]))
def test_a_persons_languages_in_their_order(infos, codes, available, default) -> None:
    got = choose(codes, available, infos, default)
    first = next((c for c in codes
                  if set(wiki_chain(c, infos)) & set(available)), None)
    if first is None:
        assert got.by_default and got.lang == default
    else:
        assert got.asked == first and got.lang in available


@given(wikis(), CODES, CODES, BODIES)
def test_a_copys_wrapper_names_its_language(infos, lang, page_lang, body) -> None:
    out = wrap(body, lang, page_lang, infos)
    if lang == page_lang:
        assert out == body
        return
    tag = mwparserfromhell.parse(out).filter_tags()[0]
    assert str(tag.get("lang").value) == lang
    assert str(tag.get("dir").value) == direction(lang, infos)
    assert str(tag.contents).strip("\n") == body
    assert needs_direction(lang, page_lang, infos) == (direction(lang, infos)
                                                       != direction(page_lang, infos))


@given(wikis())
def test_what_the_wiki_says_is_kept_as_said(infos) -> None:
    for code, info in infos.items():
        assert LanguageInfo.from_json(code, info.to_json()) == info


def test_damaged_entries_are_asked_again() -> None:
    assert LanguageInfo.from_json("ar", {"dir": "up"}) is None
    assert LanguageInfo.from_json("ar", ["rtl"]) is None
    assert LanguageInfo.from_json("ar", {"fallbacks": "en", "dir": "rtl"}) is None


def test_the_issues_examples() -> None:
    # as MediaWiki 1.39 answers meta=languageinfo (tests/test_wiki_languages.py asks it)
    infos = {"qu": LanguageInfo("qu", ("qug", "es")), "ay": LanguageInfo("ay", ("es",)),
             "wuu": LanguageInfo("wuu", ("wuu-hans", "zh-hans", "zh", "zh-cn")),
             "ar": LanguageInfo("ar", (), RTL, "العربية")}
    hub = ["en", "es", "zh"]
    assert choose(["qu"], hub, infos, "en").lang == "es"
    assert choose(["ay"], hub, infos, "en").lang == "es"
    assert choose(["wuu"], hub, infos, "en").lang == "zh"
    assert choose(["es-MX"], hub, infos, "en").lang == "es"  # a regional code: its base
    assert choose(["ar"], hub, infos, "en") .by_default
    assert wrap("نص", "ar", "en", infos).startswith('<div lang="ar" dir="rtl"')
