"""Find a document's structure: articles, sections, speakers, kinds of block.

`build_document` is the one entry point the indexer uses.  It picks the reading
that fits the document:

- pre-parsed sections (the HTML and Markdown readers find them in markup)
  are kept, only their Unicode folded and blanks collapsed;
- Markdown text given without sections is parsed first (corpus.markdown);
- an edited volume with bylines ("BY LORAND LASKAI AND HELEN TONER") is split
  into its articles, bios and interviews (corpus.volume);
- anything else is one article whose headings are found from its lines
  (corpus.sections); plain text with no headings gives blocks with no section.

Who wrote what comes from the text when the text says so, else from the
catalog; a document neither names stays unattributed.

Footnote numbers glued to words ("percent.94"), lines of web-page furniture
and pull quotes are taken out only of text exported from a PDF or scraped
from a page: the bundled reports (the catalog's documents).  Anywhere else a
number after a word is part of it ("httplib2") and every line is content.
PDF and Word files are read from their layout (corpus.pdf, corpus.docx), whose
readers leave out running heads, superscript note markers and pull quotes
themselves; their text gets only the cleaning that needs no guess
(corpus.paging), and each block of a PDF gets the page it is printed on.
"""
from __future__ import annotations

import re
import textwrap
from dataclasses import replace

from .asides import drop_pull_quotes, take_out_sidebars
from .catalog import lookup
from .clean import clean_markup_text, clean_text, drop_page_numbers_at_breaks
from .lines import words_of
from .model import Block, Document, Publication, RawDocument
from .outline import lines_of
from .paging import assign_pages, clean_laid_out_text, note_blocks, take_out_notes
from .sections import article_blocks, kind_of_section, split_sections
from .volume import is_edited_volume, volume_blocks

__all__ = ["build_document", "continue_document", "document_authors"]

# Formats whose readers see the layout and take out pull quotes, running heads
# and note markers themselves (corpus.pdf_layout, corpus.docx): the text-only
# guesses of corpus.clean and corpus.asides are left out for them.
READ_BY_LAYOUT = frozenset({"pdf", "docx"})


def drop_title_lines(lines: list[str], title: str) -> list[str]:
    """Leading lines that only repeat the document's title or subtitle."""
    title_words = " ".join(words_of(title))
    if not title_words:
        return lines
    kept = list(lines)
    while kept:
        if _words_longer_than(kept[0], len(title_words)):  # (an abstract on one line: not its title)
            break
        first = " ".join(words_of(kept[0]))
        if len(first.split()) >= 2 and f" {first} " in f" {title_words} ":
            kept.pop(0)
        elif not kept[0].strip():
            kept.pop(0)
        else:
            break
    return kept


def _words_longer_than(line: str, size: int) -> bool:
    """Whether `" ".join(words_of(line))` is longer than `size`, told from the line's start.

    The words of a start of the line are its first words (the last perhaps
    cut short): if they are longer, so are all.
    """
    return len(" ".join(words_of(line[: 2 * size + 64]))) > size


def _section_blocks(raw: RawDocument, title: str, authors: tuple[str, ...]) -> list[Block]:
    blocks = []
    for heading, paragraph in raw.sections:
        text = lines_of(clean_markup_text(paragraph))  # (only a code block's paragraph has line breaks)
        if text:
            kind = kind_of_section(heading)
            blocks.append(Block(text=text, kind=kind, section=heading.strip(), title=title, authors=authors))
    return blocks


def take_opening_title(lines: list[str]) -> tuple[str, list[str]]:
    """A text file that opens with a heading names itself: (that title, the lines after it)."""
    sections = split_sections(lines)
    opening = sections[0] if sections else None
    followed = opening is not None and (len(sections) > 1 or any(l.strip() for l in opening.lines))
    if not followed or not opening.heading or opening.capitals:
        return "", lines
    taken, i = "", 0
    while i < len(lines) and taken != opening.heading:
        if lines[i].strip():
            taken = f"{taken} {lines[i].strip()}".strip()
            if not opening.heading.startswith(taken):
                return "", lines
        i += 1
    return opening.heading, lines[i:]


