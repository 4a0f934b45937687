"""Ranking quality on BEIR-format collections, ours beside a plain BM25 reference computed in the same run.

    python benchmarks/relevance.py                      # all five collections in the eval folder
    python benchmarks/relevance.py cranfield cisi --set K1=1.2 --save k1-12 --against defaults

The eval folder is $CORPUS_SEARCH_EVAL, else ../shared/eval beside the
repository (`--eval DIR` overrides both).  For each collection: indexes
corpus.jsonl(.gz) with the defaults the CLI uses (cached under
benchmarks/.work/, keyed by the code that shapes the index), runs every query
that has judgements, turns the ranked passages into ranked documents (a
document ranks where its best passage ranks), and scores the same queries
with the reference: bm25s (Lucene idf, k1 1.2, b 0.75) over whole documents
(title + " " + text) analysed by our own analyzer (the same tokenizer, stop
list and Snowball stemmer).  Prints nDCG@10, MAP and R@100 (trec_eval
definitions) for both, the mean over collections, and a paired randomisation
test over queries of ours against the reference (and against a saved run with
`--against`).  Progress goes to stderr; the figures to stdout.
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(Path(__file__).resolve().parent)]

from metrics import load_qrels, load_queries, mean_figures, paired_randomization, per_query  # noqa: E402

WORK = REPO / "benchmarks" / ".work"
EVAL_ROOT = Path(os.environ.get("CORPUS_SEARCH_EVAL") or REPO.parent / "shared" / "eval").expanduser()
# The five collections, in the order the table lists them.
COLLECTIONS = ("scifact", "cranfield", "cisi", "med", "cacm")
# The reference: plain BM25 as bm25s computes it (Lucene's idf), whole documents.
REFERENCE_K1 = 1.2
REFERENCE_B = 0.75
# The figures reported for each collection (the paired tests are on the first two).
SHOWN = ("nDCG@10", "MAP", "Recall@100")
# The code that shapes what is in the index (readers, cleaning, structure,
# chunking, sentence splitting, analyzer, schema, the writers): the text of
# every module of these packages keys the cached index.
INDEX_SHAPING = ("corpus", "indexer")


def collection_dir(name: str, root: Path | None = None) -> Path:
    """A collection folder: a name under the eval folder, else a path as given."""
    root = EVAL_ROOT if root is None else root
    if (root / name).is_dir():
        return root / name
    path = Path(name).expanduser()
    if path.is_dir():
        return path.resolve()
    raise SystemExit(f"relevance: no collection {name!r} in {root} (set CORPUS_SEARCH_EVAL or --eval)")


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
    """The Searcher the CLI uses (its searches here ask for ids and scores only: `snippets=False`)."""
    from searcher import Searcher

    return Searcher(index_dir)


def rank_documents(searcher, query: str, depth: int) -> list[str]:
    """Up to `depth` distinct documents, each at the rank of its best passage."""
    from corpus.errors import BadQuery

    limit = depth * 2
    while True:
        try:
            hits = searcher.search(query, limit=limit, snippets=False)
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


def judged_queries(folder: Path, max_queries: int | None = None):
    """(query ids, {id: text}, qrels) of the queries that have judgements."""
    qrels = load_qrels(folder / "qrels.tsv")
    queries = load_queries(folder / "queries.jsonl")
    ids = [q for q in queries if q in qrels][:max_queries]
    if max_queries:
        qrels = {q: qrels[q] for q in ids}
    return ids, queries, qrels


def run(folder: Path, depth: int = 100, max_queries: int | None = None,
        rebuild: bool = False, work: Path = WORK, queries_out: dict | None = None) -> dict:
    """Metrics (and timing) for one collection with the current settings.

    With `queries_out`, each query's figures are put in it ({query id: {metric: value}}).
    """
    index_dir = ensure_index(folder, rebuild, work)
    ids, queries, qrels = judged_queries(folder, max_queries)
    runs = {}
    started = time.perf_counter()
    with ranking_searcher(index_dir) as searcher:
        for n, qid in enumerate(ids, 1):
            runs[qid] = rank_documents(searcher, queries[qid], depth)
            if n % 50 == 0:
                log(f"  {n}/{len(ids)} queries")
    seconds = time.perf_counter() - started
    figures = per_query(runs, qrels, depth)
    if queries_out is not None:
        queries_out.update(figures)
    return {"collection": folder.name, "queries": len(qrels), "seconds": round(seconds, 1),
            **{k: round(v, 4) for k, v in mean_figures(figures).items()}}


# ---- the reference: plain BM25 (bm25s) on the same text ---------------------

def reference_key(corpus: Path, depth: int) -> str:
    h = hashlib.sha1(index_key(corpus).encode())
    h.update(f"bm25s {REFERENCE_K1} {REFERENCE_B} {depth}".encode())
    return h.hexdigest()[:12]


def analysed(texts, analyzer) -> list[list[str]]:
    return [[t.text for t in analyzer(text)] for text in texts]


def reference_runs(folder: Path, depth: int = 100, work: Path = WORK) -> dict[str, list[str]]:
    """{query id: ranked document ids} from bm25s over whole documents, cached under `work`.

    Documents are title + " " + text, tokenised by our english_analyzer() (its
    tokenizer, folding, stop list and Snowball stemmer), so only the scoring
    differs from ours: one field, no passages, no extras.
    """
    import gzip

    corpus = corpus_file(folder)
    cached = work / f"reference-{folder.name}-{reference_key(corpus, depth)}.json"
    if cached.is_file():
        return json.loads(cached.read_text(encoding="utf-8"))
    import bm25s
    from indexer.schema import english_analyzer

    log(f"reference: bm25s k1 {REFERENCE_K1} b {REFERENCE_B} on {corpus}")
    opener = gzip.open if corpus.name.endswith(".gz") else open
    with opener(corpus, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    analyzer = english_analyzer()
    doc_ids = [str(r["_id"]) for r in records]
    tokens = analysed((f"{r.get('title') or ''} {r.get('text') or ''}" for r in records), analyzer)
    model = bm25s.BM25(k1=REFERENCE_K1, b=REFERENCE_B, method="lucene")
    model.index(tokens, show_progress=False)
    vocabulary = model.vocab_dict
    _, queries, qrels = judged_queries(folder)
    runs = {}
    for qid in qrels:
        words = [w for w in analysed([queries.get(qid, "")], analyzer)[0] if w in vocabulary]
        if not words:
            runs[qid] = []
            continue
        found, scores = model.retrieve([words], k=min(depth, len(doc_ids)), show_progress=False,
                                       n_threads=1)
        runs[qid] = [doc_ids[i] for i, score in zip(found[0], scores[0]) if score > 0]
    work.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(runs), encoding="utf-8")
    return runs


def reference(folder: Path, depth: int = 100, max_queries: int | None = None,
              work: Path = WORK, queries_out: dict | None = None) -> dict:
    """The reference's metrics for one collection (as `run`)."""
    ids, _, qrels = judged_queries(folder, max_queries)
    runs = reference_runs(folder, depth, work)
    figures = per_query({q: runs.get(q, []) for q in ids}, qrels, depth)
    if queries_out is not None:
        queries_out.update(figures)
    return {"collection": folder.name, "queries": len(qrels),
            **{k: round(v, 4) for k, v in mean_figures(figures).items()}}


