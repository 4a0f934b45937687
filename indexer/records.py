"""Documents -> passages -> Whoosh records: clean, structure, chunk, and the fields each passage is stored with."""
from __future__ import annotations

from typing import Iterable

from corpus.model import RawDocument
from corpus.readers import Skip, without_surrogates

from .budget import Budget, OverBudget, within
from .chunk import Passage
from .parts import in_parts

NO_BUDGET = Budget(0, 0)

# What a bug in the cleaning steps may raise on odd text: reported for that
# document, which is left out; the run goes on.
DOCUMENT_ERRORS = (RecursionError, ValueError, TypeError, KeyError, IndexError,
                   AttributeError, AssertionError, UnicodeError)


def write_documents(writer, key: str, documents: Iterable[RawDocument], splitter, problems: list,
                    budget: Budget | None = None) -> int:
    """Clean, structure and chunk `documents`; add their passages to `writer`.

    A document that cannot be processed, or not within `budget`
    (indexer.budget), is appended to `problems` as a Skip.  Its passages are
    built in full before any is written, so it is all or nothing (and the
    budget never cuts the writer).
    """
    from corpus.structure import build_document

    from .chunk import chunk_document
    from .document_meta import document_meta

    count = 0
    for raw in documents:
        if in_parts(raw):
            count += _write_in_parts(writer, key, raw, splitter, problems, budget)
            continue
        try:
            with within(budget or NO_BUDGET, "process", len(raw.text)):
                doc = build_document(raw)
                passages = list(chunk_document(doc, splitter))
                meta = document_meta(doc, key, raw.format)
                doc = None  # (its blocks repeat the passages' text: a large document's memory, twice)
        except DOCUMENT_ERRORS as exc:
            problems.append(Skip(raw.path, f"document {raw.id!r} could not be processed "
                                           f"({exc.__class__.__name__}: {first_line(exc)})", raw.id))
            continue
        except OverBudget as exc:
            passages = doc = None  # (let go of what it built before the next document)
            problems.append(Skip(raw.path, f"document {raw.id!r} {exc.reason}", raw.id))
            continue
        if not passages:  # never a silent "added" with nothing in it
            problems.append(_no_passages(raw))
            continue
        for n, passage in enumerate(passages):
            passages[n] = None  # (each let go of once written, as the writer's postings grow)
            record = passage_record(passage, key)
            if passage.ordinal == 1:  # the document's record rides on its first passage
                record["document_meta"] = meta
            writer.add_document(**record)
        count += len(passages)
    return count


def _no_passages(raw: RawDocument) -> Skip:
    if any(ch.isalnum() for ch in raw.text):
        reason = f"document {raw.id!r} has text but gave no passages (its cleaning left nothing)"
    else:  # (zero-width spaces, no-break spaces, soft hyphens: a reader keeps them, cleaning does not)
        reason = f"document {raw.id!r}: no text (nothing but blanks or invisible characters)"
    return Skip(raw.path, reason, raw.id)


def _write_in_parts(writer, key: str, raw: RawDocument, splitter, problems: list, budget: Budget | None) -> int:
    """`write_documents` for a long text built part by part (indexer.parts): each part's records
    are kept in a temporary file, written to `writer` once every part is built (all or nothing,
    in bounded memory)."""
    import marshal
    import tempfile

    from .document_meta import document_meta
    from .parts import chunk_in_parts

    count = 0
    meta = None
    with tempfile.TemporaryFile() as spill:
        try:
            with within(budget or NO_BUDGET, "process", len(raw.text)):
                for doc, passages in chunk_in_parts(raw, splitter):
                    if meta is None:  # (the first part's Document is the document's)
                        meta = document_meta(doc, key, raw.format)
                    doc = None
                    for passage in passages:
                        record = passage_record(passage, key)
                        if passage.ordinal == 1:
                            record["document_meta"] = meta
                        marshal.dump(record, spill)
                        count += 1
                    passages = None
        except DOCUMENT_ERRORS as exc:
            problems.append(Skip(raw.path, f"document {raw.id!r} could not be processed "
                                           f"({exc.__class__.__name__}: {first_line(exc)})", raw.id))
            return 0
        except OverBudget as exc:
            problems.append(Skip(raw.path, f"document {raw.id!r} {exc.reason}", raw.id))
            return 0
        if not count:
            problems.append(_no_passages(raw))
            return 0
        spill.seek(0)
        for _ in range(count):
            writer.add_document(**marshal.load(spill))
    return count


def passage_record(p: Passage, key: str) -> dict:
    """The Whoosh fields of passage `p` of the file recorded as `key` (see `indexer.schema`)."""
    names = [a for a in p.authors if a]
    text_hash, sentence_keys = p.fingerprints()
    return {
        "id": p.id,
        "document": p.document,
        "path": path_term(key),
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
        "page": p.page,
        "start": p.start,
        "end": p.end,
        "sentences": [list(s) for s in p.sentences],
        "text_hash": text_hash,
        "sentence_keys": " ".join(sentence_keys),
    }


def path_term(key: str) -> str:
    """A file's key as Whoosh stores it (UTF-8, even for a file name that is not)."""
    return without_surrogates(key)


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message, at most 160 characters (its class name if empty)."""
    return (str(exc).split("\n")[0] or exc.__class__.__name__)[:160]
