"""Bad input, damaged indexes, Ctrl-C, kill -9 and concurrent runs."""
from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import indexer.changes as changes
from corpus.errors import UnreadableDocument
from corpus.readers import Note, Skip, read_file
from indexer import Indexer
from searcher import IndexDamaged, Searcher
from searcher.cli import cli

REPO = Path(__file__).resolve().parents[1]


def run_cli(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result


def skipped(report) -> dict[str, str]:
    return {Path(s.path).name: s.reason for s in report.skipped}


# ---- bad input ----------------------------------------------------------------


@pytest.fixture
def bad_corpus(tiny_corpus: Path) -> Path:
    (tiny_corpus / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (tiny_corpus / "latin.txt").write_bytes("Café Report\n\nThe café sold crème brûlée to robots.\n".encode("cp1252"))
    (tiny_corpus / "empty.md").write_bytes(b"")
    (tiny_corpus / "blank.txt").write_text("  \n\n \t\n")
    (tiny_corpus / "broken.html").write_text("<html><title>Broken <b>page</title><p>Tractors <i>plough <p>fields</div></html")
    (tiny_corpus / "lines.jsonl").write_text(
        '{"_id": "good-1", "text": "Tractors plough the northern fields."}\n'
        "{not json\n"
        '{"_id": "no-text"}\n'
        "[1, 2]\n"
        '{"_id": "good-2", "text": "Harvesters follow the tractors."}\n'
    )
    (tiny_corpus / "notes.pdf").write_bytes(b"%PDF-1.4 ...")  # a PDF's header and nothing more
    (tiny_corpus / "slides.key").write_bytes(b"PK...")  # unknown type in a folder: passed over silently
    (tiny_corpus / "dangling.txt").symlink_to(tiny_corpus / "nowhere.txt")
    (tiny_corpus / "loop.txt").symlink_to(tiny_corpus / "loop.txt")
    (tiny_corpus / "sub").mkdir()
    (tiny_corpus / "sub" / "up").symlink_to(tiny_corpus, target_is_directory=True)
    if hasattr(os, "mkfifo"):
        os.mkfifo(tiny_corpus / "pipe.txt")
    return tiny_corpus


def test_bad_files_are_skipped_with_reasons_and_the_rest_indexed(tmp_path, bad_corpus):
    report = Indexer(tmp_path / "ix").update([bad_corpus])
    reasons = skipped(report)
    assert reasons["binary.txt"] == "binary file, not text"
    assert reasons["empty.md"] == "empty file"
    assert reasons["blank.txt"] == "empty file"
    assert reasons["dangling.txt"] == "broken symbolic link"
    assert reasons["loop.txt"] == "symbolic link loop"
    assert reasons["up"] == "symbolic link loop"
    if hasattr(os, "mkfifo"):
        assert reasons["pipe.txt"] == "not a regular file"
    assert reasons["lines.jsonl:2"].startswith("line 2: ")
    assert reasons["lines.jsonl:3"] == "line 3: record needs `_id` and a string `text`"
    assert reasons["lines.jsonl:4"] == "line 4: not a JSON object"
    assert reasons["notes.pdf"].startswith("damaged PDF")
    assert "slides.key" not in reasons
    assert {Path(n.path).name: n.reason for n in report.notes} == {"latin.txt": "not UTF-8; read as cp1252"}
    # tiny corpus (3) + latin + broken.html + two good JSON Lines records
    assert report.added == 7
    with Searcher(tmp_path / "ix") as s:
        assert s.search("crème brûlée")[0].document == "latin"
        assert {h.document for h in s.search("tractors", limit=20)} == {"broken", "good-1", "good-2"}


def test_index_json_lists_each_skip_and_note(tmp_path, bad_corpus):
    result = run_cli("index", bad_corpus, "--index", tmp_path / "ix", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {"path", "reason"} == set(report["skipped"][0])
    assert any(s["path"].endswith("lines.jsonl:2") for s in report["skipped"])
    assert report["notes"] == [{"path": str((bad_corpus / "latin.txt").resolve()), "note": "not UTF-8; read as cp1252"}]
    text = run_cli("index", bad_corpus, "--index", tmp_path / "ix2")
    assert "skipped" in text.stdout and "binary file, not text" in text.stdout
    assert "note:" in text.stdout and "Traceback" not in text.output


def test_file_names_and_records_that_are_not_utf8(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "café.txt").write_text("Cafe Report\n\nTractors in the café.\n")
    name = os.fsencode(docs) + b"/r\xe9sum\xe9.txt"  # cp1252 bytes in a file name
    with open(name, "wb") as fh:
        fh.write(b"Resume\n\nTractors on the resume.\n")
    with open(os.fsencode(docs) + b"/bin\xff.txt", "wb") as fh:
        fh.write(b"\x00\x01" * 50)
    (docs / "lone.jsonl").write_text('{"_id": "x\\ud800", "text": "Tractors plough the \\udce9 fields.", "title": "\\udfff"}\n')
    result = run_cli("index", docs, "--index", tmp_path / "ix", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["added"] == 3
    assert [Path(s["path"]).name for s in report["skipped"]] == ["binÿ.txt"]
    found = run_cli("search", "tractors", "--index", tmp_path / "ix", "--json")
    assert {json.loads(line)["document"] for line in found.stdout.splitlines()} == {"café", "résumé", "x\ufffd"}
    again = run_cli("index", "--index", tmp_path / "ix", "--json")
    assert json.loads(again.stdout)["unchanged"] == 3


def test_unknown_file_type_named_explicitly_is_reported(tmp_path, tiny_corpus):
    (tmp_path / "slides.pptx").write_bytes(b"PK\x03\x04")
    report = Indexer(tmp_path / "ix").update([tiny_corpus, tmp_path / "slides.pptx", tmp_path / "missing.txt"])
    assert skipped(report) == {"slides.pptx": "unknown file type '.pptx'", "missing.txt": "no such file or folder"}
    assert report.added == 3


def test_a_symbolic_link_loop_named_explicitly_is_reported(tmp_path, tiny_corpus):
    (tmp_path / "self.txt").symlink_to(tmp_path / "self.txt")
    report = Indexer(tmp_path / "ix").update([tiny_corpus, tmp_path / "self.txt"])
    assert skipped(report) == {"self.txt": "symbolic link loop"}


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_is_skipped(tmp_path, tiny_corpus):
    (tiny_corpus / "secret.txt").write_text("Secret\n\nHidden words.\n")
    (tiny_corpus / "secret.txt").chmod(0)
    try:
        report = Indexer(tmp_path / "ix").update([tiny_corpus])
    finally:
        (tiny_corpus / "secret.txt").chmod(0o644)
    assert skipped(report)["secret.txt"].startswith("cannot read")
    assert report.added == 3


def test_unreadable_file_is_skipped_simulated(tmp_path, tiny_corpus, monkeypatch):
    """As above, for root (who can read anything): the open fails with EACCES."""
    (tiny_corpus / "secret.txt").write_text("Secret\n\nHidden words.\n")
    real = changes.file_digest

    def denied(path):
        if Path(path).name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(changes, "file_digest", denied)
    report = Indexer(tmp_path / "ix").update([tiny_corpus])
    assert skipped(report) == {"secret.txt": "cannot read (Permission denied)"}
    assert report.added == 3


def test_a_document_the_pipeline_chokes_on_does_not_stop_the_run(tmp_path, tiny_corpus, choke_on):
    choke_on("talent")
    report = Indexer(tmp_path / "ix").update([tiny_corpus])
    assert "could not be processed (ValueError: cannot structure this)" in skipped(report)["talent.txt"]
    assert (report.added, report.updated) == (2, 0)  # the skipped document is not counted as added
    with Searcher(tmp_path / "ix") as s:
        assert s.search("gallium")
    # It was not recorded as indexed: once it can be processed, the next run adds it.
    choke_on(None)
    again = Indexer(tmp_path / "ix").update()
    assert (again.added, again.updated, again.unchanged, again.skipped) == (1, 0, 2, ())
    with Searcher(tmp_path / "ix") as s:
        assert [h.document for h in s.search("recruitment housing grants")] == ["talent"]


def test_a_record_the_pipeline_chokes_on_is_tried_again_while_its_file_is_unchanged(tmp_path, choke_on):
    import json

    records = [{"_id": f"r{n}", "title": f"Record {n}", "text": f"Provincial subsidy number {n} for robots."}
               for n in range(4)]
    records[2]["text"] = "Gallium export limits announced in the summer."
    corpus_file = tmp_path / "records.jsonl"
    corpus_file.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    choke_on("r2")
    first = Indexer(tmp_path / "ix").update([corpus_file])
    assert (first.added, first.updated) == (3, 0)
    assert "'r2' could not be processed" in skipped(first)["records.jsonl"]
    choke_on(None)
    again = Indexer(tmp_path / "ix").update()  # the file itself is untouched
    assert (again.added, again.updated, again.unchanged, again.skipped) == (1, 0, 3, ())
    with Searcher(tmp_path / "ix") as s:
        assert [h.document for h in s.search("gallium export limits")] == ["r2"]
    third = Indexer(tmp_path / "ix").update()
    assert (third.added, third.updated, third.unchanged) == (0, 0, 4)


def test_large_text_file_is_read_without_extra_copies(tmp_path):
    import tracemalloc

    path = tmp_path / "big.txt"
    line = b"Semiconductor export controls tightened again this quarter.\n"
    path.write_bytes(line * (30 * 2**20 // len(line)))  # 30 MB
    size = path.stat().st_size
    tracemalloc.start()
    try:
        docs = [d for d in read_file(path) if not isinstance(d, Skip)]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(docs) == 1 and len(docs[0].text) == size
    assert peak < 2.5 * size  # the bytes and the text, briefly; never more


def test_json_lines_are_streamed(tmp_path):
    import tracemalloc

    path = tmp_path / "big.jsonl"
    with open(path, "w") as fh:
        for i in range(20_000):
            fh.write(json.dumps({"_id": f"r{i}", "text": "Industrial robots weld car bodies. " * 30}) + "\n")
    tracemalloc.start()
    try:
        count = sum(1 for d in read_file(path) if not isinstance(d, Skip))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20_000
    assert peak < path.stat().st_size / 10


def test_json_lines_file_with_no_records_is_unreadable(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text("{nope\n[]\n")
    with pytest.raises(UnreadableDocument, match="no JSON Lines records.*line 1"):
        list(read_file(path))


def test_non_utf8_json_lines_record_is_read_as_cp1252(tmp_path):
    path = tmp_path / "old.jsonl"
    path.write_bytes('{"_id": "a", "text": "caf\u00e9 au lait"}\n'.encode("cp1252"))
    items = list(read_file(path))
    assert items[0].text == "café au lait"
    assert items[-1] == Note(str(path), "1 lines not UTF-8; read as cp1252")


# ---- damaged and incompatible indexes -------------------------------------------


def _generation(index_dir: Path) -> Path:
    return index_dir / (index_dir / "CURRENT").read_text().strip()


def _version(ix):
    manifest = _generation(ix) / "manifest.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "schema_version": 999}))


DAMAGE = {
    "current names nothing": lambda ix: (ix / "CURRENT").write_text("gen-000042\n"),
    "current is garbage": lambda ix: (ix / "CURRENT").write_bytes(b"\xff\x00../../etc"),
    "manifest is garbage": lambda ix: (_generation(ix) / "manifest.json").write_text("{not json"),
    "manifest is a list": lambda ix: (_generation(ix) / "manifest.json").write_text("[1]"),
    "another schema version": _version,
    "segments deleted": lambda ix: [p.unlink() for p in _generation(ix).glob("*.seg")],
    "segments truncated": lambda ix: [p.write_bytes(p.read_bytes()[:64]) for p in _generation(ix).glob("*.seg")],
    "toc deleted": lambda ix: [p.unlink() for p in _generation(ix).glob("*.toc")],
    "generation deleted": lambda ix: shutil.rmtree(_generation(ix)),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_index_says_rebuild_then_rebuild_works(tmp_path, tiny_corpus, damage):
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    DAMAGE[damage](index_dir)
    for args in (["search", "chips"], ["show", "talent:0"], ["stats"], ["index"]):
        result = run_cli(*args, "--index", index_dir)
        assert result.exit_code == 2, (args, result.output)
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "corpus-search index --rebuild" in lines[0], (args, result.stderr)
    with pytest.raises(IndexDamaged):
        Searcher(index_dir)
    result = run_cli("index", "--rebuild", "--index", index_dir, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == 3
    assert run_cli("search", "chips", "--index", index_dir).exit_code == 0


def test_rebuild_of_a_damaged_index_with_new_paths(tmp_path, tiny_corpus):
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    (index_dir / "sources.json").unlink()
    (_generation(index_dir) / "manifest.json").write_text("garbage")
    result = run_cli("index", "--rebuild", "--index", index_dir)
    assert result.exit_code == 2 and "give the files or folders" in result.stderr
    assert run_cli("index", tiny_corpus, "--rebuild", "--index", index_dir).exit_code == 0


def test_an_open_searcher_keeps_its_snapshot_through_rebuilds_and_updates(tmp_path, tiny_corpus):
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    with Searcher(index_dir) as s:
        passage = s.search("programs")[0].id
        Indexer(index_dir).update(rebuild=True)  # deletes the generation `s` has open
        (tiny_corpus / "farm.txt").write_text("Farm Report\n\nTractors now drive themselves.\n")
        Indexer(index_dir).update()
        assert s.search("gallium") and s.get(passage).id == passage and s.stats().passages == 4
        assert s.search("tractors") == []
    with Searcher(index_dir) as s:
        assert s.search("tractors")


# ---- real processes: Ctrl-C, kill -9, a second writer, readers during writes ------


def _write_corpus(folder: Path, count: int, seed: int, prefix: str = "doc") -> Path:
    words = ("policy export control chip semiconductor talent program university research state "
             "council plan industry robot factory data model network security standard market "
             "investment capital province ministry science technology innovation supply chain").split()
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        paras = [
            " ".join(" ".join(rng.choice(words) for _ in range(rng.randint(8, 18))).capitalize() + "."
                     for _ in range(5))
            for _ in range(6)
        ]
        (folder / f"{prefix}{i:04d}.txt").write_text(f"Report {prefix} {i}\n\n" + "\n\n".join(paras) + "\n")
    return folder


BIG = 250


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory) -> Path:
    """Enough documents that indexing them takes a few seconds."""
    return _write_corpus(tmp_path_factory.mktemp("big") / "reports", BIG, seed=1)


@pytest.fixture(scope="module")
def big_index(tmp_path_factory, big_corpus) -> Path:
    """An index of big_corpus, built once; tests copy it."""
    index_dir = tmp_path_factory.mktemp("big-index") / "ix"
    Indexer(index_dir).update([big_corpus])
    return index_dir


def _copy(index_dir: Path, to: Path) -> Path:
    shutil.copytree(index_dir, to)
    return to


def _start(*args, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    return subprocess.Popen([sys.executable, "-m", "searcher", *map(str, args)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


# A `corpus-search` run that stops inside its work and says so: once a Whoosh
# writer is open (its temporary folder exists) and a few files have been read,
# it creates the marker file and sleeps, so the test can interrupt or kill it
# at that point, with no guessing of how long indexing takes.
_PAUSING_RUN = """
import glob, os, sys, time
import corpus.readers

index_dir, marker = sys.argv[1], sys.argv[2]
real_read_file = corpus.readers.read_file
files_read = 0

def read_file(path, *args, **kwargs):
    global files_read
    if glob.glob(os.path.join(index_dir, "gen-*", "*.tmp")):
        files_read += 1
        if files_read == 3:
            open(marker, "w").close()
            time.sleep(300)
    yield from real_read_file(path, *args, **kwargs)

corpus.readers.read_file = read_file  # before the indexer imports it
from searcher.cli import main

main(sys.argv[3:])
"""


def _start_paused(*args, index_dir: Path) -> tuple[subprocess.Popen, Path]:
    """`corpus-search ARGS --index INDEX_DIR`, run until it is inside its work (then it waits)."""
    marker = index_dir.parent / "inside-the-run"
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", _PAUSING_RUN, str(index_dir), str(marker), *map(str, args), "--index", str(index_dir)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    while not marker.exists():
        assert proc.poll() is None, ("the run ended before it could be interrupted", proc.communicate())
        time.sleep(0.02)
    return proc, marker


def _orphan_segment_files(generation: Path) -> list[str]:
    """Whoosh files in a generation that its latest TOC does not name."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(generation), indexname="passages")
    named = {seg.segment_id() for seg in ix._read_toc().segments}
    return [p.name for p in generation.glob("passages_*.*")
            if "WRITELOCK" not in p.name and p.name.split(".")[0] not in named]


def _stats(index_dir: Path) -> tuple[int, int]:
    with Searcher(index_dir) as s:
        st = s.stats()
    return st.documents, st.passages


@pytest.mark.slow
def test_kill_9_midway_leaves_the_old_index_and_a_rerun_completes(tmp_path, tiny_corpus, big_corpus):
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    before = _stats(index_dir)
    proc, _ = _start_paused("index", big_corpus, index_dir=index_dir)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    assert _stats(index_dir) == before  # old state, still searchable
    assert run_cli("search", "gallium", "--index", index_dir).exit_code == 0
    # The killed run never recorded its source: give it again; the rerun completes.
    proc = _start("index", big_corpus, "--index", index_dir, "--json")
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, err
    report = json.loads(out)
    assert (report["added"], report["unchanged"], report["skipped"]) == (BIG, 3, [])
    assert _stats(index_dir)[0] == BIG + 3
    assert not list(index_dir.glob("gen-*/*.tmp"))
    assert _orphan_segment_files(_generation(index_dir)) == []


@pytest.mark.slow
def test_kill_9_during_a_rebuild_keeps_the_live_generation(tmp_path, big_index):
    index_dir = _copy(big_index, tmp_path / "ix")
    before = _stats(index_dir)
    live = _generation(index_dir)
    proc, _ = _start_paused("index", "--rebuild", index_dir=index_dir)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert _generation(index_dir) == live and _stats(index_dir) == before
    assert len(list(index_dir.glob("gen-*"))) == 2  # the killed run's debris...
    report = Indexer(index_dir).update()  # ...which the next run removes
    assert (report.added, report.unchanged) == (0, BIG)
    assert list(index_dir.glob("gen-*")) == [live]


@pytest.mark.slow
def test_ctrl_c_prints_one_line_and_keeps_the_index(tmp_path, tiny_corpus, big_corpus):
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    before = _stats(index_dir)
    proc, _ = _start_paused("index", big_corpus, index_dir=index_dir)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    # 130, as a shell reports it.  (A Ctrl-C that lands while NLTK's compiled
    # dependencies are being imported makes CPython end the process by SIGINT
    # itself after our handler ran: the shell shows 130 all the same.)
    assert proc.returncode in (130, -signal.SIGINT), err
    assert out == ""
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == "corpus-search: interrupted; the index is as it was before this run"
    assert _stats(index_dir) == before
    assert not list(index_dir.glob("gen-*/*.tmp"))
    assert _orphan_segment_files(_generation(index_dir)) == []


# A `corpus-search index --jobs 2` run whose workers stop inside their work:
# the first to get a document writes its process id to the marker file and waits.
_PAUSING_WORKERS = """
import os, sys, time
import corpus.structure
import indexer.parallel

marker = sys.argv[1]
parent = os.getpid()
real_build_document = corpus.structure.build_document

def build_document(raw):
    if os.getpid() != parent:
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            pass
        else:
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
        time.sleep(300)
    return real_build_document(raw)

corpus.structure.build_document = build_document
indexer.parallel.MIN_PARALLEL_CHARS = 0  # workers even for a small corpus
from searcher.cli import main

main(sys.argv[2:])
"""


@pytest.mark.slow
@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="the pause is injected by forking")
def test_a_killed_worker_is_one_line_and_status_2_and_keeps_the_index(tmp_path, tiny_corpus, big_corpus):
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    before = _stats(index_dir)
    marker = tmp_path / "worker-pid"
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", _PAUSING_WORKERS, str(marker), "index", str(big_corpus), "--jobs", "2",
         "--index", str(index_dir)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    while not (marker.exists() and marker.read_text()):
        assert proc.poll() is None, ("the run ended before a worker started", proc.communicate())
        time.sleep(0.02)
    os.kill(int(marker.read_text()), signal.SIGKILL)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, err
    assert out == "" and "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith("corpus-search: error: indexing worker corpus-search-indexer-") and "exit code -9" in last
    assert last.endswith("the index is as it was before this run")
    assert _stats(index_dir) == before


@pytest.mark.slow
def test_a_second_writer_waits_then_exits_2(tmp_path, tiny_corpus):
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    holder = subprocess.Popen(  # another process is the first writer
        [sys.executable, "-c", "import sys, time; from indexer.lock import writer_lock\n"
         "with writer_lock(sys.argv[1]):\n    print('locked', flush=True); time.sleep(60)", str(index_dir)],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        proc = _start("index", "--index", index_dir)
        out, err = proc.communicate(timeout=60)
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode == 2 and out == ""
    assert err.strip().splitlines() == [
        f"corpus-search: error: another corpus-search run is writing to {index_dir}; "
        "wait for it to finish and try again"
    ]
    assert waited > 1  # it waited for the lock before giving up (no upper bound: no timing asserts)
    proc = _start("index", "--index", index_dir, "--json")  # the holder died: its lock died with it
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and json.loads(out)["unchanged"] == 3


@pytest.mark.slow
@pytest.mark.parametrize("rebuild", [False, True], ids=["update", "rebuild"])
def test_searches_during_indexing_see_the_old_or_the_new_index(tmp_path, tiny_corpus, big_corpus, big_index,
                                                               rebuild):
    if rebuild:
        index_dir = _copy(big_index, tmp_path / "ix")
    else:
        index_dir = tmp_path / "ix"
        Indexer(index_dir).update([tiny_corpus])
    old = _stats(index_dir)
    args = ["index", "--rebuild"] if rebuild else ["index", big_corpus]
    proc = _start(*args, "--index", index_dir)
    seen = set()
    while proc.poll() is None:
        seen.add(_stats(index_dir))  # a search in this process, while the other writes
        with Searcher(index_dir) as s:
            assert s.search("semiconductor" if rebuild else "gallium")
        time.sleep(0.05)
    _, err = proc.communicate()
    assert proc.returncode == 0, err
    new = _stats(index_dir)
    assert old in seen and seen <= {old, new}


class _RunsCode:
    """A pickle that would create a file when loaded."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def _model_garbage(generation: Path, tmp_path: Path) -> None:
    (generation / "punkt.json").write_text('{"abbrev_types": [')


def _model_not_punkt(generation: Path, tmp_path: Path) -> None:
    (generation / "punkt.json").unlink()
    (generation / "punkt.pickle").write_bytes(pickle.dumps(_RunsCode(tmp_path / "ran")))


def _model_missing(generation: Path, tmp_path: Path) -> None:
    (generation / "punkt.json").unlink()


@pytest.mark.parametrize("jobs", [1, pytest.param(2, marks=pytest.mark.slow)])
@pytest.mark.parametrize("damage", [_model_garbage, _model_not_punkt, _model_missing])
def test_a_damaged_sentence_model_stops_an_update_with_one_line_and_loses_nothing(
        tmp_path, tiny_corpus, damage, jobs, monkeypatch):
    import indexer.parallel

    monkeypatch.setattr(indexer.parallel, "MIN_PARALLEL_CHARS", 0)  # jobs=2: workers even for a tiny corpus
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    before = run_cli("search", "chips OR robots OR programs", "--index", index_dir, "--json").stdout
    damage(_generation(index_dir), tmp_path)
    files = sorted(p.name for p in _generation(index_dir).iterdir())
    (tiny_corpus / "farm.txt").write_text("Farm Report\n\nTractors now drive themselves. Dr. Ding said so.\n")
    result = run_cli("index", "--index", index_dir, "--jobs", str(jobs))
    assert result.exit_code == 2, result.output
    assert sorted(p.name for p in _generation(index_dir).iterdir()) == files  # nothing left behind
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "sentence model" in lines[0] and "--rebuild" in lines[0], result.stderr
    assert not (tmp_path / "ran").exists()  # the pickle's code was not run
    # Every command reports the damage (searching reads no sentence model, but the index is damaged) ...
    search = run_cli("search", "chips OR robots OR programs", "--index", index_dir, "--json")
    assert search.exit_code == 2 and "sentence model" in search.stderr and "--rebuild" in search.stderr
    assert run_cli("index", "--rebuild", "--index", index_dir).exit_code == 0
    # ... and the rebuild gives back what was there (scores differ: a new file), and the new file
    after = run_cli("search", "chips OR robots OR programs", "--index", index_dir, "--json").stdout
    assert [json.loads(line)["text"] for line in after.splitlines()] == \
        [json.loads(line)["text"] for line in before.splitlines()]
    assert "Tractors" in run_cli("search", "tractors", "--index", index_dir).stdout


@pytest.mark.parametrize("rebuild", [False, True], ids=["update", "fresh"])
def test_a_ctrl_c_after_the_commit_is_not_reported_as_the_index_left_as_it_was(
        tmp_path, tiny_corpus, monkeypatch, rebuild):
    # The signal lands while the report is being printed: the run is complete.
    import searcher.cli.render as render

    index_dir = tmp_path / "ix"
    if not rebuild:
        Indexer(index_dir).update([tiny_corpus / "tariffs.md"])
    real = render.format_report

    def interrupted_report(report):
        os.kill(os.getpid(), signal.SIGINT)
        return real(report)

    monkeypatch.setattr(render, "format_report", interrupted_report)
    result = CliRunner().invoke(cli, ["index", str(tiny_corpus), "--index", str(index_dir), "--jobs", "1"]
                                + (["--rebuild"] if rebuild else []))
    assert result.exit_code == 130
    assert result.stderr.strip().splitlines()[-1] == (
        "corpus-search: interrupted after the index was brought up to date")
    assert Searcher(index_dir).stats().documents == 3


@pytest.mark.parametrize("fresh", [False, True], ids=["update", "fresh"])
def test_a_ctrl_c_right_after_the_commit_does_not_undo_or_misreport_the_run(tmp_path, tiny_corpus,
                                                                              monkeypatch, fresh):
    # A Ctrl-C lands just after each step that makes the run's work visible
    # (the commit of an update, CURRENT for a fresh build): the run completes.
    from contextlib import contextmanager

    import indexer.update

    index_dir = tmp_path / "ix"
    if not fresh:
        Indexer(index_dir).update([tiny_corpus / "tariffs.md"])
    real = indexer.update.interrupts_deferred
    landed = []

    @contextmanager
    def then_interrupted():
        with real():
            yield
        landed.append(True)
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(indexer.update, "interrupts_deferred", then_interrupted)
    report = Indexer(index_dir).update([tiny_corpus])
    assert landed
    assert report.added == (3 if fresh else 2)
    assert Searcher(index_dir).stats().documents == 3


def test_the_library_gives_back_the_signal_handlers_after_a_run(tmp_path, tiny_corpus):
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    Indexer(tmp_path / "ix").update([tiny_corpus])
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
