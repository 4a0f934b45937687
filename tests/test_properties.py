"""Properties: any query gives hits or a clean error; any bytes give documents or a clean skip."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from corpus.errors import UnreadableDocument
from corpus.model import RawDocument
from corpus.readers import Skip, read_file
from indexer import Indexer
from searcher import BadQuery, Hit, Searcher
from searcher.cli import cli
from conftest import write_tiny_corpus

# Pieces of the query language, mixed with arbitrary text, so that the
# generator reaches the parser's corners (unbalanced quotes and brackets,
# lone operators, empty field values, ranges, fuzz, boosts).
SYNTAX = st.sampled_from([
    '"', "(", ")", "[", "]", "{", "}", " AND ", " OR ", " NOT ", "AND", "OR", "NOT", " TO ",
    "title:", "text:", "author:", "section:", "document:", "kind:", "date:", "doc:", "by:",
    "id:", "path:", "foo:", "*", "?", "~", "~2", "~9", "^", "^2", "+", "-", "\\", ":", "'",
    "chips", "export controls", "gallium", "robots", "talent", " ", "\x00", "\t", "\n", "\x1b[31m",
])
QUERIES = st.lists(st.one_of(SYNTAX, st.text(max_size=12)), max_size=12).map("".join)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("props")
    Indexer(folder / "ix").update([write_tiny_corpus(folder / "docs")])
    return folder / "ix"


@pytest.fixture(scope="module")
def searcher(index_dir):
    with Searcher(index_dir) as s:
        yield s


def _one_line(message: str) -> bool:
    return "\n" not in message.strip() and "Traceback" not in message and 0 < len(message) < 400


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=QUERIES)
@example(query="NOT NOT chips")
@example(query="title:")
@example(query='"unbalanced')
@example(query="a" * 5000)
@example(query="(" * 300 + "chips")
@example(query="chips~99")
@example(query="\x00")
def test_any_query_gives_hits_or_a_bad_query_error(searcher, query):
    try:
        hits = searcher.search(query, limit=5)
    except BadQuery as exc:
        assert _one_line(str(exc))
        return
    assert all(isinstance(h, Hit) for h in hits)
    for hit in hits:
        assert all(0 <= start < end <= len(hit.text) for start, end in hit.matches)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=QUERIES, as_json=st.booleans())
@example(query="NOT", as_json=False)
@example(query="", as_json=False)
def test_any_query_on_the_command_line_exits_0_1_or_2_without_traceback(index_dir, query, as_json):
    # the query after "--", as a script passing any string must write it ("--" itself, "-x"...)
    args = ["search", "--index", str(index_dir), "--limit", "3"] + (["--json"] if as_json else []) + ["--", query]
    result = CliRunner().invoke(cli, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1, 2)
    if result.exit_code == 2:
        assert result.stdout == "" and _one_line(result.stderr)
        assert result.stderr.startswith("corpus-search: error: ")
    elif as_json:
        for line in result.stdout.splitlines():
            assert set(json.loads(line)) >= {"rank", "id", "text", "matches"}
    assert "Traceback" not in result.output


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    author=st.lists(st.text(max_size=10), max_size=3),
    section=st.one_of(st.none(), st.text(max_size=10)),
    document=st.lists(st.text(max_size=10), max_size=2),
)
def test_any_filter_gives_hits_or_a_bad_query_error(searcher, author, section, document):
    try:
        searcher.search("chips OR robots", author=author, section=section, document=document)
    except BadQuery as exc:
        assert _one_line(str(exc))


# ---- readers ----------------------------------------------------------------------

JSONISH = st.lists(
    st.one_of(
        st.binary(max_size=40),
        st.sampled_from([b"\n", b"{", b"}", b'"_id": "x"', b'"text": "words here"', b",", b"\xff", b"\x00",
                         b'{"_id": 1, "text": "ok"}\n', b'{"_id": "", "text": 5}\n', b"[]\n", b"\r\n",
                         b'{"_id": "\\ud800", "text": "lone \\udce9 surrogates", "authors": ["\\udfff"]}\n']),
    ),
    max_size=20,
).map(b"".join)

HTMLISH = st.lists(
    st.one_of(
        st.binary(max_size=30),
        st.sampled_from([b"<html>", b"<p>", b"</p>", b"<title>", b"<h2>", b"</div>", b"<!--", b"<![CDATA[",
                         b"<meta name=author content=", b"&amp;", b"&#xffffff;", b"<script>", b"words "]),
    ),
    max_size=20,
).map(b"".join)


@pytest.mark.parametrize("suffix", [".txt", ".md", ".jsonl", ".html"])
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=300), JSONISH, HTMLISH, st.text(max_size=200).map(str.encode)))
@example(data=b"")
@example(data=b"\xff\xfe" + "hello".encode("utf-16-le"))
@example(data=b"\xff\xfeabc")
@example(data=b"\xef\xbb\xbf")
def test_any_bytes_give_documents_and_skips_or_unreadable(tmp_path_factory, suffix, data):
    path = tmp_path_factory.mktemp("bytes") / f"file{suffix}"
    path.write_bytes(data)
    try:
        items = list(read_file(path))
    except UnreadableDocument as exc:
        assert _one_line(str(exc))
        return
    assert items and all(isinstance(i, (RawDocument, Skip)) for i in items)
    assert any(isinstance(i, RawDocument) for i in items)
    for doc in items:
        if isinstance(doc, RawDocument):
            assert isinstance(doc.text, str) and doc.id


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(st.tuples(st.sampled_from([".txt", ".md", ".jsonl", ".html"]),
                                st.one_of(st.binary(max_size=200), JSONISH, HTMLISH)), min_size=1, max_size=4))
def test_any_files_never_stop_a_run_nor_lose_the_good_document(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("run")
    docs = folder / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text("Good Report\n\nTractors plough the northern fields.\n")
    for i, (suffix, data) in enumerate(files):
        (docs / f"f{i}{suffix}").write_bytes(data)
    report = Indexer(folder / "ix").update([docs])
    assert report.added >= 1
    with Searcher(folder / "ix") as s:
        assert any(h.document == "good" for h in s.search("tractors plough", limit=50))


def test_a_repaired_field_term_that_holds_no_words_is_explained_not_an_error(index_dir):
    # (found by the property above: notes on stderr, then an error for the why-nothing lines)
    result = CliRunner().invoke(cli, ["search", "--index", str(index_dir), "--", '0"title:('])
    assert result.exit_code == 1
    assert "error" not in result.stderr
    assert "note: the closing quote is missing" in result.stderr
