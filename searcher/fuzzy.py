"""`term~`: spelt-alike words, measured on the word as typed as well as on its stem.

The parser stems a fuzzy word before comparing it with the index's stems, and
stemming a misspelling often moves it away from the right word: the stem of
"semiconducter" is "semiconduct", two edits from the indexed "semiconductor",
though the typed word is one edit from it.  So each fuzzy term also tries the
word as typed (lowercased) at the same distance.
"""
from __future__ import annotations

import re
from typing import Callable

_FUZZY_WORD = re.compile(r"(\w+(?:['’]\w+)*)~")


def widen_fuzzy_terms(parsed, query_text: str, stems: Callable[[str], list[str]]):
    """`parsed` with each fuzzy term on a stem also matching the typed word(s) it came from."""
    from whoosh import query as q

    typed: dict[str, set[str]] = {}
    for match in _FUZZY_WORD.finditer(query_text):
        word = match.group(1)
        for stem in stems(word):
            typed.setdefault(stem, set()).add(word.casefold())

    def widen(node):
        if isinstance(node, q.FuzzyTerm):
            spellings = sorted(typed.get(node.text, set()) - {node.text})
            if spellings:
                alike = [
                    q.FuzzyTerm(node.fieldname, word, boost=node.boost, maxdist=node.maxdist,
                                prefixlength=node.prefixlength)
                    for word in spellings
                ]
                return q.Or([node] + alike)
            return node
        if node.is_leaf():
            return node
        return node.apply(widen)

    return widen(parsed) if typed else parsed
