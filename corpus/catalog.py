"""Bibliographic facts for the bundled documents (from the corpus's SOURCES.md).

The text of a document does not always say who wrote it; the catalog does.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class CatalogEntry:
    title: str
    authors: tuple[str, ...]
    date: str
    publisher: str


@lru_cache(maxsize=1)
def load_catalog() -> dict[str, CatalogEntry]:
    """The catalog of the bundled corpus, keyed by document id (file stem)."""
    raw = json.loads((DATA_DIR / "catalog.json").read_text(encoding="utf-8"))
    return {
        doc_id: CatalogEntry(
            title=facts["title"],
            authors=tuple(facts.get("authors", ())),
            date=facts.get("date", ""),
            publisher=facts.get("publisher", ""),
        )
        for doc_id, facts in raw.items()
    }


def lookup(doc_id: str) -> CatalogEntry | None:
    return load_catalog().get(doc_id)


def bundled_corpus_dir() -> Path:
    """The folder holding the bundled seed documents."""
    return DATA_DIR
