"""An exception in, one line on stderr and the exit status out: the one place both entry paths turn errors into statuses."""
from __future__ import annotations

from corpus.errors import CorpusSearchError

from .output import PROG, silence_stdout, write

INTERRUPTED = f"{PROG}: interrupted; the index is as it was before this run"
INTERRUPTED_AFTER_RUN = f"{PROG}: interrupted after the index was brought up to date"
# What a command may raise that the CLI reports (anything else is a bug: a traceback).
REPORTED = (KeyboardInterrupt, CorpusSearchError, OSError)


def fail(message: str) -> int:
    """Print `corpus-search: error: MESSAGE` on stderr; the error status, 2."""
    write(f"{PROG}: error: {message}", err=True)
    return 2


def exit_status(exc: BaseException) -> int:
    """Report `exc` (one of REPORTED) as one line on stderr and give the exit status.

    Ctrl-C: 130 (SIGTERM during indexing: 143).  The package's own errors and the system's: 2.  A closed
    pipe (`| head`): 0, with the rest of stdout sent nowhere.
    """
    if isinstance(exc, KeyboardInterrupt):
        from indexer.safety import Terminated, run_committed

        write(INTERRUPTED_AFTER_RUN if run_committed() else INTERRUPTED, err=True)
        return 143 if isinstance(exc, Terminated) else 130
    if isinstance(exc, BrokenPipeError):
        silence_stdout()
        return 0
    if isinstance(exc, OSError):
        return fail(f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""))
    return fail(str(exc))
