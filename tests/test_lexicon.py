"""The notice lexicon: what airline wording means, in Spanish, Portuguese, English and Turkish."""

from __future__ import annotations

import pytest

from monitor import lexicon
from monitor.lexicon import Signal

D, S, R, Y = Signal.CANCELLATION, Signal.SUSPENSION, Signal.RESUMPTION, Signal.DELAY


@pytest.mark.parametrize(("heading", "text", "verdict", "until"), [
    # es
    ("Venezuela", "Avianca suspende temporalmente sus vuelos desde y hacia Caracas hasta el 12 "
     "de diciembre.", S, "12 Dec"),
    ("Venezuela", "Extendemos la suspensión de nuestros vuelos a Caracas hasta el lunes 15 de "
     "enero de 2026.", S, "15 Jan 2026"),
    # cancelling "until further notice" is a suspension
    ("Caracas", "Iberia cancela sus vuelos a Caracas hasta nuevo aviso.", S, "further notice"),
    ("Caracas", "Vuelos cancelados hasta el 12/12/2025.", D, "12 Dec 2025"),
    ("Venezuela", "Tras la suspensión temporal, Avianca reanuda sus vuelos a Caracas a partir "
     "del 8 de marzo.", R, None),
    ("Venezuela", "Suspendemos los vuelos hasta el 7 de marzo; se reanudarán el 8 de marzo.", S,
     "7 Mar"),
    ("Vuelos a Caracas", "Copa restablece la operación en Maiquetía.", R, None),
    ("Caracas", "Sus vuelos podrían sufrir retrasos por condiciones meteorológicas.", Y, None),
    # pt
    ("Voos para Caracas", "A GOL cancelou os voos G3 9510/9511 até 12 de dezembro.", D, "12 Dec"),
    ("Voos para Caracas", "A GOL suspende a operação até 15 de janeiro de 2026.", S,
     "15 Jan 2026"),
    ("Voos para Caracas", "A GOL retoma os voos para Caracas em 8 de março.", R, None),
    ("Voos", "Suspensão dos voos para a Venezuela até novo aviso.", S, "further notice"),
    # en
    ("Venezuela", "Flights to CCS are suspended until further notice.", S, "further notice"),
    ("Venezuela", "Flights suspended until January 15, 2026; we will resume on 16 January.", S,
     "15 Jan 2026"),
    ("Venezuela", "Flights to Caracas are cancelled through 5 Dec.", D, "5 Dec"),
    ("Venezuela", "We are pleased to resume service to Caracas.", R, None),
    # tr, with dotless ı, İ and suffixes after apostrophes
    ("Karakas", "Karakas'a tüm seferler 15 Ocak'a kadar iptal edilmiştir.", D, "15 Jan"),
    ("KARAKAS SEFERLERİ", "Seferler 15 Ocak 2026'ya kadar askıya alındı.", S, "15 Jan 2026"),
    ("KARAKAS SEFERLERİ", "Seferler yeniden başladı.", R, None),
    # the heading decides only when the text says nothing
    ("Suspensión de vuelos a Caracas", "Consulte las opciones para su reserva.", S, None),
    ("Suspensión de vuelos a Caracas", "Los vuelos se reanudan el 8 de marzo.", R, None),
    ("Equipaje", "Cada cliente puede llevar 10 kg.", None, None),
])
def test_sections_read_the_same_in_every_language(heading: str, text: str,
                                                  verdict: Signal | None,
                                                  until: str | None) -> None:
    reading = lexicon.read(heading, text)
    assert (reading.verdict, reading.until) == (verdict, until)


