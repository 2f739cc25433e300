"""Region digests: equal digests must mean equal items; noise outside a region changes nothing,
and whatever the parser's output depends on (region text and structure, options, URL, a flight
board's window) changes the digest."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor import notices
from monitor.errors import ParseError
from monitor.sources.airline_page import AirlinePage, AirlinePageOptions
from monitor.sources.base import Fetched, Source
from monitor.sources.eldorado import ElDorado, ElDoradoOptions
from monitor.sources.zendesk_article import ZendeskArticle, ZendeskArticleOptions
from monitor.types import Item
from tests.regen_expected import bodies, make_source

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEMO = Path(__file__).resolve().parents[1] / "monitor" / "demo_data" / "airline_page"
AVIANCA_URL = "https://www.avianca.com/es/informacion-y-ayuda/alertas-de-viaje/"
SUSPENDED = (FIXTURES / "airline_page" / "avianca_1_suspended.html").read_bytes()


def avianca(**options: Any) -> AirlinePage:
    return AirlinePage("airline-page", AVIANCA_URL, AirlinePageOptions(
        **{"selector": "article.travel-alerts", "airline": "AV", **options}))


def region_of(source: Source, body: bytes, url: str = AVIANCA_URL, **extra: bytes) -> Any:
    return source.region(Fetched(url=url, pages=(body,), extra=extra))


def outside(body: bytes, noise: bytes) -> bytes:
    """The body with `noise` before the region and in the page's head."""
    return body.replace(b"<article", noise + b"<article", 1).replace(
        b"</head>", b"<meta name='csrf' content='" + noise + b"'></head>", 1)


def test_noise_outside_the_region_keeps_the_digest() -> None:
    first = region_of(avianca(), outside(SUSPENDED, b"<div class='promo'>Oferta 1</div>"))
    again = region_of(avianca(), outside(SUSPENDED, b"<div class='promo'>Oferta 2</div>"))
    assert first == again and first.chars > 500


@pytest.mark.parametrize("change", [
    lambda b: b.replace(b"12 de diciembre", b"15 de enero"),           # the text
    lambda b: b.replace(b'id="venezuela"', b'id="ve"'),                 # a heading's anchor
    lambda b: re.sub(rb"<h2([^>]*)>Vuelos desde", rb"<h3\1>Vuelos desde", b, count=1),  # level
    lambda b: b.replace(b"</article>", b"<p>Nuevo aviso.</p></article>", 1),
    lambda b: re.sub(rb"<title>[^<]*</title>", b"<title>Otra</title>", b),  # the intro's title
])
def test_what_the_items_depend_on_changes_the_digest(change: Any) -> None:
    changed = change(SUSPENDED)
    assert changed != SUSPENDED
    assert region_of(avianca(), changed) != region_of(avianca(), SUSPENDED)


def test_the_day_of_the_fetch_is_part_of_the_digest() -> None:
    def on(day: int) -> Any:
        return avianca().region(Fetched(url=AVIANCA_URL, pages=(SUSPENDED,), fetched_at=datetime(
            2025, 12, day, 10, tzinfo=UTC)))

    assert on(20) != on(21)
    assert on(20) == avianca().region(Fetched(url=AVIANCA_URL, pages=(SUSPENDED,),
                                               fetched_at=datetime(2025, 12, 20, 23, tzinfo=UTC)))


def test_options_and_url_are_part_of_the_digest() -> None:
    base = region_of(avianca(), SUSPENDED)
    assert region_of(avianca(places=["VE"]), SUSPENDED) != base
    assert region_of(avianca(heading_selector="h2"), SUSPENDED) != base
    assert region_of(avianca(), SUSPENDED, url=AVIANCA_URL + "?lang=es") != base


def test_a_region_that_matches_nothing_fails_as_parse_does() -> None:
    body = (FIXTURES / "airline_page" / "avianca_layout_changed.html").read_bytes()
    with pytest.raises(ParseError) as by_region:
        region_of(avianca(), body)
    with pytest.raises(ParseError) as by_parse:
        avianca().parse(body, url=AVIANCA_URL)
    assert str(by_region.value) == str(by_parse.value)
    assert str(by_region.value).startswith("layout changed: selector 'article.travel-alerts' "
                                           "matched nothing")


def test_a_selector_cssselect_cannot_read_has_no_cheap_path_but_parses() -> None:
    source = avianca(selector="article:-soup-contains('Venezuela')")
    assert region_of(source, SUSPENDED) is None
    assert {i.key for i in source.parse(SUSPENDED, url=AVIANCA_URL)} == {
        i.key for i in avianca().parse(SUSPENDED, url=AVIANCA_URL)}


def whole_page(source: AirlinePage, body: bytes) -> list[Item]:
    """The reference reading: a BeautifulSoup tree of the whole page, as before regions."""
    options = source.options
    assert isinstance(options, AirlinePageOptions)
    page = notices.soup(body)
    region = page.select_one(options.selector)
    if region is None:
        raise ParseError("matched nothing")
    found = notices.sections(region, options.heading_selector)
    notices.check_layout(found, selector=options.selector,
                         heading_selector=options.heading_selector, min_chars=options.min_chars)
    title = " ".join((page.title.get_text(" ") if page.title else "").split())
    return notices.notice_items(found, source=source.name, airline=options.airline,
                                key_prefix=options.airline, url=AVIANCA_URL,
                                intro_title=title or None, places=options.places,
                                reference=notices.page_date(region))


