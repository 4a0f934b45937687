"""Sentences (Punkt trained on local text) and chunking into passages."""
from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from corpus.catalog import bundled_corpus_dir
from corpus.model import Block, Document
from indexer.chunk import BLOCK_JOINER, MAX_WORDS, Passage, chunk_document, text_fingerprint
from indexer.sentences import span_splitter, train_punkt
from conftest import run_fresh_python

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(bundled_corpus_dir().glob("*.txt"))]
SPLIT = span_splitter(train_punkt(SEED_TEXTS))


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in SPLIT(text)]


def test_abbreviations_do_not_end_sentences():
    text = ("The U.S. government restricted exports in 2022. Dr. Smith said the rules "
            "were broad. Firms in the U.K. and Japan followed.")
    assert sentences(text) == [
        "The U.S. government restricted exports in 2022.",
        "Dr. Smith said the rules were broad.",
        "Firms in the U.K. and Japan followed.",
    ]


def test_sentence_ends_are_found_without_downloaded_data():
    text = "China set targets. Progress was uneven! Was it measured? Some say so."
    assert len(sentences(text)) == 4


def _doc(*blocks: Block) -> Document:
    return Document(id="d", path="d.txt", title="T", blocks=tuple(blocks))


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def test_long_paragraph_is_split_on_sentence_boundaries():
    sentence = "Local governments announced new artificial intelligence parks with generous subsidies."
    block = Block(text=" ".join([sentence] * 40), section="S")
    tail = Block(text="A closing paragraph.", section="T")
    passages = [p for p in chunk_document(_doc(block, tail), SPLIT) if p.section == "S"]
    assert len(passages) > 1
    for p in passages:
        assert p.text.startswith("Local") and p.text.endswith("subsidies.")
        assert len(p.text.split()) <= MAX_WORDS
    assert [p.id for p in passages] == [f"d:{i}" for i in range(1, len(passages) + 1)]


def test_a_one_paragraph_document_of_moderate_length_stays_whole():
    sentence = "Local governments announced new artificial intelligence parks with generous subsidies."
    block = Block(text=" ".join([sentence] * 40))
    assert [p.text for p in chunk_document(_doc(block), SPLIT)] == [block.text]


def test_short_paragraphs_in_one_section_join_but_sections_never_mix():
    blocks = (
        Block(text="First short paragraph.", section="A"),
        Block(text="Second short paragraph.", section="A"),
        Block(text="Third, in another section.", section="B"),
    )
    passages = list(chunk_document(_doc(*blocks), SPLIT))
    assert [p.section for p in passages] == ["A", "B"]
    assert passages[0].text == "First short paragraph." + BLOCK_JOINER + "Second short paragraph."


def test_speakers_and_kinds_never_mix():
    blocks = (
        Block(text="What do you think?", kind="question", authors=("Q Asker",)),
        Block(text="I think it works.", kind="answer", authors=("A Answerer",)),
    )
    passages = list(chunk_document(_doc(*blocks), SPLIT))
    assert [(p.kind, p.authors) for p in passages] == [
        ("question", ("Q Asker",)), ("answer", ("A Answerer",))]


paragraph = st.lists(
    st.text(alphabet=st.characters(categories=("L", "N")), min_size=1, max_size=12),
    min_size=1, max_size=80,
).map(lambda words: " ".join(words) + ".")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(paragraph, st.sampled_from(["A", "B"])), min_size=1, max_size=12))
def test_chunking_loses_no_words_and_offsets_point_into_the_document(paragraphs):
    blocks = tuple(Block(text=t, section=s) for t, s in paragraphs)
    doc_text = BLOCK_JOINER.join(b.text for b in blocks)
    passages = list(chunk_document(_doc(*blocks), SPLIT))
    assert _words(" ".join(p.text for p in passages)) == _words(doc_text)
    for p in passages:
        assert doc_text[p.start:p.end] == p.text
        for s, e in p.sentences:
            assert 0 <= s < e <= len(p.text)


def test_fingerprint_ignores_case_and_spacing_only():
    assert text_fingerprint("The  Plan\nworks.") == text_fingerprint("the plan works")
    assert text_fingerprint("the plan works") != text_fingerprint("the plan failed")


@pytest.mark.slow
def test_fast_punkt_learns_and_splits_exactly_as_nltks_punkt():
    """Our Punkt (its own copy of NLTK's module, with `re` patterns) against NLTK's, whole.

    Run in a fresh process, loading ours first as indexing does.
    """
    script = """
import sys
from corpus.catalog import bundled_corpus_dir
from corpus.clean import clean_text
from indexer.nltk_internals import params_to_data
from indexer.sentences import KNOWN_ABBREVIATIONS, span_splitter, train_punkt
texts = [clean_text(p.read_text(encoding="utf-8")) for p in sorted(bundled_corpus_dir().glob("*.txt"))]
ours = train_punkt(texts)
assert "nltk" not in sys.modules
from nltk.tokenize.punkt import PunktSentenceTokenizer, PunktTrainer
trainer = PunktTrainer()
for text in texts:
    trainer.train(text, finalize=False)
trainer.finalize_training()
theirs = trainer.get_params()
theirs.abbrev_types.update(KNOWN_ABBREVIATIONS)
assert params_to_data(ours) == params_to_data(theirs)
assert len(theirs.abbrev_types) > len(KNOWN_ABBREVIATIONS) and theirs.ortho_context
nltk_split, split = PunktSentenceTokenizer(theirs), span_splitter(ours)
for text in texts:
    assert split(text) == list(nltk_split.span_tokenize(text))
"""
    run_fresh_python(script)


