"""Opening an index folder for searching: the default index built on first use, the live generation found and checked."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from indexer import layout, whoosh_internals
from indexer.layout import INDEX_NAME, IndexDamaged, IndexMissing
from indexer.lock import writer_active

from . import ranking


@dataclass(frozen=True)
class OpenIndex:
    """The Whoosh index and searcher of the live generation of an index folder."""

    ix: object
    searcher: object
    generation: Path
    acronyms: dict = field(default_factory=dict)  # the acronyms the indexed text defines (indexer.layout)


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
    # reading CURRENT and opening the files: then read CURRENT again.  An
    # update commits in place: between its commit and its new checksums the
    # files and the checksums disagree, so while a writer holds the lock a
    # failed check is tried again (for up to WRITER_WAIT seconds).
    deadline = time.monotonic() + WRITER_WAIT
    swaps = 0
    while True:
        name = layout.current_generation_name(index_dir)
        try:
            generation = layout.current_generation(index_dir)
            if generation is None:
                raise IndexMissing(layout.missing_advice(index_dir))
            return _open(generation, index_dir)
        except IndexDamaged:
            if swaps < 4 and layout.current_generation_name(index_dir) != name:
                swaps += 1
                continue
            if time.monotonic() < deadline and writer_active(index_dir):
                time.sleep(0.05)
                continue
            raise


# How long a search waits for a writer to finish sealing an update it committed.
WRITER_WAIT = 10.0


def _open(generation: Path, index_dir: Path) -> OpenIndex:
    # Files whose size and time are as sealed are not read here (layout.verify);
    # if Whoosh then fails on one, every byte is checked to name the damaged file.
    # Every file, the sentence model too (searching does not read it, but a flipped
    # bit anywhere is damage that every command reports).
    layout.check_generation(generation, index_dir)
    acronyms = layout.read_acronyms(generation, index_dir)
    try:
        ix = whoosh_internals.open_index(generation, INDEX_NAME)
        searcher = ix.searcher(weighting=ranking.weighting())
    except whoosh_internals.UnsafeIndexData as exc:
        layout.verify(generation, index_dir)
        raise layout.damaged(index_dir, str(exc)) from None
    except Exception as exc:  # whoosh raises many kinds on damaged files
        layout.verify(generation, index_dir)
        raise layout.damaged(index_dir, f"its Whoosh files cannot be read: {exc.__class__.__name__}") from None
    return OpenIndex(ix, searcher, generation, acronyms)
