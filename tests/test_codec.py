"""The index codec: one-posting lists kept in the term table read back as Whoosh's own do,
also after segments are merged, and mixed with segments of Whoosh's stock codec."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import fields, index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import SegmentWriter

from indexer.codec import PassageCodec
from indexer.schema import build_schema


def small_schema() -> fields.Schema:
    # Positions (TEXT), existence without values (ID, KEYWORD) and frequencies (scorable KEYWORD).
    return fields.Schema(id=fields.ID(stored=True, unique=True), text=fields.TEXT(stored=True),
                         tags=fields.KEYWORD(scorable=False), words=fields.KEYWORD(scorable=True))


def postings(ix) -> dict:
    """Every term's postings as (document id, weight, value) read through the index's codecs."""
    out = {}
    with ix.reader() as reader:
        stored = {docnum: fields_["id"] for docnum, fields_ in reader.iter_docs()}
        for fieldname, term in reader.all_terms():
            m = reader.postings(fieldname, term)
            items = []
            while m.is_active():
                value = m.value()
                assert value is None or isinstance(value, bytes), (fieldname, term, value)
                items.append((stored[m.id()], round(m.weight(), 4), value))
                m.next()
            out[fieldname, term] = sorted(items)
    return out


def write(ix, codec, docs, **commit) -> None:
    writer = SegmentWriter(ix, codec=codec)
    for doc in docs:
        writer.update_document(**doc)
    writer.commit(**commit)


DOCS = [
    {"id": "a", "text": "export controls on chips", "tags": "x y", "words": "chips chips rare"},
    {"id": "b", "text": "chips and gallium", "tags": "y", "words": "chips"},
    {"id": "c", "text": "a unique word: germanium", "tags": "z", "words": "lonely"},
]


def test_one_posting_lists_are_inlined_and_read_back_as_blocks_are(tmp_path):
    ours, stock = tmp_path / "ours", tmp_path / "stock"
    for folder, codec in ((ours, PassageCodec()), (stock, W3Codec())):
        folder.mkdir()
        write(index.create_in(folder, small_schema()), codec, DOCS)
    ix_ours, ix_stock = index.open_dir(ours), index.open_dir(stock)
    assert postings(ix_ours) == postings(ix_stock)
    with ix_ours.reader() as reader:
        info = {t: reader.term_info(*t) for t in reader.all_terms()}
    assert info["text", b"germanium"].is_inlined()  # one posting
    assert info["tags", b"z"].is_inlined()  # one posting, no values
    assert not info["text", b"chips"].is_inlined()  # two postings: a block
    with ix_stock.reader() as reader:
        assert not any(reader.term_info(*t).is_inlined() for t in reader.all_terms())


def test_segments_with_inlined_lists_merge(tmp_path):
    """Merging reads every posting back and writes it again (the path incremental updates take)."""
    ix = index.create_in(tmp_path, small_schema())
    for doc in DOCS:  # one segment each
        write(ix, PassageCodec(), [doc], merge=False)
    assert len(ix._segments()) == 3
    before = postings(ix)
    write(ix, PassageCodec(), [], optimize=True)
    assert len(ix._segments()) == 1
    assert postings(ix) == before


def test_stock_and_inlined_segments_merge_together(tmp_path):
    """An index written before the codec changed keeps working: old segments merge with new ones."""
    ix = index.create_in(tmp_path, small_schema())
    write(ix, W3Codec(), DOCS[:2], merge=False)
    write(ix, PassageCodec(), DOCS[2:], merge=False)
    before = postings(ix)
    write(ix, PassageCodec(), [], optimize=True)
    assert postings(ix) == before
    write(ix, W3Codec(), [], optimize=True)  # and back: Whoosh's writer reads our segments
    assert postings(ix) == before


words = st.lists(st.sampled_from("chips gallium export rare robot tariff visa wafer".split()), max_size=6)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(words, words), min_size=1, max_size=8), st.integers(1, 4))
def test_any_documents_in_any_segments_read_back_as_with_the_stock_codec(tmp_path_factory, docs, per_segment):
    records = [{"id": f"d{n}", "text": " ".join(t) or "empty", "tags": " ".join(k), "words": " ".join(t + k)}
               for n, (t, k) in enumerate(docs)]
    results = []
    for codec in (PassageCodec, W3Codec):
        ix = index.create_in(tmp_path_factory.mktemp("ix"), small_schema())
        for start in range(0, len(records), per_segment):
            write(ix, codec(), records[start:start + per_segment], merge=False)
        unmerged = postings(ix)
        write(ix, codec(), [], optimize=True)
        assert postings(ix) == unmerged
        results.append(unmerged)
    assert results[0] == results[1]


def test_the_passage_index_is_written_with_the_codec(tiny_index):
    ix = index.open_dir(str(tiny_index / (tiny_index / "CURRENT").read_text().strip()), indexname="passages",
                        schema=build_schema())
    segments = ix._segments()
    assert segments and all(isinstance(s.codec(), PassageCodec) for s in segments)
    with ix.reader() as reader:
        assert any(reader.term_info(*t).is_inlined() for t in reader.all_terms())


def test_term_vectors_keep_their_blocks(tmp_path):
    """Whoosh reads a document's term vector by its place in the postings file: never inlined."""
    schema = fields.Schema(id=fields.ID(stored=True), t=fields.TEXT(vector=True))
    ix = index.create_in(tmp_path, schema)
    write(ix, PassageCodec(), [{"id": "one", "t": "single"}, {"id": "two", "t": "chips and more chips"}])
    with ix.searcher() as s:
        vectors = {s.stored_fields(n)["id"]: list(s.vector_as("frequency", n, "t")) for n in range(2)}
    assert vectors["one"] == [("single", 1)]
    assert ("chips", 2) in vectors["two"]
