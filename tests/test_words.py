"""The one-loop word reader gives what the English analyser gives in query mode (searcher.words)."""
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.schema import english_analyzer
from searcher.words import word_spans

ANALYZER = english_analyzer()
SPANS = word_spans(ANALYZER)


def analysed(text):
    return [(t.text, t.startchar, t.endchar) for t in ANALYZER(text, chars=True, mode="query", removestops=True)]


def test_the_english_analyser_is_read_in_one_loop():
    assert SPANS is not None


def test_known_text_gives_the_analysers_words_and_offsets():
    text = ("China's policies on semiconductors: the U.S. export controls, state-led café "
            "investment and 自主創新 (Zìzhŭ) in 2021; don't DO it.")
    assert SPANS(text) == analysed(text)
    assert ("polici", 8, 16) in SPANS(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcdefgz ABCZ.'’-,;éü自主创新國產化 の한국 \n1234ſﬁ")), max_size=80))
def test_arbitrary_text_gives_the_analysers_words_and_offsets(text):
    assert SPANS(text) == analysed(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_unicode_gives_the_analysers_words_and_offsets(text):
    assert SPANS(text) == analysed(text)
