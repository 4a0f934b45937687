"""How passages are scored: every ranking policy of the searcher, in one place.

BM25F constants, field weights, the idf, kind weights, and the query-side
extras (query term frequency, BM25F word scoring, coordination for short
queries, a proximity bonus; pseudo-relevance feedback, off), kept apart from
query handling.  Every default here was measured with benchmarks/relevance.py
on five collections, tuned on four and confirmed on SciFact
(benchmarks/RESULTS.md, "Relevance").  Values are read when a searcher is
opened or a query parsed, so a benchmark may override them.
"""
from __future__ import annotations

from functools import lru_cache
from math import log

# BM25F parameters and field weights (k1 2.0 and title 3.0 go with
# FIELD_COMBINE "bm25f", where the title's frequency joins the text's before
# one saturation; with "sum" the old 0.9 and 0.5 were best).
K1 = 2.0
B = 0.9  # (0.75 before row 53 of RESULTS.md: the one change the protocol admitted, twice; within noise)
FIELD_BOOSTS = {"text": 1.0, "title": 3.0, "section": 0.5}
# Length normalisation for particular fields, where it should differ from B.
# Titles are short and their lengths vary little; full normalisation (1.0)
# measured slightly better than B on both collections.
FIELD_B: dict[str, float] = {"title": 1.0}
# "lucene": log(1 + (N - df + 0.5) / (df + 0.5)), as Lucene, Anserini and bm25s;
# "whoosh": Whoosh's own log(N / (df + 1)) + 1, which keeps common words weighty.
IDF = "lucene"


# Passages that are not prose (bios, notes, sidebars) are kept searchable but
# their scores are scaled down so that they never outrank prose that matches
# as well.  BM25's length normalisation favours a short passage over a long
# one with the same matches: with the K1 and B above, one match scores 2.3
# times as much in a passage of 0.3 times the average length as in one of
# twice it (1.8 times with the former k1 0.9), so the factors stay below 1/3.
KIND_WEIGHTS = {"bio": 0.2, "notes": 0.2, "sidebar": 0.3}


def weighting():
    """The Whoosh weighting model a searcher scores with: BM25F, scaled by the passage's kind."""

    class KindWeighted(bm25f()):
        """BM25F, with the final score scaled by the passage's kind."""

        use_final = True

        def final(self, searcher, docnum, score):
            return score * kind_weights(searcher).get(docnum, 1.0)

    field_b = {f"{name}_B": b for name, b in FIELD_B.items()}
    return KindWeighted(B=B, K1=K1, **field_b)


def kind_weights(searcher) -> dict[int, float]:
    """{docnum: weight} of the passages whose kind is scaled down, found once per open searcher."""
    weights = getattr(searcher, "_kind_weights", None)
    if weights is None:
        weights = searcher._kind_weights = _kind_weights(searcher)
    return weights


def _kind_weights(searcher) -> dict[int, float]:
    """{docnum: weight} of the passages whose kind is scaled down (found once, from the kind postings).

    Reading each scored passage's kind from its column cost 8% of a query.
    """
    from whoosh import query as q

    weights = {}
    for kind, weight in KIND_WEIGHTS.items():
        for docnum in searcher.docs_for_query(q.Term("kind", kind)):
            weights[docnum] = weight
    return weights


def lucene_idf(doc_count: int, doc_frequency: int) -> float:
    return log(1 + (doc_count - doc_frequency + 0.5) / (doc_frequency + 0.5))


def whoosh_idf(doc_count: int, doc_frequency: int) -> float:
    return log(doc_count / (doc_frequency + 1)) + 1


def bm25f():
    """The BM25F weighting class to score with (a Whoosh WeightingModel subclass)."""
    from whoosh import scoring

    from indexer.whoosh_internals import use_field_lengths

    idf_of = lucene_idf if IDF == "lucene" else whoosh_idf

    class BM25F(scoring.BM25F):
        def idf(self, searcher, fieldname, text):
            parent = searcher.get_parent()
            return idf_of(parent.doc_count_all(), parent.doc_frequency(fieldname, text))

        def scorer(self, searcher, fieldname, text, qf=1):
            scorer = super().scorer(searcher, fieldname, text, qf=qf)
            lengths = field_lengths(searcher.reader(), fieldname)
            if lengths is not None:
                use_field_lengths(scorer, lengths)
            return scorer

    return BM25F


