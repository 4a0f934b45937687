r"""Terminal-safe text: every character a terminal would act on, shown as a visible escape (pure; no I/O).

`searcher.cli.output` re-exports `terminal_safe` and uses it on every line it
writes; `searcher.cli.render` uses it on every value it shows.
"""
from __future__ import annotations

import re

# What a terminal acts on instead of showing: C0 controls (but tab and newline
# when lines are kept), DEL, C1 controls (CSI, OSC, ... as one character),
# the bidirectional controls that reorder what is shown, and lone surrogates
# (bytes that were not UTF-8, as Python decodes argv and file names).
_UNSAFE_CHARS = "\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f{_UNSAFE_CHARS}]")
_UNSAFE_IN_LINE = re.compile(f"[\x00-\x1f{_UNSAFE_CHARS}]")


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str, keep_lines: bool = True) -> str:
    """`text` with every character a terminal would act on written as a visible escape.

    Tab and newline stay when `keep_lines` (a passage's text); otherwise they
    are escaped too (a title, an id, an author: one line each).  Pure: the
    CLI's renderers call it on every value they show.
    """
    return (UNSAFE if keep_lines else _UNSAFE_IN_LINE).sub(_visible, text)
