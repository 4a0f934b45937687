"""What a request may ask for: its query parameters and ids checked, and URLs that hold a search's state.

Everything a page shows follows from its URL, so a search can be bookmarked
and shared.  Bad input is a `BadRequest` (a 400 page or JSON error), never a
traceback; nothing from a request is ever used as a path.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping, Sequence
from urllib.parse import urlencode

from corpus.citation.render import DEFAULT_STYLE, STYLES
from corpus.errors import CorpusSearchError

MAX_TEXT = 4000      # characters in a query (the engine's own limit)
MAX_FIELD = 200      # characters in an author, section, date or id
MAX_REPEATS = 20     # values of a repeatable parameter
MAX_LIMIT = 100      # hits on a page
MAX_PAGE = 1000
DEFAULT_LIMIT = 10


class BadRequest(CorpusSearchError):
    """A request the server cannot answer as asked (shown as a 400 page)."""


@dataclass(frozen=True)
class SearchParams:
    """A search as the URL gives it."""

    q: str = ""
    author: tuple[str, ...] = ()
    document: tuple[str, ...] = ()
    section: str = ""
    after: str = ""
    before: str = ""
    page: int = 1
    limit: int = DEFAULT_LIMIT

    def where(self) -> dict:
        """The filters, as keyword arguments of `Searcher.search`."""
        return {"author": list(self.author), "document": list(self.document), "section": self.section or None,
                "after": self.after or None, "before": self.before or None}

    def filtered(self) -> bool:
        return bool(self.author or self.document or self.section or self.after or self.before)

    def query_string(self, **changes) -> str:
        """The URL query for this search with `changes` applied (a changed filter goes back to page 1)."""
        state = replace(self, **changes)
        if "page" not in changes:
            state = replace(state, page=1)
        pairs: list[tuple[str, str]] = [("q", state.q)]
        pairs += [("author", a) for a in state.author]
        pairs += [("document", d) for d in state.document]
        for key in ("section", "after", "before"):
            if getattr(state, key):
                pairs.append((key, getattr(state, key)))
        if state.page != 1:
            pairs.append(("page", str(state.page)))
        if state.limit != DEFAULT_LIMIT:
            pairs.append(("limit", str(state.limit)))
        return urlencode(pairs)


SEARCH_KEYS = {"q", "author", "document", "section", "after", "before", "page", "limit"}


def search_params(query: Sequence[tuple[str, str]]) -> SearchParams:
    """The search a URL's (key, value) pairs ask for; BadRequest for anything odd."""
    values: dict[str, list[str]] = {}
    for key, value in query:
        if key not in SEARCH_KEYS:
            raise BadRequest(f"unknown parameter {_shown(key)}; a search takes: {', '.join(sorted(SEARCH_KEYS))}")
        values.setdefault(key, []).append(value)
    for key, got in values.items():
        if key not in ("author", "document") and len(got) > 1:
            raise BadRequest(f"the parameter {key!r} is given {len(got)} times; give it once")
        if len(got) > MAX_REPEATS:
            raise BadRequest(f"too many values of {key!r} (at most {MAX_REPEATS})")

    def one(key: str, most: int = MAX_FIELD) -> str:
        text = values.get(key, [""])[0]
        return checked_text(text, key, most)

    return SearchParams(
        q=one("q", MAX_TEXT).strip(),
        author=tuple(checked_text(a, "author").strip() for a in values.get("author", []) if a.strip()),
        document=tuple(checked_id(d, "document") for d in values.get("document", []) if d.strip()),
        section=one("section").strip(),
        after=one("after").strip(),
        before=one("before").strip(),
        page=whole_number(values.get("page", ["1"])[0], "page", 1, MAX_PAGE),
        limit=whole_number(values.get("limit", [str(DEFAULT_LIMIT)])[0], "limit", 1, MAX_LIMIT),
    )


def only(query: Mapping[str, str] | Sequence[tuple[str, str]], allowed: set[str]) -> dict[str, str]:
    """The parameters of a request that takes only `allowed`, each at most once."""
    pairs = list(query.items()) if isinstance(query, Mapping) else list(query)
    found: dict[str, str] = {}
    for key, value in pairs:
        if key not in allowed:
            names = ", ".join(sorted(allowed)) or "none"
            raise BadRequest(f"unknown parameter {_shown(key)}; this page takes: {names}")
        if key in found:
            raise BadRequest(f"the parameter {key!r} is given twice; give it once")
        found[key] = checked_text(value, key, MAX_TEXT if key == "q" else MAX_FIELD)
    return found


def checked_text(text: str, what: str, most: int = MAX_FIELD) -> str:
    if len(text) > most:
        raise BadRequest(f"{what} is too long ({len(text):,} characters; at most {most:,})")
    if any(not ch.isprintable() for ch in text):
        raise BadRequest(f"{what} holds control characters; type it again")
    return text


def checked_id(text: str, what: str = "id") -> str:
    """A passage or document id: printable, short, without slashes or spaces."""
    text = checked_text(text.strip(), what)
    if not text or any(ch.isspace() or ch in "/\\" for ch in text):
        raise BadRequest(f"{_shown(text)} is not a {what} id; ids look like 'document:12'")
    return text


def whole_number(text: str, what: str, least: int, most: int) -> int:
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or not least <= int(text) <= most:
        raise BadRequest(f"{what} must be a whole number from {least} to {most}, not {_shown(text)}")
    return int(text)


def style_param(text: str | None) -> str:
    style = (text or DEFAULT_STYLE).strip().lower()
    if style not in STYLES:
        raise BadRequest(f"unknown citation style {_shown(style)}; styles: {', '.join(STYLES)}")
    return style


def _shown(text: str, width: int = 40) -> str:
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return repr(text if len(text) <= width else text[: width - 3] + "...")
