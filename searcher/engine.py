"""The searcher: the only module on the search side that holds Whoosh objects.

Everything it returns is a plain value (`Hit`, `Stats`).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Sequence

from corpus.errors import BadQuery, IndexDamaged, IndexMissing, PassageNotFound
from indexer.schema import (
    INDEX_NAME,
    MANIFEST_NAME,
    QUERY_FIELDS,
    SCHEMA_VERSION,
    SEARCH_FIELDS,
    current_generation,
    default_index_dir,
    english_analyzer,
)

from . import ranking
from .highlight import MatchTerms, find_matches
from .hits import Hit, Stats

# Passages that are not prose (bios, notes, sidebars) are kept searchable but
# their scores are scaled down so that they never outrank prose that matches
# as well.
KIND_WEIGHTS = {"bio": 0.35, "notes": 0.35, "sidebar": 0.5}
# BM25F parameters and field weights live in searcher/ranking.py.


def _weighting():
    class KindWeighted(ranking.bm25f()):
        """BM25F, with the final score scaled by the passage's kind."""

        use_final = True

        def final(self, searcher, docnum, score):
            kinds = getattr(searcher, "_kind_column", None)
            if kinds is None:
                kinds = searcher.reader().column_reader("kind")
                searcher._kind_column = kinds
            return score * KIND_WEIGHTS.get(kinds[docnum], 1.0)

    field_b = {f"{name}_B": b for name, b in ranking.FIELD_B.items()}
    return KindWeighted(B=ranking.B, K1=ranking.K1, **field_b)


class Searcher:
    """Ranked, highlighted passages from an index folder (default: the per-user index).

    Use as a context manager, or call `close()`.
    """

    def __init__(self, index_dir: str | Path | None = None):
        from whoosh import index as whoosh_index

        self.index_dir = Path(index_dir).expanduser() if index_dir else default_index_dir()
        generation = current_generation(self.index_dir)
        if generation is None:
            raise IndexMissing(
                f"no index at {self.index_dir}; run `corpus-search index` to build it"
            )
        self.generation = generation
        _check_version(generation, self.index_dir)
        try:
            self._ix = whoosh_index.open_dir(str(generation), indexname=INDEX_NAME)
            self._searcher = self._ix.searcher(weighting=_weighting())
        except Exception as exc:  # whoosh raises many kinds on damaged files
            raise IndexDamaged(
                f"the index at {self.index_dir} cannot be opened ({exc.__class__.__name__}); "
                "run `corpus-search index --rebuild`"
            ) from None
        self._analyzer = english_analyzer()
        self._parser = None

    # -- context manager ---------------------------------------------------

    def __enter__(self) -> "Searcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    # -- searching ---------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        page: int = 1,
        author: str | Sequence[str] | None = None,
        document: str | Sequence[str] | None = None,
        section: str | None = None,
    ) -> list[Hit]:
        """The best passages for `query`, best first (page `page` of `limit` hits)."""
        if limit < 1 or page < 1:
            raise BadQuery("limit and page must be at least 1")
        parsed = self._parse(query)
        filters = self._filters(_as_list(author), _as_list(document), section)
        if filters is False:
            return []
        try:
            results = self._searcher.search_page(
                parsed, page, pagelen=limit, filter=filters,
                collapse="text_hash", collapse_limit=1,
            )
        except Exception as exc:
            raise BadQuery(f"cannot run the query {query!r}: {exc}") from None
        if page > 1 and results.pagenum < page:
            return []  # past the last page
        terms = self._match_terms(parsed)
        hits = []
        for offset, doc in enumerate(results):
            fields = doc.fields()
            hits.append(self._hit(fields, terms, rank=results.offset + offset + 1, score=doc.score))
        return hits

    def get(self, passage_id: str) -> Hit:
        """One passage by its id."""
        fields = self._searcher.document(id=passage_id)
        if fields is None:
            raise PassageNotFound(f"no passage {passage_id!r} in {self.index_dir}; ids look like 'document:12'")
        return self._hit(fields, MatchTerms(frozenset()))

    def stats(self) -> Stats:
        """Counts of documents, passages and passages per author, and the index's size."""
        from whoosh import query as q

        reader = self._searcher.reader()
        authors = {}
        for name in reader.field_terms("author_name"):
            count = sum(1 for _ in self._searcher.docs_for_query(q.Term("author_name", name)))
            if count:
                authors[_text(name)] = count
        documents = {
            doc for doc in reader.field_terms("document")
            if any(True for _ in self._searcher.docs_for_query(q.Term("document", doc)))
        }
        return Stats(
            documents=len(documents),
            passages=self._searcher.doc_count(),
            authors=dict(sorted(authors.items(), key=lambda kv: (-kv[1], kv[0]))),
            index=str(self.index_dir),
            size_bytes=index_size(self.generation),
        )

    # -- the parts ---------------------------------------------------------

    def _parse(self, text: str):
        if not text or not text.strip():
            raise BadQuery("empty query; give some words to search for")
        if self._parser is None:
            self._parser = _make_parser(self._ix.schema)
        cleaned = "".join(ch if ch.isprintable() else " " for ch in text)
        try:
            parsed = self._parser.parse(cleaned)
        except Exception as exc:
            raise BadQuery(f"cannot parse the query {text!r}: {exc}") from None
        parsed = _exclude_negations(parsed)
        bad = sorted({f for f, _ in _query_terms(parsed)} - set(QUERY_FIELDS))
        if bad:
            raise BadQuery(f"unknown field {bad[0]!r}; fields are: {', '.join(QUERY_FIELDS)}")
        from whoosh import query as q

        if parsed is q.NullQuery or isinstance(parsed, q.NullQuery.__class__):
            raise BadQuery(f"the query {text!r} has no words to search for")
        return parsed

    def _filters(self, authors: list[str], documents: list[str], section: str | None):
        from whoosh import query as q

        parts = []
        if authors:
            names = self._author_names(authors)
            if not names:
                return False
            parts.append(q.Or([q.Term("author_name", n) for n in names]))
        if documents:
            parts.append(q.Or([q.Term("document", d) for d in documents]))
        if section and section.strip():
            words = section_words(section)
            if not words:
                return False
            parts.append(q.And([q.Term("section_words", w) for w in words]))
        return q.And(parts) if parts else None

    def _author_names(self, wanted: list[str]) -> list[str]:
        """Indexed author names containing every word of any of `wanted` (any case)."""
        names = list(self._searcher.reader().field_terms("author_name"))
        found = []
        for name in names:
            name_words = set(section_words(name))
            if any(set(section_words(w)) <= name_words for w in wanted if section_words(w)):
                found.append(name)
        return found

    def _match_terms(self, parsed) -> MatchTerms:
        from whoosh import query as q

        words: set[str] = set()
        phrases: list[tuple[str, ...]] = []
        reader = self._searcher.reader()
        for node in _leaves(parsed):
            if isinstance(node, q.Phrase):
                if node.fieldname in SEARCH_FIELDS:
                    phrases.append(tuple(node.words))
            elif hasattr(node, "existing_terms") and not isinstance(node, q.Not):
                try:
                    for field, text in node.existing_terms(reader, expand=True):
                        if field in SEARCH_FIELDS:
                            words.add(_text(text))
                except Exception:
                    continue
        return MatchTerms(frozenset(words), tuple(phrases))

    def _tokens(self, text: str):
        for t in self._analyzer(text, chars=True, mode="query", removestops=True):
            yield t.text, t.startchar, t.endchar

    def _hit(self, fields: dict, terms: MatchTerms, rank: int | None = None,
             score: float | None = None) -> Hit:
        text = fields.get("text", "")
        matches = find_matches(text, terms, self._tokens) if (terms.words or terms.phrases) else []
        return Hit(
            id=fields["id"],
            document=fields.get("document", ""),
            title=fields.get("title", ""),
            authors=tuple(fields.get("authors") or ()),
            section=fields.get("section", ""),
            text=text,
            matches=tuple(matches),
            rank=rank,
            score=round(float(score), 4) if score is not None else None,
            kind=fields.get("kind", "body"),
            date=fields.get("date", ""),
            also_in=self._also_in(fields),
            sentences=tuple(tuple(s) for s in fields.get("sentences") or ()),
        )

    def _also_in(self, fields: dict) -> tuple[str, ...]:
        from whoosh import query as q

        fingerprint = fields.get("text_hash")
        if not fingerprint:
            return ()
        others = set()
        for docnum in self._searcher.docs_for_query(q.Term("text_hash", fingerprint)):
            doc = self._searcher.stored_fields(docnum).get("document")
            if doc and doc != fields.get("document"):
                others.add(doc)
        return tuple(sorted(others))


