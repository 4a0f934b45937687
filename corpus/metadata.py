"""Bibliographic facts given as data (the bundled catalog, a user's sidecar file), read and checked.

One shape for both: a mapping with any of `title`, `authors`, `date`,
`publisher`, `url`, `type`, and for citations `container_title`, `editors`,
`volume`, `issue`, `series`, `number`, `season`.  `authors` and `editors` are lists of
names or one string of names separated by ";".  `type` is a CSL item type
or a friendlier name for one ("report", "journal-article", "blog-post",
"web-page", "book", "chapter", ...).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .citation.item import SEASONS, csl_type
from .errors import CorpusSearchError
from .model import Publication, RawDocument

TEXT_KEYS = ("title", "date", "publisher", "url")
PUBLICATION_KEYS = ("container_title", "volume", "issue", "series", "number", "season")
NAME_KEYS = ("authors", "editors")
KNOWN_KEYS = frozenset(TEXT_KEYS + PUBLICATION_KEYS + NAME_KEYS + ("type", "contributors"))
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class BadMetadata(CorpusSearchError):
    """Metadata given as data that cannot be used (the message names the file and the key)."""


@dataclass(frozen=True)
class Facts:
    """What a catalog or sidecar says about one document; "" / () where it says nothing."""

    title: str = ""
    authors: tuple[str, ...] = ()
    date: str = ""
    publisher: str = ""
    url: str = ""
    publication: Publication = field(default_factory=Publication)
    given: frozenset = frozenset()  # the keys it gave (so an explicit empty list clears authors)


def parse_facts(raw: object, where: str) -> Facts:
    """Check and read one document's facts; BadMetadata says what is wrong, and where."""
    if not isinstance(raw, dict):
        raise BadMetadata(f"{where}: expected an object of metadata, got {type(raw).__name__}")
    unknown = sorted(set(raw) - KNOWN_KEYS)
    if unknown:
        raise BadMetadata(
            f"{where}: unknown key {unknown[0]!r}; known keys: {', '.join(sorted(KNOWN_KEYS - {'contributors'}))}"
        )
    values: dict = {}
    for key in TEXT_KEYS + PUBLICATION_KEYS:
        if key in raw:
            value = raw[key]
            if isinstance(value, (int, float)) and not isinstance(value, bool) and key in ("date", "volume", "issue", "number"):
                value = str(value)
            if not isinstance(value, str):
                raise BadMetadata(f"{where}: {key!r} must be text")
            values[key] = " ".join(value.split())
    if values.get("season") and values["season"].lower() not in SEASONS:
        raise BadMetadata(f"{where}: season {values['season']!r} is not Spring, Summer, Autumn or Winter")
    if values.get("date") and not _DATE.match(values["date"]):
        raise BadMetadata(f"{where}: date {values['date']!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    for key in NAME_KEYS:
        if key in raw:
            values[key] = _names(raw[key], key, where)
    kind = ""
    if raw.get("type"):
        if not isinstance(raw["type"], str) or csl_type(raw["type"]) is None:
            raise BadMetadata(
                f"{where}: unknown type {raw['type']!r}; use a CSL type such as report, article-journal, "
                "post-weblog, webpage, book, chapter"
            )
        kind = csl_type(raw["type"])
    publication = Publication(
        type=kind,
        editors=values.get("editors", ()),
        **{key: values.get(key, "") for key in PUBLICATION_KEYS},
    )
    return Facts(
        title=values.get("title", ""),
        authors=values.get("authors", ()),
        date=values.get("date", ""),
        publisher=values.get("publisher", ""),
        url=values.get("url", ""),
        publication=publication,
        given=frozenset(raw),
    )


def _names(value: object, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(";")
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise BadMetadata(f"{where}: {key!r} must be a list of names")
    return tuple(" ".join(v.split()) for v in value if v.strip())


def apply_facts(raw: RawDocument, facts: Facts) -> RawDocument:
    """`raw` with every fact the catalog or sidecar gives put in place of what the file said."""
    changes: dict = {}
    for key in ("title", "date", "publisher", "url"):
        if key in facts.given and getattr(facts, key):
            changes[key] = getattr(facts, key)
    if "authors" in facts.given:
        changes["authors"] = facts.authors
    given_publication = {
        key: getattr(facts.publication, key)
        for key in ("type", "editors") + PUBLICATION_KEYS
        if key in facts.given
    }
    if given_publication:
        changes["publication"] = replace(raw.publication, **given_publication)
    return replace(raw, **changes) if changes else raw

