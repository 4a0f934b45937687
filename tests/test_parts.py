"""A long text built part by part gives the passages of one built whole (issue 18: memory)."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from corpus import structure
from indexer import Indexer, parts
from indexer.layout import INDEX_NAME, current_generation
from searcher import Searcher

WORDS = ("policy export control chip semiconductor talent program university research state council "
         "plan industry robot factory data model network security standard market").split()


def long_text(paragraphs: int = 300, seed: int = 7) -> str:
    """Paragraphs of 3 to 120 words under headings now and then, some headings back to back."""
    rng = random.Random(seed)
    out = ["Plans For Industry", ""]
    for n in range(paragraphs):
        if n % 23 == 4:
            out += [f"Heading Number {n}", ""]
            if n % 3 == 0:
                out += [f"Another Heading {n}", ""]
        words = rng.choice([3, 12, 30, 60, 120])
        sentences = []
        while sum(len(s.split()) for s in sentences) < words:
            sentences.append(" ".join(rng.choices(WORDS, k=rng.randint(3, 14))).capitalize() + ".")
        out += [" ".join(sentences), ""]
    return "\n".join(out)


def stored(index_dir: Path) -> dict[str, dict]:
    """Every passage of an index, all its stored fields, by id."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(current_generation(index_dir)), indexname=INDEX_NAME)
    with ix.searcher() as s:
        return {f["id"]: f for f in s.all_stored_fields()}


def build(tmp_path: Path, name: str, source: Path, part_chars: int, monkeypatch, jobs: int = 1):
    monkeypatch.setattr(parts, "PART_CHARS", part_chars)
    monkeypatch.setattr(parts, "WHOLE_CHARS", 0)
    index_dir = tmp_path / name
    report = Indexer(index_dir).update([source], jobs=jobs)
    return index_dir, report


def test_parts_cut_at_paragraph_ends_and_lose_nothing():
    text = long_text()
    pieces = list(parts.text_parts(text, 4000))
    assert len(pieces) > 10 and "".join(pieces) == text
    assert all(len(p) <= 4000 for p in pieces)
    assert all(p.endswith("\n\n") for p in pieces[:-1])


def test_a_text_without_white_space_is_cut_between_characters():
    text = "x" * 10_001
    assert [len(p) for p in parts.text_parts(text, 4000)] == [4000, 4000, 2001]


@pytest.mark.parametrize("suffix", ["txt", "jsonl"])
def test_a_text_in_parts_gives_the_passages_of_a_whole_one(tmp_path, monkeypatch, suffix):
    text = long_text()
    source = tmp_path / f"plans.{suffix}"
    if suffix == "jsonl":
        source.write_text(json.dumps({"_id": "plans", "title": "Plans", "text": text}) + "\n", encoding="utf-8")
    else:
        source.write_text(text, encoding="utf-8")
    built = []
    real = structure.continue_document
    monkeypatch.setattr(structure, "continue_document", lambda *a, **k: built.append(1) or real(*a, **k))
    whole, _ = build(tmp_path, "whole", source, 10**9, monkeypatch)
    assert not built
    split, report = build(tmp_path, "split", source, 3000, monkeypatch)
    assert len(built) > 10  # (built in parts indeed)
    a, b = stored(whole), stored(split)
    assert len(a) > 100 and report.passages == len(b)
    assert a == b  # ids, ordinals, offsets, sections, sentence spans, the document's record
    sections = {f["section"] for f in b.values()}
    assert {"Heading Number 4", "Another Heading 27", "Heading Number 27"} <= sections


