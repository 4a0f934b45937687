"""Date bounds for `--after` / `--before`, compared at the precision both sides know.

A document's date may be known to the day ("2019-10-29"), the month
("2019-02") or the year ("2023").  A bound is compared with it on the
precision they share, and both bounds are inclusive:

    "2019-02" is after 2019-01-15   (2019-02 >= 2019-01)
    "2019-02" is after 2019-02-20   (same month: it may be; inclusive)
    "2023"    is before 2023-06     (same year)
    "2019-02" is not after 2019-03

A passage whose document has no usable date never passes a date bound.  A
document's date may carry a time ("2021-05-01T09:30:00Z"); only the date
part counts.
Pure functions, no Whoosh.
"""
from __future__ import annotations

import re
from datetime import date

from .query import BadQuery

DatePrefix = tuple[int, ...]  # (year,), (year, month) or (year, month, day)

_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_TIME = re.compile(r"(?:[T ]\S*)?")


def parse_date(text: str, *, time_allowed: bool = False) -> DatePrefix | None:
    """`text` ("YYYY", "YYYY-MM" or "YYYY-MM-DD", a real calendar date) as a tuple, else None.

    With `time_allowed`, a time after the date ("T09:30:00Z") is ignored.
    """
    text = text.strip() if isinstance(text, str) else ""
    match = _DATE.match(text)
    if not match or not (match.end() == len(text) or (time_allowed and _TIME.fullmatch(text, match.end()))):
        return None
    parts = tuple(int(p) for p in match.groups() if p is not None)
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return None
    return parts


def parse_bound(text: str | None, option: str) -> DatePrefix | None:
    """A user's bound (None when not given); BadQuery when it is not a date."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    parsed = parse_date(str(text))
    if parsed is None:
        raise BadQuery(f"bad date {text!r} for {option}; use YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2019-02)")
    return parsed


def within(doc_date: str, after: DatePrefix | None, before: DatePrefix | None) -> bool:
    """Whether a document dated `doc_date` passes both (inclusive) bounds."""
    if after is None and before is None:
        return True
    known = parse_date(doc_date or "", time_allowed=True)
    if known is None:
        return False
    if after is not None:
        n = min(len(known), len(after))
        if known[:n] < after[:n]:
            return False
    if before is not None:
        n = min(len(known), len(before))
        if known[:n] > before[:n]:
            return False
    return True
