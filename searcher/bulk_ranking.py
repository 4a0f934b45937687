"""A plain query ranked over its words' whole posting lists at once, with the scores Whoosh's matchers give.

Whoosh ranks by walking a tree of matchers one posting at a time in Python
(93% of a top-10 search on SciFact, benchmarks/RESULTS.md).  For the common
shape of query (words, each searched in the text, title and section fields
as one BM25F word, possibly with filters), `ranked_at_once` reads each
word's postings block by block (`indexer.whoosh_internals.term_postings`),
adds up the scores in dicts, and picks the top hits with a heap: the same
ranking, computed from the same formula in `searcher.ranking` (its
constants are read there at each query, never copied):

    raw(p)   = (sum of the words' BM25F scores + proximity bonus) * coordination
    score(p) = raw(p) * kind weight

The proximity bonus (each pair of neighbouring words within PROXIMITY_SLOP
words adds PROXIMITY_WEIGHT times the pair's text scores) needs positions,
the costly part; it is bounded, so it is worked out only for passages whose
score with the largest bonus they could get can still enter the top hits.

Copies are folded as Whoosh's collectors fold them (`searcher.results.ranked`:
one passage per `text_hash`, the best raw score winning, the earliest on a
tie, with a heap of the top N that forgets a passage once pushed out), so the
hits, their order and their scores are Whoosh's (scores up to float
rounding; `tests/test_bulk_ranking.py`).  Any other query (phrases,
wildcards, fuzzy words, NOT, AND, field terms, boosts) returns None, and the
caller walks Whoosh's matchers as before.
"""
from __future__ import annotations

from heapq import heapify, heappush, heapreplace

from indexer.whoosh_internals import length_table, segment_length_bytes, term_postings

from . import ranking

# False: every query walks Whoosh's matchers (tests compare both ways).
ENABLED = True


class RankedHit:
    """A ranked passage: its docnum and score, its stored fields read when first asked for (as a Whoosh hit)."""

    __slots__ = ("docnum", "score", "_searcher", "_fields")

    def __init__(self, searcher, docnum: int, score: float):
        self._searcher = searcher
        self.docnum = docnum
        self.score = score
        self._fields = None

    def fields(self) -> dict:
        if self._fields is None:
            self._fields = self._searcher.stored_fields(self.docnum)
        return self._fields

    def __getitem__(self, key):
        return self.fields()[key]


def ranked_at_once(searcher, parsed, where, top: int) -> list[RankedHit] | None:
    """The top `top` passages for `parsed` kept to those matching `where`, copies folded, best first;
    None when the query is not of the shape handled here (the caller then asks Whoosh)."""
    plan = _Plan.of(parsed, searcher)
    if plan is None:
        return None
    allowed = set(searcher.docs_for_query(where)) if where is not None else None
    if allowed is not None and not allowed:
        return []
    kinds = ranking.kind_weights(searcher) if getattr(searcher.weighting, "use_final", False) else {}
    collector = _Collector(max(1, top))
    try:
        for leaf, offset in searcher.leaf_searchers():
            plan.rank_segment(leaf.reader(), offset, allowed, kinds, collector)
    except _Unsupported:
        return None
    return [RankedHit(searcher, docnum, score) for score, docnum in collector.results()]


class _Word:
    """One query word searched in several fields as one BM25F term: weight (qtf x idf) and its (field, text) terms."""

    __slots__ = ("text", "weight", "terms")

    def __init__(self, text, weight, terms):
        self.text, self.weight, self.terms = text, weight, terms


