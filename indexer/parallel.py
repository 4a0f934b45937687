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
once, when it starts, as plain data.
"""
from __future__ import annotations

import os
import queue as queue_module
from typing import Iterable

from corpus.model import RawDocument

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
WORKERS_LIMITMB = 256
MIN_WORKER_LIMITMB = 64
# Stems remembered per analyser before the memo starts afresh (bounded memory).
STEM_MEMO_SIZE = 200_000
POLL_SECONDS = 0.5


def default_jobs() -> int:
    """Worker processes that suit this machine: one per core, at most 4."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


class _StemMemo:
    """A plain dict in front of a stemming function, emptied when it grows past `size`.

    Whoosh's own LFU cache does bookkeeping in Python on every call, which costs
    more than it saves on a corpus's long tail of words.
    """

    def __init__(self, stemfn, size: int = STEM_MEMO_SIZE):
        self.stemfn = stemfn
        self.size = size
        self.memo: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        try:
            return self.memo[word]
        except KeyError:
            pass
        if len(self.memo) >= self.size:
            self.memo.clear()
        stem = self.memo[word] = self.stemfn(word)
        return stem


def memoize_stems(schema) -> None:
    """Give every stemming filter of `schema` a fast memo (process-local; not pickled)."""
    from whoosh.analysis import StemFilter

    seen = set()
    for name in schema.names():
        analyzer = getattr(schema[name], "analyzer", None)
        for item in getattr(analyzer, "items", ()):
            if isinstance(item, StemFilter) and id(item) not in seen:
                seen.add(id(item))
                item._stem = _StemMemo(item._stem)


def new_writer(ix, limitmb: int, **kwargs):
    """A Whoosh SegmentWriter with the project's codec (`indexer.codec`) that looks up
    field lengths once per document, not once per posting."""
    from whoosh.writing import SegmentWriter

    from .codec import PassageCodec

    class LengthCachingWriter(SegmentWriter):
        def _flush_segment(self):
            # As SegmentWriter._flush_segment, with the lengths reader cached.
            self.perdocwriter.close()
            pdr = self.per_document_reader() if self.codec.length_stats else None
            lengths = _FieldLengths(pdr, self.docnum) if pdr is not None else None
            self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
            self.fieldwriter.close()
            if pdr is not None:
                pdr.close()

    return LengthCachingWriter(ix, limitmb=limitmb, codec=PassageCodec(), **kwargs)


class _FieldLengths:
    """`doc_field_length` of a per-document reader, each field's lengths read in one pass
    (`indexer.schema.field_length_bytes`), with the same answers as Whoosh's."""

    def __init__(self, pdr, doccount: int):
        from .schema import length_table

        self.pdr = pdr
        self.table = length_table()
        self.fields: dict[str, bytes | None] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default=0):
        try:
            raw = self.fields[fieldname]
        except KeyError:
            from .schema import field_length_bytes

            raw = self.fields[fieldname] = field_length_bytes(self.pdr, fieldname)
        if raw is None:
            return self.pdr.doc_field_length(docnum, fieldname, default)
        return self.table[raw[docnum] if docnum < len(raw) else 0]


class SerialSink:
    """Passages written by the parent's own writer."""

    def __init__(self, writer, splitter):
        self.writer = writer
        self.splitter = splitter
        self.passages = 0
        self.problems: list = []  # Skips: documents the cleaning steps choked on
        memoize_stems(writer.schema)

    def add(self, key: str, documents: Iterable[RawDocument]) -> None:
        self.passages += write_documents(self.writer, key, documents, self.splitter, self.problems)

    def commit(self) -> int:
        self.writer.commit(optimize=False)
        return self.passages

    def cancel(self) -> None:
        if not self.writer.is_closed:
            self.writer.cancel()


# What a bug in the cleaning steps may raise on odd text: reported for that
# document, which is left out; the run goes on.
DOCUMENT_ERRORS = (RecursionError, ValueError, TypeError, KeyError, IndexError,
                   AttributeError, AssertionError, UnicodeError)


def write_documents(writer, key: str, documents: Iterable[RawDocument], splitter, problems: list) -> int:
    """Clean, structure and chunk `documents`; add their passages to `writer`.

    A document that cannot be processed is appended to `problems` as a Skip.
    Its passages are built in full before any is written, so it is all or nothing.
    """
    from corpus.readers import Skip
    from corpus.structure import build_document

    from .chunk import chunk_document
    from .document_meta import document_meta
    from .update import _first_line, _record

    count = 0
    for raw in documents:
        try:
            doc = build_document(raw)
            passages = list(chunk_document(doc, splitter))
            meta = document_meta(doc, key, raw.format)
        except DOCUMENT_ERRORS as exc:
            problems.append(Skip(raw.path, f"document {raw.id!r} could not be processed "
                                           f"({exc.__class__.__name__}: {_first_line(exc)})", raw.id))
            continue
        for passage in passages:
            record = _record(passage, key)
            if passage.ordinal == 1:
                record["document_meta"] = meta
            writer.add_document(**record)
        count += len(passages)
    return count