def field_lengths(reader, fieldname: str):
    """A function docnum -> the field's length in that passage, as Whoosh's
    `doc_field_length` gives it, from one read of the segment's length column.

    Whoosh reads a passage's length byte through several Python calls for every
    posting it scores (a tenth of a query's time); here the bytes are read once
    per segment and field, and remembered for the reader's lifetime.  None when
    the reader is not a Whoosh 3 segment (then Whoosh's own look-up is used).
    """
    from indexer.whoosh_internals import segment_field_lengths

    cache = reader.__dict__.setdefault("_corpus_search_lengths", {})
    if fieldname not in cache:
        cache[fieldname] = segment_field_lengths(reader, fieldname)
    return cache[fieldname]


# ---- query-side extras ------------------------------------------------------
# Proximity: each pair of neighbouring query words (in the text field) found
# within PROXIMITY_SLOP words of each other adds PROXIMITY_WEIGHT times the
# pair's score.  0 turns it off.
PROXIMITY_WEIGHT = 0.1
PROXIMITY_SLOP = 8
# Pseudo-relevance feedback (RM3-like): with FEEDBACK_DOCS > 0, a query of
# plain words is run once, the words most typical of its best FEEDBACK_DOCS
# passages (by P(word | passage), weighted by the passages' scores) are added
# with a total weight of FEEDBACK_WEIGHT against the original words'
# 1 - FEEDBACK_WEIGHT, and the query is run again.  0 turns it off.
FEEDBACK_DOCS = 0
FEEDBACK_TERMS = 10
FEEDBACK_WEIGHT = 0.5
# Query term frequency: a word typed n times weighs n times (BM25's qtf, as
# Lucene and bm25s count it) instead of once.  Long queries (a pasted
# abstract) repeat their key words.
QUERY_TF = True
# Coordination by informativeness: a passage's score is multiplied by
# (idf of the query words it holds / idf of all the query words) **
# COORDINATION, so a passage missing the rarest word cannot win by repeating
# the common ones.  Words are counted once whatever field holds them;
# wildcard and fuzzy expansions are left out of the share.  0 turns it off.
COORDINATION = 1.0
# ... for queries of at most this many distinct words (long queries, such as
# a pasted abstract, rank best as plain sums); None: every query.
COORDINATION_MAX_WORDS: int | None = 6
# How a word's matches in the text, title and section fields combine:
# "bm25f" (BM25F proper: the field frequencies, weighted by FIELD_BOOSTS and
# length-normalised with each field's b, are added before one saturation, so
# a word's score is bounded whichever fields hold it), "sum" (Whoosh's: each
# field saturates on its own and the scores add up, so a common word in all
# three fields can outweigh a rare one), or "max" (the best field's score
# plus FIELD_TIEBREAK times the others').  Wildcard, fuzzy and phrase
# matches are summed over fields whatever this says.
FIELD_COMBINE = "bm25f"
FIELD_TIEBREAK = 0.0


def with_extras(parser):
    """`parser`, or one whose queries get the query-side extras that are on.

    The extras are added when the query is run, inside a wrapper whose only
    child is the parsed query, so highlighting and field checks see the
    user's words alone.  Queries with NOT are left as they are.
    """
    extras = PROXIMITY_WEIGHT > 0 or FEEDBACK_DOCS > 0 or QUERY_TF or COORDINATION > 0
    return _ExtrasParser(parser) if extras else parser


class _ExtrasParser:
    def __init__(self, parser):
        self._parser = parser

    def __getattr__(self, name):
        return getattr(self._parser, name)

    def parse(self, text, **kwargs):
        from whoosh import query as q

        if QUERY_TF and kwargs.get("normalize", True):
            parsed = with_query_tf(self._parser.parse(text, **{**kwargs, "normalize": False})).normalize()
        else:
            parsed = self._parser.parse(text, **kwargs)
        if isinstance(parsed, q.NullQuery.__class__) or parsed is q.NullQuery:
            return parsed
        if FIELD_COMBINE in ("max", "bm25f"):
            parsed = best_field(parsed)
        if any(isinstance(node, q.Not) for node in _nodes(parsed)):
            return parsed
        return _extras_query()(parsed)


