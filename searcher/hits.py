"""What a search returns: plain frozen values, no Whoosh objects."""
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
        """Pickled with every deferred value worked out (a `Later` holds the analyser)."""
        return {key: value.compute() if type(value) is Later else value for key, value in self.__dict__.items()}

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


# The fields read from a passage's stored record: a deep page's hits may be
# given them as `Later`s, read when first used (see `searcher.results.Page`).
STORED_FIELDS = ("id", "document", "title", "authors", "section", "text", "kind", "date", "page", "sentences")
for _name in STORED_FIELDS:
    _descriptor = _Deferred(Hit.__dict__.get(_name))
    _descriptor.__set_name__(Hit, _name)
    setattr(Hit, _name, _descriptor)
del _name, _descriptor


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
