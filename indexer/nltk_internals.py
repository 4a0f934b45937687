"""Every reach into NLTK's internals, in one place: Punkt loaded alone, with `re` instead of NLTK's timed `regex`.

Only this module may touch NLTK's private names; `missing_internals()` lists
any that a new NLTK release no longer has (tests/test_internals.py fails with
that list), and setup.cfg bounds the versions known to work.  It also
converts Punkt's parameters to and from plain data (`params_to_data`).

Recent NLTK routes every regular expression through `nltk.redos`, which runs
each match under a wall-clock timeout with the third-party `regex` engine.
That guard is meant for caller-supplied patterns; Punkt's own patterns are
fixed and linear, and the per-call overhead makes training and splitting two
to three times slower.  These subclasses compile the same pattern sources with
`re`, so the parameters learnt and the boundaries found are the same (the
benchmark checks it: `benchmarks/speed.py --check-punkt`).

Training, which runs before any worker can start, is `FastTrainer`: NLTK's
trainer without a token object per word (tests/test_punkt_training.py
compares its parameters with NLTK's).
"""
from __future__ import annotations

import copyreg
import os
import re
import sys
from collections import Counter
from itertools import compress, repeat
from typing import Iterator


_loaded = None


def load_punkt():
    """NLTK's Punkt module (`nltk.tokenize.punkt`), loaded as cheaply as it can be.

    Importing any part of NLTK the usual way runs `nltk/__init__`, which loads
    most of NLTK (corpora, chunkers, translation metrics and, when installed,
    SciPy): 0.3 s without SciPy, a second with it, more than indexing a small
    document costs.  Punkt needs a handful of NLTK's modules, so unless the
    process has already imported NLTK, or runs other threads, they are loaded
    alone: `nltk` and `nltk.tokenize` stand in as empty packages while Punkt
    is imported (0.07 s), and afterwards every NLTK module loaded that way
    leaves `sys.modules` again.  This module keeps its own reference to Punkt,
    and a later `import nltk` by the caller loads NLTK whole and unchanged.
    Should a future NLTK's Punkt need more than that, the usual import is used.
    """
    global _loaded
    if _loaded is None:
        _loaded = sys.modules.get("nltk.tokenize.punkt") or _import_alone() or _import_with_nltk()
    return _loaded


def _import_alone():
    """`nltk.tokenize.punkt` imported without running NLTK's package `__init__`s; None if it fails."""
    import importlib
    import importlib.util
    import threading
    import types

    # The stand-in packages are briefly visible to the whole process: only
    # when no other thread could import NLTK meanwhile.
    if "nltk" in sys.modules or threading.active_count() > 1:
        return None
    spec = importlib.util.find_spec("nltk")
    if spec is None or not spec.submodule_search_locations:
        return None
    before = set(sys.modules)
    for name, sub in (("nltk", ""), ("nltk.tokenize", "tokenize")):
        package = types.ModuleType(name)
        package.__path__ = [os.path.join(p, sub) if sub else p for p in spec.submodule_search_locations]
        package.__package__ = name
        sys.modules[name] = package
    try:
        punkt = importlib.import_module("nltk.tokenize.punkt")
    except Exception:
        return None
    else:
        # Our own copy, so its one module-level pattern (used by the trainer's
        # abbreviation step) can be swapped for the same pattern compiled with `re`.
        if hasattr(punkt, "_re_non_punct"):
            punkt._re_non_punct = re.compile(_source(punkt._re_non_punct), re.UNICODE)
        # Pickle can only name classes it finds in sys.modules: parameters of
        # this copy pickle as their plain data (indexer.sentences).
        copyreg.pickle(punkt.PunktParameters, _reduce_params)
        return punkt
    finally:
        for name in set(sys.modules) - before:
            if name == "nltk" or name.startswith("nltk."):
                del sys.modules[name]


def _reduce_params(params):
    return params_from_data, (params_to_data(params),)


# How a pickle names Punkt's parameters (the sentence model of indexes made by
# earlier versions was such a pickle).
PARAMS_PICKLE_NAME = ("nltk.tokenize.punkt", "PunktParameters")


def params_to_data(params) -> dict:
    """Punkt parameters as plain JSON-ready data (sorted, so the same parameters give the same file)."""
    return {
        "abbrev_types": sorted(params.abbrev_types),
        "collocations": sorted([first, second] for first, second in params.collocations),
        "sent_starters": sorted(params.sent_starters),
        "ortho_context": dict(sorted(params.ortho_context.items())),
    }


