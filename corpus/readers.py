"""Read files into `RawDocument`s: plain text, Markdown, HTML, JSON Lines, PDF and Word.

`find_files` walks the paths a user gives and says why it passes over any
file; `read_file` turns one file into documents, yielding a `Skip` for each
part it cannot read (a malformed JSON Lines record) so the rest goes on.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

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
    ".pdf": "pdf",
    ".docx": "docx",
}
# Larger files are read, but anything past this is not indexed (reported).  A
# plain text is built part by part (indexer.parts) but read and held whole
# (bytes and text at once while decoded: twice its size, within the default
# per-document memory budget of 1 GB); a web page or Markdown file is parsed
# whole (its parser's objects: several times its size), so it has the lower bound.
MAX_TEXT_BYTES = 256 * 1024 * 1024
MAX_MARKUP_BYTES = 64 * 1024 * 1024


_SURROGATE = re.compile("[\ud800-\udfff]")
# A character a reader sees: neither a blank nor an invisible one (soft hyphen,
# zero-width spaces and joiners, word joiner, byte order mark).
_VISIBLE = re.compile(r"[^\s\u00ad\u200b-\u200f\u2060\ufeff]")


def without_surrogates(text: str) -> str:
    """`text` made encodable as UTF-8.

    Python hands over the undecodable bytes of a file name as lone surrogates
    (U+DC80..U+DCFF); each is read back as the cp1252 character it most likely
    was.  Other lone surrogates (a JSON "\\ud800" escape) become U+FFFD.
    """
    if not _SURROGATE.search(text):
        return text

    def mend(m: re.Match) -> str:
        code = ord(m.group())
        if 0xDC80 <= code <= 0xDCFF:
            return bytes([code - 0xDC00]).decode("cp1252", errors="replace")
        return "\ufffd"

    return _SURROGATE.sub(mend, text)


@dataclass(frozen=True)
class Skip:
    """A file, or part of one, that was passed over, and why."""

    path: str
    reason: str
    document: str = ""  # the document passed over, when it is one document of the file

    def __post_init__(self) -> None:  # printable whatever the file name's bytes
        object.__setattr__(self, "path", without_surrogates(str(self.path)))
        object.__setattr__(self, "reason", without_surrogates(str(self.reason)))


@dataclass(frozen=True)
class Note(Skip):
    """A file that was read, with a caveat worth telling (e.g. "not UTF-8; read as cp1252").

    A subclass of Skip, so code that only knows skips still reports it.
    """


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
            yield Skip(str(path), _dangling_reason(path))
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


def _dangling_reason(path: Path) -> str:
    try:
        path.resolve(strict=True)
    except RuntimeError:
        return "symbolic link loop"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
    return "broken symbolic link"


def _walk(top: Path) -> Iterator[Path | Skip]:
    seen_dirs: set[tuple[int, int]] = set()
    errors: list[OSError] = []
    for root, dirs, files in os.walk(top, followlinks=True, onerror=errors.append):
        while errors:
            exc = errors.pop()
            yield Skip(str(exc.filename or root), f"cannot open folder: {exc.strerror or exc}")
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
                yield Skip(str(path), _dangling_reason(path))
            elif not path.is_file():  # a FIFO would block the reader forever
                yield Skip(str(path), "not a regular file")
            else:
                yield path.resolve()
    while errors:
        exc = errors.pop()
        yield Skip(str(exc.filename or top), f"cannot open folder: {exc.strerror or exc}")


def decode(data: bytes, path: str) -> tuple[str, str | None]:
    """Text from bytes: UTF-8 first, then cp1252; returns (text, note about the fallback).

    Raises UnreadableDocument for bytes that are not text at all.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a byte-order mark
        try:
            return data.decode("utf-16"), "UTF-16 text"
        except UnicodeDecodeError:
            pass
    if looks_binary(data):
        raise UnreadableDocument(f"{path}: binary file, not text")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "not UTF-8; read as cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "not UTF-8; read as latin-1"


# Control characters that never occur in text (tab, newlines, form feed and
# escape are allowed).
_NON_TEXT = bytes(sorted(set(range(32)) - {9, 10, 12, 13, 27}))


def looks_binary(data: bytes, sample: int = 8192) -> bool:
    """True for bytes that are not text: a NUL, or many control characters, near the start."""
    head = data[:sample]
    if b"\x00" in head:
        return True
    if not head:
        return False
    controls = len(head) - len(head.translate(None, _NON_TEXT))
    return controls > max(8, len(head) // 100)


def document_id(path: Path) -> str:
    """A document's id: its file name without extension."""
    name = without_surrogates(Path(path).name)
    for ext in (".jsonl.gz",) + tuple(FORMATS):
        if name.lower().endswith(ext):
            return name[: -len(ext)] or name
    return Path(name).stem


def open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading in binary, if it is (still) a regular file.

    A file can be swapped for a FIFO, a device or a folder between listing
    and reading: it is opened without blocking (O_NONBLOCK: a FIFO with no
    writer would wait forever) and checked on the open descriptor (fstat),
    then raises UnreadableDocument ("not a regular file").  OSError if it
    cannot be opened.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UnreadableDocument(f"{path}: not a regular file")
        if flags & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)  # (no effect on a regular file's reads; restored all the same)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: Path, limit: int = MAX_TEXT_BYTES) -> tuple[bytes, bool]:
    """At most `limit` bytes of the file, and whether there were more."""
    try:
        with open_regular(path) as fh:
            # (sized to the file: read(n) allocates n bytes before reading)
            data = fh.read(min(limit, os.fstat(fh.fileno()).st_size))
            more = fh.read(1)  # (it grew since, or is longer than `limit`)
            if more and len(data) < limit:
                data += more + fh.read(limit - len(data) - 1)
                more = fh.read(1)
            return data, bool(more)
    except OSError as exc:
        raise UnreadableDocument(f"{path}: cannot read ({exc.strerror or exc})") from None


