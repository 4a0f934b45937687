"""Reading the index document by document: the documents list, one document, a passage's neighbours.

Functions of the Whoosh searcher the engine holds (passed in, never kept);
they return stored fields and the plain values of searcher.documents.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterator

from indexer.whoosh_internals import InconsistentIndex

from .dates import parse_bound, within
from .documents import DocumentInfo, document_info, outline_of
from .ids import UnknownDocument, resolve_document, split_passage_id
from .results import PassageNotFound


def _text(term) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else str(term)


def document_ids(ws) -> Iterator[str]:
    """Every document id with passages in the index, in order."""
    for term in ws.reader().field_terms("document"):
        doc_id = _text(term)
        if _passages_of(ws, doc_id, count_only=True):
            yield doc_id


def _passages_of(ws, doc_id: str, count_only: bool = False):
    from whoosh import query as q

    docnums = ws.docs_for_query(q.Term("document", doc_id))
    if count_only:
        return sum(1 for _ in docnums)
    return [ws.stored_fields(n) for n in docnums]


def resolve(ws, given: str) -> str:
    """The document id `given` is or begins (UnknownDocument / AmbiguousId otherwise)."""

    def exists(doc_id: str) -> bool:
        return bool(_passages_of(ws, doc_id, count_only=True))

    def expand(prefix: str) -> Iterator[str]:
        for term in ws.reader().expand_prefix("document", prefix):
            doc_id = _text(term)
            if exists(doc_id):
                yield doc_id

    return resolve_document(given, expand, exists)


def passage_id(ws, given: str) -> str:
    """A passage id with its document part resolved from a prefix ("004:20" -> "004_b9cf...:20")."""
    if ws.document(id=given) is not None:
        return given
    doc, number = split_passage_id(given)
    try:
        return f"{resolve(ws, doc)}:{number}"
    except UnknownDocument:
        raise PassageNotFound(f"no passage {given!r}: no document id starts with {doc!r}; "
                              "`corpus-search documents` lists them") from None


def passage_fields(ws, given: str) -> dict:
    """The stored fields of a passage (its id or its document's id given by a prefix)."""
    pid = passage_id(ws, given)
    fields = ws.document(id=pid)
    if fields is None:
        doc_id = pid.rpartition(":")[0]
        count = _passages_of(ws, doc_id, count_only=True)
        if 1 <= split_passage_id(pid)[1] <= count:  # (numbered from 1 without gaps)
            raise InconsistentIndex(f"passage {pid!r} is counted in its document but cannot be found")
        raise PassageNotFound(f"no passage {pid!r}; its document has passages 1 to {count} "
                              f"(`corpus-search show {doc_id}` lists them)")
    return fields


def info(ws, doc_id: str, with_outline: bool = False) -> DocumentInfo:
    """What the index knows about one document (its id exact)."""
    first = ws.document(id=f"{doc_id}:1")
    if with_outline or first is None:
        passages = sorted(_passages_of(ws, doc_id), key=lambda f: f.get("ordinal", 0))
        first = first or (passages[0] if passages else {})
        doc = document_info(doc_id, first.get("document_meta"), len(passages), first)
        if with_outline:
            doc = replace(doc, outline=outline_of(passages))
        return doc
    return document_info(doc_id, first.get("document_meta"), _passages_of(ws, doc_id, count_only=True), first)


def all_documents(ws, author: list[str] | None = None, after: str | None = None,
                  before: str | None = None) -> list[DocumentInfo]:
    """Every document, in id order; `author` keeps those with an author (or editor) naming all its words,
    `after`/`before` those dated within the bounds (as `search` does)."""
    low, high = parse_bound(after, "--after"), parse_bound(before, "--before")
    wanted = [_words(a) for a in (author or []) if _words(a)]
    out = []
    for doc_id in document_ids(ws):
        doc = info(ws, doc_id)
        if (low or high) and not (doc.date and within(doc.date, low, high)):
            continue
        if wanted and not any(words <= _words(name) for words in wanted
                              for name in doc.authors + doc.publication.editors):
            continue
        out.append(doc)
    return out


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def neighbours(ws, given: str, n: int) -> tuple[list[dict], int]:
    """The passage and up to `n` passages on each side of it in reading order; its index in the list."""
    fields = passage_fields(ws, given)
    doc, number = split_passage_id(fields["id"])
    before = [ws.document(id=f"{doc}:{k}") for k in range(max(1, number - n), number)]
    before = [f for f in before if f is not None]
    after = []
    for k in range(number + 1, number + n + 1):  # (a document's passages are numbered from 1 without gaps:
        following = ws.document(id=f"{doc}:{k}")  # the first missing one is past its end, however large n is)
        if following is None:
            break
        after.append(following)
    return before + [fields] + after, len(before)
