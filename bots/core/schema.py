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

from bots.core.records import Declared, declare
from bots.core.vocab import Vocabulary, load_vocabularies, suggest
from bots.errors import SchemaError, UnknownField, UnknownKind
from bots.paths import CONFIG_DIR

FIELD_TYPES = frozenset(
    {"text", "date", "datetime", "month", "username", "page", "url", "enum", "bool", "jurisdiction",
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
    facet: str | None = None
    max_length: int | None = None
    aliases: tuple[str, ...] = ()
    suggested: bool = False  # TemplateData marks it "suggested" (VisualEditor offers it)
    private: bool = False  # hidden where the record asks for it (the kind's private_when)
    # For a page field: the kind its pages are (a bare name is a page under that kind's
    # prefix: `related = Wikipedia blackout` is the case Advocacy Hub/Cases/Wikipedia blackout).
    target: str | None = None

    @property
    def param_names(self) -> tuple[str, ...]:
        """Every parameter name that fills this field, canonical name first."""
        return (self.name, *self.aliases)


LAYOUTS = frozenset({"infobox", "card", "line"})
_KIND_KEYS = frozenset({"template", "category", "label_field", "fields", "columns", "layout",
                        "colour", "private_when", "directory"})


@dataclass(frozen=True, eq=False)
class RecordKind:
    name: str
    template: str
    category: str
    label_field: str
    fields: dict[str, Field]
    column_names: tuple[str, ...] = ()  # the index table's columns, in order
    layout: str = "card"  # how the template shows a record (bots.core.wikitemplates)
    colour: str = "#eaecf0"
    # (field, value): a record whose field has this value hides its private fields on every
    # page (the template, the roster, matching, newsletters): where an advocate works can be
    # dangerous to publish.
    private_when: tuple[str, str] | None = None
    # A directory of this kind's records (an index table and a page per facet) at
    # <hub root>/<directory>; kinds with pages of their own (cases, the roster ...) have none.
    directory: str | None = None

    def field(self, name: str) -> Field:
        """The declared field ``name``; a name the kind does not declare raises."""
        try:
            return self.fields[name]
        except KeyError:
            raise UnknownField(self.name, name) from None

    @property
    def columns(self) -> list[Field]:
        return [self.fields[n] for n in self.column_names]

    @property
    def private_fields(self) -> list[Field]:
        return [f for f in self.fields.values() if f.private]


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
    pillars: dict[str, str] = field(default_factory=dict)  # topic -> pillar (newsletter groups)

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
        raise SchemaError(f"field {name}: unknown keys {sorted(unknown)}")
    if spec["type"] not in FIELD_TYPES:
        raise SchemaError(f"field {name}: unknown type {spec['type']!r}")
    facet = spec.get("facet")
    return Field(
        name=name,
        type=spec["type"],
        multiple=bool(spec.get("multiple", False)),
        vocabulary=spec.get("vocabulary"),
        required=bool(spec.get("required", False)),
        default=spec.get("default"),
        derive=spec.get("derive"),
        facet=(name if facet is True else facet) or None,
        max_length=spec.get("max_length"),
        aliases=tuple(spec.get("aliases", ())),
        target=spec.get("target"),
        suggested=bool(spec.get("suggested", False)),
        private=bool(spec.get("private", False)),
    )


def _kind(name: str, spec: dict, fields: dict[str, Field]) -> RecordKind:
    unknown = set(spec) - _KIND_KEYS
    if unknown:
        raise SchemaError(f"kind {name}: unknown keys {sorted(unknown)}")
    if spec["label_field"] not in fields:
        raise SchemaError(f"{name}: label_field is not a field")
    columns = tuple(spec.get("columns", ()))
    for col in columns:
        if col not in fields:
            raise SchemaError(f"{name}: column {col!r} is not a field")
    layout = spec.get("layout", "card")
    if layout not in LAYOUTS:
        raise SchemaError(f"{name}: layout {layout!r} is not one of {sorted(LAYOUTS)}")
    private_when = None
    if "private_when" in spec:
        ((when_field, when_value),) = spec["private_when"].items()
        if when_field not in fields:
            raise SchemaError(f"{name}: private_when names no field ({when_field!r})")
        private_when = (when_field, str(when_value).lower())
    elif any(f.private for f in fields.values()):
        raise SchemaError(f"{name}: private fields, but no private_when says when")
    return RecordKind(name=name, template=spec["template"], category=spec["category"],
                      label_field=spec["label_field"], fields=fields, column_names=columns,
                      layout=layout, colour=spec.get("colour", "#eaecf0"),
                      private_when=private_when, directory=spec.get("directory"))


def parse_schema(schema_data: dict, vocab_data: dict) -> Schema:
    vocabularies = load_vocabularies(vocab_data)
    kinds = {}
    for kind_name, spec in schema_data.items():
        fields = {name: _field(name, fspec) for name, fspec in spec["fields"].items()}
        for fld in fields.values():
            if fld.type == "enum" and fld.vocabulary not in vocabularies:
                raise SchemaError(f"{kind_name}.{fld.name}: unknown vocabulary {fld.vocabulary!r}")
            if fld.derive and fld.derive not in fields:
                raise SchemaError(f"{kind_name}.{fld.name}: derives from unknown {fld.derive!r}")
        kind = kinds[kind_name] = _kind(kind_name, spec, fields)
        declare(kind_name, Declared(
            fields=frozenset(fields), label_field=kind.label_field,
            private=frozenset(f.name for f in kind.private_fields),
            private_when=kind.private_when))
    members = vocab_data.get("pillars", {}).get("members", {})
    pillars = {topic: pillar for pillar, topics in members.items() for topic in topics}
    return Schema(kinds=kinds, vocabularies=vocabularies, pillars=pillars)


@cache
def load_schema(config_dir: Path = CONFIG_DIR) -> Schema:
    with open(config_dir / "schema.toml", "rb") as fh:
        schema_data = tomllib.load(fh)
    with open(config_dir / "vocabularies.toml", "rb") as fh:
        vocab_data = tomllib.load(fh)
    return parse_schema(schema_data, vocab_data)
