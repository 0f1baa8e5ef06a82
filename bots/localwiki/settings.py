"""Writing a wiki's generated files (LocalSettings.php, router.php, credentials.json) from
what is on this machine; rendering itself is in :mod:`render`."""

from __future__ import annotations

from .files import write_atomic
from .layout import ADMIN_USER, BOT_USER, LUA, WANTED_EXTENSIONS, Layout, server_url
from .php import available_extensions, mw_version
from .render import SettingsInput, render_credentials, render_router, render_settings


def write_settings(layout: Layout, directory: str, port: str, secret_key: str,
                   upgrade_key: str) -> None:
    text = render_settings(SettingsInput(
        port=port, secret_key=secret_key, upgrade_key=upgrade_key,
        mw_version=mw_version(layout), series=layout.series, chroot=layout.chroot,
        extensions=tuple(available_extensions(layout, WANTED_EXTENSIONS)), lua=LUA,
    ))
    write_atomic(f"{directory}/LocalSettings.php", text, 0o600)


def write_router(layout: Layout, directory: str) -> None:
    write_atomic(f"{directory}/router.php", render_router(directory, layout.mw_root), 0o644)


def write_credentials(layout: Layout, directory: str, port: str, admin_password: str,
                      bot_password: str) -> None:
    text = render_credentials(server=server_url(port), wiki_dir=directory, series=layout.series,
                              admin=(ADMIN_USER, admin_password), bot=(BOT_USER, bot_password))
    write_atomic(f"{directory}/credentials.json", text, 0o600)
