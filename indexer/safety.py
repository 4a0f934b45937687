"""Crash safety: the moments a run must not be cut.

A run can die at any instant (Ctrl-C, kill -9, power).  The index stays
usable because every change becomes visible through one atomic rename:
CURRENT for a new generation, Whoosh's table of contents (TOC) for an update
in place.  What a killed run leaves is debris nobody points to: generation
folders never made current, half-written segment files, `*.tmp` files and
Whoosh's temporary folders.  The next writer, holding the lock, removes it
(`indexer.layout.remove_leftovers`, `indexer.whoosh_internals.remove_orphan_segments`).
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator

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
