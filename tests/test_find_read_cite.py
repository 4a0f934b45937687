"""Find, read and cite: the documents list, passages in context, outlines, citations, id prefixes."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpus.citation import UnknownStyle
from indexer import Indexer
from searcher import AmbiguousId, BadQuery, PassageNotFound, Searcher, UnknownDocument
from searcher.cli import cli

EXPECTED = json.loads((Path(__file__).parent / "data" / "citations.json").read_text(encoding="utf-8"))
LEHMANN_PASSAGE = "000_5c84af78ccbbd290:103"  # in Thomas Lehmann's article of the DigiChina report

# From the catalog (corpus/data/catalog.json, after SOURCES.md).
SEED = {
    "000_5c84af78ccbbd290": ("AI Policy and China: Realities of State-Led Development", "Graham Webster",
                             "2019-10-29", "Stanford-New America DigiChina Project"),
    "001_e674280208101485": ("AI Politics Is Local: Municipal and central authorities dream up a model AI cluster in Beijing",
                             "Thomas Lehmann", "2020-01-23", "New America"),
    "002_446d59fd56c55b2a": ("Understanding China's AI Strategy: Clues to Chinese Strategic Thinking on Artificial "
                             "Intelligence and National Security", "Gregory C. Allen", "2019-02",
                             "Center for a New American Security"),
    "003_a0df248dcbd8bf15": ("China's AI Efforts Suggest Tactics in New 'Self-Reliance' Push: A focus on attracting "
                             "foreign talent and investment while cultivating the same at home", None, "2020-12-21",
                             "New America"),
    "004_b9cf0838e2274f89": ("Measuring China's Technological Self-Reliance Drive", "Jeffrey Ding", "2023", ""),
}


@pytest.fixture(scope="module")
def seed(seed_index):
    with Searcher(seed_index) as s:
        yield s


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, [str(a) for a in args])


# ---- library -----------------------------------------------------------------------

def test_documents_lists_the_bundled_reports_with_their_facts(seed):
    docs = seed.documents()
    assert [d.id for d in docs] == sorted(SEED)
    for doc in docs:
        title, author, date, publisher = SEED[doc.id]
        assert (doc.title, doc.date, doc.publisher) == (title, date, publisher)
        assert (author in doc.authors) if author else doc.authors == ()
        assert doc.source == f"bundled:{doc.id}.txt" and doc.source_type == "bundled"
        assert doc.url.startswith("https://")
    assert sum(d.passages for d in docs) == seed.stats().passages
    assert docs[0].publication.editors == ("Graham Webster",)
    assert docs[4].publication.container_title == "China Leadership Monitor"


def test_documents_filters_by_author_and_date(seed):
    assert [d.id[:3] for d in seed.documents(author="ding")] == ["000", "004"]  # interviewee, author
    assert [d.id[:3] for d in seed.documents(author=["allen", "lehmann"])] == ["000", "001", "002"]
    assert [d.id[:3] for d in seed.documents(after="2020")] == ["001", "003", "004"]
    assert [d.id[:3] for d in seed.documents(before="2019-06")] == ["002"]
    assert seed.documents(author="nobody at all") == []
    with pytest.raises(BadQuery):
        seed.documents(after="last year")


def test_a_document_by_prefix_with_its_outline(seed):
    doc = seed.document("000")
    assert doc.id == "000_5c84af78ccbbd290"
    assert doc.outline[0].title == "Foreword" and doc.outline[0].first_passage == "000_5c84af78ccbbd290:1"
    assert sum(e.passages for e in doc.outline) == doc.passages
    firsts = [int(e.first_passage.rsplit(":", 1)[1]) for e in doc.outline]
    assert firsts == sorted(firsts) and firsts[0] == 1
    lehmann = [e for e in doc.outline if e.title.startswith("AI Politics is Local")]
    assert [e.section for e in lehmann][:2] == ["", "Beijing Zhiyuan Action Plan"]
    assert not seed.document("000", outline=False).outline


@pytest.mark.parametrize("given, error, named", [
    ("00", AmbiguousId, ["000_5c84af78ccbbd290", "004_b9cf0838e2274f89"]),
    ("nope", UnknownDocument, ["'nope'", "corpus-search documents"]),
    ("", UnknownDocument, ["empty document id"]),
])
def test_an_ambiguous_or_unknown_prefix_is_an_error_naming_the_candidates(seed, given, error, named):
    with pytest.raises(error) as caught:
        seed.document(given)
    assert all(name in str(caught.value) for name in named)
    assert "\n" not in str(caught.value)


def test_prefixes_work_wherever_an_id_is_taken(seed):
    assert seed.get("004:20").id == "004_b9cf0838e2274f89:20"
    hits = seed.search("talent", document="003")
    assert hits and {h.document for h in hits} == {"003_a0df248dcbd8bf15"}
    with pytest.raises(AmbiguousId):
        seed.search("talent", document="00")
    similar = seed.similar("004:21", limit=3)
    assert similar and "004_b9cf0838e2274f89:21" not in {h.id for h in similar}
    assert seed.cite("002", "apa").text == EXPECTED["documents"]["002_446d59fd56c55b2a"]["apa"]
    with pytest.raises(PassageNotFound, match="nope:1"):
        seed.get("nope:1")
    with pytest.raises(PassageNotFound, match="004_b9cf0838e2274f89:9999"):
        seed.get("004:9999")


def test_context_gives_the_passages_around_in_reading_order(seed):
    context = seed.context("004_b9cf0838e2274f89:20", 1)
    assert [h.id for h in context.passages] == [f"004_b9cf0838e2274f89:{n}" for n in (19, 20, 21)]
    assert context.focus == 1 and context.passage.id == "004_b9cf0838e2274f89:20"
    start = seed.context("004:1", 2)  # nothing before the first passage
    assert [h.id.rsplit(":", 1)[1] for h in start.passages] == ["1", "2", "3"] and start.focus == 0
    last = seed.document("004", outline=False).passages
    end = seed.context(f"004:{last}", 2)
    assert end.focus == 2 and len(end.passages) == 3
    assert [h.id for h in seed.context("004:20", 0).passages] == ["004_b9cf0838e2274f89:20"]
    with pytest.raises(BadQuery):
        seed.context("004:20", -1)


@pytest.mark.parametrize("doc_id", sorted(SEED))
@pytest.mark.parametrize("style", ["chicago", "apa"])
def test_cite_a_document_as_written_out_by_hand(seed, doc_id, style):
    assert seed.cite(doc_id, style).text == EXPECTED["documents"][doc_id][style]


@pytest.mark.parametrize("style", ["chicago", "apa"])
def test_a_passage_of_lehmanns_article_cites_the_chapter_in_the_edited_report(seed, style):
    assert seed.cite(LEHMANN_PASSAGE, style).text == EXPECTED["parts"]["lehmann_chapter"][style]


@pytest.mark.parametrize("style", ["chicago", "apa"])
def test_an_interview_answer_cites_the_interview_with_the_speaker_named(seed, style):
    answers = [h for h in seed.search("research China AI", author="Jeffrey Ding", document="000", limit=20)
               if h.kind == "answer"]
    assert answers, "Jeffrey Ding's answers in the report"
    assert seed.cite(answers[0].id, style).text == EXPECTED["parts"]["ding_interview"][style]


def test_a_passage_of_a_single_report_cites_the_report(seed):
    assert seed.cite("004_b9cf0838e2274f89:20").text == EXPECTED["documents"]["004_b9cf0838e2274f89"]["chicago"]


def test_search_adds_citations_only_when_asked(seed):
    plain = seed.search("Zhiyuan scholars", limit=2)
    assert all(h.citation == "" and "citation" not in h.as_dict() for h in plain)
    cited = seed.search("Zhiyuan scholars", limit=2, cite="apa")
    assert [h.id for h in cited] == [h.id for h in plain]
    assert cited[0].id == LEHMANN_PASSAGE
    assert cited[0].as_dict()["citation"] == EXPECTED["parts"]["lehmann_chapter"]["apa"]
    with pytest.raises(UnknownStyle, match="unknown citation style 'vancouver'; choose one of: chicago, apa"):
        seed.search("Zhiyuan", cite="vancouver")


def test_a_sidecar_correction_changes_the_citation_after_index(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    note = folder / "chips.md"
    note.write_text("# Chip Rules\n\nExport controls on chips tightened in 2022 and again in 2023.\n", encoding="utf-8")
    sidecar = folder / "chips.md.meta.json"
    sidecar.write_text(json.dumps({"authors": ["Ada Lovelace"], "date": "2023-05", "publisher": "Example Institute",
                                   "type": "report", "url": "https://example.org/chips"}), encoding="utf-8")
    index = tmp_path / "index"
    Indexer(index).update([folder])
    with Searcher(index) as s:
        assert s.cite("chips", "chicago").text == (
            "Lovelace, Ada. Chip Rules. Example Institute, 2023. https://example.org/chips.")
        assert s.documents()[0].publisher == "Example Institute"
    sidecar.write_text(json.dumps({"authors": ["Ada Lovelace", "Alan Turing"], "date": "2024",
                                   "publisher": "Corrected Press", "title": "Chip Rules, Revised"}), encoding="utf-8")
    os.utime(sidecar, ns=(sidecar.stat().st_atime_ns, sidecar.stat().st_mtime_ns + 10**9))
    report = Indexer(index).update()
    assert report.updated == 1
    with Searcher(index) as s:
        assert s.cite("chips", "apa").text == "Lovelace, A., & Turing, A. (2024). Chip Rules, Revised. Corrected Press."
    assert Indexer(index).update().unchanged == 1  # and it stays unchanged afterwards


def test_a_folder_catalog_correction_changes_the_citation_after_index(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "chips.md").write_text("# Chip Rules\n\nExport controls on chips tightened in 2022.\n", encoding="utf-8")
    (folder / "catalog.json").write_text(json.dumps({"chips.md": {"publisher": "First Press", "date": "2021"}}),
                                         encoding="utf-8")
    index = tmp_path / "index"
    Indexer(index).update([folder])
    with Searcher(index) as s:
        assert s.cite("chips", "apa").text == "Chip Rules. (2021). First Press."
    (folder / "catalog.json").unlink()
    (folder / "catalog.toml").write_text('[chips]\nauthors = ["Ada Lovelace"]\ndate = "2022"\n'
                                         'publisher = "Second Press"\n', encoding="utf-8")
    assert Indexer(index).update().updated == 1
    with Searcher(index) as s:
        assert s.cite("chips", "apa").text == "Lovelace, A. (2022). Chip Rules. Second Press."
        assert [(d.publisher, d.date) for d in s.documents()] == [("Second Press", "2022")]
    assert Indexer(index).update().unchanged == 1


# ---- command line ------------------------------------------------------------------

def test_cli_documents_lists_the_five_reports(run, seed_index):
    result = run("documents", "--index", seed_index)
    assert result.exit_code == 0, result.stderr
    for doc_id, (title, author, date, publisher) in SEED.items():
        assert doc_id in result.stdout and title in result.stdout and date in result.stdout
        assert publisher in result.stdout and (author is None or author in result.stdout)
    assert "China Leadership Monitor" in result.stdout  # 004 shows where it appeared


def test_cli_documents_json_and_filters(run, seed_index):
    result = run("documents", "--json", "--author", "ding", "--index", seed_index)
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["id"][:3] for d in lines] == ["000", "004"]
    for d in lines:
        assert {"id", "title", "authors", "date", "publisher", "url", "source", "passages"} <= d.keys()
    none = run("documents", "--before", "2001", "--index", seed_index)
    assert none.exit_code == 1 and none.stdout == "" and "no documents" in none.stderr
    bad = run("documents", "--after", "soon", "--index", seed_index)
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1


def test_cli_show_context_prints_three_passages_in_order_the_passage_marked(run, seed_index):
    result = run("show", "004_b9cf0838e2274f89:20", "--context", 1, "--index", seed_index)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    ids = [f"004_b9cf0838e2274f89:{n}" for n in (19, 20, 21)]
    positions = [out.index(("   " if n != 20 else ">> ") + pid) for n, pid in zip((19, 20, 21), ids)]
    assert positions == sorted(positions)
    with Searcher(seed_index) as s:
        for pid in ids:
            assert s.get(pid).text in out  # each passage whole, as the document says
    lines = [json.loads(x) for x in run("show", "004:20", "-C", 1, "--json", "--index", seed_index).stdout.splitlines()]
    assert [(x["id"], x["focus"]) for x in lines] == list(zip(ids, (False, True, False)))


def test_cli_show_prints_everything_known_about_a_passage(run, seed_index):
    out = run("show", LEHMANN_PASSAGE, "--index", seed_index).stdout
    for fact in ("Thomas Lehmann", "AI Policy and China: Realities of State-Led Development, edited by Graham Webster",
                 "2019-10-29", "Stanford-New America DigiChina Project", "Beijing Zhiyuan Action Plan", "body",
                 "000_5c84af78ccbbd290.txt (bundled corpus)", "https://www.newamerica.org/",
                 "000_5c84af78ccbbd290 (also in 001_e674280208101485)"):
        assert fact in out


def test_cli_show_a_document_prints_its_outline(run, seed_index):
    result = run("show", "000_5c", "--index", seed_index)
    assert result.exit_code == 0, result.stderr
    assert "outline:" in result.stdout and "000_5c84af78ccbbd290:98" in result.stdout
    assert "AI Politics is Local: Municipal and central authorities dream up a model AI cluster in Beijing › " \
           "Beijing Zhiyuan Action Plan" in result.stdout
    outline = json.loads(run("show", "000_5c", "--json", "--index", seed_index).stdout)["outline"]
    assert outline[0] == {"title": "Foreword", "section": "", "first_passage": "000_5c84af78ccbbd290:1", "passages": 7}
    ambiguous = run("show", "00", "--index", seed_index)
    assert ambiguous.exit_code == 2 and "000_5c84af78ccbbd290" in ambiguous.stderr
    assert run("show", "000_5c", "--context", 1, "--index", seed_index).exit_code == 2


def test_cli_cite_chicago_and_bibtex(run, seed_index):
    result = run("cite", LEHMANN_PASSAGE, "--style", "chicago", "--index", seed_index)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == EXPECTED["parts"]["lehmann_chapter"]["chicago"] + "\n"
    bibtexparser = pytest.importorskip("bibtexparser")
    library = bibtexparser.parse_string(run("cite", LEHMANN_PASSAGE, "--style", "bibtex", "--index", seed_index).stdout)
    assert not library.failed_blocks and len(library.entries) == 1
    entry = library.entries[0]
    assert entry.entry_type == "incollection" and entry.fields_dict["author"].value == "Lehmann, Thomas"
    ris = run("cite", "004", "--style", "ris", "--index", seed_index).stdout
    assert ris.startswith("TY  - JOUR\n") and ris.rstrip().endswith("ER  -")
    assert json.loads(run("cite", "004", "-s", "csl-json", "--index", seed_index).stdout)["issue"] == "75"
    bad = run("cite", LEHMANN_PASSAGE, "--style", "vancouver", "--index", seed_index)
    assert bad.exit_code == 2 and "vancouver" in bad.stderr and bad.stdout == ""


def test_cli_search_cite_adds_citation_only_when_asked(run, seed_index):
    plain = [json.loads(x) for x in run("search", "Zhiyuan scholars", "--json", "--index", seed_index).stdout.splitlines()]
    cited = [json.loads(x) for x in
             run("search", "Zhiyuan scholars", "--json", "--cite", "chicago", "--index", seed_index).stdout.splitlines()]
    assert all("citation" not in h for h in plain)
    assert [h["id"] for h in cited] == [h["id"] for h in plain]
    assert cited[0]["citation"] == EXPECTED["parts"]["lehmann_chapter"]["chicago"]
    text = run("search", "Zhiyuan scholars", "--limit", 1, "--cite", "apa", "--index", seed_index).stdout
    assert "cite: " + EXPECTED["parts"]["lehmann_chapter"]["apa"] in text


def test_cli_documents_names_the_kind_of_source_of_files_and_json_lines_records(run, tiny_index, tiny_corpus):
    text = run("documents", "--index", tiny_index).stdout
    assert f"JSON Lines record: {tiny_corpus / 'robots.jsonl'} · 1 passage" in text
    assert f"file: {tiny_corpus / 'tariffs.md'} · 2 passages" in text
    rows = {d["id"]: d for d in map(json.loads, run("documents", "--json", "--index", tiny_index).stdout.splitlines())}
    assert {k: (d["source_type"], d["source"]) for k, d in rows.items()} == {
        "robots-1": ("jsonl", str(tiny_corpus / "robots.jsonl")),
        "talent": ("file", str(tiny_corpus / "talent.txt")),
        "tariffs": ("file", str(tiny_corpus / "tariffs.md")),
    }
    assert (rows["robots-1"]["authors"], rows["robots-1"]["date"]) == (["Ada Lovelace"], "2021-05-01")