class WorkerFailed(RuntimeError):
    """A worker process stopped without finishing its segment."""


class ParallelSink:
    """Passages written by `jobs` worker processes, one new segment each."""

    def __init__(self, writer, index_dir: str, indexname: str, params, jobs: int):
        import multiprocessing

        from .sentences import params_to_data

        self.writer = writer
        self.jobs = jobs
        ctx = multiprocessing.get_context()
        self.results = ctx.Queue()
        self.inboxes = [ctx.Queue(QUEUE_BATCHES) for _ in range(jobs)]
        self.workers = [
            ctx.Process(
                target=_work,
                args=(index_dir, indexname, params_to_data(params), inbox, self.results, n,
                      max(MIN_WORKER_LIMITMB, WORKERS_LIMITMB // jobs)),
                name=f"corpus-search-indexer-{n}",
                daemon=True,
            )
            for n, inbox in enumerate(self.inboxes)
        ]
        for worker in self.workers:
            worker.start()
        self.batch: list[tuple[str, RawDocument]] = []
        self.batch_chars = 0
        self.turn = 0
        self.finished: dict[int, tuple] = {}
        self.problems: list = []

    def add(self, key: str, documents: Iterable[RawDocument]) -> None:
        for raw in documents:
            self.batch.append((key, raw))
            self.batch_chars += len(raw.text)
            if self.batch_chars >= BATCH_CHARS:
                self._send()

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
        """Collect what workers reported; raise the first failure."""
        while True:
            try:
                message = self.results.get(timeout=POLL_SECONDS) if block else self.results.get_nowait()
            except queue_module.Empty:
                message = None
            if message is not None:
                kind, n, payload = message
                if kind == "error":
                    raise payload
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
                    raise payload
                self.finished[n] = payload
                continue
            return

    def commit(self) -> int:
        self._send()
        for n in range(self.jobs):
            self._put(n, None)
        while len(self.finished) < self.jobs:
            self._check(block=True)
        for worker in self.workers:
            worker.join()
        segments = [self.finished[n][0] for n in range(self.jobs)]
        for n in range(self.jobs):
            self.problems.extend(self.finished[n][2])
        commit_with_segments(self.writer, [s for s in segments if s is not None])
        return sum(self.finished[n][1] for n in range(self.jobs))

    def cancel(self) -> None:
        for worker in self.workers:
            if worker.is_alive():
                worker.terminate()
        for worker in self.workers:
            worker.join(timeout=5)
        if not self.writer.is_closed:
            self.writer.cancel()


def commit_with_segments(writer, segments: list) -> None:
    """Commit `writer` as `writer.commit(optimize=False)` does, plus finished `segments`."""
    final = writer._merge_segments(None, False, True)
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(final + list(segments))
    writer._finish()


def _work(index_dir: str, indexname: str, params_data: dict, inbox, results, n: int, limitmb: int) -> None:
    """A worker: index batches from `inbox` into a segment of its own until told to stop."""
    try:
        from whoosh import index as whoosh_index

        from .sentences import params_from_data, span_splitter

        ix = whoosh_index.open_dir(index_dir, indexname=indexname)
        writer = new_writer(ix, limitmb, _lk=False)
        memoize_stems(writer.schema)
        splitter = span_splitter(params_from_data(params_data))
        count = 0
        problems: list = []
        while True:
            batch = inbox.get()
            if batch is None:
                break
            for key, raw in batch:
                count += write_documents(writer, key, (raw,), splitter, problems)
        segment = writer._finalize_segment() if writer._added else None
        if segment is None:
            writer._close_segment()
        # Not writer._finish(): that would delete the temporary folder, which
        # the parent's writer and the other workers share (the parent does it).
        writer.is_closed = True
        results.put(("done", n, (segment, count, problems)))
    except BaseException as exc:  # reported to the parent, which raises it
        results.put(("error", n, _portable(exc)))


def _portable(exc: BaseException) -> BaseException:
    """`exc` if it survives pickling, else a RuntimeError that names it."""
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"indexing worker failed: {exc.__class__.__name__}: {exc}")


def open_sink(writer, target, indexname: str, params_of, splitter, jobs: int, text_size: int):
    """Where this run's documents go: a SerialSink when `jobs` is 1 or there is little to
    read, else a DeferredSink (workers once enough documents need indexing).

    `params_of()` gives the Punkt parameters (shipped to the workers).
    """
    if jobs > 1 and text_size >= MIN_PARALLEL_CHARS:
        return DeferredSink(lambda: ParallelSink(writer, str(target), indexname, params_of(), jobs),
                            lambda: SerialSink(writer, splitter))
    return SerialSink(writer, splitter)


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
        self.sink = sink
        held, self.held = self.held, []
        for key, raw in held:
            sink.add(key, (raw,))

    def commit(self) -> int:
        if self.sink is None:
            self._start(self.open_serial())
        return self.sink.commit()

    def cancel(self) -> None:
        (self.sink if self.sink is not None else self.open_serial()).cancel()
