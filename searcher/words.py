"""The words of a text as the index holds them (stems) with their character offsets, in one loop.

Highlighting a hit analyses its text again to find where the query's words
stand.  Whoosh's analyser passes each token through six chained generators
(tokenizer, CJK pairs, lowercase, fold, stop words, a stemmer behind an LFU
cache that keeps books in Python on every call): two thirds of the time of
reading a top-10 page's highlights on SciFact (benchmarks/RESULTS.md).
`word_spans` does the same steps in one loop with a plain dict in front of
the stemmer, and gives exactly what the analyser gives in query mode
(`tests/test_words.py` compares them on arbitrary text).
"""
from __future__ import annotations

from typing import Callable

# Stems remembered before the memo starts afresh (bounded memory).
MEMO_SIZE = 100_000

Spans = Callable[[str], list[tuple[str, int, int]]]


def word_spans(analyzer) -> Spans | None:
    """A function text -> [(stem, start, end)], as `analyzer(text, chars=True, mode="query",
    removestops=True)` gives them; None if `analyzer` is not made as `indexer.schema.english_analyzer()`."""
    from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter

    from indexer.schema import CJKBigramFilter, FoldFilter, cjk_pieces, fold, has_cjk, simplified
    from indexer.whoosh_internals import stem_function

    items = getattr(analyzer, "items", ())
    kinds = (RegexTokenizer, CJKBigramFilter, LowercaseFilter, FoldFilter, StopFilter, StemFilter)
    if len(items) != len(kinds) or any(type(item) is not kind for item, kind in zip(items, kinds)):
        return None
    tokenizer, _, _, _, stop, stem_filter = items
    if tokenizer.gaps or stop.max is not None:
        return None
    finditer, stops, minsize, ignore = tokenizer.expression.finditer, stop.stops, stop.min, stem_filter.ignore
    stem = stem_function(stem_filter)
    memo: dict[str, str] = {}

    def spans(text: str) -> list[tuple[str, int, int]]:
        out = []
        for match in finditer(text):
            raw = match.group()
            start = match.start()
            if has_cjk(raw):
                raw = simplified(raw)
                pieces = [(raw[a:b], start + a, start + b) for a, b in cjk_pieces(raw)]
            else:
                pieces = ((raw, start, match.end()),)
            for piece, s, e in pieces:
                word = fold(piece.lower())
                if not word or len(word) < minsize or word in stops:
                    continue
                if word not in ignore:
                    try:
                        word = memo[word]
                    except KeyError:
                        if len(memo) >= MEMO_SIZE:
                            memo.clear()
                        stemmed = memo[word] = stem(word)
                        word = stemmed
                out.append((word, s, e))
        return out

    return spans
