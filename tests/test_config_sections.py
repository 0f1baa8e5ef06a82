"""Typed configuration (bots.config): one frozen dataclass per profile section, checked once.

An unknown section or key, a missing required key or a value of the wrong type is a
ConfigError that names the file, the section and the key.
"""

from __future__ import annotations

import dataclasses
import string
import tomllib
import types
import typing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bots import statepages
from bots.config import (
    SECTIONS,
    Config,
    HubPages,
    Profile,
    ScheduleSettings,
    parse_config,
    read_config,
    section_data,
)
from bots.errors import ConfigError
from bots.paths import CONFIG_DIR

PATH = Path("profile.toml")


def meta_data() -> dict[str, Any]:
    return tomllib.loads((CONFIG_DIR / "meta.toml").read_text())


def section_classes() -> dict[str, type]:
    """Section name ("hub.pages" for the nested table) -> its dataclass."""
    hints = typing.get_type_hints(Config)
    out = {name: hints[name] for name in SECTIONS}
    out["hub.pages"] = HubPages
    return out


def declared_keys() -> list[tuple[str, str, Any]]:
    """(section, key, type) of every key a profile may set, nested tables excluded."""
    out = []
    for section, cls in section_classes().items():
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            if f.metadata.get("rest") or dataclasses.is_dataclass(hints[f.name]):
                continue
            out.append((section, f.name, hints[f.name]))
    return out


def table(data: dict[str, Any], section: str) -> dict[str, Any]:
    if section == "hub.pages":
        return data["hub"]["pages"]
    return data.setdefault(section, {})


# -- the profiles ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["local", "meta"])
def test_both_profiles_load_and_every_key_they_set_is_read(name: str) -> None:
    path, config = read_config(name)
    data = tomllib.loads(path.read_text())
    for section, values in data.items():
        obj = getattr(config, section)
        for key, value in values.items():
            if section == "schedule" and key not in ScheduleSettings.__dataclass_fields__:
                assert obj.jobs[key] == value
            elif key == "pages":
                assert obj.pages.titles() == value
            else:
                got = getattr(obj, key)
                assert (list(got) if isinstance(got, tuple) else got) == value, (section, key)
    assert parse_config(config.to_data(), path) == config  # the data round-trips
    assert section_data(config.hub) == data["hub"]  # keys at their default are left out


def test_defaults_declared_once_match_the_code_that_used_them() -> None:
    from bots.core.newsletter import MAX_ITEMS
    from bots.core.render.paging import PAGE_BUDGET

    config = parse_config(meta_data(), PATH)
    assert config.limits.page_bytes == PAGE_BUDGET
    defaults = Config(wiki=config.wiki, hub=config.hub)
    assert defaults.newsletter.max_items == MAX_ITEMS
    assert defaults.newsletter.optout_category == "Opted-out of message delivery"
    assert (defaults.limits.status_page, defaults.limits.shutoff_page) == ("Status", "Shutoff")


def test_defaults_that_depend_on_another_key() -> None:
    data = meta_data()
    del data["hub"]["languages"], data["digest"]["hub_talk_page"]
    data["wiki"]["language"] = "es"
    config = parse_config(data, PATH)
    assert config.hub.languages == ("es",)
    assert config.digest.hub_talk_page == "Talk:Advocacy Hub"


def test_profile_methods_and_state_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ADVOCACY_BOT_USER", raising=False)
    profile = Profile.from_data("meta", PATH, meta_data())
    assert profile.bot_user == "Advocacy Hub Bot"
    assert (profile.family, profile.code, profile.language) == ("meta", "meta", "en")
    assert profile.languages == ["en", "es", "zh"]
    assert profile.hub_page("cases") == "Advocacy Hub/Cases"
    with pytest.raises(KeyError):
        profile.hub_page("nope")
    assert profile.state_page(statepages.SNAPSHOT) == "User:Advocacy Hub Bot/Snapshot.json"
    assert profile.state_page(statepages.snapshot_shard(2)) == \
        "User:Advocacy Hub Bot/Snapshot/2.json"
    assert statepages.status(profile) == "User:Advocacy Hub Bot/Status"
    assert statepages.shutoff(profile) == "User:Advocacy Hub Bot/Shutoff"
    assert profile.may_write("Advocacy Hub/Cases") and profile.may_write("User:Advocacy Hub Bot/x")
    assert not profile.may_write("Main Page")
    changed = profile.with_overrides({"limits": {"page_bytes": 1000, "status_page": "S"}})
    assert changed.limits.page_bytes == 1000 and statepages.status(changed).endswith("/S")
    assert profile.limits.page_bytes != 1000  # frozen: the original is as it was
    with pytest.raises(ConfigError, match=r"\[limits\] page_bytes"):
        profile.with_overrides({"limits": {"page_bytes": "big"}})


