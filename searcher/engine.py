"""The searcher: the only module on the search side that holds Whoosh objects.

Everything it returns is a plain value (`Hit`, `Stats`).
"""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Sequence

from corpus.errors import BadQuery, IndexDamaged, IndexMissing, PassageNotFound
from indexer.schema import (
    CURRENT_NAME,
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
from .duplicates import collapse, same_passage
from .highlight import MatchTerms, find_matches
from . import reading
from .documents import Context, DocumentInfo
from .hits import Hit, Stats
from .ids import is_passage_id
from corpus.citation import DEFAULT_STYLE, Citation, check_style

# Query features kept in their own modules (dates, spelling, facets, similar).
from .dates import parse_bound, within
from .explore import Exploring, ranked
from .fuzzy import widen_fuzzy_terms

# Passages that are not prose (bios, notes, sidebars) are kept searchable but
# their scores are scaled down so that they never outrank prose that matches
# as well.  BM25's length normalisation can favour a very short passage over
# a long one with the same matches by a factor of about 3 at most (with the
# k1 and b of searcher/ranking.py), so the factors stay below 1/3.
KIND_WEIGHTS = {"bio": 0.2, "notes": 0.2, "sidebar": 0.3}
# BM25F parameters and field weights live in searcher/ranking.py.


def _weighting():
    class KindWeighted(ranking.bm25f()):
        """BM25F, with the final score scaled by the passage's kind."""

        use_final = True

        def final(self, searcher, docnum, score):
            weights = getattr(searcher, "_kind_weights", None)
            if weights is None:
                weights = searcher._kind_weights = _kind_weights(searcher)
            return score * weights.get(docnum, 1.0)

    field_b = {f"{name}_B": b for name, b in ranking.FIELD_B.items()}
    return KindWeighted(B=ranking.B, K1=ranking.K1, **field_b)


def _kind_weights(searcher) -> dict[int, float]:
    """{docnum: weight} of the passages whose kind is scaled down (found once, from the kind postings).

    Reading each scored passage's kind from its column cost 8% of a query.
    """
    from whoosh import query as q

    weights = {}
    for kind, weight in KIND_WEIGHTS.items():
        for docnum in searcher.docs_for_query(q.Term("kind", kind)):
            weights[docnum] = weight
    return weights


class Searcher(Exploring):
    """Ranked, highlighted passages from an index folder (default: the per-user index).

    Use as a context manager, or call `close()`.  Besides `search`, `get` and
    `stats`: `count`, `facets`, `suggest` and `similar` (see `searcher.explore`).
    """

    def __init__(self, index_dir: str | Path | None = None, *, build_default: bool = True):
        """Open the index in `index_dir` (default: the per-user index).

        The default index is built from the bundled corpus on first use (a
        few seconds, once), as the command line does; `build_default=False`
        raises IndexMissing instead.  Any other missing index is an error.
        """
        self.index_dir = Path(index_dir).expanduser() if index_dir else default_index_dir()
        self._searcher = None
        if self.index_dir.exists() and not self.index_dir.is_dir():
            raise IndexDamaged(f"{self.index_dir} is a file, not an index folder; give another --index")
        if build_default and _generation_name(self.index_dir) == "" and _is_default(self.index_dir):
            from indexer import Indexer  # NLTK is imported only for this first build

            Indexer(self.index_dir).update()
        # A rebuild may swap generations (and delete the old one) between our
        # reading CURRENT and opening the files: then read CURRENT again.
        for attempt in range(5):
            name = _generation_name(self.index_dir)
            try:
                generation = current_generation(self.index_dir)
                if generation is None:
                    raise IndexMissing(_missing_advice(self.index_dir))
                self._open(generation)
                break
            except IndexDamaged:
                if attempt == 4 or _generation_name(self.index_dir) == name:
                    raise
        self._analyzer = english_analyzer()
        self._parser = None

    def _open(self, generation: Path) -> None:
        from whoosh import index as whoosh_index

        _check_version(generation, self.index_dir)
        try:
            self._ix = whoosh_index.open_dir(str(generation), indexname=INDEX_NAME)
            self._searcher = self._ix.searcher(weighting=_weighting())
        except Exception as exc:  # whoosh raises many kinds on damaged files
            raise IndexDamaged(
                f"the index at {self.index_dir} cannot be opened ({exc.__class__.__name__}); "
                "run `corpus-search index --rebuild`"
            ) from None
        self.generation = generation

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
        after: str | None = None,
        before: str | None = None,
        cite: str | None = None,
    ) -> list[Hit]:
        """The best passages for `query`, best first (page `page` of `limit` hits).

        `after` and `before` ("YYYY", "YYYY-MM" or "YYYY-MM-DD") keep passages
        whose document is dated on or after / on or before them, compared at
        the precision both dates have (see `searcher.dates`).  `cite` (a
        style: chicago, apa, ...) gives each hit its `citation`.
        """
        if not isinstance(limit, int) or not isinstance(page, int) or limit < 1 or page < 1:
            raise BadQuery("limit and page must be whole numbers, at least 1")
        if cite is not None:
            cite = check_style(cite)
        parsed, filters = self._prepare(query, author, document, section, after, before)
        if filters is False:
            return []
        try:
            first = (page - 1) * limit
            # fetch more than the page: near-duplicates folded away leave room
            window = ranked(self._searcher, parsed, filters, top=2 * (first + limit) + 10)
            page_hits = distinct(window)[first:first + limit]
        except Exception as exc:
            raise BadQuery(f"cannot run the query {query!r}: {exc}") from None
        terms = self._match_terms(parsed)
        stored = [doc.fields() for doc in page_hits]
        also = self._also_in_all(stored)
        hits = [self._hit(fields, terms, rank=first + offset + 1, score=doc.score, also_in=also[offset])
                for offset, (doc, fields) in enumerate(zip(page_hits, stored))]
        if cite is not None:
            hits = [replace(hit, citation=text) for hit, text in zip(hits, self._citations(stored, cite))]
        return hits

    def get(self, passage_id: str) -> Hit:
        """One passage by its id (its document part may be any unique prefix: "004:20")."""
        fields = self._searcher.document(id=passage_id)
        if fields is None:
            if not is_passage_id(passage_id):
                raise PassageNotFound(f"no passage {passage_id!r} in {self.index_dir}; ids look like 'document:12'")
            fields = reading.passage_fields(self._searcher, passage_id)
        return self._hit(fields, MatchTerms(frozenset()))

    # -- documents, context, citations (searcher.reading, searcher.citing) ---

    def documents(self, *, author: str | Sequence[str] | None = None, after: str | None = None,
                  before: str | None = None) -> list[DocumentInfo]:
        """Every document in the index, by id: title, authors, date, publisher, url, source, passages.

        `author` keeps documents with an author or editor whose name has all
        the words given (repeatable, as `search`); `after`/`before` compare
        dates as `search` does (undated documents never pass a bound).
        """
        return reading.all_documents(self._searcher, _as_list(author), after, before)

    def document(self, document_id: str, *, outline: bool = True) -> DocumentInfo:
        """One document (any unique prefix of its id) with its outline: the runs of passages under
        each article title and section, with the id of the first (`outline=False`: without it)."""
        return reading.info(self._searcher, reading.resolve(self._searcher, document_id), with_outline=outline)

    def get_or_none(self, passage_id: str) -> Hit | None:
        """The passage with exactly this id, or None."""
        fields = self._searcher.document(id=passage_id)
        return None if fields is None else self._hit(fields, MatchTerms(frozenset()))

    def context(self, passage_id: str, n: int = 1) -> Context:
        """The passage with up to `n` passages before and after it, in reading order."""
        if not isinstance(n, int) or n < 0:
            raise BadQuery("the context must be a whole number of passages, 0 or more")
        passages, focus = reading.neighbours(self._searcher, passage_id, n)
        none = MatchTerms(frozenset())
        return Context(tuple(self._hit(fields, none) for fields in passages), focus)

    def cite(self, id: str, style: str = DEFAULT_STYLE) -> Citation:
        """A citation of a passage's source (its article or interview in an edited volume, else its
        document, with the page when known) or, given a document id, of the document."""
        from .citing import cite

        style = check_style(style)
        if is_passage_id(id) or self._searcher.document(id=id) is not None:
            fields = reading.passage_fields(self._searcher, id)
            doc = reading.info(self._searcher, fields["document"])
            return cite(doc, fields, style)
        doc = reading.info(self._searcher, reading.resolve(self._searcher, id))
        return cite(doc, None, style)

    def _citations(self, stored: list[dict], style: str) -> list[str]:
        from .citing import cite

        docs: dict[str, DocumentInfo] = {}
        made: dict[tuple, str] = {}  # hits from one article share its citation
        out = []
        for fields in stored:
            doc_id = fields.get("document", "")
            if doc_id not in docs:
                docs[doc_id] = reading.info(self._searcher, doc_id)
            key = (doc_id, fields.get("title"), fields.get("kind"), tuple(fields.get("authors") or ()),
                   fields.get("page"))
            if key not in made:
                made[key] = cite(docs[doc_id], fields, style, short=False).text
            out.append(made[key])
        return out

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

    def _prepare(self, query: str, author=None, document=None, section=None, after=None, before=None):
        """The parsed query and its filter (False: nothing can match); BadQuery on bad input."""
        where = self._where(author, document, section, after, before)
        return self._parse(query), where

    def _where(self, author, document, section, after, before):
        bounds = parse_bound(after, "--after"), parse_bound(before, "--before")
        filters = self._filters(_as_list(author), _as_list(document), section)
        dated = self._date_filter(*bounds)
        if filters is False or dated is False:
            return False
        from whoosh import query as q

        parts = [f for f in (filters, dated) if f is not None]
        return q.And(parts) if len(parts) > 1 else (parts[0] if parts else None)

    def _date_filter(self, after, before):
        """The dates in the index that pass the bounds, as a filter (None: no bounds; False: none pass)."""
        if after is None and before is None:
            return None
        from whoosh import query as q

        dates = [_text(d) for d in self._searcher.reader().field_terms("date")]
        keep = [d for d in dates if within(d, after, before)]
        return q.Or([q.Term("date", d) for d in keep]) if keep else False

    def _parse(self, text: str):
        if not text or not text.strip():
            raise BadQuery("empty query; give some words to search for")
        if len(text) > MAX_QUERY_CHARS:
            raise BadQuery(
                f"the query is too long ({len(text):,} characters; at most {MAX_QUERY_CHARS:,})"
            )
        if self._parser is None:
            self._parser = _make_parser(self._searcher.schema)  # (not the index: its TOC may be gone)
        cleaned = "".join(ch if ch.isprintable() else " " for ch in text)
        try:
            parsed = self._parser.parse(cleaned)
            parsed = _limit_fuzziness(_exclude_negations(parsed))
        except Exception as exc:  # Whoosh's parser fails in many ways on odd input
            raise BadQuery(
                f"cannot understand the query {_shown(text)} ({exc.__class__.__name__}); "
                "check its quotes, brackets and AND/OR/NOT"
            ) from None
        parsed = widen_fuzzy_terms(parsed, cleaned, lambda w: [t for t, _, _ in self._tokens(w)])
        bad = sorted({f for f, _ in _query_terms(parsed)} - set(QUERY_FIELDS))
        if bad:
            raise BadQuery(f"unknown field {bad[0]!r}; fields are: {', '.join(QUERY_FIELDS)}")
        from whoosh import query as q

        if parsed is q.NullQuery or isinstance(parsed, q.NullQuery.__class__):
            raise BadQuery(f"the query {_shown(text)} has no words to search for")
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
            resolved = [reading.resolve(self._searcher, d) for d in documents]
            parts.append(q.Or([q.Term("document", d) for d in resolved]))
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
             score: float | None = None, also_in: tuple[str, ...] | None = None) -> Hit:
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
            also_in=self._also_in_all([fields])[0] if also_in is None else also_in,
            sentences=tuple(tuple(s) for s in fields.get("sentences") or ()),
        )

    def _also_in_all(self, passages: list[dict]) -> list[tuple[str, ...]]:
        """For each passage (stored fields), the other documents holding it: same text, or most of its sentences.

        One query finds the candidates of every passage at once (a page of
        hits costs one look-up, not ten); each candidate is read once.
        """
        from whoosh import query as q

        wanted = [(p.get("document"), p.get("text_hash"), _sentence_keys(p)) for p in passages]
        probes = {q.Term("sentence_keys", k) for _, _, keys in wanted for k in keys}
        probes |= {q.Term("text_hash", h) for _, h, _ in wanted if h}
        found: list[set[str]] = [set() for _ in passages]
        if not probes:
            return [()] * len(passages)
        for docnum in self._searcher.docs_for_query(q.Or(sorted(probes, key=repr))):
            other = self._searcher.stored_fields(docnum)
            name = other.get("document")
            if not name:
                continue
            other_keys = None
            for (document, fingerprint, keys), names in zip(wanted, found):
                if name == document or name in names:
                    continue
                if fingerprint and other.get("text_hash") == fingerprint:
                    names.add(name)
                    continue
                if other_keys is None:
                    other_keys = _sentence_keys(other)
                if same_passage(keys, other_keys):
                    names.add(name)
        return [tuple(sorted(names)) for names in found]


