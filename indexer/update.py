"""Bring an index up to date with the files it tracks.

read -> clean and structure (corpus) -> chunk -> record (Whoosh).  Only new
and changed files are read; deleted ones are removed; a rebuild writes a new
generation and swaps it in only when it is complete.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from contextlib import nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from corpus.errors import CorpusSearchError, IndexDamaged, UnreadableDocument
from corpus.model import RawDocument
from corpus.readers import Note, Skip, file_digest, find_files, read_file, without_surrogates
from corpus.sidecar import sidecar_signature

from . import manifest as mf
from .chunk import Passage
from .lock import writer_lock
from .safety import interrupts_deferred, is_generation_name, remove_leftovers, remove_orphan_segments
from .schema import (
    CURRENT_NAME,
    INDEX_NAME,
    PUNKT_NAME,
    SCHEMA_VERSION,
    build_schema,
    current_generation,
    default_index_dir,
)

Progress = Callable[[int, int], None]  # (bytes done, bytes in all)


@dataclass(frozen=True)
class IndexReport:
    """What an update did, in documents."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: tuple[Skip, ...] = ()
    index: str = ""
    passages: int = 0  # passages written in this run
    notes: tuple[Note, ...] = ()  # files read, but with a caveat (e.g. not UTF-8)

    def as_dict(self) -> dict:
        """The `index --json` object; `notes` appears only when there are some."""
        out = {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
        }
        if self.notes:
            out["notes"] = [{"path": n.path, "note": n.reason} for n in self.notes]
        return out


@dataclass
class _Plan:
    new: dict[str, Path] = field(default_factory=dict)
    changed: dict[str, Path] = field(default_factory=dict)
    unchanged: dict[str, Path] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)


