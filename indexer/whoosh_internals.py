"""Every reach into Whoosh's internals, in one place: the codec, the writer hooks, the reader hooks.

Whoosh-reloaded has no public API for what indexing and scoring need here,
so these functions use its private names.  `missing_internals()` lists any
that a new Whoosh release no longer has (tests/test_internals.py fails with
that list), and setup.cfg bounds the versions known to work.  Only this
module may touch a Whoosh name that starts with an underscore.

- The codec (`PassageCodec`): Whoosh 3's, with its term inlining repaired.
  Most terms of a passage index occur once: a sentence's fingerprint, a rare
  word, a passage id.  Whoosh 3 can keep such a one-posting list inside the
  term table instead of writing a posting block for it (a header, a pickled
  block and its compressed copy), but in whoosh-reloaded that path is broken
  twice: the writer calls `set_inline`, a method the term info calls
  `set_inlined`, and a list without values (an ID or keyword field) is read
  back with the value `''`, which merging segments refuses (it takes bytes,
  or None for "no value").  `PassageCodec` writes inlined lists with a value
  for each posting (None when the field has none, as a posting block reads
  back), so they read back exactly as any posting does.  Each segment
  records the codec that wrote it (pickled as `indexer.codec.PassageCodec`,
  a name kept for that reason), so indexes written before this codec existed
  stay readable, and a merge may mix both kinds of segment.
- Writer hooks: a segment writer that reads field lengths once per field,
  buffers postings without Whoosh's per-posting type asserts and writes them
  in a leaner loop (`new_writer`, `write_postings`), workers' segments added to the parent's commit
  (`commit_with_segments`, `finish_worker_segment`), stemming memos
  (`memoize_stems`), and orphan segment files removed (`remove_orphan_segments`).
- Reader hooks: a segment's length column read in one go
  (`field_length_bytes`, `segment_field_lengths`, `segment_length_bytes`)
  and handed to the BM25F scorer (`use_field_lengths`) and to the ranking
  over posting lists (with `bm25f_constants`); a term's postings read block
  by block as lists (`term_postings`); the passage ids by docnum from the
  `id` term table (`docnums_of_terms`) and a field's terms with their
  document frequencies from the term table's headers (`terms_by_frequency`),
  for deep pages (`searcher.tables`).
- Data-only unpickling: Whoosh keeps the schema and segment list (the table
  of contents), stored fields, posting blocks and posting values as pickles,
  and a pickle can name any function to call.  Every place Whoosh unpickles
  reads through `DataOnlyUnpickler`, which accepts only the classes and
  functions an index of ours holds (`SAFE_GLOBALS`: the schema's field,
  format, analyser and column classes, the codec and segment, and a few
  builtins); anything else raises `UnsafeIndexData`, and an index folder
  received from elsewhere is data, never code.  `open_index` is the one way
  the project opens a Whoosh index; installing the unpickler happens when
  this module is imported, before any index can be opened.
- A repair (`repair_and_not`, applied when this module is imported): Whoosh's
  `AndNotMatcher` (every `a NOT b`) returned the first passage holding `a`
  even when it also holds `b`, whenever `b` occurs in an earlier passage,
  and its `skip_to` read past the end of `a`.  Measured with the stock W3
  codec too (whoosh-reloaded 2.7.5), so the fault is upstream, not the codec.

It imports Whoosh only, most of it when first used: the search side loads
it (through the codec) to read segments.
"""
from __future__ import annotations

import io
import pickle
import struct
import types
import zlib

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
    def add_posting(self, id_, weight, vbytes, length=None):
        # As W3PostingsWriter.add_posting without its per-posting type asserts
        # (a fifth of its time); what it buffers is the same.
        if len(self._ids) >= self._blocklimit:
            self._write_block()
        self._ids.append(id_)
        self._weights.append(weight)
        if weight > self._maxweight:
            self._maxweight = weight
        if vbytes:
            self._values.append(vbytes)
        if length:
            if self._minlength is None or length < self._minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length

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


# The name every segment's pickled table of contents gives the codec: the
# index format.  (`indexer/codec.py` holds the name.)
PassageCodec.__module__ = "indexer.codec"


# ---- data-only unpickling ------------------------------------------------------