# ---- saved runs and the report ----------------------------------------------

def saved_path(name: str, work: Path = WORK) -> Path:
    return work / "runs" / f"{name}.json"


def compare(ours: dict, theirs: dict, metric: str) -> tuple[float, float]:
    """(mean difference, p) of ours - theirs on `metric`, paired over queries."""
    return paired_randomization({q: v[metric] for q, v in ours.items()},
                                {q: v[metric] for q, v in theirs.items()})


def difference(delta: float, p: float) -> str:
    mark = "*" if p < 0.05 else ""
    return f"{delta:+.4f}{mark} (p {p:.2f})" if p >= 0.01 else f"{delta:+.4f}{mark} (p {p:.3f})"


def report(rows: list[dict], against: str | None) -> str:
    """The Markdown table: ours and the reference per collection, their mean, and the paired tests."""
    head = ["collection", "queries"] + [f"ours {m}" for m in SHOWN] + [f"BM25 {m}" for m in SHOWN]
    head += ["ours - BM25 nDCG@10", "ours - BM25 MAP"]
    if against:
        head += [f"ours - {against} nDCG@10", f"ours - {against} MAP"]
    lines = ["| " + " | ".join(head).replace("Recall@", "R@") + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [row["collection"], str(row["queries"])]
        cells += [f"{row['ours'][m]:.4f}" for m in SHOWN] + [f"{row['reference'][m]:.4f}" for m in SHOWN]
        cells += [difference(*row["vs_reference"][m]) for m in SHOWN[:2]]
        if against:
            cells += ([difference(*row["vs_saved"][m]) for m in SHOWN[:2]] if row.get("vs_saved")
                      else ["–", "–"])
        lines.append("| " + " | ".join(cells) + " |")
    if len(rows) > 1:
        mean = {side: {m: sum(r[side][m] for r in rows) / len(rows) for m in SHOWN}
                for side in ("ours", "reference")}
        cells = [f"mean of {len(rows)}", "–"]
        cells += [f"{mean['ours'][m]:.4f}" for m in SHOWN] + [f"{mean['reference'][m]:.4f}" for m in SHOWN]
        cells += [f"{mean['ours'][m] - mean['reference'][m]:+.4f}" for m in SHOWN[:2]]
        if against:
            saved = [r for r in rows if r.get("vs_saved")]
            cells += ([f"{sum(r['vs_saved'][m][0] for r in saved) / len(saved):+.4f}" for m in SHOWN[:2]]
                      if saved else ["–", "–"])
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("collections", nargs="*", default=None,
                        help=f"collection names in the eval folder, or folders [default: {' '.join(COLLECTIONS)}]")
    parser.add_argument("--eval", type=Path, default=None, metavar="DIR",
                        help="the folder of collections [default: $CORPUS_SEARCH_EVAL, else ../shared/eval]")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a searcher.ranking constant, e.g. K1=0.9 or "
                             "\"FIELD_BOOSTS={'text': 1.0, 'title': 0.3, 'section': 0.5}\"")
    parser.add_argument("--depth", type=int, default=100, help="documents retrieved per query")
    parser.add_argument("--queries", type=int, default=None, help="only the first N queries")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached index")
    parser.add_argument("--save", metavar="NAME", help="keep each query's figures as a named run "
                        "(benchmarks/.work/runs/NAME.json) for a later --against")
    parser.add_argument("--against", metavar="NAME", help="also test ours against a saved run, paired over queries")
    parser.add_argument("--json", action="store_true", help="one JSON object per collection instead of the table")
    args = parser.parse_args(argv)
    root = (args.eval.expanduser() if args.eval else EVAL_ROOT)
    names = args.collections or [n for n in COLLECTIONS if (root / n).is_dir()]
    if not names:
        raise SystemExit(f"relevance: no collections in {root} (set CORPUS_SEARCH_EVAL or --eval)")
    applied = apply_settings(args.set)
    saved = {}
    if args.against:
        path = saved_path(args.against)
        if not path.is_file():
            raise SystemExit(f"relevance: no saved run {args.against!r} ({path})")
        saved = json.loads(path.read_text(encoding="utf-8"))
    rows, keep = [], {}
    for name in names:
        folder = collection_dir(name, root)
        ours_q, ref_q = {}, {}
        ours = run(folder, args.depth, args.queries, args.rebuild, queries_out=ours_q)
        ref = reference(folder, args.depth, args.queries, queries_out=ref_q)
        row = {"collection": folder.name, "queries": ours["queries"], "seconds": ours["seconds"],
               "ours": ours, "reference": ref,
               "vs_reference": {m: compare(ours_q, ref_q, m) for m in SHOWN[:2]}}
        if folder.name in saved:
            row["vs_saved"] = {m: compare(ours_q, saved[folder.name], m) for m in SHOWN[:2]}
        if applied:
            row["settings"] = applied
        keep[folder.name] = ours_q
        rows.append(row)
        log(f"{folder.name}: ours nDCG@10 {ours['nDCG@10']:.4f}, reference {ref['nDCG@10']:.4f} "
            f"({ours['seconds']} s)")
        if args.json:
            print(json.dumps(row), flush=True)
    if args.save:
        path = saved_path(args.save)
        path.parent.mkdir(parents=True, exist_ok=True)
        previous = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        path.write_text(json.dumps({**previous, **keep}), encoding="utf-8")
    if not args.json:
        print(report(rows, args.against))
        if applied:
            print(f"settings: {applied}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
