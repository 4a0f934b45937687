"""Ranking quality on a BEIR-format collection, through corpus-search's own Indexer and Searcher.

    python benchmarks/relevance.py                      # SciFact (../shared/eval/scifact)
    python benchmarks/relevance.py cranfield --set K1=1.5 --set B=0.75

Indexes corpus.jsonl(.gz) with the defaults the CLI uses (cached under
benchmarks/.work/, keyed by the code that shapes the index), runs every query
in queries.jsonl that has judgements, turns the ranked passages into ranked
documents (a document ranks where its best passage ranks) and prints nDCG@10,
Recall@100, MRR@10 and MAP by the trec_eval definitions.  Progress goes to
stderr; the figures to stdout.
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import json
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(Path(__file__).resolve().parent)]

from metrics import evaluate, load_qrels, load_queries  # noqa: E402

WORK = REPO / "benchmarks" / ".work"
EVAL_ROOT = REPO.parent / "shared" / "eval"
# The code that shapes what is in the index (readers, cleaning, structure,
# chunking, sentence splitting, analyzer, schema, the writers): the text of
# every module of these packages keys the cached index.
INDEX_SHAPING = ("corpus", "indexer")


def collection_dir(name: str) -> Path:
    """A collection folder: a path as given, else a name under ../shared/eval."""
    path = Path(name).expanduser()
    if path.is_dir():
        return path.resolve()
    if (EVAL_ROOT / name).is_dir():
        return EVAL_ROOT / name
    raise SystemExit(f"relevance: no collection at {name!r} (nor {EVAL_ROOT / name})")


def corpus_file(folder: Path) -> Path:
    for name in ("corpus.jsonl", "corpus.jsonl.gz"):
        if (folder / name).is_file():
            return folder / name
    raise SystemExit(f"relevance: no corpus.jsonl or corpus.jsonl.gz in {folder}")


def index_key(corpus: Path) -> str:
    h = hashlib.sha1()
    for package in INDEX_SHAPING:
        for path in sorted((REPO / package).glob("*.py")):
            h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    st = corpus.stat()
    h.update(f"{corpus}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:12]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ensure_index(folder: Path, rebuild: bool = False, work: Path = WORK) -> Path:
    """The cached index of a collection (under `work`), built first if missing or stale."""
    from indexer import Indexer
    from indexer.layout import current_generation

    corpus = corpus_file(folder)
    index_dir = work / f"{folder.name}-{index_key(corpus)}"
    if rebuild and index_dir.exists():
        shutil.rmtree(index_dir)
    if current_generation(index_dir) is not None:
        log(f"index: cached {index_dir}")
        return index_dir
    older = sorted(work.glob(f"{folder.name}-*"), key=lambda p: p.stat().st_mtime)
    for stale in older[:-3]:  # keep a few, for switching between analyzer variants
        shutil.rmtree(stale, ignore_errors=True)
    log(f"index: building {index_dir} from {corpus}")
    started = time.perf_counter()
    shown = [-1]

    def progress(done: int, total: int) -> None:
        pct = int(100 * done / total)
        if pct // 10 != shown[0]:
            shown[0] = pct // 10
            log(f"  {pct}%")

    report = Indexer(index_dir).update([corpus], progress=progress)
    log(f"index: {report.added} documents, {report.passages} passages, "
        f"{time.perf_counter() - started:.0f} s")
    return index_dir


def ranking_searcher(index_dir: Path):
    """A Searcher that ranks exactly as the CLI's but skips highlighting (3/4 of the time)."""
    from searcher import Searcher
    from searcher.highlight import MatchTerms

    class RankingOnly(Searcher):
        def _match_terms(self, parsed):
            return MatchTerms(frozenset())

        def _also_in_all(self, passages):
            return [()] * len(passages)

    return RankingOnly(index_dir)


def rank_documents(searcher, query: str, depth: int) -> list[str]:
    """Up to `depth` distinct documents, each at the rank of its best passage."""
    from corpus.errors import BadQuery

    limit = depth * 2
    while True:
        try:
            hits = searcher.search(query, limit=limit)
        except BadQuery as exc:
            log(f"  query failed: {exc}")
            return []
        ranked = list(dict.fromkeys(h.document for h in hits))
        if len(ranked) >= depth or len(hits) < limit:
            return ranked[:depth]
        limit *= 2


def apply_settings(settings: list[str]) -> dict:
    """`NAME=VALUE` overrides of the ranking constants in searcher.ranking (search time only)."""
    from searcher import ranking

    applied = {}
    for item in settings:
        name, _, raw = item.partition("=")
        if not hasattr(ranking, name):
            raise SystemExit(f"relevance: searcher.ranking has no setting {name!r}")
        value = ast.literal_eval(raw)
        setattr(ranking, name, value)
        applied[name] = value
    return applied


def run(folder: Path, depth: int = 100, max_queries: int | None = None,
        rebuild: bool = False, work: Path = WORK) -> dict:
    """Metrics (and timing) for one collection with the current settings."""
    index_dir = ensure_index(folder, rebuild, work)
    qrels = load_qrels(folder / "qrels.tsv")
    queries = load_queries(folder / "queries.jsonl")
    ids = [q for q in queries if q in qrels][:max_queries]
    qrels = {q: qrels[q] for q in ids} if max_queries else qrels
    runs = {}
    started = time.perf_counter()
    with ranking_searcher(index_dir) as searcher:
        for n, qid in enumerate(ids, 1):
            runs[qid] = rank_documents(searcher, queries[qid], depth)
            if n % 50 == 0:
                log(f"  {n}/{len(ids)} queries")
    seconds = time.perf_counter() - started
    figures = evaluate(runs, qrels, depth)
    return {"collection": folder.name, "queries": len(qrels), "seconds": round(seconds, 1),
            **{k: round(v, 4) for k, v in figures.items()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("collections", nargs="*", default=["scifact"],
                        help="collection folders or names under ../shared/eval [default: scifact]")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a searcher.ranking constant, e.g. K1=0.9 or "
                             "\"FIELD_BOOSTS={'text': 1.0, 'title': 0.3, 'section': 0.5}\"")
    parser.add_argument("--depth", type=int, default=100, help="documents retrieved per query")
    parser.add_argument("--queries", type=int, default=None, help="only the first N queries")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached index")
    parser.add_argument("--json", action="store_true", help="one JSON object per collection")
    args = parser.parse_args(argv)
    applied = apply_settings(args.set)
    for name in args.collections:
        result = run(collection_dir(name), args.depth, args.queries, args.rebuild)
        if applied:
            result["settings"] = applied
        if args.json:
            print(json.dumps(result))
        else:
            metrics = "  ".join(f"{k} {v:.4f}" for k, v in result.items()
                                if isinstance(v, float) and k != "seconds")
            print(f"{result['collection']:<10} {metrics}  ({result['queries']} queries, "
                  f"{result['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
