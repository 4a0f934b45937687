"""Fitting text to the terminal: wrapping with a hanging indent, and section paths shortened in the middle.

Widths are counted in terminal columns: colour codes take none, wide
(Chinese, Japanese, Korean) characters two, combining marks none.  The
standard library's `unicodedata` does this: the `wcwidth` package would
too, but costs 11 ms to import on a cold search and twice the time per line
(measured), for emoji sequences the reports do not hold.
"""
from __future__ import annotations

import re
import unicodedata

_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")
_SPACES = re.compile(r"(\s+)")
ELLIPSIS = "…"
PATH_SEPARATOR = " › "
FIRST_PART_MIN = 16  # columns a shortened path's first part keeps, at least
NARROWEST = 30  # below this many columns, wrapping helps no one: lines are left as they are


def columns(text: str) -> int:
    """The terminal columns `text` takes (colour codes none, wide characters two)."""
    text = _ANSI.sub("", text)
    if text.isascii():
        return len(text)
    return sum(_char_columns(ch) for ch in text)


def _char_columns(ch: str) -> int:
    if unicodedata.combining(ch) or ch in "\u200b\u200c\u200d\ufeff":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def wrap(line: str, width: int | None, indent: str = "   ") -> str:
    """`line` broken at spaces into lines of at most `width` columns, each after the first starting with `indent`.

    The line's own leading spaces are kept on its first line.  A word longer
    than a line (a URL) is cut at the width; colour codes never are.  No
    `width` (output not to a terminal) leaves the line as it is.
    """
    if width is None or width < NARROWEST or columns(line) <= width:
        return line
    lead = line[: len(line) - len(line.lstrip(" "))]
    out: list[str] = []
    current, used = lead, columns(lead)
    start = used  # columns taken before the first word of the current line
    for word in line[len(lead):].split(" "):
        if not word:
            continue
        size = columns(word)
        if used > start and used + 1 + size > width:
            out.append(current)
            current, used = indent, columns(indent)
            start = used
        if used > start:
            current += " "
            used += 1
        while used + size > width:  # a word longer than a whole line (a URL): cut it
            head, word = _cut(word, width - used)
            out.append(current + head)
            current, used = indent, columns(indent)
            start = used
            size = columns(word)
        current += word
        used += size
    out.append(current)
    return "\n".join(out)


def _cut(word: str, room: int) -> tuple[str, str]:
    """`word` split so that the head takes at most `room` columns (colour codes kept whole)."""
    used = 0
    pos = 0
    while pos < len(word):
        m = _ANSI.match(word, pos)
        if m:
            pos = m.end()
            continue
        size = _char_columns(word[pos])
        if used + size > room:
            break
        used += size
        pos += 1
    pos = max(pos, 1)
    return word[:pos], word[pos:]


def shorten_path(path: str, width: int, separator: str = " / ") -> str:
    """A section path (`A / B / C`) fitted to `width` columns: middle parts become `…`, then long parts are cut.

    `Key Judgments / ... / Chinese leaders see AI as ...` becomes
    `Key Judgments › … › Chinese leaders see…`; a path that fits is only
    given the `›` separator.
    """
    parts = [p.strip() for p in path.split(separator) if p.strip()]
    if not parts:
        return path
    shown = PATH_SEPARATOR.join(parts)
    if columns(shown) <= width:
        return shown
    if len(parts) > 2:
        parts = [parts[0], ELLIPSIS, parts[-1]]
    # The last part says most about the passage: the first is cut before it.
    fixed = columns(PATH_SEPARATOR.join(parts[1:])) + columns(PATH_SEPARATOR)
    if len(parts) > 1 and fixed + columns(parts[0]) > width:
        parts[0] = _truncate(parts[0], max(width - fixed, FIRST_PART_MIN))
    excess = columns(PATH_SEPARATOR.join(parts)) - width
    if excess > 0:
        parts[-1] = _truncate(parts[-1], max(columns(parts[-1]) - excess, 8))
    return PATH_SEPARATOR.join(parts)


def _truncate(text: str, width: int) -> str:
    """`text` cut to at most `width` columns, at a word boundary where one is near, ending in `…`."""
    if columns(text) <= width:
        return text
    head, _ = _cut(text, max(width - 1, 1))
    space = head.rfind(" ")
    if space >= len(head) * 2 // 3:
        head = head[:space]
    return head.rstrip(" ,;:.") + ELLIPSIS