# (module, name) of every global an index written by this project pickles:
# its table of contents (schema, segments, codec), stored fields, posting
# blocks and values.  tests/test_index_safety.py checks that a freshly built
# index needs nothing else.  A new field type, format or analyser in
# indexer/schema.py must be added here.
SAFE_GLOBALS = frozenset({
    ("builtins", "int"), ("builtins", "set"), ("builtins", "frozenset"),
    ("__builtin__", "int"), ("__builtin__", "set"), ("__builtin__", "frozenset"),
    ("_codecs", "encode"),  # bytes in protocol 2 pickles
    ("collections", "defaultdict"),
    ("re", "_compile"),  # a tokenizer's pattern
    ("indexer.codec", "PassageCodec"),
    ("indexer.schema", "EnglishText"), ("indexer.schema", "FoldFilter"), ("indexer.schema", "CJKBigramFilter"),
    ("whoosh.codec.whoosh3", "W3Codec"), ("whoosh.codec.whoosh3", "W3Segment"),
    ("whoosh.fields", "Schema"), ("whoosh.fields", "ID"), ("whoosh.fields", "KEYWORD"),
    ("whoosh.fields", "STORED"), ("whoosh.fields", "TEXT"), ("whoosh.fields", "NUMERIC"),
    ("whoosh.formats", "Existence"), ("whoosh.formats", "Frequency"), ("whoosh.formats", "Positions"),
    ("whoosh.columns", "VarBytesColumn"),
    ("whoosh.analysis.analyzers", "CompositeAnalyzer"),
    ("whoosh.analysis.filters", "LowercaseFilter"), ("whoosh.analysis.filters", "StopFilter"),
    ("whoosh.analysis.filters", "StripFilter"),
    ("whoosh.analysis.morph", "StemFilter"),
    ("whoosh.analysis.tokenizers", "IDTokenizer"), ("whoosh.analysis.tokenizers", "RegexTokenizer"),
    ("whoosh.lang.porter", "stem"),
})


class UnsafeIndexData(pickle.UnpicklingError):
    """A pickle in the index names something that is not index data (a function to call, a foreign class)."""


class DataOnlyUnpickler(pickle.Unpickler):
    """An unpickler that builds only the values listed in `SAFE_GLOBALS` (and plain data)."""

    def find_class(self, module: str, name: str):
        if (module, name) in SAFE_GLOBALS:
            return super().find_class(module, name)
        raise UnsafeIndexData(f"the index names {module}.{name}, which is not index data")

    def persistent_load(self, pid):
        raise UnsafeIndexData("the index holds a persistent reference, which is not index data")


class InconsistentIndex(Exception):
    """The index contradicts itself (a passage its document counts cannot be found): damaged data."""


# What decoding damaged or foreign index data raises (beyond Whoosh's own assertions).
DAMAGED_DATA = (pickle.UnpicklingError, zlib.error, struct.error, EOFError, InconsistentIndex)


def data_only_loads(data: bytes, **_ignored):
    """`pickle.loads`, data only."""
    return DataOnlyUnpickler(io.BytesIO(data)).load()


def data_only_load(file, **_ignored):
    """`pickle.load`, data only."""
    return DataOnlyUnpickler(file).load()


def _install_data_only_unpickling() -> None:
    """Make every module of Whoosh that unpickles index data use the data-only unpickler.

    Whoosh binds `loads`/`load` by name in each module (`from whoosh.compat
    import loads`), so each binding is replaced; `whoosh.compat`'s own too,
    for modules imported later.  Tables of contents of older formats are
    refused (Whoosh reads them with an unpickler that renames classes):
    such an index was not made by this project.
    """
    import whoosh.columns
    import whoosh.compat
    import whoosh.externalsort
    import whoosh.formats
    import whoosh.index
    from whoosh.codec import whoosh3
    from whoosh.filedb import structfile

    whoosh.compat.loads, whoosh.compat.load = data_only_loads, data_only_load
    whoosh3.loads = data_only_loads
    whoosh.columns.loads = data_only_loads
    whoosh.formats.loads = data_only_loads
    structfile.load_pickle = data_only_load
    whoosh.index.pickle = types.SimpleNamespace(
        loads=data_only_loads, dumps=pickle.dumps, PicklingError=pickle.PicklingError,
        UnpicklingError=pickle.UnpicklingError)
    whoosh.index.toc_loaders = {}
    # The posting pool's sorted runs are this process's own temporary files, written
    # moments before (a writer past its memory budget): not index data.  They hold
    # b"" values, which protocol 2 pickles as a call of `bytes`.
    whoosh.externalsort.load = pickle.load


_install_data_only_unpickling()


