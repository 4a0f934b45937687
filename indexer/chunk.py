"""Chunk structured documents into passages of a few sentences to a paragraph."""
from __future__ import annotations

import hashlib
import re
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


def text_fingerprint(text: str) -> str:
    """The same words in the same order give the same fingerprint (case and spacing aside)."""
    normal = " ".join(re.findall(r"\w+", text.lower()))
    return hashlib.sha1(normal.encode("utf-8")).hexdigest()[:16]


# Sentences shorter than this are too common ("Thank you.") to identify a passage.
MIN_KEY_WORDS = 6


def sentence_keys(text: str, spans: tuple[tuple[int, int], ...] | list) -> tuple[str, ...]:
    """Fingerprints of a passage's longer sentences, for finding the same passage elsewhere.

    Two extractions of one article chunk differently, but their sentences are
    the same words: passages that share most sentence keys are one passage.
    """
    keys = []
    for s, e in spans:
        words = re.findall(r"\w+", text[s:e].lower())
        if len(words) >= MIN_KEY_WORDS:
            keys.append(hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()[:12])
    return tuple(dict.fromkeys(keys))


def _word_count(text: str) -> int:
    return len(text.split())


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


def _one_short_paragraph(doc: Document) -> bool:
    return len(doc.blocks) == 1 and _word_count(doc.blocks[0].text) <= WHOLE_MAX_WORDS


def chunk_document(doc: Document, sentence_spans: SpanSplitter) -> Iterator[Passage]:
    """The passages of a document, in reading order, with ids `<document>:<n>`."""
    starts = []
    offset = 0
    for block in doc.blocks:
        starts.append(offset)
        offset += len(block.text) + len(BLOCK_JOINER)
    ordinal = 0
    for run in group_blocks(doc.blocks):
        first = run[0][1]
        if len(run) == 1 and _word_count(first.text) > MAX_WORDS and not _one_short_paragraph(doc):
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
                text=text,
                start=start,
                end=start + len(text),
                sentences=tuple(spans),
                date=doc.date,
                page=first.page if piece is not None else join_pages(first.page, run[-1][1].page),
            )
    if not ordinal and doc.title.strip():
        # A document that is only a title (a catalogue record, a JSON Lines
        # record with empty text) is searchable by its title: one passage
        # whose text is the title, spanning none of the (empty) body.
        yield Passage(
            id=f"{doc.id}:1", document=doc.id, path=doc.path, ordinal=1, title=doc.title,
            authors=doc.authors, section="", kind="body", text=doc.title, start=0, end=0,
            sentences=tuple(sentence_spans(doc.title)), date=doc.date,
        )
