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
hits, their order and their scores are Whoosh's, scores up to float
rounding (`tests/test_bulk_ranking.py`).  Mathematically equal scores are
the one exception: Whoosh's sums of the same terms may differ in the last
bit from one segment to another (its matcher trees are shaped by each
segment's frequencies), so it may order two of them, or keep one of two
copies, the other way; here they are ordered by docnum.  Decoded posting
lists are kept per open segment (`POSTINGS_KEPT`).  Any other query (phrases,
wildcards, fuzzy words, NOT, AND, field terms, boosts) returns None, and the
caller walks Whoosh's matchers as before.
"""
from __future__ import annotations

from heapq import heapify, heappush, heapreplace

from indexer.whoosh_internals import bm25f_constants, length_table, segment_length_bytes, term_postings

from . import ranking

# False: every query walks Whoosh's matchers (tests compare both ways).
ENABLED = True
# Postings remembered per open segment (a list with positions counts four
# times its length): about 8 bytes each, plus the encoded positions.
POSTINGS_KEPT = 2_000_000


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
    try:
        segments = [plan.score_segment(leaf.reader(), offset, allowed) for leaf, offset in searcher.leaf_searchers()]
    except _Unsupported:
        return None
    seen: set = set()
    shared: set = set()
    for segment in segments:
        keys = segment.keys
        for docnum in segment.docs:
            key = keys[docnum]
            if key:
                if key in seen:
                    shared.add(key)
                seen.add(key)
    collector = _Collector(max(1, top), kinds, shared)
    for segment in segments:
        collector.feed(segment)
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
            self.text_b, self.text_k1 = bm25f_constants(searcher.weighting, "text")
            self.text_avg = searcher.avg_field_length("text") or 1

    @classmethod
    def of(cls, parsed, searcher):
        """The plan of `parsed`, or None when its shape is not one this module ranks."""
        from whoosh import query as q

        from indexer.schema import SEARCH_FIELDS

        if ranking.FIELD_COMBINE != "bm25f" or ranking.FEEDBACK_DOCS > 0:
            return None
        extras_class, word_class = ranking.plain_query_classes()
        if type(parsed) is not extras_class:
            return None
        child = parsed.child
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

    def score_segment(self, reader, offset: int, allowed) -> "_Segment":
        """The scores of one segment's passages without the proximity bonus, and each one's largest bonus."""
        k1 = self.k1
        table = length_table()
        base: dict[int, float] = {}
        held: dict[int, float] = {}
        text_postings: dict[str, tuple] = {}
        pair_words = {w for a, b, _, _ in self.pairs for w in (a, b)}
        shares = self.shares
        for word in self.words:
            t_of: dict[int, float] = {}
            for field, text in word.terms:
                ids, weights, values = _postings(reader, field, text, field == "text" and text in pair_words)
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
            if shares is not None and word.text in shares:
                idf = shares[word.text]
                get = held.get
                for docnum in t_of:
                    held[docnum] = get(docnum, 0.0) + idf
        if allowed is not None:
            base = {d: s for d, s in base.items() if d + offset in allowed}
        factor = None
        if shares is not None:
            total = sum(shares.values())
            power = ranking.COORDINATION
            factor = {d: (held[d] / total) ** power for d in base}
        pairs = self._pairs(reader, text_postings, base) if self.pairs and base else []
        keys = _collapse_keys(reader) if base else []
        return _Segment(offset, sorted(base), base, factor, pairs, keys, self.searcher.schema["text"])

    def _pairs(self, reader, text_postings: dict, candidates: dict) -> list:
        """For each pair of neighbouring words: {docnum: (positions of a, of b, bonus if near)} of the candidates
        holding both words in their text."""
        field = self.searcher.schema["text"]
        lengths = _lengths(reader, "text")
        table = length_table()
        k1, b, average = self.text_k1, self.text_b, self.text_avg
        sat = k1 + 1
        pairs = []
        for a, b_word, slop, boost in self.pairs:
            pa = self._text_postings(reader, text_postings, a)
            pb = self._text_postings(reader, text_postings, b_word)
            if not pa[0] or not pb[0]:
                continue
            idf_a, idf_b = self.searcher.idf("text", field.to_bytes(a)), self.searcher.idf("text", field.to_bytes(b_word))
            in_b = {docnum: n for n, docnum in enumerate(pb[0])}
            found = {}
            for n, docnum in enumerate(pa[0]):
                m = in_b.get(docnum)
                if m is None or docnum not in candidates:
                    continue
                fl = table[lengths[docnum]]
                norm = k1 * ((1 - b) + b * fl / average)
                wa, wb = pa[1][n], pb[1][m]
                bonus = (idf_a * ((wa * sat) / (wa + norm)) + idf_b * ((wb * sat) / (wb + norm))) * boost
                found[docnum] = (pa[2][n], pb[2][m], bonus)
            pairs.append((slop, found))
        return pairs

    @staticmethod
    def _text_postings(reader, known: dict, word: str):
        if word not in known or known[word][2] is None:
            known[word] = _postings(reader, "text", word, True)
        return known[word]


class _Segment:
    """One segment's candidates: scores without the bonus, the largest bonus each may get, and what the
    exact bonus is worked out from (positions, decoded only for the passages that need it)."""

    def __init__(self, offset, docs, base, factor, pairs, keys, text_field):
        self.offset = offset
        self.docs = docs
        self.base = base
        self.factor = factor
        self.pairs = pairs
        self.keys = keys
        self._decode = text_field.format.decode_positions
        self._near: dict = {}
        most: dict[int, float] = {}
        for _, found in pairs:
            get = most.get
            for docnum, (_, _, bonus) in found.items():
                most[docnum] = get(docnum, 0.0) + bonus
        self.most = most

    def exact(self, docnum: int) -> float:
        """The raw score (before the kind weight), proximity bonus included."""
        raw = self.base[docnum]
        if docnum in self.most:
            bonus = 0.0
            near = self._near
            for slop, found in self.pairs:
                entry = found.get(docnum)
                if entry is None:
                    continue
                key = (entry[0], entry[1], slop)
                hit = near.get(key)
                if hit is None:  # (copies of a passage have the same encoded positions: decoded once)
                    hit = near[key] = _near(self._decode(entry[0]), self._decode(entry[1]), slop)
                if hit:
                    bonus += entry[2]
            raw = raw + bonus
        if self.factor is not None:
            raw = raw * self.factor[docnum]
        return raw


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


def _postings(reader, field: str, text, positions: bool):
    """`term_postings`, remembered for the reader's lifetime (an index generation never changes) while the
    posting lists remembered hold fewer than POSTINGS_KEPT postings; the least recently used go first."""
    from array import array

    cache = reader.__dict__.get("_corpus_search_postings")
    if cache is None:
        cache = reader.__dict__["_corpus_search_postings"] = {}
        reader.__dict__["_corpus_search_postings_size"] = 0
    key = (field, text, positions)
    found = cache.pop(key, None)
    if found is None and not positions:
        found = cache.pop((field, text, True), None)
        key = (field, text, True) if found is not None else key
    if found is not None:
        cache[key] = found  # the most recently used last
        return found
    ids, weights, values = term_postings(reader, field, text, positions=positions)
    found = (array("i", ids), array("f", weights), values)
    size = len(ids) * (4 if values is not None else 1)
    if size > POSTINGS_KEPT // 4:
        return found
    cache[key] = found
    total = reader.__dict__["_corpus_search_postings_size"] + size
    while total > POSTINGS_KEPT and cache:
        (_, (old, _, old_values)) = next(iter(cache.items()))
        del cache[next(iter(cache))]
        total -= len(old) * (4 if old_values is not None else 1)
    reader.__dict__["_corpus_search_postings_size"] = total
    return found


def _lengths(reader, field: str):
    cache = reader.__dict__.setdefault("_corpus_search_length_bytes", {})
    if field not in cache:
        cache[field] = segment_length_bytes(reader, field)
    return cache[field]


def _collapse_keys(reader) -> list:
    """Every passage's `text_hash` in one segment (what copies are folded by), read once per reader."""
    keys = reader.__dict__.get("_corpus_search_text_hash")
    if keys is None:
        if not reader.has_column("text_hash"):
            raise _Unsupported()
        column = reader.column_reader("text_hash")
        keys = reader.__dict__["_corpus_search_text_hash"] = list(column)
    return keys


class _Collector:
    """Whoosh's CollapseCollector (by text_hash, one passage per key, compared by raw score, the earlier
    winning a tie) over its TopCollector (a heap of the top N that forgets what it pushes out), fed
    passages in docnum order: the same hits.  A passage's exact score is worked out only when its
    bounds cannot settle whether it enters the heap or beats the passage it shares its text with."""

    def __init__(self, limit: int, kinds: dict, shared: set):
        self.limit = limit
        self.kinds = kinds
        self.shared = shared
        self.items: list[tuple[float, int]] = []
        self.best: dict = {}

    def feed(self, segment: _Segment) -> None:
        items, limit, kinds, shared, best = self.items, self.limit, self.kinds, self.shared, self.best
        keys, offset, exact_of = segment.keys, segment.offset, segment.exact
        base, most, factor = segment.base, segment.most, segment.factor
        for docnum in segment.docs:
            glob = offset + docnum
            low = base[docnum]
            extra = most.get(docnum)
            high = low if extra is None else low + extra
            if factor is not None:
                f = factor[docnum]
                low, high = low * f, high * f
            exact = low if extra is None else None
            key = keys[docnum]
            if key and key in shared:
                holder = best.get(key)
                if holder is not None:
                    # [low, high, exact or None, segment, docnum, global docnum] of the passage kept so far
                    if high <= holder[0]:
                        continue  # never more than the kept one's: it stays (a tie keeps the earlier)
                    if not low > holder[1]:
                        if exact is None:
                            exact = exact_of(docnum)
                        if holder[2] is None:
                            holder[2] = holder[3].exact(holder[4])
                        if not exact > holder[2]:
                            continue
                    self._remove(holder[5])
                holder = best[key] = [low, high, exact, segment, docnum, glob]
            weight = kinds.get(glob, 1.0)
            if len(items) >= limit and high * weight <= items[0][0]:
                continue
            if exact is None:
                exact = exact_of(docnum)
                if key and key in shared:
                    best[key][2] = exact
            score = exact * weight
            if len(items) < limit:
                heappush(items, (score, -glob))
            elif score > items[0][0]:
                heapreplace(items, (score, -glob))

    def _remove(self, docnum: int) -> None:
        items = self.items
        for i in range(len(items)):
            if items[i][1] == -docnum:
                items.pop(i)
                heapify(items)
                return

    def results(self) -> list[tuple[float, int]]:
        return [(score, -negated) for score, negated in sorted(self.items, reverse=True)]
