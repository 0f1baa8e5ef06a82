"""Profiles: one TOML file says which wiki the bot works on and how.

``config/local.toml`` targets the project's own local MediaWiki (the default, and the only
target of the demo and the tests); ``config/meta.toml`` targets Meta-Wiki.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bots.errors import ConfigError
from bots.paths import CONFIG_DIR, REPO_ROOT


@dataclass(frozen=True)
class Profile:
    name: str
    path: Path
    data: dict[str, Any]
    # Filled for the local wiki from its data directory's credentials.json.
    api_url: str = ""
    password: str = field(default="", repr=False)

    @property
    def wiki(self) -> dict[str, Any]:
        return self.data["wiki"]

    @property
    def hub(self) -> dict[str, Any]:
        return self.data["hub"]

    @property
    def limits(self) -> dict[str, Any]:
        return self.data.get("limits", {})

    @property
    def schedule(self) -> dict[str, str]:
        return self.data.get("schedule", {})

    @property
    def is_local(self) -> bool:
        return self.wiki.get("kind") == "localwiki"

    @property
    def bot_user(self) -> str:
        return os.environ.get("ADVOCACY_BOT_USER") or self.wiki["bot_user"]

    @property
    def language(self) -> str:
        return self.wiki.get("language", "en")

    @property
    def languages(self) -> list[str]:
        return list(self.hub.get("languages", [self.language]))

    @property
    def family(self) -> str:
        if self.is_local:
            # One family per local wiki (port), so tests can talk to several in one process.
            port = self.api_url.split(":")[-1].split("/")[0]
            return f"advocacylocal{port}"
        return self.wiki["family"]

    @property
    def code(self) -> str:
        return self.family if self.is_local else self.wiki["code"]

    @property
    def root(self) -> str:
        return self.hub["root"]

    def hub_page(self, key: str) -> str:
        """A configured hub page ("cases" -> "Advocacy Hub/Cases")."""
        return self.hub["pages"][key]

    @property
    def state_root(self) -> str:
        return self.hub.get("state_root") or f"User:{self.bot_user}"

    def state_page(self, name: str) -> str:
        return f"{self.state_root}/{name}"

    @property
    def write_prefixes(self) -> list[str]:
        return [*self.hub["write_prefixes"], f"{self.state_root}/"]

    def may_write(self, title: str) -> bool:
        """Only under the configured prefixes: nothing a record says can move the bot elsewhere."""
        for prefix in self.write_prefixes:
            if title == prefix.rstrip("/") or (prefix.endswith("/") and title.startswith(prefix)):
                return True
        return False


def _resolve(profile: str | os.PathLike[str] | None) -> Path:
    name = profile or os.environ.get("ADVOCACY_PROFILE") or "local"
    path = Path(name)
    if path.suffix != ".toml":
        path = CONFIG_DIR / f"{name}.toml"
    if not path.is_file():
        raise ConfigError(f"no profile {name!r} (looked for {path})")
    return path


def local_wiki_dir() -> Path:
    return Path(os.environ.get("ADVOCACY_WIKI_DIR") or REPO_ROOT / ".localwiki").resolve()


def load_profile(profile: str | os.PathLike[str] | None = None) -> Profile:
    path = _resolve(profile)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    for section in ("wiki", "hub"):
        if section not in data:
            raise ConfigError(f"{path}: missing [{section}]")
    name = path.stem
    if data["wiki"].get("kind") == "localwiki":
        creds_path = local_wiki_dir() / "credentials.json"
        if not creds_path.is_file():
            raise ConfigError(
                f"the local wiki is not set up ({creds_path} is missing): run "
                "./scripts/localwiki start"
            )
        creds = json.loads(creds_path.read_text())
        data["wiki"]["bot_user"] = creds["bot"]["username"]
        # ADVOCACY_API_URL: reach the same wiki another way (the tests' fault-injecting proxy).
        api_url = os.environ.get("ADVOCACY_API_URL") or creds["api_url"]
        return Profile(name=name, path=path, data=data, api_url=api_url,
                       password=creds["bot"]["password"])
    return Profile(name=name, path=path, data=data, api_url=data["wiki"].get("api_url", ""))
