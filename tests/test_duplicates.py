"""Folding the same passage found in two documents into one hit."""
from indexer.chunk import sentence_keys
from searcher.duplicates import collapse, same_passage

A = "The Zhiyuan Plan is a response to a web of central and municipal policies. It names four goals for the city."
B_SPANS = None


def keys(text: str) -> frozenset[str]:
    import re

    spans = [m.span() for m in re.finditer(r"[^.]+\.", text)]
    return frozenset(sentence_keys(text, spans))


def test_same_sentences_differently_spaced_and_cased_are_the_same_passage():
    other = "THE ZHIYUAN PLAN is a response to a web of central and  municipal policies. Unrelated words follow here in this one."
    assert same_passage(keys(A), keys(other))


def test_short_sentences_do_not_count():
    assert keys("Thank you. Yes.") == frozenset()
    assert not same_passage(keys("Thank you. Yes."), keys("Thank you. Yes."))


def test_collapse_keeps_the_best_and_names_the_other_document():
    ranked = [("000", keys(A)), ("002", keys("Something else entirely about chips and export rules today.")),
              ("001", keys(A))]
    kept, also = collapse(ranked)
    assert kept == [0, 1]
    assert also == {0: ["001"]}


def test_passages_of_one_document_are_never_folded():
    kept, also = collapse([("000", keys(A)), ("000", keys(A))])
    assert kept == [0, 1] and not also


def test_a_copy_straddling_two_kept_passages_is_folded():
    first = "Alpha beta gamma delta epsilon zeta one. Eta theta iota kappa lambda mu two."
    second = "Nu xi omicron pi rho sigma three. Tau upsilon phi chi psi omega four."
    straddle = "Eta theta iota kappa lambda mu two. Nu xi omicron pi rho sigma three."
    kept, also = collapse([("000", keys(first)), ("000", keys(second)), ("001", keys(straddle))])
    assert kept == [0, 1]
    assert also == {0: ["001"]} or also == {1: ["001"]}


def test_same_passage_in_the_seed_corpus_is_shown_once_naming_the_other_document(seed_index):
    from searcher import Searcher

    with Searcher(seed_index) as s:
        hits = s.search("Beijing Academy of Artificial Intelligence coalition", limit=10)
    lehmann = [h for h in hits if h.authors == ("Thomas Lehmann",)]
    assert lehmann
    for h in lehmann:
        other = {"000_5c84af78ccbbd290", "001_e674280208101485"} - {h.document}
        assert h.also_in == tuple(other)
    texts = [set(h.text.split()) for h in lehmann]
    for i, a in enumerate(texts):  # no two hits are copies of each other
        for b in texts[i + 1:]:
            assert len(a & b) < 0.5 * min(len(a), len(b))


def test_one_shared_sentence_out_of_several_does_not_fold_a_passage():
    kept_text = "Alpha beta gamma delta epsilon zeta one. Eta theta iota kappa lambda mu two."
    other = ("Alpha beta gamma delta epsilon zeta one. Nu xi omicron pi rho sigma three. "
             "Tau upsilon phi chi psi omega four.")
    kept, also = collapse([("000", keys(kept_text)), ("001", keys(other))])
    assert kept == [0, 1] and not also


def test_every_hit_of_a_page_names_its_own_copies_and_get_agrees(tmp_path):
    from indexer import Indexer
    from searcher import Searcher

    first = ("Provincial robotics funds paid for welding lines in Guangdong factories last year. "
             "Officials counted the installed robots in every city of the province.")
    second = ("Semiconductor export controls slowed the purchase of lithography machines by local firms. "
              "Engineers turned to older equipment bought before the rules took effect.")
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in (("a.txt", first), ("b.txt", first), ("c.txt", second), ("d.txt", second),
                       ("e.txt", "Welding robots and lithography machines are both named here once.")):
        (docs / name).write_text(text + "\n", encoding="utf-8")
    Indexer(tmp_path / "ix").update([docs])
    with Searcher(tmp_path / "ix") as s:
        hits = s.search("welding robots lithography machines", limit=10)
        by_document = {h.document: h for h in hits}
        assert len(hits) == 3  # each copied passage once, plus the one of e.txt
        copies = {h.text.split()[0]: h.also_in for h in hits}
        assert sorted(copies) == ["Provincial", "Semiconductor", "Welding"]
        assert len(copies["Provincial"]) == 1 and len(copies["Semiconductor"]) == 1
        assert copies["Welding"] == ()
        pairs = {frozenset((h.document,) + h.also_in) for h in hits if h.also_in}
        assert pairs == {frozenset({"a", "b"}), frozenset({"c", "d"})}
        for h in by_document.values():
            assert s.get(h.id).also_in == h.also_in
