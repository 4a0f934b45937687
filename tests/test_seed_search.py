"""Searching the real seed corpus: structure shows in the hits."""
from __future__ import annotations

import textwrap

from indexer import Indexer
from searcher import Searcher

VOLUME = "000_5c84af78ccbbd290"


def test_paddlepaddle_finds_the_article_by_laskai_and_toner(seed_index):
    with Searcher(seed_index) as s:
        hit = s.search("PaddlePaddle", limit=1)[0]
    assert hit.authors == ("Lorand Laskai", "Helen Toner")
    assert hit.title.startswith("Can China Grow Its Own AI Tech Base?")


def test_a_phrase_running_across_a_removed_pull_quote_matches(seed_index):
    with Searcher(seed_index) as s:
        hits = s.search('"large discrepancy in usage"')
    assert len(hits) == 1
    hit = hits[0]
    assert [hit.text[a:b] for a, b in hit.matches] == ["large discrepancy in usage"]


def test_interview_answers_are_the_interviewees_words(seed_index):
    with Searcher(seed_index) as s:
        hits = s.search("surveillance", author="Maya Wang", limit=5)
    assert hits and all(h.authors == ("Maya Wang",) and h.kind == "answer" for h in hits)
    assert all(h.section.endswith("?") for h in hits)  # the question is the answer's section


def test_jeffrey_ding_is_found_as_author_and_as_interviewee(seed_index):
    with Searcher(seed_index) as s:
        docs = {h.document for h in s.search("innovation OR research", author="ding", limit=50)}
    assert docs == {VOLUME, "004_b9cf0838e2274f89"}


def test_unattributed_document_stays_unattributed(seed_index):
    with Searcher(seed_index) as s:
        hits = s.search("Lingang", document="003_a0df248dcbd8bf15")
    assert hits and all(h.authors == () for h in hits)


def test_catalog_authors_fill_in_what_the_text_does_not_say(seed_index):
    with Searcher(seed_index) as s:
        hits = s.search("semiconductors", document="002_446d59fd56c55b2a", limit=3)
    assert hits and all(h.authors == ("Gregory C. Allen",) for h in hits)


def test_bios_rank_below_prose_with_the_same_matches(tmp_path):
    doc = tmp_path / "gallium.md"
    doc.write_text(textwrap.dedent("""\
        # Gallium Policy

        ## Export rules

        Officials in Beijing announced limits on gallium exports after a long review of
        supply chains, citing security concerns and the needs of domestic industry, and said
        licences would be granted case by case to foreign buyers of the metal.

        ## About the Author

        Jane Roe writes about gallium.
        """), encoding="utf-8")
    Indexer(tmp_path / "ix").update([doc])
    with Searcher(tmp_path / "ix") as s:
        hits = s.search("gallium")
    assert [h.kind for h in hits] == ["body", "bio"]
