"""A typed query's shape before Whoosh reads it: its field names, the field terms that restrict, and what was malformed.

Pure text in, text out, so it is tested without an index.  Whoosh's parser
forgives everything silently (an unclosed quote becomes loose words, a stray
bracket or a dangling `AND` vanishes, an unknown field `autor:` becomes a
word); here each such repair is made explicitly and described in a note, so
the user is told how the query was read.

A field term on metadata (`author:ding`, `document:004_b9`, `kind:bio`,
`date:2019`, `title:beijing`, `section:notes`) at the top level of a query
restricts the results, as `--author` does, instead of only adding to the
score; one beside an explicit `OR` (`talent OR author:ding`) or after `NOT`
keeps its boolean meaning.  A top-level bracket holding only metadata field
terms (`(author:ding OR author:allen)`) restricts as a whole.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

BINARY = frozenset({"AND", "OR", "ANDNOT", "ANDMAYBE"})
UNARY = frozenset({"NOT"})
OPERATORS = BINARY | UNARY
# Operators after which a field term keeps its boolean meaning (it is an
# alternative, an exclusion or an optional extra, not a requirement).
_KEEPING = frozenset({"OR", "NOT", "ANDNOT", "ANDMAYBE"})

# `name:` directly followed by a term, a quote, a bracket or a wildcard; not
# part of a word or a URL (`http://`), not a time (`10:30`).
_FIELD = r"(?<![\w.:/\-])[A-Za-z_]\w*:(?=[\w\"(*])"
_PIECE = re.compile(rf'(?P<field>{_FIELD})|(?P<quote>"[^"]*"?)|(?P<open>\()|(?P<close>\))|(?P<word>[^\s()"]+)')
_EMPTY_FIELD = re.compile(r"(?<![\w.:/\-])([A-Za-z_]\w*):(?=\s|$)")


@dataclass(frozen=True)
class Piece:
    kind: str  # field, quote, open, close, word
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Shape:
    """A query as it will be read: the text left to rank by, the restricting field terms, and notes on repairs."""

    text: str  # the query with repairs made and restricting terms taken out
    restrictions: tuple[str, ...] = ()  # field terms (as typed) that every hit must match
    notes: tuple[str, ...] = ()  # one line each: how a malformed part was read


def pieces(text: str) -> list[Piece]:
    """The query's pieces in order: field prefixes, quoted phrases, brackets and other runs."""
    return [Piece(m.lastgroup, m.group(), m.start(), m.end()) for m in _PIECE.finditer(text)]


def field_names(text: str) -> list[str]:
    """The field names the query uses (`author` of `author:ding`), outside quotes, in order."""
    return [p.text[:-1] for p in pieces(text) if p.kind == "field"]


def check_fields(text: str, known: dict[str, str]) -> str | None:
    """An error message naming the first unknown field and the closest known one, or None.

    `known` maps every accepted name (aliases included) to its field.
    """
    for name in field_names(text):
        if name.lower() in known or name in known:
            continue
        fields = sorted(set(known.values()))
        close = difflib.get_close_matches(name.lower(), list(known), n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}:'?)" if close else ""
        return f"unknown field '{name}:'{hint}; the fields are {', '.join(fields)}"
    return None


def shape(text: str, metadata: frozenset[str] | set[str], known: dict[str, str] | None = None) -> Shape:
    """Repair `text` (quotes, brackets, dangling operators, empty fields) and take out its restricting field terms.

    `metadata` holds the names (aliases included) of the fields whose terms
    restrict.  Operators are the capitalised words left as such by
    `searcher.querytext` (which runs first).
    """
    text, notes = repair(text, known)
    rest, restrictions = split_restrictions(text, metadata)
    return Shape(rest, tuple(restrictions), tuple(notes))


