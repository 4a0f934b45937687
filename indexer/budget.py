"""The per-document budget: a document that takes too long or too much memory is skipped, and the run goes on.

Each document is read (in the indexing process) and turned into passages
(there, or in a worker with --jobs); each of the two steps gets the whole
budget: `Budget.seconds` of wall time (or SECONDS_PER_MB for each MB of a
large document, if that is more: the budget is for documents that cost far
more than their size, not for large ones) and `Budget.memory_mb` of
resident memory grown since the step began.  A step over it raises `OverBudget`;
the document is skipped with that reason.

How it is enforced, and why so: while a step runs, an interval timer
(SIGALRM every WATCH_SECONDS) calls a handler in the step's own thread,
which looks at the clock and at the process's resident set
(/proc/self/statm) and raises once either is over.

- A timer rather than a watchdog thread: the handler runs even inside a
  regular expression that backtracks for ever (the `re` engine checks for
  signals; it never lets another thread take the interpreter lock), and it
  needs no lock that a fork (workers, PDF readers) could copy while held.
- The resident set rather than RLIMIT_AS: an address-space limit counts what
  is only reserved (each thread's malloc arena, mapped index files), so it
  would either be loose or fail an allocation anywhere, in the writer or in
  a queue's feeder thread, where a MemoryError cannot be pinned on the
  document; and in the serial path it would bound the whole run.  The price:
  one allocation made in C between two looks can overshoot the budget
  (the next look stops the document).
- The same in both paths: workers are never killed for a slow document (a
  killed worker takes the passages of every batch it wrote with it); they
  skip it and go on.  Reading a PDF runs native code (PDFium) in a child
  process of its own, with its own bounds (corpus.pdf), which this budget
  also covers: the parent stops waiting and ends the child.

Only the main thread can take signals: a run in another thread of a
program (or in a program that set its own SIGALRM handler) has no budget.
"""
from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from corpus.errors import CorpusSearchError, UnreadableDocument

DEFAULT_SECONDS = 120.0
DEFAULT_MEMORY_MB = 1024.0
SECONDS_VARIABLE = "CORPUS_SEARCH_DOCUMENT_SECONDS"
MEMORY_VARIABLE = "CORPUS_SEARCH_DOCUMENT_MEMORY_MB"
SECONDS_PER_MB = 30.0  # (indexing runs at about 1 MB/s a core, 2-10x slower on a loaded machine)
WATCH_SECONDS = 0.05


@dataclass(frozen=True)
class Budget:
    """What one document may cost in each step: seconds of wall time, MB of resident memory grown.
    0 means no bound."""

    seconds: float = DEFAULT_SECONDS
    memory_mb: float = DEFAULT_MEMORY_MB

    @classmethod
    def configured(cls, seconds: float | None = None, memory_mb: float | None = None) -> "Budget":
        """The given values, else the environment's (CORPUS_SEARCH_DOCUMENT_SECONDS,
        CORPUS_SEARCH_DOCUMENT_MEMORY_MB), else the defaults (120 s, 1024 MB)."""
        return cls(_value(seconds, SECONDS_VARIABLE, DEFAULT_SECONDS),
                   _value(memory_mb, MEMORY_VARIABLE, DEFAULT_MEMORY_MB))

    @property
    def bounded(self) -> bool:
        return self.seconds > 0 or self.memory_mb > 0


def _value(given: float | None, variable: str, default: float) -> float:
    if given is None:
        text = os.environ.get(variable, "").strip()
        if not text:
            return default
        try:
            given = float(text)
        except ValueError:
            raise CorpusSearchError(f"{variable}={text!r} is not a number") from None
    if not given >= 0 or given == float("inf"):
        raise CorpusSearchError(f"a document's budget must be a number of at least 0 (0: no bound), not {given!r}")
    return float(given)


