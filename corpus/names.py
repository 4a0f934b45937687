"""People's names as printed: bylines and headings in capitals put into normal case."""
from __future__ import annotations


def person_name(printed: str) -> str:
    """'BENJAMIN CEDRIC LARSEN' -> 'Benjamin Cedric Larsen' ('Mc' and 'Mac' names stay plain: 'Mcdonald')."""

    def part(p: str) -> str:
        return p[:1].upper() + p[1:].lower()

    def word(w: str) -> str:  # 'JEAN-PAUL' -> 'Jean-Paul', 'O’NEIL' -> 'O’Neil'
        return "-".join("’".join(part(q) for q in p.split("’")) for p in w.split("-"))

    return " ".join(word(w) for w in printed.split())
