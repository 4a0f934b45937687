"""Ranking quality on Cranfield, through the real Indexer and Searcher (skipped without the data).

The evaluation collections live beside the repository, in ../shared/eval, or
wherever $CORPUS_SEARCH_EVAL points; see benchmarks/RESULTS.md for the full
figures this floor sits well below.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CRANFIELD = Path(os.environ.get("CORPUS_SEARCH_EVAL") or REPO.parent / "shared" / "eval") / "cranfield"

sys.path.insert(0, str(REPO / "benchmarks"))

pytestmark = pytest.mark.slow  # indexes and evaluates a whole collection


@pytest.fixture(scope="module")
def cranfield(tmp_path_factory) -> dict:
    if not (CRANFIELD / "corpus.jsonl").is_file():
        pytest.skip(f"no evaluation data at {CRANFIELD}")
    import relevance

    return relevance.run(CRANFIELD, work=tmp_path_factory.mktemp("relevance"))


def test_cranfield_ranking_beats_a_floor_below_the_published_bm25(cranfield):
    # Measured with the defaults: nDCG@10 about 0.39, MAP about 0.32, R@100 about 0.75;
    # the bm25s reference (k1 1.5, b 0.75) is 0.3730 / 0.3104.  The floors leave room
    # for small changes but catch a broken analyzer or weighting.
    assert cranfield["queries"] == 225
    assert cranfield["nDCG@10"] > 0.36
    assert cranfield["MAP"] > 0.29
    assert cranfield["Recall@100"] > 0.70


def test_cranfield_finds_something_relevant_early_for_most_queries(cranfield):
    assert cranfield["MRR@10"] > 0.5