def params_from_data(data: dict):
    """The Punkt parameters that `params_to_data` gave `data` for."""
    params = load_punkt().PunktParameters()
    params.abbrev_types = set(data["abbrev_types"])
    params.collocations = {(first, second) for first, second in data["collocations"]}
    params.sent_starters = set(data["sent_starters"])
    params.ortho_context.update(data["ortho_context"])
    return params


def _import_with_nltk():
    """`nltk.tokenize.punkt` imported the usual way, with SciPy kept out.

    `nltk/__init__` imports `scipy.stats` (when installed) for collocation
    statistics that Punkt never uses.  While NLTK loads, `scipy` is marked
    missing, so NLTK takes its own fallbacks (only its significance tests,
    `nltk.metrics` fisher/betai, are unavailable in this process); the mark is
    removed at once, so SciPy itself can still be imported afterwards.
    """
    block = "scipy" not in sys.modules
    if block:
        sys.modules["scipy"] = None  # makes `import scipy...` raise ImportError
    try:
        from nltk.tokenize import punkt
    finally:
        if block and "scipy" in sys.modules and sys.modules["scipy"] is None:
            del sys.modules["scipy"]
    return punkt


def _source(pattern) -> str:
    return getattr(pattern, "pattern", pattern)


_punkt = load_punkt()
PunktLanguageVars, PunktToken = _punkt.PunktLanguageVars, _punkt.PunktToken


_ELLIPSIS = re.compile(r"\.\.+$")
_NUMERIC = re.compile(r"^-?[\.,]?\d[\d,\.-]*\.?$")
_INITIAL = re.compile(r"[^\W\d]\.$", re.UNICODE)
_ALPHA = re.compile(r"[^\W\d]+$", re.UNICODE)
_NON_PUNCT = re.compile(r"[^\W\d]", re.UNICODE)


class FastLanguageVars(PunktLanguageVars):
    """English Punkt language variables, compiled with `re`."""

    re_boundary_realignment = re.compile(
        _source(PunktLanguageVars.re_boundary_realignment), re.MULTILINE
    )

    def _word_tokenizer_re(self):
        try:
            return self._re_word_tokenizer
        except AttributeError:
            self._re_word_tokenizer = re.compile(
                self._word_tokenize_fmt
                % {
                    "NonWord": self._re_non_word_chars,
                    "MultiChar": self._re_multi_char_punct,
                    "WordStart": self._re_word_start,
                },
                re.UNICODE | re.VERBOSE,
            )
            return self._re_word_tokenizer

    def period_context_re(self):
        try:
            return self._re_period_context
        except AttributeError:
            self._re_period_context = re.compile(
                self._period_context_fmt
                % {
                    "NonWord": self._re_non_word_chars,
                    "SentEndChars": self._re_sent_end_chars,
                },
                re.UNICODE | re.VERBOSE,
            )
            return self._re_period_context


class FastToken(PunktToken):
    """A Punkt token whose properties use `re` patterns (same sources as NLTK's)."""

    __slots__ = ()

    _RE_ELLIPSIS = _ELLIPSIS
    _RE_NUMERIC = _NUMERIC
    _RE_INITIAL = _INITIAL
    _RE_ALPHA = _ALPHA

    def __init__(self, tok, parastart=None, linestart=None, sentbreak=None, abbr=None, ellipsis=None):
        self.tok = tok
        self.type = _NUMERIC.sub("##number##", tok.lower())
        self.period_final = tok.endswith(".")
        self.parastart = parastart
        self.linestart = linestart
        self.sentbreak = sentbreak
        self.abbr = abbr
        self.ellipsis = ellipsis

    @property
    def is_non_punct(self):
        return _NON_PUNCT.search(self.type)


class _TypeCounts(Counter):
    """The trainer's type frequencies: what Punkt reads of its FreqDist (counts, `N()`), counted at C speed."""

    total_count = 0

    def N(self) -> int:
        return self.total_count


# The orthographic contexts of a word, as Punkt's trainer names them.
_INTERNAL, _INITIAL_CONTEXT, _UNKNOWN = _CONTEXTS = ("internal", "initial", "unknown")


