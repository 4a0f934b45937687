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
import sys
import threading
from contextlib import contextmanager
from typing import Iterator


class Terminated(KeyboardInterrupt):
    """SIGTERM, as an interruption: the run is abandoned like a Ctrl-C (the CLI exits 143)."""


# Interruptions that came during the run.  One that lands inside a finaliser
# (a weakref callback, a __del__) is swallowed by Python ("Exception
# ignored"): the run raises it again at its next check (`raise_pending`).
_pending: list[type[KeyboardInterrupt]] = []
# Set once the run's work is visible (CURRENT renamed, or the update committed):
# from then on the run is complete, and an interruption that comes later is
# ignored rather than reported as "the index is as it was".
_committed: list[bool] = []
_depth: list[bool] = []  # open `interrupts_checked` blocks


def _interrupt(signum, frame) -> None:
    if _committed:
        return
    kind = Terminated if signum == signal.SIGTERM else KeyboardInterrupt
    _pending.append(kind)
    raise kind()


def mark_committed() -> None:
    """Say that the run's work is now visible (call inside `interrupts_deferred`): later interruptions are ignored."""
    _committed.append(True)


def run_committed() -> bool:
    """Whether the last run of this process made its work visible: an interruption that comes
    after it (while the program reports the run) is not "the index is as it was"."""
    return bool(_committed)


def raise_pending() -> None:
    """Raise an interruption that came and was swallowed (see `_pending`); called between steps."""
    if _pending and not _committed:
        kind = _pending[-1]
        _pending.clear()
        raise kind()


def _quiet_unraisable(previous):
    if getattr(previous, "keeps_interrupts", False):
        return previous

    def hook(unraisable) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            if not _pending:  # (ours notes it before raising it; Python's own handler does not)
                _pending.append(type(unraisable.exc_value))
        else:
            previous(unraisable)
    hook.keeps_interrupts = True
    return hook


def keep_swallowed_interrupts() -> None:
    """From now on, a Ctrl-C that lands inside a finaliser (an import's lock callback, a
    __del__) is kept, not printed as "Exception ignored": the next run raises it at its start
    (`interrupts_checked`), as the command line does before it runs a command.  For programs'
    entry points: it replaces `sys.unraisablehook`, passing everything else on."""
    sys.unraisablehook = _quiet_unraisable(sys.unraisablehook)


@contextmanager
def interrupts_checked() -> Iterator[None]:
    """Inside the block, Ctrl-C and SIGTERM interrupt the run (KeyboardInterrupt, `Terminated`)
    and are never lost, so the run cleans up (its workers, its unfinished files) and ends.
    Once the run has committed (`mark_committed`) they are ignored to the end of the block.

    SIGTERM would otherwise kill the process outright; a program that set its
    own handlers keeps them.  Blocks may nest: the outermost one owns the handlers.
    """
    if _depth:  # nested: the outer block owns the handlers and the state
        _depth.append(True)
        try:
            yield
        finally:
            _depth.pop()
        return
    previous: dict = {}
    if threading.current_thread() is threading.main_thread():
        for signum, default in ((signal.SIGINT, signal.default_int_handler), (signal.SIGTERM, signal.SIG_DFL)):
            try:
                if signal.getsignal(signum) is default:
                    previous[signum] = signal.signal(signum, _interrupt)
            except (ValueError, OSError, AttributeError):
                pass
    hook = sys.unraisablehook
    if previous:
        sys.unraisablehook = _quiet_unraisable(hook)
    _committed.clear()
    _depth.append(True)
    try:
        raise_pending()  # (one that came before the run, swallowed while modules loaded: see keep_swallowed_interrupts)
        yield
    finally:
        _depth.pop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        sys.unraisablehook = hook
        _pending.clear()  # (`_committed` stays until the next run: see `run_committed`)


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Let Ctrl-C (and SIGTERM) wait until the block has finished.

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
    raise_pending()  # one that came before the block (and was swallowed) still stops the run here
    try:
        previous = {signum: signal.signal(signum, lambda signum, frame: None)
                    for signum in (signal.SIGINT, signal.SIGTERM)}
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
