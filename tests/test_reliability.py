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
        _kill(proc)  # (its workers die with it)
        raise
    return proc, [int(p.name) for p in markers.iterdir() if p.suffix != ".tmp"]


def _kill(proc: subprocess.Popen) -> None:
    """kill -9 `proc` and wait for it (not for its pipes: a worker that outlived it would hold them)."""
    proc.kill()
    proc.wait()
    proc.stdout.close()
    proc.stderr.close()


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
    _kill(proc)
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


# ---- Ctrl-C and SIGTERM at points spread over parallel runs ----------------------

INTERRUPTED = "corpus-search: interrupted; the index is as it was before this run"
INTERRUPTED_AFTER_RUN = "corpus-search: interrupted after the index was brought up to date"

# `corpus-search ARGS` with workers for a small corpus, several batches each.
_PARALLEL_RUN = """
import sys
try:
    import faulthandler, signal
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # (a hung run's stacks, for the failure message)
    import indexer.parallel
    from searcher.cli import main
except KeyboardInterrupt as exc:  # (as the entry point handles a Ctrl-C while it loads)
    from searcher.cli.exits import exit_status
    sys.exit(exit_status(exc))

indexer.parallel.MIN_PARALLEL_CHARS = 0
indexer.parallel.BATCH_CHARS = 4000
main(sys.argv[1:])
"""


