"""Preload pages: what the front page's buttons put in the edit box (pure).

One page per button and language, in the template namespace next to the template it fills
(``Template:Advocacy case/preload``, ``…/preload/es``), generated from the schema: the case
template with its required and suggested fields and their hints as HTML comments (so
VisualEditor's TemplateData form opens filled in), and the advocate's and the subscriber's
line with ``{{subst:REVISIONUSER}}``, so the line names whoever saves it: a line the bot
accepts as that person's own (bots.core.subscriptions).

The pages must not be records themselves: the opening braces are inside ``<includeonly>``
(MediaWiki keeps its content when it preloads a page, and shows nothing of it on the page
itself), and so is every ``subst:``, which would otherwise be substituted when the preload
page is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bots.core.messages import Messages, available_languages
from bots.core.schema import RecordKind, Schema

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


def _case(kind: RecordKind, msgs: Messages) -> list[str]:
    lines = [_OPEN + kind.template, _hint(msgs("advocacyhub-preload-case-intro"))]
    fields = [f for f in kind.fields.values() if f.required] + \
        [f for f in kind.fields.values() if f.suggested and not f.required]
    for fld in fields:
        flag = msgs("advocacyhub-preload-required" if fld.required
                    else "advocacyhub-preload-suggested")
        desc = _description(kind, fld.name, msgs)
        value = f"{_SUBST}SUBPAGENAME}}}}" if fld.name == kind.label_field else ""
        lines.append(f"| {fld.name} = {value}{' ' if value else ''}{_hint(f'{desc} ({flag})')}")
    return [*lines, "}}"]


def _description(kind: RecordKind, name: str, msgs: Messages) -> str:
    specific = f"advocacyhub-fielddesc-{kind.name}-{name}"
    return msgs(specific if msgs.has(specific) else f"advocacyhub-fielddesc-{name}")


def _advocate(kind: RecordKind, msgs: Messages) -> list[str]:
    lines = [_OPEN + kind.template, f"| user = {_SUBST}REVISIONUSER}}}}"]
    for fld in kind.fields.values():
        if fld.suggested:
            value = msgs.lang if fld.name == "languages" else ""
            hint = _hint(_description(kind, fld.name, msgs))
            lines.append(f"| {fld.name} = {value}{' ' if value else ''}{hint}")
    return [*lines, "}}"]


def _subscription(kind: RecordKind, msgs: Messages) -> list[str]:
    # One line: the subscribers page is read line by line, each saved by its subscriber.
    return [f"{_OPEN}{kind.template}|user={_SUBST}REVISIONUSER}}}}|language={msgs.lang}}}}}"]


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
            out[preload_title(kind, lang, languages=langs)] = "\n".join(build(kind, msgs)) + \
                f"<noinclude>\n{doc}</noinclude>\n"
    return out
