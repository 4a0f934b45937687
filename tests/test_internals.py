"""The private names of Whoosh and NLTK that indexer/whoosh_internals.py and indexer/nltk_internals.py use.

When a new release of either moves one of them, these tests fail and name it,
rather than indexing or ranking silently taking a slower or wrong path.
"""
from __future__ import annotations

import ast
from pathlib import Path

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
