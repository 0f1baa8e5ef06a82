"""The community's vocabularies and translations (issue 15), for every job.

The vocabularies page, the translation pages of the profile's languages and the bot's
governance state ride along with the job's first batch of pages (WikiClient.piggyback): no
request of their own. The state keeps the last valid revision of the vocabularies page (id
and text: an invalid edit leaves it in force), the values records use (which an edit may not
remove) and the wiki's language fallbacks (``meta=languageinfo``, asked once per language).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bots import statepages
from bots.config import Profile
from bots.core.governance import (
    PAGE_KIND,
    PLAIN_WORDS,
    Vocabularies,
    fallback_chain,
    from_schema,
    markup_of,
    parse_translation,
    parse_vocabularies,
    used_values,
)
from bots.core.languages import LanguageInfo, norm
from bots.core.messages import FALLBACK, Messages, Tables, repository_messages
from bots.core.records import Problem, Record
from bots.core.schema import Schema
from bots.core.snapshot import EMPTY_SHARD
from bots.core.statedata import mapping_of, parse_object
from bots.wiki.pages import PageText
from bots.wiki.query import language_info, renders_plain

if TYPE_CHECKING:
    from bots.jobs.context import JobContext

log = logging.getLogger(__name__)
REMOVED_USED = "vocabularies-removed-used"


def translation_page(profile: Profile, lang: str) -> str:
    return f"{profile.hub.translations_prefix}{lang}.json"


def _languages(profile: Profile) -> list[str]:
    """The profile's languages and their base languages (pt for pt-br), English too."""
    langs = [*profile.languages, *(lang.split("-")[0] for lang in profile.languages)]
    return list(dict.fromkeys([*langs, FALLBACK]))


def titles(profile: Profile) -> list[str]:
    """What every run reads with its first batch."""
    return [profile.hub.vocabularies_page, profile.state_page(statepages.GOVERNANCE),
            profile.state_page(statepages.VOCABULARIES),
            *(translation_page(profile, lang) for lang in _languages(profile))]


@dataclass
class Governance:
    schema: Schema  # with the vocabularies in effect
    vocabularies: Vocabularies
    overlays: dict[str, dict[str, str]]  # lang -> the wiki's translations that fit
    chains: dict[str, list[str]]  # lang -> where its messages come from, in order
    problems: list[Problem] = field(default_factory=list)  # for the maintenance report
    fingerprint: str = ""  # what the pages read say (the index's "nothing new" key)
    labels: Tables = field(default_factory=dict)
    languages: dict[str, LanguageInfo] = field(default_factory=dict)  # what the wiki says

    def learn(self, ctx: JobContext, codes: Iterable[str]) -> dict[str, LanguageInfo]:
        """What the wiki says of ``codes`` and of the profile's languages: from the state,
        the codes it does not know yet asked in one request and kept (issue 29)."""
        wanted = [c for c in dict.fromkeys(norm(c) for c in codes) if c]
        unknown = [c for c in wanted if c not in self.languages]
        if unknown:
            self.languages.update(_ask(ctx, unknown))
            page = ctx.wiki.read_later(ctx.profile.state_page(statepages.GOVERNANCE))
            state = _state(page)
            state["languages"] = {c: i.to_json() for c, i in sorted(self.languages.items())}
            _save(ctx, page, state)
        return self.languages

    def messages(self, lang: str) -> Messages:
        return Messages(lang, chain=self.chains.get(lang) or fallback_chain(lang),
                        overlays=self.overlays, labels=self.labels)

    @property
    def vocabulary_hash(self) -> str:
        return self.vocabularies.normalising_hash()


def _state(page: PageText) -> dict[str, Any]:
    data, reason = parse_object(page.text)
    if reason:
        log.warning("[[%s]] is damaged (%s): starting it again", page.title, reason)
    if not isinstance(data.get("text", ""), str):
        data.pop("text")
    return data


def _used_now(ctx: JobContext, state: dict[str, Any], revid: int) -> dict[str, set[str]] | None:
    """The values the snapshot's records use now, read once per revision of the vocabularies
    page and of the snapshot (None: no snapshot, or the same as when last read)."""
    from bots.jobs.common.snapshots import parse_head  # it needs the job context: not at import

    head = ctx.wiki.read_one(ctx.profile.state_page(statepages.SNAPSHOT))
    key = [revid, head.revid]
    if not head.exists or state.get("used_checked") == key:
        return None
    snap = parse_head(head)
    if snap is None:
        return None
    shards = ctx.wiki.read(snap.shard_titles) if snap.shard_titles else {}
    snap.add_shards(shards[t].text or EMPTY_SHARD for t in snap.shard_titles)
    state["used_checked"] = key
    return used_values(snap.records(), ctx.base_schema)


