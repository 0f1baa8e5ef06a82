"""Profiles: one TOML file says which wiki the bot works on and how.

``config/local.toml`` targets the project's own local MediaWiki (the default, and the only
target of the demo and the tests); ``config/meta.toml`` targets Meta-Wiki.

Every section is a frozen dataclass below, each key declared once with its type and its
default (a key without a default is required). :func:`parse_config` builds and checks them
once, when the profile is loaded: an unknown section or key, a missing required key or a value
of the wrong type is a :class:`~bots.errors.ConfigError` saying ``<file>: [section] key: ...``.
Code reads settings as attributes (``profile.limits.batch_size``), never from the TOML.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from bots.errors import ConfigError
from bots.paths import CONFIG_DIR, REPO_ROOT

# -- the sections ------------------------------------------------------------------------------

LOCALWIKI = "localwiki"  # [wiki] kind: the project's own wiki (scripts/localwiki)
WIKIMEDIA = "wikimedia"  # [wiki] kind: a Wikimedia wiki (Meta-Wiki)


@dataclass(frozen=True)
class WikiSettings:
    """[wiki]: the target wiki and the bot's account on it."""

    kind: str = WIKIMEDIA  # "localwiki": address and account from the wiki's credentials.json
    family: str = ""  # required for a wikimedia wiki
    code: str = ""  # required for a wikimedia wiki
    language: str = "en"  # the wiki's content language: edit summaries are written in it
    bot_user: str = ""  # the account ($ADVOCACY_BOT_USER wins); filled for the local wiki
    # Sent in every request's User-Agent (Wikimedia's User-Agent policy).
    contact: str = "https://meta.wikimedia.org/wiki/Advocacy_Hub"
    host: str = "meta.wikimedia.org"  # where the OAuth tokens ($ADVOCACY_OAUTH_*) apply
    api_url: str = ""  # the local wiki's comes from its credentials.json


@dataclass(frozen=True)
class HubPages:
    """[hub.pages]: where readers find things (translations at <page>/<lang>)."""

    cases: str
    facets: str
    statistics: str
    events: str
    resources: str
    maintenance: str
    signup: str
    roster: str
    roster_log: str
    help_wanted: str
    subscribers: str
    newsletter: str
    digest_log: str
    review_due: str  # the cases due for review (bots.core.review)
    # Issue 24: the roles and their definitions (generated), the endorsement lines that give
    # a role and the coordinators' lines that release a held alert (people's pages), and the
    # "Safety and support" page (generated).
    roles: str
    role_endorsements: str
    alert_releases: str
    safety: str

    # The editors' input pages among them: people write lines there that the bot reads, in
    # the codes the bot reads (``* regional-contact: [[User:X]]``); pages for those who give
    # roles and release alerts, not pages the bot writes for readers (it only creates them,
    # with how to use them, bots.jobs.templates).
    INPUT: ClassVar[tuple[str, ...]] = ("role_endorsements", "alert_releases")

    def titles(self) -> dict[str, str]:
        """key -> title, in the order declared."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def input_titles(self) -> set[str]:
        """The editors' input pages' titles (``INPUT``)."""
        return {getattr(self, key) for key in self.INPUT}


@dataclass(frozen=True)
class HubSettings:
    """[hub]: the Advocacy Hub's pages, and where the bot may write."""

    root: str
    write_prefixes: tuple[str, ...]  # the bot writes only under these (and its state_root)
    cases_prefix: str
    pages: HubPages
    languages: tuple[str, ...] = ()  # generated pages are written in each; () = [wiki] language
    state_root: str = ""  # where the bot keeps its state pages; "" = User:<bot_user>
    # The community's vocabularies (JSON; created by `templates install`, then theirs) and
    # translations (<prefix><lang>.json, overlaying bots/i18n key by key).
    vocabularies_page: str = "Module:Advocacy/Vocabularies.json"
    translations_prefix: str = "Module:Advocacy/i18n/"
    # An open case (status vocabulary's `open` values) whose page nobody edited for this long
    # is due for review: on the maintenance report, its own page and its contacts' digests.
    review_after_days: int = 180


