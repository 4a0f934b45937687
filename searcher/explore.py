"""Beyond one ranked page: counts, facets, did-you-mean and similar passages.

An `Explorer` is one of the parts a `Searcher` is made of: it works on the
searcher's open Whoosh handle through the other parts (the query reader, the
filters, the hit maker) and returns plain values like the rest of the library.
"""
from __future__ import annotations

from collections import Counter
from typing import Sequence

from .filters import Filters
from .highlight import MatchTerms
from .hits import Hit
from .query import BadQuery, QueryReader, as_text
from .results import HitMaker, ranked, settled
from .suggest import Lexicon, correct_query, surface_forms

Names = str | Sequence[str] | None

# Passages read to learn how an indexed stem is written in the text.
SURFACE_SAMPLE = 25


class Explorer:
    """Counts, facets, spelling suggestions and similar passages over one open Whoosh searcher."""

    def __init__(self, searcher, queries: QueryReader, filters: Filters, hits: HitMaker, index_dir):
        self._searcher = searcher
        self._queries = queries
        self._filters = filters
        self._hits = hits
        self._index_dir = index_dir
        self._facets_by_docnum: list | None = None  # see facet_table()

    def prepare(self, query: str, author=None, document=None, section=None, after=None, before=None):
        """The parsed query and its filter (False: nothing can match); BadQuery on bad input."""
        where = self._filters.where(author, document, section, after, before)
        return self._queries.parse(query), where

    def count(self, query: str, *, author: Names = None, document: Names = None, section: str | None = None,
              after: str | None = None, before: str | None = None) -> int:
        """How many passages match `query` in all (filters as in `search`)."""
        parsed, where = self.prepare(query, author, document, section, after, before)
        return len(self._everything(parsed, where, query)) if where is not False else 0

    def facets(self, query: str, *, author: Names = None, document: Names = None, section: str | None = None,
               after: str | None = None, before: str | None = None) -> dict:
        """Passage counts over the whole result set (not one page), for narrowing a search.

        Takes the filters of `search` and returns plain values:
        ``{"total": passages, "authors": {name: passages}, "documents": {id: passages},
        "sections": {heading: passages}, "years": {"2021": passages}}``, each
        mapping largest first.  A passage counts once for each of its authors.
        """
        parsed, where = self.prepare(query, author, document, section, after, before)
        docnums = self._everything(parsed, where, query) if where is not False else []
        return self.count_facets(docnums)

    def suggest(self, query: str) -> str | None:
        """`query` respelt with words the index holds ("semiconducter" -> "semiconductor"), or None.

        Only a respelling that finds passages is offered; its words are written
        as the passages write them, never as stems.  Never raises on a bad query.
        """
        if not query or not query.strip():
            return None
        better = correct_query(query, self._lexicon())
        if better is None:
            return None
        try:
            return better if self.count(better) else None
        except BadQuery:
            return None

    def similar(self, passage_id: str, *, limit: int = 10, author: Names = None, document: Names = None,
                after: str | None = None, before: str | None = None, terms: int = 12) -> list[Hit]:
        """Passages like `passage_id`, best first, found by its `terms` most telling words.

        The passage itself and its copies (the same text in other documents)
        are left out.  Each hit's matches mark the telling words it shares.
        PassageNotFound for an unknown id.
        """
        from whoosh import classify
        from whoosh import query as q

        if limit < 1 or terms < 1:
            raise BadQuery("limit and terms must be at least 1")
        source = self._hits.get(passage_id, self._index_dir)
        where = self._filters.where(author, document, None, after, before)
        stored = self._searcher.document(id=passage_id)
        itself = [q.Term("id", passage_id)]
        if stored.get("text_hash"):
            itself.append(q.Term("text_hash", stored["text_hash"]))
        copies = max(1, sum(1 for _ in self._searcher.docs_for_query(q.Or(itself))))
        reader = self._searcher.reader()
        # Words found nowhere but in this passage (and its copies) cannot find others.
        keys = [
            (word, weight)
            for word, weight in self._searcher.key_terms_from_text(
                "text", source.text, numterms=terms * 4, model=classify.Bo1Model, normalize=True)
            if reader.doc_frequency("text", word) > copies
        ][:terms]
        if where is False or not keys:
            return []
        like = q.Or([q.Term("text", word, boost=weight) for word, weight in keys])
        results = ranked(self._searcher, like, where, q.Or(itself), top=limit)[:limit]
        shared = MatchTerms(frozenset(as_text(word) for word, _ in keys))
        stored = [doc.fields() for doc in results]
        also = self._hits.also_in_all(stored, [doc.docnum for doc in results])
        return settled([self._hits.hit(fields, shared, rank=n, score=doc.score, also_in=also[n - 1])
                        for n, (doc, fields) in enumerate(zip(results, stored), 1)])

    # -- the parts ---------------------------------------------------------

    def count_facets(self, docnums) -> dict:
        """Passages per author, document, section and year among `docnums`."""
        table = self._facets_by_docnum
        if table is not None:
            rows = Counter(table[docnum] for docnum in docnums)  # passages share rows: count each once
        else:
            rows = Counter(_facet_row(self._searcher.stored_fields(docnum)) for docnum in docnums)
        counts = {key: Counter() for key in FACET_KEYS}
        for row, times in rows.items():
            for key, values in zip(FACET_KEYS, row):
                for value in values:
                    counts[key][value] += times
        return {"total": sum(rows.values()), **{key: _largest_first(counts[key]) for key in FACET_KEYS}}

    def facet_table(self) -> list:
        """Every passage's facet values, by document number (built on first use, kept while open).

        Reading the stored fields of each match cost about 25 us a passage
        (90 ms for a common query on SciFact); a list lookup costs nothing.
        """
        table = self._facets_by_docnum
        if table is None:
            reader = self._searcher.reader()
            table = [()] * reader.doc_count_all()
            for docnum, fields in reader.iter_docs():
                table[docnum] = _facet_row(fields)
            self._facets_by_docnum = table
        return table

    def _everything(self, parsed, where, query: str) -> list[int]:
        """Document numbers of every passage that matches (copies collapsed, as in `search`)."""
        try:
            return [doc.docnum for doc in ranked(self._searcher, parsed, where)]
        except Exception as exc:
            raise BadQuery(f"cannot run the query {query!r}: {exc}") from None

    def _lexicon(self) -> Lexicon:
        """The text field's vocabulary, for spelling suggestions."""
        from whoosh import query as q

        reader = self._searcher.reader()

        def near(word: str, maxdist: int) -> list[str]:
            return [as_text(t) for t in reader.terms_within("text", word, maxdist, prefix=1)]

        def surfaces(stem: str) -> Counter:
            forms: Counter = Counter()
            for n, docnum in enumerate(self._searcher.docs_for_query(q.Term("text", stem))):
                if n >= SURFACE_SAMPLE:
                    break
                text = self._searcher.stored_fields(docnum).get("text", "")
                forms.update(surface_forms(text, self._queries.tokens(text), stem))
            return forms

        return Lexicon(
            stems=lambda word: [t for t, _, _ in self._queries.tokens(word)],
            frequency=lambda stem: reader.doc_frequency("text", stem),
            near=near,
            surfaces=surfaces,
        )


FACET_KEYS = ("authors", "documents", "sections", "years")


def _facet_row(fields: dict) -> tuple:
    """A passage's values for each of FACET_KEYS (a passage counts once for each of its authors)."""
    date = fields.get("date") or ""
    year = date[:4] if date[:4].isdigit() else ""
    return (tuple(sorted(set(fields.get("authors") or ()))), (fields.get("document", ""),),
            (fields.get("section") or "",), (year,))


def _largest_first(counts: Counter) -> dict:
    return {k: n for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if k}
