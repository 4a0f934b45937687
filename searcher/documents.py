"""What the index knows about its documents, as plain values: the documents list, outlines, context.

Built from stored fields (the per-document record of indexer.document_meta
and the passages' own fields); no Whoosh objects here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from corpus.model import Publication

from .hits import Hit


@dataclass(frozen=True)
class OutlineEntry:
    """A run of passages under one heading: the article's title, the section, where it starts."""

    title: str
    section: str
    first_passage: str
    passages: int

    def as_dict(self) -> dict:
        return {"title": self.title, "section": self.section, "first_passage": self.first_passage,
                "passages": self.passages}


@dataclass(frozen=True)
class DocumentInfo:
    """One document of the index: its bibliographic facts, where it came from, how many passages.

    `source` is the file it was read from ("bundled:NAME" for the bundled
    corpus); `source_type` is "bundled", "file" or "jsonl" (a record of a JSON
    Lines file).  `outline` is filled by `Searcher.document(id)` only.
    """

    id: str
    title: str
    authors: tuple[str, ...] = ()
    date: str = ""
    publisher: str = ""
    url: str = ""
    source: str = ""
    source_type: str = ""
    passages: int = 0
    publication: Publication = field(default_factory=Publication)
    articles: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (article title, byline) in an edited volume
    outline: tuple[OutlineEntry, ...] = ()
    description: str = ""  # what the document says it is about (a Markdown front matter's description)

    def as_dict(self) -> dict:
        """The `documents --json` object (with `outline` when it is known)."""
        out = {
            "id": self.id,
            "title": self.title,
            "authors": list(self.authors),
            "date": self.date,
            "publisher": self.publisher,
            "url": self.url,
            "source": self.source,
            "source_type": self.source_type,
            "passages": self.passages,
        }
        if self.publication.type:
            out["type"] = self.publication.type
        if self.publication.editors:
            out["editors"] = list(self.publication.editors)
        if self.publication.container_title:
            out["container_title"] = self.publication.container_title
        if self.description:
            out["description"] = self.description
        if self.outline:
            out["outline"] = [entry.as_dict() for entry in self.outline]
        return out

    def byline(self, article_title: str) -> tuple[str, ...]:
        return dict(self.articles).get(article_title, ())


@dataclass(frozen=True)
class Context:
    """A passage with the passages around it, in reading order; `passages[focus]` is the one asked for."""

    passages: tuple[Hit, ...]
    focus: int

    @property
    def passage(self) -> Hit:
        return self.passages[self.focus]

    def as_dicts(self) -> list[dict]:
        return [dict(hit.as_dict(), focus=(i == self.focus)) for i, hit in enumerate(self.passages)]


def document_info(doc_id: str, meta: dict | None, passages: int, fallback: dict | None = None) -> DocumentInfo:
    """A DocumentInfo from a stored record (`meta`), or from a passage's fields for an index without one."""
    meta = meta or {}
    fallback = fallback or {}
    pub = meta.get("publication") or {}
    publication = Publication(
        type=str(pub.get("type", "")),
        container_title=str(pub.get("container_title", "")),
        editors=tuple(pub.get("editors", ())),
        volume=str(pub.get("volume", "")),
        issue=str(pub.get("issue", "")),
        series=str(pub.get("series", "")),
        number=str(pub.get("number", "")),
        season=str(pub.get("season", "")),
    )
    return DocumentInfo(
        id=doc_id,
        title=meta.get("title") or fallback.get("title", ""),
        authors=tuple(meta.get("authors") or fallback.get("authors") or ()),
        date=meta.get("date") or fallback.get("date", ""),
        publisher=meta.get("publisher", ""),
        url=meta.get("url", ""),
        source=meta.get("source") or fallback.get("path", ""),
        source_type=meta.get("source_type", ""),
        passages=passages,
        publication=publication,
        articles=tuple((title, tuple(byline)) for title, byline in (meta.get("articles") or {}).items()),
        description=str(meta.get("description") or ""),
    )


def outline_of(passages: list[dict]) -> tuple[OutlineEntry, ...]:
    """Runs of passages (stored fields, in reading order) under the same article title and section."""
    entries: list[OutlineEntry] = []
    for fields in passages:
        title, section = fields.get("title", ""), fields.get("section", "")
        if entries and (entries[-1].title, entries[-1].section) == (title, section):
            last = entries[-1]
            entries[-1] = OutlineEntry(title, section, last.first_passage, last.passages + 1)
        else:
            entries.append(OutlineEntry(title, section, fields["id"], 1))
    return tuple(entries)
