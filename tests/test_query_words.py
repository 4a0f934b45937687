"""What typed queries mean: capitals that are words, question marks, and rare words that must rank."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from searcher import Searcher
from searcher.cli import cli


def search_json(*args) -> list[dict]:
    result = CliRunner().invoke(cli, ["search", *map(str, args), "--json"])
    assert result.exit_code in (0, 1), result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_a_rare_query_word_brings_its_passage_into_the_top_three(seed_index):
    # "AI" and "chips" fill whole sections of the seed corpus; SMIC is named in four passages.
    hits = search_json("AI chips SMIC", "--index", seed_index)
    assert len(hits) == 10
    assert any("SMIC" in hit["text"] for hit in hits[:3])


def test_a_query_in_capitals_reads_and_as_a_word_not_an_operator(tiny_index):
    # No passage holds both words: as an operator AND finds nothing, as words each finds its own.
    assert search_json("gallium AND robots", "--index", tiny_index) == []
    found = {hit["document"] for hit in search_json("GALLIUM AND ROBOTS", "--index", tiny_index)}
    assert found == {"tariffs", "robots-1"}


@pytest.mark.parametrize("query, documents", [
    ("gallium AND robots", set()),                     # between two terms: an operator
    ("(gallium OR robots) AND welding", {"robots-1"}),  # after a bracket: an operator
    ("gallium AND", {"tariffs"}),                      # nothing after it: a word
    ("OR robots", {"robots-1"}),                       # nothing before it: a word
    ("robots NOT", {"robots-1"}),                      # NOT with nothing after it: a word
    ("robots NOT gallium", {"robots-1"}),              # NOT before a term: an operator
    ("GALLIUM NOT CHIPS", {"tariffs"}),                # all capitals: every word a word
    ("What about gallium?", {"tariffs"}),              # a question mark is punctuation
])
def test_capitalised_words_are_operators_only_where_an_operator_can_stand(tiny_index, query, documents):
    with Searcher(tiny_index) as s:
        assert {hit.document for hit in s.search(query)} == documents
