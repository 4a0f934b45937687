"""Ranking metrics as trec_eval defines them (ndcg_cut, recall, recip_rank, map), a paired test and a bootstrap interval over queries.

A run is a ranked list of document ids for one query; judgments map document
ids to integer grades.  "Relevant" means a grade above 0.  nDCG uses the grade
itself as the gain and a log2(rank + 1) discount; the ideal ranking is built
from every judged document, not only the retrieved ones.
"""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Mapping, Sequence

Judgments = Mapping[str, int]


def dcg(gains: Sequence[float]) -> float:
    return sum(g / math.log2(rank + 1) for rank, g in enumerate(gains, 1) if g)


def ndcg_at(ranking: Sequence[str], judgments: Judgments, k: int) -> float:
    """nDCG@k with gain = grade (trec_eval ndcg_cut)."""
    ideal = dcg(sorted((g for g in judgments.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([max(judgments.get(d, 0), 0) for d in ranking[:k]]) / ideal


def recall_at(ranking: Sequence[str], judgments: Judgments, k: int) -> float:
    relevant = {d for d, g in judgments.items() if g > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranking[:k])) / len(relevant)


def reciprocal_rank_at(ranking: Sequence[str], judgments: Judgments, k: int) -> float:
    """1/rank of the first relevant document within the top k, else 0."""
    for rank, d in enumerate(ranking[:k], 1):
        if judgments.get(d, 0) > 0:
            return 1.0 / rank
    return 0.0


def average_precision(ranking: Sequence[str], judgments: Judgments) -> float:
    """AP over the whole ranking; relevant documents not retrieved count as 0."""
    relevant = sum(1 for g in judgments.values() if g > 0)
    if not relevant:
        return 0.0
    found = 0
    total = 0.0
    for rank, d in enumerate(ranking, 1):
        if judgments.get(d, 0) > 0:
            found += 1
            total += found / rank
    return total / relevant


def per_query(runs: Mapping[str, Sequence[str]], qrels: Mapping[str, Judgments],
              depth: int = 100) -> dict[str, dict[str, float]]:
    """{query id: {metric: value}} for every query in `qrels` (a query with no run scores 0)."""
    figures = {}
    for qid, judgments in qrels.items():
        ranking = list(runs.get(qid, ()))[:depth]
        figures[qid] = {
            "nDCG@10": ndcg_at(ranking, judgments, 10),
            "MAP": average_precision(ranking, judgments),
            f"Recall@{depth}": recall_at(ranking, judgments, depth),
            "MRR@10": reciprocal_rank_at(ranking, judgments, 10),
        }
    return figures


def mean_figures(figures: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    """The mean of each metric over the queries of `per_query`'s answer."""
    rows = list(figures.values())
    if not rows:
        return {}
    return {name: sum(row[name] for row in rows) / len(rows) for name in rows[0]}


def evaluate(runs: Mapping[str, Sequence[str]], qrels: Mapping[str, Judgments],
             depth: int = 100) -> dict[str, float]:
    """Mean of each metric over every query in `qrels` (a query with no run scores 0)."""
    return mean_figures(per_query(runs, qrels, depth))


def paired_randomization(a: Mapping[str, float], b: Mapping[str, float],
                         trials: int = 10_000, seed: int = 1) -> tuple[float, float]:
    """(mean of a - b, two-sided p) over the queries both score, by a paired randomisation test.

    Under the null hypothesis the two systems are exchangeable on each query,
    so each query's difference keeps or flips its sign at random; p is the
    share of `trials` sign assignments whose mean difference is at least as
    far from 0 as the observed one (Smucker, Allan and Carterette 2007).
    """
    import random

    diffs = [a[q] - b[q] for q in a if q in b]
    if not diffs:
        return 0.0, 1.0
    observed = sum(diffs) / len(diffs)
    if all(abs(d) < 1e-12 for d in diffs):
        return 0.0, 1.0
    rng = random.Random(seed)
    limit = abs(sum(diffs)) - 1e-9
    extreme = 0
    for _ in range(trials):
        total = sum(d if rng.random() < 0.5 else -d for d in diffs)
        if abs(total) >= limit:
            extreme += 1
    return observed, (extreme + 1) / (trials + 1)


def bootstrap_interval(a: Mapping[str, float], b: Mapping[str, float], level: float = 0.95,
                       trials: int = 10_000, seed: int = 1) -> tuple[float, float]:
    """(low, high): a percentile bootstrap interval of the mean of a - b over the queries both score.

    Queries are resampled with replacement `trials` times; the interval holds
    the middle `level` share of the resampled means (Efron and Tibshirani 1993).
    """
    import random

    diffs = [a[q] - b[q] for q in a if q in b]
    if not diffs:
        return 0.0, 0.0
    rng = random.Random(seed)
    n = len(diffs)
    means = sorted(sum(diffs[rng.randrange(n)] for _ in range(n)) / n for _ in range(trials))
    cut = (1 - level) / 2
    return means[int(cut * trials)], means[min(trials - 1, int((1 - cut) * trials))]


def sign_test(wins: int, losses: int) -> float:
    """Two-sided exact binomial p of `wins` against `losses` (ties left out)."""
    import math

    n = wins + losses
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(wins, losses) + 1)) / 2 ** n
    return min(1.0, 2 * tail)


# ---- BEIR files ------------------------------------------------------------

def load_qrels(path: Path) -> dict[str, dict[str, int]]:
    """`query-id<TAB>corpus-id<TAB>score` rows (header line skipped)."""
    qrels: dict[str, dict[str, int]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh, delimiter="\t")
        for i, row in enumerate(rows):
            if not row or (i == 0 and not row[-1].strip().lstrip("-").isdigit()):
                continue
            qid, doc, score = row[0].strip(), row[1].strip(), int(row[2])
            qrels.setdefault(qid, {})[doc] = score
    return qrels


def load_queries(path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8") as fh:
        return {str(r["_id"]): r["text"] for r in map(json.loads, filter(str.strip, fh))}
