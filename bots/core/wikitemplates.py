"""The on-wiki templates, their documentation and TemplateData, derived from the schema.

``advocacy-bot templates build`` writes these to wikitemplates/ (committed, so they can be read
and reviewed); ``templates install`` puts them on the wiki. A test keeps the two in step.
"""

from __future__ import annotations

import json

from bots.core.casequery import facet_params
from bots.core.casetable import KIND as CASE_KIND
from bots.core.casetable import citing_fields
from bots.core.luadata import (
    PLACES_PAGE,
    SCHEMA_PAGE,
    VOCABULARIES_PAGE,
    places_json,
    schema_json,
    vocabularies_json,
)
from bots.core.messages import Messages, available_languages
from bots.core.preloads import preload_pages
from bots.core.schema import Field, RecordKind, Schema
from bots.paths import TEMPLATES_DIR

RECORD_MARKER = "Advocacy record"
TEMPLATE_CATEGORY = "Advocacy Hub templates"
MISSING_CATEGORY = "Advocacy Hub records with missing fields"
NEWSLETTER_CATEGORY = "Advocacy Hub newsletter issues"  # every issue page
MODULE = "Module:Advocacy"  # the templates' Lua helpers (wikitemplates/Module_Advocacy.lua)
CASES_TEMPLATE = "Advocacy cases"  # {{Advocacy cases|topics=…}}: a query of the case table
# Pages `templates install` creates only when missing: the wiki's page is the community's.
CREATE_ONLY = frozenset({VOCABULARIES_PAGE})

_TD_TYPES = {
    "text": "string", "date": "date", "datetime": "date", "month": "string",
    "username": "wiki-user-name",
    "page": "wiki-page-name", "url": "url", "enum": "string", "bool": "string",
    "jurisdiction": "string", "language": "string", "timezone": "string",
}
# How a kind shows on its page (its schema `layout`): an infobox on a record's own page, cards
# on shared pages (the sign-up page holds many advocates), one line per subscriber.
_BOX_STYLE = {
    "infobox": "float:right; clear:right; width:24em; margin:0 0 1em 1em;",
    "card": "display:inline-table; vertical-align:top; width:22em; margin:0 1em 1em 0;",
}


def doc_titles(root: str) -> tuple[str, str]:
    """Where the vocabularies page and the translation pages are documented (written by
    `templates install`)."""
    return f"{root}/Vocabularies", f"{root}/Translations"


def param_expr(fld: Field, default: str = "") -> str:
    """{{{name|{{{alias|…}}}}}}: the field's value whichever of its names the editor used."""
    expr = default
    for name in reversed(fld.param_names):
        expr = f"{{{{{{{name}|{expr}}}}}}}"
    return expr


def _translations(key: str, langs: list[str]) -> dict[str, str]:
    out = {}
    for lang in langs:
        msgs = Messages(lang)
        if msgs.has(key) and (lang == "en" or msgs.raw(key) != Messages("en").raw(key)):
            out[lang] = msgs.raw(key)
    return out


def _field_desc_key(kind: RecordKind, fld: Field, msgs: Messages) -> str:
    specific = f"advocacyhub-fielddesc-{kind.name}-{fld.name}"
    return specific if msgs.has(specific) else f"advocacyhub-fielddesc-{fld.name}"


def templatedata(kind: RecordKind, schema: Schema) -> dict:
    en = Messages("en")
    langs = available_languages()
    params: dict[str, dict] = {}
    for fld in kind.fields.values():
        param: dict = {
            "label": _translations(f"advocacyhub-field-{fld.name}", langs),
            "description": _translations(_field_desc_key(kind, fld, en), langs),
            "type": _TD_TYPES[fld.type],
        }
        if fld.required:
            param["required"] = True
        elif fld.suggested:
            param["suggested"] = True
        if fld.aliases:
            param["aliases"] = list(fld.aliases)
        if fld.default is not None:
            param["default"] = fld.default
        if fld.type == "enum" and not fld.multiple:
            param["suggestedvalues"] = list(schema.vocabularies[fld.vocabulary or ""].values)
        if fld.type == "bool":
            param["suggestedvalues"] = ["yes", "no"]
        params[fld.name] = param
    return {
        "description": _translations(f"advocacyhub-template-desc-{kind.name}", langs),
        "params": params,
        "paramOrder": list(kind.fields),
        "format": "block",
    }


