"""Titled tables of text cells drawn as plain text for a terminal of a given width (pure)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Style = Literal["red", "yellow", "green", "bold"]

# SGR codes; the reset after each run keeps a style from leaking into the padding or borders
_ANSI: dict[str, str] = {"red": "31", "yellow": "33", "green": "32", "bold": "1"}
_RESET = "\x1b[0m"
# Narrower than this a column is unreadable; past it the table overflows instead
_MIN_COLUMN = 4
# Cells hold text from the sources: a control character could move the cursor or recolour the
# terminal, and would break the alignment, so tabs become spaces and the rest are dropped
_CONTROLS = {c: None for c in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if c != 0x0A}
_CONTROLS[0x09] = " "


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell with emphasis; a plain `str` cell has none."""

    text: str
    style: Style | None = None


def render_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[str | Cell]], *,
                 width: int, colour: bool = False) -> str:
    """The table as text lines (no trailing newline), at most `width` columns wide when the
    columns can shrink to fit; ANSI colours only when `colour` is true."""
    title = _clean(title)  # it may carry a route as typed
    if not columns:
        return title
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(f"a row of {len(row)} cells in a table of {len(columns)} columns")
    header = [Cell(_clean(c), "bold") for c in columns]
    body = [[_cell(c) for c in row] for row in rows]
    by_column = list(zip(header, *body, strict=True))
    natural = [max(_widest_line(c.text) for c in column) for column in by_column]
    words = [max(_longest_word(c.text) for c in column) for column in by_column]
    heads = [_longest_word(c.text) for c in header]
    # "| " + " | ".join(cells) + " |": three characters around every cell, one more at the end
    sizes = _fit(natural, words, heads, width - 3 * len(columns) - 1)
    header_lines = _lines(header, sizes, colour)
    row_lines = [_lines(row, sizes, colour) for row in body]
    rule = "+" + "+".join("-" * (s + 2) for s in sizes) + "+"
    # Between rows only when a row wraps: one-line rows read fine without, wrapped ones blur
    between = any(len(lines) > 1 for lines in row_lines)
    total = len(rule)
    indent = " " * max((total - display_width(title)) // 2, 0)  # centred over the table
    out = [indent + paint(title, "bold", colour=colour), rule, *header_lines,
           rule.replace("-", "=")]
    for i, lines in enumerate(row_lines):
        if between and i:
            out.append(rule)
        out.extend(lines)
    if row_lines:
        out.append(rule)
    return "\n".join(out)


def paint(text: str, style: Style | None, *, colour: bool) -> str:
    """`text` in `style` when colour is on, unchanged otherwise."""
    if not colour or style is None or not text:
        return text
    return f"\x1b[{_ANSI[style]}m{text}{_RESET}"


def fold(text: str, width: int) -> list[str]:
    """`text` as lines of at most `width` columns: its own line breaks kept, long lines broken
    at spaces, and a word longer than a line broken where it must be."""
    lines: list[str] = []
    for line in _clean(text).split("\n"):
        lines.extend(_fold_line(line, max(width, 1)))
    return lines


def display_width(text: str) -> int:
    """Terminal columns `text` takes: wide East Asian characters two, combining marks none."""
    if text.isascii():  # nearly every cell: skip the per-character lookups
        return len(text)
    return sum(_char_width(c) for c in text)


def _cell(value: str | Cell) -> Cell:
    if isinstance(value, Cell):
        return Cell(_clean(value.text), value.style)
    return Cell(_clean(value))


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_CONTROLS)


def _fit(natural: list[int], words: list[int], heads: list[int], budget: int) -> list[int]:
    """Column widths within `budget`: the widest columns give way first, down to one common
    cap, so short columns (severity, dates) keep their width while long text wraps. A column
    keeps room for its longest word (a time, a key) when all of them fit, else for its header's,
    so those don't break."""
    if sum(natural) <= budget:
        return natural
    floors = [min(n, _MIN_COLUMN) for n in natural]
    for keep in (words, heads):  # the first that fits of: every word whole, the headers whole
        wanted = [min(n, max(w, _MIN_COLUMN)) for n, w in zip(natural, keep, strict=True)]
        if sum(wanted) <= budget:
            floors = wanted
            break
    for cap in range(max(natural) - 1, -1, -1):
        sizes = [max(f, min(n, cap)) for n, f in zip(natural, floors, strict=True)]
        spare = budget - sum(sizes)
        if spare >= 0:
            # the cap moves in whole steps; give the columns it cut what is left over
            for i, n in enumerate(natural):
                if spare and n > cap == sizes[i]:
                    sizes[i] += 1
                    spare -= 1
            return sizes
    return floors  # even the floors overflow: a narrow terminal wraps the table itself


def _lines(row: list[Cell], sizes: list[int], colour: bool) -> list[str]:
    """One table row as text lines: each cell folded to its column and padded."""
    folded = [fold(cell.text, size) for cell, size in zip(row, sizes, strict=True)]
    height = max(len(f) for f in folded)
    out = []
    for n in range(height):
        parts = []
        for cell, lines, size in zip(row, folded, sizes, strict=True):
            text = lines[n] if n < len(lines) else ""
            pad = " " * max(size - display_width(text), 0)
            parts.append(paint(text, cell.style, colour=colour) + pad)
        out.append("| " + " | ".join(parts) + " |")
    return out


def _fold_line(line: str, width: int) -> list[str]:
    if display_width(line) <= width:
        return [line]
    lines: list[str] = []
    current, used = "", 0
    for word in line.split():
        size = display_width(word)
        if current and used + 1 + size <= width:
            current, used = f"{current} {word}", used + 1 + size
            continue
        if current:
            lines.append(current)
        while size > width:
            head, word = _split_word(word, width)
            lines.append(head)
            size = display_width(word)
        current, used = word, size
    if current or not lines:
        lines.append(current)
    return lines


def _split_word(word: str, width: int) -> tuple[str, str]:
    """The longest head of `word` that fits `width` (at least one character, so a wide
    character in a one-column space still moves on), and the rest."""
    used = 0
    for i, char in enumerate(word):
        size = _char_width(char)
        if used + size > width and i:
            return word[:i], word[i:]
        used += size
    return word, ""


def _widest_line(text: str) -> int:
    return max(display_width(line) for line in text.split("\n"))


def _longest_word(text: str) -> int:
    return max((display_width(word) for word in text.split()), default=0)


def _char_width(char: str) -> int:
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):  # combining marks, joiners
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
