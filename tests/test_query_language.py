"""Field terms that restrict, unknown fields, malformed queries and why nothing was found: through the CLI and Searcher."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from searcher import BadQuery, Searcher
from searcher.cli import cli
from searcher.querysyntax import check_fields, repair, split_restrictions

DING = "Jeffrey Ding"
METADATA = frozenset({"author", "authors", "by", "document", "doc", "kind", "date", "title", "section"})


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, [str(a) for a in args])

    return invoke


def hits_of(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


# -- field terms restrict -------------------------------------------------------

def test_author_field_term_restricts_as_the_option_does(run, seed_index):
    typed = run("search", 'author:ding "indigenous innovation"', "--json", "--limit", 50, "--index", seed_index)
    option = run("search", '"indigenous innovation"', "--author", "ding", "--json", "--limit", 50,
                 "--index", seed_index)
    assert typed.exit_code == 0, typed.stderr
    found = hits_of(typed)
    assert found and all(DING in hit["authors"] for hit in found)
    assert [h["id"] for h in found] == [h["id"] for h in hits_of(option)]


def test_document_field_term_keeps_to_that_document(run, seed_index):
    result = run("search", "document:004_b9cf0838e2274f89 talent", "--json", "--index", seed_index)
    found = hits_of(result)
    assert found and {h["document"] for h in found} == {"004_b9cf0838e2274f89"}


def test_kind_title_and_section_terms_restrict(run, seed_index):
    bios = hits_of(run("search", "kind:bio university", "--json", "--limit", 50, "--index", seed_index))
    assert bios and {h["kind"] for h in bios} == {"bio"}
    titled = hits_of(run("search", "title:beijing talent", "--json", "--limit", 50, "--index", seed_index))
    assert titled and all("beijing" in h["title"].lower() for h in titled)


def test_field_term_inside_an_explicit_or_only_widens(run, seed_index):
    either = hits_of(run("search", "talent OR author:ding", "--json", "--limit", 50, "--index", seed_index))
    assert any(DING not in h["authors"] for h in either)
    assert any(DING in h["authors"] for h in either)


def test_a_bracket_of_author_terms_restricts_to_either(run, seed_index):
    found = hits_of(run("search", "talent (author:ding OR author:allen)", "--json", "--limit", 50,
                        "--index", seed_index))
    authors = {a for h in found for a in h["authors"]}
    assert found and all(DING in h["authors"] or "Gregory C. Allen" in h["authors"] for h in found)
    assert {DING, "Gregory C. Allen"} <= authors


def test_field_term_after_not_still_excludes(run, seed_index):
    found = hits_of(run("search", "talent NOT author:ding", "--json", "--limit", 50, "--index", seed_index))
    assert found and all(DING not in h["authors"] for h in found)


def test_unknown_field_is_an_error_naming_the_closest(run, seed_index):
    result = run("search", "autor:ding", "--index", seed_index)
    assert result.exit_code == 2
    assert result.stdout == ""
    line = result.stderr.strip()
    assert "\n" not in line and "unknown field 'autor:'" in line and "did you mean 'author:'" in line
    assert "title" in line and "kind" in line


def test_unknown_field_through_the_library(seed_index):
    with Searcher(seed_index) as s, pytest.raises(BadQuery, match="did you mean 'title:'"):
        s.search("titel:beijing")


def test_urls_and_times_are_not_fields(seed_index):
    with Searcher(seed_index) as s:
        s.search("https://jeffreyjding.github.io/ 10:30")  # no error


def test_help_says_field_terms_restrict(run):
    result = run("search", "--help")
    assert "restrict" in result.stdout and "OR" in result.stdout


# -- malformed queries get a note ------------------------------------------------

@pytest.mark.parametrize("query, note", [
    ('"indigenous innovation', "closing quote is missing"),
    ("(export controls", "'(' is not closed"),
    ("export controls)", "')' with no '('"),
    ("chips AND", "'AND' has no term after it"),
    ("OR chips", "'OR' has no term before it"),
    ("author: ding", "'author:' has no term after it"),
])
def test_malformed_query_gets_a_one_line_note(run, seed_index, query, note):
    result = run("search", query, "--index", seed_index)
    assert result.exit_code in (0, 1)
    notes = [line for line in result.stderr.splitlines() if line.startswith("corpus-search: note:")]
    assert len(notes) == 1 and note in notes[0]


def test_well_formed_queries_get_no_note(run, seed_index):
    for query in ('"indigenous innovation"', "chips AND (export OR sanctions) NOT Huawei", "ANALYSIS AND DESIGN"):
        result = run("search", query, "--index", seed_index)
        assert "note:" not in result.stderr


def test_unclosed_quote_is_read_as_loose_words(seed_index):
    with Searcher(seed_index) as s:
        assert [h.id for h in s.search('"indigenous innovation')] == [h.id for h in s.search("indigenous innovation")]


# -- why nothing was found -----------------------------------------------------------

def test_page_past_the_last_says_how_many_pages(run, seed_index):
    result = run("search", "talent", "--page", 50, "--index", seed_index)
    assert result.exit_code == 1
    assert "page 50 is past the last one" in result.stderr
    assert "pages of 10" in result.stderr


def test_filter_that_hides_every_match_is_named(run, seed_index):
    result = run("search", "talent", "--author", "nobody", "--index", seed_index)
    assert result.exit_code == 1
    assert "no author's name has the words 'nobody'" in result.stderr
    assert "match without the filters" in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 3  # (a did-you-mean line may follow)


def test_unknown_document_id_is_an_error_for_option_and_field_alike(run, seed_index):
    for args in (["talent", "--document", "999"], ["document:999 talent"]):
        result = run("search", *args, "--index", seed_index)
        assert result.exit_code == 2 and "no document id starts with '999'" in result.stderr


def test_document_field_term_takes_a_unique_prefix(run, seed_index):
    found = hits_of(run("search", "document:004 talent", "--json", "--index", seed_index))
    assert found and {h["document"] for h in found} == {"004_b9cf0838e2274f89"}


def test_a_filter_hiding_every_match_says_how_many_match_without_it(run, seed_index):
    result = run("search", '"indigenous innovation"', "--document", "002", "--index", seed_index)
    assert result.exit_code == 1
    assert "with --document 002" in result.stderr and "match without the filters" in result.stderr


def test_words_found_nowhere_are_named(run, seed_index):
    result = run("search", "qwzxv", "--index", seed_index)
    assert result.exit_code == 1
    assert "'qwzxv' occurs nowhere in the index" in result.stderr


def test_shortfall_counts_through_the_library(seed_index):
    with Searcher(seed_index) as s:
        total = s.count("talent")
        why = s.why_nothing("talent", page=99, limit=10)
        assert why.past_last_page and why.pages == -(-why.matches // 10) and 0 < why.matches <= total
        hidden = s.why_nothing("talent", author="nobody")
        assert hidden.matches == 0 and hidden.unfiltered == total and hidden.empty_filters == ("--author nobody",)


# -- the pure parts ------------------------------------------------------------------

def test_split_restrictions_takes_out_top_level_metadata_terms():
    assert split_restrictions('author:ding "indigenous innovation"', METADATA) == (
        '"indigenous innovation"', ["author:ding"])
    assert split_restrictions("talent AND kind:bio AND china", METADATA) == ("talent AND china", ["kind:bio"])
    assert split_restrictions("talent OR author:ding", METADATA) == ("talent OR author:ding", [])
    assert split_restrictions("talent NOT author:ding", METADATA) == ("talent NOT author:ding", [])
    assert split_restrictions("text:talent china", METADATA) == ("text:talent china", [])
    assert split_restrictions('title:(beijing OR shanghai) talent', METADATA) == (
        "talent", ["title:(beijing OR shanghai)"])
    assert split_restrictions("(talent OR author:ding) chips", METADATA) == ("(talent OR author:ding) chips", [])


def test_check_fields_names_the_closest():
    known = {"author": "author", "title": "title", "text": "text"}
    assert check_fields("talent title:x", known) is None
    assert "did you mean 'author:'" in check_fields("autor:x", known)
    assert check_fields('"not:a field" http://a.b 10:30', known) is None


def test_repair_leaves_well_formed_queries_alone():
    for query in ('"a b" c', "(a OR b) AND c", "a NOT b", "ANALYSIS AND DESIGN", "title:(a OR b)"):
        assert repair(query) == (query, [])
