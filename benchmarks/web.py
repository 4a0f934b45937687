"""The web page under load: render time beside the library's, and 20 concurrent clients.

    python benchmarks/web.py                 # SciFact: 100 queries timed, then 20 clients x 15 pages (~2 min)
    python benchmarks/web.py --no-write      # print only; leave RESULTS.md alone

1. Render time: for each query, `Searcher.search` in this process and a GET of
   the search page (`/?q=...`: hits, facets over every match, did-you-mean,
   HTML) from the real server (`python -m searcher serve`, its own process),
   interleaved, after a warm-up; medians and their ratio.
2. Load: `--clients` threads, each with its own HTTP connection, ask for
   `--requests` search pages each (different queries), all at once; every
   response must be a 200 with hits.  Only ever against 127.0.0.1, on a
   server this script starts, for a bounded number of requests.

The SciFact index is built once under benchmarks/.work/ (about 15 s).  The
section `## Web page` of RESULTS.md is replaced with the figures.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORK = ROOT / "benchmarks" / ".work"
EVAL = (ROOT / ".." / "shared" / "eval").resolve()
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
HOST = "127.0.0.1"  # never anything else


def scifact_index(scifact: Path) -> Path:
    """The SciFact index under benchmarks/.work/, built (or rebuilt, after a format change) when needed."""
    from indexer import Indexer
    from searcher import CorpusSearchError, Searcher

    index_dir = WORK / "web-scifact"
    try:
        Searcher(index_dir, build_default=False).close()
        return index_dir
    except CorpusSearchError:  # missing, or made by another version
        pass
    corpus = WORK / "web-scifact-corpus" / "corpus.jsonl"
    corpus.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(scifact / "corpus.jsonl.gz", "rb") as src:
        corpus.write_bytes(src.read())
    Indexer(index_dir).update([corpus], rebuild=True)
    return index_dir


def queries(scifact: Path, n: int) -> list[str]:
    with (scifact / "queries.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh if line.strip()][:n]


def start_server(index_dir: Path) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen([sys.executable, "-m", "searcher", "serve", "--index", str(index_dir),
                               "--host", HOST, "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    url = server.stdout.readline().strip()
    if not url.startswith(f"http://{HOST}:"):
        server.kill()
        raise SystemExit(f"the server did not start (said {url!r})")
    return server, url


def render_times(url: str, index_dir: Path, texts: list[str]) -> dict:
    import httpx

    from searcher import Searcher

    lib, read, web, made = [], [], [], []
    load = os.getloadavg()[0]
    with Searcher(index_dir) as s, httpx.Client(base_url=url, timeout=60) as client:
        for text in texts[:10]:  # warm-up: both sides open, cached, facet table built
            s.search(text)
            client.get("/", params={"q": text}).raise_for_status()
        for text in texts:
            t0 = time.perf_counter()
            s.search(text)  # (a hit's matches and also-in are worked out when first used)
            t1 = time.perf_counter()
            page = client.get("/", params={"q": text})
            t2 = time.perf_counter()
            [hit.as_dict() for hit in s.search(text)]  # the hits read, as `search --json` reads them
            t3 = time.perf_counter()
            page.raise_for_status()
            lib.append(t1 - t0)
            web.append(t2 - t1)
            read.append(t3 - t2)
            made.append(float(page.headers["server-timing"].split("dur=")[1]) / 1000)  # the server's own time
    median = statistics.median
    return {"load": load, "queries": len(texts), "lib_ms": median(lib) * 1000, "web_ms": median(web) * 1000,
            "read_ms": median(read) * 1000, "ratio": median(web) / median(lib),
            "read_ratio": median(web) / median(read), "made_ms": median(made) * 1000,
            "made_ratio": median(made) / median(lib), "made_read_ratio": median(made) / median(read),
            "web_p95_ms": sorted(web)[int(0.95 * (len(web) - 1))] * 1000}


def load(url: str, texts: list[str], clients: int, requests: int) -> dict:
    import httpx

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(clients)

    def client_run(n: int) -> None:
        with httpx.Client(base_url=url, timeout=120) as client:
            start.wait()
            for k in range(requests):
                text = texts[(n * requests + k) % len(texts)]
                t0 = time.perf_counter()
                try:
                    page = client.get("/", params={"q": text})
                    ok = page.status_code == 200 and 'class="hit"' in page.text
                    problem = "" if ok else f"status {page.status_code}"
                except httpx.HTTPError as exc:
                    problem = f"{exc.__class__.__name__}: {exc}"
                with lock:
                    latencies.append(time.perf_counter() - t0)
                    if problem:
                        errors.append(problem)

    threads = [threading.Thread(target=client_run, args=(n,)) for n in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    latencies.sort()
    return {"clients": clients, "requests": len(latencies), "errors": len(errors), "first_error": errors[:1],
            "wall_s": wall, "per_s": len(latencies) / wall, "p50_ms": statistics.median(latencies) * 1000,
            "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000, "max_ms": latencies[-1] * 1000}


def section(render: dict, loaded: dict, command: str) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    return "\n".join([
        "## Web page", "",
        f"`corpus-search serve` on the SciFact index (5,183 documents), measured with `{command}` at {commit} "
        f"on {platform.machine()} with 2 shared cores; the server runs in its own process "
        "(uvicorn, one worker), the client in the benchmark's.", "",
        "| | median | 95th percentile |", "|---|---|---|",
        f"| `Searcher.search` in the library ({render['queries']} SciFact queries), hits as returned "
        f"(their matches and also-in worked out when first used) | {render['lib_ms']:.1f} ms | |",
        f"| `Searcher.search`, every hit read (`as_dict()`, as `search --json` does) | {render['read_ms']:.1f} ms | |",
        f"| the search page over HTTP (hits, facets over every match, did-you-mean, HTML) | {render['web_ms']:.1f} ms "
        f"| {render['web_p95_ms']:.1f} ms |",
        f"| the same page as the server took to make it (its Server-Timing header: request in, response "
        f"out) | {render['made_ms']:.1f} ms | |", "",
        f"Rendered by the server, the page takes **{render['made_ratio']:.2f}x** the library's search time as "
        f"returned and **{render['made_read_ratio']:.2f}x** the search with its hits read.",
        "",
        f"Over HTTP (another process, a round trip on the same cores), the page takes **{render['ratio']:.2f}x** "
        f"the library's search time as returned and "
        f"**{render['read_ratio']:.2f}x** the search with its hits read (the goal: at most 1.5x); the machine's "
        f"load average was {render['load']:.1f} when the run began, which slows both sides alike. The page's "
        "search is `Searcher.results`: one scoring pass gives the page's hits and every match for the facets "
        "(`searcher.bulk_ranking.ranked_and_every_at_once`).", "",
        f"Load: {loaded['clients']} clients at once, {loaded['requests']} search pages in all, "
        f"**{loaded['errors']} errors**; {loaded['per_s']:.1f} pages/s over {loaded['wall_s']:.1f} s, "
        f"latency median {loaded['p50_ms']:.0f} ms, 95th percentile {loaded['p95_ms']:.0f} ms, "
        f"worst {loaded['max_ms']:.0f} ms (requests queue for the 4 pooled Searchers; a search holds the GIL, "
        "so the pages/s are those of one core).", "",
    ])


def write_results(text: str) -> None:
    old = RESULTS.read_text(encoding="utf-8")
    start = ("\n" + old).find("\n## Web page\n")
    if start < 0:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        end = old.find("\n## ", start + 1)
        new = old[:start] + text + ("\n" + old[end + 1:] if end >= 0 else "")
    RESULTS.write_text(new, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--queries", type=int, default=100, help="queries timed for render time [100]")
    ap.add_argument("--clients", type=int, default=20, help="concurrent clients [20]")
    ap.add_argument("--requests", type=int, default=15, help="pages each client asks for [15]")
    ap.add_argument("--eval", type=Path, default=EVAL, help="folder of the BEIR collections [../shared/eval]")
    ap.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    opts = ap.parse_args()
    scifact = opts.eval / "scifact"
    if not (scifact / "corpus.jsonl.gz").exists():
        raise SystemExit(f"no SciFact collection in {scifact}; give --eval")
    if not (1 <= opts.clients <= 50 and 1 <= opts.requests <= 100):
        raise SystemExit("keep the load bounded: at most 50 clients and 100 requests each")
    index_dir = scifact_index(scifact)
    texts = queries(scifact, 300)
    server, url = start_server(index_dir)
    try:
        render = render_times(url, index_dir, texts[: opts.queries])
        print(f"render: library {render['lib_ms']:.1f} ms (hits read {render['read_ms']:.1f} ms), "
              f"page {render['web_ms']:.1f} ms (server {render['made_ms']:.1f} ms), "
              f"ratio {render['ratio']:.2f}", file=sys.stderr)
        loaded = load(url, texts, opts.clients, opts.requests)
        print(f"load: {loaded}", file=sys.stderr)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    text = section(render, loaded, "python benchmarks/web.py")
    print(text)
    if not opts.no_write:
        write_results(text)


if __name__ == "__main__":
    main()
