"""Acronyms in a query: the typed words that are an acronym or a long form the indexed text defines, and the other form of each.

The table comes with the index (`indexer.layout.read_acronyms`, made at
indexing time by `corpus.acronyms`).  Pure text in, plain values out: the
query reader (`searcher.query`) searches the other form beside the typed one
(`searcher.ranking.add_alternative`).

Only plain typed words are read: not a quoted phrase, not a field term
(`title:MIIT`), not `MIIT*` or `MIIT~`.  An acronym is matched as the text
defines it, capitals and all (`MIIT`, `hESCs`; not `miit`, so that `most` is
never the Ministry of Science and Technology); a long form in any case, with
or without hyphens (`ministry of industry and information technology`).
A word under NOT keeps its meaning: `NOT MIIT` leaves out both forms.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from corpus.acronyms import long_form_key

from .querysyntax import OPERATORS, outside_field_terms

# Around a typed acronym: quotes and punctuation, and a possessive ("MIIT's").
_AROUND = re.compile(r"^[\"'‘“(\[]*(?P<core>.+?)(?:['’]s)?[.,;:!'’”)\]]*$")

_PUNCTUATION = "\"'‘“”’()[].,;:!?"


@dataclass(frozen=True)
class Expansion:
    """A typed acronym or long form (`typed`, as typed) and the other form searched too (`also`)."""

    typed: str
    also: str
    acronym: bool  # whether `typed` is the acronym (`also` its long form), not the long form


class Acronyms:
    """The acronyms table of an index, both ways: {short form: long form} and long forms to short forms."""

    def __init__(self, table: Mapping[str, tuple[str, int]]):
        self.long_of = {short: long for short, (long, _) in table.items()}
        best: dict[str, tuple[int, str]] = {}
        for short, (long, n) in table.items():
            key = long_form_key(long)
            if key and (key not in best or (n, short) > best[key]):
                best[key] = (n, short)
        # A long form two short forms stand for (ALP, ALPase) is searched as the one defined more often.
        self.short_of = {key: short for key, (_, short) in best.items()}
        self.longest = max((len(key.split()) for key in self.short_of), default=0)

    def __len__(self) -> int:
        return len(self.long_of)


def find_expansions(text: str, acronyms: Acronyms) -> list[Expansion]:
    """The acronyms and long forms typed in `text` (a query, field terms left out), each with its other form."""
    if not len(acronyms):
        return []
    runs = _plain_runs(text)
    typed_keys = {long_form_key(" ".join(run)) for run in runs}
    found: list[Expansion] = []
    for run in runs:
        i = 0
        while i < len(run):
            hit = _long_form_at(run, i, acronyms)
            if hit is not None:
                end, short = hit
                if short not in _cores(runs):
                    found.append(Expansion(" ".join(run[i:end]).strip(_PUNCTUATION), short, acronym=False))
                i = end
                continue
            core = _core(run[i])
            long = acronyms.long_of.get(core)
            if long is not None and not any(long_form_key(long) in key for key in typed_keys):
                found.append(Expansion(core, long, acronym=True))
            i += 1
    return list(dict.fromkeys(found))


def _long_form_at(run: list[str], i: int, acronyms: Acronyms) -> tuple[int, str] | None:
    """(end, short form) of the longest long form starting at word `i` of `run`, or None."""
    if acronyms.longest < 2:
        return None
    for end in range(min(len(run), i + acronyms.longest + 2), i + 1, -1):
        short = acronyms.short_of.get(long_form_key(" ".join(run[i:end])))
        if short is not None:
            return end, short
    return None


def _core(word: str) -> str:
    match = _AROUND.match(word)
    return match.group("core") if match else word


def _cores(runs: list[list[str]]) -> set[str]:
    return {_core(w) for run in runs for w in run}


def _plain_runs(text: str) -> list[list[str]]:
    """The runs of plain typed words (no quotes, field terms, operators, brackets, wildcards or `~`/`^`)."""
    runs: list[list[str]] = [[]]
    for p in outside_field_terms(text):
        if p.kind == "word" and p.text not in OPERATORS and not any(ch in p.text for ch in "*~^:"):
            runs[-1].append(p.text)
            continue
        if runs[-1]:
            runs.append([])
    return [run for run in runs if run]
