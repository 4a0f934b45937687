"""The one place that knows the index's shape: its schema and analyzer.

Both the indexer (writing) and the searcher (reading) import this module, so
the text is analysed the same way on both sides.  It imports Whoosh, the
standard library and `indexer.whoosh_internals` only: the search path must
stay light.  Where the index lives on disk is `indexer.layout`'s business.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from whoosh import fields
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter

from .whoosh_internals import stem_function

# Words joined by an apostrophe or a dot stay one token ("U.S.", "don't");
# hyphenated words are split into their parts ("state-led" -> state, led).
TOKEN_PATTERN = r"\w+(?:['’.]\w+)*"

# English function words: articles, pronouns, auxiliaries, conjunctions and
# question words.  Words that carry a claim's meaning are kept: negation and
# comparison ("not", "no", "more", "only"), direction and time ("after",
# "before", "between", "against", "under", "up"), and all content words
# ("made", "china"), so phrases keep their meaning words.
STOP_WORDS = frozenset(
    """a am an and any are as at be because been being both but by can could did do does
    doing each for from had has have having he her here hers herself him himself his how
    i if in into is it its itself just me my myself nor of on or our ours ourselves she
    should so some such than that the their theirs them themselves then there these they
    this those through to was we were what when where which while who whom why will with
    would you your yours yourself yourselves""".split()
)


def fold(text: str) -> str:
    """Fold a token: NFKC, accents and tone marks off ("café" -> "cafe", "zìzhŭ" -> "zizhu"), an English
    possessive and dots dropped ("China's" -> "China", "U.S." -> "US"); may give "" (the token is dropped)."""
    if not text.isascii():  # (most tokens are ASCII and skip this)
        text = unicodedata.normalize("NFKC", text).replace("’", "'")
        if not text.isascii():
            text = _without_marks(text)
    if text.endswith("'s"):
        text = text[:-2]
    if "." in text:
        text = text.replace(".", "")
    return text


def _without_marks(text: str) -> str:
    """`text` with its combining marks (accents, tone marks) removed; other letters as they were.

    Decomposed (NFD), marks dropped, composed again (NFC), so that Hangul
    syllables, which decompose into letters, not marks, come back whole.
    """
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", kept) if kept != decomposed else text


# Chinese, Japanese and Korean letters: Han, kana and Hangul.  These scripts
# do not put spaces between words, so a run of them is indexed as overlapping
# pairs of characters ("自主创新" -> 自主, 主创, 创新), as Lucene's CJK analyser
# does: any word of two or more characters is found as the pairs it is made
# of, with no dictionary.  A lone character is indexed alone.
CJK = (
    "ᄀ-ᇿ⺀-⿟々぀-ヿ㄰-㆏ㇰ-ㇿ㐀-䶿"
    "一-鿿ꥠ-꥿가-힯豈-﫿ｦ-ﾟ𠀀-𱍏"
)
_CJK_RUN = re.compile(f"[{CJK}]+")


def cjk_pieces(word: str) -> list[tuple[int, int]]:
    """(start, end) of the pieces a token is indexed as: its non-CJK parts whole, its CJK runs as overlapping pairs."""
    pieces: list[tuple[int, int]] = []
    pos = 0
    for run in _CJK_RUN.finditer(word):
        if run.start() > pos:
            pieces.append((pos, run.start()))
        start, end = run.span()
        if end - start == 1:
            pieces.append((start, end))
        else:
            pieces.extend((i, i + 2) for i in range(start, end - 1))
        pos = end
    if pos < len(word):
        pieces.append((pos, len(word)))
    return pieces


def has_cjk(word: str) -> bool:
    return not word.isascii() and _CJK_RUN.search(word) is not None


def simplified(word: str) -> str:
    """`word` with its traditional Chinese characters written simplified (OpenCC's t2s), character for character.

    So "國產化" and "国产化" index and search alike.  OpenCC is imported only
    when a CJK token is first met (about 15-35 ms with its dictionary, measured;
    then about a microsecond a word), so English text never pays for it.  A
    conversion that would change the length (a phrase rule) is done
    character by character instead, so that character offsets stay true.
    """
    convert = _t2s()
    out = convert(word)
    if len(out) != len(word):
        out = "".join(c if len(c) == 1 else ch for ch, c in ((ch, convert(ch)) for ch in word))
    return out


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s").convert


class CJKBigramFilter(Filter):
    """Split each token's CJK runs into overlapping pairs of characters (see `cjk_pieces`); others pass as they are.

    Runs right after the tokenizer, while a token's text is still the
    document's own (so its character offsets can be worked out); positions
    after a split token move up by the pieces it added.
    """

    def __call__(self, tokens):
        shift = 0
        for t in tokens:
            text = t.text
            if not has_cjk(text):
                if shift and t.positions:
                    t.pos += shift
                yield t
                continue
            text = simplified(text)
            pieces = cjk_pieces(text)
            pos = t.pos + shift if t.positions else 0
            start = t.startchar if t.chars else 0
            for n, (a, b) in enumerate(pieces):
                t.text = text[a:b]
                if t.positions:
                    t.pos = pos + n
                if t.chars:
                    t.startchar, t.endchar = start + a, start + b
                yield t
            shift += len(pieces) - 1

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self))


class FoldFilter(Filter):
    """`fold` each token; tokens that fold to nothing are dropped."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = text = fold(t.text)
            if text:
                yield t

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self))


