"""Never hang, never stay locked: killed parents, Ctrl-C and SIGTERM in parallel runs, files swapped after listing."""
from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer import Indexer
from searcher import Searcher

REPO = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
DOCS = 60

fork_only = pytest.mark.skipif(multiprocessing.get_start_method() != "fork",
                               reason="the pause is injected into forked workers")


def _write_corpus(folder: Path, count: int, seed: int) -> Path:
    words = ("policy export control chip semiconductor talent program university research state council plan "
             "industry robot factory data model network security standard market investment capital").split()
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        paras = [" ".join(" ".join(rng.choice(words) for _ in range(12)).capitalize() + "." for _ in range(5))
                 for _ in range(6)]
        (folder / f"doc{i:04d}.txt").write_text(f"Report {i}\n\n" + "\n\n".join(paras) + "\n")
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return _write_corpus(tmp_path_factory.mktemp("rel") / "reports", DOCS, seed=7)


@pytest.fixture(scope="module")
def clean_passages(tmp_path_factory, corpus) -> int:
    """The passage count of a clean, uninterrupted build of `corpus`."""
    index_dir = tmp_path_factory.mktemp("clean") / "ix"
    Indexer(index_dir).update([corpus])
    return _stats(index_dir)[1]


def _stats(index_dir: Path) -> tuple[int, int]:
    with Searcher(index_dir) as s:
        st = s.stats()
    return st.documents, st.passages


def _alive(pid: int) -> bool:
    """Whether process `pid` still runs (a zombie waiting to be reaped does not)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
            return True
        except ProcessLookupError:
            return False


def _wait_until(condition, what: str, seconds: float = 30.0) -> None:
    """Poll `condition` (at most `seconds`, in short steps) and fail naming `what` if it never holds."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


# `corpus-search ARGS` with workers even for a small corpus, whose workers
# each write their process id into the marker folder when they get their
# first document and then wait there (so the test acts while they are busy).
_PAUSING_WORKERS = """
import os, sys, time
import corpus.structure
import indexer.parallel

markers = sys.argv[1]
parent = os.getpid()
real_build_document = corpus.structure.build_document

def build_document(raw):
    if os.getpid() != parent:
        path = os.path.join(markers, str(os.getpid()))
        if not os.path.exists(path):
            with open(path + ".tmp", "w") as fh:
                fh.write("ready")
            os.replace(path + ".tmp", path)
        time.sleep(300)
    return real_build_document(raw)

corpus.structure.build_document = build_document
indexer.parallel.MIN_PARALLEL_CHARS = 0
indexer.parallel.BATCH_CHARS = 1000  # a batch for each worker
from searcher.cli import main

main(sys.argv[2:])
"""


def _start_with_paused_workers(tmp_path: Path, *args) -> tuple[subprocess.Popen, list[int]]:
    markers = tmp_path / "workers"
    markers.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", _PAUSING_WORKERS, str(markers), *map(str, args)],
                            cwd=REPO, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_until(lambda: proc.poll() is not None or len([p for p in markers.iterdir() if p.suffix != ".tmp"]) == 2,
                    "the workers never started")
        assert proc.poll() is None, ("the run ended before its workers were busy", proc.communicate())
    except BaseException:
        proc.kill()  # (its workers die with it)
        proc.communicate()
        raise
    return proc, [int(p.name) for p in markers.iterdir() if p.suffix != ".tmp"]


def _run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "searcher", *map(str, args)], cwd=REPO, env=ENV,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
@fork_only
@pytest.mark.parametrize("kind", ["fresh", "update"])
def test_kill_9_of_a_parallel_parent_ends_its_workers_and_a_rerun_completes(tmp_path, corpus, clean_passages,
                                                                           tiny_corpus, kind):
    index_dir = tmp_path / "ix"
    if kind == "update":
        Indexer(index_dir).update([tiny_corpus])
        before = _stats(index_dir)
    proc, workers = _start_with_paused_workers(tmp_path, "index", corpus, "--jobs", "2", "--index", index_dir)
    proc.kill()
    proc.communicate()
    # The workers die with their parent (and take no lock with them).
    _wait_until(lambda: not any(_alive(pid) for pid in workers), "a worker outlived its killed parent")
    if kind == "update":
        assert _stats(index_dir) == before
    done = _run("index", corpus, "--jobs", "2", "--index", index_dir, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["added"] == DOCS and report["skipped"] == []
    extra = _stats(index_dir)[1] - clean_passages if kind == "update" else 0
    assert _stats(index_dir) == (DOCS + (3 if kind == "update" else 0), clean_passages + extra)
    if kind == "fresh":
        assert _stats(index_dir)[1] == clean_passages
