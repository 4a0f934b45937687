"""The ranking module's switches: defaults, and the optional query-side extras still searching cleanly."""
from __future__ import annotations

import pytest

from searcher import Searcher, ranking


def test_lucene_idf_is_positive_and_falls_with_document_frequency():
    assert ranking.lucene_idf(1000, 1) > ranking.lucene_idf(1000, 100) > ranking.lucene_idf(1000, 900) > 0


def test_feedback_is_off_by_default_and_no_extras_leave_the_parser_alone(monkeypatch):
    assert ranking.FEEDBACK_DOCS == 0
    monkeypatch.setattr(ranking, "PROXIMITY_WEIGHT", 0.0)
    monkeypatch.setattr(ranking, "QUERY_TF", False)
    monkeypatch.setattr(ranking, "COORDINATION", 0.0)
    parser = object()
    assert ranking.with_extras(parser) is parser


@pytest.mark.parametrize("setting", [{"FEEDBACK_DOCS": 2}, {"PROXIMITY_WEIGHT": 0.0},
                                     {"FEEDBACK_DOCS": 2, "PROXIMITY_WEIGHT": 0.3}])
def test_extras_rank_and_highlight_only_the_words_asked_for(tiny_index, monkeypatch, setting):
    for name, value in setting.items():
        monkeypatch.setattr(ranking, name, value)
    with Searcher(tiny_index) as s:
        hits = s.search("export controls on semiconductors")
        assert hits and hits[0].document == "tariffs"
        marked = {hits[0].text[a:b].lower() for a, b in hits[0].matches}
        assert marked <= {"export", "controls", "semiconductors"}
        assert s.search("chips NOT gallium")  # NOT queries are left as they are


def test_field_lengths_read_once_equal_whooshs_own_and_scores_do_not_change(tiny_index, tiny_corpus, monkeypatch):
    from indexer import Indexer

    (tiny_corpus / "later.txt").write_text("Chip subsidies\n\nA later note on chip subsidies and robots.\n",
                                           encoding="utf-8")
    Indexer(tiny_index).update()  # a second segment
    with Searcher(tiny_index) as s:
        top = s._searcher
        segments = [sub for sub, _ in top.subsearchers] if top.subsearchers else [top]
        assert len(segments) == 2
        compared = 0
        for segment in segments:
            reader = segment.reader()
            for field in ("text", "title"):
                lengths = ranking.field_lengths(reader, field)
                assert lengths is not None
                for docnum in range(reader.doc_count_all()):
                    assert lengths(docnum) == reader.doc_field_length(docnum, field, 1)
                    compared += 1
        assert compared >= 2 * top.doc_count_all()
        fast = [(h.id, h.score) for h in s.search("chip subsidies robots", limit=20)]
    monkeypatch.setattr(ranking, "field_lengths", lambda reader, field: None)
    with Searcher(tiny_index) as s:
        slow = [(h.id, h.score) for h in s.search("chip subsidies robots", limit=20)]
    assert fast == slow and fast


def test_a_word_typed_twice_weighs_twice(tiny_index):
    with Searcher(tiny_index) as s:
        once = {h.id: h.score for h in s.search("chips robots", limit=10)}
        twice = {h.id: h.score for h in s.search("chips robots robots", limit=10)}
    robots = [i for i in once if i.startswith("robots")]
    chips = [i for i in once if not i.startswith("robots")]
    assert robots and chips
    assert all(twice[i] > once[i] for i in robots)  # only the repeated word's passages gain
    assert all(twice[i] == pytest.approx(once[i]) for i in chips)


def test_a_title_only_record_is_found_by_its_title(tmp_path):
    import json

    from indexer import Indexer

    (tmp_path / "records.jsonl").write_text(
        json.dumps({"_id": "t1", "title": "Matrix inversion by Gauss elimination", "text": ""}) + "\n"
        + json.dumps({"_id": "t2", "title": "Other", "text": "Some body text about robots."}) + "\n",
        encoding="utf-8")
    Indexer(tmp_path / "index").update([tmp_path / "records.jsonl"])
    with Searcher(tmp_path / "index") as s:
        hits = s.search("gauss elimination")
    assert [h.document for h in hits] == ["t1"]
    assert hits[0].text == "Matrix inversion by Gauss elimination" and hits[0].matches


@pytest.fixture
def rare_word_index(tmp_path):
    import json

    from indexer import Indexer

    records = [
        {"_id": "common", "title": "AI chips", "text": "AI chips lead the AI chips market, and AI chips sell."},
        {"_id": "rare", "title": "Foundry news", "text": "SMIC makes chips for AI labs in Shanghai."},
    ]
    # AI and chips are common words here, SMIC a rare one.
    records += [{"_id": f"ai{n}", "title": "Notes", "text": f"Note {n} on AI policy and chips."} for n in range(6)]
    records += [{"_id": f"x{n}", "title": "Notes", "text": f"Note {n} on robots and talent."} for n in range(6)]
    (tmp_path / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    Indexer(tmp_path / "index").update([tmp_path / "r.jsonl"])
    return tmp_path / "index"


@pytest.mark.parametrize("combine, coordination, first", [
    ("sum", 0.0, "common"),     # each field saturating alone: the repeated common words win
    ("bm25f", 0.0, "rare"),     # one saturation per word: the rare word decides
    ("bm25f", 1.0, "rare"),     # the defaults: and short queries weigh the share of their words held
])
def test_a_passage_with_the_rare_word_beats_one_repeating_the_common_ones(
        rare_word_index, monkeypatch, combine, coordination, first):
    monkeypatch.setattr(ranking, "FIELD_COMBINE", combine)
    monkeypatch.setattr(ranking, "COORDINATION", coordination)
    with Searcher(rare_word_index) as s:
        hits = s.search("AI chips SMIC")
        assert hits[0].document == first
        marked = {hits[0].text[a:b] for a, b in hits[0].matches}
        assert marked and marked <= {"AI", "chips", "SMIC"}
