"""Output is safe for any terminal and any encoding; ordinary odd input gives one line, never a traceback."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from indexer import Indexer
from searcher import PassageNotFound, Searcher, SearcherClosed
from searcher.cli.commands import cli
from searcher.cli.output import json_text, terminal_safe

ROOT = Path(__file__).resolve().parents[1]

# What a terminal acts on: C0 controls but tab and newline, DEL, C1, the bidi controls, lone surrogates.
ACTIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
OUR_COLOURS = re.compile(r"\x1b\[[0-9;]*m")

HOSTILE = {
    "_id": "evil\x1b]0;pwned\x07",
    "title": "Tractor \x1b]52;c;ZXZpbA==\x07Report",  # OSC 52: write the clipboard
    "authors": ["Ada \x1b]8;;http://x.example\x07Link\x1b]8;;\x07"],  # OSC 8: a hyperlink
    "text": "Tractors \x1b[2J plough the \x9b31m fields \u202egnirts\u202c daily. "
            "Harvest\x1b]0;title\x07 ends in autumn, says the café.",
}


def run_cli(*args, charset: str = "utf-8"):
    return CliRunner(charset=charset).invoke(cli, [str(a) for a in args])


@pytest.fixture
def hostile_index(tmp_path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "evil.jsonl").write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([docs])
    return index_dir


def passage_id(index_dir: Path) -> str:
    with Searcher(index_dir) as searcher:
        return searcher.search("tractors")[0].id


def assert_inert(output: str, colour: bool) -> None:
    """Nothing in `output` a terminal would act on, but this program's own colour codes."""
    if colour:
        output = OUR_COLOURS.sub("", output)
    assert "\x1b" not in output
    assert not ACTIVE.search(output), ACTIVE.search(output)


# ---- escape injection ------------------------------------------------------------

@pytest.mark.parametrize("color", ["never", "always"])
def test_escape_sequences_in_a_document_are_shown_not_obeyed(hostile_index, color):
    pid = passage_id(hostile_index)
    runs = {
        "search": run_cli("search", "tractors", "--color", color, "--index", hostile_index),
        "show": run_cli("show", pid, "--color", color, "--index", hostile_index),
        "similar": run_cli("similar", pid, "--color", color, "--index", hostile_index),  # (nothing like it: stderr)
        "stats": run_cli("stats", "--index", hostile_index),
        "facets": run_cli("search", "tractors", "--facets", "--color", color, "--index", hostile_index),
    }
    for name, result in runs.items():
        assert result.exit_code in (0, 1), (name, result.output)
        assert_inert(result.stdout, colour=color == "always")
        assert_inert(result.stderr, colour=False)
    # ... and shown, visibly, for what they are
    assert "Tractor \\x1b]52;c;ZXZpbA==\\x07Report" in runs["show"].stdout
    assert "Ada \\x1b]8;;http://x.example\\x07Link" in runs["stats"].stdout
    assert "\\u202egnirts\\u202c" in runs["search"].stdout and "\\x9b31m" in runs["show"].stdout


@pytest.mark.parametrize("color", ["never", "always"])
def test_documents_outlines_context_and_citations_show_escapes_not_obey_them(hostile_index, color):
    pid = passage_id(hostile_index)
    document = HOSTILE["_id"]
    runs = {"documents": ["documents", "--color", color], "outline": ["show", document, "--color", color],
            "context": ["show", pid, "--context", "1", "--color", color]}
    runs.update({f"cite {style}": ["cite", pid, "--style", style]
                 for style in ("chicago", "apa", "mla", "harvard", "bibtex", "ris", "csl-json")})
    runs["cite document"] = ["cite", document]
    for name, args in runs.items():
        result = run_cli(*args, "--index", hostile_index)
        assert result.exit_code == 0, (name, result.output)
        assert_inert(result.stdout, colour=color == "always" and "--color" in args)
        assert "\\x1b" in result.stdout or "\\u001b" in result.stdout, (name, result.stdout)  # shown, visibly
    documents = run_cli("documents", "--index", hostile_index).stdout
    assert "evil\\x1b]0;pwned\\x07" in documents and "Tractor \\x1b]52;c;ZXZpbA==\\x07Report" in documents


