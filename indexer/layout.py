"""The index folder on disk: where it lives, its files, generations, CURRENT, the version check and its errors.

An index folder holds generations (gen-000001/, ...), each a complete Whoosh
index with its manifest and sentence model, and a file CURRENT naming the
live one.  A rebuild writes a new generation and then replaces CURRENT
atomically, so a crash at any moment leaves the previous generation in place
and searchable.  Each generation lists the size and CRC-32 of each of its
files in checksums.json, written last at every commit (`seal`) and checked
whenever the generation is opened (`verify`): a damaged file (a flipped bit,
a truncated or deleted file) makes the index say so instead of failing in
whatever way the damaged bytes happen to cause.  The seal also records
each file's size and modification time: opening for a search hashes only
the files whose size or time is not the one recorded (whatever rewrote,
truncated or replaced a file changed them), so a search need not read the
whole index to start; `corpus-search check` and every index run hash every
byte whatever the times say.  Both sides use this module: the indexer to write the
folder, the searcher to find and check what it opens.  Standard library only:
the search path must stay light.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import CorpusSearchError

# Bump when the schema or the analysis changes: an index made by another
# version is refused with a message asking for `corpus-search index --rebuild`.
SCHEMA_VERSION = 6  # 3: each document's record (indexer.document_meta) on its first passage; 4: passages store their printed page; 5: accents folded, CJK pairs; 6: the acronyms table

CURRENT_NAME = "CURRENT"  # in the index folder: the name of the live generation
SOURCES_NAME = "sources.json"  # in the index folder: a copy of the tracked sources (indexer.manifest)
LOCK_NAME = "LOCK"  # in the index folder: the writer lock (indexer.lock)
GENERATION_PREFIX = "gen-"
INDEX_NAME = "passages"  # in a generation: the Whoosh index's name
MANIFEST_NAME = "manifest.json"  # in a generation: what it was made from (indexer.manifest)
PUNKT_NAME = "punkt.json"  # in a generation: the sentence model (indexer.sentences)
NEW_FOLDER_MODE = 0o700  # a new index folder: its owner's alone (its files: 0600; see `seal`)
ACRONYMS_NAME = "acronyms.json"  # in a generation: the acronyms the indexed text defines (write_acronyms)
CHECKSUMS_NAME = "checksums.json"  # in a generation: size and CRC-32 of every other file (seal, verify)
LEGACY_PUNKT_NAME = "punkt.pickle"  # its file in indexes made by earlier versions

# Whoosh writes its TOC to "<name>_<gen>.toc.<time>" and renames it into place.
_WHOOSH_TEMP_TOC = re.compile(r".*\.toc\.[0-9.]+$")
# Whoosh opens the highest-numbered TOC in the folder, so no TOC may go unchecked.
_WHOOSH_TOC = re.compile(r"_.*_[0-9]+\.toc$")


class IndexMissing(CorpusSearchError):
    """No index where one was expected."""


class IndexDamaged(CorpusSearchError):
    """The index exists but cannot be used (damaged, or made by another version)."""


class IndexWriteFailed(CorpusSearchError, OSError):
    """The system refused a write to the index (a full disk, a read-only folder); an OSError too, with its errno."""

    def __str__(self) -> str:
        return self.strerror or super().__str__()


def write_failed(index_dir: Path, exc: OSError) -> IndexWriteFailed:
    """`exc`, met while writing the index at `index_dir`, as the package's error."""
    where = f" ({exc.filename})" if exc.filename else ""
    return IndexWriteFailed(exc.errno, f"cannot write the index at {index_dir}: {exc.strerror or exc}{where}")


class BadPath(CorpusSearchError):
    """A path that names nothing: empty, or `~user` for a user this machine does not have."""


# ---- where ------------------------------------------------------------------

