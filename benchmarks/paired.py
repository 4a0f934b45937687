"""Query by query: a saved run of relevance.py against the plain BM25 reference (or another saved run) on one collection.

    python benchmarks/paired.py med base                 # saved run "base" against the reference
    python benchmarks/paired.py med b09 --against base   # two saved runs

Prints each query's figure for both and the difference, the distribution of
the differences (wins, losses, ties, median, spread), the paired
randomisation test, an exact sign test, percentile bootstrap intervals of the
mean difference (95% and 90%: the 90% interval inside +-m is a two one-sided
test of equivalence within m at the 5% level), and the smallest mean
difference the queries could detect (80% power, two-sided 5%).
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent)]

from metrics import bootstrap_interval, paired_randomization, per_query, sign_test  # noqa: E402
from relevance import EVAL_ROOT, collection_dir, judged_queries, reference_runs, saved_path  # noqa: E402


def saved(name: str, collection: str) -> dict[str, dict[str, float]]:
    path = saved_path(name)
    if not path.is_file():
        raise SystemExit(f"paired: no saved run {name!r} ({path})")
    runs = json.loads(path.read_text(encoding="utf-8"))
    if collection not in runs:
        raise SystemExit(f"paired: the saved run {name!r} has no {collection!r} (it has {', '.join(runs)})")
    return runs[collection]


def account(ours: dict[str, float], theirs: dict[str, float], texts: dict[str, str]) -> list[str]:
    """The lines of the report: one per query, then the summary."""
    ids = sorted((q for q in ours if q in theirs), key=lambda q: (len(q), q))
    diffs = {q: ours[q] - theirs[q] for q in ids}
    lines = ["query  words  ours    other   difference"]
    for q in ids:
        lines.append(f"{q:>5}  {len(texts.get(q, '').split()):>5}  {ours[q]:.4f}  {theirs[q]:.4f}  {diffs[q]:+.4f}")
    values = list(diffs.values())
    n = len(values)
    wins = sum(d > 1e-9 for d in values)
    losses = sum(d < -1e-9 for d in values)
    mean = sum(values) / n
    spread = statistics.stdev(values) if n > 1 else 0.0
    _, p = paired_randomization(ours, theirs)
    low95, high95 = bootstrap_interval(ours, theirs, 0.95)
    low90, high90 = bootstrap_interval(ours, theirs, 0.90)
    detectable = (1.96 + 0.84) * spread / math.sqrt(n) if n else 0.0
    bins = [(-1, -0.1), (-0.1, -0.02), (-0.02, -1e-9), (-1e-9, 1e-9), (1e-9, 0.02), (0.02, 0.1), (0.1, 1.01)]
    names = ["< -0.1", "-0.1..-0.02", "-0.02..0", "0", "0..0.02", "0.02..0.1", "> 0.1"]
    counts = [sum(lo <= d < hi for d in values) for lo, hi in bins]
    lines += [
        "",
        f"queries {n}; mean difference {mean:+.4f}; median {statistics.median(values):+.4f}; "
        f"standard deviation {spread:.4f}",
        f"wins {wins}, losses {losses}, ties {n - wins - losses}; sign test p {sign_test(wins, losses):.2f}; "
        f"paired randomisation p {p:.2f}",
        f"bootstrap 95% interval [{low95:+.4f}, {high95:+.4f}]; 90% interval [{low90:+.4f}, {high90:+.4f}]",
        f"smallest detectable mean difference (80% power, two-sided 5%): {detectable:.4f}",
        "differences: " + ", ".join(f"{name}: {c}" for name, c in zip(names, counts)),
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("collection", help="a collection name in the eval folder, or a folder")
    parser.add_argument("run", help="a run saved by relevance.py --save")
    parser.add_argument("--against", metavar="NAME", help="another saved run [default: the plain BM25 reference]")
    parser.add_argument("--metric", default="nDCG@10", choices=("nDCG@10", "MAP", "Recall@100", "MRR@10"))
    parser.add_argument("--eval", type=Path, default=None, metavar="DIR",
                        help="the folder of collections [default: $CORPUS_SEARCH_EVAL, else ../shared/eval]")
    args = parser.parse_args(argv)
    folder = collection_dir(args.collection, args.eval.expanduser() if args.eval else EVAL_ROOT)
    ids, texts, qrels = judged_queries(folder)
    ours = saved(args.run, folder.name)
    if args.against:
        theirs = saved(args.against, folder.name)
    else:
        runs = reference_runs(folder)
        theirs = per_query({q: runs.get(q, []) for q in ids}, qrels)
    metric = args.metric
    print(f"{folder.name}, {metric}: {args.run} against {args.against or 'the plain BM25 reference'}")
    print("\n".join(account({q: v[metric] for q, v in ours.items()},
                            {q: v[metric] for q, v in theirs.items()}, texts)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
