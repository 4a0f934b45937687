"""Sentence boundaries from NLTK's Punkt, trained on the text being indexed.

No downloaded model exists on users' machines, so the parameters are learnt
from the corpus itself (unsupervised) and seeded with abbreviations that the
reports use ("U.S.", "Dr.").  They are kept in the index so that re-indexing
an unchanged document gives the same passages.
"""
from __future__ import annotations

import pickle
from pathlib import Path
from typing import Callable, Iterable

# Abbreviations that end in a full stop without ending a sentence (lowercase,
# without the final dot, as Punkt stores them).
KNOWN_ABBREVIATIONS = frozenset(
    """u.s u.k u.n e.g i.e etc dr mr mrs ms prof gen lt col sen rep gov st no vol
    pp ed eds jan feb mar apr jun jul aug sep sept oct nov dec inc corp co ltd vs
    al fig approx dept est""".split()
)
# Enough text to learn from.  Training costs about a second per million
# characters, before any worker can start; on SciFact, 2M characters and 4M
# give the same sentence boundaries but for 0.3% of them.
TRAINING_CHARS = 2_000_000

SpanSplitter = Callable[[str], list[tuple[int, int]]]


def train_punkt(texts: Iterable[str]):
    """Punkt parameters learnt from up to TRAINING_CHARS of `texts`."""
    from .punkt_fast import FastLanguageVars, FastToken, load_punkt

    trainer = load_punkt().PunktTrainer(lang_vars=FastLanguageVars(), token_cls=FastToken)
    seen = 0
    for text in texts:
        text = text[: TRAINING_CHARS - seen]  # a single huge file must not be learnt whole
        trainer.train(text, finalize=False)
        seen += len(text)
        if seen >= TRAINING_CHARS:
            break
    trainer.finalize_training()
    params = trainer.get_params()
    params.abbrev_types.update(KNOWN_ABBREVIATIONS)
    return params


def save_params(params, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pickle.dumps(params))
    tmp.replace(path)


def load_params(path: Path):
    from .punkt_fast import load_punkt

    load_punkt()  # unpickling would import NLTK the slow way
    return pickle.loads(path.read_bytes())


def span_splitter(params) -> SpanSplitter:
    """A function giving the (start, end) character spans of the sentences of a text."""
    from .punkt_fast import FastLanguageVars, FastToken, load_punkt

    tokenizer = load_punkt().PunktSentenceTokenizer(params, lang_vars=FastLanguageVars(), token_cls=FastToken)

    def spans(text: str) -> list[tuple[int, int]]:
        return list(tokenizer.span_tokenize(text))

    return spans
