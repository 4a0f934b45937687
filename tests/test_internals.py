"""The private names of Whoosh and NLTK that indexer/whoosh_internals.py and indexer/nltk_internals.py use.

When a new release of either moves one of them, these tests fail and name it,
rather than indexing or ranking silently taking a slower or wrong path.
"""
from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import nltk_internals, whoosh_internals
from indexer.layout import INDEX_NAME
from indexer.schema import build_schema

ROOT = Path(__file__).resolve().parent.parent


def test_whoosh_still_has_the_internals_we_use():
    import whoosh

    missing = whoosh_internals.missing_internals()
    assert not missing, (f"whoosh-reloaded {whoosh.versionstring()} no longer has {', '.join(missing)}: "
                         "update indexer/whoosh_internals.py (and the bound in setup.cfg)")


def test_nltk_still_has_the_internals_we_use():
    import importlib.metadata

    missing = nltk_internals.missing_internals()
    assert not missing, (f"nltk {importlib.metadata.version('nltk')} no longer has {', '.join(missing)}: "
                         "update indexer/nltk_internals.py (and the bound in setup.cfg)")


def test_whoosh_segments_still_give_their_length_column_in_one_read(tmp_path):
    """The hooks on real objects: a writer's `_added`, a reader's `_perdoc`, a column's bytes, the TOC."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.create_in(str(tmp_path), build_schema(), indexname=INDEX_NAME)
    writer = whoosh_internals.new_writer(ix, 32)
    texts = ["Export controls on chips.", "Talent programs recruit researchers in machine learning today."]
    for n, text in enumerate(texts):
        writer.add_document(id=f"d:{n}", document="d", text=text, title="", section="")
    assert writer._added, "SegmentWriter._added is gone"
    whoosh_internals.commit_with_segments(writer, [])
    with ix.reader() as reader:
        lengths = whoosh_internals.segment_field_lengths(reader, "text")
        assert lengths is not None, "a segment's length column can no longer be read in one go"
        assert [lengths(n) for n in range(2)] == [reader.doc_field_length(n, "text") for n in range(2)]
    whoosh_internals.remove_orphan_segments(ix)  # reads the TOC through FileIndex._read_toc


def test_only_the_internals_modules_touch_private_names_of_whoosh_or_nltk():
    """Outside the two modules, no code imports a private Whoosh/NLTK name or overrides a private method."""
    import importlib
    import inspect

    allowed = {"indexer.whoosh_internals", "indexer.nltk_internals"}
    for package in ("corpus", "indexer", "searcher"):
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            if name in allowed or name.endswith("__main__"):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ("whoosh", "nltk"):
                    private = [a.name for a in node.names if a.name.startswith("_")]
                    assert not private, f"{name} imports {private} from {node.module}"
            module = importlib.import_module(name)
            for cls in vars(module).values():
                if not inspect.isclass(cls) or cls.__module__ != name:
                    continue
                upstream = [base for base in cls.__mro__[1:] if base.__module__.split(".")[0] in ("whoosh", "nltk")]
                private = [attr for attr in vars(cls) if attr.startswith("_") and not attr.startswith("__")
                           and any(attr in vars(base) for base in upstream)]
                assert not private, f"{name}: {cls.__name__} overrides upstream private {private}"


# ---- the AndNotMatcher repair ---------------------------------------------------

def test_whoosh_and_not_matcher_is_still_broken_upstream():
    """Upstream's `_find_first` still returns a's first id when b holds it but starts earlier.

    When this fails, whoosh-reloaded has mended AndNotMatcher: remove
    `repair_and_not` from indexer/whoosh_internals.py, and this test.
    """
    import whoosh
    from whoosh.matching import AndNotMatcher, ListMatcher

    upstream_find_first = whoosh_internals.UPSTREAM_AND_NOT["_find_first"]
    matcher = AndNotMatcher.__new__(AndNotMatcher)
    matcher.a, matcher.b = ListMatcher([3]), ListMatcher([1, 3])
    upstream_find_first(matcher)
    assert matcher.is_active() and matcher.id() == 3, (
        f"whoosh-reloaded {whoosh.versionstring()} mended AndNotMatcher._find_first: "
        "remove repair_and_not from indexer/whoosh_internals.py and this test")


def test_a_stock_whoosh_index_leaves_out_the_excluded_word(tmp_path):
    """The fault was Whoosh's (measured with its own W3 codec, block posting lists), and is repaired."""
    from whoosh import fields, index as whoosh_index, query as q
    from whoosh.codec.whoosh3 import W3Codec

    schema = fields.Schema(id=fields.ID(stored=True), text=fields.TEXT)
    ix = whoosh_index.create_in(str(tmp_path), schema)
    with ix.writer(codec=W3Codec()) as writer:
        for n, text in enumerate(["chip", "gallium chip", "gallium alone", "chip gallium", "gallium"]):
            writer.add_document(id=str(n), text=text)
    with ix.searcher() as searcher:
        assert type(searcher.reader().postings("text", "gallium")).__name__ == "W3LeafMatcher"
        found = [hit["id"] for hit in searcher.search(q.AndNot(q.Term("text", "gallium"), q.Term("text", "chip")))]
    assert sorted(found) == ["2", "4"]


IDS = st.lists(st.integers(0, 40), max_size=15).map(lambda ids: sorted(set(ids)))


@settings(max_examples=300, deadline=None)
@given(a=IDS, b=IDS, skips=st.lists(st.integers(0, 45), max_size=4))
def test_and_not_matcher_gives_a_minus_b(a, b, skips):
    from whoosh.matching import AndNotMatcher, ListMatcher

    expected = [n for n in a if n not in set(b)]
    assert list(AndNotMatcher(ListMatcher(a), ListMatcher(b)).all_ids()) == expected
    matcher = AndNotMatcher(ListMatcher(a), ListMatcher(b))
    for target in skips:
        if not matcher.is_active():
            break
        later = [n for n in expected if n >= max(target, matcher.id())]
        matcher.skip_to(target)  # (upstream read past the end of a here)
        assert (matcher.id() if matcher.is_active() else None) == (later[0] if later else None)
