"""The package's own exceptions: each message says what happened and what to do."""


class CorpusSearchError(Exception):
    """Base class of every error corpus-search raises on purpose."""


class UnreadableDocument(CorpusSearchError):
    """A file that cannot be read as a document (the reason is the message)."""


class IndexMissing(CorpusSearchError):
    """No index where one was expected."""


class IndexLocked(CorpusSearchError):
    """Another process is writing to the index."""


class IndexDamaged(CorpusSearchError):
    """The index exists but cannot be used (damaged, or made by another version)."""


class BadQuery(CorpusSearchError):
    """A query that cannot be parsed or run."""


class PassageNotFound(CorpusSearchError):
    """No passage with the given id."""
