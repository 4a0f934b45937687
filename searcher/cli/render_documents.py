"""How documents, outlines, passages in context and citations look on a terminal."""
from __future__ import annotations

from typing import Iterable

from ..documents import Context, DocumentInfo
from ..hits import Hit
from .render import DIM, ID, TITLE, _line, _style
from .terminal import terminal_safe

SOURCE_TYPES = {"bundled": "bundled corpus", "file": "file", "jsonl": "JSON Lines record"}
MAX_NAMES = 4  # authors named in the documents list before "and N more"


def _names(names: tuple[str, ...], limit: int | None = None) -> str:
    if not names:
        return "author unknown"
    if limit is None or len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f" and {len(names) - limit} more"


def _rows(rows: list[tuple[str, str]], color: bool) -> str:
    width = max(len(k) for k, _ in rows) + 1
    return "\n".join(f"{_style((k + ':').ljust(width), DIM, color)} {_line(v)}" for k, v in rows if v)


def shown_source(doc: DocumentInfo) -> str:
    """The file it was read from (a bundled document by its file name)."""
    return doc.source.split(":", 1)[1] if doc.source.startswith("bundled:") else doc.source


def publisher_of(doc: DocumentInfo) -> str:
    """Who published it, or else the journal or site it appeared in."""
    return doc.publisher or doc.publication.container_title


def format_document_line(doc: DocumentInfo, color: bool) -> str:
    """A document as three or four lines of the documents list."""
    facts = [_names(doc.authors, MAX_NAMES)]
    facts += [x for x in (doc.date, publisher_of(doc)) if x]
    source = f"{SOURCE_TYPES.get(doc.source_type, doc.source_type or 'source')}: {shown_source(doc)}"
    lines = [
        _style(_line(doc.id), ID, color) + "  " + _style(_line(doc.title), TITLE, color),
        "    " + _line(" · ".join(facts)),
        "    " + _style(_line(f"{source} · {doc.passages} passage{'s' if doc.passages != 1 else ''}"), DIM, color),
    ]
    if doc.url:
        lines.append("    " + _line(doc.url))
    return "\n".join(lines)


def format_documents(docs: Iterable[DocumentInfo], color: bool) -> str:
    return "\n\n".join(format_document_line(d, color) for d in docs)


def document_rows(doc: DocumentInfo) -> list[tuple[str, str]]:
    pub = doc.publication
    return [
        ("document", doc.id),
        ("title", doc.title),
        ("authors", _names(doc.authors)),
        ("editors", ", ".join(pub.editors)),
        ("date", doc.date),
        ("publisher", doc.publisher),
        ("published in", " ".join(x for x in (pub.container_title, pub.volume and f"vol. {pub.volume}",
                                              pub.issue and f"no. {pub.issue}") if x)),
        ("series", " ".join(x for x in (pub.series, pub.number) if x)),
        ("url", doc.url),
        ("source", f"{shown_source(doc)} ({SOURCE_TYPES.get(doc.source_type, doc.source_type)})"
         if doc.source_type else doc.source),
        ("description", doc.description),
    ]


def format_outline(doc: DocumentInfo, color: bool) -> str:
    """`show DOCUMENT_ID`: the document's facts, then its outline (title › section, first passage, count)."""
    head = _rows(document_rows(doc) + [("passages", str(doc.passages))], color)
    width = max((len(e.first_passage) for e in doc.outline), default=0)
    lines = []
    for entry in doc.outline:
        title = "" if entry.title == doc.title else entry.title  # (one article: its sections suffice)
        place = " › ".join(x for x in (title, entry.section) if x) or "(no heading)"
        count = f"  ({entry.passages})" if entry.passages > 1 else ""
        lines.append(f"  {_style(_line(entry.first_passage).ljust(width), ID, color)}  {_line(place)}"
                     f"{_style(count, DIM, color)}")
    return head + "\n\noutline:\n" + "\n".join(lines)


def passage_rows(hit: Hit, doc: DocumentInfo) -> list[tuple[str, str]]:
    """Everything known about a passage: its document's facts and its own place."""
    rows = [
        ("passage", hit.id),
        ("document", hit.document + (f" (also in {', '.join(hit.also_in)})" if hit.also_in else "")),
        ("title", hit.title),
        ("authors", _names(hit.authors)),
    ]
    if doc.title and doc.title != hit.title:
        rows.append(("in", doc.title + (f", edited by {', '.join(doc.publication.editors)}"
                                        if doc.publication.editors else "")))
    rows += [
        ("date", hit.date or doc.date),
        ("publisher", publisher_of(doc)),
        ("section", hit.section or "-"),
        ("kind", hit.kind),
        ("page", getattr(hit, "page", "") or ""),
        ("url", doc.url),
        ("source", f"{shown_source(doc)} ({SOURCE_TYPES.get(doc.source_type, doc.source_type)})"
         if doc.source_type else doc.source),
    ]
    return rows


def format_full_passage(hit: Hit, doc: DocumentInfo, color: bool) -> str:
    """`show PASSAGE_ID`: the facts, then the passage's text."""
    return f"{_rows(passage_rows(hit, doc), color)}\n\n{terminal_safe(hit.text)}"


def format_context(context: Context, doc: DocumentInfo, color: bool) -> str:
    """`show PASSAGE_ID --context N`: the passage's facts, then the passages in reading order,
    each headed by its id; the one asked for marked with `>>`."""
    parts = [_rows(passage_rows(context.passage, doc), color)]
    for i, hit in enumerate(context.passages):
        marker = ">> " if i == context.focus else "   "
        where = " › ".join(x for x in (hit.section,) if x)
        head = marker + _style(_line(hit.id), ID, color) + (_style(f"  {_line(where)}", DIM, color) if where else "")
        if i == context.focus:
            head += _style("  (this passage)", DIM, color)
        parts.append(head + "\n" + terminal_safe(hit.text))
    return "\n\n".join(parts)