PAGES = [*bodies("airline_page"), *sorted(DEMO.glob("*.html"))]


@pytest.mark.parametrize("path", PAGES, ids=[p.name for p in PAGES])
def test_reading_the_region_alone_equals_reading_the_whole_page(path: Path) -> None:
    source = (make_source("airline_page", path.name) if path.parent.name == "airline_page"
              and path.parent.parent.name == "fixtures" else None)
    if source is None:
        # Demo pages: their selector is the first of the usual ones that matches.
        text = path.read_text(encoding="utf-8")
        selector = next(s for s in ("article.travel-alerts", "#conteudo", "main", "body")
                        if notices.soup(text).select_one(s) is not None)
        source = avianca(selector=selector)
    assert isinstance(source, AirlinePage)
    body = path.read_bytes()
    assert source.parse(body, url=AVIANCA_URL) == whole_page(source, body)


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    body = bytearray(original)
    tokens = [b"<h2>", b"</h2>", b"</article>", b"<p>", b"<br>", b"<!--", b"-->", b"&amp;",
              b"<nav>", b"<div hidden>", b"<b>", b"<script>x</script>", b"hasta el 9 de",
              b"\xc3", b" ", b"\n", b"<h3 id='z'>"]
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(body)))
        if draw(st.booleans()):
            del body[at:at + draw(st.integers(1, 60))]
        else:
            body[at:at] = draw(st.sampled_from(tokens))
    return bytes(body)


def reading(body: bytes) -> tuple[Any, Any]:
    """(region, items) of a body, a ParseError's message standing in for either."""
    source = avianca(min_chars=0)
    try:
        region = region_of(source, body)
    except ParseError as exc:
        region = str(exc)
    try:
        items: Any = source.parse(body, url=AVIANCA_URL)
    except ParseError as exc:
        items = str(exc)
    return region, items


@settings(deadline=None, max_examples=120, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(SUSPENDED), mutated(SUSPENDED))
def test_equal_digests_mean_equal_items(first: bytes, second: bytes) -> None:
    (region_a, items_a), (region_b, items_b) = reading(first), reading(second)
    if region_a == region_b and not isinstance(region_a, str):
        assert items_a == items_b
    try:
        first.decode("utf-8")
    except UnicodeDecodeError:
        return   # damaged encodings: a guess either way (bs4 asks charset_normalizer)
    if not isinstance(items_a, str):
        assert items_a == whole_page(avianca(min_chars=0), first)


def test_the_article_region_covers_its_body_and_edit_time_not_its_other_fields() -> None:
    source = ZendeskArticle("copa", None, ZendeskArticleOptions(airline="CM"))
    data = json.loads((FIXTURES / "zendesk_article" / "copa_1_suspended.json").read_bytes())
    base = region_of(source, json.dumps(data).encode(), source.url)
    data["article"]["vote_count"] = 12345
    assert region_of(source, json.dumps(data).encode(), source.url) == base
    data["article"]["edited_at"] = "2026-12-01T10:00:00Z"   # the year of undated days
    assert region_of(source, json.dumps(data).encode(), source.url) != base
    data["article"]["body"] = data["article"]["body"].replace("12 de diciembre", "9 de enero")
    assert region_of(source, json.dumps(data).encode(), source.url) != base
    with pytest.raises(ParseError, match="layout changed"):
        region_of(source, b'{"error": "RecordNotFound", "description": "Not found"}',
                  source.url)


BOARD = json.loads((FIXTURES / "eldorado" / "departures_1.json").read_bytes())


def board_region(data: Any, *, now: datetime, cities: list[str] | None = None) -> Any:
    source = ElDorado("bog", None, ElDoradoOptions(cities=cities or ["CCS"],
                                                   direction="departures"))
    return region_of(source, json.dumps(data).encode(), source.url,
                     **source.window_extra(now))


def test_a_board_digest_covers_the_watched_flights_and_their_place_in_the_window() -> None:
    now = datetime(2025, 11, 22, 10, 0, tzinfo=UTC)
    base = board_region(BOARD, now=now)
    assert board_region(BOARD, now=now + timedelta(minutes=1)) == base   # nothing crossed
    other = json.loads(json.dumps(BOARD))
    unwatched = next(f for f in other["flights"] if f["city"]["code"] != "CCS")
    unwatched["status"] = {"code": "CNL", "en": "Cancelled", "es": "Cancelado"}
    assert board_region(other, now=now) == base          # a city nobody watches
    watched = next(f for f in other["flights"] if f["city"]["code"] == "CCS")
    watched["status"] = {"code": "DEM", "en": "Delayed", "es": "Demorado"}
    assert board_region(other, now=now) != base
    # The same body a day later: the flights left the window, and the items with them.
    assert board_region(BOARD, now=now + timedelta(days=1)) != base


def test_a_heading_word_split_by_a_tag_is_a_changed_region() -> None:
    """bs4 reads a heading's strings joined by spaces ("V<b>enezuela</b>" keys as
    "V enezuela"): the digest reads them so too, or a new key would hide behind an old one."""
    split = SUSPENDED.replace(b"hacia Venezuela</h2>", b"hacia V<b>enezuela</b></h2>", 1)
    assert split != SUSPENDED
    source = avianca()
    assert source.parse(split, url=AVIANCA_URL) != source.parse(SUSPENDED, url=AVIANCA_URL)
    assert region_of(source, split) != region_of(source, SUSPENDED)
