"""What a typed query means before it is parsed: which capitalised words are operators, and that "?" is punctuation.

`AND`, `OR` and `NOT` are operators only where someone who means an operator
would type them: in a query that also has lowercase letters, with `AND`/`OR`
between two terms and `NOT` before one.  Anywhere else (`ANALYSIS AND DESIGN`,
a title typed in capitals; `chips AND`; `OR gates`) they are words, as
search engines read them.  A question mark is punctuation (`What is SMIC?`),
never a one-letter wildcard: natural-language questions must work as typed;
`prefix*` stays the wildcard.
"""
from __future__ import annotations

import re

BINARY = frozenset({"AND", "OR", "ANDNOT", "ANDMAYBE"})
UNARY = frozenset({"NOT"})

# A quoted phrase (to the closing quote, or to the end when unclosed), a
# bracket, or a run of anything else up to a space, bracket or quote.
_PIECE = re.compile(r'"[^"]*"?|[()]|[^\s()"]+')


def plain_query(text: str) -> str:
    """`text` with "?" made a space and the operator words that are not operators lowercased (made words)."""
    text = text.replace("?", " ")
    pieces = [(m.start(), m.end(), m.group()) for m in _PIECE.finditer(text)]
    if not any(p in BINARY or p in UNARY for _, _, p in pieces):
        return text
    all_capitals = not any(ch.islower() for ch in text)
    words = []
    for i, (start, end, piece) in enumerate(pieces):
        if piece in BINARY or piece in UNARY:
            if all_capitals or not _operator_at(pieces, i):
                words.append((start, end))
    for start, end in reversed(words):
        text = text[:start] + text[start:end].lower() + text[end:]
    return text


def _operator_at(pieces: list[tuple[int, int, str]], i: int) -> bool:
    """Whether the operator word at `i` stands where an operator can: NOT before a term, the others between two."""
    word = pieces[i][2]
    after = pieces[i + 1][2] if i + 1 < len(pieces) else None
    term_after = after is not None and after != ")" and after not in BINARY
    if word in UNARY:
        return term_after
    before = pieces[i - 1][2] if i > 0 else None
    term_before = before is not None and before != "(" and before not in BINARY and before not in UNARY
    return term_before and term_after
