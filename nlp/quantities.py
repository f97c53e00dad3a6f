"""Quantities ("0,5 г", "20 таб", "100µg") and prices ("1 710грн", "$1,180.00", "0.0042 BTC") in offer texts.

Offers are written in many languages and number conventions, so amounts are parsed by shape rather than by
locale, and units and currencies are normalised (g/kg/mg/ug/ml/l/oz/lb/pill; ISO 4217 codes or crypto
tickers). Offsets point into the text as given, so a spaCy component can turn every hit into a span.

Pairing rule (``Price.per``): a price is "for" a quantity when the two are adjacent and only connector
tokens stand between them: dashes, "=", ":", "→", "…", "|", "@", "for"/"за"/"по"/"por"/"pour"/"für"/"voor"/
"za"/"à". The quantity normally comes first ("2g — 145$", "1g 80€", "0.5 g | $10"); a quantity after the
price pairs only through a word ("$45 for 1g", "300 грн за 1 г"). "$45 per gram", "45€/g" and "500 ₽ за
грамм" give a per-unit quantity of 1. Segment separators (newline, ";", "•", ", ", " / ") are not
connectors, so adjacent pairs never cross segments. "|" is accepted as a connector because tier tables use it
between the quantity and price cells ("0.5 grams | USD 10"). Each quantity is the ``per`` of at most one
price, and quantities before a price are matched first, so in "1g: $80 / 2g: $150" the "2g" belongs to $150.
Last, a price still unpaired pairs with the only free quantity of its sentence when that sentence holds no
other price ("Packing: 25 kg bag or drum, price $120.").

Ranges ("1-5g") give two quantities, "1" and "5g", both in the unit written last: the seller offers both
ends. Counts of doses ("5x 20mg", "100mg x10") give the dose and a separate ``pill`` quantity for the count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeVar

# unit -> grams (mass) or millilitres (volume)
GRAMS = {"g": 1.0, "kg": 1000.0, "mg": 1e-3, "ug": 1e-6, "oz": 28.3495, "lb": 453.592}
MILLILITRES = {"ml": 1.0, "l": 1000.0}

# Written unit words in English, Russian, Ukrainian, German, Spanish, French, Portuguese, Dutch and Polish.
_UNIT_WORDS: dict[str, tuple[str, ...]] = {
    "g": ("g", "gr", "grs", "gram", "grams", "gramm", "gramme", "grammes", "gramos", "gramas", "gramy", "gramów",
          "г", "гр", "грамм", "граммов", "грамма", "грам", "грамів", "грами"),
    "kg": ("kg", "kgs", "kilo", "kilos", "kilogram", "kilograms", "kilogramm", "kilogramos", "kilogrammes",
           "kilogramas", "кг", "кило"),
    "mg": ("mg", "milligram", "milligrams", "мг"),
    "ug": ("ug", "µg", "μg", "mcg", "microgram", "micrograms", "мкг"),
    "ml": ("ml", "мл", "millilitre", "millilitres", "milliliter", "milliliters"),
    "l": ("l", "л", "litre", "litres", "liter", "liters", "litros", "литр", "литра", "литров"),
    "oz": ("oz", "ozs", "ounce", "ounces", "унция", "унции", "унций"),
    "lb": ("lb", "lbs"),
    "pill": ("pill", "pills", "pillen", "tab", "tabs", "tablet", "tablets", "tabletten", "tabletki", "tabletek",
             "pcs", "pc", "piece", "pieces", "caps", "capsule", "capsules", "blotter", "blotters", "hits", "units",
             "шт", "штук", "штуки", "таб", "табл", "таблеток", "таблетки", "капс", "марок", "марки", "марка",
             "stück", "stk", "pappen", "pastillas", "uds", "unidades", "secantes", "comprimés", "comprimes",
             "buvards", "unités", "comprimidos", "selos", "un", "stuks", "szt", "sztuk", "znaczków", "kapsułek"),
}
_UNIT_OF = {word: unit for unit, words in _UNIT_WORDS.items() for word in words}


def _alternation(words: list[str]) -> str:
    """A pattern of `words`, longest first, led by a class of their first characters: the regex engine tries the
    branches one by one, so after a number that no word follows that class fails at once instead of every branch."""
    first = "".join(sorted({re.escape(w[0]) for w in words}))
    return f"(?=[{first}])(?:{'|'.join(re.escape(w) for w in sorted(words, key=len, reverse=True))})"


_UNIT_RE = _alternation(list(_UNIT_OF))

_SP = "[ \u00a0\u202f\u2009]"  # spaces sellers put inside and around numbers
# Grouped thousands ("1 710", "1,180.00", "19.570,00") before plain decimals ("0,5", "3.5", "1090").
_NUM = rf"\d{{1,3}}(?:(?:[,.]|{_SP})\d{{3}})+(?:[.,]\d{{1,2}})?(?!\d)|\d+(?:[.,]\d+)?"
_SP_RE = re.compile(_SP)
_NUM_START = r"(?<![\w.,])"
# Every number starts with a digit: a pattern that opens with a number checks that first, since the lookbehind and
# the long unit and currency alternations cost far more to try at every position than a digit test.
_DIGIT_FIRST = r"(?=\d)"

_QTY = re.compile(rf"{_DIGIT_FIRST}{_NUM_START}(?P<num>{_NUM}){_SP}?(?P<unit>{_UNIT_RE})(?P<dot>\.)?(?!\w)",
                  re.IGNORECASE)
# Street fractions: "half oz", "quarter pound"... and the eighth (of an ounce), sold as 3.5 g. Each pattern is led by
# a class of the characters a match can start with, which is cheaper to try at every position than the lookbehind.
_FRACTIONS = {"half": 0.5, "½": 0.5, "1/2": 0.5, "quarter": 0.25, "¼": 0.25, "1/4": 0.25, "1/8": 0.125}
_FRACTION = re.compile(r"(?=[hq½¼1])(?<!\w)(?P<frac>half|quarter|½|¼|1/2|1/4|1/8)(?:\s?an?)?\s?"
                       r"(?P<unit>oz|ounce|lb|kilo|kg)(?!\w)", re.IGNORECASE)
_EIGHTH = re.compile(r"(?=[ae8])(?<!\w)(?:an?\s)?(?:eighth|8th)(?!\w)", re.IGNORECASE)
_RANGE_HEAD = re.compile(rf"{_NUM_START}(?<![-–$€£₽₴])(?P<num>{_NUM}){_SP}?[-–]{_SP}?$")
_COUNT_BEFORE = re.compile(rf"(?<![\w.,])(?P<num>\d+){_SP}?[x×х]{_SP}?$", re.IGNORECASE)
# What _RANGE_HEAD and _COUNT_BEFORE must end with, or the newline their "$" may match before: a quantity after any
# other character has neither.
_HEAD_END = re.compile(rf"[-–x×х\n]|{_SP}", re.IGNORECASE)
_COUNT_AFTER = re.compile(rf"{_SP}?(?P<x>[x×х]){_SP}?(?P<num>\d+)(?![\w.,])", re.IGNORECASE)

CRYPTO = ("BTC", "XMR", "ETH", "LTC", "USDT")
# Written currency markers -> ISO 4217 code or crypto ticker.
_CURRENCY_WORDS: dict[str, tuple[str, ...]] = {
    "USD": ("$", "us$", "usd", "dollar", "dollars", "долл", "долларов", "доларів", "бакс", "баксов"),
    "EUR": ("€", "eur", "euro", "euros", "евро", "євро"),
    "GBP": ("£", "gbp", "quid"),
    "RUB": ("₽", "rub", "руб", "руб.", "рублей", "рубля", "р"),
    "UAH": ("₴", "uah", "грн", "грн.", "гривень", "гривен", "гривні"),
    "PLN": ("pln", "zł", "zl", "złotych"),
    "BRL": ("r$", "brl", "reais"),
    "CHF": ("chf",),
    "CAD": ("cad", "c$"),
    "AUD": ("aud", "a$"),
    "CZK": ("czk", "kč"),
    "BTC": ("btc", "₿", "bitcoin"),
    "XMR": ("xmr", "monero"),
    "ETH": ("eth", "ether"),
    "LTC": ("ltc",),
    "USDT": ("usdt", "tether"),
}
_CURRENCY_OF = {w: code for code, words in _CURRENCY_WORDS.items() for w in words}
# Markers written before the amount: symbols and codes only ("$45", "R$ 150", "EUR 12", "BTC 0.01").
_PREFIXES = [w for w in _CURRENCY_OF if not w.isalpha() or (len(w) in (3, 4) and w.isascii())]
_PREFIX_RE = _alternation(_PREFIXES)
_SUFFIX_RE = _alternation(list(_CURRENCY_OF))
_PRICE_BEFORE = re.compile(rf"(?<!\w)(?P<cur>{_PREFIX_RE}){_SP}?(?P<num>{_NUM})(?!\w)", re.IGNORECASE)
_PRICE_AFTER = re.compile(rf"{_DIGIT_FIRST}{_NUM_START}(?P<num>{_NUM}){_SP}?(?P<cur>{_SUFFIX_RE})(?P<dot>\.)?(?!\w)",
                          re.IGNORECASE)

_CONNECTOR = re.compile(r"[\s\u200b\u200d\ufe0f]*(?:(?:[-–—−=:→➜⇒>…|@~]|\.{2,}|for|за|по|por|pour|für|voor|za|à|a)"
                        r"[\s\u200b\u200d\ufe0f]*)*", re.IGNORECASE)
_PER_WORD = re.compile(r"\s?(?:for|за|по|por|pour|für|voor|za|per)\s", re.IGNORECASE)
_PER_UNIT = re.compile(rf"(?:{_SP}?/{_SP}?|{_SP}(?:per|pro|par|por|je|за|le|la)\s(?:1\s)?)(?P<unit>{_UNIT_RE})(?!\w)",
                       re.IGNORECASE)
_SENTENCE_END = re.compile(r"\n|(?<=[.!?])\s")
_YEAR_MARKS = frozenset({"г", "р"})  # "2022 г." and "2022 р." are years in Russian and Ukrainian


@dataclass(frozen=True)
class Quantity:
    """An amount of substance with its unit normalised; ``text`` is ``source[start:end]``."""

    amount: float
    unit: str
    text: str
    start: int
    end: int

    @property
    def grams(self) -> float | None:
        """The mass in grams, so offers in kg, oz and µg compare; None for volumes and pieces."""
        factor = GRAMS.get(self.unit)
        return None if factor is None else self.amount * factor

    @property
    def ml(self) -> float | None:
        """The volume in millilitres; None for masses and pieces."""
        factor = MILLILITRES.get(self.unit)
        return None if factor is None else self.amount * factor


@dataclass(frozen=True)
class Price:
    """An amount of money with its currency and, when the text pairs them, the quantity it buys."""

    amount: float
    currency: str
    per: Quantity | None
    text: str
    start: int
    end: int


def parse_number(raw: str, decimal_hint: bool = False) -> float:
    """Read "1 710", "1,180.00", "19.570,00", "0,5" or "3.5" without knowing the writer's locale.

    With both "," and "." the last one is the decimal mark; a mark used twice groups thousands; a single mark
    before exactly three digits groups thousands ("2,050", "1.500") unless the whole part is 0 or
    ``decimal_hint`` says small fractions are usual (crypto amounts).
    """
    if raw.isdigit():
        return float(raw)  # the usual case: no spaces or marks to read
    s = _SP_RE.sub("", raw)
    if "," in s and "." in s:
        decimal = "," if s.rfind(",") > s.rfind(".") else "."
        return float(s.replace("." if decimal == "," else ",", "").replace(",", "."))
    for mark in ",.":
        if s.count(mark) > 1:
            return float(s.replace(mark, ""))
        if mark in s:
            whole, frac = s.split(mark)
            if len(frac) == 3 and whole != "0" and not decimal_hint:
                return float(whole + frac)
            return float(f"{whole}.{frac}")
    return float(s)


def _is_year(number: str, marker: str, dot: str | None) -> bool:
    return marker.lower() in _YEAR_MARKS and bool(dot) and number.isdigit() and 1900 <= int(number) <= 2100


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in ``text``, in order of position."""
    found: list[Quantity] = []
    for m in _QTY.finditer(text):
        if _is_year(m["num"], m["unit"], m["dot"]):
            continue
        unit = _UNIT_OF[m["unit"].lower()]
        end = m.end("unit")
        found.append(Quantity(parse_number(m["num"]), unit, text[m.start():end], m.start(), end))
        # The window before is searched only when a range or a count can end there; searching costs more.
        if m.start() and _HEAD_END.match(text, m.start() - 1):
            head = max(0, m.start() - 30), m.start()
            if r := _RANGE_HEAD.search(text, *head):
                found.append(Quantity(parse_number(r["num"]), unit, r["num"], r.start("num"), r.end("num")))
            elif unit != "pill" and (r := _COUNT_BEFORE.search(text, *head)):
                found.append(Quantity(float(r["num"]), "pill", r["num"], r.start("num"), r.end("num")))
        if unit != "pill" and (c := _COUNT_AFTER.match(text, end)):
            found.append(Quantity(float(c["num"]), "pill", text[c.start("x"):c.end()], c.start("x"), c.end()))
    for m in _FRACTION.finditer(text):
        unit = _UNIT_OF.get(m["unit"].lower(), "oz")
        found.append(Quantity(_FRACTIONS[m["frac"].lower()], unit, m.group(), m.start(), m.end()))
    for m in _EIGHTH.finditer(text):
        found.append(Quantity(3.5, "g", m.group(), m.start(), m.end()))
    return _without_overlaps(found)


