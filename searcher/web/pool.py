"""Open Searchers shared by the server's threads, reopened when the index moves to a new generation.

A Whoosh searcher reads its files with seek-then-read, so one must not serve
two threads at once: each request borrows a Searcher of its own from the pool
and gives it back.  On borrowing, the index's state is read: the name in its
CURRENT file (a few bytes) and the modification time of that generation's
folder.  `corpus-search index` either switches CURRENT to a new generation or
commits new files into the live one (which changes the folder's time); either
way the stale Searcher is closed and a new one opened, so the server never
needs a restart.  The state is read before a Searcher opens, so a change made
while it opens is caught at the next request.
"""
from __future__ import annotations

import queue
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from indexer.layout import CURRENT_NAME

from ..engine import Searcher

# Searchers kept open: the machines this runs on have 2 to 8 cores, and a
# search holds the GIL most of the time, so more would only cost memory.
POOL_SIZE = 4


class SearcherPool:
    """Up to `size` Searchers on `index_dir`, lent one request at a time."""

    def __init__(self, index_dir: str | Path, size: int = POOL_SIZE):
        self.index_dir = Path(index_dir)
        self._idle: queue.LifoQueue = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(size)
        state = self.state()
        self._idle.put((state, Searcher(self.index_dir, build_default=False)))  # fails now, not at a request

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """A Searcher on the index's current generation, for the length of a `with` block."""
        self._slots.acquire()
        try:
            current = self.state()
            try:
                opened_at, found = self._idle.get_nowait()
            except queue.Empty:
                opened_at, found = None, None
            if found is not None and opened_at != current:
                found.close()
                found = None
            if found is None:
                opened_at, found = current, Searcher(self.index_dir, build_default=False)
            try:
                yield found
            finally:
                self._idle.put((opened_at, found))
        finally:
            self._slots.release()

    def state(self) -> tuple[str, int]:
        """(live generation, its folder's modification time in ns); it changes whenever the index does."""
        try:
            name = (self.index_dir / CURRENT_NAME).read_text(encoding="utf-8").strip()
            return name, (self.index_dir / name).stat().st_mtime_ns
        except (OSError, ValueError):
            return "", 0

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait()[1].close()
            except queue.Empty:
                return
