"""The CLI's text tables, on plain data: widths, wrapping, colour, odd cells."""

from __future__ import annotations

import re

import pytest

from monitor.tables import Cell, display_width, fold, paint, render_table

ANSI = re.compile(r"\x1b\[[0-9;]*m")
COLUMNS = ("time", "watchlist", "title", "why", "deliveries")
LONG_TITLE = ("FAA: Venezuela (SVZM) - KICZ A0012/25 security risk at all altitudes "
              "due to military activity; operators exercise extreme caution")
ROW = ["2025-11-21T18:10:02Z", "latam-desk", LONG_TITLE,
       "route LIS-CCS crosses SVZM; severity critical", "desk: sent, ops: failed"]


def table_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(("|", "+"))]


def column_text(text: str, index: int) -> list[str]:
    """The stripped pieces of one column below the header, line by line."""
    lines = table_lines(text)
    body = lines[next(i for i, line in enumerate(lines) if line.startswith("+=")) + 1:]
    return [line.split(" | ")[index].strip(" |") for line in body if line.startswith("|")]


def test_a_table_that_fits_keeps_every_cell_on_one_line_sized_to_its_content() -> None:
    text = render_table("Sources", ("source", "health"), [["faa-prn", "ok"], ["easa", "stale"]],
                        width=80)
    assert text.splitlines() == [
        "      Sources",  # centred over the table
        "+---------+--------+",
        "| source  | health |",
        "+=========+========+",
        "| faa-prn | ok     |",
        "| easa    | stale  |",
        "+---------+--------+",
    ]


@pytest.mark.parametrize("width", [60, 80, 100, 120])
def test_a_wide_table_is_folded_to_the_width_and_keeps_every_character(width: int) -> None:
    text = render_table("Alerts", COLUMNS, [ROW], width=width)
    assert all(len(line) <= width for line in text.splitlines())
    for index, cell in enumerate(ROW):
        pieces = column_text(text, index)
        assert "".join(pieces).replace(" ", "") == cell.replace(" ", "")


def test_the_widest_column_wraps_while_short_ones_keep_their_width() -> None:
    text = render_table("Alerts", COLUMNS, [ROW], width=100)
    assert "2025-11-21T18:10:02Z" in text  # a time is one word: it is not broken
    assert "latam-desk" in text
    assert len(column_text(text, 2)) > 2  # the title took several lines


def test_a_row_that_wraps_is_separated_from_the_next_by_a_rule() -> None:
    text = render_table("Alerts", COLUMNS, [ROW, ROW], width=80)
    rules = [line for line in text.splitlines() if line.startswith("+-")]
    assert len(rules) == 3  # above the header, between the two rows, at the bottom


def test_a_word_longer_than_its_column_is_broken_without_losing_characters() -> None:
    word = "https://www.faa.gov/air_traffic/publications/us_restrictions/venezuela.pdf"
    lines = fold(f"see {word} now", 20)
    assert all(display_width(line) <= 20 for line in lines)
    assert "".join(lines).replace(" ", "") == f"see{word}now"
    assert lines[0] == "see"  # the long word starts a line of its own


def test_fold_keeps_a_cells_own_line_breaks() -> None:
    assert fold("first line\r\nsecond\rthird", 40) == ["first line", "second", "third"]


def test_a_cell_with_newlines_becomes_several_lines_of_one_row() -> None:
    text = render_table("T", ("a", "b"), [["one\ntwo", "x"]], width=80)
    assert table_lines(text)[3:5] == ["| one | x |", "| two |   |"]


def test_colour_off_has_no_escape_codes_and_colour_on_paints_only_the_text() -> None:
    rows = [[Cell("failing", "red"), "faa-prn"], [Cell("ok", "green"), "easa"],
            [Cell("stale", "yellow"), "kicz"]]
    plain = render_table("Sources", ("health", "source"), rows, width=80)
    assert "\x1b" not in plain
    coloured = render_table("Sources", ("health", "source"), rows, width=80, colour=True)
    assert "\x1b[31mfailing\x1b[0m" in coloured
    assert "\x1b[32mok\x1b[0m " in coloured  # the padding stays outside the colour
    assert "\x1b[33mstale\x1b[0m" in coloured
    assert ANSI.sub("", coloured) == plain  # colour changes no width


def test_paint_leaves_text_alone_when_colour_is_off() -> None:
    assert paint("Not a full picture", "yellow", colour=False) == "Not a full picture"
    assert paint("Not a full picture", "yellow", colour=True) == \
        "\x1b[33mNot a full picture\x1b[0m"
    assert paint("x", None, colour=True) == "x"


def test_an_empty_table_still_shows_its_title_and_header() -> None:
    text = render_table("Watchlists", ("watchlist", "active items"), [], width=80)
    assert text.splitlines() == [
        "         Watchlists",
        "+-----------+--------------+",
        "| watchlist | active items |",
        "+===========+==============+",
    ]
    assert render_table("Nothing", (), [], width=80) == "Nothing"


def test_a_row_of_the_wrong_length_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="2 cells in a table of 3 columns"):
        render_table("T", ("a", "b", "c"), [["1", "2"]], width=80)


def test_accented_and_wide_characters_are_measured_as_the_terminal_shows_them() -> None:
    decomposed = "Bogota\u0301"  # an "a" and a combining acute: six columns
    assert display_width("Bogotá") == display_width(decomposed) == 6
    assert display_width("東京") == 4
    text = render_table("Cities", ("city", "code"), [["Bogotá", "SKBO"], [decomposed, "SKBO"],
                                                     ["東京", "RJTT"]], width=80)
    widths = {display_width(line) for line in table_lines(text)}
    assert widths == {len("+--------+------+")}  # every line of the grid lines up


def test_a_wide_character_is_never_split_from_its_combining_mark() -> None:
    lines = fold("a\u0301" * 10, 3)
    assert all(line.startswith("a\u0301") for line in lines)
    assert "".join(lines) == "a\u0301" * 10


def test_control_characters_from_a_source_cannot_reach_the_terminal() -> None:
    text = render_table("T", ("title",), [["red\x1b[31m alert\x07\tnow"]], width=80)
    assert "\x1b" not in text and "\x07" not in text and "\t" not in text
    assert "red[31m alert now" in text


def test_a_terminal_too_narrow_for_the_columns_still_shows_every_character() -> None:
    text = render_table("Alerts", COLUMNS, [ROW], width=20)
    for index, cell in enumerate(ROW):
        assert "".join(column_text(text, index)).replace(" ", "") == cell.replace(" ", "")