@dataclass(frozen=True)
class LimitsSettings:
    """[limits]: pywikibot's pace and retries, page sizes, the shutoff and status pages."""

    maxlag: int = 5  # seconds; pywikibot waits when the wiki's replicas lag more (writes)
    read_maxlag: int = 30  # the same for reads
    put_throttle: int | float = 10  # seconds between edits (pywikibot wants an int, or a float)
    max_retries: int = 5
    retry_wait: int = 5  # seconds, doubled on each retry up to retry_max
    retry_max: int = 60
    retry_budget: float = 600  # seconds of waiting one request may take at most
    connect_timeout: float = 6.05
    read_timeout: float = 75
    batch_size: int = 500  # titles per read request (the API's bot limit)
    page_bytes: int = 512 * 1024  # the largest page the bot writes (= paging.PAGE_BUDGET)
    shutoff_page: str = "Shutoff"  # under the state root; anything but shutoff_value stops
    shutoff_value: str = "run"
    shutoff_check_every: int = 10  # edits between two readings of the shutoff page ...
    shutoff_check_seconds: float = 10  # ... and not sooner than this after the last one
    status_page: str = "Status"  # under the state root: each job's last run
    status_heartbeat_hours: float = 6  # an unchanged status line is rewritten this often
    delivery_seconds: float = 1200  # the talk-page posting time budget of one run
    lease_page: str = "Lease"  # under the state root: who may post and write state now
    lease_seconds: float = 300  # a lease lasts this long unless renewed (a killed holder's too)
    lease_skew_seconds: float = 30  # how far any machine's clock may be off (< lease / 4)


@dataclass(frozen=True)
class ScheduleSettings:
    """[schedule]: `advocacy-bot schedule`. Every key that is not a setting below is a job's
    cron expression (a string), kept in ``jobs``."""

    misfire_grace_time: int = 300  # seconds; a run missed by longer is skipped
    shutdown_grace: float = 120  # on SIGTERM/SIGINT, seconds the running job may take
    kill_after: float = 10
    timezone: str = "UTC"
    command: str | tuple[str, ...] = ()  # () = this Python's "-m bots"; a string is split
    timeout: float | None = None  # seconds a run may take; None = from each job's interval
    state_dir: str = ""  # "" = $ADVOCACY_STATE_DIR or .state/ (bots.statedir)
    jobs: Mapping[str, str] = field(default_factory=dict, metadata={"rest": True})


@dataclass(frozen=True)
class NewsletterSettings:
    """[newsletter]: issues, and their delivery to subscribers' talk pages."""

    max_items: int = 50  # entries each list of an issue or digest shows (= newsletter.MAX_ITEMS)
    period: str = "monthly"  # or "weekly"
    events_horizon_days: int = 45  # upcoming events listed in an issue
    max_deliveries_per_run: int = 200  # per-run cap; the rest go out at the next run
    breaker_growth: float = 0.5  # pause when the subscriber list grew by more than this
    optout_category: str = "Opted-out of message delivery"  # MassMessage's opt-out category
    confirm_subscribers: int = 0  # set to the new count to release a paused delivery
    # Who may make the bot post an issue (issue 25): the edit that marks it ready (and every
    # later edit of it or of its translations) must be by one of these accounts, or by an
    # autoconfirmed account with at least ready_min_edits edits and no block.
    maintainers: tuple[str, ...] = ()
    ready_min_edits: int = 500


@dataclass(frozen=True)
class RosterSettings:
    """[roster]: the advocates roster, its role log and the matchmaking page."""

    inactive_after_days: float = 365  # no edit for this long: a notice on the talk page
    grace_days: float = 30  # still no edit this long after the notice: inactive
    recent_days: float = 30  # one pass over this much of recent changes finds who is active
    max_suggestions: int = 5  # advocates suggested per case on the "Help wanted" page
    # Accounts whose endorsement line gives any role (bots.core.roles); a holder of a role
    # may give it too.
    maintainers: tuple[str, ...] = ()


