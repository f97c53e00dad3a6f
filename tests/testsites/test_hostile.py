"""Hostile pages behave as advertised, so the crawler's defences are tested against the real thing."""

from __future__ import annotations

import re
import socket
import time
import zlib
from urllib.parse import urlsplit

import requests

from tests.conftest import of_type
from testsites.serve import Range


def test_truth_lists_every_hostile_page(truth: list[dict]) -> None:
    kinds = {r["kind"] for r in of_type(truth, "hostile")}
    assert kinds == {"oversized", "compression_bomb", "slow_drip", "malformed", "session_id_trap", "calendar_trap",
                     "never_settles"}


def test_hostile_pages_are_linked_from_the_market(served: Range, http: requests.Session) -> None:
    home = http.get(served.direct_url("market_a") + "/", timeout=30).text
    for path in ("/archive", "/export/catalog.html", "/status", "/rules", "/?sid="):
        assert f'href="{path}' in home


def test_oversized_page_is_64_mib(served: Range, http: requests.Session) -> None:
    with http.get(served.direct_url("market_a") + "/archive", stream=True, timeout=30) as resp:
        assert int(resp.headers["Content-Length"]) == 64 * 1024 * 1024
        total = sum(len(c) for c in resp.iter_content(1 << 20))
    assert total == 64 * 1024 * 1024


def test_compression_bomb_is_small_on_the_wire_and_huge_inflated(served: Range, http: requests.Session) -> None:
    with http.get(served.direct_url("market_a") + "/export/catalog.html", stream=True, timeout=30) as resp:
        assert resp.headers["Content-Encoding"] == "gzip"
        raw = resp.raw.read(decode_content=False)
    assert len(raw) < 2 * 1024 * 1024
    inflated, data = 0, raw
    while data:  # 64 concatenated gzip members, inflated 16 MiB at a time
        d = zlib.decompressobj(31)
        buf = data
        while True:
            inflated += len(d.decompress(buf, 1 << 24))
            buf = d.unconsumed_tail
            if d.eof or not buf:
                break
        data = d.unused_data
    assert inflated >= 1024 * 1024 * 1024


def test_slow_drip_sends_a_byte_a_second(served: Range) -> None:
    url = urlsplit(served.direct_url("market_a"))
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(b"GET /status HTTP/1.1\r\nHost: x\r\n\r\n")
        buf = b""
        while b"\r\n\r\n" not in buf:
            buf += sock.recv(4096)
        start = time.monotonic()
        received = len(buf.split(b"\r\n\r\n", 1)[1])
        while time.monotonic() - start < 3.2:
            received += len(sock.recv(4096))
    assert 2 <= received <= 5, "about one byte a second"


def test_calendar_and_session_traps_never_end(served: Range, http: requests.Session) -> None:
    url, seen = served.direct_url("forum") + "/calendar?month=2026-01", set()
    for _ in range(60):
        body = http.get(url, timeout=30).text
        seen.add(url)
        url = served.direct_url("forum") + re.search(r'href="(/calendar\?month=[0-9-]+)">next', body).group(1)
    assert len(seen) == 60 and url not in seen
    url, seen = served.direct_url("market_a") + "/?sid=start", set()
    for _ in range(30):
        body = http.get(url, timeout=30).text
        seen.add(url)
        url = served.direct_url("market_a") + re.search(r'href="(/\?sid=[0-9a-f]+)"><b>', body).group(1)
    assert len(seen) == 30 and url not in seen


def test_malformed_pages_still_carry_their_text(served: Range, truth: list[dict], http: requests.Session) -> None:
    assert "Escrow is mandatory" in http.get(served.direct_url("market_a") + "/rules", timeout=30).text
    payloads = [r for r in of_type(truth, "listing") if r["payload"]]
    assert {r["payload"] for r in payloads} >= {"xss", "csv"}
    for record in payloads[:10]:
        body = http.get(served.direct_url(record["site"]) + urlsplit(record["url"]).path, timeout=30).text
        assert "<script>alert" not in body, "payloads are shown as text, never executed by the range itself"
