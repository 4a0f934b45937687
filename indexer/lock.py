"""One writer at a time: an advisory lock file in the index folder.

The operating system releases the lock when its process dies, however it
dies, so a killed run never leaves the index locked.
"""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from corpus.errors import CorpusSearchError

from .layout import LOCK_NAME


class IndexLocked(CorpusSearchError):
    """Another process is writing to the index."""


def _try_lock(fd: int) -> bool:
    try:
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False


@contextmanager
def writer_lock(index_dir: Path, timeout: float = 5.0) -> Iterator[None]:
    """Hold the index's writer lock, waiting up to `timeout` seconds for it."""
    fd = os.open(Path(index_dir) / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise IndexLocked(
                    f"another corpus-search run is writing to {index_dir}; "
                    "wait for it to finish and try again"
                )
            time.sleep(0.1)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def writer_active(index_dir: Path) -> bool:
    """Whether a writer holds the index's lock now (a reader's probe: it takes a shared
    lock for an instant and never creates the lock file).  False where it cannot tell."""
    try:
        import fcntl
    except ImportError:  # Windows: no shared locks to probe with
        return False
    try:
        fd = os.open(Path(index_dir) / LOCK_NAME, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)
