"""Documents users add, read the way they were written: the real-document set in tests/data/docs.

Every file is indexed with `Indexer` and read back through `Searcher`, as a
user would.  The word rule: every word of a document's content (its
rendered text less the chrome that tests/data/expected.json names) appears,
character for character after NFKC, in its passages (text, section,
title or authors).  Then each file's expected yield: title, sections,
phrases found, strings that must not appear.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

import pytest
from click.testing import CliRunner

from docset import DOCS, document_ids, load_expected, reference_text, words
from indexer import Indexer
from searcher import PassageNotFound, Searcher
from searcher.cli import cli

EXPECTED = load_expected()
FILES = sorted(p for p in DOCS.iterdir() if p.name in EXPECTED)


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docset")
    report = Indexer(folder / "ix").update([DOCS])
    return folder / "ix", report


@pytest.fixture(scope="module")
def passages(index):
    """Every passage of every document, in order, as `Searcher.get` gives it."""
    found = {}
    with Searcher(index[0]) as s:
        for path in FILES:
            for doc_id in document_ids(path):
                hits, n = [], 1
                while True:
                    try:
                        hits.append(s.get(f"{doc_id}:{n}"))
                    except PassageNotFound:
                        break
                    n += 1
                found[doc_id] = hits
    return found


def _file_passages(passages, path):
    return [h for doc_id in document_ids(path) for h in passages[doc_id]]


def test_the_set_is_real_and_large_enough():
    assert len(FILES) >= 40
    assert {p.suffix for p in FILES} >= {".html", ".md", ".txt", ".jsonl"}
    assert len([p for p in FILES if p.suffix == ".html"]) >= 20
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    for path in FILES:  # each file's origin and licence are written down
        assert path.name in readme, path.name


def test_every_document_is_indexed(index, passages):
    _, report = index
    assert report.skipped == ()
    assert report.added == sum(len(document_ids(p)) for p in FILES)
    for path in FILES:
        for doc_id in document_ids(path):
            assert passages[doc_id], doc_id


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_word_of_the_content_is_in_the_passages(passages, path):
    reference = words(reference_text(path, EXPECTED[path.name]))
    kept = Counter()
    for hit in _file_passages(passages, path):
        kept.update(words(" ".join([hit.text, hit.section, hit.title, *hit.authors])))
    lost = sorted(w for w in reference if w not in kept)
    assert not lost, f"{len(lost)} words lost: {lost[:20]}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_document_yields_what_is_expected(passages, path):
    spec = EXPECTED[path.name]
    hits = _file_passages(passages, path)
    assert hits[0].title == spec["title"]
    sections = {h.section for h in hits}
    for section in spec["sections"]:
        assert section in sections, section
    texts = [_normal(h.text) for h in hits]
    for phrase in spec["phrases"]:
        assert any(_normal(phrase) in t for t in texts), phrase
    everything = "\n".join(h.text + "\n" + h.section for h in hits)
    for unwanted in spec["absent"]:
        assert unwanted not in everything, unwanted


# The words the issue found cut, lost or changed, with the document each is in.
EXACT = [
    ("httplib2", "md-httplib2-readme"),
    ("httplib2", "httplib2-intro"),
    ("sha256", "md-pip-repeatable-installs"),
    ("sha256", "pip-hash"),
    ("AArch64", "md-zstd-testing"),
    ("AArch64", "zstd-testing-short"),
    ("www-data", "docbook-base-passwd-users-and-groups"),
    ("superuser", "docbook-base-passwd-users-and-groups"),
    ("FFI_BAD_TYPEDEF", "texinfo-libffi-size-and-alignment"),
]


@pytest.mark.parametrize("word, document", EXACT)
def test_words_are_found_and_shown_exactly_as_written(index, word, document):
    with Searcher(index[0]) as s:
        hits = s.search(f'"{word}"', document=document, limit=3)
    assert hits, word
    assert re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", hits[0].text)
    shown = CliRunner().invoke(cli, ["show", hits[0].id, "--index", str(index[0])])
    assert shown.exit_code == 0, shown.output
    assert word in shown.stdout


def test_texinfo_bodies_and_docbook_chapters_are_kept(index):
    with Searcher(index[0]) as s:
        assert s.search('"libffi assumes"', document="texinfo-libffi-the-basics")
        chapters = {h.section for h in s.search("users groups", document="docbook-base-passwd-users-and-groups",
                                                limit=50)}
    assert {"Chapter 1. Introduction", "Chapter 2. Users and Groups"} <= chapters


def test_a_record_with_no_text_is_skipped_with_that_reason(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "records.jsonl").write_text('{"_id": "a", "text": "Chips matter."}\n{"_id": "b", "text": "  "}\n')
    report = Indexer(tmp_path / "ix").update([docs])
    assert report.added == 1
    assert [s.reason for s in report.skipped] == ["line 2: record 'b' has no text"]


MARKUP_ONLY = "no text (nothing but markup, scripts or page chrome)"
INVISIBLE_ONLY = "document 'blank': no text (nothing but blanks or invisible characters)"


@pytest.mark.parametrize("name, content, reason", [
    ("blank.html", "<html><head><title>A title</title></head><body><p>\u200b</p><p>&nbsp;</p><p>\u00ad</p>"
                   "</body></html>", MARKUP_ONLY),
    ("blank.md", "---\ntitle: A title\n---\n\u200b\u200b\n\n\u2060\n", MARKUP_ONLY),
    ("blank.txt", "\u200b\n\u00a0\n", INVISIBLE_ONLY),
    ("blank.jsonl", '{"_id": "blank", "text": "\\u200b \\u00a0"}\n', INVISIBLE_ONLY),
])
def test_a_document_whose_text_is_all_invisible_is_skipped_not_indexed_empty(tmp_path, name, content, reason):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / name).write_text(content, encoding="utf-8")
    (docs / "real.txt").write_text("Chips matter.\n", encoding="utf-8")
    report = Indexer(tmp_path / "ix").update([docs])
    assert report.added == 1
    assert [(s.path, s.reason) for s in report.skipped] == [(str(docs / name), reason)]
    with Searcher(tmp_path / "ix") as s:
        assert [d.id for d in s.documents()] == ["real"]


def test_a_plain_text_keeps_its_line_end_hyphens_and_numbers_alone_on_a_line(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text("Results\n\nThe answer is\n42\nand the co-\noperation of well-\n"
                                    "known groups.\n\nServers: 3\n100\n", encoding="utf-8")
    Indexer(tmp_path / "ix").update([docs])
    with Searcher(tmp_path / "ix") as s:
        text = " ".join(h.text for h in s.search("answer OR servers", limit=10))
        assert s.search('"well-known groups"') and s.search('"co-operation"')
    assert "The answer is 42 and the co- operation of well- known groups." in text
    assert "Servers: 3 100" in text


def test_the_word_rule_holds_for_the_made_up_page_beside_the_set_too(tmp_path):
    """tests/data/page.html (made for tests/test_html.py, so not in the real set): its content's
    words, less the chrome it was made with (named here as the set's pages name theirs), are kept."""
    page = DOCS.parent / "page.html"
    chrome = ["header.site-header", "nav", "aside", "footer", "p.byline", ".help-popup", ".share-links"]
    reference = words(reference_text(page, {"chrome": chrome}))
    Indexer(tmp_path / "ix").update([page])
    kept = Counter()
    with Searcher(tmp_path / "ix") as s:
        n = 1
        while True:
            try:
                hit = s.get(f"page:{n}")
            except PassageNotFound:
                break
            kept.update(words(" ".join([hit.text, hit.section, hit.title, *hit.authors])))
            n += 1
    assert n > 1 and not [w for w in reference if w not in kept]
    assert not {"Navword", "Asideword", "Footerword", "Shareword", "Helpword", "Hiddenword"} & set(kept)


def test_code_blocks_keep_their_lines_in_what_show_prints(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "readme.md").write_text("# Usage\n\nA simple retrieval:\n\n```python\nimport httplib2\n"
                                    "h = httplib2.Http(\".cache\")\n\n    (resp, content) = h.request(url)\n```\n",
                                    encoding="utf-8")
    (docs / "page.html").write_text("<html><body><h1>Usage</h1><p>A simple retrieval:</p>"
                                    "<pre><code>import httplib2\n<span>h</span> = httplib2.Http(\".cache\")\n"
                                    "</code></pre></body></html>", encoding="utf-8")
    Indexer(tmp_path / "ix").update([docs])
    shown = {doc_id: CliRunner().invoke(cli, ["show", f"{doc_id}:1", "--index", str(tmp_path / "ix")]).stdout
             for doc_id in ("readme", "page")}
    for text in shown.values():
        assert 'A simple retrieval:\n\nimport httplib2\nh = httplib2.Http(".cache")' in text, text
    assert 'h = httplib2.Http(".cache")\n(resp, content) = h.request(url)' in shown["readme"]
