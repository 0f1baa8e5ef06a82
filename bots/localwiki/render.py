"""The files written into a wiki's directory (LocalSettings.php, router.php, credentials.json),
rendered from the templates in ``templates/``: pure functions, no I/O beyond reading those.

Every value that is not a fixed constant goes through one escaper for its context: ``php_str``
(a single-quoted PHP literal), ``php_comment`` (text on a ``#``/``//`` comment line) or
``json.dumps``. The output is byte for byte what the shell version wrote, so wikis and
template caches made by either are the same.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


class _Template(string.Template):
    # PHP is full of `$`: placeholders are @@{name} instead.
    delimiter = "@@"


@cache
def _template(name: str) -> _Template:
    return _Template((TEMPLATES_DIR / name).read_text(encoding="utf-8"))


def php_str(value: str) -> str:
    """A PHP single-quoted string literal of ``value``: inside '...' only backslash and the
    quote are special, so escaping those two is complete (any bytes, newlines included)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def php_comment(value: str) -> str:
    """``value`` made safe on a PHP comment line: a line break (or ``?>``, which ends PHP mode
    even inside a ``#``/``//`` comment) would turn the rest of a path into code."""
    text = "".join(" " if ch in "\r\n" else ch for ch in value)
    return text.replace("?>", "?\\>")


def json_str(value: str) -> str:
    """A JSON string literal (UTF-8 kept as is, control characters escaped)."""
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class SettingsInput:
    """What LocalSettings.php depends on."""

    port: str
    secret_key: str  # hex (random_hex): safe inside "..." in PHP
    upgrade_key: str
    mw_version: str  # e.g. "1.43.9"
    series: str  # "1.39" or "1.43"
    chroot: str  # the trixie root for 1.43, "" for the host's packages
    extensions: tuple[str, ...]  # the wanted extensions this MediaWiki has, in load order
    lua: str


def _hexdigits(value: str, what: str) -> str:
    if not value or any(ch not in "0123456789abcdef" for ch in value):
        raise ValueError(f"{what} must be lowercase hex, not {value!r}")
    return value


def _port(value: str) -> str:
    if not value.isascii() or not value.isdigit():
        raise ValueError(f"port must be digits, not {value!r}")
    return value


def render_settings(s: SettingsInput) -> str:
    """LocalSettings.php."""
    loads = ""
    for ext in s.extensions:
        loads += f"wfLoadExtension( {php_str(ext)} );\n"
        if ext == "Scribunto":
            # Lua as on Wikimedia wikis, but run by Debian's lua5.1 (LuaSandbox is not packaged)
            loads += _template("scribunto.php.tmpl").substitute(lua=php_str(s.lua))
    # 1.39's installer sets the 'db-replicated' cache to CACHE_DB; 1.43's no longer does.
    replicated = (
        _template("db-replicated.php.tmpl").template.rstrip("\n") if s.series == "1.39" else ""
    )
    where = f"Debian trixie, in {s.chroot}" if s.chroot else "the host's Debian packages"
    return _template("LocalSettings.php.tmpl").substitute(
        mw_version=php_comment(s.mw_version),
        where=php_comment(where),
        port=_port(s.port),
        secret_key=_hexdigits(s.secret_key, "secret_key"),
        upgrade_key=_hexdigits(s.upgrade_key, "upgrade_key"),
        db_replicated_cache=replicated,
        extensions=loads,
    )


def render_router(wiki_dir: str, mw_root: str) -> str:
    """router.php: the request router of ``php -S``, which serves MediaWiki from ``mw_root``
    with this wiki's settings."""
    return _template("router.php.tmpl").substitute(
        mw_root_comment=php_comment(mw_root),
        dir_comment=php_comment(php_str(wiki_dir)),
        settings_file=php_str(f"{wiki_dir}/LocalSettings.php"),
        mw_root=php_str(mw_root),
    )


def render_credentials(
    *, server: str, wiki_dir: str, series: str, admin: tuple[str, str], bot: tuple[str, str]
) -> str:
    """credentials.json: where the wiki is and its two accounts (read by tests and tools)."""
    return _template("credentials.json.tmpl").substitute(
        server=json_str(server),
        api_url=json_str(f"{server}/api.php"),
        dir=json_str(wiki_dir),
        mediawiki=json_str(series),
        admin_user=json_str(admin[0]),
        admin_password=json_str(admin[1]),
        bot_user=json_str(bot[0]),
        bot_password=json_str(bot[1]),
    )


_BASH_Q_SPECIAL = set(" !\"$&'()*,;<>?[\\]^`{|}")
_BASH_Q_CONTROL = {"\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v",
                   "\f": "\\f", "\r": "\\r", "\x1b": "\\E", "\\": "\\\\", "'": "\\'"}


def bash_q(value: str) -> str:
    """``printf %q`` as bash prints it (``scripts/localwiki env`` lines are read by shells)."""
    if value == "":
        return "''"
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        body = "".join(
            _BASH_Q_CONTROL.get(ch)
            or (f"\\{ord(ch):03o}" if ord(ch) < 0x20 or ord(ch) == 0x7F else ch)
            for ch in value
        )
        return f"$'{body}'"
    out = "".join("\\" + ch if ch in _BASH_Q_SPECIAL else ch for ch in value)
    return "\\" + out if value[0] in "~#" else out
