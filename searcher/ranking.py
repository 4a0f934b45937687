"""How passages are scored: BM25F constants, field weights and the idf.

Kept apart from the engine so that ranking can be tuned (and measured with
benchmarks/relevance.py) without touching query handling.  Values are read at
the moment a searcher is opened, so a benchmark may override them.
"""
from __future__ import annotations

from math import log

# BM25F parameters and field weights.
K1 = 0.9
B = 0.75
FIELD_BOOSTS = {"text": 1.0, "title": 0.5, "section": 0.5}
# Length normalisation for particular fields, where it should differ from B.
FIELD_B: dict[str, float] = {}
# "lucene": log(1 + (N - df + 0.5) / (df + 0.5)), as Lucene, Anserini and bm25s;
# "whoosh": Whoosh's own log(N / (df + 1)) + 1, which keeps common words weighty.
IDF = "lucene"


def lucene_idf(doc_count: int, doc_frequency: int) -> float:
    return log(1 + (doc_count - doc_frequency + 0.5) / (doc_frequency + 0.5))


def whoosh_idf(doc_count: int, doc_frequency: int) -> float:
    return log(doc_count / (doc_frequency + 1)) + 1


def bm25f():
    """The BM25F weighting class to score with (a Whoosh WeightingModel subclass)."""
    from whoosh import scoring

    idf_of = lucene_idf if IDF == "lucene" else whoosh_idf

    class BM25F(scoring.BM25F):
        def idf(self, searcher, fieldname, text):
            parent = searcher.get_parent()
            return idf_of(parent.doc_count_all(), parent.doc_frequency(fieldname, text))

    return BM25F