class _Plan:
    """What a query of plain words asks for: its words, coordination and proximity pairs, with their constants."""

    def __init__(self, searcher, words, shares, pairs):
        self.searcher = searcher
        self.words = words
        self.shares = shares  # {word: idf} when coordination applies, else None
        self.pairs = pairs  # [(a, b, slop, boost)]
        self.k1 = ranking.K1
        self.fields = {}
        for word in words:
            for field, _ in word.terms:
                if field not in self.fields:
                    self.fields[field] = (ranking.FIELD_BOOSTS.get(field, 1.0), ranking.FIELD_B.get(field, ranking.B),
                                          searcher.avg_field_length(field) or 1.0)
        if pairs:
            weighting = searcher.weighting
            self.text_b = weighting._field_B.get("text", weighting.B) if hasattr(weighting, "_field_B") else weighting.B
            self.text_k1 = weighting.K1
            self.text_avg = searcher.avg_field_length("text") or 1

    @classmethod
    def of(cls, parsed, searcher):
        """The plan of `parsed`, or None when its shape is not one this module ranks."""
        from whoosh import query as q

        from indexer.schema import SEARCH_FIELDS

        if ranking.FIELD_COMBINE != "bm25f" or ranking.FEEDBACK_DOCS > 0:
            return None
        if type(parsed) is not ranking._extras_query():
            return None
        child = parsed.child
        word_class = ranking._word_query()
        kids = child.subqueries if type(child) is q.Or else [child]
        if type(child) is q.Or and (child.boost != 1.0 or getattr(child, "scale", None) or child.minmatch):
            return None
        words = []
        count = searcher.doc_count_all()
        for kid in kids:
            if type(kid) is not word_class or not kid.subqueries:
                return None
            texts = {t.text for t in kid.subqueries}
            if len(texts) != 1 or any(type(t) is not q.Term or t.fieldname not in SEARCH_FIELDS or t.boost != 1.0
                                      for t in kid.subqueries):
                return None
            df = max(searcher.doc_frequency(t.fieldname, t.text) for t in kid.subqueries)
            words.append(_Word(kid.subqueries[0].text, kid.boost * ranking.lucene_idf(count, df),
                               [(t.fieldname, t.text) for t in kid.subqueries]))
        shares = None
        if ranking.COORDINATION > 0:
            idfs = ranking.word_idfs(searcher, child)
            if len(idfs) >= 2 and (ranking.COORDINATION_MAX_WORDS is None
                                   or len(idfs) <= ranking.COORDINATION_MAX_WORDS):
                shares = idfs
        pairs = []
        built = ranking.with_proximity(child)
        if built is not child:
            for phrase in built.subqueries[1:]:
                if type(phrase) is not q.Phrase or len(phrase.words) != 2 or phrase.fieldname != "text":
                    return None
                pairs.append((phrase.words[0], phrase.words[1], phrase.slop, phrase.boost))
        return cls(searcher, words, shares, pairs)

    # -- one segment ---------------------------------------------------------------

    def rank_segment(self, reader, offset: int, allowed, kinds: dict, collector: "_Collector") -> None:
        k1 = self.k1
        table = length_table()
        base: dict[int, float] = {}
        held: dict[int, list] = {}
        text_postings: dict[str, tuple] = {}
        pair_words = {w for a, b, _, _ in self.pairs for w in (a, b)}
        power = ranking.COORDINATION
        for word in self.words:
            t_of: dict[int, float] = {}
            for field, text in word.terms:
                ids, weights, values = term_postings(reader, field, text, positions=field == "text" and text in pair_words)
                if field == "text":
                    text_postings[text] = (ids, weights, values)
                if not ids:
                    continue
                boost, b, average = self.fields[field]
                lengths = _lengths(reader, field)
                if lengths is None or ids[-1] >= len(lengths):
                    raise _Unsupported()
                norm = [1 - b + b * (length or 0) / average for length in table]
                get = t_of.get
                for docnum, w in zip(ids, weights):
                    t_of[docnum] = get(docnum, 0.0) + boost * w / norm[lengths[docnum]]
            weight = word.weight
            sat = k1 + 1
            get = base.get
            for docnum, t in t_of.items():
                base[docnum] = get(docnum, 0.0) + weight * t * sat / (k1 + t)
            if self.shares is not None and word.text in self.shares:
                idf = self.shares[word.text]
                for docnum in t_of:
                    held.setdefault(docnum, []).append(idf)
        if allowed is not None:
            base = {d: s for d, s in base.items() if d + offset in allowed}
        if not base:
            return
        bonus = self._proximity(reader, text_postings, base) if self.pairs else {}
        total = sum(self.shares.values()) if self.shares is not None else None
        for docnum in sorted(base):
            raw = base[docnum] + bonus.get(docnum, 0.0)
            if total is not None:
                raw *= (sum(held.get(docnum, ())) / total) ** power
            glob = offset + docnum
            collector.add(glob, raw, raw * kinds.get(glob, 1.0), self._key(reader, docnum))

    def _proximity(self, reader, text_postings: dict, candidates: dict) -> dict[int, float]:
        """{docnum: bonus} of the passages where a pair of neighbouring words is within its slop."""
        field = self.searcher.schema["text"]
        decode = field.format.decode_positions
        lengths = _lengths(reader, "text")
        table = length_table()
        k1, b, average = self.text_k1, self.text_b, self.text_avg
        bonus: dict[int, float] = {}
        for a, b_word, slop, boost in self.pairs:
            ta, tb = field.to_bytes(a), field.to_bytes(b_word)
            pa, pb = self._text_postings(reader, text_postings, a), self._text_postings(reader, text_postings, b_word)
            if not pa[0] or not pb[0]:
                continue
            idf_a, idf_b = self.searcher.idf("text", ta), self.searcher.idf("text", tb)
            in_b = {docnum: n for n, docnum in enumerate(pb[0])}
            for n, docnum in enumerate(pa[0]):
                m = in_b.get(docnum)
                if m is None or docnum not in candidates:
                    continue
                if not _near(decode(pa[2][n]), decode(pb[2][m]), slop):
                    continue
                fl = table[lengths[docnum]]
                norm = k1 * ((1 - b) + b * fl / average)
                wa, wb = pa[1][n], pb[1][m]
                score = idf_a * ((wa * (k1 + 1)) / (wa + norm)) + idf_b * ((wb * (k1 + 1)) / (wb + norm))
                bonus[docnum] = bonus.get(docnum, 0.0) + score * boost
        return bonus

    @staticmethod
    def _text_postings(reader, known: dict, word: str):
        if word not in known or known[word][2] is None:
            known[word] = term_postings(reader, "text", word, positions=True)
        return known[word]

    @staticmethod
    def _key(reader, docnum):
        return _collapse_keys(reader)[docnum]


