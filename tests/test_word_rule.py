"""Property: whatever a Markdown or HTML document says, every word of it reaches the index unchanged.

Documents are built from random words (with the tokens the issue found
cut: httplib2, sha256, IPv6, GPT-4, H100, AArch64) in random markup
(headings of both Markdown kinds, wrapped paragraphs and list items, code,
tables, quotes, footnotes, front matter; in HTML: nested sections,
definition lists, mdBook and Sphinx heading links, page chrome around
them; in plain text: hard-wrapped lines, some ending in a hyphen, numbers
alone on a line).  Each is indexed with `Indexer` and read back with `Searcher`.
"""
from __future__ import annotations

import json
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docset import words
from indexer import Indexer
from searcher import PassageNotFound, Searcher

TRICKY = ["httplib2", "sha256", "IPv6", "GPT-4", "H100", "AArch64", "www-data", "utf8", "x86_64", "2022",
          "percent", "U.S", "co-operate", "B2B", "mp3", "Python3", "CUDA12"]
WORD = st.one_of(
    st.sampled_from(TRICKY),
    st.from_regex(r"[A-Za-z][a-z]{1,7}[0-9]{0,3}", fullmatch=True),
)
PHRASE = st.lists(WORD, min_size=1, max_size=8)
CHROME = "Chromeword"  # only ever in page furniture


def _wrapped(draw, ws: list[str]) -> str:
    return "".join(w + draw(st.sampled_from([" ", " ", "\n"])) for w in ws).strip()


@st.composite
def markdown_block(draw) -> tuple[str, list[str]]:
    ws = draw(PHRASE)
    kind = draw(st.sampled_from(["atx", "setext", "para", "em", "list", "olist", "fence", "quote", "link",
                                 "autolink", "table", "footnote"]))
    text = " ".join(ws)
    if kind == "atx":
        return f"{'#' * draw(st.integers(1, 6))} {text}", ws
    if kind == "setext":
        return f"{text}\n{draw(st.sampled_from(['===', '---']))}", ws
    if kind == "em":
        marks = draw(st.lists(st.sampled_from(["*", "**", "`", "~~", ""]), min_size=len(ws), max_size=len(ws)))
        return " ".join(f"{m}{w}{m}" for w, m in zip(ws, marks)), ws
    if kind == "list":
        return "- " + _wrapped(draw, ws).replace("\n", "\n  "), ws
    if kind == "olist":
        return "1. " + _wrapped(draw, ws).replace("\n", "\n   "), ws
    if kind == "fence":
        return f"```\n{_wrapped(draw, ws)}\n```", ws
    if kind == "quote":
        return "> " + _wrapped(draw, ws).replace("\n", "\n> "), ws
    if kind == "link":
        return f"[{text}](https://example.org/{CHROME})", ws
    if kind == "autolink":
        return f"<https://example.org/{ws[0]}>", ["https", "example.org", ws[0]]
    if kind == "table":
        rest = ws[1:] or ["x"]
        return f"| {ws[0]} | cell |\n|---|---|\n| {' '.join(rest)} | end |", [ws[0], "cell", *rest, "end"]
    return f"{text}[^n]\n\n[^n]: {text}", ws


@st.composite
def markdown_documents(draw) -> tuple[str, list[str]]:
    blocks = draw(st.lists(markdown_block(), min_size=1, max_size=8))
    body = "\n\n".join(b for b, _ in blocks)
    content = [w for _, ws in blocks for w in ws]
    if draw(st.booleans()):
        title = draw(PHRASE)
        body = f"---\ntitle: {' '.join(title)}\nlayout: {CHROME}\n---\n\n{body}"
        content += title
    return body, content


@st.composite
def html_block(draw) -> tuple[str, list[str]]:
    ws = draw(PHRASE)
    text = " ".join(ws)
    kind = draw(st.sampled_from(["p", "h", "mdbook", "sphinx", "list", "pre", "dl", "table", "nested", "quote",
                                 "inline"]))
    if kind == "h":
        level = draw(st.integers(1, 6))
        return f"<h{level}>{text}</h{level}>", ws
    if kind == "mdbook":
        return f'<h2 id="x"><a class="header" href="#x">{text}</a></h2>', ws
    if kind == "sphinx":
        return f'<h3>{text}<a class="headerlink" href="#x" title="Permalink">¶</a></h3>', ws
    if kind == "list":
        return "<ul>" + "".join(f"<li>{w}</li>" for w in ws) + "</ul>", ws
    if kind == "pre":
        return f"<pre><code>{_wrapped(draw, ws)}</code></pre>", ws
    if kind == "dl":
        return f"<dl><dt>{ws[0]}</dt><dd><p>{text}</p></dd></dl>", ws
    if kind == "table":
        return "<table><tr>" + "".join(f"<td>{w}</td>" for w in ws) + "</tr></table>", ws
    if kind == "nested":
        return f'<div class="section" id="related"><h2>{ws[0]}</h2><div><div><p>{text}</p></div></div></div>', ws
    if kind == "quote":
        return f"<blockquote><p>{text}</p></blockquote>", ws
    if kind == "inline":
        return "<p>" + " ".join(f"<{t}>{w}</{t}>" for w, t in zip(ws, draw(st.lists(
            st.sampled_from(["em", "code", "span", "b", "a"]), min_size=len(ws), max_size=len(ws))))) + "</p>", ws
    return f"<p>{_wrapped(draw, ws)}</p>", ws


