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
Answers are the interviewee's words; questions are the interviewer's.
"""
from __future__ import annotations

import re

from .lines import count_sentences, ends_sentence, is_upper_heading, split_paragraphs
from .model import ANSWER, BIO, BODY, QUESTION, SIDEBAR, Block
from .sections import paragraph_runs
from .names import person_name

_BIO_WIDTH = 60
_YOU = re.compile(r"(?i)\byou(?:r|rs)?\b")
_FIRST_PERSON = re.compile(r"^(?:I|I’[a-z]+|I'[a-z]+|We|My|Our)\b")


def is_interviewee_heading(line: str) -> bool:
    """'MAYA WANG': a short line of capitals with letters only."""
    text = line.strip()
    return is_upper_heading(text) and 2 <= len(text.split()) <= 4 and not re.search(r"[\d:,.]", text)


def _runs(lines: list[str]) -> list[tuple[int, int, bool]]:
    """Stretches of lines that each end on a finished sentence: (start, end, blank line before)."""
    runs: list[tuple[int, int, bool]] = []
    start, saw_blank, blank_before = None, False, False
    for i, line in enumerate(lines):
        if not line.strip():
            saw_blank = True
            continue
        if start is None:
            start, blank_before = i, saw_blank
        saw_blank = False
        if ends_sentence(line):
            runs.append((start, i + 1, blank_before))
            start = None
    if start is not None:
        runs.append((start, len(lines), blank_before))
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


def _qa_blocks(lines: list[str], title: str, asker: tuple[str, ...], speaker: str) -> list[Block]:
    blocks: list[Block] = []
    question, answer_lines = "", []
    runs = _runs(lines)

    def flush_answer() -> None:
        for run_kind, text in paragraph_runs(answer_lines):
            kind = SIDEBAR if run_kind == SIDEBAR else ANSWER
            blocks.append(Block(text=text, kind=kind, section=question, title=title, authors=(speaker,)))
        answer_lines.clear()

    def text_of(run: tuple[int, int, bool]) -> str:
        return " ".join(l.strip() for l in lines[run[0] : run[1]] if l.strip())

    for k, run in enumerate(runs):
        text = text_of(run)
        short = sum(1 for l in lines[run[0] : run[1]] if l.strip()) <= 3
        leads_in = run[2] and short and text[:1].isupper() and k + 1 < len(runs) and is_question(text_of(runs[k + 1]))
        if k == 0 or is_question(text) or leads_in:
            if answer_lines:
                flush_answer()
                question = ""
            elif blocks and blocks[-1].kind == QUESTION and blocks[-1].text == question:
                blocks.pop()  # two questions in a row (columns out of order) are asked as one
            question = f"{question} {text}".strip()
            if not leads_in:
                blocks.append(Block(text=question, kind=QUESTION, section=speaker, title=title, authors=asker))
        else:
            answer_lines.extend(lines[run[0] : run[1]] + [""] * (k + 1 < len(runs) and runs[k + 1][2]))
    flush_answer()
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
            blocks.append(Block(text=text, kind=BIO, section=speaker, title=title, authors=(speaker,)))
        blocks.extend(_qa_blocks(exchange, title, interviewers, speaker))
    return blocks
