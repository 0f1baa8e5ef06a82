"""Test profiles: a copy of a config profile with some values changed, written as TOML."""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def dumps(data: dict[str, Any], prefix: str = "") -> str:
    """TOML for plain data (tables of strings, numbers, booleans and lists of them)."""
    scalars = [f"{json.dumps(k)} = {_value(v)}" for k, v in data.items()
               if not isinstance(v, dict)]
    out = []
    if scalars:
        if prefix:
            out.append(f"[{prefix}]")
        out.extend(scalars)
        out.append("")
    for key, value in data.items():
        if isinstance(value, dict):
            name = f"{prefix}.{json.dumps(key)}" if prefix else json.dumps(key)
            out.append(dumps(value, name))
    return "\n".join(out)


def write_profile(path: Path, base: str = "local", **changes: dict[str, Any]) -> Path:
    """``config/<base>.toml`` with the tables in ``changes`` updated (``schedule=`` replaces the
    schedule table), written to ``path`` (which must end in .toml)."""
    data = tomllib.loads((REPO_ROOT / "config" / f"{base}.toml").read_text())
    data = copy.deepcopy(data)
    for table, values in changes.items():
        if table == "schedule":
            data["schedule"] = dict(values)
        else:
            data.setdefault(table, {}).update(values)
    path.write_text(dumps(data))
    assert tomllib.loads(path.read_text()) == data
    return path
