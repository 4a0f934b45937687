"""Structured documents in, passages in a Whoosh index out.

NLTK is used here (sentence boundaries) and imported only when indexing runs.
`Indexer`, `IndexReport` and `default_jobs` are loaded on first use, so that
the search side, which needs only `indexer.layout` and `indexer.schema`, does
not pay for the indexing machinery.
"""
from corpus.errors import UnreadableDocument

from .layout import IndexDamaged, IndexMissing, IndexWriteFailed
from .lock import IndexLocked

__all__ = ["IndexDamaged", "IndexLocked", "IndexMissing", "IndexWriteFailed", "Indexer", "IndexReport", "UnreadableDocument",
           "WorkerFailed", "default_jobs"]

_LAZY = {"Indexer": ".update", "IndexReport": ".report", "WorkerFailed": ".parallel", "default_jobs": ".parallel"}


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
