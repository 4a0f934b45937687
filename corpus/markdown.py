"""Read a Markdown document with a CommonMark parser: its front matter as metadata, its text as sections.

markdown-it-py parses (CommonMark, plus tables and strikethrough; front
matter and footnotes from mdit-py-plugins), so ATX and setext headings,
lists whose items wrap over lines, autolinks and escapes read as a browser
shows them.  Headings start sections; the front matter's `title`, else the
first top-level heading, is the title; its `author(s)`, `date`,
`description` (or `abstract`), `publisher` and `url` are metadata, never
text.  Every paragraph, list item, table row, block quote and code block is
a paragraph of plain text (a code block keeps its line breaks): links keep
their text, autolinks their URL, images their alt text, footnotes go under
"Footnotes"; a MyST directive (```{note}) is read as the Markdown it holds.
What goes: markup, HTML comments, footnote reference marks, badge images
(build status, chat links) and MyST role names (`{ref}`).
"""
from __future__ import annotations

import re
from datetime import date, datetime

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from .model import RawDocument
from .outline import OutlineBuilder, sections_text, without_title

__all__ = ["FOOTNOTES", "read_markdown"]

FOOTNOTES = "Footnotes"  # the heading footnotes go under (as GitHub prints them)

_BADGE = re.compile(
    r"(?i)shields\.io|badge|travis-ci\.|circleci\.com|appveyor\.com|codecov\.io|coveralls\.io|gitter\.im|"
    r"app\.codacy|/actions/workflows/|readthedocs\.org/projects/.*\?version|img\.badgesize|snyk\.io/test|"
    r"bestpractices\.(?:dev|coreinfrastructure)|repology\.org|scan\.coverity\.com/projects/.*\.svg"
)
_MYST_ROLE = re.compile(r"\{[A-Za-z][\w:.+-]*\}$")
_MYST_TARGET = re.compile(r"\(\S+\)=")
# A MyST directive: ```{note} or ```{admonition} Its title; its body is Markdown
# (after ":option: value" lines) unless the directive holds code.
_MYST_DIRECTIVE = re.compile(r"\{([\w:-]+)\}\s*(.*)")
_DIRECTIVE_OPTIONS = re.compile(r"\A(?:[ \t]*:[\w-]+:.*\n)+")
_CODE_DIRECTIVES = frozenset({"code", "code-block", "code-cell", "sourcecode", "literalinclude", "math",
                              "eval-rst", "raw", "csv-table", "mermaid", "graphviz"})
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return md.use(front_matter_plugin).use(footnote_plugin)


_MARKDOWN = _parser()


_BADGE_ALT = re.compile(r"(?i)\b(?:build|tests?|ci|fuzzing|coverage|pipeline|docs|documentation)\s+status\b")


def _is_badge(token: Token) -> bool:
    """A status badge: an image served by a badge or CI service, or whose alt text says 'build status'."""
    return bool(_BADGE.search(str(token.attrGet("src") or "")) or _BADGE_ALT.search(token.content or ""))


def inline_text(children: list[Token] | None) -> str:
    """The words of an inline run as a reader sees them."""
    parts: list[str] = []
    for child in children or ():
        kind = child.type
        if kind == "text":
            parts.append(child.content)
        elif kind == "code_inline":
            if parts and _MYST_ROLE.search(parts[-1]):  # MyST: {ref}`target`
                parts[-1] = _MYST_ROLE.sub("", parts[-1])
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif kind == "image":
            if not _is_badge(child):
                parts.append(inline_text(child.children) or child.content)
        elif kind == "html_inline" and re.match(r"(?i)<br\b", child.content):
            parts.append(" ")
    return "".join(parts)


def _html_block(html: str, out: OutlineBuilder) -> None:
    html = _HTML_COMMENT.sub("", html)
    if "<" not in html:
        out.paragraph(html)
        return
    from .html import fragment_into  # BeautifulSoup only when the Markdown holds HTML

    out.flush()
    fragment_into(html, out)
    out.flush()


def _front_matter(source: str) -> dict:
    import yaml

    try:
        data = yaml.safe_load(source)
    except (yaml.YAMLError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _names(value) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(n.strip() for n in re.split(r"\s*(?:[,;&]|\band\b)\s*", value) if n.strip())
    if isinstance(value, dict):
        return _names(value.get("name", ""))
    if isinstance(value, list):
        return tuple(n for v in value for n in _names(v))
    return ()


def _iso(value) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    match = re.match(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", str(value or "").strip())
    return match.group() if match else ""


def read_markdown(path: str, text: str, doc_id: str) -> RawDocument:
    """A Markdown document as a RawDocument whose `sections` hold its paragraphs."""
    out = OutlineBuilder()
    meta: dict = {}
    first_h1 = ""
    heading_level = 0
    streams = [iter(_MARKDOWN.parse(text))]  # a MyST directive's body is read as Markdown in its place
    while streams:
        token = next(streams[-1], None)
        if token is None:
            streams.pop()
            continue
        kind = token.type
        if kind == "front_matter":
            meta = _front_matter(token.content)
        elif kind == "heading_open":
            out.start_heading()
            heading_level = int(token.tag[1])
        elif kind == "heading_close":
            out.end_heading()
            if heading_level == 1 and not first_h1:
                first_h1 = out.heading.split(" / ")[-1]
        elif kind == "inline":
            words = inline_text(token.children)
            if not _MYST_TARGET.fullmatch(words.strip()):
                out.text(words)
        elif kind == "fence" and _MYST_DIRECTIVE.match(token.info) and len(streams) < 20:
            name, argument = _MYST_DIRECTIVE.match(token.info).groups()
            if name in _CODE_DIRECTIVES:  # its argument names a language
                out.paragraph(token.content, lines=True)
            else:
                out.paragraph(argument)  # an admonition's title
                body = _DIRECTIVE_OPTIONS.sub("", token.content)
                streams.append(iter(_MARKDOWN.parse(body)))
        elif kind in ("fence", "code_block"):
            out.paragraph(token.content, lines=True)
        elif kind == "html_block":
            _html_block(token.content, out)
        elif kind in ("th_close", "td_close"):
            out.text(" ")  # a table row is one paragraph
        elif kind in ("th_open", "td_open"):
            continue
        elif kind == "footnote_block_open":
            out.start_section(FOOTNOTES)
        elif kind.endswith(("_open", "_close")) and token.block:
            out.flush()
    title = " ".join(str(meta.get("title") or "").split()) or first_h1
    sections = without_title(out.finish(), title)
    plain = sections_text(sections)
    return RawDocument(
        id=doc_id,
        path=path,
        format="markdown",
        text=plain,
        title=title,
        authors=_names(meta.get("authors") or meta.get("author") or ()),
        date=_iso(meta.get("date")),
        publisher=_text(meta.get("publisher")),
        url=_text(meta.get("url")),
        description=_text(meta.get("description") or meta.get("abstract")),
        sections=sections,
    )


def _text(value) -> str:
    """A front-matter value that should be one line of text ("" for lists, mappings and the like)."""
    return " ".join(str(value).split()) if isinstance(value, (str, int, float)) and value is not True else ""
