"""Issue 19's smaller points, each through the public interfaces: private files, wildcard cost,
untrackable sources, and text that must not be lost (BOM, CR and CRLF line ends, repeated lines)."""
from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import Indexer
from searcher import BadQuery, Searcher
from searcher.cli.commands import cli


def run_cli(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def texts(index_dir: Path, query: str) -> list[str]:
    with Searcher(index_dir) as searcher:
        return [hit.text for hit in searcher.search(query, limit=50)]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_new_index_is_private_to_its_owner(tmp_path, tiny_corpus):
    old = os.umask(0o022)  # a umask that would leave files readable by everyone
    try:
        index_dir = tmp_path / "ix"
        Indexer(index_dir).update([tiny_corpus])
    finally:
        os.umask(old)
    assert stat.S_IMODE(index_dir.stat().st_mode) == 0o700
    for path in index_dir.rglob("*"):
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_files_follow_a_folder_the_owner_opened_to_the_group(tmp_path, tiny_corpus):
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    index_dir.chmod(0o750)
    (tiny_corpus / "farm.txt").write_text("Farm\n\nTractors plough fields.\n")
    Indexer(index_dir).update()
    for path in index_dir.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o007 == 0, path  # never readable by others
    new = [p for p in index_dir.rglob("*.seg")]
    assert new and all(stat.S_IMODE(p.stat().st_mode) == 0o640 for p in new)


def test_wildcards_that_stand_for_too_many_words_are_refused(tmp_path, monkeypatch):
    import searcher.query

    docs = tmp_path / "docs"
    docs.mkdir()
    words = " ".join(f"w{n:03d}a" for n in range(300))
    (docs / "many.txt").write_text(f"Many Words\n\n{words}.\n")
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([docs])
    monkeypatch.setattr(searcher.query, "MAX_EXPANDED_WORDS", 200)
    with Searcher(index_dir) as s:
        assert s.search("w00*")  # 10 words: fine
        with pytest.raises(BadQuery, match="more than 200 words"):
            s.search("*a*")
        with pytest.raises(BadQuery, match="more than 200 words"):
            s.search("w0* OR w1* OR w2*")
    result = run_cli("search", "*a* *e*", "--index", index_dir)
    assert result.exit_code == 2 and "make them longer" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_source_that_can_never_be_read_is_not_tracked(tmp_path, tiny_corpus):
    index_dir = tmp_path / "ix"
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    report = Indexer(index_dir).update([tiny_corpus, fifo])
    assert any(s.path == str(fifo) and "not tracked" in s.reason for s in report.skipped)
    sources = json.loads((index_dir / "sources.json").read_text())["sources"]
    assert str(fifo) not in sources and len(sources) == 1
    # A tracked file that has become a pipe is dropped with a note, and stays dropped after --rebuild.
    notes = tmp_path / "notes.txt"
    notes.write_text("Notes\n\nTractors plough fields.\n")
    Indexer(index_dir).update([notes])
    notes.unlink()
    os.mkfifo(notes)
    report = Indexer(index_dir).update()
    assert any(s.path == str(notes) and "no longer tracked" in s.reason for s in report.skipped)
    report = Indexer(index_dir).update(rebuild=True)
    assert str(notes) not in json.loads((index_dir / "sources.json").read_text())["sources"]
    assert not any(str(notes) == s.path for s in report.skipped)


def test_a_json_lines_file_with_a_byte_order_mark_keeps_its_first_record(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bom.jsonl").write_bytes(
        b'\xef\xbb\xbf{"_id": "bom-1", "text": "Balers bind the straw."}\n'
        b'{"_id": "bom-2", "text": "Drones spray the crops."}\n')
    report = Indexer(tmp_path / "ix").update([docs])
    assert report.added == 2 and not report.skipped
    assert texts(tmp_path / "ix", "balers") == ["Balers bind the straw."]


BOM = b"\xef\xbb\xbf"


def _four_formats(ending: str) -> dict[str, str]:
    """A text, Markdown, HTML and JSON Lines file, each with its own word, lines ended by `ending`."""
    e = ending
    return {
        "report.txt": e.join(["Field Report", "", "Tractors work the fields in the north.", "Harvest comes in autumn.",
                              "", "Weather", "", "Rain fell on the wheat near the tractors."]) + e,
        "notes.md": e.join(["# Notes", "", "Combines work the fields in the north.", "Harvest comes in autumn.", "",
                            "## Weather", "", "Rain fell on the wheat near the combines."]) + e,
        "page.html": e.join(["<!DOCTYPE html>", "<html><head><title>Page</title></head><body>", "<h1>Page</h1>",
                             "<p>Balers work the fields", "in the north.</p>", "<h2>Weather</h2>",
                             "<p>Rain fell on the wheat near the balers.</p>", "</body></html>"]) + e,
        "records.jsonl": e.join([json.dumps({"_id": "j1", "title": "Drones", "text": "Drones work the fields."}),
                                 json.dumps({"_id": "j2", "title": "Sprayers", "text": "Sprayers work the fields."})]) + e,
    }


@pytest.mark.parametrize("bom", [False, True], ids=["", "bom"])
@pytest.mark.parametrize("ending", ["\n", "\r", "\r\n"], ids=["lf", "cr", "crlf"])
def test_every_format_reads_whole_with_any_line_end_and_a_byte_order_mark(tmp_path, ending, bom):
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in _four_formats(ending).items():
        (docs / name).write_bytes((BOM if bom else b"") + text.encode())
    report = Indexer(tmp_path / "ix").update([docs])
    assert report.added == 5 and not report.skipped and not report.notes, report
    with Searcher(tmp_path / "ix") as searcher:
        assert sorted(d.title for d in searcher.documents()) == ["Drones", "Field Report", "Notes", "Page", "Sprayers"]
        for word in ("tractors", "combines", "balers", "drones", "sprayers"):
            hits = searcher.search(word)
            assert hits and all("\r" not in h.text and "\ufeff" not in h.text + h.title for h in hits), (word, hits)
        for word in ("tractors", "combines", "balers"):  # the second section, after the line ends, too
            assert any(f"near the {word}." in h.text for h in searcher.search(word)), word


@pytest.mark.parametrize("name, content", [
    ("report.txt.meta.json", '{"authors": ["Ada Lovelace"]}'),
    ("catalog.json", '{"report.txt": {"authors": ["Ada Lovelace"]}}'),
    ("catalog.toml", '["report.txt"]\r\nauthors = ["Ada Lovelace"]\r\n'),
    ("catalog.toml", '["report.txt"]\rauthors = ["Ada Lovelace"]\r'),
])
def test_a_sidecar_with_a_byte_order_mark_or_cr_line_ends_is_read(tmp_path, name, content):
    if name.endswith(".toml"):
        pytest.importorskip("tomllib")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "report.txt").write_text("Field Report\n\nTractors work the fields.\n")
    (docs / name).write_bytes(BOM + content.encode())
    report = Indexer(tmp_path / "ix").update([docs])
    assert report.added == 1 and not report.skipped and not report.notes, report
    with Searcher(tmp_path / "ix") as searcher:
        assert searcher.search("tractors")[0].authors == ("Ada Lovelace",)


