"""A web page's bibliographic metadata: Highwire citation_*, Dublin Core, Open Graph, JSON-LD, bylines.

Think-tank and journal pages say who wrote them, when and for whom in
<meta> tags (Highwire's `citation_*`, Dublin Core's `DC.*`/`dcterms.*`,
Open Graph's `og:*`/`article:*`) and in JSON-LD scripts (schema.org
`Article`, `Report`, ...).  The most specific source wins: Highwire, then
JSON-LD, then Dublin Core, then Open Graph and plain `<meta name=...>`;
byline markup is the last resort for authors.

Works on a parsed BeautifulSoup tree without importing bs4 (corpus.html
parses); `inventory` gathers what it needs in one pass over the tree.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .model import Publication

__all__ = ["PageMetadata", "PageParts", "inventory", "page_metadata"]


@dataclass(frozen=True)
class PageMetadata:
    title: str = ""
    authors: tuple[str, ...] = ()
    date: str = ""
    publisher: str = ""
    url: str = ""
    page_title: str = ""  # the <title> element, which often carries the site's name too
    publication: Publication = field(default_factory=Publication)  # journal, volume, issue (Highwire tags)


@dataclass
class PageParts:
    """The elements metadata comes from, gathered in one pass over the page (bs4's find_all is one pass each)."""

    metas: list = field(default_factory=list)
    json_ld: list = field(default_factory=list)  # the text of each application/ld+json script
    times: list = field(default_factory=list)
    canonical: str = ""
    title: str = ""
    bylines: list = field(default_factory=list)  # rel/itemprop "author" or a byline-ish class
    mains: list = field(default_factory=list)  # <main> and role="main"
    articles: list = field(default_factory=list)
    h1s: list = field(default_factory=list)


_MAX_BYLINES = 20


def inventory(root) -> PageParts:
    """Walk the whole tree once (an explicit stack: any depth) and keep what metadata needs."""
    parts = PageParts()
    stack = [root]
    while stack:
        tag = stack.pop()
        name, attrs = tag.name, tag.attrs
        if name == "meta":
            parts.metas.append(tag)
        elif name == "script":
            if "ld+json" in str(attrs.get("type", "")).lower():
                parts.json_ld.append(tag.get_text())
            continue
        elif name == "time":
            parts.times.append(tag)
        elif name == "link" and "canonical" in (attrs.get("rel") or ()) and not parts.canonical:
            parts.canonical = str(attrs.get("href") or "")
        elif name == "title" and not parts.title:
            parts.title = " ".join(tag.get_text(" ").split())
        elif name == "main":
            parts.mains.append(tag)
        elif name == "article":
            parts.articles.append(tag)
        elif name == "h1":
            parts.h1s.append(tag)
        if attrs:
            if str(attrs.get("role", "")).lower() == "main" and name != "main":
                parts.mains.append(tag)
            if len(parts.bylines) < _MAX_BYLINES and (
                "author" in (attrs.get("rel") or ()) or attrs.get("itemprop") == "author"
                or _BYLINE_NAMES.search(" ".join(attrs.get("class") or ()))
            ):
                parts.bylines.append(tag)
        stack.extend(child for child in reversed(tag.contents) if getattr(child, "name", None))
    return parts


_BYLINE_NAMES = re.compile(r"(?:^|[-_ ])(?:byline|author|authors|author-name|contributor)(?:$|[-_ ])", re.I)
_ISO_DATE = re.compile(r"(\d{4})(?:[-/.](\d{1,2}))?(?:[-/.](\d{1,2}))?")
_ARTICLE_TYPES = {
    "article", "newsarticle", "report", "scholarlyarticle", "blogposting", "techarticle", "creativework",
    "webpage", "book", "chapter", "publicationissue", "analysisnewsarticle", "reportagenewsarticle",
}


def _meta_values(parts: PageParts) -> dict[str, list[str]]:
    """Every <meta name|property|itemprop=... content=...>, keyed by the lower-cased key."""
    found: dict[str, list[str]] = {}
    for tag in parts.metas:
        content = " ".join((tag.get("content") or "").split())
        if not content:
            continue
        for attr in ("name", "property", "itemprop"):
            key = tag.get(attr)
            if isinstance(key, str) and key.strip():
                for one in key.split():  # RDFa allows several properties in one attribute
                    found.setdefault(one.lower(), []).append(content)
    return found


def _first(meta: dict[str, list[str]], *keys: str) -> str:
    for key in keys:
        for value in meta.get(key, ()):
            if value:
                return value
    return ""


def iso_date(value: str) -> str:
    """'2019/10/29', '2019-10-29T08:00:00Z' -> '2019-10-29'; '2019' stays; '' if no date."""
    match = _ISO_DATE.match(value.strip())
    if not match or not 1000 <= int(match.group(1)) <= 2999:
        return ""
    year, month, day = match.groups()
    if month and not 1 <= int(month) <= 12:
        return year
    parts = [year] + [f"{int(p):02d}" for p in (month, day) if p]
    return "-".join(parts)


def split_names(text: str) -> list[str]:
    """'By Helen Toner and Lorand Laskai' -> ['Helen Toner', 'Lorand Laskai']."""
    text = re.sub(r"(?i)^\s*(?:written\s+)?by\s+", "", " ".join(text.split()))
    parts = re.split(r"\s*(?:,|;|\band\b|&)\s*", text)
    return [p.strip() for p in parts if _is_name(p.strip())]


def _is_name(text: str) -> bool:
    """A person's or body's name: words with letters, no digits, no address ('v1.11.1', 'a@b.org' are not)."""
    return bool(text) and len(text.split()) <= 6 and not re.search(r"[\d@/<>{}=]|^http", text) \
        and any(c.isalpha() for c in text)


def one_name(value: str) -> list[str]:
    """A citation_author/DC.creator value names one person: 'Toner, Helen' -> 'Helen Toner'."""
    value = " ".join(value.split())
    if not _is_name(value) and "," not in value:
        return []
    parts = [p.strip() for p in value.split(",")]
    if len(parts) == 2 and all(parts) and len(parts[0].split()) <= 3 and len(parts[1].split()) <= 3:
        return [f"{parts[1]} {parts[0]}"]
    return split_names(value) if ("," in value or " and " in value or ";" in value) else [value]


def _json_ld_objects(parts: PageParts) -> list[dict]:
    objects: list[dict] = []
    for source in parts.json_ld:
        try:
            data = json.loads(source)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack and len(objects) < 200:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                objects.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(reversed(item["@graph"]))
    return objects


def _types(obj: dict) -> set[str]:
    kind = obj.get("@type", "")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds}


