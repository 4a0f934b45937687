"""One writer at a time: an advisory lock file in the index folder.

The operating system releases the lock when its process dies, however it
dies, so a killed run never leaves the index locked.  A flock() lock belongs
to the open file description, which fork() shares with the child: a forked
process (an indexing worker) closes its inherited copy of every held lock
descriptor at once, so the lock dies with the run that took it, never
with a worker left behind.
"""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from corpus.errors import CorpusSearchError

from .layout import LOCK_NAME


# Descriptors of the locks this process holds (closed in forked children).
_held: set[int] = set()


def _close_inherited_locks() -> None:
    """In a forked child: let go of the parent's lock descriptors (the parent keeps its lock)."""
    for fd in list(_held):
        try:
            os.close(fd)
        except OSError:
            pass
    _held.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_inherited_locks)


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
    path = Path(index_dir) / LOCK_NAME
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except FileNotFoundError:  # the run we waited for removed the new folder it had made
            raise IndexLocked(f"another corpus-search run removed {index_dir} meanwhile; try again") from None
        _held.add(fd)
        try:
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise IndexLocked(
                        f"another corpus-search run is writing to {index_dir}; "
                        "wait for it to finish and try again"
                    )
                time.sleep(0.1)
            if _is_lock_file(fd, path):
                break
        except BaseException:
            _held.discard(fd)
            os.close(fd)
            raise
        # The run we waited for removed the folder it had created (and this
        # lock file with it): lock the file that is there now.
        _held.discard(fd)
        os.close(fd)
    try:
        yield
    finally:
        _held.discard(fd)
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


def _is_lock_file(fd: int, path: Path) -> bool:
    """Whether the locked descriptor `fd` is still the file at `path` (not one unlinked meanwhile)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)  # closing the descriptor releases the lock