class EnglishText(fields.TEXT):
    """A TEXT field whose indexing runs the English analyser's steps in one loop.

    Whoosh passes every token through five chained generators (tokenizer,
    lowercase, fold, stop words, stemmer) and then groups the tokens by word;
    for a passage's text, title and section that is a fifth of an indexing
    worker's time.  `index` here does the same steps in one loop and gives
    exactly what `fields.TEXT.index` gives (the same words, frequencies,
    weights and encoded positions, in the same order; tested on arbitrary
    text).  A field whose analyser or format is not the one this loop
    mirrors, and any call with options, goes Whoosh's way.  Searching is
    unchanged: queries and highlights use the analyser itself.
    """

    def index(self, value, **kwargs):
        steps = self._steps()
        if steps is None or kwargs or not isinstance(value, str):
            return super().index(value, **kwargs)
        return _english_postings(value, *steps)

    def _steps(self):
        try:
            return self.__dict__["_fused"]
        except KeyError:
            steps = self.__dict__["_fused"] = _fusable_steps(self)
            return steps

    def __getstate__(self):
        # The cached steps are of this process (the stemmer's memo); never pickled.
        return {k: v for k, v in self.__dict__.items() if k != "_fused"}


# Raw tokens remembered per field with the word each indexes as (bounded memory:
# the memo starts afresh past this many).
WORD_MEMO_SIZE = 200_000
# Positions below this have their one-position encoding remembered.
SINGLE_POSITION_MEMO = 4096


def _fusable_steps(field):
    """The steps of the one loop (see `_english_postings`) if `field` analyses as english_analyzer() does."""
    from whoosh.formats import Positions

    items = getattr(field.analyzer, "items", ())
    kinds = (RegexTokenizer, CJKBigramFilter, LowercaseFilter, FoldFilter, StopFilter, StemFilter)
    if (type(field.format) is not Positions or len(items) != len(kinds)
            or any(type(item) is not kind for item, kind in zip(items, kinds))):
        return None
    tokenizer, _, _, _, stop, stem = items
    if tokenizer.gaps or tokenizer.expression.groups or stop.max is not None or not stop.renumber or stem.ignore:
        return None
    # (findall gives the whole match only for a pattern without groups.)
    return tokenizer.expression.findall, stop.stops, stop.min, stem, field.format, {}, {}


def _english_postings(value, findall, stops, minsize, stem_filter, fmt, words, singles):
    """What `fields.TEXT.index` gives for `value` through the English analyser, in one loop.

    `words` remembers, for each raw token seen (CJK tokens aside), the UTF-8
    word it indexes as (b"" when it is dropped), so a repeated token costs
    one look-up; `singles` the encoding of a word found at one position.
    Text with CJK tokens goes token by token (`_english_postings_each`).
    """
    tokens = findall(value)
    got = list(map(words.get, tokens))
    if None in got:
        missed = [n for n, word in enumerate(got) if word is None]
        if any(has_cjk(tokens[n]) for n in missed):
            return _english_postings_each(tokens, stops, minsize, stem_filter, fmt, words, singles)
        stem = stem_function(stem_filter)  # looked up per call: indexing may swap in a memo
        for n in missed:
            if len(words) >= WORD_MEMO_SIZE:
                words.clear()
            got[n] = words[tokens[n]] = _index_word(tokens[n], stops, minsize, stem)
    # Stop words are dropped and the positions renumbered: the first word kept
    # keeps the tokenizer's position, the next ones follow it.
    pos = next((n for n, word in enumerate(got) if word), 0)
    positions: dict[bytes, list[int]] = {}
    for word in filter(None, got):
        try:
            positions[word].append(pos)
        except KeyError:
            positions[word] = [pos]
        pos += 1
    return _postings(positions, fmt, singles)


