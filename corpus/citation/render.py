"""Render a CSL-JSON item in a named style: the CSL styles through citeproc-py, BibTeX, RIS, CSL-JSON.

The four CSL styles are the official files from the CSL project, shipped in
corpus/citation/styles (CC BY-SA 3.0; see the README there).  Chicago is
the notes-and-bibliography style (18th edition): `text` is its bibliography
entry and `short` its full note, with the page when one is known.  APA, MLA
and Harvard (Cite Them Right) give the reference-list entry as `text` and
the in-text citation as `short`.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import CorpusSearchError

STYLES_DIR = Path(__file__).resolve().parent / "styles"
CSL_STYLES = {
    "chicago": "chicago-notes-bibliography.csl",
    "apa": "apa.csl",
    "mla": "modern-language-association.csl",
    "harvard": "harvard-cite-them-right.csl",
}
# Cite Them Right is a British style whose file names no locale: British quotes and dates.
STYLE_LOCALES = {"harvard": "en-GB"}
STYLES = (*CSL_STYLES, "bibtex", "ris", "csl-json")
DEFAULT_STYLE = "chicago"


class UnknownStyle(CorpusSearchError):
    """A citation style that is not one of STYLES."""


@dataclass(frozen=True)
class Citation:
    """A citation in one style: `text` for a bibliography (or the whole entry), `short` for a note or in-text."""

    style: str
    text: str
    short: str = ""
    page: str = ""


def check_style(style: str) -> str:
    name = (style or "").strip().lower()
    if name not in STYLES:
        raise UnknownStyle(f"unknown citation style {style!r}; choose one of: {', '.join(STYLES)}")
    return name


def render(item: dict, style: str = DEFAULT_STYLE, page: str = "", *, short: bool = True) -> Citation:
    """`item` cited in `style`; `page` (a label such as "12" or "12-13") is the locator cited.

    `short=False` leaves out the note or in-text form (a third less time).
    """
    style = check_style(style)
    if style == "csl-json":
        return Citation(style, json.dumps(item, ensure_ascii=False, indent=2), page=page)
    if style == "bibtex":
        from .bibtex import bibtex_entry

        return Citation(style, bibtex_entry(item), page=page)
    if style == "ris":
        from .ris import ris_record

        return Citation(style, ris_record(item, page), page=page)
    with _rendering:
        text, note = _citeproc(item, style, page, short)
    return Citation(style, text, note, page)


# citeproc-py keeps a rendering's state on the style's elements (what a
# substitution represses), so one style renders one citation at a time.
_rendering = threading.Lock()


@lru_cache(maxsize=None)
def _style(name: str):
    from citeproc import CitationStylesStyle

    from .citeproc_fixes import install

    install()
    return CitationStylesStyle(str(STYLES_DIR / CSL_STYLES[name]), locale=STYLE_LOCALES.get(name), validate=False)


def _citeproc(item: dict, style: str, page: str, with_short: bool = True) -> tuple[str, str]:
    from citeproc import Citation as CslCitation
    from citeproc import CitationItem, CitationStylesBibliography, Locator, formatter
    from citeproc.source.json import CiteProcJSON

    from .citeproc_fixes import move_punctuation_into_quotes

    csl = _style(style)
    # Two runs: the note (or in-text citation) with the page cited, and the
    # bibliography entry from a citation without it (citeproc-py would
    # otherwise carry the locator into the entry).
    short = ""
    if with_short:
        notes = CitationStylesBibliography(csl, CiteProcJSON([item]), formatter.plain)
        options = {"locator": Locator("page", page)} if page else {}
        cite = CslCitation([CitationItem(item["id"], **options)])
        notes.register(cite)
        short = str(notes.cite(cite, lambda missing: None))
    entries_of = CitationStylesBibliography(csl, CiteProcJSON([item]), formatter.plain)
    entries_of.register(CslCitation([CitationItem(item["id"])]))
    entries = [str(entry) for entry in entries_of.bibliography()]
    text = entries[0] if entries else short
    if csl.root.get_locale_option("punctuation-in-quote").lower() == "true":
        text, short = move_punctuation_into_quotes(text), move_punctuation_into_quotes(short)
    return _tidy(text), _tidy(short)


def _tidy(text: str) -> str:
    return " ".join(text.split())