def with_query_tf(node):
    """`node` (not yet normalised) with the repeated alternatives of each OR merged into one, boosted by their count."""
    from collections import Counter

    from whoosh import query as q

    if node.is_leaf() or not hasattr(node, "subqueries"):
        return node
    kids = [with_query_tf(k) for k in node.subqueries]
    if type(node) is q.Or:
        counts = Counter(kids)
        if len(counts) < len(kids):
            kids = [k.with_boost(k.boost * counts[k]) for k in dict.fromkeys(kids)]
    return _with_subqueries(node, kids)


def _with_subqueries(node, kids):
    """A shallow copy of the compound query `node` with `kids` as its subqueries.

    (Whoosh's `copy()` deep-copies the whole subtree, once per level: 10% of a
    long query's search time went there.)
    """
    from copy import copy

    rewritten = copy(node)
    rewritten.subqueries = kids
    return rewritten


def _nodes(node, alternatives: bool = True):
    """`node` and every node under it (`alternatives=False`: not those under an acronym's alternative)."""
    yield node
    if not node.is_leaf() and (alternatives or not isinstance(node, _alternative_query())):
        for child in node.children():
            yield from _nodes(child, alternatives)


@lru_cache(maxsize=None)
def _extras_query():
    from whoosh.query.wrappers import WrappingQuery

    class WithExtras(WrappingQuery):
        """The wrapped query plus proximity pairs and feedback words, built when run."""

        _built = None

        def matcher(self, searcher, context=None):
            if self._built is None:
                built = with_proximity(self.child)
                if FEEDBACK_DOCS > 0:
                    built = expand(searcher.get_parent(), built)
                self._built = built
            if COORDINATION <= 0:
                return self._built.matcher(searcher, context)
            shares = word_idfs(searcher.get_parent(), self.child)
            if len(shares) < 2 or (COORDINATION_MAX_WORDS is not None and len(shares) > COORDINATION_MAX_WORDS):
                return self._built.matcher(searcher, context)
            context = context.set(needs_current=True) if context is not None else None
            return _coordination_matcher()(self._built.matcher(searcher, context), shares, COORDINATION,
                                           held_through(self.child, shares))

    return WithExtras


def plain_query_classes():
    """(the wrapper adding the query-side extras, the BM25F word in several fields): the query
    shapes `searcher.bulk_ranking` ranks over posting lists."""
    return _extras_query(), _word_query()


def expanded_query_classes():
    """(the better of the typed words and an alternative, the alternative): the acronym expansions
    `searcher.bulk_ranking` also ranks over posting lists."""
    return _better_of_query(), _alternative_query()


def best_field(node):
    """`node` with each OR's alternatives for one word in several fields made one
    query: a BM25F word (FIELD_COMBINE "bm25f") or a DisjunctionMax ("max")."""
    from whoosh import query as q

    from indexer.schema import SEARCH_FIELDS

    if node.is_leaf() or not hasattr(node, "subqueries"):
        return node
    kids = [best_field(k) for k in node.subqueries]
    if type(node) is q.Or:
        groups: dict = {}
        for kid in kids:
            key = kid.text if type(kid) is q.Term and kid.fieldname in SEARCH_FIELDS else id(kid)
            groups.setdefault(key, []).append(kid)
        combine = _word_in_fields if FIELD_COMBINE == "bm25f" else (
            lambda g: q.DisjunctionMax(g, tiebreak=FIELD_TIEBREAK))
        kids = [g[0] if len(g) == 1 else combine(g) for g in groups.values()]
    return _with_subqueries(node, kids)


def _word_in_fields(terms):
    """One word in several fields, scored as one BM25F term (see `_word_query`)."""
    from whoosh import query as q

    first = terms[0]
    qtf = first.boost / (FIELD_BOOSTS.get(first.fieldname) or 1.0)
    return _word_query()([q.Term(t.fieldname, t.text) for t in terms], boost=qtf)


