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
class Publication:
    """Where and how a document was published: what a citation needs beyond title, authors and date.

    `type` is a CSL item type ("report", "article-journal", "post-weblog",
    "webpage", "book", "chapter", ...); "" when unknown.  A document with
    `editors` is an edited volume: it is cited by its editors, and a passage
    in one of its articles cites that article as a chapter.
    """

    type: str = ""
    container_title: str = ""  # the journal, website or blog it appeared in
    editors: tuple[str, ...] = ()
    volume: str = ""
    issue: str = ""
    series: str = ""  # the series it is part of ("Special Report")
    number: str = ""  # its number in the series
    season: str = ""  # of an issue dated by season: "Spring", "Summer", "Autumn" or "Winter"


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
    publication: Publication = Publication()
    description: str = ""  # what the document says it is about (Markdown front matter's `description`)
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
    publication: Publication = Publication()
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    description: str = ""
