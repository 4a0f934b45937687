"""What an index is made of: the sources it tracks and the files it has read.

Stored as JSON beside the Whoosh files of each generation.  For each file:
size, mtime (ns), SHA-256 and the ids of the documents it gave.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from corpus.catalog import bundled_corpus_dir

from .layout import MANIFEST_NAME, SCHEMA_VERSION, SOURCES_NAME

# The bundled corpus is tracked by this name, not by its path, so an index
# survives the package being reinstalled somewhere else.
BUNDLED = "bundled:"


def resolve_source(source: str) -> Path:
    """The folder or file a tracked source names today."""
    if source.startswith(BUNDLED):
        return bundled_corpus_dir() / source[len(BUNDLED):]
    return Path(source)


@lru_cache(maxsize=1)
def _bundled_dir() -> Path:
    return bundled_corpus_dir().resolve()


def source_key(path: Path) -> str:
    """How a file or folder is recorded: bundled files by their name, others by absolute path."""
    path = Path(path).resolve()
    bundled = _bundled_dir()
    if path == bundled:
        return BUNDLED
    if path.parent == bundled:
        return BUNDLED + path.name
    return str(path)


@dataclass
class FileRecord:
    size: int
    mtime_ns: int
    sha256: str
    documents: list[str]
    # For a file of many documents (JSON Lines): a digest of each, so that a
    # change re-indexes only the documents that changed.
    digests: dict[str, str] = field(default_factory=dict)
    # The metadata files beside it (corpus.sidecar), by size and time: an
    # edited sidecar makes the file count as changed.
    sidecars: str = ""
    # The acronyms its documents define: {short form: {long form: times}} (corpus.acronyms).
    acronyms: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_json(self) -> dict:
        data = vars(self).copy()
        for key in ("digests", "sidecars", "acronyms"):
            if not data[key]:
                del data[key]
        return data


@dataclass
class Manifest:
    sources: list[str] = field(default_factory=list)
    files: dict[str, FileRecord] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION

    @classmethod
    def load(cls, folder: Path) -> "Manifest":
        """Read a manifest; ValueError if it is not one (damaged or hand-edited)."""
        raw = json.loads((Path(folder) / MANIFEST_NAME).read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("the manifest is not a JSON object")
        sources, files = raw.get("sources", []), raw.get("files", {})
        if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
            raise ValueError("the manifest's sources are not a list of paths")
        if not isinstance(files, dict):
            raise ValueError("the manifest's files are not an object")
        try:
            records = {str(k): FileRecord(**v) for k, v in files.items()}
        except TypeError as exc:
            raise ValueError(f"a file record is malformed: {exc}") from None
        if any(not isinstance(r.documents, list) or not isinstance(r.digests, dict) for r in records.values()):
            raise ValueError("a file record's documents are malformed")
        if any(not isinstance(r.acronyms, dict) or not all(isinstance(v, dict) for v in r.acronyms.values())
               for r in records.values()):
            raise ValueError("a file record's acronyms are malformed")
        return cls(sources=sources, files=records, schema_version=int(raw.get("schema_version", 0)))

    def save(self, folder: Path) -> None:
        data = {
            "schema_version": self.schema_version,
            "sources": self.sources,
            "files": {k: v.as_json() for k, v in sorted(self.files.items())},
        }
        _write_json_atomically(Path(folder) / MANIFEST_NAME, data)

    def add_source(self, key: str) -> None:
        if key not in self.sources:
            self.sources.append(key)

    def acronym_table(self) -> dict[str, tuple[str, int]]:
        """The acronyms the tracked files define, the consistent ones only (corpus.acronyms), stop words left out."""
        from corpus.acronyms import consistent_table, merge_counts

        from .schema import STOP_WORDS

        return consistent_table(merge_counts(r.acronyms for r in self.files.values()), STOP_WORDS)

    def document_owner(self) -> dict[str, str]:
        """Which file each document id came from."""
        return {doc: key for key, rec in self.files.items() for doc in rec.documents}


def save_sources(index_dir: Path, sources: list[str]) -> None:
    """A copy of the tracked sources at the top of the index folder, so that
    `index --rebuild` knows what to read even when the manifest is damaged."""
    _write_json_atomically(Path(index_dir) / SOURCES_NAME, {"sources": list(sources)})


def salvage_sources(index_dir: Path, generation: Path | None) -> list[str]:
    """The sources an index tracked, read as leniently as possible (for a rebuild)."""
    candidates = [generation / MANIFEST_NAME] if generation else []
    candidates.append(Path(index_dir) / SOURCES_NAME)
    for path in candidates:
        try:
            sources = json.loads(path.read_text(encoding="utf-8")).get("sources")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(sources, list) and all(isinstance(s, str) for s in sources) and sources:
            return list(sources)
    return []


def _write_json_atomically(path: Path, data: object) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


def load_checked(generation: Path, index_dir: Path) -> Manifest:
    """The manifest of `generation`; IndexDamaged when it cannot be read or was made by another version."""
    from .layout import IndexDamaged, check_version

    try:
        manifest = Manifest.load(generation)
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        raise IndexDamaged(
            f"the index at {index_dir} is damaged (its manifest cannot be read: {exc.__class__.__name__}); "
            "run `corpus-search index --rebuild`"
        ) from None
    check_version(manifest.schema_version, index_dir)
    return manifest
