"""Quantities and prices in offer texts: formats, multilingual menus, non-prices, offsets, and range recall."""

from __future__ import annotations

from collections import Counter

import pytest

from nlp.quantities import Price, Quantity, find_prices, find_quantities, parse_number
from testsites.world import SITES, World


def qty(text: str) -> list[tuple[float, str]]:
    return [(q.amount, q.unit) for q in find_quantities(text)]


def prices(text: str) -> list[tuple[float, str, tuple[float, str] | None]]:
    return [(p.amount, p.currency, None if p.per is None else (p.per.amount, p.per.unit)) for p in find_prices(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("0.5gr", [(0.5, "g")]), ("0,5 г", [(0.5, "g")]), ("2 g", [(2.0, "g")]), ("5 grams", [(5.0, "g")]),
    ("10мл", [(10.0, "ml")]), ("1 кг", [(1.0, "kg")]), ("3.5g", [(3.5, "g")]), ("1 oz", [(1.0, "oz")]),
    ("2 lbs", [(2.0, "lb")]), ("25L", [(25.0, "l")]), ("5 л", [(5.0, "l")]), ("200мг", [(200.0, "mg")]),
    ("half oz", [(0.5, "oz")]), ("an eighth", [(3.5, "g")]), ("20 таб", [(20.0, "pill")]),
    ("25 шт", [(25.0, "pill")]), ("50 pills", [(50.0, "pill")]), ("5 tabs", [(5.0, "pill")]),
    ("10 blotters", [(10.0, "pill")]), ("30 caps", [(30.0, "pill")]), ("10 Stück", [(10.0, "pill")]),
    ("5 szt", [(5.0, "pill")]), ("100µg", [(100.0, "ug")]), ("100 ug", [(100.0, "ug")]),
    ("100mcg", [(100.0, "ug")]), ("250 мкг", [(250.0, "ug")]), ("1g=1090грн", [(1.0, "g")]),
    ("12 000 г", [(12000.0, "g")]), ("1,500,000 g", [(1_500_000.0, "g")]),
    ("1-5g", [(1.0, "g"), (5.0, "g")]), ("5x 20mg", [(5.0, "pill"), (20.0, "mg")]),
    ("100mg x10", [(100.0, "mg"), (10.0, "pill")]),
])
def test_quantity_formats(text: str, expected: list[tuple[float, str]]) -> None:
    assert qty(text) == expected


def test_normalised_mass_and_volume() -> None:
    def one(text: str) -> Quantity:
        return find_quantities(text)[0]

    assert one("2 kg").grams == 2000.0
    assert one("250mg").grams == pytest.approx(0.25)
    assert one("100µg").grams == pytest.approx(1e-4)
    assert one("1 oz").grams == pytest.approx(28.3495)
    assert one("half oz").grams == pytest.approx(14.17475)
    assert one("1 lb").grams == pytest.approx(453.592)
    assert one("1.5 l").ml == 1500.0
    assert one("10 ml").grams is None
    assert one("20 таб").grams is None and one("20 таб").ml is None


@pytest.mark.parametrize(("text", "expected"), [
    ("1 710", 1710.0), ("1\u00a0100", 1100.0), ("1\u202f100", 1100.0), ("1,180.00", 1180.0),
    ("19.570,00", 19570.0), ("2,050", 2050.0), ("1.500", 1500.0), ("0,5", 0.5), ("18,99", 18.99),
    ("0.500", 0.5), ("1.234.567", 1234567.0),
])
def test_parse_number(text: str, expected: float) -> None:
    assert parse_number(text) == expected


def test_crypto_amounts_keep_three_decimals() -> None:
    assert parse_number("1.005", decimal_hint=True) == 1.005
    assert prices("1.005 BTC") == [(1.005, "BTC", None)]


@pytest.mark.parametrize(("text", "expected"), [
    ("2000₴", (2000.0, "UAH")), ("1090грн", (1090.0, "UAH")), ("1100р", (1100.0, "RUB")),
    ("1100 руб", (1100.0, "RUB")), ("4 300 руб.", (4300.0, "RUB")), ("1750₽", (1750.0, "RUB")),
    ("630₴", (630.0, "UAH")), ("3630 UAH", (3630.0, "UAH")), ("R$ 150", (150.0, "BRL")),
    ("150 zł", (150.0, "PLN")), ("$1,180.00", (1180.0, "USD")), ("€12", (12.0, "EUR")), ("12 EUR", (12.0, "EUR")),
    ("19.570,00 €", (19570.0, "EUR")), ("£ 30", (30.0, "GBP")), ("CHF 80", (80.0, "CHF")),
    ("0.0042 BTC", (0.0042, "BTC")), ("XMR 1.2", (1.2, "XMR")), ("0.05 ETH", (0.05, "ETH")),
    ("2 LTC", (2.0, "LTC")), ("150 USDT", (150.0, "USDT")), ("USD 1,240", (1240.0, "USD")),
    ("1\u00a0100 грн", (1100.0, "UAH")),
])
def test_price_formats(text: str, expected: tuple[float, str]) -> None:
    assert prices(text) == [(*expected, None)]


