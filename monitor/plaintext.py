"""Short HTML fragments from feeds and APIs (an RSS description, an API summary) as plain text.

No HTML parser: these are a few paragraphs of markup inside data, where block tags become line
breaks, other tags go, entities are unescaped and whitespace collapses.
"""

from __future__ import annotations

import html
import re

_BLOCK = re.compile(r"</?(?:p|div|li|ul|ol|br|h\d|tr|table)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def plain_lines(fragment: str, limit: int | None = None) -> str:
    """The fragment's text, one line per block, cut to `limit` characters with an ellipsis."""
    text = html.unescape(_TAG.sub("", _BLOCK.sub("\n", fragment)))
    lines = (" ".join(line.split()) for line in text.splitlines())
    plain = "\n".join(line for line in lines if line)
    if limit is not None and len(plain) > limit:
        return plain[:limit - 1].rstrip() + "…"
    return plain
