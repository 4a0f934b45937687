"""Whoosh results in, plain `Hit`s out: running a query with copies collapsed, highlights, `also_in`.

Ranking yields Whoosh hits (docnums and scores); stored fields are read only
for the hits a page needs, and a hit's highlights (`matches`, the costliest
part: the text analysed again) are worked out when first read.
"""
from __future__ import annotations

from contextlib import contextmanager
from functools import partial
from typing import Callable, Iterable

from corpus.errors import CorpusSearchError
from indexer import layout

from . import bulk_ranking
from .duplicates import collapse, same_passage
from .highlight import MatchTerms, find_matches
from .hits import Hit, Later, stored_hit

Tokens = Callable[[str], Iterable[tuple[str, int, int]]]


class PassageNotFound(CorpusSearchError):
    """No passage with the given id."""


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

    if mask is None and bulk_ranking.ENABLED:
        # every match (counts, facets): the top "all of them", ten times quicker than Whoosh's matchers
        everything = max(1, searcher.doc_count_all()) if top is None else top
        at_once = bulk_ranking.ranked_at_once(searcher, parsed, where or None, everything)
        if at_once is not None:
            return at_once
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


def one_page(searcher, parsed, where, first: int, limit: int, sharing: set[int] | None = None) -> list:
    """The Whoosh hits of the page starting at rank `first`: ranked a little past the page
    (near-duplicates folded away leave room), then folded by `distinct`."""
    window = ranked(searcher, parsed, where, top=2 * (first + limit) + 10)
    return distinct(window, first + limit, sharing)[first:first + limit]


def ranked_and_every(searcher, parsed, where=None, top: int = 10) -> tuple[list, list[int]]:
    """`ranked(..., top=top)` and the docnums of every passage that matches (copies folded), from one
    pass when bulk_ranking handles the query, else from Whoosh's ranking of every match."""
    if bulk_ranking.ENABLED:
        found = bulk_ranking.ranked_and_every_at_once(searcher, parsed, where or None, max(1, top))
        if found is not None:
            return found
    every = ranked(searcher, parsed, where)
    docnums = [docnum for _, docnum in every.top_n] if hasattr(every, "top_n") else [h.docnum for h in every]
    return [every[n] for n in range(min(len(every), top))], docnums


def distinct(results, wanted: int | None = None, sharing: set[int] | None = None) -> list:
    """Whoosh hits with the same passage from another document folded into the better one.

    With `wanted`, the first `wanted` of them: stored fields are read no further down the ranking.
    With `sharing` (the docnums of the passages holding a sentence key another passage holds,
    `searcher.tables`), the stored fields of the others are not read at all: they fold with none.
    """
    hits = list(results)
    if sharing is not None and not any(h.docnum in sharing for h in hits):
        return hits[:wanted] if wanted is not None else hits  # no passage of these can fold
    facts = ((h["document"], _sentence_keys(h.fields())) if sharing is None or h.docnum in sharing
             else ("", frozenset()) for h in hits)
    kept, _ = collapse(facts, wanted)
    return [hits[i] for i in kept]


