"""Read a PDF with pypdfium2: each page's lines with their type, laid out by corpus.pdf_layout.

Chosen by measurement (benchmarks/pdf_libraries.py, benchmarks/RESULTS.md):
pypdfium2 (PDFium, BSD/Apache) reads pages several times faster than
pdfminer.six and pypdf and gives every character's box and type size, which
the layout step needs.

The file is read in a child process (`read_pdf`), page by page, with a time
and a memory bound (CORPUS_SEARCH_PDF_SECONDS, default 120, for each 100
pages of a longer PDF; CORPUS_SEARCH_PDF_MEMORY_MB, default 2048, on top of
what the process holds when it starts reading): a PDF that would hang,
exhaust memory or crash the C library costs a skip with its reason, never
the run.

With --jobs N the indexer keeps N PDFs being read at once (`read_ahead`),
each in its own bounded process.  Imported only when a PDF is read
(corpus.readers, indexer.update); nothing on the search path imports it.
"""
from __future__ import annotations

import ctypes
import os
import re
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .errors import UnreadableDocument
from .model import RawDocument
from .pdf_layout import Page, Segment, in_margin, lay_out_pages, title_lines
from .pdf_meta import date_line, meaningful_authors, meaningful_title, names_in_byline, xmp_fields

__all__ = ["read_ahead", "read_pdf", "read_pdf_here", "reading_ahead", "stop_reading_ahead"]

DEFAULT_SECONDS = 120.0  # for each 100 pages (at least once): a long report is no hang
PAGES_PER_BOUND = 100
DEFAULT_MEMORY_MB = 2048
NO_TEXT = "no text layer (scanned?); run OCR first"
_SUPERSCRIPT_MARKS = set("0123456789*†‡§¶")


