"""Reading configured fields out of pages: selectors, page text with its line breaks, prices.

Broken markup is normal on these sites; parsel/lxml repair what they can, and a field that cannot be found
becomes a parse warning on the item rather than an exception, so the rest of the page is still read.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from parsel import Selector as Page
from parsel import SelectorList
from w3lib.html import remove_tags, replace_entities

from crawlers.config import Selector
from narcwatch.models import Money

_BREAKS = re.compile(r"<br\s*/?>|</(?:p|div|li|h[1-6]|tr|pre|blockquote)>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0\u202f]+")


def html_to_text(fragment: str) -> str:
    """Visible text of an element, keeping line breaks where the page shows them."""
    text = replace_entities(remove_tags(_BREAKS.sub("\n", fragment)))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:  # keep single blank lines (paragraphs), drop runs of them
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def _matches(page: Page, sel: Selector) -> SelectorList:
    return page.css(sel.css) if sel.css else page.xpath(sel.xpath or "")


def _value(node: Page, sel: Selector) -> str:
    if sel.attr:
        return node.attrib.get(sel.attr, "")
    raw = node.get() or ""
    # Text nodes and attribute values come back as plain strings; elements as markup.
    return html_to_text(raw) if raw.lstrip().startswith("<") else raw


def select_all(page: Page, sel: Selector) -> list[str]:
    values = []
    for node in _matches(page, sel):
        value = _value(node, sel).strip()
        if sel.re:
            match = re.search(sel.re, value)
            value = (match.group(1) if match.groups() else match.group(0)) if match else ""
        if value:
            values.append(value)
    return values


def select(page: Page, sel: Selector | None) -> str | None:
    """The configured value, or None when the page does not have it."""
    if sel is None:
        return None
    values = select_all(page, sel)
    if not values:
        return None
    return sel.join.join(values) if sel.all else values[0]


def absolute(base: str, href: str | None) -> str | None:
    return urljoin(base, href.strip()) if href else None


# -- prices --------------------------------------------------------------------------------------------------

_CURRENCIES = [
    ("USDT", "USDT"), ("BTC", "BTC"), ("XMR", "XMR"), ("ETH", "ETH"), ("LTC", "LTC"),
    ("US$", "USD"), ("$", "USD"), ("€", "EUR"), ("£", "GBP"), ("₽", "RUB"), ("₴", "UAH"), ("₿", "BTC"),
    ("руб", "RUB"), ("грн", "UAH"), ("р.", "RUB"), ("zł", "PLN"), ("R$", "BRL"),
    ("USD", "USD"), ("EUR", "EUR"), ("GBP", "GBP"), ("RUB", "RUB"), ("UAH", "UAH"), ("PLN", "PLN"),
    ("CHF", "CHF"), ("CAD", "CAD"), ("AUD", "AUD"), ("BRL", "BRL"),
]
_NUMBER = re.compile(r"\d[\d\s\u00a0\u202f.,']*")


def _currency(text: str) -> str | None:
    upper = text.upper()
    best: tuple[int, str] | None = None
    for mark, code in _CURRENCIES:
        pos = upper.find(mark.upper())
        if pos >= 0 and (best is None or pos < best[0]):
            best = (pos, code)
    return best[1] if best else None


def _number(raw: str) -> float | None:
    digits = re.sub(r"[\s\u00a0\u202f']", "", raw).rstrip(".,")
    if not digits:
        return None
    last_dot, last_comma = digits.rfind("."), digits.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        decimal = "." if last_dot > last_comma else ","
        thousands = "," if decimal == "." else "."
        digits = digits.replace(thousands, "").replace(decimal, ".")
    elif last_comma >= 0:
        # "12,50" is a decimal comma; "1,180" and "1,180,000" group thousands.
        decimal_comma = digits.count(",") == 1 and len(digits) - last_comma - 1 <= 2
        digits = digits.replace(",", ".") if decimal_comma else digits.replace(",", "")
    elif digits.count(".") > 1:  # "1.180.000"
        digits = digits.replace(".", "")
    try:
        return float(digits)
    except ValueError:
        return None


def parse_price(text: str | None, default_currency: str | None = None) -> Money | None:
    """"$1,180.00", "1 100,00 ₽", "12.00 €", "0.004 BTC" → amount and currency."""
    if not text:
        return None
    match = _NUMBER.search(text)
    if not match:
        return None
    amount = _number(match.group(0))
    if amount is None:
        return None
    return Money(amount=amount, currency=_currency(text) or default_currency)
