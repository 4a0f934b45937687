"""Citations of documents and passages: a CSL-JSON item, rendered in a style analysts use.

    from corpus.citation import Source, Part, csl_item, render
    item = csl_item(Source(id="x", title="...", authors=("Jeffrey Ding",), date="2023"))
    render(item, "chicago").text

Styles: chicago (notes and bibliography), apa, mla, harvard (through
citeproc-py and the official CSL files), bibtex, ris, csl-json.
"""
from .item import Part, Source, csl_date, csl_item, csl_type, person_name
from .render import DEFAULT_STYLE, STYLES, Citation, UnknownStyle, check_style, render

__all__ = [
    "DEFAULT_STYLE",
    "STYLES",
    "Citation",
    "Part",
    "Source",
    "UnknownStyle",
    "check_style",
    "csl_date",
    "csl_item",
    "csl_type",
    "person_name",
    "render",
]
