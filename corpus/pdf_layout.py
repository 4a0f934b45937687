"""A printed page's lines put in reading order, its furniture told from its content.

Pure functions on plain values (no PDF library here): corpus.pdf turns each
page into `Segment`s (a run of text on one printed line, with its box and type
size) and this module decides, the way a reader's eye does,

- reading order: full-width lines split the page into bands; within a band the
  narrower lines fall into columns, read left to right, each top to bottom;
- running heads and feet: lines in the top or bottom margin whose text (digits
  aside) recurs on other pages: the journal's name, the report's title, a URL,
  `3/10`, page numbers.  They are left out; the numbers they print are kept as
  a fallback for page labels;
- footnotes: smaller type below the last line of body type, starting with a
  number or a mark; each note becomes one NOTE_MARK line (corpus.paging);
- headings: larger type, or a short line all in bold, becomes a HEADING_MARK line;
- boxes: text inside a drawn rectangle, and runs of larger type that are not
  headings.  A box whose words repeat the body's on its own page or within
  PULL_QUOTE_PAGES pages of it is a pull quote (dropped); any
  other box is a sidebar, written the way the bundled reports flag theirs (a
  lone "*" line before it), so corpus.asides keeps it as a sidebar block.

Superscript footnote markers are taken out of body lines by corpus.pdf, which
sees the glyphs' size and raised baseline.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .paging import HEADING_MARK, NOTE_MARK, NOTE_MORE

__all__ = ["Page", "Segment", "body_size", "in_margin", "lay_out_pages", "printed_page_numbers", "repeats_body",
           "title_lines", "word_triples"]


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text on one printed line; coordinates in points, y growing down the page (slots: a
    long document holds every page's segments until its running heads are known)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # the type size most of its characters are set in
    bold: bool = False
    boxed: int = -1  # index of the drawn box holding it, -1 when none
    note_text: str = ""  # the text with its superscripts kept (a footnote's own number)
    baseline: float = 0.0  # y of the line its letters sit on (0: unknown; `bottom` is used)

    @property
    def base(self) -> float:
        return self.baseline or self.bottom


@dataclass
class Page:
    width: float
    height: float
    segments: list[Segment] = field(default_factory=list)


# A segment wider than this share of the page's text area spans the columns.
_WIDE_SHARE = 0.62
# Running heads and feet sit in this share of the page at the top or the bottom.
_MARGIN_SHARE = 0.11
_FOOTNOTE_START = re.compile(r"^\s*(?:\d{1,3}|[*†‡§¶])[\s.)]*\S")
_PAGE_NUMBER = re.compile(r"(?i)^(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$")
_WORD = re.compile(r"[^\W\d_]+")


def body_size(pages: list[Page]) -> float:
    """The type size most characters of the document are set in."""
    sizes: Counter = Counter()
    for page in pages:
        for seg in page.segments:
            sizes[round(seg.size * 2) / 2] += len(seg.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


# ---------------------------------------------------------------- reading order


def gutters(segments: list[Segment], step: float = 2.0) -> list[tuple[float, float]]:
    """White vertical strips between columns: x ranges (at least 6 pt wide) with text
    on both sides that no line narrower than the text area crosses (few at most)."""
    left = min(s.x0 for s in segments)
    right = max(s.x1 for s in segments)
    narrow = [s for s in segments if s.x1 - s.x0 < _WIDE_SHARE * (right - left)]
    if not narrow:
        return []
    bins = int((right - left) / step) + 1
    cover = [0] * bins
    for seg in narrow:
        for b in range(int((seg.x0 - left) / step), min(bins, int((seg.x1 - left) / step) + 1)):
            cover[b] += 1
    limit = max(cover) // 20
    found, start = [], None
    for b, count in enumerate(cover + [limit + 1]):
        if count <= limit and start is None:
            start = b
        elif count > limit and start is not None:
            if start > 0 and b < bins and (b - start) * step >= 6:
                found.append((left + start * step, left + b * step))
            start = None
    return found


def reading_order(segments: list[Segment]) -> list[list[Segment]]:
    """The page's segments as columns in reading order (each a list read top to bottom).

    Lines that cross a gutter (titles, full-width paragraphs, running heads)
    cut the page into bands; in each band the other lines are read column by
    column, left to right.
    """
    if not segments:
        return []
    cuts = gutters(segments)
    ordered = sorted(segments, key=lambda s: (s.top, s.x0))
    groups: list[list[Segment]] = []
    band: list[Segment] = []
    for seg in ordered:
        if any(seg.x0 < a and seg.x1 > b for a, b in cuts):
            groups.extend(_columns(band, cuts))
            band = []
            groups.append([seg])
        else:
            band.append(seg)
    groups.extend(_columns(band, cuts))
    return groups


def _columns(band: list[Segment], cuts: list[tuple[float, float]]) -> list[list[Segment]]:
    """A band's segments by column (the gutter-delimited slot their middle is in), left to right."""
    columns: dict[int, list[Segment]] = defaultdict(list)
    for seg in band:
        middle = (seg.x0 + seg.x1) / 2
        columns[sum(1 for a, b in cuts if (a + b) / 2 < middle)].append(seg)
    return [sorted(columns[k], key=lambda s: (s.top, s.x0)) for k in sorted(columns)]