def read_text(path: Path, limit: int = MAX_TEXT_BYTES) -> tuple[str, list[Note]]:
    """A text file's contents (at most `limit` bytes of it) and notes on how it was read."""
    data, more = read_bytes(path, limit)
    notes = []
    if more:
        notes.append(Note(str(path), f"longer than {limit // 2**20} MB; the rest was not indexed"))
    text, note = decode(data, str(path))
    del data  # one copy of a large file at a time
    if note:
        notes.append(Note(str(path), note))
    return text, notes


def read_file(path: Path, doc_id: str | None = None) -> Iterator[RawDocument | Skip]:
    """The documents in one file, with a `Skip` (or `Note`) for each part passed over.

    Raises UnreadableDocument if no document at all can be read.
    """
    path = Path(path)
    fmt = format_of(path)
    if fmt is None:
        raise UnreadableDocument(f"{path}: unknown file type")
    if fmt == "jsonl":
        yield from read_jsonl(path)
        return
    if fmt in ("pdf", "docx"):  # their libraries are imported only here
        with open_regular(path):  # (their libraries open it by name: a FIFO must not reach them)
            pass
        yield _read_paged(path, fmt, doc_id or document_id(path))
        return
    text, notes = read_text(path, MAX_MARKUP_BYTES if fmt in ("html", "markdown") else MAX_TEXT_BYTES)
    yield from notes
    if not text.strip():
        raise UnreadableDocument(f"{path}: empty file")
    doc_id = doc_id or document_id(path)
    if fmt in ("html", "markdown"):
        raw = _read_html(path, text, doc_id) if fmt == "html" else _read_markdown(path, text, doc_id)
        if not any(_VISIBLE.search(paragraph) for _, paragraph in raw.sections):  # (a title alone is no text)
            raise UnreadableDocument(f"{path}: no text (nothing but markup, scripts or page chrome)")
    else:
        raw = RawDocument(id=doc_id, path=str(path), format=fmt, text=text)
    yield from _with_sidecars(raw, path)


def _with_sidecars(raw: RawDocument, path: Path) -> Iterator[RawDocument | Note]:
    """The document with the metadata its sidecar files give; a Note for a sidecar that cannot be used."""
    from .metadata import BadMetadata
    from .sidecar import with_sidecars

    try:
        raw = with_sidecars(raw, path)
    except BadMetadata as exc:
        yield Note(str(path), f"metadata ignored: {exc}")
    yield raw


def _read_html(path: Path, text: str, doc_id: str) -> RawDocument:
    from .html import read_html  # BeautifulSoup is only needed here

    try:
        return read_html(str(path), text, doc_id)
    except Exception as exc:  # the parser's failures on broken markup are many and undocumented
        raise UnreadableDocument(
            f"{path}: malformed HTML ({exc.__class__.__name__}: {_short(exc)})"
        ) from None


def _read_paged(path: Path, fmt: str, doc_id: str) -> RawDocument:
    if fmt == "pdf":
        from .pdf import read_pdf

        return read_pdf(path, doc_id)
    from .docx import read_docx

    return read_docx(path, doc_id)


def _read_markdown(path: Path, text: str, doc_id: str) -> RawDocument:
    from .markdown import read_markdown  # markdown-it is only needed here

    return read_markdown(str(path), text, doc_id)


def _open_lines(path: Path):
    if str(path).lower().endswith(".gz"):
        import gzip

        raw = open_regular(path)

        class OwnedGzip(gzip.GzipFile):  # closes the file it reads, as gzip.open(name) would
            def close(self) -> None:
                try:
                    super().close()
                finally:
                    raw.close()

        try:
            return OwnedGzip(fileobj=raw, mode="rb")
        except BaseException:
            raw.close()
            raise
    return open_regular(path)


# A JSON Lines record longer than this is passed over, the other records kept
# (it is held whole: its bytes, then its line and text at once; its text is
# built part by part, as a plain text's is).
MAX_LINE_BYTES = 256 * 1024 * 1024
# Malformed lines reported one by one, per file; the rest are counted.
MAX_LINE_SKIPS = 100