def _limit(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


# ---------------------------------------------------------------- one page


def page_segments(page: "pdfium.PdfPage") -> Page:
    """The page's text as Segments (runs of characters on one line), with drawn boxes marked."""
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        text = textpage.get_text_range(0, count) if count else ""
        segments = _segments(textpage, text, count, height) if count else []
    finally:
        textpage.close()
    if segments:
        segments = _mark_boxes(page, segments, width, height)
    return Page(width, height, segments)


class _Run:
    __slots__ = ("chars", "x0", "x1", "top", "bottom", "first", "sizes", "size")

    def __init__(self) -> None:
        self.chars: list[tuple[str, float, float, float]] = []  # (char, size, bottom, top), page coordinates
        self.x0 = self.x1 = self.top = self.bottom = 0.0
        self.first = -1  # index of its first visible character
        self.sizes: Counter = Counter()
        self.size = 0.0  # the size most of its characters have so far

    def add(self, ch: str, size: float, bottom: float, top: float) -> None:
        self.chars.append((ch, size, bottom, top))
        sizes = self.sizes
        sizes[size] += 1
        if size != self.size and sizes[size] > sizes[self.size]:
            self.size = size


def _segments(textpage, text: str, count: int, height: float) -> list[Segment]:
    """Characters grouped into runs on one line, by their boxes (PDFium's own order, its spaces)."""
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    handle = textpage.raw
    char_box, font_size = pdfium_c.FPDFText_GetCharBox, pdfium_c.FPDFText_GetFontSize
    runs: list[_Run] = []
    run: _Run | None = None
    for i in range(min(count, len(text))):
        ch = text[i]
        if ch in " \t\u00a0\r\n":  # (PDFium's line ends are not trusted: a superscript makes one)
            if run is not None and run.chars and run.chars[-1][0] != " ":
                run.chars.append((" ", 0.0, 0.0, 0.0))
            continue
        if not char_box(handle, i, left, right, bottom, top):
            continue
        x0, x1, y0, y1 = left.value, right.value, bottom.value, top.value
        size = round(font_size(handle, i), 1) or round(y1 - y0, 1)
        mid = (y1 + y0) / 2
        if run is not None:
            reach = 1.1 * (size if size > run.size else run.size)
            new_line = (
                not run.top - reach <= mid <= run.bottom + reach
                or x0 - run.x1 > 1.5 * (size if size > 6.0 else 6.0)
                or x0 < run.x0 - 1
            )
        if run is None or new_line:
            if run is not None and run.chars and run.chars[-1][0] == " ":
                run.chars.pop()
            run = _Run()
            run.x0, run.x1, run.bottom, run.top, run.first = x0, x1, y0, y1, i
            runs.append(run)
        run.add(ch, size, y0, y1)
        if x0 < run.x0:
            run.x0 = x0
        if x1 > run.x1:
            run.x1 = x1
        if size >= 0.85 * run.size:  # superscripts do not widen the line
            if y0 < run.bottom:
                run.bottom = y0
            if y1 > run.top:
                run.top = y1
    return [seg for seg in (_segment(r, handle, height) for r in runs) if seg is not None]


def _segment(run: _Run, handle, height: float) -> Segment | None:
    size = run.size
    letters = [c for c in run.chars if c[0] != " "]
    if not letters:
        return None
    baseline = Counter(round(b, 0) for c, s, b, t in letters if abs(s - size) < 0.3).most_common(1)[0][0]
    plain, full = [], []
    after_mark = False  # a superscript was just taken out: a space before punctuation goes too
    for ch, s, b, t in run.chars:
        ch = "-" if ch in "\x02\u00ad\ufffe" else ch  # PDFium's mark for a hyphen at a line end
        full.append(ch)
        superscript = ch in _SUPERSCRIPT_MARKS and s and s < 0.85 * size and b > baseline + 0.15 * size
        if superscript:
            while plain and plain[-1] == " ":  # 'growth ¹.' was 'growth¹.' to the reader
                plain.pop()
            after_mark = True
        elif ch == " " and after_mark:
            continue
        else:
            if after_mark and ch not in ".,;:!?)]”’\"":
                plain.append(" ")
            after_mark = False
            plain.append(ch)
    text = re.sub(r" {2,}", " ", "".join(plain)).strip()
    if not text:
        return None
    weight = pdfium_c.FPDFText_GetFontWeight(handle, run.first)
    return Segment(
        text=text,
        x0=run.x0,
        x1=run.x1,
        top=height - run.top,
        bottom=height - run.bottom,
        size=size,
        bold=weight >= 600 or (weight <= 0 and _font_is_bold(handle, run.first)),
        note_text=re.sub(r" {2,}", " ", "".join(full)).strip(),
        baseline=height - baseline,
    )


def _font_is_bold(handle, index: int) -> bool:
    flags = ctypes.c_int()
    n = pdfium_c.FPDFText_GetFontInfo(handle, index, None, 0, flags)
    if n <= 0:
        return False
    buffer = ctypes.create_string_buffer(n)
    pdfium_c.FPDFText_GetFontInfo(handle, index, buffer, n, flags)
    return b"bold" in buffer.value.lower() or b"black" in buffer.value.lower()


def _mark_boxes(page, segments: list[Segment], width: float, height: float) -> list[Segment]:
    """Segments inside a drawn rectangle (not a page border) get that box's number."""
    boxes = []
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=3):
        x0, y0, x1, y1 = obj.get_bounds()
        w, h = x1 - x0, y1 - y0
        if w >= 60 and h >= 24 and not (w > 0.8 * width and h > 0.6 * height):
            boxes.append((x0, height - y1, x1, height - y0))
    if not boxes:
        return segments
    marked = []
    for seg in segments:
        inside = next(
            (k for k, (x0, t, x1, b) in enumerate(boxes)
             if seg.x0 >= x0 - 1 and seg.x1 <= x1 + 1 and seg.top >= t - 1 and seg.bottom <= b + 1),
            -1,
        )
        marked.append(seg if inside < 0 else replace(seg, boxed=inside))
    return marked


# ------------------------------------------------------------ the document


def allowed_seconds(seconds: float, pages: int) -> float:
    """The time bound of a PDF of `pages` pages: `seconds` for each PAGES_PER_BOUND pages, at least once."""
    return seconds * max(1.0, pages / PAGES_PER_BOUND)


def too_long(path: str, seconds: float, pages: int) -> UnreadableDocument:
    return UnreadableDocument(
        f"{path}: took longer than {allowed_seconds(seconds, pages):g} s "
        f"(CORPUS_SEARCH_PDF_SECONDS: {seconds:g} s for each {PAGES_PER_BOUND} pages)")


def read_pdf_here(path: str, doc_id: str, seconds: float = 0.0, announce=None) -> RawDocument:
    """Read a PDF in this process (no bounds but the time, `seconds` for each 100 pages, checked
    between pages); `announce(pages)` is called once the page count is known."""
    started = time.monotonic()
    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        raise UnreadableDocument(f"{path}: {_open_error(exc)}") from None
    try:
        pages: list[Page] = []
        labels: list[str] = []
        count = len(pdf)
        if announce is not None:
            announce(count)
        allowed = allowed_seconds(seconds, count)
        for index in range(count):
            if seconds and time.monotonic() - started > allowed:
                raise too_long(path, seconds, count)
            page = pdf[index]
            try:
                pages.append(page_segments(page))
            finally:
                page.close()
            labels.append(pdf.get_page_label(index))
        info = pdf.get_metadata_dict()
    except pdfium.PdfiumError as exc:
        raise UnreadableDocument(f"{path}: damaged PDF ({exc})") from None
    finally:
        pdf.close()
    if not pages:
        raise UnreadableDocument(f"{path}: damaged PDF (no pages)")
    if sum(len(seg.text) for page in pages for seg in page.segments) < 20 * len(pages) ** 0.5:
        raise UnreadableDocument(f"{path}: {NO_TEXT}")
    texts, printed = lay_out_pages(pages)
    if not all(labels):
        labels = printed or [str(i + 1) for i in range(len(pages))]
    title, authors, date, printed_date = _metadata(path, info, pages)
    text = "\f".join(texts)
    if title:
        text = _without_byline(text, authors)
    if printed_date:
        text = _without_date_line(text, printed_date)
    return RawDocument(
        id=doc_id,
        path=path,
        format="pdf",
        text=text,
        title=title,
        authors=authors,
        date=date,
        page_labels=tuple(labels),
    )


