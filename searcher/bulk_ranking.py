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

A typed acronym or long form searched as its other form too
(`ranking.add_alternative`) is ranked here as well: the typed words score
the better of their sum and the alternative (an acronym: its BM25F score,
scaled; a long form: its occurrences counted as one word, BM25-saturated,
found from positions decoded only for the passages holding all its words),
and for coordination a passage holding the alternative holds its share of
the words it stands for; the alternative takes no part in proximity.  One
Whoosh quirk is not replayed: where its phrase matcher runs out on a
passage holding all the words but not the phrase, coordination may count
the words whose matchers it leaves there, depending on when the collector
last replaced the matchers; a query whose share that could change falls
back.  So does a long form typed for an acronym of several words (its
alternative is a phrase in three fields).

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

from . import ranking

# (indexer.whoosh_internals, and Whoosh with it, is imported where a query is
# ranked: `import searcher` stays light for the command's interrupt handler)

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
    found = ranked_and_every_at_once(searcher, parsed, where, top, every=False)
    return None if found is None else found[0]


def ranked_and_every_at_once(searcher, parsed, where, top: int,
                             every: bool = True) -> tuple[list[RankedHit], list[int]] | None:
    """`ranked_at_once`'s top passages and, with `every`, the docnums of every passage that matches
    (copies folded as Whoosh's collapse folds them, in no particular order), from one scoring pass.

    Every match, for counts and facets, costs little more than the top ten: a
    passage's exact score (with its proximity bonus) is worked out only where
    it decides which of two copies is kept.
    """
    plan = _Plan.of(parsed, searcher)
    if plan is None:
        return None
    allowed = set(searcher.docs_for_query(where)) if where is not None else None
    if allowed is not None and not allowed:
        return [], []
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
    members = _Members(shared) if every else None
    for segment in segments:
        collector.feed(segment)
        if members is not None:
            members.feed(segment)
    hits = [RankedHit(searcher, docnum, score) for score, docnum in collector.results()]
    return hits, (members.docnums() if members is not None else [])


class _Word:
    """One query word searched in several fields as one BM25F term: weight (qtf x idf) and its (field, text)
    terms; `group`: the acronym expansion it is a typed word of (an index in the plan's groups), else None."""

    __slots__ = ("text", "weight", "terms", "group")

    def __init__(self, text, weight, terms, group=None):
        self.text, self.weight, self.terms, self.group = text, weight, terms, group


class _Group:
    """Typed words scored as the better of their sum and an alternative (`ranking.add_alternative`):
    a long form counted as one word (`phrase`: its words, slop; its occurrences BM25-saturated times
    `weight`), or an acronym (`word`: a word scored as BM25F times `weight`)."""

    __slots__ = ("phrase", "slop", "word", "weight")

    def __init__(self, phrase, slop, word, weight):
        self.phrase, self.slop, self.word, self.weight = phrase, slop, word, weight

    def words(self) -> tuple:
        return tuple(self.phrase) if self.phrase is not None else (self.word.text,)


