"""PDF and Word files, indexed and searched as a person reads them (test files made with reportlab and python-docx)."""
from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from corpus.errors import PassageNotFound
from indexer import Indexer
from searcher import Searcher
from tests.pdf_samples import (
    AUTHORS,
    HEADINGS,
    JOURNAL,
    NOTES,
    PULL_QUOTE_SENTENCE,
    SIDEBAR_TEXT,
    TITLE,
    URL,
    make_damaged_pdf,
    make_encrypted_pdf,
    make_journal_pdf,
    make_scanned_pdf,
)

REPO = Path(__file__).resolve().parents[1]
REAL_PDFS = [Path("/usr/share/doc/libtasn1-doc/libtasn1.pdf"), Path("/usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf")]


def make_docx(path: Path) -> None:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = docx.Document()
    d.core_properties.author = "Ada Lovelace"
    d.core_properties.title = "Microsoft Word - draft3.docx"
    d.add_paragraph("Provincial Funds and Young Engineers", style="Title")
    d.add_heading("Why the provinces compete", level=1)
    p = d.add_paragraph("Provinces court chip makers with generous grants. ")
    deleted = p.add_run("This sentence was struck out by a reviewer.")
    wrapper = OxmlElement("w:del")
    wrapper.set(qn("w:id"), "1")
    wrapper.set(qn("w:author"), "Reviewer")
    deleted._r.addprevious(wrapper)
    wrapper.append(deleted._r)
    for t in deleted._r.iter(qn("w:t")):
        t.tag = qn("w:delText")
    p.add_run("They also build housing for returning engineers.")
    d.add_paragraph("dormitories near the industrial parks", style="List Bullet")
    d.add_paragraph("rent subsidies for the first three years", style="List Bullet")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Province", "Grants"
    table.cell(1, 0).text, table.cell(1, 1).text = "Anhui", "twelve billion yuan"
    d.add_heading("What the funds pay for", level=2)
    cited = d.add_paragraph("Laboratories and salaries take most of the money.")
    d.add_comment(cited.runs, text="Reviewer: check this figure against the yearbook", author="Reviewer")
    _add_footnote(d, cited, 1, "Provincial yearbooks, tables on science spending.")
    d.save(str(path))


