"""Where documents become passages in the index: in this process, or in workers.

The parent process reads files, decides document ids, deletes replaced
passages and commits; a *sink* takes the documents of each file and turns
them into indexed passages (clean -> structure -> chunk -> analyse -> write).

- `SerialSink` does it in the parent, into the parent's Whoosh writer.
- `ParallelSink` hands batches of documents to N worker processes.  Each
  worker writes its own Whoosh segment (analysis and posting lists included,
  so nothing is analysed twice and the parent does no per-passage work); at
  commit the parent adds the workers' segments to the index's table of
  contents.  Batches go to workers in turn, so passages keep a stable order
  (the same index, run after run).

Both give the same passages.  The Punkt parameters are shipped to each worker
once, when it starts, as plain data.  A document built part by part
(indexer.parts: a long plain text) is written by the parent's own writer
even with workers: the parent holds its text already, and a worker would
hold a second copy (and the parent a pickle of it while sending).
"""
from __future__ import annotations

import os
import queue as queue_module
import sys
from typing import Iterable, Iterator

from corpus.errors import CorpusSearchError
from corpus.model import RawDocument

from . import records
from .budget import Budget, install_in_worker
from .parts import in_parts
from .safety import raise_pending
from .whoosh_internals import (commit_with_segments, finish_worker_segment, memoize_stems, new_writer, open_index,
                               set_posting_buffer)

# Below this much text to read, starting workers costs more than it saves.
MIN_PARALLEL_CHARS = 1_000_000
# Text per batch handed to a worker; a worker holds at most QUEUE_BATCHES batches.
BATCH_CHARS = 200_000
QUEUE_BATCHES = 3
# Posting buffers (MB).  Whoosh's estimate is close to the memory really used;
# past the limit it sorts the buffer into a run on disk and, at commit, merges
# every posting back from disk, which costs a third more time.  The workers
# share one budget, so memory stays bounded whatever the number of jobs.
WRITER_LIMITMB = 256
# Beside a large document (its text held whole; past 8 MB built part by part,
# indexer.parts), the parent's own buffer shrinks by this many MB per MB of the
# document's text, down to MIN_SERIAL_LIMITMB: a 64 MB text leaves 32 MB of
# buffer.  (Set when documents were built whole; with parts a 100 MB text
# peaks at 242 MB in one process, benchmarks/speed.py --memory --jobs 1, so a
# larger buffer would fit: not measured.)
LARGE_DOCUMENT_SHARE = 4
MIN_SERIAL_LIMITMB = 32
WORKERS_LIMITMB = 256
MIN_WORKER_LIMITMB = 64
POLL_SECONDS = 0.5
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def default_jobs() -> int:
    """Worker processes that suit this machine: one per core, at most 4."""
    return min(available_cores(), 4)


def serial_buffer_mb(chars: int) -> int:
    """The parent writer's posting buffer (MB) while it writes a document of `chars` characters."""
    return min(WRITER_LIMITMB, max(MIN_SERIAL_LIMITMB, WRITER_LIMITMB - LARGE_DOCUMENT_SHARE * (chars >> 20)))


class SerialSink:
    """Passages written by the parent's own writer."""

    def __init__(self, writer, splitter, budget: Budget | None = None):
        self.writer = writer
        self.splitter = splitter
        self.budget = budget
        self.passages = 0
        self.problems: list = []  # Skips: documents the cleaning steps choked on
        memoize_stems(writer.schema)

    def start(self) -> None:
        """Nothing to start."""

    def expect(self, chars: int) -> None:
        """Nothing to prepare."""

    def add(self, key: str, documents: Iterable[RawDocument]) -> None:
        self.passages += records.write_documents(self.writer, key, self._buffered(documents), self.splitter,
                                                 self.problems, self.budget)

    def _buffered(self, documents: Iterable[RawDocument]) -> Iterator[RawDocument]:
        """`documents`, the writer's posting buffer set for each: smaller beside a large one."""
        for raw in documents:
            set_posting_buffer(self.writer, serial_buffer_mb(len(raw.text)))
            yield raw

    def finish(self) -> None:
        """Nothing to wait for: every passage is in the writer already."""

    def stop_workers(self) -> None:
        """No workers here."""

    def commit(self) -> int:
        self.writer.commit(optimize=False)
        return self.passages

    def cancel(self) -> None:
        if not self.writer.is_closed:
            self.writer.cancel()


class WorkerFailed(CorpusSearchError):
    """A worker process stopped without finishing its segment."""


