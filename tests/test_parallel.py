"""Indexing with worker processes gives the same passages as indexing in one process."""
from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpus.catalog import bundled_corpus_dir
from indexer import Indexer, parallel
from indexer.layout import current_generation
from searcher import Searcher
from searcher.cli import cli
from conftest import run_fresh_python


@pytest.fixture
def always_parallel(monkeypatch):
    """Use workers however little there is to read, with small batches (several per worker)."""
    monkeypatch.setattr(parallel, "MIN_PARALLEL_CHARS", 0)
    monkeypatch.setattr(parallel, "BATCH_CHARS", 5_000)


def passages(index_dir: Path) -> dict[str, tuple]:
    """Every passage of an index: id -> (document, title, section, authors, kind, text, sentences)."""
    from whoosh import index as whoosh_index

    from indexer.layout import INDEX_NAME, current_generation

    ix = whoosh_index.open_dir(str(current_generation(index_dir)), indexname=INDEX_NAME)
    with ix.searcher() as s:
        return {
            f["id"]: (f["document"], f["title"], f["section"], tuple(f.get("authors") or ()),
                      f["kind"], f["text"], tuple(map(tuple, f["sentences"])))
            for f in s.all_stored_fields()
        }


def build(tmp_path: Path, name: str, sources: list[Path], jobs: int) -> Path:
    index_dir = tmp_path / name
    report = Indexer(index_dir).update(sources, jobs=jobs)
    assert report.passages == len(passages(index_dir))
    return index_dir


@pytest.mark.slow
def test_tiny_corpus_same_passages_with_two_jobs(tmp_path, tiny_corpus, always_parallel):
    one = passages(build(tmp_path, "one", [tiny_corpus], jobs=1))
    two = passages(build(tmp_path, "two", [tiny_corpus], jobs=2))
    assert one and one == two


@pytest.mark.slow
def test_seed_corpus_same_passages_with_two_jobs(tmp_path, always_parallel):
    one = passages(build(tmp_path, "one", [bundled_corpus_dir()], jobs=1))
    two = passages(build(tmp_path, "two", [bundled_corpus_dir()], jobs=2))
    assert len(one) > 100
    assert one == two


@pytest.mark.slow
def test_seed_corpus_searches_the_same_with_two_jobs(tmp_path, always_parallel):
    one = build(tmp_path, "one", [bundled_corpus_dir()], jobs=1)
    two = build(tmp_path, "two", [bundled_corpus_dir()], jobs=2)
    for query in ("indigenous innovation", "semiconductor export controls", "talent", "MIIT", "BAAI"):
        with Searcher(one) as a, Searcher(two) as b:
            assert [(h.id, h.score, h.matches) for h in a.search(query, limit=10)] == \
                   [(h.id, h.score, h.matches) for h in b.search(query, limit=10)]
            assert a.expansions(query) == b.expansions(query)  # the acronyms table: the same with workers
    with Searcher(two) as b:
        assert [e.also for e in b.expansions("MIIT BAAI")] == [
            "Ministry of Industry and Information Technology", "Beijing Academy of Artificial Intelligence"]


@pytest.mark.slow
def test_incremental_update_with_jobs_matches_serial(tmp_path, tiny_corpus, always_parallel):
    copies = {}
    for jobs in (1, 2):
        docs = tmp_path / f"docs{jobs}"
        shutil.copytree(tiny_corpus, docs)
        index_dir = build(tmp_path, f"ix{jobs}", [docs], jobs=jobs)
        (docs / "talent.txt").write_text("Talent Programs\n\nVisas for engineers were eased.\n", encoding="utf-8")
        (docs / "new.md").write_text("# Chips\n\nFoundries expanded in Arizona and Kumamoto.\n", encoding="utf-8")
        (docs / "robots.jsonl").unlink()
        report = Indexer(index_dir).update(jobs=jobs)
        assert (report.added, report.updated, report.removed) == (1, 1, 1)
        copies[jobs] = passages(index_dir)
    assert copies[1] == copies[2]
    assert not any(doc == "robots-1" for doc, *_ in copies[2].values())


@pytest.mark.slow
def test_cli_index_accepts_jobs(tmp_path, tiny_corpus, always_parallel):
    runner = CliRunner()
    result = runner.invoke(cli, ["index", str(tiny_corpus), "--jobs", "2", "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert "3 added" in result.stdout
    assert "--jobs" in runner.invoke(cli, ["index", "--help"]).stdout
    bad = runner.invoke(cli, ["index", "--jobs", "0", "--index", str(tmp_path / "ix")])
    assert bad.exit_code == 2


@pytest.mark.slow
@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="the failure is injected by forking")
def test_a_failing_worker_leaves_the_index_as_it_was(tmp_path, tiny_corpus, always_parallel, monkeypatch):
    index_dir = build(tmp_path, "ix", [tiny_corpus], jobs=1)
    before = passages(index_dir)

    def broken(raw):
        raise RuntimeError("worker crashed")

    import corpus.structure

    monkeypatch.setattr(corpus.structure, "build_document", broken)
    with pytest.raises(parallel.WorkerFailed, match="RuntimeError: worker crashed"):  # a CorpusSearchError
        Indexer(index_dir).update(rebuild=True, jobs=2)
    assert passages(index_dir) == before
    assert len(list(index_dir.glob("gen-*"))) == 1


@pytest.mark.slow
@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="the failure is injected by forking")
def test_a_document_the_workers_cannot_process_is_skipped_with_its_reason(
        tmp_path, tiny_corpus, always_parallel, choke_on):
    choke_on("talent", "odd text")
    report = Indexer(tmp_path / "ix").update([tiny_corpus], jobs=2)
    reasons = [s.reason for s in report.skipped]
    assert any("'talent'" in r and "odd text" in r for r in reasons), reasons
    assert report.added == 2  # the document a worker skipped is not counted as added
    assert {doc for doc, *_ in passages(tmp_path / "ix").values()} == {"tariffs", "robots-1"}