class _Plan:
    """What a query of plain words asks for: its words, acronym expansions, coordination and proximity
    pairs, with their constants."""

    def __init__(self, searcher, words, groups, shares, ways, pairs):
        from indexer.whoosh_internals import bm25f_constants

        self.searcher = searcher
        self.words = words
        self.groups = groups
        self.shares = shares  # {word: idf} when coordination applies, else None
        self.ways = ways  # {typed word: [(an alternative's words, share)]}: held through an alternative, in part
        self.pairs = pairs  # [(a, b, slop, boost)]
        self.k1 = ranking.K1
        self._norms: dict[str, list] = {}
        self.fields = {}
        for word in words + [g.word for g in groups if g.word is not None]:
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
        better_class, alternative_class = ranking.expanded_query_classes()
        if type(parsed) is not extras_class:
            return None
        child = parsed.child
        kids = child.subqueries if type(child) is q.Or else [child]
        if type(child) is q.Or and (child.boost != 1.0 or getattr(child, "scale", None) or child.minmatch):
            return None
        count = searcher.doc_count_all()

        def word_of(kid, group=None):
            if type(kid) is not word_class or not kid.subqueries:
                return None
            texts = {t.text for t in kid.subqueries}
            if len(texts) != 1 or any(type(t) is not q.Term or t.fieldname not in SEARCH_FIELDS or t.boost != 1.0
                                      for t in kid.subqueries):
                return None
            df = max(searcher.doc_frequency(t.fieldname, t.text) for t in kid.subqueries)
            return _Word(kid.subqueries[0].text, kid.boost * ranking.lucene_idf(count, df),
                         [(t.fieldname, t.text) for t in kid.subqueries], group)

        def plain_or(node):
            return type(node) is q.Or and node.boost == 1.0 and not getattr(node, "scale", None) and not node.minmatch

        words, groups = [], []
        for kid in kids:
            if type(kid) is better_class:
                if len(kid.subqueries) != 2 or type(kid.subqueries[1]) is not alternative_class:
                    return None
                typed, alternative = kid.subqueries
                typed = typed.subqueries if plain_or(typed) else [typed]
                found = [word_of(t, len(groups)) for t in typed]
                group = cls._group(alternative, word_of)
                if not found or None in found or group is None:
                    return None
                words.extend(found)
                groups.append(group)
                continue
            word = word_of(kid)
            if word is None:
                return None
            words.append(word)
        shares = ways = None
        if ranking.COORDINATION > 0:
            idfs = ranking.word_idfs(searcher, child)
            if len(idfs) >= 2 and (ranking.COORDINATION_MAX_WORDS is None
                                   or len(idfs) <= ranking.COORDINATION_MAX_WORDS):
                shares = idfs
                ways = ranking.held_through(child, idfs) if groups else {}
        pairs = []
        built = ranking.with_proximity(child)
        if built is not child:
            for phrase in built.subqueries[1:]:
                if type(phrase) is not q.Phrase or len(phrase.words) != 2 or phrase.fieldname != "text":
                    return None
                pairs.append((phrase.words[0], phrase.words[1], phrase.slop, phrase.boost))
        return cls(searcher, words, groups, shares, ways, pairs)

    @staticmethod
    def _group(alternative, word_of):
        """The `_Group` of an acronym expansion's alternative, or None for a shape not handled here."""
        from whoosh import query as q

        inner = alternative.child
        if alternative.count:  # a long form (or one word) in the text, counted as one word
            if type(inner) is q.Phrase and inner.fieldname == "text" and inner.words:
                return _Group(tuple(inner.words), inner.slop, None, alternative.weight)
            if type(inner) is q.Term and inner.fieldname == "text":
                return _Group((inner.text,), 1, None, alternative.weight)
            return None
        if type(inner) is q.Or and len(inner.subqueries) == 1 and inner.boost == 1.0:
            inner = inner.subqueries[0]
        word = word_of(inner)
        return None if word is None else _Group(None, 0, word, alternative.weight)

    # -- one segment ---------------------------------------------------------------

    def score_segment(self, reader, offset: int, allowed) -> "_Segment":
        """The scores of one segment's passages without the proximity bonus, and each one's largest bonus."""
        k1 = self.k1
        base: dict[int, float] = {}
        held: dict[int, float] = {}
        text_postings: dict[str, tuple] = {}
        pair_words = {w for a, b, _, _ in self.pairs for w in (a, b)}
        shares = self.shares
        typed: list[dict[int, float]] = [{} for _ in self.groups]
        present: dict[str, dict] = {}  # typed word -> the passages holding it in some field
        for word in self.words:
            t_of = self._word_t(reader, word, text_postings, pair_words)
            weight = word.weight
            sat = k1 + 1
            into = base if word.group is None else typed[word.group]
            get = into.get
            for docnum, t in t_of.items():
                into[docnum] = get(docnum, 0.0) + weight * t * sat / (k1 + t)
            if shares is not None and word.text in shares:
                present[word.text] = t_of
                idf = shares[word.text]
                get = held.get
                for docnum in t_of:
                    held[docnum] = get(docnum, 0.0) + idf
        alternatives = []  # per group: the passages where its alternative matches
        self._stranded = []  # (passage, phrase words) where a run-out phrase matcher's term matchers stay
        for group, sums in zip(self.groups, typed):
            alt = self._alternative(reader, group, offset, allowed, text_postings, pair_words)
            alternatives.append(alt)
            get = base.get
            for docnum, score in sums.items():
                other = alt.get(docnum)
                base[docnum] = get(docnum, 0.0) + (score if other is None or score >= other else other)
            for docnum, other in alt.items():
                if docnum not in sums:
                    base[docnum] = get(docnum, 0.0) + other
        if allowed is not None:
            base = {d: s for d, s in base.items() if d + offset in allowed}
        factor = None
        if shares is not None:
            if self.ways:
                self._held_through(base, held, present, alternatives)
            total = sum(shares.values())
            power = ranking.COORDINATION
            factor = {d: (held.get(d, 0.0) / total) ** power for d in base}
        pairs = self._pairs(reader, text_postings, base) if self.pairs and base else []
        keys = _collapse_keys(reader) if base else []
        return _Segment(offset, sorted(base), base, factor, pairs, keys, self.searcher.schema["text"])

    def _word_t(self, reader, word: _Word, text_postings: dict, pair_words) -> dict[int, float]:
        """{docnum: the word's BM25F term frequency t} (field frequencies weighted and length-normalised)."""
        from indexer.whoosh_internals import length_table

        t_of: dict[int, float] = {}
        for field, text in word.terms:
            ids, weights, values = _postings(reader, field, text, field == "text" and text in pair_words)
            if field == "text" and (text not in text_postings or text_postings[text][2] is None):
                text_postings[text] = (ids, weights, values)
            if not ids:
                continue
            boost, b, average = self.fields[field]
            lengths = _lengths(reader, field)
            if lengths is None or ids[-1] >= len(lengths):
                raise _Unsupported()
            norm = self._norms.get(field)
            if norm is None:  # (per length byte: 1 - b + b * length / average)
                norm = self._norms[field] = [1 - b + b * (length or 0) / average for length in length_table()]
            get = t_of.get
            for docnum, w in zip(ids, weights):
                t_of[docnum] = get(docnum, 0.0) + boost * w / norm[lengths[docnum]]
        return t_of

    def _alternative(self, reader, group: _Group, offset: int, allowed, text_postings, pair_words) -> dict:
        """{docnum: the alternative's score} of the passages it matches (Alternative's matchers)."""
        k1 = self.k1
        if group.word is not None:
            t_of = self._word_t(reader, group.word, text_postings, pair_words)
            weight = group.word.weight * group.weight
            return {d: weight * t * (k1 + 1) / (k1 + t) for d, t in t_of.items()}
        lists = [_postings(reader, "text", word, True) for word in group.phrase]
        if any(not ids for ids, _, _ in lists):
            return {}
        # passages holding every word first (no positions decoded), then the phrase's occurrences in those
        order = sorted(range(len(lists)), key=lambda n: len(lists[n][0]))
        smallest = lists[order[0]][0]
        where = [{d: n for n, d in enumerate(lists[i][0])} if i != order[0] else None for i in range(len(lists))]
        decode = self.searcher.schema["text"].format.decode_positions
        weight, slop, sat = group.weight, group.slop, k1 + 1
        found: dict[int, float] = {}
        seen: dict = {}
        for n, docnum in enumerate(smallest):
            if allowed is not None and docnum + offset not in allowed:
                continue
            spots = []
            for i, index in enumerate(where):
                m = n if index is None else index.get(docnum)
                if m is None:
                    break
                spots.append(lists[i][2][m])
            else:
                key = tuple(spots)
                tf = seen.get(key)
                if tf is None:  # (copies of a passage have the same encoded positions: counted once)
                    tf = seen[key] = _occurrences([decode(v) for v in spots], slop)
                if tf:
                    found[docnum] = weight * tf * sat / (k1 + tf)
        # The last passage holding every word, when the phrase is not in it: Whoosh's phrase matcher runs
        # out there (its first word's matcher moved on) and may leave the others' matchers on it, which
        # coordination then counts as held.
        for n in range(len(smallest) - 1, -1, -1):
            docnum = smallest[n]
            spots = [lists[i][2][n if index is None else index[docnum]] for i, index in enumerate(where)
                     if index is None or docnum in index]
            if len(spots) == len(lists):
                if not _occurrences([decode(v) for v in spots], slop):
                    self._stranded.append((docnum, group.phrase[1:]))
                break
        return found

    def _held_through(self, base: dict, held: dict, present: dict, alternatives: list) -> None:
        """Adds to `held` the shares of typed words a passage holds through an alternative (coordination's
        CoordinationMatcher: a word is held when some field holds it or an alternative with it matches)."""
        holders: dict[str, list] = {}
        for group, alt in zip(self.groups, alternatives):
            for word in group.words():
                holders.setdefault(word, []).append(alt)
        holding: dict[str, set] = {}  # word -> the passages holding it (some field, or an alternative with it)
        for word in {w for ways in self.ways.values() for way, _ in ways for w in way}:
            found = set(present.get(word, ()))
            for alt in holders.get(word, ()):
                found.update(alt)
            holding[word] = found
        shares = self.shares
        for word, ways in self.ways.items():
            mine = present.get(word, {})
            best: dict[int, float] = {}
            for way, share in ways:
                docs = set.intersection(*(holding[w] for w in way)) if way else set()
                for docnum in docs:
                    if docnum in base and docnum not in mine and share > best.get(docnum, 0.0):
                        best[docnum] = share
            idf = shares[word]
            for docnum, part in best.items():
                held[docnum] = held.get(docnum, 0.0) + idf * part
            for docnum, stranded in self._stranded:
                # Whether Whoosh counts the stranded words as held there depends on when its collector
                # last replaced the matchers: where that would change the share, the matchers decide.
                if docnum in base and docnum not in mine and any(
                        share > best.get(docnum, 0.0) and all(w in stranded or docnum in holding[w] for w in way)
                        for way, share in ways):
                    raise _Unsupported()

    def _pairs(self, reader, text_postings: dict, candidates: dict) -> list:
        """For each pair of neighbouring words: {docnum: (positions of a, of b, bonus if near)} of the candidates
        holding both words in their text."""
        from indexer.whoosh_internals import length_table

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


