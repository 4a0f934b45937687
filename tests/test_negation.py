"""NOT leaves out every passage holding the excluded word, and keeps every other match (library and CLI)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer import Indexer
from searcher import Searcher
from searcher.cli import cli, fastpath


# ---- the tiny corpus: 'chip' is in tariffs:1 and tariffs:2, 'gallium' in tariffs:2 only ----

def test_gallium_not_chips_returns_nothing(tiny_index):
    with Searcher(tiny_index) as s:
        assert [h.id for h in s.search("gallium")] == ["tariffs:2"]  # the one passage with gallium...
        assert "chips" in s.search("gallium")[0].text  # ...holds chips too
        for query in ("gallium NOT chips", "gallium AND NOT chips", "gallium NOT chip",
                      '"gallium and germanium" NOT chips', "metals NOT chips", "(gallium OR germanium) NOT chips"):
            assert s.search(query) == [], query


def test_not_keeps_the_passages_without_the_excluded_word(tiny_index):
    with Searcher(tiny_index) as s:
        assert [h.id for h in s.search("chips NOT gallium")] == ["tariffs:1"]
        assert [h.id for h in s.search("(gallium OR robots) NOT chips")] == ["robots-1:1"]
        assert {h.id for h in s.search("chips robots NOT gallium")} == {"tariffs:1", "robots-1:1"}
        assert [h.id for h in s.search("chips NOT gallium", document="tariffs")] == ["tariffs:1"]
        assert [h.id for h in s.search("chips NOT gallium", section="Export")] == ["tariffs:1"]


@pytest.mark.parametrize("query, expected", [
    ("gallium NOT chips", []),
    ("gallium AND NOT chips", []),
    ("chips NOT gallium", ["tariffs:1"]),
    ("(gallium OR robots) NOT chips", ["robots-1:1"]),
])
def test_cli_search_with_not(tiny_index, capsys, query, expected):
    args = ["search", query, "--json", "--index", str(tiny_index)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == (0 if expected else 1), result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines() if line.strip()] == expected
    capsys.readouterr()
    code = fastpath.run_fast(args)
    assert (code, capsys.readouterr().out) == (result.exit_code, result.stdout)


# ---- generated corpora ----------------------------------------------------------

# Words in two spellings that the analyser stems alike; none a stop word.
STEMS = {
    "chip": ("chip", "chips"),
    "robot": ("robot", "robots"),
    "gallium": ("gallium",),
    "wafer": ("wafer", "wafers"),
    "grant": ("grant", "grants"),
}
SPELLINGS = [word for words in STEMS.values() for word in words]
STEM_OF = {word: stem for stem, words in STEMS.items() for word in words}
# One word per passage that no query asks for, so that no two passages are copies
# (the Searcher folds copies of a passage into one hit).
MARKERS = ["alfa", "bravo", "delta", "foxtrot", "hotel", "juliett", "kilo", "lima", "oscar", "papa"]

PASSAGES = st.lists(st.lists(st.sampled_from(SPELLINGS), min_size=1, max_size=6), min_size=1, max_size=len(MARKERS))
QUERY_STEMS = st.lists(st.sampled_from(sorted(STEMS)), min_size=3, max_size=3, unique=True)


def _write_corpus(folder: Path, passages: list[list[str]]) -> None:
    folder.mkdir(parents=True)
    with open(folder / "notes.jsonl", "w", encoding="utf-8") as out:
        for marker, words in zip(MARKERS, passages):
            out.write(json.dumps({"_id": marker, "title": "Note", "text": f"{marker.title()} {' '.join(words)}."}) + "\n")


def _has(words: list[str], stem: str) -> bool:
    return any(STEM_OF[w] == stem for w in words)


def _has_phrase(words: list[str], first: str, second: str) -> bool:
    return any(STEM_OF[x] == first and STEM_OF[y] == second for x, y in zip(words, words[1:]))


def _spelling(stem: str, plural: bool) -> str:
    return STEMS[stem][-1] if plural else STEMS[stem][0]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(passages=PASSAGES, stems=QUERY_STEMS, plural=st.booleans())
def test_not_on_generated_corpora(tmp_path_factory, passages, stems, plural):
    folder = tmp_path_factory.mktemp("notcorpus")
    _write_corpus(folder / "docs", passages)
    Indexer(folder / "ix").update([folder / "docs"])
    a, b, c = stems
    wa, wb, wc = (_spelling(s, plural) for s in stems)
    holding = {f"{m}:1": words for m, words in zip(MARKERS, passages)}
    wanted = {
        f"{wa} NOT {wb}": lambda w: _has(w, a) and not _has(w, b),
        f"{wa} AND NOT {wb}": lambda w: _has(w, a) and not _has(w, b),
        f"({wa} OR {wc}) NOT {wb}": lambda w: (_has(w, a) or _has(w, c)) and not _has(w, b),
        f"{wa} {wc} NOT {wb}": lambda w: (_has(w, a) or _has(w, c)) and not _has(w, b),
        f"{wa} AND {wc} NOT {wb}": lambda w: _has(w, a) and _has(w, c) and not _has(w, b),
        f"{wa} NOT {wb} NOT {wc}": lambda w: _has(w, a) and not _has(w, b) and not _has(w, c),
        f'"{wa} {wc}" NOT {wb}': lambda w: _has_phrase(w, a, c) and not _has(w, b),
    }
    with Searcher(folder / "ix") as s:
        for query, matches in wanted.items():
            found = [h.id for h in s.search(query, limit=50)]
            assert len(found) == len(set(found)), query
            assert set(found) == {pid for pid, words in holding.items() if matches(words)}, (query, passages)