def _add_footnote(d, paragraph, number: int, text: str) -> None:
    """A footnote part (python-docx writes none) and a reference to it at the paragraph's end."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    xml = (
        f'<w:footnotes {w}>'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
        '</w:footnote>'
        f'<w:footnote w:id="{number}"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {text}</w:t>'
        '</w:r></w:p></w:footnote></w:footnotes>'
    )
    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                xml.encode(), d.part.package)
    d.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    paragraph._p.append(parse_xml(f'<w:r {w}><w:footnoteReference w:id="{number}"/></w:r>'))


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> tuple[Path, object]:
    folder = tmp_path_factory.mktemp("reports")
    layout = make_journal_pdf(folder / "provinces.pdf")
    make_docx(folder / "draft.docx")
    make_encrypted_pdf(folder / "provinces.pdf", folder / "locked.pdf")
    make_scanned_pdf(folder / "scan.pdf")
    make_damaged_pdf(folder / "provinces.pdf", folder / "broken.pdf")
    return folder, layout


@pytest.fixture(scope="module")
def indexed(reports, tmp_path_factory):
    folder, layout = reports
    index = tmp_path_factory.mktemp("pdf-index") / "ix"
    report = Indexer(index).update([folder])
    return index, report, layout


def passages(index: Path, document: str) -> list:
    found = []
    with Searcher(index) as s:
        n = 1
        while True:
            try:
                found.append(s.get(f"{document}:{n}"))
            except PassageNotFound:
                return found
            n += 1


def test_a_folder_of_pdf_and_word_files_is_indexed_and_bad_pdfs_skipped_with_their_reason(indexed):
    index, report, _ = indexed
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert reasons == {
        "locked.pdf": "encrypted; no password",
        "scan.pdf": "no text layer (scanned?); run OCR first",
        "broken.pdf": reasons["broken.pdf"],
    }
    assert reasons["broken.pdf"].startswith("damaged PDF")
    assert report.added == 2
    with Searcher(index) as s:
        assert {h.document for h in s.search("housing", limit=20)} == {"provinces", "draft"}


def test_pdf_body_keeps_every_word_in_reading_order(indexed):
    """Columns read in order, hyphens at line ends rejoined, ligatures folded, markers out, heads out."""
    index, _, layout = indexed
    body = [w for h in passages(index, "provinces") if h.kind == "body" for w in h.text.split()]
    assert body == layout.body_words
    assert layout.hyphenated and layout.column_breaks and layout.page_breaks  # the sample has each kind


def test_phrases_across_column_and_page_breaks_and_hyphenated_line_ends_match(indexed):
    index, _, layout = indexed
    with Searcher(index) as s:
        inside_sentences = [k for k in layout.column_breaks + layout.page_breaks if not layout.body_words[k - 1].endswith(".")]
        assert set(inside_sentences) & set(layout.page_breaks) and set(inside_sentences) & set(layout.column_breaks)
        for k in inside_sentences:
            phrase = layout.phrase_at(k)
            assert any(h.document == "provinces" for h in s.search(phrase, limit=50)), phrase
        for word in layout.hyphenated[:8]:
            assert s.search(f'"{word.strip(".,")}"', document="provinces"), word


def test_running_heads_and_feet_never_reach_passages(indexed):
    index, _, _ = indexed
    texts = [h.text for h in passages(index, "provinces")]
    assert texts
    assert not any(JOURNAL in t or URL in t or "/9" in t for t in texts)


def test_pdf_title_authors_sections_notes_sidebar_and_pull_quote(indexed):
    index, _, _ = indexed
    hits = passages(index, "provinces")
    assert {h.title for h in hits} == {TITLE}  # from the largest type, not "Microsoft Word - draft3.docx"
    assert all(h.authors == AUTHORS for h in hits)  # from the byline, not the login "jsmith"
    body_sections = list(dict.fromkeys(h.section for h in hits if h.kind == "body"))
    assert body_sections == HEADINGS
    notes = "\n\n".join(h.text for h in hits if h.kind == "notes")  # short notes share a passage
    assert notes == "\n\n".join(f"{n} {text}" for n, text in NOTES.items())
    assert not any(text in h.text for h in hits if h.kind != "notes" for text in NOTES.values())
    sidebars = [h.text for h in hits if h.kind == "sidebar"]
    assert sidebars == [SIDEBAR_TEXT]
    assert sum(h.text.count(PULL_QUOTE_SENTENCE) for h in hits) == 1  # the body's copy; the boxed quote dropped


def test_word_document_headings_tables_lists_and_tracked_deletions(indexed):
    index, _, _ = indexed
    hits = passages(index, "draft")
    text = " ".join(h.text for h in hits)
    assert {h.title for h in hits} == {"Provincial Funds and Young Engineers"}
    assert all(h.authors == ("Ada Lovelace",) for h in hits)
    assert [h.section for h in hits][0] == "Why the provinces compete"
    assert "What the funds pay for" in {h.section for h in hits}
    assert "struck out" not in text
    assert "generous grants. They also build housing" in text
    for words in ("dormitories near the industrial parks", "Anhui", "twelve billion yuan"):
        assert words in text
    assert "Reviewer" not in text  # comments are not the document's text
    assert [h.text for h in hits if h.kind == "notes"] == ["1 Provincial yearbooks, tables on science spending."]
    assert "take most of the money." in text and "money.1" not in text


@pytest.mark.parametrize("path", REAL_PDFS, ids=lambda p: p.name)
def test_real_pdfs_on_this_machine_read_like_pdftotext(path, tmp_path):
    """Every word poppler's pdftotext finds is found (running heads and page numbers aside)."""
    if not path.exists():
        pytest.skip(f"{path} not on this machine")
    import re

    from corpus.readers import read_file

    raw = next(d for d in read_file(path))
    reference = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
    if reference.returncode != 0:
        pytest.skip("pdftotext not available")

    def words(text: str) -> set[str]:
        return set(re.findall(r"[a-z]{4,}", text.lower()))

    ours, theirs = words(raw.text.replace("-\n", "")), words(reference.stdout.replace("-\n", ""))
    assert len(raw.page_labels) == raw.text.count("\f") + 1
    assert len(theirs - ours) <= 0.02 * len(theirs), sorted(theirs - ours)[:40]