@lru_cache(maxsize=None)
def _word_query():
    from whoosh import query as q
    from whoosh.matching.wrappers import WrappingMatcher

    class WordInFields(q.CompoundQuery):
        """A word in several fields, scored as BM25F proper: the field frequencies,
        each weighted and length-normalised, are added up before one saturation,
        idf * t (k1 + 1) / (k1 + t), so a word's score is bounded whichever fields hold it.

        Not an `Or` (code that rebuilds ORs must not turn it back into a sum).
        """

        JOINT = " | "

        def matcher(self, searcher, context=None):
            context = context.set(needs_current=True) if context is not None else None
            union = q.Or(self.subqueries).matcher(searcher, context)
            parent = searcher.get_parent()
            reader = searcher.reader()
            fields = {}
            for t in self.subqueries:
                fields[t.fieldname] = (FIELD_BOOSTS.get(t.fieldname, 1.0), FIELD_B.get(t.fieldname, B),
                                       parent.avg_field_length(t.fieldname) or 1.0,
                                       field_lengths(reader, t.fieldname) or _length_of(reader, t.fieldname))
            df = max(parent.doc_frequency(t.fieldname, t.text) for t in self.subqueries)
            idf = lucene_idf(parent.doc_count_all(), df)
            return WordMatcher(union, fields, self.boost * idf)

    class WordMatcher(WrappingMatcher):
        def __init__(self, child, fields, weight):
            super().__init__(child)
            self._fields = fields
            self._weight = weight
            # The leaf matchers stay the same objects while the union moves
            # over them, so they are found once, with their field's constants.
            self._leaves = [(leaf, *fields[leaf.term()[0]]) for leaf in child.term_matchers()]

        def copy(self):
            return self.__class__(self.child.copy(), self._fields, self._weight)

        def _replacement(self, newchild):
            return self.__class__(newchild, self._fields, self._weight)

        def supports_block_quality(self):
            return False

        def max_quality(self):
            return self._weight * (K1 + 1)

        def score(self):
            docnum = self.child.id()
            t = 0.0
            for leaf, boost, b, average, length in self._leaves:
                if leaf.is_active() and leaf.id() == docnum:
                    t += boost * leaf.weight() / (1 - b + b * (length(docnum) or 0) / average)
            return self._weight * t * (K1 + 1) / (K1 + t)

    return WordInFields


def _length_of(reader, fieldname):
    return lambda docnum: reader.doc_field_length(docnum, fieldname, 1)


def word_idfs(searcher, query) -> dict[str, float]:
    """{word: idf} of the plain words of `query` (in the text, title and section fields) found in the index."""
    from whoosh import query as q

    from indexer.schema import SEARCH_FIELDS

    count = searcher.doc_count_all()
    idfs: dict[str, float] = {}
    for node in _nodes(query, alternatives=False):
        if type(node) is q.Term and node.fieldname in SEARCH_FIELDS and node.text not in idfs:
            df = max(searcher.doc_frequency(f, node.text) for f in SEARCH_FIELDS)
            if df:
                idfs[node.text] = lucene_idf(count, df)
    return idfs


@lru_cache(maxsize=None)
def _coordination_matcher():
    from whoosh.matching.wrappers import WrappingMatcher

    class CoordinationMatcher(WrappingMatcher):
        """Scales each score by the idf-weighted share of the query's words the passage holds.

        The factor is at most 1, so the child's quality bounds stay valid bounds.
        """

        def __init__(self, child, idfs, power, through=None):
            super().__init__(child)
            self._words = idfs
            self._through = through or {}
            self._idfs = {w.encode("utf-8"): v for w, v in idfs.items()}  # matchers give terms as bytes
            # A word is also held when every word of one of its alternatives is (an acronym's long form)
            self._ways = {w.encode("utf-8"): [(frozenset(x.encode("utf-8") for x in way), share)
                                              for way, share in ways]
                          for w, ways in self._through.items()}
            wanted = set(self._idfs).union(*(way for ways in self._ways.values() for way, _ in ways))
            self._total = sum(idfs.values())
            self._power = power
            # A term matcher positioned on a passage means its word is there;
            # the matchers are found once (they move, they are not replaced).
            self._leaves = [(leaf, leaf.term()[1]) for leaf in child.term_matchers()
                            if leaf.term()[1] in wanted]

        def copy(self):
            return self.__class__(self.child.copy(), self._words, self._power, self._through)

        def _replacement(self, newchild):
            return self.__class__(newchild, self._words, self._power, self._through)

        def score(self):
            child = self.child
            docnum = child.id()
            held = {text for leaf, text in self._leaves if leaf.is_active() and leaf.id() == docnum}
            share = sum(v for text, v in self._idfs.items() if text in held)
            for word, ways in self._ways.items():  # held through an alternative: in part
                if word not in held:
                    share += self._idfs[word] * max((part for way, part in ways if way <= held), default=0.0)
            return child.score() * (share / self._total) ** self._power

    return CoordinationMatcher


