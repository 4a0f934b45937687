"""How search time grows with the corpus: ours beside bare Whoosh, SQLite FTS5 and bm25s (issue 20).

    python benchmarks/growth.py                    # 1, 10 and 50 MB of text (about 15 minutes on 2 shared cores)
    python benchmarks/growth.py --sizes 1,10,50,200
    python benchmarks/growth.py --render           # the table and plot again from the last run's figures

Corpus: the documents of every collection in $CORPUS_SEARCH_EVAL (else ../shared/eval) (SciFact, Cranfield,
CISI, CACM, Medline: about 13 MB of real title + text), shuffled once with a
fixed seed; a corpus of N MB is the first N MB of text of that stream
(title + text, UTF-8), so each size holds the smaller ones.  Past the ~13 MB
the collections hold, the stream goes on with further shuffled copies under
new ids (`c2-...`), so the 50 MB corpus has each document about four times.

Queries: the first 12 queries of each collection (60), the same for every
engine and size.  For each size and query the engines run in turn
(interleaved), each in its own long-lived handle, top 10:
- corpus-search: `Searcher.search(q, limit=10)`, with every hit's `matches` read;
- bare Whoosh: the same index opened with Whoosh alone (BM25F), the words
  OR-ed over text/title/section, `highlights("text", top=3)` of each hit
  (what `benchmarks/minimal_search.py` does);
- SQLite FTS5 (the standard library's sqlite3): a table (id, title, text)
  with the porter tokenizer, the words OR-ed, `ORDER BY bm25(...)`,
  `snippet()` of the text;
- bm25s with PyStemmer and its English stop words: ids and scores only (it
  has no snippets).
Cold search: a new process per search (open, search one query, print the
top 10), the four interleaved, `--cold-reps` times per size.

Indexes are built once per corpus and reused while the corpus and (for ours)
the code of corpus/ and indexer/ are unchanged; pass `--rebuild` to build afresh.
Writes benchmarks/.work/growth/results.json, the `## Growth` section of
benchmarks/RESULTS.md (only that section is replaced) and benchmarks/growth.png.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / ".work" / "growth"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
PLOT = ROOT / "benchmarks" / "growth.png"
EVAL = Path(os.environ.get("CORPUS_SEARCH_EVAL") or ROOT.parent / "shared" / "eval").expanduser()
COLLECTIONS = ("scifact", "cranfield", "cisi", "cacm", "med")
QUERIES_PER_COLLECTION = 12
ENGINES = ("ours", "whoosh", "fts5", "bm25s")
LABELS = {"ours": "corpus-search", "whoosh": "bare Whoosh", "fts5": "SQLite FTS5", "bm25s": "bm25s (no snippets)"}
SECTION = "## Growth"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# ---- corpus and queries -------------------------------------------------------

def collection_file(name: str, kind: str) -> Path | None:
    for candidate in (EVAL / name / f"{kind}.jsonl", EVAL / name / f"{kind}.jsonl.gz"):
        if candidate.is_file():
            return candidate
    return None


def read_jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def source_records() -> list[dict]:
    """Every document of the eval collections, ids prefixed with the collection's name."""
    records = []
    for name in COLLECTIONS:
        path = collection_file(name, "corpus")
        if path is None:
            continue
        for r in read_jsonl(path):
            title, text = r.get("title") or "", r.get("text") or ""
            if (title + text).strip():
                records.append({"_id": f"{name}-{r['_id']}", "title": title, "text": text})
    if not records:
        raise SystemExit(f"no collections found in {EVAL}")
    return records


def text_bytes(record: dict) -> int:
    return len(record["title"].encode("utf-8")) + len(record["text"].encode("utf-8"))


def corpus_file(size_mb: float) -> Path:
    """The first `size_mb` MB of text of the shuffled stream, as JSON Lines (made once)."""
    path = WORK / f"corpus-{size_mb:g}mb.jsonl"
    if path.is_file():
        return path
    WORK.mkdir(parents=True, exist_ok=True)
    records = source_records()
    rng = random.Random(20)
    total, copy = 0, 0
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        while total < size_mb * 1e6:
            copy += 1
            order = records[:]
            rng.shuffle(order)
            for r in order:
                if total >= size_mb * 1e6:
                    break
                doc_id = r["_id"] if copy == 1 else f"c{copy}-{r['_id']}"
                fh.write(json.dumps({"_id": doc_id, "title": r["title"], "text": r["text"]}, ensure_ascii=False) + "\n")
                total += text_bytes(r)
    tmp.replace(path)
    return path