# -- what is refused ---------------------------------------------------------------------------

@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.update(nope={"a": 1}), r"^profile.toml: \[nope\]: unknown section"),
    (lambda d: d["limits"].update(batchsize=5),
     r"^profile.toml: \[limits\] batchsize: unknown key"),
    (lambda d: d["limits"].update(batch_size="500"),
     r"^profile.toml: \[limits\] batch_size: expected an integer, not '500'"),
    (lambda d: d["limits"].update(batch_size=True), r"\[limits\] batch_size: expected an integer"),
    (lambda d: d["limits"].update(batch_size=2.5), r"\[limits\] batch_size: expected an integer"),
    (lambda d: d["hub"].update(languages="en"), r"\[hub\] languages: expected a list of strings"),
    (lambda d: d["hub"].update(pages="x"), r"\[hub\] pages: expected a table"),
    (lambda d: d["hub"]["pages"].update(cases=1), r"\[hub.pages\] cases: expected a string"),
    (lambda d: d["hub"]["pages"].update(case="X"), r"\[hub.pages\] case: unknown key"),
    (lambda d: d["hub"]["pages"].pop("roster"), r"\[hub.pages\] roster: missing"),
    (lambda d: d["hub"].pop("root"), r"\[hub\] root: missing"),
    (lambda d: d.pop("hub"), r"missing \[hub\]"),
    (lambda d: d["wiki"].pop("family"), r"\[wiki\] family: missing"),
    (lambda d: d["wiki"].update(kind="mediawiki"), r"\[wiki\] kind: 'mediawiki' is neither"),
    (lambda d: d["schedule"].update(harvest=15), r"\[schedule\] harvest: expected a string"),
    (lambda d: d["schedule"].update(timeout="long"), r"\[schedule\] timeout: expected a number"),
    (lambda d: d["newsletter"].update(optout_category=["x"]),
     r"\[newsletter\] optout_category: expected a string"),
    (lambda d: d["roster"].update(grace_days="30"), r"\[roster\] grace_days: expected a number"),
    (lambda d: d["digest"].update(living_documents=[1]),
     r"\[digest\] living_documents: expected a list of strings"),
    (lambda d: d.update(logging={"file": 5}), r"\[logging\] file: expected a string"),
    (lambda d: d["watch"].update(source="sse"), r"\[watch\] source: 'sse' is not one of"),
    (lambda d: d["watch"].update(quiet_seconds="3"),
     r"\[watch\] quiet_seconds: expected a number"),
    (lambda d: d["watch"].update(poll_seconds=0), r"\[watch\] poll_seconds: must be more than 0"),
    (lambda d: d["watch"].update(max_pending=0), r"\[watch\] max_pending: must be more than 0"),
    (lambda d: d["watch"].update(poll_limit=5000), r"\[watch\] poll_limit: at most 500"),
    (lambda d: d["hub"].update(review_after_days=-1),
     r"\[hub\] review_after_days: must be more than 0"),
    # issue 25: a profile's limits are checked for range
    (lambda d: d["hub"].update(languages=[]), r"\[hub\] languages: at least one language"),
    (lambda d: d["hub"].update(languages=["en", " "]), r"\[hub\] languages: empty language"),
    (lambda d: d["newsletter"].update(max_deliveries_per_run=-5),
     r"\[newsletter\] max_deliveries_per_run: must not be negative"),
    (lambda d: d["limits"].update(delivery_seconds=-1.5),
     r"\[limits\] delivery_seconds: must not be negative"),
    (lambda d: d["digest"].update(alert_limit=-1), r"\[digest\] alert_limit: must not be neg"),
    (lambda d: d["roster"].update(grace_days=-30), r"\[roster\] grace_days: must not be neg"),
])
def test_refused(change, message: str) -> None:
    data = meta_data()
    change(data)
    with pytest.raises(ConfigError, match=message):
        parse_config(data, PATH)


def test_accepted_conversions() -> None:
    data = meta_data()
    data["limits"].update(batch_size=100.0, retry_budget=30, put_throttle=0.5)
    data["schedule"].update(command="python -m bots", timeout=90, no_such_job="0 * * * *")
    config = parse_config(data, PATH)
    assert config.limits.batch_size == 100 and isinstance(config.limits.batch_size, int)
    assert config.limits.retry_budget == 30.0 and config.limits.put_throttle == 0.5
    assert config.schedule.command == "python -m bots" and config.schedule.timeout == 90.0
    # a job the code does not know yet: kept (bots.schedule warns and skips it)
    assert config.schedule.jobs["no_such_job"] == "0 * * * *"