def _start_parallel(tag: str, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", _PARALLEL_RUN, *map(str, args)], cwd=REPO,
                            env={**ENV, "CORPUS_SEARCH_TEST_RUN": tag},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _processes_tagged(tag: str) -> list[int]:
    """Processes still running whose environment carries `tag` (a run's workers inherit it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if f"CORPUS_SEARCH_TEST_RUN={tag}".encode() in (entry / "environ").read_bytes().split(b"\0") \
                    and _alive(int(entry.name)):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.fixture(scope="module")
def parallel_seconds(tmp_path_factory, corpus) -> float:
    """How long a clean parallel build of `corpus` takes here (to spread the interruptions over)."""
    index_dir = tmp_path_factory.mktemp("timed") / "ix"
    started = time.monotonic()
    proc = _start_parallel("timing", "index", corpus, "--jobs", "2", "--index", index_dir)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return time.monotonic() - started


@pytest.fixture(scope="module")
def python_startup() -> float:
    """How long a bare Python takes to start here (its `site` imports; the signal lands after)."""
    times = []
    for _ in range(3):
        started = time.monotonic()
        subprocess.run([sys.executable, "-c", "pass"], cwd=REPO, env=ENV, check=True)
        times.append(time.monotonic() - started)
    return sorted(times)[1]


# Python's own start-up cut by Ctrl-C (before any of the program runs): the interpreter
# reports it, with a traceback, and exits 1.  Nothing a program can change.
INTERPRETER_START_CUT = "Fatal Python error: init_import_site"


# Points per kind of run (fresh, update): SIGINT 30 in all, as the issue asks; SIGTERM,
# the same handler reached by another signal, fewer (the suite's run time).
POINTS = {signal.SIGINT: 15, signal.SIGTERM: 6}


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="finds left-over processes through /proc")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("kind", ["fresh", "update"])
def test_an_interrupted_parallel_run_ends_promptly_with_one_line_and_nothing_behind(
        tmp_path, corpus, tiny_template, clean_passages, parallel_seconds, python_startup, kind, signum):
    import shutil

    status = {signal.SIGINT: 130, signal.SIGTERM: 143}[signum]
    counts = {"interrupted": 0, "finished first": 0, "before or after the run": 0, "in Python's start-up": 0}
    points = POINTS[signum]
    start = min(python_startup, parallel_seconds / 2)
    slowest = 0.0
    for point in range(points):  # the signal lands at `points` moments spread over a run
        index_dir = tmp_path / f"ix{point}"
        if kind == "update":
            shutil.copytree(tiny_template[0], index_dir)
            before = _stats(index_dir)
        tag = f"{os.getpid()}-{kind}-{signum}-{point}"
        proc = _start_parallel(tag, "index", corpus, "--jobs", "2", "--index", index_dir)
        # Where the signal lands (not a synchronisation): spread over the run after Python's start-up.
        time.sleep(start + (parallel_seconds - start) * (point + 0.5) / points)
        proc.send_signal(signum)
        sent = time.monotonic()
        try:
            out, err = proc.communicate(timeout=30)  # a hang is the failure looked for (the run ends in < 5 s)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGUSR1)  # its threads' stacks to stderr
            time.sleep(2)
            proc.kill()
            _, err = proc.communicate()
            raise AssertionError(f"the run did not end after {signal.Signals(signum).name} at point {point}; "
                                 f"so far {counts}; its stacks:\n{err[-8000:]}")
        slowest = max(slowest, time.monotonic() - sent)
        print(f"point {point}: exit {proc.returncode} {time.monotonic() - sent:.2f} s after the signal; "
              f"so far {counts}")  # (shown when the test fails)
        complete = DOCS + (3 if kind == "update" else 0)
        if proc.returncode == 1 and err.startswith(INTERPRETER_START_CUT) and err.strip().endswith("KeyboardInterrupt"):
            counts["in Python's start-up"] += 1  # (a loaded machine started Python slowly)
            assert not (index_dir / "CURRENT").exists() or _stats(index_dir) == before
            continue
        assert "Traceback" not in err, err
        if proc.returncode == status and err.strip().splitlines()[-1] == INTERRUPTED_AFTER_RUN:
            counts["finished first"] += 1  # (the signal came while the complete run was being reported)
            assert _stats(index_dir)[0] == complete
        elif proc.returncode == status:
            counts["interrupted"] += 1
            assert out == ""
            assert err.strip().splitlines()[-1] == INTERRUPTED
            if kind == "update":
                assert _stats(index_dir) == before
            else:
                assert not (index_dir / "CURRENT").exists()
        else:
            # 0: the signal came after the run's work (or during its commit, which
            # finishes); -signum: it came before Python set its handlers, or after the run.
            assert proc.returncode in (0, -signum), err
            counts["finished first" if proc.returncode == 0 else "before or after the run"] += 1
            if (index_dir / "CURRENT").exists():
                assert _stats(index_dir)[0] in ((before[0], complete) if kind == "update" else (complete,))
        _wait_until(lambda: not _processes_tagged(tag), f"a process of run {tag} was left behind", seconds=10)
        assert not list(index_dir.glob("gen-*/*.tmp"))
    print(f"\n{kind} {signal.Signals(signum).name} at {points} points: {counts}; "
          f"each run ended within {slowest:.2f} s of the signal")
    assert counts["interrupted"] >= 1, counts


# ---- files swapped after listing -------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_file_swapped_for_a_fifo_or_a_folder_after_listing_is_skipped_with_a_reason(tmp_path, tiny_corpus,
                                                                                      monkeypatch):
    import threading

    import indexer.plan

    (tiny_corpus / "pipe.txt").write_text("Pipe\n\nA regular file when listed.\n")
    (tiny_corpus / "folder.md").write_text("# Folder\n\nA regular file when listed.\n")
    (tiny_corpus / "records.jsonl.gz").write_bytes(b"")
    real_find_files = indexer.plan.find_files

    def find_then_swap(paths):
        found = list(real_find_files(paths))
        for name in ("pipe.txt", "records.jsonl.gz"):
            (tiny_corpus / name).unlink()
            os.mkfifo(tiny_corpus / name)
        (tiny_corpus / "folder.md").unlink()
        (tiny_corpus / "folder.md").mkdir()
        yield from found

    monkeypatch.setattr(indexer.plan, "find_files", find_then_swap)
    outcome: dict = {}
    run = threading.Thread(target=lambda: outcome.update(report=Indexer(tmp_path / "ix").update([tiny_corpus])),
                           daemon=True)
    run.start()
    run.join(timeout=60)
    if run.is_alive():  # blocked on a FIFO: let it go, then fail
        for name in ("pipe.txt", "records.jsonl.gz"):
            with open(os.open(tiny_corpus / name, os.O_WRONLY | os.O_NONBLOCK), "wb"):
                pass
        run.join(timeout=10)
        raise AssertionError("reading a FIFO swapped in after listing blocked the run")
    reasons = {Path(s.path).name: s.reason for s in outcome["report"].skipped}
    assert reasons == {"pipe.txt": "not a regular file", "folder.md": "not a regular file",
                       "records.jsonl.gz": "not a regular file"}
    assert outcome["report"].added == 3


# ---- two first runs on a brand-new folder ------------------------------------------


def test_two_first_runs_on_a_new_folder_leave_one_good_index(tmp_path, tiny_corpus, monkeypatch):
    """Both see no folder; the first takes the lock and (held there) indexes, the second gives up
    waiting and must not remove the folder the first is writing in."""
    import threading

    index_dir = tmp_path / "new-index"
    both_checked = threading.Barrier(2, timeout=30)
    first_holds_lock, second_done = threading.Event(), threading.Event()
    real_make_folder, real_update_locked = Indexer._make_folder, Indexer._update_locked

    def make_folder(self):  # injected delay: both runs have seen that there is no folder
        both_checked.wait()
        if threading.current_thread().name == "second":
            assert first_holds_lock.wait(30)
        real_make_folder(self)

    def update_locked(self, *args, **kwargs):
        first_holds_lock.set()
        assert second_done.wait(30)  # the second run gives up while the first holds the lock
        return real_update_locked(self, *args, **kwargs)

    monkeypatch.setattr(Indexer, "_make_folder", make_folder)
    monkeypatch.setattr(Indexer, "_update_locked", update_locked)
    outcome: dict = {}

    def run(name: str) -> None:
        try:
            outcome[name] = Indexer(index_dir, lock_timeout=0.3).update([tiny_corpus])
        except Exception as exc:
            outcome[name] = exc
        finally:
            if name == "second":
                second_done.set()

    threads = [threading.Thread(target=run, args=(name,), name=name) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert type(outcome["second"]).__name__ == "IndexLocked"
    assert outcome["first"].added == 3
    assert _stats(index_dir) == (3, _stats(index_dir)[1]) and _stats(index_dir)[1] > 0


def test_a_failed_first_run_removes_only_its_own_new_folder(tmp_path, tiny_corpus):
    index_dir = tmp_path / "new-index"
    with pytest.raises(Exception, match="nothing to index"):
        Indexer(index_dir).update([tmp_path / "no-such-folder"])
    assert not index_dir.exists()
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("mine")
    with pytest.raises(Exception, match="nothing to index"):
        Indexer(tmp_path / "used").update([tmp_path / "no-such-folder"])
    assert (tmp_path / "used" / "notes.txt").read_text() == "mine"


# ---- a text without sentence breaks -------------------------------------------------


def test_a_large_text_without_sentence_breaks_is_indexed_in_passages_of_bounded_size(tmp_path):
    from indexer.chunk import MAX_PASSAGE_CHARS

    docs = tmp_path / "docs"
    docs.mkdir()
    rng = random.Random(3)
    vocabulary = "policy export control chip talent program research plan industry robot data model".split()
    text = " ".join(rng.choice(vocabulary) for _ in range(150_000)) + " gallium"  # ~1 MB, no sentence end
    (docs / "wall.txt").write_text(text)
    (docs / "chinese.txt").write_text("人工智能发展规划" * 20_000 + "镓")
    report = Indexer(tmp_path / "ix").update([docs])
    assert report.added == 2 and list(report.skipped) == []
    with Searcher(tmp_path / "ix") as s:
        # (unspaced Chinese is split into passages too, though the analyser finds no words in it)
        assert s.stats().passages >= len(text) // MAX_PASSAGE_CHARS + 160_001 // MAX_PASSAGE_CHARS
        hits = s.search("gallium")
        assert len(hits) == 1 and len(hits[0].text) <= MAX_PASSAGE_CHARS
        assert hits[0].text.endswith("gallium")


# ---- a full disk -------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB file system (tmpfs; needs root and permission to mount, else the test is skipped)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3M", "tmpfs", str(mount_point)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small file system here")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], capture_output=True)


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_disk_stops_the_run_with_one_line_and_leaves_the_index_and_the_space_as_they_were(
        tmp_path, small_disk, tiny_corpus, jobs):
    big = _write_corpus(tmp_path / "big", 400, seed=11)  # more than 3 MB of index
    index_dir = small_disk / "ix"
    Indexer(index_dir).update([tiny_corpus])
    before, used = _stats(index_dir), os.statvfs(small_disk).f_bfree
    done = subprocess.run([sys.executable, "-c", _PARALLEL_RUN, "index", big, "--jobs", jobs, "--index", index_dir],
                          cwd=REPO, env=ENV, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "No space left on device" in done.stderr.strip().splitlines()[-1]
    assert _stats(index_dir) == before
    assert os.statvfs(small_disk).f_bfree == used  # the failed run's files are gone
    fresh = subprocess.run([sys.executable, "-c", _PARALLEL_RUN, "index", big, "--jobs", jobs,
                            "--index", small_disk / "new"], cwd=REPO, env=ENV, capture_output=True, text=True,
                           timeout=300)
    assert fresh.returncode == 2 and not (small_disk / "new").exists()


@pytest.mark.slow
def test_jobs_are_capped_at_the_cores_this_process_may_use(tmp_path, tiny_corpus, clean_passages, corpus,
                                                           monkeypatch):
    import indexer.parallel as parallel

    started = []
    real_init = parallel.ParallelSink.__init__

    def init(self, writer, index_dir, indexname, params, jobs, *rest):
        started.append(jobs)
        real_init(self, writer, index_dir, indexname, params, jobs, *rest)

    monkeypatch.setattr(parallel.ParallelSink, "__init__", init)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_CHARS", 0)
    report = Indexer(tmp_path / "ix").update([corpus], jobs=64)
    assert report.added == DOCS and _stats(tmp_path / "ix")[1] == clean_passages
    assert started == [min(64, parallel.available_cores())] or (started == [] and parallel.available_cores() == 1)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["fresh", "update"])
def test_a_ctrl_c_that_lands_as_the_workers_start_stops_them_and_leaves_no_temporary_folder(
        tmp_path, corpus, tiny_template, monkeypatch, kind):
    """A signal held back while the workers start is raised as they are let in: the run must
    still know its workers then (it once lost them, and they wrote a temporary folder after
    the clean-up)."""
    import shutil

    import indexer.parallel as parallel

    real_unblock = parallel._unblock_interrupts

    def unblock(blocked):  # the Ctrl-C that came while they started lands now
        real_unblock(blocked)
        raise KeyboardInterrupt

    monkeypatch.setattr(parallel, "_unblock_interrupts", unblock)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_CHARS", 0)
    index_dir = tmp_path / "ix"
    if kind == "update":
        shutil.copytree(tiny_template[0], index_dir)
    before = _stats(index_dir) if kind == "update" else None
    with pytest.raises(KeyboardInterrupt):
        Indexer(index_dir).update([corpus], jobs=2)
    assert multiprocessing.active_children() == []
    time.sleep(0.5)  # (time for a worker left behind to open its writer)
    assert not list(index_dir.glob("gen-*/*.tmp"))
    if kind == "update":
        assert _stats(index_dir) == before
    else:
        assert not (index_dir / "CURRENT").exists()


# `corpus-search ARGS` where a Ctrl-C lands inside a finaliser as the command starts (as one
# did inside an import's module-lock callback): Python swallows it ("Exception ignored").
_SWALLOWED_CTRL_C = """
import sys
import searcher.cli.fastpath as fastpath

class Finaliser:
    def __del__(self):
        raise KeyboardInterrupt

real_run_fast = fastpath.run_fast

def run_fast(args):
    Finaliser()  # (gone at once: its KeyboardInterrupt is unraisable)
    return real_run_fast(args)

fastpath.run_fast = run_fast
fastpath.main(sys.argv[1:])
"""


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["fresh", "update"])
def test_a_ctrl_c_swallowed_while_the_command_loads_still_ends_the_run(tmp_path, tiny_corpus, tiny_template, kind):
    import shutil

    index_dir = tmp_path / "ix"
    if kind == "update":
        shutil.copytree(tiny_template[0], index_dir)
        (tiny_corpus / "new.txt").write_text("A new note on tractors and the spring rains.\n")
    before = _stats(index_dir) if kind == "update" else None
    proc = subprocess.run([sys.executable, "-c", _SWALLOWED_CTRL_C, "index", str(tiny_corpus), "--index",
                           str(index_dir)], cwd=REPO, env=ENV, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 130, proc.stderr
    assert "Exception ignored" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("corpus-search: interrupted"), proc.stderr
    if kind == "update":
        assert _stats(index_dir) == before
    else:
        assert not (index_dir / "CURRENT").exists()


def test_an_interrupt_swallowed_before_a_run_stops_it_at_its_start(tmp_path, tiny_corpus):
    """In a library: with `keep_swallowed_interrupts`, a Ctrl-C swallowed by a finaliser is raised
    by the next run; other unraisable errors still reach the previous hook."""
    from indexer import safety

    seen = []
    previous = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: seen.append(type(unraisable.exc_value))
    try:
        safety.keep_swallowed_interrupts()
        safety.keep_swallowed_interrupts()  # (once is enough: not wrapped twice)

        class Finaliser:
            def __init__(self, exc):
                self.exc = exc

            def __del__(self):
                raise self.exc

        Finaliser(ValueError("not an interrupt"))
        Finaliser(KeyboardInterrupt())
        assert seen == [ValueError]
        with pytest.raises(KeyboardInterrupt):
            Indexer(tmp_path / "ix").update([tiny_corpus])
        assert not (tmp_path / "ix" / "CURRENT").exists()
        Indexer(tmp_path / "ix").update([tiny_corpus])  # (raised once: the next run goes through)
        assert (tmp_path / "ix" / "CURRENT").exists()
    finally:
        sys.unraisablehook = previous


# `corpus-search ARGS` with workers and without the parent-death signal (as on
# systems that have none), whose parent stops at its fifth file (marker file
# made) while its workers wait for batches.
_PAUSING_PARENT = """
import os, sys, time
import corpus.readers

marker = sys.argv[1]
real_read_file = corpus.readers.read_file
files = 0

def read_file(path, *args, **kwargs):
    global files
    files += 1
    if files == 5:
        open(marker, "w").close()
        time.sleep(300)
    yield from real_read_file(path, *args, **kwargs)

corpus.readers.read_file = read_file
import indexer.parallel

indexer.parallel.MIN_PARALLEL_CHARS = 0
indexer.parallel.BATCH_CHARS = 1000
indexer.parallel.PR_SET_PDEATHSIG = 0  # not an option prctl knows: no parent-death signal
from searcher.cli import main

main(sys.argv[2:])
"""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="finds left-over processes through /proc")
def test_workers_notice_their_parent_is_gone_without_the_parent_death_signal(tmp_path, corpus, tiny_corpus):
    marker, tag = tmp_path / "paused", f"{os.getpid()}-no-pdeathsig"
    Indexer(tmp_path / "ix").update([tiny_corpus])  # (an update: no sentence model to learn from the files first)
    proc = subprocess.Popen([sys.executable, "-c", _PAUSING_PARENT, str(marker), "index", str(corpus),
                             "--jobs", "2", "--index", str(tmp_path / "ix")],
                            cwd=REPO, env={**ENV, "CORPUS_SEARCH_TEST_RUN": tag},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_until(lambda: marker.exists() or proc.poll() is not None, "the run never paused")
        assert proc.poll() is None, proc.communicate()
        assert len(_processes_tagged(tag)) == 3  # the parent and its two workers
    finally:
        _kill(proc)
    _wait_until(lambda: not _processes_tagged(tag), "a worker outlived its killed parent", seconds=30)
    done = _run("index", corpus, "--jobs", "2", "--index", tmp_path / "ix", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["added"] == DOCS


# ---- kill -9 at random moments of parallel runs ----------------------------------------

# A Python that has imported the indexer once and then forks one `corpus-search`
# run per request (as many trials as asked, without paying for the start-up of
# Python, NLTK and Whoosh each time).  Requests are JSON lines on stdin:
# ["run", STDOUT_PATH, STDERR_PATH, ARG...] answers the run's process id;
# ["wait", PID] answers its exit status once it has ended.
_RUNS_FORKED = """
import json, os, sys
import corpus.structure, indexer.chunk, indexer.parallel, indexer.sentences, indexer.update, nltk
from searcher.cli import main

indexer.parallel.MIN_PARALLEL_CHARS = 0
indexer.parallel.BATCH_CHARS = 4000
for line in sys.stdin:
    request = json.loads(line)
    if request[0] == "wait":
        print(os.waitstatus_to_exitcode(os.waitpid(request[1], 0)[1]), flush=True)
        continue
    pid = os.fork()
    if pid == 0:
        for fd, path in ((1, request[1]), (2, request[2])):
            os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), fd)
        code = 0
        try:
            main(request[3:])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    print(pid, flush=True)
