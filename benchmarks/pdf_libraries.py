"""Which PDF library to read PDFs with: pypdfium2, pdfminer.six and pypdf, beside poppler's pdftotext.

    python benchmarks/pdf_libraries.py [PDF ...]   # two to five minutes on a shared machine
    python benchmarks/pdf_libraries.py --large 50,500,1500   # peak memory indexing long PDFs

Speed: pages per second of plain text extraction (best of 3 runs, one process),
over the real PDFs found on this machine (or given) and a 120-page
two-column report made with reportlab.  pdftotext is timed as a subprocess per
file (its start-up included).  "ours" is the whole corpus.pdf reading (every
glyph's box and size, layout, running heads, notes), in this process.

Quality, on the two-column test report of tests/pdf_samples.py, whose words
and breaks are known:
- order: share of the body's word pairs (in reading order) that the text holds
  in that order (two columns read line by line across score low);
- heads: occurrences of the running head (the journal's name) in the text;
- ligatures: 'ﬁ'/'ﬂ' glyphs left in the text;
- glued markers: footnote numbers glued to words ('growth1');
- labels: whether the library reads the PDF's page labels (the sample's start at 5);
- glyph sizes: whether it gives each character's type size and box.
On the real PDFs, order is measured against pdftotext's word pairs.

--large N,...: for each N, a one-column report of N pages of distinct prose
(tests/pdf_samples.make_report_pdf: a heading every few pages, running head,
page numbers at the foot) is indexed with `corpus-search index PDF --jobs J`
(J = 1, 2); the peak resident memory of the indexing process and its children
summed (benchmarks/speed.peak_tree_rss) and the wall time are printed.
"""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "benchmarks")]

REAL = [Path("/usr/share/doc/libtasn1-doc/libtasn1.pdf"), Path("/usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf")]


