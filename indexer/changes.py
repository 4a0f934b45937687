"""Each file's changes: its documents read, their ids made unique, old passages replaced, its manifest record.

The record holds the acronyms the file's documents define (corpus.acronyms),
found here in the parent process whatever the sink, so the table made from
the records at each commit (`Manifest.acronym_table`) is the same with
--jobs N as without.
"""
from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from corpus.acronyms import add_definitions, merge_counts
from corpus.errors import UnreadableDocument
from corpus.model import RawDocument
from corpus.readers import Note, Skip, file_digest, format_of, read_file
from corpus.sidecar import sidecar_signature

from . import manifest as mf
from .budget import Budget, DocumentOverBudget, OverBudget, within
from .plan import Plan, file_size, text_size
from .records import NO_BUDGET, path_term
from .report import Run
from .safety import raise_pending


def write_plan(plan: Plan, manifest: mf.Manifest, to_read: dict[str, Path], sink, writer, run: Run,
               progress, ahead, budget: Budget | None = None) -> None:
    """Delete the passages of removed files, then read each new or changed file into the sink (`index_file`).

    `progress(bytes done, bytes in all)` after each file; `ahead` (indexer.readahead) is told where the run is.
    """
    for key in plan.removed:
        writer.delete_by_term("path", path_term(key))
        del manifest.files[key]
        run.wrote = True
    total_bytes = sum(file_size(p) for p in to_read.values()) or 1
    done_bytes = 0
    for key, path in to_read.items():
        raise_pending()
        ahead.reached(path)
        if key not in manifest.files or format_of(path) != "jsonl":  # (else only changed records are)
            sink.expect(text_size([path]))
        record = index_file(sink, writer, key, path, manifest.files.get(key), run, budget)
        if record is None:
            if key in manifest.files:
                plan.unchanged[key] = path  # keep the version already indexed
        else:
            manifest.files[key] = record
        done_bytes += file_size(path)
        if progress:
            progress(min(done_bytes, total_bytes), total_bytes)


def index_file(sink, writer, key: str, path: Path, old: mf.FileRecord | None, run: Run,
               budget: Budget | None = None) -> mf.FileRecord | None:
    """Bring the passages of one file up to date; its new record, or None if nothing could be read.

    Documents are streamed (a JSON Lines file may be larger than memory).
    Old passages are deleted only once a document has been read, so a
    file that cannot be read at all keeps its old version.  In a file of
    many documents (JSON Lines) whose record has per-document digests,
    only the documents that changed are replaced.  Reading each document
    is bounded by `budget` (indexer.budget); one over it ends the file's
    reading there, as an unreadable part does.
    """
    try:
        stat = path.stat()
        digest = file_digest(path)
        sidecars = sidecar_signature(path)
    except (OSError, UnreadableDocument) as exc:  # (gone, unreadable, or no longer a regular file)
        run.skipped.append(Skip(str(path), skip_reason(exc, path)))
        return None
    old_digests = old.digests if old is not None and old.digests else {}
    old_documents = set(old.documents) if old is not None else set()
    docs: list[str] = []
    digests: dict[str, str] = {}
    acronyms: dict[str, dict[str, int]] = {}
    replaced = False
    try:
        for raw in documents_of(path, key, run, docs, budget):
            digests[raw.id] = document_digest(raw)
            add_definitions(acronyms, raw.text)
            if old_digests:
                if old_digests.get(raw.id) == digests[raw.id]:
                    run.counts["unchanged"] += 1
                    continue
                writer.delete_by_term("document", raw.id)
            elif not replaced:
                writer.delete_by_term("path", path_term(key))
                replaced = True
            run.wrote = True
            label = "updated" if raw.id in old_documents else "added"
            run.counts[label] += 1
            run.labels[raw.id] = label
            sink.add(key, (raw,))  # cleaned, structured, chunked and written there
    except (UnreadableDocument, OSError) as exc:
        if not docs:
            run.skipped.append(Skip(str(path), skip_reason(exc, path)))
            return None
        # Read in part: keep what was read (and, in a file read document by
        # document, the old versions of the rest); a size of -1 makes the
        # next run try again.
        run.skipped.append(Skip(str(path), skip_reason(exc, path) + f" (kept the {len(docs)} documents before it)"))
        rest = {d: h for d, h in old_digests.items() if d not in digests}
        if rest and old is not None:  # (the old documents kept: their definitions too, roughly)
            acronyms = merge_counts((acronyms, old.acronyms))
        return mf.FileRecord(-1, stat.st_mtime_ns, digest, docs + list(rest), {**digests, **rest}, sidecars,
                             acronyms)
    if old_digests:
        for doc_id in old_digests.keys() - digests.keys():
            writer.delete_by_term("document", doc_id)
            run.counts["removed"] += 1
            run.wrote = True
    elif not replaced:
        writer.delete_by_term("path", path_term(key))
        run.wrote = True
    if old is not None and not old_digests:  # documents of the old version that are gone
        run.counts["removed"] += len(set(old.documents) - set(docs))
    return mf.FileRecord(stat.st_size, stat.st_mtime_ns, digest, docs,
                         digests if len(docs) > 1 else {}, sidecars, acronyms)


