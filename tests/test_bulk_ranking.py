"""Ranking over whole posting lists (searcher.bulk_ranking) gives Whoosh's matcher walk's hits, order and scores.

Every query is run both ways on the same open index: the ranking at once,
and with `bulk_ranking.ENABLED` off (Whoosh's matchers, as before).  The
pages must be equal (ids, ranks, rounded scores), and the raw ranked window
equal in docnums with scores within 1e-9 relative.  On the bundled corpus
(kinds scaled down, real copies across documents) and on generated corpora
built to stress what the fast path replays: copies with different titles
(Whoosh's collapse keeps the best raw score), several segments, deleted
passages, repeated and missing words, filters and field restrictions.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer import Indexer
from searcher import Searcher, bulk_ranking
from searcher.results import ranked

SEED_QUERIES = (
    "semiconductor export controls", "talent programs", "artificial intelligence governance",
    "Beijing Academy of Artificial Intelligence coalition", "data security", "chips chips chips",
    "standards", "military civil fusion strategy", "ethics guidelines principles for ai",
    "the state council plan 2030 new generation artificial intelligence development plan targets",
    "title:intelligence security", "by:webster policy", "investment funds venture capital",
)
# Queries holding an acronym the bundled corpus defines, or its long form (searched as the other form too)
ACRONYM_QUERIES = (
    "MIIT", "MIIT policy", "BAAI", "BAAI MIIT standards", "Beijing Academy of Artificial Intelligence",
    "Beijing Academy of Artificial Intelligence coalition", "AI", "AI chips export", "AI AI ethics",
    "artificial intelligence", "the AIDP targets", "Ministry of Science and Technology funding",
    "MOST talent programs", "SMIC GPUs TPU chips",
)
VOCAB = ("alpha beta gamma delta epsilon zeta theta iota kappa lambda sigma omega river stone cloud "
         "engine signal market policy export chip talent fusion ledger harbor").split()
# Acronyms the generated records define ("Alpha beta gamma (ABG)") and use alone
DEFINED = {"ABG": "alpha beta gamma", "RSC": "river stone cloud", "EMP": "engine market policy", "ZT": "zeta theta"}


def _both_ways(s: Searcher, query: str, **options):
    fast = s.search(query, snippets=False, **options)
    bulk_ranking.ENABLED = False
    try:
        slow = s.search(query, snippets=False, **options)
    finally:
        bulk_ranking.ENABLED = True
    return fast, slow


def _same_window(s: Searcher, query: str, top: int) -> bool:
    """The raw ranked windows agree; True when the fast path ranked the query (not a fallback)."""
    ws = s._searcher
    parsed, where = s._explorer.prepare(query)
    if where is False:
        return False
    fast = bulk_ranking.ranked_at_once(ws, parsed, where or None, top)
    bulk_ranking.ENABLED = False
    try:
        slow = ranked(ws, parsed, where or None, top=top)
    finally:
        bulk_ranking.ENABLED = True
    if fast is None:
        return False
    _agree([(h.score, h.docnum) for h in fast], [(h.score, h.docnum) for h in slow],
           lambda docnum: ws.stored_fields(docnum).get("text_hash"), query)
    return True


def _agree(fast: list, slow: list, key, query) -> None:
    """(score, item) lists in the same order, scores within 1e-9 relative; where several scores are
    equal (within that), the same items in any order, or copies of the same text (`key`).

    Equal scores are ordered by docnum here; Whoosh's sums of the same terms
    differ in the last bit from one segment to another (its matcher trees
    are shaped by each segment's frequencies), so it may order two
    mathematically equal scores either way, or keep either of two copies.
    The last run of equal scores may be cut off by the page: only its
    scores are compared.
    """
    assert len(fast) == len(slow), query
    for (a, _), (b, _) in zip(fast, slow):
        assert abs(a - b) <= 1e-9 * max(1.0, abs(b)), (query, a, b)
    i = 0
    while i < len(slow):
        j = i + 1
        while j < len(slow) and abs(slow[j][0] - slow[i][0]) <= 1e-9 * max(1.0, abs(slow[i][0])):
            j += 1
        if j < len(slow):
            ours, theirs = [item for _, item in fast[i:j]], [item for _, item in slow[i:j]]
            if sorted(ours) != sorted(theirs):
                assert sorted(map(key, ours)) == sorted(map(key, theirs)), (query, i, ours, theirs)
        i = j


def _page(hits):
    return [(h.rank, h.id, h.score) for h in hits]


def _same_page(fast, slow, query=""):
    """Two pages of hits agree: the same ranks and scores, the same passages (see `_agree`)."""
    assert [h.rank for h in fast] == [h.rank for h in slow]
    _agree([(h.score, h.id) for h in fast], [(h.score, h.id) for h in slow],
           {h.id: h.text for h in list(fast) + list(slow)}.get, query)


@pytest.mark.parametrize("query", SEED_QUERIES)
def test_the_seed_corpus_ranks_the_same_both_ways(seed_index, query):
    with Searcher(seed_index) as s:
        for limit, page in ((10, 1), (3, 4), (50, 1)):
            fast, slow = _both_ways(s, query, limit=limit, page=page)
            assert _page(fast) == _page(slow)
        assert _same_window(s, query, 30) or ":" in query
        fast, slow = _both_ways(s, query, limit=10, after="2019")
        assert _page(fast) == _page(slow)



def _every_both_ways(s: Searcher, query: str, **options):
    """count, facets and a results page with the fast path, then with Whoosh's matchers."""
    def every():
        found = s.results(query, limit=5, page=2, **options)
        return s.count(query, **options), s.facets(query, **options), found.total, found.facets, _page(found.hits)

    fast = every()
    bulk_ranking.ENABLED = False
    try:
        slow = every()
    finally:
        bulk_ranking.ENABLED = True
    return fast, slow


@pytest.mark.parametrize("query", SEED_QUERIES + ACRONYM_QUERIES[:6])
def test_counts_facets_and_results_pages_are_the_same_both_ways(seed_index, query):
    """Every match (counts, facets, the web page's results) comes from one fast pass, as Whoosh finds it."""
    with Searcher(seed_index) as s:
        fast, slow = _every_both_ways(s, query)
        assert fast == slow
        assert fast[0] == fast[2] == fast[1]["total"] and fast[4] == _page(s.search(query, limit=5, page=2))
        assert _every_both_ways(s, query, after="2019")[0] == _every_both_ways(s, query, after="2019")[1]


@pytest.mark.parametrize("query", ACRONYM_QUERIES)
def test_queries_with_acronyms_take_the_fast_path_and_rank_the_same(seed_index, query):
    """A typed acronym searched as its long form too, or a typed long form as its acronym: the
    better of the two forms, coordination through the other form, proximity of the typed words."""
    with Searcher(seed_index) as s:
        assert s.expansions(query), query  # (the bundled corpus defines it)
        for top in (5, 30, 80):
            assert _same_window(s, query, top), query
        for limit, page in ((10, 1), (3, 4)):
            fast, slow = _both_ways(s, query, limit=limit, page=page)
            assert _page(fast) == _page(slow)
        fast, slow = _both_ways(s, query, limit=10, after="2019")
        assert _page(fast) == _page(slow)


def test_plain_queries_take_the_fast_path_and_others_fall_back(seed_index):
    with Searcher(seed_index) as s:
        assert _same_window(s, "export controls on chips", 30)
        assert _same_window(s, "chips", 10)
        for query in ('"export controls" chips', "chip*", "export NOT chips", "export AND chips", "chips~1"):
            parsed, where = s._explorer.prepare(query)
            assert bulk_ranking.ranked_at_once(s._searcher, parsed, where or None, 10) is None, query
            fast, slow = _both_ways(s, query, limit=10)
            assert _page(fast) == _page(slow)


def _records(rng: random.Random, n: int, prefix: str) -> list[dict]:
    weights = [1 / (i + 1) for i in range(len(VOCAB))]  # Zipf-like: common and rare words
    records: list[dict] = []
    for i in range(n):
        if records and rng.random() < 0.2:  # a copy of an earlier text, under its title or another
            earlier = rng.choice(records)
            title = earlier["title"] if rng.random() < 0.5 else " ".join(rng.choices(VOCAB, weights, k=3))
            records.append({"_id": f"{prefix}{i}", "title": title, "text": earlier["text"]})
            continue
        sentences = []
        for _ in range(rng.randint(1, 6)):
            words = rng.choices(VOCAB, weights, k=rng.randint(4, 18))
            if rng.random() < 0.15:  # an acronym used alone
                words.insert(rng.randrange(len(words) + 1), rng.choice(sorted(DEFINED)))
            if rng.random() < 0.1:  # an acronym defined
                short = rng.choice(sorted(DEFINED))
                words[:0] = [*DEFINED[short].split(), f"({short})"]
            sentences.append(" ".join([words[0].capitalize(), *words[1:]]) + ".")
        records.append({"_id": f"{prefix}{i}", "title": " ".join(rng.choices(VOCAB, weights, k=rng.randint(1, 4))),
                        "text": " ".join(sentences)})
    return records


def _write(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


@pytest.fixture(scope="module", params=[7, 11])
def generated_index(request, tmp_path_factory) -> Path:
    """An index of generated records in three segments, with deleted passages (a file changed)."""
    rng = random.Random(request.param)
    folder = tmp_path_factory.mktemp(f"generated-{request.param}")
    index_dir = folder / "index"
    first, second = folder / "first.jsonl", folder / "second.jsonl"
    one = _records(rng, 160, "a")
    _write(first, one)
    Indexer(index_dir).update([first])
    _write(second, _records(rng, 120, "b") + one[:15])  # copies across files and segments
    Indexer(index_dir).update([first, second])
    one[3:40] = _records(rng, 37, "c")
    _write(first, one)  # changed: its old passages are deleted, the new ones make a segment
    Indexer(index_dir).update([first, second])
    return index_dir


queries = st.lists(st.sampled_from(VOCAB + sorted(DEFINED) + sorted(DEFINED.values())),
                   min_size=1, max_size=9).map(" ".join)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries, limit=st.sampled_from([1, 3, 10, 25]), page=st.sampled_from([1, 2, 3]),
       restrict=st.sampled_from(["", "title:{}", "documents"]), other=st.sampled_from(VOCAB),
       picks=st.lists(st.integers(0, 10_000), min_size=1, max_size=40))
def test_generated_corpora_rank_the_same_both_ways(generated_index, query, limit, page, restrict, other, picks):
    options = {}
    if restrict == "documents":  # a filter: some of the documents
        restrict = ""
        with Searcher(generated_index, build_default=False) as s:
            ids = [d.id for d in s.documents()]
        options["document"] = sorted({ids[p % len(ids)] for p in picks})
    query = f"{query} {restrict.format(other)}".strip()
    with Searcher(generated_index, build_default=False) as s:
        assert len(s._searcher.leaf_searchers()) > 1  # several segments
        fast, slow = _both_ways(s, query, limit=limit, page=page, **options)
        _same_page(fast, slow, query)
        counted = s.count(query, **options)
        bulk_ranking.ENABLED = False
        try:
            assert s.count(query, **options) == counted, query
        finally:
            bulk_ranking.ENABLED = True
        if not options:
            # (an expanded query falls back where Whoosh's coordination depends on when its collector
            # replaced a run-out phrase matcher: `bulk_ranking._Plan._held_through`)
            assert _same_window(s, query, 2 * (limit * page) + 10) or restrict or s.expansions(query)


def test_generated_corpora_hold_copies_and_deletions(generated_index):
    """What the property test relies on: folded copies with different raw scores, deleted passages,
    the acronyms the records define (searched both ways, on the fast path)."""
    with Searcher(generated_index, build_default=False) as s:
        reader = s._searcher.reader()
        assert reader.has_deletions()
        assert _same_window(s, "alpha beta river", 40)
        for short, long in DEFINED.items():
            assert s.expansions(f"{short} signal") and s.expansions(f"harbor {long} signal"), short
            assert _same_window(s, f"{short} signal", 40) and _same_window(s, f"harbor {long} signal", 40)


def test_deep_pages_read_no_record_they_need_not_and_give_the_same_hits(generated_index, monkeypatch):
    """A deep page takes ids and the passages that may fold from the index tables (searcher.tables):
    the same hits as reading every stored record, on several segments with deletions."""
    from searcher import tables

    for query in ("alpha beta river", "omega harbor ledger signal", "gamma"):
        with Searcher(generated_index, build_default=False) as s:
            deep = [h.as_dict() for h in s.search(query, limit=150)]
        monkeypatch.setattr(tables, "DEEP_PAGE", 10**9)
        with Searcher(generated_index, build_default=False) as s:
            plain = [h.as_dict() for h in s.search(query, limit=150)]
        monkeypatch.undo()
        assert deep and deep == plain, query