@pytest.mark.parametrize("ending", ["\r", "\r\n"])
def test_cr_and_crlf_line_ends_read_everywhere(tmp_path, ending):
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, head, word in (("report.txt", "Field Report", "Tractors"), ("notes.md", "# Notes", "Combines")):
        body = [head, "", f"{word} work the fields in the north.", "Harvest comes in autumn.", "",
                "## Weather", "", f"Rain fell on the wheat near the {word.lower()}."]
        (docs / name).write_bytes(ending.join(body).encode() + ending.encode())
    report = Indexer(tmp_path / "ix").update([docs])
    assert report.added == 2 and not report.skipped
    for word in ("Tractors", "Combines"):
        found = texts(tmp_path / "ix", word)
        assert any(f"{word} work the fields in the north." in t for t in found), found
        assert any(f"Rain fell on the wheat near the {word.lower()}." in t for t in found), found
        assert all("\r" not in t for t in found)


@pytest.mark.parametrize("name", ["chorus.txt", "chorus.md", "chorus.html", "chorus.jsonl"])
def test_a_repeated_short_line_is_kept(tmp_path, name):
    docs = tmp_path / "docs"
    docs.mkdir()
    lines = ["We shall overcome.", "The river runs deep.", "We shall overcome.", "The night is long.",
             "We shall overcome."]
    if name.endswith(".html"):
        body = "".join(f"<p>{line}</p>\n" for line in lines)
        text = f"<html><head><title>Song</title></head><body><h1>Song</h1>\n{body}</body></html>\n"
    elif name.endswith(".jsonl"):
        text = json.dumps({"_id": "song", "title": "Song", "text": "\n".join(lines)}) + "\n"
    else:
        text = ("# Song" if name.endswith(".md") else "Song") + "\n\n" + "\n".join(lines) + "\n"
    (docs / name).write_text(text)
    Indexer(tmp_path / "ix").update([docs])
    assert sum(t.count("We shall overcome.") for t in texts(tmp_path / "ix", "overcome")) == 3