def _text_blocks(
    raw: RawDocument, title: str, authors: tuple[str, ...], exported: bool, section: str | None = None,
    heading_met: bool = False,
) -> tuple[str, list[Block]]:
    """The title (found in the text if the caller had none) and the blocks of a text document.

    With `section`, `raw` is a later part of a long text, read on under that section
    (`continue_document`): no title or volume to find at its start.
    """
    if raw.format in READ_BY_LAYOUT:
        clean = clean_laid_out_text
    else:
        def clean(text: str) -> str:
            return clean_text(text, exported=exported)
    text = raw.text if exported or raw.format in READ_BY_LAYOUT else drop_page_numbers_at_breaks(raw.text)
    text, notes = take_out_notes(text.replace("\f", "\n"))  # notes at page feet, for paged documents
    lines = clean(text).split("\n")
    lines = take_out_sidebars(lines)
    if exported and raw.format not in READ_BY_LAYOUT:  # a line printed twice is a pull quote only on a printed page
        lines = drop_pull_quotes(lines)
    if section is not None:
        blocks = article_blocks(lines, title, authors, section=section, heading_met=heading_met)
        return title, blocks + note_blocks(notes, title, authors, clean)
    if is_edited_volume(lines):
        return title, volume_blocks(lines, title, authors) + note_blocks(notes, title, authors, clean)
    if title:
        lines = drop_title_lines(lines, title)
    else:
        title, lines = take_opening_title(lines)
    return title, article_blocks(lines, title, authors) + note_blocks(notes, title, authors, clean)


def _mostly_letters(text: str) -> bool:
    """Text with more letters than other visible characters (prose or code, not a drawing in symbols)."""
    letters = sum(ch.isalpha() for ch in text)
    return letters * 2 > len(text) - text.count(" ")


def document_authors(known: tuple[str, ...], blocks: list[Block]) -> tuple[str, ...]:
    """Everyone who wrote or said something: the catalog's order first, then as met."""
    seen = dict.fromkeys(known)
    for block in blocks:
        seen.update(dict.fromkeys(block.authors))
    return tuple(seen)


def _publication(raw: RawDocument, entry) -> Publication:
    """The file's (or its sidecar's) publication facts, completed from the catalog."""
    if entry is None or raw.publication == entry.publication:
        return raw.publication
    fields = {}
    for key in ("type", "container_title", "editors", "volume", "issue", "series", "number", "season"):
        fields[key] = getattr(raw.publication, key) or getattr(entry.publication, key)
    return Publication(**fields)


def build_document(raw: RawDocument) -> Document:
    """Clean a raw document and find its blocks."""
    entry = lookup(raw.id)
    if raw.format == "markdown" and not raw.sections:
        from .markdown import read_markdown

        parsed = read_markdown(raw.path, raw.text, raw.id)
        raw = replace(parsed, title=raw.title or parsed.title, authors=raw.authors or parsed.authors,
                      date=raw.date or parsed.date, publisher=raw.publisher, url=raw.url)
    title = raw.title or (entry.title if entry else "")
    authors = tuple(raw.authors or (entry.authors if entry else ()))
    if raw.sections:
        blocks = _section_blocks(raw, title, authors)
    else:
        exported = raw.format == "pdf" or entry is not None
        title, blocks = _text_blocks(raw, title, authors, exported)
    if raw.page_labels:
        blocks = assign_pages(blocks, raw.text, raw.page_labels)
    if not title and blocks:
        # Its first words; a banner drawn in symbols (a README's ASCII-art logo) is no title.
        first = next((b for b in blocks if _mostly_letters(b.text[:1000])), blocks[0])
        # (of its start: shortening splits the text into words, and a block may be a whole document)
        head = first.text[:1000]
        title = textwrap.shorten(head if len(first.text) <= 1000 else head + " …", 80, placeholder=" …")
    return Document(
        id=raw.id,
        path=raw.path,
        title=title,
        authors=document_authors(authors, blocks),
        date=raw.date or (entry.date if entry else ""),
        publisher=raw.publisher or (entry.publisher if entry else ""),
        url=raw.url or (entry.url if entry else ""),
        publication=_publication(raw, entry),
        blocks=tuple(blocks),
        description=raw.description,
    )


def continue_document(raw: RawDocument, first: Document, section: str, heading_met: bool = False) -> Document:
    """A later part of a long plain text whose first part built `first` (`build_document`): its
    blocks, read on under `section` (the one in force where the part before ended; with
    `heading_met`, its heading ended that part), with the first part's title and facts.
    A part starts at a paragraph's start."""
    entry = lookup(raw.id)
    authors = tuple(raw.authors or (entry.authors if entry else ()))
    exported = raw.format == "pdf" or entry is not None
    _, blocks = _text_blocks(raw, first.title, authors, exported, section, heading_met)
    return replace(first, blocks=tuple(blocks))
