"""The range's SOCKS5 proxy must behave like Tor towards crawlers, and must never reach past loopback."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
import socks
from python_socks import ProxyError
from python_socks.sync import Proxy

from testsites.proxy import OnionProxy, run_in_thread

ONION = "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion"
ONION_ECHO = "2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion"
UNKNOWN_ONION = "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion"
PAGE = b"<html><body>market index</body></html>"


def _is_loopback(host: Any) -> bool:
    if host in (None, "localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def network_guard(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """Keep every test (and the in-process proxy) on 127.0.0.0/8, and record what would have left it.

    Non-loopback names fail like NXDOMAIN (RFC 7686 says .onion must), so no DNS query ever leaves the box.
    """
    seen: dict[str, list[Any]] = {"lookups": [], "blocked_connects": []}
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if not _is_loopback(name):
            seen["lookups"].append(name)
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real_getaddrinfo(host, *args, **kwargs)

    def _check(address: Any) -> None:
        if isinstance(address, tuple) and not _is_loopback(address[0]):
            seen["blocked_connects"].append(address)
            raise OSError(f"test guard: refusing to connect to {address!r}")

    def connect(self: socket.socket, address: Any) -> None:
        _check(address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        _check(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    return seen


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so taking a site offline must cut open tunnels

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(PAGE)))
        self.send_header("X-Seen-Host", self.headers.get("Host", ""))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # 50 concurrent connects must not overflow the listen backlog


@pytest.fixture
def site() -> Iterator[tuple[str, int]]:
    server = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield server.server_address[:2]  # type: ignore[misc]
    server.shutdown()
    server.server_close()


@pytest.fixture
def echo() -> Iterator[tuple[str, int]]:
    """Reads until EOF, then answers upper-cased and closes: only works if half-close is relayed."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve_one(conn: socket.socket) -> None:
        with conn:
            data = b""
            while chunk := conn.recv(65536):
                data += chunk
            conn.sendall(data.upper())

    def accept_loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=serve_one, args=(conn,), daemon=True).start()

    threading.Thread(target=accept_loop, daemon=True).start()
    yield listener.getsockname()[:2]
    stop.set()
    listener.close()


@pytest.fixture
def proxy(site: tuple[str, int], echo: tuple[str, int]) -> Iterator[OnionProxy]:
    p, stop = run_in_thread({ONION: site, ONION_ECHO: echo})
    yield p
    stop()
    assert not p._handlers, "handler tasks leaked"


def _session(proxy_url: str | None = None) -> requests.Session:
    s = requests.Session()
    s.trust_env = False  # ignore any *_PROXY in the environment
    if proxy_url:
        s.proxies = {"http": proxy_url, "https": proxy_url}
    return s


def _wait_for(cond: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.01)


def _pysocks(p: OnionProxy, rdns: bool = True, **kwargs: Any) -> socks.socksocket:
    s = socks.socksocket()
    s.settimeout(5)
    s.set_proxy(socks.SOCKS5, "127.0.0.1", p.port, rdns=rdns, **kwargs)
    return s


def _raw_socks(p: OnionProxy, request: bytes) -> tuple[socket.socket, bytes]:
    """Greeting with no-auth, then `request`; returns the socket and the 10-byte reply (or less on close)."""
    s = socket.create_connection(("127.0.0.1", p.port), timeout=5)
    s.sendall(b"\x05\x01\x00")
    assert s.recv(2) == b"\x05\x00"
    s.sendall(request)
    reply = b""
    while len(reply) < 10 and (chunk := s.recv(10 - len(reply))):
        reply += chunk
    return s, reply


def _domain_request(name: str, port: int = 80, cmd: int = 1) -> bytes:
    raw = name.encode()
    return bytes([5, cmd, 0, 3, len(raw)]) + raw + struct.pack(">H", port)


# 1
def test_socks5h_fetches_onion(proxy: OnionProxy, network_guard: dict[str, list[Any]]) -> None:
    assert proxy.url == f"socks5h://127.0.0.1:{proxy.port}"
    r = _session(proxy.url).get(f"http://{ONION}/", timeout=5)
    assert r.status_code == 200 and r.content == PAGE
    assert r.headers["X-Seen-Host"] == ONION  # the site sees its onion name, as behind Tor
    assert proxy.stats["connected"] == 1 and proxy.stats["upstream"] == 1
    assert proxy.stats["per_host"] == {ONION: 1}
    assert proxy.log == [(ONION, "ok")]
    assert network_guard == {"lookups": [], "blocked_connects": []}


# 2
def test_onion_without_proxy_does_not_resolve(proxy: OnionProxy, network_guard: dict[str, list[Any]]) -> None:
    with pytest.raises(requests.ConnectionError):
        _session().get(f"http://{ONION}/", timeout=5)
    assert network_guard["lookups"] == [ONION]
    assert proxy.stats["connections"] == 0


