"""Snippets: the sentences of a passage around its matches, cut with '…'."""
from __future__ import annotations

Span = tuple[int, int]
ELLIPSIS = "…"


def _sentence_of(pos: int, sentences: list[Span]) -> int:
    for i, (s, e) in enumerate(sentences):
        if pos < e:
            return i
    return len(sentences) - 1


def best_window(sentences: list[Span], matches: list[Span], max_chars: int) -> tuple[int, int]:
    """Indexes (first, last) of the run of sentences, at most `max_chars` long, with most matches."""
    if not sentences:
        return (0, -1)
    per_sentence = [0] * len(sentences)
    for s, _ in matches:
        per_sentence[_sentence_of(s, sentences)] += 1
    best = (0, 0)
    best_count = -1
    for first in range(len(sentences)):
        count = 0
        last = first
        while last < len(sentences):
            if last > first and sentences[last][1] - sentences[first][0] > max_chars:
                break
            count += per_sentence[last]
            last += 1
        if count > best_count:
            best, best_count = (first, last - 1), count
    return best


def snippet(text: str, sentences: list[Span], matches: list[Span], max_chars: int = 320,
            ) -> tuple[str, list[Span]]:
    """A fragment of `text` made of whole sentences around the matches.

    Returns the fragment and the matches shifted into it.  '…' marks where the
    passage was cut.  A single sentence longer than `max_chars` is cut at a
    word boundary around its first match.
    """
    if not sentences:
        sentences = [(0, len(text))]
    first, last = best_window(sentences, matches, max_chars)
    start, end = sentences[first][0], sentences[last][1]
    if end - start > max_chars:
        focus = next((s for s, _ in matches if start <= s < end), start)
        start = max(start, text.rfind(" ", 0, max(start, focus - max_chars // 3)) + 1)
        cut = text.find(" ", start + max_chars)
        end = min(end, cut if cut != -1 else end)
    prefix = ELLIPSIS + " " if start > 0 else ""
    suffix = " " + ELLIPSIS if end < len(text.rstrip()) else ""
    fragment = text[start:end].strip()
    lead = len(text[start:end]) - len(text[start:end].lstrip())
    shift = len(prefix) - start - lead
    shifted = [(s + shift, e + shift) for s, e in matches if s >= start + lead and e <= start + lead + len(fragment)]
    return prefix + fragment + suffix, shifted