"""


class ForkedRuns:
    """`corpus-search` runs forked from a warmed-up Python (see _RUNS_FORKED)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0
        self.server = subprocess.Popen([sys.executable, "-c", _RUNS_FORKED], cwd=REPO, env=ENV,
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def _ask(self, request: list) -> int:
        self.server.stdin.write(json.dumps(request) + "\n")
        self.server.stdin.flush()
        answer = self.server.stdout.readline()
        assert answer, "the forking server ended"
        return int(answer)

    def start(self, *args) -> tuple[int, Path]:
        """Start `corpus-search ARGS`; its process id and the file its stderr goes to."""
        self.count += 1
        err = self.folder / f"run{self.count}.err"
        return self._ask(["run", os.devnull, str(err), *map(str, args)]), err

    def status(self, pid: int) -> int:
        """The exit status of run `pid` (which must have ended or be about to)."""
        return self._ask(["wait", pid])

    def close(self) -> None:
        self.server.stdin.close()
        self.server.wait(timeout=30)


@pytest.fixture(scope="module")
def forked_runs(tmp_path_factory):
    runs = ForkedRuns(tmp_path_factory.mktemp("forked"))
    yield runs
    runs.close()


def _children(pid: int) -> list[int]:
    """The live processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid and _alive(int(entry.name)):
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return found


def _wait_for_workers(pid: int, jobs: int = 2) -> list[int]:
    """The run's workers once all have started (empty if the run ended first)."""
    deadline = time.monotonic() + 60
    while _alive(pid) and time.monotonic() < deadline:
        workers = _children(pid)
        if len(workers) >= jobs:
            return workers
        time.sleep(0.01)
    return []


KILL_DOCS = 16  # (each trial builds it twice: the killed run, then the re-run)


@pytest.fixture(scope="module")
def kill_corpus(tmp_path_factory) -> tuple[Path, int]:
    """A smaller corpus for the kill trials, and the passage count of its clean build."""
    folder = _write_corpus(tmp_path_factory.mktemp("kill") / "reports", KILL_DOCS, seed=9)
    index_dir = folder.parent / "clean"
    Indexer(index_dir).update([folder])
    return folder, _stats(index_dir)[1]


@pytest.fixture(scope="module")
def parallel_window(forked_runs, kill_corpus, tmp_path_factory) -> dict[str, float]:
    """Seconds from the moment a forked run's workers are all there to the end of its workers and
    to its own end (where kills land), the longest of three runs."""
    window = {"worker": 0.0, "parent": 0.0}
    timed = 0
    for _ in range(6):  # (a run whose workers came and went between two looks is not timed: as in the trials)
        pid, err = forked_runs.start("index", kill_corpus[0], "--jobs", "2", "--index",
                                     tmp_path_factory.mktemp("w") / "ix")
        workers = _wait_for_workers(pid)
        started = time.monotonic()
        _wait_until(lambda: not any(_alive(w) for w in workers), "the timed workers never ended", seconds=120)
        window["worker"] = max(window["worker"], time.monotonic() - started)
        _wait_until(lambda: not _alive(pid), "the timed run never ended", seconds=120)
        window["parent"] = max(window["parent"], time.monotonic() - started)
        assert forked_runs.status(pid) == 0, err.read_text()
        timed += bool(workers)
        if timed == 3:
            break
    assert timed, "no run's workers were ever seen: do parallel runs start workers?"
    return window


@pytest.fixture(scope="module")
def tiny_template(tmp_path_factory) -> tuple[Path, int]:
    """An index of the tiny corpus (copied by the update trials) and its passage count."""
    from conftest import write_tiny_corpus

    index_dir = tmp_path_factory.mktemp("tiny") / "ix"
    Indexer(index_dir).update([write_tiny_corpus(index_dir.parent / "docs")])
    return index_dir, _stats(index_dir)[1]


KILL_TRIALS = 20
HANG_GUARD = 15.0  # seconds: the issue asks for an end within 5 s; a loaded machine may take longer


@pytest.mark.slow
@fork_only
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the run's workers through /proc")
@pytest.mark.parametrize("victim", ["parent", "worker"])
def test_kill_9_at_random_moments_of_parallel_runs_then_a_rerun_gives_a_clean_build(
        tmp_path, kill_corpus, forked_runs, parallel_window, tiny_template, victim):
    """KILL_TRIALS runs (fresh builds and updates, in turn) with the parent or one of its workers
    killed at a random moment while the workers index; each run ends promptly, leaves no process
    and a searchable index (or none), and a re-run gives a clean build's passages."""
    import shutil

    rng = random.Random(f"{victim}-{os.getpid()}-{time.time()}")
    corpus, clean_passages = kill_corpus
    counts = {"killed while indexing": 0, "the target had ended": 0, "workers never seen": 0}
    statuses: dict[int, int] = {}
    slowest = 0.0
    template, tiny_passages = tiny_template
    window = parallel_window[victim]
    for trial in range(KILL_TRIALS):
        index_dir = tmp_path / f"ix{trial}"
        update = trial % 2 == 1
        if update:
            shutil.copytree(template, index_dir)
        where = f"trial {trial} ({'update' if update else 'fresh'}); so far {counts}, statuses {statuses}"
        pid, err = forked_runs.start("index", corpus, "--jobs", "2", "--index", index_dir)
        workers = _wait_for_workers(pid)
        if not workers:
            counts["workers never seen"] += 1
        time.sleep(rng.uniform(0, window))
        target = pid if victim == "parent" or not workers else rng.choice(workers)
        killed_at = time.monotonic()
        landed = _alive(target)
        counts["killed while indexing" if landed else "the target had ended"] += 1
        # The window was timed under the load of its moment: a kill that came too late
        # draws the next moment from a shorter one (a loaded machine varies the timing).
        window = min(parallel_window[victim], window * 1.25) if landed else window / 2
        try:
            os.kill(target, signal.SIGKILL)
        except ProcessLookupError:
            pass
        # Everything of the run ends (a killed parent's workers die with it; a killed
        # worker's parent stops the run) within the hang guard.
        _wait_until(lambda: not _alive(pid) and not any(_alive(w) for w in workers),
                    f"a process of the run was left behind: {where}", seconds=HANG_GUARD)
        slowest = max(slowest, time.monotonic() - killed_at)
        status = forked_runs.status(pid)
        statuses[status] = statuses.get(status, 0) + 1
        print(f"{where}: exit {status}")  # (shown when the test fails)
        message = err.read_text()
        assert "Traceback" not in message, (where, message)
        if victim == "parent":
            assert status in (0, -signal.SIGKILL), (where, message)
        else:  # the worker's death stops the run with one line, unless its work was done
            assert status in (0, 2), (where, message)
            if status == 2:
                assert "indexing worker corpus-search-indexer-" in message.strip().splitlines()[-1], (where, message)
        if (index_dir / "CURRENT").exists():
            _stats(index_dir)  # searchable
        report = Indexer(index_dir).update([corpus])  # the re-run
        assert list(report.skipped) == [], where
        assert _stats(index_dir) == (KILL_DOCS + (3 if update else 0),
                                     clean_passages + (tiny_passages if update else 0)), where
    print(f"\nkill -9 of the {victim} in {KILL_TRIALS} parallel runs: {counts}, exit statuses {statuses}; "
          f"every process gone within {slowest:.2f} s of the kill; every re-run a clean build")
    assert counts["killed while indexing"] >= KILL_TRIALS // 4, counts  # (a loaded machine varies the timing)


# ---- concurrent writers, and searches while runs commit -------------------------------

LOCKED = "another corpus-search run is writing to"


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["fresh", "update"])
def test_three_index_runs_at_once_on_one_folder_wait_or_fail_with_the_lock_message_and_none_corrupts(
        tmp_path, corpus, clean_passages, tiny_template, kind):
    import shutil

    index_dir = tmp_path / "ix"
    if kind == "update":
        shutil.copytree(tiny_template[0], index_dir)
    runs = [_start_parallel(f"{os.getpid()}-writers-{kind}-{n}", "index", corpus, "--jobs", "2", "--index", index_dir,
                            "--json") for n in range(3)]
    outcomes = {"indexed": 0, "nothing left to do": 0, "gave up on the lock": 0}
    for proc in runs:
        out, err = proc.communicate(timeout=300)
        print(f"exit {proc.returncode}: {err.strip().splitlines()[-1:] or out.strip()}")  # (shown on failure)
        assert "Traceback" not in err, err
        if proc.returncode == 0:
            report = json.loads(out)
            outcomes["indexed" if report["added"] else "nothing left to do"] += 1
            assert (report["added"], report["unchanged"]) in ((DOCS, 3 if kind == "update" else 0),
                                                              (0, DOCS + (3 if kind == "update" else 0)))
        else:
            assert proc.returncode == 2, err
            assert err.strip().splitlines() == [
                f"corpus-search: error: {LOCKED} {index_dir}; wait for it to finish and try again"], err
            outcomes["gave up on the lock"] += 1
    print(f"\nthree index runs at once ({kind}): {outcomes}")
    assert outcomes["indexed"] == 1, outcomes
    checked = _run("check", "--index", index_dir)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert _stats(index_dir) == (DOCS + (3 if kind == "update" else 0),
                                 clean_passages + (tiny_template[1] if kind == "update" else 0))


