"""Sortable wikitables and plain-CSS bar charts (they render on any MediaWiki, no extension)."""

from __future__ import annotations

from collections.abc import Sequence

from bots.core.wikitext import escape, sort_value


def table(headers: Sequence[str], rows: Sequence[Sequence[str]],
          sort_keys: Sequence[Sequence[str]] | None = None, css: str = "") -> str:
    """A sortable table. Cells must already be safe wikitext; one cell per line, so no value
    can be read as a cell separator."""
    head, blocks, end = table_parts(headers, rows, sort_keys, css)
    return "\n".join([head, *blocks, end])


def table_parts(headers: Sequence[str], rows: Sequence[Sequence[str]],
                sort_keys: Sequence[Sequence[str]] | None = None, css: str = "",
                ) -> tuple[str, list[str], str]:
    """The table's head, each row's block and its end: the rows of a long table can be
    split over several pages, each with the same head."""
    classes = f"wikitable sortable {css}".strip()
    head = f'{{| class="{classes}" style="width:100%;"\n' + "! " + "\n! ".join(
        escape(h) for h in headers)
    blocks = []
    for i, row in enumerate(rows):
        out = ["|-"]
        for j, cell in enumerate(row):
            key = sort_keys[i][j] if sort_keys and sort_keys[i][j] else ""
            attr = f"data-sort-value={sort_value(key)} | " if key else ""
            out.append(f"| {attr}{cell}")
        blocks.append("\n".join(out))
    return head, blocks, "|}"


PALETTE = ["#3366cc", "#14866d", "#d33", "#fc3", "#a66", "#72777d", "#6b4ba1", "#ac6600"]


def bar_chart(items: Sequence[tuple[str, int]], colour: str = "#3366cc") -> str:
    """Horizontal bars: label, a bar as wide as the count's share of the largest, the count.
    Labels must be safe wikitext. No caption: the section heading above says what it shows.
    Heights are in px, so no font size of a parent can flatten a bar."""
    if not items:
        return ""
    top = max(n for _, n in items) or 1
    out = ['{| class="advocacy-chart" style="width:100%; max-width:48em; '
           'border-collapse:collapse;"']
    for label, count in items:
        width = max(1, round(100 * count / top))
        out += ["|-",
                f'| style="width:14em; padding:0.15em 0.5em 0.15em 0; text-align:right;" | {label}',
                f'| style="padding:0.15em 0;" | <div class="advocacy-bar" style="background:'
                f'{colour}; width:{width}%; height:16px; min-width:2px;" title="{count}"></div>',
                f'| style="width:3em; padding-left:0.5em;" | {count}']
    out.append("|}")
    return "\n".join(out)


def share_bar(items: Sequence[tuple[str, int]]) -> str:
    """One bar split into coloured shares (outcome shares), with a legend. A flex row of
    fixed height: every share is as tall as the bar."""
    total = sum(n for _, n in items)
    if not total:
        return ""
    segments, legend = [], []
    for i, (label, count) in enumerate(items):
        colour = PALETTE[i % len(PALETTE)]
        pct = 100 * count / total
        segments.append(f'<div class="advocacy-bar" style="flex:0 0 {pct:.2f}%; '
                        f'background:{colour}; height:20px;" title="{count}"></div>')
        legend.append(f'<span style="display:inline-block; width:0.9em; height:0.9em; '
                      f'background:{colour};"></span> {label}: {count} ({pct:.0f}%)')
    return "\n".join([
        '<div class="advocacy-share" style="display:flex; width:100%; max-width:48em; '
        'height:20px;">' + "".join(segments) + "</div>",
        "<div>" + " · ".join(legend) + "</div>",
    ])