def text_pypdfium2(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    pages = []
    for i in range(len(pdf)):
        page = pdf[i]
        tp = page.get_textpage()
        pages.append(tp.get_text_range())
        tp.close()
        page.close()
    pdf.close()
    return pages


def text_pdfminer(path: Path) -> list[str]:
    from pdfminer.high_level import extract_text

    return extract_text(str(path)).split("\f")


def text_pypdf(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def text_pdftotext(path: Path) -> list[str]:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split("\f")


def text_ours(path: Path) -> list[str]:
    from corpus.pdf import read_pdf_here

    return read_pdf_here(str(path), "x").text.split("\f")


LIBRARIES = {
    "pypdfium2": text_pypdfium2,
    "pdfminer.six": text_pdfminer,
    "pypdf": text_pypdf,
    "pdftotext": text_pdftotext,
    "ours (pypdfium2 + layout)": text_ours,
}


def labels(name: str, path: Path) -> str:
    if name == "pypdfium2" or name.startswith("ours"):
        import pypdfium2 as pdfium

        return pdfium.PdfDocument(str(path)).get_page_label(0)
    if name == "pypdf":
        from pypdf import PdfReader

        return PdfReader(str(path)).page_labels[0]
    if name == "pdfminer.six":
        from pdfminer.pdfdocument import PDFDocument
        from pdfminer.pdfparser import PDFParser

        with open(path, "rb") as fh:
            try:
                return next(iter(PDFDocument(PDFParser(fh)).get_page_labels()))
            except Exception:
                return "-"
    return "-"


def pages_per_second(fn, paths: list[Path]) -> tuple[float, int]:
    best = float("inf")
    pages = 0
    for _ in range(3):
        start = time.perf_counter()
        pages = sum(len(fn(p)) for p in paths)
        best = min(best, time.perf_counter() - start)
    return pages / best, pages


def words(text: str) -> list[str]:
    """Lower-case words, ligatures folded (counted apart), hyphens at line ends joined."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.findall(r"[a-z]+", text.replace("-\n", "").replace("\ufffe\n", "").replace("\u00ad", ""))


def pair_share(reference: list[str], text: str) -> float:
    ours = set(zip(words(text), words(text)[1:]))
    pairs = list(zip(reference, reference[1:]))
    return sum(p in ours for p in pairs) / max(1, len(pairs))


def long_report(folder: Path) -> Path:
    """A 120-page report: the test sample's pages repeated (same layout, running heads, notes)."""
    from pypdf import PdfReader, PdfWriter
    from pdf_samples import make_journal_pdf

    sample = folder / "sample.pdf"
    make_journal_pdf(sample)
    writer = PdfWriter()
    reader = PdfReader(str(sample))
    while len(writer.pages) < 120:
        for page in reader.pages:
            writer.add_page(page)
    out = folder / "long.pdf"
    with open(out, "wb") as fh:
        writer.write(fh)
    return out


def main(argv: list[str]) -> None:
    from pdf_samples import JOURNAL, make_journal_pdf

    real = [Path(a) for a in argv] or [p for p in REAL if p.exists()]
    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "journal.pdf"
        layout = make_journal_pdf(sample)
        long_pdf = long_report(Path(tmp))
        print(f"real PDFs: {', '.join(p.name for p in real)}")
        print("| library | licence | pages/s, real PDFs | pages/s, 120-page two-column | order (sample) | "
              "order vs pdftotext (real) | heads left | ligatures left | glued markers | page labels | glyph sizes |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        licences = {"pypdfium2": "Apache-2.0 / BSD-3-Clause", "pdfminer.six": "MIT", "pypdf": "BSD-3-Clause",
                    "pdftotext": "GPL (reference only)", "ours (pypdfium2 + layout)": "MIT"}
        sizes = {"pypdfium2": "yes", "pdfminer.six": "yes (LTChar)", "pypdf": "partly (visitor, matrix)",
                 "pdftotext": "-", "ours (pypdfium2 + layout)": "yes"}
        references = {p: text_pdftotext(p) for p in real}
        for name, fn in LIBRARIES.items():
            speed_real, pages_real = pages_per_second(fn, real) if real else (0.0, 0)
            speed_long, _ = pages_per_second(fn, [long_pdf])
            text = "\n".join(fn(sample))
            order = pair_share(layout.body_words and words(" ".join(layout.body_words)), text)
            real_order = (
                sum(pair_share(words("\n".join(references[p])), "\n".join(fn(p))) for p in real) / len(real)
                if real else 0.0
            )
            heads = text.count(JOURNAL)
            ligatures = len(re.findall("[ﬁﬂ]", text))
            glued = len(re.findall(r"\b(?:growth|investors|companies)\d\b", text))
            print(f"| {name} | {licences[name]} | {speed_real:.0f} ({pages_real} pages) | {speed_long:.0f} | "
                  f"{order:.3f} | {real_order:.3f} | {heads} | {ligatures} | {glued} | "
                  f"{labels(name, sample)!r} | {sizes[name]} |")


def long_prose_report(path: Path, pages: int) -> Path:
    """About `pages` pages of distinct sentences, one column (cached by name)."""
    from pdf_samples import make_report_pdf, prose

    if path.exists():
        return path
    sections = [(f"Part {k + 1} of the report", [" ".join(prose(1000 * k + n, 6, ligatures=False)) for n in range(12)])
                for k in range(max(1, round(pages / 2.3)))]
    made = make_report_pdf(path, "A Long Report on Provincial Funds", "By Ada Lovelace", sections,
                           "Long Report, Issue 1")
    print(f"{path.name}: {made} pages", file=sys.stderr)
    return path


def large(page_counts: list[int]) -> None:
    import json
    import shutil

    from speed import WORK, peak_tree_rss

    folder = WORK / "pdf-large"
    folder.mkdir(parents=True, exist_ok=True)
    import pypdfium2

    print("| pages | file | jobs | peak RSS, all processes | wall | outcome |")
    print("|---:|---:|---:|---:|---:|---|")
    for pages in page_counts:
        pdf = long_prose_report(folder / f"report-{pages}.pdf", pages)
        document = pypdfium2.PdfDocument(str(pdf))
        pages = len(document)
        document.close()
        for jobs in (1, 2):
            index = folder / "index"
            shutil.rmtree(index, ignore_errors=True)
            seconds, peak, out, err = peak_tree_rss(
                [sys.executable, "-m", "searcher", "index", str(pdf), "--index", str(index), "--jobs", str(jobs),
                 "--json"])
            report = json.loads(out) if out.strip() else {}
            outcome = ("added" if report.get("added") else
                       "skipped: " + report["skipped"][0]["reason"] if report.get("skipped") else
                       "failed: " + (err.strip().splitlines() or ["?"])[-1])
            print(f"| {pages} | {pdf.stat().st_size / 2**20:.1f} MB | {jobs} | {peak:.0f} MB | {seconds:.1f} s | "
                  f"{outcome} |", flush=True)
    shutil.rmtree(folder / "index", ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--large"]:
        large([int(n) for n in sys.argv[2].split(",")])
    else:
        main(sys.argv[1:])
