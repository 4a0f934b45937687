"""Sentence boundaries from NLTK's Punkt, trained on the text being indexed.

No downloaded model exists on users' machines, so the parameters are learnt
from the corpus itself (unsupervised) and seeded with abbreviations that the
reports use ("U.S.", "Dr.").  They are kept in the index (as JSON) so that
re-indexing an unchanged document gives the same passages.
"""
from __future__ import annotations

import io
import json
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


def params_to_data(params) -> dict:
    """Punkt parameters as plain JSON-ready data (sorted, so the same parameters give the same file)."""
    return {
        "abbrev_types": sorted(params.abbrev_types),
        "collocations": sorted([first, second] for first, second in params.collocations),
        "sent_starters": sorted(params.sent_starters),
        "ortho_context": dict(sorted(params.ortho_context.items())),
    }


def params_from_data(data: dict):
    """The Punkt parameters that `params_to_data` gave `data` for."""
    from .punkt_fast import load_punkt

    params = load_punkt().PunktParameters()
    params.abbrev_types = set(data["abbrev_types"])
    params.collocations = {(first, second) for first, second in data["collocations"]}
    params.sent_starters = set(data["sent_starters"])
    params.ortho_context.update(data["ortho_context"])
    return params


def save_params(params, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(params_to_data(params), ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def model_path(generation: Path) -> Path | None:
    """The sentence model kept in an index generation (JSON; indexes made by earlier versions have a pickle)."""
    from .schema import LEGACY_PUNKT_NAME, PUNKT_NAME

    for name in (PUNKT_NAME, LEGACY_PUNKT_NAME):
        if (generation / name).is_file():
            return generation / name
    return None


def load_params(path: Path):
    if path.suffix != ".pickle":
        return params_from_data(json.loads(path.read_text(encoding="utf-8")))
    return _ParamsUnpickler(io.BytesIO(path.read_bytes())).load()


class _ParamsUnpickler(pickle.Unpickler):
    """Reads the pickled Punkt parameters of older indexes, and nothing else.

    The classes a pickle names are looked up here: Punkt's parameters and the
    containers they hold.  Anything else in the file is refused, so an index
    folder cannot make indexing run code.
    """

    ALLOWED = {("collections", "defaultdict"), ("builtins", "set"), ("builtins", "frozenset"),
               ("builtins", "int"), ("builtins", "tuple")}

    def find_class(self, module: str, name: str):
        if (module, name) == ("nltk.tokenize.punkt", "PunktParameters"):
            from .punkt_fast import load_punkt

            return load_punkt().PunktParameters
        if (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"unexpected {module}.{name} in a sentence model")


def span_splitter(params) -> SpanSplitter:
    """A function giving the (start, end) character spans of the sentences of a text."""
    from .punkt_fast import FastLanguageVars, FastToken, load_punkt

    tokenizer = load_punkt().PunktSentenceTokenizer(params, lang_vars=FastLanguageVars(), token_cls=FastToken)

    def spans(text: str) -> list[tuple[int, int]]:
        return list(tokenizer.span_tokenize(text))

    return spans