# The field types whose values a box shows by their label in the page's language (vocabulary
# labels, CLDR place names, language names), not as the codes typed.
LABELLED = ("enum", "jurisdiction", "language")

def _row(fld: Field, label: str, kind: RecordKind | None = None) -> str:
    """One row of a record's box, opening with its new line (so a row left out leaves no
    empty line behind: no stray paragraph in the box). With ``kind``: the field's name and
    its labelled values in the page's language (Module:Advocacy)."""
    value = param_expr(fld)
    shown = value
    mod = MODULE.removeprefix("Module:")
    if kind is not None:
        label = f"{{{{#invoke:{mod}|label|{fld.name}}}}}"
    if kind is not None and fld.type in LABELLED:
        shown = f"{{{{#invoke:{mod}|values|{value}|field={fld.name}|kind={kind.name}}}}}"
    elif fld.type == "username" and not fld.multiple:
        shown = f"[[User:{value}|{value}]]"
    elif fld.type == "url" and not fld.multiple:
        shown = f"[{value} {label}]"
    elif fld.type == "page" and not fld.multiple:
        shown = f"[[{value}]]"
    elif fld.type == "page":  # several pages: Module:Advocacy splits them as the bot does
        under = f"|under={fld.target}" if fld.target else ""
        shown = f"{{{{#invoke:{mod}|links|{value}{under}}}}}"
    # A parser function trims its result: <nowiki/> keeps the row's new line in it.
    return f"{{{{#if:{value}|<nowiki/>\n{{{{!}}}}-\n! {label}\n{{{{!}}}} {shown}}}}}"