def read_jsonl(path: Path) -> Iterator[RawDocument | Skip]:
    """One document per JSON Lines record (`_id`, `text`; optional `title`, `authors`, `date`, `publisher`, `url`).

    Streams: one line in memory at a time.  A malformed line is a `Skip`
    naming its number; the other lines are read.
    """
    import zlib

    try:
        fh = _open_lines(path)
    except OSError as exc:
        raise UnreadableDocument(f"{path}: cannot read ({exc.strerror or exc})") from None
    found = 0
    bad: list[Skip] = []  # held back until a good record shows the file is JSON Lines at all
    bad_count = 0
    cp1252_lines = 0
    number = 0
    with fh:
        try:
            head = fh.peek(8192)[:8192] if hasattr(fh, "peek") else b""
            if looks_binary(head):
                raise UnreadableDocument(f"{path}: binary file, not JSON Lines")
            for number, line in enumerate(_lines(fh), 1):
                if line is None:
                    problem = f"longer than {MAX_LINE_BYTES // 2**20} MB"
                elif not line.strip():
                    continue
                else:
                    try:
                        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
                            line = line[3:]  # a UTF-8 byte-order mark (Windows editors write one)
                        try:
                            decoded = line.decode("utf-8")
                        except UnicodeDecodeError:
                            decoded = line.decode("cp1252", errors="replace")
                            cp1252_lines += 1
                        line = None  # (a record may be tens of MB: one copy of it at a time)
                        record = json.loads(decoded)
                        decoded = None
                        doc = _record_to_document(record, path)
                        record = None
                    except (ValueError, TypeError, RecursionError) as exc:
                        problem = _short(exc)
                    else:
                        found += 1
                        if bad:
                            yield from bad
                            bad = []
                        yield doc
                        continue
                bad_count += 1
                if bad_count <= MAX_LINE_SKIPS:
                    skip = Skip(f"{path}:{number}", f"line {number}: {problem}")
                    if found:
                        yield skip
                    else:
                        bad.append(skip)
        except (OSError, EOFError, zlib.error) as exc:
            if not found:
                raise UnreadableDocument(f"{path}: cannot read ({_short(exc)})") from None
            raise UnreadableDocument(f"{path}: cannot read past line {number} ({_short(exc)})") from None
    if not found:
        first = f"; line {bad[0].reason[5:]}" if bad else ""
        raise UnreadableDocument(f"{path}: no JSON Lines records with `_id` and `text`{first}")
    if bad_count > MAX_LINE_SKIPS:
        yield Skip(str(path), f"{bad_count - MAX_LINE_SKIPS} more malformed lines not listed")
    if cp1252_lines:
        yield Note(str(path), f"{cp1252_lines} lines not UTF-8; read as cp1252")


def _lines(fh) -> Iterator[bytes | None]:
    """The file's lines, ended by LF, CRLF or CR; None for a line longer than MAX_LINE_BYTES
    (its bytes are skipped)."""
    while True:
        line = fh.readline(MAX_LINE_BYTES)
        if not line:
            return
        if len(line) < MAX_LINE_BYTES or line.endswith(b"\n"):
            records = _cr_lines(line)
            line = None
            while records:  # (handed over, not kept: the reader lets go of a long record's bytes)
                yield records.pop(0)
            continue
        while line and not line.endswith(b"\n"):  # drain the rest of the long line
            line = fh.readline(1 << 20)
        yield None


def _cr_lines(line: bytes) -> list[bytes]:
    """`line` as the records it holds when they are ended by CR alone (old Mac files): a JSON value
    never holds a raw CR, so a CR inside a line that is not one record ends a record."""
    end = len(line)
    while end and line[end - 1] in b"\r\n":  # (not rstrip: a copy of a long line)
        end -= 1
    if line.find(b"\r", 0, end) < 0:
        return [line]
    body = line[:end]
    try:
        json.loads(body)  # one record with CRs as white space between its parts
        return [line]
    except (ValueError, RecursionError):
        return body.split(b"\r")


def _record_to_document(record: object, path: Path) -> RawDocument:
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    doc_id, text = record.get("_id"), record.get("text")
    if doc_id in (None, "") or not isinstance(text, str):
        raise ValueError("record needs `_id` and a string `text`")
    if not text.strip() and not str(record.get("title") or "").strip():
        raise ValueError(f"record {doc_id!r} has no text")  # a title alone is content (a catalogue record)
    authors = record.get("authors") or ()
    if isinstance(authors, str):
        authors = [a.strip() for a in authors.split(";") if a.strip()]
    return RawDocument(
        id=without_surrogates(str(doc_id)),
        path=str(path),
        format="jsonl",
        text=without_surrogates(text),
        title=without_surrogates(str(record.get("title") or "")),
        authors=tuple(without_surrogates(str(a)) for a in authors),
        date=without_surrogates(str(record.get("date") or "")),
        publisher=without_surrogates(str(record.get("publisher") or "")),
        url=without_surrogates(str(record.get("url") or "")),
    )


def _short(exc: Exception) -> str:
    return str(exc).split("\n")[0][:120]


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks (bounded memory)."""
    h = hashlib.sha256()
    with open_regular(path) as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
