"""CSS selectors as written in config.toml, checked when the config loads.

Most selectors are plain (`#notices`, `main .alerts`, `h1,h2,h3`): a pattern of that subset of
CSS accepts them without loading soupsieve, whose import compiles a few dozen large regexes
(some 50 ms at every start, for a cycle whose pages all answer 304 and parse nothing). Anything
else is compiled by soupsieve itself, the parser that will apply it.
"""

from __future__ import annotations

import re

_NAME = r"-?[_a-zA-Z][_a-zA-Z0-9-]*"
# A compound: an element name (or *) and then ids and classes, or ids and classes alone;
# combinators: whitespace, >, + and ~; a list: compounds joined by commas.
_COMPOUND = rf"(?:(?:{_NAME}|\*)(?:[#.]{_NAME})*|(?:[#.]{_NAME})+)"
_COMPLEX = rf"{_COMPOUND}(?:\s*[>+~]\s*{_COMPOUND}|\s+{_COMPOUND})*"
PLAIN = re.compile(rf"{_COMPLEX}(?:\s*,\s*{_COMPLEX})*")


def css_selector(value: str) -> str:
    """The selector, stripped; ValueError naming the problem when it does not compile."""
    text = value.strip()
    if not text:
        raise ValueError("empty CSS selector")
    if PLAIN.fullmatch(text):
        return text
    import soupsieve

    try:
        soupsieve.compile(text)
    except soupsieve.SelectorSyntaxError as exc:
        raise ValueError(f"invalid CSS selector {text!r}: {exc.args[0]}") from None
    return text
