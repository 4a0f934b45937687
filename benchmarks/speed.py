"""Speed benchmarks: cold search, deep retrieval, latency beside FTS5, indexing, incremental updates.

Every figure is a median over repetitions run side by side with its baseline
(interleaved), so that a noisy machine slows both alike; ratios are of medians.

    python benchmarks/speed.py                 # everything (12-15 minutes on 2 shared cores)
    python benchmarks/speed.py --quick         # seed + SciFact, fewer repetitions (about 4 minutes)
    python benchmarks/speed.py --only search,latency
    python benchmarks/speed.py --only deep,fts5  # deep.py's and latency.py's measures on SciFact (and 50 MB)

Deep retrieval and the latency beside SQLite FTS5 are measured by
benchmarks/deep.py and benchmarks/latency.py (imported, run here on the
SciFact index and, without --quick, on the generated 50 MB corpus); the growth
table and plot are benchmarks/growth.py's (`--growth` runs it after the rest).
    python benchmarks/speed.py --check-punkt   # fast Punkt == NLTK's Punkt on the corpora
    python benchmarks/speed.py --memory        # peak RSS (parent + workers) indexing one 10/50/100 MB document

The table is printed and written to benchmarks/RESULTS.md under `## Speed`
(only that section is replaced).  Scratch files go to benchmarks/.work/.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / ".work"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
EVAL = Path(os.environ.get("CORPUS_SEARCH_EVAL") or (ROOT / ".." / "shared" / "eval").resolve()).expanduser()
SCIFACT = EVAL / "scifact" / "corpus.jsonl.gz"
SCIFACT_QUERIES = EVAL / "scifact" / "queries.jsonl"
SEED = ROOT / "corpus" / "data"
QUERY = "semiconductor export controls"
SECTIONS = ("search", "deep", "fts5", "index", "incremental", "latency")
DEEP_TARGET, FTS5_TARGET, COLD_TARGET = 1.5, 2.0, 1.2

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(ROOT / "benchmarks") not in sys.path:  # deep.py and latency.py, beside this script
    sys.path.append(str(ROOT / "benchmarks"))


# ---- running children -----------------------------------------------------

def child_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("CORPUS_SEARCH_INDEX", None)
    # An installed package has its bytecode compiled; let the children cache theirs
    # too, or every cold search would compile the project's modules from source.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["NO_COLOR"] = "1"
    return env


def run(cmd: list[str], *, capture: bool = False) -> tuple[float, int, str]:
    """Run a child; return (wall seconds, its peak RSS in MB, its stdout if `capture`)."""
    import tempfile

    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=child_env(), stdout=out if capture else subprocess.DEVNULL,
                                stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):
            err.seek(0)
            raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err.read()[-2000:]}")
        out.seek(0)
        return seconds, usage.ru_maxrss // 1024, out.read()


def me(*args: str) -> list[str]:
    """This script, as a child process running one measured step."""
    return [sys.executable, str(Path(__file__).resolve()), *args]


def median(values) -> float:
    return statistics.median(values)


def mb(path: Path) -> float:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6
    if path.name.endswith(".gz"):
        with gzip.open(path, "rb") as fh:
            return sum(len(b) for b in iter(lambda: fh.read(1 << 20), b"")) / 1e6
    return path.stat().st_size / 1e6


# ---- corpora ----------------------------------------------------------------

def source_records() -> list[dict]:
    """SciFact's records, or (without it) the seed corpus's paragraphs as records."""
    if SCIFACT.exists():
        with gzip.open(SCIFACT, "rt", encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]
    records = []
    for path in sorted(SEED.glob("*.txt")):
        for n, para in enumerate(p for p in path.read_text(encoding="utf-8").split("\n\n") if len(p) > 200):
            records.append({"_id": f"{path.stem}-{n}", "title": path.stem, "text": para})
    return records


def big_corpus(min_mb: float) -> Path:
    """A JSON Lines corpus of at least `min_mb` MB: shuffled copies of the source records, new ids."""
    path = WORK / f"big-{int(min_mb)}mb{'' if SCIFACT.exists() else '-seed'}.jsonl"  # named after its source
    if path.exists() and path.stat().st_size >= min_mb * 1e6:
        return path
    WORK.mkdir(parents=True, exist_ok=True)
    records = source_records()
    rng = random.Random(6)
    size = 0
    copy = 0
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        while size < min_mb * 1e6:
            copy += 1
            order = records[:]
            rng.shuffle(order)
            for r in order:
                line = json.dumps({"_id": f"c{copy}-{r['_id']}", "title": r.get("title", ""), "text": r["text"]},
                                  ensure_ascii=False) + "\n"
                fh.write(line)
                size += len(line.encode("utf-8"))
    tmp.replace(path)
    return path


def first_records(n: int) -> Path:
    path = WORK / f"first-{n}.jsonl"
    if not path.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        records = source_records()
        while len(records) < n:
            records = records + [dict(r, _id=f"{r['_id']}-{len(records)}") for r in records]
        with open(path, "w", encoding="utf-8") as fh:
            for r in records[:n]:
                fh.write(json.dumps({"_id": r["_id"], "title": r.get("title", ""), "text": r["text"]},
                                    ensure_ascii=False) + "\n")
    return path


def corpora(big: bool, big_mb: float) -> list[tuple[str, Path]]:
    found = [("seed corpus", SEED)]
    if SCIFACT.exists():
        found.append(("SciFact", SCIFACT))
    else:
        print(f"note: {SCIFACT} is absent; its rows are skipped", file=sys.stderr)
    if big:
        found.append((f"{int(big_mb)} MB (SciFact copies)" if SCIFACT.exists() else f"{int(big_mb)} MB", big_corpus(big_mb)))
    return found


# ---- measured steps (run in children) ------------------------------------------

def step_index(source: str, index_dir: str, jobs: str) -> None:
    from indexer import Indexer

    shutil.rmtree(index_dir, ignore_errors=True)
    report = Indexer(index_dir).update([source], rebuild=True, jobs=int(jobs))
    print(json.dumps(_usage({"passages": report.passages})))


def step_plain(source: str, index_dir: str) -> None:
    """A plain Whoosh writer with a stock analyzer, fed the same documents (no cleaning or structure)."""
    from whoosh import fields, index
    from whoosh.analysis import StemmingAnalyzer

    from corpus.readers import find_files, read_file

    shutil.rmtree(index_dir, ignore_errors=True)
    os.makedirs(index_dir)
    analyzer = StemmingAnalyzer()
    schema = fields.Schema(id=fields.ID(stored=True, unique=True),
                           title=fields.TEXT(analyzer=analyzer, stored=True),
                           text=fields.TEXT(analyzer=analyzer, stored=True))
    ix = index.create_in(index_dir, schema)
    writer = ix.writer()
    count = 0
    for path in find_files([source]):
        for doc in read_file(path):
            if hasattr(doc, "text"):
                writer.add_document(id=doc.id, title=doc.title, text=doc.text)
                count += 1
    writer.commit()
    print(json.dumps(_usage({"documents": count})))


def _usage(extra: dict) -> dict:
    self_, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = self_.ru_utime + self_.ru_stime + kids.ru_utime + kids.ru_stime
    return {**extra, "rss_mb": self_.ru_maxrss // 1024, "worker_rss_mb": kids.ru_maxrss // 1024, "cpu_s": cpu}


def step_latency(index_dir: str, queries: str) -> None:
    """Per-query latency in a long-lived Searcher, and of plain Whoosh on the same index, interleaved."""
    from whoosh import qparser

    from searcher import Searcher

    texts = [json.loads(line)["text"] for line in open(queries, encoding="utf-8") if line.strip()]
    ours, plain = [], []
    with Searcher(index_dir) as s:
        ix = s._ix
        parser = qparser.MultifieldParser(["text", "title", "section"], ix.schema, group=qparser.OrGroup)
        with ix.searcher() as ws:
            for q in texts[:10]:  # warm up both
                s.search(q, limit=10)
                [h.highlights("text") for h in ws.search(parser.parse(q), limit=10)]
            for q in texts:
                t = time.perf_counter()
                s.search(q, limit=10)
                ours.append(time.perf_counter() - t)
                t = time.perf_counter()
                [h.highlights("text", top=3) for h in ws.search(parser.parse(q), limit=10)]
                plain.append(time.perf_counter() - t)
    print(json.dumps({"ours": ours, "plain": plain}))


# ---- the benchmarks ----------------------------------------------------------------

def bench_search(indexes: list[tuple[str, Path]], reps: int) -> list[dict]:
    rows = []
    for name, index_dir in indexes:
        cli = [sys.executable, "-m", "searcher", "search", QUERY, "--index", str(index_dir)]
        cli_json = cli + ["--json"]
        base = [sys.executable, str(ROOT / "benchmarks" / "minimal_search.py"), str(index_dir), QUERY]
        times: dict[str, list[float]] = {"cli": [], "json": [], "min": []}
        rss: dict[str, list[int]] = {"cli": [], "min": []}
        run(cli), run(base)  # warm the file cache
        for _ in range(reps):
            for key, cmd in (("min", base), ("cli", cli), ("json", cli_json)):
                seconds, peak, _ = run(cmd)
                times[key].append(seconds)
                if key in rss:
                    rss[key].append(peak)
        rows.append({
            "index": name, "reps": reps,
            "cli_ms": median(times["cli"]) * 1000, "json_ms": median(times["json"]) * 1000,
            "min_ms": median(times["min"]) * 1000,
            "ratio": median(times["cli"]) / median(times["min"]),
            "cli_rss": median(rss["cli"]), "min_rss": median(rss["min"]),
        })
        rows[-1]["load"] = _load()
        print(f"  cold search on {name}: {rows[-1]['cli_ms']:.0f} ms vs {rows[-1]['min_ms']:.0f} ms "
              f"(x{rows[-1]['ratio']:.2f}), load {rows[-1]['load']}", file=sys.stderr)
    return rows


def bench_index(corpus_list: list[tuple[str, Path]], jobs: int, reps: dict[str, int]) -> list[dict]:
    rows = []
    for name, source in corpus_list:
        size = mb(source)
        n = reps.get(name, 1)
        variants = [("plain", None), (f"jobs={jobs}", jobs)]
        if jobs != 1 and n > 1:
            variants.append(("jobs=1", 1))
        if size > 30:
            variants = variants[:2]  # the big corpus: plain writer and the default only
        results: dict[str, list[dict]] = {v: [] for v, _ in variants}
        for _ in range(n):
            for label, j in variants:
                target = str(WORK / f"ix-{label}")
                cmd = me("_plain", str(source), target) if j is None else me("_index", str(source), target, str(j))
                seconds, _, out = run(cmd, capture=True)
                results[label].append({"s": seconds, **json.loads(out.strip().splitlines()[-1])})
        plain_s = median(r["s"] for r in results["plain"])
        for label, j in variants:
            rs = results[label]
            s = median(r["s"] for r in rs)
            rows.append({
                "corpus": name, "mb": size, "who": label, "reps": n, "seconds": s, "mbps": size / s,
                "vs_plain": plain_s / s, "rss": median(r["rss_mb"] for r in rs),
                "cpu": median(r["cpu_s"] for r in rs),
                "worker_rss": median(r["worker_rss_mb"] for r in rs) if j and j > 1 else 0,
                "passages": rs[0].get("passages", rs[0].get("documents")),
            })
            print(f"  index {name} {label}: {s:.1f} s, {size / s:.2f} MB/s, x{plain_s / s:.2f} of plain, "
                  f"rss {rows[-1]['rss']} MB", file=sys.stderr)
    return rows


def bench_incremental(reps: int, jobs: int) -> dict:
    source = first_records(5000)
    index_dir = WORK / "ix-5000"
    extra = WORK / "one-more"
    shutil.rmtree(extra, ignore_errors=True)
    extra.mkdir(parents=True)
    rebuild, add = [], []
    cli = [sys.executable, "-m", "searcher", "index"]
    run(cli + [str(source), "--index", str(index_dir), "--rebuild", "--jobs", str(jobs)])
    for i in range(reps):
        seconds, _, _ = run(cli + ["--index", str(index_dir), "--rebuild", "--jobs", str(jobs)])
        rebuild.append(seconds)
        doc = extra / f"note-{i}.txt"
        doc.write_text(f"Benchmark note {i}\n\nA short note about protein folding and export controls, "
                       f"added to an index of five thousand documents (run {i}).\n", encoding="utf-8")
        seconds, _, _ = run(cli + [str(doc), "--index", str(index_dir), "--jobs", str(jobs)])
        add.append(seconds)
    row = {"reps": reps, "rebuild_s": median(rebuild), "add_s": median(add),
           "ratio": median(add) / median(rebuild)}
    print(f"  add one document: {row['add_s']:.2f} s vs rebuild {row['rebuild_s']:.1f} s "
          f"({row['ratio'] * 100:.1f}%)", file=sys.stderr)
    return row


def bench_latency(index_dir: Path) -> dict:
    _, _, out = run(me("_latency", str(index_dir), str(SCIFACT_QUERIES)), capture=True)
    data = json.loads(out.strip().splitlines()[-1])
    ours, plain = sorted(data["ours"]), sorted(data["plain"])

    def p95(xs):
        return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]

    row = {"queries": len(ours), "median_ms": median(ours) * 1000, "p95_ms": p95(ours) * 1000,
           "plain_median_ms": median(plain) * 1000, "plain_p95_ms": p95(plain) * 1000}
    print(f"  library latency: median {row['median_ms']:.1f} ms, p95 {row['p95_ms']:.1f} ms "
          f"(plain Whoosh {row['plain_median_ms']:.1f} / {row['plain_p95_ms']:.1f})", file=sys.stderr)
    return row


def bench_deep(index_dir: Path, quick: bool) -> dict:
    """deep.py's measure: limit=1000 against limit=10 on one index, interleaved."""
    import deep

    n, rounds = (30, 1) if quick else (60, 3)
    out = deep.measure(index_dir, deep.load_queries(SCIFACT_QUERIES, n), rounds)
    row = {"queries": n, "rounds": rounds, "searches": out["searches"], "ms10": out["ms"]["10"],
           "ms1000": out["ms"]["1000"], "ms1000_ids": out["ms"]["1000 ids"],
           "ratio": out["ratio_of_medians"], "median_ratio": out["median_ratio"], "load": _load()}
    print(f"  deep retrieval: limit=10 {row['ms10']:.1f} ms, limit=1000 {row['ms1000']:.1f} ms "
          f"(x{row['ratio']:.2f}; snippets=False {row['ms1000_ids']:.1f} ms), load {row['load']}", file=sys.stderr)
    return row


