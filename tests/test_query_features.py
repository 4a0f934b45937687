"""Query features through both the library and the command line.

Phrases, operators, fields, prefixes, fuzzy words, paging, did-you-mean,
similar passages, facets, date bounds, and highlighting that is right.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import Indexer
from searcher import BadQuery, PassageNotFound, Searcher
from searcher.cli import cli

SEED_DATES = {  # from the bundled catalog
    "000_5c84af78ccbbd290": "2019-10-29",
    "001_e674280208101485": "2020-01-23",
    "002_446d59fd56c55b2a": "2019-02",
    "003_a0df248dcbd8bf15": "2020-12-21",
    "004_b9cf0838e2274f89": "2023",
}


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, [str(a) for a in args])

    return invoke


def json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def documents_of(hits) -> set[str]:
    return {h["document"] if isinstance(h, dict) else h.document for h in hits}


def build_index(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    Indexer(tmp_path / "ix").update([folder])
    return tmp_path / "ix"


# -- the query language, through both doors ------------------------------------

QUERIES = [
    ('"export controls"', {"tariffs"}),
    ('"controls export"', set()),
    ("robots OR grants", {"robots-1", "talent"}),
    ("chips AND gallium", {"tariffs"}),
    ("robots NOT weld", set()),
    ("author:lovelace", {"robots-1"}),
    ("title:robots", {"robots-1"}),
    ("section:retaliation", {"tariffs"}),
    ("germ*", {"tariffs"}),
    ("germanum~", {"tariffs"}),
    ("semiconducter~", {"tariffs"}),
    ("recruitmant~", {"talent"}),
    ("ributs~", set()),  # two edits away: needs ~2
    ("ributs~2", {"robots-1"}),
]


@pytest.mark.parametrize("query, expected", QUERIES)
def test_query_language_in_the_library(tiny_index, query, expected):
    with Searcher(tiny_index) as s:
        assert documents_of(s.search(query)) == expected


@pytest.mark.parametrize("query, expected", QUERIES)
def test_query_language_on_the_command_line(run, tiny_index, query, expected):
    result = run("search", query, "--json", "--index", tiny_index)
    assert result.exit_code == (0 if expected else 1), result.stderr
    assert documents_of(json_lines(result.stdout)) == expected


def test_fuzzy_matches_are_highlighted(tiny_index):
    with Searcher(tiny_index) as s:
        hit = s.search("semiconducter~")[0]
    assert "**semiconductors**" in hit.highlight()


def test_pages_in_the_library(seed_index):
    with Searcher(seed_index) as s:
        first = s.search("china", limit=3)
        second = s.search("china", limit=3, page=2)
        both = s.search("china", limit=6)
        assert [h.rank for h in second] == [4, 5, 6]
        assert [h.id for h in first + second] == [h.id for h in both]
        assert s.search("gallium", limit=5, page=50) == []
        with pytest.raises(BadQuery):
            s.search("china", page=0)


def test_page_past_the_end_on_the_command_line(run, tiny_index):
    result = run("search", "gallium", "--page", 9, "--index", tiny_index)
    assert result.exit_code == 1 and result.stdout == ""


# -- did you mean ----------------------------------------------------------------


def test_suggest_respells_with_words_of_the_index(seed_index):
    with Searcher(seed_index) as s:
        assert s.suggest("semiconducter") == "semiconductor"
        assert s.suggest("Semiconducter AND talnet") == "Semiconductor AND talent"
        assert s.suggest('"indigenous innovaton"') == '"indigenous innovation"'
        assert s.suggest("goverment") == "government"  # a surface word, not the stem "govern"
        assert s.suggest("PaddlePadle") == "PaddlePaddle"  # written as the passages write it


def test_suggest_leaves_good_and_hopeless_queries_alone(seed_index):
    with Searcher(seed_index) as s:
        assert s.suggest("export controls") is None
        assert s.suggest("xylophonequux") is None
        assert s.suggest("semicond*") is None
        assert s.suggest("author:dign") is None  # other fields are not respelt
        assert s.suggest("   ") is None


def test_suggest_keeps_operators_and_fields(tiny_index):
    with Searcher(tiny_index) as s:
        assert s.suggest("gallium AND germanum") == "gallium AND germanium"
        assert s.suggest("author:lovelace robts") == "author:lovelace robots"


def test_cli_offers_a_respelling_on_stderr(run, seed_index):
    result = run("search", "semiconducter", "--index", seed_index)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert 'did you mean: "semiconductor"?' in result.stderr


def test_cli_respelling_never_touches_json_stdout(run, seed_index):
    result = run("search", "semiconducter", "--json", "--index", seed_index)
    assert result.exit_code == 1 and result.stdout == ""
    assert 'did you mean: "semiconductor"?' in result.stderr


def test_cli_offers_nothing_when_plenty_is_found(run, seed_index):
    result = run("search", "semiconductor", "--index", seed_index)
    assert result.exit_code == 0 and "did you mean" not in result.stderr


# -- similar passages ------------------------------------------------------------


def test_similar_passages_leave_out_the_passage_and_its_copies(tmp_path):
    shared = "Gallium and germanium export limits hit chip makers across Asia and Europe.\n"
    index = build_index(tmp_path, {
        "a.txt": "Report A\n\n" + shared,
        "b.txt": "Report B\n\n" + shared,
        "c.txt": "Report C\n\nNew limits on gallium exports worried chip makers.\n",
        "d.txt": "Report D\n\nRobots weld car bodies in Guangdong.\n",
    })
    with Searcher(index) as s:
        source = s.search('"across Asia"', document="a")[0]
        hits = s.similar(source.id)
        assert [h.document for h in hits] == ["c"]
        assert hits[0].rank == 1 and hits[0].matches
        assert "gallium" in hits[0].highlight().lower()


def test_similar_in_the_seed_corpus(seed_index):
    with Searcher(seed_index) as s:
        hits = s.similar("004_b9cf0838e2274f89:21", limit=4)
        assert 1 <= len(hits) <= 4
        assert "004_b9cf0838e2274f89:21" not in {h.id for h in hits}
        assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
        assert all(h.matches for h in hits)
        with pytest.raises(PassageNotFound):
            s.similar("nope:1")


def test_similar_on_the_command_line(run, seed_index):
    result = run("similar", "004_b9cf0838e2274f89:21", "--limit", 3, "--json", "--index", seed_index)
    assert result.exit_code == 0, result.stderr
    hits = json_lines(result.stdout)
    assert len(hits) == 3 and [h["rank"] for h in hits] == [1, 2, 3]
    assert {"id", "score", "document", "text", "matches"} <= hits[0].keys()
    text = run("similar", "004_b9cf0838e2274f89:21", "-n", 1, "--index", seed_index)
    assert text.exit_code == 0 and text.stdout.startswith("1. ")
    missing = run("similar", "nope:1", "--index", seed_index)
    assert missing.exit_code == 2 and missing.stdout == ""
    assert missing.stderr.count("\n") == 1 and "nope:1" in missing.stderr
    assert "Example" in run("similar", "-h").stdout
    other = run("similar", "004_b9cf0838e2274f89:21", "--document", "002_446d59fd56c55b2a", "--before", "2019-12",
                "--json", "--index", seed_index)
    assert other.exit_code == 0 and documents_of(json_lines(other.stdout)) == {"002_446d59fd56c55b2a"}
    bad = run("similar", "004_b9cf0838e2274f89:21", "--after", "soon", "--index", seed_index)
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1


def test_similar_finding_nothing_exits_1(run, tmp_path):
    index = build_index(tmp_path, {"a.txt": "Alpha\n\nGallium exports.\n", "d.txt": "Delta\n\nRobots weld.\n"})
    with Searcher(index) as s:
        passage = s.search("gallium")[0].id
        assert s.similar(passage) == []
    result = run("similar", passage, "--index", index)
    assert result.exit_code == 1 and result.stdout == ""


# -- facets ----------------------------------------------------------------------


def test_facets_count_the_whole_result_set(seed_index):
    with Searcher(seed_index) as s:
        facets = s.facets("export controls")
        assert facets["total"] == s.count("export controls") > 10
        assert sum(facets["documents"].values()) == facets["total"]
        assert set(facets["documents"]) <= set(SEED_DATES)
        assert "Jeffrey Ding" in facets["authors"]
        counts = list(facets["documents"].values())
        assert counts == sorted(counts, reverse=True)
        allen = s.facets("export controls", author="Allen")
        assert list(allen["documents"]) == ["002_446d59fd56c55b2a"]
        assert list(allen["authors"]) == ["Gregory C. Allen"]
    json.dumps(facets)  # plain values


def test_facets_in_the_tiny_corpus(tiny_index):
    with Searcher(tiny_index) as s:
        facets = s.facets("robots OR chips OR programs")
    assert facets == {"total": 4, "authors": {"Ada Lovelace": 1},
                      "documents": {"tariffs": 2, "robots-1": 1, "talent": 1},
                      "sections": {"Export controls": 1, "Retaliation": 1}, "years": {"2021": 1}}



@pytest.mark.parametrize("query, options", [("export controls", {}), ("talent", {"author": "ding"}),
                                            ("china AI", {"after": "2020"}), ("Beijing Zhiyuan", {})])
def test_facets_from_the_facet_table_are_those_read_from_the_passages(seed_index, query, options):
    """`facets` reads each match's stored fields until a results page has built the table; both agree."""
    with Searcher(seed_index) as s:
        read = s.facets(query, **options)
        with_table = s.results(query, **options).facets
        assert with_table == read and list(with_table["documents"]) == list(read["documents"])
        assert {key: list(values) for key, values in s.facets(query, **options).items() if key != "total"} == \
            {key: list(values) for key, values in read.items() if key != "total"}
        assert read["total"] > 0

