"""Bring an index up to date with the files it tracks: the `Indexer`, which runs the steps in order.

plan (indexer.plan) -> read each file and replace its passages
(indexer.changes) -> clean, structure, chunk and write them (indexer.records,
in this process or in workers: indexer.parallel) -> commit.  Only new and
changed files are read; deleted ones are removed; a rebuild writes a new
generation and swaps it in only when it is complete (indexer.layout).
"""
from __future__ import annotations

import shutil
from contextlib import nullcontext, suppress
from pathlib import Path
from typing import Callable, Iterable

from corpus.errors import CorpusSearchError

from . import changes, layout
from . import manifest as mf
from .budget import Budget, budget_handler
from .layout import INDEX_NAME, IndexDamaged
from .lock import writer_lock
from .plan import Plan, plan_update, text_size, track_sources
from .readahead import PdfReadAhead
from .report import IndexReport, Run
from .safety import interrupts_checked, interrupts_deferred, mark_committed
from .schema import build_schema
from .whoosh_internals import DAMAGED_DATA, UnsafeIndexData, open_index, remove_orphan_segments

Progress = Callable[[int, int], None]  # (bytes done, bytes in all)

__all__ = ["Indexer", "IndexReport", "Progress"]


class Indexer:
    """Builds and updates the passage index in `index_dir` (default: the per-user index)."""

    def __init__(self, index_dir: str | Path | None = None, *, lock_timeout: float = 5.0,
                 document_seconds: float | None = None, document_memory_mb: float | None = None):
        """`document_seconds`, `document_memory_mb`: the per-document budget (indexer.budget.Budget.configured)."""
        self.index_dir = layout.index_folder(index_dir)
        self.budget = Budget.configured(document_seconds, document_memory_mb)
        # The default index (per-user folder or $CORPUS_SEARCH_INDEX) starts out
        # tracking the bundled corpus; any other starts out empty.
        self.is_default = layout.is_default_index(self.index_dir)
        self.lock_timeout = lock_timeout

    def update(
        self,
        paths: Iterable[str | Path] | None = None,
        *,
        rebuild: bool = False,
        progress: Progress | None = None,
        jobs: int = 1,
    ) -> IndexReport:
        """Add `paths` to what the index tracks, then index what is new or changed."""
        paths = [layout.expand_user(p) for p in (paths or ())]
        created = not self.index_dir.exists()
        self._make_folder()
        # Only a run holding the lock removes anything, and only what it made:
        # a run that lost the race for a brand-new folder leaves it alone.
        with interrupts_checked(), budget_handler(), writer_lock(self.index_dir, self.lock_timeout):
            try:
                report = self._update_locked(paths, rebuild, progress, jobs)
                with interrupts_deferred():  # the run is complete: a late Ctrl-C does not undo it
                    layout.make_private_as_folder(self.index_dir)
                return report
            except BaseException as exc:  # (an error, a full disk, Ctrl-C)
                if created and layout.current_generation_name(self.index_dir) == "":
                    with suppress(OSError):
                        layout.remove_new_index_folder(self.index_dir)  # leave no empty index behind
                if isinstance(exc, OSError) and not isinstance(exc, CorpusSearchError):
                    raise layout.write_failed(self.index_dir, exc) from exc
                if isinstance(exc, DAMAGED_DATA):  # (met when a commit merges segments: a crafted or
                    # damaged value that the checksums, sealed with it, cannot tell)
                    raise layout.damaged(self.index_dir, f"its data cannot be read: {exc}") from None
                raise

    # -- the steps ---------------------------------------------------------

    def _make_folder(self) -> None:
        if self.index_dir.exists() and not self.index_dir.is_dir():
            raise IndexDamaged(f"{self.index_dir} is a file, not an index folder; choose another --index")
        try:
            self.index_dir.parent.mkdir(parents=True, exist_ok=True)
            # A new index folder is private (0700): what it holds is as private as the
            # documents read into it.  Its files take its permissions (layout.seal).
            self.index_dir.mkdir(mode=layout.NEW_FOLDER_MODE, exist_ok=True)
        except OSError as exc:
            raise IndexDamaged(f"cannot create the index folder {self.index_dir}: {exc.strerror}") from None

    def _update_locked(self, paths: list[Path], rebuild: bool, progress: Progress | None,
                       jobs: int = 1) -> IndexReport:
        live = layout.current_generation(self.index_dir, tolerate_damage=rebuild)
        layout.remove_leftovers(self.index_dir, live)
        fresh = rebuild or live is None
        if fresh:
            manifest = mf.Manifest(sources=list(mf.salvage_sources(self.index_dir, live)))
            if not manifest.sources and not paths and self.is_default:
                manifest.sources.append(mf.BUNDLED)
        else:
            manifest = mf.load_checked(live, self.index_dir)
            self._check_generation(live)
        skipped = track_sources(manifest, paths)
        if not manifest.sources:
            if skipped:
                raise CorpusSearchError(f"nothing to index: {skipped[0].path}: {skipped[0].reason}")
            raise CorpusSearchError(
                f"nothing to index in {self.index_dir}: give the files or folders to add, "
                "e.g. `corpus-search index reports/`"
            )
        plan = plan_update(manifest, fresh)
        plan.skipped[:0] = skipped
        if not fresh:
            return self._apply(plan, manifest, live, fresh, progress, jobs)
        # A fresh generation is written beside the live one and made current
        # only once complete; until then (and if anything fails) it is debris.
        target = layout.new_generation(self.index_dir)
        try:
            report = self._apply(plan, manifest, target, fresh, progress, jobs)
            with interrupts_deferred():
                layout.make_current(self.index_dir, target)
                mark_committed()  # the run is complete: a Ctrl-C from now on is too late to undo it
                mf.save_sources(self.index_dir, manifest.sources)
        except BaseException:
            if layout.current_generation_name(self.index_dir) != target.name:
                shutil.rmtree(target, ignore_errors=True)
            raise
        return report

    def _check_generation(self, live: Path) -> None:
        """Refuse to update a generation that is damaged or whose Whoosh files or sentence model are gone."""
        from .sentences import model_path

        problem = None
        if model_path(live) is None:
            problem = "its sentence model is missing"
        else:
            verified = layout.verify(live, self.index_dir)
            try:
                ix = open_index(live, INDEX_NAME)
                ix.reader().close()
                if not verified.sealed:  # a run killed after its commit: seal what it committed
                    layout.seal(live)
            except UnsafeIndexData as exc:
                problem = str(exc)
            except Exception as exc:  # Whoosh raises many kinds on damaged files
                problem = f"its Whoosh files cannot be read: {exc.__class__.__name__}"
            else:
                remove_orphan_segments(ix)
        if problem:
            raise IndexDamaged(
                f"the index at {self.index_dir} is damaged ({problem}); run `corpus-search index --rebuild`"
            )

    def _apply(self, plan: Plan, manifest: mf.Manifest, target: Path,
               fresh: bool, progress: Progress | None, jobs: int = 1) -> IndexReport:
        """Write the plan into generation `target`: all of it, or (on any failure or Ctrl-C) none of it."""
        from whoosh import index as whoosh_index

        from .parallel import WRITER_LIMITMB, open_sink
        from .sentences import generation_model, lazy_splitter, span_splitter
        from .whoosh_internals import new_writer

        if fresh:
            ix = whoosh_index.create_in(str(target), build_schema(), indexname=INDEX_NAME)
        else:
            ix = open_index(target, INDEX_NAME)
        to_read = {**plan.new, **plan.changed}
        run = Run(splitter=None, skipped=list(plan.skipped),
                  owners={d: k for d, k in manifest.document_owner().items() if k not in plan.removed})
        removed_docs = sum(len(manifest.files[k].documents) for k in plan.removed)
        if not (fresh or to_read or plan.removed):  # nothing to write: leave Whoosh alone
            with interrupts_deferred():
                manifest.save(target)  # records touched-but-unchanged files' new mtimes
                layout.write_acronyms(target, manifest.acronym_table())
                layout.seal(target)
                mf.save_sources(self.index_dir, manifest.sources)
                mark_committed()
            return run.report(plan, manifest, removed_docs, str(self.index_dir))
        ahead = PdfReadAhead(list(to_read.values()), jobs)
        try:
            params_of = generation_model(target, fresh, to_read.values(), self.index_dir, ahead.reached)
        except BaseException:
            ahead.close()
            raise
        run.splitter = lazy_splitter(lambda: span_splitter(params_of()))
        try:
            writer = new_writer(ix, WRITER_LIMITMB)
        except BaseException:
            ahead.close()
            raise

        # Until the commit, nothing of this run is visible.  Should anything
        # fail (or Ctrl-C come), the writer and its workers are cancelled and
        # the segment files they wrote are removed, so the generation is as it
        # was (a fresh generation is deleted whole by the caller).
        def abandon(cancel) -> None:
            with suppress(Exception):  # (the first error is the one to report: a full disk fails here too)
                cancel()
            if not fresh:
                with suppress(Exception):
                    remove_orphan_segments(ix)
                    # (a partial TOC of a failed commit, the temporary folders of workers ended mid-batch)
                    layout.remove_leftovers(self.index_dir, target)

        try:  # (workers get the sentence model when they start: it may be unreadable)
            sink = open_sink(writer, target, INDEX_NAME, params_of, run.splitter, jobs, text_size(to_read.values()),
                             self.budget)
        except BaseException:
            ahead.close()
            abandon(writer.cancel)
            raise
        try:
            with ahead:
                changes.write_plan(plan, manifest, to_read, sink, writer, run, progress, ahead, self.budget)
            # The commit (Whoosh renames its new table of contents into place)
            # is the moment the run's work becomes visible; the manifest follows.
            # A kill between the two is harmless: the next run reads the same
            # files again and replaces their passages (delete by path, then add).
            # A Ctrl-C from here on waits until both are done (but not while
            # the workers finish their last batches: that can still be cut).
            if fresh or run.wrote:
                sink.finish()
            with nullcontext() if fresh else interrupts_deferred():
                if fresh or run.wrote:
                    run.passages += sink.commit()
                    run.skipped.extend(sink.problems)
                    run.forget_failed(manifest, {s.document for s in sink.problems if s.document})
                else:  # every file read failed: nothing to commit
                    sink.cancel()
                    remove_orphan_segments(ix)
                manifest.save(target)
                layout.write_acronyms(target, manifest.acronym_table())  # made afresh: removed files' acronyms go
                layout.seal(target)  # last: the checksums cover what the commit and manifest wrote
                if not fresh:
                    mf.save_sources(self.index_dir, manifest.sources)
                    mark_committed()
                return run.report(plan, manifest, removed_docs, str(self.index_dir))  # (no late Ctrl-C here)
        except BaseException:
            if not writer.is_closed:
                abandon(sink.cancel)
            else:  # the commit itself failed (a full disk): stop the workers, leave no partial files behind
                abandon(sink.stop_workers)
                if not fresh:
                    with suppress(Exception):
                        remove_orphan_segments(ix)
                        layout.remove_leftovers(self.index_dir, target)
            raise
