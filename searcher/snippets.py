"""Snippets: the sentences of a passage around its matches, cut with '…'.

A snippet is made of up to `max_fragments` fragments, each a run of whole
sentences (or, for a sentence too long to show, a piece of it cut at word
boundaries).  Sentences with matches are taken first, the ones matching the
most different words first; then the fragments grow with the sentences
around them while the character budget lasts.  Fragments are shown best
first, joined by ' … '; '…' also marks where the passage goes on before or
after.  Pure functions, no Whoosh.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

Span = tuple[int, int]
ELLIPSIS = "…"
SEPARATOR = f" {ELLIPSIS} "
MAX_FRAGMENTS = 3
# What a sentence splitter leaves at the start of the next sentence: closing
# quotes and brackets, footnote marks ("”[3] Competing ..."); a fragment
# starts after them.
LEFTOVERS = re.compile(r"(?:[”’\"')\]]+|\[\d+\])+\s+")


@dataclass(frozen=True)
class Snippet:
    """What to show of a passage: `text` (pieces of the passage joined by ` … `) and its `matches`."""

    text: str
    matches: tuple[Span, ...]


def snippet(text: str, sentences: list[Span], matches: list[Span], max_chars: int = 320,
            max_fragments: int = MAX_FRAGMENTS) -> tuple[str, list[Span]]:
    """The snippet's text and its matches (see `make_snippet`)."""
    made = make_snippet(text, sentences, matches, max_chars, max_fragments)
    return made.text, list(made.matches)


def make_snippet(text: str, sentences: list[Span], matches: list[Span], max_chars: int = 320,
                 max_fragments: int = MAX_FRAGMENTS) -> Snippet:
    """Up to `max_fragments` fragments of `text` around `matches`, about `max_chars` characters in all."""
    max_chars = max(1, max_chars)
    sentences = _clean_sentences(text, sentences)
    if not sentences:
        return Snippet("", ())
    matches = sorted((s, e) for s, e in matches if 0 <= s < e <= len(text))
    per_sentence: list[list[Span]] = [[] for _ in sentences]
    for span in matches:
        per_sentence[_sentence_of(span[0], sentences)].append(span)
    runs = _choose_runs(text, sentences, per_sentence, max_chars, max(1, max_fragments))
    pieces = _pieces(text, sentences, per_sentence, runs, max_chars)
    return _assemble(text, pieces, matches)


def _clean_sentences(text: str, sentences: list[Span]) -> list[Span]:
    """Sentence spans trimmed of spaces, in order, covering text; the whole text if none fit."""
    out: list[Span] = []
    for s, e in sorted(sentences or []):
        s, e = max(s, out[-1][1] if out else 0), min(e, len(text))
        s, e = _strip(text, s, e)
        if s < e:
            out.append((s, e))
    if not out:
        s, e = _strip(text, 0, len(text))
        return [(s, e)] if s < e else []
    return out


def _strip(text: str, s: int, e: int) -> Span:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _sentence_of(pos: int, sentences: list[Span]) -> int:
    for i, (_, e) in enumerate(sentences):
        if pos < e:
            return i
    return len(sentences) - 1


def _merit(text: str, spans: list[Span]) -> tuple[int, int]:
    """How good a stretch is: different words matched, then matches."""
    return len({text[s:e].casefold() for s, e in spans}), len(spans)


def _length(sentences: list[Span], first: int, last: int) -> int:
    return sentences[last][1] - sentences[first][0]


def _choose_runs(text: str, sentences: list[Span], per_sentence: list[list[Span]], budget: int,
                 max_fragments: int) -> list[list[int]]:
    """Runs [first, last] of sentence indexes to show, best first."""
    matched = [i for i, spans in enumerate(per_sentence) if spans]
    if not matched:
        matched = [0]
    matched.sort(key=lambda i: (tuple(-x for x in _merit(text, per_sentence[i])), i))
    runs: list[list[int]] = []
    used = 0
    for i in matched:
        size = _length(sentences, i, i)
        joined = next((r for r in runs if r[0] - 1 <= i <= r[1] + 1), None)
        if joined is not None:
            first, last = min(joined[0], i), max(joined[1], i)
            grown = _length(sentences, first, last) - _length(sentences, *joined)
            if used + grown <= budget:
                joined[:] = [first, last]
                used += grown
        elif not runs:
            runs.append([i, i])
            used += min(size, budget)
        elif len(runs) < max_fragments and used + size <= budget:
            runs.append([i, i])
            used += size
    # Grow each run, best first, with the sentences around it while they fit.
    grew = True
    while grew:
        grew = False
        for run in runs:
            for step in (1, -1):
                j = run[1] + 1 if step == 1 else run[0] - 1
                if not 0 <= j < len(sentences) or any(r[0] <= j <= r[1] for r in runs):
                    continue
                first, last = min(run[0], j), max(run[1], j)
                grown = _length(sentences, first, last) - _length(sentences, *run)
                if used + grown <= budget:
                    run[:] = [first, last]
                    used += grown
                    grew = True
    return _merge_touching(runs)


def _merge_touching(runs: list[list[int]]) -> list[list[int]]:
    """Runs that touch become one, in the place of the better of the two."""
    out: list[list[int]] = []
    for run in runs:
        mate = next((r for r in out if r[0] - 1 <= run[1] and run[0] <= r[1] + 1), None)
        if mate is None:
            out.append(list(run))
        else:
            mate[:] = [min(mate[0], run[0]), max(mate[1], run[1])]
    return out


def _pieces(text: str, sentences: list[Span], per_sentence: list[list[Span]], runs: list[list[int]],
            budget: int) -> list[Span]:
    pieces = []
    for first, last in runs:
        start, end = sentences[first][0], sentences[last][1]
        if end - start > budget:  # only a lone sentence can be this long
            spans = [m for i in range(first, last + 1) for m in per_sentence[i]]
            start, end = _cut_around(text, start, end, spans, budget)
        leftover = LEFTOVERS.match(text, start, end)
        if leftover and not any(start <= s < leftover.end() for i in range(first, last + 1)
                                for s, _ in per_sentence[i]):
            start = leftover.end()
        pieces.append((start, end))
    return pieces


def _cut_around(text: str, start: int, end: int, spans: list[Span], budget: int) -> Span:
    """A piece of text[start:end], at most `budget` long, cut at spaces, holding the first matches."""
    focus = spans[0][0] if spans else start
    lo = max(start, focus - budget // 3)
    if lo > start:
        space = text.find(" ", lo, focus + 1) if focus > lo else -1
        lo = space + 1 if space != -1 else lo
    hi = min(end, lo + budget)
    if hi < end:
        space = text.rfind(" ", lo + 1, hi + 1)
        keep = spans[0][1] if spans else lo + 1
        hi = space if space >= keep else hi
    return _strip(text, lo, hi)


def _assemble(text: str, pieces: list[Span], matches: list[Span]) -> Snippet:
    content_start, content_end = _strip(text, 0, len(text))
    out: list[str] = []
    shown: list[Span] = []
    length = 0
    for k, (s, e) in enumerate(pieces):
        lead = SEPARATOR if k else (ELLIPSIS + " " if s > content_start else "")
        out.append(lead)
        length += len(lead)
        for ms, me in matches:
            cs, ce = max(ms, s), min(me, e)
            if cs < ce:
                shown.append((length + cs - s, length + ce - s))
        out.append(text[s:e])
        length += e - s
    if pieces and pieces[-1][1] < content_end:
        out.append(" " + ELLIPSIS)
    return Snippet("".join(out), tuple(shown))
