"""How hits, passages, stats and index reports look on a terminal.

Every value from the index or the file system goes through
`terminal.terminal_safe` before a colour code is added, so the only escape
sequences in what these functions return are their own colours.
"""
from __future__ import annotations

from typing import Iterable

from ..hits import Hit, Stats
from ..snippets import snippet
from .terminal import terminal_safe


def _line(value) -> str:
    """A value shown on one line: every control character visible."""
    return terminal_safe(str(value), keep_lines=False)


def _mark_safe(text: str, spans, start: str, end: str) -> str:
    """`text` made terminal-safe piece by piece, each (sorted, non-overlapping) span wrapped in markers."""
    out: list[str] = []
    pos = 0
    for s, e in spans:
        if s < pos:
            continue
        out.append(terminal_safe(text[pos:s]))
        out.append(start + terminal_safe(text[s:e]) + end)
        pos = e
    out.append(terminal_safe(text[pos:]))
    return "".join(out)
from .wrap import columns, shorten_path, wrap

# ANSI styles, as ripgrep uses them: matches bold red, places in colour.
# (searcher.cli.output lets exactly these codes through; keep the two in step.)
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
        return _line(" · ".join(before + after))
    taken = columns(" · ".join(before + [""] + after)) + (3 if after else 0)
    return _line(" · ".join(before + [shorten_path(hit.section, max(width - taken, 20))] + after))


def format_hit(hit: Hit, color: bool, context: int = 320, width: int | None = None) -> str:
    """A hit as a few lines: rank, score and title; authors, section and date; snippet; id and page.

    With a `width` (a terminal's), each line is wrapped to it with a hanging indent.
    """
    text, spans = snippet(hit.text, list(hit.sentences), list(hit.matches), max_chars=context)
    marks = MATCH if color else PLAIN_MATCH
    body = _mark_safe(text, spans, *marks).replace("\n\n", " ¶ ").replace("\n", " ")
    head = f"{hit.rank}. " if hit.rank is not None else ""
    score = f"  {hit.score:.2f}" if hit.score is not None else ""
    place = _place(hit, (width or PLACE_WIDTH) - len(INDENT))
    lines = [
        head + _style(_line(hit.title or hit.document), TITLE, color) + _style(score, DIM, color),
        INDENT + _style(place, DIM, color),
        INDENT + body,
        INDENT + _style(_line(hit.id), ID, color)
        + (_style(_line(f"  p. {hit.page}"), DIM, color) if hit.page else "")
        + (_style(_line(f"  (also in {', '.join(hit.also_in)})"), DIM, color) if hit.also_in else ""),
    ]
    lines = [wrap(line, width, INDENT) for line in lines]
    if hit.citation:
        lines.append(INDENT + _style("cite: ", DIM, color) + terminal_safe(hit.citation).replace("\n", "\n         "))
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
        names = {_line(name): count for name, count in counts.items()}
        width = max(len(name) for name in names)
        lines += [f"  {name.ljust(width)}  {count}" for name, count in names.items()]
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
    head = "\n".join(f"{_style(k + ':', DIM, color)} {_line(v)}" for k, v in rows)
    return f"{head}\n\n{terminal_safe(hit.text)}"


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
        f"index:     {_line(stats.index)}",
        f"size:      {_human_bytes(stats.size_bytes)}",
        f"documents: {stats.documents}",
        f"passages:  {stats.passages}",
        f"authors:   {len(stats.authors)}",
    ]
    authors = {_line(name): count for name, count in stats.authors.items()}
    width = max((len(n) for n in authors), default=0)
    lines += [f"  {name.ljust(width)}  {count}" for name, count in authors.items()]
    return "\n".join(lines)


def format_check(result) -> str:
    """What `check` verified."""
    sums = (f"{result.files} files match their checksums" if result.sealed
            else "no checksums yet (made by an earlier version; `corpus-search index` adds them)")
    return "\n".join([
        f"index:     {_line(result.index)} ({_line(result.generation)})",
        f"files:     {sums}",
        f"passages:  {result.passages} read",
        f"terms:     {result.terms} posting lists read",
        "ok" if result.sealed else "ok, unverified files",
    ])


def format_report(report) -> str:
    counts = report.as_dict()
    line = ", ".join(
        f"{counts[k]} {k}" for k in ("added", "updated", "removed", "unchanged")
    ) + f", {len(report.skipped)} skipped"
    lines = [f"{_line(report.index)}: {line} (documents)"]
    lines += [f"  skipped {_line(s.path)}: {_line(s.reason)}" for s in report.skipped]
    lines += [f"  note: {_line(n.path)}: {_line(n.reason)}" for n in getattr(report, "notes", ())]
    return "\n".join(lines)


def _human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"