@pytest.mark.parametrize(("text", "expected"), [
    ("0.5gr — $ 45", (45.0, "USD", (0.5, "g"))), ("2g — 145$", (145.0, "USD", (2.0, "g"))),
    ("10мл → 1100р", (1100.0, "RUB", (10.0, "ml"))), ("1 kg: $525", (525.0, "USD", (1.0, "kg"))),
    ("20 таб=1 710грн", (1710.0, "UAH", (20.0, "pill"))), ("• 10 ml … €12", (12.0, "EUR", (10.0, "ml"))),
    ("5г=9000 грн", (9000.0, "UAH", (5.0, "g"))), ("$45 per gram", (45.0, "USD", (1.0, "g"))),
    ("45€/g", (45.0, "EUR", (1.0, "g"))), ("1g 80€", (80.0, "EUR", (1.0, "g"))),
    ("0.5 grams | USD 10", (10.0, "USD", (0.5, "g"))), ("$45 for 1g", (45.0, "USD", (1.0, "g"))),
    ("300 грн за 1 г", (300.0, "UAH", (1.0, "g"))), ("500 ₽ за грамм", (500.0, "RUB", (1.0, "g"))),
    ("1 oz - 1,180.00 $", (1180.0, "USD", (1.0, "oz"))),
    ("Packing: 25 kg bag or drum, price $120.", (120.0, "USD", (25.0, "kg"))),
])
def test_pairing(text: str, expected: tuple[float, str, tuple[float, str]]) -> None:
    assert prices(text) == [expected]


def test_pairs_stay_inside_segments() -> None:
    text = "Tiers: 0.5 grams: $205 / 1 grams: USD 369.99 / 2 g: $ 649.99"
    assert prices(text) == [(205.0, "USD", (0.5, "g")), (369.99, "USD", (1.0, "g")), (649.99, "USD", (2.0, "g"))]
    # a quantity in the previous line is not what an unrelated price is for
    assert prices("Shipping from 1 kg.\nDelivery fee €15 and €20 express") == [(15.0, "EUR", None),
                                                                               (20.0, "EUR", None)]


MENUS = {
    "ru": ("❄️ Мефедрон кристалл\n0,5г = 2 400 ₽\n1гр = 4 300 руб.\n2 г → 7 900р\n"
           "💊 Экстази 250мг: 10 шт - 3 500 ₽; 25 шт - 7 800₽\nРаботаем с 2019 г. Тел. +7 912 345-67-89",
           [(2400.0, "RUB", (0.5, "g")), (4300.0, "RUB", (1.0, "g")), (7900.0, "RUB", (2.0, "g")),
            (3500.0, "RUB", (10.0, "pill")), (7800.0, "RUB", (25.0, "pill"))]),
    "uk": ("🌿 Шишки АК-47\n1г=420грн\n5г=1 900 грн\n10гр — 3630 UAH\n🧴 Рідина 10мл … 1 100₴\n"
           "Працюємо з 2022 р., клади 24/7",
           [(420.0, "UAH", (1.0, "g")), (1900.0, "UAH", (5.0, "g")), (3630.0, "UAH", (10.0, "g")),
            (1100.0, "UAH", (10.0, "ml"))]),
    "de": ("Preisliste 🔥\n❄️ Kokain 90% rein — 1g: 80 €, 2g: 150€, 5g: 350 EUR\n"
           "💊 MDMA 5 Stück für 25 € | 10 Stk - €45\nVersand seit 2018, Bestellungen 24/7",
           [(80.0, "EUR", (1.0, "g")), (150.0, "EUR", (2.0, "g")), (350.0, "EUR", (5.0, "g")),
            (25.0, "EUR", (5.0, "pill")), (45.0, "EUR", (10.0, "pill"))]),
    "es": ("LISTA DE PRECIOS\n🍁 Cogollos: 5 gramos - 40 €; 10 gramos - 75 €\n"
           "💊 20 pastillas por 90€\nLSD 100µg 10 secantes = 1.150,00 €",
           [(40.0, "EUR", (5.0, "g")), (75.0, "EUR", (10.0, "g")), (90.0, "EUR", (20.0, "pill")),
            (1150.0, "EUR", (10.0, "pill"))]),
    "fr": ("Tarifs ✅\n• 1 g … 70 €\n• 3,5 g … 220 €\n• 10 comprimés pour 60€\n• 1 kg : 19.570,00 €",
           [(70.0, "EUR", (1.0, "g")), (220.0, "EUR", (3.5, "g")), (60.0, "EUR", (10.0, "pill")),
            (19570.0, "EUR", (1.0, "kg"))]),
    "pt": ("TABELA DE PREÇOS ✅\n💗 MD — 0,5 g - 18,99 €, 2gr - €58\n🍫 Haxixe 10g → R$ 150\n"
           "💊 10 comprimidos = 45 EUR\nEntregas 24/7",
           [(18.99, "EUR", (0.5, "g")), (58.0, "EUR", (2.0, "g")), (150.0, "BRL", (10.0, "g")),
            (45.0, "EUR", (10.0, "pill"))]),
    "nl": ("Prijslijst\n1 gram voor 60 euro\n5 gram: €275\n100 pillen | 350 EUR\n50 ml - $ 90",
           [(60.0, "EUR", (1.0, "g")), (275.0, "EUR", (5.0, "g")), (350.0, "EUR", (100.0, "pill")),
            (90.0, "USD", (50.0, "ml"))]),
    "pl": ("Cennik 💰\n1g - 150 zł\n5 g - 650 zł\n10 tabletek za 200 PLN\n1 kg: 1 180 USD",
           [(150.0, "PLN", (1.0, "g")), (650.0, "PLN", (5.0, "g")), (200.0, "PLN", (10.0, "pill")),
            (1180.0, "USD", (1.0, "kg"))]),
    "en": ("PRICE LIST 〽️\n🍫 dry sift — 1 g: 7.5 € • 2gr: 13.99€\n💊 pills — 5 pcs: 12.99€ • 20 tabs: €47\n"
           "Crypto: 0.5 oz @ 0.0042 BTC\nOpen 24/7 since 2020, v2.1.3",
           [(7.5, "EUR", (1.0, "g")), (13.99, "EUR", (2.0, "g")), (12.99, "EUR", (5.0, "pill")),
            (47.0, "EUR", (20.0, "pill")), (0.0042, "BTC", (0.5, "oz"))]),
}