class FastTrainer(_punkt.PunktTrainer):
    """NLTK's PunktTrainer learning from a text without a token object per word: the same parameters.

    `train(text, finalize=False)` does what PunktTrainer's `_train_tokens`
    does to the text's tokens, step for step (types counted, abbreviations
    reclassified, the first-pass annotation, orthographic contexts, sentence
    breaks, then rare abbreviations, sentence starters and collocations over
    the pairs whose first word ends in a period), but everything that depends
    on a word alone is worked out once per distinct word and kept, and the
    per-token steps are `map`/`zip`/`Counter` passes over the word strings.
    NLTK's own methods do the statistics (`_reclassify_abbrev_types`,
    `finalize_training`).  tests/test_chunk.py compares the parameters with
    NLTK's trainer on the bundled corpus, SciFact-like and generated text.
    """

    def __init__(self):
        super().__init__(lang_vars=FastLanguageVars(), token_cls=FastToken)
        self._type_fdist = _TypeCounts()
        self._find_words = self._lang_vars._word_tokenizer_re().findall
        # Per distinct word (computed once):
        self._type_of: dict[str, str] = {}
        self._period_final: dict[str, bool] = {}
        self._case_of: dict[str, str] = {}
        self._abbrev_keys: dict[str, tuple[str, str]] = {}  # of words the first pass marks abbreviation or break
        self._period_words: set[str] = set()  # (those words)
        self._period_types: set[str] = set()  # types ending in a period
        self._ortho_seen: set[tuple[str, str]] = set()  # (word, context) pairs whose flag is in the ortho context
        # ... and per word as the first pass leaves it (refreshed per text for those in `_abbrev_keys`):
        self._sentbreak: dict[str, bool] = {}
        self._abbr: dict[str, bool] = {}
        self._next_context: dict[str, str] = {}
        self._ortho_type: dict[str, str] = {}  # type_no_sentperiod

    def train(self, text: str, verbose: bool = False, finalize: bool = True) -> None:
        """Learn from `text` as PunktTrainer.train does (`verbose` is not supported)."""
        self._finalized = False
        words, line_starts = self._words(text)
        distinct = set(words)
        self._learn_words(distinct.difference(self._type_of))
        types = list(map(self._type_of.__getitem__, words))
        self._type_fdist.update(types)
        self._type_fdist.total_count += len(types)
        self._num_period_toks += sum(map(self._period_final.__getitem__, words))
        params = self._params
        # NLTK reclassifies every type of the text; only those ending in a
        # period or known as abbreviations can change anything (in NLTK's order).
        known, period_types = params.abbrev_types, self._period_types
        candidates = [typ for typ in set(types) if typ in period_types or typ in known]
        for abbr, score, is_add in self._reclassify_abbrev_types(candidates):
            if score >= self.ABBREV:
                if is_add:
                    params.abbrev_types.add(abbr)
            elif not is_add:
                params.abbrev_types.remove(abbr)
        self._first_pass(distinct & self._period_words)
        self._orthography(words, line_starts)
        self._sentbreak_count += sum(map(self._sentbreak.__getitem__, words))
        self._pairs(words)
        if finalize:
            self.finalize_training()

    def _words(self, text: str) -> tuple[list[str], list[tuple[int, bool]]]:
        """Punkt's word tokens of `text`, and (index, starts a paragraph) of each line's first token."""
        words: list[str] = []
        line_starts = []
        parastart = False
        for line in text.split("\n"):
            tokens = self._find_words(line)  # (none exactly when the line is blank: any \S makes a token)
            if tokens:
                line_starts.append((len(words), parastart))
                parastart = False
                words += tokens
            else:
                parastart = True
        return words, line_starts

    def _learn_words(self, new_words: set[str]) -> None:
        """What Punkt's token and first pass make of each new word, whatever the abbreviations."""
        sent_end_chars = self._lang_vars.sent_end_chars
        for word in new_words:
            typ = _NUMERIC.sub("##number##", word.lower())
            self._type_of[word] = typ
            if typ.endswith("."):
                self._period_types.add(typ)
            self._period_final[word] = word.endswith(".")
            first = word[0]
            self._case_of[word] = "lower" if first.islower() else "upper" if first.isupper() else "none"
            sentbreak = abbr = ellipsis = False
            if word in sent_end_chars:
                sentbreak = True
            elif _ELLIPSIS.match(word):
                ellipsis = True
            elif word.endswith(".") and not word.endswith(".."):
                stem = word[:-1].lower()
                self._abbrev_keys[word] = (stem, stem.split("-")[-1])
                self._period_words.add(word)
                sentbreak = True  # (until the first pass finds it an abbreviation)
            self._set_first_pass(word, sentbreak, abbr, ellipsis)

    def _set_first_pass(self, word: str, sentbreak: bool, abbr: bool, ellipsis: bool) -> None:
        """Keep what Punkt's first pass marks `word` with, and what follows from it."""
        typ = self._type_of[word]
        self._sentbreak[word] = sentbreak
        self._abbr[word] = abbr
        if sentbreak:
            initial_or_number = typ.startswith("##number##") or _INITIAL.match(word)
            self._next_context[word] = _UNKNOWN if initial_or_number else _INITIAL_CONTEXT
            self._ortho_type[word] = typ[:-1] if len(typ) > 1 and typ[-1] == "." else typ
        else:
            self._next_context[word] = _UNKNOWN if ellipsis or abbr else _INTERNAL
            self._ortho_type[word] = typ

    def _first_pass(self, period_words: set[str]) -> None:
        """Punkt's first pass on the words ending in one period: an abbreviation (if known) or a break."""
        known = self._params.abbrev_types
        for word in period_words:
            stem, last_part = self._abbrev_keys[word]
            abbr = stem in known or last_part in known
            if abbr != self._abbr[word]:  # its type in the orthographic context changes
                self._set_first_pass(word, not abbr, abbr, False)
                self._ortho_seen.difference_update((word, context) for context in _CONTEXTS)

    def _orthography(self, words: list[str], line_starts: list[tuple[int, bool]]) -> None:
        """Punkt's orthographic contexts: the case each type is seen in at, within or near sentence starts."""
        contexts = [_INTERNAL]
        contexts += map(self._next_context.__getitem__, words)
        contexts.pop()
        for index, parastart in line_starts:
            context = contexts[index]
            if parastart and context != _UNKNOWN:
                context = _INITIAL_CONTEXT
            if context == _INTERNAL:  # (a line start, so internal becomes unknown)
                context = _UNKNOWN
            contexts[index] = context
        # A flag once added stays: only (word, context) pairs not seen before can add one.
        new = set(zip(words, contexts))
        new -= self._ortho_seen
        self._ortho_seen |= new
        ortho_map, ortho_context = _punkt._ORTHO_MAP, self._params.ortho_context
        case_of, ortho_type = self._case_of, self._ortho_type
        for word, context in new:
            flag = ortho_map.get((context, case_of[word]), 0)
            if flag:  # (as PunktParameters.add_ortho_context)
                ortho_context[ortho_type[word]] |= flag

    def _pairs(self, words: list[str]) -> None:
        """Rare abbreviations, sentence starters and collocations, from each word ending in a period and the next."""
        params, counts = self._params, self._type_fdist
        abbrev_types, ortho_context = params.abbrev_types, params.ortho_context
        internal_punctuation = self._lang_vars.internal_punctuation
        all_collocs, abbrev_collocs = self.INCLUDE_ALL_COLLOCS, self.INCLUDE_ABBREV_COLLOCS
        beg_uc, mid_uc = _punkt._ORTHO_BEG_UC, _punkt._ORTHO_MID_UC
        type_of, sentbreak_of, abbr_of, ortho_type = self._type_of, self._sentbreak, self._abbr, self._ortho_type
        for index in compress(range(len(words) - 1), map(self._period_final.__getitem__, words)):
            first, second = words[index], words[index + 1]
            sentbreak, abbr = sentbreak_of[first], abbr_of[first]
            first_type, second_type = type_of[first], type_of[second]
            first_no_period = first_type[:-1] if len(first_type) > 1 and first_type[-1] == "." else first_type
            number_or_initial = first_type.startswith("##number##") or _INITIAL.match(first)
            if sentbreak and not abbr:  # a rare abbreviation?
                typ = ortho_type[first]
                if not (typ in abbrev_types or counts[typ] + counts[typ[:-1]] >= self.ABBREV_BACKOFF):
                    if second[:1] in internal_punctuation:
                        abbrev_types.add(first_no_period)
                    elif self._case_of[second] == "lower":
                        context = ortho_context[ortho_type[second]]
                        if context & beg_uc and not context & mid_uc:
                            abbrev_types.add(first_no_period)
            if sentbreak and not number_or_initial and _ALPHA.match(second):
                self._sent_starter_fdist[second_type] += 1
            if ((all_collocs or (abbrev_collocs and abbr) or (sentbreak and number_or_initial))
                    and _NON_PUNCT.search(first_type) and _NON_PUNCT.search(second_type)):
                self._collocation_fdist[(first_no_period, ortho_type[second])] += 1


