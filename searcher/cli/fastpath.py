"""The `corpus-search` entry point, with a fast path for the commonest command.

A plain `corpus-search search WORDS...` with only the options listed in
`VALUE_OPTIONS` and `FLAG_OPTIONS` is answered without importing click (about
a tenth of a cold search's time goes to importing and building the click
command tree).  Anything else -- another command, another option, `--help`,
a value that needs checking, a missing index -- goes to the click CLI in
`searcher.cli.commands`, which stays the one definition of the command line.  Both
paths print the same bytes and exit with the same status; tests/test_fastpath.py
holds them to that.
"""
from __future__ import annotations

import os
import sys

from .output import PROG

VALUE_OPTIONS = {"-n": "limit", "--limit": "limit", "--page": "page", "--index": "index", "--color": "color"}
FLAG_OPTIONS = {"--json": "json", "--no-pager": "no_pager", "--exact": "exact"}
COLORS = ("auto", "always", "never")


def main(argv: list[str] | None = None) -> None:
    """`corpus-search ...`: the fast path when it applies, else the click CLI."""
    from indexer.safety import keep_swallowed_interrupts, raise_pending

    keep_swallowed_interrupts()
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        code = run_fast(args)
        if code is None:
            from .commands import cli

            raise_pending()  # (a Ctrl-C swallowed while the commands loaded)
            cli.main(args=args, prog_name=PROG)
    except KeyboardInterrupt as exc:  # (while modules load: the commands handle their own)
        from .exits import exit_status

        code = exit_status(exc)
    if code is not None:
        sys.exit(code)


def parse_search(args: list[str]) -> dict | None:
    """The options of a plain `search` command line, or None if click must handle it."""
    if len(args) < 2 or args[0] != "search":
        return None
    found: dict = {"words": []}
    rest = iter(args[1:])
    for arg in rest:
        if not arg.startswith("-") or arg == "-":
            found["words"].append(arg)
            continue
        name, eq, value = arg.partition("=")
        if name in FLAG_OPTIONS and not eq and FLAG_OPTIONS[name] not in found:
            found[FLAG_OPTIONS[name]] = True
            continue
        key = VALUE_OPTIONS.get(name)
        if key is None or key in found:
            return None
        if not eq:
            value = next(rest, None)
            if value is None or value.startswith("-"):
                return None
        found[key] = value
    if not found["words"]:
        return None
    for key, default in (("limit", 10), ("page", 1)):
        value = found.get(key)
        if value is None:
            found[key] = default
        elif value.isascii() and value.isdigit() and int(value) >= 1:
            found[key] = int(value)
        else:
            return None
    if found.setdefault("color", "auto") not in COLORS:
        return None
    return found


def run_fast(args: list[str]) -> int | None:
    """Run a plain search and return its exit status; None when click must run instead."""
    if sys.platform == "win32" or (getattr(sys.stdout, "encoding", "") or "").lower() not in ("utf-8", "utf8"):
        return None
    options = parse_search(args)
    if options is None:
        return None
    if options.get("index") == "":
        return None  # click says it is empty
    index = options.get("index") or os.environ.get("CORPUS_SEARCH_INDEX") or None
    if index is not None and os.path.exists(index) and not os.path.isdir(index):
        return None  # click explains this one
    from indexer.layout import IndexMissing

    from ..engine import Searcher
    from .exits import REPORTED, exit_status
    from .output import search_and_print

    text = " ".join(options["words"])
    try:
        try:
            searcher = Searcher(index, build_default=False)
        except IndexMissing:
            return None  # click builds the default index, or says what to do
        with searcher:
            return search_and_print(searcher, text, limit=options["limit"], page=options["page"],
                                    color=options["color"], as_json=bool(options.get("json")),
                                    no_pager=bool(options.get("no_pager")), exact=bool(options.get("exact")))
    except REPORTED as exc:
        return exit_status(exc)