# 3
def test_socks5_local_resolution_fails(proxy: OnionProxy, network_guard: dict[str, list[Any]]) -> None:
    local = proxy.url.replace("socks5h://", "socks5://")
    with pytest.raises(requests.ConnectionError):
        _session(local).get(f"http://{ONION}/", timeout=5)
    assert ONION in network_guard["lookups"]  # the client tried to resolve it itself
    assert proxy.stats["requests"] == 0 and proxy.stats["upstream"] == 0


def test_client_resolved_ip_is_refused(proxy: OnionProxy, network_guard: dict[str, list[Any]]) -> None:
    for ip in ("192.0.2.10", "127.0.0.1", "::1"):
        s = _pysocks(proxy, rdns=False)
        with pytest.raises(socks.ProxyError, match="0x02"):
            s.connect((ip, 80))
        s.close()
    assert proxy.stats["refused"] == {"ip_address": 3}
    assert proxy.stats["upstream"] == 0
    assert network_guard["blocked_connects"] == []


def test_loopback_ip_allowed_when_enabled(site: tuple[str, int]) -> None:
    p, stop = run_in_thread({}, allow_loopback_ip=True)
    try:
        r = _session(p.url).get(f"http://127.0.0.1:{site[1]}/", timeout=5)
        assert r.content == PAGE
        s = _pysocks(p)
        with pytest.raises(socks.ProxyError, match="0x02"):
            s.connect(("127.0.0.2", site[1]))  # only 127.0.0.1 exactly
        s.close()
        assert p.log == [("127.0.0.1", "ok"), ("127.0.0.2", "ip_address")]
    finally:
        stop()
    stop()  # idempotent


# 4
def test_unknown_onion_is_host_unreachable(proxy: OnionProxy) -> None:
    s = _pysocks(proxy)
    with pytest.raises(socks.ProxyError, match="0x04"):
        s.connect((UNKNOWN_ONION, 80))
    s.close()
    with pytest.raises(requests.ConnectionError, match="0x04"):
        _session(proxy.url).get(f"http://{UNKNOWN_ONION}/", timeout=5)
    assert proxy.stats["refused"] == {"unknown_onion": 2}
    assert proxy.stats["upstream"] == 0


def test_removed_route_goes_offline_and_back(proxy: OnionProxy, site: tuple[str, int]) -> None:
    session = _session(proxy.url)
    assert session.get(f"http://{ONION}/", timeout=5).status_code == 200
    assert proxy.stats["active"] == 1  # the keep-alive tunnel is still open
    assert proxy.remove_route(ONION) is True
    assert proxy.remove_route(ONION) is False
    _wait_for(lambda: proxy.stats["active"] == 0)  # the open tunnel was cut too
    with pytest.raises(requests.ConnectionError, match="0x04"):
        session.get(f"http://{ONION}/", timeout=5)
    assert (ONION, "unknown_onion") in proxy.log
    proxy.add_route(ONION.upper(), site)  # names are case-insensitive
    assert session.get(f"http://{ONION}/", timeout=5).content == PAGE
    proxy.set_routes(proxy.routes)  # an unchanged route keeps its tunnel...
    time.sleep(0.05)
    assert proxy.stats["active"] == 1
    proxy.set_routes({})  # ...a vanished one loses it
    _wait_for(lambda: proxy.stats["active"] == 0)


def test_routed_site_down_is_refused(proxy: OnionProxy) -> None:
    dead = socket.create_server(("127.0.0.1", 0))
    port = dead.getsockname()[1]
    dead.close()
    proxy.set_routes({ONION: ("127.0.0.1", port)})
    s = _pysocks(proxy)
    with pytest.raises(socks.ProxyError, match="0x05"):
        s.connect((ONION, 80))
    s.close()
    assert proxy.stats["refused"] == {"upstream_refused": 1}


def test_routes_must_stay_on_loopback(proxy: OnionProxy) -> None:
    with pytest.raises(ValueError):
        proxy.set_routes({ONION: ("93.184.215.14", 80)})
    with pytest.raises(ValueError):
        OnionProxy({ONION: ("example.com", 80)})
    assert ONION in proxy.routes  # a rejected table leaves the old one in place


# 5
def test_username_password_auth(proxy: OnionProxy) -> None:
    url = f"socks5h://alice:isolation-token@127.0.0.1:{proxy.port}"
    assert _session(url).get(f"http://{ONION}/", timeout=5).content == PAGE

    sock = Proxy.from_url(f"socks5://bob:x@127.0.0.1:{proxy.port}", rdns=True).connect(ONION, 80, timeout=5)
    with sock:
        sock.sendall(f"GET / HTTP/1.1\r\nHost: {ONION}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.") and data.endswith(PAGE)

    with pytest.raises(ProxyError) as err:
        Proxy.from_url(url.replace("socks5h", "socks5"), rdns=True).connect(UNKNOWN_ONION, 80, timeout=5)
    assert err.value.error_code == 4
    assert proxy.stats["auth"] == {"none": 0, "userpass": 3}