def test_cli_facets_follow_the_hits(run, tiny_index):
    result = run("search", "robots OR chips OR programs", "--facets", "-n", 1, "--index", tiny_index)
    assert result.exit_code == 0
    assert result.stdout.startswith("1. ")
    tail = result.stdout.split("4 passages match in all", 1)[1]
    assert "by author:" in tail and "Ada Lovelace" in tail
    assert "by document:" in tail and "tariffs" in tail


def test_cli_facets_with_json_go_to_stderr(run, tiny_index):
    result = run("search", "robots OR chips OR programs", "--facets", "--json", "-n", 1, "--index", tiny_index)
    assert result.exit_code == 0
    hits = json_lines(result.stdout)
    assert len(hits) == 1 and "rank" in hits[0]
    facets = json.loads(result.stderr)["facets"]
    assert facets["documents"] == {"tariffs": 2, "robots-1": 1, "talent": 1}


# -- dates -----------------------------------------------------------------------

DATE_CASES = [
    ({"after": "2020"}, {"001_e674280208101485", "003_a0df248dcbd8bf15", "004_b9cf0838e2274f89"}),
    ({"before": "2019-02"}, {"002_446d59fd56c55b2a"}),
    ({"after": "2019-02-20", "before": "2019-02-01"}, {"002_446d59fd56c55b2a"}),  # same month
    ({"after": "2019-01-15", "before": "2019-10-29"}, {"002_446d59fd56c55b2a", "000_5c84af78ccbbd290"}),
    ({"after": "2019-03", "before": "2019-12"}, {"000_5c84af78ccbbd290"}),
    ({"before": "2022-12-31", "after": "2020-06"}, {"003_a0df248dcbd8bf15"}),
    ({"after": "2023-06-30"}, {"004_b9cf0838e2274f89"}),  # dated by year only
    ({"after": "2024"}, set()),
]