def with_proximity(query):
    """`query` OR'ed with a sloppy phrase for each pair of neighbouring words."""
    from whoosh import query as q

    if PROXIMITY_WEIGHT <= 0:
        return query
    words = []
    for node in _nodes(query, alternatives=False):
        if type(node) is q.Term and node.fieldname == "text" and node.text not in words:
            words.append(node.text)
    pairs = [q.Phrase("text", [a, b], slop=PROXIMITY_SLOP, boost=PROXIMITY_WEIGHT)
             for a, b in zip(words, words[1:])]
    return q.Or([query] + pairs) if pairs else query


def expand(searcher, query):
    """`query` OR'ed with weighted feedback terms from its top passages (Whoosh objects)."""
    from collections import Counter

    from whoosh import query as q

    results = searcher.search(query, limit=FEEDBACK_DOCS)
    scored = [(hit.score, hit.fields()) for hit in results]
    total = sum(score for score, _ in scored)
    if not scored or total <= 0:
        return query
    analyzer = searcher.schema["text"].analyzer
    model: Counter = Counter()
    for score, fields in scored:
        words = [t.text for t in analyzer(f"{fields.get('title', '')} {fields.get('text', '')}")]
        if not words:
            continue
        for word, count in Counter(words).items():
            model[word] += (score / total) * count / len(words)
    original = {text for field, text in query.iter_all_terms() if field == "text"}
    chosen = [(w, p) for w, p in model.most_common() if w not in original and not w.isdigit()]
    chosen = chosen[:FEEDBACK_TERMS]
    mass = sum(p for _, p in chosen)
    if not chosen or mass <= 0 or FEEDBACK_WEIGHT >= 1:
        return query
    share = max(len(original), 1) * FEEDBACK_WEIGHT / (1 - FEEDBACK_WEIGHT)
    extra = [q.Term("text", w, boost=share * p / mass) for w, p in chosen]
    return q.Or([query] + extra)


# ---- acronyms: the form not typed, searched too ---------------------------------
# A typed acronym is also searched as the long form the indexed text defines
# for it (weight LONG_FORM_WEIGHT), and a typed long form as its acronym
# (ACRONYM_WEIGHT) (searcher.expansion).  The alternative is scaled so that a
# passage matching it scores about that weight times what a passage matching
# the typed form equally would: its score is multiplied by the weight times
# the idf of the typed words over the idf of its own (a phrase scores the sum
# of its words).  The typed words score the better of themselves and the
# alternative, not the sum (the sum let passages repeating the acronym
# overtake the right one: SciFact -0.0135*).
# It takes no part in proximity and counts, for coordination, as holding
# that weight's share of the words it stands for (the whole share let
# passages with the long form only overtake the right one: SciFact -0.0039).  0 turns that direction off.  Measured with
# benchmarks/relevance.py (RESULTS.md).
LONG_FORM_WEIGHT = 0.6
ACRONYM_WEIGHT = 0.6