# 6
def test_clearnet_name_refused_without_outbound(proxy: OnionProxy, network_guard: dict[str, Any]) -> None:
    with pytest.raises(requests.ConnectionError, match="0x04"):
        _session(proxy.url).get("http://example.com/", timeout=5)
    assert proxy.stats["refused"] == {"clearnet": 1}
    assert proxy.stats["upstream"] == 0 and proxy.stats["connected"] == 0
    assert proxy.log == [("example.com", "clearnet")]
    assert network_guard == {"lookups": [], "blocked_connects": []}


def test_clearnet_name_reachable_only_if_routed(site: tuple[str, int]) -> None:
    p, stop = run_in_thread({"Example.COM.": site})
    try:
        assert _session(p.url).get("http://example.com/", timeout=5).content == PAGE
    finally:
        stop()


# 7
def test_concurrent_fetches(proxy: OnionProxy) -> None:
    def fetch(_: int) -> bytes:
        with _session(proxy.url) as s:
            return s.get(f"http://{ONION}/", timeout=10).content

    with ThreadPoolExecutor(max_workers=50) as pool:
        pages = list(pool.map(fetch, range(50)))
    assert pages == [PAGE] * 50
    assert proxy.stats["connected"] == 50 and proxy.stats["per_host"] == {ONION: 50}
    assert proxy.stats["refused"] == {}
    _wait_for(lambda: proxy.stats["active"] == 0 and not proxy._handlers)
    assert proxy.stats["bytes_down"] >= 50 * len(PAGE)


# protocol details
def test_half_close_is_relayed(proxy: OnionProxy) -> None:
    s, reply = _raw_socks(proxy, _domain_request(ONION_ECHO))
    with s:
        assert reply[:2] == b"\x05\x00"
        s.sendall(b"hello ")
        s.sendall(b"world")
        s.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    assert data == b"HELLO WORLD"
    _wait_for(lambda: proxy.stats["active"] == 0)
    assert proxy.stats["bytes_up"] == 11 and proxy.stats["bytes_down"] == 11


def test_non_connect_command_refused(proxy: OnionProxy) -> None:
    for cmd in (2, 3):  # BIND, UDP ASSOCIATE
        s, reply = _raw_socks(proxy, _domain_request(ONION, cmd=cmd))
        s.close()
        assert reply[:2] == b"\x05\x07"
    assert proxy.stats["refused"] == {"command": 2} and proxy.stats["upstream"] == 0


def test_bad_clients_are_dropped(proxy: OnionProxy) -> None:
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as s:
        s.sendall(b"GET / HTTP/1.1\r\n\r\n")  # not SOCKS at all
        assert s.recv(10) == b""
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as s:
        s.sendall(b"\x05\x01\x01")  # GSSAPI only
        assert s.recv(10) == b"\x05\xff"
        assert s.recv(10) == b""
    s, reply = _raw_socks(proxy, b"\x05\x01\x00\x09")  # unknown address type
    s.close()
    assert reply[:2] == b"\x05\x08"
    _wait_for(lambda: not proxy._handlers)
    assert proxy.stats["refused"] == {"protocol": 2, "address_type": 1}


def test_client_reset_mid_tunnel_leaks_nothing(proxy: OnionProxy) -> None:
    s, reply = _raw_socks(proxy, _domain_request(ONION_ECHO))
    assert reply[:2] == b"\x05\x00"
    s.sendall(b"partial")
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()  # RST
    _wait_for(lambda: proxy.stats["active"] == 0 and not proxy._handlers)


def test_async_stop_cuts_open_tunnels(site: tuple[str, int]) -> None:
    async def scenario() -> None:
        async with OnionProxy({ONION: site}) as p:
            reader, writer = await asyncio.open_connection("127.0.0.1", p.port)
            writer.write(b"\x05\x01\x00" + _domain_request(ONION))
            assert await reader.readexactly(12) == b"\x05\x00" + b"\x05\x00\x00\x01" + bytes(6)
            writer.write(f"GET / HTTP/1.1\r\nHost: {ONION}\r\n\r\n".encode())  # keep-alive
            await reader.readuntil(PAGE)
            assert p.stats["active"] == 1
        assert p.stats["active"] == 0 and not p._handlers
        assert await asyncio.wait_for(reader.read(), 5) == b""  # the client sees the tunnel close
        writer.close()

    asyncio.run(scenario())