def open_index(folder, indexname: str):
    """The Whoosh index `indexname` in `folder`, its pickles read as data only (the one way to open one)."""
    from whoosh import index as whoosh_index

    return whoosh_index.open_dir(str(folder), indexname=indexname)


def data_only_unpickling_installed() -> bool:
    """Whether Whoosh's unpickling goes through `DataOnlyUnpickler` (for the tests)."""
    import whoosh.formats
    import whoosh.index
    from whoosh.codec import whoosh3
    from whoosh.filedb import structfile

    return (whoosh3.loads is data_only_loads and whoosh.formats.loads is data_only_loads
            and structfile.load_pickle is data_only_load and whoosh.index.pickle.loads is data_only_loads)


# ---- AndNotMatcher repaired ---------------------------------------------------

def _and_not_find_first(self) -> None:
    # Upstream only moved on when both matchers began on the same id, so a
    # prohibited matcher that began on an earlier id was never brought up to
    # the first allowed id: `gallium NOT chips` returned the passage with both.
    self._find_next()


def _and_not_find_next(self):
    # As upstream, except that an exhausted `a` (after `skip_to` past its
    # end) ends the search instead of asking it for an id it no longer has.
    pos, neg = self.a, self.b
    if not pos.is_active() or not neg.is_active():
        return False
    if neg.id() < pos.id():
        neg.skip_to(pos.id())
    moved = False
    while neg.is_active() and pos.id() == neg.id():
        moved = pos.next() or moved
        if not pos.is_active():
            break
        neg.skip_to(pos.id())
    return moved


def _upstream_and_not() -> dict:
    from whoosh.matching.binary import AndNotMatcher

    return {name: vars(AndNotMatcher).get(name) for name in ("_find_first", "_find_next")}


# Whoosh's own methods, kept before the repair replaces them: `missing_internals`
# names any that a release drops, and tests/test_internals.py checks that they
# are still broken (when upstream mends them, the repair can go).
UPSTREAM_AND_NOT = _upstream_and_not()


def repair_and_not() -> None:
    """Make Whoosh's AndNotMatcher leave out every posting of its prohibited side (idempotent)."""
    from whoosh.matching.binary import AndNotMatcher

    AndNotMatcher._find_first = _and_not_find_first
    AndNotMatcher._find_next = _and_not_find_next


# Applied on import: the search side imports this module (the codec, the
# scorer's hooks) before it builds a matcher.
repair_and_not()


# ---- writer hooks -------------------------------------------------------------

# Stems remembered per analyser before the memo starts afresh (bounded memory).
STEM_MEMO_SIZE = 200_000


class _StemMemo:
    """A plain dict in front of a stemming function, emptied when it grows past `size`.

    Whoosh's own LFU cache does bookkeeping in Python on every call, which costs
    more than it saves on a corpus's long tail of words.
    """

    def __init__(self, stemfn, size: int = STEM_MEMO_SIZE):
        self.stemfn = stemfn
        self.size = size
        self.memo: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        try:
            return self.memo[word]
        except KeyError:
            pass
        if len(self.memo) >= self.size:
            self.memo.clear()
        stem = self.memo[word] = self.stemfn(word)
        return stem


def memoize_stems(schema) -> None:
    """Give every stemming filter of `schema` a fast memo (process-local; not pickled)."""
    from whoosh.analysis import StemFilter

    seen = set()
    for name in schema.names():
        analyzer = getattr(schema[name], "analyzer", None)
        for item in getattr(analyzer, "items", ()):
            if isinstance(item, StemFilter) and id(item) not in seen:
                seen.add(id(item))
                item._stem = _StemMemo(item._stem)


def stem_function(stem_filter):
    """The function a StemFilter stems with (a memo once `memoize_stems` ran)."""
    return stem_filter._stem


def new_writer(ix, limitmb: int, **kwargs):
    """A Whoosh SegmentWriter with the project's codec that looks up
    field lengths once per document, not once per posting."""
    from whoosh.writing import SegmentWriter

    class LengthCachingWriter(SegmentWriter):
        def _flush_segment(self):
            # As SegmentWriter._flush_segment, with the lengths reader cached.
            self.perdocwriter.close()
            pdr = self.per_document_reader() if self.codec.length_stats else None
            lengths = _FieldLengths(pdr) if pdr is not None else None
            write_postings(self.fieldwriter, self.schema, lengths, self.pool.iter_postings())
            self.fieldwriter.close()
            if pdr is not None:
                pdr.close()

    writer = LengthCachingWriter(ix, limitmb=limitmb, codec=PassageCodec(), **kwargs)
    writer.pool.__class__ = _lean_pool_class()
    return writer


