"""Where the generated pages are (PageSet) and the sub-pages of a page too long for one
(PartLinks): shared by every renderer of hub pages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bots.core.messages import Messages
from bots.core.places import language_autonym
from bots.core.render.paging import OTHER, Layout, Part, size
from bots.core.render.tables import table
from bots.core.wikitext import escape, page_link

OVERHEAD = 4 * 1024  # bytes a sub-page spends outside its rows (language bar, navigation ...)
BOLD = "\'\'\'"


# The navigation line on every hub page: page key -> message of its link, in this order; the
# directories the schema declares (``PageSet.directories``) after the resources.
NAV = (("cases", "advocacyhub-nav-cases"), ("events", "advocacyhub-nav-events"),
       ("resources", "advocacyhub-nav-resources"))
NAV_END = (("roster", "advocacyhub-nav-advocates"), ("newsletter", "advocacyhub-nav-newsletter"),
           ("help_wanted", "advocacyhub-nav-help"), ("statistics", "advocacyhub-nav-statistics"))
# A block of its own above the page's text (no float: it never overlaps a heading, on a
# narrow screen it wraps): the hub's pages on the left, the languages on the right.
NAV_STYLE = ("display:flex; flex-wrap:wrap; justify-content:space-between; gap:0.2em 1.5em; "
             "margin:0 0 0.6em; padding:0.2em 0; border-bottom:1px solid #c8ccd1; "
             "font-size:95%;")


@dataclass
class PageSet:
    """Where the generated pages are, so they can link to each other in every language."""

    titles: dict[str, str]  # hub page key -> base title
    base_lang: str
    languages: Sequence[str]
    # The navigation line's words in a language (the wiki's translations, via the job);
    # None: the message files.
    messages: Callable[[str], Messages] | None = None
    # The kinds with a directory (config/schema.toml), their index at titles[kind]: on the
    # navigation line as advocacyhub-nav-<kind>.
    directories: Sequence[str] = ()

    def title(self, key: str, lang: str, suffix: str = "") -> str:
        base = self.titles[key] + (f"/{suffix}" if suffix else "")
        return base if lang == self.base_lang else f"{base}/{lang}"

    def nav_links(self, lang: str) -> list[str]:
        """The hub's front page, then its main pages, in ``lang`` (those this hub has)."""
        msgs = self.messages(lang) if self.messages else Messages(lang)
        entries = [*NAV, *((k, f"advocacyhub-nav-{k}") for k in self.directories), *NAV_END]
        links = [page_link(self.title(key, lang), msgs(message)) for key, message in entries
                 if key in self.titles and msgs.has(message)]
        if "front" in self.titles:
            links.insert(0, BOLD + page_link(self.title("front", lang),
                                             msgs("advocacyhub-nav-hub")) + BOLD)
        return links

    def language_bar(self, key: str, lang: str, suffix: str = "") -> str:
        """The first line of every hub page: the navigation line and the page in the other
        languages. One line of wikitext."""
        if len(self.languages) < 2:
            return ""  # a page written in one language only (a delivery log)
        links = []
        for code in self.languages:
            name = escape(language_autonym(code))
            links.append(f"{BOLD}{name}{BOLD}" if code == lang else
                         page_link(self.title(key, code, suffix), language_autonym(code)))
        return (f'<div class="advocacy-nav" style="{NAV_STYLE}">'
                f'<span class="advocacy-hub-links">{" · ".join(self.nav_links(lang))}</span>'
                f'<span class="advocacy-languages">{" · ".join(links)}</span></div>')


def as_layout(layout: Layout | int) -> Layout:
    return layout if isinstance(layout, Layout) else Layout(layout, solo=True)


