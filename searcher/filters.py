"""The search options that narrow a search (--author, --document, --section, --after, --before) as a Whoosh filter."""
from __future__ import annotations

import re
from typing import Sequence

from .dates import parse_bound, within
from .query import as_text


class Filters:
    """Builds filters against one open Whoosh searcher (its authors and dates)."""

    def __init__(self, searcher):
        self._searcher = searcher

    def where(self, author, document, section, after, before):
        """The filter for these options: a Whoosh query, None (no filter) or False (nothing passes)."""
        bounds = parse_bound(after, "--after"), parse_bound(before, "--before")
        filters = self._filters(_as_list(author), _as_list(document), section)
        dated = self._date_filter(*bounds)
        if filters is False or dated is False:
            return False
        from whoosh import query as q

        parts = [f for f in (filters, dated) if f is not None]
        return q.And(parts) if len(parts) > 1 else (parts[0] if parts else None)

    def with_documents_resolved(self, restriction):
        """A restriction (from `document:004` field terms) with each document id completed from its unique prefix."""
        from whoosh import query as q

        from .reading import resolve

        def complete(node):
            if isinstance(node, q.Term) and node.fieldname == "document":
                return q.Term("document", resolve(self._searcher, as_text(node.text)), boost=node.boost)
            return node if node.is_leaf() else node.apply(complete)

        return None if restriction is None else complete(restriction)

    def _date_filter(self, after, before):
        """The dates in the index that pass the bounds, as a filter (None: no bounds; False: none pass)."""
        if after is None and before is None:
            return None
        from whoosh import query as q

        dates = [as_text(d) for d in self._searcher.reader().field_terms("date")]
        keep = [d for d in dates if within(d, after, before)]
        return q.Or([q.Term("date", d) for d in keep]) if keep else False

    def _filters(self, authors: list[str], documents: list[str], section: str | None):
        from whoosh import query as q

        parts = []
        if authors:
            names = self._author_names(authors)
            if not names:
                return False
            parts.append(q.Or([q.Term("author_name", n) for n in names]))
        if documents:
            from .reading import resolve  # any unique prefix of a document id

            parts.append(q.Or([q.Term("document", resolve(self._searcher, d)) for d in documents]))
        if section and section.strip():
            words = section_words(section)
            if not words:
                return False
            parts.append(q.And([q.Term("section_words", w) for w in words]))
        return q.And(parts) if parts else None

    def _author_names(self, wanted: list[str]) -> list[str]:
        """Indexed author names containing every word of any of `wanted` (any case)."""
        names = list(self._searcher.reader().field_terms("author_name"))
        found = []
        for name in names:
            name_words = set(section_words(name))
            if any(set(section_words(w)) <= name_words for w in wanted if section_words(w)):
                found.append(name)
        return found


def section_words(text: str) -> list[str]:
    """Lowercased words of a name or heading, for word-by-word matching."""
    return re.findall(r"\w+", text.casefold())


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [v for v in value if v and v.strip()]