def default_index_dir() -> Path:
    """Where the index lives unless told otherwise: $CORPUS_SEARCH_INDEX, else a per-user data folder."""
    env = os.environ.get("CORPUS_SEARCH_INDEX")
    if env:
        return expand_user(env, "CORPUS_SEARCH_INDEX")
    return user_data_dir() / "index"


def index_folder(index_dir) -> Path:
    """The index folder a caller names (None: the default one; "" is BadPath, never the default)."""
    return expand_user(index_dir, "index folder") if index_dir is not None else default_index_dir()


def expand_user(path, what: str = "path") -> Path:
    """`path` with a leading `~` or `~user` expanded; BadPath when empty or the user is unknown."""
    text = os.fspath(path)
    if text == "":
        raise BadPath(f"the {what} is empty; give " + ("a folder" if "folder" in what else "a file or folder"))
    try:
        return Path(text).expanduser()
    except RuntimeError:  # (pathlib's error for an unknown ~user)
        user = text[1:].split("/", 1)[0].split(os.sep, 1)[0]
        raise BadPath(f"cannot expand the {what} {text!r}: this machine has no user {user!r}") from None


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


def current_generation(index_dir: Path, tolerate_damage: bool = False) -> Path | None:
    """The live generation folder of an index, or None when there is no index.

    Raises IndexDamaged when CURRENT exists but cannot be read or names no
    generation folder, unless `tolerate_damage` (a rebuild): then None.
    """
    if tolerate_damage:
        try:
            return current_generation(index_dir)
        except IndexDamaged:
            return None
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


# ---- checksums ------------------------------------------------------------------

def _sealed_files(generation: Path) -> list[Path]:
    """The files of a generation that its checksums cover: all but the checksums,
    Whoosh's empty lock file and temporary files."""
    return sorted(
        p for p in generation.iterdir()
        if p.is_file() and p.name != CHECKSUMS_NAME and not p.name.endswith(("_WRITELOCK", ".tmp"))
        and not _WHOOSH_TEMP_TOC.match(p.name)
    )


CHECKSUM_BLOCK = 1 << 20


def file_checksum(path: Path) -> tuple[int, int]:
    """(size, CRC-32) of a file's bytes, read a block at a time into one buffer.

    Not mapped whole: a mapped file's pages count in the resident set, and
    the segment of a 100 MB document is a few hundred MB (measured: sealing
    it took the process from 268 to 543 MB).
    """
    buffer = bytearray(CHECKSUM_BLOCK)
    view = memoryview(buffer)
    size = crc = 0
    with open(path, "rb", buffering=0) as fh:
        while True:
            n = fh.readinto(buffer)
            if not n:
                return size, crc
            size += n
            crc = zlib.crc32(view[:n], crc)


def file_stamp(path: Path) -> tuple[int, int]:
    """(size, modification time in ns) of a file: what `verify` compares before hashing it."""
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


