"""Market C is a single-page app: raw HTML holds no listing, a real browser sees every one."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import of_type
from tests.testsites.browser import chromium
from testsites.serve import Range


def test_raw_html_has_no_listings(served: Range, truth: list[dict], http: requests.Session) -> None:
    records = of_type(truth, "listing", site="market_c", online=True)
    assert records
    for path in ("/", f"/item/{records[0]['id'].split(':')[1]}"):
        body = http.get(served.direct_url("market_c") + path, timeout=30).text
        assert 'class="nm-card"' not in body
        assert not any(r["title"] in body for r in records[:50])
        assert not re.search(r'href="/item/\d+"', body)


def test_browser_sees_every_listing_by_infinite_scroll(served: Range, truth: list[dict]) -> None:
    expected = {int(r["id"].split(":")[1]) for r in of_type(truth, "listing", site="market_c", online=True)}
    langs = {r["lang"] for r in of_type(truth, "listing", site="market_c")}
    assert langs == {"de", "es", "fr"}
    with chromium(proxy=served.proxy.url.replace("socks5h://", "socks5://")) as browser:
        page = browser.new_page()
        page.goto(served.urls["market_c"] + "/", wait_until="domcontentloaded")
        page.wait_for_selector("article.nm-card")
        for _ in range(200):
            if page.inner_text("#sentinel").startswith("Ende"):
                break
            page.mouse.wheel(0, 20_000)
            page.wait_for_timeout(100)
        seen = {int(x) for x in page.eval_on_selector_all("article.nm-card", "els => els.map(e => e.dataset.id)")}
        assert seen == expected
        one = next(r for r in of_type(truth, "listing", site="market_c", online=True))
        page.goto(served.urls["market_c"] + f"/item/{one['id'].split(':')[1]}", wait_until="domcontentloaded")
        page.wait_for_selector("h1.nm-title")
        assert page.inner_text("h1.nm-title") == one["title"]
        assert page.inner_text("a.nm-vendor") == one["vendor"]


def test_live_page_never_reaches_network_idle(served: Range) -> None:
    with chromium() as browser:
        page = browser.new_page()
        with pytest.raises(PlaywrightTimeout):
            page.goto(served.direct_url("market_c") + "/live", wait_until="networkidle", timeout=4000)
