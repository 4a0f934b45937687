"""Read a web page: its metadata, and its main content as (heading, paragraph) pairs.

The main content is the page's <main> (or role="main") if it has one that
holds a third of the text or more, else its largest <article> if that holds
half, else the whole body.  A <pre> (code) is one paragraph that keeps its
line breaks.
What goes, anywhere:

- page furniture by structure: scripts, styles, form controls, <nav>,
  landmark roles (navigation, banner, search, ...), anything hidden;
- permalink marks: links whose whole text is `¶`, `#`, `§` or `🔗`
  (Sphinx, MkDocs, texinfo, Docusaurus heading anchors), and footnote
  reference marks (a link to a note on the page reading "3" or "[3]", in a
  <sup> or named as a note reference), which would glue digits to words;
- navigation panels: blocks made only of next/previous/up links
  (`rel`/`accesskey`) and words such as "Next:", "Up", "Contents" (texinfo);
- regions of the layout that say what they are: <header>, <footer>,
  <aside>, or a class or id naming a header, footer, menu, sidebar,
  breadcrumbs, share buttons, related links, comments...
- a byline, whose names are kept as the authors.

A class or id is read only on layout regions: never on an element inside a
heading, paragraph, list item or table cell (mdBook prints every heading as
`<a class="header">`), nor on a region holding a heading or the bulk of the
page's text (half of it, 200 characters or more: a section on "related
work", a wrapper named "page-header").  Inside a page's marked main content
only widget names count (share, social, cookie, popup, tooltip, pagination,
an on-page table of contents, "source" links), <aside> stays, and a
<header> or <footer> goes only when it belongs to the page rather than to
an <article> or <section> (the scope HTML gives them).

Every pass over the tree is an explicit loop (no recursion), so the time is
linear in the page and 100,000 nested elements are read like any other page.
BeautifulSoup is imported here only, so the rest of corpus/ runs without it.
It builds the tree with lxml: parsing the 27 pages of tests/data/docs takes
10.6-13.5 ms a page against 18.2-18.8 ms with html.parser (about 1.5x;
benchmarks/extraction.py has the whole reader's times), and bs4's lxml
builder keeps every level of deep nesting (lxml's own tree stops at 255
levels and drops the text below them).
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Iterator

from bs4 import BeautifulSoup, NavigableString, Tag, XMLParsedAsHTMLWarning
from bs4.element import PreformattedString

from .html_meta import PageParts, inventory, page_metadata, split_names
from .model import RawDocument
from .outline import OutlineBuilder, sections_text, without_title

__all__ = ["content_sections", "fragment_into", "parse_html", "read_html"]

# Never content, wherever they are.
_DROPPED_TAGS = frozenset({
    "script", "style", "noscript", "template", "head", "title", "meta", "link", "nav", "button", "select",
    "input", "textarea", "option", "dialog", "iframe", "object", "embed", "canvas", "svg",
})
_LANDMARK_ROLES = frozenset({
    "navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog", "tooltip",
    "menu", "menubar", "toolbar", "tablist", "tab", "status", "log", "marquee", "timer",
})
# Furniture outside the main content only.
_REGION_TAGS = frozenset({"header", "footer", "aside"})
_REGION_NAMES = re.compile(
    r"(?:^|[-_ ])(?:pop-?up|modal|tooltip|overlay|dialog|cookies?|share|sharing|social|newsletter|subscribe|"
    r"related|comments?|breadcrumbs?|advert\w*|ads?|promo|sidebar|sphinxsidebar\w*|menu|nav|navbar|navheader|"
    r"navfooter|navigation|nav-panel|masthead|footer|header|skip(?:-link)?|sr-only|visually-hidden|screen-reader-text|"
    r"dateline|tags|toolbar|banner|edit-?(?:this-)?page|pagination|prev-next|feedback)(?:$|[-_ ])",
    re.I,
)
# Widgets that are furniture even inside the main content (when small and holding no heading).
_WIDGET_NAMES = re.compile(
    r"(?:^|[-_ ])(?:pop-?up|modal|tooltip|cookies?|share|sharing|social|newsletter|advert\w*|skip-link|"
    r"pagination|prev-next(?:-area)?|footer-article\w*|bd-footer\w*|toc|srclink|viewcode-link)(?:$|[-_ ])",
    re.I,
)
_BYLINE = re.compile(r"(?:^|[-_ ])(?:byline|author|authors|author-name|contributor)(?:$|[-_ ])", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_PERMALINK = re.compile(r"[\s\u200b\ufeff]*[¶#§🔗⚓\ufe0e\ufe0f]+[\s\u200b\ufeff]*")
_NAV_RELS = frozenset({"next", "prev", "previous", "up"})  # a panel needs one of these (or an accesskey)
_SIDE_RELS = frozenset({"start", "first", "last", "contents", "index", "home", "top"})  # may sit in one
_NAV_WORDS = re.compile(
    r"(?i)(?:[\s\[\]|,:;»«<>←→‹›()\u00a0-]|next|prev(?:ious)?|up|home|top|contents|index|page|chapter|section)*"
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SECTIONING = frozenset({"article", "section", "aside", "nav"})
# Elements that end a paragraph where they start and where they end.
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dir", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hgroup", "hr", "html", "legend",
    "li", "listing", "main", "ol", "p", "plaintext", "pre", "section", "summary", "table", "tbody", "tfoot",
    "thead", "tr", "ul", "xmp",
}) | _HEADINGS
# Inside these, a region is text, never furniture by its class.
_TEXT_HOLDERS = frozenset({"p", "li", "dd", "dt", "td", "th", "pre", "blockquote", "figcaption", "caption"}) | _HEADINGS
_SHORT = 120  # characters of text kept per element for the small-block tests


def parse_html(text: str) -> BeautifulSoup:
    with warnings.catch_warnings():  # XHTML read as HTML is what a browser does too
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(text, "lxml")


def _attr(tag: Tag, name: str) -> str:
    value = tag.attrs.get(name)
    if isinstance(value, list):
        return " ".join(value)
    return value if isinstance(value, str) else ""


def _always_furniture(tag: Tag) -> bool:
    """Furniture wherever it stands: by tag, landmark role, or hiding."""
    if tag.name in _DROPPED_TAGS:
        return True
    attrs = tag.attrs
    if not attrs:
        return False
    if "hidden" in attrs or _attr(tag, "aria-hidden").lower() == "true":
        return True
    if _attr(tag, "role").lower() in _LANDMARK_ROLES:
        return True
    return bool(_HIDDEN_STYLE.search(_attr(tag, "style")))


@dataclass
class _Stats:
    """What one pass bottom-up learns about an element (furniture left out)."""

    chars: int = 0  # characters of text, spaces aside
    short: str | None = ""  # its text while short, else None
    loose: str | None = ""  # text outside links while short, else None
    headings: int = 0
    nav_links: int = 0  # links with rel next/prev/up... or an accesskey
    other_links: int = 0


def _add_short(a: str | None, b: str | None) -> str | None:
    if a is None or b is None or len(a) + len(b) > _SHORT:
        return None
    return a + b


def _is_permalink(tag: Tag, stats: _Stats) -> bool:
    """A link whose whole text is a permalink mark: '¶', '#', '§', '🔗' (no word is ever lost)."""
    return tag.name == "a" and stats.short is not None and bool(_PERMALINK.fullmatch(stats.short))


_NOTE_MARK = re.compile(r"\s*\[?\d{1,3}\]?\s*")
_NOTE_NAMES = re.compile(r"(?i)footnote|noteref|endnote|fnref|cite")


def _is_note_mark(tag: Tag, stats: _Stats) -> bool:
    """A footnote reference ('<sup><a href="#fn3">3</a></sup>'): a mark, not a word of the text."""
    if tag.name != "a" or stats.short is None or not _NOTE_MARK.fullmatch(stats.short):
        return False
    if not _attr(tag, "href").startswith("#"):
        return False
    parent = tag.parent
    return (parent is not None and parent.name == "sup") or bool(
        _NOTE_NAMES.search(_attr(tag, "class") + " " + _attr(tag, "role") + " " + _attr(tag, "id")))


def _is_nav_panel(tag: Tag, stats: _Stats) -> bool:
    """A block of next/previous/up links and nothing else (texinfo's "Next: ... Up: ...")."""
    return (
        stats.nav_links > 0 and stats.other_links == 0 and stats.loose is not None
        and bool(_NAV_WORDS.fullmatch(stats.loose)) and not stats.headings
    )


def measure(root: Tag) -> dict[int, _Stats]:
    """Stats of every element under `root`, bottom-up, with furniture counted as nothing."""
    table: dict[int, _Stats] = {}
    stack: list[tuple[Tag, int]] = [(root, 0)]
    while stack:
        tag, index = stack[-1]
        contents = tag.contents
        if index < len(contents):
            stack[-1] = (tag, index + 1)
            child = contents[index]
            if isinstance(child, Tag) and not _always_furniture(child):
                stack.append((child, 0))
            continue
        stack.pop()
        stats = _Stats()
        for child in contents:
            if isinstance(child, Tag):
                sub = table.get(id(child))
                if sub is None:
                    continue
                stats.chars += sub.chars
                stats.short = _add_short(stats.short, sub.short)
                stats.loose = _add_short(stats.loose, "" if child.name == "a" else sub.loose)
                stats.headings += sub.headings
                stats.nav_links += sub.nav_links
                stats.other_links += sub.other_links
            elif _is_text(child):
                stats.chars += len(child) - child.count(" ") - child.count("\n")
                stats.short = _add_short(stats.short, str(child))
                stats.loose = _add_short(stats.loose, str(child))
        if tag.name in _HEADINGS:
            stats.headings += 1
        if tag.name == "a" and tag.attrs.get("href") is not None:
            rels = {r.lower() for r in (tag.attrs.get("rel") or ())}
            if rels & _NAV_RELS or "accesskey" in tag.attrs:
                stats.nav_links += 1
            elif not rels & _SIDE_RELS:
                stats.other_links += 1
        if tag is not root and (_is_permalink(tag, stats) or _is_note_mark(tag, stats)
                                or (tag.name != "a" and _is_nav_panel(tag, stats))):
            continue  # furniture: counts as nothing
        table[id(tag)] = stats
    return table


def _is_text(node) -> bool:
    return isinstance(node, NavigableString) and not isinstance(node, PreformattedString)


def choose_main(body: Tag, stats: dict[int, _Stats], parts: PageParts) -> tuple[Tag, bool]:
    """The main content, and whether the page marked it (<main>, role=main, a dominant <article>)."""
    page = stats[id(body)].chars
    landmarks = [t for t in parts.mains if id(t) in stats]
    if landmarks:
        main = max(landmarks, key=lambda t: stats[id(t)].chars)
        if stats[id(main)].chars * 3 >= page:  # else the text is elsewhere: a <main> round a banner
            return main, True
    articles = [t for t in parts.articles if id(t) in stats]
    if articles:
        article = max(articles, key=lambda t: stats[id(t)].chars)
        if stats[id(article)].chars * 2 >= page:
            return article, True
    return body, False


def _small_region(stats: _Stats, page_chars: int) -> bool:
    """No heading, and not the bulk of the page's text (a few words of chrome may outweigh a tiny page's)."""
    return not stats.headings and (stats.chars * 2 < page_chars or stats.chars < 200)


def _region_furniture(tag: Tag, stats: _Stats, page_chars: int, names: re.Pattern) -> bool:
    """A block that names itself furniture by class or id, holds no heading and little of the text."""
    if not _small_region(stats, page_chars):
        return False
    if tag.name in _REGION_TAGS and names is _REGION_NAMES:
        return True
    label = _attr(tag, "class") + " " + _attr(tag, "id")
    return bool(label.strip()) and bool(names.search(label))


def content_sections(
    main: Tag, stats: dict[int, _Stats], marked: bool, authors: tuple[str, ...] = ()
) -> tuple[tuple[str, str], ...]:
    """(heading, paragraph) pairs of the main content in reading order; h1-h6 start sections."""
    out = OutlineBuilder()
    walk_content(main, stats, marked, out, frozenset(authors))
    return out.finish()


def fragment_into(html: str, out: OutlineBuilder) -> None:
    """Tell `out` the headings and paragraphs of an HTML fragment (as Markdown embeds them)."""
    soup = parse_html(html)
    root = soup.body or soup
    stats = measure(root)
    if id(root) in stats:
        walk_content(root, stats, True, out, frozenset())


def _is_byline(tag: Tag, stats: _Stats, authors: frozenset[str]) -> bool:
    """A short block naming the authors that the page's metadata already holds ("By Helen Toner")."""
    if not authors or stats.short is None or not _BYLINE.search(_attr(tag, "class") + " " + _attr(tag, "rel")):
        return False
    names = split_names(stats.short)
    return bool(names) and all(n in authors for n in names)


# The pages a documentation generator makes for every project (Sphinx's general
# index, module index and search page), which its quick-start template links to.
_GENERATED_PAGES = frozenset({"genindex.html", "py-modindex.html", "modindex.html", "search.html"})


def _links_to_generated_pages(tag: Tag) -> bool:
    """A list whose every item is one link to a page the generator makes (Sphinx's
    "Index / Module Index / Search Page"), and nothing else: navigation, not content."""
    items = tag.find_all("li", recursive=False)
    if not items:
        return False
    for item in items:
        links = item.find_all("a")
        if len(links) != 1 or links[0].get_text(" ", strip=True) != item.get_text(" ", strip=True):
            return False
        href = _attr(links[0], "href").split("#")[0].split("?")[0]
        if href.rsplit("/", 1)[-1] not in _GENERATED_PAGES:
            return False
    return True


def _generated_pages_section(tag: Tag) -> bool:
    """Such a list, or a section holding only a heading and such a list ("Indices and tables")."""
    if tag.name in ("ul", "ol"):
        return _links_to_generated_pages(tag)
    if tag.name not in ("section", "div"):
        return False
    children = [c for c in tag.children if isinstance(c, Tag) or str(c).strip()]
    return (len(children) == 2 and isinstance(children[0], Tag) and children[0].name in _HEADINGS
            and isinstance(children[1], Tag) and children[1].name in ("ul", "ol")
            and _links_to_generated_pages(children[1]))


def walk_content(main: Tag, stats: dict[int, _Stats], marked: bool, out: OutlineBuilder,
                 authors: frozenset[str]) -> None:
    """Tell `out` what the reader sees under `main`, furniture left out (one loop, no recursion)."""
    page_chars = max(1, stats[id(main)].chars)
    stack: list = [main]
    text_depth = 0  # how many text holders (paragraphs, list items, headings...) enclose the walk
    # How many <article>/<section>s enclose it: a <header> or <footer> outside
    # them belongs to the page, not to an article (as HTML defines their scope).
    section_depth = 1 if main.name in _SECTIONING else 0
    while stack:
        node = stack.pop()
        if isinstance(node, tuple):  # the end of an element
            tag = node[1]
            if tag.name in _TEXT_HOLDERS:
                text_depth -= 1
            if tag.name in _SECTIONING:
                section_depth -= 1
            if tag.name in _HEADINGS:
                out.end_heading()
            elif tag.name in _BLOCKS:
                out.flush()
            elif tag.name in ("td", "th"):
                out.text(" ")
            continue
        if _is_text(node):
            out.text(str(node))
            continue
        if not isinstance(node, Tag) or id(node) not in stats:
            continue
        tag, tag_stats = node, stats[id(node)]
        if text_depth == 0 and tag is not main and (tag.attrs or tag.name in _REGION_TAGS):
            if _region_furniture(tag, tag_stats, page_chars, _WIDGET_NAMES if marked else _REGION_NAMES):
                continue
            if tag.name in ("header", "footer") and not section_depth and _small_region(tag_stats, page_chars):
                continue
            if _is_byline(tag, tag_stats, authors):
                continue  # the byline's names are the document's authors
        if text_depth == 0 and _generated_pages_section(tag):
            continue
        if tag.name == "pre" and not out.in_heading:  # code: its lines kept, read in one go
            out.paragraph("".join(_visible_strings(tag, stats)), lines=True)
            continue
        if tag.name in _HEADINGS:
            out.start_heading()
        elif tag.name in _BLOCKS:
            out.flush()
        elif tag.name == "br":
            out.text("\n")
        if tag.name in _TEXT_HOLDERS:
            text_depth += 1
        if tag.name in _SECTIONING:
            section_depth += 1
        stack.append(("end", tag))
        stack.extend(reversed(tag.contents))


def _title(meta_title: str, page_title: str, sections: tuple[tuple[str, str], ...], first_h1: str) -> str:
    """The page's own title: its metadata, else its first heading when <title> starts with it
    ("Usage and example | Node.js Documentation" -> "Usage and example"), else <title>."""
    if meta_title:
        return meta_title
    first_heading = sections[0][0].split(" / ")[0] if sections and sections[0][0] else ""
    for heading in (first_h1, first_heading):
        if heading and (not page_title or page_title.startswith(heading)):
            return heading
    return page_title or first_h1


def _first_h1(h1s: list, stats: dict[int, _Stats]) -> str:
    for h1 in h1s:
        if id(h1) in stats:
            return " ".join("".join(_visible_strings(h1, stats)).split())
    return ""


def _visible_strings(tag: Tag, stats: dict[int, _Stats]) -> Iterator[str]:
    stack = [tag]
    while stack:
        node = stack.pop()
        if _is_text(node):
            yield str(node)
        elif isinstance(node, Tag) and id(node) in stats:
            stack.extend(reversed(node.contents))


def read_html(path: str, text: str, doc_id: str) -> RawDocument:
    """A web page as a RawDocument whose `sections` hold its main content."""
    soup = parse_html(text)
    parts = inventory(soup)
    meta = page_metadata(parts)
    body = soup.body or soup
    stats = measure(body)
    main, marked = choose_main(body, stats, parts)
    authors = meta.authors
    sections = content_sections(main, stats, marked, authors)
    title = _title(meta.title, meta.page_title, sections, _first_h1(parts.h1s, stats))
    sections = without_title(sections, title)
    plain = sections_text(sections)
    return RawDocument(
        id=doc_id,
        path=path,
        format="html",
        text=plain,
        title=title,
        authors=authors,
        date=meta.date,
        publisher=meta.publisher,
        url=meta.url,
        publication=meta.publication,
        sections=sections,
    )
