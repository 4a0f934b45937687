"""What the index's safety costs: checksums verified on open, sealing at commit, data-only unpickling.

    python benchmarks/checksums.py                  # builds the SciFact index in benchmarks/.work once
    python benchmarks/checksums.py --index DIR      # any index built by this version

Prints, with medians over interleaved repetitions (a noisy machine slows both
sides alike):
- `layout.verify` (every file's CRC-32 checked) and `layout.seal` on the index;
- a cold `corpus-search search` (a new process each time) with the checks
  against the same command with verification switched off in the child;
- `Searcher.search` latency over SciFact queries with Whoosh's unpickling
  data-only (as shipped) against the stock `pickle.loads`.
Takes about 2 minutes on 2 shared cores once the index exists (the build: about 1 minute).
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

from speed import QUERY, ROOT as _ROOT, SCIFACT, SCIFACT_QUERIES, WORK, child_env  # noqa: E402

NO_VERIFY = ("import sys; import indexer.layout as l; "
             "l.verify = lambda *a, **k: l.Verified(0); "
             "from searcher.cli.fastpath import main; main(sys.argv[1:])")


def run(cmd: list[str]) -> tuple[float, float]:
    """Run a child; (wall seconds, CPU seconds: user + system).  CPU time is the steadier
    figure on a shared machine, where wall time also counts the waits for a core."""
    import os
    import subprocess

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=_ROOT, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr.read().decode()[-2000:]}")
    proc.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def timed(fn, reps: int) -> float:
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--index", type=Path, default=WORK / "scifact-checksums")
    ap.add_argument("--reps", type=int, default=21)
    ap.add_argument("--no-latency", action="store_true", help="leave out the Searcher.search latency part")
    ap.add_argument("--eval", type=Path, default=SCIFACT.parent,
                    help="the SciFact folder (corpus.jsonl.gz, queries.jsonl) [default: ../shared/eval/scifact]")
    opts = ap.parse_args(argv)

    from indexer import Indexer, layout

    if layout.current_generation_name(opts.index) == "":
        print(f"building {opts.index} from {opts.eval} ...", file=sys.stderr)
        Indexer(opts.index).update([opts.eval / SCIFACT.name], jobs=1)
    generation = layout.current_generation(opts.index)
    size = layout.folder_size(generation)
    files = layout.verify(generation, opts.index).files
    print(f"index: {opts.index} ({generation.name}): {files} files, {size / 1e6:.1f} MB")

    verify = timed(lambda: layout.verify(generation, opts.index), opts.reps)
    seal = timed(lambda: layout.seal(generation), opts.reps)
    print(f"layout.verify: {ms(verify)} (median of {opts.reps}; {size / 1e6 / verify:.0f} MB/s)")
    print(f"layout.seal:   {ms(seal)}")

    cli = [sys.executable, "-m", "searcher", "search", QUERY, "--index", str(opts.index)]
    bare = [sys.executable, "-c", NO_VERIFY, "search", QUERY, "--index", str(opts.index)]
    run(cli), run(bare)  # warm the file cache
    with_checks, without = [], []
    for _ in range(opts.reps):
        without.append(run(bare))
        with_checks.append(run(cli))
    for label, index in (("wall", 0), ("CPU", 1)):
        a = statistics.median(t[index] for t in with_checks)
        b = statistics.median(t[index] for t in without)
        print(f"cold search, {label} time: {ms(a)} with checksums verified, {ms(b)} without "
              f"(+{ms(a - b)}, x{a / b:.3f}; median of {opts.reps}, interleaved)")

    queries_file = opts.eval / SCIFACT_QUERIES.name
    if queries_file.exists() and not opts.no_latency:
        import pickle

        import whoosh.columns
        import whoosh.formats
        from whoosh.codec import whoosh3

        from indexer import whoosh_internals as wi
        from searcher import Searcher

        queries = [json.loads(line)["text"] for line in queries_file.open()][:150]
        modules = (whoosh3, whoosh.columns, whoosh.formats)

        def latency(loads) -> list[float]:
            for module in modules:
                module.loads = loads
            out = []
            with Searcher(opts.index) as searcher:
                for q in queries[:10]:
                    searcher.search(q)
                for q in queries:
                    start = time.perf_counter()
                    searcher.search(q)
                    out.append(time.perf_counter() - start)
            return out

        safe, stock = [], []
        for _ in range(3):
            stock += latency(pickle.loads)
            safe += latency(wi.data_only_loads)
        for module in modules:
            module.loads = wi.data_only_loads
        print(f"Searcher.search over {len(queries)} SciFact queries x3: median {ms(statistics.median(safe))} "
              f"data-only, {ms(statistics.median(stock))} stock pickle.loads")


if __name__ == "__main__":
    main()