@pytest.mark.parametrize("bounds, expected", DATE_CASES)
def test_date_bounds_in_the_library(seed_index, bounds, expected):
    with Searcher(seed_index) as s:
        hits = s.search("china", limit=500, **bounds)
    assert documents_of(hits) == expected
    assert all(h.date == SEED_DATES[h.document] for h in hits)


@pytest.mark.parametrize("bounds, expected", DATE_CASES)
def test_date_bounds_on_the_command_line(run, seed_index, bounds, expected):
    options = [x for key, value in bounds.items() for x in (f"--{key}", value)]
    result = run("search", "china", "--limit", 500, "--json", *options, "--index", seed_index)
    assert result.exit_code == (0 if expected else 1)
    assert documents_of(json_lines(result.stdout)) == expected


def test_a_time_after_a_document_date_is_ignored(tmp_path):
    record = {"_id": "r1", "title": "Timed", "text": "Gallium export limits.", "date": "2021-05-01T09:30:00Z"}
    index = build_index(tmp_path, {"timed.jsonl": json.dumps(record) + "\n"})
    with Searcher(index) as s:
        assert documents_of(s.search("gallium", after="2021-05-01", before="2021-05")) == {"r1"}
        assert s.search("gallium", after="2021-05-02") == []


def test_undated_passages_never_pass_a_date_bound(tiny_index):
    with Searcher(tiny_index) as s:
        assert documents_of(s.search("chips OR robots", after="1900")) == {"robots-1"}
        assert documents_of(s.search("robots", before="2021-05")) == {"robots-1"}
        assert s.search("robots", before="2021-04-30") == []


