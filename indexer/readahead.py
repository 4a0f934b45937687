"""With --jobs N, the next N PDFs of a run are read at once, each in its own bounded process.

Reading a PDF (corpus.pdf) is the slow part of indexing one, and it already
happens in a child process of its own; this keeps up to `jobs` of them going
ahead of the file being indexed.  Files are still indexed one after the
other, in order, so the index is the same as with one process.  A fresh
index reads its first files to learn its sentence model before it indexes
them: those reads are kept ahead too (indexer.sentences.training_texts).
"""
from __future__ import annotations

from pathlib import Path

from corpus.readers import document_id, format_of


class PdfReadAhead:
    """A context: `reached(path)` before each file is read; readers left over are stopped at the end.

    A run may go over its files more than once (a fresh index learns its
    sentence model from the first files, then indexes them all): reaching an
    earlier file starts the window there again.
    """

    def __init__(self, paths: list[Path], jobs: int):
        self.pdfs = [p for p in paths if format_of(p) == "pdf"] if jobs > 1 else []
        self.position = {p: k for k, p in reversed(list(enumerate(self.pdfs)))}
        self.jobs = jobs
        self.next = 0  # the first PDF not yet reached

    def __enter__(self) -> "PdfReadAhead":
        return self

    def reached(self, path: Path) -> None:
        """`path` is about to be read: keep it (if a PDF) and the PDFs after it being read, `jobs` at a time."""
        if not self.pdfs:
            return
        from corpus.pdf import read_ahead

        here = self.position.get(path)
        if here is not None:
            self.next = here
        window = self.pdfs[self.next : self.next + self.jobs]
        if here is not None:
            self.next += 1
        read_ahead([(p, document_id(p)) for p in window])

    def close(self) -> None:
        """Stop every reader started ahead and not collected."""
        if self.pdfs:
            from corpus.pdf import stop_reading_ahead

            stop_reading_ahead()

    def __exit__(self, *exc) -> None:
        self.close()
