"""Each site over real HTTP on loopback: navigation reaches every listing and post the truth names."""

from __future__ import annotations

import html
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pgpy
import pytest
import requests

from tests.conftest import of_type, onion_session
from testsites.serve import Range

HREF = re.compile(r'href="([^"]+)"')


def walk(session: requests.Session, start: str, follow: re.Pattern[str], limit: int = 5000) -> dict[str, str]:
    """Breadth-first over same-site links whose path matches `follow`; returns url -> body."""
    seen: dict[str, str] = {}
    queue = deque([start])
    host = urlsplit(start).netloc
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        resp = session.get(url, timeout=30)
        assert resp.status_code == 200, f"{url}: HTTP {resp.status_code}"
        seen[url] = resp.text
        for href in HREF.findall(resp.text):
            nxt = urljoin(url, html.unescape(href)).split("#")[0]
            if urlsplit(nxt).netloc == host and follow.search(urlsplit(nxt).path + "?" + urlsplit(nxt).query):
                queue.append(nxt)
    assert len(seen) < limit, "walk did not converge"
    return seen


def listing_paths(pages: dict[str, str], pattern: str) -> set[str]:
    return {m for body in pages.values() for m in re.findall(pattern, body)}


def online_paths(truth: list[dict], site: str) -> set[str]:
    return {urlsplit(r["url"]).path for r in of_type(truth, "listing", site=site, online=True)}


def test_market_a_pagination_reaches_every_listing(served: Range, truth: list[dict]) -> None:
    with onion_session(served.proxy.url) as session:
        pages = walk(session, served.urls["market_a"] + "/", re.compile(r"^/(category/[a-z_]+)?\?(page=\d+)?$"))
    found = listing_paths(pages, r'href="(/listing/\d+)"')
    expected = online_paths(truth, "market_a")
    assert len(expected) > 500
    assert found == expected


def test_market_a_listing_page_shows_truth_fields(served: Range, truth: list[dict], http: requests.Session) -> None:
    listings = of_type(truth, "listing", site="market_a", online=True)
    malformed = [r for r in listings if r["malformed_html"]]
    assert malformed, "the range must serve some malformed listing pages"
    for record in listings[:40] + malformed[:5]:
        body = http.get(served.direct_url("market_a") + urlsplit(record["url"]).path, timeout=30).text
        assert html.escape(record["title"]) in body
        assert html.escape(record["vendor"]) in body
        assert f'${record["price"]["amount"]:,.2f}' in body


def test_unknown_listing_is_404(served: Range, http: requests.Session) -> None:
    for path in ("/listing/1", "/listing/abc", "/vendor/nobody-here"):
        assert http.get(served.direct_url("market_a") + path, timeout=30).status_code == 404


def test_shop_catalogue_complete_and_precursors_carry_cas(served: Range, truth: list[dict],
                                                         http: requests.Session) -> None:
    pages = walk(http, served.direct_url("shop") + "/products", re.compile(r"^/products\?page=\d+$"))
    assert listing_paths(pages, r'href="(/product/\d+)"') == online_paths(truth, "shop")
    precursors = of_type(truth, "listing", site="shop", category="precursor_offer")
    assert precursors and of_type(truth, "listing", site="shop", category="not_offer")
    assert all(s["cas"] and s["precursor_table"] in ("I", "II", None) for r in precursors for s in r["substances"])
    tables = {s["precursor_table"] for r in precursors for s in r["substances"]}
    assert {"I", "II"} <= tables


def test_forum_every_post_reachable(served: Range, truth: list[dict], http: requests.Session) -> None:
    pages = walk(http, served.direct_url("forum") + "/", re.compile(r"^/(board/[a-z-]+(\?page=\d+)?|thread/\d+)\??$"))
    found = {int(m) for body in pages.values() for m in re.findall(r'<div class="post" id="p(\d+)"', body)}
    posts = of_type(truth, "post", site="forum")
    assert found == {int(r["id"].split(":")[1]) for r in posts}
    kinds = {r["kind"] for r in posts}
    assert {"offer", "review", "scam_warning", "harm_reduction", "news", "question"} <= kinds
    assert {r["category"] for r in posts} == {"drug_offer", "not_offer"}


@pytest.mark.parametrize("channel", ["channel_ua", "channel_pt"])
def test_channel_before_pagination_yields_every_post(served: Range, truth: list[dict], http: requests.Session,
                                                      channel: str) -> None:
    url = f"{served.direct_url(channel)}/s/{channel}"
    ids: list[int] = []
    while url:
        body = http.get(url, timeout=30).text
        page_ids = [int(x) for x in re.findall(rf'data-post="{channel}/(\d+)"', body)]
        assert page_ids == sorted(page_ids)
        ids = page_ids + ids
        more = re.search(r'class="tme_messages_more" data-before="(\d+)" href="([^"]+)"', body)
        url = urljoin(url, html.unescape(more.group(2))) if more else ""
    expected = sorted(int(r["id"].split(":")[1]) + 1 for r in of_type(truth, "post", site=channel, online=True))
    assert ids == expected
    body = http.get(f"{served.direct_url(channel)}/s/{channel}", timeout=30).text
    assert "tgme_widget_message_views" in body and "<time datetime=" in body
    posts = of_type(truth, "post", site=channel)
    assert any(p["forwarded_from"] for p in posts) and any(p["kind"] == "menu" for p in posts)
    assert any(p["identifiers"] for p in posts if p["kind"] == "menu")


def test_vendor_pgp_keys_parse_and_match_truth(served: Range, truth: list[dict]) -> None:
    vendors = [v for v in of_type(truth, "vendor", site="market_a") if v["pgp"]]
    assert len(vendors) >= 5
    with onion_session(served.proxy.url) as session:
        for vendor in vendors[:25]:
            body = session.get(vendor["url"], timeout=30).text
            block = re.search(r"-----BEGIN PGP PUBLIC KEY BLOCK-----.*?-----END PGP PUBLIC KEY BLOCK-----", body, re.S)
            assert block, vendor["url"]
            key, _ = pgpy.PGPKey.from_blob(html.unescape(block.group(0)))
            assert key.fingerprint.replace(" ", "") == vendor["pgp"]["fingerprint"]
            assert key.userids[0].userid == vendor["pgp"]["user_id"]


def test_onion_names_resolve_only_through_the_proxy(served: Range, http: requests.Session) -> None:
    onion = served.urls["market_a"]
    assert urlsplit(onion).hostname.endswith(".onion")
    with onion_session(served.proxy.url) as session:
        assert session.get(onion + "/", timeout=30).status_code == 200
        for mirror in served.world.onions["market_a"][1:]:
            assert "APOLLON MARKET" in session.get(f"http://{mirror}/", timeout=30).text
    with pytest.raises(requests.ConnectionError):
        http.get(onion + "/", timeout=10)
    local = served.proxy.url.replace("socks5h://", "socks5://")
    with onion_session(local) as session, pytest.raises(requests.ConnectionError):
        session.get(onion + "/", timeout=10)
