"""Jurisdictions and grant regions.

ISO 3166 codes come from pycountry and country names in every language from CLDR (Babel); the
only table kept here is the movement's own: which grant region each country belongs to
(config/regions.toml, from Meta-Wiki's Grants:Regions).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycountry
from babel import Locale, UnknownLocaleError

from bots.core.vocab import suggest
from bots.paths import CONFIG_DIR


@dataclass(frozen=True)
class Geography:
    region_of: dict[str, tuple[str, ...]]  # jurisdiction code -> regions
    supranational: tuple[str, ...]
    aliases: dict[str, str]

    def normalise(self, raw: str) -> str | None:
        """Canonical jurisdiction code for what an editor wrote ("de", "DEU", "Germany", "EU")."""
        text = raw.strip()
        for code in self.supranational:
            if text.lower() == code.lower():
                return code
        alias = self.aliases.get(text.upper()) or self.aliases.get(text.lower())
        if alias:
            return alias
        if len(text) == 2 and text.upper() in self.region_of:
            return text.upper()
        try:
            country = pycountry.countries.lookup(text)
        except LookupError:
            return None
        return country.alpha_2

    def suggest(self, raw: str) -> list[str]:
        names = {c.name: c.alpha_2 for c in pycountry.countries}
        pool = [*self.supranational, *names]
        return [names.get(hit, hit) for hit in suggest(raw, pool)]

    def regions(self, code: str) -> tuple[str, ...]:
        return self.region_of.get(code, ())


@cache
def load_geography(config_dir: Path = CONFIG_DIR) -> Geography:
    with open(config_dir / "regions.toml", "rb") as fh:
        data = tomllib.load(fh)
    all_regions: list[str] = [r for r in data["regions"] if r != "unassigned"]
    region_of: dict[str, tuple[str, ...]] = {}
    for region in all_regions:
        for code in data["regions"][region]:
            if pycountry.countries.get(alpha_2=code) is None:
                raise ValueError(f"regions.toml: {code} is not an ISO 3166-1 alpha-2 code")
            region_of[code] = (*region_of.get(code, ()), region)
    for code in data["regions"].get("unassigned", []):
        region_of.setdefault(code, ())
    supranational = []
    for code, regions in data.get("supranational", {}).items():
        region_of[code] = tuple(all_regions) if regions == "all" else tuple(regions)
        supranational.append(code)
    aliases = {k.upper(): v for k, v in data.get("aliases", {}).items()}
    return Geography(region_of=region_of, supranational=tuple(supranational), aliases=aliases)


def _locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale("en")


def jurisdiction_name(code: str, lang: str) -> str:
    """The name of a country in ``lang`` from CLDR; supranational codes are returned as given
    (their labels are messages)."""
    name = _locale(lang).territories.get(code)
    if name:
        return name
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code


def language_autonym(code: str) -> str:
    """A language's name in its own script ("es" -> "español", "zh" -> "中文")."""
    try:
        loc = Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return language_name(code, "en")
    return loc.get_display_name(loc) or code


def language_name(code: str, lang: str) -> str:
    base = code.split("-")[0]
    name = _locale(lang).languages.get(code.replace("-", "_")) or _locale(lang).languages.get(base)
    if name:
        return name
    found = pycountry.languages.get(alpha_2=base) or pycountry.languages.get(alpha_3=base)
    return found.name if found else code


def normalise_language(raw: str) -> str | None:
    """A language code (ISO 639, optionally with a variant as Wikimedia writes them: "pt-br",
    "zh-hans") for what an editor wrote ("ES", "Spanish", "spa")."""
    text = raw.strip().replace("_", "-")
    parts = text.lower().split("-")
    base = parts[0]
    found = None
    if len(base) == 2:
        found = pycountry.languages.get(alpha_2=base)
    elif len(base) == 3:
        found = pycountry.languages.get(alpha_3=base)
    if found is not None:
        code = getattr(found, "alpha_2", None) or found.alpha_3
        return "-".join([code, *parts[1:]])
    if len(parts) == 1:
        try:
            found = pycountry.languages.lookup(text)
        except LookupError:
            return None
        return getattr(found, "alpha_2", None) or found.alpha_3
    return None


def suggest_language(raw: str) -> list[str]:
    names = {lang.name: getattr(lang, "alpha_2", lang.alpha_3) for lang in pycountry.languages
             if hasattr(lang, "alpha_2")}
    return [names.get(hit, hit) for hit in suggest(raw, list(names))]