@dataclass(frozen=True)
class DigestSettings:
    """[digest]: the weekly hub digest and urgent alerts."""

    hub_talk_page: str = ""  # "" = Talk:<hub root>
    living_documents: tuple[str, ...] = ()  # pages whose changes the digest reports
    alert_limit: int = 10  # advocates alerted per urgent case
    # An account that raised more alerts than this in a day has the next ones held for a
    # coordinator to release (as are all alerts raised by someone not a confirmed advocate).
    alerts_per_day: int = 2


WATCH_SOURCES = ("auto", "poll", "stream")


@dataclass(frozen=True)
class WatchSettings:
    """[watch]: `advocacy-bot watch`, the long-running process that updates the hub within a
    minute of a change (bots.jobs.watch)."""

    source: str = "auto"  # "poll", "stream" (EventStreams), "auto": stream on Wikimedia wikis
    poll_seconds: float = 5  # between two polls of list=recentchanges (one request each)
    poll_limit: int = 100  # changes one poll asks for; more are read by the next poll
    quiet_seconds: float = 3  # debounce: an update runs after this long without a new change
    max_wait_seconds: float = 30  # ... or this long after the first change waiting
    max_pending: int = 5000  # changes kept waiting at most (memory): more run an update at once
    stream_url: str = ""  # "" = the wiki's EventStreams recentchange URL (pywikibot's)
    stream_retry_seconds: float = 300  # after the stream failed: polling this long, then again
    heartbeat_minutes: float = 60  # the watcher's line on the status page, at least this often


@dataclass(frozen=True)
class SafetySettings:
    """[safety]: where an advocate in trouble can turn, on the "Safety and support" page and
    linked from the front page, the Join form, every alert and personal digest. Each
    programme is "name | link" (a wiki page or a URL)."""

    emergency: str = "emergency@wikimedia.org"  # for a person at risk of serious harm
    programmes: tuple[str, ...] = ()


@dataclass(frozen=True)
class LoggingSettings:
    """[logging]: the log file (bots.logsetup)."""

    file: str | None = None  # None = <state dir>/logs/advocacy-bot.log; "", "-", "off": none
    format: str = "kv"
    level: str = "INFO"
    max_bytes: int = 5_000_000
    backups: int = 5


@dataclass(frozen=True)
class Config:
    """A whole profile, checked."""

    wiki: WikiSettings
    hub: HubSettings
    limits: LimitsSettings = field(default_factory=LimitsSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    newsletter: NewsletterSettings = field(default_factory=NewsletterSettings)
    roster: RosterSettings = field(default_factory=RosterSettings)
    digest: DigestSettings = field(default_factory=DigestSettings)
    watch: WatchSettings = field(default_factory=WatchSettings)
    safety: SafetySettings = field(default_factory=SafetySettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)

    def to_data(self) -> dict[str, Any]:
        """The profile as TOML data again (keys at their default left out)."""
        return section_data(self)


SECTIONS = tuple(f.name for f in dataclasses.fields(Config))


# -- checking ----------------------------------------------------------------------------------

@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _describe(tp: Any) -> str:
    if tp is str:
        return "a string"
    if tp is int:
        return "an integer"
    if tp is float:
        return "a number"
    if tp is bool:
        return "true or false"
    if typing.get_origin(tp) is tuple:
        return "a list of strings"
    if isinstance(tp, types.UnionType):
        return " or ".join(_describe(a) for a in typing.get_args(tp) if a is not type(None))
    return str(tp)


def _convert(value: Any, tp: Any, where: str) -> Any:
    """``value`` as type ``tp``, or a ConfigError saying what was expected."""
    if isinstance(tp, types.UnionType):
        for arg in typing.get_args(tp):
            if arg is type(None):
                continue
            try:
                return _convert(value, arg, where)
            except ConfigError:
                pass
    elif tp is bool:
        if isinstance(value, bool):
            return value
    elif tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():  # 5.0 is 5
            return int(value)
    elif tp is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    elif tp is str:
        if isinstance(value, str):
            return value
    elif typing.get_origin(tp) is tuple and isinstance(value, list | tuple) \
            and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"{where}: expected {_describe(tp)}, not {value!r}")


