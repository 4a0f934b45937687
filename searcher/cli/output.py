r"""Writing a command's results to the terminal, without click: safe for any terminal and any encoding.

Shared by the click commands (searcher.cli.commands) and the click-free fast
path for plain searches (searcher.cli.fastpath), so both print the same bytes.  Like click.echo,
`write` strips colour codes unless colour was asked for.

Nothing a document holds may act on the terminal: `terminal_safe` shows
every control character, escape sequence, bidirectional override and
undecodable byte as a visible escape (`\x1b`, `\u202e`, `\udcff`) instead of
letting the terminal obey it (set the window title, write the clipboard
with OSC 52, make a link, move the cursor, hide text).  `write` applies it
to every line, keeping only the colour codes this program adds (render
makes the document's own text safe before adding them), and replaces
characters the stream's encoding cannot show.  `json_text` is JSON with
those characters as \u escapes, ASCII-only when the stream is not UTF-8.
"""
from __future__ import annotations

import json
import os
import re
import sys

from .terminal import UNSAFE as _UNSAFE
from .terminal import terminal_safe  # (re-exported: the CLI's one sanitiser)

PROG = "corpus-search"
FEW_HITS = 3  # fewer passages than this in all, and `search` offers a respelt query
# The colour codes searcher.cli.render uses (bold red, bold, dim, magenta, reset): the
# only sequences `write` lets through; any other is shown, as a document's would be.
_SGR = re.compile(r"\033\[(?:0|1|2|35|1;31)m")


def _json_escape(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_text(value, stream=None) -> str:
    """`value` as one line of JSON for `stream` (default stdout): characters a terminal
    acts on as \\u escapes, and only ASCII when the stream is not UTF-8."""
    text = json.dumps(value, ensure_ascii=not _is_utf8(stream or sys.stdout))
    return _UNSAFE.sub(_json_escape, text)  # (json.dumps escapes C0 itself; this catches C1, bidi, surrogates)


def _is_utf8(stream) -> bool:
    encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("_", "-")
    return encoding in ("utf-8", "utf8")


def _safe_line(message: str) -> str:
    """`message` with everything unsafe made visible, except the colour codes in it."""
    out, pos = [], 0
    for match in _SGR.finditer(message):
        out.append(terminal_safe(message[pos:match.start()]))
        out.append(match.group())
        pos = match.end()
    out.append(terminal_safe(message[pos:]))
    return "".join(out)


def use_color(choice: str, as_json: bool) -> bool:
    """Whether to colour: never with JSON; 'auto' means a terminal without NO_COLOR."""
    if as_json or choice == "never":
        return False
    if choice == "always":
        return True
    return _isatty(sys.stdout) and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def write(message: str, err: bool = False, color: bool | None = None) -> None:
    """A line on stdout (or stderr), made safe for the terminal, colour codes stripped
    unless `color` (None: on a terminal), in the stream's encoding (what it cannot show replaced)."""
    stream = sys.stderr if err else sys.stdout
    strip = (not color) if color is not None else not _isatty(stream)
    text = _safe_line(message)
    if strip:
        text = _SGR.sub("", text)
    text += "\n"
    if not _is_utf8(stream):
        encoding = getattr(stream, "encoding", None) or "ascii"
        try:
            text = text.encode(encoding, "replace").decode(encoding)
        except LookupError:
            text = text.encode("ascii", "replace").decode("ascii")
    stream.write(text)
    stream.flush()


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except Exception:
        return False


def output_width() -> int | None:
    """The columns to wrap text to: the terminal's (COLUMNS overrides it there); None when stdout is not a terminal."""
    if not _isatty(sys.stdout):
        return None  # piped: one line per line, for grep and scripts (COLUMNS is often set there, by tools too)
    import shutil

    return shutil.get_terminal_size().columns


def show(text: str, colored: bool, no_pager: bool = False) -> None:
    """Text results on stdout: through the pager when on a terminal and longer than the screen (searcher.cli.pager)."""
    to_terminal = _isatty(sys.stdout)
    if to_terminal and not no_pager:
        from . import pager

        command = pager.pager_command()
        if command and pager.should_page(text, to_terminal=True, rows=pager.terminal_rows(), no_pager=no_pager):
            if pager.run_pager(text, command):  # (text rendered without colour holds no escape codes)
                return
    write(text, color=colored)


def print_hits(hits, as_json: bool, colored: bool, context: int, no_pager: bool = False) -> None:
    """Hits as JSON Lines, or as text with snippets (wrapped to the terminal, paged when long)."""
    if as_json:
        for hit in hits:
            write(json_text(hit.as_dict()))
    elif hits:
        from .render import format_hits

        show(format_hits(hits, colored, context, output_width()), colored, no_pager)


def search_and_print(searcher, text: str, *, limit: int = 10, page: int = 1, where: dict | None = None,
                     with_facets: bool = False, context: int = 320, color: str = "auto",
                     as_json: bool = False, cite: str | None = None, no_pager: bool = False,
                     exact: bool = False) -> int:
    """Run `corpus-search search` on an open Searcher; print; return the exit status (0 found, 1 not)."""
    where = {**(where or {}), "exact": exact}
    extra = {"cite": cite} if cite else {}
    hits = searcher.search(text, limit=limit, page=page, **where, **extra)
    for note in searcher.notes(text):  # (after the search: a query that fails is one line of error alone)
        write(f"{PROG}: note: {note}", err=True)
    if not exact:
        for expansion in searcher.expansions(text):
            write(f"{PROG}: note: {expansion_note(expansion)}", err=True)
    facets = searcher.facets(text, **where) if with_facets else None
    suggestion = None
    if len(hits) < FEW_HITS and (facets["total"] if facets else searcher.count(text, **where)) < FEW_HITS:
        suggestion = searcher.suggest(text)
    colored = use_color(color, as_json)
    if as_json:
        print_hits(hits, as_json, colored, context)
    elif hits:
        from .render import format_facets, format_hits

        body = format_hits(hits, colored, context, output_width())
        if facets:
            body += "\n\n" + format_facets(facets, colored)
        show(body, colored, no_pager)
    if not hits:
        from .render import format_shortfall

        why = searcher.why_nothing(text, limit=limit, page=page, **where)
        for line in format_shortfall(why, text, limit):
            write(f"{PROG}: {line}", err=True)
    if suggestion:
        write(f"{PROG}: did you mean: {json_text(suggestion, sys.stderr)}?", err=True)
    if facets and hits and as_json:
        write(json_text({"facets": facets}, sys.stderr), err=True)
    return 0 if hits else 1


def expansion_note(expansion) -> str:
    """The note saying a typed acronym (or long form) was also searched as its other form."""
    return f"{expansion.typed} also searched as {json_text(expansion.also, sys.stderr)} (--exact to turn off)"


def silence_stdout() -> None:
    """After a broken pipe (`| head`): send the rest of stdout nowhere."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
