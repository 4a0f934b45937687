"""Beyond one ranked page: counts, facets, did-you-mean and similar passages.

An `Explorer` is one of the parts a `Searcher` is made of: it works on the
searcher's open Whoosh handle through the other parts (the query reader, the
filters, the hit maker) and returns plain values like the rest of the library.
"""
from __future__ import annotations

from collections import Counter
from itertools import chain
from operator import itemgetter
from typing import Sequence

from indexer.whoosh_internals import DAMAGED_DATA

from .filters import Filters
from .highlight import MatchTerms
from .hits import Hit, Results
from .query import BadQuery, QueryFailed, QueryReader, as_text
from .results import HitMaker, distinct, ranked, ranked_and_every, settled
from .shortfall import Shortfall, filters_as_typed
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
        self._facets_by_docnum: FacetTable | None = None  # see facet_table()

    def prepare(self, query: str, author=None, document=None, section=None, after=None, before=None,
                exact: bool = False):
        """The parsed query and its filter (False: nothing can match); BadQuery on bad input."""
        where = self._filters.where(author, document, section, after, before)
        reading = self._queries.read(query, exact)
        return reading.parsed, _both(where, self._filters.with_documents_resolved(reading.restriction))

    def count(self, query: str, *, author: Names = None, document: Names = None, section: str | None = None,
              after: str | None = None, before: str | None = None, exact: bool = False) -> int:
        """How many passages match `query` in all (filters as in `search`)."""
        parsed, where = self.prepare(query, author, document, section, after, before, exact)
        return len(self._everything(parsed, where, query)) if where is not False else 0

    def facets(self, query: str, *, author: Names = None, document: Names = None, section: str | None = None,
               after: str | None = None, before: str | None = None, exact: bool = False) -> dict:
        """Passage counts over the whole result set (not one page), for narrowing a search.

        Takes the filters of `search` and returns plain values:
        ``{"total": passages, "authors": {name: passages}, "documents": {id: passages},
        "sections": {heading: passages}, "years": {"2021": passages}}``, each
        mapping largest first.  A passage counts once for each of its authors.
        """
        parsed, where = self.prepare(query, author, document, section, after, before, exact)
        docnums = self._everything(parsed, where, query) if where is not False else []
        return self.count_facets(docnums)

    def suggest(self, query: str) -> str | None:
        """`query` respelt with words the index holds ("semiconducter" -> "semiconductor"), or None.

        Only a respelling is offered whose every word the index holds and that
        finds more passages than the query as typed; its words are written as
        the passages write them, never as stems.  Never raises on a bad query.
        """
        if not query or not query.strip():
            return None
        better = correct_query(query, self._lexicon())
        if better is None or not self._holds_every_word(better):
            return None
        try:
            found = self.count(better)
        except BadQuery:
            return None
        try:
            before = self.count(query)
        except BadQuery:
            before = 0
        return better if found > before else None

    def _holds_every_word(self, query: str) -> bool:
        """Whether every word of `query` searched in the text is in the index (stop words aside)."""
        from indexer.schema import SEARCH_FIELDS

        from .querysyntax import plain_words

        reader = self._searcher.reader()
        for word in plain_words(query):
            stems = [t for t, _, _ in self._queries.tokens(word)]
            if any(not any(reader.doc_frequency(f, s) for f in SEARCH_FIELDS) for s in stems):
                return False
        return True

    def why_nothing(self, query: str, *, limit: int = 10, page: int = 1, author: Names = None,
                    document: Names = None, section: str | None = None, after: str | None = None,
                    before: str | None = None, exact: bool = False) -> Shortfall:
        """What explains an empty page of `search` results with these arguments (see `searcher.shortfall`)."""
        reading = self._queries.read(query, exact)
        options = self._filters.where(author, document, section, after, before)
        where = _both(options, self._filters.with_documents_resolved(reading.restriction))
        found = [] if where is False else distinct(ranked(self._searcher, reading.parsed, where))
        matches = len(found)
        shortfall = dict(matches=matches, pages=-(-matches // max(limit, 1)), page=page)
        if matches:
            return Shortfall(**shortfall)
        typed = filters_as_typed(author, document, section, after, before, reading.restrictions)
        unfiltered = None
        if typed:
            unfiltered = len(ranked(self._searcher, reading.parsed))
        return Shortfall(**shortfall, missing=tuple(self._missing_words(reading)), unfiltered=unfiltered,
                         filters=tuple(typed), empty_filters=tuple(self._empty_filters(
                             author, document, section, after, before, reading.restrictions)))

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

    def _missing_words(self, reading) -> list[str]:
        """The query's words (as typed) that no passage's text, title or section holds."""
        from indexer.schema import SEARCH_FIELDS

        from .querysyntax import plain_words

        reader = self._searcher.reader()
        missing = []
        for word in plain_words(reading.text):
            stems = [t for t, _, _ in self._queries.tokens(word)]
            if stems and not any(reader.doc_frequency(f, s) for f in SEARCH_FIELDS for s in stems):
                if word not in missing:
                    missing.append(word)
        return missing

    def _empty_filters(self, author, document, section, after, before, restrictions) -> list[str]:
        """The filters (as typed) that no passage passes, each taken alone."""
        empty = []
        options = [(f"--author {a}", ([a], None, None, None, None)) for a in _names(author)]
        options += [(f"--document {d}", (None, [d], None, None, None)) for d in _names(document)]
        if section and section.strip():
            options.append((f"--section {section}", (None, None, section, None, None)))
        if after or before:
            dates = " ".join(f"--{k} {v}" for k, v in (("after", after), ("before", before)) if v)
            options.append((dates, (None, None, None, after, before)))
        for typed, given in options:
            where = self._filters.where(*given)
            if where is False or not any(True for _ in self._searcher.docs_for_query(where)):
                empty.append(typed)
        for typed in restrictions:
            try:
                read = self._queries.read(typed)
            except BadQuery:  # (a field term the repaired query kept as loose words: `title:(`)
                continue
            restriction = self._filters.with_documents_resolved(read.restriction)
            if restriction is not None and not any(True for _ in self._searcher.docs_for_query(restriction)):
                empty.append(typed)
        return empty

    def results(self, query: str, limit: int, page: int, author: Names, document: Names, section: str | None,
                after: str | None, before: str | None, exact: bool = False) -> Results:
        """`Searcher.results`: a page of hits and the facets of every match from one ranking."""
        parsed, filters = self.prepare(query, author, document, section, after, before, exact)
        if filters is False:
            return Results(hits=(), total=0, facets=self.count_facets([]))
        try:
            first = (page - 1) * limit
            top, docnums = ranked_and_every(self._searcher, parsed, filters, 2 * (first + limit) + 10)
            page_hits = distinct(top, first + limit)[first:first + limit]
        except DAMAGED_DATA:
            raise  # (the Searcher's guard: a damaged index, not a bad query)
        except Exception as exc:
            raise QueryFailed(f"cannot run the query {query!r}: {exc}") from None
        self.facet_table()
        terms = self._queries.match_terms(parsed)
        stored = [doc.fields() for doc in page_hits]
        also = self._hits.also_in_all(stored, [doc.docnum for doc in page_hits])
        hits = settled(tuple(self._hits.hit(fields, terms, rank=first + n + 1, score=doc.score, also_in=also[n])
                             for n, (doc, fields) in enumerate(zip(page_hits, stored))))
        facets = self.count_facets(docnums)
        return Results(hits=hits, total=facets["total"], facets=facets)


    def count_facets(self, docnums) -> dict:
        """Passages per author, document, section and year among `docnums`."""
        table = self._facets_by_docnum
        if table is not None:
            return table.count(docnums)
        rows = Counter(_facet_row(self._searcher.stored_fields(docnum)) for docnum in docnums)
        counts = {key: Counter() for key in FACET_KEYS}
        for row, times in rows.items():
            for key, values in zip(FACET_KEYS, row):
                for value in values:
                    counts[key][value] += times
        return {"total": sum(rows.values()), **{key: _largest_first(counts[key]) for key in FACET_KEYS}}

    def facet_table(self) -> "FacetTable":
        """Every passage's facet values, by document number (built on first use, kept while open).

        Reading the stored fields of each match cost about 25 us a passage
        (90 ms for a common query on SciFact); a list lookup costs nothing.
        """
        table = self._facets_by_docnum
        if table is None:
            reader = self._searcher.reader()
            table = self._facets_by_docnum = FacetTable(reader.doc_count_all(), reader.iter_docs())
        return table

    def _everything(self, parsed, where, query: str) -> list[int]:
        """Document numbers of every passage that matches (copies collapsed, as in `search`)."""
        try:
            return ranked_and_every(self._searcher, parsed, where, 1)[1]
        except DAMAGED_DATA:
            raise  # (the Searcher's guard: a damaged index, not a bad query)
        except Exception as exc:
            raise QueryFailed(f"cannot run the query {query!r}: {exc}") from None

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


def _names(value: Names) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [v for v in value if v and v.strip()]


def _both(where, restriction):
    """A filter that passes what both pass (None: no filter; False: nothing passes)."""
    if where is False or restriction is None:
        return where
    if where is None:
        return restriction
    from whoosh import query as q

    return q.And([where, restriction])

FACET_KEYS = ("authors", "documents", "sections", "years")


def _facet_row(fields: dict) -> tuple:
    """A passage's values for each of FACET_KEYS (a passage counts once for each of its authors)."""
    date = fields.get("date") or ""
    year = date[:4] if date[:4].isdigit() else ""
    return (tuple(sorted(set(fields.get("authors") or ()))), (fields.get("document", ""),),
            (fields.get("section") or "",), (year,))


def _largest_first(counts: Counter) -> dict:
    # by name, then (a stable sort) by count, largest first: two sorts in C, no key function per item
    return {k: n for k, n in sorted(sorted(counts.items()), key=itemgetter(1), reverse=True) if k}


class FacetTable:
    """Each passage's facet values as small numbers, one column per facet: a search's facets are then
    counted by C loops (Counter over a map) instead of a Python loop per match (10 -> 1 ms for the
    2,800 matches of a median SciFact query)."""

    def __init__(self, size: int, docs):
        self.names: list[list[str]] = [[""] for _ in FACET_KEYS]  # number -> value, per facet; 0 is ""
        numbers: list[dict[str, int]] = [{"": 0} for _ in FACET_KEYS]
        self.authors: list[tuple[int, ...]] = [()] * size  # (several per passage)
        self.single: list[list[int]] = [[0] * size for _ in FACET_KEYS[1:]]

        def number(k: int, value: str) -> int:
            found = numbers[k].get(value)
            if found is None:
                found = numbers[k][value] = len(self.names[k])
                self.names[k].append(value)
            return found

        for docnum, fields in docs:
            row = _facet_row(fields)
            self.authors[docnum] = tuple(number(0, name) for name in row[0])
            for k, (value,) in enumerate(row[1:], start=1):
                self.single[k - 1][docnum] = number(k, value)

    def count(self, docnums) -> dict:
        docnums = list(docnums)
        counted = [Counter(chain.from_iterable(map(self.authors.__getitem__, docnums)))]
        counted += [Counter(map(column.__getitem__, docnums)) for column in self.single]
        facets = {"total": len(docnums)}
        for key, names, counts in zip(FACET_KEYS, self.names, counted):
            facets[key] = _largest_first(Counter({names[n]: c for n, c in counts.items()}))
        return facets
