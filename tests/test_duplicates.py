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
