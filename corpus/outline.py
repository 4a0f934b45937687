"""Collect a document's (heading, paragraph) pairs from a stream of text, heading and paragraph-end events.

The HTML and Markdown readers walk their trees and tell an `OutlineBuilder`
what they meet.  Headings that follow one another with no text between them
are kept together ("Chapter 2 / 2.1 Overview") and a heading that ends the
document becomes a paragraph of its own, so no heading's words are lost.
"""
from __future__ import annotations

__all__ = ["OutlineBuilder", "lines_of", "without_title"]


def without_title(pairs: tuple[tuple[str, str], ...], title: str) -> tuple[tuple[str, str], ...]:
    """Headings kept together with the document's title lose it ("Title / Intro" -> "Intro"):
    the title says it already."""
    prefix = f"{title} / "
    if not title or not any(h.startswith(prefix) for h, _ in pairs):
        return pairs
    return tuple((h[len(prefix):] if h.startswith(prefix) else h, p) for h, p in pairs)


class OutlineBuilder:
    """(heading, paragraph) pairs in reading order; text is joined with its spacing collapsed."""

    def __init__(self) -> None:
        self.pairs: list[tuple[str, str]] = []
        self.heading = ""
        self._pending = ""  # the heading(s) not yet followed by text
        self._words: list[str] = []
        self._heading_words: list[str] | None = None

    def text(self, value: str) -> None:
        (self._heading_words if self._heading_words is not None else self._words).append(value)

    @property
    def in_heading(self) -> bool:
        return self._heading_words is not None

    def start_heading(self) -> None:
        self.flush()
        self._heading_words = []

    def end_heading(self) -> None:
        text = " ".join("".join(self._heading_words or ()).split())
        self._heading_words = None
        if text:
            self._pending = f"{self._pending} / {text}" if self._pending else text
            self.heading = self._pending

    def flush(self) -> None:
        """End the paragraph being collected (nothing happens inside a heading)."""
        if self._heading_words is not None or not self._words:
            return
        text = " ".join("".join(self._words).split())
        self._words = []
        if text:
            self.pairs.append((self.heading, text))
            self._pending = ""

    def paragraph(self, text: str, heading: str | None = None, lines: bool = False) -> None:
        """A whole paragraph at once (under `heading` if given, else the current one).

        `lines`: a code block, whose line breaks are kept (each line's blanks
        collapsed, empty lines left out: a blank line would read as a paragraph break).
        """
        self.flush()
        text = lines_of(text) if lines else " ".join(text.split())
        if text:
            self.pairs.append((self.heading if heading is None else heading, text))
            if heading is None:
                self._pending = ""

    def start_section(self, heading: str) -> None:
        """Go on under `heading`, a name the reader gives (footnotes), not one the text printed."""
        self.flush()
        if self._pending:
            self.pairs.append((self.heading, self._pending))
            self._pending = ""
        self.heading = heading

    def finish(self) -> tuple[tuple[str, str], ...]:
        if self._heading_words is not None:
            self.end_heading()
        self.flush()
        if self._pending:
            self.pairs.append((self.heading, self._pending))
            self._pending = ""
        return tuple(self.pairs)


def lines_of(text: str) -> str:
    """Text whose line breaks are its own (code): each line's blanks collapsed, empty lines left out."""
    return "\n".join(line for line in (" ".join(raw.split()) for raw in text.split("\n")) if line)


def sections_text(pairs: tuple[tuple[str, str], ...]) -> str:
    """(heading, paragraph) pairs as plain text: each heading on the line above its paragraph."""
    return "\n\n".join(f"{heading}\n{text}" if heading else text for heading, text in pairs)
