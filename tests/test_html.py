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


def test_mdbook_headings_in_links_named_header_are_sections():
    html = """<html><body><nav class="sidebar"><ol><li>Chapter list</li></ol></nav><main>
      <h1 id="intro"><a class="header" href="#intro">Introduction</a></h1>
      <p>The book opens here.</p>
      <h2 id="setup"><a class="header" href="#setup">Setting up</a></h2>
      <p>Install the tools first.</p>
      <nav class="nav-wrapper"><a rel="next" href="ch2.html">Next chapter</a></nav>
    </main></body></html>"""
    raw = read_html("book.html", html, "book")
    assert raw.title == "Introduction"
    assert raw.sections == (("Introduction", "The book opens here."), ("Setting up", "Install the tools first."))


def test_permalink_marks_and_texinfo_navigation_stay_out():
    html = """<html><head><title>The Basics (libffi)</title></head><body>
      <div class="nav-panel"><p>Next: <a href="b.html" accesskey="n" rel="next">Simple Example</a>,
        Up: <a href="u.html" accesskey="u" rel="up">Using libffi</a> &nbsp; [<a href="i.html" rel="index">Index</a>]</p></div>
      <h4 class="section">2.1 The Basics<a class="copiable-anchor" href="#The-Basics"> &para;</a></h4>
      <p>libffi assumes that you have a pointer to the function you wish to call.</p>
      <h4>Sphinx heading<a class="headerlink" href="#s" title="Permalink to this heading">¶</a></h4>
      <p>Docusaurus next.<a class="hash-link" href="#d">&#8203;#</a> MkDocs <a href="#m">🔗</a></p>
    </body></html>"""
    raw = read_html("basics.html", html, "basics")
    assert raw.sections == (
        ("2.1 The Basics", "libffi assumes that you have a pointer to the function you wish to call."),
        ("Sphinx heading", "Docusaurus next. MkDocs"),
    )


def test_links_to_the_generators_index_and_search_pages_stay_out_but_a_list_of_chapters_stays():
    html = """<html><head><title>Policy</title></head><body><div role="main">
      <section><h1>Abstract</h1><p>This policy describes the packaging of Python.</p>
        <ul><li><a href="intro.html">Introduction</a></li><li><a href="search.html">Searching the archive</a> (by date)</li></ul>
      </section>
      <section><h1>Indices and tables<a class="headerlink" href="#i">¶</a></h1>
        <ul class="simple"><li><p><a class="reference internal" href="genindex.html"><span>Index</span></a></p></li>
          <li><p><a class="reference internal" href="py-modindex.html"><span>Module Index</span></a></p></li>
          <li><p><a class="reference internal" href="search.html"><span>Search Page</span></a></p></li></ul>
      </section></div></body></html>"""
    raw = read_html("policy.html", html, "policy")
    assert raw.sections == (
        ("Abstract", "This policy describes the packaging of Python."),
        ("Abstract", "Introduction"),
        ("Abstract", "Searching the archive (by date)"),
    )


def test_class_names_inside_text_never_drop_it():
    # Inside the content, a name that sounds like furniture is just a name.
    html = """<html><body><main>
      <h2>Related work</h2>
      <p>See <span class="footer-note">the footer options</span> and <a class="nav" href="#x">the nav bar</a>.</p>
      <div class="section" id="comments"><h3>Comments in code</h3><p>Comments start with a hash.</p></div>
      <div class="share-buttons"><a href="#">Share on Mastodon</a></div>
    </main></body></html>"""
    raw = read_html("r.html", html, "r")
    assert raw.sections == (
        ("Related work", "See the footer options and the nav bar."),
        ("Comments in code", "Comments start with a hash."),
    )


def test_definition_lists_tables_and_nested_sections_stay_in():
    html = """<html><body><div class="document"><div class="section"><h2>Users</h2>
      <dl><dt>www-data</dt><dd><p>Some web servers run as www-data.</p></dd></dl>
      <table><tr><th>uid</th><th>name</th></tr><tr><td>33</td><td>www-data</td></tr></table>
      <div class="section"><div class="section"><h3>Deeper</h3><p>The superuser is root.</p></div></div>
    </div></div></body></html>"""
    raw = read_html("u.html", html, "u")
    assert raw.sections == (
        ("Users", "www-data"), ("Users", "Some web servers run as www-data."),
        ("Users", "uid name"), ("Users", "33 www-data"), ("Deeper", "The superuser is root."),
    )


def test_think_tank_metadata_from_highwire_dublin_core_open_graph_and_json_ld():
    html = """<html><head><title>Report | Think Tank</title>
      <meta name="citation_title" content="Understanding China's AI Strategy">
      <meta name="citation_author" content="Allen, Gregory C.">
      <meta name="citation_publication_date" content="2019/02/06">
      <meta name="DC.publisher" content="Center for a New American Security">
      <meta property="og:url" content="https://www.cnas.org/publications/reports/understanding-chinas-ai-strategy">
      <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "name": "Page"},
        {"@type": "Report", "headline": "Other", "author": [{"@type": "Person", "name": "Someone Else"}]}]}</script>
    </head><body><article><p>In the second half of 2018, I traveled to China on four separate trips.</p></article></body></html>"""
    raw = read_html("cnas.html", html, "cnas")
    assert raw.title == "Understanding China's AI Strategy"
    assert raw.authors == ("Gregory C. Allen",)
    assert raw.date == "2019-02-06"
    assert raw.publisher == "Center for a New American Security"
    assert raw.url == "https://www.cnas.org/publications/reports/understanding-chinas-ai-strategy"