def bench_fts5(targets: list[tuple[str, Path, Path]], quick: bool) -> list[dict]:
    """latency.py's measure: top 10 with snippets against SQLite FTS5 with snippet(), interleaved."""
    import latency

    n = 100 if quick else 300
    texts = [json.loads(line)["text"] for line in open(SCIFACT_QUERIES, encoding="utf-8") if line.strip()][:n]
    rows = []
    for name, corpus, index_dir in targets:
        out = latency.measure(corpus, index_dir, texts, False)
        ours, fts = out["ours"], out["fts5"]
        rows.append({"index": name, "queries": out["queries"], "p50": ours["p50"], "p95": ours["p95"],
                     "fts_p50": fts["p50"], "fts_p95": fts["p95"], "ratio_p50": ours["p50"] / fts["p50"],
                     "ratio_p95": ours["p95"] / fts["p95"], "load": _load()})
        r = rows[-1]
        print(f"  beside FTS5 on {name}: ours {r['p50']:.1f} / {r['p95']:.1f} ms, FTS5 {r['fts_p50']:.1f} / "
              f"{r['fts_p95']:.1f} ms (x{r['ratio_p50']:.2f} / x{r['ratio_p95']:.2f}), load {r['load']}",
              file=sys.stderr)
    return rows


def _load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def check_punkt() -> None:
    """Fast Punkt learns the same parameters and finds the same spans as NLTK's."""
    from indexer.nltk_internals import load_punkt

    # Ours first, as indexing loads it (its own copy of Punkt's module), then NLTK's, whole.
    assert "nltk" not in sys.modules, "check-punkt must load the project's Punkt before NLTK"
    ours = load_punkt()
    from nltk.tokenize.punkt import PunktSentenceTokenizer, PunktTrainer

    assert PunktTrainer is not ours.PunktTrainer

    from corpus.clean import clean_text
    from corpus.readers import find_files, read_file
    from indexer.sentences import KNOWN_ABBREVIATIONS, TRAINING_CHARS, span_splitter, train_punkt

    sources = [SEED] + [p for p in (SCIFACT, EVAL / "cranfield" / "corpus.jsonl") if p.exists()]
    for source in sources:
        texts = [clean_text(d.text) for f in find_files([source]) for d in read_file(f) if hasattr(d, "text")]
        t0 = time.perf_counter()
        trainer = PunktTrainer()
        seen = 0
        for text in texts:  # the same text as train_punkt learns from (the last one cut short)
            text = text[: TRAINING_CHARS - seen]
            trainer.train(text, finalize=False)
            seen += len(text)
            if seen >= TRAINING_CHARS:
                break
        trainer.finalize_training()
        slow = trainer.get_params()
        slow.abbrev_types.update(KNOWN_ABBREVIATIONS)
        t1 = time.perf_counter()
        fast = train_punkt(texts)
        t2 = time.perf_counter()
        same = all(getattr(slow, a) == getattr(fast, a)
                   for a in ("abbrev_types", "collocations", "sent_starters", "ortho_context"))
        nltk_split = PunktSentenceTokenizer(slow)
        split = span_splitter(slow)
        t3 = time.perf_counter()
        a = [list(nltk_split.span_tokenize(t)) for t in texts]
        t4 = time.perf_counter()
        b = [split(t) for t in texts]
        t5 = time.perf_counter()
        print(f"{source.name}: params identical={same}, spans identical={a == b}; "
              f"training {t1 - t0:.1f}s -> {t2 - t1:.1f}s, splitting {t4 - t3:.1f}s -> {t5 - t4:.1f}s")