@pytest.mark.parametrize(("text", "places"), [
    ("Vuelos a Maiquetía", ["Caracas"]),
    ("vuelos a MAIQUETIA", ["Caracas"]),
    ("Aeropuerto Internacional Simón Bolívar", ["Caracas"]),
    ("Flights to CCS", ["Caracas"]),
    ("Airport SVMI closed", ["Caracas"]),
    ("Karakas'tan kalkan seferler", ["Caracas"]),
    ("Pasajeros venezolanos", ["Venezuela"]),
    ("Vuelos desde y hacia Venezuela y Caracas", ["Caracas", "Venezuela"]),
    ("El mar Caribe", []),            # "mar" is a word, not Maracaibo's code
    ("succsess ccs lower case", []),   # codes count only as capital whole words
    ("SVMC and Maracaibo", ["Maracaibo"]),
])
def test_watched_places_are_found_folded_and_codes_only_as_whole_words(
        text: str, places: list[str]) -> None:
    assert [p.name for p in lexicon.places_in(text)] == places


def test_a_place_gives_its_country_and_gateway_airport() -> None:
    (caracas,) = lexicon.places_in("Caracas")
    (venezuela,) = lexicon.places_in("Venezuela")
    assert (caracas.country, caracas.airports) == ("VE", ("SVMI",))
    assert (venezuela.country, venezuela.airports) == ("VE", ("SVMI",))


def test_places_can_be_limited_to_a_desk_key() -> None:
    assert lexicon.places_in("Caracas", ["VE"])
    assert lexicon.places_in("Caracas", []) == ()


def test_signals_are_found_whatever_the_accents_or_case() -> None:
    assert Signal.SUSPENSION in lexicon.signals("SUSPENSIÓN TEMPORAL")
    assert Signal.SUSPENSION in lexicon.signals("suspension temporal")
    assert Signal.CANCELLATION in lexicon.signals("CANCELACIÓN de vuelos")
    assert Signal.RESUMPTION in lexicon.signals("REANUDACIÓN")
    assert Signal.EXTENSION in lexicon.signals("hasta el 15 de enero")
    assert Signal.EXTENSION in lexicon.signals("prorrogou")
    assert lexicon.signals("Nueva política de equipaje") == set()


def test_turkish_dotted_and_dotless_i_fold_to_i() -> None:
    assert Signal.SUSPENSION in lexicon.signals("ASKIYA ALINDI")
    assert Signal.SUSPENSION in lexicon.signals("askıya alındı")
    assert Signal.RESUMPTION in lexicon.signals("YENİDEN BAŞLADI")


@pytest.mark.parametrize(("text", "label"), [
    ("hasta el 12 de diciembre", "12 Dec"),
    ("hasta el miércoles 31 de diciembre de 2025", "31 Dec 2025"),
    ("até 15 de janeiro", "15 Jan"),
    ("até o dia 8 de março de 2026", "8 Mar 2026"),
    ("until 31 January 2026", "31 Jan 2026"),
    ("until Jan. 31", "31 Jan"),
    ("15 Ocak'a kadar", "15 Jan"),
    ("hasta el 32 de diciembre", None),
    ("hasta el 12 de la tarde", None),
    ("sin fecha", None),
])
def test_announced_end_dates(text: str, label: str | None) -> None:
    assert lexicon.until(text) == label


@pytest.mark.parametrize(("heading", "past"), [
    ("Past travel advisory", True), ("Avisos de viaje anteriores", True),
    ("Avisos anteriores", True), ("Comunicados passados", True), ("Geçmiş duyurular", True),
    ("Venezuela", False), ("Current travel advisory", False),
    ("Información anterior a su viaje", False), ("Past the security check", False),
])
def test_history_headings(heading: str, past: bool) -> None:
    assert lexicon.is_past_heading(heading) is past


def test_airline_codes_are_two_characters() -> None:
    assert lexicon.airline_code(" g3 ") == "G3"
    assert lexicon.airline_code("4c") == "4C"
    for bad in ("TAP", "T", "", "Ĝ3"):
        with pytest.raises(ValueError, match="2-character IATA"):
            lexicon.airline_code(bad)


def test_every_table_term_compiles_and_matches_itself() -> None:
    # A desk adding a term should see it work as written, accents and all.
    plain = {"cancel(l)?ed": "cancelled", "cancell?ations?": "cancellations",
             "cancels?": "cancels"}
    for signal, by_language in lexicon.TERMS.items():
        for fragments in by_language.values():
            for fragment in fragments:
                sample = plain.get(fragment) or _sample(fragment)
                assert signal in lexicon.signals(sample), (signal, fragment, sample)