def test_searches_find_the_same_hits_across_part_ends(tmp_path, monkeypatch):
    source = tmp_path / "plans.txt"
    source.write_text(long_text(), encoding="utf-8")
    whole, _ = build(tmp_path, "whole", source, 10**9, monkeypatch)
    split, _ = build(tmp_path, "split", source, 3000, monkeypatch)
    # The first words of each part (a phrase that starts a paragraph after a part's end).
    starts = [" ".join(p.split()[:3]) for p in parts.text_parts(long_text(), 3000)][1:]
    with Searcher(whole) as one, Searcher(split) as two:
        for phrase in starts[:8] + ["semiconductor talent", "Heading Number 96"]:
            query = f'"{phrase}"'
            hits = [(h.id, h.score) for h in two.search(query, limit=20)]
            assert hits and hits == [(h.id, h.score) for h in one.search(query, limit=20)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_part_that_fails_skips_the_whole_document(tmp_path, monkeypatch, jobs):
    from indexer import parallel

    monkeypatch.setattr(parallel, "MIN_PARALLEL_CHARS", 0)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "plans.txt").write_text(long_text(), encoding="utf-8")
    (docs / "short.txt").write_text("Robots weld car bodies in Guangdong factories.\n", encoding="utf-8")
    calls = []
    real = structure.continue_document

    def fails_third_time(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise ValueError("a cleaning step choked")
        return real(*args, **kwargs)

    monkeypatch.setattr(structure, "continue_document", fails_third_time)
    index_dir, report = build(tmp_path, "index", docs, 3000, monkeypatch, jobs=jobs)
    assert [s.document for s in report.skipped] == ["plans"]
    assert "a cleaning step choked" in report.skipped[0].reason
    assert {f["document"] for f in stored(index_dir).values()} == {"short"}


def test_with_workers_a_text_in_parts_is_written_the_same(tmp_path, monkeypatch):
    from indexer import parallel

    monkeypatch.setattr(parallel, "MIN_PARALLEL_CHARS", 0)
    monkeypatch.setattr(parallel, "BATCH_CHARS", 100)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "plans.txt").write_text(long_text(), encoding="utf-8")
    for n in range(4):
        (docs / f"short-{n}.txt").write_text(f"Robots weld car bodies in factory {n}.\n", encoding="utf-8")
    one, _ = build(tmp_path, "one", docs, 3000, monkeypatch, jobs=1)
    two, report = build(tmp_path, "two", docs, 3000, monkeypatch, jobs=2)
    assert report.added == 5 and report.passages == len(stored(two))
    assert stored(one) == stored(two)


def test_the_bounds_on_a_text_and_a_record_are_reported(tmp_path, monkeypatch):
    from corpus import readers

    monkeypatch.setattr(readers, "MAX_TEXT_BYTES", 2 * 2**20)
    monkeypatch.setattr(readers, "MAX_MARKUP_BYTES", 2**20)
    monkeypatch.setattr(readers, "MAX_LINE_BYTES", 2**20)
    text = tmp_path / "long.txt"
    text.write_text("Words of a long text.\n\n" * 150_000, encoding="utf-8")  # 3.3 MB
    items = list(readers.read_file(text))
    assert [n.reason for n in items if isinstance(n, readers.Note)] == [
        "longer than 2 MB; the rest was not indexed"]
    assert len(items[-1].text) == 2 * 2**20
    page = tmp_path / "long.md"
    page.write_text("Words of a long page.\n\n" * 150_000, encoding="utf-8")
    assert any(isinstance(n, readers.Note) and "longer than 1 MB" in n.reason for n in readers.read_file(page))
    records = tmp_path / "records.jsonl"
    lines = [{"_id": "a", "text": "short"}, {"_id": "b", "text": "x " * 600_000}, {"_id": "c", "text": "also"}]
    records.write_text("".join(json.dumps(r) + "\r\n" for r in lines), encoding="utf-8")
    items = list(readers.read_file(records))
    assert [d.id for d in items if isinstance(d, readers.RawDocument)] == ["a", "c"]
    assert [s.reason for s in items if not isinstance(s, readers.RawDocument)] == ["line 2: longer than 1 MB"]


def test_a_text_without_line_breaks_keeps_every_word_in_order(tmp_path, monkeypatch):
    rng = random.Random(3)
    text = " ".join(rng.choices(WORDS, k=20_000))  # one paragraph, no sentence end
    source = tmp_path / "flat.txt"
    source.write_text(text, encoding="utf-8")
    index_dir, report = build(tmp_path, "index", source, 20_000, monkeypatch)
    passages = sorted(stored(index_dir).values(), key=lambda f: f["ordinal"])
    assert [f["ordinal"] for f in passages] == list(range(1, len(passages) + 1))
    assert [w for f in passages for w in f["text"].split()] == text.split()
    assert all(a["end"] <= b["start"] for a, b in zip(passages, passages[1:]))