def _english_postings_each(tokens, stops, minsize, stem_filter, fmt, words, singles):
    """`_english_postings` token by token, CJK runs split into pairs of characters."""
    stem = stem_function(stem_filter)
    positions: dict[bytes, list[int]] = {}
    pos = None
    shift = 0  # positions added by CJK runs split into pairs
    for n, raw in enumerate(tokens):
        word = words.get(raw)
        if word is None:
            if has_cjk(raw):
                raw = simplified(raw)
                pieces = [raw[a:b] for a, b in cjk_pieces(raw)]
                shift += len(pieces) - 1
                first = n + shift - len(pieces) + 1
                for offset, piece in enumerate(pieces):
                    word = _index_word(piece, stops, minsize, stem)
                    if word:
                        pos = first + offset if pos is None else pos + 1
                        positions.setdefault(word, []).append(pos)
                continue
            if len(words) >= WORD_MEMO_SIZE:
                words.clear()
            word = words[raw] = _index_word(raw, stops, minsize, stem)
        if not word:
            continue
        # Stop words are dropped and the positions renumbered: the first word
        # kept keeps the tokenizer's position, the next ones follow it.
        pos = n + shift if pos is None else pos + 1
        try:
            positions[word].append(pos)
        except KeyError:
            positions[word] = [pos]
    return _postings(positions, fmt, singles)


def _postings(positions: dict[bytes, list[int]], fmt, singles: dict) -> list[tuple]:
    """(word, frequency, weight, encoded positions) for each word, as `Positions.word_values` gives them."""
    boost, encode = fmt.field_boost, fmt.encode
    one = float(1) * boost
    out = []
    for word, poses in positions.items():
        if len(poses) == 1:
            first = poses[0]
            value = singles.get(first)
            if value is None:
                value = encode(poses)
                if first < SINGLE_POSITION_MEMO:
                    singles[first] = value
            out.append((word, 1, one, value))
        else:
            out.append((word, len(poses), float(len(poses)) * boost, encode(poses)))
    return out


def _index_word(token: str, stops, minsize: int, stem) -> bytes:
    """The UTF-8 word a token (or a CJK piece) indexes as: lowercased, folded, stemmed; b"" if dropped."""
    word = fold(token.lower())
    if not word or len(word) < minsize or word in stops:
        return b""
    return stem(word).encode("utf-8")


def english_analyzer():
    """Tokenize, split CJK runs into pairs, lowercase, fold, drop stop words, Snowball-stem (shared by index and query)."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | CJKBigramFilter()
        | LowercaseFilter()
        | FoldFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=1)
        | StemFilter(lang="en", cachesize=100_000)
    )


def name_analyzer():
    """For people's names and headings matched word by word: lowercase, no stemming."""
    return RegexTokenizer(r"\w+") | LowercaseFilter() | FoldFilter()


def build_schema() -> fields.Schema:
    text = english_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        document=fields.ID(stored=True, sortable=True),
        path=fields.ID(stored=True),
        ordinal=fields.STORED(),  # the passage's place in its document (shown, never searched)
        kind=fields.ID(stored=True, sortable=True),
        title=EnglishText(analyzer=text, stored=True, field_boost=1.0),
        section=EnglishText(analyzer=text, stored=True, field_boost=1.0),
        text=EnglishText(analyzer=text, stored=True, phrase=True),
        # who: every author's full name as one keyword (exact filter, display form)
        author_name=fields.KEYWORD(commas=True, lowercase=False, scorable=False),
        # author: the names word by word, for `author:ding` in queries
        author=fields.TEXT(analyzer=name_analyzer(), phrase=False),
        section_words=fields.TEXT(analyzer=name_analyzer(), phrase=False),
        authors=fields.STORED(),
        date=fields.ID(stored=True),
        page=fields.STORED(),  # the printed page label ("12", "12-13"), for paged documents
        start=fields.STORED(),
        end=fields.STORED(),
        sentences=fields.STORED(),
        text_hash=fields.ID(stored=True, sortable=True),
        # fingerprints of the passage's sentences: the same passage in another document
        sentence_keys=fields.KEYWORD(stored=True, scorable=False),
        # the document's record (indexer.document_meta), on its first passage only
        document_meta=fields.STORED(),
    )


# The fields a query may name (`field:term`), and the fields plain words search.
QUERY_FIELDS = ("text", "title", "section", "author", "document", "kind", "date")
SEARCH_FIELDS = ("text", "title", "section")