def _sample(fragment: str) -> str:
    """The simplest text a fragment matches: first alternatives, optional parts dropped."""
    import re

    text = re.sub(r"\(([^()|]*)\|[^()]*\)", r"\1", fragment)   # (a|b) -> a
    text = re.sub(r"\([^()]*\)\?", "", text)                     # (x)? -> ''
    text = text.replace("\\w*", "").replace("?", "")
    return text.replace("(", "").replace(")", "")


@pytest.mark.parametrize(("text", "start", "end", "open_ended"), [
    ("hasta el 31 de diciembre", None, (31, 12, None), False),
    ("até 15 de janeiro", None, (15, 1, None), False),
    ("until 12 December", None, (12, 12, None), False),
    ("del 24 al 28 de noviembre", (24, 11, None), (28, 11, None), False),
    ("desde el 29 de noviembre de 2025 hasta el 14 de febrero de 2026", (29, 11, 2025),
     (14, 2, 2026), False),
    ("hasta nuevo aviso", None, None, True),
    ("a partir del 24 de noviembre y hasta nuevo aviso", (24, 11, None), None, True),
    ("entre 24 e 28 de novembro", (24, 11, None), (28, 11, None), False),
    ("between November 24 and 28, 2025", (24, 11, None), (28, 11, 2025), False),
    ("November 24-28", (24, 11, None), (28, 11, None), False),
    ("24-28 Kasım", (24, 11, None), (28, 11, None), False),
    ("29 Kasım 2025 tarihinden itibaren", (29, 11, 2025), None, False),
])
def test_spans_keep_the_days_as_written(text: str, start: tuple[int, int, int | None] | None,
                                        end: tuple[int, int, int | None] | None,
                                        open_ended: bool) -> None:
    span = lexicon.span(text)
    assert span is not None
    assert span.start == (lexicon.StatedDay(*start) if start else None)
    assert span.end == (lexicon.StatedDay(*end) if end else None)
    assert span.open_ended is open_ended


@pytest.mark.parametrize("text", ["vuelos de 10 a 12 horas", "hasta el 12 de la tarde",
                                  "Vuelos AV70-73 a Caracas", "sin fecha"])
def test_numbers_that_are_not_days_state_no_span(text: str) -> None:
    assert lexicon.span(text) is None


def test_a_reading_keeps_the_span_of_the_sentence_that_decides() -> None:
    reading = lexicon.read("Venezuela", "Los pasajeros con boletos emitidos hasta el 3 de "
                           "diciembre pueden cambiar su fecha.\nCopa suspende sus vuelos a "
                           "Caracas del 24 al 28 de noviembre.")
    assert reading.verdict is Signal.SUSPENSION
    assert reading.span == lexicon.Span(lexicon.StatedDay(24, 11), lexicon.StatedDay(28, 11))
    assert reading.until == "28 Nov"
    # a start in the deciding sentence, the end in the next one
    reading = lexicon.read("Caracas", "A partir del 24 de noviembre suspendemos los vuelos a "
                           "Caracas. La medida se mantendrá hasta el 15 de enero de 2026.")
    assert reading.span == lexicon.Span(lexicon.StatedDay(24, 11),
                                        lexicon.StatedDay(15, 1, 2026))
    # a resumption states no validity
    assert lexicon.read("Caracas", "Reanudamos los vuelos a Caracas el 8 de marzo.").span is None


@pytest.mark.parametrize(("text", "day"), [
    ("Última actualización: 22 de noviembre de 2025", (22, 11, 2025)),
    ("Atualizado em 5 de dezembro de 2025 às 08h00", (5, 12, 2025)),
    ("Last updated on November 22, 2025", (22, 11, 2025)),
    ("Son güncelleme: 22 Kasım 2025", (22, 11, 2025)),
    ("Última actualización: hoy", None),
])
def test_written_full_dates(text: str, day: tuple[int, int, int] | None) -> None:
    assert lexicon.written_day(text) == (lexicon.StatedDay(*day) if day else None)
