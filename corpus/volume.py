"""An edited volume: separate articles, each with its title, byline and closing bio.

The DigiChina special report prints each article as

    Title (title case, maybe over two lines)
    Subtitle (sentence case)
    BY LORAND LASKAI AND HELEN TONER
    ... body with its own headings ... ◆
    <blank>
    Lorand Laskai is ... (bio)

and opens with a foreword signed by name/affiliation pairs.  An article
whose byline reads "INTERVIEWS BY ..." is a set of interviews (corpus.interviews).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .interviews import interview_blocks
from .lines import ends_sentence, is_title_case, looks_like_heading, split_paragraphs, words_of
from .model import BIO, Block
from .names import person_name
from .sections import article_blocks

BYLINE = re.compile(r"^ ?(INTERVIEWS? )?BY ([A-Z][A-Z .,'’-]+)$")
END_MARK = "◆"
_MAX_TITLE_LINES = 6


@dataclass
class Article:
    title: str
    authors: tuple[str, ...]
    lines: list[str]
    interviews: bool = False


def is_edited_volume(lines: list[str]) -> bool:
    """Two or more bylines make a volume of separate articles."""
    return sum(1 for line in lines if BYLINE.match(line)) >= 2


def names_from_byline(line: str) -> tuple[str, ...]:
    """'BY LORAND LASKAI AND HELEN TONER' -> ('Lorand Laskai', 'Helen Toner')."""
    match = BYLINE.match(line)
    if not match:
        return ()
    parts = re.split(r",? AND |, ", match.group(2).strip())
    return tuple(person_name(p.strip(" ,")) for p in parts if p.strip(" ,"))


def _title_start(lines: list[str], byline: int, floor: int) -> int:
    """Walk back from a byline over the title lines (a page start or a blank stops it)."""
    start = byline
    while start - 1 >= floor and byline - start < _MAX_TITLE_LINES:
        above = lines[start - 1]
        if not above.strip() or (ends_sentence(above) and len(above) > 70):
            break
        start -= 1
        if above.startswith(" "):
            break
    return start


def compose_title(title_lines: list[str], vocabulary: set[str]) -> str:
    """Title lines (title case) then subtitle lines: 'Title: Subtitle'."""
    lines = [l.strip() for l in title_lines if l.strip()]
    cut = 0
    while cut < len(lines) and is_title_case(lines[cut]):
        cut += 1
    cut = max(cut, 1)
    title = " ".join(lines[:cut])
    subtitle = ""
    for line in lines[cut:]:
        first = line.split()[0]
        if subtitle and not ends_sentence(subtitle) and first.lower() in vocabulary:
            line = line[0].lower() + line[1:]  # a printed line break capitalised it
        subtitle = f"{subtitle} {line}".strip()
    if not subtitle:
        return title
    return f"{title} {subtitle}" if title.endswith(("?", "!", ":")) else f"{title}: {subtitle}"


def split_articles(lines: list[str]) -> list[Article]:
    """The front matter (foreword) and each bylined article, in order."""
    vocabulary = set(w for line in lines for w in re.findall(r"\b[a-z]+\b", line))
    bylines = [i for i, line in enumerate(lines) if BYLINE.match(line)]
    starts, floor = [], 0
    for b in bylines:
        starts.append(_title_start(lines, b, floor))
        floor = b + 1
    articles = [_front_matter(lines[: starts[0]])] if starts and starts[0] > 0 else []
    for k, b in enumerate(bylines):
        end = starts[k + 1] if k + 1 < len(bylines) else len(lines)
        articles.append(
            Article(
                title=compose_title(lines[starts[k] : b], vocabulary),
                authors=names_from_byline(lines[b]),
                lines=lines[b + 1 : end],
                interviews=bool(BYLINE.match(lines[b]).group(1)),
            )
        )
    return articles


def take_signature(lines: list[str]) -> tuple[list[str], tuple[str, ...]]:
    """A closing block of name / affiliation lines: the body without it, and the names."""
    last_blank = max((i for i, l in enumerate(lines) if not l.strip()), default=-1)
    block = [l.strip() for l in lines[last_blank + 1 :] if l.strip()]
    signed = 2 <= len(block) <= 8 and all(len(l.split()) <= 5 and not ends_sentence(l) for l in block)
    if not signed:
        return lines, ()
    names = block[0::2] if len(block) % 2 == 0 else block
    return lines[: last_blank + 1], tuple(names)


def _front_matter(lines: list[str]) -> Article:
    first = next((i for i, l in enumerate(lines) if l.strip()), 0)
    title = lines[first].strip() if looks_like_heading(lines[first]) else ""
    body, signers = take_signature(lines[first + 1 :] if title else lines)
    return Article(title=title, authors=signers, lines=body)


def take_bio(lines: list[str]) -> tuple[list[str], list[str]]:
    """Split an article at its closing bio: what follows the blank after the last ◆."""
    marks = [i for i, l in enumerate(lines) if END_MARK in l]
    if not marks:
        return lines, []
    tail = lines[marks[-1] + 1 :]
    blank = next((i for i, l in enumerate(tail) if not l.strip()), len(tail))
    return lines[: marks[-1] + 1] + tail[:blank], tail[blank:]


def bio_blocks(lines: list[str], title: str, authors: tuple[str, ...]) -> list[Block]:
    """One bio block per paragraph, credited to the author it is about when it names one."""
    blocks = []
    for text in split_paragraphs(lines):
        about = tuple(a for a in authors if words_of(text)[:2] == words_of(a)[:2]) or authors
        blocks.append(Block(text=text, kind=BIO, section="About the authors", title=title, authors=about))
    return blocks


def volume_blocks(lines: list[str], title: str, authors: tuple[str, ...]) -> list[Block]:
    """Blocks of every article of an edited volume, each carrying its article's title and authors."""
    blocks: list[Block] = []
    for article in split_articles(lines):
        body, bio = take_bio(article.lines)
        article_title = article.title or title
        by = article.authors or authors
        if article.interviews:
            blocks.extend(interview_blocks(body, article_title, by))
        else:
            blocks.extend(article_blocks(body, article_title, by))
        blocks.extend(bio_blocks(bio, article_title, by))
    return blocks
