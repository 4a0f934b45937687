"""The web application: routes, pages and the JSON API over a pool of Searchers (Starlette).

Read-only: every route is a GET (or HEAD) that reads the index.  Pages are
rendered on the server and work without JavaScript; `static/app.js` adds the
`/` shortcut, the copy button and submit-on-change.  Static assets are read
from the package once, when the app is made: a request path is only ever a
key in that table, never a file name.
"""
from __future__ import annotations

import time
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from corpus.errors import CorpusSearchError, IndexDamaged, IndexMissing, PassageNotFound

from .. import __version__
from ..ids import UnknownDocument
from . import api
from .params import BadRequest, STYLES, checked_id, only, search_params, style_param
from .pool import SearcherPool
from .views import (
    FACETS_SHOWN,
    chosen_filters,
    facet_groups,
    hit_view,
    page_links,
    paragraphs,
    pieces,
)

FEW_HITS = 3          # as on the command line: fewer matches, and a respelling is offered
SIMILAR_SHOWN = 5
DOCUMENTS_PER_PAGE = 50
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".svg": "image/svg+xml", ".ico": "image/x-icon"}

# No inline script or style anywhere; nothing is loaded from another origin.
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
     b"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


def create_app(index_dir: str | Path) -> Starlette:
    """The web app over the index in `index_dir` (IndexMissing / IndexDamaged when it cannot be opened)."""
    pool = SearcherPool(index_dir)
    pages = Pages(pool)
    routes = [
        Route("/", pages.search),
        Route("/passage/{passage_id}", pages.passage),
        Route("/documents", pages.documents),
        Route("/documents/{document_id}", pages.document),
        Route("/index", pages.overview),
        Route("/static/{name}", pages.static),
        *api.routes(pool),
    ]
    handlers = {CorpusSearchError: pages.failure, HTTPException: pages.failure, Exception: pages.failure}
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.state.pool = pool
    return SecurityHeaders(app)


class SecurityHeaders:
    """ASGI middleware: the security headers on every response (pages, API, assets and errors alike),
    and a Server-Timing header saying how long the server took to make it (`app;dur=` milliseconds)."""

    def __init__(self, app: Starlette):
        self.app = app
        self.state = app.state

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()

        async def with_headers(message):
            if message["type"] == "http.response.start":
                took = f"app;dur={(time.perf_counter() - started) * 1000:.1f}".encode()
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + SECURITY_HEADERS + [(b"server-timing", took)]
            await send(message)

        await self.app(scope, receive, with_headers)


