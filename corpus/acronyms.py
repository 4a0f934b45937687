"""Acronyms a text defines ("Ministry of Industry and Information Technology (MIIT)"), found as Schwartz and Hearst do, and a table of the consistent ones.

The detection follows Schwartz & Hearst, "A simple algorithm for
identifying abbreviation definitions in biomedical text" (PSB 2003): a short
form in parentheses after a long form (or, reversed, a long form in
parentheses after a short form); the short form's letters are matched right
to left against the words before it, its first letter at the start of a
word, and the long form runs from that word.  Written here from the paper's
description.  Precision comes first (a wrong expansion hurts every query
with that acronym), so the rules are stricter than the paper's:

- a short form is one word of 2 to 10 characters, starts with a letter, has
  at least two capitals and at most a quarter digits (`MIIT`, `AI`, `hESCs`;
  not `A`, `1990`, `i.e.`, `Table`);
- a long form has at least two words and no digits, does not contain its
  short form, begins with the short form's first letter, and the initials of
  its content words (words not in `MINOR_WORDS`) are, in order, among the
  short form's letters ("Center for Global Policy" is not `CTC`; "Ministry
  of Industry and Information Technology" is `MIIT`).

`consistent_table` keeps, across a collection, one long form per short form:
the most frequent, and only when it is defined that way at least twice as
often as any other way.  (A long form two short forms stand for, `ALP` and
`ALPase`, is searched as the one defined more often: `searcher.expansion`.)  Pure text in, plain values out (standard library only).
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Mapping

MAX_SHORT = 10
# Words a long form may hold beyond one per letter of its short form.
MINOR_WORDS = frozenset("a an and at by de for from in of on or the to with".split())

# A parenthesis with no parenthesis inside, at most 120 characters.
_PAREN = re.compile(r"\(([^()]{1,120})\)")
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
# Where a sentence or clause ends before a long form: the long form starts after it.
_BREAK = re.compile(r"[.;:!?()\[\]{}]\s|[;:()\[\]{}]")
# The last of them: whether a break starts at a place depends on that place
# alone, so the last match of `_BREAK` is the one starting furthest right,
# found by backing off from the end (a few characters, not the whole text).
_LAST_BREAK = re.compile(r"(?s:.*)(?:" + _BREAK.pattern + ")")


@dataclass(frozen=True)
class Definition:
    """One definition in a text: the short form as written and its long form as written."""

    short: str
    long: str


def is_short_form(text: str) -> bool:
    """Whether `text` can be a short form: one word, 2-10 characters, a letter first, two capitals, few digits."""
    if not (2 <= len(text) <= MAX_SHORT) or not text[0].isalpha():
        return False
    if any(ch.isspace() for ch in text) or not all(ch.isalnum() or ch in "-&/" for ch in text):
        return False
    if sum(ch.isupper() for ch in text) < 2:
        return False
    return sum(ch.isdigit() for ch in text) * 4 <= len(text)


def long_form_for(short: str, before: str) -> str | None:
    """The long form that `short` abbreviates at the end of `before`, or None (Schwartz & Hearst's match)."""
    letters = [ch.lower() for ch in short if ch.isalnum()]
    words = _WORD.findall(before)
    limit = min(len(short) + 5, 2 * len(short))
    window = " ".join(words[-limit:])
    s, at = len(letters) - 1, len(window) - 1
    while s >= 0:
        ch = letters[s]
        # find `ch` to the left; the first letter of the short form must begin a word
        while at >= 0 and (window[at].lower() != ch or (s == 0 and at > 0 and window[at - 1].isalnum())):
            at -= 1
        if at < 0:
            return None
        at -= 1
        s -= 1
    start = window.rfind(" ", 0, at + 1) + 1
    long = re.sub(r"['’]s$", "", window[start:])  # "Systems Development Corporation's (SDC)"
    return long if _plausible(short, long) else None


def _plausible(short: str, long: str) -> bool:
    words = long.split()
    if len(words) < 2 or short.lower() in (w.lower() for w in words):
        return False
    if long[0].lower() != short[0].lower():
        return False
    if any(ch.isdigit() for ch in long):
        return False
    # every content word's initial, in order, among the short form's letters
    letters = iter(ch.lower() for ch in short if ch.isalnum())
    return all(word[0].lower() in letters for word in words if word.lower() not in MINOR_WORDS)


def find_definitions(text: str) -> list[Definition]:
    """Every acronym definition in `text`, in order: `long form (SF)` and `SF (long form)`."""
    found = []
    for match in _PAREN.finditer(text):
        inside = " ".join(_nfkc(match.group(1)).split())
        start = match.start()
        before = _nfkc(text[max(0, start - 400):start])  # (ligatures: "ﬁ")
        last_break = _LAST_BREAK.match(before)
        clause = before[last_break.end():] if last_break else before
        candidate = re.split(r"[;,]\s", inside)[0].strip()
        if is_short_form(candidate) and clause.strip():
            long = long_form_for(candidate, clause)
            if long:
                found.append(Definition(candidate, long))
                continue
        # reversed: SF (long form): the whole parenthesis must be the long form
        words = inside.split()
        previous = _WORD.findall(clause)
        if len(words) >= 2 and previous and is_short_form(previous[-1]) and clause.rstrip().endswith(previous[-1]):
            long = long_form_for(previous[-1], inside)
            if long and long == " ".join(_WORD.findall(inside)):
                found.append(Definition(previous[-1], long))
    return found


def _nfkc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFKC", text)  # (ASCII is its own NFKC)


def long_form_key(long: str) -> str:
    """A long form compared across definitions: its words in lowercase, hyphens as spaces, a plural's last "s" dropped."""
    words = [w.lower() for w in re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", long))]
    if words and len(words[-1]) > 3 and words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]
    return " ".join(words)


def count_definitions(texts: Iterable[str]) -> dict[str, dict[str, int]]:
    """{short form: {long form as written: definitions}} over `texts` (a file's documents)."""
    counts: dict[str, dict[str, int]] = {}
    for text in texts:
        add_definitions(counts, text)
    return counts


def add_definitions(counts: dict[str, dict[str, int]], text: str) -> None:
    """Count the definitions of `text` into `counts` ({short form: {long form: definitions}})."""
    for d in find_definitions(text):
        longs = counts.setdefault(d.short, {})
        longs[d.long] = longs.get(d.long, 0) + 1


def merge_counts(parts: Iterable[Mapping[str, Mapping[str, int]]]) -> dict[str, dict[str, int]]:
    """Per-file counts added up."""
    total: dict[str, Counter] = {}
    for part in parts:
        for short, longs in part.items():
            total.setdefault(short, Counter()).update(longs)
    return {short: dict(longs) for short, longs in total.items()}


def consistent_table(counts: Mapping[str, Mapping[str, int]], ordinary: frozenset[str] = frozenset()
                     ) -> dict[str, tuple[str, int]]:
    """{short form: (long form, definitions)} for the short forms defined consistently.

    A short form's definitions are grouped by `long_form_key` (case, hyphens
    and a plural aside); the largest group wins when it holds at least twice
    as many definitions as the next, and is written as most often written.
    Short forms whose lowercase is in `ordinary` (stop words: `IT`, `US`,
    `WHO`) are left out.
    """
    table: dict[str, tuple[str, int]] = {}
    for short, longs in sorted(counts.items()):
        if short.lower() in ordinary:
            continue
        groups: dict[str, Counter] = {}
        for long, n in longs.items():
            groups.setdefault(long_form_key(long), Counter())[long] += n
        ranked = sorted(groups.values(), key=lambda c: -sum(c.values()))
        if len(ranked) > 1 and sum(ranked[0].values()) < 2 * sum(ranked[1].values()):
            continue
        table[short] = (ranked[0].most_common(1)[0][0], sum(ranked[0].values()))
    return table
