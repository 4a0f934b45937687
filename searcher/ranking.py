"""How passages are scored: every ranking policy of the searcher, in one place.

BM25F constants, field weights, the idf, kind weights, and the query-side
extras (a proximity bonus; pseudo-relevance feedback, off), kept apart from
query handling.  Every default here was measured with benchmarks/relevance.py
on SciFact and Cranfield (benchmarks/RESULTS.md, "Relevance").  Values are
read when a searcher is opened or a query parsed, so a benchmark may override
them.
"""
from __future__ import annotations

from functools import lru_cache
from math import log

# BM25F parameters and field weights.
K1 = 0.9
B = 0.75
FIELD_BOOSTS = {"text": 1.0, "title": 0.5, "section": 0.5}
# Length normalisation for particular fields, where it should differ from B.
# Titles are short and their lengths vary little; full normalisation (1.0)
# measured slightly better than B on both collections.
FIELD_B: dict[str, float] = {"title": 1.0}
# "lucene": log(1 + (N - df + 0.5) / (df + 0.5)), as Lucene, Anserini and bm25s;
# "whoosh": Whoosh's own log(N / (df + 1)) + 1, which keeps common words weighty.
IDF = "lucene"


# Passages that are not prose (bios, notes, sidebars) are kept searchable but
# their scores are scaled down so that they never outrank prose that matches
# as well.  BM25's length normalisation can favour a very short passage over
# a long one with the same matches by a factor of about 3 at most (with the
# K1 and B above), so the factors stay below 1/3.
KIND_WEIGHTS = {"bio": 0.2, "notes": 0.2, "sidebar": 0.3}


def weighting():
    """The Whoosh weighting model a searcher scores with: BM25F, scaled by the passage's kind."""

    class KindWeighted(bm25f()):
        """BM25F, with the final score scaled by the passage's kind."""

        use_final = True

        def final(self, searcher, docnum, score):
            weights = getattr(searcher, "_kind_weights", None)
            if weights is None:
                weights = searcher._kind_weights = _kind_weights(searcher)
            return score * weights.get(docnum, 1.0)

    field_b = {f"{name}_B": b for name, b in FIELD_B.items()}
    return KindWeighted(B=B, K1=K1, **field_b)


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


def with_extras(parser):
    """`parser`, or one whose queries get the query-side extras that are on.

    The extras are added when the query is run, inside a wrapper whose only
    child is the parsed query, so highlighting and field checks see the
    user's words alone.  Queries with NOT are left as they are.
    """
    return _ExtrasParser(parser) if PROXIMITY_WEIGHT > 0 or FEEDBACK_DOCS > 0 else parser


class _ExtrasParser:
    def __init__(self, parser):
        self._parser = parser

    def __getattr__(self, name):
        return getattr(self._parser, name)

    def parse(self, text, **kwargs):
        from whoosh import query as q

        parsed = self._parser.parse(text, **kwargs)
        if isinstance(parsed, q.NullQuery.__class__) or parsed is q.NullQuery:
            return parsed
        if any(isinstance(node, q.Not) for node in _nodes(parsed)):
            return parsed
        return _extras_query()(parsed)


def _nodes(node):
    yield node
    if not node.is_leaf():
        for child in node.children():
            yield from _nodes(child)


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
            return self._built.matcher(searcher, context)

    return WithExtras


def with_proximity(query):
    """`query` OR'ed with a sloppy phrase for each pair of neighbouring words."""
    from whoosh import query as q

    if PROXIMITY_WEIGHT <= 0:
        return query
    words = []
    for node in _nodes(query):
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
