"""Document and passage ids as people type them: any unique prefix of a document id will do.

`resolve_document("003", expand)` gives the one document id starting with
"003"; none or several is an error that names the candidates.  A passage id
is a document id (or a prefix of one), a colon, and the passage's number.
"""
from __future__ import annotations

from typing import Callable, Iterable

from .query import BadQuery
from .results import PassageNotFound

SHOWN = 8  # candidates named in an error, at most


class UnknownDocument(BadQuery):
    """No document has the id (or an id starting with the prefix) given.

    A BadQuery, as `--document` in a search is part of the query."""


class AmbiguousId(BadQuery):
    """More than one document id starts with the prefix given."""


def resolve_document(given: str, expand: Callable[[str], Iterable[str]], exists: Callable[[str], bool]) -> str:
    """The document id that `given` is, or the only one it begins.

    `exists(id)` says whether an id is in the index; `expand(prefix)` lists the
    ids starting with `prefix`, in order.
    """
    given = (given or "").strip()
    if not given:
        raise UnknownDocument("empty document id; `corpus-search documents` lists them")
    if exists(given):
        return given
    matches = []
    for doc_id in expand(given):
        matches.append(doc_id)
        if len(matches) > SHOWN:
            break
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UnknownDocument(f"no document id starts with {given!r}; `corpus-search documents` lists them")
    shown = ", ".join(matches[:SHOWN]) + (", ..." if len(matches) > SHOWN else "")
    raise AmbiguousId(f"{given!r} starts more than one document id: {shown}; give more of it")


def split_passage_id(given: str) -> tuple[str, int]:
    """("004_b9cf", 20) from "004_b9cf:20"; PassageNotFound if it is not document:number."""
    doc, sep, number = (given or "").strip().rpartition(":")
    if not sep or not doc or not number.isdigit():
        raise PassageNotFound(f"{given!r} is not a passage id; passage ids look like 'document:12'")
    return doc, int(number)


def is_passage_id(given: str) -> bool:
    doc, sep, number = (given or "").strip().rpartition(":")
    return bool(sep and doc and number.isdigit())
