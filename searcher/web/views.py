"""What the pages show, as plain values for the templates: hits cut into marked pieces, facets as links, page numbers.

Pure functions of library values and a `SearchParams`; the templates only
lay them out (and Jinja2 escapes every piece of document text they print).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from ..snippets import snippet
from .params import SearchParams

Span = tuple[int, int]
FACETS_SHOWN = 8  # values per facet group; the rest are counted in the group's heading


@dataclass(frozen=True)
class Piece:
    """A run of text, marked when it is a match."""

    text: str
    match: bool = False


@dataclass(frozen=True)
class FacetValue:
    label: str
    count: int
    url: str
    active: bool


@dataclass(frozen=True)
class FacetGroup:
    title: str
    values: tuple[FacetValue, ...]
    more: int  # values not shown


def pieces(text: str, spans: Iterable[Span]) -> list[Piece]:
    """`text` cut at the (sorted, non-overlapping) spans, each span a marked piece."""
    out: list[Piece] = []
    pos = 0
    for start, end in spans:
        if start < pos or end <= start:
            continue
        if start > pos:
            out.append(Piece(text[pos:start]))
        out.append(Piece(text[start:end], True))
        pos = end
    if pos < len(text):
        out.append(Piece(text[pos:]))
    return out


def paragraphs(text: str, spans: Sequence[Span]) -> list[list[Piece]]:
    """The passage's paragraphs (split at blank lines), each as marked pieces."""
    out: list[list[Piece]] = []
    start = 0
    for block in text.split("\n\n"):
        end = start + len(block)
        inside = [(max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start]
        if block.strip():
            out.append(pieces(block, inside))
        start = end + 2
    return out


def hit_view(hit, context: int = 320) -> dict:
    """A hit as the result list shows it: the terminal's lines, with the snippet in marked pieces."""
    text, spans = snippet(hit.text, list(hit.sentences), list(hit.matches), max_chars=context)
    return {
        "id": hit.id, "rank": hit.rank, "score": hit.score, "document": hit.document,
        "title": hit.title or hit.document, "authors": list(hit.authors), "section": hit.section,
        "page": getattr(hit, "page", "") or "",  # (documents with pages: the PDF reader)
        "date": hit.date, "kind": hit.kind,
        "also_in": list(hit.also_in),
        "snippet": pieces(text.replace("\n\n", " ¶ ").replace("\n", " "), spans),
    }


def facet_groups(params: SearchParams, facets: dict, titles: dict[str, str]) -> list[FacetGroup]:
    """The facets as groups of links, each narrowing (or, when already chosen, widening) the search.

    Only the values shown get a URL: a common query on SciFact has thousands
    of documents in its facets, and building every URL took longer than the search.
    """
    groups = []
    for key, title in (("authors", "Authors"), ("documents", "Documents"), ("sections", "Sections"),
                       ("years", "Years")):
        counts = facets.get(key) or {}
        if key == "years":
            counts = dict(sorted(counts.items(), reverse=True))
        chosen = [value for value in counts if _is_chosen(params, key, value)]
        others = [value for value in counts if value not in chosen][: max(0, FACETS_SHOWN - len(chosen))]
        shown = tuple(_facet_value(params, key, value, counts[value], titles) for value in chosen + others)
        if shown:
            groups.append(FacetGroup(title, shown, len(counts) - len(shown)))
    return groups


def _is_chosen(params: SearchParams, key: str, value: str) -> bool:
    if key == "authors":
        return value in params.author
    if key == "documents":
        return value in params.document
    if key == "sections":
        return params.section == value
    return params.after == value and params.before == value


def _facet_value(params: SearchParams, key: str, value: str, count: int, titles: dict[str, str]) -> FacetValue:
    if key == "authors":
        active = value in params.author
        chosen = tuple(a for a in params.author if a != value) if active else params.author + (value,)
        url = params.query_string(author=chosen)
        return FacetValue(value, count, url, active)
    if key == "documents":
        active = value in params.document
        chosen = tuple(d for d in params.document if d != value) if active else params.document + (value,)
        return FacetValue(titles.get(value) or value, count, params.query_string(document=chosen), active)
    if key == "sections":
        active = params.section == value
        return FacetValue(value, count, params.query_string(section="" if active else value), active)
    active = params.after == value and params.before == value
    url = params.query_string(after="", before="") if active else params.query_string(after=value, before=value)
    return FacetValue(value, count, url, active)


def chosen_filters(params: SearchParams, titles: dict[str, str]) -> list[tuple[str, str]]:
    """(label, URL without that filter) for each filter in force."""
    out = []
    for name in params.author:
        out.append((f"author: {name}", params.query_string(author=tuple(a for a in params.author if a != name))))
    for doc in params.document:
        out.append((f"document: {titles.get(doc) or doc}",
                    params.query_string(document=tuple(d for d in params.document if d != doc))))
    if params.section:
        out.append((f"section: {params.section}", params.query_string(section="")))
    if params.after and params.after == params.before:
        out.append((f"year: {params.after}", params.query_string(after="", before="")))
    else:
        if params.after:
            out.append((f"from {params.after}", params.query_string(after="")))
        if params.before:
            out.append((f"until {params.before}", params.query_string(before="")))
    return out


def page_links(total: int, page: int, limit: int, around: int = 2) -> list[int | None]:
    """Page numbers to offer: the first, the last and a few around `page` (None marks a gap)."""
    last = max(1, -(-total // limit))
    wanted = {1, last} | set(range(max(1, page - around), min(last, page + around) + 1))
    out: list[int | None] = []
    previous = 0
    for n in sorted(wanted):
        if n - previous > 1:
            out.append(None)
        out.append(n)
        previous = n
    return out