def set_posting_buffer(writer, limitmb: float) -> None:
    """Let `writer` buffer at most `limitmb` MB of postings before it sorts them into a run on disk
    (from the next posting added; what is buffered beyond it goes to disk then)."""
    writer.pool.limit = int(limitmb * 1024 * 1024)


def _lean_pool_class():
    """Whoosh's PostingPool with an `add` that buffers the same postings and counts the same
    memory, without the per-posting type asserts (a posting is added for every word of every passage)."""
    from whoosh.writing import PostingPool

    class LeanPostingPool(PostingPool):
        def add(self, item):
            # item = (fieldname, tbytes, docnum, weight, vbytes); the size as PostingPool.add estimates it
            self.fieldnames.add(item[0])
            vbytes = item[4]
            self.currentsize += 150 + len(item[0]) + 2 * len(item[1]) + (len(vbytes) if vbytes else 0)
            if self.currentsize > self.limit:
                self.save()
            self.current.append(item)

    return LeanPostingPool


def write_postings(fieldwriter, schema, lengths, items) -> None:
    """What `fieldwriter.add_postings(schema, lengths, items)` does, with less Python per posting.

    Whoosh's loop looks each posting's field length up through two calls and
    hands the posting on through another; a passage index writes one posting
    per word of every passage.  Here each field's lengths are resolved once
    (`_FieldLengths.field_bytes`) and postings go straight to the field's
    posting writer: the same calls on the same writers in the same order, so
    the same files.  For a field writer other than Whoosh 3's, Whoosh's loop.
    """
    from whoosh.codec.base import OutOfOrderError
    from whoosh.codec.whoosh3 import W3FieldWriter

    if type(fieldwriter) is not W3FieldWriter or (lengths is not None and type(lengths) is not _FieldLengths):
        return fieldwriter.add_postings(schema, lengths, items)
    table = lengths.table if lengths is not None else None
    lastfn = lasttext = None
    add = raw = None
    count = 0
    for fieldname, btext, docnum, weight, value in items:
        if fieldname != lastfn:
            if lastfn is not None:
                if fieldname < lastfn:
                    raise OutOfOrderError(f"Field {lastfn!r} .. {fieldname!r}")
                if lasttext is not None:
                    fieldwriter.finish_term()
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            lastfn, lasttext = fieldname, None
            add = fieldwriter._postwriter.add_posting  # (a new posting writer per field)
            raw = lengths.field_bytes(fieldname) if lengths is not None else False
            count = len(raw) if raw else 0
        if docnum == -1:  # a spelling word (Whoosh writes none)
            continue
        if btext != lasttext:
            if lasttext is not None:
                if btext < lasttext:
                    raise OutOfOrderError(f"Term {lastfn}:{lasttext!r} .. {fieldname}:{btext!r}")
                fieldwriter.finish_term()
            fieldwriter.start_term(btext)
            lasttext = btext
        if raw:
            length = table[raw[docnum] if docnum < count else 0]
        elif raw is False:
            length = 0
        else:
            length = lengths.doc_field_length(docnum, fieldname)
        add(docnum, weight, b"" if value is None else value, length)
    if lasttext is not None:
        fieldwriter.finish_term()
    if lastfn is not None:
        fieldwriter.finish_field()


class _FieldLengths:
    """`doc_field_length` of a per-document reader, each field's lengths read in one pass
    (`field_length_bytes`), with the same answers as Whoosh's."""

    def __init__(self, pdr):
        self.pdr = pdr
        self.table = length_table()
        self.fields: dict[str, bytes | None | bool] = {}

    def field_bytes(self, fieldname: str) -> bytes | None | bool:
        """The field's length bytes (`field_length_bytes`), False if it has no lengths, None: ask Whoosh."""
        try:
            return self.fields[fieldname]
        except KeyError:
            raw = self.fields[fieldname] = field_length_bytes(self.pdr, fieldname)
            if raw is None and not self.pdr.has_column(_length_column_name(fieldname)):
                # A field without lengths (an ID, a keyword field): Whoosh answers
                # `default`, after a file-system look-up for every posting.
                raw = self.fields[fieldname] = False
            return raw

    def doc_field_length(self, docnum: int, fieldname: str, default=0):
        raw = self.field_bytes(fieldname)
        if raw is False:
            return default
        if raw is None:
            return self.pdr.doc_field_length(docnum, fieldname, default)
        return self.table[raw[docnum] if docnum < len(raw) else 0]


