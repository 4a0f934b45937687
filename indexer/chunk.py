"""Chunk structured documents into passages of a few sentences to a paragraph."""
from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterator

from corpus.model import Block, Document
from corpus.paging import join_pages

from .sentences import SpanSplitter

MAX_WORDS = 160  # a paragraph longer than this is split at sentence boundaries
TARGET_WORDS = 110  # ...into pieces of about this many words
MIN_WORDS = 35  # a paragraph shorter than this joins its neighbour (same section, speaker, kind)
BLOCK_JOINER = "\n\n"
# A document that is one paragraph of at most this many words (an abstract, a
# JSON Lines record) stays one passage: splitting it would only scatter its
# evidence over passages that each rank lower than the whole.
WHOLE_MAX_WORDS = 1000
# No passage is longer than this many characters, whatever the text: a text
# without sentence breaks (or unspaced Chinese or Japanese, which has no
# spaces to count words by) is cut at sentence ends, then clause marks, then
# spaces, then between characters.  (Far above any passage of ordinary prose:
# WHOLE_MAX_WORDS of English are about 7,000 characters.)
MAX_PASSAGE_CHARS = 12_000
# The boundaries tried in turn inside a stretch too long for one passage; each
# pattern matches where a cut may fall (after the match).
_CUTS = (
    re.compile(r"[.!?\u3002\uff01\uff1f\u2026]+[\"')\]\u201d\u2019\u300d\u300f\uff09]*\s*|"
               r"[\u3002\uff01\uff1f]"),   # sentence ends, Latin and CJK (。！？)
    re.compile(r"[,;:\uff0c\uff1b\uff1a\u3001]\s*|\s[-\u2013\u2014]\s"),  # clauses (，；：、) and dashes
    re.compile(r"\s+"),  # words
)


@dataclass(frozen=True)
class Passage:
    id: str
    document: str
    path: str
    ordinal: int
    title: str
    authors: tuple[str, ...]
    section: str
    kind: str
    text: str
    start: int  # character offsets into the document's cleaned text
    end: int
    sentences: tuple[tuple[int, int], ...]  # sentence spans, relative to `text`
    date: str = ""
    page: str = ""  # the printed page ("12", or "12-13" across a break); "" for unpaged documents

    @property
    def text_hash(self) -> str:
        return text_fingerprint(self.text)

    @property
    def sentence_keys(self) -> tuple[str, ...]:
        return sentence_keys(self.text, self.sentences)

    def fingerprints(self) -> tuple[str, tuple[str, ...]]:
        """(`text_hash`, `sentence_keys`), the text's words found once where they can be."""
        words_of = [_words(self.text[s:e]) for s, e in self.sentences]
        if _sentences_hold_every_word(self.text, self.sentences):
            words = list(itertools.chain.from_iterable(words_of))
        else:
            words = _words(self.text)
        return _fingerprint(words), _keys(words_of)


_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _fingerprint(words: list[str]) -> str:
    return hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()[:16]


def text_fingerprint(text: str) -> str:
    """The same words in the same order give the same fingerprint (case and spacing aside)."""
    return _fingerprint(_words(text))


def _sentences_hold_every_word(text: str, spans) -> bool:
    """Whether the words of `text` are those of its sentences one after the other.

    So when the sentences are in order, cut no word, and leave out no word
    character, and lowercasing changes no length and depends on no
    neighbour (ASCII text): a sentence's lowercased words are then the
    whole text's, between its ends.
    """
    if not text.isascii():
        return False
    at = 0
    for s, e in spans:
        if s < at or e < s or _WORD.search(text, at, s) or _cuts_a_word(text, s) or _cuts_a_word(text, e):
            return False
        at = e
    return not _WORD.search(text, at)


def _cuts_a_word(text: str, at: int) -> bool:
    return 0 < at < len(text) and _WORD.fullmatch(text, at - 1, at + 1) is not None


# Sentences shorter than this are too common ("Thank you.") to identify a passage.
MIN_KEY_WORDS = 6


def sentence_keys(text: str, spans: tuple[tuple[int, int], ...] | list) -> tuple[str, ...]:
    """Fingerprints of a passage's longer sentences, for finding the same passage elsewhere.

    Two extractions of one article chunk differently, but their sentences are
    the same words: passages that share most sentence keys are one passage.
    """
    return _keys([_words(text[s:e]) for s, e in spans])


