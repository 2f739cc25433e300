"""CSS selectors in config.toml: plain ones pass without soupsieve, the rest through it."""

from __future__ import annotations

import subprocess
import sys

import pytest
import soupsieve
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.selectors import PLAIN, css_selector


@pytest.mark.parametrize("selector", [
    "#notices", ".travel-alerts", "main .alerts > h2", "h1,h2,h3,h4", "div#content.notice",
    "article.news-item ~ p", "* > .x", "section + section", "ul.alerts li"])
def test_plain_selectors_pass_as_written(selector: str) -> None:
    assert PLAIN.fullmatch(selector)
    assert css_selector(f"  {selector} ") == selector


@pytest.mark.parametrize("selector", [
    "div[data-kind='alert']", "li:nth-child(2)", "p:not(.old)", "h2:-soup-contains('Caracas')"])
def test_other_valid_selectors_are_compiled_by_soupsieve(selector: str) -> None:
    assert not PLAIN.fullmatch(selector)
    assert css_selector(selector) == selector


@pytest.mark.parametrize("selector", ["", "   ", "div[", "a,,b", "> p", "p >", "#", ".1x",
                                      "h2:unknown-pseudo"])
def test_invalid_selectors_are_refused_with_the_reason(selector: str) -> None:
    with pytest.raises(ValueError, match="CSS selector"):
        css_selector(selector)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab-_1#.* >+~,", min_size=1, max_size=16))
def test_whatever_the_plain_pattern_accepts_soupsieve_compiles(text: str) -> None:
    if PLAIN.fullmatch(text):
        soupsieve.compile(text)  # raises if the pattern let through what CSS refuses


def test_a_config_of_plain_selectors_loads_without_the_html_parsers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "config.toml"
    config.write_text('[[sources]]\nname = "tap"\nkind = "airline_page"\n'
                      'url = "https://www.flytap.com/avisos"\nselector = "main .avisos"\n'
                      'airline = "TP"\n')
    probe = ("import sys; from monitor.config import load_config; load_config(sys.argv[1]); "
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'bs4', 'soupsieve', 'lxml'}))")
    done = subprocess.run([sys.executable, "-c", probe, str(config)], capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "[]"
