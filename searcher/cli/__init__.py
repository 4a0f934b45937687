"""The `corpus-search` command line: parses arguments, calls the library, prints.

The only part of the package that imports click, prints or decides exit
codes (0 found, 1 nothing found, 2 error): `commands` (the click commands),
`fastpath` (the entry point; plain searches without click), `output` and
`render` (what the terminal shows), `exits` (an error as one line and a
status).  `main` is the `corpus-search` console script; `cli` is the click
group (loaded on first use: the entry point must not import click).
"""
from .fastpath import main

__all__ = ["cli", "main"]


def __getattr__(name: str):
    if name == "cli":
        from .commands import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
