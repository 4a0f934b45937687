"""The guard on every Searcher method that reads the index: closed Searchers and undecodable data."""
from __future__ import annotations

import functools

from corpus.errors import CorpusSearchError
from indexer import layout
from indexer.whoosh_internals import DAMAGED_DATA

from .query import BadQuery, QueryFailed


class SearcherClosed(CorpusSearchError):
    """A Searcher was used after `close()`."""


def _reads_index(method):
    """A Searcher method that reads the open index: an error once closed, and
    data that cannot be decoded reported as a damaged index."""

    @functools.wraps(method)
    def reading(self, *args, **kwargs):
        if self._searcher is None:
            raise SearcherClosed("this Searcher is closed; open a new one (or use it inside its `with` block)")
        try:
            return method(self, *args, **kwargs)
        except DAMAGED_DATA as exc:
            raise layout.damaged(self.index_dir, f"its data cannot be read: {exc}") from None
        except UnicodeEncodeError as exc:  # a lone surrogate: bytes that were not UTF-8, as in argv
            raise BadQuery(f"{exc.object!r} holds bytes that are not text (not UTF-8); "
                           "nothing in the index can match it") from None
        except QueryFailed as exc:  # (a query Whoosh refuses, or data it cannot read)
            if _fails_a_check(self):
                raise layout.damaged(self.index_dir, f"its data cannot be read: {exc}") from None
            raise
        except CorpusSearchError:
            raise
        except Exception as exc:
            # Whoosh fails in many ways on data that is damaged yet matches its checksums (a folder
            # made so on purpose, or damaged before it was sealed): a full check tells that from a bug.
            if _fails_a_check(self):
                raise layout.damaged(self.index_dir, f"its data cannot be read: {exc.__class__.__name__}") from None
            raise

    return reading


def _fails_a_check(searcher) -> bool:
    """Whether the open index fails `Searcher.check` (every file, stored passage and posting read)."""
    from .checking import check_index

    try:
        check_index(searcher._searcher, searcher.generation, searcher.index_dir)
    except Exception:  # (IndexDamaged, or whatever decoding the damaged data raises)
        return True
    return False