def _build(cls: type, table: Mapping[str, Any], where: str) -> Any:
    """One section's dataclass from its TOML table. ``where``: "<file>: [section]"."""
    hints = _hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    rest = next((f.name for f in fields.values() if f.metadata.get("rest")), None)
    values: dict[str, Any] = {}
    extra: dict[str, str] = {}
    for key, value in table.items():
        if key in fields and key != rest and dataclasses.is_dataclass(hints[key]):
            if not isinstance(value, Mapping):
                raise ConfigError(f"{where} {key}: expected a table, not {value!r}")
            values[key] = _build(hints[key], value, f"{where[:-1]}.{key}]")  # [hub.pages]
        elif key in fields and key != rest:
            values[key] = _convert(value, hints[key], f"{where} {key}")
        elif rest is not None:
            if not isinstance(value, str):
                raise ConfigError(f"{where} {key}: expected a string (a cron expression), "
                                  f"not {value!r}")
            extra[key] = value
        else:
            known = ", ".join(n for n in fields if n != rest)
            raise ConfigError(f"{where} {key}: unknown key (known: {known})")
    for name, f in fields.items():
        if name not in values and name != rest and f.default is dataclasses.MISSING \
                and f.default_factory is dataclasses.MISSING:
            raise ConfigError(f"{where} {name}: missing (required)")
    if rest is not None:
        values[rest] = extra
    return cls(**values)


def parse_config(data: Mapping[str, Any], path: Path | str) -> Config:
    """The checked configuration of a profile's TOML ``data`` (read from ``path``)."""
    sections: dict[str, Any] = {}
    for name, table in data.items():
        if name not in SECTIONS:
            raise ConfigError(f"{path}: [{name}]: unknown section (known: "
                              f"{', '.join(SECTIONS)})")
        if not isinstance(table, Mapping):
            raise ConfigError(f"{path}: [{name}]: expected a table, not {table!r}")
        sections[name] = _build(_hints(Config)[name], table, f"{path}: [{name}]")
    for name in ("wiki", "hub"):
        if name not in sections:
            raise ConfigError(f"{path}: missing [{name}]")
    wiki, hub = sections["wiki"], sections["hub"]
    watch = sections.get("watch", WatchSettings())
    if watch.source not in WATCH_SOURCES:
        raise ConfigError(f"{path}: [watch] source: {watch.source!r} is not one of "
                          f"{', '.join(WATCH_SOURCES)}")
    # Zero or less would poll in a tight loop, never trim what the watcher keeps, or say
    # "not edited for more than 0 days".
    positive = [("watch", watch, key) for key in (
        "poll_seconds", "poll_limit", "quiet_seconds", "max_wait_seconds", "max_pending",
        "stream_retry_seconds", "heartbeat_minutes")] + [("hub", hub, "review_after_days")]
    for section, settings, key in positive:
        if getattr(settings, key) <= 0:
            raise ConfigError(f"{path}: [{section}] {key}: must be more than 0, not "
                              f"{getattr(settings, key)!r}")
    # A negative limit or count makes no sense anywhere (a negative cap would post nothing and
    # say nothing; a negative horizon lists nothing): every number of every section.
    for name, settings in sections.items():
        for f in dataclasses.fields(settings):
            value = getattr(settings, f.name)
            if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
                raise ConfigError(f"{path}: [{name}] {f.name}: must not be negative, not "
                                  f"{value!r}")
    if "languages" in data["hub"] and not hub.languages:
        raise ConfigError(f"{path}: [hub] languages: at least one language (or leave the key "
                          "out for the wiki's language)")
    if any(not isinstance(lang, str) or not lang.strip() for lang in hub.languages):
        raise ConfigError(f"{path}: [hub] languages: empty language code in {hub.languages!r}")
    if watch.poll_limit > 500:
        raise ConfigError(f"{path}: [watch] poll_limit: at most 500 (the API's limit), not "
                          f"{watch.poll_limit!r}")
    if wiki.kind not in (LOCALWIKI, WIKIMEDIA):
        raise ConfigError(f"{path}: [wiki] kind: {wiki.kind!r} is neither {LOCALWIKI!r} nor "
                          f"{WIKIMEDIA!r}")
    if wiki.kind == WIKIMEDIA:
        for key in ("family", "code"):
            if not getattr(wiki, key):
                raise ConfigError(f"{path}: [wiki] {key}: missing (required for kind = "
                                  f"{WIKIMEDIA!r})")
    # Defaults that depend on another key: filled here, once.
    if not hub.languages:
        sections["hub"] = dataclasses.replace(hub, languages=(wiki.language,))
    digest = sections.get("digest", DigestSettings())
    if not digest.hub_talk_page:
        sections["digest"] = dataclasses.replace(digest, hub_talk_page=f"Talk:{hub.root}")
    return Config(**sections)


