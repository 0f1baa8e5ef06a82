"""Tests for scripts/localwiki and its Python API, bots.localwiki (real PHP + MediaWiki)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
import requests

from bots.localwiki import LocalWiki, default_mediawiki, free_port, start_wiki

pytestmark = pytest.mark.wiki


def api(wiki: LocalWiki, **params: str) -> dict[str, Any]:
    resp = requests.get(
        wiki.api_url, params={"format": "json", "formatversion": "2", **params}, timeout=30
    )
    resp.raise_for_status()
    data: dict[str, Any] = resp.json()
    assert "error" not in data, data
    return data


def user_groups(wiki: LocalWiki, name: str) -> set[str]:
    data = api(wiki, action="query", list="users", ususers=name, usprop="groups")
    (user,) = data["query"]["users"]
    assert "missing" not in user, user
    return set(user["groups"])


def test_siteinfo_reports_local_server(local_wiki: LocalWiki) -> None:
    general = api(local_wiki, action="query", meta="siteinfo")["query"]["general"]
    assert general["server"] == local_wiki.server == f"http://127.0.0.1:{local_wiki.port}"
    assert general["articlepath"] == "/wiki/$1"
    assert local_wiki.api_url == f"{local_wiki.server}/api.php"


def test_accounts_and_groups(local_wiki: LocalWiki) -> None:
    assert local_wiki.bot[0] == "AdvocacyBot"
    assert "bot" in user_groups(local_wiki, local_wiki.bot[0])
    assert {"sysop", "bureaucrat", "interface-admin"} <= user_groups(
        local_wiki, local_wiki.admin[0]
    )


def test_article_url_and_parser_functions(local_wiki: LocalWiki) -> None:
    assert local_wiki.url("Main Page") == f"{local_wiki.server}/wiki/Main_Page"
    assert local_wiki.url("Café/Sub page") == f"{local_wiki.server}/wiki/Caf%C3%A9/Sub_page"
    page = requests.get(local_wiki.url("Main Page"), timeout=30)
    assert page.status_code == 200
    assert "skins.vector.styles" in page.text
    parsed = api(
        local_wiki, action="parse", text="{{#if:x|yes|no}}", contentmodel="wikitext", prop="text"
    )
    assert ">yes" in parsed["parse"]["text"]


def test_start_twice_is_idempotent(local_wiki: LocalWiki) -> None:
    again = start_wiki(local_wiki.dir, local_wiki.port)
    assert again == local_wiki
    assert start_wiki(local_wiki.dir) == local_wiki  # port=None keeps the running port
    assert api(local_wiki, action="query", meta="siteinfo")["query"]["general"]["server"] == (
        local_wiki.server
    )


def test_two_wikis_side_by_side(local_wiki: LocalWiki, fresh_wiki: LocalWiki) -> None:
    assert fresh_wiki.port != local_wiki.port
    assert fresh_wiki.dir != local_wiki.dir
    for wiki in (local_wiki, fresh_wiki):
        general = api(wiki, action="query", meta="siteinfo")["query"]["general"]
        assert general["server"] == wiki.server

    # A page created in one wiki does not exist in the other.
    fresh_wiki.maint(
        "edit", "--user", fresh_wiki.admin[0], "--summary", "test", "Only here",
        input="Hello from the fresh wiki.",
    )  # fmt: skip
    pages = api(fresh_wiki, action="query", titles="Only here")["query"]["pages"]
    assert "missing" not in pages[0]
    pages = api(local_wiki, action="query", titles="Only here")["query"]["pages"]
    assert pages[0].get("missing") is True

    fresh_wiki.create_user("Helper Sysop", "Helper-password-1234", "sysop")
    assert "sysop" in user_groups(fresh_wiki, "Helper Sysop")


def test_stop_stops_the_server(tmp_path_factory: pytest.TempPathFactory) -> None:
    wiki = start_wiki(tmp_path_factory.mktemp("stop_wiki"), free_port())
    assert wiki.is_running()
    pid = int((wiki.dir / "server.pid").read_text())
    # A 1.43 wiki's bind mounts live in its own mount namespace, never in the host's.
    assert str(wiki.dir) not in Path("/proc/mounts").read_text()
    wiki.stop()
    assert not wiki.is_running()
    assert not (wiki.dir / "server.pid").exists()
    with contextlib.suppress(FileNotFoundError):  # gone, or a zombie waiting to be reaped
        assert ") Z " in Path(f"/proc/{pid}/stat").read_text()
    assert str(wiki.dir) not in Path("/proc/mounts").read_text()
    with pytest.raises(requests.ConnectionError):
        requests.get(wiki.api_url, timeout=5)
    wiki.stop()  # stopping a stopped wiki is harmless


LUA_MODULE = """local p = {}
function p.hello(frame)
    return _VERSION .. ' says ' .. frame.args[1] .. ' ' .. string.upper('ok')
end
return p
"""


def test_version_extensions_and_lua(fresh_wiki: LocalWiki) -> None:
    assert fresh_wiki.mediawiki == default_mediawiki()
    query = api(fresh_wiki, action="query", meta="siteinfo", siprop="general|extensions")["query"]
    assert query["general"]["generator"].startswith(f"MediaWiki {fresh_wiki.mediawiki}.")
    assert {"ParserFunctions", "TemplateData", "Cite", "InputBox", "Scribunto"} <= {
        ext["name"] for ext in query["extensions"]
    }
    # Scribunto runs Lua in Debian's lua5.1 (LuaStandalone) on every version.
    fresh_wiki.maint("edit", "--user", fresh_wiki.admin[0], "Module:Hello", input=LUA_MODULE)
    parsed = api(fresh_wiki, action="parse", text="{{#invoke:Hello|hello|wiki}}",
                 contentmodel="wikitext", prop="text")
    assert "Lua 5.1 says wiki OK" in parsed["parse"]["text"]


def test_both_versions_side_by_side(local_wiki: LocalWiki,
                                    tmp_path_factory: pytest.TempPathFactory) -> None:
    if local_wiki.mediawiki == "1.39":
        pytest.skip("runs when the tests' wikis are 1.43 (a 1.39 wiki needs no chroot)")
    old = start_wiki(tmp_path_factory.mktemp("old_wiki"), mediawiki="1.39")
    try:
        for wiki, series in ((old, "1.39"), (local_wiki, local_wiki.mediawiki)):
            general = api(wiki, action="query", meta="siteinfo")["query"]["general"]
            assert general["generator"].startswith(f"MediaWiki {series}.")
            assert wiki.mediawiki == series
        old.maint("edit", "--user", old.admin[0], "Only old", input="Hello.")
        assert "missing" not in api(old, action="query", titles="Only old")["query"]["pages"][0]
        assert api(local_wiki, action="query", titles="Only old")["query"]["pages"][0]["missing"]
    finally:
        old.stop()