def documents_of(path: Path, key: str, run: Run, docs: list[str],
                 budget: Budget | None = None) -> Iterator[RawDocument]:
    """The file's documents, with ids made unique across the index; notes and skips go to `run`."""
    taken = set(docs)  # `docs` as a set: a JSON Lines file may hold millions of records
    for item in _read_within(path, budget):
        if isinstance(item, Note):
            run.notes.append(item)
            continue
        if isinstance(item, Skip):
            run.skipped.append(item)
            continue
        doc_id = unique_id(item.id, key, run.owners, taken)
        if doc_id is None:
            run.skipped.append(Skip(f"{path}", f"duplicate document id {item.id!r} in this file"))
            continue
        if doc_id != item.id:
            item = replace(item, id=doc_id)
        run.owners[doc_id] = key
        docs.append(doc_id)
        taken.add(doc_id)
        yield item


def _read_within(path: Path, budget: Budget | None) -> Iterator:
    """`read_file(path)`, each document read within `budget`; DocumentOverBudget when one is not."""
    items = read_file(path)
    size = file_size(path)
    while True:
        try:
            with within(budget or NO_BUDGET, "read", size):
                item = next(items, None)
        except OverBudget as exc:
            items.close()
            raise DocumentOverBudget(f"{path}: {exc.reason}") from None
        if item is None:
            return
        yield item


def unique_id(doc_id: str, key: str, owners: dict[str, str], taken: set[str]) -> str | None:
    """The id itself if free; else one made unique by the file it comes from (None: already
    in this file, `taken`)."""
    if doc_id in taken:
        return None
    owner = owners.get(doc_id)
    if owner is None or owner == key:
        return doc_id
    return f"{doc_id}~{hashlib.sha1(key.encode('utf-8', 'surrogatepass')).hexdigest()[:6]}"


def document_digest(raw: RawDocument) -> str:
    """What a document's passages are made from, hashed: the same digest, the same passages."""
    parts = (raw.text, raw.title, "\x1e".join(raw.authors), raw.date, raw.publisher, raw.url,
             repr(raw.publication), repr(raw.sections))
    if raw.description:  # (only when there is one: the digests of documents without one stay as they were)
        parts += (raw.description,)
    digest = hashlib.sha1()
    for n, part in enumerate(parts):  # (as of the parts joined by \x1f, without copying a long text twice)
        if n:
            digest.update(b"\x1f")
        for i in range(0, len(part), 1 << 20):
            digest.update(part[i:i + (1 << 20)].encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


def skip_reason(exc: Exception, path: Path) -> str:
    """Why a file was skipped, without its path (the report shows it)."""
    if isinstance(exc, OSError):
        return f"cannot read ({exc.strerror or exc})"
    message = str(exc)
    prefix = f"{path}: "
    return message[len(prefix):] if message.startswith(prefix) else message
