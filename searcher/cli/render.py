"""How hits, passages, stats and index reports look on a terminal."""
from __future__ import annotations

from typing import Iterable

from ..hits import Hit, Stats, mark
from ..snippets import snippet
from .wrap import columns, shorten_path, wrap

# ANSI styles, as ripgrep uses them: matches bold red, places in colour.
MATCH = ("\x1b[1;31m", "\x1b[0m")
TITLE = ("\x1b[1m", "\x1b[0m")
DIM = ("\x1b[2m", "\x1b[0m")
ID = ("\x1b[35m", "\x1b[0m")
PLAIN_MATCH = ("**", "**")  # how matches are marked without colour


def _style(text: str, style: tuple[str, str], color: bool) -> str:
    return f"{style[0]}{text}{style[1]}" if color and text else text


# A hit's place line (authors · section · kind · date) is kept to one
# line: the section path is shortened in the middle to fit this many columns
# when the width of the output is not known.
PLACE_WIDTH = 100
INDENT = "   "


def _place(hit: Hit, width: int) -> str:
    """Authors, section (shortened to fit `width` columns), kind and date, joined by ` · `."""
    before = [", ".join(hit.authors) or "author unknown"]
    after = []
    if hit.kind not in ("body", "answer"):
        after.append(hit.kind)
    if hit.date:
        after.append(hit.date)
    if not hit.section:
        return " · ".join(before + after)
    taken = columns(" · ".join(before + [""] + after)) + (3 if after else 0)
    return " · ".join(before + [shorten_path(hit.section, max(width - taken, 20))] + after)


def format_hit(hit: Hit, color: bool, context: int = 320, width: int | None = None) -> str:
    """A hit as a few lines: rank, score and title; authors, section and date; snippet; id and page.

    With a `width` (a terminal's), each line is wrapped to it with a hanging indent.
    """
    text, spans = snippet(hit.text, list(hit.sentences), list(hit.matches), max_chars=context)
    marks = MATCH if color else PLAIN_MATCH
    body = mark(text, spans, *marks).replace("\n\n", " ¶ ").replace("\n", " ")
    head = f"{hit.rank}. " if hit.rank is not None else ""
    score = f"  {hit.score:.2f}" if hit.score is not None else ""
    place = _place(hit, (width or PLACE_WIDTH) - len(INDENT))
    lines = [
        head + _style(hit.title or hit.document, TITLE, color) + _style(score, DIM, color),
        INDENT + _style(place, DIM, color),
        INDENT + body,
        INDENT + _style(hit.id, ID, color)
        + (_style(f"  p. {hit.page}", DIM, color) if hit.page else "")
        + (_style(f"  (also in {', '.join(hit.also_in)})", DIM, color) if hit.also_in else ""),
    ]
    lines = [wrap(line, width, INDENT) for line in lines]
    if hit.citation:
        lines.append(INDENT + _style("cite: ", DIM, color) + hit.citation.replace("\n", "\n         "))
    return "\n".join(lines)


def format_hits(hits: Iterable[Hit], color: bool, context: int = 320, width: int | None = None) -> str:
    return "\n\n".join(format_hit(h, color, context, width) for h in hits)


def format_facets(facets: dict, color: bool) -> str:
    """Passages per author and per document, over every match."""
    total = facets.get("total", 0)
    lines = [_style(f"{total} passage{'s' if total != 1 else ''} match in all", DIM, color)]
    for key, label in (("authors", "by author"), ("documents", "by document")):
        counts = facets.get(key) or {}
        if not counts:
            continue
        lines.append(f"{label}:")
        width = max(len(name) for name in counts)
        lines += [f"  {name.ljust(width)}  {count}" for name, count in counts.items()]
    return "\n".join(lines)


def format_passage(hit: Hit, color: bool) -> str:
    """A whole passage, for `show`."""
    rows = [
        ("passage", hit.id),
        ("document", hit.document + (f" (also in {', '.join(hit.also_in)})" if hit.also_in else "")),
        ("title", hit.title),
        ("authors", ", ".join(hit.authors) or "unknown"),
        ("section", hit.section or "-"),
        ("kind", hit.kind),
    ]
    if hit.date:
        rows.append(("date", hit.date))
    if hit.page:
        rows.append(("page", hit.page))
    head = "\n".join(f"{_style(k + ':', DIM, color)} {v}" for k, v in rows)
    return f"{head}\n\n{hit.text}"


def format_shortfall(why, query: str, limit: int) -> list[str]:
    """One or two lines saying why a search found nothing (a `searcher.shortfall.Shortfall`)."""
    n = why.matches
    if why.past_last_page:
        return [f"page {why.page} is past the last one: {query!r} matches {n} passage{'s' * (n != 1)}, "
                f"{why.pages} page{'s' * (why.pages != 1)} of {limit}"]
    options = [f for f in why.filters if f.startswith("--")]
    head = f"no passages match {query!r}" + (f" with {' '.join(options)}" if options else "")
    reasons = []
    if why.missing:
        words = ", ".join(repr(w) for w in why.missing)
        verb = "occurs" if len(why.missing) == 1 else "occur"
        reasons.append(f"{words} {verb} nowhere in the index")
    reasons += [_empty_filter(f) for f in why.empty_filters]
    if why.unfiltered:
        u = why.unfiltered
        reasons.append(f"{u} passage{'s' * (u != 1)} match{'es' * (u == 1)} without the filters")
    return [head] + (["; ".join(reasons)] if reasons else [])


def _empty_filter(typed: str) -> str:
    option, _, value = typed.partition(" ")
    if option == "--author":
        return f"no author's name has the words {value!r}"
    if option == "--document":
        return f"no document has the id {value!r}"
    if option == "--section":
        return f"no section heading has the words {value!r}"
    if option in ("--after", "--before"):
        return f"no dated document passes {typed}"
    return f"{typed!r} matches no passage"


def format_stats(stats: Stats) -> str:
    lines = [
        f"index:     {stats.index}",
        f"size:      {_human_bytes(stats.size_bytes)}",
        f"documents: {stats.documents}",
        f"passages:  {stats.passages}",
        f"authors:   {len(stats.authors)}",
    ]
    width = max((len(n) for n in stats.authors), default=0)
    lines += [f"  {name.ljust(width)}  {count}" for name, count in stats.authors.items()]
    return "\n".join(lines)


def format_report(report) -> str:
    counts = report.as_dict()
    line = ", ".join(
        f"{counts[k]} {k}" for k in ("added", "updated", "removed", "unchanged")
    ) + f", {len(report.skipped)} skipped"
    lines = [f"{report.index}: {line} (documents)"]
    lines += [f"  skipped {s.path}: {s.reason}" for s in report.skipped]
    lines += [f"  note: {n.path}: {n.reason}" for n in getattr(report, "notes", ())]
    return "\n".join(lines)


def _human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"
