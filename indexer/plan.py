"""What an update must do: which tracked files are new, changed, unchanged or gone."""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from corpus.errors import UnreadableDocument
from corpus.readers import Skip, file_digest, find_files
from corpus.sidecar import sidecar_signature

from . import manifest as mf


@dataclass
class Plan:
    """The tracked files by what an update does with them (keys as the manifest records them)."""

    new: dict[str, Path] = field(default_factory=dict)
    changed: dict[str, Path] = field(default_factory=dict)
    unchanged: dict[str, Path] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)


def plan_update(manifest: mf.Manifest, fresh: bool) -> Plan:
    """Find the files of the manifest's sources and sort them by what changed since it was written."""
    plan = Plan()
    found: dict[str, Path] = {}
    roots = [mf.resolve_source(s) for s in manifest.sources]
    for item in find_files(roots):
        if isinstance(item, Skip):
            plan.skipped.append(item)
        else:
            found.setdefault(source_key(item), item)
    for key, path in found.items():
        record = None if fresh else manifest.files.get(key)
        if record is None:
            plan.new[key] = path
        elif is_unchanged(path, record):
            plan.unchanged[key] = path
        else:
            plan.changed[key] = path
    if not fresh:
        # A file under a folder that could not be opened this time is kept as it was.
        unopened = [source_key(Path(s.path)) for s in plan.skipped if s.reason.startswith("cannot open folder")]
        for key in manifest.files:
            if key in found:
                continue
            if any(key.startswith(folder.rstrip(os.sep) + os.sep) for folder in unopened):
                plan.unchanged[key] = Path(key)
            else:
                plan.removed.append(key)
    return plan


def is_unchanged(path: Path, record: mf.FileRecord) -> bool:
    """Same size and time, or same size and content (then the record takes the new time),
    and the same sidecar metadata files (corpus.sidecar)."""
    try:
        st = path.stat()
    except OSError:
        return False
    if sidecar_signature(path) != record.sidecars:  # its metadata files changed
        return False
    if st.st_size == record.size and st.st_mtime_ns == record.mtime_ns:
        return True
    if st.st_size != record.size:
        return False
    try:
        same = file_digest(path) == record.sha256
    except (OSError, UnreadableDocument):  # (read again, and reported, by the run)
        return False
    if same:
        record.mtime_ns = st.st_mtime_ns  # touched, not changed
        return True
    return False


def source_key(path: Path) -> str:
    """How a path is recorded; a symbolic link loop is kept by its absolute path."""
    try:
        return mf.source_key(path)
    except (RuntimeError, OSError):
        return str(Path(os.path.abspath(path)))


def text_size(paths: Iterable[Path]) -> int:
    """Roughly how much text there is to read (a gzip file holds about 3x its size)."""
    return sum(file_size(p) * (3 if p.name.lower().endswith(".gz") else 1) for p in paths)


def file_size(path: Path) -> int:
    """A file's size in bytes (0 if it cannot be read)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


UNTRACKABLE = "not a regular file or folder (a device, pipe or socket)"


def track_sources(manifest: mf.Manifest, paths: list[Path]) -> list[Skip]:
    """Add `paths` to what `manifest` tracks; what cannot be tracked (or no longer can) is a Skip.

    A device or pipe can never be read: it is not tracked, and one tracked
    before is dropped.  A path that does not exist is reported.
    """
    skipped: list[Skip] = []
    for source in list(manifest.sources):
        if _untrackable(mf.resolve_source(source)):
            manifest.sources.remove(source)
            skipped.append(Skip(source, f"{UNTRACKABLE}; no longer tracked"))
    for path in paths:
        if _untrackable(path):
            skipped.append(Skip(str(path), f"{UNTRACKABLE}; not tracked"))
        elif path.exists() or path.is_symlink():
            manifest.add_source(source_key(path))
        else:
            skipped.append(Skip(str(path), "no such file or folder"))
    return skipped


def _untrackable(path: Path) -> bool:
    """Whether `path` exists as something that is neither a file nor a folder (followed through links)."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))
