"""Punkt with the standard library's `re` instead of NLTK's timed `regex` wrappers.

Recent NLTK routes every regular expression through `nltk.redos`, which runs
each match under a wall-clock timeout with the third-party `regex` engine.
That guard is meant for caller-supplied patterns; Punkt's own patterns are
fixed and linear, and the per-call overhead makes training and splitting two
to three times slower.  These subclasses compile the same pattern sources with
`re`, so the parameters learnt and the boundaries found are the same (the
benchmark checks it: `benchmarks/speed.py --check-punkt`).
"""
from __future__ import annotations

import re
import sys


def load_punkt():
    """`nltk.tokenize.punkt`, imported without SciPy.

    Importing any part of NLTK runs `nltk/__init__`, which imports
    `scipy.stats` (when installed) for collocation statistics that Punkt never
    uses: about 0.7 s of every indexing run, more than adding one document
    costs.  While NLTK loads, `scipy` is marked missing, so NLTK takes its own
    fallbacks (only its significance tests, `nltk.metrics` fisher/betai,
    are unavailable in this process); the mark is removed at once, so SciPy
    itself can still be imported afterwards.
    """
    if "nltk.tokenize.punkt" in sys.modules:
        return sys.modules["nltk.tokenize.punkt"]
    block = "scipy" not in sys.modules
    if block:
        sys.modules["scipy"] = None  # makes `import scipy...` raise ImportError
    try:
        from nltk.tokenize import punkt
    finally:
        if block and "scipy" in sys.modules and sys.modules["scipy"] is None:
            del sys.modules["scipy"]
    return punkt


_punkt = load_punkt()
PunktLanguageVars, PunktToken = _punkt.PunktLanguageVars, _punkt.PunktToken


def _source(pattern) -> str:
    return getattr(pattern, "pattern", pattern)


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
