"""Interviews: who asked, who answered, and which answer belongs to which question.

The report prints each interview as

    JEFFREY DING                      (the interviewee, in capitals)
    University of Oxford              (affiliation)
    Jeffery Ding is a Rhodes ...      (a full-width introduction: a bio)
    Describe your research focus ...  (questions and answers in narrow columns)

Questions were set in bold, which plain text loses, so they are found from
their shape: a stretch of lines that starts on a new line after a finished
sentence, ends a sentence at a line end, is short (at most three sentences)
and asks something (ends with "?", or opens with a question, or addresses
"you").  The first such stretch after the introduction is always a question.
Answers are the interviewee's words, filed under their question; questions
are the interviewer's, filed (like the interviewee's introduction, a bio)
under "Interview with <name>".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .lines import count_sentences, ends_sentence, is_upper_heading, split_paragraphs
from .model import ANSWER, BIO, BODY, QUESTION, SIDEBAR, Block
from .sections import paragraph_runs
from .names import person_name

_BIO_WIDTH = 60
_YOU = re.compile(r"(?i)\byou(?:r|rs)?\b")
_FIRST_PERSON = re.compile(r"^(?:I|I’[a-z]+|I'[a-z]+|We|My|Our)\b")


def interview_section(speaker: str) -> str:
    """The section of an interview's questions and its interviewee's introduction."""
    return f"Interview with {speaker}"


def is_interviewee_heading(line: str) -> bool:
    """'MAYA WANG': a short line of capitals with letters only."""
    text = line.strip()
    return is_upper_heading(text) and 2 <= len(text.split()) <= 4 and not re.search(r"[\d:,.]", text)


@dataclass
class _Run:
    """Lines up to a finished sentence at a line end (and the blank lines after them)."""

    lines: list[str]
    after_blank: bool

    @property
    def text(self) -> str:
        return " ".join(line.strip() for line in self.lines if line.strip())

    @property
    def line_count(self) -> int:
        return sum(1 for line in self.lines if line.strip())


def _runs(lines: list[str]) -> list[_Run]:
    """The lines cut after every line that ends a sentence."""
    runs: list[_Run] = []
    after_blank = False
    for line in lines:
        if not line.strip():
            if runs:
                runs[-1].lines.append(line)
            after_blank = True
            continue
        if not runs or ends_sentence(runs[-1].text) or not runs[-1].text:
            runs.append(_Run([], after_blank))
        runs[-1].lines.append(line)
        after_blank = False
    return runs


def is_question(text: str) -> bool:
    """Whether a run of lines reads like an interviewer's question."""
    if _FIRST_PERSON.match(text) or count_sentences(text) > 3:
        return False
    first_sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z“‘(])", text)[0]
    if text.rstrip("”’\"").endswith("?"):
        return True
    return first_sentence.endswith("?") and count_sentences(text) <= 2 and bool(_YOU.search(text))


def _split_introduction(lines: list[str]) -> tuple[list[str], list[str]]:
    """Affiliation and full-width introduction (a bio), then the questions and answers."""
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    intro_end = i + 1  # the affiliation line
    while intro_end < len(lines) and (len(lines[intro_end].strip()) > _BIO_WIDTH or not lines[intro_end].strip()):
        intro_end += 1
    if intro_end > i + 1 and not ends_sentence(lines[intro_end - 1]) and intro_end < len(lines):
        intro_end += 1  # the bio's short last line
    return lines[i:intro_end], lines[intro_end:]


def _introduction_paragraphs(intro: list[str]) -> list[str]:
    """The affiliation line leads the introduction's first paragraph: 'Human Rights Watch. Maya Wang is ...'."""
    affiliation = intro[0].strip() if intro else ""
    paragraphs = split_paragraphs(intro[1:])
    if affiliation and paragraphs:
        return [f"{affiliation.rstrip('.')}. {paragraphs[0]}"] + paragraphs[1:]
    return [affiliation] + paragraphs if affiliation else paragraphs


def _is_lead_in(run: _Run, following: _Run | None) -> bool:
    """A short stretch after a blank that opens the next question ('Western critics often describe ...')."""
    return (
        run.after_blank
        and run.line_count <= 3
        and run.text[:1].isupper()
        and following is not None
        and is_question(following.text)
    )


def _answer_blocks(lines: list[str], question: str, title: str, speaker: str) -> list[Block]:
    return [
        Block(text=text, kind=SIDEBAR if kind == SIDEBAR else ANSWER, section=question, title=title, authors=(speaker,))
        for kind, text in paragraph_runs(lines)
    ]


def _qa_blocks(lines: list[str], title: str, asker: tuple[str, ...], speaker: str) -> list[Block]:
    """Questions (the asker's) and answers (the speaker's, filed under their question)."""
    blocks: list[Block] = []
    question, answer = "", []
    runs = _runs(lines)
    for k, run in enumerate(runs):
        lead_in = _is_lead_in(run, runs[k + 1] if k + 1 < len(runs) else None)
        if not (k == 0 or lead_in or is_question(run.text)):
            answer.extend(run.lines)
            continue
        if answer:
            blocks.extend(_answer_blocks(answer, question, title, speaker))
            question, answer = "", []
        elif blocks and blocks[-1].kind == QUESTION:
            blocks.pop()  # questions in a row (columns printed out of order) are asked as one
        question = f"{question} {run.text}".strip()
        if not lead_in:
            section = interview_section(speaker)
            blocks.append(Block(text=question, kind=QUESTION, section=section, title=title, authors=asker))
    blocks.extend(_answer_blocks(answer, question, title, speaker))
    return blocks


def interview_blocks(lines: list[str], title: str, interviewers: tuple[str, ...]) -> list[Block]:
    """The editor's introduction, then per interviewee: a bio, questions and answers."""
    heads = [i for i, line in enumerate(lines) if is_interviewee_heading(line)]
    bounds = heads + [len(lines)]
    blocks = [
        Block(text=text, kind=BODY, title=title, authors=interviewers)
        for _, text in paragraph_runs(lines[: bounds[0]])
    ]
    for start, end in zip(bounds, bounds[1:]):
        speaker = person_name(lines[start].strip())
        intro, exchange = _split_introduction(lines[start + 1 : end])
        for text in _introduction_paragraphs(intro):
            section = interview_section(speaker)
            blocks.append(Block(text=text, kind=BIO, section=section, title=title, authors=(speaker,)))
        blocks.extend(_qa_blocks(exchange, title, interviewers, speaker))
    return blocks
