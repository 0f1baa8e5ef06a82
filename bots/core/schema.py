"""The record schema, loaded from config/schema.toml: the one place record kinds are declared.

Everything else (validation, TemplateData, index columns, facets, the on-wiki templates) reads
these objects instead of listing fields again.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path

from bots.core.records import declare
from bots.core.vocab import Vocabulary, load_vocabularies, suggest
from bots.errors import UnknownField, UnknownKind
from bots.paths import CONFIG_DIR

FIELD_TYPES = frozenset(
    {"text", "date", "datetime", "username", "page", "url", "enum", "bool", "jurisdiction",
     "language", "timezone"}
)
# Values of these types are codes: "," separates them as well as ";" and new lines.
CODE_TYPES = frozenset({"enum", "jurisdiction", "language"})

_PARAM_SEPARATORS = re.compile(r"[\s\-]+")


@functools.lru_cache(maxsize=4096)  # called for every parameter of every record harvested
def param_key(name: str) -> str:
    """Normalised template parameter name: "Help wanted", "help-wanted" -> "help_wanted"."""
    return _PARAM_SEPARATORS.sub("_", name.strip().lower())


@functools.lru_cache(maxsize=4096)
def template_key(name: str) -> str:
    """Normalised template name: "template:advocacy_case " -> "Advocacy case".

    MediaWiki treats these spellings as the same page: the namespace prefix is optional and
    case-insensitive, underscores are spaces, runs of spaces collapse, the first letter is
    capitalised.
    """
    name = re.sub(r"[\s_]+", " ", name).strip()
    if ":" in name:
        prefix, rest = name.split(":", 1)
        if prefix.strip().lower() in {"template", "msg"}:
            name = rest.strip()
    return name[:1].upper() + name[1:]


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    multiple: bool = False
    vocabulary: str | None = None
    required: bool = False
    default: str | None = None
    derive: str | None = None
    column: bool = False
    facet: str | None = None
    max_length: int | None = None
    aliases: tuple[str, ...] = ()
    suggested: bool = False
    private: bool = False  # hidden when the record's profile is "low"

    @property
    def param_names(self) -> tuple[str, ...]:
        """Every parameter name that fills this field, canonical name first."""
        return (self.name, *self.aliases)


@dataclass(frozen=True, eq=False)
class RecordKind:
    name: str
    template: str
    category: str
    label_field: str
    fields: dict[str, Field]

    def field(self, name: str) -> Field:
        """The declared field ``name``; a name the kind does not declare raises."""
        try:
            return self.fields[name]
        except KeyError:
            raise UnknownField(self.name, name) from None

    @property
    def columns(self) -> list[Field]:
        return [f for f in self.fields.values() if f.column]

    @property
    def facets(self) -> list[Field]:
        return [f for f in self.fields.values() if f.facet]

    @cached_property
    def _by_param(self) -> dict[str, Field]:
        return {param_key(n): fld for fld in self.fields.values() for n in fld.param_names}

    def field_for_param(self, param: str) -> Field | None:
        return self._by_param.get(param_key(param))

    def suggest_param(self, param: str) -> list[str]:
        return suggest(param, list(self.fields))


@dataclass(frozen=True)
class Schema:
    kinds: dict[str, RecordKind]
    vocabularies: dict[str, Vocabulary]
    # Other names of the record templates (redirects on the wiki): template key -> kind name.
    aliases: dict[str, str] = field(default_factory=dict)

    def kind(self, name: str) -> RecordKind:
        """The declared kind ``name``; a kind the schema does not declare raises."""
        try:
            return self.kinds[name]
        except KeyError:
            raise UnknownKind(name, list(self.kinds)) from None

    def kind_for_template(self, name: str) -> RecordKind | None:
        key = template_key(name)
        for kind in self.kinds.values():
            if template_key(kind.template) == key:
                return kind
        alias = self.aliases.get(key)
        return self.kinds[alias] if alias is not None else None

    def with_redirects(self, redirects: dict[str, str]) -> Schema:
        """This schema, also knowing the templates by the names of their redirects
        (``{"Template:Case": "Template:Advocacy case"}``)."""
        by_template = {template_key(k.template): k.name for k in self.kinds.values()}
        aliases = {template_key(alias): by_template[template_key(target)]
                   for alias, target in redirects.items()
                   if template_key(target) in by_template}
        return replace(self, aliases=aliases)

    @property
    def template_names(self) -> list[str]:
        return [k.template for k in self.kinds.values()]


def _field(name: str, spec: dict) -> Field:
    unknown = set(spec) - set(Field.__dataclass_fields__)
    if unknown:
        raise ValueError(f"field {name}: unknown keys {sorted(unknown)}")
    if spec["type"] not in FIELD_TYPES:
        raise ValueError(f"field {name}: unknown type {spec['type']!r}")
    facet = spec.get("facet")
    return Field(
        name=name,
        type=spec["type"],
        multiple=bool(spec.get("multiple", False)),
        vocabulary=spec.get("vocabulary"),
        required=bool(spec.get("required", False)),
        default=spec.get("default"),
        derive=spec.get("derive"),
        column=bool(spec.get("column", False)),
        facet=(name if facet is True else facet) or None,
        max_length=spec.get("max_length"),
        aliases=tuple(spec.get("aliases", ())),
        suggested=bool(spec.get("suggested", False)),
        private=bool(spec.get("private", False)),
    )


def parse_schema(schema_data: dict, vocab_data: dict) -> Schema:
    vocabularies = load_vocabularies(vocab_data)
    kinds = {}
    for kind_name, spec in schema_data.items():
        fields = {name: _field(name, fspec) for name, fspec in spec["fields"].items()}
        for fld in fields.values():
            if fld.type == "enum" and fld.vocabulary not in vocabularies:
                raise ValueError(f"{kind_name}.{fld.name}: unknown vocabulary {fld.vocabulary!r}")
            if fld.derive and fld.derive not in fields:
                raise ValueError(f"{kind_name}.{fld.name}: derives from unknown {fld.derive!r}")
        if spec["label_field"] not in fields:
            raise ValueError(f"{kind_name}: label_field is not a field")
        kinds[kind_name] = RecordKind(
            name=kind_name,
            template=spec["template"],
            category=spec["category"],
            label_field=spec["label_field"],
            fields=fields,
        )
        declare(kind_name, fields, spec["label_field"])
    return Schema(kinds=kinds, vocabularies=vocabularies)


@cache
def load_schema(config_dir: Path = CONFIG_DIR) -> Schema:
    with open(config_dir / "schema.toml", "rb") as fh:
        schema_data = tomllib.load(fh)
    with open(config_dir / "vocabularies.toml", "rb") as fh:
        vocab_data = tomllib.load(fh)
    return parse_schema(schema_data, vocab_data)