class _Unsupported(Exception):
    pass


def _near(first: list[int], second: list[int], slop: int) -> bool:
    """Whether some position of `second` comes 1 to `slop` words after one of `first` (both sorted)."""
    j = 0
    count = len(second)
    for p in first:
        while j < count and second[j] <= p:
            j += 1
        if j == count:
            return False
        if second[j] - p <= slop:
            return True
    return False


def _lengths(reader, field: str):
    cache = reader.__dict__.setdefault("_corpus_search_length_bytes", {})
    if field not in cache:
        cache[field] = segment_length_bytes(reader, field)
    return cache[field]


def _collapse_keys(reader) -> list:
    """Every passage's `text_hash` in one segment (what copies are folded by), read once per reader."""
    keys = reader.__dict__.get("_corpus_search_text_hash")
    if keys is None:
        column = reader.column_reader("text_hash")
        keys = reader.__dict__["_corpus_search_text_hash"] = list(column)
    return keys


class _Collector:
    """Whoosh's CollapseCollector (by text_hash, one per key, compared by raw score) over its TopCollector,
    fed passages in docnum order: the same hits, including the ones its heap forgets."""

    def __init__(self, limit: int):
        self.limit = limit
        self.items: list[tuple[float, int]] = []
        self.best: dict = {}

    def add(self, docnum: int, raw: float, score: float, key) -> None:
        if key:
            best = self.best.get(key)
            if best is not None:
                if not (-raw < best[0]):
                    return
                self._remove(best[1])
            self.best[key] = (-raw, docnum)
        items = self.items
        if len(items) < self.limit:
            heappush(items, (score, -docnum))
        elif score > items[0][0]:
            heapreplace(items, (score, -docnum))

    def _remove(self, docnum: int) -> None:
        items = self.items
        for i in range(len(items)):
            if items[i][1] == -docnum:
                items.pop(i)
                heapify(items)
                return

    def results(self) -> list[tuple[float, int]]:
        return [(score, -negated) for score, negated in sorted(self.items, reverse=True)]
