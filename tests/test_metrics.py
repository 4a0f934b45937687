"""The benchmark's metrics against values worked out by hand (trec_eval definitions)."""
from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from metrics import (  # noqa: E402
    average_precision,
    evaluate,
    load_qrels,
    ndcg_at,
    recall_at,
    reciprocal_rank_at,
)

RUN = ["d1", "d2", "d3", "d4", "d5"]
BINARY = {"d2": 1, "d4": 1, "d9": 1, "d3": 0}
GRADED = {"d1": 1, "d3": 3, "d7": 2, "d2": 0}


def test_ndcg_binary_by_hand():
    dcg = 1 / math.log2(3) + 1 / math.log2(5)  # d2 at rank 2, d4 at rank 4
    ideal = 1 + 1 / math.log2(3) + 1 / math.log2(4)  # three relevant, one not retrieved
    assert ndcg_at(RUN, BINARY, 10) == pytest.approx(dcg / ideal)
    assert ndcg_at(RUN, BINARY, 10) == pytest.approx(0.49818, abs=1e-5)


def test_ndcg_uses_grades_as_gains_and_cuts_at_k():
    dcg = 1 / math.log2(2) + 3 / math.log2(4)  # d1 (1) at rank 1, d3 (3) at rank 3
    ideal = 3 + 2 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at(RUN, GRADED, 10) == pytest.approx(dcg / ideal)
    assert ndcg_at(RUN, GRADED, 10) == pytest.approx(0.52500, abs=1e-5)
    # at k = 2 only d1 counts, and the ideal is cut to two documents too
    assert ndcg_at(RUN, GRADED, 2) == pytest.approx(1 / (3 + 2 / math.log2(3)))


def test_ndcg_perfect_and_empty():
    assert ndcg_at(["d3", "d7", "d1"], GRADED, 10) == pytest.approx(1.0)
    assert ndcg_at([], GRADED, 10) == 0.0
    assert ndcg_at(RUN, {"d1": 0}, 10) == 0.0  # nothing relevant: 0, not an error


def test_recall_counts_only_grades_above_zero():
    assert recall_at(RUN, BINARY, 100) == pytest.approx(2 / 3)
    assert recall_at(RUN, BINARY, 3) == pytest.approx(1 / 3)
    assert recall_at(RUN, GRADED, 100) == pytest.approx(2 / 3)


def test_reciprocal_rank_within_cutoff():
    assert reciprocal_rank_at(RUN, BINARY, 10) == pytest.approx(1 / 2)
    assert reciprocal_rank_at(RUN, {"d5": 2}, 10) == pytest.approx(1 / 5)
    assert reciprocal_rank_at(RUN, {"d5": 2}, 4) == 0.0


def test_average_precision_by_hand():
    # relevant at ranks 2 and 4 (precision 1/2 and 2/4); d9 never retrieved
    assert average_precision(RUN, BINARY) == pytest.approx((1 / 2 + 2 / 4) / 3)
    assert average_precision(RUN, GRADED) == pytest.approx((1 / 1 + 2 / 3) / 3)


def test_evaluate_averages_over_every_judged_query(tmp_path):
    qrels_file = tmp_path / "qrels.tsv"
    qrels_file.write_text("query-id\tcorpus-id\tscore\nq1\td2\t1\nq1\td4\t1\nq1\td9\t1\n"
                          "q1\td3\t0\nq2\td1\t1\n", encoding="utf-8")
    qrels = load_qrels(qrels_file)
    assert qrels == {"q1": {"d2": 1, "d4": 1, "d9": 1, "d3": 0}, "q2": {"d1": 1}}
    figures = evaluate({"q1": RUN}, qrels, depth=100)  # q2 has no run: it scores 0
    assert figures["nDCG@10"] == pytest.approx(ndcg_at(RUN, BINARY, 10) / 2)
    assert figures["Recall@100"] == pytest.approx((2 / 3) / 2)
    assert figures["MRR@10"] == pytest.approx(0.25)
    assert figures["MAP"] == pytest.approx(((1 / 2 + 2 / 4) / 3) / 2)


def test_paired_randomization_finds_a_consistent_gain_and_not_a_coin_toss():
    from metrics import paired_randomization

    queries = [f"q{i}" for i in range(40)]
    base = {q: 0.3 + 0.01 * (i % 7) for i, q in enumerate(queries)}
    better = {q: v + 0.05 for q, v in base.items()}  # every query gains
    delta, p = paired_randomization(better, base, trials=2000)
    assert delta == pytest.approx(0.05) and p < 0.01
    mixed = {q: v + (0.05 if i % 2 else -0.05) for i, (q, v) in enumerate(base.items())}  # half gain, half lose
    delta, p = paired_randomization(mixed, base, trials=2000)
    assert delta == pytest.approx(0.0, abs=1e-9) and p > 0.5
    assert paired_randomization(base, base) == (0.0, 1.0)


def test_per_query_means_are_what_evaluate_reports():
    from metrics import mean_figures, per_query

    qrels = {"q1": BINARY, "q2": GRADED}
    runs = {"q1": RUN, "q2": RUN}
    figures = per_query(runs, qrels, depth=100)
    assert figures["q1"]["nDCG@10"] == pytest.approx(0.49818, abs=1e-5)
    assert mean_figures(figures) == pytest.approx(evaluate(runs, qrels, depth=100))


def test_bootstrap_interval_holds_the_mean_difference_and_narrows_with_agreement():
    from metrics import bootstrap_interval

    queries = [f"q{i}" for i in range(40)]
    base = {q: 0.5 for q in queries}
    steady = {q: 0.55 for q in queries}  # every query gains 0.05: no spread, no width
    assert bootstrap_interval(steady, base) == pytest.approx((0.05, 0.05))
    noisy = {q: 0.5 + (0.2 if i % 2 else -0.1) for i, q in enumerate(queries)}  # mean +0.05, spread 0.15
    low, high = bootstrap_interval(noisy, base, trials=2000)
    assert low < 0.05 < high
    assert 0.05 - low == pytest.approx(high - 0.05, abs=0.02)  # about symmetric
    assert 0.02 < high - low < 0.12  # about 2 x 1.96 x 0.15 / sqrt(40) = 0.093
    narrower = bootstrap_interval(noisy, base, level=0.8, trials=2000)
    assert low < narrower[0] < narrower[1] < high
    assert bootstrap_interval({}, base) == (0.0, 0.0)


def test_sign_test_by_hand():
    from metrics import sign_test

    assert sign_test(5, 0) == pytest.approx(2 / 32)  # all five one way: 2 x (1/2)^5
    assert sign_test(16, 10) == sign_test(10, 16)
    assert sign_test(16, 10) == pytest.approx(0.327, abs=0.001)
    assert sign_test(3, 3) == 1.0 and sign_test(0, 0) == 1.0
