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

# ANSI styles, as ripgrep uses them: matches bold red, places in colour.
# (searcher.cli.output lets exactly these codes through; keep the two in step.)
MATCH = ("\x1b[1;31m", "\x1b[0m")
TITLE = ("\x1b[1m", "\x1b[0m")
DIM = ("\x1b[2m", "\x1b[0m")
ID = ("\x1b[35m", "\x1b[0m")
PLAIN_MATCH = ("**", "**")  # how matches are marked without colour


def _style(text: str, style: tuple[str, str], color: bool) -> str:
    return f"{style[0]}{text}{style[1]}" if color and text else text


def _place(hit: Hit) -> str:
    parts = [", ".join(hit.authors) or "author unknown"]
    if hit.section:
        parts.append(hit.section)
    if hit.kind not in ("body", "answer"):
        parts.append(hit.kind)
    return _line(" · ".join(parts))


def format_hit(hit: Hit, color: bool, context: int = 320) -> str:
    """A hit as a few lines: rank, score and title; authors and section; snippet; id."""
    text, spans = snippet(hit.text, list(hit.sentences), list(hit.matches), max_chars=context)
    marks = MATCH if color else PLAIN_MATCH
    body = _mark_safe(text, spans, *marks).replace("\n\n", " ¶ ").replace("\n", " ")
    head = f"{hit.rank}. " if hit.rank is not None else ""
    score = f"  {hit.score:.2f}" if hit.score is not None else ""
    lines = [
        head + _style(_line(hit.title or hit.document), TITLE, color) + _style(score, DIM, color),
        "   " + _style(_place(hit), DIM, color),
        "   " + body,
        "   " + _style(_line(hit.id), ID, color)
        + (_style(_line(f"  p. {hit.page}"), DIM, color) if hit.page else "")
        + (_style(_line(f"  (also in {', '.join(hit.also_in)})"), DIM, color) if hit.also_in else ""),
    ]
    if hit.citation:
        lines.append("   " + _style("cite: ", DIM, color) + terminal_safe(hit.citation).replace("\n", "\n         "))
    return "\n".join(lines)


def format_hits(hits: Iterable[Hit], color: bool, context: int = 320) -> str:
    return "\n\n".join(format_hit(h, color, context) for h in hits)


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
