"""Deep pages and id-only searches: the same ranking, with the work per hit left for the hits that are read."""
from __future__ import annotations

import dataclasses
import pickle

import pytest

from searcher import Hit, Searcher
from searcher.duplicates import collapse

QUERIES = ("semiconductor export controls", "talent programs", '"artificial intelligence" governance',
           "Beijing Academy of Artificial Intelligence coalition", "data security law NOT privacy")


def _ranking(hits):
    return [(h.rank, h.id, h.score) for h in hits]


@pytest.mark.parametrize("query", QUERIES)
def test_ids_and_scores_are_the_same_with_and_without_snippets(seed_index, query):
    with Searcher(seed_index) as s:
        for limit, page in ((10, 1), (50, 1), (7, 3), (300, 1)):
            full = s.search(query, limit=limit, page=page)
            bare = s.search(query, limit=limit, page=page, snippets=False)
            assert full, query
            assert _ranking(bare) == _ranking(full)
            assert [h.text for h in bare] == [h.text for h in full]
            assert all(h.matches == () and h.also_in == () for h in bare)


@pytest.mark.parametrize("query", QUERIES)
def test_a_deep_page_begins_with_the_short_page(seed_index, query):
    with Searcher(seed_index) as s:
        short = s.search(query, limit=10)
        deep = s.search(query, limit=500)
        second = s.search(query, limit=10, page=2)
    assert [h.as_dict() for h in deep[:10]] == [h.as_dict() for h in short]
    assert [h.as_dict() for h in deep[10:20]] == [h.as_dict() for h in second]
    assert len({h.id for h in deep}) == len(deep)


def test_highlights_read_after_the_searcher_is_closed_are_the_ones_read_before(seed_index):
    with Searcher(seed_index) as s:
        early = [h.matches for h in s.search("export controls", limit=20)]
        late = s.search("export controls", limit=20)
    assert any(early)
    assert [h.matches for h in late] == early
    assert [h.highlight("\x01", "\x02").count("\x01") for h in late] == [len(m) for m in early]


def test_a_hit_stays_frozen_comparable_and_picklable(seed_index):
    with Searcher(seed_index) as s:
        hit = s.search("export controls", limit=1)[0]
        again = s.search("export controls", limit=1)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        hit.matches = ()
    assert hit == again and hash(hit) == hash(again)
    copy = pickle.loads(pickle.dumps(again))
    assert copy == hit and copy.matches == hit.matches and copy.matches
    assert dataclasses.replace(hit, citation="x").matches == hit.matches
    assert Hit(id="a:1", document="a", title="", authors=(), section="", text="t").matches == ()


def test_collapse_stopped_early_keeps_the_same_first_passages():
    ranked = [("d%d" % (i % 4), frozenset({"k%d" % (i // 3), "s%d" % i})) for i in range(60)]
    kept, _ = collapse(ranked)
    for wanted in (1, 5, 12, len(kept), len(kept) + 5):
        assert collapse(iter(ranked), wanted)[0] == kept[:wanted]


def test_also_in_read_after_the_searcher_is_closed_is_the_one_read_before(seed_index):
    with Searcher(seed_index) as s:
        early = [h.also_in for h in s.search("artificial intelligence", limit=300)]
        late = s.search("artificial intelligence", limit=300)
        dropped = s.search("export controls", limit=300)  # never read: nothing is kept for it
        del dropped
    assert any(early), "the seed corpus holds passages in several documents"
    assert [h.also_in for h in late] == early
    assert [h.as_dict()["also_in"] for h in late] == [list(a) for a in early]
