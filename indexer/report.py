"""What an update collects as it goes (`Run`) and the summary it returns (`IndexReport`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from corpus.readers import Note, Skip

from . import manifest as mf
from .plan import Plan


@dataclass(frozen=True)
class IndexReport:
    """What an update did, in documents."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: tuple[Skip, ...] = ()
    index: str = ""
    passages: int = 0  # passages written in this run
    notes: tuple[Note, ...] = ()  # files read, but with a caveat (e.g. not UTF-8)

    def as_dict(self) -> dict:
        """The `index --json` object; `notes` appears only when there are some."""
        out = {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
        }
        if self.notes:
            out["notes"] = [{"path": n.path, "note": n.reason} for n in self.notes]
        return out


@dataclass
class Run:
    """What one update collects as it goes."""

    splitter: Callable[[str], list[tuple[int, int]]] | None
    owners: dict[str, str]
    skipped: list[Skip]
    notes: list[Note] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: {"added": 0, "updated": 0, "unchanged": 0, "removed": 0})
    passages: int = 0
    wrote: bool = False  # whether anything was deleted or added
    labels: dict[str, str] = field(default_factory=dict)  # document id -> "added" / "updated"

    def forget_failed(self, manifest: mf.Manifest, failed: set[str]) -> None:
        """Documents that could not be processed: not counted as added or updated, not
        recorded as indexed (the next run tries them again and reports them again)."""
        if not failed:
            return
        for doc_id in failed:
            label = self.labels.pop(doc_id, None)
            if label:
                self.counts[label] -= 1
        for record in manifest.files.values():
            if failed & set(record.documents):
                record.documents = [d for d in record.documents if d not in failed]
                record.digests = {d: h for d, h in record.digests.items() if d not in failed}
                # Read the file again next time; with per-document digests only the
                # documents that failed are processed again.
                record.size = -1

    def report(self, plan: Plan, manifest: mf.Manifest, removed_docs: int, index: str) -> IndexReport:
        """The summary of the run, in documents."""
        unchanged = sum(len(manifest.files[k].documents) for k in plan.unchanged if k in manifest.files)
        return IndexReport(
            added=self.counts["added"],
            updated=self.counts["updated"],
            removed=removed_docs + self.counts["removed"],
            unchanged=unchanged + self.counts["unchanged"],
            skipped=tuple(self.skipped),
            index=index,
            passages=self.passages,
            notes=tuple(self.notes),
        )