def add_alternative(parsed, typed: tuple[str, ...], alternative, searcher, acronym_typed: bool = True):
    """`parsed` with `alternative` (a Whoosh query for the other form) searched beside the typed words
    (`typed`, their indexed stems), each passage scored by the better of the two (`_graft`); under NOT
    too (`NOT MIIT` leaves out both forms).  `acronym_typed`: whether the typed words are
    the acronym (the alternative its long form).  `parsed` itself when nothing was added."""
    from whoosh import query as q

    from indexer.schema import SEARCH_FIELDS

    extras = _extras_query()
    share = LONG_FORM_WEIGHT if acronym_typed else ACRONYM_WEIGHT
    if share <= 0:
        return parsed
    if isinstance(parsed, extras):
        inner = add_alternative(parsed.child, typed, alternative, searcher, acronym_typed)
        return parsed if inner is parsed.child else extras(inner)
    parent = searcher.get_parent() if hasattr(searcher, "get_parent") else searcher
    count = parent.doc_count_all()

    def idf(stem: str) -> float:
        df = max(parent.doc_frequency(f, stem) for f in SEARCH_FIELDS)
        return lucene_idf(count, df) if df else 0.0

    typed_idf = sum(idf(s) for s in typed)
    if acronym_typed:
        # the long form as one word: its occurrences in the text, BM25-saturated, with the acronym's idf
        # (a phrase's own score sums its words' frequencies: "T cell receptor" scored every "T cell")
        phrases = [n for n in _nodes(alternative) if type(n) in (q.Phrase, q.Term) and n.fieldname == "text"]
        if not phrases or typed_idf <= 0:
            return parsed
        node = _alternative_query()(phrases[0], tuple(typed), share * typed_idf, share, count=True)
    else:
        own = list(dict.fromkeys(_as_str(t) for f, t in alternative.iter_all_terms() if f in SEARCH_FIELDS))
        own_idf = sum(idf(s) for s in own)
        if own_idf <= 0:
            return parsed
        word = best_field(alternative) if FIELD_COMBINE in ("max", "bm25f") else alternative
        node = _alternative_query()(word, tuple(typed), share * typed_idf / own_idf, share)
    grafted, done = _graft(parsed, set(typed), node)
    return grafted if done else parsed


def held_through(query, idfs) -> dict[str, list[tuple[tuple[str, ...], float]]]:
    """{typed word: [(the words of an alternative standing for it, the share it counts for)]}, for the words
    of `idfs`: a passage holding the alternative holds that share of the word, for coordination."""
    from indexer.schema import SEARCH_FIELDS

    through: dict[str, list[tuple[str, ...]]] = {}
    for node in _nodes(query):
        if isinstance(node, _alternative_query()):
            words = tuple(dict.fromkeys(_as_str(t) for f, t in node.child.iter_all_terms() if f in SEARCH_FIELDS))
            for stem in node.stands_for:
                if stem in idfs and words:
                    through.setdefault(stem, []).append((words, node.share))
    return through


def _as_str(text) -> str:
    return text.decode("utf-8") if isinstance(text, bytes) else text


def _word_stem(node, stems: set[str]) -> bool:
    """Whether `node` is one of the typed words: a term, or a word in several fields, of a stem in `stems`."""
    from whoosh import query as q

    from indexer.schema import SEARCH_FIELDS

    if type(node) is q.Term:
        return node.fieldname in SEARCH_FIELDS and _as_str(node.text) in stems
    if isinstance(node, (q.Or, _word_query(), q.DisjunctionMax)) and node.subqueries:
        return all(type(k) is q.Term and k.fieldname in SEARCH_FIELDS and _as_str(k.text) in stems
                   for k in node.subqueries) and len({k.text for k in node.subqueries}) == 1
    return False