def _read(ctx: JobContext, wanted: list[str]) -> dict[str, PageText]:
    """The pages, from the first batch where they came along (or now, in one request)."""
    have = {t: ctx.wiki.piggyback.get(t) for t in wanted}
    missing = [t for t, p in have.items() if p is None]
    if missing:
        have.update(ctx.wiki.read(missing))
    return have  # type: ignore[return-value]


def load(ctx: JobContext) -> Governance:
    profile = ctx.profile
    state_title = profile.state_page(statepages.GOVERNANCE)
    pages = _read(ctx, titles(profile))
    state = _state(pages[state_title])
    before = json.dumps(state, sort_keys=True)
    base = ctx.base_schema
    problems: list[Problem] = []
    vocab_page = pages[profile.hub.vocabularies_page]
    vocab: Vocabularies | None = None
    if vocab_page.exists:
        used = {k: set(v) for k, v in mapping_of(state, "used", list).items()}
        vocab, found = parse_vocabularies(vocab_page.text or "", vocab_page.title, base, used)
        if vocab is None and any(p.code == REMOVED_USED for p in found):
            # What the state says records use may be stale (an incremental harvest only adds
            # to it): what the snapshot's records use now decides (issue 25).
            now = _used_now(ctx, state, vocab_page.revid)
            if now is not None and now != used:
                state["used"] = {k: sorted(v) for k, v in sorted(now.items())}
                vocab, found = parse_vocabularies(vocab_page.text or "", vocab_page.title,
                                                  base, now)
        for p in found:
            log.error("[[%s]] revision %s refused: %s %s %s", vocab_page.title,
                      vocab_page.revid, p.code, p.field, p.value)
        problems += found
        if vocab is not None and state.get("revid") != vocab_page.revid:
            # The wiki's own parser has the last word on the labels (issue 25).
            found = _not_plain_labels(ctx, vocab, vocab_page, state)
            for p in found:
                log.error("[[%s]] revision %s refused: %s %s", vocab_page.title,
                          vocab_page.revid, p.code, p.value)
            problems += found
            vocab = None if found else vocab
        if vocab is not None and state.get("revid") != vocab_page.revid:
            log.info("vocabularies: revision %s of [[%s]] in effect", vocab_page.revid,
                     vocab_page.title)
            state.update(revid=vocab_page.revid, text=vocab_page.text)
    elif state.get("text"):
        log.warning("[[%s]] does not exist: keeping its revision %s", vocab_page.title,
                    state.get("revid"))
    if vocab is None and state.get("text"):
        vocab, _ = parse_vocabularies(state["text"], vocab_page.title, base)
        if vocab is not None and problems:
            log.warning("vocabularies: keeping revision %s of [[%s]]", state.get("revid"),
                        vocab_page.title)
    if vocab is None:  # no page yet (before `templates install`): the repository's
        vocab = from_schema(base)
    # What the wiki says of the profile's languages (fallbacks, direction, autonym), asked
    # once and kept; the languages people name are asked when a job first meets them.
    languages = _known_languages(state)
    unknown = [c for c in dict.fromkeys(norm(x) for x in [*profile.languages, FALLBACK])
               if c not in languages]
    if unknown:
        languages.update(_ask(ctx, unknown))
        state["languages"] = {c: i.to_json() for c, i in sorted(languages.items())}
    state.pop("fallbacks", None)  # before issue 29: the fallbacks alone
    chains = {lang: fallback_chain(lang, languages[norm(lang)].fallbacks)
              for lang in profile.languages}
    overlays: dict[str, dict[str, str]] = {}
    english = repository_messages(FALLBACK)
    # The pages of the profile's languages and their base languages (read with the batch);
    # other languages of a chain (zh's zh-hans ...) count through the repository's files only.
    for code in _languages(profile):
        page = pages[translation_page(profile, code)]
        if not page.exists:
            continue
        table, found = parse_translation(page.text or "", page.title, english)
        found += _not_plain_messages(ctx, page, table, english, state)
        for p in found:
            log.error("[[%s]]: %s not used: %s %r", page.title, p.field or "the page",
                      p.code, p.value)
        problems += found
        overlays[code] = table
    ctx.wiki.piggyback[state_title] = pages[state_title]  # record_used reads it later
    if json.dumps(state, sort_keys=True) != before:
        _save(ctx, pages[state_title], state)
    _copy_in_effect(ctx, pages[profile.state_page(statepages.VOCABULARIES)], state.get("text"))
    read = sorted((t, p.revid) for t, p in pages.items() if t != state_title)
    fingerprint = hashlib.sha1(json.dumps(
        [read, state.get("revid"), [p.to_json() for p in problems]]).encode()).hexdigest()[:16]
    return Governance(schema=vocab.apply(base), vocabularies=vocab, overlays=overlays,
                      chains=chains, problems=problems, fingerprint=fingerprint,
                      labels=vocab.message_labels(), languages=languages)


