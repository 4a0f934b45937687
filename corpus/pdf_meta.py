"""Title, authors and date from a document's own metadata, when they mean something.

Office software fills a PDF's or Word file's properties with what it had at
hand: "Microsoft Word - draft3.docx", "Untitled", a login name ("jsmith",
"Administrator").  Such values are no title or author; the readers then look
at the first page instead.  XMP metadata (the `<x:xmpmeta>` packet, stored
uncompressed as its specification advises) is read with a few patterns.  A
line of the first page that is a date and nothing else ("March 2019",
"Published 10 February 2019") gives the date when the properties do not.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

__all__ = ["date_line", "meaningful_authors", "meaningful_title", "names_in_byline", "xmp_fields"]

_FILE_TITLE = re.compile(
    r"(?i)^(?:microsoft (?:word|powerpoint|excel) - .*|untitled.*|document\d*|presentation\d*|"
    r"powerpoint presentation|slide \d+|.*\.(?:docx?|pdf|indd|pptx?|rtf|odt|tex|dvi|txt|html?|qxp)|"
    r"[a-z]:\\.*|/.*)$"
)
_PLACEHOLDER_AUTHORS = {
    "", "python-docx", "administrator", "admin", "user", "author", "unknown", "owner", "microsoft office user",
    "windows user", "default", "root", "reportlab",
}


def meaningful_title(value: str, path: str = "") -> str:
    """The title, or '' when it is a file name, a placeholder or a path."""
    title = " ".join((value or "").split())
    if len(title) < 3 or _FILE_TITLE.match(title):
        return ""
    if path and title.lower() in {Path(path).name.lower(), Path(path).stem.lower()}:
        return ""
    return title


def meaningful_authors(value: str) -> tuple[str, ...]:
    """Names from an author field ('A. Smith; B. Jones', 'A and B'); () for placeholders and logins."""
    names = [n for n in names_in_byline(value) if n.lower() not in _PLACEHOLDER_AUTHORS]
    return tuple(n for n in names if " " in n or "." in n)  # one lower-case word is a login, not a name


def names_in_byline(text: str) -> tuple[str, ...]:
    """'By Ada Lovelace and Grace Hopper' -> ('Ada Lovelace', 'Grace Hopper'); capitals made title case."""
    text = re.sub(r"(?i)^\s*(?:by|authors?:|written by)\s+", "", " ".join((text or "").split()))
    parts = re.split(r"\s*(?:;|,(?!\s*(?:jr|sr|phd|ii|iii)\b)|\band\b|&)\s*", text)
    names = []
    for part in parts:
        part = part.strip(" .,")
        if not part or len(part.split()) > 5 or any(ch.isdigit() for ch in part):
            continue
        if part.isupper():
            part = " ".join(w.capitalize() for w in part.split())
        names.append(part)
    return tuple(dict.fromkeys(names))


_XMP = re.compile(rb"<x:xmpmeta.*?</x:xmpmeta>", re.S)


def _xmp_values(packet: str, tag: str) -> list[str]:
    match = re.search(rf"<{tag}\b[^>]*>(.*?)</{tag}>", packet, re.S)
    if not match:
        match = re.search(rf'\b{tag}="([^"]*)"', packet)
        return [html.unescape(match.group(1))] if match else []
    inner = match.group(1)
    items = re.findall(r"<rdf:li\b[^>]*>(.*?)</rdf:li>", inner, re.S) or [inner]
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items if item.strip()]


def xmp_fields(path: Path, limit: int = 8 * 2**20) -> dict[str, str]:
    """title, creator ('; '-joined) and date from the file's XMP packet, if it has one in its first bytes."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit)
    except OSError:
        return {}
    match = _XMP.search(data)
    if not match:
        return {}
    packet = match.group().decode("utf-8", errors="replace")
    fields = {
        "title": "; ".join(_xmp_values(packet, "dc:title")[:1]),
        "creator": "; ".join(_xmp_values(packet, "dc:creator")),
        "date": next(iter(_xmp_values(packet, "dc:date") + _xmp_values(packet, "xmp:CreateDate")), ""),
    }
    return {k: v for k, v in fields.items() if v}


_MONTHS = {name: k for k, names in enumerate(
    ("january jan", "february feb", "march mar", "april apr", "may", "june jun", "july jul", "august aug",
     "september sep sept", "october oct", "november nov", "december dec"), 1) for name in names.split()}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DATE_FORMS = [
    re.compile(rf"(?P<day>\d{{1,2}})\s+{_MONTH},?\s+(?P<year>\d{{4}})"),  # 10 February 2019
    re.compile(rf"{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})"),  # February 10, 2019
    re.compile(rf"{_MONTH},?\s+(?P<year>\d{{4}})"),  # February 2019
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"),  # 2019-02-10
]
_DATE_PREFIX = re.compile(r"(?i)^(?:(?:first\s+)?(?:published|updated|issued|released|dated?)(?:\s+on)?\s*:?\s*)?")


def date_line(line: str) -> str:
    """'March 2019' -> '2019-03', 'Published February 10, 2019' -> '2019-02-10'; '' unless the line is a date."""
    text = _DATE_PREFIX.sub("", " ".join(line.split())).rstrip(".")
    for form in _DATE_FORMS:
        match = form.fullmatch(text)
        if not match:
            continue
        parts = match.groupdict()
        month = parts["month"]
        month = int(month) if month.isdigit() else _MONTHS.get(month.lower(), 0)
        year, day = int(parts["year"]), int(parts.get("day") or 0)
        if not (1900 < year < 2200 and 1 <= month <= 12 and 0 <= day <= 31):
            return ""
        return f"{year}-{month:02d}" + (f"-{day:02d}" if day else "")
    return ""