def _occurrences(positions: list[list[int]], slop: int) -> int:
    """How many spans Whoosh's phrase matcher (SpanNear2, ordered, mindist 1) finds for words at these
    positions: each next word 1 to `slop` positions after the span so far, distinct spans counted once."""
    spans = {(p, p) for p in positions[0]}
    for following in positions[1:]:
        if not spans:
            return 0
        grown = set()
        for start, end in spans:
            for p in following:
                if p < start or start <= p <= end:
                    continue
                if p > end + slop:
                    break
                grown.add((start, p if p > end else end))
        spans = grown
    return len(spans)


def _postings(reader, field: str, text, positions: bool):
    """`term_postings`, remembered for the reader's lifetime (an index generation never changes) while the
    posting lists remembered hold fewer than POSTINGS_KEPT postings; the least recently used go first."""
    from array import array

    from indexer.whoosh_internals import term_postings

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
    from indexer.whoosh_internals import segment_length_bytes

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


class _Members:
    """Every passage fed that Whoosh's CollapseCollector over an unlimited collector keeps: all of them,
    but of passages sharing a text, the one with the best raw score (the earlier on a tie), as
    `_Collector` decides it (its exact score worked out only when the bounds cannot settle it)."""

    def __init__(self, shared: set):
        self.shared = shared
        self.alone: list[int] = []
        self.best: dict = {}

    def feed(self, segment: _Segment) -> None:
        alone, shared, best = self.alone, self.shared, self.best
        keys, offset, exact_of = segment.keys, segment.offset, segment.exact
        base, most, factor = segment.base, segment.most, segment.factor
        for docnum in segment.docs:
            key = keys[docnum]
            if not key or key not in shared:
                alone.append(offset + docnum)
                continue
            low = base[docnum]
            extra = most.get(docnum)
            high = low if extra is None else low + extra
            if factor is not None:
                f = factor[docnum]
                low, high = low * f, high * f
            exact = low if extra is None else None
            holder = best.get(key)
            if holder is not None:
                if high <= holder[0]:
                    continue
                if not low > holder[1]:
                    if exact is None:
                        exact = exact_of(docnum)
                    if holder[2] is None:
                        holder[2] = holder[3].exact(holder[4])
                    if not exact > holder[2]:
                        continue
            best[key] = [low, high, exact, segment, docnum, offset + docnum]

    def docnums(self) -> list[int]:
        return self.alone + [holder[5] for holder in self.best.values()]