def _keys(words_of: list[list[str]]) -> tuple[str, ...]:
    keys = [hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()[:12]
            for words in words_of if len(words) >= MIN_KEY_WORDS]
    return tuple(dict.fromkeys(keys))


_WORD_COUNT_SLICE = 1_000_000
_SPACE = re.compile(r"\s")


def _word_count(text: str) -> int:
    """The words of `text`; a long text is counted a slice at a time (cut at a space), never
    as a list of all its words (a 50 MB text without sentence ends made one of 8 million)."""
    if len(text) <= _WORD_COUNT_SLICE:
        return len(text.split())
    count = start = 0
    while start < len(text):
        end = start + _WORD_COUNT_SLICE
        space = _SPACE.search(text, end) if end < len(text) else None
        end = space.start() if space else len(text)
        count += len(text[start:end].split())
        start = end
    return count


def _same_place(a: Block, b: Block) -> bool:
    return (a.section, a.kind, a.authors, a.title) == (b.section, b.kind, b.authors, b.title)


def group_blocks(blocks: tuple[Block, ...]) -> Iterator[list[tuple[int, Block]]]:
    """Runs of consecutive short blocks from the same place, with each block's index."""
    run: list[tuple[int, Block]] = []
    words = 0
    for i, block in enumerate(blocks):
        n = _word_count(block.text)
        if run and (not _same_place(run[-1][1], block) or words >= MIN_WORDS or words + n > MAX_WORDS):
            yield run
            run, words = [], 0
        run.append((i, block))
        words += n
    if run:
        yield run


def split_long(text: str, spans: list[tuple[int, int]]) -> Iterator[list[tuple[int, int]]]:
    """Group a long paragraph's sentence spans into pieces of about TARGET_WORDS words."""
    piece: list[tuple[int, int]] = []
    words = 0
    total = _word_count(text)
    for span in spans:
        n = _word_count(text[span[0]:span[1]])
        remaining = total - words
        if piece and words + n > TARGET_WORDS and remaining > MIN_WORDS:
            yield piece
            total -= words
            piece, words = [], 0
        piece.append(span)
        words += n
    if piece:
        yield piece


def _atoms(text: str, start: int, end: int, limit: int, level: int = 0) -> Iterator[tuple[int, int]]:
    """Consecutive ranges covering text[start:end], each at most `limit` long, cut at the
    first kind of boundary in _CUTS that makes them short enough (else between characters)."""
    if end - start <= limit:
        yield start, end
        return
    if level == len(_CUTS):
        i = start
        while i < end:
            j = min(i + limit, end)
            while start < j < end and j > i + 1 and unicodedata.combining(text[j]):
                j -= 1  # (never between a letter and its accent)
            yield i, j
            i = j
        return
    # Pieces of as many whole segments (between cuts) as fit; a segment longer
    # than `limit` alone is cut at the next kind of boundary.
    piece, last = start, start
    cuts = (m.end() for m in _CUTS[level].finditer(text, start, end) if start < m.end() < end)
    for cut in itertools.chain(cuts, (end,)):  # (lazily: a long text has millions of spaces)
        if cut - piece > limit:
            if last > piece:
                yield piece, last
                piece = last
            if cut - piece > limit:
                yield from _atoms(text, piece, cut, limit, level + 1)
                piece = cut
        last = cut
    if end > piece:
        yield piece, end


def capped(text: str, spans: list[tuple[int, int]], limit: int = MAX_PASSAGE_CHARS
           ) -> Iterator[tuple[int, int, list[tuple[int, int]]]]:
    """A passage's text in pieces of at most `limit` characters: (start, end, sentence spans
    relative to the piece); whole sentences kept together where they fit."""
    if len(text) <= limit:
        yield 0, len(text), spans
        return
    pieces: list[tuple[int, int, int]] = []  # (start, end, sentence): sentences, or parts of one too long
    covered = 0
    for n, (s, e) in enumerate(spans or [(0, len(text))]):
        s = max(s, covered)
        if e > s:
            pieces.extend((a, b, n) for a, b in (_atoms(text, s, e, limit) if e - s > limit else [(s, e)]))
            covered = e
    group: list[tuple[int, int, int]] = []
    for piece in pieces:
        if group and piece[1] - group[0][0] > limit:
            yield _piece(text, group)
            group = []
        group.append(piece)
    if group:
        yield _piece(text, group)


