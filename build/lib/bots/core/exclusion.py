"""The bot exclusion convention ({{bots}} / {{nobots}}), read from page text.

The rules of Meta's and Wikipedia's "Template:Bots": {{nobots}} and {{bots|deny=all}} stop every
bot; {{bots|deny=A,B}} stops the named bots; {{bots|allow=A,B}} lets only the named ones in
(allow=none: none); {{bots|optout=all|newsletter}} refuses a kind of message.
"""

from __future__ import annotations

import mwparserfromhell

from bots.core.schema import template_key


def _names(value: str) -> set[str]:
    return {template_key(v).lower() for v in value.split(",") if v.strip()}


def bot_may_edit(text: str | None, bot: str, message_kind: str | None = None) -> bool:
    if not text:
        return True
    me = template_key(bot).lower()
    for tpl in mwparserfromhell.parse(text).filter_templates(recursive=True):
        name = template_key(str(tpl.name).strip()).lower()
        if name == "nobots":
            if not tpl.params:
                return False
            # {{nobots|deny=X}} is sometimes written for {{bots|deny=X}}
        elif name != "bots":
            continue
        for param in tpl.params:
            key = str(param.name).strip().lower()
            value = str(param.value).strip()
            names = _names(value)
            if key == "deny" and ("all" in names or me in names):
                return False
            if key == "allow" and ("none" in names or ("all" not in names and me not in names)):
                return False
            if key == "optout" and message_kind and (
                    "all" in names or message_kind.lower() in names):
                return False
    return True
