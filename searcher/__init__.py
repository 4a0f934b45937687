"""A query in, ranked and highlighted passages out (Whoosh; never nltk or bs4).

    from searcher import Searcher
    with Searcher() as s:
        for hit in s.search("export controls", author="Allen", limit=5):
            print(hit.rank, hit.title, hit.highlight())
"""
from corpus.errors import (
    BadQuery,
    CorpusSearchError,
    IndexDamaged,
    IndexLocked,
    IndexMissing,
    PassageNotFound,
)

from .engine import Searcher
from .hits import Hit, Stats

__version__ = "0.1.0"

__all__ = [
    "BadQuery",
    "CorpusSearchError",
    "Hit",
    "IndexDamaged",
    "IndexLocked",
    "IndexMissing",
    "PassageNotFound",
    "Searcher",
    "Stats",
    "__version__",
]
