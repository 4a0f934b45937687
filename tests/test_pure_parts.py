"""The pure parts of the search side: highlighting, snippets, dates, spelling.

Properties through Hypothesis: highlighting changes only markup; a snippet is
pieces of the passage, decorated; date bounds are consistent; any query
string gives a respelling or None, never an error.
"""
from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searcher import BadQuery
from indexer.schema import english_analyzer
from searcher import Searcher
from searcher.dates import parse_bound, parse_date, within
from searcher.highlight import MatchTerms, find_matches
from searcher.hits import mark
from searcher.snippets import ELLIPSIS, SEPARATOR, make_snippet, snippet
from searcher.suggest import Lexicon, correct_query, correctable_words, edit_distance, match_case

ANALYZER = english_analyzer()


def tokens(text: str):
    for t in ANALYZER(text, chars=True, mode="query", removestops=True):
        yield t.text, t.startchar, t.endchar


def stems(text: str) -> list[str]:
    return [t for t, _, _ in tokens(text)]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^.!?]+[.!?]*", text)]


WORDS = st.sampled_from(
    "policy policies China export controls chips semiconductors gallium talent the of and "
    "Beijing state-led U.S. China's innovation AI x".split()
)
PASSAGES = st.lists(
    st.tuples(WORDS, st.sampled_from([" ", " ", ", ", ". ", "! ", "\n\n", " … "])), min_size=0, max_size=60
).map(lambda parts: "".join(w + sep for w, sep in parts))


# -- highlighting ----------------------------------------------------------------


@given(text=PASSAGES | st.text(st.characters(blacklist_characters="\x02\x03"), max_size=200), words=st.lists(WORDS, max_size=3), phrase=st.booleans())
def test_highlighting_changes_only_markup(text, words, phrase):
    analysed = stems(" ".join(words))
    terms = MatchTerms(frozenset(), (tuple(analysed),)) if phrase else MatchTerms(frozenset(analysed))
    spans = find_matches(text, terms, tokens)
    assert all(0 <= s < e <= len(text) for s, e in spans)
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:]))  # sorted, apart
    marked = mark(text, spans, "\x02", "\x03")
    assert marked.replace("\x02", "").replace("\x03", "") == text
    assert marked.count("\x02") == len(spans)


def test_phrases_are_found_only_whole():
    text = "Export rules changed. The export controls tightened; controls on exports followed."
    spans = find_matches(text, MatchTerms(frozenset(), (("export", "control"),)), tokens)
    assert [text[s:e] for s, e in spans] == ["export controls"]


def test_words_match_on_their_stems():
    text = "These policies echo an older Policy."
    spans = find_matches(text, MatchTerms(frozenset(stems("policy"))), tokens)
    assert [text[s:e] for s, e in spans] == ["policies", "Policy"]


# -- snippets --------------------------------------------------------------------


def fragments_of(snippet_text: str) -> list[str]:
    """The pieces of passage text a snippet shows (a piece holding ` … ` itself comes out in parts,
    and one next to the passage's own `…` may come out with it)."""
    body = snippet_text.removeprefix(ELLIPSIS + " ").removesuffix(" " + ELLIPSIS)
    return body.split(SEPARATOR) if body else []


@settings(max_examples=300)
@given(text=PASSAGES, words=st.lists(WORDS, min_size=1, max_size=3), budget=st.integers(1, 600),
       fragments=st.integers(1, 4))
def test_a_snippet_is_pieces_of_the_passage(text, words, budget, fragments):
    matches = find_matches(text, MatchTerms(frozenset(stems(" ".join(words)))), tokens)
    made = make_snippet(text, sentence_spans(text), matches, budget, fragments)
    parts = fragments_of(made.text)
    assert all(part.strip(" " + ELLIPSIS) in text for part in parts)  # quoted exactly
    if ELLIPSIS not in text:  # (else the passage's own ellipses and the separators look alike)
        assert all(part in text for part in parts)
        assert sum(len(part) for part in parts) <= budget
        assert len(parts) <= fragments
    # each shown match is (part of) a match of the passage
    for s, e in made.matches:
        shown = made.text[s:e]
        assert shown and any(shown in text[ms:me] for ms, me in matches)
    assert all(a[1] <= b[0] for a, b in zip(made.matches, made.matches[1:]))  # ready for `mark`
    if matches and text.strip():
        assert made.matches  # the best match is always shown


