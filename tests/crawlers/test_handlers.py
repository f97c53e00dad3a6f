"""SourceDownloadHandler in real Scrapy crawls: proxied sources never reach a site directly, and limits hold via SOCKS.

Each crawl runs in a child process (a Twisted reactor cannot be restarted in-process). The site records the peer of
every connection; the range's SOCKS proxy connects from 127.0.0.2, so anything from 127.0.0.1 came direct.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from testsites.proxy import OnionProxy, run_in_thread

REPO = Path(__file__).resolve().parents[2]
ONION = "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion"
UNKNOWN_ONION = "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion"
PROXY_ONLY_NAME = "market.narcwatch.invalid"  # .invalid never resolves: only the proxy's route table knows it
PROXIED_FROM = "127.0.0.2"
CREDS = "tor-user:s3cret-isolation"
MIB = 1024 * 1024
MAXSIZE = 8 * MIB
BIG = 20 * MIB
RENDERED = "rendered by javascript"
CHROMIUM = "/usr/bin/chromium"

# The child: a network guard (loopback only, every lookup and connect recorded), one spider driven by a JSON spec.
CHILD = r'''
import ipaddress, json, re, socket, sys, time

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.utils.python import global_object_name

spec = json.loads(open(sys.argv[1]).read())
lookups, connects = [], []


def loopback(host):
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect


def getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    lookups.append(name)
    if not loopback(name):
        raise socket.gaierror(socket.EAI_NONAME, "test guard: no DNS beyond loopback")
    return real_getaddrinfo(host, *args, **kwargs)


def connect(self, address):
    if isinstance(address, tuple):
        connects.append(list(address[:2]))
        if not loopback(address[0]):
            raise OSError(f"test guard: no connection to {address!r}")
    return real_connect(self, address)


socket.getaddrinfo, socket.socket.connect = getaddrinfo, connect
results = []


class Probe(scrapy.Spider):
    name = "probe"

    async def start(self):
        for r in spec["requests"]:
            yield self.make(r)

    def make(self, r):
        meta = {**r.get("meta", {}), "spec": r, "t0": time.monotonic()}
        return scrapy.Request(r["url"], meta=meta, callback=self.ok, errback=self.err, dont_filter=True)

    def ok(self, response):
        r = response.meta["spec"]
        results.append({"label": r["label"], "status": response.status, "size": len(response.body),
                        "text": response.text[:2000]})
        for nxt in r.get("next", []):
            request = self.make(nxt)
            if nxt.get("reuse_page"):
                request.meta["playwright_page"] = response.meta["playwright_page"]
            yield request

    def err(self, failure):
        meta = failure.request.meta
        results.append({"label": meta["spec"]["label"], "error": global_object_name(failure.type),
                        "message": str(failure.value), "elapsed": time.monotonic() - meta["t0"]})


process = CrawlerProcess(spec["settings"])
crawler = process.create_crawler(Probe)
process.crawl(crawler)
process.start()
stats = {k: v for k, v in crawler.stats.get_stats().items() if isinstance(v, (int, float, str))}
out = {"results": results, "stats": stats, "lookups": lookups, "connects": connects,
       # The crawl's own peak: VmHWM starts afresh at exec, while ru_maxrss keeps the forking test process's.
       "maxrss_mib": int(re.search(r"VmHWM:\s+(\d+) kB", open("/proc/self/status").read()).group(1)) / 1024}
open(sys.argv[2], "w").write(json.dumps(out))
'''

BASE_SETTINGS: dict[str, Any] = {
    "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
    "DOWNLOAD_HANDLERS": {
        "http": "crawlers.handlers.SourceDownloadHandler",
        "https": "crawlers.handlers.SourceDownloadHandler",
    },
    "LOG_LEVEL": "DEBUG",  # the widest net for leaked credentials
    "ROBOTSTXT_OBEY": False,
    "TELNETCONSOLE_ENABLED": False,
    "DOWNLOAD_TIMEOUT": 10,
    "RETRY_TIMES": 2,
}
BROWSER_SETTINGS: dict[str, Any] = {
    "NARCWATCH_BROWSER_ENABLED": True,
    "PLAYWRIGHT_BROWSER_TYPE": "chromium",
    "PLAYWRIGHT_LAUNCH_OPTIONS": {
        "executable_path": CHROMIUM,
        "headless": True,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"],
    },
    "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": 20_000,
}


# -- the site --


@dataclass
class Visit:
    peer: str
    path: str
    headers: dict[str, str]


class _Site(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, bomb: bytes) -> None:
        self.bomb = bomb
        self.peers: list[str] = []  # one per TCP connection
        self.visits: list[Visit] = []
        super().__init__(("127.0.0.1", 0), _SiteHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.peers.append(client_address[0])
        super().process_request(request, client_address)


class _SiteHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Site

    def do_GET(self) -> None:  # noqa: N802
        self.server.visits.append(Visit(self.client_address[0], self.path, dict(self.headers.items())))
        path = self.path.split("?")[0]
        try:
            if path == "/big":
                self._big(with_length="cl" in self.path)
            elif path == "/bomb":
                self._send(self.server.bomb, ("Content-Encoding", "gzip"))
            elif path == "/slow":
                self._slow()
            elif path == "/render":
                # the inline icon keeps Chromium from fetching /favicon.ico whenever it likes
                self._send(f"<html><head><link rel=icon href='data:,'></head><body><p id=out>static</p><script>"
                           f"document.getElementById('out').textContent = '{RENDERED}'</script></body></html>".encode())
            else:
                self._send(f"<html><body>page {self.path}</body></html>".encode())
        except OSError:
            self.close_connection = True  # the crawler hung up (cut off or timed out): that is the point

    def _send(self, body: bytes, *headers: tuple[str, str]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _big(self, *, with_length: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        if with_length:
            self.send_header("Content-Length", str(BIG))
        else:  # delimited by close, so only the streaming check can stop it
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        chunk = b"x" * MIB
        for _ in range(BIG // MIB):
            self.wfile.write(chunk)

    def _slow(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "30")
        self.end_headers()
        for _ in range(30):
            self.wfile.write(b"x")
            self.wfile.flush()
            time.sleep(1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """~256 KiB of gzip that inflates to 256 MiB of zeros."""
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9) as gz:
        zeros = bytes(MIB)
        for _ in range(256):
            gz.write(zeros)
    return buf.getvalue()


def _serve(bomb: bytes) -> tuple[_Site, Any]:
    site = _Site(bomb)
    threading.Thread(target=site.serve_forever, args=(0.05,), daemon=True).start()

    def stop() -> None:
        site.shutdown()
        site.server_close()

    return site, stop


def _start_proxy(site: _Site) -> tuple[OnionProxy, Any]:
    route = site.server_address[:2]
    return run_in_thread({ONION: route, PROXY_ONLY_NAME: route}, source_address=PROXIED_FROM)


@pytest.fixture
def site(bomb: bytes) -> Iterator[_Site]:
    server, stop = _serve(bomb)
    yield server
    stop()


@pytest.fixture
def proxy(site: _Site) -> Iterator[OnionProxy]:
    p, stop = _start_proxy(site)
    yield p
    stop()


# -- running a crawl --


@dataclass
class Crawl:
    results: list[dict[str, Any]]
    stats: dict[str, Any]
    lookups: list[str]
    connects: list[list[Any]]
    maxrss_mib: float
    log: str

    def one(self, label: str) -> dict[str, Any]:
        [result] = [r for r in self.results if r["label"] == label]
        return result

    def errors(self) -> dict[str, str]:
        return {r["label"]: r["error"] for r in self.results if "error" in r}


_PROXY_ENV = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}  # HttpProxyMiddleware would pick these up


def crawl(tmp_path: Path, requests: list[dict[str, Any]], timeout: float = 60, **settings: Any) -> Crawl:
    script, spec, out = tmp_path / "crawl.py", tmp_path / "spec.json", tmp_path / "out.json"
    script.write_text(CHILD, encoding="utf-8")
    spec.write_text(json.dumps({"requests": requests, "settings": {**BASE_SETTINGS, **settings}}), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k.lower() not in _PROXY_ENV}
    env["PYTHONPATH"] = str(REPO)
    proc = subprocess.run([sys.executable, str(script), str(spec), str(out)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0 and out.exists(), proc.stderr[-5000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    return Crawl(log=proc.stderr, **data)


def proxied(proxy: OnionProxy, url: str, label: str, *, scheme: str = "socks5h", creds: bool = True,
            **meta: Any) -> dict[str, Any]:
    """A request of a source configured with the range proxy, as the source middleware marks it."""
    proxy_url = f"{scheme}://{CREDS + '@' if creds else ''}127.0.0.1:{proxy.port}"
    return {"url": url, "label": label, "meta": {"proxy": proxy_url, "narcwatch_proxy_required": True, **meta}}


def _dead_port() -> int:
    s = socket.create_server(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _assert_no_credentials(log: str) -> None:
    user, password = CREDS.split(":")
    assert password not in log and user not in log


# -- proxied sources --


def test_proxied_crawl_never_reaches_the_site_directly(tmp_path: Path, site: _Site, proxy: OnionProxy) -> None:
    requests = [proxied(proxy, f"http://{ONION}/page/{i}", f"page-{i}") for i in range(40)]
    # socks5:// resolves remotely too (and without credentials the proxy sees no-auth)
    requests += [proxied(proxy, f"http://{ONION}/page/{i}", f"page-{i}", scheme="socks5", creds=False)
                 for i in range(40, 50)]
    requests.append(proxied(proxy, f"http://{PROXY_ONLY_NAME}/", "proxy-only-name"))
    requests.append(proxied(proxy, f"http://{UNKNOWN_ONION}/", "unknown-onion"))
    c = crawl(tmp_path, requests)

    pages = [c.one(f"page-{i}") for i in range(50)]
    assert [p["status"] for p in pages] == [200] * 50
    assert c.one("proxy-only-name")["status"] == 200  # resolvable only by the proxy: socks5h
    assert len(site.visits) == 51
    assert set(site.peers) == {PROXIED_FROM}  # not one direct connection
    assert {name for name, outcome in proxy.log if outcome == "ok"} == {ONION, PROXY_ONLY_NAME}
    assert proxy.stats["auth"]["userpass"] > 0 and proxy.stats["auth"]["none"] > 0
    assert c.lookups == []  # no name was resolved locally
    assert {tuple(a) for a in c.connects} == {("127.0.0.1", proxy.port)}  # the crawler only ever talked to the proxy

    unknown = c.one("unknown-onion")
    assert unknown["error"] == "scrapy.exceptions.DownloadFailedError"
    assert unknown["message"] == (f"Tor/SOCKS proxy socks5h://127.0.0.1:{proxy.port} could not reach {UNKNOWN_ONION}:"
                                  f" host unreachable (SOCKS reply 0x04)")
    assert c.stats["retry/count"] == 2 and c.stats["retry/max_reached"] == 1
    assert "experimental" not in c.log
    _assert_no_credentials(c.log)


def test_proxy_down_fails_closed(tmp_path: Path, site: _Site) -> None:
    dead = _dead_port()
    down = {"proxy": f"socks5h://{CREDS}@127.0.0.1:{dead}", "narcwatch_proxy_required": True}
    site_port = site.server_address[1]
    requests = [
        {"url": f"http://{ONION}/", "label": "onion", "meta": down},
        # reachable directly, so a fallback would show up at the site
        {"url": f"http://127.0.0.1:{site_port}/", "label": "clearnet", "meta": down},
    ]
    c = crawl(tmp_path, requests)

    expected = (f"Tor/SOCKS proxy socks5h://127.0.0.1:{dead} refused the connection;"
                f" request NOT sent directly (fail-closed)")
    for label in ("onion", "clearnet"):
        result = c.one(label)
        assert result["error"] == "scrapy.exceptions.DownloadConnectionRefusedError"
        assert result["message"] == expected
    assert site.peers == []
    assert {tuple(a) for a in c.connects} == {("127.0.0.1", dead)}
    assert c.stats["retry/count"] == 4 and c.stats["retry/max_reached"] == 2
    assert c.stats["downloader/request_count"] == 6
    assert c.log.count(f"(failed 3 times): {expected}") == 2  # "Gave up retrying", with the reason
    assert c.lookups == []
    _assert_no_credentials(c.log)


def test_hidden_services_and_proxied_sources_need_a_socks_proxy(
    tmp_path: Path, site: _Site, proxy: OnionProxy
) -> None:
    site_port = site.server_address[1]
    requests = [
        {"url": f"http://{ONION}/", "label": "onion"},
        {"url": f"http://{ONION.upper()}./", "label": "onion-spelling"},
        {"url": "http://market.i2p/", "label": "i2p"},
        {"url": f"http://{ONION}/", "label": "onion-http-proxy", "meta": {"proxy": f"http://127.0.0.1:{proxy.port}"}},
        {"url": f"http://127.0.0.1:{site_port}/", "label": "required", "meta": {"narcwatch_proxy_required": True}},
        {"url": f"http://127.0.0.1:{site_port}/", "label": "browser-off", "meta": {"playwright": True}},
    ]
    c = crawl(tmp_path, requests)

    refused = "crawlers.handlers.OnionWithoutProxyError"
    assert c.errors() == {"onion": refused, "onion-spelling": refused, "i2p": refused, "onion-http-proxy": refused,
                          "required": refused, "browser-off": "crawlers.handlers.BrowserNotEnabledError"}
    assert c.one("onion")["message"] == (f"Refused http://{ONION}/: {ONION} is a hidden service but it has no proxy;"
                                         f" request NOT sent directly (fail-closed)")
    assert f"its proxy http://127.0.0.1:{proxy.port} is not SOCKS" in c.one("onion-http-proxy")["message"]
    assert "its source must be crawled through a SOCKS proxy" in c.one("required")["message"]
    assert "NARCWATCH_BROWSER_ENABLED is off" in c.one("browser-off")["message"]
    assert c.stats["narcwatch/proxy_refused"] == 5 and "retry/count" not in c.stats
    assert c.log.count("request NOT sent directly (fail-closed)") >= 5  # reported, though IgnoreRequest is silent
    assert proxy.stats["connections"] == 0 and site.peers == []
    assert c.lookups == []


# -- hostile responses, through the proxy --


@pytest.fixture(scope="module")
def limits(bomb: bytes, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Crawl, _Site, OnionProxy]]:
    """One crawl for all limits (they run concurrently, so the slowest one sets the wall time)."""
    site, stop_site = _serve(bomb)
    proxy, stop_proxy = _start_proxy(site)
    direct = f"http://127.0.0.1:{site.server_address[1]}"
    requests = [
        proxied(proxy, f"http://{ONION}/big", "big"),
        proxied(proxy, f"http://{ONION}/big?cl", "big-announced"),
        {"url": f"{direct}/big", "label": "big-direct"},
        proxied(proxy, f"http://{ONION}/bomb", "bomb"),
        proxied(proxy, f"http://{ONION}/slow", "slow"),
    ]
    try:
        c = crawl(tmp_path_factory.mktemp("limits"), requests, DOWNLOAD_MAXSIZE=MAXSIZE, DOWNLOAD_WARNSIZE=MAXSIZE // 2,
                  DOWNLOAD_TIMEOUT=2, RETRY_ENABLED=False)
        yield c, site, proxy
    finally:
        stop_proxy()
        stop_site()


def test_oversized_pages_are_cut_off(limits: tuple[Crawl, _Site, OnionProxy]) -> None:
    c, site, _ = limits
    for label, prefix in (("big", "Received"), ("big-direct", "Received"), ("big-announced", "Expected to receive")):
        result = c.one(label)
        assert result["error"] == "scrapy.exceptions.DownloadCancelledError", result
        assert result["message"].startswith(prefix)
        assert f"larger than download max size ({MAXSIZE})" in result["message"]
        assert result["message"] in c.log  # logged as a warning, not only raised
    assert f"larger than download warn size ({MAXSIZE // 2})" in c.log
    big = {(v.peer, v.path) for v in site.visits if v.path.startswith("/big")}
    assert big == {(PROXIED_FROM, "/big"), (PROXIED_FROM, "/big?cl"), ("127.0.0.1", "/big")}


def test_compression_bomb_is_dropped_without_inflating_it(limits: tuple[Crawl, _Site, OnionProxy], bomb: bytes) -> None:
    c, _, _ = limits
    result = c.one("bomb")
    assert result["error"] == "scrapy.exceptions.IgnoreRequest"
    assert f"({len(bomb)} B compressed" in result["message"]
    assert f"exceeded DOWNLOAD_MAXSIZE ({MAXSIZE} B) during decompression" in result["message"]
    assert result["message"] in c.log
    # About 105 MiB here; inflating the bomb instead (DOWNLOAD_MAXSIZE=0) peaks above 600 MiB.
    assert c.maxrss_mib < 300, c.maxrss_mib


def test_slow_responses_time_out(limits: tuple[Crawl, _Site, OnionProxy]) -> None:
    c, _, proxy = limits
    result = c.one("slow")
    assert result["error"] == "scrapy.exceptions.DownloadTimeoutError"
    assert result["message"] == (f"Getting http://{ONION}/slow via Tor/SOCKS proxy socks5h://127.0.0.1:{proxy.port}"
                                 f" took longer than 2.0 seconds.")
    assert 1.9 < result["elapsed"] < 4


# -- the browser --


def _browser_request(proxy: OnionProxy, url: str, label: str, context: str, server: str | None,
                     **proxy_kwargs: Any) -> dict[str, Any]:
    request = proxied(proxy, url, label, playwright=True, playwright_context=context)
    if server is not None:
        request["meta"]["playwright_context_kwargs"] = {"proxy": {"server": server, **proxy_kwargs}}
    return request


def test_browser_requests_of_proxied_sources_need_the_same_proxy(
    tmp_path: Path, site: _Site, proxy: OnionProxy
) -> None:
    """All refused before Chromium is even launched."""
    good = f"socks5://127.0.0.1:{proxy.port}"
    requests = [
        _browser_request(proxy, f"http://{ONION}/render", "no-context-proxy", "a", None),
        _browser_request(proxy, f"http://{ONION}/render", "other-port", "b", f"socks5://127.0.0.1:{_dead_port()}"),
        _browser_request(proxy, f"http://{ONION}/render", "socks4", "c", f"socks4://127.0.0.1:{proxy.port}"),
        _browser_request(proxy, f"http://{ONION}/render", "http-scheme", "d", f"127.0.0.1:{proxy.port}"),
        _browser_request(proxy, f"http://{ONION}/render", "bypass", "e", good, bypass=".onion"),
        {"url": f"http://{ONION}/render", "label": "onion-no-proxy",
         "meta": {"playwright": True, "playwright_context_kwargs": {"proxy": {"server": good}}}},
    ]
    c = crawl(tmp_path, requests, **BROWSER_SETTINGS)

    mismatch = "crawlers.handlers.BrowserProxyMismatchError"
    assert c.errors() == {"no-context-proxy": mismatch, "other-port": mismatch, "socks4": mismatch,
                          "http-scheme": mismatch, "bypass": mismatch,
                          "onion-no-proxy": "crawlers.handlers.OnionWithoutProxyError"}
    assert c.one("no-context-proxy")["message"] == (
        f"Refused browser request http://{ONION}/render: its source's proxy is socks5h://127.0.0.1:{proxy.port},"
        f" so the browser must use socks5:// to it (playwright context 'a' asks for no proxy);"
        f" request NOT sent directly (fail-closed)")
    assert "bypass list" in c.one("bypass")["message"]
    assert c.stats["narcwatch/proxy_refused"] == 6
    assert "playwright/browser_count" not in c.stats  # nothing was launched
    assert c.log.count("Starting download handler") == 1  # one Playwright for the http and https handlers
    assert proxy.stats["connections"] == 0 and site.peers == []
    _assert_no_credentials(c.log)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
def test_browser_renders_through_the_proxy_and_contexts_stay_pinned(
    tmp_path: Path, site: _Site, proxy: OnionProxy
) -> None:
    direct = f"http://127.0.0.1:{site.server_address[1]}"
    server = f"socks5://127.0.0.1:{proxy.port}"
    onion = _browser_request(proxy, f"http://{ONION}/render", "onion", "onion", server)
    # once created, a context keeps its proxy: scrapy-playwright would ignore a request's context kwargs
    onion["next"] = [_browser_request(proxy, f"http://{ONION}/render?again", "same-context-no-proxy", "onion", None)]
    clear = {"url": f"{direct}/render?direct", "label": "direct",
             "meta": {"playwright": True, "playwright_context": "clear", "playwright_include_page": True}}
    clear["next"] = [
        _browser_request(proxy, f"http://{ONION}/render?leak", "proxied-in-direct-context", "clear", server),
        {**_browser_request(proxy, f"http://{ONION}/render?page", "direct-page", "onion", server), "reuse_page": True},
    ]
    c = crawl(tmp_path, [onion, clear], **BROWSER_SETTINGS)

    assert c.one("onion")["status"] == 200 and RENDERED in c.one("onion")["text"]
    assert c.one("direct")["status"] == 200 and RENDERED in c.one("direct")["text"]
    mismatch = "crawlers.handlers.BrowserProxyMismatchError"
    assert c.errors() == {"same-context-no-proxy": mismatch, "proxied-in-direct-context": mismatch,
                          "direct-page": mismatch}
    assert "playwright context 'onion' was created with proxy" in c.one("same-context-no-proxy")["message"]
    assert "playwright context 'clear' was created with no proxy" in c.one("proxied-in-direct-context")["message"]
    assert "the playwright_page in meta is not a page of context 'onion'" in c.one("direct-page")["message"]
    visits = [(v.peer, v.path) for v in site.visits]
    assert visits.count((PROXIED_FROM, "/render")) == 1 and (("127.0.0.1", "/render?direct")) in visits
    assert {path for _, path in visits} == {"/render", "/render?direct"}  # the refused ones never arrived
    assert (ONION, "ok") in proxy.log  # Chromium handed the onion name to the proxy
    # HttpProxyMiddleware turned the proxy credentials into a header; the browser must not send it to the site
    assert not any("proxy-authorization" in {k.lower() for k in v.headers} for v in site.visits)
    assert c.stats["playwright/browser_count"] == 1
    _assert_no_credentials(c.log)