def corpus_facts(path: Path) -> dict:
    records = read_jsonl(path)
    return {"documents": len(records), "text_mb": sum(text_bytes(r) for r in records) / 1e6,
            "file_mb": path.stat().st_size / 1e6}


def queries() -> list[str]:
    found = []
    for name in COLLECTIONS:
        path = collection_file(name, "queries")
        if path is not None:
            found += [r["text"] for r in read_jsonl(path) if r.get("text", "").strip()][:QUERIES_PER_COLLECTION]
    return found


def words(query: str) -> list[str]:
    return re.findall(r"\w+", query.lower())


# ---- building the indexes (each in a child process) ---------------------------------

def step_build(engine: str, corpus: str, target: str) -> None:
    """Build `engine`'s index of `corpus` in `target`; print its CPU seconds."""
    import resource

    shutil.rmtree(target, ignore_errors=True)
    if engine == "ours":
        from indexer import Indexer
        from indexer.parallel import default_jobs

        Indexer(target).update([corpus], rebuild=True, jobs=default_jobs())
    elif engine == "fts5":
        build_fts5(Path(corpus), Path(target))
    elif engine == "bm25s":
        build_bm25s(Path(corpus), Path(target))
    me_, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"cpu_s": me_.ru_utime + me_.ru_stime + kids.ru_utime + kids.ru_stime}))


def build_fts5(corpus: Path, target: Path) -> None:
    import sqlite3

    target.mkdir(parents=True)
    db = sqlite3.connect(target / "fts.db")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, text, tokenize='porter unicode61')")
    with open(corpus, encoding="utf-8") as fh:
        db.executemany("INSERT INTO docs VALUES (?, ?, ?)",
                       ((r["_id"], r["title"], r["text"]) for r in map(json.loads, fh)))
    db.commit()
    db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    db.commit()
    db.close()


def bm25s_tokens(texts):
    import bm25s
    import Stemmer

    return bm25s.tokenize(texts, stopwords="en", stemmer=Stemmer.Stemmer("english"), show_progress=False)


