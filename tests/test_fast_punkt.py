"""Our Punkt (indexer.nltk_internals.FastTrainer, FastSentenceTokenizer) learns NLTK's parameters and finds its spans.

The reference is NLTK's own trainer and tokenizer from the same copy of
Punkt's module (with the `re` patterns that tests/test_chunk.py's slow test
proves equal to NLTK's whole), fed the same texts: one
`train(text, finalize=False)` at a time, as `indexer.sentences.train_punkt`
feeds them, and `span_tokenize` on each text.
"""
from __future__ import annotations

import gzip
import json
import os
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.catalog import bundled_corpus_dir
from corpus.clean import clean_text
from indexer.nltk_internals import (FastLanguageVars, FastSentenceTokenizer, FastToken, FastTrainer, load_punkt,
                                   params_to_data)

REPO = Path(__file__).resolve().parent.parent
SCIFACT = Path(os.environ.get("CORPUS_SEARCH_EVAL") or REPO.parent / "shared" / "eval") / "scifact" / "corpus.jsonl.gz"


def nltk_params(texts: list[str]) -> dict:
    trainer = load_punkt().PunktTrainer(lang_vars=FastLanguageVars(), token_cls=FastToken)
    for text in texts:
        trainer.train(text, finalize=False)
    trainer.finalize_training()
    return params_to_data(trainer.get_params())


def our_params(texts: list[str]) -> dict:
    trainer = FastTrainer()
    for text in texts:
        trainer.train(text, finalize=False)
    trainer.finalize_training()
    return params_to_data(trainer.get_params())


def assert_same_parameters(texts: list[str]) -> dict:
    ours, theirs = our_params(texts), nltk_params(texts)
    for name in theirs:
        assert ours[name] == theirs[name], f"{name} differs"
    return theirs


def assert_same_spans(params, texts: list[str]) -> None:
    theirs = load_punkt().PunktSentenceTokenizer(params, lang_vars=FastLanguageVars(), token_cls=FastToken)
    ours = FastSentenceTokenizer(params)
    for text in texts:
        assert list(ours.span_tokenize(text)) == list(theirs.span_tokenize(text)), text[:200]


BUNDLED = [clean_text(p.read_text(encoding="utf-8")) for p in sorted(bundled_corpus_dir().glob("*.txt"))]


def trained(texts: list[str]):
    trainer = FastTrainer()
    for text in texts:
        trainer.train(text, finalize=False)
    return trainer.get_params()


def test_same_parameters_and_spans_on_the_bundled_corpus():
    learnt = assert_same_parameters(BUNDLED)
    assert learnt["abbrev_types"] and learnt["ortho_context"] and learnt["sent_starters"]
    assert_same_spans(trained(BUNDLED), BUNDLED)


def test_same_parameters_on_scifact():
    if not SCIFACT.exists():
        pytest.skip(f"{SCIFACT} is absent")
    texts, size = [], 0
    with gzip.open(SCIFACT, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            texts.append(clean_text(record["text"]))
            size += len(texts[-1])
            if size > 1_000_000:
                break
    learnt = assert_same_parameters(texts)
    assert learnt["collocations"] and learnt["sent_starters"]
    assert_same_spans(trained(texts), texts)


# Words that exercise every rule: abbreviations known and rare, initials,
# ordinals and numbers, ellipses, "..", sentence ends, internal punctuation,
# hyphenated abbreviations, capitalised and lowercase sentence starters.
WORDS = ("The We In These cells mice patients were was treated with and of the in a study results Fig. fig. "
         "et al. e.g. i.e. vs. Dr. Mr. U.S. J. Smith A. B. 2. 3.5 12. 1990. No. pp. approx. ca. "
         "Table ... .. etc.. al.. . ! ? , ; : ( ) \" ' - -- co-op. non-U.S. p < 0.05. n = 12. IL-6. TNF-α. "
         "Über über Ä. é. X Y Z However, Moreover Thus thus We we St. st. Jan. jan. Inc. inc. 1st. 2nd. "
         "cell cell cells. cells gene genes. genes protein proteins. resp. approx., Ref. ref. ref").split()
SEPARATORS = [" ", " ", " ", " ", "  ", "\n", "\n\n", " \n ", "\t"]


def scifact_like(seed: int, count: int) -> list[str]:
    """Abstract-like texts from WORDS, reproducible from `seed`."""
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(0, 120)):
            parts.append(rng.choice(WORDS))
            parts.append(rng.choice(SEPARATORS))
        texts.append("".join(parts))
    return texts


def test_same_parameters_and_spans_on_abstract_like_text():
    for seed in range(5):
        texts = scifact_like(seed, 150)
        assert_same_parameters(texts)
        assert_same_spans(trained(texts), texts)


TEXTS = st.lists(
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(min_size=1, max_size=6)), max_size=60).flatmap(
        lambda words: st.lists(st.sampled_from(SEPARATORS), min_size=len(words), max_size=len(words)).map(
            lambda seps: "".join(w + s for w, s in zip(words, seps)))),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_same_parameters_on_generated_text(texts):
    assert_same_parameters(texts)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=6))
def test_same_parameters_on_any_text(texts):
    assert_same_parameters(texts)


# Parameters with abbreviations, collocations, sentence starters and
# orthographic contexts to split generated text with.
LEARNT = trained(BUNDLED + scifact_like(7, 300))


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_same_spans_on_generated_text(texts):
    assert_same_spans(LEARNT, texts)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_same_spans_on_any_text(text):
    assert_same_spans(LEARNT, [text])
