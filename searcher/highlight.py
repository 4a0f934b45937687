"""Find where a query matches a passage's text, as character offsets.

A word matches when its analysed form (folded, stemmed) is one of the
query's terms, so "policies" is found for `policy`.  Words that the query
asks for only inside a phrase are marked only where the whole phrase stands.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

Span = tuple[int, int]


@dataclass(frozen=True)
class MatchTerms:
    """What to look for in a passage: loose words and phrases (as analysed words)."""

    words: frozenset[str]
    phrases: tuple[tuple[str, ...], ...] = ()


def find_matches(text: str, terms: MatchTerms, tokenize: Callable[[str], Iterable[tuple[str, int, int]]]
                 ) -> list[Span]:
    """Sorted, non-overlapping spans of `text` that match `terms`."""
    tokens = list(tokenize(text))
    spans: list[Span] = [(s, e) for word, s, e in tokens if word in terms.words]
    for phrase in terms.phrases:
        n = len(phrase)
        if not n:
            continue
        words = [w for w, _, _ in tokens]
        for i in range(len(tokens) - n + 1):
            if tuple(words[i:i + n]) == phrase:
                spans.append((tokens[i][1], tokens[i + n - 1][2]))
    return _merge(spans)


def _merge(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out
