"""Metadata a user puts beside documents to correct or complete what the files say.

Two ways, both read on every `index` run that reads the document:

- `report.pdf.meta.json` beside `report.pdf`: one object of facts;
- one `catalog.json` or `catalog.toml` in the folder: facts per document,
  keyed by file name (`"report.pdf"`) or by document id (`"report"`).

A file's own sidecar wins over the folder's catalog, and both win over what
the file itself says.  The keys are those of corpus.metadata.  A sidecar that
cannot be used is reported (a `Note` naming it) and the document is read
without it.
"""
from __future__ import annotations

import json
from pathlib import Path

from .metadata import BadMetadata, Facts, apply_facts, parse_facts
from .model import RawDocument

SIDECAR_SUFFIX = ".meta.json"
CATALOG_NAMES = ("catalog.json", "catalog.toml")


def sidecar_paths(path: Path) -> list[Path]:
    """The metadata files that apply to the document file `path` (existing ones only), folder first."""
    path = Path(path)
    found = [path.parent / name for name in CATALOG_NAMES if (path.parent / name).is_file()]
    own = path.with_name(path.name + SIDECAR_SUFFIX)
    if own.is_file():
        found.append(own)
    return found


def sidecar_signature(path: Path) -> str:
    """Size and modification time of the metadata files for `path`: changes when any of them does.

    "" for a JSON Lines file (its records carry their own metadata).
    """
    if str(path).lower().endswith((".jsonl", ".jsonl.gz")):
        return ""
    parts = []
    for sidecar in sidecar_paths(path):
        try:
            st = sidecar.stat()
        except OSError:
            continue
        parts.append(f"{sidecar.name}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(parts)


def facts_for(path: Path, doc_id: str) -> list[Facts]:
    """The facts the metadata files give about the document in `path`, in the order they apply.

    Raises BadMetadata for a file that cannot be read or holds bad values.
    """
    path = Path(path)
    out = []
    for sidecar in sidecar_paths(path):
        if sidecar.name.endswith(SIDECAR_SUFFIX):
            out.append(parse_facts(_load(sidecar), str(sidecar)))
            continue
        catalog = _load(sidecar)
        if not isinstance(catalog, dict):
            raise BadMetadata(f"{sidecar}: expected an object keyed by file name")
        for key in (doc_id, path.name):
            if key in catalog:
                out.append(parse_facts(catalog[key], f"{sidecar} [{key}]"))
    return out


def with_sidecars(raw: RawDocument, path: Path) -> RawDocument:
    """`raw` with its sidecar metadata applied (raises BadMetadata as `facts_for` does)."""
    for facts in facts_for(path, raw.id):
        raw = apply_facts(raw, facts)
    return raw


def _load(sidecar: Path) -> object:
    try:
        data = sidecar.read_bytes()
    except OSError as exc:
        raise BadMetadata(f"{sidecar}: cannot read ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8-sig")  # (a byte-order mark, as Windows editors write, is no content)
        if sidecar.suffix == ".toml":
            return _toml(text.replace("\r\n", "\n").replace("\r", "\n"))  # CR line ends too
        return json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadMetadata(f"{sidecar}: not valid {sidecar.suffix[1:].upper()} ({str(exc).splitlines()[0][:100]})") from None


def _toml(text: str) -> object:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ModuleNotFoundError:
            raise BadMetadata("catalog.toml needs Python 3.11 or the tomli package; use catalog.json") from None
    return tomllib.loads(text)
