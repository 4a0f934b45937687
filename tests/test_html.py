"""Reading web pages: metadata, reader-mode main content, and nothing of the page furniture."""
from __future__ import annotations

from pathlib import Path

import pytest

from corpus.html import read_html
from corpus.structure import build_document

PAGE = Path(__file__).parent / "data" / "page.html"

# Words that appear only in the page's furniture (nav, header, footer, script,
# style, aside, hidden and pop-up help text, share links).
FURNITURE_WORDS = ["Navword", "Search", "Helpword", "Hiddenword", "Shareword", "Asideword", "Footerword",
                   "scriptword", "font-family", "Example Policy Blog", "By Helen Toner"]


@pytest.fixture(scope="module")
def page():
    return read_html(str(PAGE), PAGE.read_text(encoding="utf-8"), "page")


def test_metadata(page):
    assert page.format == "html"
    assert page.title == "Chips and Frameworks"
    assert page.authors == ("Helen Toner", "Lorand Laskai")
    assert page.date == "2019-10-29"
    assert page.publisher == "Example Policy Blog"


def test_main_content_with_headings_as_sections(page):
    assert page.sections == (
        ("Chips and Frameworks", "Chinese developers rely on frameworks built abroad, and the gap in usage is large."),
        ("Programming Frameworks", "PaddlePaddle trails PyTorch and TensorFlow on most measures of activity."),
        ("Why It Matters", "Network effects make it hard for a latecomer to catch up."),
        ("Why It Matters", "Researchers follow their collaborators."),
        ("Why It Matters", "Popular tools are better maintained."),
        ("Hardware", "Training still depends on graphics processors designed in the United States."),
    )


def test_no_page_furniture(page):
    everything = page.text + " ".join(h + p for h, p in page.sections)
    for word in FURNITURE_WORDS:
        assert word not in everything


def test_page_without_main_keeps_every_region_of_text_and_drops_named_menus():
    # No <main>: the two chapters sit side by side (as DocBook prints them) and
    # both are content; the menu and the tooltip name themselves furniture.
    html = """<html><body>
      <div class="menu"><p>Home</p><p>About</p></div>
      <div class="chapter">
        <h2>Findings</h2>
        <p>The first paragraph of the story is long enough to outweigh the menu links.</p>
      </div>
      <div class="chapter">
        <h2>Users</h2>
        <p>The www-data user runs the web server.</p>
      </div>
      <div class="tooltip">Helpword pops up on hover.</div>
    </body></html>"""
    raw = read_html("story.html", html, "story")
    assert raw.sections == (
        ("Findings", "The first paragraph of the story is long enough to outweigh the menu links."),
        ("Users", "The www-data user runs the web server."),
    )
    assert "Home" not in raw.text and "Helpword" not in raw.text


def test_byline_markup_gives_authors_when_meta_does_not():
    html = """<html><head><title>Report</title></head><body><article>
      <h1>Report</h1><p class="byline">By Jeffrey Ding</p>
      <p>Text of the report, long enough to be the content of the page.</p>
    </article></body></html>"""
    raw = read_html("r.html", html, "r")
    assert raw.authors == ("Jeffrey Ding",)
    assert [p for _, p in raw.sections] == ["Text of the report, long enough to be the content of the page."]


def test_build_document_uses_the_sections(page):
    document = build_document(page)
    assert document.title == "Chips and Frameworks"
    assert document.authors == ("Helen Toner", "Lorand Laskai")
    assert [b.section for b in document.blocks] == [h for h, _ in page.sections]
    assert all(b.authors == ("Helen Toner", "Lorand Laskai") for b in document.blocks)


def test_notes_and_bio_sections_of_a_page_keep_their_kinds():
    html = """<html><body><article>
      <h2>Findings</h2><p>The findings of the piece, in a paragraph long enough to count.</p>
      <h2>About the Contributor</h2><p>Jeffrey Ding is Assistant Professor of Political Science.</p>
      <h2>Notes</h2><p>[1] A reference.</p>
    </article></body></html>"""
    document = build_document(read_html("n.html", html, "n"))
    assert [(b.section, b.kind) for b in document.blocks] == [
        ("Findings", "body"), ("About the Contributor", "bio"), ("Notes", "notes")
    ]
