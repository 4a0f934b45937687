"""A long plain text cleaned, structured and chunked part by part, so memory holds one part's objects at a time.

Structuring and chunking a text costs about 4 MB of resident memory per MB
(lines, blocks, passages and their sentence spans, all alive together): a
100 MB text built whole peaked at about 650 MB.  A text longer than
WHOLE_CHARS is cut into parts of PART_CHARS at paragraph ends (a blank line; else a line
end; else a space) and each part is built in turn.  The passages continue
across parts as in one document: ordinals, ids, `start`/`end` in the cleaned
text, the section in force.  The last run of blocks of a part (short blocks
that may join the next part's first) is carried into the next part, so the
passages are those of an unsplit reading wherever the cut falls between
paragraphs, except where a decision looks across the whole document (see
WHOLE_CHARS) (measured on the 10 MB text and JSON Lines record of
benchmarks/speed.py --memory, in 2 MB parts: all 15,708 passages the same).
A paragraph cut in two (no blank line in a part's second half: a text with
no line breaks) is two blocks: the passages beside the cut differ, and the
offsets after it count a joiner, but no word is lost or repeated (the 10 MB
text without sentence ends: 835 passages for 834, the same 1,240,000 words
in order).  The first part gives the document's title and facts.

Only plain text and JSON Lines records are built in parts: Markdown and HTML
come parsed into sections, PDF and Word into pages (each with its own bounds).
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterator

from corpus.model import NOTES, SIDEBAR, Document, RawDocument

from .chunk import Passage, blocks_length, chunk_blocks, group_blocks, title_passage
from .sentences import SpanSplitter

PART_CHARS = 8 * 2**20  # (a part of 8 MB costs about 35 MB to build)
FORMATS = frozenset({"text", "jsonl"})
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_LINE_END = re.compile(r"\n")
_SPACE = re.compile(r"\s")


# Texts up to this long are built whole, as every other document is.  A part is
# judged on its own where a decision looks across the whole document (an edited
# volume found from its bylines, text repeated far apart): on a 17 MB text of the
# bundled reports repeated, the later parts lost a line of each chapter that the
# whole reading kept.  So parts are only for texts too long to build whole in
# bounded memory (a 64 MB text built whole peaked at 463-484 MB).
WHOLE_CHARS = 64 * 2**20


def in_parts(raw: RawDocument, size: int | None = None) -> bool:
    """Whether `raw` is built part by part (plain text too long to build whole)."""
    size = max(WHOLE_CHARS, size or PART_CHARS)
    return raw.format in FORMATS and not raw.sections and not raw.page_labels and len(raw.text) > size


def text_parts(text: str, size: int | None = None) -> Iterator[str]:
    """`text` in consecutive pieces of at most `size` characters, each cut after the last
    paragraph end (else line end, else white space) of its second half."""
    size = size or PART_CHARS
    start = 0
    while len(text) - start > size:
        end = start + size
        cut = None
        for boundary in (_BLANK_LINE, _LINE_END, _SPACE):
            for m in boundary.finditer(text, start + size // 2, end):
                cut = m.end()
            if cut is not None:
                break
        cut = cut or end  # (no white space at all: cut between characters)
        yield text[start:cut]
        start = cut
    yield text[start:]


def _section_in_force(blocks: tuple, section: str) -> str:
    """The section a part's last block of prose is in (`section` if it has none)."""
    for block in reversed(blocks):
        if block.kind not in (NOTES, SIDEBAR):
            return block.section
    return section


def _heading_alone(block) -> bool:
    """A heading with nothing under it (yet): a block of its own section's text."""
    return block.text == block.section and block.kind not in (NOTES, SIDEBAR)


def chunk_in_parts(raw: RawDocument, splitter: SpanSplitter, size: int | None = None
                   ) -> Iterator[tuple[Document, list[Passage]]]:
    """Each part of `raw`: (its Document, the passages it completes).  The first part's Document
    is the document's (title, authors, facts); the passages of all parts are the document's."""
    from corpus.structure import build_document, continue_document

    first: Document | None = None
    carried: tuple = ()  # the blocks of the last run so far, which the next part may continue
    section, heading_met = "", False
    ordinal = offset = 0
    parts = text_parts(raw.text, size)
    text = next(parts)
    while text is not None:
        part = replace(raw, text=text)
        following = next(parts, None)
        if first is None:
            doc = first = build_document(part)
        else:
            doc = continue_document(part, first, section, heading_met)
        part = text = None  # (one part's text at a time)
        blocks = doc.blocks
        # A heading that ends a part heads what the next part starts with.
        heading_met = following is not None and bool(blocks) and _heading_alone(blocks[-1])
        if heading_met:
            section, blocks = blocks[-1].section, blocks[:-1]
        else:
            section = _section_in_force(blocks, section)
        blocks = carried + blocks
        if following is not None and blocks:
            keep = list(group_blocks(blocks))[-1][0][0]
            blocks, carried = blocks[:keep], blocks[keep:]
        else:
            carried = ()
        passages = list(chunk_blocks(replace(doc, blocks=blocks), splitter, ordinal, offset))
        offset += blocks_length(blocks)
        if passages:
            ordinal = passages[-1].ordinal
        elif following is None and not ordinal and first.title.strip():
            passages = [title_passage(first, splitter)]
        yield doc, passages
        first = replace(first, blocks=())  # (its record is made: its blocks are let go of)
        doc = blocks = passages = None
        text = following
