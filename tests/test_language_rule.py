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
