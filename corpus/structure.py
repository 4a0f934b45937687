"""Find a document's structure: paragraphs, headings, articles, speakers.

First version: paragraphs and headings only; the structure work deepens it.
"""
from __future__ import annotations

import re

from .catalog import lookup
from .clean import clean_text
from .model import Block, Document, RawDocument

_SENTENCE_END = re.compile(r"[.!?:;\"”’)\]]$")


def _looks_like_heading(line: str) -> bool:
    if line.startswith("#"):
        return True
    words = line.split()
    return 0 < len(words) <= 10 and not _SENTENCE_END.search(line) and line[:1].isupper()


def split_paragraphs(text: str) -> list[str]:
    """Rebuild paragraphs from hard-wrapped lines (blank lines or short last lines end them)."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        current.append(line)
        if _SENTENCE_END.search(line) and len(line) < 60:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def build_document(raw: RawDocument) -> Document:
    """Clean a raw document and find its blocks."""
    entry = lookup(raw.id)
    title = raw.title or (entry.title if entry else "")
    authors = raw.authors or (entry.authors if entry else ())
    blocks: list[Block] = []
    if raw.sections:
        for heading, para in raw.sections:
            text = clean_text(para)
            if text:
                blocks.append(Block(text=text, section=heading, title=title, authors=authors))
    else:
        section = ""
        for para in split_paragraphs(clean_text(raw.text)):
            if _looks_like_heading(para):
                if not title and not blocks and (para.startswith("# ") or not para.startswith("#")):
                    title = para.lstrip("#").strip()
                else:
                    section = para.lstrip("#").strip()
                continue
            blocks.append(Block(text=para, section=section, title=title, authors=authors))
    if not title and blocks:
        title = blocks[0].text[:80]
    return Document(
        id=raw.id,
        path=raw.path,
        title=title,
        authors=tuple(authors),
        date=raw.date or (entry.date if entry else ""),
        publisher=raw.publisher or (entry.publisher if entry else ""),
        blocks=tuple(blocks),
    )