def _known_languages(state: dict[str, Any]) -> dict[str, LanguageInfo]:
    out = {}
    for code, data in mapping_of(state, "languages", dict).items():
        info = LanguageInfo.from_json(code, data)
        if info is not None:  # a damaged entry is asked again
            out[code] = info
    return out


def _ask(ctx: JobContext, codes: list[str]) -> dict[str, LanguageInfo]:
    """The wiki's facts for ``codes`` (one request); a code it says nothing of is kept as
    left-to-right with no fallbacks, so it is not asked again."""
    found = language_info(ctx.site, codes)
    out = {}
    for code in codes:
        data = found.get(code, {})
        out[code] = LanguageInfo.from_json(code, data) or LanguageInfo(code)
    log.info("languages: the wiki's fallbacks and directions of %s",
             ", ".join(f"{c} -> {out[c].fallbacks or '()'} {out[c].dir}" for c in codes))
    return out


def _not_plain_labels(ctx: JobContext, vocab: Vocabularies, page: PageText,
                      state: dict[str, Any]) -> list[Problem]:
    """The labels of a new revision of the vocabularies page that the wiki does not render
    as plain text (one parse request per revision; a refusal is remembered)."""
    known = state.get("labels_refused")
    if isinstance(known, dict) and known.get("revid") == page.revid:
        return [Problem.from_json(p) for p in known.get("problems", []) if isinstance(p, dict)]
    labels = [(lang, name, value, label) for lang, vocabs in sorted(vocab.labels.items())
              for name, table in sorted(vocabs.items()) for value, label in table.items()]
    plain = renders_plain(ctx.site, [label for *_, label in labels])
    problems = [Problem(page.title, PAGE_KIND, name, "vocabularies-label-markup",
                        f"{lang}: {value} = {label[:60]}")
                for (lang, name, value, label), ok in zip(labels, plain, strict=True) if not ok]
    if problems:
        state["labels_refused"] = {"revid": page.revid,
                                   "problems": [p.to_json() for p in problems]}
    return problems


def _not_plain_messages(ctx: JobContext, page: PageText, table: dict[str, str],
                        english: Mapping[str, str], state: dict[str, Any]) -> list[Problem]:
    """The messages of a translation page that the wiki does not render as plain text where
    the English message is plain text; they are taken out of ``table``. One parse request
    per revision of the page."""
    checked = mapping_of(state, "translations_checked", list)
    entry = checked.get(page.title)
    if entry and entry[0] == page.revid:
        bad = [k for k in entry[1] if isinstance(k, str)]
    else:
        keys = sorted(k for k in table if markup_of(english[k]) <= PLAIN_WORDS)
        plain = renders_plain(ctx.site, [table[k] for k in keys])
        bad = [k for k, ok in zip(keys, plain, strict=True) if not ok]
        checked[page.title] = [page.revid, bad]
    problems = []
    for key in bad:
        if key in table:
            problems.append(Problem(page.title, PAGE_KIND, key, "translation-markup",
                                    table.pop(key)[:120]))
    return problems


def _save(ctx: JobContext, page: PageText, state: dict[str, Any]) -> None:
    """The governance state; like the status page, not one of the job's own edits."""
    _save_text(ctx, page, json.dumps(state, sort_keys=True, ensure_ascii=False))


def _save_text(ctx: JobContext, page: PageText, text: str) -> None:
    edits = ctx.stats.edits
    try:
        ctx.wiki.save(page, text, ctx.base_messages()("advocacyhub-summary-governance"))
    finally:
        ctx.stats.edits = edits


def _copy_in_effect(ctx: JobContext, page: PageText, text: str | None) -> None:
    """The revision in effect, where Module:Advocacy reads it (Module:Advocacy/Config.json
    names it): the module then checks and filters with the vocabularies the bot uses, not
    with a refused edit. Compared as JSON: MediaWiki stores it pretty-printed."""
    if not text:
        return
    try:
        same = page.exists and json.loads(page.text or "") == json.loads(text)
    except ValueError:
        same = False
    if not same:
        _save_text(ctx, page, text)


def record_used(ctx: JobContext, records: Iterable[Record], *, exact: bool) -> None:
    """Remember the values ``records`` use (``exact``: all of them; else added to those
    known, as an incremental harvest sees only the pages that changed)."""
    page = ctx.wiki.read_later(ctx.profile.state_page(statepages.GOVERNANCE))
    state = _state(page)
    used = {k: set(v) for k, v in ({} if exact else mapping_of(state, "used", list)).items()}
    for name, values in used_values(records, ctx.schema).items():
        used.setdefault(name, set()).update(values)
    new = {k: sorted(v) for k, v in sorted(used.items())}
    if state.get("used") != new:
        state["used"] = new
        _save(ctx, page, state)
