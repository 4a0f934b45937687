"""Did-you-mean on real misspellings (expected corrections as data), and only respellings that find more."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from searcher import Searcher
from searcher.cli import cli

CASES = json.loads((Path(__file__).parent / "data" / "misspellings.json").read_text(encoding="utf-8"))["misspellings"]


@pytest.fixture(scope="module")
def searcher(seed_index):
    with Searcher(seed_index) as s:
        yield s


@pytest.mark.parametrize("case", CASES, ids=[c["typed"] for c in CASES])
def test_misspelling_gets_its_expected_correction(searcher, case):
    assert searcher.suggest(case["typed"]) == case["expected"]


def test_every_offered_respelling_finds_more_and_holds_only_indexed_words(searcher):
    for case in CASES:
        if case["expected"]:
            assert searcher.count(case["expected"]) > searcher.count(case["typed"])


def test_no_respelling_that_keeps_a_word_the_index_lacks(tiny_index):
    with Searcher(tiny_index) as s:
        assert s.suggest("semiconducters") == "semiconductors"
        assert s.suggest("semiconducters zqxwv") is None  # zqxwv would stay: not offered


def test_the_command_offers_only_useful_respellings(seed_index):
    runner = CliRunner()
    result = runner.invoke(cli, ["search", "keyboard shortcuts", "--index", str(seed_index)])
    assert "did you mean" not in result.stderr
    result = runner.invoke(cli, ["search", "semiconducter", "--index", str(seed_index)])
    assert result.exit_code == 1 and 'did you mean: "semiconductor"?' in result.stderr