def test_json_ld_alone_gives_the_metadata():
    html = """<html><head><script type="application/ld+json">{"@context": "https://schema.org",
      "@type": "NewsArticle", "headline": "AI Politics Is Local", "datePublished": "2020-01-23T10:00:00Z",
      "author": {"@type": "Person", "name": "Thomas Lehmann"}, "publisher": {"@type": "Organization", "name": "DigiChina"},
      "url": "https://digichina.stanford.edu/work/ai-politics-is-local/"}</script></head>
      <body><p>China's central government plans for national AI development.</p></body></html>"""
    raw = read_html("local.html", html, "local")
    assert (raw.title, raw.authors, raw.date, raw.publisher) == (
        "AI Politics Is Local", ("Thomas Lehmann",), "2020-01-23", "DigiChina")
    assert raw.url == "https://digichina.stanford.edu/work/ai-politics-is-local/"


def test_deeply_nested_page_is_read_whole(tmp_path):
    depth = 20_000  # (the other issue's test goes to 100,000; the walk is one loop either way)
    html = "<html><body>" + "<div>" * depth + "<p>deep words here</p>" + "</div>" * depth + "</body></html>"
    raw = read_html("deep.html", html, "deep")
    assert raw.sections == (("", "deep words here"),)


@pytest.mark.parametrize("html", [
    "<html><head><title>Nothing</title></head><body></body></html>",
    "<html><body><script>document.write('all script');</script><nav><a href='/'>Home</a></nav></body></html>",
])
def test_a_page_with_no_text_is_skipped_with_that_reason(tmp_path, html):
    from corpus.errors import UnreadableDocument
    from corpus.readers import read_file
    from indexer import Indexer

    page = tmp_path / "docs" / "empty.html"
    page.parent.mkdir()
    page.write_text(html)
    with pytest.raises(UnreadableDocument, match="no text"):
        list(read_file(page))
    report = Indexer(tmp_path / "ix").update([page.parent])
    assert report.added == 0
    assert [(s.path, s.reason) for s in report.skipped] == [
        (str(page), "no text (nothing but markup, scripts or page chrome)")]


def test_a_main_round_a_banner_does_not_hide_the_text_beside_it():
    story = " ".join(["The report finds that provincial funds moved first."] * 6)
    html = f"""<html><body><main><h1>Welcome</h1></main>
      <div class="content"><h2>Findings</h2><p>{story}</p></div>
      <div class="footer"><p>Footerword copyright</p></div></body></html>"""
    raw = read_html("banner.html", html, "banner")
    assert [h for h, _ in raw.sections] == ["Findings"] and raw.title == "Welcome"
    assert "Footerword" not in raw.text


def test_footnote_reference_marks_do_not_glue_digits_to_words():
    html = """<html><body><article>
      <p>Startups attracted 38 percent<sup><a href="#fn94" id="r94">94</a></sup> of the money,
      China<a class="footnote-reference brackets" href="#id3">[3]</a> said, and x<sup>2</sup> grew;
      see note <a href="#n5">5</a>.</p>
      <p id="fn94">94. A source.</p></article></body></html>"""
    raw = read_html("notes.html", html, "notes")
    assert raw.sections == (
        ("", "Startups attracted 38 percent of the money, China said, and x2 grew; see note 5."),
        ("", "94. A source."),
    )


@pytest.mark.slow
@pytest.mark.parametrize("nesting", ["<div>", "<b><i>"])
def test_a_hostile_page_nested_100_000_deep_is_indexed_and_searchable(tmp_path, nesting):
    """Nested markup is read in linear time: 100,000 levels (closed divs, or unclosed <b><i>) end,
    are indexed and found.  (A hang guard, not a timing test: the run has minutes, it takes seconds.)"""
    from conftest import run_fresh_python

    depth = 100_000
    closing = "</div>" * depth if nesting == "<div>" else ""
    page = tmp_path / "deep.html"
    page.write_text("<html><body>" + nesting * depth + "<p>Gallium deep inside the markup.</p>" + closing
                    + "</body></html>", encoding="utf-8")
    script = ("import sys; from indexer import Indexer; from searcher import Searcher\n"
              "Indexer(sys.argv[2]).update([sys.argv[1]])\n"
              "with Searcher(sys.argv[2]) as s: print(s.search('gallium')[0].text)")
    done = run_fresh_python(script, str(page), str(tmp_path / "index"))
    assert done.stdout.strip() == "Gallium deep inside the markup."
