"""Three CSL rules that citeproc-py 0.11 leaves out, added so the official styles render right.

citeproc-py is the only maintained CSL processor for Python, and the styles
we ship (corpus/citation/styles) rely on three rules of the CSL 1.0.2
specification that it does not implement.  Measured on the bundled catalog:

1. `initialize="false"` on `cs:name` (Chicago, MLA): given names must stay
   whole, only existing initials are normalised.  citeproc-py initialises
   every given name ("T. Lehmann" for "Thomas Lehmann").  `fix_initialize`
   wraps `Name.initialize` to honour the attribute.
2. Substitution: a `cs:names` inside `cs:substitute` inherits the outer
   names' `cs:name` and `cs:label`, and whatever the substitute rendered is
   not printed again.  citeproc-py does both only for a direct child of
   `cs:substitute`, and never represses names; the current styles substitute
   through `cs:choose` and macros, so an edited volume came out as
   "G. Webster. ... Edited by Graham Webster" and an unsigned post printed
   its title twice.  `fix_substitute` finds the outer names for any nested
   one, records the variables a substitute rendered and represses them.
3. `punctuation-in-quote` (en-US locales): a comma or period that follows a
   closing quotation mark goes inside it, and is dropped after a title that
   ends in "?" or "!".  citeproc-py has the option but does not apply it;
   `move_punctuation_into_quotes` does it on the rendered plain text.

4. `text-case` on a `cs:label` (APA's "(Ed.)"): citeproc-py title-cases
   only text whose language it is told, and labels are never told, so
   "(ed.)" stayed lower case.  `fix_label_case` gives labels the style's
   language.

`install()` applies 1, 2 and 4 once; each wrapper checks that the method it
wraps is still there, so a citeproc-py that changes shape fails loudly at
the first citation (tests/test_citation.py pins the output of every style).
"""
from __future__ import annotations

import re
import threading

_installed = False
_lock = threading.Lock()
_recording = threading.local()  # a stack of sets: variables rendered inside a substitute


def install() -> None:
    """Patch citeproc-py's model once (idempotent, thread-safe)."""
    global _installed
    with _lock:
        if _installed:
            return
        from citeproc import model

        fix_initialize(model)
        fix_substitute(model)
        fix_label_case(model)
        _installed = True


def fix_initialize(model) -> None:
    original = model.Name.initialize

    def initialize(self, given, mark, context):
        if _inherited_attribute(self, "initialize", context) == "false":
            return normalise_initials(given, mark)
        return original(self, given, mark, context)

    model.Name.initialize = initialize


def _inherited_attribute(name_element, attribute: str, context) -> str | None:
    """A name option as CSL inherits it: the element, then citation/bibliography, then the style."""
    value = name_element.get(attribute)
    if value is not None:
        return value
    expr = "./ancestor::*[self::cs:citation or self::cs:bibliography][1]"
    holder = (context if context is not None else name_element).xpath_search(expr)
    if holder and holder[0].get(attribute) is not None:
        return holder[0].get(attribute)
    return name_element.get_root().get(attribute)


def normalise_initials(given: str, mark: str) -> str:
    """Given names kept whole; single letters become initials with `mark` ("G.C." -> "G. C.")."""
    words = given.replace(".", ". ").split()
    out = []
    for word in words:
        letters = word.rstrip(".")
        if len(letters) == 1 and letters.isalpha():
            out.append(letters + mark.rstrip())
        else:
            out.append(word)
    return " ".join(out)


def fix_substitute(model) -> None:
    """Names in a substitute inherit the outer names' options; whatever a substitute rendered is repressed."""
    original_variable = model.Text._variable
    original_names = model.Names.process
    original_render = model.Substitute.render
    ns = model.SomewhatObjectifiedElement.nsmap["cs"]
    text_tag, names_tag = "{%s}text" % ns, "{%s}names" % ns

    def _record(kind: str, variables) -> None:
        stack = getattr(_recording, "stack", None)
        if stack:
            stack[-1].update((kind, v) for v in variables)

    def _variable(self, item, context):
        text = original_variable(self, item, context)
        if text:
            _record(text_tag, [self.get("variable")])
        return text

    def names_process(self, item, names_context=None, context=None, **kwargs):
        roles = self.get("variable", "").split()
        layout = (context if context is not None else self).get_layout()
        repressed = getattr(layout, "repressed", None) or {}
        present = [role for role in roles if role in item.reference]
        if present and all(role in repressed.get(names_tag, ()) for role in present):
            return None
        if names_context is None and self.name is None and self.label is None:
            outer = self.xpath_search("./ancestor::cs:substitute[1]/parent::cs:names[1]")
            if outer:
                names_context = outer[0]
        text = original_names(self, item, names_context=names_context, context=context, **kwargs)
        if text:
            _record(names_tag, [role for role in roles if role in item.reference])
        return text

    def render(self, item, context=None, **kwargs):
        stack = _recording.__dict__.setdefault("stack", [])
        stack.append(set())
        try:
            text = original_render(self, item, context=context, **kwargs)
        finally:
            rendered = stack.pop()
        if text and rendered:
            layout = (context if context is not None else self).get_layout()
            for tag, variable in sorted(rendered):
                layout.repressed.setdefault(tag, []).append(variable)
            if stack:  # a substitute inside a substitute: the outer one used them too
                stack[-1].update(rendered)
        return text

    model.Text._variable = _variable
    model.Names.process = names_process
    model.Substitute.render = render


def fix_label_case(model) -> None:
    original_case = model.Label.case

    def case(self, text, language=None):
        if language is None:
            language = (self.get_root().get("default-locale") or "en")[:2]
        return original_case(self, text, language)

    model.Label.case = case


_PUNCT_AFTER_QUOTE = re.compile(r"”([.,])")
_PUNCT_AFTER_MARK = re.compile(r"([?!])(”?)[.,]")


def move_punctuation_into_quotes(text: str) -> str:
    """American punctuation: `”,` -> `,”` and `”.` -> `.”`; none after `?` or `!` (`?”.` -> `?”`)."""
    text = _PUNCT_AFTER_QUOTE.sub(r"\1”", text)
    return _PUNCT_AFTER_MARK.sub(r"\1\2", text)
