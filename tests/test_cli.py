"""The command line, through click's CliRunner: exit codes, stdout and stderr apart."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from searcher import __version__
from searcher.cli import cli

CONTRACT_KEYS = {"rank", "id", "score", "document", "title", "authors", "section", "text", "matches"}


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args, env=None):
        return runner.invoke(cli, [str(a) for a in args], env=env)

    return invoke


def json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_search_json_prints_every_contract_key(run, seed_index):
    result = run("search", "semiconductor export controls", "--json", "--index", seed_index)
    assert result.exit_code == 0, result.stderr
    hits = json_lines(result.stdout)
    assert 1 <= len(hits) <= 10
    for rank, hit in enumerate(hits, 1):
        assert CONTRACT_KEYS <= hit.keys()
        assert hit["rank"] == rank
        assert isinstance(hit["authors"], list)
        for start, end in hit["matches"]:
            assert 0 <= start < end <= len(hit["text"])
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert result.stderr == ""


def test_json_matches_point_at_query_words(run, seed_index):
    hits = json_lines(run("search", "semiconductors", "--json", "--index", seed_index).stdout)
    words = {hits[0]["text"][s:e].lower() for s, e in hits[0]["matches"]}
    assert words and all(w.startswith("semiconductor") for w in words)


def test_nothing_found_exits_1_with_empty_stdout(run, seed_index):
    result = run("search", "xylophonequux", "--index", seed_index)
    assert result.exit_code == 1
    assert result.stdout == ""
    result = run("search", "xylophonequux", "--json", "--index", seed_index)
    assert result.exit_code == 1 and result.stdout == ""


def test_limit_and_page(run, seed_index):
    first = json_lines(run("search", "china", "--json", "--limit", 3, "--index", seed_index).stdout)
    second = json_lines(run("search", "china", "--json", "--limit", 3, "--page", 2, "--index", seed_index).stdout)
    assert len(first) == 3 and len(second) == 3
    assert [h["rank"] for h in second] == [4, 5, 6]
    assert not {h["id"] for h in first} & {h["id"] for h in second}


def test_author_filter_matches_every_word_any_case(run, tiny_index):
    for name in ("ada", "LOVELACE", "Ada Lovelace"):
        hits = json_lines(run("search", "robots", "--json", "--author", name, "--index", tiny_index).stdout)
        assert [h["document"] for h in hits] == ["robots-1"]
    result = run("search", "robots", "--author", "ada byron", "--index", tiny_index)
    assert result.exit_code == 1


def test_document_and_section_filters(run, tiny_index):
    hits = json_lines(run("search", "chips", "--json", "--index", tiny_index).stdout)
    assert {h["section"] for h in hits} == {"Export controls", "Retaliation"}
    hits = json_lines(run("search", "chips", "--json", "--section", "retaliation", "--index", tiny_index).stdout)
    assert [h["section"] for h in hits] == ["Retaliation"]
    result = run("search", "chips", "--json", "--document", "talent", "--index", tiny_index)
    assert result.exit_code == 1
    hits = json_lines(run("search", "programs", "--json", "--document", "talent", "--index", tiny_index).stdout)
    assert hits and {h["document"] for h in hits} == {"talent"}


def test_human_output_marks_matches_without_colour(run, tiny_index):
    result = run("search", "gallium", "--index", tiny_index)
    assert result.exit_code == 0
    assert "**gallium**" in result.stdout
    assert "\x1b[" not in result.stdout
    assert "tariffs:" in result.stdout  # the passage id is shown


def test_colour_always_and_never(run, tiny_index):
    coloured = run("search", "gallium", "--color", "always", "--index", tiny_index).stdout
    assert "\x1b[1;31mgallium\x1b[0m" in coloured
    plain = run("search", "gallium", "--color", "never", "--index", tiny_index).stdout
    assert "\x1b[" not in plain


def test_no_color_turns_auto_colour_off(run, tiny_index):
    result = run("search", "gallium", "--index", tiny_index, env={"NO_COLOR": "1"})
    assert "\x1b[" not in result.stdout


def test_json_is_never_coloured(run, tiny_index):
    result = run("search", "gallium", "--json", "--color", "always", "--index", tiny_index)
    assert "\x1b[" not in result.stdout
    json_lines(result.stdout)  # parses


def test_show_prints_the_passage_with_its_place(run, tiny_index):
    hit = json_lines(run("search", "gallium", "--json", "--index", tiny_index).stdout)[0]
    result = run("show", hit["id"], "--index", tiny_index)
    assert result.exit_code == 0
    assert hit["text"] in result.stdout
    assert "Trade and Tariffs" in result.stdout and "Retaliation" in result.stdout
    shown = json.loads(run("show", hit["id"], "--json", "--index", tiny_index).stdout)
    assert (CONTRACT_KEYS - {"rank", "score"}) <= shown.keys()
    assert "rank" not in shown and "score" not in shown
    assert shown["text"] == hit["text"]


def test_show_unknown_passage_is_an_error(run, tiny_index):
    result = run("show", "nope:1", "--index", tiny_index)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "nope:1" in result.stderr


def test_stats_json(run, tiny_index):
    result = run("stats", "--json", "--index", tiny_index)
    assert result.exit_code == 0
    stats = json.loads(result.stdout)
    assert stats["documents"] == 3
    assert stats["passages"] >= 3
    assert stats["authors"] == {"Ada Lovelace": 1}
    assert stats["index"] == str(tiny_index)
    assert stats["size_bytes"] > 0
    text = run("stats", "--index", tiny_index).stdout
    assert "documents: 3" in text and "Ada Lovelace" in text


def test_index_json_summary_then_unchanged(run, tmp_path, tiny_corpus):
    index_dir = tmp_path / "new-index"
    first = json.loads(run("index", tiny_corpus, "--index", index_dir, "--json").stdout)
    assert first == {"added": 3, "updated": 0, "removed": 0, "unchanged": 0, "skipped": []}
    second = json.loads(run("index", "--index", index_dir, "--json").stdout)
    assert second == {"added": 0, "updated": 0, "removed": 0, "unchanged": 3, "skipped": []}
    (tiny_corpus / "talent.txt").unlink()
    (tiny_corpus / "tariffs.md").write_text("# Tariffs\n\nNew text about tariffs.\n", encoding="utf-8")
    third = json.loads(run("index", "--index", index_dir, "--json").stdout)
    assert third == {"added": 0, "updated": 1, "removed": 1, "unchanged": 1, "skipped": []}


def test_index_reports_skipped_files(run, tmp_path, tiny_corpus):
    (tiny_corpus / "blob.bin").write_bytes(b"\x00\x01")
    (tiny_corpus / "empty.txt").write_text("")
    result = run("index", tiny_corpus / "blob.bin", tiny_corpus, tmp_path / "missing", "--index",
                 tmp_path / "ix", "--json")
    assert result.exit_code == 2, result.stderr  # a named path that does not exist: an error, after the rest
    assert "missing" in result.stderr.splitlines()[-1]
    report = json.loads(result.stdout)
    reasons = {s["path"].rsplit("/", 1)[-1]: s["reason"] for s in report["skipped"]}
    assert "unknown file type" in reasons["blob.bin"]
    assert "empty" in reasons["empty.txt"]
    assert "no such file" in reasons["missing"]
    assert report["added"] == 3


def test_index_rebuild(run, tmp_path, tiny_corpus):
    index_dir = tmp_path / "ix"
    run("index", tiny_corpus, "--index", index_dir)
    rebuilt = json.loads(run("index", "--rebuild", "--index", index_dir, "--json").stdout)
    assert rebuilt["added"] == 3 and rebuilt["unchanged"] == 0


def test_default_index_is_built_on_first_search(run, tmp_path, monkeypatch):
    default = tmp_path / "fresh-default"
    monkeypatch.setenv("CORPUS_SEARCH_INDEX", str(default))
    result = run("search", "PaddlePaddle", "--json", "--limit", 1)
    assert result.exit_code == 0
    assert "building" in result.stderr
    assert json_lines(result.stdout)[0]["document"].startswith("000_")
    again = run("search", "PaddlePaddle", "--json", "--limit", 1)
    assert "building" not in again.stderr


def test_explicit_missing_index_is_a_one_line_error(run, tmp_path):
    result = run("search", "china", "--index", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "corpus-search index" in result.stderr
    assert "Traceback" not in result.stderr


def test_index_folder_that_is_a_file(run, tmp_path):
    path = tmp_path / "file"
    path.write_text("x")
    for args in (("search", "china"), ("stats",), ("index", tmp_path)):
        result = run(*args, "--index", path)
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1, result.stderr


@pytest.mark.parametrize("args", [
    ("search",),
    ("search", "x", "--bogus"),
    ("search", "x", "--limit", "zero"),
    ("search", "x", "--color", "purple"),
    ("frobnicate",),
    ("show",),
])
def test_usage_errors_are_one_line_exit_2(run, args):
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("corpus-search: error:")


@pytest.mark.parametrize("query", ["path:secret", "", "   "])
def test_bad_queries_are_one_line_errors(run, tiny_index, query):
    result = run("search", query, "--index", tiny_index)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_version_and_help(run):
    assert run("--version").stdout.strip() == f"corpus-search {__version__}"
    for command in ("search", "show", "stats", "index"):
        for flag in ("-h", "--help"):
            result = run(command, flag)
            assert result.exit_code == 0
            assert "Example" in result.stdout
    assert "author" in run("search", "--help").stdout


def test_no_command_is_a_one_line_error(run):
    result = run()
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "--help" in result.stderr


def test_missing_explicit_index_advice_names_the_folder(run, tmp_path):
    missing = tmp_path / "nowhere"
    result = run("search", "china", "--index", missing)
    assert f"--index {missing}" in result.stderr


def test_indexing_only_missing_paths_says_so_and_leaves_nothing_behind(run, tmp_path):
    index_dir = tmp_path / "new-index"
    result = run("index", tmp_path / "no-such-folder", "--index", index_dir)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "no such file or folder" in result.stderr
    assert not index_dir.exists()


def test_empty_index_variable_means_the_default(run, monkeypatch, seed_index):
    monkeypatch.setenv("CORPUS_SEARCH_INDEX", "")
    import indexer.layout as layout

    monkeypatch.setattr(layout, "user_data_dir", lambda: seed_index.parent)
    result = run("stats", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["index"] == str(seed_index)
