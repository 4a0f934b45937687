"""Did-you-mean: respell a query's words as words the index actually holds.

A word is respelt when the index does not know it (or knows it from only a
passage or two while a close neighbour is far more common).  Candidates are
indexed stems within a small edit distance; each candidate is shown as the
surface form (a real word of the passages, not a stem) closest to what was
typed, and the closest, then most frequent, candidate wins.

Pure: everything about the index comes through a `Lexicon` of callables, so
`searcher.explore` supplies Whoosh and the tests supply dictionaries.
"""
from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

# Fields whose words are spelt against the text's vocabulary; other fields
# (author, document, kind, date) are left as typed.
CORRECTABLE_FIELDS = frozenset({"text", "title", "section"})
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})
MIN_LENGTH = 4  # shorter words are too ambiguous to respell
RARE = 2  # a word found in at most this many passages may be a typo...
DOMINANCE = 20  # ...when a neighbour is found this many times more often
# The cost of respelling grows with each word (an automaton over the term table):
# past this many words, or a word this long, the rest is left as typed.
MAX_RESPELT_WORDS = 16
MAX_WORD_LENGTH = 40


@dataclass(frozen=True)
class Lexicon:
    """What the suggester needs to know about an index."""

    stems: Callable[[str], list[str]]  # a word as the index analyses it
    frequency: Callable[[str], int]  # passages holding an indexed stem
    near: Callable[[str, int], Iterable[str]]  # indexed stems within an edit distance
    surfaces: Callable[[str], Counter]  # a stem's surface forms (as written), counted


def correct_query(query: str, lexicon: Lexicon) -> str | None:
    """`query` with its misspelt words respelt, or None when there is nothing to change.

    Everything else (operators, quotes, fields, other words) is kept as typed.
    """
    out: list[str] = []
    pos = 0
    changed = False
    for n, (start, end, word) in enumerate(correctable_words(query)):
        if n >= MAX_RESPELT_WORDS:
            break
        better = correct_word(word, lexicon)
        if better is not None:
            out.append(query[pos:start])
            out.append(better)
            pos = end
            changed = True
    if not changed:
        return None
    out.append(query[pos:])
    return "".join(out)


def correct_word(word: str, lexicon: Lexicon) -> str | None:
    """The respelling of one word, in the word's own case pattern, or None."""
    typed = word.casefold()
    if not MIN_LENGTH <= len(typed) <= MAX_WORD_LENGTH:
        return None
    stems = lexicon.stems(word)
    if len(stems) != 1:
        return None  # a stop word, or a word the analyser splits
    stem = stems[0]
    known = lexicon.frequency(stem)
    if known > RARE:
        return None
    maxdist = 1 if len(typed) <= 5 else 2
    best: tuple | None = None
    for candidate in _candidates(typed, stem, maxdist, lexicon):
        frequency = lexicon.frequency(candidate)
        if frequency <= 0 or (known and frequency < known * DOMINANCE):
            continue
        forms: Counter = Counter()
        for form, n in lexicon.surfaces(candidate).items():
            forms[form.casefold()] += n
        if not forms:
            continue
        surface = min(forms, key=lambda s: (spelling_distance(typed, s), edit_distance(typed, s), -forms[s], s))
        distance = spelling_distance(typed, surface)
        if distance > maxdist or surface == typed:
            continue
        # Ties go to the more similar word (difflib's ratio), then the commoner.
        likeness = round(SequenceMatcher(None, typed, _uninflected(typed, surface)).ratio(), 3)
        key = (distance, -likeness, edit_distance(typed, surface), -frequency, surface, candidate)
        if best is None or key < best:
            best = key
    if best is None:
        return None
    written = lexicon.surfaces(best[-1])
    usual = max((f for f in written if f.casefold() == best[-2]), key=lambda f: (written[f], f))
    return usual if _mixed_case(usual) else match_case(word, best[-2])


