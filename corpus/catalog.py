"""Bibliographic facts for the bundled documents (from the corpus's SOURCES.md).

The text of a document does not always say who wrote it, or where it was
published; the catalog does.  It is read as a folder catalog (corpus.sidecar)
of the bundled corpus's folder, keyed by document id.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from .metadata import Facts, parse_facts

DATA_DIR = Path(__file__).resolve().parent / "data"

CatalogEntry = Facts  # (the name the structure step knows it by)


@lru_cache(maxsize=1)
def load_catalog() -> dict[str, Facts]:
    """The catalog of the bundled corpus, keyed by document id (file stem)."""
    path = DATA_DIR / "catalog.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {doc_id: parse_facts(facts, f"{path} [{doc_id}]") for doc_id, facts in raw.items()}


def lookup(doc_id: str) -> Facts | None:
    return load_catalog().get(doc_id)


def bundled_corpus_dir() -> Path:
    """The folder holding the bundled seed documents."""
    return DATA_DIR
