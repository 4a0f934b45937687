"""The `Searcher`: the library's entry point, made of the parts that open, read queries, rank and assemble hits.

It holds the open Whoosh searcher and hands it to its parts: opening
(`searcher.opening`), queries (`searcher.query`), filters
(`searcher.filters`), ranking (`searcher.ranking`, chosen when the index is
opened), hits (`searcher.results`) and exploring (`searcher.explore`).
Everything it returns is a plain value (`Hit`, `Stats`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from corpus.citation import DEFAULT_STYLE, Citation, check_style
from indexer import layout
from indexer.whoosh_internals import DAMAGED_DATA

from .checking import IndexCheck, check_index
from .documents import Context, DocumentInfo
from .expansion import Acronyms, Expansion
from .explore import Explorer, Names
from .filters import Filters
from .highlight import MatchTerms
from .hits import Hit, Results, Stats
from .guard import _reads_index
from .opening import open_index
from .shelf import Shelf
from .shortfall import Shortfall
from .tables import DEEP_PAGE, IndexTables
from .query import BadQuery, QueryFailed, QueryReader, check_page
from .results import HitMaker, one_page


class Searcher:
    """Ranked, highlighted passages from an index folder (default: the per-user index).

    Use as a context manager, or call `close()`.  Besides `search`, `get` and
    `stats`: `results` (a page and its facets at once), `count`, `facets`, `suggest` and `similar`
    (see `searcher.explore`); `documents`, `document`, `context` and `cite` (see `searcher.reading`).
    """

    def __init__(self, index_dir: str | Path | None = None, *, build_default: bool = True):
        """Open the index in `index_dir` (default: the per-user index).

        The default index is built from the bundled corpus on first use (a few seconds, once), as the
        command line does; `build_default=False` raises IndexMissing instead.  Any other missing index is an error.
        """
        self.index_dir = layout.index_folder(index_dir)
        self._searcher = None
        opened = open_index(self.index_dir, build_default)
        self._ix, self._searcher, self.generation = opened.ix, opened.searcher, opened.generation
        self._queries = QueryReader(self._searcher, Acronyms(opened.acronyms))
        self._filters = Filters(self._searcher)
        self._hits = HitMaker(self._searcher, self._queries.tokens, self.index_dir)
        self._tables = IndexTables(self._searcher)
        self._explorer = Explorer(self._searcher, self._queries, self._filters, self._hits, self.index_dir)
        self._shelf = Shelf(self._searcher, self._hits, self.index_dir, self.generation)

    # -- context manager ---------------------------------------------------

    def __enter__(self) -> "Searcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the index (the Searcher cannot be used afterwards)."""
        if self._searcher is not None:
            try:
                self._hits.settle()  # deferred fields of hits still held, read while the index is open
            finally:
                self._searcher.close()
                self._searcher = None

    # -- searching ---------------------------------------------------------

    @_reads_index
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
        snippets: bool = True,
        exact: bool = False,
    ) -> list[Hit]:
        """The best passages for `query`, best first (page `page` of `limit` hits).

        `after` and `before` ("YYYY", "YYYY-MM" or "YYYY-MM-DD") keep passages
        whose document is dated on or after / on or before them, compared at
        the precision both dates have (see `searcher.dates`).  `cite` (a style: chicago, apa, ...)
        gives each hit its `citation`.  A hit's stored fields, `matches` and `also_in` are worked out
        when first used (or at `close()`), so a deep page costs little more than a short one;
        `snippets=False` (ids and scores, for re-ranking and evaluation) leaves `matches` and
        `also_in` empty, with the same ranking.

        An acronym the indexed text defines ("Ministry of Industry and
        Information Technology (MIIT)") is also searched as its long form, and
        a long form as its acronym, ranked a little below the form typed
        (`expansions` says which were); `exact=True` searches only what is typed.
        """
        check_page(limit, page)
        if cite is not None:
            cite = check_style(cite)
        parsed, filters = self._explorer.prepare(query, author, document, section, after, before, exact)
        if filters is False:
            return []
        first = (page - 1) * limit
        deep = first + limit >= DEEP_PAGE
        try:
            page_hits = one_page(self._searcher, parsed, filters, first, limit, self._tables.sharing() if deep else None)
        except DAMAGED_DATA:
            raise
        except Exception as exc:
            raise QueryFailed(f"cannot run the query {query!r}: {exc}") from None
        terms = self._queries.match_terms(parsed) if snippets else MatchTerms(frozenset())
        cited = self._shelf.citations([doc.fields() for doc in page_hits], cite)
        return self._hits.page(page_hits, terms, first, snippets, cited, self._tables.ids() if deep else None)

    @_reads_index
    def results(
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
        exact: bool = False,
    ) -> Results:
        """One page of hits and the facets of every match, from a single pass over the index.

        The same hits as `search` and the same counts as `facets` with the same arguments, for about
        the time of `search` alone (a result page in the web view needs both).  The first call builds
        a table of every passage's facet values (once per Searcher).
        """
        check_page(limit, page)
        return self._explorer.results(query, limit, page, author, document, section, after, before, exact)

    @_reads_index
    def get(self, passage_id: str) -> Hit:
        """One passage by its id (its document part may be any unique prefix: "004:20")."""
        return self._hits.get(self._shelf.passage_id(passage_id), self.index_dir)

    @_reads_index
    def get_or_none(self, passage_id: str) -> Hit | None:
        """The passage with exactly this id, or None."""
        return self._shelf.get_or_none(passage_id)

    # -- documents, context, citations, stats (searcher.shelf) ---

    @_reads_index
    def documents(self, *, author: str | Sequence[str] | None = None, after: str | None = None,
                  before: str | None = None) -> list[DocumentInfo]:
        """Every document in the index, by id: title, authors, date, publisher, url, source, passages.

        `author` keeps documents with an author or editor whose name has all
        the words given (repeatable, as `search`); `after`/`before` compare
        dates as `search` does (undated documents never pass a bound).
        """
        return self._shelf.documents(author, after, before)

    @_reads_index
    def document(self, document_id: str, *, outline: bool = True) -> DocumentInfo:
        """One document (any unique prefix of its id) with its outline: the runs of passages under
        each article title and section, with the id of the first (`outline=False`: without it)."""
        return self._shelf.document(document_id, outline)

    @_reads_index
    def context(self, passage_id: str, n: int = 1) -> Context:
        """The passage with up to `n` passages before and after it, in reading order."""
        return self._shelf.context(passage_id, n)

    @_reads_index
    def cite(self, id: str, style: str = DEFAULT_STYLE) -> Citation:
        """A citation of a passage's source (its article or interview in an edited volume, else its
        document, with the page when known) or, given a document id, of the document."""
        return self._shelf.cite(id, style)

    @_reads_index
    def stats(self) -> Stats:
        """Counts of documents, passages and passages per author, and the index's size."""
        return self._shelf.stats()

    @_reads_index
    def check(self) -> IndexCheck:
        """Verify the whole index: every file against its checksums, every passage and posting decoded.

        IndexDamaged at the first fault (see `searcher.checking`).
        """
        return check_index(self._searcher, self.generation, self.index_dir)

    # -- exploring (searcher.explore) ----------------------------------------

    @_reads_index
    def count(self, query: str, *, author: Names = None, document: Names = None, section: str | None = None,
              after: str | None = None, before: str | None = None, exact: bool = False) -> int:
        """How many passages match `query` in all (filters and `exact` as in `search`)."""
        return self._explorer.count(query, author=author, document=document, section=section,
                                    after=after, before=before, exact=exact)

    @_reads_index
    def facets(self, query: str, *, author: Names = None, document: Names = None, section: str | None = None,
               after: str | None = None, before: str | None = None, exact: bool = False) -> dict:
        """Passage counts over the whole result set: ``{"total", "authors", "documents", "sections", "years"}``
        (see `Explorer.facets`; `exact` as in `search`)."""
        return self._explorer.facets(query, author=author, document=document, section=section,
                                     after=after, before=before, exact=exact)

    @_reads_index
    def notes(self, query: str) -> tuple[str, ...]:
        """How the malformed parts of `query` were read (an unclosed quote, a stray bracket, ...), one line each."""
        return self._queries.read(query).notes

    @_reads_index
    def expansions(self, query: str) -> tuple[Expansion, ...]:
        """The acronyms and long forms of `query` that `search` also searches as their other form
        (`Expansion(typed="MIIT", also="Ministry of Industry and Information Technology", acronym=True)`)."""
        return self._queries.read(query).expansions

    @_reads_index
    def why_nothing(self, query: str, *, limit: int = 10, page: int = 1, author: Names = None,
                    document: Names = None, section: str | None = None, after: str | None = None,
                    before: str | None = None, exact: bool = False) -> Shortfall:
        """Why `search` with these arguments returns nothing: words the index lacks, filters, pages (a `Shortfall`)."""
        return self._explorer.why_nothing(query, limit=limit, page=page, author=author, document=document,
                                          section=section, after=after, before=before, exact=exact)

    @_reads_index
    def suggest(self, query: str) -> str | None:
        """`query` respelt with words the index holds ("semiconducter" -> "semiconductor"), or None."""
        return self._explorer.suggest(query)

    @_reads_index
    def similar(self, passage_id: str, *, limit: int = 10, author: Names = None, document: Names = None,
                after: str | None = None, before: str | None = None, terms: int = 12) -> list[Hit]:
        """Passages like `passage_id`, best first, found by its `terms` most telling words (see `Explorer.similar`)."""
        return self._explorer.similar(self._shelf.passage_id(passage_id), limit=limit, author=author, document=document,
                                      after=after, before=before, terms=terms)
