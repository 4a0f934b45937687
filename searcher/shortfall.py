"""Why a search found nothing: words the index lacks, matches the filters hide, a page past the last one.

A `Shortfall` is a plain value the `Explorer` fills in when a page of results
comes back empty; the command line turns it into a line or two on stderr
(`searcher.cli.render.format_shortfall`).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shortfall:
    """What explains an empty page of results."""

    matches: int  # passages matching the query and every filter (copies folded, as `search` shows them)
    pages: int  # pages of `limit` hits those make
    page: int  # the page asked for
    missing: tuple[str, ...] = ()  # query words found nowhere in the index (as typed)
    unfiltered: int | None = None  # passages matching the words alone; None when no filter was given
    filters: tuple[str, ...] = ()  # the filters given, as typed (`--author nobody`, `author:nobody`)
    empty_filters: tuple[str, ...] = ()  # filters that pass no passage at all, whatever the words

    @property
    def past_last_page(self) -> bool:
        return self.matches > 0 and self.page > self.pages


def filters_as_typed(author, document, section, after, before, restrictions) -> list[str]:
    """The filters of a search as the user wrote them."""
    shown = [f"--author {a}" for a in _listed(author)]
    shown += [f"--document {d}" for d in _listed(document)]
    if section and section.strip():
        shown.append(f"--section {section}")
    if after:
        shown.append(f"--after {after}")
    if before:
        shown.append(f"--before {before}")
    return shown + list(restrictions)


def _listed(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [v for v in value if v and v.strip()]