def repair(text: str, known: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """`text` with an unclosed quote closed, brackets balanced and dangling operators made words; notes saying so."""
    notes: list[str] = []
    if text.count('"') % 2:
        # The words after an unclosed quote are read as loose words, not as a
        # phrase running to the end of the query (a long pasted query with a
        # stray quote would find nothing).
        start = text.rindex('"')
        text = text[:start] + " " + text[start + 1:]
        words = text[start:].split()
        shown = " ".join(words[:4]) + (" …" if len(words) > 4 else "")
        notes.append(f"the closing quote is missing: '{shown}' read as loose words (close the quote for a phrase)")
    text, bracket_notes = _balance_brackets(text)
    notes += bracket_notes
    if known:
        for m in _EMPTY_FIELD.finditer(_outside_quotes(text, fill='"')):  # (`author:"Ada Lovelace"` has its term)
            if m.group(1).lower() in known:
                notes.append(f"'{m.group(0)}' has no term after it: read as the word '{m.group(1)}' "
                             f"(write {m.group(1)}:term, with no space)")
    text, operator_notes = _dangling_operators(text)
    notes += operator_notes
    return text, notes


def _outside_quotes(text: str, fill: str = " ") -> str:
    """`text` with quoted phrases blanked out (same length; `fill` stands for each of their characters)."""
    return re.sub(r'"[^"]*"?', lambda m: fill * len(m.group()), text)


def _balance_brackets(text: str) -> tuple[str, list[str]]:
    notes = []
    depth = 0
    stray = []
    for p in pieces(text):
        if p.kind == "open":
            depth += 1
        elif p.kind == "close":
            if depth:
                depth -= 1
            else:
                stray.append(p.start)
    for at in reversed(stray):
        text = text[:at] + " " + text[at + 1:]
    if stray:
        notes.append("a ')' with no '(' before it was left out")
    if depth:
        text = text.rstrip() + ")" * depth
        notes.append("a '(' is not closed: read as closed at the end of the query")
    return text, notes


def _dangling_operators(text: str) -> tuple[str, list[str]]:
    """Capitalised operators with no term where one is needed, lowercased (read as words), with a note each."""
    ps = pieces(text)
    if not any(p.kind == "word" and p.text in OPERATORS for p in ps):
        return text, []
    if not any(ch.islower() for ch in _outside_quotes(text)):
        return text, []  # an all-capitals query has no operators (searcher.querytext)
    notes = []
    fixes = []
    for i, p in enumerate(ps):
        if p.kind != "word" or p.text not in OPERATORS:
            continue
        after = ps[i + 1] if i + 1 < len(ps) else None
        before = ps[i - 1] if i > 0 else None
        term_after = after is not None and after.kind != "close" and after.text not in BINARY
        term_before = before is not None and before.kind not in ("open", "field") and before.text not in OPERATORS
        ok = term_after if p.text in UNARY else (term_before and term_after)
        if not ok:
            fixes.append(p)
            side = "after" if p.text in UNARY or term_before else "before"
            notes.append(f"'{p.text}' has no term {side} it: read as a word, not an operator")
    for p in reversed(fixes):
        text = text[:p.start] + p.text.lower() + text[p.end:]
    return text, notes


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    field: str | None  # the field of a field term, "*" for a bracket of metadata terms only, None otherwise
    operator: str | None = None  # set when the unit is an operator word


def _units(text: str, metadata) -> list[_Unit]:
    """The top-level units of `text`: operators, field terms (with their term or bracket), words, brackets."""
    ps = pieces(text)
    units: list[_Unit] = []
    i = 0
    while i < len(ps):
        p = ps[i]
        if p.kind == "word" and p.text in OPERATORS:
            units.append(_Unit(p.start, p.end, None, p.text))
            i += 1
            continue
        field = p.text[:-1].lower() if p.kind == "field" else None
        j = i + 1 if p.kind == "field" else i
        if j >= len(ps):
            units.append(_Unit(p.start, p.end, None))
            break
        if ps[j].kind == "open":
            depth, k = 0, j
            while k < len(ps):
                depth += {"open": 1, "close": -1}.get(ps[k].kind, 0)
                if depth == 0:
                    break
                k += 1
            k = min(k, len(ps) - 1)
            if field is None and _only_metadata(ps[j + 1:k], metadata):
                field = "*"
            units.append(_Unit(p.start, ps[k].end, field))
            i = k + 1
        else:
            units.append(_Unit(p.start, ps[j].end, field))
            i = j + 1
    return units


def _only_metadata(inner: list[Piece], metadata) -> bool:
    """Whether a bracket's pieces are metadata field terms joined by operators."""
    seen = False
    for n, p in enumerate(inner):
        if p.kind == "field":
            if p.text[:-1].lower() not in metadata:
                return False
            seen = True
        elif p.kind in ("word", "quote"):
            if p.kind == "word" and p.text in OPERATORS:
                continue
            if n == 0 or inner[n - 1].kind != "field":
                return False
        elif p.kind in ("open", "close"):
            return False
    return seen


def split_restrictions(text: str, metadata) -> tuple[str, list[str]]:
    """(the query without its restricting field terms, those terms as typed)."""
    units = _units(text, metadata)
    drop: set[int] = set()
    restrictions = []
    for n, unit in enumerate(units):
        if unit.field is None or (unit.field != "*" and unit.field not in metadata):
            continue
        before = units[n - 1].operator if n > 0 else None
        after = units[n + 1].operator if n + 1 < len(units) else None
        if before in _KEEPING or after in _KEEPING:
            continue
        restrictions.append(text[unit.start:unit.end])
        drop.add(n)
        if before == "AND":
            drop.add(n - 1)
        elif after == "AND":
            drop.add(n + 1)
    if not restrictions:
        return text, []
    kept = []
    pos = 0
    for n, unit in enumerate(units):
        if n in drop:
            kept.append(text[pos:unit.start])
            pos = unit.end
    kept.append(text[pos:])
    rest = " ".join("".join(kept).split())
    return rest, restrictions


_WORD = re.compile(r"\w+(?:['’.]\w+)*")


def outside_field_terms(text: str, keep: tuple[str, ...] = ()):
    """The pieces of `text` outside the field terms' arguments (`title:x`, `title:(a b)`): the field
    pieces themselves are given, their arguments only for the fields named in `keep` (lower case)."""
    depth = 0  # brackets opened by a field term (`title:(a OR b)`)
    skip_next = False
    for p in pieces(text):
        if depth:
            depth += {"open": 1, "close": -1}.get(p.kind, 0)
            continue
        if skip_next:
            skip_next = False
            if p.kind == "open":
                depth = 1
            continue
        if p.kind == "field":
            skip_next = p.text[:-1].lower() not in keep
        yield p


def plain_words(text: str) -> list[str]:
    """The words of `text` searched in the passages' text: not operators, not field terms, not `prefix*` or `term~`."""
    words = []
    for p in outside_field_terms(text, keep=("text",)):
        if p.kind == "word" and (p.text in OPERATORS or any(ch in p.text for ch in "*~")):
            continue
        if p.kind in ("word", "quote"):
            words += _WORD.findall(p.text)
    return words