# ---- the report ------------------------------------------------------------------

def machine() -> str:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return f"{platform.system()} {platform.machine()}, {cores} cores (load average at the end: {load}), Python {platform.python_version()}"


def render(command: str, search, index, incremental, latency, jobs: int,
           when: str | None = None, where: str | None = None, deep=None, fts5=None) -> str:
    when = when or time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = ["## Speed", "",
             f"Measured with `{command}` on {when}; "
             f"{where or machine()}. The machine is shared and noisy: every figure is the median of "
             "repetitions interleaved with its baseline, and ratios are of those medians.", ""]
    if search:
        lines += ["### Cold search (a new process per search)", "",
                  f"`python -m searcher search \"{QUERY}\" --index DIR` against `benchmarks/minimal_search.py` "
                  "(plain Whoosh: open the index, parse, search, highlight the top 10, print). "
                  "This table alone: `python benchmarks/speed.py --only search --no-write`.", "",
                  "| index | runs | corpus-search | with --json | minimal script | ratio (target <= 1.2) | peak RSS (ours / minimal) |",
                  "|---|---|---|---|---|---|---|"]
        for r in search:
            lines.append(f"| {r['index']} | {r['reps']} | {r['cli_ms']:.0f} ms | {r['json_ms']:.0f} ms | "
                         f"{r['min_ms']:.0f} ms | **{r['ratio']:.2f}x** | {r['cli_rss']} / {r['min_rss']} MB |")
        lines.append("")
    if deep:
        d = deep
        lines += ["### Deep retrieval (`benchmarks/deep.py`)", "",
                  f"`Searcher.search(q, limit=1000)` against `limit=10` on the SciFact index, {d['queries']} test "
                  f"queries x {d['rounds']} rounds, interleaved; the first 10 hits' every key read. "
                  "This table alone: `python benchmarks/speed.py --only deep --no-write`.", "",
                  f"| limit=10 | limit=1000 | limit=1000, snippets=False | ratio (target <= {DEEP_TARGET}) | load |",
                  "|---|---|---|---|---|",
                  f"| {d['ms10']:.1f} ms | {d['ms1000']:.1f} ms | {d['ms1000_ids']:.1f} ms | "
                  f"**{d['ratio']:.2f}x** | {d.get('load', '?')} |", ""]
    if fts5:
        lines += ["### Library latency beside SQLite FTS5 (`benchmarks/latency.py`)", "",
                  "Top 10 with snippets (`Searcher.search` + `as_dict()` of every hit) against FTS5's bm25() "
                  "top 10 with `snippet()`, query by query, after 10 warm-up queries. "
                  "This table alone: `python benchmarks/speed.py --only fts5 --no-write`.", "",
                  f"| index | queries | ours p50 / p95 | FTS5 p50 / p95 | ratio p50 / p95 (target <= {FTS5_TARGET}) | load |",
                  "|---|---|---|---|---|---|"]
        for r in fts5:
            lines.append(f"| {r['index']} | {r['queries']} | {r['p50']:.1f} / {r['p95']:.1f} ms | "
                         f"{r['fts_p50']:.1f} / {r['fts_p95']:.1f} ms | "
                         f"**{r['ratio_p50']:.2f}x / {r['ratio_p95']:.2f}x** | {r.get('load', '?')} |")
        lines.append("")
    if latency:
        lines += ["### Query latency in a long-lived `Searcher` (library)", "",
                  f"{latency['queries']} SciFact test queries, top 10 with highlights, after 10 warm-up queries; "
                  "plain Whoosh = parse + search + highlight on the same index. "
                  "This table alone: `python benchmarks/speed.py --only latency --no-write`.", "",
                  "| | median | 95th percentile |", "|---|---|---|",
                  f"| `Searcher.search` | {latency['median_ms']:.1f} ms | {latency['p95_ms']:.1f} ms |",
                  f"| plain Whoosh | {latency['plain_median_ms']:.1f} ms | {latency['plain_p95_ms']:.1f} ms |", ""]
    if index:
        lines += ["### Indexing throughput (full build)", "",
                  "Ours = `Indexer.update(..., rebuild=True, jobs=N)`: read, clean, structure, train Punkt, chunk, "
                  "analyse, write. Plain = a Whoosh writer with `StemmingAnalyzer` fed the same raw documents "
                  "(one per record or file, fields id/title/text; no cleaning, structure or chunking). "
                  "Peak RSS is the parent's; with jobs > 1 the largest worker's is shown beside it. "
                  "This table alone: `python benchmarks/speed.py --only index --no-write` "
                  "(add `--quick` to leave out the 50 MB corpus).", "",
                  "| corpus | MB | indexer | runs | time | MB/s | vs plain (target >= 1.0) | CPU time (all processes) | CPU s per MB | peak RSS | passages (documents for plain) |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in index:
            rss = f"{r['rss']} MB" + (f" + {r['worker_rss']} MB per worker" if r["worker_rss"] else "")
            vs = "" if r["who"] == "plain" else f"**{r['vs_plain']:.2f}x**"
            lines.append(f"| {r['corpus']} | {r['mb']:.1f} | {r['who']} | {r['reps']} | {r['seconds']:.1f} s | "
                         f"{r['mbps']:.2f} | {vs} | {r['cpu']:.1f} s | {r['cpu'] / r['mb']:.2f} | {rss} | {r['passages']} |")
        lines.append("")
    if incremental:
        r = incremental
        lines += ["### Adding one document to an index of 5,000", "",
                  f"`corpus-search index NOTE.txt --index DIR` (a new process) against "
                  f"`corpus-search index --rebuild --index DIR` of the same 5,000 SciFact records, jobs={jobs}. "
                  "This table alone: `python benchmarks/speed.py --only incremental --no-write`.", "",
                  "| runs | add one | rebuild | ratio (target <= 5%) |", "|---|---|---|---|",
                  f"| {r['reps']} | {r['add_s']:.2f} s | {r['rebuild_s']:.1f} s | **{r['ratio'] * 100:.1f}%** |", ""]
    lines += ["### Growth", "",
              "The growth table (1, 10 and 50 MB beside bare Whoosh, SQLite FTS5 and bm25s) and its plot "
              "(benchmarks/growth.png) are benchmarks/growth.py's: `python benchmarks/growth.py`, or "
              "`python benchmarks/speed.py --growth`; see `## Growth` below.", ""]
    return "\n".join(lines) + "\n"


def write_results(section: str, heading: str = "## Speed") -> None:
    """Put `section` in RESULTS.md in place of the old section under `heading` (or at the end)."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    start = ("\n" + text).find("\n" + heading + "\n")  # the heading line itself, not "## Speed notes"
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + ("\n" + text[end + 1:] if end >= 0 else "")
    RESULTS.write_text(text, encoding="utf-8")


# ---- peak memory by document size (issue 18) -----------------------------------------

MEMORY_KINDS = ("text", "jsonl", "no-breaks")
MEMORY_SIZES_MB = (10, 50, 100)
MEMORY_HEADING = "## Peak memory by document size"


def memory_document(kind: str, size_mb: int) -> Path:
    """One document of about `size_mb` MB: a plain text of sentences ("text"), one JSON Lines
    record holding such a text ("jsonl"), or words with no sentence end at all ("no-breaks").
    Made of random words (no repeated lines for the cleaning steps to drop); cached in .work."""
    folder = WORK / "memory"
    path = folder / f"{kind}-{size_mb}mb.{'jsonl' if kind == 'jsonl' else 'txt'}"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(size_mb)
    words = ("policy export control chip semiconductor talent program university research state council plan "
             "industry robot factory data model network security standard market investment capital province "
             "ministry science technology innovation supply chain").split()
    target = size_mb * 1_000_000
    tmp = path.with_suffix(".tmp")
    # Written piece by piece: a benchmark holding 100 MB of text would be counted in its
    # children's peak too (the kernel carries the parent's high-water mark across fork and exec).
    with tmp.open("w", encoding="utf-8") as fh:
        if kind == "jsonl":
            fh.write('{"_id": "big-%d", "title": "One large record", "text": "' % size_mb)
        size = 0
        while size < target:
            if kind == "no-breaks":
                piece = " ".join(rng.choices(words, k=2000)) + " "
            else:
                sentences = (" ".join(rng.choices(words, k=rng.randint(8, 18))).capitalize() + "." for _ in range(6))
                piece = " ".join(sentences) + "\n\n"
            fh.write(json.dumps(piece)[1:-1] if kind == "jsonl" else piece)
            size += len(piece)
        if kind == "jsonl":
            fh.write('"}\n')
    tmp.replace(path)
    return path


def _process_tree_rss(root: int) -> int:
    """Resident bytes of `root` and every process descended from it (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * page
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total


def _high_water(pid: int) -> int:
    """The kernel's peak resident bytes of `pid` since its exec (VmHWM), or 0 once it is gone.

    Not wait4's ru_maxrss: that starts from the parent's resident set at fork, so a benchmark
    process that once held a large document would be counted in every child it starts.
    """
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def peak_tree_rss(cmd: list[str], interval: float = 0.02) -> tuple[float, float, str, str]:
    """Run `cmd`; (wall seconds, peak resident MB of it and its children summed, stdout, stderr).

    The sum is sampled every `interval` seconds from /proc (workers included);
    the kernel's own peak of the parent since its exec (VmHWM) is a floor for it.
    """
    import tempfile

    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=child_env(), stdout=out, stderr=err, text=True)
        peak = 0
        while True:
            pid, status, _usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, _process_tree_rss(proc.pid), _high_water(proc.pid))
            time.sleep(interval)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return seconds, peak / 2**20, out.read(), err.read()


