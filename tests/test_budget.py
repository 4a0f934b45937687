"""The per-document budget: a document slow or greedy on purpose is skipped with its reason, the rest indexed,
in this process (jobs=1) and in workers (jobs=2)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import Indexer
from searcher import Searcher
from searcher.cli.commands import cli

# Catastrophic backtracking: 2**27 steps inside the `re` engine (C code), tens of
# seconds: the budget must stop it from there; without a budget it would end, and
# the document be added (the test then fails rather than hangs).
BACKTRACKING = (r"(a+)+$", "a" * 27 + "b")
HOG_CAP = 1500 * 2**20  # a greedy document stops here whatever happens (the test then fails)


@pytest.fixture
def slow_or_greedy(monkeypatch):
    """`slow_or_greedy("talent", "process", "time")`: turning document `talent` into passages
    (or, with "read", reading its file) backtracks for tens of seconds, or ("memory") grows
    the process by 10 MB at a time; `slow_or_greedy(None)` ends that.  Workers started by
    fork inherit it."""
    import corpus.structure
    import indexer.changes

    target = {"id": None, "step": "", "kind": ""}
    real_build, real_read = corpus.structure.build_document, indexer.changes.read_file

    def misbehave(name: str, step: str) -> None:
        if name != target["id"] or step != target["step"]:
            return
        if target["kind"] == "time":
            re.match(*BACKTRACKING)
        else:
            hog = []
            while len(hog) * 10 * 2**20 < HOG_CAP:
                hog.append(b"x" * (10 * 2**20))  # (written, so resident)

    def build_document(raw):
        misbehave(raw.id, "process")
        return real_build(raw)

    def read_file(path, *args, **kwargs):
        misbehave(Path(path).stem, "read")
        yield from real_read(path, *args, **kwargs)

    monkeypatch.setattr(corpus.structure, "build_document", build_document)
    monkeypatch.setattr(indexer.changes, "read_file", read_file)

    def install(doc_id: str | None, step: str = "process", kind: str = "time") -> None:
        target.update(id=doc_id, step=step, kind=kind)

    return install


def _always_parallel(monkeypatch) -> None:
    import indexer.parallel

    monkeypatch.setattr(indexer.parallel, "MIN_PARALLEL_CHARS", 0)


def _check_skipped(report, index_dir: Path, reason: str) -> None:
    skipped = {Path(s.path).name: s.reason for s in report.skipped}
    assert list(skipped) == ["talent.txt"], skipped
    assert reason in skipped["talent.txt"], skipped
    assert report.added == 2
    with Searcher(index_dir) as s:
        assert {h.document for h in s.search("gallium OR robots")} == {"tariffs", "robots-1"}
        assert not s.search("recruitment")  # (talent's word)


@pytest.mark.parametrize("jobs", [1, pytest.param(2, marks=pytest.mark.slow)])
@pytest.mark.parametrize("step", ["process", "read"])
def test_a_document_over_the_time_budget_is_skipped_and_the_run_goes_on(tmp_path, tiny_corpus, slow_or_greedy,
                                                                       monkeypatch, step, jobs):
    slow_or_greedy("talent", step, "time")
    if jobs > 1:
        _always_parallel(monkeypatch)
    report = Indexer(tmp_path / "ix", document_seconds=1).update([tiny_corpus], jobs=jobs)
    _check_skipped(report, tmp_path / "ix", f"took longer than 1 s to {step} (the per-document budget")


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="the memory watch reads /proc")
@pytest.mark.parametrize("jobs", [1, pytest.param(2, marks=pytest.mark.slow)])
@pytest.mark.parametrize("step", ["process", "read"])
def test_a_document_over_the_memory_budget_is_skipped_and_the_run_goes_on(tmp_path, tiny_corpus, slow_or_greedy,
                                                                         monkeypatch, step, jobs):
    slow_or_greedy("talent", step, "memory")
    if jobs > 1:
        _always_parallel(monkeypatch)
    report = Indexer(tmp_path / "ix", document_memory_mb=100).update([tiny_corpus], jobs=jobs)
    _check_skipped(report, tmp_path / "ix", f"needed more than 100 MB to {step} (the per-document budget")


def test_the_budget_is_set_on_the_command_line_or_in_the_environment(tmp_path, tiny_corpus, slow_or_greedy,
                                                                     monkeypatch):
    slow_or_greedy("talent", "process", "time")
    result = CliRunner().invoke(cli, ["index", str(tiny_corpus), "--index", str(tmp_path / "ix"), "--jobs", "1",
                                      "--document-seconds", "1", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["added"] == 2 and [Path(s["path"]).name for s in report["skipped"]] == ["talent.txt"]
    assert "took longer than 1 s to process" in report["skipped"][0]["reason"]
    assert "--document-seconds" in report["skipped"][0]["reason"]

    monkeypatch.setenv("CORPUS_SEARCH_DOCUMENT_SECONDS", "1")
    report = Indexer(tmp_path / "ix2").update([tiny_corpus])
    assert [Path(s.path).name for s in report.skipped] == ["talent.txt"]

    monkeypatch.setenv("CORPUS_SEARCH_DOCUMENT_SECONDS", "soon")
    result = CliRunner().invoke(cli, ["index", str(tiny_corpus), "--index", str(tmp_path / "ix3")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.strip().splitlines() == [
        "corpus-search: error: CORPUS_SEARCH_DOCUMENT_SECONDS='soon' is not a number"]


def test_a_skipped_document_is_tried_again_by_the_next_run(tmp_path, tiny_corpus, slow_or_greedy):
    slow_or_greedy("talent", "process", "time")
    Indexer(tmp_path / "ix", document_seconds=1).update([tiny_corpus])
    slow_or_greedy(None)
    report = Indexer(tmp_path / "ix", document_seconds=1).update()
    assert (report.added, report.unchanged, list(report.skipped)) == (1, 2, [])


def test_within_the_budget_nothing_changes_and_the_handler_is_given_back(tmp_path, tiny_corpus):
    import signal

    before = signal.getsignal(signal.SIGALRM)
    report = Indexer(tmp_path / "ix", document_seconds=30, document_memory_mb=500).update([tiny_corpus])
    assert (report.added, list(report.skipped)) == (3, [])
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