# ------------------------------------------------------- running heads and feet


def _shape(text: str) -> str:
    """A line's text with its numbers blanked: '3/10' and '4/10' have one shape."""
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def in_margin(seg: Segment, page: Page, share: float = _MARGIN_SHARE) -> bool:
    """Whether the segment sits in the top or bottom margin, where running heads and feet are."""
    return seg.bottom <= page.height * share or seg.top >= page.height * (1 - share)


def find_running_heads(pages: list[Page]) -> set[tuple[int, int]]:
    """(page, segment) indexes of running heads and feet, and of lone page numbers in the margins.

    A margin line is a running head when a line of the same shape sits in
    the same margin of at least two pages (and of a quarter of the pages of
    a long document).
    """
    where: dict[tuple[str, bool], set[int]] = defaultdict(set)
    for p, page in enumerate(pages):
        for seg in page.segments:
            if in_margin(seg, page):
                where[(_shape(seg.text), seg.top < page.height / 2)].add(p)
    needed = max(2, len(pages) // 4)
    found = set()
    for p, page in enumerate(pages):
        for k, seg in enumerate(page.segments):
            if not in_margin(seg, page):
                continue
            repeated = len(where[(_shape(seg.text), seg.top < page.height / 2)]) >= needed
            if repeated or (_PAGE_NUMBER.match(seg.text.strip()) and in_margin(seg, page, _MARGIN_SHARE / 2)):
                found.add((p, k))
    return found


def printed_page_numbers(pages: list[Page], heads: set[tuple[int, int]]) -> list[str]:
    """Page labels read from the numbers printed in running heads and feet; [] when they say nothing.

    A number counts when most pages print one that is the PDF page number
    plus the same offset (a report whose page 1 is the PDF's fifth page).
    """
    offsets: Counter = Counter()
    for p, page in enumerate(pages):
        seen = set()
        for k, seg in enumerate(page.segments):
            if (p, k) in heads:
                text = re.sub(r"(?i)\d+\s*(?:/|of)\s*\d+", " ", seg.text)  # '3/10': a counter, not a label
                for number in re.findall(r"(?<![\d/.:,-])\d{1,4}(?![\d:.,/-]\d)", text):
                    seen.add(int(number) - (p + 1))
        offsets.update(seen)
    if not offsets or len(pages) < 2:
        return []
    offset, votes = offsets.most_common(1)[0]
    if votes < max(2, (len(pages) + 1) // 2):
        return []
    return [str(p + 1 + offset) for p in range(len(pages))]


# ------------------------------------------------------------------ footnotes


def find_footnotes(page: Page, columns: list[list[Segment]], size: float, heads: set[int]) -> set[int]:
    """Ids (id()) of the segments that are footnotes: small type below the last line of body type."""
    body_bottom = max(
        (s.bottom for col in columns for s in col if id(s) not in heads and s.size >= size - 0.25), default=None
    )
    if body_bottom is None:
        return set()
    found: set[int] = set()
    for col in columns:
        tail = [s for s in col if id(s) not in heads and s.top >= body_bottom - 1 and s.size < size - 0.25]
        if tail and _FOOTNOTE_START.match(tail[0].note_text or tail[0].text):
            found.update(id(s) for s in tail)
    return found


def footnote_lines(segments: list[Segment]) -> list[str]:
    """Footnote segments as notes: a NOTE_MARK line starts each, NOTE_MORE lines continue it."""
    lines: list[str] = []
    left = min((s.x0 for s in segments), default=0.0)
    for seg in segments:
        text = (seg.note_text or seg.text).strip()
        if (_FOOTNOTE_START.match(text) and seg.x0 <= left + seg.size * 1.5) or not lines:
            text = re.sub(r"^(\d{1,3}|[*†‡§¶])(?=[^\d\s.)])", r"\1 ", text)  # '12Text' -> '12 Text'
            lines.append(NOTE_MARK + text)
        else:
            lines.append(NOTE_MORE + text)
    return lines


# -------------------------------------------------- headings, boxes, pull quotes


def _trigrams(text: str) -> list[tuple[str, ...]]:
    words = [w.lower() for w in _WORD.findall(text)]
    return [tuple(words[k : k + 3]) for k in range(len(words) - 2)]


def word_triples(text: str) -> set[int]:
    """The hashes of a text's word triples, as repeats_body takes them."""
    return set(map(hash, _trigrams(text)))


def repeats_body(text: str, body: set[int]) -> bool:
    """Whether most of a passage's word triples occur in the body as well (`body`: the hashes of
    the body's word triples, a long document's words not held): a pull quote."""
    grams = _trigrams(text)
    return bool(grams) and sum(hash(g) in body for g in grams) >= 0.6 * len(grams)


def is_bold_heading(seg: Segment) -> bool:
    """A short line all in bold that does not end like a sentence part."""
    return seg.bold and len(seg.text.split()) <= 12 and not re.search(r"[.,;:]$", seg.text.strip())


def is_large(seg: Segment, size: float) -> bool:
    return seg.size >= size * 1.15


def title_lines(pages: list[Page]) -> list[Segment]:
    """The lines in the largest type on the first page (its title), when larger than the body's."""
    if not pages or not pages[0].segments:
        return []
    size = body_size(pages)
    first = [s for col in reading_order(pages[0].segments) for s in col]
    largest = max(s.size for s in first)
    if largest < size * 1.3:
        return []
    run: list[Segment] = []
    for seg in first:
        if abs(seg.size - largest) < 0.3:
            run.append(seg)
        elif run:
            break
    return run


# -------------------------------------------------------------- putting together


@dataclass
class _Item:
    """A unit of a page in reading order: one body line, a run of large type, a box, or a note."""

    kind: str  # "line", "large", "box", "note"
    segments: list[Segment]

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments)


def _page_items(page: Page, p: int, size: float, head_keys: set, title: list[Segment]) -> list[_Item]:
    heads = {id(seg) for k, seg in enumerate(page.segments) if (p, k) in head_keys}
    columns = reading_order(page.segments)
    notes = find_footnotes(page, columns, size, heads)
    title_ids = {id(s) for s in title}
    items: list[_Item] = []
    boxes: dict[int, _Item] = {}
    for col in columns:
        for seg in col:
            if id(seg) in heads:
                continue
            last = items[-1] if items else None
            if id(seg) in notes:
                items.append(_Item("note", [seg]))
            elif seg.boxed >= 0:
                if seg.boxed not in boxes:
                    boxes[seg.boxed] = _Item("box", [])
                    items.append(boxes[seg.boxed])
                boxes[seg.boxed].segments.append(seg)
            elif id(seg) in title_ids:
                items.append(_Item("title", [seg]))
            elif is_large(seg, size):
                joins = last is not None and last.kind == "large" and abs(last.segments[-1].size - seg.size) < 0.3
                joins = joins and seg.top - last.segments[-1].bottom < 1.2 * seg.size
                if joins:
                    last.segments.append(seg)
                else:
                    items.append(_Item("large", [seg]))
            else:
                items.append(_Item("line", [seg]))
    return items


def lay_out_pages(pages: list[Page]) -> tuple[list[str], list[str]]:
    """Each page's text in reading order, and the page labels its running heads print ([] if none).

    Headings come as HEADING_MARK lines, sidebars as '*'-flagged blocks after
    the page's last finished sentence, footnotes as NOTE_MARK lines at the
    page's end; pull quotes and running heads are left out.
    """
    size = body_size(pages)
    head_keys = find_running_heads(pages)
    title = title_lines(pages)
    items = [_page_items(page, p, size, head_keys, title) for p, page in enumerate(pages)]
    page_grams = [set().union(*(word_triples(item.text) for item in page_items if item.kind == "line"))
                  for page_items in items]
    pitch = line_pitch(items, size)
    texts = [_page_text(page_items, size, _grams_near(page_grams, p), pitch) for p, page_items in enumerate(items)]
    return texts, printed_page_numbers(pages, head_keys)


# How many pages before or after its own a pull quote's copy in the body may be.
PULL_QUOTE_PAGES = 2


def _grams_near(page_grams: list[set[int]], p: int) -> set[int]:
    """The body's word triples (hashed, as word_triples gives them) on page p and the
    PULL_QUOTE_PAGES pages either side."""
    return set().union(*page_grams[max(0, p - PULL_QUOTE_PAGES): p + PULL_QUOTE_PAGES + 1])


def line_pitch(items: list[list[_Item]], size: float) -> float:
    """The usual distance between the baselines of two lines of body type (the leading)."""
    pitches = []
    for page_items in items:
        lines = [i.segments[0] for i in page_items if i.kind == "line" and abs(i.segments[0].size - size) < 0.3]
        for above, below in zip(lines, lines[1:]):
            step = below.base - above.base
            if 0.8 * size < step < 2.5 * size and abs(below.x0 - above.x0) < 3 * size:
                pitches.append(step)
    pitches.sort()
    return pitches[len(pitches) // 2] if pitches else 1.2 * size


def _page_text(items: list[_Item], size: float, body_grams: set[int], pitch: float) -> str:
    lines: list[str] = []
    sidebars: list[list[str]] = []
    notes: list[Segment] = []
    previous: Segment | None = None
    title_ids: set[int] = set()
    for item in items:
        if item.kind == "note":
            notes.extend(item.segments)
            continue
        if _is_pull_quote(item, body_grams):
            continue  # the body says it
        if item.kind == "box" or (item.kind == "large" and len(item.text.split()) > 20):
            sidebars.append([s.text for s in item.segments])
            continue
        seg = item.segments[0]
        if item.kind == "title" and previous is not None and lines and id(previous) in title_ids:
            lines[-1] = f"{lines[-1]} {seg.text.strip()}"  # a title over two lines is one line of text
            title_ids.add(id(seg))
            previous = seg
            continue
        if item.kind == "title":
            title_ids.add(id(seg))
        if item.kind == "large" or (item.kind == "line" and is_bold_heading(seg) and _stands_alone(previous, seg)):
            lines.extend(["", HEADING_MARK + item.text, ""])
        else:
            ends_title = previous is not None and id(previous) in title_ids and item.kind != "title"
            if previous is not None and (ends_title or _paragraph_gap(previous, seg, pitch, lines)):
                lines.append("")
            lines.append(seg.text)
        previous = item.segments[-1]
    lines = _with_sidebars(lines, sidebars)
    lines.extend(footnote_lines(notes))
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and not lines[first].startswith(" "):
        lines[first] = " " + lines[first]  # a line that starts a printed page keeps one leading space
    return "\n".join(lines)


def _is_pull_quote(item: _Item, body_grams: set[int]) -> bool:
    """A box, or a sentence in large type (not a heading's few words), that repeats the body."""
    if item.kind == "large":
        sentence = len(item.text.split()) > 12 or re.search(r"[.!?][\"”’)]*$", item.text)
        return bool(sentence) and repeats_body(item.text, body_grams)
    return item.kind == "box" and repeats_body(item.text, body_grams)


def _stands_alone(above: Segment | None, seg: Segment) -> bool:
    return above is None or not above.bold or seg.top - above.bottom > 0.6 * seg.size


def _paragraph_gap(above: Segment, below: Segment, pitch: float, lines: list[str]) -> bool:
    """More white between two lines of a column than the leading leaves, or an indented first line."""
    step = below.base - above.base
    if step <= 0:
        return False  # a new column: the sentence may run on
    if step > 1.3 * pitch * max(above.size, below.size) / max(min(above.size, below.size), 1.0):
        return True
    indented = below.x0 - above.x0 > 0.8 * below.size and above.x1 - above.x0 > 0.5 * (below.x1 - below.x0)
    return indented and bool(lines) and bool(re.search(r"[.!?:][\"”’)]*$", lines[-1].strip()))


def _with_sidebars(lines: list[str], sidebars: list[list[str]]) -> list[str]:
    """Sidebars placed after the page's last finished sentence, so they cut no sentence of the body."""
    if not sidebars:
        return lines
    at = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        if re.search(r"[.!?][\"”’)]*$", lines[i].strip()):
            at = i + 1
            break
    flagged: list[str] = []
    for box in sidebars:
        flagged.extend(["", "*", ""] + [line.strip() for line in box] + [""])
    return lines[:at] + flagged + lines[at:]
