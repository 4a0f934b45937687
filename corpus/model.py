"""The plain values that flow from the readers to the indexer.

A reader turns a file into one or more `RawDocument`s (text as found, plus
whatever metadata the file itself carries).  Cleaning and structure turn a
`RawDocument` into a `Document`: a sequence of `Block`s, each a paragraph of
cleaned text that knows its article, section, speaker and kind.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# What a block of text is.  Body and answers are the prose people search for;
# the rest is kept searchable but ranked below prose with the same matches.
BODY = "body"
ANSWER = "answer"
QUESTION = "question"
SIDEBAR = "sidebar"
BIO = "bio"
NOTES = "notes"
KINDS = (BODY, ANSWER, QUESTION, SIDEBAR, BIO, NOTES)


@dataclass(frozen=True)
class RawDocument:
    """A document as read from disk, before cleaning."""

    id: str
    path: str
    format: str  # "text", "markdown", "html", "jsonl", "pdf", "docx"
    text: str
    title: str = ""
    authors: tuple[str, ...] = ()
    date: str = ""  # ISO 8601, as precise as known ("2019", "2019-02", "2019-10-29")
    publisher: str = ""
    url: str = ""  # where the document was published, when the file says (or a sidecar does)
    # Paged formats (PDF): the printed label of each page, in order, and `text`
    # separates pages with a form feed ("\f").  Empty for formats without pages.
    page_labels: tuple[str, ...] = ()
    # Pre-parsed structure, for readers (HTML) that find it in markup: a tuple
    # of (section heading, paragraph text) pairs.  Empty means "parse `text`".
    sections: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Block:
    """A paragraph of cleaned text with everything known about where it sits."""

    text: str
    kind: str = BODY
    section: str = ""
    title: str = ""  # title of the article the block belongs to
    authors: tuple[str, ...] = ()  # whose words these are
    page: str = ""  # page label as printed ("12", or "12-13" across a break); "" when unpaged


@dataclass(frozen=True)
class Document:
    """A cleaned, structured document."""

    id: str
    path: str
    title: str
    authors: tuple[str, ...] = ()
    date: str = ""
    publisher: str = ""
    url: str = ""
    blocks: tuple[Block, ...] = field(default_factory=tuple)
