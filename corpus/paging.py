"""Pages of paged documents (PDF): the page each block is on, and the notes a page carries.

A paged reader gives `RawDocument.text` with a form feed between pages and
`page_labels`, the label printed on each page.  Two marks (invisible
separators around a word, like corpus.asides' sidebar mark) carry what the
reader saw in the layout:

- HEADING_MARK starts a line set as a heading (larger type, or bold);
- NOTE_MARK starts a footnote printed at the foot of its page, NOTE_MORE each
  further line of it.  Notes are taken out of the body's flow, so the
  sentence they interrupt at a page break reads on, and become blocks of kind
  `notes` after the body.

`assign_pages` finds each block's page by where its letters are in the raw
text: cleaning drops lines (running heads, pull quotes), markers and hyphens
but never letters of content, so a block's first and last letters are found
in the page texts in reading order.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import replace

from .model import NOTES, Block

__all__ = [
    "HEADING_MARK",
    "NOTE_MARK",
    "NOTE_MORE",
    "assign_pages",
    "heading_text",
    "is_marked_heading",
    "join_pages",
    "page_bounds",
    "page_span",
    "take_out_notes",
]

HEADING_MARK = "\u2063heading\u2063 "
NOTE_MARK = "\u2063note\u2063 "
NOTE_MORE = "\u2063note+\u2063 "
NOTES_SECTION = "Notes"
_ANCHOR = 24  # letters that locate a block's start or end


def is_marked_heading(line: str) -> bool:
    return line.lstrip(" ").startswith(HEADING_MARK)


def heading_text(line: str) -> str:
    return line.lstrip(" ")[len(HEADING_MARK) :].strip()


def take_out_notes(text: str) -> tuple[str, list[str]]:
    """The text without its footnote lines, and each note's text (wrapped lines joined by newlines)."""
    if NOTE_MARK not in text:
        return text, []
    kept: list[str] = []
    notes: list[str] = []
    for line in text.split("\n"):
        bare = line.lstrip(" ")
        if bare.startswith(NOTE_MARK):
            notes.append(bare[len(NOTE_MARK) :])
        elif bare.startswith(NOTE_MORE) and notes:
            notes[-1] += "\n" + bare[len(NOTE_MORE) :]
        elif bare.startswith(NOTE_MORE):
            notes.append(bare[len(NOTE_MORE) :])
        else:
            kept.append(line)
    return "\n".join(kept), notes


def note_blocks(notes: list[str], title: str, authors: tuple[str, ...], clean) -> list[Block]:
    """One `notes` block per footnote, cleaned as the body is (hyphens at line ends rejoined)."""
    if not notes:
        return []
    cleaned = clean("\n\n".join(notes)).split("\n\n")
    blocks = []
    for text in cleaned:
        text = re.sub(r"\s+", " ", text).strip()
        if text:
            blocks.append(Block(text=text, kind=NOTES, section=NOTES_SECTION, title=title, authors=authors))
    return blocks


_BRACKET_NOTE = re.compile(r"(?<=\S)\[\d{1,3}\]")


def clean_laid_out_text(text: str) -> str:
    """Cleaning for text a reader took from a layout (PDF, Word).

    The reader has already left out what the layout shows is not content
    (running heads, page numbers, superscript note markers), so only
    spacing, ligatures, bracketed note markers ('policy.[12]') and words
    hyphenated at line ends are mended; the text-only guesses (a number
    alone at a line end is a note marker, a line 'Report' is web furniture)
    would cut real words at line ends here ('no. 6' wrapped before the 6).
    """
    from .clean import collapse_spaces, fold_unicode, rejoin_hyphenated_words

    text = collapse_spaces(fold_unicode(text))
    if "[" in text:
        text = _BRACKET_NOTE.sub("", text)
    return rejoin_hyphenated_words(text).strip("\n")


def _letters(text: str) -> str:
    return "".join(re.findall(r"[^\W\d_]+", unicodedata.normalize("NFKC", text).lower()))


def _shape(label: str) -> str:
    return re.sub(r"\d+", "9", re.sub(r"[^\W\d_]+", "a", label))


def page_bounds(page: str) -> tuple[str, str]:
    """('12', '13') for '12-13', ('12', '12') for '12'; a label with its own hyphen ('T-1') is one
    page, and 'T-1-T-2' is T-1 to T-2 (split where both sides look alike)."""
    cuts = [i for i, ch in enumerate(page) if ch == "-"]
    for i in sorted(cuts, key=lambda i: abs(2 * i - len(page))):
        left, right = page[:i], page[i + 1 :]
        if left and right and _shape(left) == _shape(right):
            return left, right
    return page, page


def join_pages(first: str, last: str) -> str:
    """The span from the page `first` starts on to the page `last` ends on ('' when unpaged)."""
    if not first or not last:
        return first or last
    start, end = page_bounds(first)[0], page_bounds(last)[1]
    return start if start == end else f"{start}-{end}"


def page_span(labels: tuple[str, ...] | list[str], first: int, last: int) -> str:
    """'12', or '12-13' for a block from page index `first` to `last`."""
    if first == last or labels[first] == labels[last]:
        return labels[first]
    return f"{labels[first]}-{labels[last]}"


def assign_pages(blocks: list[Block], text: str, labels: tuple[str, ...]) -> list[Block]:
    """Each block with the label of the page it starts on, and of the page it ends on if another."""
    if not labels:
        return blocks
    pages = text.split("\f")
    stream_parts, starts = [], []
    position = 0
    for page in pages[: len(labels)] + ([" ".join(pages[len(labels) :])] if len(pages) > len(labels) else []):
        starts.append(position)
        letters = _letters(page)
        stream_parts.append(letters)
        position += len(letters)
    stream = "".join(stream_parts)

    def page_at(offset: int) -> int:
        return min(bisect.bisect_right(starts, offset) - 1, len(labels) - 1)

    out: list[Block] = []
    cursor, last_page = 0, 0
    for block in blocks:
        letters = _letters(block.text)
        begin = _find(stream, letters[:_ANCHOR], cursor)
        if begin < 0:
            out.append(replace(block, page=labels[last_page]))
            continue
        tail = letters[-_ANCHOR:]
        end = _find(stream, tail, begin + max(0, len(letters) - len(tail)), begin)
        end = end + len(tail) - 1 if end >= 0 else begin + len(letters) - 1
        first, last = page_at(begin), page_at(max(begin, end))
        out.append(replace(block, page=page_span(labels, first, last)))
        if block.kind != NOTES:
            cursor, last_page = max(begin, end - len(tail)), last
    return out


def _find(stream: str, needle: str, start: int, floor: int = 0) -> int:
    """`needle` at or after `start` (the reading position), else anywhere after `floor`; -1 if nowhere."""
    if not needle:
        return -1
    found = stream.find(needle, start)
    if found < 0:
        found = stream.find(needle, floor)
    return found