class HitMaker:
    """Turns stored passages of one open Whoosh searcher into `Hit`s (matches found with `tokens`)."""

    def __init__(self, searcher, tokens: Tokens, index_dir=None):
        import weakref

        self._searcher = searcher
        self._tokens = tokens
        self._index_dir = index_dir  # (named by the damaged-index error of what hits read later)
        self._pending: weakref.WeakSet = weakref.WeakSet()  # AlsoIn of hits still held somewhere

    def page(self, docs: list, terms: MatchTerms, first: int, snippets: bool, cited: list[str],
             ids: dict[int, str] | None = None) -> list[Hit]:
        """The `Hit`s of a page of ranked Whoosh hits (`docs`: docnum, score, cached `fields()`), each
        field read from the stored record when first used, and its "also in" worked out then (`AlsoIn`).

        A page of 1,000 hits read 1,000 stored records even when only ids and
        scores were wanted; ids come from `ids` (a docnum -> id table) when
        given.  Records still unread when the Searcher closes are read then
        (`settle`), so a hit reads the same after `close()`.
        """
        page = Page(docs, self._index_dir)
        self._pending.add(page)
        also = None
        if snippets:
            also = AlsoIn(self, page.fields, [doc.docnum for doc in docs])
            self._pending.add(also)
        marks = partial(_marks, terms, self._tokens) if terms.words or terms.phrases else None
        hits = []
        for n, doc in enumerate(docs):
            hits.append(stored_hit(
                page, n, id=ids.get(doc.docnum) if ids is not None else None,
                rank=first + n + 1, score=round(float(doc.score), 4) if doc.score is not None else None,
                marks=marks, also=also, citation=cited[n]))
        return hits

    def settle(self) -> None:
        """Work out now every deferred "also in" of hits still held (before the searcher closes)."""
        for group in list(self._pending):
            group.settle()
        self._pending.clear()

    def get(self, passage_id: str, index_dir) -> Hit:
        """One passage by its id; PassageNotFound if the index has none."""
        if not isinstance(passage_id, str) or not is_text(passage_id):
            raise PassageNotFound(f"no passage {passage_id!r} in {index_dir}; ids look like 'document:12'")
        fields = self._searcher.document(id=passage_id)
        if fields is None:
            raise PassageNotFound(f"no passage {passage_id!r} in {index_dir}; ids look like 'document:12'")
        return self.hit(fields, MatchTerms(frozenset()))

    def hit(self, fields: dict, terms: MatchTerms, rank: int | None = None,
            score: float | None = None, also_in: tuple[str, ...] | None = None, citation: str = "") -> Hit:
        """A passage's stored fields as a Hit, with `terms` marked in its text (when `matches` is first read)."""
        text = fields.get("text", "")
        if terms.words or terms.phrases:
            tokens = self._tokens  # the analyser alone: safe to run after the searcher is closed
            matches = Later(lambda: tuple(find_matches(text, terms, tokens)))
        else:
            matches = ()
        return Hit(
            id=fields["id"],
            document=fields.get("document", ""),
            title=fields.get("title", ""),
            authors=tuple(fields.get("authors") or ()),
            section=fields.get("section", ""),
            text=text,
            matches=matches,
            rank=rank,
            score=round(float(score), 4) if score is not None else None,
            kind=fields.get("kind", "body"),
            date=fields.get("date", ""),
            page=fields.get("page") or "",
            also_in=self.also_in_all([fields])[0] if also_in is None else also_in,
            sentences=tuple(tuple(s) for s in fields.get("sentences") or ()),
            citation=citation,
        )

    def also_in_all(self, passages: list[dict], docnums: list[int] | None = None) -> list[tuple[str, ...]]:
        """For each passage (stored fields), the other documents holding it: same text, or most of its sentences.

        Only the sentence keys and text fingerprints more than one passage
        holds are looked up, by their posting lists; a candidate's document
        comes from the document column, and its stored fields are read only
        when its sentences must be compared (never for a copy of the same
        text; those of the page, `docnums` when given, not at all).
        """
        reader = self._searcher.reader()
        wanted = [(p.get("document"), p.get("text_hash"), _sentence_keys(p)) for p in passages]
        by_key: dict[str, list[int]] = {}
        by_hash: dict[str, list[int]] = {}
        for n, (_, fingerprint, keys) in enumerate(wanted):
            for key in keys:
                by_key.setdefault(key, []).append(n)
            if fingerprint:
                by_hash.setdefault(fingerprint, []).append(n)
        # a key or fingerprint held by one passage only is held by this passage alone
        keys = [k for k in sorted(by_key) if reader.doc_frequency("sentence_keys", k) > 1]
        hashes = [h for h in sorted(by_hash) if reader.doc_frequency("text_hash", h) > 1]
        found: list[set[str]] = [set() for _ in passages]
        if not keys and not hashes:
            return [()] * len(passages)
        documents = reader.column_reader("document")
        # the same text: named from the document column, no stored fields read
        for fingerprint in hashes:
            for docnum in reader.postings("text_hash", fingerprint).all_ids():
                name = documents[docnum]
                if name:
                    for n in by_hash[fingerprint]:
                        if name != wanted[n][0]:
                            found[n].add(name)
        # most of its sentences: the stored sentence keys of a candidate read only when its document
        # is not already known to hold the passage
        near: dict[int, set[int]] = {}
        for key in keys:
            for docnum in reader.postings("sentence_keys", key).all_ids():
                near.setdefault(docnum, set()).update(by_key[key])
        known = dict(zip(docnums, passages)) if docnums is not None else {}
        for docnum, ns in near.items():
            name = documents[docnum]
            if not name:
                continue
            todo = [n for n in sorted(ns) if name != wanted[n][0] and name not in found[n]]
            if not todo:
                continue
            other = known.get(docnum)
            if other is None:
                other = self._searcher.stored_fields(docnum)
            other_hash, other_keys = other.get("text_hash"), _sentence_keys(other)
            for n in todo:
                _, fingerprint, keys_n = wanted[n]
                if (fingerprint and other_hash == fingerprint) or same_passage(keys_n, other_keys):
                    found[n].add(name)
        return [tuple(sorted(names)) for names in found]