def _names(value) -> list[str]:
    if isinstance(value, str):
        return one_name(value)
    if isinstance(value, dict):
        return _names(value.get("name", ""))
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def _json_ld(parts: PageParts) -> PageMetadata:
    """Title, authors, date, publisher and url of the page's main schema.org work."""
    works = [o for o in _json_ld_objects(parts) if _types(o) & _ARTICLE_TYPES]
    # An Article beats a WebPage when both are there.
    works.sort(key=lambda o: 0 if _types(o) - {"webpage", "creativework"} else 1)
    if not works:
        return PageMetadata()
    work = works[0]
    title = work.get("headline") or work.get("name") or ""
    publisher = work.get("publisher")
    publisher_name = publisher.get("name", "") if isinstance(publisher, dict) else publisher
    url = work.get("url") or ""
    return PageMetadata(
        title=" ".join(str(title).split()) if isinstance(title, str) else "",
        authors=tuple(dict.fromkeys(_names(work.get("author")))),
        date=iso_date(str(work.get("datePublished") or work.get("dateCreated") or "")),
        publisher=publisher_name if isinstance(publisher_name, str) else "",
        url=url if isinstance(url, str) else "",
    )


def byline_names(parts: PageParts) -> list[str]:
    """Authors named in byline markup: rel/itemprop 'author', or a class such as 'byline'."""
    found: list[str] = []
    for tag in parts.bylines:
        name = tag.find(attrs={"itemprop": "name"}) or tag
        text = name.get_text(" ", strip=True)
        if len(text) <= 80:  # a byline, not an author's bio
            found.extend(split_names(text))
    return found


def page_metadata(parts: PageParts) -> PageMetadata:
    """Everything the page says about itself, the most specific source first."""
    meta = _meta_values(parts)
    ld = _json_ld(parts)
    page_title = parts.title

    title = _first(meta, "citation_title") or ld.title or _first(meta, "dc.title", "dcterms.title", "og:title",
                                                                  "twitter:title")
    highwire = [n for v in meta.get("citation_author", ()) for n in one_name(v)]
    dublin = [n for k in ("dc.creator", "dcterms.creator", "dc.contributor") for v in meta.get(k, ())
              for n in one_name(v)]
    plain = [n for k in ("author", "article:author", "parsely-author", "sailthru.author") for v in meta.get(k, ())
             for n in split_names(v)]
    authors = highwire or list(ld.authors) or dublin or plain or byline_names(parts)

    dates = [_first(meta, "citation_publication_date", "citation_date", "citation_online_date"), ld.date,
             _first(meta, "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "dcterms.created"),
             _first(meta, "article:published_time", "date", "pubdate", "publish-date", "datepublished",
                    "parsely-pub-date")]
    dates += [t.get("datetime", "") for t in parts.times]
    date = next((d for d in map(iso_date, dates) if d), "")

    publisher = (_first(meta, "citation_publisher", "citation_technical_report_institution") or ld.publisher
                 or _first(meta, "dc.publisher", "dcterms.publisher", "og:site_name"))
    url = (_first(meta, "citation_public_url", "citation_abstract_html_url", "citation_fulltext_html_url")
           or ld.url or _first(meta, "dc.identifier", "dcterms.identifier", "og:url")
           or parts.canonical)
    if not url.startswith(("http://", "https://")):
        url = ""
    return PageMetadata(
        title=title,
        authors=tuple(dict.fromkeys(authors)),
        date=date,
        publisher=publisher,
        url=url,
        page_title=page_title,
        publication=highwire_publication(meta),
    )


def highwire_publication(meta: dict[str, list[str]]) -> Publication:
    """Where a scholarly page says it was published: journal (or conference, or report), volume, issue."""
    journal = _first(meta, "citation_journal_title", "prism.publicationname")
    conference = _first(meta, "citation_conference_title")
    kind = ""
    if journal:
        kind = "article-journal"
    elif conference:
        kind = "paper-conference"
    elif _first(meta, "citation_technical_report_institution", "citation_technical_report_number"):
        kind = "report"
    return Publication(
        type=kind,
        container_title=journal or conference,
        volume=_first(meta, "citation_volume", "prism.volume"),
        issue=_first(meta, "citation_issue", "prism.number"),
        number=_first(meta, "citation_technical_report_number"),
    )
