"""Incremental indexing: only what changed is read, and a run cut short converges when re-run."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import indexer.changes as changes
import indexer.sentences as sentences
from indexer import Indexer
from indexer.manifest import Manifest
from searcher import Searcher
from conftest import run_fresh_python

ALL = "chips OR robots OR programs OR gallium OR tractors OR weather"


def passages(index_dir: Path, query: str = ALL) -> dict[str, str]:
    with Searcher(index_dir) as s:
        hits = s.search(query, limit=500)
    return {h.id: h.text for h in hits}


def passage_count(index_dir: Path) -> int:
    with Searcher(index_dir) as s:
        return s.stats().passages


def live_generation(index_dir: Path) -> Path:
    return index_dir / (index_dir / "CURRENT").read_text().strip()


@pytest.fixture
def reads(monkeypatch):
    """The files the indexer reads, in order."""
    seen: list[str] = []
    real = changes.read_file

    def spy(path, *args, **kwargs):
        seen.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(changes, "read_file", spy)
    monkeypatch.setattr(sentences, "read_file", spy)
    return seen


def test_new_changed_deleted_and_unchanged_files(tmp_path, tiny_corpus, reads):
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    reads.clear()
    (tiny_corpus / "farm.txt").write_text("Farm Report\n\nTractors now drive themselves.\n")
    (tiny_corpus / "talent.txt").write_text("Talent Programs\n\nVisa programs changed in 2023.\n")
    (tiny_corpus / "robots.jsonl").unlink()
    report = Indexer(index_dir).update()
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 1, 1, 1)
    assert sorted(reads) == ["farm.txt", "talent.txt"]
    texts = passages(index_dir)
    assert any("Tractors" in t for t in texts.values())
    assert any("Visa programs" in t for t in texts.values())
    assert not any("Guangdong" in t for t in texts.values())
    assert not any("housing, grants" in t for t in texts.values())


def test_touched_but_unchanged_file_is_not_read_again(tmp_path, tiny_corpus, reads):
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    path = tiny_corpus / "talent.txt"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    reads.clear()
    report = Indexer(index_dir).update()
    assert (report.added, report.updated, report.unchanged) == (0, 0, 3)
    assert reads == []
    reads.clear()
    Indexer(index_dir).update()  # the new mtime was recorded: not even hashed again
    assert reads == []


def test_passage_ids_of_unchanged_documents_stay_the_same(tmp_path, tiny_corpus):
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    before = passages(index_dir, "chips OR gallium")
    (tiny_corpus / "talent.txt").write_text("Talent Programs\n\nVisa programs changed in 2023.\n")
    (tiny_corpus / "farm.txt").write_text("Farm Report\n\nTractors now drive themselves.\n")
    Indexer(index_dir).update()
    assert passages(index_dir, "chips OR gallium") == before


def test_sentence_model_is_learnt_once_not_on_every_update(tmp_path, tiny_corpus, monkeypatch):
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    import indexer.sentences

    def no_training(texts):
        raise AssertionError("Punkt retrained on an incremental update")

    monkeypatch.setattr(indexer.sentences, "train_punkt", no_training)
    (tiny_corpus / "farm.txt").write_text("Farm Report\n\nTractors now drive themselves.\n")
    assert Indexer(index_dir).update().added == 1


def test_nothing_changed_writes_nothing_to_whoosh(tmp_path, tiny_corpus):
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    tocs = sorted(p.name for p in live_generation(index_dir).glob("*.toc"))
    Indexer(index_dir).update()
    assert sorted(p.name for p in live_generation(index_dir).glob("*.toc")) == tocs


def test_many_small_updates_keep_few_segments(tmp_path, tiny_corpus):
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    for i in range(12):
        (tiny_corpus / f"note{i}.txt").write_text(f"Note {i}\n\nTractors number {i} arrived today.\n")
        Indexer(index_dir).update()
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(live_generation(index_dir)), indexname="passages")
    with ix.reader() as reader:
        segments = len(ix._segments()) if hasattr(ix, "_segments") else reader.segment_count()
    assert segments < 8
    assert len(passages(index_dir, "tractors")) == 12


def test_rebuild_starts_over_in_a_new_generation(tmp_path, tiny_corpus):
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    first = live_generation(index_dir)
    before = passages(index_dir)
    report = Indexer(index_dir).update(rebuild=True)
    assert (report.added, report.unchanged) == (3, 0)
    assert live_generation(index_dir) != first and not first.exists()
    assert passages(index_dir) == before


def test_killed_between_commit_and_manifest_converges(tmp_path, tiny_corpus, monkeypatch):
    """Whoosh committed, the manifest was not saved: the re-run must not duplicate passages."""
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    (tiny_corpus / "farm.txt").write_text("Farm Report\n\nTractors now drive themselves.\n")
    (tiny_corpus / "talent.txt").write_text("Talent Programs\n\nVisa programs changed in 2023.\n")
    real_save = Manifest.save

    def dies(self, folder):
        raise SystemExit("killed")

    monkeypatch.setattr(Manifest, "save", dies)
    with pytest.raises(SystemExit):
        Indexer(index_dir).update()
    monkeypatch.setattr(Manifest, "save", real_save)
    assert passages(index_dir, "tractors")  # the commit happened; searching works
    report = Indexer(index_dir).update()
    assert (report.added, report.updated, report.unchanged) == (1, 1, 2)
    fresh = tmp_path / "fresh"
    Indexer(fresh).update([tiny_corpus])
    assert passage_count(index_dir) == passage_count(fresh)
    assert passages(index_dir) == passages(fresh)


def test_killed_mid_commit_leaves_the_old_index(tmp_path, tiny_corpus, monkeypatch):
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    before = passages(index_dir)
    (tiny_corpus / "farm.txt").write_text("Farm Report\n\nTractors now drive themselves.\n")
    (tiny_corpus / "tariffs.md").unlink()
    from whoosh.index import TOC

    real_write = TOC.write
    monkeypatch.setattr(TOC, "write", lambda self, storage, name: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        Indexer(index_dir).update()
    monkeypatch.setattr(TOC, "write", real_write)
    assert passages(index_dir) == before
    report = Indexer(index_dir).update()
    assert (report.added, report.removed, report.unchanged) == (1, 1, 2)
    assert "Tractors now drive themselves." in passages(index_dir).values()


def test_interrupted_rebuild_keeps_the_live_generation(tmp_path, tiny_corpus, monkeypatch):
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    live = live_generation(index_dir)
    before = passages(index_dir)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(changes, "index_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        Indexer(index_dir).update(rebuild=True)
    assert live_generation(index_dir) == live
    assert sorted(p.name for p in index_dir.glob("gen-*")) == [live.name]
    assert passages(index_dir) == before


def test_leftovers_of_killed_runs_are_cleaned_up(tmp_path, tiny_corpus):
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    live = live_generation(index_dir)
    (index_dir / "gen-000099").mkdir()
    (index_dir / "gen-000099" / "_passages_1.toc").write_text("half")
    (index_dir / "CURRENT.tmp").write_text("gen-000099\n")
    (live / "passages.tmp").mkdir()
    (live / "passages.tmp" / "run.tmp").write_text("x")
    (live / "manifest.json.tmp").write_text("{")
    (live / "_passages_7.toc.1700000000.5").write_text("x")
    (tiny_corpus / "farm.txt").write_text("Farm Report\n\nTractors now drive themselves.\n")
    Indexer(index_dir).update()
    assert sorted(p.name for p in index_dir.iterdir() if p.name.startswith("gen-")) == [live.name]
    assert not (index_dir / "CURRENT.tmp").exists()
    leftovers = [p.name for p in live.iterdir() if ".tmp" in p.name or ".toc." in p.name]
    assert leftovers == []
    assert passages(index_dir, "tractors")


def test_file_that_cannot_be_read_any_more_keeps_its_old_version(tmp_path, tiny_corpus):
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    (tiny_corpus / "tariffs.md").write_bytes(b"\x00\x01binary now\x00" * 100)
    report = Indexer(index_dir).update()
    assert [(Path(s.path).name, s.reason) for s in report.skipped] == [("tariffs.md", "binary file, not text")]
    assert report.unchanged == 3
    assert any("gallium" in t for t in passages(index_dir, "gallium").values())
    (tiny_corpus / "tariffs.md").write_text("Tariffs\n\nThe new tariffs cover soybeans.\n")
    report = Indexer(index_dir).update()  # readable again: updated
    assert report.updated == 1
    assert not passages(index_dir, "gallium")


def _records(path: Path, records: dict[str, str]) -> None:
    import json

    path.write_text("".join(json.dumps({"_id": k, "title": k, "text": v}) + "\n" for k, v in records.items()))


RECORDS = {f"r{i}": f"Record {i} says tractors plough field number {i} in spring." for i in range(6)}


def test_json_lines_file_is_updated_record_by_record(tmp_path, reads, monkeypatch):
    docs = tmp_path / "docs"
    docs.mkdir()
    _records(docs / "c.jsonl", RECORDS)
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([docs])
    before = passages(index_dir, "tractors")
    changed = {**RECORDS, "r1": "Record 1 now says harvesters.", "r9": "A new record about tractors."}
    del changed["r4"]
    _records(docs / "c.jsonl", changed)
    built = []
    import indexer.records as records

    real = records.write_documents

    def spy(writer, key, documents, splitter, problems, *rest):
        documents = list(documents)
        built.extend(raw.id for raw in documents)
        return real(writer, key, documents, splitter, problems, *rest)

    monkeypatch.setattr(records, "write_documents", spy)
    report = Indexer(index_dir).update()
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 1, 1, 4)
    assert sorted(built) == ["r1", "r9"]  # only the new and the changed record were chunked again
    after = passages(index_dir, "tractors OR harvesters")
    for pid, text in before.items():
        if pid.split(":")[0] in ("r0", "r2", "r3", "r5"):
            assert after[pid] == text
    assert {pid.split(":")[0] for pid in after} == {"r0", "r1", "r2", "r3", "r5", "r9"}
    fresh = tmp_path / "fresh"
    Indexer(fresh).update([docs])
    assert passage_count(index_dir) == passage_count(fresh)


def test_json_lines_update_killed_before_its_manifest_converges(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    docs.mkdir()
    _records(docs / "c.jsonl", RECORDS)
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([docs])
    changed = {**RECORDS, "r1": "Record 1 now says harvesters.", "r9": "A new record about tractors."}
    del changed["r4"]
    _records(docs / "c.jsonl", changed)
    real_save = Manifest.save
    monkeypatch.setattr(Manifest, "save", lambda self, folder: (_ for _ in ()).throw(SystemExit("killed")))
    with pytest.raises(SystemExit):
        Indexer(index_dir).update()
    monkeypatch.setattr(Manifest, "save", real_save)
    Indexer(index_dir).update()
    fresh = tmp_path / "fresh"
    Indexer(fresh).update([docs])
    assert passage_count(index_dir) == passage_count(fresh)
    assert passages(index_dir, "tractors OR harvesters") == passages(fresh, "tractors OR harvesters")


def test_files_in_a_folder_that_cannot_be_opened_now_are_kept(tmp_path, tiny_corpus, monkeypatch):
    sub = tiny_corpus / "sub"
    sub.mkdir()
    (sub / "farm.txt").write_text("Farm Report\n\nTractors now drive themselves.\n")
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    import corpus.readers

    real_walk = os.walk

    def walk(top, *args, onerror=None, **kwargs):  # as if `sub` had become unreadable
        for root, dirs, files in real_walk(top, *args, onerror=onerror, **kwargs):
            if "sub" in dirs:
                dirs.remove("sub")
                onerror(PermissionError(13, "Permission denied", str(Path(root) / "sub")))
            yield root, dirs, files

    monkeypatch.setattr(corpus.readers.os, "walk", walk)
    report = Indexer(index_dir).update()
    assert [(Path(s.path).name, s.reason) for s in report.skipped] == [("sub", "cannot open folder: Permission denied")]
    assert (report.removed, report.unchanged) == (0, 4)
    assert passages(index_dir, "tractors")


def test_sentence_model_is_kept_as_json_and_reads_back_the_same(tmp_path):
    from corpus.catalog import bundled_corpus_dir
    from indexer.nltk_internals import params_to_data
    from indexer.sentences import load_params, save_params, span_splitter, train_punkt

    texts = [p.read_text(encoding="utf-8") for p in sorted(bundled_corpus_dir().glob("*.txt"))]
    trained = train_punkt(texts)
    save_params(trained, tmp_path / "punkt.json")
    loaded = load_params(tmp_path / "punkt.json")
    assert params_to_data(loaded) == params_to_data(trained)
    assert loaded.abbrev_types and loaded.collocations and loaded.ortho_context  # something was learnt
    split_trained, split_loaded = span_splitter(trained), span_splitter(loaded)
    for text in texts:
        assert split_loaded(text) == split_trained(text)


@pytest.mark.slow
def test_an_index_whose_sentence_model_is_a_pickle_still_updates(tmp_path, tiny_corpus):
    """Indexes made before the model was kept as JSON have punkt.pickle; they stay usable (and get checksums)."""
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    generation = live_generation(index_dir)
    # Pickled by NLTK's own class, as the old code did (in a process that imports NLTK whole).
    script = ("import json, pickle, sys\n"
              "from nltk.tokenize.punkt import PunktParameters\n"
              "data = json.load(open(sys.argv[1]))\n"
              "p = PunktParameters()\n"
              "p.abbrev_types = set(data['abbrev_types']) | {'farmr'}\n"
              "p.collocations = {tuple(c) for c in data['collocations']}\n"
              "p.sent_starters = set(data['sent_starters'])\n"
              "p.ortho_context.update(data['ortho_context'])\n"
              "open(sys.argv[2], 'wb').write(pickle.dumps(p))\n")
    run_fresh_python(script, str(generation / "punkt.json"), str(generation / "punkt.pickle"))
    (generation / "punkt.json").unlink()
    (generation / "checksums.json").unlink()  # (nor had they checksums)
    (tiny_corpus / "farm.txt").write_text("Farm Report\n\nAsk Farmr. Tractors now drive themselves.\n")
    assert Indexer(index_dir).update().added == 1
    assert (generation / "checksums.json").exists()
    assert list(passages(index_dir, "tractors").values()) == ["Ask Farmr. Tractors now drive themselves."]
    from whoosh import index

    ix = index.open_dir(str(generation), indexname="passages")
    with ix.searcher() as s:
        stored = s.document(document="farm")
    # One sentence: "Farmr." is an abbreviation only in the pickled model.
    assert stored["sentences"] == [[0, 41]]


def test_document_ids_repeated_in_a_file_or_across_files(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    lines = [{"_id": "x", "title": "First", "text": "Tractors plough the northern fields."},
             {"_id": "x", "title": "Again", "text": "Harvesters cut the southern wheat."},
             {"_id": "y", "title": "Other", "text": "Tractors need diesel."}]
    (docs / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    (docs / "b.jsonl").write_text(json.dumps({"_id": "y", "title": "Elsewhere", "text": "Tractors rust."}) + "\n",
                                  encoding="utf-8")
    index_dir = tmp_path / "ix"
    report = Indexer(index_dir).update([docs])
    # The second "x" of a.jsonl is skipped; b.jsonl's "y" is kept under an id of its own.
    assert [s.reason for s in report.skipped] == ["duplicate document id 'x' in this file"]
    found = passages(index_dir, "tractors OR harvesters")
    ids = sorted({pid.split(":")[0] for pid in found})
    assert ids[:2] == ["x", "y"] and len(ids) == 3 and ids[2].startswith("y~")
    assert not any("Harvesters" in text for text in found.values())
    again = Indexer(index_dir).update()
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 3)
    assert passages(index_dir, "tractors OR harvesters") == found  # the same ids, run after run
