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

    A passage is folded away when better passages from other documents
    already hold at least half of its sentences: two extractions of one
    article are chunked differently, so its copy may straddle two of them.
    Returns the indexes kept and, for each kept index that absorbed copies,
    the documents of those copies.
    """
    kept: list[int] = []
    also: dict[int, list[str]] = {}
    for i, (doc, keys) in enumerate(ranked):
        others = [k for k in kept if ranked[k][0] != doc and ranked[k][1] & keys]
        covered = frozenset().union(*(ranked[k][1] & keys for k in others)) if others else frozenset()
        if not keys or 2 * len(covered) < len(keys):  # less than half of it is elsewhere
            kept.append(i)
            continue
        twin = max(others, key=lambda k: len(ranked[k][1] & keys))
        if doc not in also.setdefault(twin, []):
            also[twin].append(doc)
    return kept, also
