"""The record of a document kept in the index: what `documents`, `show` and `cite` tell about it.

Stored once per document, on its first passage (the stored field
`document_meta`, a JSON-able dict), so that it is added, replaced and
deleted with the document's passages by the same Whoosh commits.
"""
from __future__ import annotations

from dataclasses import asdict

from corpus.model import ANSWER, BIO, Document

from .manifest import BUNDLED

# Where a document came from.
BUNDLED_SOURCE, FILE_SOURCE, RECORD_SOURCE = "bundled", "file", "jsonl"


def source_type(key: str, fmt: str) -> str:
    """bundled (the corpus shipped with the package), file, or jsonl (a record of a JSON Lines file)."""
    if key.startswith(BUNDLED):
        return BUNDLED_SOURCE
    return RECORD_SOURCE if fmt == "jsonl" else FILE_SOURCE


def article_bylines(doc: Document) -> dict[str, list[str]]:
    """For a document of several articles (an edited volume): each article's byline.

    The byline is whose words the article's first block of prose is; bios and
    interview answers name someone else (the person described, the speaker).
    """
    titles = {block.title for block in doc.blocks if block.title}
    if len(titles) < 2:
        return {}
    bylines: dict[str, list[str]] = {}
    for block in doc.blocks:
        if block.title and block.title not in bylines and block.kind not in (BIO, ANSWER):
            bylines[block.title] = list(block.authors)
    return bylines


def document_meta(doc: Document, key: str, fmt: str) -> dict:
    """The stored record of `doc`, read from the file recorded as `key` in format `fmt`."""
    publication = {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(doc.publication).items() if v}
    meta = {
        "title": doc.title,
        "authors": list(doc.authors),
        "date": doc.date,
        "publisher": doc.publisher,
        "url": doc.url,
        "description": doc.description,
        "source": key,
        "source_type": source_type(key, fmt),
        "publication": publication,
        "articles": article_bylines(doc),
    }
    return {k: v for k, v in meta.items() if v not in ("", [], {}, None) or k in ("title", "source")}
