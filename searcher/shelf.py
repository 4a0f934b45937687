"""The documents of an open index: the list, one document's outline, a passage's context, citations, counts."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from corpus.citation import Citation, check_style
from indexer import layout

from . import reading
from .documents import Context, DocumentInfo
from .highlight import MatchTerms
from .hits import Stats
from .ids import is_passage_id
from .query import BadQuery, as_text
from .results import HitMaker, PassageNotFound, is_text


class Shelf:
    """The Searcher's part that answers about documents rather than queries (see `searcher.reading`)."""

    def __init__(self, searcher, hits: HitMaker, index_dir: Path, generation: Path):
        self._searcher, self._hits, self._index_dir, self._generation = searcher, hits, index_dir, generation

    def passage_id(self, given: str) -> str:
        """`given` with its document part completed from a unique prefix (an exact id as it is)."""
        if not is_text(given):
            raise PassageNotFound(f"no passage {given!r} in {self._index_dir}; ids look like 'document:12'")
        if self._searcher.document(id=given) is None and is_passage_id(given):
            return reading.passage_fields(self._searcher, given)["id"]  # (or why there is none)
        return given

    def get_or_none(self, passage_id: str):
        if not is_text(passage_id):
            return None
        fields = self._searcher.document(id=passage_id)
        return None if fields is None else self._hits.hit(fields, MatchTerms(frozenset()))

    def documents(self, author: str | Sequence[str] | None, after: str | None, before: str | None) -> list[DocumentInfo]:
        authors = [author] if isinstance(author, str) else list(author or [])
        return reading.all_documents(self._searcher, [a for a in authors if a and a.strip()], after, before)

    def document(self, document_id: str, outline: bool) -> DocumentInfo:
        return reading.info(self._searcher, reading.resolve(self._searcher, document_id), with_outline=outline)

    def context(self, passage_id: str, n: int) -> Context:
        if not isinstance(n, int) or n < 0:
            raise BadQuery("the context must be a whole number of passages, 0 or more")
        passages, focus = reading.neighbours(self._searcher, passage_id, n)
        none = MatchTerms(frozenset())
        return Context(tuple(self._hits.hit(fields, none) for fields in passages), focus)

    def cite(self, id: str, style: str) -> Citation:
        from .citing import cite

        style = check_style(style)
        if is_passage_id(id) or self._searcher.document(id=id) is not None:
            fields = reading.passage_fields(self._searcher, id)
            doc = reading.info(self._searcher, fields["document"])
            return cite(doc, fields, style)
        doc = reading.info(self._searcher, reading.resolve(self._searcher, id))
        return cite(doc, None, style)

    def citations(self, stored: list[dict], style: str | None) -> list[str]:
        """The bibliography entry citing each passage (stored fields); one rendering per article ("" without a style)."""
        from .citing import cite

        if style is None:
            return [""] * len(stored)

        docs: dict[str, DocumentInfo] = {}
        made: dict[tuple, str] = {}
        out = []
        for fields in stored:
            doc_id = fields.get("document", "")
            if doc_id not in docs:
                docs[doc_id] = reading.info(self._searcher, doc_id)
            key = (doc_id, fields.get("title"), fields.get("kind"), tuple(fields.get("authors") or ()),
                   fields.get("page"))
            if key not in made:
                made[key] = cite(docs[doc_id], fields, style, short=False).text
            out.append(made[key])
        return out

    def stats(self) -> Stats:
        from whoosh import query as q

        reader = self._searcher.reader()
        authors = {}
        for name in reader.field_terms("author_name"):
            count = sum(1 for _ in self._searcher.docs_for_query(q.Term("author_name", name)))
            if count:
                authors[as_text(name)] = count
        documents = {
            doc for doc in reader.field_terms("document")
            if any(True for _ in self._searcher.docs_for_query(q.Term("document", doc)))
        }
        return Stats(
            documents=len(documents),
            passages=self._searcher.doc_count(),
            authors=dict(sorted(authors.items(), key=lambda kv: (-kv[1], kv[0]))),
            index=str(self._index_dir),
            size_bytes=layout.folder_size(self._generation),
        )
