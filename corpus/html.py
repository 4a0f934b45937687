"""Read a web page: its metadata, and its main content as (heading, paragraph) pairs.

The main content is found the way reader modes find it: a <main>, <article>
or role="main" element if the page has one, else the element holding the
most paragraph text.  Page furniture never counts: navigation, headers,
footers, asides, scripts, styles, menus, forms, and anything hidden or
popping up (help text, tooltips, dialogs, cookie banners).  h1-h4 start
sections.

BeautifulSoup is imported here only, so the rest of corpus/ runs without it.
"""
from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag

from .model import RawDocument

__all__ = ["read_html"]

_FURNITURE_TAGS = [
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "menu", "button", "iframe", "svg", "select", "input", "textarea", "dialog", "label",
]
_FURNITURE_ROLES = {
    "navigation", "banner", "contentinfo", "complementary", "search", "dialog",
    "alertdialog", "tooltip", "menu", "menubar", "toolbar",
}
_FURNITURE_NAMES = re.compile(
    r"(?:^|[-_ ])(?:pop-?up|modal|tooltip|help(?:-?text|-?tip)?|overlay|dialog|cookies?|share|sharing|"
    r"social|newsletter|subscribe|related|comments?|breadcrumbs?|advert\w*|ads?|promo|sidebar|"
    r"menu|nav|navbar|masthead|footer|header|skip(?:-link)?|sr-only|visually-hidden|byline|dateline|tags)(?:$|[-_ ])",
    re.I,
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_HEADINGS = ["h1", "h2", "h3", "h4"]
_TEXT_BLOCKS = ["p", "li", "blockquote", "pre", "dd", "dt", "td", "th", "figcaption"]
_BYLINE_NAMES = re.compile(r"(?:^|[-_ ])(?:byline|author|authors|author-name|contributor)(?:$|[-_ ])", re.I)


def _meta(soup: BeautifulSoup, *keys: str) -> list[str]:
    values = []
    for key in keys:
        for tag in soup.find_all("meta", attrs={"name": key}) + soup.find_all("meta", attrs={"property": key}):
            content = (tag.get("content") or "").strip()
            if content:
                values.append(content)
    return values


def _names_in(text: str) -> list[str]:
    """'By Helen Toner and Lorand Laskai' -> ['Helen Toner', 'Lorand Laskai']."""
    text = re.sub(r"(?i)^\s*(?:written\s+)?by\s+", "", " ".join(text.split()))
    parts = re.split(r"\s*(?:,|;|\band\b|&)\s*", text)
    return [p.strip() for p in parts if p.strip() and not p.startswith("http") and len(p.split()) <= 5]


def find_authors(soup: BeautifulSoup) -> tuple[str, ...]:
    """Authors from meta tags, else from byline-ish markup (rel/itemprop/class 'author', 'byline')."""
    found = [n for v in _meta(soup, "author", "article:author", "citation_author", "dc.creator") for n in _names_in(v)]
    if not found:
        marked = soup.find_all(attrs={"rel": "author"}) + soup.find_all(attrs={"itemprop": "author"})
        marked += [t for t in soup.find_all(True) if _BYLINE_NAMES.search(" ".join(t.get("class", [])))]
        for tag in marked:
            name = tag.find(attrs={"itemprop": "name"}) or tag
            text = name.get_text(" ", strip=True)
            if len(text) <= 80:  # a byline, not an author's bio
                found.extend(_names_in(text))
    return tuple(dict.fromkeys(found))


def find_date(soup: BeautifulSoup) -> str:
    """An ISO date from the page's metadata ('2020-01-23'), as precise as it says."""
    candidates = _meta(
        soup, "article:published_time", "date", "citation_publication_date", "dc.date", "pubdate", "publish-date"
    )
    candidates += [t.get("datetime", "") for t in soup.find_all("time")]
    candidates += [t.get("content", "") for t in soup.find_all(attrs={"itemprop": "datePublished"})]
    for value in candidates:
        match = re.match(r"(\d{4})(?:[-/](\d{2}))?(?:[-/](\d{2}))?", value.strip())
        if match:
            return "-".join(part for part in match.groups() if part)
    return ""


def find_title(soup: BeautifulSoup) -> str:
    """og:title or the like, else <title> (less the site's name when the h1 shows it), else the h1."""
    for value in _meta(soup, "og:title", "citation_title", "dc.title"):
        return value
    h1 = soup.find("h1")
    heading = h1.get_text(" ", strip=True) if h1 else ""
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    if heading and page_title.startswith(heading):
        return heading
    return page_title or heading


def _is_furniture(tag: Tag, most_text: int) -> bool:
    """Page furniture by tag, role, hiding, or a class/id naming it (unless it holds the content)."""
    if tag.attrs is None or tag.name in ("html", "body", "main", "article"):
        return False
    if tag.name in _FURNITURE_TAGS or tag.has_attr("hidden") or tag.get("aria-hidden") == "true":
        return True
    if (tag.get("role") or "").lower() in _FURNITURE_ROLES or _HIDDEN_STYLE.search(tag.get("style", "")):
        return True
    names = " ".join(tag.get("class", [])) + " " + (tag.get("id") or "")
    return bool(_FURNITURE_NAMES.search(names)) and _paragraph_text(tag) < most_text


def drop_page_furniture(soup: BeautifulSoup) -> None:
    """Remove everything that is not the page's content, in place."""
    most_text = max(1, _paragraph_text(soup) // 2)
    for tag in soup.find_all(True):
        if not tag.decomposed and _is_furniture(tag, most_text):
            tag.decompose()


def _paragraph_text(tag: Tag) -> int:
    return sum(len(p.get_text(" ", strip=True)) for p in tag.find_all("p"))


def find_main_content(soup: BeautifulSoup) -> Tag:
    """<main>, <article> or role=main; else the element with the most paragraph text."""
    marked = soup.find_all("main") + soup.find_all(attrs={"role": "main"}) + soup.find_all("article")
    marked = [t for t in marked if _paragraph_text(t) or t.get_text(strip=True)]
    if marked:
        return max(marked, key=_paragraph_text)
    body = soup.body or soup
    scores: dict[int, tuple[int, Tag]] = {}
    for p in body.find_all("p"):
        parent = p.parent
        if isinstance(parent, Tag):
            score, _ = scores.get(id(parent), (0, parent))
            scores[id(parent)] = (score + len(p.get_text(" ", strip=True)), parent)
    if not scores:
        return body
    return max(scores.values(), key=lambda pair: pair[0])[1]


def _text(tag: Tag) -> str:
    return " ".join(tag.get_text(" ", strip=True).split())


def content_sections(main: Tag) -> tuple[tuple[str, str], ...]:
    """(heading, paragraph) pairs in reading order; h1-h4 start sections."""
    pairs: list[tuple[str, str]] = []
    heading = ""
    taken: set[int] = set()
    for tag in main.find_all(_HEADINGS + _TEXT_BLOCKS):
        if any(id(parent) in taken for parent in tag.parents):
            continue
        taken.add(id(tag))
        text = _text(tag)
        if tag.name in _HEADINGS:
            heading = text
        elif text:
            pairs.append((heading, text))
    if not pairs:
        loose = [s.strip() for s in main.find_all(string=True) if isinstance(s, NavigableString) and s.strip()]
        pairs = [("", " ".join(loose))] if loose else []
    return tuple(pairs)


def read_html(path: str, text: str, doc_id: str) -> RawDocument:
    """A web page as a RawDocument whose `sections` hold its main content."""
    soup = BeautifulSoup(text, "html.parser")
    title, authors, date = find_title(soup), find_authors(soup), find_date(soup)
    publisher = next(iter(_meta(soup, "og:site_name")), "")
    drop_page_furniture(soup)
    sections = content_sections(find_main_content(soup))
    plain = "\n\n".join(f"{h}\n{p}" if h else p for h, p in sections)
    return RawDocument(
        id=doc_id,
        path=path,
        format="html",
        text=plain,
        title=title,
        authors=authors,
        date=date,
        publisher=publisher,
        sections=sections,
    )