def test_far_apart_matches_become_fragments_best_first():
    text = "Alpha one. Chips here. Filler two. Filler three. Gallium and chips there. End."
    matches = [(m.start(), m.end()) for m in re.finditer(r"Chips|chips|Gallium", text)]
    shown, spans = snippet(text, sentence_spans(text), matches, max_chars=50)
    assert shown == "… Gallium and chips there. End. … Chips here. …"
    assert [shown[s:e] for s, e in spans] == ["Gallium", "chips", "Chips"]


def test_close_matches_share_one_fragment_grown_with_context():
    text = "First. Chips one. Chips two. Last one here."
    matches = [(m.start(), m.end()) for m in re.finditer(r"Chips", text)]
    shown, _ = snippet(text, sentence_spans(text), matches, max_chars=36)
    assert shown == "… Chips one. Chips two. Last one here."


def test_a_long_sentence_is_cut_at_word_boundaries_around_its_match():
    text = " ".join(["word"] * 50) + " gallium " + " ".join(["word"] * 50) + "."
    start = text.index("gallium")
    shown, spans = snippet(text, [(0, len(text))], [(start, start + 7)], max_chars=40)
    assert shown.startswith(ELLIPSIS + " word") and shown.endswith("word " + ELLIPSIS)
    assert [shown[s:e] for s, e in spans] == ["gallium"]


def test_a_fragment_starts_after_a_split_sentence_leftovers():
    text = "He said “no.”[3] Chips are scarce. Nothing here."
    start = text.index("Chips")
    shown, _ = snippet(text, [(0, 13), (13, 34), (35, len(text))], [(start, start + 5)], max_chars=25)
    assert shown == "… Chips are scarce. …"


def test_no_matches_shows_the_beginning():
    text = "One sentence. Another one. A third."
    assert snippet(text, sentence_spans(text), [], max_chars=20)[0] == "One sentence. …"


# -- dates -----------------------------------------------------------------------

DATES = st.dates().filter(lambda d: d.year >= 1000).flatmap(
    lambda d: st.sampled_from([f"{d.year}", f"{d:%Y-%m}", f"{d:%Y-%m-%d}"])
)


@given(doc=DATES, bound=DATES)
def test_every_date_is_after_or_before_a_bound(doc, bound):
    b = parse_bound(bound, "--after")
    assert within(doc, b, None) or within(doc, None, b)
    assert within(doc, parse_date(doc), parse_date(doc))


@given(st.text(max_size=12))
def test_any_text_is_a_date_or_a_bad_query(text):
    try:
        parsed = parse_bound(text, "--after")
    except BadQuery as exc:
        assert "YYYY" in str(exc)
    else:
        assert parsed is None or 1 <= len(parsed) <= 3


def test_dates_compare_at_the_shared_precision():
    after, before = parse_bound("2019-01-15", "--after"), parse_bound("2019-02", "--before")
    assert within("2019-02", after, None)
    assert within("2019-02", parse_bound("2019-02-20", "--after"), None)
    assert not within("2019-02", parse_bound("2019-03", "--after"), None)
    assert within("2023", None, parse_bound("2023-06", "--before"))
    assert within("2019-01-20", after, before)
    assert not within("2019-01-10", after, before)
    assert not within("", after, None) and not within("someday", after, None)
    assert within("", None, None)


# -- spelling --------------------------------------------------------------------


def test_edit_distance():
    assert edit_distance("semiconducter", "semiconductor") == 1
    assert edit_distance("talnet", "talent") == 1  # a transposition is one edit
    assert edit_distance("", "abc") == 3
    assert edit_distance("abc", "abc") == 0


@given(st.text(max_size=10), st.text(max_size=10))
def test_edit_distance_is_symmetric_and_bounded(a, b):
    d = edit_distance(a, b)
    assert d == edit_distance(b, a)
    assert abs(len(a) - len(b)) <= d <= max(len(a), len(b))
    assert (d == 0) == (a == b)


