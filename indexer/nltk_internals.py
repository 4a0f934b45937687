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
"""
from __future__ import annotations

import copyreg
import os
import re
import sys


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


# What FastToken sets on a token: Punkt's token must have a slot for each.
_TOKEN_SLOTS = ("tok", "type", "period_final", "parastart", "linestart", "sentbreak", "abbr", "ellipsis")


def missing_internals() -> list[str]:
    """The NLTK internals this module relies on that the installed NLTK lacks (empty: all there)."""
    punkt = load_punkt()
    wanted = {
        punkt: ("_re_non_punct", "PunktLanguageVars", "PunktToken", "PunktTrainer", "PunktParameters",
                "PunktSentenceTokenizer"),
        PunktLanguageVars: ("re_boundary_realignment", "_word_tokenize_fmt", "_re_non_word_chars",
                            "_re_multi_char_punct", "_re_word_start", "_period_context_fmt",
                            "_re_sent_end_chars", "_word_tokenizer_re", "period_context_re"),
        PunktToken: ("_RE_ELLIPSIS", "_RE_NUMERIC", "_RE_INITIAL", "_RE_ALPHA", "is_non_punct"),
        punkt.PunktTrainer: ("train", "finalize_training", "get_params"),
        punkt.PunktSentenceTokenizer: ("span_tokenize",),
    }
    missing = [f"{getattr(owner, '__name__', owner)}.{name}" for owner, names in wanted.items()
               for name in names if not hasattr(owner, name)]
    slots = {slot for cls in PunktToken.__mro__ for slot in getattr(cls, "__slots__", ())}
    missing += [f"PunktToken.__slots__ {name!r}" for name in _TOKEN_SLOTS if name not in slots]
    params = punkt.PunktParameters()
    missing += [f"PunktParameters().{name}" for name in ("abbrev_types", "collocations", "sent_starters",
                                                           "ortho_context") if not hasattr(params, name)]
    return missing