def build_bm25s(corpus: Path, target: Path) -> None:
    import bm25s

    with open(corpus, encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    model = bm25s.BM25()
    model.index(bm25s_tokens([f"{r['title']} {r['text']}" for r in records]), show_progress=False)
    model.save(str(target), show_progress=False)
    (target / "ids.json").write_text(json.dumps([r["_id"] for r in records]), encoding="utf-8")


# ---- searching: one handle per engine --------------------------------------------------

class Engines:
    """Each engine opened once on its index of one corpus; `search(engine, q)` = top 10 as shown."""

    def __init__(self, indexes: dict[str, Path]):
        from whoosh import qparser

        from searcher import Searcher

        self.ours = Searcher(indexes["ours"])
        ix = self.ours._ix
        self.parser = qparser.MultifieldParser(["text", "title", "section"], ix.schema, group=qparser.OrGroup)
        self.whoosh = ix.searcher()
        self.fts = open_fts5(indexes["fts5"])
        self.bm25s, self.bm25s_ids = open_bm25s(indexes["bm25s"])

    def search(self, engine: str, q: str) -> int:
        if engine == "ours":
            hits = self.ours.search(q, limit=10)
            return len([h.matches for h in hits])
        if engine == "whoosh":
            return len([h.highlights("text", top=3) for h in self.whoosh.search(self.parser.parse(q), limit=10)])
        if engine == "fts5":
            return len(search_fts5(self.fts, q))
        return len(search_bm25s(self.bm25s, self.bm25s_ids, q))

    def close(self) -> None:
        self.whoosh.close()
        self.ours.close()
        self.fts.close()


def open_fts5(folder: Path):
    import sqlite3

    return sqlite3.connect(folder / "fts.db")


def search_fts5(db, q: str) -> list[tuple[str, str]]:
    """Top 10 by bm25() with a snippet of the text: the query's words OR-ed (FTS5 alone would AND them)."""
    terms = " OR ".join(f'"{w}"' for w in words(q))
    if not terms:
        return []
    return db.execute("SELECT id, snippet(docs, 2, '[', ']', '...', 24) FROM docs WHERE docs MATCH ? "
                      "ORDER BY bm25(docs) LIMIT 10", (terms,)).fetchall()


def open_bm25s(folder: Path):
    import bm25s

    model = bm25s.BM25.load(str(folder), mmap=True, show_progress=False)
    return model, json.loads((folder / "ids.json").read_text(encoding="utf-8"))


def search_bm25s(model, ids: list[str], q: str) -> list[tuple[str, float]]:
    tokens = [w for w in bm25s_query_tokens(q) if w in model.vocab_dict]
    if not tokens:
        return []
    found, scores = model.retrieve([tokens], k=10, show_progress=False, n_threads=1)
    return [(ids[i], float(s)) for i, s in zip(found[0], scores[0]) if s > 0]


def bm25s_query_tokens(q: str) -> list[str]:
    tokenized = bm25s_tokens([q])
    inverse = {i: w for w, i in tokenized.vocab.items()}
    return [inverse[i] for i in tokenized.ids[0]]


def step_latency(indexes_json: str, queries_json: str) -> None:
    """Per-query times of the four engines, interleaved per query, after a warm-up."""
    indexes = {k: Path(v) for k, v in json.loads(indexes_json).items()}
    texts = json.loads(Path(queries_json).read_text(encoding="utf-8"))
    engines = Engines(indexes)
    times: dict[str, list[float]] = {e: [] for e in ENGINES}
    try:
        for q in texts[:5]:
            for e in ENGINES:
                engines.search(e, q)
        for n, q in enumerate(texts):
            order = ENGINES if n % 2 == 0 else ENGINES[::-1]  # neither goes first always
            for e in order:
                start = time.perf_counter()
                engines.search(e, q)
                times[e].append(time.perf_counter() - start)
    finally:
        engines.close()
    print(json.dumps(times))


def step_cold(engine: str, index: str, query: str) -> int:
    """One cold search by `engine` (the process is started for it): open, search, print the top 10."""
    if engine == "fts5":
        db = open_fts5(Path(index))
        rows = search_fts5(db, query)
        for doc_id, snippet in rows:
            print(doc_id, snippet)
    else:
        model, ids = open_bm25s(Path(index))
        rows = search_bm25s(model, ids, query)
        for doc_id, score in rows:
            print(doc_id, f"{score:.3f}")
    return 0 if rows else 1


# ---- running children -------------------------------------------------------------------

def child_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("CORPUS_SEARCH_INDEX", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["NO_COLOR"] = "1"
    return env


def run(cmd: list[str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the child, its stdout)."""
    import tempfile

    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=child_env(), stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            err.seek(0)
            raise SystemExit(f"failed ({code}): {' '.join(cmd)}\n{err.read()[-2000:]}")
        out.seek(0)
        return wall, usage.ru_utime + usage.ru_stime, out.read()


def me(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), *args]


def code_version() -> str:
    """The git commit of the code (with `+changes` when the working tree differs from it)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "corpus", "indexer", "searcher"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return (head or "unknown") + ("+changes" if dirty else "")
    except OSError:
        return "unknown"


def indexing_code() -> str:
    """A digest of the code that decides what our index holds (corpus/ and indexer/)."""
    import hashlib

    h = hashlib.sha1()
    for path in sorted([*ROOT.glob("corpus/**/*.py"), *ROOT.glob("indexer/**/*.py")]):
        h.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]


def build(engine: str, corpus: Path, target: Path, stamp: str, rebuild: bool) -> dict | None:
    """Build unless an index made from the same corpus (and code, for ours) is there; its build figures."""
    stamp_file = target.with_name(target.name + ".stamp.json")
    if not rebuild and stamp_file.is_file():
        saved = json.loads(stamp_file.read_text(encoding="utf-8"))
        if saved.get("stamp") == stamp and target.exists():
            return saved.get("build")
    wall, _, out = run(me("_build", engine, str(corpus), str(target)))
    figures = {"wall_s": wall, "cpu_s": json.loads(out.strip().splitlines()[-1])["cpu_s"]}
    stamp_file.write_text(json.dumps({"stamp": stamp, "build": figures}), encoding="utf-8")
    return figures


def percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def measure_size(size: float, texts: list[str], cold_reps: int, rebuild: bool) -> dict:
    corpus = corpus_file(size)
    facts = corpus_facts(corpus)
    log(f"{size:g} MB: {facts['documents']} documents, {facts['text_mb']:.1f} MB of text")
    version = indexing_code()
    indexes = {"ours": WORK / f"ix-{size:g}-ours", "fts5": WORK / f"ix-{size:g}-fts5",
               "bm25s": WORK / f"ix-{size:g}-bm25s"}
    builds = {}
    for engine, target in indexes.items():
        stamp = f"{corpus.name} {facts['file_mb']:.6f} " + (version if engine == "ours" else engine)
        builds[engine] = build(engine, corpus, target, stamp, rebuild)
        log(f"  built {engine}: {builds[engine]['wall_s']:.1f} s wall, {builds[engine]['cpu_s']:.1f} CPU-s")
    indexes["whoosh"] = indexes["ours"]
    queries_path = WORK / "queries.json"
    queries_path.write_text(json.dumps(texts), encoding="utf-8")
    _, _, out = run(me("_latency", json.dumps({k: str(v) for k, v in indexes.items()}), str(queries_path)))
    times = json.loads(out.strip().splitlines()[-1])
    latency = {e: {"p50_ms": statistics.median(times[e]) * 1000, "p95_ms": percentile(times[e], 0.95) * 1000}
               for e in ENGINES}
    for e in ENGINES:
        log(f"  latency {e}: p50 {latency[e]['p50_ms']:.1f} ms, p95 {latency[e]['p95_ms']:.1f} ms")
    cold = cold_search(indexes, texts, cold_reps)
    for e in ENGINES:
        log(f"  cold {e}: {cold[e]['wall_ms']:.0f} ms")
    sizes = {e: folder_mb(indexes[e]) for e in ("ours", "fts5", "bm25s")}
    return {"size_mb": size, **facts, "queries": len(texts), "latency": latency, "cold": cold,
            "build": builds, "index_mb": sizes}


def cold_commands(indexes: dict[str, Path], query: str) -> dict[str, list[str]]:
    return {
        "ours": [sys.executable, "-m", "searcher", "search", query, "--index", str(indexes["ours"])],
        "whoosh": [sys.executable, str(ROOT / "benchmarks" / "minimal_search.py"), str(indexes["ours"]), query],
        "fts5": me("_cold", "fts5", str(indexes["fts5"]), query),
        "bm25s": me("_cold", "bm25s", str(indexes["bm25s"]), query),
    }


def cold_search(indexes: dict[str, Path], texts: list[str], reps: int) -> dict:
    wall: dict[str, list[float]] = {e: [] for e in ENGINES}
    cpu: dict[str, list[float]] = {e: [] for e in ENGINES}
    for e, cmd in cold_commands(indexes, texts[0]).items():
        run(cmd)  # the file cache warmed, bytecode compiled
    for n in range(reps):
        query = texts[n % len(texts)]
        commands = cold_commands(indexes, query)
        order = ENGINES if n % 2 == 0 else ENGINES[::-1]
        for e in order:
            w, c, _ = run(commands[e])
            wall[e].append(w)
            cpu[e].append(c)
    return {e: {"wall_ms": statistics.median(wall[e]) * 1000, "cpu_ms": statistics.median(cpu[e]) * 1000}
            for e in ENGINES}


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---- the report --------------------------------------------------------------------------

def growth_exponent(a: dict, b: dict, engine: str, part: str, key: str) -> float | None:
    """The slope of log(time) against log(MB of text) from corpus row `a` to row `b`."""
    import math

    ta, tb = a[part][engine][key], b[part][engine][key]
    if ta <= 0 or tb <= 0 or b["text_mb"] <= a["text_mb"]:
        return None
    return math.log(tb / ta) / math.log(b["text_mb"] / a["text_mb"])


def render(raw: dict) -> str:
    rows = raw["rows"]
    lines = [SECTION, "",
             f"Measured with `{raw['command']}` on {raw['when']} at {raw['code']}; {raw['machine']}. "
             "Re-run after merging with the same command (our indexes are rebuilt when the code of corpus/ or "
             "indexer/ changes; `--render` writes this section and the plot again from "
             "benchmarks/.work/growth/results.json). "
             "Corpus: the documents of the five eval collections (SciFact, Cranfield, CISI, CACM, Medline), "
             "shuffled; each size is the first N MB of text of that stream, continued past the collections' "
             "~13 MB with shuffled copies under new ids. Queries: the first 12 of each collection "
             f"({rows[0]['queries'] if rows else 0}), top 10, each engine in its own long-lived handle, "
             "interleaved per query. Bare Whoosh searches our index with Whoosh's own BM25F "
             "(OR over text/title/section, highlights of each hit); FTS5 is the standard library's SQLite "
             "(porter tokenizer, words OR-ed, `bm25()`, `snippet()`); bm25s has no snippets. "
             "Cold search: a new process per search (ours: `python -m searcher search Q --index DIR`; "
             "Whoosh: `benchmarks/minimal_search.py`), median wall time and median CPU time (user + system) "
             "of the process; on a shared machine the CPU time is the steadier figure.", "",
             f"![growth]({PLOT.name})", "",
             "| text | documents | engine | p50 | p95 | cold search, wall (CPU) | cold vs minimal Whoosh, wall (CPU) "
             "| index build, CPU | index size |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        base = r["cold"]["whoosh"]
        for e in ENGINES:
            lat, cold = r["latency"][e], r["cold"][e]
            ratio = (f"**{cold['wall_ms'] / base['wall_ms']:.2f}x** ({cold['cpu_ms'] / base['cpu_ms']:.2f}x)"
                     if e == "ours" else "")
            build = r["build"].get(e)
            built = "(ours)" if e == "whoosh" else (f"{build['cpu_s']:.1f} s" if build else "")
            size = "" if e == "whoosh" else f"{r['index_mb'][e]:.0f} MB"
            lines.append(f"| {r['text_mb']:.1f} MB | {r['documents']} | {LABELS[e]} | {lat['p50_ms']:.1f} ms | "
                         f"{lat['p95_ms']:.1f} ms | {cold['wall_ms']:.0f} ms ({cold['cpu_ms']:.0f} ms) | {ratio} | "
                         f"{built} | {size} |")
    if len(rows) >= 2:
        pairs = list(zip(rows, rows[1:]))
        spans = [f"{a['text_mb']:.0f}->{b['text_mb']:.0f} MB" for a, b in pairs]
        lines += ["", "Growth exponent k in time ~ MB^k between neighbouring sizes (1: in proportion to the corpus; "
                  "0: independent of it):", "",
                  "| engine | " + " | ".join(f"p50 {s}" for s in spans) + " | "
                  + " | ".join(f"p95 {s}" for s in spans) + " | " + " | ".join(f"cold CPU {s}" for s in spans) + " |",
                  "|---|" + "---|" * (3 * len(pairs))]
        for e in ENGINES:
            ks = [growth_exponent(a, b, e, part, key) for part, key in
                  (("latency", "p50_ms"), ("latency", "p95_ms"), ("cold", "cpu_ms")) for a, b in pairs]
            lines.append(f"| {LABELS[e]} | " + " | ".join("" if k is None else f"{k:.2f}" for k in ks) + " |")
    return "\n".join(lines) + "\n"


def plot(raw: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = raw["rows"]
    mbs = [r["text_mb"] for r in rows]
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.5))
    panels = (("latency", "p50_ms", "query latency, median (ms)"), ("latency", "p95_ms", "query latency, p95 (ms)"),
              ("cold", "cpu_ms", "cold search, a new process: CPU (ms)"))
    for ax, (part, key, title) in zip(axes, panels):
        for e in ENGINES:
            ax.plot(mbs, [r[part][e][key] for r in rows], marker="o", label=LABELS[e])
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("MB of text")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend()
    fig.suptitle(f"Search time against corpus size ({raw['when']}, {raw['code'][:7]})")
    fig.tight_layout()
    fig.savefig(PLOT, dpi=100)
    plt.close(fig)


def write_results(section: str) -> None:
    """Put `section` in RESULTS.md in place of the old `## Growth` section (or at the end)."""
    text = RESULTS.read_text(encoding="utf-8")
    start = ("\n" + text).find(f"\n{SECTION}\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + ("\n" + text[end + 1:] if end >= 0 else "")
    RESULTS.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int | None:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0].startswith("_"):
        steps = {"_build": step_build, "_latency": step_latency, "_cold": step_cold}
        return steps[args[0]](*args[1:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1,10,50", help="MB of text, comma-separated (default 1,10,50)")
    ap.add_argument("--cold-reps", type=int, default=11, help="cold searches per engine and size (default 11)")
    ap.add_argument("--rebuild", action="store_true", help="build every index afresh")
    ap.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md and the plot alone")
    ap.add_argument("--render", action="store_true", help="write the last run's section and plot again")
    opts = ap.parse_args(args)
    results = WORK / "results.json"
    if opts.render:
        raw = json.loads(results.read_text(encoding="utf-8"))
    else:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from speed import machine

        texts = queries()
        rows = [measure_size(float(s), texts, opts.cold_reps, opts.rebuild) for s in opts.sizes.split(",")]
        raw = {"command": "python benchmarks/growth.py" + ("" if not args else " " + " ".join(args)),
               "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "code": code_version(),
               "machine": machine(), "rows": rows}
        results.write_text(json.dumps(raw, indent=1), encoding="utf-8")
    section = render(raw)
    print(section)
    if not opts.no_write:
        write_results(section)
        plot(raw)
        log(f"written to {RESULTS.relative_to(ROOT)} and {PLOT.relative_to(ROOT)}")
    return None


if __name__ == "__main__":
    sys.exit(main())
