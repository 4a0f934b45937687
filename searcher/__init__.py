"""A query in, ranked and highlighted passages out (Whoosh; never nltk or bs4).

    from searcher import Searcher
    with Searcher() as s:
        for hit in s.search("export controls", author="Allen", limit=5):
            print(hit.rank, hit.title, hit.highlight())
"""
from corpus.errors import CorpusSearchError
from indexer.layout import IndexDamaged, IndexMissing
from indexer.lock import IndexLocked

from .query import BadQuery
from .results import PassageNotFound

__version__ = "0.1.0"

# Loaded on first use, so that importing the package (as the `corpus-search`
# command does before anything else) is instant and a Ctrl-C at any moment
# meets the command's own handler rather than an import in progress.
_LAZY = {
    "Searcher": ".engine",
    "SearcherClosed": ".guard",
    "IndexCheck": ".checking",
    "Hit": ".hits",
    "Stats": ".hits",
    "DocumentInfo": ".documents",
    "OutlineEntry": ".documents",
    "Context": ".documents",
    "UnknownDocument": ".ids",
    "AmbiguousId": ".ids",
}


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))

__all__ = [
    "AmbiguousId",
    "BadQuery",
    "Context",
    "DocumentInfo",
    "OutlineEntry",
    "UnknownDocument",
    "CorpusSearchError",
    "Hit",
    "IndexCheck",
    "IndexDamaged",
    "IndexLocked",
    "IndexMissing",
    "PassageNotFound",
    "Searcher",
    "SearcherClosed",
    "Stats",
    "__version__",
]
