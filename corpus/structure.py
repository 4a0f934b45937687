"""Find a document's structure: articles, sections, speakers, kinds of block.

`build_document` is the one entry point the indexer uses.  It picks the reading
that fits the document:

- pre-parsed sections (HTML readers find them in markup) are cleaned and kept;
- Markdown: `#` headings are sections, markup is stripped (corpus.markdown);
- an edited volume with bylines ("BY LORAND LASKAI AND HELEN TONER") is split
  into its articles, bios and interviews (corpus.volume);
- anything else is one article whose headings are found from its lines
  (corpus.sections); plain text with no headings gives blocks with no section.

Who wrote what comes from the text when the text says so, else from the
catalog; a document neither names stays unattributed.
"""
from __future__ import annotations

import re

from .asides import drop_pull_quotes, take_out_sidebars
from .catalog import lookup
from .clean import clean_text
from .lines import words_of
from .model import Block, Document, RawDocument
from .sections import article_blocks, kind_of_section
from .volume import is_edited_volume, volume_blocks

__all__ = ["build_document", "document_authors"]


def drop_title_lines(lines: list[str], title: str) -> list[str]:
    """Leading lines that only repeat the document's title or subtitle."""
    title_words = " ".join(words_of(title))
    if not title_words:
        return lines
    kept = list(lines)
    while kept:
        first = " ".join(words_of(kept[0]))
        if len(first.split()) >= 2 and f" {first} " in f" {title_words} ":
            kept.pop(0)
        elif not kept[0].strip():
            kept.pop(0)
        else:
            break
    return kept


def _section_blocks(raw: RawDocument, title: str, authors: tuple[str, ...]) -> list[Block]:
    blocks = []
    for heading, paragraph in raw.sections:
        text = re.sub(r"\s+", " ", clean_text(paragraph)).strip()
        if text:
            kind = kind_of_section(heading)
            blocks.append(Block(text=text, kind=kind, section=heading.strip(), title=title, authors=authors))
    return blocks


def _text_blocks(raw: RawDocument, title: str, authors: tuple[str, ...]) -> list[Block]:
    if raw.format == "markdown":
        from .markdown import markdown_blocks

        return markdown_blocks(raw.text, title, authors)
    lines = clean_text(raw.text).split("\n")
    lines = drop_pull_quotes(take_out_sidebars(lines))
    if is_edited_volume(lines):
        return volume_blocks(lines, title, authors)
    return article_blocks(drop_title_lines(lines, title), title, authors)


def _title_in_markup(raw: RawDocument) -> str:
    if raw.format == "markdown":
        from .markdown import markdown_title

        return markdown_title(raw.text)
    return ""


def document_authors(known: tuple[str, ...], blocks: list[Block]) -> tuple[str, ...]:
    """Everyone who wrote or said something: the catalog's order first, then as met."""
    seen = dict.fromkeys(known)
    for block in blocks:
        seen.update(dict.fromkeys(block.authors))
    return tuple(seen)


def build_document(raw: RawDocument) -> Document:
    """Clean a raw document and find its blocks."""
    entry = lookup(raw.id)
    title = raw.title or (entry.title if entry else "") or _title_in_markup(raw)
    authors = tuple(raw.authors or (entry.authors if entry else ()))
    if raw.sections:
        blocks = _section_blocks(raw, title, authors)
    else:
        blocks = _text_blocks(raw, title, authors)
    if not title and blocks:
        title = blocks[0].text[:80]
    return Document(
        id=raw.id,
        path=raw.path,
        title=title,
        authors=document_authors(authors, blocks),
        date=raw.date or (entry.date if entry else ""),
        publisher=raw.publisher or (entry.publisher if entry else ""),
        blocks=tuple(blocks),
    )
