"""Hold the documents of one file until the whole file has been read.

A file is indexed only if it can be read to the end (otherwise the version
already indexed is kept), so its documents wait here first.  Small files stay
in memory; past SPOOL_CHARS the documents go to a temporary file, so that a
multi-gigabyte JSON Lines file costs disk, not memory.
"""
from __future__ import annotations

import pickle
import tempfile
from typing import Iterable, Iterator

from corpus.model import RawDocument

SPOOL_CHARS = 8_000_000  # text kept in memory before spilling to disk


class Spool:
    """An append-only, iterate-once sequence of documents, in memory or on disk."""

    def __init__(self, limit: int = SPOOL_CHARS):
        self.limit = limit
        self.count = 0
        self.chars = 0
        self._memory: list[RawDocument] = []
        self._file = None

    def append(self, raw: RawDocument) -> None:
        self.count += 1
        self.chars += len(raw.text)
        if self._file is None and self.chars <= self.limit:
            self._memory.append(raw)
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="corpus-search-")
            for held in self._memory:
                pickle.dump(held, self._file, pickle.HIGHEST_PROTOCOL)
            self._memory = []
        pickle.dump(raw, self._file, pickle.HIGHEST_PROTOCOL)

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[RawDocument]:
        if self._file is None:
            yield from self._memory
            return
        self._file.seek(0)
        for _ in range(self.count):
            yield pickle.load(self._file)

    def close(self) -> None:
        self._memory = []
        if self._file is not None:
            self._file.close()
            self._file = None


def spool(documents: Iterable[RawDocument], limit: int = SPOOL_CHARS) -> Spool:
    """All of `documents`, read to the end (exceptions while reading propagate)."""
    held = Spool(limit)
    try:
        for raw in documents:
            held.append(raw)
    except BaseException:
        held.close()
        raise
    return held
