"""The index folder on disk: where it lives, its files, generations, CURRENT, the version check and its errors.

An index folder holds generations (gen-000001/, ...), each a complete Whoosh
index with its manifest and sentence model, and a file CURRENT naming the
live one.  A rebuild writes a new generation and then replaces CURRENT
atomically, so a crash at any moment leaves the previous generation in place
and searchable.  Both sides use this module: the indexer to write the
folder, the searcher to find and check what it opens.  Standard library only:
the search path must stay light.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

from corpus.errors import CorpusSearchError

# Bump when the schema or the analysis changes: an index made by another
# version is refused with a message asking for `corpus-search index --rebuild`.
SCHEMA_VERSION = 4  # 3: each document's record (indexer.document_meta) on its first passage; 4: passages store their printed page

CURRENT_NAME = "CURRENT"  # in the index folder: the name of the live generation
SOURCES_NAME = "sources.json"  # in the index folder: a copy of the tracked sources (indexer.manifest)
LOCK_NAME = "LOCK"  # in the index folder: the writer lock (indexer.lock)
GENERATION_PREFIX = "gen-"
INDEX_NAME = "passages"  # in a generation: the Whoosh index's name
MANIFEST_NAME = "manifest.json"  # in a generation: what it was made from (indexer.manifest)
PUNKT_NAME = "punkt.json"  # in a generation: the sentence model (indexer.sentences)
LEGACY_PUNKT_NAME = "punkt.pickle"  # its file in indexes made by earlier versions

# Whoosh writes its TOC to "<name>_<gen>.toc.<time>" and renames it into place.
_WHOOSH_TEMP_TOC = re.compile(r".*\.toc\.[0-9.]+$")


class IndexMissing(CorpusSearchError):
    """No index where one was expected."""


class IndexDamaged(CorpusSearchError):
    """The index exists but cannot be used (damaged, or made by another version)."""


# ---- where ------------------------------------------------------------------

def default_index_dir() -> Path:
    """Where the index lives unless told otherwise: $CORPUS_SEARCH_INDEX, else a per-user data folder."""
    env = os.environ.get("CORPUS_SEARCH_INDEX")
    if env:
        return Path(env).expanduser()
    return user_data_dir() / "index"


def user_data_dir() -> Path:
    """The per-user data folder of corpus-search on this platform."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "corpus-search"


def is_default_index(index_dir: Path) -> bool:
    """Whether `index_dir` is the default index (which starts out tracking the bundled corpus)."""
    return Path(index_dir).resolve() == default_index_dir().resolve()


def missing_advice(index_dir: Path) -> str:
    """The IndexMissing message for `index_dir`: what to run to build it."""
    if is_default_index(index_dir):
        return f"no index at {index_dir}; run `corpus-search index` to build it"
    return (f"no index at {index_dir}; build one with "
            f"`corpus-search index FILES-OR-FOLDERS --index {index_dir}`")


# ---- generations and CURRENT -------------------------------------------------

def is_generation_name(name: str) -> bool:
    return name.startswith(GENERATION_PREFIX) and name[len(GENERATION_PREFIX):].isdigit()


def current_generation(index_dir: Path) -> Path | None:
    """The live generation folder of an index, or None when there is no index.

    Raises IndexDamaged when CURRENT exists but cannot be read or names no
    generation folder.
    """
    try:
        name = (Path(index_dir) / CURRENT_NAME).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, ValueError):
        name = ""
    if not is_generation_name(name) or not (Path(index_dir) / name).is_dir():
        raise IndexDamaged(
            f"the index at {index_dir} is damaged (its {CURRENT_NAME} file names no generation); "
            "run `corpus-search index --rebuild`"
        )
    return Path(index_dir) / name


def current_generation_name(index_dir: Path) -> str:
    """The name CURRENT holds, or "" (never raises)."""
    try:
        return (Path(index_dir) / CURRENT_NAME).read_text(encoding="utf-8").strip()
    except (OSError, ValueError):
        return ""


def new_generation(index_dir: Path) -> Path:
    """A new, empty generation folder, numbered after every one present."""
    numbers = [int(p.name[len(GENERATION_PREFIX):]) for p in index_dir.iterdir() if is_generation_name(p.name)]
    target = index_dir / f"{GENERATION_PREFIX}{max(numbers, default=0) + 1:06d}"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    return target


def make_current(index_dir: Path, target: Path) -> None:
    """Make `target` the live generation (an atomic rename of CURRENT), then delete the others."""
    pointer = index_dir / CURRENT_NAME
    tmp = pointer.with_name(CURRENT_NAME + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(target.name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(pointer)
    remove_leftovers(index_dir, target)


def remove_leftovers(index_dir: Path, live: Path | None) -> None:
    """Delete what killed runs left: other generations, temporary files.  Call with the writer lock held.

    (Segment files that no Whoosh TOC names are removed by
    `indexer.whoosh_internals.remove_orphan_segments`.)
    """
    for entry in index_dir.iterdir():
        if is_generation_name(entry.name) and (live is None or entry.name != live.name):
            shutil.rmtree(entry, ignore_errors=True)
    _unlink(index_dir / (CURRENT_NAME + ".tmp"))
    if live is None or not live.is_dir():
        return
    for entry in live.iterdir():
        if entry.name.endswith(".tmp") or _WHOOSH_TEMP_TOC.match(entry.name):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                _unlink(entry)


def remove_new_index_folder(index_dir: Path) -> None:
    """Delete an index folder this run created and never made current.  Call with the writer lock held.

    The lock file goes last: a run that waited for the lock sees its file
    was unlinked and takes the lock again (`indexer.lock`); a folder that
    another run has put anything else in meanwhile is left in place.
    """
    remove_leftovers(index_dir, None)
    _unlink(index_dir / SOURCES_NAME)
    try:
        names = {entry.name for entry in index_dir.iterdir()}
    except OSError:
        return
    if names <= {LOCK_NAME}:
        _unlink(index_dir / LOCK_NAME)
        try:
            index_dir.rmdir()
        except OSError:
            pass


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


# ---- the version check -------------------------------------------------------

def check_version(version: int, index_dir: Path) -> None:
    """IndexDamaged unless `version` (a manifest's schema_version) is this version's."""
    if version != SCHEMA_VERSION:
        raise IndexDamaged(
            f"the index at {index_dir} was made by another version of corpus-search; "
            "run `corpus-search index --rebuild`"
        )


def check_generation_version(generation: Path, index_dir: Path) -> None:
    """Read only the schema version of `generation`'s manifest and check it (the search side's check)."""
    try:
        raw = json.loads((generation / MANIFEST_NAME).read_text(encoding="utf-8"))
        version = int(raw.get("schema_version", 0))
    except (OSError, ValueError, TypeError, AttributeError):
        raise IndexDamaged(
            f"the index at {index_dir} is damaged or incomplete; run `corpus-search index --rebuild`"
        ) from None
    check_version(version, index_dir)


def folder_size(folder: Path) -> int:
    """Bytes of every file under `folder`."""
    return sum(os.path.getsize(p) for p in Path(folder).rglob("*") if p.is_file())
