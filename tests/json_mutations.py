"""Hypothesis strategies for JSON replies with values replaced or keys dropped here and there:
a parser must answer each with items or a ParseError, never another exception."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import strategies as st

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=40) | st.sampled_from(["", " ", "PERM", "A0012/25 NOTAMN", "KICZ",
                                              "!LAX 01/227 LAX", "Success", "<html>"]),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=12), children, max_size=3),
    max_leaves=8)

_DROP = object()


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document, the root included."""
    found = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += paths(inner, (*prefix, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, document: Any) -> bytes:
    """`document` with one to three places replaced (or dropped), as JSON bytes."""
    doc = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths(doc)))
        value = draw(st.one_of(st.just(_DROP), JSON_VALUES))
        doc = _put(doc, path, value)
    return json.dumps(doc).encode()


def _put(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return None if value is _DROP else value
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    if value is _DROP:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return doc