def section_data(obj: Any) -> dict[str, Any]:
    """A section (or the whole Config) as TOML data, leaving out keys at their default."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if f.metadata.get("rest"):
            out.update(value)
            continue
        if f.default is not dataclasses.MISSING and value == f.default:
            continue
        if f.default_factory is not dataclasses.MISSING and value == f.default_factory():
            continue
        if dataclasses.is_dataclass(value):
            value = section_data(value)
        elif isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    return out


# -- the profile -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Profile:
    name: str
    path: Path
    config: Config
    # Filled for the local wiki from its data directory's credentials.json.
    api_url: str = ""
    password: str = field(default="", repr=False)

    @classmethod
    def from_data(cls, name: str, path: Path, data: Mapping[str, Any], **kw: Any) -> Profile:
        """A profile from TOML data (checked as load_profile checks a file)."""
        return cls(name=name, path=path, config=parse_config(data, path), **kw)

    def with_overrides(self, overrides: Mapping[str, Mapping[str, Any]]) -> Profile:
        """The same profile with some keys of some sections changed (checked again)."""
        data = self.config.to_data()
        for section, values in overrides.items():
            data[section] = {**data.get(section, {}), **values}
        return dataclasses.replace(self, config=parse_config(data, self.path))

    @property
    def wiki(self) -> WikiSettings:
        return self.config.wiki

    @property
    def hub(self) -> HubSettings:
        return self.config.hub

    @property
    def limits(self) -> LimitsSettings:
        return self.config.limits

    @property
    def schedule(self) -> ScheduleSettings:
        return self.config.schedule

    @property
    def newsletter(self) -> NewsletterSettings:
        return self.config.newsletter

    @property
    def roster(self) -> RosterSettings:
        return self.config.roster

    @property
    def digest(self) -> DigestSettings:
        return self.config.digest

    @property
    def safety(self) -> SafetySettings:
        return self.config.safety

    @property
    def watch(self) -> WatchSettings:
        return self.config.watch

    @property
    def logging(self) -> LoggingSettings:
        return self.config.logging

    @property
    def is_local(self) -> bool:
        return self.wiki.kind == LOCALWIKI

    @property
    def bot_user(self) -> str:
        user = os.environ.get("ADVOCACY_BOT_USER") or self.wiki.bot_user
        if not user:
            raise ConfigError(f"{self.path}: [wiki] bot_user: missing (or set "
                              "ADVOCACY_BOT_USER)")
        return user

    @property
    def language(self) -> str:
        return self.wiki.language

    @property
    def languages(self) -> list[str]:
        return list(self.hub.languages)

    @property
    def family(self) -> str:
        if self.is_local:
            # One family per local wiki (port), so tests can talk to several in one process.
            port = self.api_url.split(":")[-1].split("/")[0]
            return f"advocacylocal{port}"
        return self.wiki.family

    @property
    def code(self) -> str:
        return self.family if self.is_local else self.wiki.code

    @property
    def root(self) -> str:
        return self.hub.root

    def hub_page(self, key: str) -> str:
        """A configured hub page ("cases" -> "Advocacy Hub/Cases")."""
        titles = self.hub.pages.titles()
        if key not in titles:
            raise KeyError(key)
        return titles[key]

    @property
    def state_root(self) -> str:
        return self.hub.state_root or f"User:{self.bot_user}"

    def state_page(self, name: str) -> str:
        """A state page's title (names: bots.statepages)."""
        return f"{self.state_root}/{name}"

    @property
    def write_prefixes(self) -> list[str]:
        return [*self.hub.write_prefixes, f"{self.state_root}/"]

    def may_write(self, title: str) -> bool:
        """Only under the configured prefixes: nothing a record says can move the bot elsewhere."""
        for prefix in self.write_prefixes:
            if title == prefix.rstrip("/") or (prefix.endswith("/") and title.startswith(prefix)):
                return True
        return False


