"""The library API: Searcher, Hit, Indexer and the package's own errors."""
from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from indexer import Indexer, IndexReport
from searcher import BadQuery, CorpusSearchError, Hit, IndexMissing, PassageNotFound, Searcher
from tests.heavy_libraries import HEAVY_LIBRARIES

ROOT = Path(__file__).resolve().parents[1]


def test_searcher_is_a_context_manager_returning_frozen_hits(tiny_index):
    with Searcher(tiny_index) as s:
        hits = s.search("export controls semiconductors", limit=5)
    assert hits and all(isinstance(h, Hit) for h in hits)
    hit = hits[0]
    assert hit.document == "tariffs" and hit.section == "Export controls"
    assert hit.title == "Trade and Tariffs"
    with pytest.raises(dataclasses.FrozenInstanceError):
        hit.rank = 99  # type: ignore[misc]
    for key in ("rank", "id", "score", "document", "title", "authors", "section", "text", "matches"):
        assert hasattr(hit, key)
    json.dumps(hit.as_dict())  # plain values only


def test_highlight_marks_stemmed_variants(tiny_index):
    with Searcher(tiny_index) as s:
        hit = s.search("semiconductor", limit=1)[0]
    assert "**semiconductors**" in hit.highlight()
    assert hit.highlight("<b>", "</b>").count("<b>") == len(hit.matches)
    # highlighting changes only the markup
    assert hit.highlight("", "") == hit.text


def test_natural_language_query_ranks_instead_of_requiring_every_word(tiny_index):
    with Searcher(tiny_index) as s:
        hits = s.search("which metals did beijing restrict in retaliation", limit=3)
    assert hits and hits[0].section == "Retaliation"


def test_operators_phrases_fields_and_prefixes(tiny_index):
    with Searcher(tiny_index) as s:
        assert {h.document for h in s.search('"export controls"')} == {"tariffs"}
        assert s.search('"controls export"') == []
        assert {h.document for h in s.search("robots OR grants")} == {"robots-1", "talent"}
        assert {h.document for h in s.search("chips AND gallium")} == {"tariffs"}
        assert all(h.section != "Retaliation" for h in s.search("chips NOT gallium"))
        assert {h.document for h in s.search("author:lovelace")} == {"robots-1"}
        assert {h.document for h in s.search("title:robots")} == {"robots-1"}
        assert {h.document for h in s.search("germ*")} == {"tariffs"}


def test_author_filter_accepts_a_list(tiny_index):
    with Searcher(tiny_index) as s:
        assert s.search("robots", author=["nobody", "ada"])
        assert s.search("robots", author="nobody") == []


def test_get_and_missing_passage(tiny_index):
    with Searcher(tiny_index) as s:
        hit = s.search("gallium", limit=1)[0]
        same = s.get(hit.id)
        assert same.text == hit.text and same.rank is None and same.score is None
        with pytest.raises(PassageNotFound):
            s.get("no-such:1")


def test_errors_are_the_packages_own(tmp_path, tiny_index):
    with pytest.raises(IndexMissing, match="corpus-search index"):
        Searcher(tmp_path / "nowhere")
    with Searcher(tiny_index) as s:
        with pytest.raises(BadQuery):
            s.search("   ")
        with pytest.raises(BadQuery, match="unknown field"):
            s.search("path:x")
    assert issubclass(IndexMissing, CorpusSearchError) and issubclass(BadQuery, CorpusSearchError)


def test_indexer_update_returns_a_report(tmp_path, tiny_corpus):
    report = Indexer(tmp_path / "ix").update([tiny_corpus])
    assert isinstance(report, IndexReport)
    assert (report.added, report.updated, report.removed, report.unchanged) == (3, 0, 0, 0)
    again = Indexer(tmp_path / "ix").update()
    assert (again.added, again.unchanged) == (0, 3)


def test_passage_ids_are_stable_across_reindexing(tmp_path, tiny_corpus):
    Indexer(tmp_path / "ix").update([tiny_corpus])
    with Searcher(tmp_path / "ix") as s:
        before = {h.id: h.text for h in s.search("chips OR robots OR programs", limit=50)}
    Indexer(tmp_path / "ix").update(rebuild=True)
    with Searcher(tmp_path / "ix") as s:
        after = {h.id: h.text for h in s.search("chips OR robots OR programs", limit=50)}
    assert before == after


def test_seed_corpus_search(seed_index):
    with Searcher(seed_index) as s:
        hits = s.search("PaddlePaddle", limit=3)
        assert hits[0].document == "000_5c84af78ccbbd290"
        assert "PaddlePaddle" in hits[0].text
        ding = s.search("indigenous innovation", author="Jeffrey Ding", limit=5)
        assert ding and all("Jeffrey Ding" in h.authors for h in ding)
        allen = s.search("export controls", author="Allen", limit=5)
        assert allen and all(h.document == "002_446d59fd56c55b2a" for h in allen)


def _modules_after(code: str) -> set[str]:
    script = textwrap.dedent(code) + textwrap.dedent("""
        import sys
        print(" ".join(sorted({m.split(".")[0] for m in sys.modules})))
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(out.stdout.split())




@pytest.mark.slow
def test_library_search_path_imports_neither_nltk_nor_bs4(seed_index):
    loaded = _modules_after(f"""
        from searcher import Searcher
        with Searcher({str(seed_index)!r}) as s:
            assert s.search("indigenous innovation", limit=3)
    """)
    assert "whoosh" in loaded  # the check can see imports
    assert not loaded & HEAVY_LIBRARIES


@pytest.mark.slow
def test_cli_search_path_imports_neither_nltk_nor_bs4(seed_index):
    loaded = _modules_after(f"""
        from searcher.cli import cli
        for args in (["search", "export controls"], ["show", "004_b9cf0838e2274f89:3"], ["stats"]):
            code = cli.main(args + ["--index", {str(seed_index)!r}], standalone_mode=False)
            assert code == 0, (args, code)
    """)
    assert "click" in loaded
    assert not loaded & HEAVY_LIBRARIES


def test_default_searcher_builds_the_bundled_index_on_first_use(tmp_path, monkeypatch):
    monkeypatch.setenv("CORPUS_SEARCH_INDEX", str(tmp_path / "default"))
    with Searcher() as s:
        assert s.search("PaddlePaddle", limit=1)
    with pytest.raises(IndexMissing):
        Searcher(tmp_path / "elsewhere")
    monkeypatch.setenv("CORPUS_SEARCH_INDEX", str(tmp_path / "other-default"))
    with pytest.raises(IndexMissing):
        Searcher(build_default=False)


def test_searcher_on_a_file_and_bad_limits_are_package_errors(tmp_path, tiny_index):
    path = tmp_path / "file"
    path.write_text("x")
    with pytest.raises(CorpusSearchError, match="is a file"):
        Searcher(path)
    with Searcher(tiny_index) as s:
        with pytest.raises(BadQuery):
            s.search("chips", limit="abc")  # type: ignore[arg-type]
