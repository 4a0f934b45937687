"""The English text fields index exactly what Whoosh's chained analyser gives, in one loop."""
from __future__ import annotations

import pickle
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
from whoosh import fields
from whoosh.analysis import StemmingAnalyzer

from corpus.catalog import bundled_corpus_dir
from indexer.parallel import memoize_stems
from indexer.schema import EnglishText, build_schema, english_analyzer

DATA = Path(__file__).parent / "data"


def whoosh_field(**kwargs) -> fields.TEXT:
    return fields.TEXT(analyzer=english_analyzer(), **kwargs)


# Words, stop words, possessives, abbreviations, NFKC-folded letters (ligatures,
# full-width, Roman numerals, a capital that only NFKC makes), dots and digits.
PIECES = st.sampled_from([
    "the", "The", "of", "and", "China", "China's", "China’s", "U.S.", "U.S.'s", "e.g.", "'s", "’s",
    "export", "controls", "exports", "ﬁnance", "Ｆｕｌｌ", "Ⅻ", "ℌ", "ß", "İ", "3.14", "2023", ".", "..",
    "state-led", "don't", "x.y.z", "ﬀ", "µ", "Ω", "\u0301", "\u00a0", " ", "\n", ", ", "—", "'",
    "自主创新", "自", "AI芯片", "芯片2023", "ｶﾀｶﾅ", "ひらがな", "한국어", "café", "Zìzhŭ", "ŭ", "e\u0301", "國產化",
])
TEXTS = st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=25).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
@example("")
@example("the of and")  # stop words only
@example("The chips the chips")  # the first word kept keeps its position
@example("'s 's chips")  # tokens that fold to nothing before the first word kept
def test_any_text_indexes_exactly_as_whooshs_analyser_gives(text):
    ours, theirs = build_schema()["text"], whoosh_field(stored=True, phrase=True)
    assert ours._steps() is not None  # the one-loop way is taken
    assert list(ours.index(text)) == list(theirs.index(text))


def test_documents_index_exactly_as_whooshs_analyser_gives():
    schema = build_schema()
    memoize_stems(schema)  # as the indexer runs it
    theirs = {name: whoosh_field(stored=True, field_boost=1.0) for name in ("title", "section")}
    theirs["text"] = whoosh_field(stored=True, phrase=True)
    texts = [p.read_text(encoding="utf-8") for p in sorted(bundled_corpus_dir().glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(DATA.rglob("*"))
              if p.is_file() and p.suffix in {".txt", ".md", ".html", ".jsonl", ".json"}]  # (not the screenshots)
    assert len(texts) > 5
    for text in texts:
        for name, field in theirs.items():
            assert list(schema[name].index(text)) == list(field.index(text)), name


def test_other_analysers_and_calls_go_whooshs_way():
    stock = EnglishText(analyzer=StemmingAnalyzer())
    assert stock._steps() is None
    assert list(stock.index("Chips and the exports")) == list(fields.TEXT(analyzer=StemmingAnalyzer()).index(
        "Chips and the exports"))
    no_phrases = EnglishText(analyzer=english_analyzer(), phrase=False)  # frequencies, not positions
    assert no_phrases._steps() is None
    ours = build_schema()["text"]
    assert list(ours.index(["chips", "gallium"])) == list(whoosh_field(phrase=True).index(["chips", "gallium"]))


def test_the_field_pickles_without_its_process_state():
    field = build_schema()["text"]
    field._steps()
    copy = pickle.loads(pickle.dumps(field))
    assert "_fused" not in copy.__dict__
    assert list(copy.index("Export controls on chips")) == list(field.index("Export controls on chips"))


def test_a_full_word_memo_starts_afresh_and_indexes_the_same(monkeypatch):
    import indexer.schema

    monkeypatch.setattr(indexer.schema, "WORD_MEMO_SIZE", 5)
    ours, theirs = build_schema()["text"], whoosh_field(stored=True, phrase=True)
    texts = ["The export controls on chips and the chips' exports", "Chips, chips and more chips: 自主创新 China's chips",
             "the of and", "Export CONTROLS export controls"] * 3
    for text in texts:  # the memo fills, is emptied, and fills again
        assert list(ours.index(text)) == list(theirs.index(text))
    assert len(ours._steps()[5]) <= 5
