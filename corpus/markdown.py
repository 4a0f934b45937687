"""Markdown documents: `#` headings are sections, markup is stripped to plain words.

Links keep their text, images their alt text; emphasis, code ticks, block
quote marks, list bullets, tables' pipes, HTML tags and rules go.  Fenced
code keeps its lines (they may be worth finding) without the fences.
"""
from __future__ import annotations

import re

from .clean import clean_text
from .model import BODY, Block
from .sections import kind_of_section

_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:\s*\1){2,}\s*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_INLINE = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images: alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links: their text
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # reference links
    (re.compile(r"<https?://[^>]+>"), ""),  # autolinks
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),  # inline HTML tags
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # strong
    (re.compile(r"(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])"), r"\2"),  # emphasis
    (re.compile(r"~~(.+?)~~"), r"\1"),
    (re.compile(r"`+([^`]*)`+"), r"\1"),
]
_LINE_MARKS = re.compile(r"^ {0,3}(?:>\s?)+|^\s*(?:[-*+]|\d{1,3}[.)])\s+(?=\S)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+\S")
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s+\S+.*$")


def markdown_title(text: str) -> str:
    """The first top-level heading, the usual title of a Markdown page."""
    for line in text.split("\n"):
        match = _ATX_HEADING.match(line)
        if match and len(match.group(1)) == 1:
            return strip_inline_markup(match.group(2)).strip()
    return ""


def strip_inline_markup(text: str) -> str:
    """'**bold** and [a link](http://x)' -> 'bold and a link'."""
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return text


def _plain_line(line: str) -> str:
    if _LINK_DEFINITION.match(line) or _RULE.match(line):
        return ""
    line = _LINE_MARKS.sub("", line)
    line = line.strip().strip("|").replace(" | ", " ")
    if re.fullmatch(r"[\s|:-]*", line):  # a table's header separator
        return ""
    return strip_inline_markup(line)


def markdown_sections(text: str) -> list[tuple[str, list[str]]]:
    """(heading, plain lines) in order; text before any heading has heading ''."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    in_fence = False
    raw_lines = text.split("\n")
    for i, line in enumerate(raw_lines):
        if _FENCE.match(line):
            in_fence = not in_fence
            sections[-1][1].append("")
            continue
        if in_fence:
            sections[-1][1].append(line)
            continue
        heading = _ATX_HEADING.match(line)
        following = raw_lines[i + 1] if i + 1 < len(raw_lines) else ""
        if heading:
            sections.append((strip_inline_markup(heading.group(2)).strip(), []))
        elif line.strip() and _SETEXT_UNDERLINE.match(following) and not _RULE.match(line):
            sections.append((strip_inline_markup(line).strip(), []))
        elif _SETEXT_UNDERLINE.match(line) and sections[-1][0] and not sections[-1][1]:
            continue  # the underline of a setext heading
        else:
            sections[-1][1].append(_plain_line(line))
            if _LIST_ITEM.match(line):
                sections[-1][1].append("")  # each item a paragraph of its own
    return [(h, lines) for h, lines in sections if h or any(l.strip() for l in lines)]


def blank_separated_paragraphs(text: str) -> list[str]:
    """Markdown's paragraphs: runs of lines between blank lines, joined."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def markdown_blocks(text: str, title: str, authors: tuple[str, ...]) -> list[Block]:
    """Blocks of a Markdown document, each under its nearest heading."""
    blocks: list[Block] = []
    for heading, lines in markdown_sections(text):
        kind = kind_of_section(heading, BODY)
        for paragraph in blank_separated_paragraphs(clean_text("\n".join(lines))):
            blocks.append(Block(text=paragraph, kind=kind, section=heading, title=title, authors=authors))
    return blocks
