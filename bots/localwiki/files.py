"""Small file and secret helpers of the wiki directory."""

from __future__ import annotations

import os
import re
import secrets
import string
import tempfile
from pathlib import Path

_ALNUM = string.ascii_letters + string.digits


def write_atomic(path: str | Path, text: str, mode: int) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename: a reader (or a crash)
    never sees half a file; secrets are never readable by others, not even for a moment."""
    path = str(path)
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(path) + ".tmp.",
                               dir=os.path.dirname(path) or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def random_alnum(length: int) -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(length))


def random_hex(nbytes: int) -> str:
    return secrets.token_hex(nbytes)


def shell_assignments(values: dict[str, str]) -> str:
    """``KEY='value'`` lines (the .secrets and accounts.sh files, which shells may source);
    values are alphanumeric, checked so that a quote can never end one early."""
    for key, value in values.items():
        if not re.fullmatch(r"[A-Za-z0-9]*", value):
            raise ValueError(f"{key} must be alphanumeric")
    return "".join(f"{key}='{value}'\n" for key, value in values.items())


def read_assignments(path: str | Path) -> dict[str, str]:
    """The ``KEY='value'`` lines written by :func:`shell_assignments`."""
    found: dict[str, str] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)='([^']*)'", line.strip())
        if match:
            found[match.group(1)] = match.group(2)
    return found