def available_profiles(directory: Path = CONFIG_DIR) -> list[str]:
    """The profiles in ``config/``: the TOML files with a [wiki] table (not the schema,
    vocabularies or regions)."""
    names = []
    for path in sorted(directory.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            continue
        if isinstance(data.get("wiki"), Mapping):
            names.append(path.stem)
    return names


def _resolve(profile: str | os.PathLike[str] | None) -> Path:
    name = profile or os.environ.get("ADVOCACY_PROFILE") or "local"
    path = Path(name)
    if path.suffix != ".toml":
        path = CONFIG_DIR / f"{name}.toml"
    if not path.is_file():
        from bots.core.console import unknown

        raise ConfigError(f"{unknown('profile', str(name), available_profiles())}; looked "
                          f"for {path}, or give the path of a profile's .toml file")
    return path


def local_wiki_dir() -> Path:
    return Path(os.environ.get("ADVOCACY_WIKI_DIR") or REPO_ROOT / ".localwiki").resolve()


def _read(profile: str | os.PathLike[str] | None) -> tuple[Path, dict[str, Any]]:
    path = _resolve(profile)
    try:
        with open(path, "rb") as fh:
            return path, tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def read_config(profile: str | os.PathLike[str] | None = None) -> tuple[Path, Config]:
    """A profile's file and its checked configuration, without credentials."""
    path, data = _read(profile)
    return path, parse_config(data, path)


def read_section(profile: str | os.PathLike[str] | None, name: str) -> Any:
    """One section of a profile, checked, whatever the rest of it says (the logging setup
    reads [logging] before the command loads, and reports, the whole profile)."""
    path, data = _read(profile)
    table = data.get(name, {})
    if not isinstance(table, Mapping):
        raise ConfigError(f"{path}: [{name}]: expected a table, not {table!r}")
    return _build(_hints(Config)[name], table, f"{path}: [{name}]")


def load_profile(profile: str | os.PathLike[str] | None = None) -> Profile:
    path, config = read_config(profile)
    name = path.stem
    if config.wiki.kind == LOCALWIKI:
        creds_path = local_wiki_dir() / "credentials.json"
        if not creds_path.is_file():
            raise ConfigError(
                f"the local wiki is not set up ({creds_path} is missing): run "
                "./scripts/localwiki start"
            )
        creds = json.loads(creds_path.read_text())
        config = dataclasses.replace(config, wiki=dataclasses.replace(
            config.wiki, bot_user=creds["bot"]["username"]))
        # ADVOCACY_API_URL: reach the same wiki another way (the tests' fault-injecting proxy).
        api_url = os.environ.get("ADVOCACY_API_URL") or creds["api_url"]
        return Profile(name=name, path=path, config=config, api_url=api_url,
                       password=creds["bot"]["password"])
    return Profile(name=name, path=path, config=config, api_url=config.wiki.api_url)
