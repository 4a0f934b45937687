"""The real-document test set (tests/data/docs): what each document must yield, and its reference words.

`tests/data/expected.json` says, per file, what it must yield (title, some
sections, phrases that must be found, strings that must not appear) and
which parts of it are page chrome (`chrome`: CSS selectors, checked by hand
per generator; `not_words`: markup tokens a Markdown renderer leaves in
text, such as MyST role names).  The reference text of a document is what
a reader sees: the page rendered as text (html.parser, not the reader's
lxml; Markdown rendered by markdown-it's own HTML renderer), less scripts,
styles, hidden elements and the chrome named for it.  Its words are the
words the reader must keep.

Shared by tests/test_documents.py and benchmarks/extraction.py.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
DOCS = DATA / "docs"
EXPECTED = DATA / "expected.json"

# Chrome on every page, whoever made it.
ALWAYS_CHROME = [
    "script", "style", "noscript", "template", "head", "[hidden]", "[aria-hidden=true]", "button", "select",
    "textarea", "input",
]
# Elements a browser shows as blocks (a line break before and after).
_BLOCKS = (
    "address article aside blockquote body caption center dd details div dl dt fieldset figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hr html legend li main nav ol p pre section summary table tbody td tfoot th "
    "thead tr ul br"
).split()
# A word: letters and digits, with inner hyphens or dots ('www-data', 'GPT-4',
# 'os.path'); numbers of up to three digits alone are left out (note marks,
# list numbers, page numbers).
_WORD = re.compile(r"\w+(?:[-.]\w+)*")


def load_expected() -> dict[str, dict]:
    return json.loads(EXPECTED.read_text(encoding="utf-8"))


def document_ids(path: Path) -> list[str]:
    """The ids of the documents a test file holds: its name's stem, or a JSON Lines file's `_id`s."""
    if path.suffix == ".jsonl":
        return [json.loads(line)["_id"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [path.stem]


def words(text: str) -> Counter:
    """The words of `text`, after NFKC, as the word rule counts them."""
    found = _WORD.findall(unicodedata.normalize("NFKC", text))
    return Counter(w for w in found if not (w.isdigit() and len(w) <= 3))


def markdown_as_html(text: str) -> str:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return md.use(front_matter_plugin).use(footnote_plugin).render(text)


def rendered_text(html: str, chrome: list[str] = ()) -> str:
    """What a reader sees of a page: its text with blocks on their own lines, chrome left out."""
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(html, "html.parser")
    for selector in ALWAYS_CHROME + list(chrome):
        for tag in soup.select(selector):
            tag.decompose()
    for tag in soup.find_all(style=re.compile(r"display\s*:\s*none", re.I)):
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    return soup.get_text("")


def reference_text(path: Path, spec: dict) -> str:
    """The text of a test document that counts as content."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        text = rendered_text(raw, spec.get("chrome", []))
    elif suffix in (".md", ".markdown"):
        text = rendered_text(markdown_as_html(raw), spec.get("chrome", []))
    elif suffix == ".jsonl":
        records = [json.loads(line) for line in raw.splitlines() if line.strip()]
        text = "\n".join(f"{r.get('title', '')}\n{r['text']}" for r in records)
    else:
        text = raw
    for token in spec.get("not_words", []):
        text = text.replace(token, " ")
    return text
