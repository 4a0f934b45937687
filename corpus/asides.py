"""Pull quotes and sidebars, which a PDF's text layer interleaves with the body.

A pull quote repeats a sentence of its own article in large type beside the
body; extraction prints its short lines between the body's lines.  It is
found by that repetition: most of a short line's word triples occur again
within a page or two of it (PULL_QUOTE_REACH lines either side: a list that
repeats words of a page far off is content).  Such a line counts when it has company (another
within a few lines, or a blank-delimited block of narrow lines around it) or
when it plainly breaks into a sentence; the quote then grows along the lines
that continue it in the body's copy.  Pull quotes are duplicates and are
dropped.

A sidebar is a boxed aside ("Pick your innovation path: ..."); the report
flags it with a lone "*" line before it (and a "*" after the word it
annotates).  Sidebars are kept, as one line that starts with SIDEBAR_MARK, so
later steps can make them blocks of their own.
"""
from __future__ import annotations

from collections import Counter

from .lines import ends_sentence, is_upper_heading, looks_like_heading, starts_lower, words_of

SIDEBAR_MARK = "\u2063sidebar\u2063 "
PULL_QUOTE_WIDTH = 45  # pull quotes are set in a narrow column
# How far (in lines of exported text, about two printed pages) the body's copy of a pull quote may be.
PULL_QUOTE_REACH = 100
_REPEATED_SHARE = 0.6


def is_sidebar(line: str) -> bool:
    return line.startswith(SIDEBAR_MARK)


def sidebar_text(line: str) -> str:
    return line[len(SIDEBAR_MARK) :]


def take_out_sidebars(lines: list[str]) -> list[str]:
    """Each '*'-flagged box becomes one SIDEBAR_MARK line between blank lines."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        if lines[i].strip() != "*":
            out.append(lines[i])
            i += 1
            continue
        i += 1
        while i < len(lines) and not lines[i].strip():
            i += 1
        box: list[str] = []
        while i < len(lines) and lines[i].strip():
            box.append(lines[i].strip())
            i += 1
        out.extend(["", SIDEBAR_MARK + " ".join(box), ""])
    return out


def _trigrams(words: list[str]) -> list[tuple[str, ...]]:
    return [tuple(words[k : k + 3]) for k in range(len(words) - 2)]


def _stands_as_heading(lines: list[str], i: int) -> bool:
    before = lines[i - 1].strip() if i else ""
    after = lines[i + 1].strip() if i + 1 < len(lines) else ""
    page_start = lines[i].startswith(" ")
    return (not before or page_start) and looks_like_heading(lines[i]) and not starts_lower(after)


class _PullQuoteFinder:
    """Seeds (short lines said twice), confirmed by company, grown along the quote."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.words = [words_of(line) for line in lines]
        self.counts = Counter(_trigrams([w for ws in self.words for w in ws]))

    def narrow(self, i: int) -> bool:
        line = self.lines[i].strip()
        return 0 < len(line) <= PULL_QUOTE_WIDTH and not is_sidebar(line) and not is_upper_heading(line)

    def repeated_share(self, i: int) -> float:
        """The share of line i's word triples said again within PULL_QUOTE_REACH lines of it."""
        grams = _trigrams(self.words[i])
        if not grams or not any(self.counts[g] >= 2 for g in grams):
            return 0.0
        near = self.lines_near(i)
        return sum(near[g] >= 2 for g in grams) / len(grams)

    def lines_near(self, i: int) -> Counter:
        lo, hi = max(0, i - PULL_QUOTE_REACH), min(len(self.lines), i + PULL_QUOTE_REACH + 1)
        return Counter(_trigrams([w for ws in self.words[lo:hi] for w in ws]))

    def said_twice(self, i: int) -> bool:
        if not self.narrow(i) or _stands_as_heading(self.lines, i):
            return False
        return self.repeated_share(i) >= _REPEATED_SHARE

    def interrupts(self, i: int) -> bool:
        """A lone quoted line that breaks into a sentence: '... in a way that requires' / 'The CCP is ...'."""
        before = self.lines[self._step(i, -1)] if self._step(i, -1) >= 0 else ""
        return (
            self.repeated_share(i) == 1.0
            and len(self.words[i]) >= 4
            and self.lines[i].strip()[:1].isupper()
            and not ends_sentence(self.lines[i])
            and bool(before.strip())
            and not ends_sentence(before)
        )

    def links(self, a: int, b: int) -> bool:
        """Whether line b reads on from line a (a < b) in the body's copy of the quote.

        A joint that b already makes with the line printed just before it, or
        that a makes with the line just after it, proves nothing by itself.
        """
        printed = set(self._joints(self._step(b, -1), b)) | set(self._joints(a, self._step(a, 1)))
        return any(self.counts[j] >= 1 + (j in printed) for j in self._joints(a, b))

    def _step(self, i: int, way: int) -> int:
        """The nearest line with words before (way -1) or after (way 1) line i."""
        i += way
        while 0 <= i < len(self.lines) and not self.words[i]:
            i += way
        return i

    def _joints(self, a: int, b: int) -> list[tuple[str, ...]]:
        if a < 0 or b >= len(self.lines):
            return []
        left, right = self.words[a], self.words[b]
        joins = [tuple(left[-2:] + right[:1]), tuple(left[-1:] + right[:2])]
        return [j for j in joins if len(j) == 3]

    def narrow_block(self, i: int) -> range:
        """The blank-delimited run of lines around i, if all of it is narrow."""
        start, end = i, i
        while start > 0 and self.lines[start - 1].strip():
            start -= 1
        while end + 1 < len(self.lines) and self.lines[end + 1].strip():
            end += 1
        block = range(start, end + 1)
        return block if len(block) >= 2 and all(self.narrow(k) for k in block) else range(0)

    def find(self) -> set[int]:
        seeds = {i for i in range(len(self.lines)) if self.said_twice(i)}
        found = {
            i for i in seeds if any(abs(i - j) <= 4 for j in seeds - {i}) or self.narrow_block(i) or self.interrupts(i)
        }
        grown = True
        while grown:
            grown = False
            for i in sorted(found):
                for j in (i - 3, i - 2, i - 1, i + 1, i + 2, i + 3):
                    if 0 <= j < len(self.lines) and j not in found and self.narrow(j):
                        if self.links(i, j) if j > i else self.links(j, i):
                            found.add(j)
                            grown = True
        for i in list(found):
            found.update(self.narrow_block(i))
        return found


def find_pull_quote_lines(lines: list[str]) -> set[int]:
    """Indexes of the lines that belong to pull quotes."""
    if not any(0 < len(line.strip()) <= PULL_QUOTE_WIDTH for line in lines):
        return set()  # every quote line is narrow: nothing to look for (most documents)
    return _PullQuoteFinder(lines).find()


def drop_pull_quotes(lines: list[str]) -> list[str]:
    """The body without its pull quotes, so the sentences they interrupted run on."""
    quoted = find_pull_quote_lines(lines)
    return [line for i, line in enumerate(lines) if i not in quoted]
