"""Acronyms the indexed text defines: the detector on tricky sentences (as data), and a query for
either form finding the other, through the command line and the library."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from click.testing import CliRunner

from corpus.acronyms import consistent_table, count_definitions, find_definitions
from indexer import Indexer
from searcher import Searcher
from searcher.cli import cli
from searcher.expansion import Acronyms, find_expansions

# (sentence, the (short form, long form) pairs it defines)
DEFINITIONS = [
    ("a think-tank under the Ministry of Industry and Information Technology (MIIT), measures",
     [("MIIT", "Ministry of Industry and Information Technology")]),
    ("established the Beijing Academy of Artificial Intelligence (BAAI) in 2018",
     [("BAAI", "Beijing Academy of Artificial Intelligence")]),
    ("conferences focusing on Artificial Intelligence (AI).", [("AI", "Artificial Intelligence")]),
    ("the Beijing Academy of Artiﬁcial Intelligence (BAAI)",  # a ligature, as PDFs give it
     [("BAAI", "Beijing Academy of Artificial Intelligence")]),
    ("human embryonic stem cells (hESCs) were grown", [("hESCs", "human embryonic stem cells")]),
    ("the MIIT (Ministry of Industry and Information Technology) said",  # reversed
     [("MIIT", "Ministry of Industry and Information Technology")]),
    ("work at the Systems Development Corporation's (SDC) lab", [("SDC", "Systems Development Corporation")]),
    ("state-owned enterprises (SOEs), private firms", [("SOEs", "state-owned enterprises")]),
    ("science and technology (S&T) policy", [("S&T", "science and technology")]),
    ("the first letter must begin a word: the Carnegie-Tsinghua Center for Global Policy (CTC)", []),
    ("a single letter is no acronym: the second group (B) grew", []),
    ("numbers are not either: sales in 2019 (2,400 units)", []),
    ("a year or a page: as shown in Table 3 (2019)", []),
    ("an ordinary word in brackets: the plan (Draft) was", []),
    ("lowercase is no acronym: machine learning (ml) models", []),
    ("words the letters do not account for: export controls on chips (EUV)", []),
    ("a long form with a number: Made in China 2025 (MIC2025) plan", []),
    ("the acronym inside its own long form: the MIIT Ministry office (MIIT)", []),
    ("no long form before it: (MIIT) opened", []),
    ("the clause ends first: it was new. Then (NIC) came", []),
]


@pytest.mark.parametrize("sentence, pairs", DEFINITIONS)
def test_the_detector_finds_exactly_the_definitions_a_sentence_holds(sentence, pairs):
    assert [(d.short, d.long) for d in find_definitions(sentence)] == pairs


def test_only_consistent_definitions_are_kept_and_stop_words_never_are():
    counts = count_definitions([
        "acute coronary syndromes (ACS) and acute coronary syndrome (ACS)",
        "the acute coronary syndrome (ACS); the American Cancer Society (ACS)",
        "alveolar macrophages (AM) and aseptic meningoencephalitis (AM)",  # one each: ambiguous
        "information technology (IT) budgets",  # `it` is a stop word
    ])
    table = consistent_table(counts, frozenset({"it"}))
    assert table["ACS"] == ("acute coronary syndrome", 3)  # 3 against 1: the plural counts with the singular
    assert "AM" not in table and "IT" not in table


def test_a_query_acronym_is_matched_as_written_and_never_inside_quotes_or_field_terms():
    acronyms = Acronyms({"MIIT": ("Ministry of Industry and Information Technology", 1), "MOST": (
        "Ministry of Science and Technology", 3)})
    typed = lambda text: [(e.typed, e.also) for e in find_expansions(text, acronyms)]  # noqa: E731
    assert typed("MIIT subsidies") == [("MIIT", "Ministry of Industry and Information Technology")]
    assert typed("MIIT's subsidies") == [("MIIT", "Ministry of Industry and Information Technology")]
    assert typed("the most subsidies") == []  # `most` is a word, not MOST
    assert typed('"MIIT subsidies"') == [] and typed("title:MIIT") == [] and typed("MIIT*") == []
    assert typed("ministry of science and technology grants") == [
        ("ministry of science and technology", "MOST")]
    assert typed("MIIT Ministry of Industry and Information Technology") == []  # both forms typed already


# ---- through an index ----------------------------------------------------------

DOCS = {
    "defines.md": """\
        # Industrial policy

        The Ministry of Industry and Information Technology (MIIT) issued new subsidies for chip plants.
        MIIT officials visited Shenzhen to inspect the chip plants in person.
        """,
    "spelt.md": """\
        # Provincial plans

        Provincial plans follow guidance from the Ministry of Industry and Information Technology on
        robot factories, written without the short name anywhere in this document.
        """,
    "short.md": """\
        # Briefing

        A short briefing: MIIT alone approved the robot factories this spring.
        """,
}


def write_docs(folder: Path, docs: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


@pytest.fixture
def acronym_index(tmp_path: Path) -> tuple[Path, Path]:
    docs = write_docs(tmp_path / "docs", DOCS)
    index_dir = tmp_path / "index"
    Indexer(index_dir).update([docs])
    return index_dir, docs


def search(index_dir: Path, *args: str):
    return CliRunner().invoke(cli, ["search", *args, "--index", str(index_dir), "--json"])


def documents(result) -> list[str]:
    return [json.loads(line)["document"] for line in result.stdout.splitlines()]


def test_an_acronym_finds_the_passages_that_spell_it_out_with_a_note(acronym_index):
    index_dir, _ = acronym_index
    result = search(index_dir, "MIIT")
    assert result.exit_code == 0, result.stderr
    assert set(documents(result)) == {"defines", "spelt", "short"}
    assert result.stderr == ('corpus-search: note: MIIT also searched as '
                             '"Ministry of Industry and Information Technology" (--exact to turn off)\n')
    spelt = next(json.loads(line) for line in result.stdout.splitlines() if '"spelt"' in line)
    marked = [spelt["text"][a:b] for a, b in spelt["matches"]]
    assert marked == ["Ministry of Industry and Information Technology"]


def test_exact_turns_the_expansion_and_its_note_off(acronym_index):
    index_dir, _ = acronym_index
    result = search(index_dir, "MIIT", "--exact")
    assert result.exit_code == 0, result.stderr
    assert set(documents(result)) == {"defines", "short"}
    assert result.stderr == ""


def test_a_long_form_finds_the_acronym_too(acronym_index):
    index_dir, _ = acronym_index
    result = search(index_dir, "ministry of industry and information technology")
    assert result.exit_code == 0, result.stderr
    assert "short" in documents(result)
    assert "ministry of industry and information technology also searched as \"MIIT\"" in result.stderr
    assert "short" not in documents(search(index_dir, "ministry of industry and information technology",
                                           "--exact"))


def test_passages_with_the_typed_form_rank_above_those_with_the_other_form(acronym_index):
    index_dir, _ = acronym_index
    order = documents(search(index_dir, "MIIT"))
    assert order.index("short") < order.index("spelt")
    order = documents(search(index_dir, "Ministry of Industry and Information Technology"))
    assert order.index("spelt") < order.index("short")


def test_not_leaves_out_both_forms_and_quotes_search_only_what_is_typed(acronym_index):
    index_dir, _ = acronym_index
    assert set(documents(search(index_dir, "robot factories NOT MIIT"))) == set()
    assert set(documents(search(index_dir, "robot factories NOT MIIT", "--exact"))) == {"spelt"}
    quoted = search(index_dir, '"MIIT"')
    assert set(documents(quoted)) == {"defines", "short"} and quoted.stderr == ""


def test_the_table_follows_updates_that_remove_the_defining_document(acronym_index):
    index_dir, docs = acronym_index
    (docs / "short.md").unlink()  # another document goes: the definition stays
    assert CliRunner().invoke(cli, ["index", "--index", str(index_dir)]).exit_code == 0
    assert set(documents(search(index_dir, "MIIT"))) == {"defines", "spelt"}
    (docs / "short.md").write_text(textwrap.dedent(DOCS["short.md"]), encoding="utf-8")
    (docs / "defines.md").unlink()
    report = CliRunner().invoke(cli, ["index", "--index", str(index_dir)])
    assert report.exit_code == 0, report.stderr
    result = search(index_dir, "MIIT")
    assert set(documents(result)) == {"short"} and result.stderr == ""
    (docs / "defines.md").write_text(textwrap.dedent(DOCS["defines.md"]), encoding="utf-8")
    assert CliRunner().invoke(cli, ["index", "--index", str(index_dir)]).exit_code == 0
    assert set(documents(search(index_dir, "MIIT"))) == {"defines", "spelt", "short"}


def test_the_library_expands_unless_exact(acronym_index):
    index_dir, _ = acronym_index
    with Searcher(index_dir) as s:
        assert {h.document for h in s.search("MIIT")} == {"defines", "spelt", "short"}
        assert {h.document for h in s.search("MIIT", exact=True)} == {"defines", "short"}
        assert s.count("MIIT") == 3 and s.count("MIIT", exact=True) == 2
        assert s.facets("MIIT")["total"] == 3 and s.facets("MIIT", exact=True)["total"] == 2
        assert s.results("MIIT").total == 3 and s.results("MIIT", exact=True).total == 2
        (expansion,) = s.expansions("MIIT subsidies")
        assert (expansion.typed, expansion.also, expansion.acronym) == (
            "MIIT", "Ministry of Industry and Information Technology", True)


def test_miit_in_the_bundled_corpus_finds_the_passage_that_only_spells_it_out(seed_index):
    with Searcher(seed_index) as s:
        exact = {h.id for h in s.search("MIIT", exact=True)}
        expanded = s.search("MIIT")
    assert exact == {"004_b9cf0838e2274f89:27"}  # the one passage that writes MIIT (and defines it)
    spelt = [h for h in expanded if h.id not in exact]
    assert spelt and all("Ministry of Industry" in h.text and "MIIT" not in h.text for h in spelt)
    assert expanded[0].id in exact


def test_a_damaged_acronyms_table_is_named_by_the_error(acronym_index):
    from indexer import layout

    index_dir, _ = acronym_index
    generation = layout.current_generation(index_dir)
    (generation / layout.ACRONYMS_NAME).write_text('{"acronyms": [1, 2]}', encoding="utf-8")
    result = search(index_dir, "MIIT")
    assert result.exit_code == 2 and "acronyms table" in result.stderr and "another size" in result.stderr
    layout.seal(generation)  # the checksums agree: the content itself is checked
    result = search(index_dir, "MIIT")
    assert result.exit_code == 2 and "acronyms table" in result.stderr and "cannot be read" in result.stderr


def test_a_json_lines_file_keeps_the_definitions_of_its_records_as_they_change(tmp_path):
    records = [
        {"_id": "a", "text": "The National Development and Reform Commission (NDRC) set quotas."},
        {"_id": "b", "text": "NDRC quotas were raised again this year."},
        {"_id": "c", "text": "Planners at the National Development and Reform Commission met."},
    ]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    index_dir = tmp_path / "index"
    Indexer(index_dir).update([corpus])
    with Searcher(index_dir) as s:
        assert {h.document for h in s.search("NDRC")} == {"a", "b", "c"}
    records[1]["text"] = "NDRC quotas were cut this year."  # an unchanged definition in a changed file
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    Indexer(index_dir).update()
    with Searcher(index_dir) as s:
        assert {h.document for h in s.search("NDRC")} == {"a", "b", "c"}
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records[1:]), encoding="utf-8")  # "a" goes
    Indexer(index_dir).update()
    with Searcher(index_dir) as s:
        assert {h.document for h in s.search("NDRC")} == {"b"} and s.expansions("NDRC") == ()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab.;:!?()[]{} \n\t\u3000")), max_size=40))
def test_the_clause_before_a_parenthesis_starts_after_the_last_break(text):
    """find_definitions finds the last break by backing off from the end: the last of all the breaks."""
    from corpus import acronyms

    breaks = list(acronyms._BREAK.finditer(text))
    last = acronyms._LAST_BREAK.match(text)
    assert (last.end() if last else None) == (breaks[-1].end() if breaks else None)
