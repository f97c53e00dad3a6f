"""Evidence capture: WARC records that standard tools verify, tamper and crash detection, and a real Scrapy crawl."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import subprocess
import sys
import textwrap
import threading
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler
from scrapy_playwright.page import PageMethod
from warcio.archiveiterator import ArchiveIterator

from crawlers.evidence import EvidenceError, EvidenceMiddleware, WarcStore, verify_evidence, verify_warc
from narcwatch.models import Evidence

HTML = "<html><body><h1>Crystal 5g</h1><p>Versand aus M\u00fcnchen</p></body></html>".encode()
GZ_HTML = gzip.compress(HTML, mtime=0)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
BINARY = bytes(range(256)) * 40
WHEN = datetime(2025, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)


def write(store: WarcStore, url: str = "http://market.example/listing/1", **overrides: object) -> Evidence:
    exchange: dict[str, object] = {
        "url": url,
        "method": "GET",
        "request_headers": [("User-Agent", "Mozilla/5.0"), ("Accept-Encoding", "gzip, deflate")],
        "request_body": b"",
        "status": 200,
        "response_headers": [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Encoding", "gzip"),
            ("Transfer-Encoding", "chunked"),
            ("X-Vendor", "caf\xe9"),  # latin-1 decoded raw byte 0xE9, must be stored as that one byte
        ],
        "body": GZ_HTML,
        "ip_address": "127.0.0.1",
        "fetched_at": WHEN,
    }
    exchange.update(overrides)
    return store.write_exchange(**exchange)  # type: ignore[arg-type]


def records(path: Path) -> list[tuple[int, Any, bytes, bytes]]:
    """(member offset, warcio record, HTTP payload, whole block as stored) for every record, read by warcio and gzip."""
    data = path.read_bytes()
    out = []
    with path.open("rb") as fh:
        iterator = ArchiveIterator(fh)
        for record in iterator:
            payload = record.raw_stream.read()
            offset, length = iterator.get_record_offset(), iterator.get_record_length()
            stored = gzip.decompress(data[offset : offset + length])
            block = stored.split(b"\r\n\r\n", 1)[1].removesuffix(b"\r\n\r\n")
            out.append((offset, record, payload, block))
    return out


def by_id(path: Path, record_id: str) -> tuple[Any, bytes, bytes]:
    return next((r, p, b) for _, r, p, b in records(path) if r.rec_headers.get_header("WARC-Record-ID") == record_id)


def member_bounds(path: Path) -> list[tuple[int, int]]:
    with path.open("rb") as fh:
        iterator = ArchiveIterator(fh)
        return [(iterator.get_record_offset(), iterator.get_record_length()) for _ in iterator]


@pytest.fixture()
def three(tmp_path: Path) -> tuple[Path, list[Evidence]]:
    """A gzip-encoded page, a binary download, and a rendered page with a screenshot."""
    with WarcStore(tmp_path, "run-7", "market-a", operator="unit 7") as store:
        evidence = [
            write(store),
            write(
                store,
                "http://market.example/img/9.bin",
                method="POST",
                request_headers=[("Content-Type", "application/x-www-form-urlencoded")],
                request_body=b"id=9",
                status=299,
                response_headers=[("Content-Type", "application/octet-stream")],
                body=BINARY,
                ip_address=None,
            ),
            write(
                store,
                "http://market.example/vendor/x",
                response_headers=[("Content-Type", "text/html")],
                body=HTML,
                rendered=True,
                screenshot=PNG,
            ),
        ]
    assert store.files == [tmp_path / "run-7-market-a-00001.warc.gz"]
    return store.files[0], evidence


def test_every_exchange_verifies_and_warcio_agrees_with_the_digests(three: tuple[Path, list[Evidence]]) -> None:
    path, evidence = three
    for item in evidence:
        verify_evidence(path.parent, item)
    assert verify_warc(path).ok and verify_warc(path).records == 1 + 2 + 2 + 3

    with path.open("rb") as fh:
        checked = 0
        for record in ArchiveIterator(fh, check_digests=True):
            record.raw_stream.read()
            assert record.digest_checker.problems == []
            assert record.digest_checker.passed is True, record.rec_headers
            checked += 1
    assert checked == 8
    warcio_cli = Path(sys.executable).parent / "warcio"
    result = subprocess.run([warcio_cli, "check", "-v", path], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("digest pass") == 8


def test_records_parse_back_to_the_exchange(three: tuple[Path, list[Evidence]]) -> None:
    path, (page, download, rendered) = three
    (info_offset, info, fields, _), *_ = records(path)
    assert info_offset == 0 and info.rec_type == "warcinfo"
    assert b"operator: unit 7" in fields and b"narcwatch-run-id: run-7" in fields
    assert b"software: narcwatch/" in fields and b"hostname" not in fields

    response, payload, block = by_id(path, page.record_id)
    assert response.rec_type == "response"
    assert response.http_headers.get_statuscode() == "200"
    assert response.http_headers.statusline == "200 OK"
    assert response.http_headers.get_header("Transfer-Encoding") is None
    assert response.http_headers.get_header("Content-Encoding") == "gzip"
    assert response.http_headers.get_header("X-Vendor") == "caf\xe9"
    assert b"\r\nX-Vendor: caf\xe9\r\n" in block  # header bytes stored verbatim, not re-encoded
    assert payload == GZ_HTML and block.endswith(b"\r\n\r\n" + GZ_HTML)  # the raw, still-compressed payload
    assert response.rec_headers.get_header("WARC-Date") == "2025-03-01T12:30:15.123456Z"
    assert response.rec_headers.get_header("WARC-IP-Address") == "127.0.0.1"
    assert response.rec_headers.get_header("WARC-Concurrent-To") == page.request_record_id
    assert response.rec_headers.get_header("WARC-Rendered") is None
    assert page.payload_sha256 == hashlib.sha256(GZ_HTML).hexdigest()
    assert page.block_sha256 == hashlib.sha256(block).hexdigest()
    assert dict(member_bounds(path))[page.offset] == page.length

    digest = response.rec_headers.get_header("WARC-Payload-Digest")
    assert digest.startswith("sha256:") and base64.b32decode(digest[7:]).hex() == page.payload_sha256

    request, _, raw_request = by_id(path, page.request_record_id)
    assert request.rec_type == "request"
    assert raw_request.startswith(b"GET /listing/1 HTTP/1.1\r\nUser-Agent: Mozilla/5.0\r\n")
    assert request.rec_headers.get_header("WARC-Target-URI") == page.url
    assert request.rec_headers.get_header("WARC-Concurrent-To") == page.record_id

    _, _, raw_post = by_id(path, download.request_record_id)
    assert raw_post.startswith(b"POST /img/9.bin HTTP/1.1\r\n") and raw_post.endswith(b"\r\n\r\nid=9")
    binary, binary_payload, _ = by_id(path, download.record_id)
    assert binary_payload == BINARY and binary.http_headers.statusline == "299 Unknown"
    assert binary.rec_headers.get_header("WARC-IP-Address") is None

    html, _, _ = by_id(path, rendered.record_id)
    assert html.rec_headers.get_header("WARC-Rendered") == "true" and rendered.rendered
    shot, shot_payload, shot_block = by_id(path, rendered.screenshot_record_id)
    assert shot.rec_type == "resource" and shot_payload == shot_block == PNG
    assert shot.rec_headers.get_header("Content-Type") == "image/png"
    assert shot.rec_headers.get_header("WARC-Concurrent-To") == rendered.record_id
    assert shot.rec_headers.get_header("WARC-Target-URI") == rendered.url
    assert rendered.screenshot_sha256 == hashlib.sha256(PNG).hexdigest()


def recompress_with_flipped_byte(path: Path, evidence: Evidence, needle: bytes) -> None:
    """Tamper like someone who knows the format: change one payload byte and write a valid gzip member back."""
    data = path.read_bytes()
    member = data[evidence.offset : evidence.offset + evidence.length]
    plain = bytearray(gzip.decompress(member))
    at = plain.index(needle)
    plain[at] ^= 0x01
    path.write_bytes(data[: evidence.offset] + gzip.compress(bytes(plain)) + data[evidence.offset + evidence.length :])


def test_a_changed_payload_byte_is_detected_even_in_a_valid_gzip_member(three: tuple[Path, list[Evidence]]) -> None:
    path, (page, download, _) = three
    recompress_with_flipped_byte(path, download, BINARY[1000:1016])
    verify_evidence(path.parent, page)  # records before the tampered one are untouched

    with pytest.raises(EvidenceError) as caught:
        verify_evidence(path.parent, download)
    message = str(caught.value)
    assert path.name in message and download.record_id in message
    assert f"payload SHA-256 is {hashlib.sha256(BINARY).hexdigest()}" not in message
    assert f"the evidence says {download.payload_sha256}" in message

    check = verify_warc(path)
    assert not check.ok
    assert [e for e in check.errors if download.record_id in e and "WARC-Payload-Digest" in e]
    assert all(page.record_id not in e for e in check.errors)


def test_a_flipped_byte_in_the_compressed_file_is_detected(three: tuple[Path, list[Evidence]]) -> None:
    path, (page, download, _) = three
    data = bytearray(path.read_bytes())
    data[download.offset + download.length // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    verify_evidence(path.parent, page)

    with pytest.raises(EvidenceError, match=download.record_id):
        verify_evidence(path.parent, download)
    check = verify_warc(path)
    assert check.errors and f"offset {download.offset}" in check.errors[-1]


def test_missing_file_and_wrong_offset_are_explained(three: tuple[Path, list[Evidence]]) -> None:
    path, (page, download, rendered) = three
    with pytest.raises(EvidenceError, match="cannot be opened"):
        verify_evidence(path.parent, page.model_copy(update={"warc_file": "gone.warc.gz"}))
    with pytest.raises(EvidenceError, match=f"found record {download.request_record_id}"):
        verify_evidence(path.parent, download.model_copy(update={"offset": page.offset + page.length}))
    with pytest.raises(EvidenceError, match="screenshot record <urn:uuid:nope> not found"):
        verify_evidence(path.parent, rendered.model_copy(update={"screenshot_record_id": "<urn:uuid:nope>"}))
    with pytest.raises(EvidenceError, match="does not belong to response"):
        verify_evidence(path.parent, page.model_copy(update=rendered.model_dump(include={"screenshot_record_id"})))


def test_files_rotate_and_each_starts_with_warcinfo(tmp_path: Path) -> None:
    with WarcStore(tmp_path, "r1", "forum", max_size=1) as store:
        evidence = [write(store, f"http://forum.example/t/{n}") for n in range(3)]
    names = [f"r1-forum-{n:05d}.warc.gz" for n in (1, 2, 3)]
    assert [p.name for p in store.files] == names
    assert sorted(p.name for p in tmp_path.iterdir()) == names
    assert [e.warc_file for e in evidence] == names
    for path, item in zip(store.files, evidence, strict=True):
        (_, info, _, _), *rest = records(path)
        assert info.rec_type == "warcinfo" and info.rec_headers.get_header("WARC-Filename") == path.name
        assert [r.rec_type for _, r, _, _ in rest] == ["request", "response"]
        assert all(
            r.rec_headers.get_header("WARC-Warcinfo-ID") == info.rec_headers.get_header("WARC-Record-ID")
            for _, r, _, _ in rest
        )
        assert verify_warc(path).ok
        verify_evidence(tmp_path, item)


def test_store_is_closed_once_and_refuses_further_writes(tmp_path: Path) -> None:
    store = WarcStore(tmp_path, "r1", "forum")
    assert store.files == []  # nothing is created until there is something to preserve
    write(store)
    store.close()
    store.close()
    with pytest.raises(ValueError, match="closed"):
        write(store)
    with pytest.raises(ValueError, match="file name"):
        WarcStore(tmp_path, "../r1", "forum")
    with pytest.raises(ValueError, match="timezone-aware"), WarcStore(tmp_path, "r1", "forum") as other:
        write(other, fetched_at=datetime(2025, 1, 1))


def test_a_crashed_file_is_never_appended_to(tmp_path: Path) -> None:
    (tmp_path / "r1-forum-00007.warc.gz").write_bytes(b"")  # an older file of the same run
    (tmp_path / "r1-forum-extra-00042.warc.gz").write_bytes(b"")  # a different source that shares a prefix
    store = WarcStore(tmp_path, "r1", "forum")
    evidence = [write(store, f"http://forum.example/t/{n}") for n in range(3)]
    store.close()
    crashed = tmp_path / "r1-forum-00008.warc.gz"
    assert store.files == [crashed]
    last = evidence[-1]
    with crashed.open("r+b") as fh:  # kill -9 in the middle of writing the last response
        fh.truncate(last.offset + last.length // 2)

    with WarcStore(tmp_path, "r1", "forum") as resumed:
        after = write(resumed, "http://forum.example/t/3")
    assert after.warc_file == "r1-forum-00009.warc.gz"
    verify_evidence(tmp_path, after)

    check = verify_warc(crashed)
    assert check.errors == [f"{crashed.name}: truncated record at offset {last.offset} (file ends inside it)"]
    assert check.records == 1 + 2 + 2 + 1  # warcinfo, two exchanges, the last request
    for item in evidence[:-1]:
        verify_evidence(tmp_path, item)
    with pytest.raises(EvidenceError, match="truncated record"):
        verify_evidence(tmp_path, last)


class Market(Spider):
    name = "market_spider"
    source_name = "market-a"


@pytest.fixture()
def middleware(tmp_path: Path) -> EvidenceMiddleware:
    crawler = get_crawler(Market, {"NARCWATCH_EVIDENCE_DIR": str(tmp_path / "ev"), "NARCWATCH_RUN_ID": "run-1"})
    crawler.spider = Market.from_crawler(crawler)
    return EvidenceMiddleware.from_crawler(crawler)


def test_middleware_keeps_a_redirect_chain_and_hides_proxy_credentials(middleware: EvidenceMiddleware) -> None:
    request = Request("http://market.example/go", headers={"Proxy-Authorization": "Basic c2VjcmV0", "X-A": "1"})
    hop = HtmlResponse("http://market.example/go", status=302, headers={"Location": "/a"}, request=request)
    assert middleware.process_response(request, hop) is hop
    follow = request.replace(url="http://market.example/a")  # what RedirectMiddleware builds: meta is copied
    page = HtmlResponse("http://market.example/a", body=HTML, request=follow, protocol="h2", ip_address=None)
    assert middleware.process_response(follow, page) is page

    first, last = follow.meta["evidence"]
    assert request.meta["evidence"] == [first]  # the earlier request's list was not mutated
    assert (first.status, first.url, last.status, last.url) == (302, hop.url, 200, page.url)
    middleware.spider_closed()
    directory = middleware.directory
    path = directory / "run-1-market-a-00001.warc.gz"
    assert verify_warc(path).ok
    for item in (first, last):
        verify_evidence(directory, item)
    _, _, raw_request = by_id(path, first.request_record_id)
    assert b"X-A: 1" in raw_request and b"Proxy-Authorization" not in raw_request and b"c2VjcmV0" not in raw_request
    _, _, raw_page = by_id(path, last.record_id)
    assert raw_page.startswith(b"HTTP/2 200 OK\r\n")
    stats = middleware.crawler.stats.get_stats()
    assert stats["evidence/records"] == 2 and "evidence/screenshots" not in stats
    assert stats["evidence/bytes"] == path.stat().st_size


def test_middleware_stores_the_playwright_screenshot(middleware: EvidenceMiddleware) -> None:
    methods = [PageMethod("wait_for_selector", "h1"), PageMethod("screenshot", full_page=True)]
    methods[0].result, methods[1].result = object(), PNG
    request = Request("http://market.example/v", meta={"playwright": True, "playwright_page_methods": methods})
    response = HtmlResponse("http://market.example/v", body=HTML, request=request)
    middleware.process_response(request, response)
    middleware.spider_closed()
    (evidence,) = request.meta["evidence"]
    assert evidence.rendered and evidence.screenshot_sha256 == hashlib.sha256(PNG).hexdigest()
    verify_evidence(middleware.directory, evidence)
    assert middleware.crawler.stats.get_value("evidence/screenshots") == 1


def test_middleware_drops_a_page_whose_evidence_cannot_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_bytes(b"")
    crawler = get_crawler(Market, {"NARCWATCH_EVIDENCE_DIR": str(blocker), "NARCWATCH_RUN_ID": "run-1"})
    crawler.spider = Market.from_crawler(crawler)
    mw = EvidenceMiddleware.from_crawler(crawler)
    request = Request("http://market.example/a")
    with pytest.raises(IgnoreRequest, match="evidence could not be written; page not processed"):
        mw.process_response(request, HtmlResponse(request.url, body=HTML, request=request))
    assert "evidence" not in request.meta
    assert crawler.stats.get_value("evidence/failures") == 1


def test_middleware_needs_a_directory_and_a_run_id() -> None:
    with pytest.raises(NotConfigured):
        EvidenceMiddleware.from_crawler(get_crawler(Market, {"NARCWATCH_RUN_ID": "run-1"}))
    with pytest.raises(ValueError, match="NARCWATCH_RUN_ID"):
        EvidenceMiddleware.from_crawler(get_crawler(Market, {"NARCWATCH_EVIDENCE_DIR": "/tmp/x"}))


class Site(BaseHTTPRequestHandler):
    """A tiny market: a gzip-compressed index, a chunked page, and a redirect."""

    protocol_version = "HTTP/1.1"
    index = (
        "<html><body><h1>Index \u00fcber alles</h1><a href='/chunked'>c</a><a href='/go'>g</a></body></html>"
    ).encode()
    compressed = gzip.compress(index, mtime=0)

    def do_GET(self) -> None:
        if self.path == "/":
            self._send(
                200, [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")], self.compressed
            )
        elif self.path == "/go":
            self._send(302, [("Location", "/final")], b"")
        elif self.path == "/final":
            self._send(200, [("Content-Type", "text/html")], b"<html><body><h1>Final</h1></body></html>")
        elif self.path == "/chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunks = (b"<html>", b"<h1>Chunked</h1></html>", b"")
            self.wfile.write(b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks))
        else:
            self._send(404, [], b"")

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture()
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


CRAWL = textwrap.dedent(
    """
    import json, sys
    import scrapy
    from scrapy.crawler import CrawlerProcess

    base, evidence_dir, out = sys.argv[1:4]

    class Market(scrapy.Spider):
        name = "e2e"
        source_name = "market-a"
        start_urls = [base + "/"]

        def parse(self, response):
            yield {
                "url": response.url,
                "text": response.text,
                "evidence": [e.model_dump(mode="json") for e in response.meta["evidence"]],
            }
            yield from response.follow_all(css="a")

    process = CrawlerProcess({
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "DOWNLOADER_MIDDLEWARES": {"crawlers.evidence.EvidenceMiddleware": 950},
        "NARCWATCH_EVIDENCE_DIR": evidence_dir,
        "NARCWATCH_RUN_ID": "run-e2e",
        "HTTPPROXY_ENABLED": False,
        "ROBOTSTXT_OBEY": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "FEEDS": {out + "/items.jsonl": {"format": "jsonlines"}},
    })
    crawler = process.create_crawler(Market)
    process.crawl(crawler)
    process.start()
    with open(out + "/stats.json", "w") as fh:
        json.dump(crawler.stats.get_stats(), fh, default=str)
    """
)


def test_a_real_crawl_preserves_every_response_before_the_spider_sees_it(site: str, tmp_path: Path) -> None:
    script = tmp_path / "crawl.py"
    script.write_text(CRAWL)
    evidence_dir = tmp_path / "evidence"
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}  # loopback only, never via a proxy
    result = subprocess.run(
        [sys.executable, script, site, evidence_dir, tmp_path],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Warning" not in result.stderr, result.stderr  # e.g. no deprecated middleware signature
    items = {i["url"]: i for i in map(json.loads, (tmp_path / "items.jsonl").read_text(encoding="utf-8").splitlines())}
    assert set(items) == {f"{site}/", f"{site}/chunked", f"{site}/final"}, result.stderr[-3000:]

    for item in items.values():
        for evidence in map(Evidence.model_validate, item["evidence"]):
            verify_evidence(evidence_dir, evidence)
        assert Evidence.model_validate(item["evidence"][-1]).url == item["url"]

    index = Evidence.model_validate(items[f"{site}/"]["evidence"][-1])
    assert "Index \u00fcber alles" in items[f"{site}/"]["text"]  # the spider saw decompressed text
    assert index.payload_sha256 == hashlib.sha256(Site.compressed).hexdigest()  # the WARC kept the wire bytes
    path = evidence_dir / index.warc_file
    response, payload, _ = by_id(path, index.record_id)
    assert response.http_headers.get_header("Content-Encoding") == "gzip" and payload == Site.compressed
    assert zlib.decompress(payload, 16 + zlib.MAX_WBITS) == Site.index

    chain = [Evidence.model_validate(e) for e in items[f"{site}/final"]["evidence"]]
    assert [(e.status, e.url) for e in chain] == [(302, f"{site}/go"), (200, f"{site}/final")]
    chunked = Evidence.model_validate(items[f"{site}/chunked"]["evidence"][-1])
    _, _, raw_chunked = by_id(evidence_dir / chunked.warc_file, chunked.record_id)
    assert raw_chunked.endswith(b"\r\n\r\n<html><h1>Chunked</h1></html>") and b"Transfer-Encoding" not in raw_chunked

    assert [p.name for p in evidence_dir.iterdir()] == ["run-e2e-market-a-00001.warc.gz"]
    assert verify_warc(path).ok and verify_warc(path).records == 1 + 2 * 4
    stats = json.loads((tmp_path / "stats.json").read_text())
    assert stats["evidence/records"] == stats["downloader/response_count"] == 4
    assert stats["evidence/bytes"] > 0 and "evidence/failures" not in stats