def test_default_jobs_is_sensible():
    assert 1 <= parallel.default_jobs() <= 4


@pytest.mark.slow
def test_loading_punkt_leaves_nltk_and_scipy_to_load_as_usual():
    script = (
        "import sys\n"
        "from indexer.sentences import span_splitter, train_punkt\n"
        "split = span_splitter(train_punkt(['Dr. Smith went to Washington. He met Mr. Jones there.']))\n"
        "assert split('Dr. Smith went home. Then he slept.') == [(0, 20), (21, 35)], split('Dr. Smith went home. Then he slept.')\n"
        "assert sys.modules.get('scipy', 'absent') is not None\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'nltk'], 'NLTK loaded whole'\n"
        "import nltk\n"
        "import nltk.tokenize.punkt\n"
        "assert nltk.tokenize.punkt.PunktTrainer and nltk.internals.overridden and nltk.pathsec\n"
        "assert nltk.sent_tokenize and nltk.FreqDist and nltk.probability.FreqDist is nltk.FreqDist\n"
    )
    run_fresh_python(script)


@pytest.mark.slow
def test_workers_started_by_spawning_give_the_same_passages(tmp_path):
    """macOS and Windows start workers by spawning (arguments are pickled): the sentence model goes as data."""
    script = (
        "import multiprocessing, sys\n"
        "if __name__ == '__main__':\n"
        "    multiprocessing.set_start_method('spawn')\n"
        "    import indexer.parallel as parallel\n"
        "    from corpus.catalog import bundled_corpus_dir\n"
        "    from indexer import Indexer\n"
        "    parallel.MIN_PARALLEL_CHARS, parallel.BATCH_CHARS = 0, 20_000\n"
        "    Indexer(sys.argv[1]).update([bundled_corpus_dir()], jobs=2)\n"
    )
    run_fresh_python(script, str(tmp_path / "spawned"))
    spawned = passages(tmp_path / "spawned")
    assert len(spawned) > 100
    assert len(list(current_generation(tmp_path / "spawned").glob("*.seg"))) == 2  # one per worker
    assert spawned == passages(build(tmp_path, "one", [bundled_corpus_dir()], jobs=1))


@pytest.mark.slow
def test_punkt_parameters_of_the_private_copy_pickle_as_data():
    script = (
        "import pickle, sys\n"
        "from indexer.nltk_internals import params_to_data\n"
        "from indexer.sentences import train_punkt\n"
        "params = train_punkt(['Dr. Smith went to Washington. He met Mr. Jones there.'])\n"
        "copy = pickle.loads(pickle.dumps(params))\n"
        "assert params_to_data(copy) == params_to_data(params)\n"
        "assert type(copy) is type(params)\n"
        "assert 'nltk' not in sys.modules, 'pickling loaded NLTK whole'\n"
    )
    run_fresh_python(script)


@pytest.mark.slow
def test_punkt_is_loaded_the_usual_way_while_other_threads_run():
    script = (
        "import sys, threading\n"
        "stop = threading.Event()\n"
        "t = threading.Thread(target=stop.wait); t.start()\n"
        "from indexer.nltk_internals import load_punkt\n"
        "punkt = load_punkt()\n"
        "stop.set(); t.join()\n"
        "import nltk\n"
        "assert sys.modules['nltk.tokenize.punkt'] is punkt and nltk.sent_tokenize\n"
    )
    run_fresh_python(script)


@pytest.mark.slow
def test_workers_start_only_when_enough_documents_need_indexing(tmp_path, monkeypatch):
    """Changing one record of a large JSON Lines file indexes that record in this process."""
    import json

    monkeypatch.setattr(parallel, "MIN_PARALLEL_CHARS", 3_000)
    monkeypatch.setattr(parallel, "BATCH_CHARS", 1_000)
    started = []

    class CountedSink(parallel.ParallelSink):
        def __init__(self, *args, **kwargs):
            started.append(True)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(parallel, "ParallelSink", CountedSink)

    def write(records):
        (docs / "c.jsonl").write_text("".join(json.dumps({"_id": k, "title": k, "text": v}) + "\n"
                                              for k, v in records.items()))

    docs = tmp_path / "docs"
    docs.mkdir()
    records = {f"r{i}": f"Record {i} says tractors plough field number {i} in the spring rains." for i in range(80)}
    write(records)
    Indexer(tmp_path / "ix").update([docs], jobs=2)
    assert started == [True]  # about 6,000 characters: workers
    write({**records, "r7": "Record 7 now says harvesters."})
    report = Indexer(tmp_path / "ix").update(jobs=2)
    assert (report.updated, report.unchanged) == (1, 79)
    assert started == [True]  # one short record: no workers this time
    fresh = build(tmp_path, "fresh", [docs], jobs=1)
    assert passages(tmp_path / "ix") == passages(fresh)