class Pages:
    """The HTML pages: one method a route, each borrowing a Searcher for its work."""

    def __init__(self, pool: SearcherPool):
        self.pool = pool
        self.templates = Environment(loader=PackageLoader("searcher.web", "templates"),
                                     autoescape=select_autoescape(default=True, default_for_string=True),
                                     trim_blocks=True, lstrip_blocks=True)
        self.templates.globals.update(version=__version__, styles=STYLES)
        self.assets = _read_assets()
        self._stats: tuple[tuple, dict] | None = None
        self._titles: tuple[tuple, dict] = ((), {})
        self._documents: tuple[tuple, list] = ((), [])

    def render(self, name: str, status: int = 200, **context) -> HTMLResponse:
        return HTMLResponse(self.templates.get_template(name).render(**context), status_code=status)

    # -- search ------------------------------------------------------------

    def search(self, request: Request) -> HTMLResponse:
        params = search_params(request.query_params.multi_items())
        if not params.q:
            if params.filtered():
                raise BadRequest("give some words to search for; the filters narrow a search")
            return self.render("search.html", params=params, overview=self.stats(), title="Search")
        with self.pool.searcher() as s:
            try:
                found = s.results(params.q, limit=params.limit, page=params.page, **params.where())
            except CorpusSearchError as exc:
                if isinstance(exc, (IndexMissing, IndexDamaged)):
                    raise
                return self.render("search.html", status=400, params=params, error=str(exc),
                                   title=f"{params.q} - error")
            suggestion = s.suggest(params.q) if found.total < FEW_HITS else None
            shown = list(found.facets.get("documents") or ())[:FACETS_SHOWN] + list(params.document)
            titles = self.titles(s, shown)
        return self.render(
            "search.html", params=params, title=params.q, hits=[hit_view(h) for h in found.hits],
            total=found.total, facets=facet_groups(params, found.facets, titles),
            chosen=chosen_filters(params, titles), suggestion=suggestion,
            suggestion_url=params.query_string(q=suggestion) if suggestion else "",
            pages=page_links(found.total, params.page, params.limit),
            first=(params.page - 1) * params.limit + 1,
        )

    def titles(self, s, document_ids: list[str]) -> dict[str, str]:
        """Document titles for the facet links (kept per index state: a hit's title may be its article's)."""
        state = self.pool.state()
        if self._titles[0] != state:
            self._titles = (state, {})
        known = self._titles[1]
        for doc_id in document_ids:
            if doc_id not in known:
                try:
                    known[doc_id] = s.document(doc_id, outline=False).title
                except CorpusSearchError:  # a document named in the URL may be gone
                    known[doc_id] = ""
        return {doc_id: known[doc_id] for doc_id in document_ids}

    # -- one passage -------------------------------------------------------

    def passage(self, request: Request) -> HTMLResponse:
        passage_id = checked_id(request.path_params["passage_id"], "passage")
        given = only(request.query_params.multi_items(), {"q", "style"})
        query, style = given.get("q", "").strip(), style_param(given.get("style"))
        with self.pool.searcher() as s:
            hit = s.get(passage_id)
            matches = _matches_in(s, hit, query) if query else ()
            before, after = _neighbours(s, hit)
            similar = s.similar(hit.id, limit=SIMILAR_SHOWN)
            document_title = s.document(hit.document, outline=False).title or hit.title
            citation = s.cite(hit.id, style)
        back = f"/?{search_params([('q', query)]).query_string()}" if query else ""
        return self.render(
            "passage.html", title=hit.title or hit.id, hit=hit, document_title=document_title,
            page=getattr(hit, "page", "") or "",
            text=paragraphs(hit.text, matches), query=query, back=back,
            before=[_neighbour_view(h) for h in before], after=[_neighbour_view(h) for h in after],
            similar=[hit_view(h, 200) for h in similar], citation=citation.text, short=citation.short or "", style=style,
        )

    # -- documents ---------------------------------------------------------

    def documents(self, request: Request) -> HTMLResponse:
        given = only(request.query_params.multi_items(), {"page"})
        page = _page_number(given.get("page", "1"))
        with self.pool.searcher() as s:
            listed = self.all_documents(s)
            first = (page - 1) * DOCUMENTS_PER_PAGE
            shown = [s.document(d.id) for d in listed[first:first + DOCUMENTS_PER_PAGE]]
        outlines = {d.id: outline_entries(d) for d in shown}
        return self.render("documents.html", title="Documents", documents=shown, outlines=outlines,
                           total=len(listed), page=page, pages=page_links(len(listed), page, DOCUMENTS_PER_PAGE))

    def all_documents(self, s) -> list:
        """`Searcher.documents()`, kept per index state (3 s for SciFact's 5,183 on a loaded machine)."""
        state = self.pool.state()
        if self._documents[0] != state:
            self._documents = (state, s.documents())
        return self._documents[1]

    def document(self, request: Request) -> HTMLResponse:
        document_id = checked_id(request.path_params["document_id"], "document")
        only(request.query_params.multi_items(), set())
        with self.pool.searcher() as s:
            found = s.document(document_id)  # any unique prefix of the id
        return self.render("document.html", title=found.title or found.id, document=found,
                           outline=outline_entries(found))

    # -- what is indexed ---------------------------------------------------

    def overview(self, request: Request) -> HTMLResponse:
        only(request.query_params.multi_items(), set())
        return self.render("overview.html", title="What is indexed", overview=self.stats())

    def stats(self) -> dict:
        """The index's figures, worked out once per index state (they take 0.1 s on SciFact)."""
        generation = self.pool.state()
        if self._stats is None or self._stats[0] != generation:
            with self.pool.searcher() as s:
                figures = s.stats().as_dict()
                updated = getattr(s, "generation", None)
                figures["updated"] = time.strftime("%Y-%m-%d %H:%M", time.localtime(Path(updated).stat().st_mtime)) \
                    if updated else ""
            figures["top_authors"] = list(figures["authors"].items())[:20]
            self._stats = (generation, figures)
        return self._stats[1]

    # -- assets and errors -------------------------------------------------

    def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in self.assets:
            raise HTTPException(404)
        body, media = self.assets[name]
        return Response(body, media_type=media, headers={"cache-control": "max-age=3600"})

    def failure(self, request: Request, exc: Exception) -> Response:
        status, message = error_status(exc)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=status)
        return self.render("error.html", status=status, title=f"{status}", status_code=status, message=message)


def error_status(exc: Exception) -> tuple[int, str]:
    """The HTTP status and one-line message for an exception (a traceback is never shown)."""
    if isinstance(exc, HTTPException):
        messages = {404: "there is no such page here", 405: "this server is read-only: only GET requests"}
        return exc.status_code, messages.get(exc.status_code, exc.detail or "bad request")
    if isinstance(exc, (PassageNotFound, UnknownDocument)):
        return 404, str(exc)
    if isinstance(exc, (IndexMissing, IndexDamaged)):
        return 503, str(exc)
    if isinstance(exc, CorpusSearchError):
        return 400, str(exc)
    return 500, "something went wrong on the server; the index is unchanged"


def _read_assets() -> dict[str, tuple[bytes, str]]:
    folder = resources.files("searcher.web") / "static"
    assets = {}
    for entry in folder.iterdir():
        suffix = "." + entry.name.rpartition(".")[2]
        if entry.is_file() and suffix in STATIC_TYPES:
            assets[entry.name] = (entry.read_bytes(), STATIC_TYPES[suffix])
    return assets


def _page_number(text: str) -> int:
    from .params import whole_number

    return whole_number(text, "page", 1, 100_000)


def _matches_in(s, hit, query: str) -> tuple:
    """Where `query` matches the passage's text (none when it does not find this passage)."""
    try:
        found = s.search(query, document=hit.document, limit=100)
    except CorpusSearchError:
        return ()
    for other in found:
        if other.id == hit.id:
            return other.matches
    return ()


def _neighbours(s, hit) -> tuple[list, list]:
    """The passages just before and after `hit` in its document."""
    around = s.context(hit.id, 1)
    return list(around.passages[:around.focus]), list(around.passages[around.focus + 1:])


def _neighbour_view(hit) -> dict:
    return {"id": hit.id, "section": hit.section, "text": pieces(hit.text, ())}


def outline_entries(document) -> list[dict]:
    """A document's outline (`DocumentInfo.outline`) as the templates show it: heading, level, first passage.

    An edited volume's outline names each article (level 1) and the sections
    in it (level 2); a plain document's, its sections.
    """
    entries = []
    for entry in document.outline:
        article = entry.title if entry.title != document.title else ""
        entries.append({"heading": entry.section or entry.title or document.title,
                        "level": 2 if entry.section and article else 1,
                        "passage": entry.first_passage, "passages": entry.passages})
    return entries