def test_correctable_words_skip_operators_fields_and_wildcards():
    query = 'semiconducter AND "export contrls" author:dign title:chnia semi* talnet~ 5G (tarifs OR x)'
    assert [w for _, _, w in correctable_words(query)] == [
        "semiconducter", "export", "contrls", "chnia", "tarifs", "x"]


def test_match_case():
    assert match_case("Chna", "china") == "China"
    assert match_case("CHNA", "china") == "CHINA"
    assert match_case("chna", "china") == "china"


def fake_lexicon(text: str) -> Lexicon:
    """A Lexicon over one text, as the engine builds it over an index."""
    surface = Counter(re.findall(r"\w+", text))
    by_stem: dict[str, Counter] = {}
    for word, n in surface.items():
        for stem in stems(word):
            by_stem.setdefault(stem, Counter())[word] += n
    return Lexicon(
        stems=stems,
        frequency=lambda stem: sum(by_stem.get(stem, Counter()).values()),
        near=lambda word, d: [s for s in by_stem if edit_distance(word, s) <= d],
        surfaces=lambda stem: by_stem.get(stem, Counter()),
    )


def test_correct_query_prefers_close_then_frequent_surface_words():
    lexicon = fake_lexicon("semiconductor semiconductors semiconductor policies policy talent talent tablet")
    assert correct_query("semiconducter", lexicon) == "semiconductor"
    assert correct_query("talet policy", lexicon) == "talent policy"  # talent (2) beats tablet (1)
    assert correct_query("policy", lexicon) is None
    assert correct_query("zzzzzz", lexicon) is None


def test_respelling_looks_up_a_bounded_number_of_words_of_bounded_length():
    """Each look-up builds an automaton over the term table: a 4,000-character query of misspelt
    words took 10 s, and one 100,000-character word did not finish in 20 s (Searcher.suggest)."""
    from searcher.suggest import MAX_RESPELT_WORDS, MAX_WORD_LENGTH

    base = fake_lexicon("semiconductor semiconductors policy talent")
    looked_up: list[str] = []
    lexicon = Lexicon(stems=base.stems, frequency=base.frequency, surfaces=base.surfaces,
                      near=lambda word, d: looked_up.append(word) or base.near(word, d))
    assert correct_query("a" * 100_000, lexicon) is None and looked_up == []
    assert correct_query("semiconducter " + "x" * (MAX_WORD_LENGTH + 1), lexicon) == \
        "semiconductor " + "x" * (MAX_WORD_LENGTH + 1)
    looked_up.clear()
    correct_query(" ".join(f"talet{'x' * (n % 5)}" for n in range(400)), lexicon)
    assert 0 < len(looked_up) <= 5 * MAX_RESPELT_WORDS  # (a word and its stem, shortened up to 3 times)
    assert correct_query("talet " * MAX_RESPELT_WORDS, lexicon) == "talent " * MAX_RESPELT_WORDS


@settings(max_examples=60, deadline=None)
@given(query=st.text(max_size=40) | PASSAGES)
def test_any_query_gives_a_suggestion_or_none(seed_index, query):
    with Searcher(seed_index) as s:
        suggestion = s.suggest(query)
    assert suggestion is None or (isinstance(suggestion, str) and suggestion != query)


@settings(max_examples=60, deadline=None)
@given(query=st.text(max_size=40) | PASSAGES, after=st.none() | st.text(max_size=10) | DATES)
def test_any_query_gives_hits_or_a_clean_error(seed_index, query, after):
    with Searcher(seed_index) as s:
        try:
            hits = s.search(query, after=after, limit=3)
            facets = s.facets(query, after=after)
        except BadQuery as exc:
            assert str(exc) and "\n" not in str(exc)
        else:
            assert len(hits) <= 3 and facets["total"] >= len(hits)


@pytest.mark.parametrize("query", ["semiconducter", "goverment AND chna"])
def test_a_suggestion_finds_passages(seed_index, query):
    with Searcher(seed_index) as s:
        better = s.suggest(query)
        assert better and s.search(better)
