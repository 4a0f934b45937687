"""Metadata beside the documents: a file's `.meta.json`, a folder's `catalog.json` or `catalog.toml`."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.catalog import lookup
from corpus.readers import Note, read_file
from corpus.structure import build_document

TEXT = "Chip Rules\n\nExport controls tightened in 2022 and again in 2023.\n"


def read_one(path: Path):
    items = list(read_file(path))
    docs = [i for i in items if not isinstance(i, Note)]
    assert len(docs) == 1
    return docs[0], [i for i in items if isinstance(i, Note)]


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "report.md"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_a_files_own_sidecar_sets_its_metadata(report):
    report.with_name("report.md.meta.json").write_text(json.dumps({
        "title": "Chip Rules Revisited", "authors": ["Ada Lovelace", "Alan Turing"], "date": "2023-04",
        "publisher": "Example Institute", "url": "https://example.org/chips", "type": "report",
    }), encoding="utf-8")
    raw, notes = read_one(report)
    assert not notes
    doc = build_document(raw)
    assert (doc.title, doc.authors, doc.date, doc.publisher, doc.url) == (
        "Chip Rules Revisited", ("Ada Lovelace", "Alan Turing"), "2023-04", "Example Institute",
        "https://example.org/chips")
    assert doc.publication.type == "report"


def test_a_folder_catalog_applies_by_file_name_or_id_and_the_files_own_sidecar_wins(report):
    (report.parent / "catalog.json").write_text(json.dumps({
        "report.md": {"publisher": "Folder Press", "authors": "Grace Hopper; Alan Turing", "type": "blog-post",
                      "container_title": "Folder Blog"},
    }), encoding="utf-8")
    report.with_name("report.md.meta.json").write_text('{"publisher": "Own Press"}', encoding="utf-8")
    doc = build_document(read_one(report)[0])
    assert doc.publisher == "Own Press"
    assert doc.authors == ("Grace Hopper", "Alan Turing")
    assert doc.publication.type == "post-weblog"
    assert doc.publication.container_title == "Folder Blog"


def test_a_toml_catalog_keyed_by_document_id(report):
    pytest.importorskip("tomllib")
    (report.parent / "catalog.toml").write_text(
        '[report]\ntitle = "From TOML"\nauthors = ["Ada Lovelace"]\ndate = 2021\n', encoding="utf-8")
    doc = build_document(read_one(report)[0])
    assert (doc.title, doc.authors) == ("From TOML", ("Ada Lovelace",))


@pytest.mark.parametrize("content, reason", [
    ("{not json", "not valid JSON"),
    ('{"titel": "typo"}', "unknown key 'titel'"),
    ('{"date": "last spring"}', "is not YYYY, YYYY-MM or YYYY-MM-DD"),
    ('{"type": "poem-cycle"}', "unknown type 'poem-cycle'"),
    ('{"season": "Monsoon"}', "season 'Monsoon' is not Spring, Summer, Autumn or Winter"),
    ('{"authors": 3}', "'authors' must be a list of names"),
    ('["a list"]', "expected an object"),
])
def test_a_sidecar_that_cannot_be_used_is_reported_and_the_document_still_read(report, content, reason):
    sidecar = report.with_name("report.md.meta.json")
    sidecar.write_text(content, encoding="utf-8")
    raw, notes = read_one(report)
    assert raw.id == "report" and "Export controls tightened in 2022" in raw.text
    (note,) = notes
    assert str(sidecar) in note.reason and reason in note.reason


def test_files_without_sidecars_are_read_as_before(report):
    raw, notes = read_one(report)
    assert not notes and raw.title == "" and raw.publisher == ""


def test_the_bundled_catalog_knows_where_each_report_was_published():
    assert lookup("002_446d59fd56c55b2a").url == "https://www.cnas.org/publications/reports/understanding-chinas-ai-strategy"
    volume = lookup("000_5c84af78ccbbd290")
    assert volume.publication.editors == ("Graham Webster",)
    assert volume.publication.series == "Special Report No. 1"
    assert lookup("004_b9cf0838e2274f89").publication.container_title == "China Leadership Monitor"
    assert lookup("003_a0df248dcbd8bf15").authors == ()


def test_json_lines_records_carry_url_and_publisher(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"_id": "a", "text": "Some text.", "url": "https://x.org/a", "publisher": "X Press"}) + "\n",
                    encoding="utf-8")
    (doc,) = [d for d in read_file(path) if not isinstance(d, Note)]
    assert (doc.url, doc.publisher) == ("https://x.org/a", "X Press")


def test_a_scholarly_pages_highwire_tags_say_which_journal_and_the_citation_uses_them(tmp_path):
    from corpus.citation import Source, csl_item, render

    page = tmp_path / "article.html"
    page.write_text("""<html><head><title>Chip Rules</title>
      <meta name="citation_title" content="Chip Rules and Their Limits">
      <meta name="citation_author" content="Lovelace, Ada">
      <meta name="citation_publication_date" content="2022/03/01">
      <meta name="citation_journal_title" content="Journal of Examples">
      <meta name="citation_volume" content="12"><meta name="citation_issue" content="3">
      </head><body><main><h1>Chip Rules and Their Limits</h1>
      <p>Export controls on chips tightened in 2022 and again in 2023, and this paper asks why.</p>
      </main></body></html>""", encoding="utf-8")
    doc = build_document(read_one(page)[0])
    assert doc.publication.container_title == "Journal of Examples"
    assert (doc.publication.type, doc.publication.volume, doc.publication.issue) == ("article-journal", "12", "3")
    item = csl_item(Source(doc.id, doc.title, doc.authors, doc.date, doc.publisher, doc.url, doc.publication))
    assert render(item, "chicago").text == ("Lovelace, Ada. “Chip Rules and Their Limits.” "
                                            "Journal of Examples 12, no. 3 (2022).")


def test_markdown_front_matter_gives_publisher_and_url(tmp_path):
    note = tmp_path / "note.md"
    note.write_text("---\ntitle: Chip Rules\nauthor: Ada Lovelace\ndate: 2023-04-02\npublisher: Example Institute\n"
                    "url: https://example.org/chip-rules\n---\n\nExport controls tightened in 2022.\n", encoding="utf-8")
    doc = build_document(read_one(note)[0])
    assert (doc.title, doc.authors, doc.date) == ("Chip Rules", ("Ada Lovelace",), "2023-04-02")
    assert (doc.publisher, doc.url) == ("Example Institute", "https://example.org/chip-rules")
