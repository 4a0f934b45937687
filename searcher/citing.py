"""A citation of a passage (its article, interview or whole document) or of a document.

The CSL item is built by corpus.citation from the document's stored record;
this module decides what a passage cites:

- a passage in an article of an edited volume cites the article (a chapter
  with its byline, in the volume and its editors);
- an interview answer there cites the interview, its speaker as author;
- anything else cites the document, with the passage's page when known.
"""
from __future__ import annotations

from corpus.citation import Citation, Part, Source, csl_item, render

from .documents import DocumentInfo


def source_of(doc: DocumentInfo) -> Source:
    return Source(doc.id, doc.title, doc.authors, doc.date, doc.publisher, doc.url, doc.publication)


def part_of(doc: DocumentInfo, passage: dict | None) -> Part | None:
    """The article (or interview) of an edited volume that `passage` (stored fields) is in."""
    if passage is None or not doc.publication.editors:
        return None
    title = passage.get("title", "")
    if not title or title == doc.title:
        return None
    byline = doc.byline(title)
    speakers = tuple(passage.get("authors") or ()) if passage.get("kind") == "answer" else ()
    return Part(title=title, byline=byline or tuple(passage.get("authors") or ()), speakers=speakers)


def cite(doc: DocumentInfo, passage: dict | None, style: str, *, short: bool = True) -> Citation:
    """`doc` (or the part of it `passage` is in) cited in `style`, with the passage's page if it has one.

    `short=False`: the bibliography entry only (no note or in-text form).
    """
    page = str((passage or {}).get("page") or "")
    return render(csl_item(source_of(doc), part_of(doc, passage)), style, page=page, short=short)
