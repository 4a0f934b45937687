"""Opening an index folder for searching: the default index built on first use, the live generation found and checked."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from indexer import layout
from indexer.layout import INDEX_NAME, IndexDamaged, IndexMissing

from . import ranking


@dataclass(frozen=True)
class OpenIndex:
    """The Whoosh index and searcher of the live generation of an index folder."""

    ix: object
    searcher: object
    generation: Path


def open_index(index_dir: Path, build_default: bool) -> OpenIndex:
    """Open the live generation of `index_dir` for searching.

    The default index is built from the bundled corpus when missing and
    `build_default` is true; IndexMissing for any other missing index;
    IndexDamaged when it cannot be used.
    """
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexDamaged(f"{index_dir} is a file, not an index folder; give another --index")
    if build_default and layout.current_generation_name(index_dir) == "" and layout.is_default_index(index_dir):
        from indexer import Indexer  # NLTK is imported only for this first build

        Indexer(index_dir).update()
    # A rebuild may swap generations (and delete the old one) between our
    # reading CURRENT and opening the files: then read CURRENT again.
    for attempt in range(5):
        name = layout.current_generation_name(index_dir)
        try:
            generation = layout.current_generation(index_dir)
            if generation is None:
                raise IndexMissing(layout.missing_advice(index_dir))
            return _open(generation, index_dir)
        except IndexDamaged:
            if attempt == 4 or layout.current_generation_name(index_dir) == name:
                raise
    raise AssertionError("unreachable")  # (the last attempt returns or raises)


def _open(generation: Path, index_dir: Path) -> OpenIndex:
    from whoosh import index as whoosh_index

    layout.check_generation_version(generation, index_dir)
    try:
        ix = whoosh_index.open_dir(str(generation), indexname=INDEX_NAME)
        searcher = ix.searcher(weighting=ranking.weighting())
    except Exception as exc:  # whoosh raises many kinds on damaged files
        raise IndexDamaged(
            f"the index at {index_dir} cannot be opened ({exc.__class__.__name__}); "
            "run `corpus-search index --rebuild`"
        ) from None
    return OpenIndex(ix, searcher, generation)
