"""Structured documents in, passages in a Whoosh index out.

NLTK is used here (sentence boundaries) and imported only when indexing runs.
`Indexer` and `IndexReport` are loaded on first use, so that the search side,
which needs only `indexer.schema`, does not pay for the indexing machinery.
"""
from corpus.errors import UnreadableDocument

from .layout import IndexDamaged, IndexMissing
from .lock import IndexLocked

__all__ = ["IndexDamaged", "IndexLocked", "IndexMissing", "Indexer", "IndexReport", "UnreadableDocument"]


def __getattr__(name: str):
    if name in ("Indexer", "IndexReport"):
        from . import update

        return getattr(update, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
