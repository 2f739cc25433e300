"""Notice sections: splitting a region at its headings, and normalising text so that a re-render
of the same notice compares equal."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitor import notices
from monitor.types import Severity


def sections(html: str, headings: str = "h1,h2,h3,h4") -> list[notices.Section]:
    page = notices.soup(html)
    region = page.select_one("main")
    assert region is not None
    return notices.sections(region, headings)


def test_a_region_splits_at_each_heading_with_text_before_the_first_kept() -> None:
    found = sections("<main><p>Intro.</p><h2 id='a'>Uno</h2><p>Texto uno.</p>"
                     "<h2>Dos</h2><ul><li>a</li><li>b</li></ul></main>")
    assert [(s.heading, s.text, s.anchor) for s in found] == [
        ("", "Intro.", None), ("Uno", "Texto uno.", "a"), ("Dos", "a\nb", None)]


def test_blocks_make_lines_and_source_line_breaks_are_spaces() -> None:
    (section,) = sections("<main><h2>T</h2><p>una\n   línea\n</p><p>otra <b>en</b> <i>línea</i>"
                          "</p><div>x<br>y</div></main>")
    assert section.text == "una línea\notra en línea\nx\ny"


@pytest.mark.parametrize("noise", [
    "<script>var t = '2025-11-22T14:03:11Z';</script>",
    "<style>.a{color:red}</style>",
    "<nav><a href='/'>Inicio</a></nav>",
    "<div id='onetrust-banner-sdk'><p>Aceptar</p></div>",
    "<div class='cookie-consent'><p>Aceptar</p></div>",
    "<p>Usamos cookies para mejorar tu experiencia.</p>",
    "<div hidden><p>oculto</p></div>",
    "<div aria-hidden='true'>oculto</div>",
    "<div style='display: none'>oculto</div>",
    "<p class='breadcrumb'>Inicio › Ayuda</p>",
    "<noscript>Activa JavaScript</noscript>",
    "<p>Última actualización: 22/11/2025 14:03</p>",
    "<p>Atualizado em 22 de novembro de 2025 às 18h20</p>",
    "<p>Last updated on November 22, 2025 at 2:03 pm</p>",
    "<p>Son güncelleme: 22.11.2025</p>",
    "<p>© 2025</p>",
])
def test_noise_and_volatile_stamps_do_not_reach_the_text(noise: str) -> None:
    clean = sections("<main><h2>Venezuela</h2><p>Vuelos suspendidos.</p></main>")
    noisy = sections(f"<main>{noise}<h2>Venezuela</h2>{noise}<p>Vuelos suspendidos.</p>"
                     f"{noise}</main>")
    assert [(s.heading, s.text) for s in noisy] == [(s.heading, s.text) for s in clean]


def test_dates_that_are_content_are_kept() -> None:
    text = notices.normalise("Vuelos suspendidos hasta el 12 de diciembre, a las 10:35.")
    assert text == "Vuelos suspendidos hasta el 12 de diciembre, a las 10:35."
    assert notices.normalise("Hemos actualizado la información.") == (
        "Hemos actualizado la información.")


def test_text_is_nfkc_and_non_breaking_spaces_are_spaces() -> None:
    assert notices.normalise("4\u00a0kg ﬁn  ＣＣＳ") == "4 kg fin CCS"


def test_a_heading_that_only_heads_deeper_ones_is_not_a_section() -> None:
    found = sections("<main><h2>Avisos anteriores</h2><h3>Venezuela</h3><p>Suspendido.</p>"
                     "<h2>Solo título</h2></main>")
    assert [(s.heading, s.past) for s in found] == [
        ("Venezuela", True), ("Solo título", False)]


def test_past_ends_at_a_heading_of_the_same_level() -> None:
    found = sections("<main><h2>Past travel advisory</h2><p>Old.</p><h3>Venezuela</h3><p>x</p>"
                     "<h2>Panama</h2><p>y</p></main>")
    assert [(s.heading, s.past) for s in found] == [
        ("Past travel advisory", True), ("Venezuela", True), ("Panama", False)]


def test_a_button_can_be_a_heading_in_an_accordion() -> None:
    found = sections("<main><div class='faq'><button>Voos para Caracas</button>"
                     "<div class='answer'><p>Suspensos até 12 de dezembro.</p></div></div></main>",
                     headings="button")
    assert [(s.heading, s.text) for s in found] == [
        ("Voos para Caracas", "Suspensos até 12 de dezembro.")]


def test_repeated_headings_get_distinct_keys() -> None:
    found = sections("<main><h2>Venezuela</h2><p>a</p><h2>Venezuela</h2><p>b</p></main>")
    items = notices.notice_items(found, source="s", airline="CM", key_prefix="CM", url=None)
    assert [i.key for i in items] == ["CM § Venezuela", "CM § Venezuela (2)"]


def test_classification_sets_severity_status_codes_and_title() -> None:
    found = sections("<main><h2>Venezuela</h2><p>Suspendemos los vuelos a Caracas hasta el 12 de "
                     "diciembre.</p><h2>Panamá</h2><p>Vuelos suspendidos a David.</p>"
                     "<h2>Maracaibo</h2><p>Vuelos con retrasos en Maracaibo.</p></main>")
    venezuela, panama, maracaibo = notices.notice_items(
        found, source="s", airline="CM", key_prefix="CM", url="https://x.test/a")
    assert venezuela.title == "CM: Suspension of flights to Caracas (until 12 Dec)"
    assert (venezuela.severity, venezuela.status) == (Severity.WARNING, "active")
    assert (venezuela.airports, venezuela.countries, venezuela.airlines) == (
        ("SVMI",), ("VE",), ("CM",))
    assert venezuela.kind == "advisory"
    # A suspension that names no watched place is kept, at info.
    assert (panama.severity, panama.status, panama.title) == (
        Severity.INFO, "active", "CM: Panamá")
    assert (maracaibo.severity, maracaibo.airports) == (Severity.ADVISORY, ("SVMC",))


def test_body_is_the_heading_and_text_truncated() -> None:
    found = [notices.Section("H", "x" * 10_000)]
    (item,) = notices.notice_items(found, source="s", airline="TP", key_prefix="TP", url=None)
    assert item.body.startswith("H\nxxx") and len(item.body) == notices.BODY_LIMIT
    assert item.body.endswith("…")


def test_a_new_copyright_year_or_render_time_is_not_a_change() -> None:
    assert notices.normalise("© 2025 Avianca") == notices.normalise("© 2026 Avianca")
    assert notices.normalise("Generado 2025-11-22T14:03:22Z") == notices.normalise(
        "Generado 2025-11-23T09:00:01Z")


def test_a_current_suspension_carries_its_days_and_history_and_resumptions_do_not() -> None:
    found = sections("<main><h2>Venezuela</h2><p>Suspendemos los vuelos a Caracas hasta el 31 de "
                     "diciembre.</p><h2>Maracaibo</h2><p>Vuelos a Maracaibo cancelados del 24 "
                     "al 28 de noviembre.</p><h2>Caracas</h2><p>Reanudamos los vuelos a Caracas "
                     "el 8 de marzo.</p><h2>Avisos anteriores</h2><h3>Venezuela</h3><p>Vuelos a "
                     "Caracas suspendidos hasta el 12 de marzo.</p></main>")
    items = notices.notice_items(found, source="s", airline="CM", key_prefix="CM", url=None,
                                 reference=datetime(2025, 11, 22, tzinfo=UTC))
    validity = {i.key: (i.valid_from, i.valid_to) for i in items}
    assert validity == {
        "CM § Venezuela": (None, datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC)),
        "CM § Maracaibo": (datetime(2025, 11, 24, tzinfo=UTC),
                           datetime(2025, 11, 28, 23, 59, 59, tzinfo=UTC)),
        "CM § Caracas": (None, None),               # an all-clear states no validity
        "CM § Venezuela (past)": (None, None),      # history is not dated against today
    }


def test_without_a_reference_a_day_without_a_year_stays_unstated() -> None:
    found = sections("<main><h2>Venezuela</h2><p>Vuelos a Caracas suspendidos hasta el 31 de "
                     "diciembre.</p></main>")
    (item,) = notices.notice_items(found, source="s", airline="CM", key_prefix="CM", url=None)
    assert (item.valid_from, item.valid_to) == (None, None)
    assert item.title.endswith("(until 31 Dec)")


@pytest.mark.parametrize(("stamp", "day"), [
    ("<p class='last-update'>Última actualización: 22/11/2025 14:03</p>", (2025, 11, 22)),
    ("<p>Atualizado em 05/12/2025 às 08h00</p>", (2025, 12, 5)),
    ("<p>Last updated 12/05/2025</p>", (2025, 12, 5)),        # English: month first
    ("<p>Last updated on November 22, 2025 at 2:03 pm</p>", (2025, 11, 22)),
    ("<p>Son güncelleme: 22.11.2025</p>", (2025, 11, 22)),
    ("<p>Actualizado: 2025-11-22</p>", (2025, 11, 22)),
    ("<p>Hemos actualizado la información.</p>", None),
])
def test_the_page_stamp_dates_the_notices(stamp: str, day: tuple[int, int, int] | None) -> None:
    region = notices.soup(f"<main><h1>Avisos</h1>{stamp}<h2>V</h2><p>x</p></main>").main
    assert region is not None
    expected = datetime(*day, tzinfo=UTC) if day else None
    assert notices.page_date(region) == expected


def test_the_latest_of_several_stamps_counts() -> None:
    region = notices.soup("<main><p>Actualizado: 02/11/2025</p><p>Actualizado: 20/11/2025</p>"
                          "</main>").main
    assert region is not None
    assert notices.page_date(region) == datetime(2025, 11, 20, tzinfo=UTC)