def _sentence_keys(fields: dict) -> frozenset[str]:
    return frozenset((fields.get("sentence_keys") or "").split())


def distinct(results) -> list:
    """Whoosh hits with the same passage from another document folded into the better one."""
    hits = list(results)
    kept, _ = collapse([(h["document"], _sentence_keys(h.fields())) for h in hits])
    return [hits[i] for i in kept]


def _is_default(index_dir: Path) -> bool:
    return index_dir.resolve() == default_index_dir().resolve()


def _missing_advice(index_dir: Path) -> str:
    if _is_default(index_dir):
        return f"no index at {index_dir}; run `corpus-search index` to build it"
    return (f"no index at {index_dir}; build one with "
            f"`corpus-search index FILES-OR-FOLDERS --index {index_dir}`")


def _make_parser(schema):
    from whoosh import qparser

    parser = qparser.MultifieldParser(
        list(SEARCH_FIELDS), schema, fieldboosts=ranking.FIELD_BOOSTS, group=qparser.OrGroup,
    )
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(qparser.FieldAliasPlugin({"author": ["authors", "by"], "document": ["doc"]}))
    return ranking.with_extras(parser)


# Longer queries are refused: Whoosh's parser takes time quadratic in the
# length of a word, and no one types this much.
MAX_QUERY_CHARS = 4000
# `term~N` asks for words within N edits; past 2 the search explodes.
MAX_FUZZY_EDITS = 2


def _shown(text: str, width: int = 60) -> str:
    """A query as quoted in an error message: printable and short."""
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return repr(text if len(text) <= width else text[: width - 3] + "...")


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


def _generation_name(index_dir: Path) -> str:
    try:
        return (index_dir / CURRENT_NAME).read_text(encoding="utf-8").strip()
    except (OSError, ValueError):
        return ""


def index_size(folder: Path) -> int:
    return sum(os.path.getsize(p) for p in Path(folder).rglob("*") if p.is_file())
