"""Read a Word .docx with python-docx: heading styles as sections, tables and lists as text, footnotes as notes.

What the reader sees is what is kept: the text of the current version, so
tracked deletions (and text moved away) are left out and tracked insertions
kept; comments live in their own part and never reach the text.  Headings
come out as corpus.paging's HEADING_MARK lines, footnotes as a Notes section
at the end.

Imported only when a .docx is read (corpus.readers).
"""
from __future__ import annotations

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
_SKIPPED = {f"{_W}del", f"{_W}moveFrom", f"{_W}footnoteReference", f"{_W}endnoteReference", f"{_W}instrText"}


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


def _is_list_item(paragraph) -> bool:
    ppr = paragraph._p.pPr
    return (ppr is not None and ppr.numPr is not None) or _style_name(paragraph).lower().startswith("list")


def body_lines(document) -> tuple[list[str], str]:
    """The body as lines (headings marked, a blank line between paragraphs), and the Title-style text."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    title = ""
    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}p":
            paragraph = Paragraph(child, document)
            text = paragraph_text(child)
            if not text:
                continue
            style = _style_name(paragraph).lower()
            if style == "title":
                title = title or text
                lines.extend([text, ""])
            elif style.startswith("heading"):
                lines.extend([HEADING_MARK + text, ""])
            elif _is_list_item(paragraph):
                lines.extend([text, ""])
            else:
                lines.extend([text, ""])
        elif child.tag == f"{_W}tbl":
            for row in Table(child, document).rows:
                cells = list(dict.fromkeys(paragraph_text(cell._tc) for cell in row.cells))  # merged cells repeat
                cells = [c for c in cells if c]
                if cells:
                    lines.extend(["; ".join(cells), ""])
    return lines, title


def footnote_lines(document) -> list[str]:
    """Each footnote's text, numbered as Word numbers them (separators left out)."""
    part = next((rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/footnotes")), None)
    if part is None:
        return []
    from lxml import etree

    root = etree.fromstring(part.blob)
    notes = []
    number = 0
    for note in root.iterchildren(f"{_W}footnote"):
        if note.get(f"{_W}type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        number += 1
        text = " ".join(t for t in (paragraph_text(p) for p in note.iter(f"{_W}p")) if t)
        if text:
            notes.append(f"{number} {text}")
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
    notes = footnote_lines(document)
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
