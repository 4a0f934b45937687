"""Sections of one article: headings, the blocks under them, and what kind they are.

Two heading styles are recognised.  Reports that print their headings in
capitals ("CHINESE VIEWS ON THE IMPORTANCE OF AI") use those alone, kept as
printed; their numbered key judgments ("1. China's leadership ...") become
subsections named "HEADING / 1. Judgment text" (the whole judgment), and a
short title-case line under a judgment one level further down
("HEADING / 9. Judgment text / Weaknesses in Top Talent").  Other documents
use short title-case lines that stand apart from the prose: after a blank
line or at the top of a printed page in hard-wrapped text, on a line of their
own between blank lines in web text.

A section called Notes (or References...) holds blocks of kind "notes"; one
called About the Contributor (or Author) holds a "bio".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .asides import is_sidebar, sidebar_text
from .clean import strip_end_marks
from .lines import (
    ends_sentence,
    is_one_paragraph_per_line,
    is_title_case,
    is_upper_heading,
    looks_like_heading,
    split_paragraphs,
    starts_lower,
)
from .model import BIO, BODY, NOTES, SIDEBAR, Block
from .paging import heading_text, is_marked_heading

_NOTES_HEADING = re.compile(r"(?i)^(?:notes|endnotes|footnotes|references|sources|bibliography|works cited)$")
_BIO_HEADING = re.compile(r"(?i)^about the (?:authors?|contributors?)$")
_JUDGMENT = re.compile(r"^(\d{1,2})\. +\S")
SUBSECTION_SEPARATOR = " / "


def kind_of_section(heading: str, default: str = BODY) -> str:
    """'Notes' holds notes, 'About the Contributor' a bio; other sections keep the default."""
    if _NOTES_HEADING.match(heading.strip()):
        return NOTES
    if _BIO_HEADING.match(heading.strip()):
        return BIO
    return default


@dataclass
class Section:
    heading: str
    lines: list[str] = field(default_factory=list)
    capitals: bool = False  # the document sets its headings in capitals


def uses_capital_headings(lines: list[str]) -> bool:
    """Reports like CNAS's set every heading in capitals; three such lines decide it."""
    return sum(1 for line in lines if is_upper_heading(line.strip()) and len(line.split()) >= 2) >= 3


def _is_title_heading(lines: list[str], i: int, one_per_line: bool, blank_lines: bool) -> bool:
    line = lines[i]
    if is_sidebar(line) or not looks_like_heading(line):
        return False
    before = lines[i - 1].strip() if i else ""
    after = lines[i + 1].strip() if i + 1 < len(lines) else ""
    if starts_lower(after):
        return False
    if one_per_line:
        return not blank_lines or not after
    page_start = line.startswith(" ") and ends_sentence(before)
    return not before or page_start


def _heading_run(lines: list[str], i: int, capitals: bool) -> int:
    """How many lines the heading starting at i spans (a short tail line joins it)."""
    if capitals:
        end = i + 1
        while end < len(lines) and is_upper_heading(lines[end].strip()):
            end += 1
        return end - i
    after = lines[i + 1].strip() if i + 1 < len(lines) else ""
    tail = after and len(after.split()) <= 4 and is_title_case(after) and not ends_sentence(after)
    return 2 if tail and not re.search(r"[,;:]$", after) else 1


def split_sections(lines: list[str], first_heading: str = "") -> list[Section]:
    """The lines cut at each heading; text before the first heading has `first_heading`."""
    marked = any(is_marked_heading(line) for line in lines)  # a reader saw the type: it decides
    capitals = not marked and uses_capital_headings(lines)
    one_per_line = is_one_paragraph_per_line(lines)
    blank_lines = any(not line.strip() for line in lines)
    sections = [Section(first_heading, capitals=capitals)]
    i = 0
    while i < len(lines):
        stripped = lines[i].strip()
        if marked:
            if is_marked_heading(lines[i]):
                sections.append(Section(heading_text(lines[i])))
            else:
                sections[-1].lines.append(lines[i])
            i += 1
            continue
        if capitals:
            heading = is_upper_heading(stripped)
        else:
            heading = _is_title_heading(lines, i, one_per_line, blank_lines)
        if heading:
            span = _heading_run(lines, i, capitals)
            sections.append(Section(" ".join(l.strip() for l in lines[i : i + span]), capitals=capitals))
            i += span
            continue
        sections[-1].lines.append(lines[i])
        i += 1
    return [s for s in sections if s.heading or any(l.strip() for l in s.lines)]