def _piece(text: str, group: list[tuple[int, int, int]]) -> tuple[int, int, list[tuple[int, int]]]:
    """(start, end, sentence spans relative to start) of consecutive pieces; the parts of one
    sentence are one span; trailing spaces left out."""
    base, end = group[0][0], group[-1][1]
    while end > base + 1 and text[end - 1].isspace():
        end -= 1
    spans: list[list[int]] = []
    last = None
    for s, e, n in group:
        if n == last:
            spans[-1][1] = e
        else:
            spans.append([s, e])
        last = n
    return base, end, [(s - base, min(e, end) - base) for s, e in spans]


def _one_short_paragraph(doc: Document) -> bool:
    return len(doc.blocks) == 1 and _word_count(doc.blocks[0].text) <= WHOLE_MAX_WORDS


def chunk_document(doc: Document, sentence_spans: SpanSplitter) -> Iterator[Passage]:
    """The passages of a document, in reading order, with ids `<document>:<n>`."""
    ordinal = 0
    for passage in chunk_blocks(doc, sentence_spans, keep_whole=_one_short_paragraph(doc)):
        ordinal = passage.ordinal
        yield passage
    if not ordinal and doc.title.strip():
        yield title_passage(doc, sentence_spans)


def blocks_length(blocks: tuple[Block, ...]) -> int:
    """The characters `blocks` take in the document's cleaned text (each with its joiner)."""
    return sum(len(block.text) + len(BLOCK_JOINER) for block in blocks)


def chunk_blocks(doc: Document, sentence_spans: SpanSplitter, ordinal: int = 0, offset: int = 0,
                 keep_whole: bool = False) -> Iterator[Passage]:
    """The passages of `doc`'s blocks, numbered after `ordinal`, their first block at `offset`
    in the cleaned text (a part of a long document: indexer.parts); `keep_whole`: the document
    is one short paragraph, kept as one passage."""
    starts = []
    for block in doc.blocks:
        starts.append(offset)
        offset += len(block.text) + len(BLOCK_JOINER)
    for run in group_blocks(doc.blocks):
        first = run[0][1]
        if len(run) == 1 and _word_count(first.text) > MAX_WORDS and not keep_whole:
            base = starts[run[0][0]]
            spans = sentence_spans(first.text)
            pieces = [[(s, e) for s, e in p] for p in split_long(first.text, spans)]
        else:
            base = starts[run[0][0]]
            pieces = [None]
        for piece in pieces:
            if piece is None:
                text = BLOCK_JOINER.join(b.text for _, b in run)
                start = base
                spans = [(s, e) for s, e in sentence_spans(text)]
            else:
                text = first.text[piece[0][0]:piece[-1][1]]
                start = base + piece[0][0]
                spans = [(s - piece[0][0], e - piece[0][0]) for s, e in piece]
            page = first.page if piece is not None else join_pages(first.page, run[-1][1].page)
            for s, e, part_spans in capped(text, spans):
                ordinal += 1
                yield Passage(
                    id=f"{doc.id}:{ordinal}",
                    document=doc.id,
                    path=doc.path,
                    ordinal=ordinal,
                    title=first.title or doc.title,
                    authors=first.authors,
                    section=first.section,
                    kind=first.kind,
                    text=text[s:e],
                    start=start + s,
                    end=start + e,
                    sentences=tuple(part_spans),
                    date=doc.date,
                    page=page,
                )


def title_passage(doc: Document, sentence_spans: SpanSplitter) -> Passage:
    """The one passage of a document that is only a title (a catalogue record, a JSON Lines
    record with empty text), searchable by its title: its text is the title, spanning none of
    the (empty) body."""
    return Passage(
        id=f"{doc.id}:1", document=doc.id, path=doc.path, ordinal=1, title=doc.title,
        authors=doc.authors, section="", kind="body", text=doc.title, start=0, end=0,
        sentences=tuple(sentence_spans(doc.title)), date=doc.date,
    )