@st.composite
def html_documents(draw) -> tuple[str, list[str]]:
    blocks = draw(st.lists(html_block(), min_size=1, max_size=8))
    content = "\n".join(b for b, _ in blocks)
    if draw(st.booleans()):
        content = f"<main>{content}</main>"
    page = (f"<html><head><title>Page</title><style>.{CHROME} {{}}</style></head><body>"
            f'<nav><a href="/">{CHROME}</a></nav><div class="sidebar"><p>{CHROME}</p></div>'
            f"{content}"
            f'<footer><p>{CHROME} footer</p></footer><script>var {CHROME} = 1;</script></body></html>')
    return page, [w for _, ws in blocks for w in ws]


def _indexed_words(tmp_path, name: str, text: str) -> Counter:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / name).write_text(text, encoding="utf-8")
    Indexer(tmp_path / "ix").update([tmp_path / "docs"])
    found = Counter()
    with Searcher(tmp_path / "ix") as s:
        n = 1
        while True:
            try:
                hit = s.get(f"{name.rsplit('.', 1)[0]}:{n}")
            except PassageNotFound:
                break
            found.update(words(" ".join([hit.text, hit.section, hit.title, *hit.authors])))
            n += 1
    return found


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=markdown_documents())
def test_every_word_of_a_markdown_document_is_indexed_as_written(tmp_path_factory, document):
    text, content = document
    found = _indexed_words(tmp_path_factory.mktemp("md"), "doc.md", text)
    assert set(words(" ".join(content))) <= set(found)
    assert CHROME not in found


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=html_documents())
def test_every_word_of_a_web_page_is_indexed_as_written_and_no_chrome(tmp_path_factory, document):
    text, content = document
    found = _indexed_words(tmp_path_factory.mktemp("html"), "doc.html", text)
    assert set(words(" ".join(content))) <= set(found)
    assert CHROME not in found and "¶" not in found


@st.composite
def text_documents(draw) -> str:
    """Hard-wrapped plain text as people type it: a line may end in a hyphen ('well-' / 'known')
    or hold a number alone (a count in a list, a value in a table)."""
    paragraphs = []
    for ws in draw(st.lists(st.lists(WORD, min_size=1, max_size=12), min_size=1, max_size=5)):
        lines, line = [], []
        for w in ws:
            line.append(w)
            if draw(st.integers(0, 3)) == 0:
                lines.append(" ".join(line) + draw(st.sampled_from(["", "-"])))
                line = []
        lines.append(" ".join(line))
        if draw(st.booleans()):
            lines.insert(draw(st.integers(0, len(lines))), str(draw(st.integers(0, 999))))
        paragraphs.append("\n".join(l for l in lines if l))
    return "\n\n".join(paragraphs) + "\n"


def _indexed_text(tmp_path, name: str, text: str) -> str:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / name).write_text(text, encoding="utf-8")
    Indexer(tmp_path / "ix").update([tmp_path / "docs"])
    found = []
    with Searcher(tmp_path / "ix") as s:
        n = 1
        while True:
            try:
                hit = s.get(f"{name.rsplit('.', 1)[0]}:{n}")
            except PassageNotFound:
                break
            found += [hit.text, hit.section, hit.title]
            n += 1
    return " ".join(found)


@pytest.mark.parametrize("suffix", [".txt", ".jsonl"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=text_documents())
def test_every_word_and_number_of_a_plain_text_is_indexed_as_written(tmp_path_factory, suffix, text):
    content = json.dumps({"_id": "doc", "text": text}) + "\n" if suffix == ".jsonl" else text
    found = _indexed_text(tmp_path_factory.mktemp("txt"), "doc" + suffix, content)
    # Every token of the text as written (a line's last word with its hyphen, a number alone): none joined,
    # cut or dropped.
    assert found.split() and set(text.split()) <= set(found.split())