def template_source(kind: RecordKind) -> str:
    msgs = Messages("en")
    layout = kind.layout
    label_fld = kind.field(kind.label_field)
    missing = " ".join(
        f"{{{{#if:{param_expr(f)}||[[Category:{MISSING_CATEGORY}]]}}}}"
        for f in kind.fields.values() if f.required
    )
    if layout == "line":
        parts = [f"[[User:{param_expr(label_fld)}|{param_expr(label_fld)}]]"]
        mod = MODULE.removeprefix("Module:")
        for fld in kind.fields.values():
            if fld is not label_fld:
                # Labels and values in the page's language, as in a box.
                shown = param_expr(fld)
                if fld.type in LABELLED:
                    shown = (f"{{{{#invoke:{mod}|values|{shown}|field={fld.name}"
                             f"|kind={kind.name}}}}}")
                parts.append(f"{{{{#if:{param_expr(fld)}|· {{{{#invoke:{mod}|label|"
                             f"{fld.name}}}}}: {shown}}}}}")
        body = "* " + " ".join(parts)
    else:
        style = (f"{_BOX_STYLE[layout]} border:1px solid #a2a9b1; background:#f8f9fa; "
                 "font-size:90%; line-height:1.4em;")
        title_expr = param_expr(label_fld, "{{PAGENAME}}")
        rows = [
            f'{{| class="advocacy-{kind.name}" style="{style}"',
            f'|+ style="background:{kind.colour}; font-weight:bold; padding:0.3em;" '
            f"| {title_expr}",
        ]
        mod = MODULE.removeprefix("Module:")
        if "alert" in kind.fields:
            alert = param_expr(kind.field("alert"))
            rows.append(
                f"{{{{#switch:{{{{lc:{alert}}}}}|yes|y|true|1=<nowiki/>\n{{{{!}}}}-\n"
                f'{{{{!}}}} colspan="2" style="background:#fee7e6; font-weight:bold;" '
                f"{{{{!}}}} {{{{#invoke:{mod}|label|alert}}}}}}}}"
            )
        long_fields = [f for f in kind.fields.values()
                       if f.type == "text" and (f.max_length or 0) > 500]
        for fld in kind.fields.values():
            if fld is label_fld or fld in long_fields or fld.name == "alert":
                continue
            row = _row(fld, msgs.field_label(fld.name), kind)
            if fld.private and kind.private_when:  # never shown when the record says so
                # Module:Advocacy decides as the bot does (synonyms, unknown values).
                row = f"{{{{#if:{{{{#invoke:{mod}|hides|" \
                      f"kind={kind.name}}}}}||{row}}}}}"
            rows.append(row)
            if kind.name == CASE_KIND and fld.name == (citing_fields(kind) or [""])[-1]:
                # The cases that name this one (Module:Advocacy reads the case table).
                rows.append(f"{{{{#invoke:{mod}|citedby|kind={kind.name}}}}}")
        # The rows follow each other without a line between them: one left out (an empty
        # field) leaves no blank line, which MediaWiki would render as an empty paragraph.
        body = rows[0] + "\n" + "".join(rows[1:]) + "\n|}"
        body += "\n"  # then the long fields and the hub line, with no line between them
        for fld in long_fields:
            body += (f"{{{{#if:{param_expr(fld)}|<div class=\"advocacy-{fld.name}\">"
                     f"'''{{{{#invoke:{mod}|label|{fld.name}}}}}:''' {param_expr(fld)}</div>}}}}")
        if kind.name == "case":  # the line back to the hub and the case index
            body += f"{{{{#invoke:{mod}|hub|kind={kind.name}}}}}"
    return (
        # The marker only where the template is used, so template pages are not listed as
        # records (and a full harvest lists exactly the record pages).
        f"{body}<includeonly>{{{{{RECORD_MARKER}}}}}[[Category:{kind.category}]]{missing}"
        # Warnings at the top of a preview, and a tracking category (Module:Advocacy).
        f"{{{{#invoke:{MODULE.removeprefix('Module:')}|check|kind={kind.name}}}}}"
        f"</includeonly><noinclude>\n{{{{{kind.template}/doc}}}}\n</noinclude>"
    )


def doc_source(kind: RecordKind, schema: Schema) -> str:
    msgs = Messages("en")
    example = "\n".join(
        [f"{{{{{kind.template}"]
        + [f"| {fld.name} = " for fld in kind.fields.values()]
        + ["}}"]
    )
    rows = []
    for fld in kind.fields.values():
        key = _field_desc_key(kind, fld, msgs)
        desc = msgs(key) if msgs.has(key) else ""  # a new kind may not be described yet
        names = ", ".join(f"<code>{a}</code>" for a in fld.aliases)
        flags = []
        if fld.required:
            flags.append("required")
        if fld.multiple:
            flags.append("several values, separated by ;")
        if fld.type == "enum":
            flags.append(", ".join(schema.vocabularies[fld.vocabulary or ""].values))
        rows.append(f"|-\n| <code>{fld.name}</code> || {msgs.field_label(fld.name)} || {desc}"
                    f" || {'; '.join(flags)} || {names}")
    td = json.dumps(templatedata(kind, schema), ensure_ascii=False, indent="\t")
    return "\n".join([
        msgs(f"advocacyhub-template-desc-{kind.name}")
        if msgs.has(f"advocacyhub-template-desc-{kind.name}") else kind.category,
        "",
        "== Usage ==",
        f"<pre>{example}</pre>",
        "",
        "== Fields ==",
        '{| class="wikitable"',
        "! Field !! Label !! Description !! Values !! Other names",
        *rows,
        "|}",
        "",
        "The Advocacy Hub bot reads this template, checks every field and lists problems on the "
        "hub's maintenance report. This documentation and the TemplateData below are generated "
        "from the bot's schema (config/schema.toml); change the schema, not this page.",
        "",
        "== TemplateData ==",
        f"<templatedata>\n{td}\n</templatedata>",
        f"<includeonly>[[Category:{TEMPLATE_CATEGORY}]]</includeonly>",
    ]) + "\n"


