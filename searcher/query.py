"""A query string in, a checked and rewritten Whoosh query out; and the words a hit highlights for it.

Whoosh and the schema are imported when a query is first read, so that
importing this module (for `BadQuery`) costs nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from corpus.errors import CorpusSearchError

from .expansion import Acronyms, Expansion, find_expansions
from .fuzzy import widen_fuzzy_terms
from .highlight import MatchTerms
from .querysyntax import check_fields, shape
from .querytext import plain_query

# Longer queries are refused: Whoosh's parser takes time quadratic in the
# length of a word, and no one types this much.
MAX_QUERY_CHARS = 4000
# `term~N` asks for words within N edits; past 2 the search explodes.
MAX_FUZZY_EDITS = 2
# Words that the wildcards and prefixes of one query (`*a*`, `ch*`) may stand for in all:
# each is a posting list to score.  See `_limit_expansion` for the measurement.
MAX_EXPANDED_WORDS = 10_000


# Other names a query may give a field (`by:ding`, `doc:004`).
FIELD_ALIASES = {"author": ["authors", "by"], "document": ["doc"]}
# Fields describing where a passage is or what it is: a term on one of them
# restricts the results (searcher.querysyntax).
METADATA_FIELDS = ("author", "document", "kind", "date", "title", "section")


class BadQuery(CorpusSearchError):
    """A query that cannot be parsed or run."""


class QueryFailed(BadQuery):
    """A parsed query that Whoosh failed to run: a query it refuses, or index data it cannot read
    (the Searcher's guard tells which by checking the index)."""


def check_page(limit, page) -> None:
    """BadQuery unless `limit` and `page` are whole numbers from 1 (as `search` takes them)."""
    if not isinstance(limit, int) or not isinstance(page, int) or limit < 1 or page < 1:
        raise BadQuery("limit and page must be whole numbers, at least 1")


@dataclass(frozen=True)
class Reading:
    """How a query was read: the Whoosh query to rank by, what every hit must match, and notes for the user."""

    parsed: object  # a Whoosh query
    text: str  # the text it was parsed from (repaired; restricting field terms taken out)
    restriction: object | None = None  # a Whoosh query every hit must match (the restricting field terms)
    restrictions: tuple[str, ...] = ()  # those field terms as typed
    notes: tuple[str, ...] = ()  # how malformed parts were read, one line each
    expansions: tuple[Expansion, ...] = ()  # acronyms and long forms also searched as their other form


def known_fields() -> dict[str, str]:
    """Every field name a query may use (aliases included) -> the field it means."""
    from indexer.schema import QUERY_FIELDS

    known = {name: name for name in QUERY_FIELDS}
    for field, aliases in FIELD_ALIASES.items():
        known.update((alias, field) for alias in aliases)
    return known


def metadata_names() -> frozenset[str]:
    """The names (aliases included) of the fields whose terms restrict."""
    return frozenset(name for name, field in known_fields().items() if field in METADATA_FIELDS)


class QueryReader:
    """Reads queries against one open Whoosh searcher (its schema and its terms)."""

    def __init__(self, searcher, acronyms: Acronyms | None = None):
        from indexer.schema import english_analyzer

        from .words import word_spans

        self._searcher = searcher
        self._analyzer = english_analyzer()
        self._spans = word_spans(self._analyzer)
        self._parser = None
        self._acronyms = acronyms or Acronyms({})

    def parse(self, text: str):
        """`text` as a Whoosh query to rank by (restricting field terms included; see `read`)."""
        return self.read(text).parsed

    def read(self, text: str, exact: bool = False) -> Reading:
        """`text` read as a `Reading`: repaired (`searcher.querysyntax`), parsed and rewritten.

        Rewriting: `_exclude_negations`, `_limit_fuzziness`, `widen_fuzzy_terms`,
        and (unless `exact`) each acronym or long form the index defines
        searched as its other form too (`searcher.expansion`).
        An unknown field is a BadQuery naming the closest known one.
        """
        if not text or not text.strip():
            raise BadQuery("empty query; give some words to search for")
        if len(text) > MAX_QUERY_CHARS:
            raise BadQuery(
                f"the query is too long ({len(text):,} characters; at most {MAX_QUERY_CHARS:,})"
            )
        if self._parser is None:
            # (from the searcher's schema, not the index: its TOC may be gone)
            self._parser = _make_parser(self._searcher.schema)
            self._filter_parser = _make_parser(self._searcher.schema, extras=False)
        cleaned = "".join(ch if ch.isprintable() else " " for ch in text)
        known = known_fields()
        unknown = check_fields(cleaned, known)
        if unknown:
            raise BadQuery(unknown)
        shaped = shape(cleaned, metadata_names(), known)
        # (searcher.querytext after the repairs: a dangling operator gets its note first)
        ranked_text = plain_query(shaped.text)
        parsed = self._parse(ranked_text, text, self._parser)
        expansions: tuple[Expansion, ...] = ()
        if not exact and not _is_null(parsed):
            parsed, expansions = self._expand(parsed, ranked_text)
        if shaped.restrictions and _is_null(parsed):
            # nothing but field terms (or stop words): rank by the field terms themselves
            parsed = self._parse(plain_query(" ".join(shaped.restrictions)), text, self._parser)
        restriction = None
        if shaped.restrictions:
            parts = [self._parse(plain_query(r), text, self._filter_parser) for r in shaped.restrictions]
            from whoosh import query as q

            parts = [p for p in parts if not _is_null(p)]
            restriction = (q.And(parts) if len(parts) > 1 else parts[0]) if parts else None
        if _is_null(parsed):
            raise BadQuery(f"the query {_shown(text)} has no words to search for")
        return Reading(parsed, ranked_text, restriction, shaped.restrictions, shaped.notes, expansions)

    def _expand(self, parsed, text: str):
        """`parsed` with the other form of each typed acronym or long form beside it; the expansions made."""
        from . import ranking

        made = []
        for expansion in find_expansions(text, self._acronyms):
            stems = tuple(dict.fromkeys(t for t, _, _ in self.tokens(expansion.typed)))
            try:
                alternative = self._filter_parser.parse(f'"{expansion.also}"')
            except Exception:  # (a long form Whoosh's parser cannot read: not searched)
                continue
            if not stems or _is_null(alternative):
                continue
            grafted = ranking.add_alternative(parsed, stems, alternative, self._searcher, expansion.acronym)
            if grafted is not parsed:
                parsed = grafted
                made.append(expansion)
        return parsed, tuple(made)

    def _parse(self, cleaned: str, typed: str, parser):
        try:
            parsed = parser.parse(cleaned)
            parsed = _phrases_as_words(_limit_fuzziness(_exclude_negations(parsed)), parser.schema)
        except Exception as exc:  # Whoosh's parser fails in many ways on odd input
            raise BadQuery(
                f"cannot understand the query {_shown(typed)} ({exc.__class__.__name__}); "
                "check its quotes, brackets and AND/OR/NOT"
            ) from None
        parsed = widen_fuzzy_terms(parsed, cleaned, lambda w: [t for t, _, _ in self.tokens(w)])
        _limit_expansion(parsed, self._searcher.reader())
        return parsed

    def match_terms(self, parsed) -> MatchTerms:
        """The indexed words and the phrases of `parsed` that highlighting marks in the text."""
        from whoosh import query as q

        from indexer.schema import SEARCH_FIELDS

        words: set[str] = set()
        phrases: list[tuple[str, ...]] = []
        reader = self._searcher.reader()
        for node in leaves(parsed):
            if isinstance(node, q.Phrase):
                if node.fieldname in SEARCH_FIELDS:
                    phrases.append(tuple(node.words))
            elif hasattr(node, "existing_terms") and not isinstance(node, q.Not):
                try:
                    for field, text in node.existing_terms(reader, expand=True):
                        if field in SEARCH_FIELDS:
                            words.add(as_text(text))
                except Exception:
                    continue
        return MatchTerms(frozenset(words), tuple(phrases))

    def tokens(self, text: str):
        """(stem, start, end) of each word of `text` that the index would hold."""
        if self._spans is not None:
            yield from self._spans(text)
            return
        for t in self._analyzer(text, chars=True, mode="query", removestops=True):
            yield t.text, t.startchar, t.endchar


def _is_null(parsed) -> bool:
    from whoosh import query as q

    return parsed is q.NullQuery or isinstance(parsed, q.NullQuery.__class__)


def _make_parser(schema, extras: bool = True):
    from whoosh import qparser

    from indexer.schema import SEARCH_FIELDS

    from . import ranking

    parser = qparser.MultifieldParser(
        list(SEARCH_FIELDS), schema, fieldboosts=ranking.FIELD_BOOSTS, group=qparser.OrGroup,
    )
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
    return ranking.with_extras(parser) if extras else parser


def _shown(text: str, width: int = 60) -> str:
    """A query as quoted in an error message: printable and short."""
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return repr(text if len(text) <= width else text[: width - 3] + "...")


def _limit_expansion(parsed, reader) -> None:
    """BadQuery when the wildcards and prefixes of `parsed` stand for more than MAX_EXPANDED_WORDS words.

    `*a* *e* *i* *o* *u*` on an index of 5,000 documents took 12 s of CPU to
    score every word with a vowel.  On SciFact (5,183 documents), scoring
    costs about 0.15-0.2 ms of CPU per word: `s*` 2,778 words 0.45 s,
    `c* p*` 6,087 words 1.07 s, `*a*` 13,983 words 1.56 s; the cap keeps a
    query near a second or two.  Counting stops at the cap, so the check
    itself costs one pass over part of the word list.
    """
    from whoosh import query as q

    count = 0
    for node in leaves(parsed):
        if isinstance(node, (q.Wildcard, q.Prefix)):
            for _ in node.expanded_terms(reader):
                count += 1
                if count > MAX_EXPANDED_WORDS:
                    raise BadQuery(
                        f"the wildcards of the query stand for more than {MAX_EXPANDED_WORDS:,} words; "
                        f"make them longer (e.g. 'semicond*' rather than '*a*')"
                    )


def _limit_fuzziness(node):
    """Clamp `term~N` to MAX_FUZZY_EDITS edits."""
    from whoosh import query as q

    if isinstance(node, q.FuzzyTerm):
        if node.maxdist > MAX_FUZZY_EDITS:
            node.maxdist = MAX_FUZZY_EDITS
        return node
    if not node.is_leaf():
        return node.apply(_limit_fuzziness)
    return node


def _phrases_as_words(node, schema):
    """A phrase on a field that keeps no word positions (`author:"Ada Lovelace"`) as all of its words
    (Whoosh would refuse it: "Phrase search: 'author' field has no positions")."""
    from whoosh import query as q

    if isinstance(node, q.Phrase):
        field = schema[node.fieldname] if node.fieldname in schema else None
        if field is not None and not field.format.supports("positions"):
            words = [q.Term(node.fieldname, word) for word in node.words]
            return q.And(words, boost=node.boost) if len(words) > 1 else words[0] if words else q.NullQuery
        return node
    if not node.is_leaf():
        return node.apply(lambda child: _phrases_as_words(child, schema))
    return node


def _exclude_negations(node):
    """`a b NOT c` means a or b, but never c (Whoosh's OR grouping would let c in)."""
    from whoosh import query as q

    if isinstance(node, q.Or):
        kids = [_exclude_negations(k) for k in node.subqueries]
        positive = [k for k in kids if not isinstance(k, q.Not)]
        negative = [k.query for k in kids if isinstance(k, q.Not)]
        if negative and positive:
            base = q.Or(positive, boost=node.boost) if len(positive) > 1 else positive[0]
            return q.AndNot(base, q.Or(negative) if len(negative) > 1 else negative[0])
        return q.Or(kids, boost=node.boost)
    if isinstance(node, q.And):
        return q.And([_exclude_negations(k) for k in node.subqueries], boost=node.boost)
    return node


def leaves(node) -> Iterable:
    """The leaf queries (terms, phrases, ...) of a Whoosh query tree."""
    if node.is_leaf():
        yield node
    else:
        for child in node.children():
            yield from leaves(child)


def as_text(name) -> str:
    """A term as text (Whoosh gives bytes for some fields)."""
    return name.decode("utf-8") if isinstance(name, bytes) else name