def room(budget: int, head: str) -> int:
    """Bytes left for the rows of a sub-page of ``budget`` bytes, whose table has ``head``."""
    return budget - min(OVERHEAD, budget // 10) - size(head)


class PartLinks:
    """Sub-pages of a page too long for one (bots.core.render.paging): their labels, the
    links between them and the overview's table of them. For renderers with ``msgs``,
    ``pages`` and ``lang``."""

    msgs: Messages
    pages: PageSet

    @property
    def lang(self) -> str:
        return self.msgs.lang

    def part_label(self, label: str) -> str:
        if label.startswith(OTHER):
            return self.msgs("advocacyhub-part-other") + label[len(OTHER):]
        return label

    def part_nav(self, key: str, parts: Sequence[Part], i: int, prefix: str,
                 up: str = "") -> str:
        """Links from sub-page ``i``: the overview, the previous and the next part."""
        links = [page_link(self.pages.title(key, self.lang, up),
                           self.msgs("advocacyhub-part-overview"))]
        if i > 0:
            links.append(page_link(self.pages.title(key, self.lang, prefix + parts[i - 1].label),
                                   "← " + self.part_label(parts[i - 1].label)))
        if i + 1 < len(parts):
            links.append(page_link(self.pages.title(key, self.lang, prefix + parts[i + 1].label),
                                   self.part_label(parts[i + 1].label) + " →"))
        return BOLD + " · ".join(links) + BOLD

    def parts_table(self, key: str, parts: Sequence[Part], prefix: str,
                    first_last: Sequence[tuple[str, str]]) -> str:
        rows = [[page_link(self.pages.title(key, self.lang, prefix + p.label),
                           self.part_label(p.label)), str(len(p.items)),
                 escape(f"{a} – {b}" if a != b else a, 200)]
                for p, (a, b) in zip(parts, first_last, strict=True)]
        return table([self.msgs("advocacyhub-part"), self.msgs("advocacyhub-part-count"),
                      self.msgs("advocacyhub-part-range")], rows)

    def parted(self, key: str, layout: Layout, layout_key: str, names: Sequence[str],
               blocks: Sequence[str], prefix: str, intro: Callable[[Part], str], *,
               head: str = "", end: str = "") -> tuple[str, dict[str, str]]:
        """A long list of page ``key`` as sub-pages ``prefix<label>`` (measured under
        ``layout_key``, see :meth:`measure_list`): the overview's table of the parts, and
        suffix -> text of each sub-page (``intro`` says what a part holds). A list that fits
        one sub-page is ``prefix`` without its slash."""
        parts = layout.parts(layout_key, names, room(layout.budget, ""))
        if not names:
            return "", {}
        whole = parts[0].label == ""  # intro() is then told the part's label is ""
        if whole:
            parts = [Part(prefix.rstrip("/"), parts[0].items)]
            prefix = ""
        out = {}
        for i, part in enumerate(parts):
            nav = self.part_nav(key, parts, i, prefix)
            out[prefix + part.label] = "\n".join([
                self.pages.language_bar(key, self.lang, prefix + part.label),
                intro(Part("", part.items) if whole else part), "", nav, "", head,
                *(blocks[j] for j in part.items), end, "", nav])
        table_text = self.parts_table(key, parts, prefix,
                                      [(names[p.items[0]], names[p.items[-1]]) for p in parts])
        return table_text, out

    def list_intro(self, part: Part) -> str:
        """The top of a sub-page of a long list (the whole list, when ``part.label`` is "")."""
        if not part.label:
            return self.msgs("advocacyhub-list-all", len(part.items))
        return self.msgs("advocacyhub-list-part-intro", self.part_label(part.label),
                         len(part.items))

    def measured(self, layout: Layout, key: str, single: str,
                 lists: dict[str, tuple[Sequence[str], str]]) -> dict[str, str] | None:
        """Measure page ``key`` as one text and its long ``lists`` (layout key -> blocks,
        table head): {} while the layout still measures, the page as one text when it fits,
        None when it must be split."""
        layout.measure(key, size(single), [])
        for list_key, (blocks, head) in lists.items():
            self.measure_list(layout, list_key, blocks, head)
        if not layout.frozen:
            return {}
        return {"": single} if layout.fits(key) else None

    @staticmethod
    def measure_list(layout: Layout, layout_key: str, blocks: Sequence[str],
                     head: str = "") -> None:
        """Measure a list that :meth:`parted` may split."""
        rows = [size(b) + 1 for b in blocks]
        layout.measure(layout_key, sum(rows) + size(head) + OVERHEAD, rows, size(head))