class AlsoIn:
    """The "also in" of a page of hits, worked out when a hit's is first read: for that hit and the next
    ALSO_IN_BATCH - 1 (one look-up for the hits a reader is shown), never for hits nobody reads.

    A page of 1,000 hits spent two thirds of its time on "also in" when it was
    worked out for every hit (benchmarks/RESULTS.md).  What is still to do is
    done when the Searcher closes (`HitMaker.settle`), so hits read later
    have the same values; the web page's pages are settled before the
    Searcher is lent again (`settled`).
    """

    def __init__(self, maker: HitMaker, fields_of: Callable[[int], dict], docnums: list[int]):
        self._maker = maker
        self._fields_of = fields_of
        self._docnums = docnums
        self._found: list = [None] * len(docnums)

    def of(self, n: int) -> tuple[str, ...]:
        if self._found[n] is None:
            self._work_out([i for i in range(n, min(n + ALSO_IN_BATCH, len(self._found))) if self._found[i] is None])
        return self._found[n]

    def settle(self) -> None:
        self._work_out([i for i, value in enumerate(self._found) if value is None])

    def _work_out(self, which: list[int]) -> None:
        if not which:
            return
        with read_later(self._maker._index_dir):
            values = self._maker.also_in_all([self._fields_of(i) for i in which], [self._docnums[i] for i in which])
        for i, value in zip(which, values):
            self._found[i] = value
        if all(value is not None for value in self._found):
            self._fields_of = self._docnums = None  # nothing more to read


# Hits whose "also in" is worked out together when one of them is first read.
ALSO_IN_BATCH = 10


class Page:
    """The ranked Whoosh hits of one page, whose stored records are read when first asked for."""

    def __init__(self, docs: list, index_dir=None):
        self._docs = docs
        self._index_dir = index_dir

    def fields(self, n: int) -> dict:
        with read_later(self._index_dir):
            return self._docs[n].fields()  # (Whoosh's hits and bulk_ranking's keep the record once read)

    def settle(self) -> None:
        with read_later(self._index_dir):
            for doc in self._docs:
                doc.fields()


@contextmanager
def read_later(index_dir):
    """A hit's field read after its Searcher method returned (outside its guard): index data that
    cannot be decoded is the damaged-index error there too."""
    from indexer.whoosh_internals import DAMAGED_DATA  # (here: `import searcher` loads no Whoosh)

    try:
        yield
    except DAMAGED_DATA as exc:
        raise layout.damaged(index_dir, f"its data cannot be read: {exc}") from None


def _marks(terms: MatchTerms, tokens: Tokens, text: str) -> tuple:
    return tuple(find_matches(text, terms, tokens))


def settled(hits):
    """`hits` with their deferred highlights worked out now: for pages handed to code that may read them
    in another thread while this Searcher serves the next request (the web page's pool)."""
    for hit in hits:
        hit.matches  # noqa: B018 (reading it computes and keeps it)
        hit.also_in  # noqa: B018
    return hits


def _sentence_keys(fields: dict) -> frozenset[str]:
    return frozenset((fields.get("sentence_keys") or "").split())


def is_text(value: str) -> bool:
    """Whether `value` is encodable text (not holding lone surrogates, as undecodable bytes in argv become)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