def _open_error(exc: Exception) -> str:
    message = str(exc).lower()
    if "password" in message:
        return "encrypted; no password"
    if "format" in message or "file" in message:
        return "damaged PDF (not a readable PDF file)"
    return f"damaged PDF ({exc})"


_BYLINE = re.compile(r"(?im)^ ?(?:by|authors?:|written by)\s+([A-Z].{2,150})$")


def _byline(pages: list[Page]) -> str:
    for seg in [s for s in pages[0].segments][:30] if pages else []:
        match = _BYLINE.match(seg.text.strip())
        if match:
            return match.group(1)
    return ""


def _without_byline(text: str, authors: tuple[str, ...]) -> str:
    """The first page's byline is the authors' names, already taken as metadata."""
    first, _, rest = text.partition("\f")
    lines = first.split("\n")
    for i, line in enumerate(lines[:40]):
        match = _BYLINE.match(line.strip())
        if match and authors and names_in_byline(match.group(1)) == authors:
            del lines[i]
            break
    return "\n".join(lines) + ("\f" + rest if rest or "\f" in text else "")


def _without_date_line(text: str, date: str) -> str:
    """The first page's date line, taken as the document's date, leaves the text as the byline does."""
    first, _, rest = text.partition("\f")
    lines = first.split("\n")
    for i, line in enumerate(lines[:40]):
        if date_line(line) == date:
            del lines[i]
            break
    return "\n".join(lines) + ("\f" + rest if rest or "\f" in text else "")


def _metadata(path: str, info: dict, pages: list[Page]) -> tuple[str, tuple[str, ...], str, str]:
    """Title, authors and date: the document information, then XMP, then the first page (its largest
    type, a byline, a line that is a date); and the date when it was the first page's."""
    xmp = xmp_fields(Path(path))
    title = meaningful_title(info.get("Title", ""), path) or meaningful_title(xmp.get("title", ""), path)
    if not title:
        title = " ".join(seg.text.strip() for seg in title_lines(pages))
    authors = meaningful_authors(info.get("Author", "")) or meaningful_authors(xmp.get("creator", ""))
    if not authors:
        authors = names_in_byline(_byline(pages))
    date = _pdf_date(info.get("CreationDate", "")) or xmp.get("date", "")[:10]
    printed = "" if date else _printed_date(pages)
    return title, authors, date or printed, printed


def _printed_date(pages: list[Page]) -> str:
    """A line near the top of the first page (running heads aside) that is a date alone."""
    if not pages:
        return ""
    page = pages[0]
    lines = sorted((s for s in page.segments if not in_margin(s, page)), key=lambda s: (s.top, s.x0))
    return next((d for d in (date_line(s.text) for s in lines[:25]) if d), "")


def _pdf_date(value: str) -> str:
    match = re.match(r"(?:D:)?(\d{4})(\d{2})?(\d{2})?", value or "")
    if not match or not 1900 < int(match.group(1)) < 2200:
        return ""
    return "-".join(part for part in match.groups() if part)


# ------------------------------------------------------- bounded, in a child


def _child(path: str, doc_id: str, seconds: float, memory_mb: float, connection) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it ends this process
    try:
        import resource

        _give_back_free_memory()  # (a forked child holds its parent's free heap: reading could use it unseen)
        limit = _address_space() + int(memory_mb * 2**20)  # the bound is on what reading this file adds
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    except (ImportError, ValueError, OSError):
        pass  # no such limit on this system; the time bound still holds
    try:
        connection.send(("ok", read_pdf_here(path, doc_id, seconds, lambda n: connection.send(("pages", n)))))
    except UnreadableDocument as exc:
        connection.send(("error", str(exc)))
    except MemoryError:
        connection.send(("error", f"{path}: needs more than {memory_mb:g} MB (CORPUS_SEARCH_PDF_MEMORY_MB)"))
    except Exception as exc:  # PDFium's failures on damaged files are many and undocumented
        connection.send(("error", f"{path}: damaged PDF ({exc.__class__.__name__}: {str(exc)[:120]})"))
    finally:
        connection.close()


