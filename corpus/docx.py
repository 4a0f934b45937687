"""Read a Word .docx with python-docx: heading styles as sections, tables and lists as text, footnotes and endnotes as notes.

Numbered paragraphs keep the numbers Word prints before them ('1.', 'a)'), counted
from the numbering part as Word counts them.

What the reader sees is what is kept: the text of the current version, so
tracked deletions (and text moved away) are left out and tracked insertions
kept; comments live in their own part and never reach the text.  Text boxes
are sidebars (or, repeating the body, pull quotes, left out), as in a PDF.  Headings
come out as corpus.paging's HEADING_MARK lines, footnotes and endnotes (numbered
as Word prints them: 1, 2, ... and i, ii, ... unless the document says
otherwise) as a Notes section at the end.

Imported only when a .docx is read (corpus.readers).
"""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError

from .errors import UnreadableDocument
from .model import RawDocument
from .paging import HEADING_MARK
from .pdf_meta import meaningful_authors, meaningful_title

__all__ = ["read_docx"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# The creation date in python-docx's blank template (UTC): a file written with python-docx keeps it
# unless the writer sets its own, so it says nothing about when that file was written.
PYTHON_DOCX_TEMPLATE_CREATED = datetime(2013, 12, 23, 23, 15)
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_TEXT_BOX = f"{_W}txbxContent"
# Left out of a paragraph's text: deletions, note references, field codes; text boxes (read apart, by
# text_boxes) and Word's fallback copy of a drawing (it repeats the text box the drawing holds).
_SKIPPED = {f"{_W}del", f"{_W}moveFrom", f"{_W}footnoteReference", f"{_W}endnoteReference", f"{_W}instrText",
            _TEXT_BOX, f"{_MC}Fallback"}
_CONTAINERS = {f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"}  # content controls around paragraphs


def paragraph_text(element) -> str:
    """The visible text of a w:p: runs, insertions, hyperlinks; not deletions or field codes."""
    parts: list[str] = []

    def walk(node) -> None:
        for child in node:
            tag = child.tag
            if tag in _SKIPPED:
                continue
            if tag == f"{_W}t":
                parts.append(child.text or "")
            elif tag in (f"{_W}tab", f"{_W}ptab"):
                parts.append("\t")
            elif tag in (f"{_W}br", f"{_W}cr"):
                parts.append(" ")
            elif tag == f"{_W}noBreakHyphen":
                parts.append("-")
            else:
                walk(child)

    walk(element)
    return "".join(parts).strip()


def _style_name(paragraph) -> str:
    try:
        return (paragraph.style.name or "") if paragraph.style is not None else ""
    except (KeyError, ValueError):
        return ""


def text_boxes(element) -> list[list[str]]:
    """The text boxes anchored in a paragraph or table: each as the texts of its paragraphs."""
    boxes = []
    for box in element.iter(_TEXT_BOX):
        if any(up.tag in (f"{_MC}Fallback", _TEXT_BOX) for up in box.iterancestors()):
            continue  # Word's second copy, or a box inside a box (read with it)
        texts = [t for t in (paragraph_text(p) for p in box.iter(f"{_W}p")) if t]
        if texts:
            boxes.append(texts)
    return boxes


def _blocks(parent):
    """The body's paragraphs and tables in order, content controls opened."""
    for child in parent.iterchildren():
        if child.tag in (f"{_W}p", f"{_W}tbl"):
            yield child
        elif child.tag in _CONTAINERS:
            yield from _blocks(child)


class ListNumbers:
    """The numbers Word prints before numbered paragraphs ('1.', 'a)', '2.1'), counted in reading
    order from the numbering part; bullets print none that is a word."""

    def __init__(self, document):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId -> level -> (format, text, start)
        self.sequence: dict[str, str] = {}  # numId -> the counters it shares (its abstract list's, unless restarted)
        self.counts: dict[str, dict[int, int]] = {}
        try:
            self._read(document.part.numbering_part.element)
        except (NotImplementedError, KeyError, AttributeError, ValueError, TypeError):
            self.levels.clear()  # numbering Word could not read either: the items without numbers

    def _read(self, root) -> None:
        abstracts = {}
        for abstract in root.iterchildren(f"{_W}abstractNum"):
            abstracts[abstract.get(f"{_W}abstractNumId")] = {
                int(level.get(f"{_W}ilvl", "0")): _level(level) for level in abstract.iterchildren(f"{_W}lvl")}
        for num in root.iterchildren(f"{_W}num"):
            reference = num.find(f"{_W}abstractNumId")
            abstract_id = reference.get(f"{_W}val") if reference is not None else None
            levels = dict(abstracts.get(abstract_id, {}))
            restarted = False
            for override in num.iterchildren(f"{_W}lvlOverride"):
                ilvl = int(override.get(f"{_W}ilvl", "0"))
                level = override.find(f"{_W}lvl")
                start = override.find(f"{_W}startOverride")
                if level is not None:
                    levels[ilvl] = _level(level)
                if start is not None and ilvl in levels and (start.get(f"{_W}val") or "").isdigit():
                    fmt, text, _ = levels[ilvl]
                    levels[ilvl] = (fmt, text, int(start.get(f"{_W}val")))
                restarted = True
            num_id = num.get(f"{_W}numId")
            self.levels[num_id] = levels
            self.sequence[num_id] = f"num {num_id}" if restarted else f"abstract {abstract_id}"

    def prefix(self, paragraph) -> str:
        """The number printed before `paragraph` ('' for none), counted as it is read."""
        try:
            num_id, ilvl = _numbering_of(paragraph)
        except (KeyError, ValueError, TypeError, AttributeError):  # a value python-docx cannot parse
            return ""
        levels = self.levels.get(num_id or "")
        if not levels or ilvl not in levels:
            return ""
        counts = self.counts.setdefault(self.sequence[num_id], {})
        counts[ilvl] = counts.get(ilvl, levels[ilvl][2] - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        fmt, text, _ = levels[ilvl]
        if fmt in ("bullet", "none") or not text:
            return ""

        def number(match) -> str:
            level = int(match.group(1)) - 1
            level_fmt, _, start = levels.get(level, ("decimal", "", 1))
            return note_number(counts.get(level, start), level_fmt)

        return re.sub(r"%([1-9])", number, text).strip()


def _level(element) -> tuple[str, str, int]:
    def value(tag: str, default: str) -> str:
        found = element.find(f"{_W}{tag}")
        return (found.get(f"{_W}val") if found is not None else None) or default

    start = value("start", "1")
    return value("numFmt", "decimal"), value("lvlText", ""), int(start) if start.isdigit() else 1


def _numbering_of(paragraph) -> tuple[str | None, int]:
    """(numId, level) of a paragraph: its own, else its style's (or a style it is based on)."""
    ppr = paragraph._p.pPr
    num_pr = ppr.numPr if ppr is not None else None
    ilvl = None
    if num_pr is not None:
        if num_pr.ilvl is not None:
            ilvl = num_pr.ilvl.val
        if num_pr.numId is not None:
            return str(num_pr.numId.val), ilvl or 0
    try:
        style = paragraph.style
    except (KeyError, ValueError):
        style = None
    seen = 0
    while style is not None and seen < 10:
        style_ppr = style.element.pPr
        style_num = style_ppr.numPr if style_ppr is not None else None
        if style_num is not None and style_num.numId is not None:
            level = style_num.ilvl.val if style_num.ilvl is not None else 0
            return str(style_num.numId.val), ilvl if ilvl is not None else level
        style, seen = style.base_style, seen + 1
    return None, 0


def body_lines(document) -> tuple[list[str], str]:
    """The body as lines (headings marked, a blank line between paragraphs), and the Title-style text.

    A text box follows the paragraph it is anchored in, flagged as a sidebar as the
    bundled reports flag theirs (a lone "*" line before it, corpus.asides); one whose
    words repeat the body's is a pull quote and is left out.
    """
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from .pdf_layout import repeats_body, word_triples

    lines: list[str] = []
    boxes: list[tuple[int, list[str]]] = []  # (where in lines, its paragraphs)
    title = ""
    numbers = ListNumbers(document)
    for child in _blocks(document.element.body):
        if child.tag == f"{_W}p":
            paragraph = Paragraph(child, document)
            text = paragraph_text(child)
            number = numbers.prefix(paragraph) if text else ""
            text = f"{number} {text}" if number else text
            style = _style_name(paragraph).lower()
            if not text:
                pass
            elif style == "title":
                title = title or text
                lines.extend([text, ""])
            elif style.startswith("heading"):
                lines.extend([HEADING_MARK + text, ""])
            else:  # a paragraph or a list item
                lines.extend([text, ""])
        else:
            for row in Table(child, document).rows:
                cells = list(dict.fromkeys(paragraph_text(cell._tc) for cell in row.cells))  # merged cells repeat
                cells = [c for c in cells if c]
                if cells:
                    lines.extend(["; ".join(cells), ""])
        boxes.extend((len(lines), box) for box in text_boxes(child))
    if boxes:
        body = word_triples(" ".join(lines))
        for at, box in reversed(boxes):
            if not repeats_body(" ".join(box), body):
                lines[at:at] = ["", "*", ""] + box + [""]
    return lines, title


_DEFAULT_FORMAT = {"footnote": "decimal", "endnote": "lowerRoman"}  # Word's defaults


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letters(n: int) -> str:
    """Word's letter numbering: a..z, then aa..zz."""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def note_number(n: int, fmt: str) -> str:
    """A note's number as Word prints it in `fmt` (w:numFmt: decimal, lowerRoman, upperLetter, ...)."""
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    return str(n)


def _numbering(document, kind: str) -> tuple[str, int]:
    """The format and first number of footnotes or endnotes (the body's section, then the settings)."""
    fmt, start = _DEFAULT_FORMAT[kind], 1
    places = [document.element.body.find(f"{_W}sectPr")]
    try:
        places.insert(0, document.settings.element)
    except (KeyError, ValueError, AttributeError):
        pass
    for place in places:  # later places override earlier ones
        properties = place.find(f"{_W}{kind}Pr") if place is not None else None
        if properties is None:
            continue
        number_format = properties.find(f"{_W}numFmt")
        if number_format is not None and number_format.get(f"{_W}val"):
            fmt = number_format.get(f"{_W}val")
        first = properties.find(f"{_W}numStart")
        if first is not None and (first.get(f"{_W}val") or "").isdigit():
            start = int(first.get(f"{_W}val"))
    return fmt, start


def note_lines(document, kind: str = "footnote") -> list[str]:
    """Each footnote's (or endnote's) text, numbered as Word prints them (separators left out)."""
    part = next((rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith(f"/{kind}s")), None)
    if part is None:
        return []
    from lxml import etree

    root = etree.fromstring(part.blob)
    fmt, number = _numbering(document, kind)
    notes = []
    for note in root.iterchildren(f"{_W}{kind}"):
        if note.get(f"{_W}type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        text = " ".join(t for t in (paragraph_text(p) for p in note.iter(f"{_W}p")) if t)
        if text:
            notes.append(f"{note_number(number, fmt)} {text}")
        number += 1
    return notes


def read_docx(path: str | Path, doc_id: str) -> RawDocument:
    """A .docx as a RawDocument: title and author from its properties or its Title style."""
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise UnreadableDocument(f"{path}: not a readable Word .docx file ({exc.__class__.__name__})") from None
    except Exception as exc:  # zip and XML failures of a damaged file
        raise UnreadableDocument(f"{path}: damaged Word file ({exc.__class__.__name__}: {str(exc)[:100]})") from None
    lines, styled_title = body_lines(document)
    notes = note_lines(document, "footnote") + note_lines(document, "endnote")
    if notes:
        lines.extend([HEADING_MARK + "Notes", ""] + [line for note in notes for line in (note, "")])
    text = "\n".join(lines).strip()
    if not text:
        raise UnreadableDocument(f"{path}: empty document")
    props = document.core_properties
    title = meaningful_title(props.title or "", str(path)) or styled_title
    created = props.created
    if created is not None and created.replace(tzinfo=None) == PYTHON_DOCX_TEMPLATE_CREATED:
        created = None  # python-docx's blank template's date, kept by files it wrote: not when this one was
    return RawDocument(
        id=doc_id,
        path=str(path),
        format="docx",
        text=text,
        title=title,
        authors=meaningful_authors(props.author or ""),
        date=created.date().isoformat() if created and created.year > 1980 else "",
    )
