"""Library latency beside SQLite FTS5: top 10 with snippets, the same documents and queries, interleaved.

    python benchmarks/latency.py CORPUS INDEX_DIR QUERIES.jsonl [--queries 300] [--matcher-walk] [--profile]

CORPUS is the JSON Lines file (.jsonl or .jsonl.gz, `_id`, `title`, `text`)
the index was built from; an FTS5 table of the same records (porter
stemming, title and text columns) is built beside the index once
(INDEX_DIR.fts5.sqlite).  For each query, one after the other on one
busy machine, so that load slows both alike:

- ours: `Searcher.search(q, limit=10)` with every --json key of every hit
  read (`as_dict()`: highlights and "also in" included);
- FTS5: the query's words OR'ed, `bm25()` ordered, top 10, with
  `snippet()` of the text column (stdlib sqlite3);
- with --matcher-walk, ours again with the ranking over posting lists turned
  off (`searcher.bulk_ranking.ENABLED = False`: Whoosh's matchers walked as
  before), for a before/after ratio in the same run.

Medians and 95th percentiles after 10 warm-up queries; the ratios are of
those figures.  --profile prints cProfile's top functions for ours instead.
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WORD = re.compile(r"\w+")


def records(corpus: Path):
    opener = gzip.open if corpus.name.endswith(".gz") else open
    with opener(corpus, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                r = json.loads(line)
                yield str(r.get("_id", r.get("id", ""))), r.get("title", "") or "", r.get("text", "") or ""


def fts_database(corpus: Path, index_dir: Path) -> Path:
    """An FTS5 table of the corpus's records, built once beside the index."""
    path = index_dir.with_name(index_dir.name + ".fts5.sqlite")
    if path.exists():
        return path
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, text, tokenize='porter unicode61')")
    db.executemany("INSERT INTO docs VALUES (?, ?, ?)", records(corpus))
    db.commit()
    db.close()
    tmp.replace(path)
    return path


def fts_query(text: str) -> str:
    """The query's words, each quoted, OR'ed (as our queries are)."""
    return " OR ".join(f'"{w}"' for w in WORD.findall(text.lower()))


def fts_search(db, text: str) -> list:
    match = fts_query(text)
    if not match:
        return []
    return db.execute(
        "SELECT id, title, snippet(docs, 2, '[', ']', '...', 16), bm25(docs) FROM docs WHERE docs MATCH ? "
        "ORDER BY bm25(docs) LIMIT 10", (match,)).fetchall()


def ours_search(s, text: str) -> list:
    hits = s.search(text, limit=10)
    return [hit.as_dict() for hit in hits]


def percentile(values: list[float], q: float) -> float:
    xs = sorted(values)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def measure(corpus: Path, index_dir: Path, queries: list[str], walk: bool) -> dict:
    from searcher import Searcher, bulk_ranking

    db = sqlite3.connect(fts_database(corpus, index_dir))
    times: dict[str, list[float]] = {"ours": [], "fts5": []}
    if walk:
        times["walk"] = []
    with Searcher(index_dir, build_default=False) as s:
        for q in queries[:10]:  # warm up both
            ours_search(s, q)
            fts_search(db, q)
        for q in queries:
            t = time.perf_counter()
            fts_search(db, q)
            times["fts5"].append(time.perf_counter() - t)
            t = time.perf_counter()
            ours_search(s, q)
            times["ours"].append(time.perf_counter() - t)
            if walk:
                bulk_ranking.ENABLED = False
                try:
                    t = time.perf_counter()
                    ours_search(s, q)
                    times["walk"].append(time.perf_counter() - t)
                finally:
                    bulk_ranking.ENABLED = True
    db.close()
    out = {name: {"p50": statistics.median(v) * 1000, "p95": percentile(v, 0.95) * 1000}
           for name, v in times.items()}
    out["queries"] = len(queries)
    return out


def profile(index_dir: Path, queries: list[str]) -> None:
    import cProfile
    import pstats

    from searcher import Searcher

    with Searcher(index_dir, build_default=False) as s:
        for q in queries[:10]:
            ours_search(s, q)
        prof = cProfile.Profile()
        prof.enable()
        for q in queries:
            ours_search(s, q)
        prof.disable()
    stats = pstats.Stats(prof)
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(20)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("index_dir", type=Path)
    ap.add_argument("queries", type=Path)
    ap.add_argument("--queries", dest="n", type=int, default=300)
    ap.add_argument("--matcher-walk", action="store_true", help="also time the ranking by Whoosh's matchers")
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args(argv)
    texts = [json.loads(line)["text"] for line in open(args.queries, encoding="utf-8") if line.strip()][:args.n]
    if args.profile:
        profile(args.index_dir, texts)
        return
    out = measure(args.corpus, args.index_dir, texts, args.matcher_walk)
    ours, fts = out["ours"], out["fts5"]
    print(f"{out['queries']} queries, top 10 with snippets: ours p50 {ours['p50']:.1f} ms, p95 {ours['p95']:.1f} ms; "
          f"FTS5 p50 {fts['p50']:.1f} ms, p95 {fts['p95']:.1f} ms; ratio p50 x{ours['p50'] / fts['p50']:.2f}, "
          f"p95 x{ours['p95'] / fts['p95']:.2f}")
    if "walk" in out:
        walk = out["walk"]
        print(f"  matcher walk (before): p50 {walk['p50']:.1f} ms, p95 {walk['p95']:.1f} ms "
              f"(x{walk['p50'] / fts['p50']:.2f} / x{walk['p95'] / fts['p95']:.2f} of FTS5)")


if __name__ == "__main__":
    main()
