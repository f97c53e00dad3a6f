"""Field extraction: selectors, visible text with line breaks, prices in the formats markets use."""

from __future__ import annotations

import pytest
from parsel import Selector as Page

from crawlers.config import Selector
from crawlers.extract import html_to_text, parse_price, select, select_all


@pytest.mark.parametrize(("text", "amount", "currency"), [
    ("$45.00", 45.0, "USD"),
    ("$1,180.00", 1180.0, "USD"),
    ("1,100.00 ₽", 1100.0, "RUB"),
    ("12.00 €", 12.0, "EUR"),
    ("19 570,00 ₴", 19570.0, "UAH"),
    ("12,5 EUR", 12.5, "EUR"),
    ("0.0042 BTC", 0.0042, "BTC"),
    ("1.180.000 руб", 1180000.0, "RUB"),
    ("£7.50", 7.5, "GBP"),
    ("150", 150.0, None),
])
def test_prices(text: str, amount: float, currency: str | None) -> None:
    price = parse_price(text)
    assert price is not None
    assert price.amount == pytest.approx(amount)
    assert price.currency == currency


def test_price_default_currency_and_garbage() -> None:
    assert parse_price("150", "EUR").currency == "EUR"  # type: ignore[union-attr]
    assert parse_price("ask the vendor") is None
    assert parse_price(None) is None


def test_html_to_text_keeps_breaks_and_decodes_entities() -> None:
    html = "<div class='d'><p>Line one<br>Line&nbsp;two &amp; more</p><p></p><p></p><p>Para</p></div>"
    assert html_to_text(html) == "Line one\nLine two & more\n\nPara"


def test_selectors_css_xpath_attr_all_re() -> None:
    page = Page(text="<html><body><h1 class='t'> Title </h1><a class='v' href='/vendor/bob'>bob</a>"
                     "<ul><li class='c'>btc: 1abc</li><li class='c'>tg: @bob</li></ul>"
                     "<table><tr><th>Ships from</th><td>NL</td></tr></table>"
                     "<div class='desc'>a<br>b</div><p class='ship'>DE → EU</p></body></html>")
    assert select(page, Selector.model_validate("h1.t::text")) == "Title"
    assert select(page, Selector.model_validate("//tr[th='Ships from']/td/text()")) == "NL"
    assert select(page, Selector(css="a.v", attr="href")) == "/vendor/bob"
    assert select(page, Selector(css="li.c", all=True, join=" | ")) == "btc: 1abc | tg: @bob"
    assert select_all(page, Selector(css="li.c")) == ["btc: 1abc", "tg: @bob"]
    assert select(page, Selector(css="div.desc")) == "a\nb"
    assert select(page, Selector(css="p.ship::text", re=r"→\s*(.*)$")) == "EU"
    assert select(page, Selector(css="span.missing")) is None
    assert select(page, None) is None


def test_malformed_html_still_yields_fields() -> None:
    page = Page(text="<html><body><div class='main'><h1 class='listing-title'>Broken <b>bold</h1>"
                     "<table class=info><tr><td class=price>$12.00<td>x</table><div class=description><p>text"
                     "</body>")
    assert select(page, Selector.model_validate("h1.listing-title")) == "Broken bold"
    assert select(page, Selector.model_validate("td.price::text")) == "$12.00"
    assert select(page, Selector.model_validate("div.description")) == "text"
