"""A CSL-JSON item from what is known about a document (and the passage cited).

CSL-JSON is the one description every output is written from: the CSL
styles render it, and BibTeX and RIS are written from its fields.

- A document with editors is an edited volume, cited by its editors.
- A passage in one of its articles cites that article: a `chapter` with the
  article's byline, inside the volume.
- An interview answer cites the interview: the person answering is its
  author, the article's byline its interviewer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Publication

SEASONS = {"spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4}  # CSL's season numbers

# The CSL types a sidecar may name, and friendlier names for some of them.
CSL_TYPES = frozenset(
    """article article-journal article-magazine article-newspaper bill book broadcast chapter
    dataset document entry entry-dictionary entry-encyclopedia graphic interview legal_case
    legislation manuscript motion_picture pamphlet paper-conference patent personal_communication
    post post-weblog regulation report review software speech standard thesis treaty webpage""".split()
)
TYPE_ALIASES = {
    "journal-article": "article-journal",
    "journal": "article-journal",
    "magazine": "article-magazine",
    "newspaper": "article-newspaper",
    "blog": "post-weblog",
    "blog-post": "post-weblog",
    "web": "webpage",
    "web-page": "webpage",
    "conference-paper": "paper-conference",
}


def csl_type(name: str) -> str | None:
    """The CSL type a user's name stands for ("blog-post" -> "post-weblog"); None if unknown."""
    key = name.strip().lower().replace("_", "-").replace(" ", "-")
    key = TYPE_ALIASES.get(key, key)
    if key == "legal-case":
        key = "legal_case"
    return key if key in CSL_TYPES else None


@dataclass(frozen=True)
class Source:
    """A document as a citation sees it."""

    id: str
    title: str
    authors: tuple[str, ...] = ()
    date: str = ""
    publisher: str = ""
    url: str = ""
    publication: Publication = field(default_factory=Publication)


@dataclass(frozen=True)
class Part:
    """The article of an edited volume a passage is in (and, for an interview answer, who answered)."""

    title: str
    byline: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()  # set for an interview answer


def csl_item(source: Source, part: Part | None = None) -> dict:
    """The CSL-JSON item citing `source`, or the `part` of it a passage is in."""
    pub = source.publication
    item: dict = {"id": _item_id(source, part)}
    volume = bool(pub.editors)
    whole = {
        "title": source.title,
        "type": pub.type or ("book" if volume else "document"),
    }
    if part is not None and volume and part.title and part.title != source.title:
        if part.speakers:
            item["type"] = "interview"
            item["author"] = names(part.speakers)
            if part.byline and part.byline != part.speakers:
                item["interviewer"] = names(part.byline)
        else:
            item["type"] = "chapter"
            item["author"] = names(part.byline)
        item["title"] = part.title
        item["container-title"] = source.title
        item["editor"] = names(pub.editors)
    else:
        item.update(whole)
        if volume:
            item["editor"] = names(pub.editors)
        elif source.authors:
            item["author"] = names(source.authors)
        if pub.container_title:
            item["container-title"] = pub.container_title
    if pub.series:
        item["collection-title"] = pub.series
    if pub.number:
        item["collection-number"] = pub.number
    if pub.volume:
        item["volume"] = pub.volume
    if pub.issue:
        item["issue"] = pub.issue
    if source.publisher:
        item["publisher"] = source.publisher
    issued = csl_date(source.date)
    if issued:
        season = SEASONS.get(pub.season.lower())
        if season and len(issued.get("date-parts", [[]])[0]) == 1:  # an issue dated "Spring 2023"
            issued["season"] = season
        item["issued"] = issued
    if source.url:
        item["URL"] = source.url
    return {key: value for key, value in item.items() if value not in ("", [], None)}


def _item_id(source: Source, part: Part | None) -> str:
    if part is None or part.title == source.title:
        return source.id
    return f"{source.id}/{slug(part.title)[:40]}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_PARTICLES = {"van", "von", "de", "der", "den", "du", "da", "del", "della", "di", "la", "le", "ter", "ten", "bin", "al"}


def names(people) -> list[dict]:
    return [person_name(p) for p in people if str(p).strip()]


def person_name(name: str) -> dict:
    """A CSL name from a display name: "Gregory C. Allen" -> family "Allen", given "Gregory C.".

    "Family, Given" is read as written; a lower-case particle before the family
    name ("Ursula von der Leyen") stays with it; a one-word name is literal.
    """
    name = " ".join(str(name).split())
    if "," in name:
        family, _, rest = name.partition(",")
        given, _, suffix = rest.strip().partition(",")
        out = {"family": family.strip(), "given": given.strip()}
        if suffix.strip():
            out["suffix"] = suffix.strip()
        return {k: v for k, v in out.items() if v}
    words = name.split()
    suffix = ""
    if len(words) > 2 and words[-1].lower() in _SUFFIXES:
        suffix = words.pop()
    if len(words) < 2:
        return {"literal": name}
    i = len(words) - 1
    while i > 1 and words[i - 1].lower() in _PARTICLES and words[i - 1][0].islower():
        i -= 1
    out = {"family": " ".join(words[i:]), "given": " ".join(words[:i])}
    if suffix:
        out["suffix"] = suffix
    return out


_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def csl_date(date: str) -> dict | None:
    """{"date-parts": [[2019, 10, 29]]} from "2019-10-29" ("2019-02", "2023" too); other text is literal."""
    date = (date or "").strip()
    if not date:
        return None
    m = _ISO_DATE.match(date)
    if not m:
        return {"literal": date}
    return {"date-parts": [[int(p) for p in m.groups() if p]]}