def _graft(node, stems: set[str], alternative):
    """(`node` with the typed words of `stems` made the better of themselves and `alternative`, whether found).

    The typed words of one OR are taken together (a long form's words), and
    the alternative takes their place only where it scores more, so passages
    that hold the typed form rank as they did.
    """
    from whoosh import query as q

    def either(typed):
        return _better_of_query()([typed, alternative])

    if _word_stem(node, stems):
        return either(node), True
    if node.is_leaf() or isinstance(node, _alternative_query()):
        return node, False
    if type(node) is q.Or and any(_word_stem(k, stems) for k in node.subqueries):
        typed = [k for k in node.subqueries if _word_stem(k, stems)]
        first = next(n for n, k in enumerate(node.subqueries) if _word_stem(k, stems))
        rest = [k for k in node.subqueries if not _word_stem(k, stems)]
        copy = node.copy()
        copy.subqueries = rest[:first] + [either(typed[0] if len(typed) == 1 else q.Or(typed))] + rest[first:]
        return copy, True
    if isinstance(node, q.Not):
        child, done = _graft(node.query, stems, alternative)
        return (q.Not(child, boost=node.boost), True) if done else (node, False)
    if isinstance(node, q.BinaryQuery):  # AndNot, AndMaybe, Require: (positive, other)
        a, done = _graft(node.a, stems, alternative)
        b = node.b
        if not done:
            b, done = _graft(node.b, stems, alternative)
        if not done:
            return node, False
        copy = node.copy()
        copy.a, copy.b = a, b
        copy.subqueries = (a, b)
        return copy, True
    if hasattr(node, "subqueries"):
        kids, done = [], False
        for kid in node.subqueries:
            if not done:
                kid, done = _graft(kid, stems, alternative)
            kids.append(kid)
        if not done:
            return node, False
        copy = node.copy()
        copy.subqueries = kids
        return copy, True
    return node, False


@lru_cache(maxsize=None)
def _better_of_query():
    from whoosh import query as q
    from whoosh.matching import UnionMatcher

    class BetterOf(q.CompoundQuery):
        """Passages matching either of two queries, scored by the better of the two there.

        (Whoosh's DisjunctionMax scores a passage with a sub-matcher positioned
        on another passage, and drops both sides when one runs out.)
        """

        JOINT = " |max| "

        def matcher(self, searcher, context=None):
            first, second = (sub.matcher(searcher, context) for sub in self.subqueries)
            if not second.is_active():
                return first
            if not first.is_active():
                return second
            return BetterOfMatcher(first, second)

    class BetterOfMatcher(UnionMatcher):
        def score(self):
            here = self.id()
            return max((m.score() for m in (self.a, self.b) if m.is_active() and m.id() == here), default=0.0)

    return BetterOf


@lru_cache(maxsize=None)
def _alternative_query():
    from whoosh.matching.wrappers import WrappingMatcher
    from whoosh.query.wrappers import WrappingQuery

    class Alternative(WrappingQuery):
        """The form of a word the query did not type, scored `weight` times its own score."""

        def __init__(self, child, stands_for=(), weight=1.0, share=1.0, count=False):
            super().__init__(child)
            self.stands_for = tuple(stands_for)
            self.weight = weight  # its scores are multiplied by this (count: its idf-weight)
            self.share = share  # the share of the typed words it counts for (LONG_FORM_WEIGHT, ACRONYM_WEIGHT)
            self.count = count  # scored as one word: its occurrences, saturated, times `weight`

        def _rewrap(self, child):
            return self.__class__(child, self.stands_for, self.weight, self.share, self.count)

        def __eq__(self, other):
            return (type(self) is type(other) and self.child == other.child and self.stands_for == other.stands_for
                    and (self.weight, self.share, self.count) == (other.weight, other.share, other.count))

        def __hash__(self):
            return hash((type(self).__name__, self.child, self.stands_for, self.weight))

        def matcher(self, searcher, context=None):
            if self.count:
                return OccurrencesMatcher(self.child.matcher(searcher, context), self.weight)
            return WrappingMatcher(self.child.matcher(searcher, context), boost=self.weight)

    class OccurrencesMatcher(WrappingMatcher):
        """A phrase (or word) scored as one BM25 word: weight * tf (k1 + 1) / (k1 + tf), tf its occurrences."""

        def _replacement(self, newchild):
            return self.__class__(newchild, self.boost)

        def copy(self):
            return self.__class__(self.child.copy(), self.boost)

        def supports_block_quality(self):
            return False

        def max_quality(self):
            return self.boost * (K1 + 1)

        def score(self):
            child = self.child
            tf = len(child.spans()) if child.supports("positions") or not child.is_leaf() else child.weight()
            return self.boost * tf * (K1 + 1) / (K1 + tf) if tf else 0.0

    return Alternative
