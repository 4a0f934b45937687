"""Two tables of the open index that deep pages need, built on first use once per Searcher.

A page of 1,000 hits read every passage's stored fields (a compressed
pickle each) for its id and, to fold copies, its sentence keys: two thirds
of its time (benchmarks/RESULTS.md).  With these tables it reads none:

- `ids`: docnum -> passage id, from the `id` field's term table (each id is
  a one-posting list kept in the table itself);
- `sharing`: the docnums of the passages that hold a sentence key another
  passage holds, found from the term table's document frequencies.  Only
  these can fold into, or absorb, another passage (`searcher.duplicates`),
  so only their sentence keys need reading.
"""
from __future__ import annotations

from indexer.whoosh_internals import docnums_of_terms, terms_by_frequency

# A page reaching this far down the ranking (first + limit) uses the tables.
DEEP_PAGE = 100


class IndexTables:
    """The tables of one open Whoosh searcher (its generation never changes)."""

    def __init__(self, searcher):
        self._searcher = searcher
        self._ids: dict[int, str] | None = None
        self._sharing: set[int] | None = None

    def ids(self) -> dict[int, str]:
        if self._ids is None:
            ids: dict[int, str] = {}
            for leaf, offset in self._searcher.leaf_searchers():
                for docnum, name in docnums_of_terms(leaf.reader(), "id").items():
                    ids[offset + docnum] = name
            self._ids = ids
        return self._ids

    def sharing(self) -> set[int]:
        if self._sharing is None:
            segments = []
            seen: set = set()
            again: set = set()  # keys held in more than one segment
            for leaf, offset in self._searcher.leaf_searchers():
                reader = leaf.reader()
                every, shared = terms_by_frequency(reader, "sentence_keys")
                again |= seen & every
                seen |= every
                segments.append((reader, offset, every, shared))
            docnums: set[int] = set()
            for reader, offset, every, shared in segments:
                for key in shared | (again & every):
                    docnums.update(offset + d for d in reader.postings("sentence_keys", key).all_ids())
            self._sharing = docnums
        return self._sharing