@pytest.mark.parametrize("args", [
    ["search", "tractors", "--author", "\x1b]0;t\x07"], ["search", "tractors", "--document", "\x1b]0;t\x07"],
    ["search", "tractors", "--after", "\x1b]0;t\x07"], ["search", "nothingq\x1b]1337;zzqq\x07here"],
    ["search", "qqzz:tractors\x1b]1337;t\x07"], ["show", "\x1b]0;t\x07"], ["show", "evil:\x1b]0;t\x07"],
    ["similar", "\x1b]0;t\x07:1"], ["cite", "\x1b]52;c;ZXZpbA==\x07"], ["documents", "--before", "\x1b]0;t\x07"],
    ["index", "/no/such/\x1b]0;t\x07"]])
def test_error_messages_echoing_what_was_typed_are_inert(hostile_index, args):
    result = run_cli(*args, "--index", hostile_index)
    assert result.exit_code in (1, 2) and result.stderr.strip(), (args, result.output)  # an error, or why none
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert_inert(result.stdout + result.stderr, colour=False)


def test_with_json_the_values_are_exact_and_the_bytes_inert(hostile_index):
    for args in (["search", "tractors"], ["show", passage_id(hostile_index)]):
        result = run_cli(*args, "--json", "--index", hostile_index)
        assert result.exit_code == 0, result.output
        assert_inert(result.stdout, colour=False)
        hit = json.loads(result.stdout.splitlines()[0])
        assert hit["title"] == HOSTILE["title"] and hit["authors"] == HOSTILE["authors"]
        assert hit["document"] == HOSTILE["_id"] and "\x1b[2J" in hit["text"]