def marker_source() -> str:
    return ("<includeonly></includeonly><noinclude>Transcluded by every Advocacy Hub record "
            "template wherever it is used (not by the template pages themselves), so the bot "
            "lists every page with records in one query. It shows nothing."
            f"[[Category:{TEMPLATE_CATEGORY}]]</noinclude>")


def switch_safe(text: str) -> str:
    """A message as a branch of {{#switch:}}: its "=" and "|" as characters, which the
    parser function would otherwise take for its own (a draft's instruction "change
    status=draft to status=ready" was read as a case and showed nothing)."""
    return text.replace("|", "&#124;").replace("=", "&#61;")


def newsletter_source() -> str:
    """{{Advocacy newsletter|status=…}}: the line on an issue page that editors switch from
    draft to ready; the bot delivers ready issues and sets them to delivered."""
    m = Messages("en")
    colour = "{{#switch:{{{status|draft}}}|ready=#d5fdf4|delivered=#eaecf0|#fef6e7}}"
    state = ("{{#switch:{{{status|draft}}}"
             f"|ready={switch_safe(m('advocacyhub-newsletter-status-ready'))}"
             f"|delivered={switch_safe(m('advocacyhub-newsletter-status-delivered'))}"
             "{{#if:{{{delivered|}}}| ({{{delivered}}})}}"
             f"|{switch_safe(m('advocacyhub-newsletter-status-draft'))}}}}}")
    bold = "'''"
    return (f'<div class="advocacy-newsletter-status" style="border:1px solid #a2a9b1; '
            f'background:{colour}; padding:0.5em 1em; margin-bottom:1em;">'
            f"{bold}{m('advocacyhub-newsletter-title', '{{{period|}}}')}{bold} – {state}</div>"
            f"<includeonly>[[Category:{NEWSLETTER_CATEGORY}]]</includeonly>"
            f"<noinclude>\n{m('advocacyhub-newsletter-template-doc')}"
            f"[[Category:{TEMPLATE_CATEGORY}]]</noinclude>")


def cases_templatedata(schema: Schema) -> dict:
    kind = schema.kind("case")
    langs = available_languages()
    params: dict[str, dict] = {}
    for name, fld in facet_params(kind).items():
        if fld.type == "date":
            desc = _translations("advocacyhub-casesparam-year", langs)
        else:
            desc = {lang: Messages(lang)("advocacyhub-casesparam-facet",
                                         Messages(lang).field_label(fld.name))
                    for lang in langs}
        param: dict = {"label": _translations(f"advocacyhub-field-{fld.name}", langs),
                       "description": desc, "type": "string"}
        if fld.type == "enum":
            param["suggestedvalues"] = list(schema.vocabularies[fld.vocabulary or ""].values)
        params[name] = param
    columns = ", ".join(kind.column_names)
    params["sort"] = {"description": {lang: Messages(lang)("advocacyhub-casesparam-sort", columns)
                                      for lang in langs},
                      "type": "string", "default": kind.label_field,
                      "suggestedvalues": list(kind.column_names)}
    params["order"] = {"description": _translations("advocacyhub-casesparam-order", langs),
                       "type": "string", "default": "asc", "suggestedvalues": ["asc", "desc"]}
    params["limit"] = {"description": _translations("advocacyhub-casesparam-limit", langs),
                       "type": "number", "default": "50"}
    params["lang"] = {"description": _translations("advocacyhub-casesparam-lang", langs),
                      "type": "string", "suggestedvalues": langs}
    facets = list(facet_params(kind))
    params["section"] = {"description": {lang: Messages(lang)("advocacyhub-casesparam-section",
                                                             ", ".join(facets))
                                         for lang in langs},
                         "type": "string", "suggestedvalues": facets}
    params["columns"] = {"description": {lang: Messages(lang)("advocacyhub-casesparam-columns",
                                                             columns) for lang in langs},
                         "type": "string"}
    return {"description": _translations("advocacyhub-template-desc-cases", langs),
            "params": params, "paramOrder": list(params), "format": "inline"}


