"""A person editing the local wiki: the demo's and the tests' stand-in for human editors.

The bot itself talks to wikis only through pywikibot. People are separate: each has its own
requests session (pywikibot keeps one cookie jar per process, so it cannot be several users at
once). Used only against the project's local wiki.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import requests

from bots.errors import ActorError


@dataclass
class Actor:
    api_url: str
    username: str
    password: str = field(repr=False)
    session: requests.Session = field(default_factory=requests.Session, repr=False)

    def call(self, method: str = "GET", **params: Any) -> dict:
        params = {"format": "json", "formatversion": "2", **params}
        if method == "GET":
            resp = self.session.get(self.api_url, params=params, timeout=60)
        else:
            resp = self.session.post(self.api_url, data=params, timeout=60)
        resp.raise_for_status()
        data = resp.json()
        if "error" in data:
            raise ActorError(f"{self.username}: {data['error'].get('code')}: "
                             f"{data['error'].get('info')}")
        return data

    def token(self, kind: str = "csrf") -> str:
        return self.call(action="query", meta="tokens", type=kind)["query"]["tokens"][
            f"{kind}token"]

    def login(self) -> Actor:
        token = self.token("login")
        data = self.call("POST", action="clientlogin", username=self.username,
                         password=self.password, logintoken=token,
                         loginreturnurl="http://127.0.0.1/")
        if data["clientlogin"]["status"] != "PASS":
            raise ActorError(f"login failed for {self.username}: {data['clientlogin']}")
        return self

    def create_account(self, username: str, password: str) -> bool:
        """Create an account (False if it exists already)."""
        info = self.call(action="query", list="users", ususers=username)["query"]["users"][0]
        if "missing" not in info:
            return False
        token = self.token("createaccount")
        data = self.call("POST", action="createaccount", username=username, password=password,
                         retype=password, createtoken=token,
                         createreturnurl="http://127.0.0.1/")
        if data["createaccount"]["status"] != "PASS":
            raise ActorError(f"could not create {username}: {data['createaccount']}")
        return True

    def text(self, title: str) -> str | None:
        page = self.call(action="query", prop="revisions", rvprop="content", rvslots="main",
                         titles=title)["query"]["pages"][0]
        if page.get("missing"):
            return None
        return page["revisions"][0]["slots"]["main"]["content"]

    def edit(self, title: str, text: str, summary: str, **extra: object) -> dict:
        return self.call("POST", action="edit", title=title, text=text, summary=summary,
                         token=self.token(), **extra)["edit"]

    def append(self, title: str, text: str, summary: str) -> dict:
        return self.call("POST", action="edit", title=title, appendtext=text, summary=summary,
                         token=self.token())["edit"]