def seal(generation: Path) -> None:
    """Record the size and CRC-32 of every file of `generation` (after each commit, as its last step),
    with its size and modification time, and give the index's files the permissions of its folder
    (`follow_folder_mode`)."""
    files = _sealed_files(generation)
    sums = {p.name: list(file_checksum(p)) for p in files}
    stamps = {p.name: list(file_stamp(p)) for p in files}
    target = generation / CHECKSUMS_NAME
    tmp = target.with_name(CHECKSUMS_NAME + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump({"crc32": sums, "stamps": stamps}, fh, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(target)
    follow_folder_mode(generation.parent, [generation, target, *files])


def make_private_as_folder(index_dir: Path) -> None:
    """Every file and generation of the index with the index folder's permissions (after a run)."""
    entries = [p for p in Path(index_dir).iterdir()]
    for entry in list(entries):
        if entry.is_dir() and not entry.is_symlink() and is_generation_name(entry.name):
            entries += list(entry.iterdir())
    follow_folder_mode(index_dir, entries)


def follow_folder_mode(index_dir: Path, paths) -> None:
    """Give `paths` the permissions of the index folder: a folder the same, a file the same without
    execute bits (a 0700 folder: 0600 files; 0750: 0640).  Never more open than the folder."""
    if sys.platform == "win32":
        return
    try:
        mode = index_dir.stat().st_mode & 0o777
    except OSError:
        return
    for path in paths:
        try:
            if path.is_symlink():
                continue
            path.chmod(mode if path.is_dir() else mode & 0o666)
        except OSError:
            pass


def damaged(index_dir: Path, what: str) -> IndexDamaged:
    """The IndexDamaged error for an index whose `what` is wrong."""
    return IndexDamaged(f"the index at {index_dir} is damaged ({what}); run `corpus-search index --rebuild`")


def _what(generation: Path, name: str) -> str:
    """A file of a generation as a damage message names it."""
    where = f"{generation.name}/{name}"
    if name == MANIFEST_NAME:
        return f"its manifest, {where},"
    if name in (PUNKT_NAME, LEGACY_PUNKT_NAME):
        return f"its sentence model, {where},"
    if name == ACRONYMS_NAME:
        return f"its acronyms table, {where},"
    if name.endswith(".toc"):
        return f"its table of contents, {where},"
    return f"its Whoosh file {where}"


@dataclass(frozen=True)
class Verified:
    """What `verify` checked: how many files, and whether the checksums cover the last commit."""

    files: int
    sealed: bool = True


def _toc_number(name: str) -> int:
    return int(name.rsplit("_", 1)[1].split(".")[0])


def verify(generation: Path, index_dir: Path, skip: tuple[str, ...] = (), trust_unchanged: bool = False) -> Verified:
    """Check the files of `generation` against its checksums (all but those named in `skip`).

    IndexDamaged names the first file that is missing, of another size or
    with other bytes.  One state is not damage: a run killed between an
    update's commit and its new checksums leaves a newer table of contents
    than any listed, the files that commit merged away gone, and perhaps a
    new manifest and acronyms table; every other listed file must still match.  That gives
    `sealed=False`, and the next index run writes the checksums afresh; so
    does an index made before checksums existed (it has none).

    With `trust_unchanged` (opening for a search), a file whose size and
    modification time are those the seal recorded is taken as sealed without
    reading it; any other is hashed.  (Checksums written before the seal
    recorded times have none: every file is hashed.)
    """
    try:
        raw = json.loads((generation / CHECKSUMS_NAME).read_text(encoding="utf-8"))
        listed = {str(name): (int(size), int(crc)) for name, (size, crc) in raw["crc32"].items()}
        stamps = {str(name): (int(size), int(mtime)) for name, (size, mtime) in raw.get("stamps", {}).items()}
    except FileNotFoundError:  # made before checksums existed: the next index run adds them
        return Verified(0, sealed=False)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        raise damaged(index_dir, f"{generation.name}/{CHECKSUMS_NAME} cannot be read") from None
    if not trust_unchanged:
        stamps = {}
    if any(os.sep in name or (os.altsep and os.altsep in name) or name in ("", ".", "..") for name in listed):
        raise damaged(index_dir, f"{generation.name}/{CHECKSUMS_NAME} cannot be read")
    listed_tocs = [_toc_number(n) for n in listed if _WHOOSH_TOC.match(n)]
    newer_tocs = [p.name for p in generation.iterdir()
                  if _WHOOSH_TOC.match(p.name) and p.name not in listed]
    unsealed = bool(newer_tocs) and bool(listed_tocs) and all(
        _toc_number(n) > max(listed_tocs) for n in newer_tocs)
    if newer_tocs and not unsealed:
        raise damaged(index_dir, f"{_what(generation, newer_tocs[0])} was not written by the last commit")
    checked = 0
    for name, (size, crc) in listed.items():
        if name in skip:
            continue
        path = generation / name
        stamp = stamps.get(name)
        if stamp is not None and stamp[0] == size:
            try:
                if file_stamp(path) == stamp:
                    checked += 1
                    continue
            except OSError:
                pass  # (reported below)
        try:
            actual = file_checksum(path)
        except OSError:
            if unsealed and name not in (MANIFEST_NAME, PUNKT_NAME):
                continue  # merged away by the unsealed commit
            raise damaged(index_dir, f"{_what(generation, name)} is missing or unreadable") from None
        if actual != (size, crc) and not (unsealed and name in (MANIFEST_NAME, ACRONYMS_NAME)):
            if actual[0] != size:
                raise damaged(index_dir, f"{_what(generation, name)} has another size than when written")
            raise damaged(index_dir, f"{_what(generation, name)} does not match its checksum")
        checked += 1
    return Verified(checked, sealed=not unsealed)


# ---- the version check -------------------------------------------------------

def check_version(version: int, index_dir: Path) -> None:
    """IndexDamaged unless `version` (a manifest's schema_version) is this version's."""
    if version != SCHEMA_VERSION:
        raise IndexDamaged(
            f"the index at {index_dir} was made by another version of corpus-search; "
            "run `corpus-search index --rebuild`"
        )


# How a manifest starts (indexer.manifest writes its schema version first): read
# from its first bytes, the version is checked without parsing a manifest that
# lists every document (3 MB, 25 ms, for 48,000 documents).
_MANIFEST_HEAD = re.compile(rb'\A\{\s*"schema_version":\s*(\d{1,9})\s*,')


def check_generation_version(generation: Path, index_dir: Path) -> None:
    """Read only the schema version of `generation`'s manifest and check it (the search side's check)."""
    try:
        with open(generation / MANIFEST_NAME, "rb") as fh:
            head = _MANIFEST_HEAD.match(fh.read(256))
        if head:
            version = int(head.group(1))
        else:  # another layout: read it whole
            raw = json.loads((generation / MANIFEST_NAME).read_text(encoding="utf-8"))
            version = int(raw.get("schema_version", 0))
    except (OSError, ValueError, TypeError, AttributeError):
        raise IndexDamaged(
            f"the index at {index_dir} is damaged or incomplete; run `corpus-search index --rebuild`"
        ) from None
    check_version(version, index_dir)


# ---- the acronyms table ----------------------------------------------------------

def write_acronyms(generation: Path, table: dict[str, tuple[str, int]]) -> None:
    """Write a generation's acronyms table ({short form: (long form, definitions)}; see corpus.acronyms),
    atomically, before `seal`."""
    target = generation / ACRONYMS_NAME
    tmp = target.with_name(ACRONYMS_NAME + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump({"acronyms": {short: [long, n] for short, (long, n) in sorted(table.items())}}, fh,
                  ensure_ascii=False, indent=0)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(target)


def read_acronyms(generation: Path, index_dir: Path) -> dict[str, tuple[str, int]]:
    """A generation's acronyms table; IndexDamaged when missing or malformed (checked by `verify` first)."""
    try:
        raw = json.loads((generation / ACRONYMS_NAME).read_text(encoding="utf-8"))["acronyms"]
        return {str(short): (str(long), int(n)) for short, (long, n) in raw.items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        raise damaged(index_dir, f"{_what(generation, ACRONYMS_NAME)} cannot be read") from None


def check_generation(generation: Path, index_dir: Path, skip: tuple[str, ...] = ()) -> Verified:
    """The checks made before a generation is opened for searching: its version, then its
    checksums, hashing the files whose size or time changed since the seal (files checked)."""
    check_generation_version(generation, index_dir)
    return verify(generation, index_dir, skip, trust_unchanged=True)


def folder_size(folder: Path) -> int:
    """Bytes of every file under `folder`.  A writer at work beside (an update) creates and removes
    temporary files and folders in it: one that goes while it is counted is not counted."""
    total = 0
    for top, _, names in os.walk(folder):  # (os.walk passes over a folder gone before it is listed)
        for name in names:
            try:
                total += os.path.getsize(os.path.join(top, name))
            except OSError:
                pass
    return total