def paragraph_runs(lines: list[str]) -> list[tuple[str, str]]:
    """(kind, text) for each paragraph, sidebars as their own runs."""
    runs: list[tuple[str, str]] = []
    pending: list[str] = []
    for line in lines + [""]:
        if is_sidebar(line):
            runs.extend((BODY, p) for p in split_paragraphs(pending))
            runs.append((SIDEBAR, sidebar_text(line)))
            pending = []
        else:
            pending.append(line)
    runs.extend((BODY, p) for p in split_paragraphs(pending))
    return [(kind, strip_end_marks(text).strip()) for kind, text in runs if strip_end_marks(text).strip()]


def _judgments_joined(runs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A numbered judgment broken by a blank line ('... could slow' / 'China's AI sector growth.') is one."""
    joined: list[tuple[str, str]] = []
    for kind, text in runs:
        if joined and _JUDGMENT.match(joined[-1][1]) and not ends_sentence(joined[-1][1]):
            joined[-1] = (kind, f"{joined[-1][1]} {text}")
        else:
            joined.append((kind, text))
    return joined


def _is_topic_line(text: str) -> bool:
    """A short title-case line between paragraphs ('Weaknesses in Top Talent')."""
    return len(text.split()) <= 8 and looks_like_heading(text) and not ends_sentence(text)


def section_blocks(section: Section, title: str, authors: tuple[str, ...], kind: str = BODY) -> list[Block]:
    """Blocks of one section.

    Under capital headings, a numbered judgment starts a subsection
    ("HEADING / 1. Judgment"), and a short title-case line within it a
    further one ("HEADING / 9. Judgment / Weaknesses in Top Talent").
    """
    kind = kind_of_section(section.heading, kind)
    runs = paragraph_runs(section.lines)
    if not runs:  # a heading over nothing is text
        return [Block(text=section.heading, kind=kind, section=section.heading, title=title, authors=authors)]
    if section.capitals:
        runs = _judgments_joined(runs)
    path = [section.heading] if section.heading else []
    blocks: list[Block] = []
    for k, (run_kind, text) in enumerate(runs):
        if section.capitals and _JUDGMENT.match(text):
            path = [section.heading, text]
        elif section.capitals and run_kind == BODY and _is_topic_line(text) and k + 1 < len(runs):
            path = path[:2] + [text]
            continue
        subsection = SUBSECTION_SEPARATOR.join(path)
        block_kind = SIDEBAR if run_kind == SIDEBAR else kind
        blocks.append(Block(text=text, kind=block_kind, section=subsection, title=title, authors=authors))
    return blocks


def article_blocks(lines: list[str], title: str, authors: tuple[str, ...], kind: str = BODY,
                   section: str = "", heading_met: bool = False) -> list[Block]:
    """All blocks of an article: its sections in order.

    Text before a first heading is in `section` (an article read on from a part before);
    `heading_met`: that section's heading ended the part before, so it is text if nothing
    follows it, as a heading over nothing is.
    """
    blocks: list[Block] = []
    sections = split_sections(lines, section)
    if section and sections and sections[0].heading == section and not heading_met \
            and not any(line.strip() for line in sections[0].lines):
        sections = sections[1:]  # (the part starts with a heading of its own)
    for section in sections:
        blocks.extend(section_blocks(section, title, authors, kind))
    return blocks
