"""A BibTeX entry written from a CSL-JSON item (the field mapping biblatex and Zotero use)."""
from __future__ import annotations

import re
import unicodedata

ENTRY_TYPES = {
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "book": "book",
    "chapter": "incollection",
    "paper-conference": "inproceedings",
    "report": "techreport",
    "thesis": "phdthesis",
}

_SPECIAL = re.compile(r"([\\{}%&$#_^~])")
_ESCAPES = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}


def escape(value: str) -> str:
    """Text as a BibTeX field value: LaTeX's special characters escaped, braces balanced."""
    return _SPECIAL.sub(lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), value)


def bibtex_name(name: dict) -> str:
    if "literal" in name:
        return "{" + escape(name["literal"]) + "}"
    family = " ".join(p for p in (name.get("non-dropping-particle", ""), name.get("family", "")) if p)
    parts = [escape(family)]
    if name.get("suffix"):
        parts.append(escape(name["suffix"]))
    if name.get("given"):
        parts.append(escape(name["given"]))
    return ", ".join(parts)


def citation_key(item: dict) -> str:
    """`lehmann2019ai`: first author's (or editor's) family name, year, first word of the title."""
    people = item.get("author") or item.get("editor") or [{}]
    who = people[0].get("family") or people[0].get("literal") or ""
    year = _date_parts(item)[:1]
    words = [w for w in re.findall(r"\w+", item.get("title", "")) if w.lower() not in {"a", "an", "the"}]
    raw = f"{who}{year[0] if year else ''}{words[0] if words else ''}"
    ascii_key = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", ascii_key).lower() or item.get("id", "item")


def _date_parts(item: dict) -> list[int]:
    parts = (item.get("issued") or {}).get("date-parts") or [[]]
    return list(parts[0])


def bibtex_entry(item: dict) -> str:
    """One `@type{key, field = {value}, ...}` entry for `item`."""
    kind = item.get("type", "")
    entry_type = ENTRY_TYPES.get(kind, "misc")
    fields: list[tuple[str, str]] = []

    def add(name: str, value) -> None:
        if value:
            fields.append((name, escape(str(value))))

    if item.get("author"):
        fields.append(("author", " and ".join(bibtex_name(n) for n in item["author"])))
    if item.get("editor"):
        fields.append(("editor", " and ".join(bibtex_name(n) for n in item["editor"])))
    add("title", item.get("title"))
    container = item.get("container-title")
    if entry_type == "article":
        add("journal", container)
    elif entry_type in ("incollection", "inproceedings") or kind == "interview":
        add("booktitle", container)
    else:
        add("howpublished" if entry_type == "misc" else "series", container)
    if entry_type == "techreport":
        add("institution", item.get("publisher"))
        add("type", item.get("genre"))
        add("number", item.get("number"))
    else:
        add("publisher", item.get("publisher"))
        add("series", item.get("collection-title"))
        add("number", item.get("issue") or item.get("collection-number") or item.get("number"))
    add("volume", item.get("volume"))
    if kind == "interview" and item.get("interviewer"):
        names = " and ".join(
            " ".join(p for p in (n.get("given"), n.get("family")) if p) or n.get("literal", "")
            for n in item["interviewer"]
        )
        add("note", f"Interview by {names}")
    date = _date_parts(item)
    if date:
        add("year", date[0])
        if len(date) > 1:
            add("month", date[1])
        add("date", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(date)))
    elif (item.get("issued") or {}).get("literal"):
        add("year", item["issued"]["literal"])
    add("url", item.get("URL"))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry_type}{{{citation_key(item)},\n{body}\n}}"
