"""Deep retrieval: `Searcher.search(q, limit=1000)` against `limit=10` on one index, interleaved, medians.

    python benchmarks/deep.py INDEX_DIR QUERIES.jsonl [--queries 60] [--rounds 3] [--profile]

Each query is run at limit=10 and at limit=1000 (and at limit=1000 with
snippets=False), one after the other, so that a busy machine slows all three
alike; the figures are medians over queries and rounds, and the ratio is of
the per-query medians' median.  Every hit's --json keys are read (as the CLI
and the web page do for the hits they show: `as_dict()` for the first 10), so
deferred work is counted where a caller pays it.  `--profile` instead prints
cProfile's top functions for the top-10 searches.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SHOWN = 10  # hits a reader looks at: their every key is read


def load_queries(path: Path, n: int) -> list[str]:
    texts = [json.loads(line)["text"] for line in open(path, encoding="utf-8") if line.strip()]
    return texts[:n]


def timed(s, query: str, limit: int, **options) -> float:
    t = time.perf_counter()
    hits = s.search(query, limit=limit, **options)
    for hit in hits[:SHOWN]:
        hit.as_dict()
    for hit in hits:
        (hit.id, hit.score)
    return time.perf_counter() - t


def measure(index_dir: Path, queries: list[str], rounds: int) -> dict:
    from searcher import Searcher

    runs: dict[str, list[float]] = {"10": [], "1000": [], "1000 ids": []}
    ratios = []
    with Searcher(index_dir, build_default=False) as s:
        for q in queries[:10]:  # warm up
            s.search(q, limit=1000)
        for _ in range(rounds):
            for q in queries:
                a = timed(s, q, 10)
                b = timed(s, q, 1000)
                c = timed(s, q, 1000, snippets=False)
                runs["10"].append(a)
                runs["1000"].append(b)
                runs["1000 ids"].append(c)
                ratios.append(b / a)
    ms = {k: statistics.median(v) * 1000 for k, v in runs.items()}
    return {"ms": ms, "ratio_of_medians": ms["1000"] / ms["10"],
            "median_ratio": statistics.median(ratios), "searches": len(ratios)}


def profile(index_dir: Path, queries: list[str]) -> None:
    import cProfile
    import pstats

    from searcher import Searcher

    with Searcher(index_dir, build_default=False) as s:
        for q in queries[:10]:
            s.search(q, limit=10)
        prof = cProfile.Profile()
        prof.enable()
        for q in queries:
            for hit in s.search(q, limit=10):
                hit.as_dict()
        prof.disable()
    stats = pstats.Stats(prof)
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(25)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("index_dir", type=Path)
    ap.add_argument("queries", type=Path)
    ap.add_argument("--queries", dest="n", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args(argv)
    queries = load_queries(args.queries, args.n)
    if args.profile:
        profile(args.index_dir, queries)
        return
    out = measure(args.index_dir, queries, args.rounds)
    ms = out["ms"]
    print(f"{out['searches']} searches of each: limit=10 {ms['10']:.1f} ms, limit=1000 {ms['1000']:.1f} ms, "
          f"limit=1000 snippets=False {ms['1000 ids']:.1f} ms; ratio of medians x{out['ratio_of_medians']:.2f}, "
          f"median of per-query ratios x{out['median_ratio']:.2f}")


if __name__ == "__main__":
    main()