def bench_memory(jobs: int, sizes=MEMORY_SIZES_MB, kinds=MEMORY_KINDS) -> list[dict]:
    """Peak resident set (parent plus workers) of `corpus-search index DOCUMENT --jobs JOBS`, by kind and size."""
    rows = []
    for kind in kinds:
        for size in sizes:
            document = memory_document(kind, size)
            index_dir = WORK / "memory-index"
            shutil.rmtree(index_dir, ignore_errors=True)
            seconds, peak, out, err = peak_tree_rss(
                [sys.executable, "-m", "searcher", "index", str(document), "--index", str(index_dir), "--jobs",
                 str(jobs), "--json"])
            report = json.loads(out) if out.strip() else {}
            outcome = ("added" if report.get("added") else
                       "skipped: " + report["skipped"][0]["reason"] if report.get("skipped") else
                       "failed: " + (err.strip().splitlines() or ["?"])[-1])
            if report.get("notes"):
                outcome += " (" + "; ".join(n["note"] for n in report["notes"]) + ")"
            row = {"kind": kind, "size_mb": round(mb(document)), "peak_mb": round(peak), "seconds": round(seconds, 1),
                   "outcome": outcome}
            print(row, file=sys.stderr)
            rows.append(row)
    shutil.rmtree(WORK / "memory-index", ignore_errors=True)
    return rows


