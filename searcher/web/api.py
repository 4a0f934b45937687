"""The JSON API under /api/: the command line's `--json` shapes, for tools that embed the engine.

| route | answers with |
|---|---|
| `/api/search?q=...` (the search page's parameters) | `{"query", "page", "limit", "total", "hits": [search --json objects], "facets", "did_you_mean"}` |
| `/api/show/ID` | the `show --json` object |
| `/api/similar/ID?limit=N` | `{"hits": [...]}` as `similar --json` |
| `/api/documents` | `{"documents": [documents --json objects]}` |
| `/api/cite/ID?style=STYLE` | `{"id", "style", "citation", "short", "page"}` as `cite --json` |
| `/api/stats` | the `stats --json` object |

Errors are `{"error": message}` with status 400 (bad input), 404 (unknown id),
or 503 (no usable index).
"""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .params import BadRequest, checked_id, only, search_params, style_param, whole_number
from .pool import SearcherPool

FEW_HITS = 3


class JSON(JSONResponse):
    """UTF-8 JSON with the text as written (no \\u escapes)."""

    def render(self, content) -> bytes:
        import json

        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def routes(pool: SearcherPool) -> list[Route]:
    def search(request: Request) -> JSON:
        params = search_params(request.query_params.multi_items())
        if not params.q:
            raise BadRequest("give a query: /api/search?q=WORDS")
        with pool.searcher() as s:
            found = s.results(params.q, limit=params.limit, page=params.page, **params.where())
            suggestion = s.suggest(params.q) if found.total < FEW_HITS else None
        return JSON({"query": params.q, "page": params.page, "limit": params.limit, "total": found.total,
                     "hits": [h.as_dict() for h in found.hits], "facets": found.facets,
                     "did_you_mean": suggestion})

    def show(request: Request) -> JSON:
        passage_id = checked_id(request.path_params["passage_id"], "passage")
        only(request.query_params.multi_items(), set())
        with pool.searcher() as s:
            return JSON(s.get(passage_id).as_dict())

    def similar(request: Request) -> JSON:
        passage_id = checked_id(request.path_params["passage_id"], "passage")
        given = only(request.query_params.multi_items(), {"limit"})
        limit = whole_number(given.get("limit", "10"), "limit", 1, 100)
        with pool.searcher() as s:
            return JSON({"hits": [h.as_dict() for h in s.similar(passage_id, limit=limit)]})

    def documents(request: Request) -> JSON:
        only(request.query_params.multi_items(), set())
        with pool.searcher() as s:
            return JSON({"documents": [d.as_dict() for d in s.documents()]})

    def cite(request: Request) -> JSON:
        item = checked_id(request.path_params["item_id"])
        style = style_param(only(request.query_params.multi_items(), {"style"}).get("style"))
        with pool.searcher() as s:
            made = s.cite(item, style)
        return JSON({"id": item, "style": made.style, "citation": made.text, "short": made.short, "page": made.page})

    def stats(request: Request) -> JSON:
        only(request.query_params.multi_items(), set())
        with pool.searcher() as s:
            return JSON(s.stats().as_dict())

    return [
        Route("/api/search", search),
        Route("/api/show/{passage_id}", show),
        Route("/api/similar/{passage_id}", similar),
        Route("/api/documents", documents),
        Route("/api/cite/{item_id}", cite),
        Route("/api/stats", stats),
    ]