class Indexer:
    """Builds and updates the passage index in `index_dir` (default: the per-user index)."""

    def __init__(self, index_dir: str | Path | None = None, *, lock_timeout: float = 5.0):
        self.index_dir = Path(index_dir).expanduser() if index_dir else default_index_dir()
        # The default index (per-user folder or $CORPUS_SEARCH_INDEX) starts out
        # tracking the bundled corpus; any other starts out empty.
        self.is_default = self.index_dir.resolve() == default_index_dir().resolve()
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
        paths = [Path(p).expanduser() for p in (paths or ())]
        created = not self.index_dir.exists()
        self._make_folder()
        try:
            with writer_lock(self.index_dir, self.lock_timeout):
                return self._update_locked(paths, rebuild, progress, jobs)
        except CorpusSearchError:
            if created and current_generation_name(self.index_dir) == "":
                shutil.rmtree(self.index_dir, ignore_errors=True)  # leave no empty index behind
            raise

    # -- the steps ---------------------------------------------------------

    def _make_folder(self) -> None:
        if self.index_dir.exists() and not self.index_dir.is_dir():
            raise IndexDamaged(f"{self.index_dir} is a file, not an index folder; choose another --index")
        try:
            self.index_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise IndexDamaged(f"cannot create the index folder {self.index_dir}: {exc.strerror}") from None

    def _update_locked(self, paths: list[Path], rebuild: bool, progress: Progress | None,
                       jobs: int = 1) -> IndexReport:
        live = self._live_generation(tolerate_damage=rebuild)
        remove_leftovers(self.index_dir, live)
        if rebuild or live is None:
            old_manifest = None
            sources = mf.salvage_sources(self.index_dir, live)
        else:
            old_manifest = self._load_manifest(live)
            self._check_generation(live)
            sources = old_manifest.sources
        fresh = old_manifest is None
        if fresh:
            manifest = mf.Manifest(sources=list(sources))
            if not manifest.sources and not paths and self.is_default:
                manifest.sources.append(mf.BUNDLED)
        else:
            manifest = old_manifest
        skipped: list[Skip] = []
        for path in paths:
            if path.exists() or path.is_symlink():
                manifest.add_source(_source_key(path))
            else:
                skipped.append(Skip(str(path), "no such file or folder"))
        if not manifest.sources:
            if skipped:
                raise CorpusSearchError(f"nothing to index: {skipped[0].path}: {skipped[0].reason}")
            raise CorpusSearchError(
                f"nothing to index in {self.index_dir}: give the files or folders to add, "
                "e.g. `corpus-search index reports/`"
            )
        plan = self._plan(manifest, fresh)
        plan.skipped[:0] = skipped
        target = self._new_generation() if fresh else live
        try:
            report = self._apply(plan, manifest, target, fresh, progress, jobs)
            if fresh:
                with interrupts_deferred():
                    self._switch_to(target)
                    mf.save_sources(self.index_dir, manifest.sources)
        except BaseException:
            if fresh and current_generation_name(self.index_dir) != target.name:
                shutil.rmtree(target, ignore_errors=True)
            raise
        return report

    def _live_generation(self, tolerate_damage: bool) -> Path | None:
        try:
            return current_generation(self.index_dir)
        except IndexDamaged:
            if tolerate_damage:
                return None
            raise

    def _check_generation(self, live: Path) -> None:
        """Refuse to update a generation whose Whoosh files or sentence model are gone."""
        from whoosh import index as whoosh_index

        from .sentences import model_path

        problem = None
        if model_path(live) is None:
            problem = "its sentence model is missing"
        else:
            try:
                ix = whoosh_index.open_dir(str(live), indexname=INDEX_NAME)
                ix.reader().close()
            except Exception as exc:  # Whoosh raises many kinds on damaged files
                problem = f"its Whoosh files cannot be read: {exc.__class__.__name__}"
            else:
                remove_orphan_segments(ix)
        if problem:
            raise IndexDamaged(
                f"the index at {self.index_dir} is damaged ({problem}); run `corpus-search index --rebuild`"
            )

    def _load_manifest(self, generation: Path) -> mf.Manifest:
        try:
            manifest = mf.Manifest.load(generation)
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            raise IndexDamaged(
                f"the index at {self.index_dir} is damaged (its manifest cannot be read: {exc.__class__.__name__}); "
                "run `corpus-search index --rebuild`"
            ) from None
        if manifest.schema_version != SCHEMA_VERSION:
            raise IndexDamaged(
                f"the index at {self.index_dir} was made by another version of corpus-search; "
                "run `corpus-search index --rebuild`"
            )
        return manifest

    def _plan(self, manifest: mf.Manifest, fresh: bool) -> _Plan:
        plan = _Plan()
        found: dict[str, Path] = {}
        roots = [mf.resolve_source(s) for s in manifest.sources]
        for item in find_files(roots):
            if isinstance(item, Skip):
                plan.skipped.append(item)
            else:
                found.setdefault(_source_key(item), item)
        for key, path in found.items():
            record = None if fresh else manifest.files.get(key)
            if record is None:
                plan.new[key] = path
            elif self._is_unchanged(path, record):
                plan.unchanged[key] = path
            else:
                plan.changed[key] = path
        if not fresh:
            # A file under a folder that could not be opened this time is kept as it was.
            unopened = [_source_key(Path(s.path)) for s in plan.skipped if s.reason.startswith("cannot open folder")]
            for key in manifest.files:
                if key in found:
                    continue
                if any(key.startswith(folder.rstrip(os.sep) + os.sep) for folder in unopened):
                    plan.unchanged[key] = Path(key)
                else:
                    plan.removed.append(key)
        return plan

    @staticmethod
    def _is_unchanged(path: Path, record: mf.FileRecord) -> bool:
        try:
            st = path.stat()
        except OSError:
            return False
        if sidecar_signature(path) != record.sidecars:
            return False
        if st.st_size == record.size and st.st_mtime_ns == record.mtime_ns:
            return True
        if st.st_size != record.size:
            return False
        if file_digest(path) == record.sha256:
            record.mtime_ns = st.st_mtime_ns  # touched, not changed
            return True
        return False

    def _new_generation(self) -> Path:
        numbers = [int(p.name[4:]) for p in self.index_dir.iterdir() if is_generation_name(p.name)]
        target = self.index_dir / f"gen-{max(numbers, default=0) + 1:06d}"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        return target

    def _switch_to(self, target: Path) -> None:
        """Make `target` the live generation (atomic), then delete the others."""
        pointer = self.index_dir / CURRENT_NAME
        tmp = pointer.with_name(CURRENT_NAME + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(target.name + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(pointer)
        remove_leftovers(self.index_dir, target)

    def _load_model(self, generation: Path):
        """The sentence model kept in `generation`, or IndexDamaged if it cannot be read."""
        from .sentences import load_params, model_path

        path = model_path(generation) or generation / PUNKT_NAME
        try:
            return load_params(path)
        except Exception as exc:  # unreadable, not JSON, a pickle of something else...
            raise IndexDamaged(
                f"the index at {self.index_dir} is damaged (its sentence model {path.name} cannot be read: "
                f"{exc.__class__.__name__}); run `corpus-search index --rebuild`"
            ) from None

    def _apply(self, plan: _Plan, manifest: mf.Manifest, target: Path,
               fresh: bool, progress: Progress | None, jobs: int = 1) -> IndexReport:
        from whoosh import index as whoosh_index

        from .parallel import WRITER_LIMITMB, new_writer, open_sink
        from .sentences import save_params, span_splitter, train_punkt

        if fresh:
            ix = whoosh_index.create_in(str(target), build_schema(), indexname=INDEX_NAME)
        else:
            ix = whoosh_index.open_dir(str(target), indexname=INDEX_NAME)
        to_read = {**plan.new, **plan.changed}
        run = _Run(splitter=None, skipped=list(plan.skipped),
                   owners={d: k for d, k in manifest.document_owner().items() if k not in plan.removed})
        removed_docs = sum(len(manifest.files[k].documents) for k in plan.removed)
        if not (fresh or to_read or plan.removed):  # nothing to write: leave Whoosh alone
            with interrupts_deferred():
                manifest.save(target)  # records touched-but-unchanged files' new mtimes
                mf.save_sources(self.index_dir, manifest.sources)
            return self._report(plan, manifest, run, removed_docs)
        punkt_path = target / PUNKT_NAME
        if fresh:  # a fresh generation: learn sentence boundaries once, keep them
            trained = train_punkt(_training_texts(to_read.values()))
            save_params(trained, punkt_path)
            params_of = lambda: trained  # noqa: E731
        else:  # loaded when a document needs it: bad files alone cost no NLTK import
            params_of = _once(lambda: self._load_model(target))
        run.splitter = _lazy_splitter(lambda: span_splitter(params_of()))
        total_bytes = sum(_size(p) for p in to_read.values()) or 1
        done_bytes = 0
        writer = new_writer(ix, WRITER_LIMITMB)

        def abandon(cancel) -> None:
            cancel()
            if not fresh:  # (a fresh generation is deleted whole)
                with suppress(Exception):
                    remove_orphan_segments(ix)

        try:  # (workers get the sentence model when they start: it may be unreadable)
            sink = open_sink(writer, target, INDEX_NAME, params_of, run.splitter, jobs,
                             _text_size(to_read.values()))
        except BaseException:
            abandon(writer.cancel)
            raise
        try:
            for key in plan.removed:
                writer.delete_by_term("path", _path_term(key))
                del manifest.files[key]
                run.wrote = True
            for key, path in to_read.items():
                record = self._index_file(sink, writer, key, path, manifest.files.get(key), run)
                if record is None:
                    if key in manifest.files:
                        plan.unchanged[key] = path  # keep the version already indexed
                else:
                    manifest.files[key] = record
                done_bytes += _size(path)
                if progress:
                    progress(min(done_bytes, total_bytes), total_bytes)
            # The commit (Whoosh renames its new table of contents into place)
            # is the moment the run's work becomes visible; the manifest follows.
            # A kill between the two is harmless: the next run reads the same
            # files again and replaces their passages (delete by path, then add).
            with nullcontext() if fresh else interrupts_deferred():
                if fresh or run.wrote:
                    run.passages += sink.commit()
                    run.skipped.extend(sink.problems)
                    _forget_failed(manifest, run, {s.document for s in sink.problems if s.document})
                else:  # every file read failed: nothing to commit
                    sink.cancel()
                    remove_orphan_segments(ix)
                manifest.save(target)
                if not fresh:
                    mf.save_sources(self.index_dir, manifest.sources)
        except BaseException:
            if not writer.is_closed:
                abandon(sink.cancel)
            raise
        return self._report(plan, manifest, run, removed_docs)

    def _report(self, plan: _Plan, manifest: mf.Manifest, run: "_Run", removed_docs: int) -> IndexReport:
        unchanged = sum(len(manifest.files[k].documents) for k in plan.unchanged if k in manifest.files)
        return IndexReport(
            added=run.counts["added"],
            updated=run.counts["updated"],
            removed=removed_docs + run.counts["removed"],
            unchanged=unchanged + run.counts["unchanged"],
            skipped=tuple(run.skipped),
            index=str(self.index_dir),
            passages=run.passages,
            notes=tuple(run.notes),
        )

    def _index_file(self, sink, writer, key: str, path: Path, old: mf.FileRecord | None,
                    run: "_Run") -> mf.FileRecord | None:
        """Bring the passages of one file up to date; its new record, or None if nothing could be read.

        Documents are streamed (a JSON Lines file may be larger than memory).
        Old passages are deleted only once a document has been read, so a
        file that cannot be read at all keeps its old version.  In a file of
        many documents (JSON Lines) whose record has per-document digests,
        only the documents that changed are replaced.
        """
        try:
            stat = path.stat()
            digest = file_digest(path)
            sidecars = sidecar_signature(path)
        except OSError as exc:
            run.skipped.append(Skip(str(path), _reason(exc, path)))
            return None
        old_digests = old.digests if old is not None and old.digests else {}
        old_documents = set(old.documents) if old is not None else set()
        docs: list[str] = []
        digests: dict[str, str] = {}
        replaced = False
        try:
            for raw in self._documents_of(path, key, run, docs):
                digests[raw.id] = _document_digest(raw)
                if old_digests:
                    if old_digests.get(raw.id) == digests[raw.id]:
                        run.counts["unchanged"] += 1
                        continue
                    writer.delete_by_term("document", raw.id)
                elif not replaced:
                    writer.delete_by_term("path", _path_term(key))
                    replaced = True
                run.wrote = True
                label = "updated" if raw.id in old_documents else "added"
                run.counts[label] += 1
                run.labels[raw.id] = label
                sink.add(key, (raw,))  # cleaned, structured, chunked and written there
        except (UnreadableDocument, OSError) as exc:
            if not docs:
                run.skipped.append(Skip(str(path), _reason(exc, path)))
                return None
            # Read in part: keep what was read (and, in a file read document by
            # document, the old versions of the rest); a size of -1 makes the
            # next run try again.
            run.skipped.append(Skip(str(path), _reason(exc, path) + f" (kept the {len(docs)} documents before it)"))
            rest = {d: h for d, h in old_digests.items() if d not in digests}
            return mf.FileRecord(-1, stat.st_mtime_ns, digest, docs + list(rest), {**digests, **rest}, sidecars)
        if old_digests:
            for doc_id in old_digests.keys() - digests.keys():
                writer.delete_by_term("document", doc_id)
                run.counts["removed"] += 1
                run.wrote = True
        elif not replaced:
            writer.delete_by_term("path", _path_term(key))
            run.wrote = True
        if old is not None and not old_digests:  # documents of the old version that are gone
            run.counts["removed"] += len(set(old.documents) - set(docs))
        return mf.FileRecord(stat.st_size, stat.st_mtime_ns, digest, docs,
                             digests if len(docs) > 1 else {}, sidecars)

    @staticmethod
    def _documents_of(path: Path, key: str, run: "_Run", docs: list[str]) -> Iterator[RawDocument]:
        """The file's documents, with ids made unique across the index; notes and skips go to `run`."""
        taken = set(docs)  # `docs` as a set: a JSON Lines file may hold millions of records
        for item in read_file(path):
            if isinstance(item, Note):
                run.notes.append(item)
                continue
            if isinstance(item, Skip):
                run.skipped.append(item)
                continue
            doc_id = _unique_id(item.id, key, run.owners, taken)
            if doc_id is None:
                run.skipped.append(Skip(f"{path}", f"duplicate document id {item.id!r} in this file"))
                continue
            if doc_id != item.id:
                item = _with_id(item, doc_id)
            run.owners[doc_id] = key
            docs.append(doc_id)
            taken.add(doc_id)
            yield item


@dataclass
class _Run:
    """What one update collects as it goes."""

    splitter: Callable[[str], list[tuple[int, int]]] | None
    owners: dict[str, str]
    skipped: list[Skip]
    notes: list[Note] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: {"added": 0, "updated": 0, "unchanged": 0, "removed": 0})
    passages: int = 0
    wrote: bool = False  # whether anything was deleted or added
    labels: dict[str, str] = field(default_factory=dict)  # document id -> "added" / "updated"


def _forget_failed(manifest: mf.Manifest, run: _Run, failed: set[str]) -> None:
    """Documents that could not be processed: not counted as added or updated, not
    recorded as indexed (the next run tries them again and reports them again)."""
    if not failed:
        return
    for doc_id in failed:
        label = run.labels.pop(doc_id, None)
        if label:
            run.counts[label] -= 1
    for record in manifest.files.values():
        if failed & set(record.documents):
            record.documents = [d for d in record.documents if d not in failed]
            record.digests = {d: h for d, h in record.digests.items() if d not in failed}
            # Read the file again next time; with per-document digests only the
            # documents that failed are processed again.
            record.size = -1


def _once(make):
    """`make()`, called on first use and remembered."""
    made = []

    def value():
        if not made:
            made.append(make())
        return made[0]

    return value


def _lazy_splitter(make: Callable[[], Callable[[str], list[tuple[int, int]]]]):
    """A sentence splitter built on its first use."""
    made = []

    def spans(text: str) -> list[tuple[int, int]]:
        if not made:
            made.append(make())
        return made[0](text)

    return spans


def current_generation_name(index_dir: Path) -> str:
    """The name CURRENT holds, or "" (never raises)."""
    try:
        return (Path(index_dir) / CURRENT_NAME).read_text(encoding="utf-8").strip()
    except (OSError, ValueError):
        return ""


def _source_key(path: Path) -> str:
    """How a path is recorded; a symbolic link loop is kept by its absolute path."""
    try:
        return mf.source_key(path)
    except (RuntimeError, OSError):
        return str(Path(os.path.abspath(path)))


def _document_digest(raw: RawDocument) -> str:
    """What a document's passages are made from, hashed: the same digest, the same passages."""
    parts = (raw.text, raw.title, "\x1e".join(raw.authors), raw.date, raw.publisher, raw.url,
             repr(raw.publication), repr(raw.sections))
    return hashlib.sha1("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _path_term(key: str) -> str:
    """A file's key as Whoosh stores it (UTF-8, even for a file name that is not)."""
    return without_surrogates(key)


def _first_line(exc: BaseException) -> str:
    return (str(exc).split("\n")[0] or exc.__class__.__name__)[:160]


def _unique_id(doc_id: str, key: str, owners: dict[str, str], taken: set[str]) -> str | None:
    """The id itself if free; else one made unique by the file it comes from (None: already
    in this file, `taken`)."""
    if doc_id in taken:
        return None
    owner = owners.get(doc_id)
    if owner is None or owner == key:
        return doc_id
    return f"{doc_id}~{hashlib.sha1(key.encode('utf-8', 'surrogatepass')).hexdigest()[:6]}"


def _with_id(raw: RawDocument, doc_id: str) -> RawDocument:
    from dataclasses import replace

    return replace(raw, id=doc_id)


def _record(p: Passage, key: str) -> dict:
    names = [a for a in p.authors if a]
    return {
        "id": p.id,
        "document": p.document,
        "path": _path_term(key),
        "ordinal": p.ordinal,
        "kind": p.kind,
        "title": p.title,
        "section": p.section,
        "text": p.text,
        "author_name": ",".join(n.replace(",", " ") for n in names),
        "author": " ".join(names),
        "section_words": p.section,
        "authors": list(names),
        "date": p.date,
        "start": p.start,
        "end": p.end,
        "sentences": [list(s) for s in p.sentences],
        "text_hash": p.text_hash,
        "sentence_keys": " ".join(p.sentence_keys),
    }


def _training_texts(paths: Iterable[Path]) -> Iterator[str]:
    from corpus.clean import clean_text

    for path in paths:
        try:
            for item in read_file(path):
                if isinstance(item, RawDocument):
                    yield clean_text(item.text)
        except (UnreadableDocument, OSError):
            continue


def _text_size(paths: Iterable[Path]) -> int:
    """Roughly how much text there is to read (a gzip file holds about 3x its size)."""
    return sum(_size(p) * (3 if p.name.lower().endswith(".gz") else 1) for p in paths)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _reason(exc: Exception, path: Path) -> str:
    if isinstance(exc, OSError):
        return f"cannot read ({exc.strerror or exc})"
    message = str(exc)
    prefix = f"{path}: "
    return message[len(prefix):] if message.startswith(prefix) else message
