"""Crash safety: what a killed run leaves behind, and the moments it must not be cut.

A run can die at any instant (Ctrl-C, kill -9, power).  The index stays
usable because every change becomes visible through one atomic rename:
CURRENT for a new generation, Whoosh's table of contents (TOC) for an update
in place.  What a killed run leaves is debris nobody points to: generation
folders never made current, half-written segment files, `*.tmp` files and
Whoosh's temporary folders.  The next writer, holding the lock, removes it.
"""
from __future__ import annotations

import re
import shutil
import signal
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .schema import CURRENT_NAME

GENERATION_PREFIX = "gen-"
# Whoosh writes its TOC to "<name>_<gen>.toc.<time>" and renames it into place.
_WHOOSH_TEMP_TOC = re.compile(r".*\.toc\.[0-9.]+$")


def is_generation_name(name: str) -> bool:
    return name.startswith(GENERATION_PREFIX) and name[len(GENERATION_PREFIX):].isdigit()


def remove_leftovers(index_dir: Path, live: Path | None) -> None:
    """Delete what killed runs left: other generations, temporary files.  Call with the writer lock held."""
    for entry in index_dir.iterdir():
        if is_generation_name(entry.name) and (live is None or entry.name != live.name):
            shutil.rmtree(entry, ignore_errors=True)
    _unlink(index_dir / (CURRENT_NAME + ".tmp"))
    if live is None or not live.is_dir():
        return
    for entry in live.iterdir():
        if entry.name.endswith(".tmp") or _WHOOSH_TEMP_TOC.match(entry.name):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                _unlink(entry)
    # Segment files that no TOC names: see remove_orphan_segments.


def remove_orphan_segments(ix) -> None:
    """Delete the segment files of a Whoosh index that its latest TOC does not name.

    A writer that was cancelled or killed leaves the files of the segment it
    was writing; Whoosh itself removes them only at its next commit.
    """
    from whoosh.index import clean_files

    toc = ix._read_toc()
    clean_files(ix.storage, ix.indexname, toc.generation, toc.segments)


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Let Ctrl-C wait until the block has finished.

    Used around the few steps that make a run's work visible (commit, manifest,
    CURRENT), so that an interrupted run is either not applied at all or
    applied completely: a Ctrl-C arriving here comes too late to stop the run,
    which finishes normally.  (kill -9 cannot be deferred; the next run
    converges instead.)  Only the main thread can own signal handlers;
    elsewhere the block runs as is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, frame: None)
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