def test_a_full_disk_during_the_commit_leaves_no_partial_files(tmp_path, tiny_corpus, monkeypatch):
    import errno

    from whoosh.index import TOC

    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    generation = index_dir / (index_dir / "CURRENT").read_text().strip()
    before = sorted(p.name for p in generation.iterdir())
    (tiny_corpus / "farm.txt").write_text("Farm Report\n\n" + "Tractors plough the fields. " * 200 + "\n")

    def disk_full(self, storage, indexname):
        (generation / f"_{indexname}_{self.generation}.toc.123.4").write_bytes(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(TOC, "write", disk_full)
    result = run_cli("index", "--index", index_dir)
    assert result.exit_code == 2 and "No space left on device" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"corpus-search: error: cannot write the index at {index_dir}: No space left on device")  # (after "Indexing")
    assert sorted(p.name for p in generation.iterdir()) == before  # the new segment and the partial TOC gone
    # The library's error is the package's, and an OSError with its errno still.
    from corpus.errors import CorpusSearchError

    with pytest.raises(CorpusSearchError, match="No space left on device") as raised:
        Indexer(index_dir).update()
    assert isinstance(raised.value, OSError) and raised.value.errno == errno.ENOSPC
    assert sorted(p.name for p in generation.iterdir()) == before
    monkeypatch.undo()
    assert run_cli("check", "--index", index_dir).exit_code == 0
    assert Indexer(index_dir).update().added == 1


@pytest.mark.loses_text
def test_a_document_with_text_but_no_passages_is_reported_not_added(tmp_path, monkeypatch):
    # A cleaning step that leaves nothing of a text with words in it (in a user's
    # record "12" alone is content, kept since issue 11: a step that still removes
    # everything is a bug) shows as a skip, never as a document "added" with no passages.
    import corpus.structure

    real = corpus.structure.clean_text
    monkeypatch.setattr(corpus.structure, "clean_text",
                        lambda text, exported=True: "" if "Page" in text else real(text, exported=exported))
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "recs.jsonl").write_text('{"_id": "r1", "text": "Page 12"}\n'
                                     '{"_id": "r2", "text": "Tractors plough fields."}\n')
    report = Indexer(tmp_path / "ix").update([docs])
    assert report.added == 1
    assert [s.reason for s in report.skipped] == ["document 'r1' has text but gave no passages "
                                                  "(its cleaning left nothing)"]


def test_a_phrase_on_a_field_without_positions_is_its_words_not_a_whoosh_error(tiny_index):
    """`author:"Ada Lovelace"` gave "cannot run the query ...: Phrase search: 'author' field has no positions",
    after a note that `author:` had no term."""
    for query in ('author:"Ada Lovelace"', 'robots author:"ada lovelace"'):
        result = run_cli("search", query, "--index", tiny_index)
        assert result.exit_code == 0 and result.stderr == "", (query, result.output)
        assert "robots-1:1" in result.stdout
    result = run_cli("search", 'author:"Ada Babbage"', "--index", tiny_index)
    assert result.exit_code == 1 and "error" not in result.stderr and "no term" not in result.stderr, result.stderr


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_a_repeated_line_of_body_type_is_kept_in_laid_out_documents(tmp_path, kind):
    """A pull quote in a PDF is a box or large type repeating the body; a chorus in body type is content."""
    lines = ["We shall overcome.", "The river runs deep and the water is cold today.", "We shall overcome.",
             "The night is long and the stars are out again.", "We shall overcome."]
    intro = "This is a song that people sang in the valley for many years, written here as it was sung. " * 3
    docs = tmp_path / "docs"
    docs.mkdir()
    if kind == "pdf":
        from reportlab.lib.styles import getSampleStyleSheet
        from reportlab.platypus import Paragraph, SimpleDocTemplate

        styles = getSampleStyleSheet()
        story = [Paragraph("Song of the River", styles["Title"]), Paragraph(intro, styles["BodyText"])]
        story += [Paragraph(line, styles["BodyText"]) for line in lines] + [Paragraph(intro, styles["BodyText"])]
        SimpleDocTemplate(str(docs / "song.pdf")).build(story)
    else:
        from docx import Document as WordDocument

        word = WordDocument()
        word.add_heading("Song of the River", 0)
        for paragraph in [intro, *lines, intro]:
            word.add_paragraph(paragraph)
        word.save(str(docs / "song.docx"))
    report = Indexer(tmp_path / "ix").update([docs])
    assert report.added == 1 and not report.skipped, report
    assert sum(t.count("We shall overcome.") for t in texts(tmp_path / "ix", "overcome")) == 3


