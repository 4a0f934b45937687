"""The same passage in two documents (one article published twice) shown once.

Passages are compared by the fingerprints of their sentences (see
indexer.chunk.sentence_keys): two passages from different documents that
share at least half the sentences of the shorter one are the same passage.
"""
from __future__ import annotations

from typing import Sequence


def same_passage(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return False
    return 2 * len(a & b) >= min(len(a), len(b))


def collapse(ranked: Sequence[tuple[str, frozenset[str]]]) -> tuple[list[int], dict[int, list[str]]]:
    """Which of `ranked` (document, sentence keys) to keep, best first, and what each also stands in.

    Returns the indexes kept and, for each kept index, the documents of the
    duplicates that were folded into it.
    """
    kept: list[int] = []
    also: dict[int, list[str]] = {}
    for i, (doc, keys) in enumerate(ranked):
        twin = next(
            (k for k in kept if ranked[k][0] != doc and same_passage(ranked[k][1], keys)), None
        )
        if twin is None:
            kept.append(i)
        elif doc not in also.setdefault(twin, []):
            also[twin].append(doc)
    return kept, also
