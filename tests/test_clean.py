"""Cleaning steps, one by one, and the promise that cleaning loses no words."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.clean import (
    drop_page_numbers_at_breaks,
    clean_text,
    collapse_spaces,
    drop_footnote_markers,
    drop_page_numbers,
    drop_web_boilerplate,
    fold_unicode,
    rejoin_hyphenated_words,
    strip_end_marks,
)
from corpus.lines import split_paragraphs


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def test_fold_unicode_spells_out_ligatures():
    assert fold_unicode("Arti\ufb01cial signi\ufb01cant \ufb02ow") == "Artificial significant flow"


def test_collapse_spaces_turns_tabs_between_words_into_spaces():
    assert collapse_spaces("In\tthe\t second\thalf  \nof\t2018,\t") == "In the second half\nof 2018,"


def test_collapse_spaces_keeps_one_leading_blank_as_a_page_start():
    assert collapse_spaces("\t  Top-level Design") == " Top-level Design"


def test_drop_page_numbers_drops_number_lines_only():
    text = "end of a page.\n15\n\nChina’s National AI Team\n19 \n54 55 56 57\nin 2019 there were 18"
    assert drop_page_numbers(collapse_spaces(text)) == (
        "end of a page.\n\nChina’s National AI Team\nin 2019 there were 18"
    )


def test_rejoin_hyphenated_words_joins_words_broken_at_a_line_end():
    text = "international law\nof inter-\nnational order"
    assert rejoin_hyphenated_words(text) == "international law\nof international\norder"


def test_rejoin_hyphenated_words_keeps_real_hyphens():
    text = "a state-led model\nthe state-\nled development"
    assert rejoin_hyphenated_words(text) == "a state-led model\nthe state-led\ndevelopment"


def test_rejoin_hyphenated_words_lets_the_document_decide_unknown_words():
    # 'pre' is no word of its own here; 'Shenzhen' and 'based' both are.
    text = "written in Shenzhen, based on pre-\nwritten code by a Shenzhen-\nbased firm"
    assert rejoin_hyphenated_words(text) == (
        "written in Shenzhen, based on prewritten\ncode by a Shenzhen-based\nfirm"
    )


def test_drop_footnote_markers_frees_the_annotated_word():
    text = (
        "equity investment to 48 percent in 2017, while U.S. startups attracted 38 percent.94\n"
        "Development Plan (AIDP).1 This document, along with Made in China 2025,2 released\n"
        "At least two3 Chinese regional governments; levels”9 in AI; Fu Ying,12 the Vice-Chair\n"
        "spending).[1] and China.”[3] and Tan Tieniu* warned; two of them"
    )
    assert drop_footnote_markers(text) == (
        "equity investment to 48 percent in 2017, while U.S. startups attracted 38 percent.\n"
        "Development Plan (AIDP). This document, along with Made in China 2025, released\n"
        "At least two Chinese regional governments; levels” in AI; Fu Ying, the Vice-Chair\n"
        "spending). and China.” and Tan Tieniu warned; two of them"
    )


def test_drop_footnote_markers_never_cuts_inside_a_token():
    # 'two3' is a note: the text says 'two' elsewhere, 'two3' once, and has notes 2 and 4;
    # digits that are part of a name stay, however often the bare word occurs.
    text = (
        "Use httplib2 or httplib. httplib2 is faster. sha256 sums and sha tools.2 "
        "IPv6, GPT-4, H100, AArch64 and arm64 builds; at least two3 teams, two of them.4 "
    )
    assert drop_footnote_markers(text) == text.replace("two3", "two").replace(".2 ", ". ").replace(".4 ", ". ")


def test_drop_footnote_markers_leaves_numbers_that_are_words():
    text = "over 1,000 citations, the Blowfish A2 drone, 28nm chips, IEEE P7009, 3–10 times, $14.7 billion"
    assert drop_footnote_markers(text) == text


def test_drop_web_boilerplate_drops_page_furniture_lines():
    page = "\n".join(
        [
            "top of page",
            "  • Jeffrey Ding",
            "Measuring China’s Technological Self-Reliance Drive",
            "Jeffrey Ding CLM Issue 75",
            ".pdf",
            "Download PDF • 274KB",
            "Blog Post",
            "wong zihoo / Unsplash",
            "Mitch Altman / Flickr",
            "Jan. 23, 2020",
            "The text people search for.",
            "Photo credit: RG72, CC BY-SA 4.0 , via Wikimedia Commons",
            "Share on Twitter",
            "Recent articles:",
            "Another Article Title",
            "bottom of page",
        ]
    )
    kept = [line for line in drop_web_boilerplate(collapse_spaces(page)).split("\n") if line]
    assert kept == ["Measuring China’s Technological Self-Reliance Drive", "The text people search for."]


def test_strip_end_marks():
    assert strip_end_marks("develop their own platforms, no matter the costs. ◆") == (
        "develop their own platforms, no matter the costs."
    )


def test_split_paragraphs_rebuilds_hard_wrapped_paragraphs():
    lines = [
        "Last December, China’s top AI scientists gathered in Suzhou for the annual Wu",
        "Wenjun AI Science and Technology Award ceremony. They had every reason to",
        "expect a feel-good appreciation of China’s accomplishments in AI. Yet the mood",
        "was decidedly downbeat.",
        "The concern seems counterintuitive at first glance. In recent years, China has",
        "built a crop of commercial AI juggernauts with no direct counterparts elsewhere",
        "in the world.",
    ]
    paragraphs = split_paragraphs(lines)
    assert len(paragraphs) == 2
    assert paragraphs[0].endswith("the mood was decidedly downbeat.")


def test_split_paragraphs_runs_on_over_a_page_break_inside_a_sentence():
    lines = ["China’s leadership believes that being at the", "", "forefront in AI technology is critical."]
    assert split_paragraphs(lines) == [
        "China’s leadership believes that being at the forefront in AI technology is critical."
    ]


def test_clean_text_on_a_tabbed_pdf_line():
    raw = "At\tleast\ttwo3\tChinese\tregional\t\ngovernments\thave\teach\tcommitted\tto\ttwo\tplans.4\n12\n"
    assert clean_text(raw) == "At least two Chinese regional\ngovernments have each committed to two plans."


def test_clean_text_keeps_every_word_of_text_that_is_no_export():
    raw = "Install httplib2.\nIt saves 38 percent.94 of\ttime, two3 times.\nShare\nReport\n"
    assert clean_text(raw, exported=False) == (
        "Install httplib2.\nIt saves 38 percent.94 of time, two3 times.\nShare\nReport"
    )


# Text made of plain words, none of the things cleaning exists to remove
# (no digits, hyphens, ligatures, boilerplate lines).
plain_word = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=10).filter(
    lambda w: drop_web_boilerplate(w) == w
)
separator = st.sampled_from([" ", "  ", "\t", " \t ", "\n", "\n\n", "\n \n", " \n\t"])


@st.composite
def plain_texts(draw) -> str:
    chosen = draw(st.lists(plain_word, min_size=1, max_size=60))
    seps = draw(st.lists(separator, min_size=len(chosen), max_size=len(chosen)))
    return "".join(w + s for w, s in zip(chosen, seps))


@settings(max_examples=200, deadline=None)
@given(plain_texts())
def test_cleaning_loses_no_words(text):
    assert words(clean_text(text)) == words(text)


@settings(max_examples=200, deadline=None)
@given(plain_texts())
def test_paragraphs_lose_no_words(text):
    assert words(" ".join(split_paragraphs(clean_text(text).split("\n")))) == words(text)


def test_in_text_that_is_no_export_only_a_number_at_a_page_break_is_a_page_number():
    text = "ends here.\n12\n\fThe answer is\n42\nand more.\n13\fiv\nLast page."
    assert drop_page_numbers_at_breaks(text) == "ends here.\n\fThe answer is\n42\nand more.\n\fiv\nLast page."
    assert clean_text("The answer is\n42\nand the co-\noperation.", exported=False) == (
        "The answer is\n42\nand the co-\noperation.")
