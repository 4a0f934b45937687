"""Structured documents in, passages in a Whoosh index out.

NLTK is used here (sentence boundaries) and imported only when indexing runs.
"""
from corpus.errors import IndexDamaged, IndexLocked, UnreadableDocument

from .update import Indexer, IndexReport

__all__ = ["IndexDamaged", "IndexLocked", "Indexer", "IndexReport", "UnreadableDocument"]
