"""A local web page over the index: `serve()` runs it, `create_app()` builds it (Starlette).

Imported only by `corpus-search serve` and by programs that ask for it: the
search path of the command line and of the library never loads Starlette,
uvicorn or Jinja2 (tests/test_web.py holds it to that).
"""
from __future__ import annotations

__all__ = ["ServerError", "create_app", "serve"]


def __getattr__(name: str):
    if name == "create_app":
        from .app import create_app

        return create_app
    if name in ("serve", "ServerError"):
        from . import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
