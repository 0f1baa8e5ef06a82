"""Preload pages: what the front page's buttons put in the edit box (pure).

One page per button and language, in the template namespace next to the template it fills
(``Template:Advocacy case/preload``, ``…/preload/es``), generated from the schema: the case
template with its required and suggested fields and their hints as HTML comments (so
VisualEditor's TemplateData form opens filled in), then the optional ones (help wanted, alert,
end, related pages ...), each hint naming its vocabulary's values and its default; the
advocate's (with every field: profile and digest too) and the subscriber's
line with ``{{subst:REVISIONUSER}}``, so the line names whoever saves it: a line the bot
accepts as that person's own (bots.core.subscriptions).

The pages must not be records themselves: the opening braces are inside ``<includeonly>``
(MediaWiki keeps its content when it preloads a page, and shows nothing of it on the page
itself), and so is every ``subst:``, which would otherwise be substituted when the preload
page is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import quote

from bots.core.messages import Messages, available_languages
from bots.core.schema import Field, RecordKind, Schema

# kind -> the front page button that uses its preload page (the message of its label)
BUTTONS = {"case": "advocacyhub-front-document-button",
           "advocate": "advocacyhub-front-join-button",
           "subscription": "advocacyhub-front-subscribe-button",
           "event": "advocacyhub-front-event-button",
           "resource": "advocacyhub-front-resource-button"}
_OPEN = "<includeonly>{{</includeonly>"
_SUBST = "{{<includeonly>subst:</includeonly>"


def preload_title(kind: RecordKind, lang: str, base_lang: str = "en",
                  languages: Iterable[str] = ()) -> str:
    """The preload page of ``kind`` in ``lang``: generated for the message files' languages
    and the profile's ``languages`` (a language the repository lacks, /fr, gets its own page,
    whose line says language=fr: issue 25)."""
    base = f"Template:{kind.template}/preload"
    known = {*available_languages(), *languages}
    return base if lang == base_lang or lang not in known else f"{base}/{lang}"


def _hint(text: str) -> str:
    return "<!-- " + text.replace("--", "–") + " -->"


def _ordered(kind: RecordKind) -> list[Field]:
    """Every field: the required ones, then the suggested, then the optional (the fields that
    drive Help wanted, urgent alerts, the end of a case, related pages)."""
    fields = list(kind.fields.values())
    return ([f for f in fields if f.required]
            + [f for f in fields if f.suggested and not f.required]
            + [f for f in fields if not f.required and not f.suggested])


def _flag(fld: Field, msgs: Messages) -> str:
    return msgs("advocacyhub-preload-required" if fld.required else
                "advocacyhub-preload-suggested" if fld.suggested else
                "advocacyhub-preload-optional")


def _hint_of(kind: RecordKind, fld: Field, msgs: Messages, schema: Schema) -> str:
    """The field's description and, for a vocabulary, its values (unless the description
    names them all already) and its default."""
    desc = _description(kind, fld.name, msgs)
    if fld.type == "enum":
        values = schema.vocabularies[fld.vocabulary or ""].values
        if not all(v in desc for v in values):
            desc += " " + msgs("advocacyhub-preload-values", ", ".join(values))
    if fld.type == "bool":
        desc += " " + msgs("advocacyhub-preload-values", "yes, no")
    if fld.default:
        desc += " " + msgs("advocacyhub-preload-default", fld.default)
    return desc


def _case(kind: RecordKind, msgs: Messages, schema: Schema) -> list[str]:
    lines = [_OPEN + kind.template, _hint(msgs("advocacyhub-preload-case-intro"))]
    for fld in _ordered(kind):
        desc = _hint_of(kind, fld, msgs, schema)
        value = f"{_SUBST}SUBPAGENAME}}}}" if fld.name == kind.label_field else ""
        lines.append(f"| {fld.name} = {value}{' ' if value else ''}"
                     f"{_hint(f'{desc} ({_flag(fld, msgs)})')}")
    return [*lines, "}}"]


def _description(kind: RecordKind, name: str, msgs: Messages) -> str:
    specific = f"advocacyhub-fielddesc-{kind.name}-{name}"
    return msgs(specific if msgs.has(specific) else f"advocacyhub-fielddesc-{name}")


def _advocate(kind: RecordKind, msgs: Messages, schema: Schema) -> list[str]:
    """The sign-up line: the person's name, then every other field, with hints."""
    lines = [_OPEN + kind.template, f"| user = {_SUBST}REVISIONUSER}}}}"]
    for fld in _ordered(kind):
        if fld.name == kind.label_field:
            continue
        value = msgs.lang if fld.name == "languages" else ""
        hint = _hint(f"{_hint_of(kind, fld, msgs, schema)} ({_flag(fld, msgs)})")
        lines.append(f"| {fld.name} = {value}{' ' if value else ''}{hint}")
    return [*lines, "}}"]


def _subscription(kind: RecordKind, msgs: Messages, schema: Schema) -> list[str]:
    # One line: the subscribers page is read line by line, each saved by its subscriber.
    return [f"{_OPEN}{kind.template}|user={_SUBST}REVISIONUSER}}}}|language={msgs.lang}}}}}"]


# What the "stop the urgent alerts" link of an alert preloads on the advocate's talk page: the
# opt-out of that kind of message (bots.core.plan's message kind), saved by the person.
OPTOUT_PRELOAD = "Template:Advocate/stop alerts"
ALERT_KIND = "advocacy-alert"


def optout_link(msgs: Messages) -> str:
    """A link that opens a new section of the page it is shown on with the opt-out preloaded:
    a reader stops the alerts with one click and one save, without reading template code."""
    preload = quote(OPTOUT_PRELOAD.replace(" ", "_"), safe=":/")
    return (f"[{{{{fullurl:{{{{FULLPAGENAME}}}}|action=edit&section=new&nosummary=1"
            f"&preload={preload}}}}} {msgs('advocacyhub-alert-stop')}]")


def optout_page(msgs: Messages) -> str:
    return (f"{_OPEN}bots|optout={ALERT_KIND}}}}}<noinclude>\n"
            f"{msgs('advocacyhub-preload-optout-doc')}</noinclude>\n")


# Events and resources open like a case: the template, required and suggested fields, hints.
_BUILDERS = {"case": _case, "advocate": _advocate, "subscription": _subscription,
             "event": _case, "resource": _case}


def preload_pages(schema: Schema, languages: Iterable[str] | None = None,
                  messages: Callable[[str], Messages] = Messages) -> dict[str, str]:
    """title -> wikitext of every preload page, in every language of the message files (or
    of ``languages``, with ``messages``: the wiki's translations for a language the
    repository lacks)."""
    out = {}
    langs = list(available_languages() if languages is None else languages)
    for name, build in _BUILDERS.items():
        kind = schema.kind(name)
        for lang in langs:
            msgs = messages(lang)
            doc = msgs("advocacyhub-preload-doc", msgs(BUTTONS[name]))
            # The documentation after the text: nothing of it (not even a new line) is
            # preloaded.
            text = "\n".join(build(kind, msgs, schema))
            out[preload_title(kind, lang, languages=langs)] = \
                text + f"<noinclude>\n{doc}</noinclude>\n"
    out[OPTOUT_PRELOAD] = optout_page(Messages("en"))
    return out