def _length_column_name(fieldname: str) -> str:
    from whoosh.codec import whoosh3

    return whoosh3._lenfield(fieldname)


def commit_with_segments(writer, segments: list) -> None:
    """Commit `writer` as `writer.commit(optimize=False)` does, plus finished `segments`."""
    final = writer._merge_segments(None, False, True)
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(final + list(segments))
    writer._finish()


def finish_worker_segment(writer):
    """A worker's writer closed with its segment finished but not committed; the segment, or None if empty."""
    segment = writer._finalize_segment() if writer._added else None
    if segment is None:
        writer._close_segment()
    # Not writer._finish(): that would delete the temporary folder, which
    # the parent's writer and the other workers share (the parent does it).
    writer.is_closed = True
    return segment


def remove_orphan_segments(ix) -> None:
    """Delete the segment files of a Whoosh index that its latest TOC does not name.

    A writer that was cancelled or killed leaves the files of the segment it
    was writing; Whoosh itself removes them only at its next commit.
    """
    from whoosh.index import clean_files

    toc = ix._read_toc()
    clean_files(ix.storage, ix.indexname, toc.generation, toc.segments)


# ---- reader hooks -------------------------------------------------------------

def field_length_bytes(perdoc, fieldname: str) -> bytes | None:
    """Every document's length byte for `fieldname` in a Whoosh 3 segment, read at once.

    `perdoc` is the segment's per-document reader.  Whoosh reads one byte
    through several Python calls each time it needs a length (for every
    posting it writes or scores); both the writers and the scorer read the
    column once instead.  Documents past the end have no length (byte 0).
    None for another codec or a field without lengths: ask Whoosh then.
    """
    from whoosh.codec import whoosh3

    try:
        column = perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
        if column is None or column._fixedlen != 1:
            return None
        return bytes(column._dbfile.get(column._basepos, column._count))
    except Exception:  # another codec or column layout
        return None


def length_table() -> list:
    """Length byte -> field length, as Whoosh decodes it (None for 0: no length)."""
    from whoosh.util.numeric import byte_to_length

    return [byte_to_length(b) if b else None for b in range(256)]


def segment_field_lengths(reader, fieldname: str):
    """A function docnum -> the field's length in that passage, from one read of the
    segment's length column; None when `reader` is not a Whoosh 3 segment."""
    perdoc = getattr(reader, "_perdoc", None)
    raw = field_length_bytes(perdoc, fieldname) if perdoc is not None else None
    if raw is None:
        return None
    # Decoded on each look-up, not all at once: a cold search of a large index
    # reads the bytes (fast) but must not build a list of every passage's length.
    table = length_table()
    count = len(raw)

    def length(docnum: int):
        return table[raw[docnum]] if docnum < count else None

    return length


def term_postings(reader, fieldname: str, text, positions: bool = False):
    """(ids, weights, values) of one term's postings in one segment, as lists, read block by block.

    Whoosh's matchers hand out one posting per Python call (`next`, `id`,
    `weight`); ranking every posting of a query at once reads each posting
    block's arrays whole instead.  `values` (the encoded positions) only with
    `positions`, else None.  Deleted passages are left out.  Empty lists when
    the segment lacks the term.
    """
    from whoosh.codec.whoosh3 import W3LeafMatcher
    from whoosh.matching.wrappers import FilterMatcher

    ids: list[int] = []
    weights: list[float] = []
    values: list | None = [] if positions else None
    if (fieldname, text) not in reader:
        return ids, weights, values
    m = reader.postings(fieldname, text)
    deleted = None
    if isinstance(m, FilterMatcher):
        deleted, m = reader.deleted_docs_set, m.child
    if type(m) is W3LeafMatcher:
        while m.is_active():
            m._read_ids()
            m._read_weights()
            ids.extend(m._ids)
            weights.extend(m._weights)
            if positions:
                m._read_values()
                values.extend(m._values)
            m._next_block()
    else:  # a list inlined in the term table (one posting), or another codec
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            if positions:
                values.append(m.value())
            m.next()
    if deleted:
        keep = [n for n, docnum in enumerate(ids) if docnum not in deleted]
        ids = [ids[n] for n in keep]
        weights = [weights[n] for n in keep]
        if positions:
            values = [values[n] for n in keep]
    return ids, weights, values


