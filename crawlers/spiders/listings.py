"""The generic listing spider for markets and shops: list pages → listings and vendor profiles."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from crawlers.extract import absolute, parse_price, select, select_all
from crawlers.spiders.base import SourceSpider
from narcwatch.models import Listing, Vendor


class ListingSpider(SourceSpider):
    kinds = ("market", "shop")

    def parse_start(self, response: Response) -> Iterator[Any]:
        yield from self.parse_index(response)

    def parse_index(self, response: Response) -> Iterator[Any]:
        """A home, category or result page: queue listings first, then more list pages."""
        src = self.source
        assert src.listings is not None
        self.check_scroll(response)
        yield from self.follow(response, self.links(response, src.listings.links), self.parse_listing, priority=10)
        if src.vendors:
            yield from self.follow(response, self.links(response, src.vendors.links), self.parse_vendor, priority=5)
        pages = self.links(response, src.pagination)
        yield from self.follow(response, pages, self.parse_index, same_level=True)
        for rule in src.follow:
            yield from self.follow(response, [u for u in self.links(response, rule) if u not in pages],
                                   self.parse_index)

    def _native_id(self, pattern: str, url: str) -> str | None:
        match = re.search(pattern, url)
        return match.group(1) if match else None

    def parse_listing(self, response: Response) -> Iterator[Any]:
        src = self.source
        assert src.listings is not None
        native = self._native_id(src.listings.id, response.url)
        if native is None:
            self.report.event("parse", response.url, "listing URL does not match the configured id pattern")
            return
        f = src.listings.fields
        item = Listing(source=src.name, key=f"{src.name}:{native}", url=response.url, native_id=native)
        for name in ("title", "description", "vendor", "ships_from", "ships_to", "category"):
            setattr(item, name, select(response, getattr(f, name)))
        item.price_text = select(response, f.price)
        item.price = parse_price(item.price_text, src.listings.currency)
        item.vendor_url = absolute(response.url, select(response, f.vendor_link))
        found = {"title": item.title, "price": item.price_text, "vendor": item.vendor}
        item.parse_warnings = [f"{n} not found" for n, v in found.items() if getattr(f, n) is not None and not v]
        if item.parse_warnings:
            self.report.event("parse", response.url, "; ".join(item.parse_warnings))
        yield self.stamp(item, response)
        if src.vendors and item.vendor_url and re.search(src.vendors.id, item.vendor_url):
            yield from self.follow(response, [item.vendor_url], self.parse_vendor, priority=5)

    def parse_vendor(self, response: Response) -> Iterator[Any]:
        src = self.source
        assert src.vendors is not None
        native = self._native_id(src.vendors.id, response.url)
        f = src.vendors.fields
        name = select(response, f.name) or native
        if not name:
            self.report.event("parse", response.url, "vendor page without a name")
            return
        vendor = Vendor(source=src.name, key=f"{src.name}:vendor:{native or name}", url=response.url, name=name,
                        pgp_key=select(response, f.pgp_key), feedback=select(response, f.feedback),
                        contacts=select_all(response, f.contacts) if f.contacts else [],
                        profile_text=select(response, f.profile))
        yield self.stamp(vendor, response)
        if src.listings:
            yield from self.follow(response, self.links(response, src.listings.links), self.parse_listing,
                                   priority=10)
