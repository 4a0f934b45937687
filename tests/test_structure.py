"""The structure of each seed document, written down as data, and build_document held to it."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.asides import drop_pull_quotes, find_pull_quote_lines
from corpus.catalog import bundled_corpus_dir
from corpus.clean import drop_web_boilerplate
from corpus.model import ANSWER, BIO, BODY, KINDS, NOTES, QUESTION, SIDEBAR, RawDocument
from corpus.structure import build_document, drop_title_lines

VOLUME, LOCAL, CNAS, SELF_RELIANCE, MEASURING = (
    "000_5c84af78ccbbd290",
    "001_e674280208101485",
    "002_446d59fd56c55b2a",
    "003_a0df248dcbd8bf15",
    "004_b9cf0838e2274f89",
)

# 000: every article in order, with the people who wrote it.
VOLUME_ARTICLES = [
    ("Foreword", ("Andrew Grotto", "Ian Wallace")),
    ("Introduction", ("Graham Webster",)),
    (
        "Can China Grow Its Own AI Tech Base? Despite market success, Chinese experts see stubborn dependencies",
        ("Lorand Laskai", "Helen Toner"),
    ),
    (
        "Shall We Take an ‘Alternative Route,’ or ‘Overtake on the Curve’? "
        "Debating the state-led development model for AI in China",
        ("Mei Nelson",),
    ),
    (
        "An ‘AI Winter’ on the Horizon? In the trenches, sometimes it’s hard to live up to the hype",
        ("Jordan Schneider",),
    ),
    ("China’s National AI Team: The role of National AI Open Innovation Platforms", ("Benjamin Cedric Larsen",)),
    (
        "AI Politics is Local: Municipal and central authorities dream up a model AI cluster in Beijing",
        ("Thomas Lehmann",),
    ),
    (
        "From All Sides: Four specialists describe their diverse approaches to studying China’s AI development",
        ("Johanna Costigan",),
    ),
    (
        "How AI Can Better Serve People With Disabilities in China: "
        "‘Information accessibility’ is already on the agenda, but civil society offers more",
        ("Siodhbhra Parkin",),
    ),
    (
        "Planning Towards Policy Paralysis: How government plans, combined with political tightening, "
        "form a barrier to AI governance",
        ("Karman Lucero",),
    ),
]

VOLUME_AUTHORS = (
    "Graham Webster",  # the catalog's (the editor) first
    "Andrew Grotto",
    "Ian Wallace",
    "Lorand Laskai",
    "Helen Toner",
    "Mei Nelson",
    "Jordan Schneider",
    "Benjamin Cedric Larsen",
    "Thomas Lehmann",
    "Johanna Costigan",
    "Jeffrey Ding",
    "Maya Wang",
    "Paul Scharre",
    "Danit Gal",
    "Siodhbhra Parkin",
    "Karman Lucero",
)

# Headings inside some of 000's articles, in order.
VOLUME_SECTIONS = {
    "Can China Grow": [
        "Chinese Domestic Programming Frameworks Lag U.S. Giants",
        "No Clear Escape From GPUs or U.S.-Made Successors",
        "Breakthrough vs. Implementation",
        "Starting from Scratch",
        "Indigenous Innovation 2.0?",
    ],
    "China’s National AI Team": [
        "Opening Public Data While Supporting the Platform Economy",
        "Platform Leaders Devise Standards and Create the Rules for Ecosystem Engagement",
        "Building China’s Open Source Resources",
        "Pursuing National Goals Beyond State-Owned Enterprises",
    ],
    "Planning Towards Policy Paralysis": [
        "National Ambitions for AI Amidst Increasingly Centralized Governance",
        "Chinese Governance of AI and Its Effect on Politics and Development",
        "Paths Not Taken and Not Available for AI Governance in China",
        "AI Governance Dilemmas Have Broader Political Effects",
    ],
}

# (document, a phrase from the passage, kind, section (prefix), authors)
PASSAGES = [
    (VOLUME, "a large discrepancy in usage", BODY, "Chinese Domestic Programming Frameworks Lag U.S. Giants",
     ("Lorand Laskai", "Helen Toner")),
    (VOLUME, "According to Github activity, Baidu’s PaddlePaddle trails PyTorch", BODY,
     "Chinese Domestic Programming Frameworks", ("Lorand Laskai", "Helen Toner")),
    (VOLUME, "A fun parlor game", BODY, "", ("Andrew Grotto", "Ian Wallace")),
    (VOLUME, "Pick your innovation path", SIDEBAR, "Overtaking on Curves vs. Alternative Routes", ("Mei Nelson",)),
    (VOLUME, "Read more from Tan’s speech on DigiChina", SIDEBAR, "Breakthrough vs. Implementation",
     ("Lorand Laskai", "Helen Toner")),
    (VOLUME, "Lorand Laskai is a J.D. candidate", BIO, "", ("Lorand Laskai",)),
    (VOLUME, "Helen Toner is Director of Strategy", BIO, "", ("Helen Toner",)),
    (VOLUME, "Johanna Costigan is a writer from New York", BIO, "", ("Johanna Costigan",)),
    (VOLUME, "How would you describe your research focus?", QUESTION, "Interview with Maya Wang",
     ("Johanna Costigan",)),
    (VOLUME, "Maya Wang is a China Senior Researcher", BIO, "Interview with Maya Wang", ("Maya Wang",)),
    (VOLUME, "A bit of a combination.", ANSWER, "Would you say the extreme methods described in your HRW report",
     ("Maya Wang",)),
    (VOLUME, "First of all, Xinjiang is an important example", ANSWER, "Western critics often describe the crisis",
     ("Maya Wang",)),
    (VOLUME, "Probably 50% of what I translate", ANSWER,
     "Are there any particular Chinese texts that people should pay attention to?", ("Jeffrey Ding",)),
    (VOLUME, "I have always been interested in U.S.–China relations", ANSWER,
     "Describe your research focus related to China and AI.", ("Jeffrey Ding",)),
    (VOLUME, "China released two position papers at the UN", ANSWER,
     "What other current events are relevant to China and AI development?", ("Paul Scharre",)),
    (VOLUME, "Both China and Japan have a long-standing Buddhist heritage", ANSWER, "", ("Danit Gal",)),
    (LOCAL, "Zhiyuan Plan is a response to a comprehensive web", BODY, "Beijing Zhiyuan Action Plan",
     ("Thomas Lehmann",)),
    (CNAS, "At least two Chinese regional governments", BODY,
     "CHINESE VIEWS ON THE IMPORTANCE OF AI / 1. China’s leadership", ("Gregory C. Allen",)),
    (CNAS, "while U.S. startups attracted 38 percent.", BODY,
     "CHINA’S PROSPECTS FOR AI AND SEMICONDUCTORS / 15. Adverse macroeconomic factors", ("Gregory C. Allen",)),
    (CNAS, "The Tsinghua University China AI report did a remarkable study", BODY,
     "CHINESE VIEWS ON THE WEAKNESSES OF CHINA’S AI ECOSYSTEM / 9. Despite China’s strength", ("Gregory C. Allen",)),
    (SELF_RELIANCE, "Prestigious research institutions established new institutions", BODY,
     "Nurturing Home-Grown AI Talent and Development Centers", ()),
    (MEASURING, "What is indigenous innovation?", BODY, "The Contested Meaning of Indigenous Innovation",
     ("Jeffrey Ding",)),
    (MEASURING, "Jeffrey Ding is Assistant Professor", BIO, "About the Contributor", ("Jeffrey Ding",)),
    (MEASURING, "Robert B. Reich, “Who Is Us?”", NOTES, "Notes", ("Jeffrey Ding",)),
]

CNAS_HEADINGS = [
    "INTRODUCTION",
    "CHINESE VIEWS ON THE IMPORTANCE OF AI",
    "CHINESE VIEWS ON AI’S INTERNATIONAL SECURITY IMPLICATIONS",
    "CHINESE VIEWS ON THE STRENGTHS OF CHINA’S AI ECOSYSTEM",
    "CHINESE VIEWS ON THE WEAKNESSES OF CHINA’S AI ECOSYSTEM",
    "WHY CHINA’S TECH SECTOR IS UNLIKELY TO FACE SOVIET-STYLE STAGNATION",
    "CHINA’S NEAR-TERM GOAL: MAINTAIN ACCESS TO FOREIGN TECHNOLOGY BUT REDUCE DEPENDENCE",
    "THE IMPORTANCE OF SEMICONDUCTORS TO FUTURE AI COMPETITION",
    "CHINA’S PROSPECTS FOR AI AND SEMICONDUCTORS",
    "THE IMPORTANCE OF COMMERCIAL AI SUCCESS TO CHINESE POWER",
    "CONCLUSION",
]
CNAS_TOPICS = [
    "Weaknesses in Top Talent",
    "Weaknesses in Technical Standards",
    "Weaknesses in Software Frameworks & Platforms",
    "Weaknesses in Semiconductors",
]
LOCAL_SECTIONS = ["", "Beijing Zhiyuan Action Plan", "Beijing Academy of Artificial Intelligence",
                  "Beijing’s Efforts as an Example"]
SELF_RELIANCE_SECTIONS = [
    "",
    "Limited Opening to Attract Foreign Talent and Reassure Foreign Firms",
    "Nurturing Home-Grown AI Talent and Development Centers",
    "U.S. Competition and Actions Help Drive These Ambitions",
]
MEASURING_SECTIONS = [
    "",
    "The Contested Meaning of Indigenous Innovation",
    "An Expanding Gray Zone between Domestic and Foreign",
    "Measuring Foreign Technology Dependence in Semiconductors and Other Information-Technology Industries",
    "Conclusion",
    "About the Contributor",
    "Notes",
]

# Text that cleaning must have taken out of each document.
REMOVED = {
    LOCAL: ["Blog Post", "wong zihoo", "Unsplash"],
    SELF_RELIANCE: ["Blog Post", "Mitch Altman", "Flickr"],
    MEASURING: ["top of page", "bottom of page", "Download PDF", "274KB", "Recent articles", "[1]", "[13]",
                "Photo credit", "CLM Issue 75"],
    CNAS: ["(AIDP).1", "two3", "percent.94"],
    VOLUME: ["◆", "Tieniu*", "\ufb01"],
}


@pytest.fixture(scope="module")
def documents():
    folder = bundled_corpus_dir()
    built = {}
    for doc_id in (VOLUME, LOCAL, CNAS, SELF_RELIANCE, MEASURING):
        text = (folder / f"{doc_id}.txt").read_text(encoding="utf-8")
        built[doc_id] = build_document(RawDocument(id=doc_id, path=f"{doc_id}.txt", format="text", text=text))
    return built


def distinct(values):
    return list(dict.fromkeys(values))


def find_block(document, phrase):
    found = [b for b in document.blocks if phrase in b.text]
    assert len(found) == 1, f"{phrase!r} in {len(found)} blocks"
    return found[0]


def test_volume_articles_in_order_with_their_authors(documents):
    body = [b for b in documents[VOLUME].blocks if b.kind == BODY]
    articles = distinct((b.title, b.authors) for b in body)
    assert articles == VOLUME_ARTICLES


def test_volume_authors_are_everyone_who_wrote_or_answered(documents):
    assert documents[VOLUME].authors == VOLUME_AUTHORS


@pytest.mark.parametrize("title_start", sorted(VOLUME_SECTIONS))
def test_volume_article_sections(documents, title_start):
    blocks = [b for b in documents[VOLUME].blocks if b.title.startswith(title_start) and b.kind == BODY]
    assert [s for s in distinct(b.section for b in blocks) if s] == VOLUME_SECTIONS[title_start]


@pytest.mark.parametrize("doc_id, phrase, kind, section, authors", PASSAGES)
def test_known_passages(documents, doc_id, phrase, kind, section, authors):
    block = find_block(documents[doc_id], phrase)
    assert (block.kind, block.authors) == (kind, authors)
    assert block.section.startswith(section)


def test_pull_quotes_are_dropped_and_the_body_reads_on(documents):
    text = " ".join(b.text for b in documents[VOLUME].blocks)
    assert text.count("hard to imagine China’s AI sector") == 1
    assert text.count("Resources for basic research should be") == 0  # only the pull quote starts so
    assert text.count("to produce more diverse tools and software") == 1
    assert "frameworks, only one user stood up for PaddlePaddle—the PaddlePaddle official account." in text
    assert "in a way that requires signaling, is straining individuals" in text  # 'The CCP is ...' cut out
    assert "emerging ecosystems and sectors that increasingly" in text  # 'Companies and regulators are' cut out


def test_every_interview_answer_is_by_an_interviewee(documents):
    answers = {b.authors for b in documents[VOLUME].blocks if b.kind == ANSWER}
    assert answers == {("Jeffrey Ding",), ("Maya Wang",), ("Paul Scharre",), ("Danit Gal",)}
    questions = {b.authors for b in documents[VOLUME].blocks if b.kind == QUESTION}
    assert questions == {("Johanna Costigan",)}


def test_answers_are_filed_under_their_question(documents):
    questions = {b.text for b in documents[VOLUME].blocks if b.kind == QUESTION}
    answers = [b for b in documents[VOLUME].blocks if b.kind == ANSWER]
    assert answers and all(b.section in questions for b in answers)


def test_cnas_headings_judgments_and_topics(documents):
    sections = distinct(b.section for b in documents[CNAS].blocks)
    assert distinct(s.split(" / ")[0] for s in sections) == CNAS_HEADINGS
    judgments = distinct(s.split(" / ")[1] for s in sections if " / " in s)
    assert [j.split(".")[0] for j in judgments] == [str(n) for n in range(1, 17)]
    assert judgments[0] == (
        "1. China’s leadership – including President Xi Jinping – believes that being at the forefront in AI "
        "technology is critical to the future of global military and economic power competition."
    )
    assert distinct(s.split(" / ")[2] for s in sections if s.count(" / ") == 2) == CNAS_TOPICS


def test_cnas_author_comes_from_the_catalog(documents):
    assert documents[CNAS].authors == ("Gregory C. Allen",)
    assert {b.authors for b in documents[CNAS].blocks} == {("Gregory C. Allen",)}


@pytest.mark.parametrize(
    "doc_id, sections",
    [(LOCAL, LOCAL_SECTIONS), (SELF_RELIANCE, SELF_RELIANCE_SECTIONS), (MEASURING, MEASURING_SECTIONS)],
)
def test_web_article_sections(documents, doc_id, sections):
    assert distinct(b.section for b in documents[doc_id].blocks) == sections


def test_unattributed_document_stays_unattributed(documents):
    document = documents[SELF_RELIANCE]
    assert document.authors == ()
    assert all(b.authors == () for b in document.blocks)


def test_notes_are_notes(documents):
    notes = [b for b in documents[MEASURING].blocks if b.section == "Notes"]
    assert len(notes) == 52
    assert {b.kind for b in notes} == {NOTES}


@pytest.mark.parametrize("doc_id", sorted(REMOVED))
def test_cleaning_took_out_what_it_should(documents, doc_id):
    prose = [b.text for b in documents[doc_id].blocks if b.kind != NOTES]  # notes keep their numbers
    for unwanted in REMOVED[doc_id]:
        assert not any(unwanted in text for text in prose), unwanted
    assert ".pdf" not in prose


def test_every_block_is_clean_prose_of_a_known_kind(documents):
    for document in documents.values():
        for block in document.blocks:
            assert block.kind in KINDS
            assert block.text == block.text.strip() and "\n" not in block.text and "  " not in block.text
            assert not re.fullmatch(r"[\d\s]*", block.text)
            assert "\u2063" not in block.text + block.section  # no sidebar marks left over
            assert block.title


def test_plain_text_without_structure_still_works():
    text = (
        "some thoughts about policy written down without any headings at all, wrapped\n"
        "at seventy-odd characters the way plain text files often are, and ending.\n"
        "\n"
        "a second paragraph after a blank line.\n"
    )
    document = build_document(RawDocument(id="notes", path="notes.txt", format="text", text=text))
    assert [b.text for b in document.blocks] == [
        "some thoughts about policy written down without any headings at all, wrapped at seventy-odd "
        "characters the way plain text files often are, and ending.",
        "a second paragraph after a blank line.",
    ]
    assert [b.section for b in document.blocks] == ["", ""]
    assert document.authors == ()
    assert document.title.startswith("some thoughts about policy")


def test_a_text_file_opening_with_a_heading_takes_it_as_title():
    text = "Talent Programs\n\nUniversities compete for researchers in machine learning. Recruitment\nprograms offer housing.\n"
    document = build_document(RawDocument(id="talent", path="talent.txt", format="text", text=text))
    assert document.title == "Talent Programs"
    assert [(b.section, b.title) for b in document.blocks] == [("", "Talent Programs")]


def test_markdown_headings_are_sections_and_markup_goes():
    text = "\n".join(
        [
            "# Chips and Frameworks",
            "",
            "Intro with *emphasis*, a [link](https://example.org) and **bold**",
            "wrapped over two lines.",
            "",
            "## Programming Frameworks",
            "",
            "- PaddlePaddle trails `PyTorch`.",
            "- TensorFlow leads.",
            "",
            "> A quoted remark.",
            "",
            "## Notes",
            "",
            "1. A reference.",
        ]
    )
    document = build_document(RawDocument(id="md", path="md.md", format="markdown", text=text))
    assert document.title == "Chips and Frameworks"
    assert [(b.section, b.kind, b.text) for b in document.blocks] == [
        ("Chips and Frameworks", BODY, "Intro with emphasis, a link and bold wrapped over two lines."),
        ("Programming Frameworks", BODY, "PaddlePaddle trails PyTorch."),
        ("Programming Frameworks", BODY, "TensorFlow leads."),
        ("Programming Frameworks", BODY, "A quoted remark."),
        ("Notes", NOTES, "A reference."),
    ]


def test_pre_parsed_sections_are_kept_word_for_word():
    # Markup already said what is content: blanks collapse, no digit leaves a word.
    raw = RawDocument(id="page", path="page.html", format="html", text="", title="A Page",
                      sections=(("Intro", "Some\ttext  here.1 with\ufb01les"), ("Hardware", "H100 GPUs matter.")))
    document = build_document(raw)
    assert [(b.section, b.text) for b in document.blocks] == [
        ("Intro", "Some text here.1 withfiles"), ("Hardware", "H100 GPUs matter.")
    ]


# Words without digits, hyphens or boilerplate, all different (a repeated
# phrase would look like a pull quote, which is meant to go).
distinct_words = st.lists(
    st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=9).filter(
        lambda w: drop_web_boilerplate(w) == w and w.upper() != "BY"
    ),
    min_size=1,
    max_size=50,
    unique_by=str.lower,
)


@settings(max_examples=150, deadline=None)
@given(distinct_words, st.lists(st.sampled_from([" ", "\t", "\n", "\n\n", "  \n"]), min_size=50, max_size=50))
def test_structure_loses_no_words(words, separators):
    text = "".join(w + s for w, s in zip(words, separators))
    document = build_document(RawDocument(id="prop", path="prop.txt", format="text", text=text))
    in_blocks = set()
    for block in document.blocks:
        in_blocks.update(block.text.split())
        in_blocks.update(block.section.replace(" / ", " ").split())
    assert set(words) <= in_blocks | set(document.title.split())  # nothing lost (a heading may be the title)
    assert in_blocks <= set(words)  # nothing invented


def test_pull_quote_lines_are_found_by_repetition():
    lines = [
        "While Chinese alternatives exist, they have struggled to gain ground. Various",
        "informal indicators all point to a large discrepancy in",
        "It’s hard to imagine China’s AI sector",
        "usage. In one thread on comparing frameworks, only one",
        "achieving the State Council’s ambition",
        "user stood up for PaddlePaddle.",
        "",
        "In the longer term, it’s hard to imagine China’s AI sector achieving the State Council’s",
        "ambition if its foundations are built elsewhere.",
    ]
    assert find_pull_quote_lines(lines) == {2, 4}
    body = " ".join(drop_pull_quotes(lines))
    assert "a large discrepancy in usage. In one thread" in body
    assert body.count("hard to imagine") == 1


def test_a_short_line_repeating_words_pages_away_is_not_a_pull_quote():
    """A pull quote repeats its own page or the next; the bundled report 002's list of Tsinghua's
    findings ("• #1 in AI patents", "• #2 in the largest AI talent pool.") repeats words said 500
    lines further on, and was dropped as one."""
    quote = ["It’s hard to imagine China’s AI sector", "achieving the State Council’s ambition"]
    body = ["In the longer term, it’s hard to imagine China’s AI sector achieving the State Council’s",
            "ambition if its foundations are built elsewhere."]
    filler = [f"Paragraph {n} of the report says something of its own about topic number {n}." for n in range(150)]
    near = ["Various informal indicators all point to a large discrepancy in", quote[0], "usage. In one thread", quote[1],
            "only one user stood up for PaddlePaddle.", "", *body, *filler]
    assert find_pull_quote_lines(near) == {1, 3}
    far = ["Various informal indicators all point to a large discrepancy in", quote[0], "usage. In one thread", quote[1],
           "only one user stood up for PaddlePaddle.", "", *filler, *body]
    assert find_pull_quote_lines(far) == set()
    assert len(" ".join(drop_pull_quotes(far)).split()) == len(" ".join(far).split())


def test_the_bundled_list_of_findings_is_kept(seed_index):
    from searcher import Searcher

    with Searcher(seed_index) as searcher:
        texts = [hit.text for hit in searcher.search('"AI venture capital investment"')]
    assert any("#1 in AI patents" in t and "#2 in the largest AI talent pool." in t for t in texts), texts


def test_sidebars_flagged_with_a_star_become_sidebar_blocks():
    text = "\n".join(
        [
            "Sun added “overtaking on curves,”* which refers to catching up with foreign advances and looking",
            "for opportunities to pull ahead along the same technological track.",
            "",
            "*",
            "",
            "Pick your innovation path:",
            "• “Overtake on the curve”: Learn the",
            "competition’s game.",
            "",
            "This contrasts with an overtaking via alternative routes approach in which one does not compete.",
        ]
    )
    document = build_document(RawDocument(id="box", path="box.txt", format="text", text=text))
    assert [(b.kind, b.text[:24]) for b in document.blocks] == [
        (BODY, "Sun added “overtaking on"),
        (SIDEBAR, "Pick your innovation pat"),
        (BODY, "This contrasts with an o"),
    ]


def test_corpus_package_keeps_to_its_side_of_the_arrows():
    """corpus/ needs no nltk, Whoosh or click; BeautifulSoup only in corpus/html.py."""
    import ast
    from pathlib import Path

    import corpus

    for module in Path(corpus.__file__).parent.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        imported = {
            (alias.name if isinstance(node, ast.Import) else node.module or "").split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in node.names
        }
        assert not imported & {"nltk", "whoosh", "click"}, module.name
        if module.name != "html.py":
            assert "bs4" not in imported, module.name


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab Z-'’.\u0130\u03a3")), max_size=40),
       st.text(alphabet=st.sampled_from(list("ab Z-'’.\u0130\u03a3")), max_size=200), st.integers(0, 40))
def test_title_lines_go_as_when_every_line_is_read_whole(title, line, cut):
    """drop_title_lines stops at a line whose start already has more words than the title: the same lines go."""
    from corpus.lines import words_of

    title_words = " ".join(words_of(title))
    lines = [title[cut:], title[:cut], "", line, line + " more", "Body text."]
    kept = list(lines)
    while title_words and kept:  # (the rule, each line read whole)
        first = " ".join(words_of(kept[0]))
        if len(first.split()) >= 2 and f" {first} " in f" {title_words} ":
            kept.pop(0)
        elif not kept[0].strip():
            kept.pop(0)
        else:
            break
    assert drop_title_lines(lines, title) == kept
