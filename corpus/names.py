"""People's names as printed: bylines and headings in capitals put into normal case."""
from __future__ import annotations


def person_name(printed: str) -> str:
    """'BENJAMIN CEDRIC LARSEN' -> 'Benjamin Cedric Larsen'."""

    def word(w: str) -> str:
        return "-".join(p[:1].upper() + p[1:].lower() for p in w.split("-"))

    return " ".join(word(w) for w in printed.split())