@pytest.mark.parametrize("query", ["china NOT talent", "china", "talent OR chips NOT semiconductors"])
@pytest.mark.parametrize("bounds", [{}, {"after": "1900"}, {"author": ["Allen", "Ding", "Webster"]}])
def test_a_short_page_is_the_head_of_a_long_one(seed_index, query, bounds):
    with Searcher(seed_index) as s:
        short = [h.id for h in s.search(query, limit=5, **bounds)]
        long = [h.id for h in s.search(query, limit=500, **bounds)]
    assert short == long[:5]


def test_filtered_results_hold_no_duplicate_passages(seed_index):
    with Searcher(seed_index) as s:
        plain = s.search("china", limit=1000)
        dated = s.search("china", limit=1000, after="1900")
    assert len({h.id for h in dated}) == len(dated)
    assert [h.id for h in dated] == [h.id for h in plain]


@pytest.mark.parametrize("bad", ["2019-13", "19", "yesterday", "2019-02-30", "2019/02"])
def test_bad_dates_are_bad_queries(run, tiny_index, bad):
    with Searcher(tiny_index) as s:
        with pytest.raises(BadQuery, match="YYYY-MM-DD"):
            s.search("robots", after=bad)
        with pytest.raises(BadQuery):
            s.facets("robots", before=bad)
    result = run("search", "robots", "--before", bad, "--index", tiny_index)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and bad in result.stderr


# -- highlighting and snippets ---------------------------------------------------

HIGHLIGHT_DOC = {
    "policy.txt": """\
        Policy Notes

        Export rules changed in spring. The export controls on chips tightened, and controls on
        exports of gallium followed. These policies echo an older policy of self-reliance.
        """,
}


def test_a_phrase_is_highlighted_only_where_it_stands(tmp_path):
    index = build_index(tmp_path, HIGHLIGHT_DOC)
    with Searcher(index) as s:
        hit = s.search('"export controls"')[0]
    assert [hit.text[a:b] for a, b in hit.matches] == ["export controls"]


def test_stemmed_variants_are_highlighted(tmp_path):
    index = build_index(tmp_path, HIGHLIGHT_DOC)
    with Searcher(index) as s:
        hit = s.search("policy")[0]
        assert [hit.text[a:b] for a, b in hit.matches] == ["policies", "policy"]
        exports = s.search("export")[0]
    assert [exports.text[a:b] for a, b in exports.matches] == ["Export", "export", "exports"]


FILLER = " ".join(f"Sentence {n} says nothing of note about the weather." for n in range(12))
FAR_APART = {"far.txt": f"Far Apart\n\nGallium came first. {FILLER} Germanium came last.\n"}


def snippet_line(run, index, *options) -> str:
    result = run("search", "gallium germanium", *options, "--index", index)
    assert result.exit_code == 0
    return result.stdout.splitlines()[2].strip()


def test_snippets_show_far_apart_matches_as_fragments(run, tmp_path):
    index = build_index(tmp_path, FAR_APART)
    body = snippet_line(run, index)
    assert "**Gallium** came first." in body and "**Germanium** came last." in body
    assert " … " in body and "Sentence 6" not in body
    wide = snippet_line(run, index, "--context", 2000)
    assert "Sentence 6" in wide and "…" not in wide


def test_context_widens_and_narrows_snippets(run, tmp_path):
    index = build_index(tmp_path, FAR_APART)
    narrow, default, wide = (snippet_line(run, index, "--context", n).replace("**", "") for n in (30, 320, 700))
    assert len(narrow) < len(default) < len(wide)
    assert len(narrow) <= 30 + 4  # plus the ellipses


@pytest.mark.slow
def test_new_commands_keep_the_search_path_light(seed_index):
    script = textwrap.dedent(f"""
        import sys
        from searcher.cli import cli
        for args in (["similar", "004_b9cf0838e2274f89:21"], ["search", "semiconducter"],
                     ["search", "export controls", "--facets", "--after", "2019"]):
            code = cli.main(args + ["--index", {str(seed_index)!r}], standalone_mode=False)
            assert code in (0, 1), (args, code)
        print("MODULES", " ".join(sorted({{m.split(".")[0] for m in sys.modules}})), file=sys.stderr)
    """)
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True)
    loaded = set(out.stderr.rsplit("MODULES", 1)[1].split())
    assert "whoosh" in loaded and not loaded & {"nltk", "bs4"}