_Match = TypeVar("_Match", Quantity, Price)


def _without_overlaps(items: list[_Match]) -> list[_Match]:
    """Keep the earliest, then longest, of overlapping matches."""
    kept: list[_Match] = []
    for item in sorted(items, key=lambda i: (i.start, -i.end)):
        if not kept or item.start >= kept[-1].end:
            kept.append(item)
    return kept


def _raw_prices(text: str) -> list[Price]:
    found: list[Price] = []
    for m in _PRICE_BEFORE.finditer(text):
        code = _CURRENCY_OF[m["cur"].lower()]
        found.append(Price(parse_number(m["num"], code in CRYPTO), code, None, m.group(), m.start(), m.end()))
    for m in _PRICE_AFTER.finditer(text):
        if _is_year(m["num"], m["cur"], m["dot"]):
            continue
        code = _CURRENCY_OF[m["cur"].lower()]
        end = m.end("dot") if m["dot"] and m["cur"].lower() in {"руб", "грн"} else m.end("cur")
        found.append(Price(parse_number(m["num"], code in CRYPTO), code, None, text[m.start():end], m.start(), end))
    return _without_overlaps(found)


def find_prices(text: str, quantities: list[Quantity] | None = None) -> list[Price]:
    """Every price in ``text`` (a number with a currency marker), with ``per`` set by the pairing rule.

    ``quantities`` is find_quantities(text), for a caller that has it already."""
    prices = _raw_prices(text)
    quantities = find_quantities(text) if quantities is None else quantities
    used: set[int] = set()
    per: dict[int, Quantity] = {}
    for i, price in enumerate(prices):  # quantity first: "2g — 145$"
        before = [q for q in quantities if q.end <= price.start]
        if before and id(before[-1]) not in used and _CONNECTOR.fullmatch(text, before[-1].end, price.start):
            per[i] = before[-1]
            used.add(id(before[-1]))
    for i, price in enumerate(prices):  # price first: "$45 for 1g", "45€/g"
        if i in per:
            continue
        after = [q for q in quantities if q.start >= price.end]
        if after and id(after[0]) not in used and _PER_WORD.fullmatch(text, price.end, after[0].start):
            per[i] = after[0]
            used.add(id(after[0]))
        elif u := _PER_UNIT.match(text, price.end):
            per[i] = Quantity(1.0, _UNIT_OF[u["unit"].lower()], u["unit"], u.start("unit"), u.end("unit"))
    for i, price in enumerate(prices):  # "Packing: 25 kg bag or drum, price $120."
        if i in per:
            continue
        lo, hi = _sentence(text, price.start)
        others = [p for p in prices if lo <= p.start < hi and p is not price]
        near = [q for q in quantities if lo <= q.start < hi]
        if not others and len(near) == 1 and id(near[0]) not in used:
            per[i] = near[0]
            used.add(id(near[0]))
    return [Price(p.amount, p.currency, per.get(i), p.text, p.start, p.end) for i, p in enumerate(prices)]


def _sentence(text: str, pos: int) -> tuple[int, int]:
    """Bounds of the sentence (or line) holding ``pos``."""
    lo = max((m.end() for m in _SENTENCE_END.finditer(text, 0, pos)), default=0)
    hi = m.start() if (m := _SENTENCE_END.search(text, pos)) else len(text)
    return lo, hi
