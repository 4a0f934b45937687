"""Cleaning steps: each a small pure function named for what it removes or mends.

First version; the structure work deepens it.
"""
from __future__ import annotations

import re
import unicodedata


def fold_unicode(text: str) -> str:
    """NFKC: ligatures (U+FB01 'fi') and compatibility forms become plain letters."""
    return unicodedata.normalize("NFKC", text)


def collapse_spaces(text: str) -> str:
    """Tabs and runs of spaces become one space; line ends lose trailing blanks."""
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    return re.sub(r" *\n *", "\n", text)


def drop_page_numbers(text: str) -> str:
    """Lines that hold nothing but a page number."""
    return re.sub(r"(?m)^\s*\d{1,3}\s*$\n?", "", text)


def rejoin_hyphenated_words(text: str) -> str:
    """'inter-\\nnational' becomes 'international'; 'state-\\nled' keeps its hyphen."""

    def join(m: re.Match) -> str:
        left, right = m.group(1), m.group(2)
        return f"{left}{right}" if right[0].islower() and len(left) > 1 else f"{left}-{right}"

    return re.sub(r"(\w+)-\n(\w+)", join, text)


def clean_text(text: str) -> str:
    for step in (fold_unicode, collapse_spaces, drop_page_numbers, rejoin_hyphenated_words):
        text = step(text)
    return text.strip()
