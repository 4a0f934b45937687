"""Citations: CSL items from documents, the styles rendered through citeproc-py, BibTeX and RIS."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.catalog import bundled_corpus_dir
from corpus.citation import Part, Source, UnknownStyle, csl_item, person_name, render
from corpus.citation.citeproc_fixes import move_punctuation_into_quotes, normalise_initials
from corpus.readers import read_file
from corpus.structure import build_document

EXPECTED = json.loads((Path(__file__).parent / "data" / "citations.json").read_text(encoding="utf-8"))


def bundled_source(doc_id: str) -> Source:
    raw = next(d for d in read_file(bundled_corpus_dir() / f"{doc_id}.txt") if hasattr(d, "text"))
    doc = build_document(raw)
    return Source(doc.id, doc.title, doc.authors, doc.date, doc.publisher, doc.url, doc.publication)


@pytest.mark.parametrize("doc_id", sorted(EXPECTED["documents"]))
@pytest.mark.parametrize("style", ["chicago", "apa"])
def test_bundled_documents_cite_as_written_out_by_hand(doc_id, style):
    item = csl_item(bundled_source(doc_id))
    assert render(item, style).text == EXPECTED["documents"][doc_id][style]


@pytest.mark.parametrize("style", ["chicago", "apa"])
def test_an_article_of_the_edited_report_cites_as_a_chapter(style):
    part = EXPECTED["parts"]["lehmann_chapter"]
    item = csl_item(bundled_source("000_5c84af78ccbbd290"), Part(part["title"], ("Thomas Lehmann",)))
    assert item["type"] == "chapter"
    assert render(item, style).text == part[style]


@pytest.mark.parametrize("style", ["chicago", "apa"])
def test_an_interview_answer_cites_the_interview_with_the_speaker_named(style):
    part = EXPECTED["parts"]["ding_interview"]
    item = csl_item(
        bundled_source("000_5c84af78ccbbd290"),
        Part(part["title"], byline=("Johanna Costigan",), speakers=("Jeffrey Ding",)),
    )
    assert item["type"] == "interview"
    assert render(item, style).text == part[style]


def test_the_page_cited_goes_in_the_note_not_the_bibliography_entry():
    item = csl_item(bundled_source("002_446d59fd56c55b2a"))
    cited = render(item, "chicago", page="12")
    assert "12" not in cited.text
    assert cited.short.startswith("Gregory C. Allen, Understanding China's AI Strategy")
    assert ", 12, https://www.cnas.org/" in cited.short
    assert render(item, "apa", page="12-13").short == "(Allen, 2019, pp. 12–13)"


@pytest.mark.parametrize("style", ["mla", "harvard"])
def test_mla_and_harvard_name_the_author_title_and_year(style):
    text = render(csl_item(bundled_source("004_b9cf0838e2274f89")), style).text
    assert text.startswith("Ding, J")
    assert "Measuring China's Technological Self-Reliance Drive" in text
    assert "2023" in text and "China Leadership Monitor" in text


def test_bibtex_is_read_back_by_bibtexparser():
    bibtexparser = pytest.importorskip("bibtexparser")
    part = EXPECTED["parts"]["lehmann_chapter"]
    item = csl_item(bundled_source("000_5c84af78ccbbd290"), Part(part["title"], ("Thomas Lehmann",)))
    library = bibtexparser.parse_string(render(item, "bibtex").text)
    assert not library.failed_blocks
    (entry,) = library.entries
    fields = {f.key: f.value for f in entry.fields}
    assert entry.entry_type == "incollection"
    assert entry.key == "lehmann2019ai"
    assert fields["author"] == "Lehmann, Thomas"
    assert fields["editor"] == "Webster, Graham"
    assert fields["title"] == part["title"]
    assert fields["booktitle"] == "AI Policy and China: Realities of State-Led Development"
    assert fields["year"] == "2019" and fields["date"] == "2019-10-29"
    assert fields["url"].startswith("https://www.newamerica.org/")


def test_bibtex_escapes_what_latex_would_misread():
    item = {"id": "x", "type": "report", "title": "R&D spending: 100% {up} #1_a", "issued": {"date-parts": [[2020]]}}
    bibtexparser = pytest.importorskip("bibtexparser")
    text = render(item, "bibtex").text
    assert r"R\&D spending: 100\% \{up\} \#1\_a" in text
    assert not bibtexparser.parse_string(text).failed_blocks


def test_ris_record_has_the_fields_reference_managers_read():
    item = csl_item(bundled_source("004_b9cf0838e2274f89"))
    lines = render(item, "ris", page="3").text.splitlines()
    tags = [(line[:2], line[6:]) for line in lines]
    assert tags[0] == ("TY", "JOUR")
    assert tags[-1] == ("ER", "")
    assert all(line[2:6] == "  - " for line in lines)
    fields = dict(tags[:-1])
    assert fields["AU"] == "Ding, Jeffrey"
    assert fields["TI"] == "Measuring China's Technological Self-Reliance Drive"
    assert fields["JO"] == "China Leadership Monitor"
    assert fields["IS"] == "75"
    assert fields["PY"] == "2023"
    assert fields["SP"] == "3"
    assert fields["UR"] == "https://www.prcleader.org/ding-spring-2023"


def test_ris_of_an_edited_volume_names_its_editor():
    fields = [line.split("  - ", 1) for line in render(csl_item(bundled_source("000_5c84af78ccbbd290")), "ris").text.splitlines()]
    assert ["ED", "Webster, Graham"] in fields
    assert not any(tag == "AU" for tag, *_ in fields)


def test_csl_json_style_is_the_item_itself():
    item = csl_item(bundled_source("001_e674280208101485"))
    assert json.loads(render(item, "csl-json").text) == item
    assert item["issued"] == {"date-parts": [[2020, 1, 23]]}
    assert item["author"] == [{"family": "Lehmann", "given": "Thomas"}]


def test_an_unknown_style_is_an_error_naming_the_styles():
    with pytest.raises(UnknownStyle, match="chicago, apa, mla, harvard, bibtex, ris, csl-json"):
        render({"id": "x", "title": "t"}, "vancouver")


@pytest.mark.parametrize("name, parts", [
    ("Gregory C. Allen", {"family": "Allen", "given": "Gregory C."}),
    ("Benjamin Cedric Larsen", {"family": "Larsen", "given": "Benjamin Cedric"}),
    ("Ursula von der Leyen", {"family": "von der Leyen", "given": "Ursula"}),
    ("Martin Luther King Jr.", {"family": "King", "given": "Martin Luther", "suffix": "Jr."}),
    ("Toner, Helen", {"family": "Toner", "given": "Helen"}),
    ("UNESCO", {"literal": "UNESCO"}),
])
def test_display_names_split_into_family_and_given(name, parts):
    assert person_name(name) == parts


def test_initials_are_normalised_and_given_names_kept_whole():
    assert normalise_initials("Gregory C.", ". ") == "Gregory C."
    assert normalise_initials("G.C.", ". ") == "G. C."
    assert normalise_initials("Thomas", ". ") == "Thomas"


def test_american_punctuation_goes_inside_closing_quotes():
    assert move_punctuation_into_quotes("“Title”, in X”.") == "“Title,” in X.”"
    assert move_punctuation_into_quotes("“Can China Grow?”. In") == "“Can China Grow?” In"


def test_harvard_is_british_quotes_and_punctuation_outside_them():
    part = EXPECTED["parts"]["lehmann_chapter"]
    item = csl_item(bundled_source("000_5c84af78ccbbd290"), Part(part["title"], ("Thomas Lehmann",)))
    text = render(item, "harvard").text
    assert text.startswith("Lehmann, T. (2019) ‘AI Politics is Local: Municipal and central authorities dream up "
                           "a model AI cluster in Beijing’, in G. Webster (ed.) AI Policy and China")


def test_citations_rendered_from_many_threads_are_the_same_as_one_by_one():
    from concurrent.futures import ThreadPoolExecutor

    items = [csl_item(bundled_source(doc_id)) for doc_id in sorted(EXPECTED["documents"])]
    jobs = [(item, style) for item in items for style in ("chicago", "apa")] * 3
    with ThreadPoolExecutor(4) as pool:
        texts = list(pool.map(lambda job: render(*job).text, jobs))
    assert texts == [EXPECTED["documents"][item["id"]][style] for item, style in jobs]
