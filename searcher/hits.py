"""What a search returns: plain frozen values.

A hit from `Searcher.search` keeps a reference to its page of ranked passages
until its stored fields are first read (`stored_hit`); it never hands out a
Whoosh object, and pickles with every value worked out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

Span = tuple[int, int]


class Later:
    """A field value worked out when it is first read (a hit's highlights: no work for hits nobody reads)."""

    __slots__ = ("compute",)

    def __init__(self, compute: Callable[[], object]):
        self.compute = compute


class _Deferred:
    """A dataclass field that may be given a `Later`: read, it is computed once and kept; the hit stays frozen."""

    def __init__(self, default):
        self._default = default

    def __set_name__(self, owner, name: str) -> None:
        self._key = "_deferred_" + name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self._default  # what dataclasses takes as the field's default
        value = obj.__dict__.get(self._key, self._default)
        if type(value) is Later:
            value = value.compute()
            obj.__dict__[self._key] = value
        return value

    def __set__(self, obj, value) -> None:  # reached only from __init__: a frozen Hit refuses assignment first
        obj.__dict__[self._key] = value

# The contract's JSON keys, in the order they are printed.
JSON_KEYS = ("rank", "id", "score", "document", "title", "authors", "section", "text", "matches")


@dataclass(frozen=True)
class Hit:
    """One ranked passage.  Every key of `search --json` is an attribute."""

    id: str
    document: str
    title: str
    authors: tuple[str, ...]
    section: str
    text: str
    matches: tuple[Span, ...] = _Deferred(())  # may be given as a Later
    rank: int | None = None
    score: float | None = None
    kind: str = "body"
    date: str = ""
    also_in: tuple[str, ...] = _Deferred(())  # other documents holding the same passage (may be given as a Later)
    citation: str = ""  # the source cited, only when asked for (`search --cite STYLE`)
    page: str = ""  # the page label as printed ("12", "12-13"); "" for documents without pages
    sentences: tuple[Span, ...] = field(default=(), repr=False)

    def __getstate__(self) -> dict:
        """Pickled with every deferred value worked out (a `Later` holds the analyser, a record loader the index)."""
        for name in STORED_FIELDS:
            getattr(self, name)
        return {key: value.compute() if type(value) is Later else value for key, value in self.__dict__.items()
                if key not in _PAGE_KEYS}

    def highlight(self, start: str = "**", end: str = "**") -> str:
        """The passage text with each match wrapped in `start` ... `end`."""
        return mark(self.text, self.matches, start, end)

    def as_dict(self) -> dict:
        """The JSON object of the contract (rank and score left out when unset)."""
        out: dict = {}
        for key in JSON_KEYS:
            value = getattr(self, key)
            if key in ("rank", "score") and value is None:
                continue
            if key == "authors":
                value = list(value)
            elif key == "matches":
                value = [list(span) for span in value]
            out[key] = value
        out["kind"] = self.kind
        out["date"] = self.date
        out["also_in"] = list(self.also_in)
        if self.citation:
            out["citation"] = self.citation
        if self.page:
            out["page"] = self.page
        return out


# The fields read from a passage's stored record.  A deep page's hits are
# made with a reference to their page alone (`stored_hit`): each of these
# fields is worked out from it when first used.
_UNSET = object()
# Keys of a hit made by `stored_hit` that are not fields (never pickled).
_PAGE_KEYS = ("_page", "_n", "_marks", "_also")


class _StoredField(_Deferred):
    """A field that a hit made by `stored_hit` works out from its page when first used."""

    def __init__(self, default, convert: Callable[[dict], object]):
        super().__init__(default)
        self._convert = convert

    def __get__(self, obj, owner=None):
        if obj is None:
            return self._default
        state = obj.__dict__
        value = state.get(self._key, _UNSET)
        if value is _UNSET:
            value = state[self._key] = self._convert(state)
        elif type(value) is Later:
            value = state[self._key] = value.compute()
        return value


def _record(state: dict) -> dict:
    return state["_page"].fields(state["_n"])


def _matches(state: dict):
    marks = state.get("_marks")
    return marks(_record(state).get("text", "")) if marks is not None else ()


def _also_in(state: dict):
    also = state.get("_also")
    return also.of(state["_n"]) if also is not None else ()


STORED_FIELDS = {
    "id": lambda st: _record(st)["id"],
    "document": lambda st: _record(st).get("document", ""),
    "title": lambda st: _record(st).get("title", ""),
    "authors": lambda st: tuple(_record(st).get("authors") or ()),
    "section": lambda st: _record(st).get("section", ""),
    "text": lambda st: _record(st).get("text", ""),
    "kind": lambda st: _record(st).get("kind", "body"),
    "date": lambda st: _record(st).get("date", ""),
    "page": lambda st: _record(st).get("page") or "",
    "sentences": lambda st: tuple(tuple(s) for s in _record(st).get("sentences") or ()),
    "matches": _matches,
    "also_in": _also_in,
}
for _name, _convert in STORED_FIELDS.items():
    _descriptor = _StoredField(Hit.__dict__[_name]._default if isinstance(Hit.__dict__.get(_name), _Deferred)
                               else Hit.__dict__.get(_name), _convert)
    _descriptor.__set_name__(Hit, _name)
    setattr(Hit, _name, _descriptor)
del _name, _convert, _descriptor


def stored_hit(page, n: int, *, id: str | None, rank: int, score: float | None, marks=None, also=None,
               citation: str = "") -> Hit:
    """The `n`-th hit of `page` (its stored record: `page.fields(n)`), every stored field read when
    first used; `matches` worked out by `marks(text)` and `also_in` by `also.of(n)` then (none
    without them).  Made without `__init__`: a page of 1,000 hits spent more making them than
    ranking them."""
    hit = object.__new__(Hit)
    state = hit.__dict__
    state["_page"] = page
    state["_n"] = n
    if id is not None:
        state["_deferred_id"] = id
    if marks is not None:
        state["_marks"] = marks
    if also is not None:
        state["_also"] = also
    state["rank"] = rank
    state["score"] = score
    state["citation"] = citation
    return hit


def mark(text: str, spans: tuple[Span, ...] | list[Span], start: str, end: str) -> str:
    """`text` with each (non-overlapping, sorted) span wrapped in markers."""
    out: list[str] = []
    pos = 0
    for s, e in spans:
        if s < pos:
            continue
        out.append(text[pos:s])
        out.append(start + text[s:e] + end)
        pos = e
    out.append(text[pos:])
    return "".join(out)


@dataclass(frozen=True)
class Results:
    """A page of hits with the size and the facets of the whole result set (see `Searcher.results`)."""

    hits: tuple[Hit, ...]
    total: int
    facets: dict  # as `Searcher.facets` returns them


@dataclass(frozen=True)
class Stats:
    documents: int
    passages: int
    authors: dict[str, int]
    index: str
    size_bytes: int

    def as_dict(self) -> dict:
        return {
            "documents": self.documents,
            "passages": self.passages,
            "authors": dict(self.authors),
            "index": self.index,
            "size_bytes": self.size_bytes,
        }
