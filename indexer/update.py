"""Bring an index up to date with the files it tracks.

read -> clean and structure (corpus) -> chunk -> record (Whoosh).  Only new
and changed files are read; deleted ones are removed; a rebuild writes a new
generation and swaps it in only when it is complete.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from corpus.errors import CorpusSearchError, IndexDamaged, UnreadableDocument
from corpus.model import RawDocument
from corpus.readers import Skip, file_digest, find_files, read_file

from . import manifest as mf
from .chunk import Passage
from .lock import writer_lock
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

    def as_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
        }


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
        """Add `paths` to what the index tracks, then index what is new or changed.

        `jobs` > 1 cleans, chunks and analyses documents in that many worker
        processes (the passages are the same; see `indexer.parallel`).
        """
        paths = [Path(p).expanduser() for p in (paths or ())]
        self._make_folder()
        with writer_lock(self.index_dir, self.lock_timeout):
            return self._update_locked(paths, rebuild, progress, jobs)

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
        live = current_generation(self.index_dir)
        old_manifest = self._load_manifest(live) if live else None
        fresh = rebuild or old_manifest is None
        if fresh:
            manifest = mf.Manifest(sources=list(old_manifest.sources) if old_manifest else [])
            if not manifest.sources and not paths and self.is_default:
                manifest.sources.append(mf.BUNDLED)
        else:
            manifest = old_manifest
        skipped: list[Skip] = []
        for path in paths:
            if path.exists() or path.is_symlink():
                manifest.add_source(mf.source_key(path))
            else:
                skipped.append(Skip(str(path), "no such file or folder"))
        if not manifest.sources:
            raise CorpusSearchError(
                f"nothing to index in {self.index_dir}: give the files or folders to add, "
                "e.g. `corpus-search index reports/`"
            )
        plan = self._plan(manifest, fresh)
        plan.skipped[:0] = skipped
        target = self._new_generation() if fresh else live
        try:
            report = self._apply(plan, manifest, target, fresh, progress, jobs)
        except BaseException:
            if fresh:
                shutil.rmtree(target, ignore_errors=True)
            raise
        if fresh:
            self._switch_to(target)
        return report

    def _load_manifest(self, generation: Path) -> mf.Manifest:
        try:
            manifest = mf.Manifest.load(generation)
        except (OSError, ValueError, TypeError) as exc:
            raise IndexDamaged(
                f"the index at {self.index_dir} is damaged ({exc.__class__.__name__}); "
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
                found.setdefault(mf.source_key(item), item)
        for key, path in found.items():
            record = None if fresh else manifest.files.get(key)
            if record is None:
                plan.new[key] = path
            elif self._is_unchanged(path, record):
                plan.unchanged[key] = path
            else:
                plan.changed[key] = path
        if not fresh:
            plan.removed = [key for key in manifest.files if key not in found]
        return plan

    @staticmethod
    def _is_unchanged(path: Path, record: mf.FileRecord) -> bool:
        try:
            st = path.stat()
        except OSError:
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
        numbers = [
            int(p.name[4:]) for p in self.index_dir.glob("gen-*") if p.name[4:].isdigit()
        ]
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
        for old in self.index_dir.glob("gen-*"):
            if old != target:
                shutil.rmtree(old, ignore_errors=True)

    def _apply(self, plan: _Plan, manifest: mf.Manifest, target: Path,
               fresh: bool, progress: Progress | None, jobs: int = 1) -> IndexReport:
        from whoosh import index as whoosh_index

        from .parallel import WRITER_LIMITMB, new_writer, open_sink
        from .sentences import load_params, save_params, span_splitter, train_punkt
        from .spool import spool

        if fresh:
            ix = whoosh_index.create_in(str(target), build_schema(), indexname=INDEX_NAME)
        else:
            ix = whoosh_index.open_dir(str(target), indexname=INDEX_NAME)
        to_read = {**plan.new, **plan.changed}
        punkt_path = target / PUNKT_NAME
        if punkt_path.exists():
            params = load_params(punkt_path)
        else:
            params = train_punkt(_training_texts(to_read.values()))
            save_params(params, punkt_path)
        splitter = span_splitter(params)
        removed_docs = sum(len(manifest.files[k].documents) for k in plan.removed)
        counts = {"added": 0, "updated": 0}
        skipped = list(plan.skipped)
        total_bytes = sum(_size(p) for p in to_read.values()) or 1
        done_bytes = 0
        passages = 0
        owners = {d: k for d, k in manifest.document_owner().items() if k not in plan.removed}
        writer = new_writer(ix, WRITER_LIMITMB)
        sink = open_sink(writer, target, INDEX_NAME, params, splitter, jobs, _text_size(to_read.values()))
        try:
            for key in plan.removed:
                writer.delete_by_term("path", key)
                del manifest.files[key]
            for key, path in to_read.items():
                docs: list[str] = []
                try:
                    stat = path.stat()
                    digest = file_digest(path)
                    pending = spool(self._documents_of(path, key, owners, docs, skipped))
                except (UnreadableDocument, OSError) as exc:
                    skipped.append(Skip(str(path), _reason(exc, path)))
                    if key in manifest.files:
                        plan.unchanged[key] = path  # keep the version already indexed
                    done_bytes += _size(path)
                    continue
                if key in manifest.files:
                    writer.delete_by_term("path", key)
                sink.add(key, pending)
                pending.close()
                counts["updated" if key in plan.changed else "added"] += len(docs)
                manifest.files[key] = mf.FileRecord(stat.st_size, stat.st_mtime_ns, digest, docs)
                done_bytes += stat.st_size
                if progress:
                    progress(done_bytes, total_bytes)
            passages = sink.commit()
        except BaseException:
            sink.cancel()
            raise
        manifest.save(target)
        unchanged = sum(len(manifest.files[k].documents) for k in plan.unchanged if k in manifest.files)
        return IndexReport(
            added=counts["added"],
            updated=counts["updated"],
            removed=removed_docs,
            unchanged=unchanged,
            skipped=tuple(skipped),
            index=str(self.index_dir),
            passages=passages,
        )

    @staticmethod
    def _documents_of(path: Path, key: str, owners: dict[str, str],
                      docs: list[str], skipped: list[Skip]) -> Iterator[RawDocument]:
        for item in read_file(path):
            if isinstance(item, Skip):
                skipped.append(item)
                continue
            doc_id = _unique_id(item.id, key, owners, docs)
            if doc_id is None:
                skipped.append(Skip(f"{path}", f"duplicate document id {item.id!r} in this file"))
                continue
            if doc_id != item.id:
                item = _with_id(item, doc_id)
            owners[doc_id] = key
            docs.append(doc_id)
            yield item


def _unique_id(doc_id: str, key: str, owners: dict[str, str], docs: list[str]) -> str | None:
    """The id itself if free; else one made unique by the file it comes from."""
    if doc_id in docs:
        return None
    owner = owners.get(doc_id)
    if owner is None or owner == key:
        return doc_id
    return f"{doc_id}~{hashlib.sha1(key.encode()).hexdigest()[:6]}"


def _with_id(raw: RawDocument, doc_id: str) -> RawDocument:
    from dataclasses import replace

    return replace(raw, id=doc_id)


def _record(p: Passage, key: str) -> dict:
    names = [a for a in p.authors if a]
    return {
        "id": p.id,
        "document": p.document,
        "path": key,
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
