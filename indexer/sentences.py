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
from typing import Callable, Iterable, Iterator

from corpus.errors import UnreadableDocument
from corpus.model import RawDocument
from corpus.readers import read_file

from .layout import PUNKT_NAME, IndexDamaged

# Abbreviations that end in a full stop without ending a sentence (lowercase,
# without the final dot, as Punkt stores them).
KNOWN_ABBREVIATIONS = frozenset(
    """u.s u.k u.n e.g i.e etc dr mr mrs ms prof gen lt col sen rep gov st no vol
    pp ed eds jan feb mar apr jun jul aug sep sept oct nov dec inc corp co ltd vs
    al fig approx dept est""".split()
)
# Enough text to learn from.  Training runs before any worker can start
# (SciFact's first 2M characters: 0.46 CPU-s with FastTrainer, 0.84 with
# NLTK's trainer, measured side by side); 2M characters and 4M give the same
# sentence boundaries but for 0.3% of them.
TRAINING_CHARS = 2_000_000

SpanSplitter = Callable[[str], list[tuple[int, int]]]


def train_punkt(texts: Iterable[str]):
    """Punkt parameters learnt from up to TRAINING_CHARS of `texts`."""
    from .nltk_internals import FastTrainer

    trainer = FastTrainer()
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
    """Keep the Punkt parameters at `path` as JSON (written atomically)."""
    from .nltk_internals import params_to_data

    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(params_to_data(params), ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def model_path(generation: Path) -> Path | None:
    """The sentence model kept in an index generation (JSON; indexes made by earlier versions have a pickle)."""
    from .layout import LEGACY_PUNKT_NAME

    for name in (PUNKT_NAME, LEGACY_PUNKT_NAME):
        if (generation / name).is_file():
            return generation / name
    return None


def load_params(path: Path):
    """The Punkt parameters kept at `path` (JSON, or the pickle of an earlier version)."""
    from .nltk_internals import params_from_data

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
        from .nltk_internals import PARAMS_PICKLE_NAME, load_punkt

        if (module, name) == PARAMS_PICKLE_NAME:
            return load_punkt().PunktParameters
        if (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"unexpected {module}.{name} in a sentence model")


def span_splitter(params) -> SpanSplitter:
    """A function giving the (start, end) character spans of the sentences of a text."""
    from .nltk_internals import FastSentenceTokenizer

    tokenizer = FastSentenceTokenizer(params)

    def spans(text: str) -> list[tuple[int, int]]:
        return list(tokenizer.span_tokenize(text))

    return spans


# ---- the model of an index generation ------------------------------------------

def generation_model(generation: Path, fresh: bool, paths: Iterable[Path], index_dir: Path,
                     reaching: Callable[[Path], None] | None = None) -> Callable:
    """A function giving the Punkt parameters of `generation`.

    A fresh generation learns them now from the files in `paths` and keeps them
    (once per generation, so unchanged documents keep their passages);
    `reaching(path)` is called before each is read (the PDFs' read-ahead).  An
    existing one reads them on first use: an update whose files all fail to
    read costs no NLTK import.  IndexDamaged if they cannot be read.
    """
    if fresh:
        trained = train_punkt(training_texts(paths, reaching))
        save_params(trained, generation / PUNKT_NAME)
        return lambda: trained
    return once(lambda: load_model(generation, index_dir))


def load_model(generation: Path, index_dir: Path):
    """The sentence model kept in `generation`, or IndexDamaged if it cannot be read."""
    path = model_path(generation) or generation / PUNKT_NAME
    try:
        return load_params(path)
    except Exception as exc:  # unreadable, not JSON, a pickle of something else...
        raise IndexDamaged(
            f"the index at {index_dir} is damaged (its sentence model {path.name} cannot be read: "
            f"{exc.__class__.__name__}); run `corpus-search index --rebuild`"
        ) from None


def training_texts(paths: Iterable[Path], reaching: Callable[[Path], None] | None = None) -> Iterator[str]:
    """The cleaned text of every document in `paths` (files that cannot be read are passed over)."""
    from corpus.clean import clean_text

    for path in paths:
        if reaching is not None:
            reaching(path)
        try:
            for item in read_file(path):
                if isinstance(item, RawDocument):
                    yield clean_text(item.text)
        except (UnreadableDocument, OSError):
            continue


def once(make):
    """`make()`, called on first use and remembered."""
    made = []

    def value():
        if not made:
            made.append(make())
        return made[0]

    return value


def lazy_splitter(make: Callable[[], SpanSplitter]) -> SpanSplitter:
    """A sentence splitter built on its first use."""
    made = []

    def spans(text: str) -> list[tuple[int, int]]:
        if not made:
            made.append(make())
        return made[0](text)

    return spans