# ---- no passage longer than MAX_PASSAGE_CHARS ------------------------------------


def _no_break_text(words: int) -> str:
    import random

    rng = random.Random(5)
    vocabulary = "policy export control chip talent program research plan industry robot data model".split()
    return " ".join(rng.choice(vocabulary) for _ in range(words))  # no sentence end anywhere


@pytest.mark.parametrize("text", [
    pytest.param(_no_break_text(200_000), id="1.3 MB without a sentence end"),
    pytest.param("人工智能发展规划" * 40_000 + "，" + "数据" * 20_000, id="unspaced Chinese"),
    pytest.param("x" * 50_000, id="one 50,000-character word"),
    pytest.param("Short clause, " * 3000, id="clauses without sentence ends"),
])
def test_no_passage_exceeds_the_maximum_and_together_they_keep_every_character(text):
    from indexer.chunk import MAX_PASSAGE_CHARS

    doc = _doc(Block(text=text, section="", kind="body"))
    passages = list(chunk_document(doc, SPLIT))
    assert len(passages) >= len(text) // MAX_PASSAGE_CHARS
    assert max(len(p.text) for p in passages) <= MAX_PASSAGE_CHARS
    for p in passages:
        assert text[p.start:p.end] == p.text  # quoted exactly, offsets true
        assert all(0 <= s < e <= len(p.text) for s, e in p.sentences)
    # nothing lost: the passages cover the text, in order, with only spaces between them
    gaps = [text[a.end:b.start] for a, b in zip(passages, passages[1:])]
    assert all(not gap.strip() for gap in gaps) and passages[0].start == 0
    assert not text[passages[-1].end:].strip()


def test_words_are_cut_at_spaces_and_clauses_at_clause_marks():
    from indexer.chunk import MAX_PASSAGE_CHARS

    words = _no_break_text(5000)
    passages = list(chunk_document(_doc(Block(text=words, section="", kind="body")), SPLIT))
    assert len(passages) > 1 and all(not p.text[-1].isspace() and words[p.end:p.end + 1] in ("", " ")
                                     for p in passages)
    chinese = "人工智能发展规划，" * 5000
    passages = list(chunk_document(_doc(Block(text=chinese, section="", kind="body")), SPLIT))
    assert all(p.text.endswith("，") for p in passages[:-1])
    assert max(len(p.text) for p in passages) <= MAX_PASSAGE_CHARS


# ---- a passage's fingerprints, its words found once -------------------------------

def _spans_within(text_cuts_tiled):
    text, cuts, tiled = text_cuts_tiled
    points = sorted(min(c, len(text)) for c in cuts)
    if tiled:  # sentences end to end
        return text, list(zip(points, points[1:]))
    return text, list(zip(points[::2], points[1::2]))


FINGERPRINTED = st.tuples(
    st.text(alphabet=st.sampled_from(list("ab Z9_.,'\n\u00e9\u0130\u03a3")), max_size=60),
    st.lists(st.integers(0, 60), max_size=12),
    st.booleans(),
).map(_spans_within)


@settings(max_examples=300, deadline=None)
@given(FINGERPRINTED, st.booleans())
@example(("ab cd", [(0, 1), (1, 5)]), False)  # a word cut in two
@example(("\u0391\u03a3'\u0391 bb", [(0, 2), (2, 7)]), False)  # a final sigma only in the sentence
def test_a_passages_fingerprints_are_those_of_its_text_and_sentences(text_and_spans, shuffled):
    """`Passage.fingerprints` (one pass over the words where the sentences hold them all) as written out here."""
    import hashlib

    text, spans = text_and_spans
    if shuffled:
        spans = spans[::-1]  # (out of order: the words are found afresh)
    passage = Passage(id="d:1", document="d", path="d.txt", ordinal=1, title="", authors=(), section="",
                      kind="body", text=text, start=0, end=len(text), sentences=tuple(spans))
    expected_hash = hashlib.sha1(" ".join(re.findall(r"\w+", text.lower())).encode("utf-8")).hexdigest()[:16]
    keys = []
    for s, e in spans:
        words = re.findall(r"\w+", text[s:e].lower())
        if len(words) >= 6:
            keys.append(hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()[:12])
    assert passage.fingerprints() == (expected_hash, tuple(dict.fromkeys(keys)))
    assert passage.fingerprints() == (passage.text_hash, passage.sentence_keys)


def test_the_fingerprints_of_seed_passages_take_the_short_way():
    """(The sentences of ordinary ASCII prose hold all its words, so they are found once.)"""
    from indexer.chunk import _sentences_hold_every_word

    text = "Export controls tightened in 2022. Firms in the U.K. and Japan followed, said Dr. Smith."
    assert _sentences_hold_every_word(text, SPLIT(text))