class OverBudget(BaseException):
    """A document went over its budget.  A BaseException, as KeyboardInterrupt is, so that the
    `except Exception` of a parser or cleaning step does not swallow it."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class DocumentOverBudget(UnreadableDocument):
    """Reading a file went over the per-document budget (the file is skipped with this reason)."""


@dataclass
class _Step:
    what: str  # "read" or "process"
    budget: Budget
    seconds: float  # the budget's, or more for a large document
    deadline: float
    memory_limit: int  # resident bytes; 0: none


_step: list[_Step] = []  # the step being watched (at most one)
_installed: list[bool] = []  # whether this process's SIGALRM handler is ours (see `budget_handler`)


def _resident_bytes() -> int:
    """This process's resident set in bytes (0 where /proc does not say)."""
    try:  # (read with os calls, not a file object: this runs twice per document)
        fd = os.open("/proc/self/statm", os.O_RDONLY)
        try:
            return int(os.read(fd, 256).split()[1]) * _PAGE
        finally:
            os.close(fd)
    except (OSError, ValueError, IndexError):
        return 0


try:
    _PAGE = os.sysconf("SC_PAGE_SIZE")
except (AttributeError, ValueError, OSError):
    _PAGE = 4096


def _over(step: _Step) -> str | None:
    if step.seconds > 0 and time.monotonic() >= step.deadline:
        return (f"took longer than {step.seconds:g} s to {step.what} "
                f"(the per-document budget: --document-seconds, {SECONDS_VARIABLE})")
    if step.memory_limit and _resident_bytes() > step.memory_limit:
        return (f"needed more than {step.budget.memory_mb:g} MB to {step.what} "
                f"(the per-document budget: --document-memory, {MEMORY_VARIABLE})")
    return None


def _on_alarm(signum, frame) -> None:
    if _step:
        reason = _over(_step[0])
        if reason:
            raise OverBudget(reason)


@contextmanager
def budget_handler() -> Iterator[None]:
    """Let documents be watched inside the block (`within`): this process's SIGALRM handler is
    ours while it runs, if it can be (the main thread, and no handler of the program's own)."""
    if _installed or threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "setitimer"):
        yield
        return
    try:
        if signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, None):
            yield
            return
        previous = signal.signal(signal.SIGALRM, _on_alarm)
    except (ValueError, OSError, AttributeError):
        yield
        return
    _installed.append(True)
    try:
        yield
    finally:
        _stop_watching()
        _installed.clear()
        signal.signal(signal.SIGALRM, previous)


def _forget_after_fork() -> None:
    """A forked child (a worker, a PDF reader) watches nothing until it says so; timers are not inherited."""
    _step.clear()
    _installed.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)


def install_in_worker() -> None:
    """In a worker process (which runs for the whole run): make SIGALRM this module's."""
    _installed.clear()
    if hasattr(signal, "setitimer"):
        signal.signal(signal.SIGALRM, _on_alarm)
        _installed.append(True)


@contextmanager
def within(budget: Budget, what: str, size: int = 0) -> Iterator[None]:
    """Run the block as one step of one document of `size` characters or bytes (`what`: "read"
    or "process"); raises OverBudget when the step goes over `budget`.  Unwatched without
    `budget_handler`, outside the main thread, or when another step is being watched already."""
    if not (budget.bounded and _installed and not _step
            and threading.current_thread() is threading.main_thread()):
        yield
        return
    now = time.monotonic()
    memory = int(budget.memory_mb * 2**20) if budget.memory_mb > 0 else 0
    resident = _resident_bytes() if memory else 0
    seconds = max(budget.seconds, round(SECONDS_PER_MB * size / 1e6)) if budget.seconds > 0 else 0
    _step.append(_Step(what, budget, seconds, now + seconds, resident + memory if resident else 0))
    signal.setitimer(signal.ITIMER_REAL, WATCH_SECONDS, WATCH_SECONDS)
    try:
        yield
    except BaseException:
        _stop_watching()
        raise
    if _stop_watching():  # the handler fired as the block ended: the step was over its budget all the same
        raise OverBudget(f"went over the per-document budget to {what}")


def _stop_watching() -> bool:
    """Stop the timer and forget the step; whether the handler interrupted this (and so the step)."""
    fired = False
    while True:
        try:
            _step.clear()  # from here the handler does nothing, whenever it runs
            if hasattr(signal, "setitimer"):
                signal.setitimer(signal.ITIMER_REAL, 0, 0)
            return fired
        except OverBudget:
            fired = True