@pytest.mark.parametrize("lang", sorted(MENUS))
def test_multilingual_menus(lang: str) -> None:
    text, expected = MENUS[lang]
    assert prices(text) == expected


@pytest.mark.parametrize("text", [
    "Since 2019, open 24/7", "Работаем с 2022 г.", "працюємо з 2022 р.", "CAS 2167189-50-4", "cas:28578-16-7",
    "76% pure", "Call +380 67 123 4567", "+7 912 345-67-89", "12.03.2024", "2024-03-12", "v2.1.3", "4-ANPP",
    "3,4-MDP-2-P", "2C-B", "1P-LSD", "ships within 24h", "FE for 10+ orders", "100% reship, 50% after that",
    "BTC: 1KEj1wt5Z8PAwNZucQr8wf6oZ5QMXMMupY", "XMR: 4CAiELoVK1TXFDJD56YvRDgVAdmFts11DEuYfCsfc43dX",
    "ETH 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "N0$ 87% pure",
])
def test_no_false_prices_or_quantities(text: str) -> None:
    assert find_prices(text) == []
    assert find_quantities(text) == []


def test_quantities_are_not_prices() -> None:
    assert find_prices("0,5 g, 2 kg, 20 таб, 10 ml") == []


def test_offsets_point_into_the_text() -> None:
    text = "🧪 Мефедрон\u200b 0,5 г — 1\u00a0100 грн | 5x 20mg • 1-5g → $1,180.00 / half oz: 45€/g"
    found: list[Quantity | Price] = [*find_quantities(text), *find_prices(text)]
    assert len(found) >= 8
    for item in found:
        assert text[item.start:item.end] == item.text
    for price in find_prices(text):
        if price.per is not None:
            assert text[price.per.start:price.per.end] == price.per.text
    assert [q.text for q in find_quantities(text)] == ["0,5 г", "5", "20mg", "1", "5g", "half oz"]


_PIECES = {"pill", "tab", "blotter", "unit"}  # the range tells pieces apart; the extractor counts them all as pills


def _key(amount: float, unit: str) -> tuple[float, str]:
    return round(amount, 6), "pill" if unit in _PIECES else unit


def test_recall_on_range_truth() -> None:
    world = World(seed=11, listings=300)
    records = [r for r in world.truth({key: f"http://{key}.test" for key in SITES})
               if r["type"] in ("listing", "post") and (r["quantities"] or r["prices"])]
    assert records
    q_total = q_hit = p_total = p_hit = 0
    for record in records:
        text = record["title"] + "\n" + record["description"] if record["type"] == "listing" else record["text"]
        got_q = Counter(_key(q.amount, q.unit) for q in find_quantities(text))
        got_p = Counter((round(p.amount, 6), p.currency, None if p.per is None else _key(p.per.amount, p.per.unit))
                        for p in find_prices(text))
        for q in record["quantities"]:
            key = _key(q["amount"], q["unit"])
            q_total += 1
            if got_q[key] > 0:
                got_q[key] -= 1
                q_hit += 1
        for p in record["prices"]:
            per = p.get("per")
            pkey = (round(p["amount"], 6), p["currency"], None if not per else _key(per["amount"], per["unit"]))
            p_total += 1
            if got_p[pkey] > 0:
                got_p[pkey] -= 1
                p_hit += 1
    q_recall, p_recall = q_hit / q_total, p_hit / p_total
    print(f"range truth: quantity recall {q_hit}/{q_total} = {q_recall:.3f}, "
          f"price recall (amount+currency+per) {p_hit}/{p_total} = {p_recall:.3f}")
    assert q_recall >= 0.9
    assert p_recall >= 0.9