class ParallelSink:
    """Passages written by `jobs` worker processes, one new segment each."""

    def __init__(self, writer, index_dir: str, indexname: str, params, jobs: int, budget: Budget | None = None,
                 serial=None):
        import multiprocessing

        from .nltk_internals import params_to_data

        self.writer = writer
        self.open_serial = serial  # (makes the SerialSink that writes documents in parts here)
        self.here: SerialSink | None = None
        self.jobs = jobs
        ctx = multiprocessing.get_context()
        self.results = ctx.Queue()
        self.inboxes = [ctx.Queue(QUEUE_BATCHES) for _ in range(jobs)]
        self.workers = [
            ctx.Process(
                target=_work,
                args=(index_dir, indexname, params_to_data(params), inbox, self.results, n,
                      max(MIN_WORKER_LIMITMB, WORKERS_LIMITMB // jobs), os.getpid(), budget),
                name=f"corpus-search-indexer-{n}",
                daemon=True,
            )
            for n, inbox in enumerate(self.inboxes)
        ]
        self.batch: list[tuple[str, RawDocument]] = []
        self.batch_chars = 0
        self.turn = 0
        self.finished: dict[int, tuple] = {}
        self.problems: list = []

    def start(self) -> None:
        """Start the workers.  Whoever holds this sink can `cancel` it from the moment this is called:
        a Ctrl-C held back while they start lands as this returns, or just after."""
        # Ctrl-C and SIGTERM wait while the workers start: each begins with them
        # blocked, sets its own handling (_die_with_parent), then lets them in.
        blocked = _block_interrupts()
        try:
            for worker in self.workers:
                worker.start()
        except BaseException:
            _unblock_interrupts(blocked)
            self.stop_workers()
            raise
        _unblock_interrupts(blocked)

    def expect(self, chars: int) -> None:
        """The workers are running already."""

    def add(self, key: str, documents: Iterable[RawDocument]) -> None:
        for raw in documents:
            if self.open_serial is not None and in_parts(raw):
                self._write_here(key, raw)
                continue
            self.batch.append((key, raw))
            self.batch_chars += len(raw.text)
            if self.batch_chars >= BATCH_CHARS:
                self._send()

    def _write_here(self, key: str, raw: RawDocument) -> None:
        """A document built part by part, written by the parent's writer, as a SerialSink writes."""
        if self.here is None:
            self.here = self.open_serial()
        self.here.add(key, (raw,))
        self._check()

    def _send(self) -> None:
        if not self.batch:
            return
        self._put(self.turn, self.batch)
        self.turn = (self.turn + 1) % self.jobs
        self.batch, self.batch_chars = [], 0

    def _put(self, n: int, item) -> None:
        while True:
            self._check()
            try:
                self.inboxes[n].put(item, timeout=POLL_SECONDS)
                return
            except queue_module.Full:
                continue

    def _check(self, block: bool = False) -> None:
        """Collect what workers reported; raise the first failure (or an interruption swallowed earlier)."""
        raise_pending()
        while True:
            try:
                message = self.results.get(timeout=POLL_SECONDS) if block else self.results.get_nowait()
            except queue_module.Empty:
                message = None
            if message is not None:
                kind, n, payload = message
                if kind == "error":
                    raise _as_failure(payload)
                self.finished[n] = payload
                continue
            dead = [w for n, w in enumerate(self.workers) if n not in self.finished and not w.is_alive()]
            if dead:
                # A worker may have reported just before exiting: look once more.
                try:
                    message = self.results.get(timeout=POLL_SECONDS)
                except queue_module.Empty:
                    raise WorkerFailed(
                        f"indexing worker {dead[0].name} stopped (exit code {dead[0].exitcode}); "
                        "the index is as it was before this run"
                    ) from None
                kind, n, payload = message
                if kind == "error":
                    raise _as_failure(payload)
                self.finished[n] = payload
                continue
            return

    def finish(self) -> None:
        """Wait until every worker has written its segment (an interruption can still cut this)."""
        self._send()
        for n in range(self.jobs):
            self._put(n, None)
        while len(self.finished) < self.jobs:
            self._check(block=True)
        for worker in self.workers:
            worker.join()

    def commit(self) -> int:
        """Add the workers' segments to the index (call `finish` first)."""
        segments = [self.finished[n][0] for n in range(self.jobs)]
        for n in range(self.jobs):
            self.problems.extend(self.finished[n][2])
        passages = sum(self.finished[n][1] for n in range(self.jobs))
        if self.here is not None:  # (documents written here, in parts)
            self.problems.extend(self.here.problems)
            passages += self.here.passages
        commit_with_segments(self.writer, [s for s in segments if s is not None])
        return passages

    def stop_workers(self) -> None:
        """End the workers now, whatever they are doing (their queues let go of)."""
        for q in (*self.inboxes, self.results):
            # Batches that no worker will read must not keep this process from exiting.
            q.cancel_join_thread()
        for worker in self.workers:
            if worker.pid is not None and worker.is_alive():
                worker.terminate()
        for worker in self.workers:
            if worker.pid is not None:
                worker.join(timeout=5)

    def cancel(self) -> None:
        self.stop_workers()
        if not self.writer.is_closed:
            self.writer.cancel()


def _die_with_parent(parent: int) -> None:
    """Make this worker end when its parent does.

    Ctrl-C reaches every process of the terminal's group: the parent alone
    handles it (and ends its workers).  On Linux the kernel sends SIGKILL
    when the parent dies (the parent-death signal); elsewhere the worker
    notices between batches that it has another parent (`_next_batch`).
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # (the parent's handler came with fork)
    _unblock_interrupts(True)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # it died before the signal was asked for
        os._exit(1)


def _block_interrupts() -> bool:
    """Hold back SIGINT and SIGTERM in this thread; whether they were (where it can be done)."""
    import signal

    if not hasattr(signal, "pthread_sigmask"):
        return False
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    return True


def _unblock_interrupts(blocked: bool) -> None:
    import signal

    if blocked and hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


def _next_batch(inbox, parent: int):
    """The next batch from `inbox`; this process ends if its parent has gone."""
    while True:
        try:
            return inbox.get(timeout=POLL_SECONDS)
        except queue_module.Empty:
            if os.getppid() != parent:
                os._exit(1)


def _work(index_dir: str, indexname: str, params_data: dict, inbox, results, n: int, limitmb: int,
          parent: int, budget: Budget | None = None) -> None:
    """A worker: index batches from `inbox` into a segment of its own until told to stop.
    A document over `budget` is skipped (reported with the segment) and the worker goes on."""
    _die_with_parent(parent)
    try:
        install_in_worker()
        from .nltk_internals import params_from_data
        from .sentences import span_splitter

        ix = open_index(index_dir, indexname)
        writer = new_writer(ix, limitmb, _lk=False)
        memoize_stems(writer.schema)
        splitter = span_splitter(params_from_data(params_data))
        count = 0
        problems: list = []
        while True:
            batch = _next_batch(inbox, parent)
            if batch is None:
                break
            for key, raw in batch:
                count += records.write_documents(writer, key, (raw,), splitter, problems, budget)
        segment = finish_worker_segment(writer)
        results.put(("done", n, (segment, count, problems)))
    except BaseException as exc:  # reported to the parent, which raises it
        results.put(("error", n, _portable(exc)))


def _portable(exc: BaseException) -> BaseException:
    """`exc` if it survives pickling, else a WorkerFailed that names it."""
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return WorkerFailed(f"indexing worker failed: {exc.__class__.__name__}: {exc}")


def _as_failure(exc: BaseException) -> BaseException:
    """What the parent raises for a worker's exception: the package's own errors and
    interruptions as they are, any other error as a WorkerFailed that names it."""
    if isinstance(exc, CorpusSearchError) or not isinstance(exc, Exception):
        return exc
    return WorkerFailed(f"indexing worker failed ({exc.__class__.__name__}: {records.first_line(exc)}); "
                        "the index is as it was before this run")


def open_sink(writer, target, indexname: str, params_of, splitter, jobs: int, text_size: int,
              budget: Budget | None = None):
    """Where this run's documents go: a SerialSink when `jobs` is 1 or there is little to
    read, else a DeferredSink (workers once enough documents need indexing).

    `params_of()` gives the Punkt parameters (shipped to the workers).
    """
    jobs = min(jobs, available_cores())  # more workers than cores only cost memory
    if jobs > 1 and text_size >= MIN_PARALLEL_CHARS:
        def serial() -> SerialSink:
            return SerialSink(writer, splitter, budget)

        return DeferredSink(lambda: ParallelSink(writer, str(target), indexname, params_of(), jobs, budget, serial),
                            serial)
    return SerialSink(writer, splitter, budget)


class DeferredSink:
    """Workers only once there is enough to index.

    The files to read may be large while the documents to index are few: an
    update that changed one record of a large JSON Lines file indexes that
    record alone.  Documents are held until MIN_PARALLEL_CHARS of their text
    has come, then handed, in order, to a ParallelSink; a run that never gets
    there writes them in this process (starting workers would cost more).
    """

    def __init__(self, parallel, serial):
        self.open_parallel, self.open_serial = parallel, serial
        self.sink = None
        self.held: list[tuple[str, RawDocument]] = []
        self.held_chars = 0

    @property
    def problems(self) -> list:
        return self.sink.problems if self.sink is not None else []

    def expect(self, chars: int) -> None:
        """A file of about `chars` characters, all of which will be indexed, is about to be read:
        start the workers now if it makes enough.  Workers are forked: started while the parent
        holds a large document, each would keep a dead copy of it (measured: 64 MB of text made
        the idle worker 100 MB and the parent + workers 528 MB at their peak)."""
        if self.sink is None and self.held_chars + chars >= MIN_PARALLEL_CHARS:
            self._start(self.open_parallel())

    def add(self, key: str, documents: Iterable[RawDocument]) -> None:
        if self.sink is not None:
            self.sink.add(key, documents)
            return
        for raw in documents:
            self.held.append((key, raw))
            self.held_chars += len(raw.text)
        if self.held_chars >= MIN_PARALLEL_CHARS:
            self._start(self.open_parallel())

    def _start(self, sink) -> None:
        self.sink = sink  # (held before its workers start, so that `cancel` finds them)
        sink.start()
        held, self.held = self.held, []
        for key, raw in held:
            sink.add(key, (raw,))

    def finish(self) -> None:
        if self.sink is None:
            self._start(self.open_serial())
        self.sink.finish()

    def commit(self) -> int:
        return self.sink.commit()

    def stop_workers(self) -> None:
        if self.sink is not None:
            self.sink.stop_workers()

    def cancel(self) -> None:
        (self.sink if self.sink is not None else self.open_serial()).cancel()