def _candidates(typed: str, stem: str, maxdist: int, lexicon: Lexicon) -> set[str]:
    """Indexed stems near the typed word, its stem, or its first letters.

    Stemming can shorten a word a lot ("innovation" -> "innov"), so stems
    near a shortened typed word are candidates too; the surface forms decide.
    """
    found = set(lexicon.near(stem, maxdist)) | set(lexicon.near(typed, maxdist))
    for cut in range(1, 4):
        if len(typed) - cut >= MIN_LENGTH:
            found.update(lexicon.near(typed[:-cut], 1))
    found.discard(stem)
    return found


def _mixed_case(word: str) -> bool:
    """Written with capitals inside ("PaddlePaddle") or all capitals ("WTO"): keep as written."""
    return any(ch.isupper() for ch in word[1:])


def correctable_words(query: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, word) of the query's plain words that may be respelt.

    Left out: operators, words of other fields (`author:dign`), prefixes
    (`semi*`), fuzzy words (`term~`) and words with digits.
    """
    skip_next = False  # the next term belongs to a field that is not spelt
    depth = 0  # parentheses opened while skipping a field's group
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup
        if kind == "field":
            skip_next = m.group("name").lower() not in CORRECTABLE_FIELDS
            continue
        if kind == "space":
            continue
        if depth:
            depth += {"(": 1, ")": -1}.get(m.group(), 0)
            continue
        if skip_next:
            skip_next = False
            if m.group() == "(":
                depth = 1
            continue
        if kind == "quote":
            base = m.start() + 1
            for w in _WORD.finditer(m.group("phrase")):
                if _plain(w.group()):
                    yield base + w.start(), base + w.end(), w.group()
        elif kind == "word" and not m.group("suffix") and _plain(m.group("w")):
            yield m.start(), m.start() + len(m.group("w")), m.group("w")


_TOKEN = re.compile(
    r"""(?P<field>(?P<name>[A-Za-z_]\w*):(?=\S))
      | (?P<quote>"(?P<phrase>[^"]*)"?)
      | (?P<word>(?P<w>\w+(?:['’]\w+)*)(?P<suffix>[*?~][^\s()"]*)?)
      | (?P<space>\s+)
      | (?P<other>.)""",
    re.VERBOSE,
)
_WORD = re.compile(r"\w+(?:['’]\w+)*")


def _plain(word: str) -> bool:
    return word not in OPERATORS and not any(ch.isdigit() or ch == "_" for ch in word)


def surface_forms(text: str, tokens: Iterable[tuple[str, int, int]], stem: str) -> Counter:
    """Words of `text`, as written, that analyse to `stem` (possessives dropped), counted."""
    forms: Counter = Counter()
    for token, start, end in tokens:
        if token == stem:
            word = text[start:end]
            forms[re.sub(r"['’][sS]$", "", word)] += 1
    return forms


def match_case(model: str, word: str) -> str:
    """`word` written in the case pattern of `model` (lower, Capitalised or UPPER)."""
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


# English endings a passage's word may carry that a typed word may not: "s" and "es"
# (plurals), "d" and "ed", "ing"; "ies" stands for "y".
_ENDINGS = (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("d", ""), ("ing", ""), ("ing", "e"))


def _stems_of(word: str) -> set[str]:
    """`word` and `word` without each English ending it may carry ("colleagues" -> colleague, colleagu)."""
    found = {word}
    for ending, instead in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            found.add(word[: -len(ending)] + instead)
    return found


def _uninflected(typed: str, word: str) -> str:
    """The form of `word` (itself, or without an ending) nearest to `typed`."""
    return min(sorted(_stems_of(word)), key=lambda form: edit_distance(typed, form))


def spelling_distance(typed: str, surface: str) -> int:
    """Edits from `typed` to `surface`, or to `surface` without an ending when that is nearer (at least 1 unless equal).

    A misspelt "collegue" is one edit from "colleague(s)", as from "college";
    when the passages write only "colleagues", the plain edit distance (two)
    would prefer "college".
    """
    plain = edit_distance(typed, surface)
    return min(plain, max(edit_distance(typed, _uninflected(typed, surface)), 1 if plain else 0))


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance with adjacent transpositions (optimal string alignment)."""
    if a == b:
        return 0
    if not a or not b:
        return len(a) or len(b)
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]
