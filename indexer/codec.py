"""How the index is laid out on disk: Whoosh 3's codec, with its term inlining repaired.

Most terms of a passage index occur once: a sentence's fingerprint, a rare
word, a passage id.  Whoosh 3 can keep such a one-posting list inside the
term table instead of writing a posting block for it (a header, a pickled
block and its compressed copy), but in whoosh-reloaded that path is broken
twice: the writer calls `set_inline`, a method the term info calls
`set_inlined`, and a list without values (an ID or keyword field) is read back
with the value `''`, which merging segments refuses (it takes bytes, or None
for "no value").  `PassageCodec` writes inlined lists with a value for each
posting (None when the field has none, as a posting block reads back), so
they read back exactly as any posting does.

Each segment records the codec that wrote it, so indexes written before this
codec existed stay readable, and a merge may mix both kinds of segment.
This module imports Whoosh only: the search side loads it to read segments.
"""
from __future__ import annotations

from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter

# Posting lists shorter than this go into the term table.
INLINE_LIMIT = 2


class PassageCodec(W3Codec):
    """W3Codec that inlines one-posting lists into the term table."""

    def __init__(self, blocklimit: int = 128, compression: int = 3, inlinelimit: int = INLINE_LIMIT):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def postings_writer(self, dbfile, byteids=False):
        return _PostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                               compression=self._compression, inlinelimit=self._inlinelimit)


class _PostingsWriter(W3PostingsWriter):
    def finish_postings(self):
        # Term vectors (byte ids) keep their blocks: Whoosh reads a vector by its extent.
        if (self.written() or len(self._ids) >= self._inlinelimit or self._byteids
                or len(self._values) not in (0, len(self._ids))):
            limit, self._inlinelimit = self._inlinelimit, 0  # (never Whoosh's broken inlining)
            try:
                return super().finish_postings()
            finally:
                self._inlinelimit = limit
        terminfo = self._terminfo
        terminfo.add_block(self)
        # Every posting carries a value, as one read from a block does (None for a
        # field whose postings have none).
        values = self._values if self._values else [None] * len(self._ids)
        terminfo.set_inlined(self._ids, self._weights, values)
        self._terminfo = None
        return terminfo