def _make_parser(schema):
    from whoosh import qparser

    parser = qparser.MultifieldParser(
        list(SEARCH_FIELDS), schema, fieldboosts=ranking.FIELD_BOOSTS, group=qparser.OrGroup,
    )
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(qparser.FieldAliasPlugin({"author": ["authors", "by"], "document": ["doc"]}))
    return ranking.with_extras(parser)


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


def _leaves(node) -> Iterable:
    if node.is_leaf():
        yield node
    else:
        for child in node.children():
            yield from _leaves(child)


def _query_terms(parsed) -> Iterable[tuple[str, str]]:
    for leaf in _leaves(parsed):
        field = getattr(leaf, "fieldname", None)
        if field:
            yield field, ""


def section_words(text: str) -> list[str]:
    """Lowercased words of a name or heading, for word-by-word matching."""
    import re

    return re.findall(r"\w+", text.casefold())


def _text(name) -> str:
    return name.decode("utf-8") if isinstance(name, bytes) else name


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [v for v in value if v and v.strip()]


def _check_version(generation: Path, index_dir: Path) -> None:
    import json

    try:
        raw = json.loads((generation / MANIFEST_NAME).read_text(encoding="utf-8"))
        version = int(raw.get("schema_version", 0))
    except (OSError, ValueError, TypeError, AttributeError):
        raise IndexDamaged(
            f"the index at {index_dir} is damaged or incomplete; run `corpus-search index --rebuild`"
        ) from None
    if version != SCHEMA_VERSION:
        raise IndexDamaged(
            f"the index at {index_dir} was made by another version of corpus-search; "
            "run `corpus-search index --rebuild`"
        )


def index_size(folder: Path) -> int:
    return sum(os.path.getsize(p) for p in Path(folder).rglob("*") if p.is_file())