_WHITESPACE = " \t\n\r\x0b\x0c"  # (string.whitespace, as Punkt's last-whitespace search has it)


class FastSentenceTokenizer(_punkt.PunktSentenceTokenizer):
    """NLTK's PunktSentenceTokenizer deciding each candidate break without token objects: the same spans.

    `span_tokenize` asks `text_contains_sentbreak` of every "word. Next"
    context around a period, question or exclamation mark.  Here that
    question is answered as NLTK's first and second annotation passes do
    (the orthographic, collocation and sentence-starter heuristics), from
    what each word alone gives, worked out once per word.  tests/test_chunk.py
    compares the spans with NLTK's tokenizer.
    """

    _MAX_WORDS = 200_000  # words remembered (then forgotten at once): a bound on memory, not a tuning

    def __init__(self, params):
        super().__init__(params, lang_vars=FastLanguageVars(), token_cls=FastToken)
        self._find_words = self._lang_vars._word_tokenizer_re().findall
        self._words: dict[str, tuple] = {}
        self._ortho_lc, self._ortho_uc = _punkt._ORTHO_LC, _punkt._ORTHO_UC
        self._ortho_mid_uc, self._ortho_beg_lc = _punkt._ORTHO_MID_UC, _punkt._ORTHO_BEG_LC

    def span_tokenize(self, text: str, realign_boundaries: bool = True) -> Iterator[tuple[int, int]]:
        """The (start, end) of each sentence of `text`: NLTK's `span_tokenize`, its generators made one loop."""
        if not realign_boundaries:
            return super().span_tokenize(text, realign_boundaries)
        return iter(self._realigned(text, self._slices(text)))

    def _slices(self, text: str) -> list[tuple[int, int]]:
        """NLTK's `_slices_from_text` over its `_match_potential_end_contexts`."""
        slices = []
        last_break = 0
        contains_sentbreak = self.text_contains_sentbreak

        def consider(match, word_start: int, word_end: int) -> None:
            nonlocal last_break
            if contains_sentbreak(text[word_start:word_end] + match.group() + match.group("after_tok")):
                slices.append((last_break, match.end()))
                last_break = match.start("next_tok") if match.group("next_tok") else match.end()

        previous_match = None
        previous_start = previous_stop = 0
        for match in self._lang_vars.period_context_re().finditer(text):
            start = match.start()
            # The word before the match: from the last whitespace since the previous word.
            space = max(map(text.rfind, _WHITESPACE, repeat(previous_stop), repeat(start)))
            word_start = space + 1 if space > previous_stop else previous_start
            if previous_match and previous_stop <= word_start:  # (overlapping matches: the last one counts)
                consider(previous_match, previous_start, previous_stop)
            previous_match, previous_start, previous_stop = match, word_start, start
        if previous_match:
            consider(previous_match, previous_start, previous_stop)
        slices.append((last_break, len(text.rstrip())))
        return slices

    def _realigned(self, text: str, slices: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """NLTK's `_realign_boundaries`: closing punctuation after a break goes with the sentence before."""
        realign_match = self._lang_vars.re_boundary_realignment.match
        spans = []
        realign = 0
        for (start, stop), following in zip(slices, slices[1:] + [None]):
            start += realign
            if following is None:
                if text[start:stop]:
                    spans.append((start, stop))
                continue
            m = realign_match(text[following[0]:following[1]])
            if m:
                spans.append((start, following[0] + len(m.group(0).rstrip())))
                realign = m.end()
            else:
                realign = 0
                if text[start:stop]:
                    spans.append((start, stop))
        return spans

    def text_contains_sentbreak(self, text: str) -> bool:
        """Whether a word of `text` other than its last ends a sentence (as NLTK's method decides)."""
        words = []
        for line in text.split("\n"):
            words += self._find_words(line)
        known = self._words
        if len(known) > self._MAX_WORDS:
            known.clear()
        infos = []
        for word in words:
            info = known.get(word)
            if info is None:
                info = known[word] = self._first_pass_of(word)
            infos.append(info)
        return any(self._breaks_after(infos[n], infos[n + 1]) for n in range(len(infos) - 1))

    def _first_pass_of(self, word: str) -> tuple:
        """What Punkt's token and first pass give `word`: (type without period, type without sentence
        period, period final, sentence break, abbreviation or ellipsis, initial, number, first upper,
        first lower, punctuation)."""
        typ = _NUMERIC.sub("##number##", word.lower())
        no_period = typ[:-1] if len(typ) > 1 and typ[-1] == "." else typ
        sentbreak = abbr_or_ellipsis = False
        if word in self._lang_vars.sent_end_chars:
            sentbreak = True
        elif _ELLIPSIS.match(word):
            abbr_or_ellipsis = True
        elif word.endswith(".") and not word.endswith(".."):
            stem = word[:-1].lower()
            abbrev_types = self._params.abbrev_types
            abbr_or_ellipsis = stem in abbrev_types or stem.split("-")[-1] in abbrev_types
            sentbreak = not abbr_or_ellipsis
        return (no_period, no_period if sentbreak else typ, word.endswith("."), sentbreak, abbr_or_ellipsis,
                bool(_INITIAL.match(word)), typ.startswith("##number##"), word[0].isupper(), word[0].islower(),
                word in self.PUNCTUATION)

    def _breaks_after(self, first: tuple, second: tuple) -> bool:
        """NLTK's second pass on a pair of words: whether the first ends a sentence."""
        no_period, _, period_final, sentbreak, abbr_or_ellipsis, initial, _, _, _, _ = first
        if not period_final:
            return sentbreak
        next_type, first_upper = second[1], second[7]
        params = self._params
        if (no_period, next_type) in params.collocations:  # the collocation heuristic
            return False
        if abbr_or_ellipsis and not initial:  # an abbreviation that also ends a sentence?
            if self._starts_sentence(second) is True:
                return True
            if first_upper and next_type in params.sent_starters:
                return True
        if initial or no_period == "##number##":  # an initial or ordinal that does not?
            starts = self._starts_sentence(second)
            if starts is False:
                return False
            if (starts == "unknown" and initial and first_upper
                    and not params.ortho_context.get(next_type, 0) & self._ortho_lc):
                return False
        return sentbreak

    def _starts_sentence(self, word: tuple) -> bool | str:
        """NLTK's orthographic heuristic: True, False or "unknown"."""
        if word[9]:
            return False
        context = self._params.ortho_context.get(word[1], 0)
        if word[7] and context & self._ortho_lc and not context & self._ortho_mid_uc:
            return True
        if word[8] and (context & self._ortho_uc or not context & self._ortho_beg_lc):
            return False
        return "unknown"


# What FastToken sets on a token: Punkt's token must have a slot for each.
_TOKEN_SLOTS = ("tok", "type", "period_final", "parastart", "linestart", "sentbreak", "abbr", "ellipsis")


def missing_internals() -> list[str]:
    """The NLTK internals this module relies on that the installed NLTK lacks (empty: all there)."""
    punkt = load_punkt()
    wanted = {
        punkt: ("_re_non_punct", "_ORTHO_MAP", "_ORTHO_BEG_UC", "_ORTHO_MID_UC", "PunktLanguageVars", "PunktToken",
                "PunktTrainer", "PunktParameters", "PunktSentenceTokenizer"),
        PunktLanguageVars: ("sent_end_chars", "internal_punctuation", "re_boundary_realignment", "_word_tokenize_fmt",
                            "_re_non_word_chars", "_re_multi_char_punct", "_re_word_start", "_period_context_fmt",
                            "_re_sent_end_chars", "_word_tokenizer_re", "period_context_re"),
        PunktToken: ("_RE_ELLIPSIS", "_RE_NUMERIC", "_RE_INITIAL", "_RE_ALPHA", "is_non_punct"),
        punkt.PunktTrainer: ("train", "finalize_training", "get_params", "_reclassify_abbrev_types", "ABBREV",
                             "ABBREV_BACKOFF", "INCLUDE_ALL_COLLOCS", "INCLUDE_ABBREV_COLLOCS"),
        punkt.PunktSentenceTokenizer: ("span_tokenize",),
    }
    missing = [f"{getattr(owner, '__name__', owner)}.{name}" for owner, names in wanted.items()
               for name in names if not hasattr(owner, name)]
    slots = {slot for cls in PunktToken.__mro__ for slot in getattr(cls, "__slots__", ())}
    missing += [f"PunktToken.__slots__ {name!r}" for name in _TOKEN_SLOTS if name not in slots]
    trainer = punkt.PunktTrainer()  # (what FastTrainer reads and sets of the trainer's state)
    missing += [f"PunktTrainer().{name}" for name in ("_type_fdist", "_num_period_toks", "_sentbreak_count",
                                                        "_sent_starter_fdist", "_collocation_fdist", "_finalized",
                                                        "_params", "_lang_vars") if not hasattr(trainer, name)]
    params = punkt.PunktParameters()
    missing += [f"PunktParameters().{name}" for name in ("abbrev_types", "collocations", "sent_starters",
                                                           "ortho_context") if not hasattr(params, name)]
    return missing