@pytest.mark.slow
@pytest.mark.parametrize("args", [["--jobs", "2"], ["--jobs", "2", "--rebuild"]], ids=["update", "rebuild"])
def test_searches_in_a_loop_never_fail_while_a_parallel_run_commits(tmp_path, corpus, tiny_template, args):
    """A Searcher opened again and again (as a web page or a script would) while `index --jobs 2`
    writes and commits: every search answers, from the old index or the new one."""
    import shutil

    index_dir, docs = tmp_path / "ix", shutil.copytree(corpus, tmp_path / "docs")
    shutil.copytree(tiny_template[0], index_dir)
    Indexer(index_dir).update([docs])
    old = _stats(index_dir)
    (docs / "doc0000.txt").write_text("Report 0\n\nGallium export rules changed again this year.\n")
    proc = _start_parallel(f"{os.getpid()}-searching", "index", *args, "--index", index_dir)
    searches, seen = 0, set()
    while proc.poll() is None:
        with Searcher(index_dir) as s:
            assert s.search("gallium"), f"a search found nothing after {searches} searches"
            seen.add((s.stats().documents, s.stats().passages))
        searches += 1
    _, err = proc.communicate()
    assert proc.returncode == 0, err
    new = _stats(index_dir)
    print(f"\n{searches} searches during `index {' '.join(args)}`, all answered; states seen: {sorted(seen)}")
    assert searches >= 1 and seen <= {old, new}
