"""`corpus-search check`: every file of the live generation against its checksums, then every stored passage and posting read."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from indexer import layout


@dataclass(frozen=True)
class IndexCheck:
    """What a check read: files matched against their checksums, passages and posting lists decoded."""

    index: str
    generation: str
    files: int
    passages: int
    terms: int
    sealed: bool  # False: the index has no checksums yet (made by an earlier version); `index` adds them

    def as_dict(self) -> dict:
        return asdict(self)


def check_index(searcher, generation: Path, index_dir: Path) -> IndexCheck:
    """Verify every file of `generation` (the sentence model too), then decode every stored
    passage and every posting of the open Whoosh `searcher`; IndexDamaged at the first fault."""
    verified = layout.verify(generation, index_dir)
    reader = searcher.reader()
    passages = sum(1 for _ in reader.all_stored_fields())
    positional = {name for name, field in reader.schema.items()
                  if field.format is not None and field.format.supports("positions")}
    terms = 0
    for fieldname, text in reader.all_terms():
        postings = reader.postings(fieldname, text)
        # A posting's value is kept encoded (a pickle, for positions) until a phrase
        # or proximity needs it: decoded here, so that every pickle is read.
        decode = (lambda: postings.value_as("positions")) if fieldname in positional else postings.value
        while postings.is_active():
            decode()
            postings.next()
        terms += 1
    return IndexCheck(index=str(index_dir), generation=generation.name, files=verified.files,
                      passages=passages, terms=terms, sealed=verified.sealed)