def test_a_file_is_named_in_the_error(tmp_path: Path) -> None:
    from bots.config import load_profile

    path = tmp_path / "bad.toml"
    path.write_text((CONFIG_DIR / "meta.toml").read_text().replace(
        "max_suggestions = 5", "max_suggestion = 5"))
    with pytest.raises(ConfigError) as caught:
        load_profile(str(path))
    assert str(caught.value).startswith(f"{path}: [roster] max_suggestion: unknown key")


# -- the property ------------------------------------------------------------------------------

CATEGORIES = {
    "str": st.text(max_size=5),
    "int": st.integers(-10**6, 10**6),
    "frac": st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer()),
    "bool": st.booleans(),
    "strs": st.lists(st.text(max_size=3), max_size=3),
    "ints": st.lists(st.integers(), min_size=1, max_size=3),
    "table": st.dictionaries(st.sampled_from("abc"), st.integers(), max_size=2),
}


def accepted(tp: Any) -> set[str]:
    """The value categories a declared type accepts."""
    if isinstance(tp, types.UnionType):
        return set().union(*(accepted(a) for a in typing.get_args(tp) if a is not type(None)))
    if tp is str:
        return {"str"}
    if tp is int:
        return {"int"}
    if tp is float:
        return {"int", "frac"}
    assert typing.get_origin(tp) is tuple, tp
    return {"strs"}


KEYS = declared_keys()


@st.composite
def wrongly_typed(draw: st.DrawFn) -> tuple[str, str, Any]:
    section, key, tp = draw(st.sampled_from(KEYS))
    category = draw(st.sampled_from(sorted(set(CATEGORIES) - accepted(tp))))
    return section, key, draw(CATEGORIES[category])


@st.composite
def unknown_key(draw: st.DrawFn) -> tuple[str, str, Any]:
    classes = section_classes()
    section = draw(st.sampled_from(sorted(classes)))
    known = {f.name for f in dataclasses.fields(classes[section])}
    key = draw(st.text(string.ascii_lowercase + "_", min_size=1, max_size=12)
               .filter(lambda k: k not in known))
    # [schedule]: a key that is not a setting is a job's cron expression, a string
    values = [c for c in CATEGORIES if not (section == "schedule" and c == "str")]
    return section, key, draw(CATEGORIES[draw(st.sampled_from(values))])


@settings(max_examples=300, deadline=None)
@given(st.one_of(wrongly_typed(), unknown_key()))
def test_any_unknown_key_or_wrong_type_is_a_config_error_naming_it(case) -> None:
    section, key, value = case
    data = meta_data()
    table(data, section)[key] = value
    with pytest.raises(ConfigError) as caught:
        parse_config(data, PATH)
    assert str(caught.value).startswith(f"{PATH}: [{section}] {key}: "), str(caught.value)


# Numbers that must be more than 0 (poll_limit at most 500): valid values are drawn from 1-500.
RANGED = {("watch", k) for k in ("poll_seconds", "poll_limit", "quiet_seconds",
                                 "max_wait_seconds", "max_pending", "stream_retry_seconds",
                                 "heartbeat_minutes")} | {("hub", "review_after_days")}


@st.composite
def valid_value(draw: st.DrawFn) -> tuple[str, str, Any]:
    section, key, tp = draw(st.sampled_from([k for k in KEYS if k[:2] not in (
        ("wiki", "kind"), ("wiki", "family"), ("wiki", "code"), ("watch", "source"))]))
    if (section, key) in RANGED:
        return section, key, draw(st.integers(1, 500))
    if (section, key) == ("hub", "languages"):  # at least one language (issue 25)
        return section, key, draw(st.lists(st.text("abcz-", min_size=1, max_size=3),
                                           min_size=1, max_size=3))
    value = draw(CATEGORIES[draw(st.sampled_from(sorted(accepted(tp))))])
    if isinstance(value, int | float):  # no number may be negative (issue 25)
        value = abs(value)
    return section, key, value


@settings(max_examples=300, deadline=None)
@given(st.lists(valid_value(), max_size=6))
def test_a_valid_profile_loads_with_the_values_it_sets(changes) -> None:
    data = meta_data()
    for section, key, value in changes:
        table(data, section)[key] = value
    config = parse_config(data, PATH)
    for (section, key), value in {(s, k): v for s, k, v in changes}.items():
        obj = config.hub.pages if section == "hub.pages" else getattr(config, section)
        got = getattr(obj, key)
        if (section, key) == ("hub", "languages") and not value:
            assert got == (config.wiki.language,)  # () means the wiki's language
        elif (section, key) == ("digest", "hub_talk_page") and not value:
            assert got == f"Talk:{config.hub.root}"
        else:
            assert got == (tuple(value) if isinstance(value, list) else value)
    assert parse_config(config.to_data(), PATH) == config
