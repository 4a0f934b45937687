"""HTML pages into RawDocuments (placeholder until the structure work lands)."""
from __future__ import annotations

from .model import RawDocument


def read_html(path: str, text: str, doc_id: str) -> RawDocument:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "aside", "form"]):
        tag.decompose()
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    meta = soup.find("meta", attrs={"name": "author"})
    authors = (meta["content"].strip(),) if meta and meta.get("content") else ()
    sections: list[tuple[str, str]] = []
    heading = ""
    for el in soup.find_all(["h1", "h2", "h3", "h4", "p", "li"]):
        words = el.get_text(" ", strip=True)
        if el.name.startswith("h"):
            heading = words
        elif words:
            sections.append((heading, words))
    return RawDocument(id=doc_id, path=path, format="html", text=soup.get_text("\n"),
                       title=title, authors=authors, sections=tuple(sections))