def segment_length_bytes(reader, fieldname: str) -> bytes | None:
    """Every passage's length byte for `fieldname` in one segment (`length_table` decodes one), or None."""
    perdoc = getattr(reader, "_perdoc", None)
    return field_length_bytes(perdoc, fieldname) if perdoc is not None else None


def bm25f_constants(weighting, fieldname: str) -> tuple[float, float]:
    """(B, K1) a Whoosh BM25F weighting scores `fieldname` with (its per-field B, else its B)."""
    return getattr(weighting, "_field_B", {}).get(fieldname, weighting.B), weighting.K1


def docnums_of_terms(reader, fieldname: str) -> dict[int, str]:
    """{docnum: term} of one segment's field whose passages each hold one term (the passage id),
    read from the term table (one-posting lists are inlined there), not from stored fields."""
    found: dict[int, str] = {}
    for text, info in reader.iter_field(fieldname):
        if info.is_inlined():
            ids = info.inlined_postings()[0]
        else:
            ids = reader.postings(fieldname, text).all_ids()
        name = text.decode("utf-8") if isinstance(text, bytes) else text
        for docnum in ids:
            found[docnum] = name
    return found


def terms_by_frequency(reader, fieldname: str) -> tuple[set, set]:
    """(every term of `fieldname` in one segment, those more than one passage holds), from the term
    table's headers alone (a term's postings are not decoded)."""
    from whoosh.codec.whoosh3 import W3TermInfo

    terms = reader._terms
    prefix = terms._keycoder(fieldname, b"")
    unpack = W3TermInfo._struct.unpack_from
    size = len(prefix)
    every, shared = set(), set()
    for key, value in terms._tindex.items_from(prefix):
        if not key.startswith(prefix):
            break
        text = key[size:]
        every.add(text)
        if unpack(value)[2] > 1:
            shared.add(text)
    return every, shared


def use_field_lengths(scorer, lengths) -> None:
    """Make a BM25F scorer look lengths up with `lengths` (if it looks them up at all)."""
    if hasattr(scorer, "dfl"):
        scorer.dfl = lengths


# ---- the check ----------------------------------------------------------------

def missing_internals() -> list[str]:
    """The Whoosh internals this module relies on that the installed Whoosh lacks (empty: all there)."""
    from whoosh import scoring
    from whoosh.analysis import StemFilter
    from whoosh.codec import whoosh3
    from whoosh.index import FileIndex
    from whoosh.writing import PostingPool, SegmentWriter

    import whoosh.columns
    import whoosh.compat
    import whoosh.externalsort
    import whoosh.formats
    import whoosh.index
    from whoosh.filedb import structfile

    wanted = {
        whoosh.columns: ("loads",), whoosh.formats: ("loads",),
        whoosh.compat: ("loads", "load"), structfile: ("load_pickle",), whoosh.externalsort: ("load",),
        whoosh.index: ("pickle", "toc_loaders"),
        SegmentWriter: ("_flush_segment", "_merge_segments", "_commit_toc", "_finish", "_finalize_segment",
                        "_close_segment", "per_document_reader"),
        W3PostingsWriter: ("finish_postings", "written", "add_posting", "_write_block"),
        PostingPool: ("add", "save"),
        W3Codec: ("postings_writer",),
        FileIndex: ("_read_toc",),
        whoosh3.W3PerDocReader: ("_cached_reader",),
        whoosh3: ("_lenfield", "LENGTHS_COLUMN", "loads"),
        scoring: ("BM25F",),
        whoosh3.W3LeafMatcher: ("_read_ids", "_read_weights", "_read_values", "_next_block"),
        whoosh3.W3TermInfo: ("set_inlined", "add_block", "_struct"),
        whoosh3.W3TermsReader: ("_keycoder",),
        scoring.BM25F(): ("_field_B", "B", "K1"),
    }
    missing = [f"{getattr(owner, '__name__', owner)}.{name}" for owner, names in wanted.items()
               for name in names if not hasattr(owner, name)]
    missing += [f"AndNotMatcher.{name}" for name, method in UPSTREAM_AND_NOT.items() if method is None]
    # Attributes set on instances (a writer's `_added`, a reader's `_perdoc`,
    # a column's `_dbfile`...) are checked on a real index by the tests.
    if not hasattr(StemFilter(lang="en"), "_stem"):
        missing.append("StemFilter()._stem")
    return missing
