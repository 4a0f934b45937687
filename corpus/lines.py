"""Reading cleaned lines: what a line looks like, and paragraphs rebuilt from lines.

Text extracted from a PDF is hard-wrapped (every printed line a line); text
scraped from a web page has one paragraph per line.  `split_paragraphs`
handles both.
"""
from __future__ import annotations

import re
from statistics import median

# Small words a title leaves in lower case ("Overtake on the Curve").
SMALL_WORDS = frozenset(
    "a an and as at but by for from in into is of on or per the to vs vs. via with".split()
)
_TERMINAL = re.compile(r"[.!?][\"”’)\]]*$|[.!?]\s*◆$")
_SENTENCE_BOUNDARY = re.compile(r"[.!?][\"”’)\]]* +(?=[\"“‘(\[]?[A-Z])")
_LIST_ITEM = re.compile(r"(?:\d{1,2}\.|•|-|\*) +[A-Z“‘\"]")
_NOTE_ITEM = re.compile(r"\[\d{1,3}\] +\S")  # '[12] Author, Title': a note of a numbered list
_URL_TAIL = re.compile(r"(?:https?://|www\.)\S*$")  # a line that ends inside a web address
_URL_HEAD = re.compile(r"(?:https?://|www\.)\S")  # a line that starts with one


def ends_sentence(line: str) -> bool:
    """Whether a line ends with a full stop, question or exclamation mark (quotes allowed)."""
    return bool(_TERMINAL.search(line.strip()))


def starts_lower(line: str) -> bool:
    first = line.lstrip(" “‘\"'([")[:1]
    return first.islower()


def count_sentences(text: str) -> int:
    return len(_SENTENCE_BOUNDARY.findall(text)) + 1


def capitalised_share(line: str) -> float:
    """Share of a line's words, small words aside, that start with a capital or digit."""
    words = [w.strip("‘’'\"“”()[],:;?!") for w in line.split()]
    words = [w for w in words if w and w.lower() not in SMALL_WORDS]
    if not words:
        return 0.0
    return sum(1 for w in words if w[0].isupper() or w[0].isdigit()) / len(words)


def is_title_case(line: str) -> bool:
    """Every word but the small ones capitalised: 'Shall We Take an ‘Alternative Route,’'."""
    return capitalised_share(line) == 1.0


def is_upper_heading(line: str) -> bool:
    """A line in capitals, as reports print their headings: 'CHINESE VIEWS ON ...'."""
    if len(line.split(None, 14)) > 14:  # (the cheap test first: most lines are prose; never all the words)
        return False
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def looks_like_heading(line: str) -> bool:
    """Short, mostly capitalised, not a sentence: a section heading if it stands alone."""
    text = line.strip()
    if len(text) > 110:  # (before splitting: a line may be a whole document's text)
        return False
    words = text.split()
    if not 0 < len(words) <= 14 or not text[0].isupper():
        return False
    if re.search(r"[.,;:]$", text) or text.endswith(("”", '"')):
        return False
    if text.endswith(("?", "!")) and not is_title_case(text):
        return False
    return capitalised_share(text) >= 0.7


def is_one_paragraph_per_line(lines: list[str]) -> bool:
    """Scraped web text keeps each paragraph on one long line."""
    lengths = [len(line) for line in lines if len(line.strip()) > 40]
    return bool(lengths) and median(lengths) > 160


def _local_width(lengths: list[int], i: int) -> int:
    window = lengths[max(0, i - 3) : i + 4]
    return max(window) if window else 0


def split_paragraphs(lines: list[str]) -> list[str]:
    """Paragraphs rebuilt from lines.

    A blank line ends a paragraph unless the sentence plainly runs on (no
    full stop before it, lower case after it: the blank was a column or page
    break).  A line that ends a sentence well short of its neighbours' width
    ends a paragraph too, unless a web address runs on to the next line or
    starts it (a note's URL that did not fit), and a numbered or bulleted item after a finished
    sentence starts one, as a bracketed note number ('[12] ...') always does.  Web text keeps one paragraph per line.
    """
    lines = [line.strip() for line in lines]
    if is_one_paragraph_per_line(lines):
        return [line for line in lines if line]
    lengths = [len(line) for line in lines]
    paragraphs: list[str] = []
    current: list[str] = []
    for i, line in enumerate(lines):
        if not line:
            following = next((l for l in lines[i + 1 :] if l), "")
            runs_on = current and not ends_sentence(current[-1]) and starts_lower(following)
            if current and not runs_on:
                paragraphs.append(" ".join(current))
                current = []
            continue
        listed = current and _LIST_ITEM.match(line) and (ends_sentence(current[-1]) or current[-1].endswith((";", ":")))
        if current and (listed or _NOTE_ITEM.match(line)):
            paragraphs.append(" ".join(current))
            current = []
        current.append(line)
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if ends_sentence(line) and len(line) < 0.8 * _local_width(lengths, i) and not (
            starts_lower(following) and (_URL_TAIL.search(line) or _URL_HEAD.match(following))
        ):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return [p for p in (re.sub(r"\s+", " ", p).strip() for p in paragraphs) if p]


def words_of(text: str) -> list[str]:
    """Lower-case words with punctuation and inner hyphens gone ('world-leading' = 'worldleading')."""
    text = text.lower().replace("-", "").replace("’", "").replace("'", "")
    return re.findall(r"[a-z0-9]+", text)
