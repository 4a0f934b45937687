"""Beyond one ranked page: counts, facets, did-you-mean and similar passages.

`Exploring` is a part of `Searcher` (a mixin): it uses the searcher's open
Whoosh handle and its helpers (`_prepare`, `_where`, `_tokens`, `_hit`,
`get`) and returns plain values like the rest of the library.
"""
from __future__ import annotations

from collections import Counter
from typing import Sequence

from corpus.errors import BadQuery

from .highlight import MatchTerms
from .hits import Hit
from .suggest import Lexicon, correct_query, surface_forms

Names = str | Sequence[str] | None

# Passages read to learn how an indexed stem is written in the text.
SURFACE_SAMPLE = 25


class Exploring:
    """Counts, facets, spelling suggestions and similar passages for a `Searcher`."""

    def count(self, query: str, *, author: Names = None, document: Names = None, section: str | None = None,
              after: str | None = None, before: str | None = None) -> int:
        """How many passages match `query` in all (filters as in `search`)."""
        parsed, where = self._prepare(query, author, document, section, after, before)
        return len(self._everything(parsed, where, query)) if where is not False else 0

    def facets(self, query: str, *, author: Names = None, document: Names = None, section: str | None = None,
               after: str | None = None, before: str | None = None) -> dict:
        """Passage counts over the whole result set (not one page), for narrowing a search.

        Takes the filters of `search` and returns plain values:
        ``{"total": passages, "authors": {name: passages}, "documents": {id: passages}}``,
        each mapping largest first.  A passage counts once for each of its authors.
        """
        parsed, where = self._prepare(query, author, document, section, after, before)
        authors: Counter = Counter()
        documents: Counter = Counter()
        total = 0
        if where is not False:
            for docnum in self._everything(parsed, where, query):
                fields = self._searcher.stored_fields(docnum)
                total += 1
                documents[fields.get("document", "")] += 1
                authors.update(set(fields.get("authors") or ()))
        return {"total": total, "authors": _largest_first(authors), "documents": _largest_first(documents)}

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
        source = self.get(passage_id)
        passage_id = source.id  # (given as a prefix, perhaps)
        where = self._where(author, document, None, after, before)
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
        shared = MatchTerms(frozenset(_text(word) for word, _ in keys))
        stored = [doc.fields() for doc in results]
        also = self._also_in_all(stored)
        return [self._hit(fields, shared, rank=n, score=doc.score, also_in=also[n - 1])
                for n, (doc, fields) in enumerate(zip(results, stored), 1)]

    # -- the parts ---------------------------------------------------------

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
            return [_text(t) for t in reader.terms_within("text", word, maxdist, prefix=1)]

        def surfaces(stem: str) -> Counter:
            forms: Counter = Counter()
            for n, docnum in enumerate(self._searcher.docs_for_query(q.Term("text", stem))):
                if n >= SURFACE_SAMPLE:
                    break
                text = self._searcher.stored_fields(docnum).get("text", "")
                forms.update(surface_forms(text, self._tokens(text), stem))
            return forms

        return Lexicon(
            stems=lambda word: [t for t, _, _ in self._tokens(word)],
            frequency=lambda stem: reader.doc_frequency("text", stem),
            near=near,
            surfaces=surfaces,
        )


def ranked(searcher, parsed, where=None, mask=None, top: int | None = None):
    """Whoosh hits for `parsed`, best first, one per text (copies collapsed); all of them if `top` is None.

    Kept to passages matching `where` and not `mask`, scored by `parsed` alone.
    Two Whoosh pitfalls are avoided: its filter=/mask= bypass collapse=
    (filtered results would show duplicate passages), so the constraints go
    into the query; and its top-N collector, replacing matchers as its
    minimum score rises, drops good hits of AndNot/Require queries
    (`china NOT talent`), so matchers are never replaced.
    """
    from whoosh import collectors
    from whoosh import query as q

    if where:
        parsed = q.Require(parsed, where)
    if mask:
        parsed = q.AndNot(parsed, mask)
    if top is None:
        best = collectors.UnlimitedCollector()
    else:
        best = collectors.TopCollector(max(1, top), replace=0)
    collector = collectors.CollapseCollector(best, "text_hash", limit=1)
    searcher.search_with_collector(parsed, collector)
    return collector.results()


def _largest_first(counts: Counter) -> dict:
    return {k: n for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if k}


def _text(name) -> str:
    return name.decode("utf-8") if isinstance(name, bytes) else name
