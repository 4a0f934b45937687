"""The same passage in two documents (one article published twice) shown once.

Passages are compared by the fingerprints of their sentences (see
indexer.chunk.sentence_keys): two passages from different documents that
share at least half the sentences of the shorter one are the same passage.
"""
from __future__ import annotations

from typing import Iterable


def same_passage(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return False
    return 2 * len(a & b) >= min(len(a), len(b))


def collapse(ranked: Iterable[tuple[str, frozenset[str]]], wanted: int | None = None
             ) -> tuple[list[int], dict[int, list[str]]]:
    """Which of `ranked` (document, sentence keys) to keep, best first, and what each also stands in.

    A passage is folded away when better passages from other documents
    already hold at least half of its sentences: two extractions of one
    article are chunked differently, so its copy may straddle two of them.
    Returns the indexes kept and, for each kept index that absorbed copies,
    the documents of those copies.  With `wanted`, stops once that many are
    kept, reading no further (what is kept depends only on what ranks
    above, so the first `wanted` are the same).  Kept passages are found by sentence key, so the
    time grows with the passages, not with their square.
    """
    kept: list[int] = []
    also: dict[int, list[str]] = {}
    holders: dict[str, list[int]] = {}  # sentence key -> kept indexes holding it, in rank order
    seen: list[tuple[str, frozenset[str]]] = []
    for i, (doc, keys) in enumerate(ranked):
        if wanted is not None and len(kept) >= wanted:
            break
        seen.append((doc, keys))
        near = {k for key in keys for k in holders.get(key, ())}
        others = sorted(k for k in near if seen[k][0] != doc)
        covered = frozenset().union(*(seen[k][1] & keys for k in others)) if others else frozenset()
        if not keys or 2 * len(covered) < len(keys):  # less than half of it is elsewhere
            kept.append(i)
            for key in keys:
                holders.setdefault(key, []).append(i)
            continue
        twin = max(others, key=lambda k: len(seen[k][1] & keys))
        if doc not in also.setdefault(twin, []):
            also[twin].append(doc)
    return kept, also
