"""The base of the package's own exceptions, and the error about documents: each message says what happened and what to do.

Every other error lives next to the code that raises it, under CorpusSearchError:
IndexMissing and IndexDamaged in indexer.layout, IndexLocked in indexer.lock,
WorkerFailed in indexer.parallel, BadQuery in searcher.query, PassageNotFound
in searcher.results.  `searcher` and `indexer` export them.
"""


class CorpusSearchError(Exception):
    """Base class of every error corpus-search raises on purpose."""


class UnreadableDocument(CorpusSearchError):
    """A file that cannot be read as a document (the reason is the message)."""


# Where the errors that used to be defined here live now; `from corpus.errors
# import IndexDamaged` keeps working (loaded on first use: corpus/ itself never
# needs them).
_MOVED = {
    "IndexMissing": "indexer.layout",
    "IndexDamaged": "indexer.layout",
    "IndexLocked": "indexer.lock",
    "BadQuery": "searcher.query",
    "PassageNotFound": "searcher.results",
}


def __getattr__(name: str):
    if name in _MOVED:
        from importlib import import_module

        return getattr(import_module(_MOVED[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
