"""Test PDFs made with reportlab, laid out like printed reports, with a record of what they hold.

`make_journal_pdf` sets prose in two columns (three on one page) under running
heads and above running feet, with a title in large type, a byline, headings
in bold type, footnotes in small type at the foot of the page they are cited
on (superscript markers in the body), a pull quote in a box, a sidebar box,
words hyphenated at line ends, ligature glyphs, and page labels starting at 5.
It returns a `Layout` saying where every column and page break fell, so tests
know which phrases cross them.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_DIR = Path(__import__("reportlab").__file__).parent / "fonts"
pdfmetrics.registerFont(TTFont("Vera", str(FONT_DIR / "Vera.ttf")))
pdfmetrics.registerFont(TTFont("VeraBd", str(FONT_DIR / "VeraBd.ttf")))
pdfmetrics.registerFont(TTFont("VeraIt", str(FONT_DIR / "VeraIt.ttf")))

WIDTH, HEIGHT = 612.0, 792.0
MARGIN = 54.0
GUTTER = 18.0
BODY, LEADING = 10.0, 13.0
NOTE, NOTE_LEADING = 7.5, 9.5

TITLE = "Chips, Talent and the State: How Provinces Court Investment"
AUTHORS = ("Ada Lovelace", "Grace Hopper")
JOURNAL = "Journal of Policy Studies"
URL = "https://example.org/journal/provinces"
HEADINGS = ["Why the provinces compete", "What the funds pay for", "Where the talent goes", "Notes on method"]
PULL_QUOTE_SENTENCE = "Provincial funds now shape where young engineers choose to settle and work."
SIDEBAR_TEXT = (
    "Box 1. Reading the budget tables: each province reports grants, loans and tax relief in separate "
    "columns, and only the grants are counted here."
)
NOTES = {
    1: "Provincial yearbooks, 2019 to 2022, tables on science and technology spending.",
    2: "Interviews with officials in Hefei and Suzhou, conducted in the spring of 2021.",
    3: "The figures exclude loans that were later converted into grants.",
}
_VOCABULARY = (
    "provincial government investment semiconductor talent program laboratory university engineers "
    "funding subsidy industrial policy cluster research development manufacturing capacity national "
    "strategy planning officials budgets grants companies startups incubators regional competition "
    "infrastructure computing platform technology innovation markets export controls supply chains "
    "foundries equipment designers software algorithms data centers cities municipal districts "
    "training scholarships returnees recruitment housing offices zones parks networks capital "
    "venture investors state-led targets metrics evaluation outcomes productivity growth"
).split()
_LIGATURES = {"significant": "signiﬁcant", "flows": "ﬂows", "financial": "ﬁnancial", "efficient": "efﬁcient"}


def prose(seed: int, sentences: int, ligatures: bool = True) -> list[str]:
    """Deterministic sentences of policy words (some set with ligature glyphs: 'signiﬁcant')."""
    rng = random.Random(seed)
    out = []
    extra = list(_LIGATURES.values() if ligatures else _LIGATURES)
    for _ in range(sentences):
        words = [rng.choice(_VOCABULARY + extra) for _ in range(rng.randint(9, 18))]
        out.append(" ".join([words[0].capitalize()] + words[1:]) + ".")
    return out


@dataclass
class Layout:
    """What the PDF holds and where its breaks fell."""

    body_words: list[str] = field(default_factory=list)  # every word of the body, in reading order, folded
    column_breaks: list[int] = field(default_factory=list)  # index in body_words of the word after a break
    page_breaks: list[int] = field(default_factory=list)
    hyphenated: list[str] = field(default_factory=list)  # words split at a line end, whole
    word_pages: list[list[int]] = field(default_factory=list)  # [first, last] page index of each body word
    note_pages: dict[int, int] = field(default_factory=dict)  # note number -> page index
    pages: int = 0

    def phrase_at(self, k: int) -> str:
        """The two words either side of a break, as a phrase query."""
        return '"' + " ".join(w.strip(".,") for w in self.body_words[k - 1 : k + 1]) + '"'



def _fold(word: str) -> str:
    return word.replace("ﬁ", "fi").replace("ﬂ", "fl")


def _paragraphs() -> list[tuple[str, str]]:
    """(kind, text): headings and paragraphs; markers {n} cite note n."""
    paras: list[tuple[str, str]] = []
    seed = 1
    for h, heading in enumerate(HEADINGS):
        paras.append(("heading", heading))
        for k in range(3):
            sentences = prose(seed, 7)
            seed += 1
            if h == 0 and k == 1:
                sentences.insert(3, PULL_QUOTE_SENTENCE)
                sentences[1] = sentences[1][:-1] + " {1}."
            if h == 1 and k == 0:
                sentences[2] = sentences[2][:-1] + " {2}."
            if h == 2 and k == 2:
                sentences[4] = sentences[4][:-1] + " {3}."
            paras.append(("para", " ".join(sentences)))
    return paras


class _Writer:
    def __init__(self, path: Path, columns_on_page: dict[int, int]):
        self.c = canvas.Canvas(str(path), pagesize=(WIDTH, HEIGHT))
        self.c.setTitle("Microsoft Word - draft3.docx")
        self.c.setAuthor("jsmith")
        self.columns_on_page = columns_on_page
        self.layout = Layout()
        self.page = 0
        self.notes_here: list[int] = []
        self._start_page(first=True)

    # page furniture
    def _furniture(self) -> None:
        c = self.c
        c.setFont("Vera", 8)
        c.drawString(MARGIN, HEIGHT - 36, JOURNAL)
        c.drawRightString(WIDTH - MARGIN, HEIGHT - 36, str(self.page + 5))
        c.drawString(MARGIN, 30, URL)
        c.drawRightString(WIDTH - MARGIN, 30, f"{self.page + 1}/9")

    def _start_page(self, first: bool = False) -> None:
        self._furniture()
        top = HEIGHT - 72
        if first:
            self.c.setFont("VeraBd", 20)
            words, line = TITLE.split(), ""
            y = top
            for word in words:
                if pdfmetrics.stringWidth(f"{line} {word}".strip(), "VeraBd", 20) > WIDTH - 2 * MARGIN:
                    self.c.drawString(MARGIN, y, line)
                    y -= 24
                    line = word
                else:
                    line = f"{line} {word}".strip()
            self.c.drawString(MARGIN, y, line)
            y -= 22
            self.c.setFont("Vera", 11)
            self.c.drawString(MARGIN, y, "By " + " and ".join(AUTHORS))
            top = y - 30
        n = self.columns_on_page.get(self.page, 2)
        width = (WIDTH - 2 * MARGIN - (n - 1) * GUTTER) / n
        self.columns = [(MARGIN + k * (width + GUTTER), width) for k in range(n)]
        self.col = 0
        self.tops = [top] * n
        if self.page == 1:  # a pull quote box at the top of the second column
            self._box(1, [PULL_QUOTE_SENTENCE], "VeraIt", 13, 16)
        if self.page == 2:  # a sidebar box at the top of the first column
            self._box(0, _wrap_words(SIDEBAR_TEXT.split(), "Vera", 8.5, self.columns[0][1] - 12), "Vera", 8.5, 11)
        self.y = self.tops[0]
        self.notes_here = []

    def _box(self, col: int, lines: list[str], font: str, size: float, leading: float) -> None:
        x, width = self.columns[col]
        if font == "VeraIt":
            lines = _wrap_words(" ".join(lines).split(), font, size, width - 12)
        height = len(lines) * leading + 12
        top = self.tops[col]
        self.c.rect(x, top - height + size, width, height, stroke=1, fill=0)
        self.c.setFont(font, size)
        y = top - 4
        for line in lines:
            self.c.drawString(x + 6, y, line)
            y -= leading
        self.tops[col] = top - height - 10

    def _notes_height(self, notes: list[int]) -> float:
        lines = sum(len(_wrap_words(f"{n} {NOTES[n]}".split(), "Vera", NOTE, WIDTH - 2 * MARGIN)) for n in notes)
        return lines * NOTE_LEADING + (14 if notes else 0)

    def _bottom(self, notes: list[int]) -> float:
        return 60 + self._notes_height(notes)

    def _finish_page(self) -> None:
        y = 60 + self._notes_height(self.notes_here) - 14
        if self.notes_here:
            self.c.line(MARGIN, y + 10, MARGIN + 120, y + 10)
        for n in self.notes_here:
            for k, line in enumerate(_wrap_words(f"{n} {NOTES[n]}".split(), "Vera", NOTE, WIDTH - 2 * MARGIN)):
                self.c.setFont("Vera", NOTE)
                if k == 0:
                    self.c.setFont("Vera", 5)
                    self.c.drawString(MARGIN, y + 3, str(n))
                    self.c.setFont("Vera", NOTE)
                    self.c.drawString(MARGIN + 5, y, line[len(str(n)) + 1 :])
                else:
                    self.c.drawString(MARGIN, y, line)
                y -= NOTE_LEADING
        self.c.showPage()
        self.page += 1

    def _advance(self, needed_notes: list[int]) -> bool:
        """Room for one more line in this column (with these notes on the page); else move on."""
        if self.y - LEADING >= self._bottom(self.notes_here + needed_notes):
            return False
        self.col += 1
        if self.col >= len(self.columns):
            self._finish_page()
            self._start_page()
            return True
        self.y = self.tops[self.col]
        return True

    def line(self, tokens: list[str], font: str = "Vera", size: float = BODY, leading: float = LEADING) -> None:
        notes = [int(t[1]) for t in tokens if re.fullmatch(r"\{\d\}\.?", t)]
        broke = self._advance(notes)
        if broke:
            self._mark_break()
        x, _ = self.columns[self.col]
        self.y -= leading
        c = self.c
        cursor = x
        for k, token in enumerate(tokens):
            marker = re.fullmatch(r"\{(\d)\}(\.?)", token)
            if marker:
                c.setFont("Vera", 6)
                c.drawString(cursor - pdfmetrics.stringWidth(" ", font, size), self.y + 4, marker.group(1))
                cursor += pdfmetrics.stringWidth(marker.group(1), "Vera", 6) - pdfmetrics.stringWidth(" ", font, size)
                if marker.group(2):
                    c.setFont(font, size)
                    c.drawString(cursor, self.y, ".")
                    cursor += pdfmetrics.stringWidth(". ", font, size)
                self.notes_here.extend(int(n) for n in marker.group(1))
                self.layout.note_pages[int(marker.group(1))] = self.page
                continue
            c.setFont(font, size)
            c.drawString(cursor, self.y, token)
            cursor += pdfmetrics.stringWidth(token + " ", font, size)
        self.last_tokens = tokens

    def landing_width(self, tokens: list[str]) -> float:
        """The width of the column the next line will be set in."""
        notes = [int(t[1]) for t in tokens if re.fullmatch(r"\{\d\}\.?", t)]
        if self.y - LEADING >= self._bottom(self.notes_here + notes):
            return self.columns[self.col][1]
        if self.col + 1 < len(self.columns):
            return self.columns[self.col + 1][1]
        n = self.columns_on_page.get(self.page + 1, 2)
        return (WIDTH - 2 * MARGIN - (n - 1) * GUTTER) / n

    def _mark_break(self) -> None:
        self.pending_break = "page" if self.col == 0 else "column"


def _wrap_words(words: list[str], font: str, size: float, width: float) -> list[str]:
    lines, line = [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if line and pdfmetrics.stringWidth(candidate, font, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def _hyphen_split(word: str, room: float, font: str, size: float) -> tuple[str, str] | None:
    """The longest head of `word` (with '-') that fits in `room`, keeping 3+ letters each side."""
    if "-" in word[1:-1]:
        head, tail = word.split("-", 1)
        if pdfmetrics.stringWidth(head + "-", font, size) <= room:
            return head + "-", tail
        return None
    letters = re.match(r"[A-Za-zﬁﬂ]+", word)
    if letters and re.search("[ﬁﬂ]", word):
        return None  # (kept whole, so the sample's hyphenated words are plain letters)
    if not letters or len(letters.group()) < 8:
        return None
    for cut in range(len(letters.group()) - 3, 2, -1):
        if pdfmetrics.stringWidth(word[:cut] + "-", font, size) <= room:
            return word[:cut] + "-", word[cut:]
    return None


def make_journal_pdf(path: Path, label_start: int | None = 5) -> Layout:
    """Write the two-column report to `path` (page labels from `label_start`; None: no labels); what it holds."""
    writer = _Writer(path, columns_on_page={2: 3})
    layout = writer.layout
    writer.pending_break = None
    completed = 0  # body words set so far (a word split at a line end counts once it ends)

    def emit(tokens: list[str], font="Vera", size=BODY, leading=LEADING, split_head: bool = False) -> None:
        nonlocal completed
        page_before = writer.page
        writer.pending_break = None
        writer.line(tokens, font, size, leading)
        if font != "Vera":
            return
        if writer.pending_break and completed:
            (layout.page_breaks if writer.page != page_before else layout.column_breaks).append(completed)
        words = [t for t in tokens if not re.fullmatch(r"\{\d\}\.?", t)]
        for k, _ in enumerate(words):
            if k == 0 and len(layout.word_pages) > completed:  # the tail of a word split at the last line end
                layout.word_pages[completed][1] = writer.page
            else:
                layout.word_pages.append([writer.page, writer.page])
        completed += len(words) - (1 if split_head else 0)

    for kind, text in _paragraphs():
        if kind == "heading":
            if writer.y - 3 * LEADING < writer._bottom(writer.notes_here):
                writer.y = 0  # a heading never ends a column
            writer.y -= 6
            emit(text.split(), "VeraBd", 11.5, 16)
            continue
        col_width = writer.columns[writer.col][1]
        tokens = text.split()
        line: list[str] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            col_width = writer.landing_width(line + [token])
            candidate = " ".join(line + [token])
            if re.fullmatch(r"\{\d\}\.?", token) or pdfmetrics.stringWidth(candidate, "Vera", BODY) <= col_width:
                line.append(token)
                i += 1
                continue
            room = col_width - pdfmetrics.stringWidth(" ".join(line) + " ", "Vera", BODY)
            split = _hyphen_split(token, room, "Vera", BODY)
            if split:
                line.append(split[0])
                tokens[i] = split[1]
                layout.hyphenated.append(_fold(token))
            emit(line, split_head=bool(split))
            line = []
        if line:
            emit(line)
        writer.y -= 4  # paragraph space
        layout.body_words.extend(_fold(w) for w in re.sub(r" \{\d\}", "", text).split())
    writer._finish_page()
    writer.c.save()
    layout.pages = writer.page
    if label_start is not None:
        _label_pages_from(path, label_start)
    return layout


def _label_pages_from(path: Path, start: int) -> None:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(str(path))
    writer = PdfWriter(clone_from=reader)
    writer.set_page_label(0, len(reader.pages) - 1, style="/D", start=start)
    with open(path, "wb") as fh:
        writer.write(fh)


def make_encrypted_pdf(source: Path, path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(source)))
    writer.encrypt(user_password="secret", owner_password="owner")
    with open(path, "wb") as fh:
        writer.write(fh)


def make_scanned_pdf(path: Path, pages: int = 2) -> None:
    """Pages that hold only drawings (as a scan holds only an image): no text layer."""
    c = canvas.Canvas(str(path), pagesize=(WIDTH, HEIGHT))
    for p in range(pages):
        for k in range(40):
            c.rect(MARGIN, HEIGHT - 80 - k * 16, 300 + (k * 37 % 180), 9, stroke=0, fill=1)
        c.showPage()
    c.save()


def make_damaged_pdf(source: Path, path: Path) -> None:
    """The first fifth of a real PDF: a header and nothing after it."""
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 5])


# ---- a bundled report set as a printed report -------------------------------------

_CJK_REGISTERED = False


def _font_for(token: str, font: str) -> str:
    """Vera where it has every glyph; a CID font (glyphs named, not embedded) for Chinese."""
    global _CJK_REGISTERED
    face = pdfmetrics.getFont(font).face
    if all(ord(ch) in face.charToGlyph for ch in token):
        return font
    if not _CJK_REGISTERED:
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        _CJK_REGISTERED = True
    return "STSong-Light"


def _width(text: str, font: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(t, _font_for(t, font), size) for t in text.split()) + pdfmetrics.stringWidth(
        " ", font, size
    ) * max(0, len(text.split()) - 1)


def make_report_pdf(path: Path, title: str, byline: str, sections: list[tuple[str, list[str]]], head: str,
                    browser_pages: int = 0, dateline: str = "") -> int:
    """One column of prose under section headings in bold, a running head and a page number at the foot.

    `sections` holds (heading, paragraphs); long words are hyphenated at line ends.  With
    `browser_pages`, the page is furnished as a browser prints a web page: the date and time and
    the page's title at the top, its URL and `N/browser_pages` at the foot.  A `dateline` is set
    under the byline.  Returns the page count.
    """
    c = canvas.Canvas(str(path), pagesize=(WIDTH, HEIGHT), invariant=1)
    width = WIDTH - 2 * MARGIN
    state = {"page": 0, "y": HEIGHT - 72}

    def furniture() -> None:
        c.setFont("Vera", 8)
        if browser_pages:
            c.drawString(MARGIN / 2, HEIGHT - 20, "12/2/26, 3:04 PM")
            c.drawCentredString(WIDTH / 2, HEIGHT - 20, head)
            c.drawString(MARGIN / 2, 16, URL)
            c.drawRightString(WIDTH - MARGIN / 2, 16, f"{state['page'] + 1}/{browser_pages}")
            return
        c.drawString(MARGIN, HEIGHT - 36, head)
        c.drawCentredString(WIDTH / 2, 30, str(state["page"] + 1))

    def new_page() -> None:
        c.showPage()
        state["page"] += 1
        state["y"] = HEIGHT - 72
        furniture()

    def draw(tokens: list[str], font: str, size: float, leading: float) -> None:
        if state["y"] - leading < 60:
            new_page()
        state["y"] -= leading
        x = MARGIN
        for token in tokens:
            face = _font_for(token, font)
            c.setFont(face, size)
            c.drawString(x, state["y"], token)
            x += pdfmetrics.stringWidth(token, face, size) + pdfmetrics.stringWidth(" ", font, size)

    furniture()
    for line in _wrap_words(title.split(), "VeraBd", 18, width):
        draw(line.split(), "VeraBd", 18, 22)
    draw(byline.split(), "Vera", 11, 18)
    if dateline:
        draw(dateline.split(), "Vera", 9, 14)
    state["y"] -= 14
    for heading, paragraphs in sections:
        if heading:
            if state["y"] < 140:
                new_page()
            state["y"] -= 8
            for line in _wrap_words(heading.split(), "VeraBd", 11.5, width):
                draw(line.split(), "VeraBd", 11.5, 15)
            state["y"] -= 3
        for paragraph in paragraphs:
            tokens = paragraph.split()
            line: list[str] = []
            i = 0
            while i < len(tokens):
                token = tokens[i]
                if not line or _width(" ".join(line + [token]), "Vera", BODY) <= width:
                    line.append(token)
                    i += 1
                    continue
                room = width - _width(" ".join(line), "Vera", BODY) - pdfmetrics.stringWidth(" ", "Vera", BODY)
                split = _hyphen_split(token, room, "Vera", BODY) if _font_for(token, "Vera") == "Vera" else None
                if split and "-" not in token:
                    line.append(split[0])
                    tokens[i] = split[1]
                draw(line, "Vera", BODY, LEADING)
                line = []
            if line:
                draw(line, "Vera", BODY, LEADING)
            state["y"] -= 6
    c.showPage()
    c.save()
    return state["page"] + 1