def cases_source() -> str:
    return (f"{{{{#invoke:{MODULE.removeprefix('Module:')}|cases}}}}"
            f"<noinclude>\n{{{{{CASES_TEMPLATE}/doc}}}}\n</noinclude>")


def cases_doc_source(schema: Schema) -> str:
    msgs = Messages("en")
    kind = schema.kind("case")
    td = json.dumps(cases_templatedata(schema), ensure_ascii=False, indent="\t")
    facets = ", ".join(f"<code>{name}</code>" for name in facet_params(kind))
    return "\n".join([
        msgs("advocacyhub-template-desc-cases"),
        "",
        "== Usage ==",
        f"<pre>{{{{{CASES_TEMPLATE}|topics=copyright|region=LAC|status=active|sort=start"
        "|order=desc|limit=50}}\n"
        f"{{{{{CASES_TEMPLATE}|region=LAC|section=status|columns=title, jurisdiction, start}}}}"
        "</pre>",
        "",
        f"Filters: {facets}. Each takes one value or several separated by <code>,</code> or "
        "<code>;</code> (a case matches one of them); a case is shown when it matches every "
        "filter given. Values are read as on the case pages: vocabulary values or their "
        "synonyms in any case, spaces or underscores for hyphens, country codes or names, "
        "years. <code>sort</code> takes a column, <code>order</code> asc or desc, "
        "<code>limit</code> at most 500 (50 by default), <code>lang</code> a language "
        "(the page's by default), <code>section</code> a facet to group the cases by (each "
        "group with its count), <code>columns</code> the columns to show (separated by commas; "
        "the title is always first).",
        "",
        "What the list cannot use (a parameter it does not know, a value the hub does not know, "
        "a limit that is not a whole number, an unknown column) is shown in a box above the "
        "list, with a \"did you mean\" where there is one, and the page is put in a hidden "
        "tracking category; the list still shows what it understood.",
        "",
        "The table is read by [[Module:Advocacy]] from the case table the Advocacy Hub bot "
        "writes after every harvest; its columns are those of the case index. This "
        "documentation and the TemplateData below are generated from the bot's schema "
        "(config/schema.toml); change the schema, not this page.",
        "",
        "== TemplateData ==",
        f"<templatedata>\n{td}\n</templatedata>",
        f"<includeonly>[[Category:{TEMPLATE_CATEGORY}]]</includeonly>",
    ]) + "\n"


def module_file(title: str) -> str:
    return title.replace(":", "_").replace("/", "__") + ".lua"


def file_name(title: str) -> str:
    if title.endswith(".json"):
        return title.replace(":", "_").replace("/", "__")
    if title.startswith("Module:"):
        return module_file(title)
    return title.removeprefix("Template:").replace(" ", "_").replace("/", "__") + ".wikitext"


def template_pages(schema: Schema) -> dict[str, str]:
    """Every template page the hub needs: title -> wikitext, in the order to install them
    (documentation first: the template's TemplateData is read from its /doc when the template
    page itself is saved)."""
    pages = {f"Template:{RECORD_MARKER}": marker_source(),
             SCHEMA_PAGE: schema_json(schema),
             VOCABULARIES_PAGE: vocabularies_json(schema),
             PLACES_PAGE: places_json(),
             MODULE: (TEMPLATES_DIR / module_file(MODULE)).read_text(encoding="utf-8")}
    for kind in schema.kinds.values():
        pages[f"Template:{kind.template}/doc"] = doc_source(kind, schema)
    for kind in schema.kinds.values():
        pages[f"Template:{kind.template}"] = template_source(kind)
    pages["Template:Advocacy newsletter"] = newsletter_source()
    pages[f"Template:{CASES_TEMPLATE}/doc"] = cases_doc_source(schema)
    pages[f"Template:{CASES_TEMPLATE}"] = cases_source()
    pages.update(preload_pages(schema))  # what the front page's buttons preload
    return pages