def test_pdf_libraries_stay_off_the_search_path(indexed):
    index, _, _ = indexed
    script = textwrap.dedent(f"""
        import sys
        from searcher import Searcher
        from searcher.cli import cli
        with Searcher({str(index)!r}) as s:
            assert s.search("housing")
        cli.main(["search", "housing", "--index", {str(index)!r}], standalone_mode=False)
        cli.main(["show", "provinces:1", "--index", {str(index)!r}], standalone_mode=False)
        print(" ".join(sorted({{m.split(".")[0] for m in sys.modules}})))
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    loaded = set(out.stdout.split())
    assert "whoosh" in loaded
    assert not loaded & {"pypdfium2", "pypdfium2_raw", "pdfminer", "pypdf", "docx", "reportlab", "lxml"}


# ---- pages ---------------------------------------------------------------------


def _expected_page(layout, first_word: int, last_word: int, start: int) -> str:
    first, last = layout.word_pages[first_word][0] + start, layout.word_pages[last_word][1] + start
    return str(first) if first == last else f"{first}-{last}"


@pytest.mark.parametrize("labelled", [True, False], ids=["page labels", "numbers printed in the heads"])
def test_every_block_knows_its_printed_page(tmp_path, labelled):
    """Labels from the PDF's page labels (starting at 5), else from the page numbers its running heads print."""
    from corpus.readers import read_file
    from corpus.structure import build_document

    layout = make_journal_pdf(tmp_path / "p.pdf", label_start=5 if labelled else None)
    raw = next(iter(read_file(tmp_path / "p.pdf")))
    assert raw.page_labels == ("5", "6", "7")
    doc = build_document(raw)
    k = 0
    spans = set()
    for block in doc.blocks:
        if block.kind != "body":
            continue
        n = len(block.text.split())
        assert block.page == _expected_page(layout, k, k + n - 1, 5), block.text[:60]
        spans.add(block.page)
        k += n
    assert k == len(layout.body_words)
    assert any("-" in page for page in spans)  # a paragraph across a page break names both pages
    notes = [b for b in doc.blocks if b.kind == "notes"]
    assert [b.page for b in notes] == [str(layout.note_pages[n] + 5) for n in sorted(NOTES)]
    assert [b.page for b in doc.blocks if b.kind == "sidebar"] == ["7"]


def test_pdf_over_the_time_bound_is_skipped_and_the_rest_indexed(reports, tmp_path, monkeypatch):
    folder, _ = reports
    monkeypatch.setenv("CORPUS_SEARCH_PDF_SECONDS", "0.000001")
    report = Indexer(tmp_path / "ix").update([folder / "provinces.pdf", folder / "draft.docx"])
    assert [(Path(s.path).name, s.reason) for s in report.skipped] == [
        ("provinces.pdf", "took longer than 1e-06 s (CORPUS_SEARCH_PDF_SECONDS)")
    ]
    assert report.added == 1


@pytest.mark.slow
def test_pdf_over_the_memory_bound_is_skipped(reports, tmp_path):
    """120 pages cannot be read in 1 MB more than the indexing process holds (a fresh process, as a user runs it)."""
    from pypdf import PdfReader, PdfWriter

    from tests.conftest import run_fresh_python

    folder, _ = reports
    writer = PdfWriter()
    for _ in range(40):
        for page in PdfReader(str(folder / "provinces.pdf")).pages:
            writer.add_page(page)
    with open(tmp_path / "long.pdf", "wb") as fh:
        writer.write(fh)
    done = run_fresh_python(
        "import os, sys\n"
        "os.environ['CORPUS_SEARCH_PDF_MEMORY_MB'] = '1'\n"
        "from indexer import Indexer\n"
        "report = Indexer(sys.argv[2]).update([sys.argv[1]])\n"
        "print(report.added, [s.reason for s in report.skipped])\n",
        str(tmp_path / "long.pdf"), str(tmp_path / "ix"),
    )
    added, reasons = done.stdout.split(" ", 1)
    assert added == "0"
    assert "1 MB" in reasons and "CORPUS_SEARCH_PDF_MEMORY_MB" in reasons



BUNDLED = "004_b9cf0838e2274f89"  # Jeffrey Ding's China Leadership Monitor article


def test_a_bundled_report_set_as_a_pdf_gives_the_passages_authors_and_sections_of_its_text(tmp_path):
    """The bundled text's blocks set as a printed report (one column, running head, page numbers at the
    foot, bold headings, hyphenated line ends) read back to the same passages."""
    from corpus.catalog import bundled_corpus_dir, lookup
    from corpus.readers import read_file
    from corpus.structure import build_document
    from tests.pdf_samples import make_report_pdf

    source = bundled_corpus_dir() / f"{BUNDLED}.txt"
    doc = build_document(next(iter(read_file(source))))
    sections: list[tuple[str, list[str]]] = []
    for block in doc.blocks:
        if not sections or sections[-1][0] != block.section:
            sections.append((block.section, []))
        sections[-1][1].append(block.text)
    (tmp_path / "pdf").mkdir()
    (tmp_path / "txt").mkdir()
    make_report_pdf(tmp_path / "pdf" / f"{BUNDLED}.pdf", lookup(BUNDLED).title, "By Jeffrey Ding", sections,
                    "China Leadership Monitor, Issue 75")
    (tmp_path / "txt" / f"{BUNDLED}.txt").write_bytes(source.read_bytes())
    found = {}
    for kind in ("pdf", "txt"):
        Indexer(tmp_path / f"ix-{kind}").update([tmp_path / kind])
        found[kind] = [(h.text, h.section, h.kind, h.authors, h.title) for h in passages(tmp_path / f"ix-{kind}", BUNDLED)]
    assert len(found["txt"]) > 50
    assert found["pdf"] == found["txt"]


def test_a_web_page_printed_by_a_browser_loses_its_date_title_url_and_page_counter(tmp_path):
    from corpus.readers import read_file
    from corpus.structure import build_document
    from tests.pdf_samples import make_report_pdf, prose

    sections = [("Why the provinces compete", [" ".join(prose(40 + k, 6, ligatures=False)) for k in range(6)]),
                ("What the funds pay for", [" ".join(prose(60 + k, 6, ligatures=False)) for k in range(6)])]
    args = (tmp_path / "page.pdf", "Provinces Court Investment", "By Ada Lovelace", sections, "Provinces | Example News")
    pages = make_report_pdf(*args, browser_pages=1)
    assert make_report_pdf(*args, browser_pages=pages) == pages > 1
    raw = next(iter(read_file(tmp_path / "page.pdf")))
    assert raw.page_labels == tuple(str(n) for n in range(1, pages + 1))
    doc = build_document(raw)
    assert doc.title == "Provinces Court Investment" and doc.authors == ("Ada Lovelace",)
    assert [(b.section, b.text) for b in doc.blocks] == [(h, p) for h, paragraphs in sections for p in paragraphs]


def test_hits_show_their_page_in_the_library_json_terminal_and_show(indexed):
    import json

    from click.testing import CliRunner

    from corpus.paging import page_bounds
    from searcher.cli import cli

    index, _, layout = indexed
    hits = passages(index, "provinces")
    assert all(h.page for h in hits) and not any(h.page for h in passages(index, "draft"))
    assert {page_bounds(h.page)[0] for h in hits} <= {"5", "6", "7"}
    k = next(k for k in layout.page_breaks if not layout.body_words[k - 1].endswith("."))
    before, after = layout.word_pages[k - 1][0] + 5, layout.word_pages[k][1] + 5
    result = CliRunner().invoke(cli, ["search", layout.phrase_at(k), "--json", "--index", str(index)])
    assert result.exit_code == 0, result.output
    first = json.loads(result.stdout.splitlines()[0])
    start, end = map(int, page_bounds(first["page"]))
    assert start <= before < after <= end  # the passage runs over the page break: '6-7'
    terminal = CliRunner().invoke(cli, ["search", layout.phrase_at(k), "--index", str(index), "--color", "never"])
    assert f"{first['id']}  p. {first['page']}" in terminal.stdout
    show = CliRunner().invoke(cli, ["show", first["id"], "--index", str(index), "--color", "never"])
    assert re.search(rf"^page: +{re.escape(first['page'])}$", show.stdout, re.M), show.stdout
    word = CliRunner().invoke(cli, ["search", "dormitories", "--json", "--index", str(index)])
    assert "page" not in json.loads(word.stdout.splitlines()[0])



def test_a_passage_with_a_page_is_cited_with_that_page(indexed, tmp_path):
    from click.testing import CliRunner

    from searcher.cli import cli

    index, _, _ = indexed
    with Searcher(index) as s:
        hit = next(h for h in s.search("provinces", limit=10) if h.page)
        apa = s.cite(hit.id, "apa")
        assert apa.page == hit.page and apa.short == f"(Lovelace & Hopper, {hit.date[:4]}, p. {hit.page})"
        assert hit.page not in apa.text.replace(hit.date, "")  # the reference entry names no page
        assert f"SP  - {hit.page}" in s.cite(hit.id, "ris").text.splitlines()
    shown = CliRunner().invoke(cli, ["cite", hit.id, "--style", "apa", "--index", str(index)])
    assert shown.exit_code == 0 and shown.stdout == f"{apa.text}\n\n{apa.short}\n"
    # Chicago leaves an unpublished document out of the bibliography (CMOS 14.114): the note alone, once
    note = CliRunner().invoke(cli, ["cite", hit.id, "--index", str(index)]).stdout
    assert note.count("Ada Lovelace and Grace Hopper") == 1 and note.rstrip().endswith(f", {hit.page}.")

def test_word_properties_give_the_date_and_python_docx_templates_date_is_not_taken(tmp_path):
    from datetime import datetime

    import docx

    from corpus.readers import read_file

    make_docx(tmp_path / "draft.docx")  # python-docx, no date set: its template says 2013-12-23
    assert next(iter(read_file(tmp_path / "draft.docx"))).date == ""
    dated = docx.Document()
    dated.core_properties.author = "Ada Lovelace"
    dated.core_properties.created = datetime(2022, 3, 4, 10, 0)
    dated.add_paragraph("Export controls on chips tightened in 2022.")
    dated.save(tmp_path / "dated.docx")
    raw = next(iter(read_file(tmp_path / "dated.docx")))
    assert (raw.date, raw.authors) == ("2022-03-04", ("Ada Lovelace",))


def test_meaningful_document_properties_win_over_the_first_page(tmp_path):
    """Title and authors from the PDF's document information when they mean something."""
    from pypdf import PdfReader, PdfWriter

    from corpus.readers import read_file

    make_journal_pdf(tmp_path / "plain.pdf")
    writer = PdfWriter(clone_from=PdfReader(str(tmp_path / "plain.pdf")))
    writer.add_metadata({"/Title": "Provinces and Chips", "/Author": "Ada Lovelace; Grace Hopper",
                         "/CreationDate": "D:20190210120000Z"})
    with open(tmp_path / "described.pdf", "wb") as fh:
        writer.write(fh)
    described = next(iter(read_file(tmp_path / "described.pdf")))
    assert (described.title, described.authors, described.date) == (
        "Provinces and Chips", ("Ada Lovelace", "Grace Hopper"), "2019-02-10")
    plain = next(iter(read_file(tmp_path / "plain.pdf")))  # 'Microsoft Word - draft3.docx' by 'jsmith'
    assert (plain.title, plain.authors) == (TITLE, AUTHORS)


def test_index_command_on_a_folder_of_reports(reports, tmp_path):
    """`corpus-search index reports/`: the readable files added, each bad PDF skipped with its reason."""
    import json

    from click.testing import CliRunner

    from searcher.cli import cli

    folder, _ = reports
    result = CliRunner().invoke(cli, ["index", str(folder), "--index", str(tmp_path / "ix"), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["added"] == 2
    reasons = {Path(s["path"]).name: s["reason"] for s in summary["skipped"]}
    assert reasons["locked.pdf"] == "encrypted; no password"
    assert reasons["scan.pdf"] == "no text layer (scanned?); run OCR first"
    assert reasons["broken.pdf"].startswith("damaged PDF")
    found = CliRunner().invoke(cli, ["search", "housing", "--index", str(tmp_path / "ix"), "--color", "never"])
    assert found.exit_code == 0 and "provinces:" in found.stdout and "draft:" in found.stdout


def test_with_jobs_pdfs_are_read_ahead_in_parallel_and_give_the_same_passages(tmp_path):
    """--jobs 2 keeps two PDFs being read at once; the index holds what one process makes."""
    import multiprocessing

    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(4):
        make_journal_pdf(folder / f"report{n}.pdf", label_start=1 + 10 * n)
    (folder / "notes.txt").write_text("Talent programs court returning engineers.\n", encoding="utf-8")
    found = {}
    for jobs in (1, 2):
        report = Indexer(tmp_path / f"ix{jobs}").update([folder], jobs=jobs)
        assert report.added == 5 and not report.skipped
        found[jobs] = [(h.id, h.text, h.page) for n in range(4) for h in passages(tmp_path / f"ix{jobs}", f"report{n}")]
        assert not [p for p in multiprocessing.active_children() if p.name.startswith("Process")]
    assert found[2] == found[1]
    assert {page for _, _, page in found[2]} >= {"1", "11", "21", "31"}
