"""Cleaning steps: each a small pure function named for what it removes or mends.

The steps work on text whose line breaks are kept: structure (headings,
pull quotes, paragraphs) is found from lines afterwards.  A line that starts a
printed page keeps one leading space (PDF extraction marks page starts so);
other runs of blanks become one space.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

from .boilerplate import drop_web_boilerplate

__all__ = [
    "clean_markup_text",
    "clean_text",
    "collapse_spaces",
    "drop_footnote_markers",
    "drop_page_numbers",
    "drop_page_numbers_at_breaks",
    "drop_rule_lines",
    "drop_web_boilerplate",
    "fold_unicode",
    "rejoin_hyphenated_words",
    "strip_end_marks",
]


def fold_unicode(text: str) -> str:
    """NFKC: ligatures (U+FB01 'fi') and compatibility forms become plain letters."""
    text = unicodedata.normalize("NFKC", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00ad", "")


# Runs of blanks, and single blanks other than a space (a lone space is left
# alone: replacing every space by itself would copy the text word by word).
_BLANKS = re.compile(r"[ \t\u00a0\u2002-\u200b\u3000]{2,}|[\t\u00a0\u2002-\u200b\u3000]")
_TRAILING_BLANKS = re.compile(r" +\n")


def collapse_spaces(text: str) -> str:
    """Tabs and runs of spaces become one space; a line keeps at most one leading blank."""
    text = _BLANKS.sub(" ", text)
    if " \n" in text:
        text = _TRAILING_BLANKS.sub("\n", text)
    return text.rstrip(" ")


def drop_rule_lines(text: str) -> str:
    """Lines drawn with '-', '=', '~', '_', '*' or '#' alone (underlines and rules): no words in them."""
    return re.sub(r"(?m)^ ?([-=~_*#])\1{2,} *$", "", text) if "\n" in text else text


def drop_page_numbers(text: str) -> str:
    """Lines that hold nothing but a page number (or a run of stray note numbers)."""
    return re.sub(r"(?m)^ ?\d{1,3}(?: \d{1,3})*$\n?", "", text)


_NUMBER_AT_BREAK = re.compile(r"(?m)(?:^[ \t]*\d{1,4}[ \t]*\n?(?=\f))|(?:(?<=\f)[ \t]*\d{1,4}[ \t]*$)")


def drop_page_numbers_at_breaks(text: str) -> str:
    """A line holding only a number just before or after a form feed (a page break): a page number."""
    return _NUMBER_AT_BREAK.sub("", text) if "\f" in text else text


# A footnote number glued to the word it annotates, in text exported from a
# PDF: "percent.94", "(AIDP).1", "2025,2", "Ying,12", "levels”9", "China.”[3]".
# Only after punctuation or a closing quote; thousands ("1,000") and model
# names ("A2", "P7009", "28nm", "GPT-4", "H100", "IPv6") are left alone.
# (Each pattern first looks ahead for its first character, so that the regex
# engine tries the lookbehinds only there: 3x faster on long texts.)
_GLUED_NOTE = re.compile(
    r"(?=\d)(?:"
    r"(?<=[a-z)\]][.,;:])\d{1,3}(?=\s|$)"
    r"|(?<=[a-zA-Z\d],)\d{1,2}(?=\s|$)"
    r"|(?<=[”\"’)])\d{1,3}(?=\s|$)"
    r"|(?<=[”\"’][.,])\d{1,3}(?=\s|$)"
    r")",
    re.MULTILINE,
)
# A number glued straight to a lower-case word ("two3"): a note only when the
# document uses the bare word elsewhere, the glued form just this once, and
# a plain note (after punctuation) numbered one less or one more; so
# "httplib2", "sha256" and "utf8" stay whole.
_GLUED_TO_WORD = re.compile(r"(?<![\w\-./])([a-z]{3,})(\d{1,3})(?=[\s,.;:)]|$)", re.MULTILINE)
_BRACKET_NOTE = re.compile(r"(?<=\S)\[\d{1,3}\]")
_LOOSE_NOTE = re.compile(r"(?= \d)(?<=[a-z][.”]) \d{1,3}$", re.MULTILINE)
_ASIDE_MARK = re.compile(r"(?<=[\w”’.])\*(?=[\s,.;:”’—]|$)", re.MULTILINE)


def _drop_numbers_glued_to_words(text: str, notes: set[int]) -> str:
    if not notes or not _GLUED_TO_WORD.search(text):
        return text
    tokens = Counter(re.findall(r"[\w\-./]+", text))
    bare = Counter(re.findall(r"(?<![\w\-./])[a-z]+(?![\w\-])", text))

    def mend(m: re.Match) -> str:
        word, number = m.groups()
        n = int(number)
        is_note = bare[word] and tokens[word + number] <= 1 and (n - 1 in notes or n + 1 in notes)
        return word if is_note else m.group()

    return _GLUED_TO_WORD.sub(mend, text)


def drop_footnote_markers(text: str) -> str:
    """Note numbers glued to words in a PDF's text ('percent.94', 'two3', '[12]', 'Tieniu*').

    Only for text exported from a PDF (structure decides): elsewhere a digit
    after a word is part of it ('httplib2', 'IPv6').
    """
    notes = {int(m.group().strip("[]")) for m in _BRACKET_NOTE.finditer(text)} if "[" in text else set()
    notes.update(int(m.group()) for m in _GLUED_NOTE.finditer(text))
    if "[" in text:
        text = _BRACKET_NOTE.sub("", text)
    text = _GLUED_NOTE.sub("", text)
    text = _drop_numbers_glued_to_words(text, notes)
    text = _LOOSE_NOTE.sub("", text)
    return _ASIDE_MARK.sub("", text) if "*" in text else text


def strip_end_marks(text: str) -> str:
    """The '◆' that closes a printed article (structure uses it first, then it goes)."""
    return re.sub(r" ?◆", "", text) if "◆" in text else text


_BROKEN_WORD = re.compile(r"([A-Za-z]+)-\n ?([a-z][A-Za-z]*)((?:[’'][a-z]{1,2})?[.,;:!?)\]”’\"]*)( |(?=\n)|$)")


def _word_counts(text: str) -> Counter:
    return Counter(w.lower() for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", text))


def rejoin_hyphenated_words(text: str) -> str:
    """'inter-\\nnational' becomes 'international'; 'state-\\nled' keeps its hyphen.

    The document decides: join when the joined word occurs elsewhere unbroken;
    keep the hyphen when the hyphenated form occurs elsewhere; otherwise keep
    it only if both halves are words the document uses on their own
    ('state-led'; a capitalised first half is enough: 'Chinese-language', and
    an unknown one before a long word: 'Shenzhen-headquartered', not 'Spillo-ver'),
    join if not ('pre-existing': 'pre' is no word).
    The mended word ends the first line; the rest of the second line stays.
    """
    if "-\n" not in text:
        return text
    words = _word_counts(_BROKEN_WORD.sub(" ", text))

    def keeps_hyphen(left: str, right: str) -> bool:
        if words[f"{left}{right}".lower()]:
            return False
        if words[f"{left}-{right}".lower()]:
            return True
        if words[left.lower()] > 0:
            return words[right.lower()] > 0 or left[0].isupper()
        # An unknown capitalised half before a long word is a name in a compound
        # ('Shenzhen-headquartered'); before a short one, a broken word ('Spillo-ver').
        return left[0].isupper() and len(right) >= 7

    def mend(m: re.Match) -> str:
        left, right, punctuation, gap = m.groups()
        word = f"{left}-{right}" if keeps_hyphen(left, right) else f"{left}{right}"
        return word + punctuation + ("\n" if gap == " " else "")

    return _BROKEN_WORD.sub(mend, text)


def clean_text(text: str, *, exported: bool = True) -> str:
    """Every cleaning step in order; line breaks survive for the structure step.

    `exported`: the text was exported from a PDF or scraped from a web page
    (the bundled reports, PDF files), so footnote numbers glued to words,
    lines of page furniture ("Download PDF", "Share"), lines holding only a
    page number and words hyphenated at line ends ("inter-\\nnational") are
    mended.  In any other text (a user's .txt or JSON Lines record) a number
    after a word is part of it, a number alone on a line is content (a page
    number is provable only at a form feed: `drop_page_numbers_at_breaks`),
    and a hyphen at a line end is the writer's ("well-\\nknown"): every
    character stays.
    """
    steps = [fold_unicode, collapse_spaces, drop_rule_lines]
    if exported:
        steps += [drop_web_boilerplate, drop_page_numbers, drop_footnote_markers, rejoin_hyphenated_words]
    for step in steps:
        text = step(text)
    return text.strip("\n")


def clean_markup_text(text: str) -> str:
    """Text read from markup (HTML, Markdown): Unicode folded and blanks collapsed, nothing else.

    The markup already told what is content, so no line is judged by its words.
    """
    return collapse_spaces(fold_unicode(text)).strip("\n")
