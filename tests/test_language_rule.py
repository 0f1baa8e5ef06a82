"""The one rule for the language of a message to a person (bots.jobs.common.people)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bots.jobs.common.people import language_for


def _governance() -> SimpleNamespace:
    return SimpleNamespace(learn=lambda _ctx, _codes: {}, languages={})


CTX = SimpleNamespace(profile=SimpleNamespace(language="en", languages=["en", "es", "zh"]),
                      governance=_governance())


@pytest.mark.parametrize(("codes", "expected"), [
    (["es"], "es"),
    (["pt", "es"], "es"),  # the first the hub writes in, in the person's order
    (["fa", "en"], "en"),
    (["es-MX"], "es"),  # a regional code counts as its base language
    (["zh-hant", "es"], "zh"),
    (["pt"], "en"),  # none the hub writes in: the wiki's content language
    ([], "en"),
    ([""], "en"),
])
def test_language_for(codes: list[str], expected: str) -> None:
    assert language_for(CTX, codes) == expected  # type: ignore[arg-type]


def test_the_content_language_is_the_fallback() -> None:
    ctx = SimpleNamespace(profile=SimpleNamespace(language="es", languages=["es", "en"]),
                          governance=_governance())
    assert language_for(ctx, ["de"]) == "es"  # type: ignore[arg-type]


def test_the_wikis_fallback_chain_decides() -> None:
    """qu -> es, wuu -> zh (issue 29): MediaWiki's chains, as the wiki said them, not a
    region code stripped; the codes are learnt in one call."""
    from bots.core.languages import LanguageInfo

    asked: list[list[str]] = []
    infos = {"qu": LanguageInfo("qu", ("qug", "es")),
             "wuu": LanguageInfo("wuu", ("wuu-hans", "zh-hans", "zh", "zh-cn"))}
    ctx = SimpleNamespace(profile=CTX.profile, governance=SimpleNamespace(
        learn=lambda _ctx, codes: asked.append(list(codes)) or infos, languages=infos))
    assert language_for(ctx, ["qu"]) == "es"  # type: ignore[arg-type]
    assert language_for(ctx, ["wuu", "es"]) == "zh"  # type: ignore[arg-type]
    assert language_for(ctx, ["qu"], ["en", "zh"]) == "en"  # no Spanish copy: the default
    assert asked[0] == ["qu"]
