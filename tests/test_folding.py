"""Accents and tone marks folded, CJK searchable by word (character pairs), traditional and simplified alike."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from indexer import Indexer
from indexer.schema import cjk_pieces, english_analyzer, fold
from searcher import Searcher
from searcher.cli import cli

NOTES = "004_b9cf0838e2274f89:38"  # "... (自主创新, Zìzhŭ Chuàngxīn)." in Ding's notes


def search_json(index, query, *args):
    result = CliRunner().invoke(cli, ["search", query, "--json", "--limit", "50", "--index", str(index), *args])
    return result, [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def marked(hit) -> list[str]:
    return [hit["text"][s:e] for s, e in hit["matches"]]


def test_toneless_pinyin_finds_the_toned_word(seed_index):
    result, hits = search_json(seed_index, "zizhu")
    assert result.exit_code == 0
    notes = next(h for h in hits if h["id"] == NOTES)
    assert "Zìzhŭ" in marked(notes)  # shown and highlighted as written


def test_toned_query_finds_the_plain_word(seed_index):
    _, plain = search_json(seed_index, "zizhu")
    _, toned = search_json(seed_index, "Zìzhŭ")
    assert [h["id"] for h in toned] == [h["id"] for h in plain]


def test_a_chinese_word_inside_a_longer_one_is_found_and_highlighted(seed_index):
    result, hits = search_json(seed_index, "自主")
    assert result.exit_code == 0
    notes = next(h for h in hits if h["id"] == NOTES)
    assert marked(notes) == ["自主"]
    _, whole = search_json(seed_index, "自主创新")
    assert whole[0]["id"] == NOTES and "".join(marked(whole[0])) == "自主创新"


def test_traditional_characters_find_the_simplified(seed_index):
    _, simplified = search_json(seed_index, "国产化")
    _, traditional = search_json(seed_index, "國產化")
    assert simplified and [h["id"] for h in traditional] == [h["id"] for h in simplified]
    assert "国产化" in "".join(marked(traditional[0]))


def test_cafe_finds_cafe_with_its_accent(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "cafe.md").write_text("# Notes\n\nThe Café Zìzhŭ opened in Hangzhou. Its naïve façade won prizes.\n",
                                  encoding="utf-8")
    (docs / "plain.md").write_text("# Other\n\nA cafe in Beijing serves coffee.\n", encoding="utf-8")
    index = tmp_path / "index"
    Indexer(index).update([docs])
    with Searcher(index) as s:
        for query in ("cafe", "café", "CAFÉ"):
            hits = s.search(query)
            assert len(hits) == 2
        accented = next(h for h in s.search("cafe") if "Café" in h.text)
        assert [accented.text[a:b] for a, b in accented.matches] == ["Café"]
        assert s.search("naive facade")[0].text.startswith("The Café")


def test_fold_and_pairs():
    assert fold("café") == "cafe" and fold("zìzhŭ") == "zizhu" and fold("chuàngxīn") == "chuangxin"
    assert fold("한국어") == "한국어"  # Hangul syllables are not taken apart
    assert [("自主创新"[a:b]) for a, b in cjk_pieces("自主创新")] == ["自主", "主创", "创新"]
    assert [("AI芯片"[a:b]) for a, b in cjk_pieces("AI芯片")] == ["AI", "芯片"]
    assert [t.text for t in english_analyzer()("自")] == ["自"]


@pytest.mark.parametrize("text", ["ひらがなカタカナ", "한국어 문장", "自主创新 policy"])
def test_cjk_offsets_point_at_the_characters(text):
    for token in english_analyzer()(text, chars=True):
        assert len(text[token.startchar:token.endchar]) == len(token.text) or token.text.isascii()