def _give_back_free_memory() -> None:
    try:
        ctypes.CDLL(None).malloc_trim(0)  # glibc
    except (OSError, AttributeError):
        pass


def _address_space() -> int:
    """This process's virtual memory in bytes (0 where /proc does not say)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _context():
    """The platform's default start method, as indexer.parallel uses (fork on Linux: no start-up cost,
    and no re-import of the caller's main script, which forkserver and spawn would do)."""
    import multiprocessing

    return multiprocessing.get_context()


@dataclass
class _Reading:
    """A reader child started for one file, and the bounds it was given."""

    child: object
    receiver: object
    seconds: float
    memory: float
    started: float  # time.monotonic() when the child was started

    def stop(self) -> None:
        self.receiver.close()
        if self.child.is_alive():
            self.child.kill()
        self.child.join(5)


# Readers started ahead of need (read_ahead), by (path, document id).
_AHEAD: dict[tuple[str, str], _Reading] = {}


def _start(path: str, doc_id: str) -> _Reading:
    seconds = _limit("CORPUS_SEARCH_PDF_SECONDS", DEFAULT_SECONDS)
    memory = _limit("CORPUS_SEARCH_PDF_MEMORY_MB", DEFAULT_MEMORY_MB)
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(path, doc_id, seconds, memory, sender), daemon=True)
    child.start()
    sender.close()
    return _Reading(child, receiver, seconds, memory, time.monotonic())


def read_ahead(files: list[tuple[str | Path, str]]) -> None:
    """Start reading these PDFs (path, document id) now, each in its own bounded process;
    `read_pdf` collects each when its turn comes.  The indexer keeps as many going as --jobs."""
    for path, doc_id in files:
        key = (str(path), doc_id)
        if key not in _AHEAD and _version(*key) not in _RECENT:
            _AHEAD[key] = _start(*key)


def reading_ahead() -> int:
    """How many PDFs are being read ahead."""
    return len(_AHEAD)


def stop_reading_ahead() -> None:
    """End every reader started ahead and not collected (a run that stops early)."""
    while _AHEAD:
        _AHEAD.popitem()[1].stop()


# What the last reads gave (a document or the reason it could not be read), by file and
# version: an index build reads its files twice (the sentence model learns from the first
# 2M characters, then every file is indexed), and a PDF is worth reading once.
_RECENT: "OrderedDict[tuple, RawDocument | str]" = OrderedDict()
_RECENT_CHARS = 4_000_000


def _version(path: str, doc_id: str) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (path, doc_id, st.st_size, st.st_mtime_ns)


def _remember(key: tuple | None, result: "RawDocument | str") -> None:
    if key is None:
        return
    _RECENT[key] = result
    while sum(len(v.text) if isinstance(v, RawDocument) else 0 for v in _RECENT.values()) > _RECENT_CHARS:
        _RECENT.popitem(last=False)


def read_pdf(path: str | Path, doc_id: str) -> RawDocument:
    """A PDF as a RawDocument (pages separated by form feeds, labels as printed).

    Raises UnreadableDocument with the reason: encrypted, no text layer,
    damaged, or over the time or memory bound.
    """
    path = str(path)
    key = _version(path, doc_id)
    if key in _RECENT:
        known = _RECENT.pop(key)
        if isinstance(known, str):
            raise UnreadableDocument(known)
        return known
    try:
        document = _read_in_child(path, doc_id)
    except UnreadableDocument as exc:
        _remember(key, str(exc))
        raise
    _remember(key, document)
    return document


def _read_in_child(path: str, doc_id: str) -> RawDocument:
    reading = _AHEAD.pop((path, doc_id), None) or _start(path, doc_id)
    seconds, memory = reading.seconds, reading.memory
    pages = 0  # until the child has opened the file and counted them
    try:
        while True:
            wait = reading.started + allowed_seconds(seconds, pages) + 5 - time.monotonic()
            if wait <= 0 or not reading.receiver.poll(wait):
                raise too_long(path, seconds, pages)
            try:
                status, value = reading.receiver.recv()
            except (EOFError, OSError):
                reading.child.join(1)
                raise UnreadableDocument(
                    f"{path}: the PDF reader stopped (exit code {reading.child.exitcode}); damaged, or over "
                    f"{memory:g} MB (CORPUS_SEARCH_PDF_MEMORY_MB)"
                ) from None
            if status != "pages":
                break
            pages = value
    finally:
        reading.stop()
    if status != "ok":
        raise UnreadableDocument(value)
    return value