def test_a_file_name_with_escapes_is_shown_inert_in_the_report(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ok.txt").write_text("Report\n\nTractors plough fields.\n")
    (docs / "bad\x1b]0;x\x07.xyz").write_text("what")
    result = run_cli("index", docs, docs / "bad\x1b]0;x\x07.xyz", "--index", tmp_path / "ix")
    assert result.exit_code == 0, result.output
    assert_inert(result.stdout, colour=False)
    assert "bad\\x1b]0;x\\x07.xyz" in result.stdout


def test_an_error_message_holding_escapes_is_inert():
    result = run_cli("show", "x\x1b]52;c;ZXZpbA==\x07", "--index", "/nonexistent/\x1b]0;t\x07")
    assert result.exit_code == 2
    assert_inert(result.stderr, colour=False)


@given(st.text())
def test_terminal_safe_leaves_nothing_active_and_keeps_safe_text(text):
    shown = terminal_safe(text)
    assert not ACTIVE.search(shown)
    assert "\n" not in terminal_safe(text, keep_lines=False)
    if not ACTIVE.search(text):
        assert shown == text
    assert json.loads(json_text(text)) == text
    assert not ACTIVE.search(json_text(text))


# ---- any stdout encoding -----------------------------------------------------------

@pytest.mark.parametrize("charset", ["ascii", "latin-1", "cp1252"])
def test_output_works_on_a_stdout_that_is_not_utf8(hostile_index, charset):
    pid = passage_id(hostile_index)
    for args in (["search", "tractors"], ["show", pid], ["stats"], ["search", "tractors", "--json"],
                 ["show", pid, "--json"], ["search", "nothingatall"], ["documents"], ["documents", "--json"],
                 ["show", HOSTILE["_id"]], ["show", pid, "--context", "1"], ["similar", pid], ["cite", pid],
                 ["cite", pid, "--style", "bibtex"], ["cite", pid, "--json"], ["stats", "--json"],
                 ["search", "café", "--facets"], ["check"]):
        result = run_cli(*args, "--index", hostile_index, charset=charset)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        assert result.exit_code in (0, 1), (args, result.output)
        result.stdout_bytes.decode(charset)  # what was written is in the terminal's encoding
    text = run_cli("search", "tractors", "--index", hostile_index, charset=charset).stdout
    assert "caf" in text and ("café" in text if charset != "ascii" else "caf?" in text)
    hit = json.loads(run_cli("search", "tractors", "--json", "--index", hostile_index, charset=charset).stdout)
    assert hit["text"] == HOSTILE["text"]  # JSON stays exact: ASCII escapes


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_real_process_with_a_narrow_stdout_encoding(hostile_index, encoding):
    env = {**os.environ, "PYTHONIOENCODING": encoding, "CORPUS_SEARCH_INDEX": str(hostile_index)}
    for args in (["search", "café"], ["search", "tractors", "--json"], ["stats"]):
        done = subprocess.run([sys.executable, "-m", "searcher", *args], cwd=ROOT, env=env,
                              capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr.decode(encoding, "replace")
        assert b"Traceback" not in done.stderr
        out = done.stdout.decode(encoding)
        if "--json" in args:
            assert json.loads(out)["text"] == HOSTILE["text"]


# ---- odd input, one line -----------------------------------------------------------

@pytest.mark.parametrize("command", ["show", "similar"])
def test_an_undecodable_passage_id_is_not_found(hostile_index, command):
    result = run_cli(command, "\udcff", "--index", hostile_index)
    assert result.exit_code == 2 and result.exception is None or isinstance(result.exception, SystemExit)
    assert ("no passage" in result.stderr or "not text" in result.stderr) and len(result.stderr.strip().splitlines()) == 1
    assert_inert(result.stderr, colour=False)
    with Searcher(hostile_index) as searcher, pytest.raises(PassageNotFound):
        searcher.get("\ud800")


@pytest.mark.slow
def test_undecodable_bytes_on_the_command_line_give_one_line(hostile_index):
    env = {**os.environ, "CORPUS_SEARCH_INDEX": str(hostile_index)}
    for args in ([b"show", b"\xff"], [b"similar", b"\xff"], [b"search", b"\xff"], [b"search", b"caf\xff"]):
        done = subprocess.run([sys.executable, "-m", "searcher", *args], cwd=ROOT, env=env,
                              capture_output=True, timeout=120)
        assert done.returncode in (1, 2) and b"Traceback" not in done.stderr, done.stderr
        assert 1 <= len(done.stderr.strip().splitlines()) <= 2, done.stderr  # an error, or why nothing was found


def test_an_unknown_user_in_the_index_path_is_one_line(monkeypatch):
    monkeypatch.setenv("CORPUS_SEARCH_INDEX", "~nosuchuser-of-this-machine/x")
    for args in (["search", "tractors"], ["stats"], ["index", "."]):
        result = run_cli(*args)
        assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.exception
        assert "nosuchuser-of-this-machine" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_closed_searcher_says_so(hostile_index):
    searcher = Searcher(hostile_index)
    searcher.close()
    for call in (lambda: searcher.search("tractors"), lambda: searcher.get("x"), searcher.stats,
                 lambda: searcher.count("tractors"), lambda: searcher.similar("x"), searcher.check):
        with pytest.raises(SearcherClosed, match="closed"):
            call()


def test_an_empty_path_is_an_error_not_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "here.txt").write_text("Here\n\nTractors plough fields here.\n")
    result = run_cli("index", "", "--index", tmp_path / "ix")
    assert result.exit_code == 2 and "empty" in result.stderr
    assert not (tmp_path / "ix").exists()


def test_an_empty_index_folder_is_an_error_never_the_default_index(tmp_path, monkeypatch, tiny_corpus):
    """`--index ''` once meant the default index (a typo could add files to it), as did `Indexer("")`."""
    from indexer import Indexer
    from indexer.layout import BadPath

    default = tmp_path / "default-index"
    monkeypatch.setenv("CORPUS_SEARCH_INDEX", str(default))
    for args in (["index", tiny_corpus], ["search", "robots"], ["stats"], ["documents"]):
        result = run_cli(*args, "--index", "")
        assert result.exit_code == 2 and "the index folder is empty" in result.stderr, (args, result.output)
    for make in (lambda: Indexer("").update([tiny_corpus]), lambda: Searcher("")):
        with pytest.raises(BadPath, match="the index folder is empty"):
            make()
    assert not default.exists()
    monkeypatch.setenv("CORPUS_SEARCH_INDEX", "")  # an empty variable is unset, as ever
    assert Indexer().index_dir != Path("")


def test_a_named_path_that_does_not_exist_exits_2_after_the_rest_is_indexed(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "farm.txt").write_text("Farm\n\nTractors plough fields.\n")
    result = run_cli("index", docs, tmp_path / "nowhere", "--index", tmp_path / "ix")
    assert result.exit_code == 2
    assert "1 added" in result.stdout and "nowhere" in result.stderr
    assert "Tractors" in run_cli("search", "tractors", "--index", tmp_path / "ix").stdout
