"""The ranking module's switches: defaults, and the optional query-side extras still searching cleanly."""
from __future__ import annotations

import pytest

from searcher import Searcher, ranking


def test_lucene_idf_is_positive_and_falls_with_document_frequency():
    assert ranking.lucene_idf(1000, 1) > ranking.lucene_idf(1000, 100) > ranking.lucene_idf(1000, 900) > 0


def test_feedback_is_off_by_default_and_no_extras_leave_the_parser_alone(monkeypatch):
    assert ranking.FEEDBACK_DOCS == 0
    monkeypatch.setattr(ranking, "PROXIMITY_WEIGHT", 0.0)
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