@pytest.mark.parametrize("pages_between, copies", [(1, 1), (5, 2)])
def test_a_sentence_in_large_type_is_a_pull_quote_only_near_its_copy_in_the_body(tmp_path, pages_between, copies):
    """Large type repeating the body on its page or within two pages of it is a pull quote (dropped);
    the same words five pages on are not provably one, and are kept."""
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    large = ParagraphStyle("quote", parent=styles["BodyText"], fontSize=16, leading=20)
    sentence = "Provinces that fund young engineers keep them longer than provinces that only build laboratories."

    def filler(n: int) -> str:
        return f"Page {n} talks about its own matters, such as rivers number {n} and bridges number {n}. " * 6

    story = [Paragraph("Funding Engineers", styles["Title"]),
             Paragraph(f"{filler(0)} {sentence} {filler(0)}", styles["BodyText"])]
    for n in range(1, pages_between + 1):
        story += [PageBreak(), Paragraph(filler(n), styles["BodyText"]), Paragraph(filler(n + 100), styles["BodyText"])]
    story += [Paragraph(sentence, large), Paragraph(filler(999), styles["BodyText"])]
    docs = tmp_path / "docs"
    docs.mkdir()
    SimpleDocTemplate(str(docs / "funds.pdf")).build(story)
    assert Indexer(tmp_path / "ix").update([docs]).added == 1
    with Searcher(tmp_path / "ix") as searcher:
        hits = searcher.search('"fund young engineers"', limit=20)
        assert sum(h.text.count(sentence) + h.section.count(sentence) for h in hits) == copies


@pytest.mark.parametrize("rebuild", [False, True], ids=["update", "rebuild"])
@pytest.mark.parametrize("writes", [5, 200])
def test_a_full_disk_while_segments_are_written_leaves_nothing_behind(tmp_path, tiny_corpus, monkeypatch,
                                                                      rebuild, writes):
    import errno

    import whoosh.filedb.structfile

    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([tiny_corpus])
    before = sorted(p.relative_to(index_dir) for p in index_dir.rglob("*"))
    (tiny_corpus / "farm.txt").write_text("Farm Report\n\n" + "Tractors plough the fields. " * 2000 + "\n")
    real, count = whoosh.filedb.structfile.StructFile.write, [0]

    def write(self, data):
        count[0] += 1
        if count[0] > writes:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(whoosh.filedb.structfile.StructFile, "write", write)
    result = run_cli("index", *(["--rebuild"] if rebuild else []), "--index", index_dir)
    assert result.exit_code == 2 and "No space left on device" in result.stderr, result.output
    assert count[0] > writes  # (the disk did fill)
    assert sorted(p.relative_to(index_dir) for p in index_dir.rglob("*")) == before
    monkeypatch.undo()
    assert run_cli("check", "--index", index_dir).exit_code == 0


def test_a_huge_context_gives_the_whole_document_and_reads_no_further(tiny_index, monkeypatch):
    """`show ID --context 1000000000000` looked up every number up to a trillion (it never ended)."""
    import whoosh.searching

    looked_up = [0]
    document = whoosh.searching.Searcher.document

    def counted(self, **kw):
        looked_up[0] += 1
        return document(self, **kw)

    monkeypatch.setattr(whoosh.searching.Searcher, "document", counted)
    with Searcher(tiny_index) as searcher:
        context = searcher.context("tariffs:1", 10**12)
    assert [p.id for p in context.passages] == ["tariffs:1", "tariffs:2"] and context.focus == 0
    assert looked_up[0] <= 5  # (the passage, its neighbour, the first number past the end)
    monkeypatch.undo()
    result = run_cli("show", "tariffs:2", "--context", str(10**12), "--index", tiny_index)
    assert result.exit_code == 0 and "tariffs:1" in result.stdout
