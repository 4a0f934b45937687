"""A query string in, a checked and rewritten Whoosh query out; and the words a hit highlights for it.

Whoosh and the schema are imported when a query is first read, so that
importing this module (for `BadQuery`) costs nothing.
"""
from __future__ import annotations

from typing import Iterable

from corpus.errors import CorpusSearchError

from .fuzzy import widen_fuzzy_terms
from .highlight import MatchTerms
from .querytext import plain_query

# Longer queries are refused: Whoosh's parser takes time quadratic in the
# length of a word, and no one types this much.
MAX_QUERY_CHARS = 4000
# `term~N` asks for words within N edits; past 2 the search explodes.
MAX_FUZZY_EDITS = 2
# Words that the wildcards and prefixes of one query (`*a*`, `ch*`) may stand for in all:
# each is a posting list to score.  See `_limit_expansion` for the measurement.
MAX_EXPANDED_WORDS = 10_000


class BadQuery(CorpusSearchError):
    """A query that cannot be parsed or run."""


class QueryReader:
    """Reads queries against one open Whoosh searcher (its schema and its terms)."""

    def __init__(self, searcher):
        from indexer.schema import english_analyzer

        self._searcher = searcher
        self._analyzer = english_analyzer()
        self._parser = None

    def parse(self, text: str):
        """`text` as a Whoosh query, rewritten (see `_exclude_negations`, `_limit_fuzziness`, `widen_fuzzy_terms`)."""
        if not text or not text.strip():
            raise BadQuery("empty query; give some words to search for")
        if len(text) > MAX_QUERY_CHARS:
            raise BadQuery(
                f"the query is too long ({len(text):,} characters; at most {MAX_QUERY_CHARS:,})"
            )
        if self._parser is None:
            self._parser = _make_parser(self._searcher.schema)  # (not the index: its TOC may be gone)
        cleaned = plain_query("".join(ch if ch.isprintable() else " " for ch in text))
        try:
            parsed = self._parser.parse(cleaned)
            parsed = _limit_fuzziness(_exclude_negations(parsed))
        except Exception as exc:  # Whoosh's parser fails in many ways on odd input
            raise BadQuery(
                f"cannot understand the query {_shown(text)} ({exc.__class__.__name__}); "
                "check its quotes, brackets and AND/OR/NOT"
            ) from None
        parsed = widen_fuzzy_terms(parsed, cleaned, lambda w: [t for t, _, _ in self.tokens(w)])
        from indexer.schema import QUERY_FIELDS

        bad = sorted(_query_fields(parsed) - set(QUERY_FIELDS))
        if bad:
            raise BadQuery(f"unknown field {bad[0]!r}; fields are: {', '.join(QUERY_FIELDS)}")
        from whoosh import query as q

        if parsed is q.NullQuery or isinstance(parsed, q.NullQuery.__class__):
            raise BadQuery(f"the query {_shown(text)} has no words to search for")
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
        for t in self._analyzer(text, chars=True, mode="query", removestops=True):
            yield t.text, t.startchar, t.endchar


def _make_parser(schema):
    from whoosh import qparser

    from indexer.schema import SEARCH_FIELDS

    from . import ranking

    parser = qparser.MultifieldParser(
        list(SEARCH_FIELDS), schema, fieldboosts=ranking.FIELD_BOOSTS, group=qparser.OrGroup,
    )
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(qparser.FieldAliasPlugin({"author": ["authors", "by"], "document": ["doc"]}))
    return ranking.with_extras(parser)


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


def _query_fields(parsed) -> set[str]:
    """The fields that the leaves of `parsed` name."""
    return {field for field in (getattr(leaf, "fieldname", None) for leaf in leaves(parsed)) if field}


def as_text(name) -> str:
    """A term as text (Whoosh gives bytes for some fields)."""
    return name.decode("utf-8") if isinstance(name, bytes) else name
