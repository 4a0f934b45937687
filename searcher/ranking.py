"""How passages are scored: BM25F constants and field weights.

Kept apart from the engine so that ranking can be tuned (and measured with
benchmarks/relevance.py) without touching query handling.  Values are read at
the moment a searcher is opened, so a benchmark may override them.
"""
from __future__ import annotations

# BM25F parameters and field weights.
K1 = 1.2
B = 0.75
FIELD_BOOSTS = {"text": 1.0, "title": 0.5, "section": 0.5}