# Example shown on the documentation pages (data, not prose: the same in every language).
_VOCAB_EXAMPLE = {"vocabularies": {"topics": {
    "values": ["copyright", "net-neutrality"],
    "synonyms": [["fop", "freedom-of-panorama"], ["neutrality", "net-neutrality"]],
    "labels": {"en": {"net-neutrality": "Net neutrality"},
               "es": {"net-neutrality": "Neutralidad de la red"},
               "zh": {"net-neutrality": "网络中立"}}}},
    "pillars": {"members": {"model": ["copyright", "net-neutrality"]}}}
_I18N_EXAMPLE = {"@metadata": {"authors": ["…"]},
                 "advocacyhub-did-you-mean": "Vouliez-vous dire : $1 ?"}


def governance_docs(msgs: Messages, vocabularies_page: str, translations_prefix: str,
                    maintenance: str) -> tuple[str, str]:
    """The documentation of the vocabularies page and of the translation pages (JSON pages
    have no /doc: these live under the hub root), in ``msgs``' language."""
    def page(*paragraphs: str, example: dict) -> str:
        return "\n\n".join([
            "<!-- advocacy-bot: written by `advocacy-bot templates install` from its messages -->",
            paragraphs[0],
            f"== {msgs('advocacyhub-govdoc-heading-may')} ==", paragraphs[1],
            f"== {msgs('advocacyhub-govdoc-heading-invalid')} ==", paragraphs[2],
            f"== {msgs('advocacyhub-govdoc-heading-format')} ==",
            "<pre>" + json.dumps(example, ensure_ascii=False, indent=2).replace("<", "&lt;")
            + "</pre>"]) + "\n"

    example = f"{translations_prefix}fr.json"
    vocab = page(msgs("advocacyhub-govdoc-vocab-intro", vocabularies_page),
                 msgs("advocacyhub-govdoc-vocab-may"),
                 msgs("advocacyhub-govdoc-vocab-invalid", maintenance), example=_VOCAB_EXAMPLE)
    i18n = page(msgs("advocacyhub-govdoc-i18n-intro", translations_prefix, example),
                msgs("advocacyhub-govdoc-i18n-may"),
                msgs("advocacyhub-govdoc-i18n-invalid", maintenance), example=_I18N_EXAMPLE)
    return vocab, i18n



def category_pages(schema: Schema, msgs: Messages, hub: str, maintenance: str,
                   archive: str) -> dict[str, str]:
    """title -> wikitext of every category the templates put pages in, each with a sentence
    on what it holds (in the wiki's language, ``msgs``): installed with the templates when
    missing, so no page shows a red category. The maintenance categories are hidden."""
    def code(template: str) -> str:
        return f"<code><nowiki>{{{{{template}}}}}</nowiki></code>"

    out = {f"Category:{kind.category}": msgs("advocacyhub-category-kind-about",
                                             msgs(f"advocacyhub-kind-{kind.name}"),
                                             code(kind.template), hub)
           for kind in schema.kinds.values() if kind.category}
    out[f"Category:{MISSING_CATEGORY}"] = "__HIDDENCAT__\n" + msgs(
        "advocacyhub-category-missing-about", maintenance)
    out[f"Category:{msgs('advocacyhub-category-problems')}"] = "__HIDDENCAT__\n" + msgs(
        "advocacyhub-category-problems-about", maintenance)
    out[f"Category:{TEMPLATE_CATEGORY}"] = msgs("advocacyhub-category-templates-about", hub)
    out[f"Category:{NEWSLETTER_CATEGORY}"] = msgs("advocacyhub-category-issues-about", archive)
    return out