def render_memory(command: str, rows: list[dict], jobs: int, when: str, where: str) -> str:
    lines = [MEMORY_HEADING if jobs > 1 else MEMORY_HEADING + ", one process", "",
             f"`{command}` ({when}; {where}; `corpus-search index DOCUMENT --jobs {jobs}`, one document per run). "
             "Peak resident set of the indexing process and its workers summed (sampled every 20 ms from /proc); "
             "the bound is 500 MB.", "",
             "| document | size | peak RSS | wall | outcome |", "|---|---:|---:|---:|---|"]
    names = {"text": "plain text, sentences", "jsonl": "one JSON Lines record", "no-breaks": "text without sentence ends"}
    for r in rows:
        lines.append(f"| {names[r['kind']]} | {r['size_mb']} MB | **{r['peak_mb']} MB** | {r['seconds']} s "
                     f"| {r['outcome']} |")
    return "\n".join(lines) + "\n"


def memory_main(opts, args: list[str]) -> None:
    """--memory: the peak-RSS table (issue 18) alone."""
    from indexer.parallel import default_jobs

    jobs = opts.jobs or default_jobs()
    sizes = tuple(int(s) for s in opts.memory_sizes.split(",")) if opts.memory_sizes else MEMORY_SIZES_MB
    rows = bench_memory(jobs, sizes)
    command = "python benchmarks/speed.py " + " ".join(args)
    section = render_memory(command, rows, jobs, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), machine())
    print(section)
    if not opts.no_write:  # one table per number of processes
        write_results(section, MEMORY_HEADING if jobs > 1 else MEMORY_HEADING + ", one process")
        print(f"written to {RESULTS.relative_to(ROOT)}", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0].startswith("_"):
        steps = {"_index": step_index, "_plain": step_plain, "_latency": step_latency}
        return steps[args[0]](*args[1:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="seed and SciFact only, fewer repetitions")
    ap.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated: {','.join(SECTIONS)}")
    ap.add_argument("--reps", type=int, default=None, help="cold-search repetitions (default 21; --quick 15)")
    ap.add_argument("--jobs", type=int, default=None, help="indexing workers (default: corpus-search's default)")
    ap.add_argument("--big-mb", type=float, default=50.0, help="size of the generated corpus (MB)")
    ap.add_argument("--index-reps", type=int, default=None,
                    help="indexing runs per corpus and indexer (default: seed 5, SciFact 3; --quick 3 and 1)")
    ap.add_argument("--keep-indexes", action="store_true",
                    help="reuse the search indexes an earlier run left in benchmarks/.work (not after a schema change)")
    ap.add_argument("--growth", action="store_true", help="run benchmarks/growth.py after the rest")
    ap.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    ap.add_argument("--check-punkt", action="store_true", help="compare fast Punkt with NLTK's and exit")
    ap.add_argument("--render", action="store_true",
                    help="write the last run's figures (benchmarks/.work/speed-results.json) again; measure nothing")
    ap.add_argument("--memory", action="store_true",
                    help="only the peak resident set (parent + workers) of indexing one 10/50/100 MB document")
    ap.add_argument("--memory-sizes", default="", help="with --memory: comma-separated sizes in MB (default 10,50,100)")
    opts = ap.parse_args(args)
    if opts.memory:
        return memory_main(opts, args)
    if opts.check_punkt:
        return check_punkt()
    if opts.render:
        raw = json.loads((WORK / "speed-results.json").read_text(encoding="utf-8"))
        write_results(render(raw["command"], raw["search"], raw["index"], raw["incremental"],
                             raw["latency"], raw["jobs"], raw["when"], raw["machine"],
                             raw.get("deep"), raw.get("fts5")))
        return None
    from indexer.parallel import default_jobs

    jobs = opts.jobs or default_jobs()
    only = {s.strip() for s in opts.only.split(",") if s.strip()}
    WORK.mkdir(parents=True, exist_ok=True)
    reps = opts.reps or (15 if opts.quick else 21)

    search = index = incremental = latency = deep = fts5 = None
    seed_ix, sf_ix, big_ix = (WORK / "search-seed", WORK / "search-scifact",
                              WORK / f"search-{int(opts.big_mb)}mb{'' if SCIFACT.exists() else '-seed'}")
    big_name = f"{int(opts.big_mb)} MB (SciFact copies)"
    big = not opts.quick and SCIFACT.exists() and bool(only & {"search", "fts5"})
    if only & {"search", "latency", "deep", "fts5"}:
        print("building the search indexes...", file=sys.stderr)

        def build(source: Path, index_dir: Path) -> None:
            if not (opts.keep_indexes and index_dir.is_dir()):
                run(me("_index", str(source), str(index_dir), str(jobs)), capture=True)

        if "search" in only:
            build(SEED, seed_ix)
        if SCIFACT.exists():
            build(SCIFACT, sf_ix)
        if big:
            build(big_corpus(opts.big_mb), big_ix)
    if "search" in only:
        print("cold search...", file=sys.stderr)
        search = bench_search([("seed corpus", seed_ix)] + ([("SciFact", sf_ix)] if SCIFACT.exists() else [])
                              + ([(big_name, big_ix)] if big else []), reps)
    if "deep" in only and SCIFACT.exists():
        print("deep retrieval...", file=sys.stderr)
        deep = bench_deep(sf_ix, opts.quick)
    if "fts5" in only and SCIFACT.exists():
        print("latency beside SQLite FTS5...", file=sys.stderr)
        fts5 = bench_fts5([("SciFact", SCIFACT, sf_ix)] + ([(big_name, big_corpus(opts.big_mb), big_ix)] if big else []),
                          opts.quick)
    if "latency" in only and SCIFACT.exists():
        print("library latency...", file=sys.stderr)
        latency = bench_latency(sf_ix)
    if "index" in only:
        print("indexing throughput...", file=sys.stderr)
        index_reps = {"seed corpus": 3 if opts.quick else 5, "SciFact": 1 if opts.quick else 3}
        if opts.index_reps:
            index_reps = {"seed corpus": opts.index_reps, "SciFact": opts.index_reps}
        index = bench_index(corpora(big=not opts.quick, big_mb=opts.big_mb), jobs, index_reps)
    if "incremental" in only:
        print("incremental update...", file=sys.stderr)
        incremental = bench_incremental(3 if opts.quick else 5, jobs)

    if opts.growth:
        print("growth (benchmarks/growth.py)...", file=sys.stderr)
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "growth.py")], cwd=ROOT, env=child_env(), check=True)

    command = "python benchmarks/speed.py" + ("" if not args else " " + " ".join(args))
    raw = {"command": command, "search": search, "index": index, "incremental": incremental,
           "latency": latency, "deep": deep, "fts5": fts5, "jobs": jobs, "machine": machine(),
           "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    (WORK / "speed-results.json").write_text(json.dumps(raw, indent=1), encoding="utf-8")
    section = render(command, search, index, incremental, latency, jobs, raw["when"], raw["machine"], deep, fts5)
    print(section)
    if not opts.no_write:
        write_results(section)
        print(f"written to {RESULTS.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
