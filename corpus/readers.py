"""Read files into `RawDocument`s: plain text, Markdown, HTML and JSON Lines.

`find_files` walks the paths a user gives and says why it passes over any
file; `read_file` turns one file into documents, yielding a `Skip` for each
part it cannot read (a malformed JSON Lines record) so the rest goes on.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .errors import UnreadableDocument
from .model import RawDocument

FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
}
# Larger files are read, but anything past this is not indexed (reported).
MAX_TEXT_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Skip:
    """A file, or part of one, that was passed over, and why."""

    path: str
    reason: str


def format_of(path: str | Path) -> str | None:
    name = str(path).lower()
    if name.endswith(".jsonl.gz"):
        return "jsonl"
    return FORMATS.get(os.path.splitext(name)[1])


def find_files(paths: Iterable[str | Path]) -> Iterator[Path | Skip]:
    """Every readable document file under `paths`, in a stable order; a `Skip` for the rest."""
    for given in paths:
        path = Path(given).expanduser()
        if path.is_symlink() and not path.exists():
            yield Skip(str(path), "broken symbolic link")
        elif path.is_dir():
            yield from _walk(path)
        elif path.is_file():
            if format_of(path) is None:
                yield Skip(str(path), f"unknown file type {path.suffix or '(no extension)'!r}")
            else:
                yield path.resolve()
        elif path.exists():
            yield Skip(str(path), "not a regular file")
        else:
            yield Skip(str(path), "no such file or folder")


def _walk(top: Path) -> Iterator[Path | Skip]:
    seen_dirs: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(top, followlinks=True, onerror=None):
        try:
            st = os.stat(root)
        except OSError as exc:
            yield Skip(root, f"cannot open folder: {exc.strerror}")
            dirs[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen_dirs:
            yield Skip(root, "symbolic link loop")
            dirs[:] = []
            continue
        seen_dirs.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root) / name
            if format_of(path) is None:
                continue  # unknown types inside folders are passed over silently
            if path.is_symlink() and not path.exists():
                yield Skip(str(path), "broken symbolic link")
            else:
                yield path.resolve()


def decode(data: bytes, path: str) -> tuple[str, str | None]:
    """Text from bytes: UTF-8 first, then cp1252; returns (text, note about the fallback)."""
    if b"\x00" in data[:8192]:
        raise UnreadableDocument(f"{path}: binary file, not text")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "not UTF-8; read as cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "not UTF-8; read as latin-1"


def document_id(path: Path) -> str:
    """A document's id: its file name without extension."""
    name = path.name
    for ext in (".jsonl.gz",) + tuple(FORMATS):
        if name.lower().endswith(ext):
            return name[: -len(ext)] or name
    return path.stem


def read_bytes(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(MAX_TEXT_BYTES + 1)
    except OSError as exc:
        raise UnreadableDocument(f"{path}: cannot read ({exc.strerror})") from None


def read_file(path: Path, doc_id: str | None = None) -> Iterator[RawDocument | Skip]:
    """The documents in one file; raises UnreadableDocument if none can be read."""
    fmt = format_of(path)
    if fmt is None:
        raise UnreadableDocument(f"{path}: unknown file type")
    if fmt == "jsonl":
        yield from read_jsonl(path)
        return
    data = read_bytes(path)
    if len(data) > MAX_TEXT_BYTES:
        yield Skip(str(path), f"longer than {MAX_TEXT_BYTES // 2**20} MB; the rest was not indexed")
        data = data[:MAX_TEXT_BYTES]
    text, note = decode(data, str(path))
    if note:
        yield Skip(str(path), note)
    if not text.strip():
        raise UnreadableDocument(f"{path}: empty file")
    doc_id = doc_id or document_id(path)
    if fmt == "html":
        from .html import read_html  # BeautifulSoup is only needed here

        yield read_html(str(path), text, doc_id)
    else:
        yield RawDocument(id=doc_id, path=str(path), format=fmt, text=text)


def _open_lines(path: Path):
    if str(path).lower().endswith(".gz"):
        import gzip

        return gzip.open(path, "rb")
    return open(path, "rb")


def read_jsonl(path: Path) -> Iterator[RawDocument | Skip]:
    """One document per JSON Lines record (`_id`, `text`; optional `title`, `authors`, `date`)."""
    try:
        fh = _open_lines(path)
    except OSError as exc:
        raise UnreadableDocument(f"{path}: cannot read ({exc.strerror})") from None
    found = 0
    with fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line.decode("utf-8", errors="replace"))
                doc = _record_to_document(record, path)
            except (ValueError, TypeError) as exc:
                yield Skip(f"{path}:{number}", f"line {number}: {_short(exc)}")
                continue
            found += 1
            yield doc
    if not found:
        raise UnreadableDocument(f"{path}: no JSON Lines records with `_id` and `text`")


def _record_to_document(record: object, path: Path) -> RawDocument:
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    doc_id, text = record.get("_id"), record.get("text")
    if doc_id in (None, "") or not isinstance(text, str):
        raise ValueError("record needs `_id` and a string `text`")
    authors = record.get("authors") or ()
    if isinstance(authors, str):
        authors = [a.strip() for a in authors.split(";") if a.strip()]
    return RawDocument(
        id=str(doc_id),
        path=str(path),
        format="jsonl",
        text=text,
        title=str(record.get("title") or ""),
        authors=tuple(str(a) for a in authors),
        date=str(record.get("date") or ""),
    )


def _short(exc: Exception) -> str:
    return str(exc).split("\n")[0][:120]


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks (bounded memory)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
