"""SOCKS5 front door of the test range: it plays Tor, so crawlers reach local sites as they reach onions.

Names are resolved only here, only through the route table (socks5h), and every route must point at loopback.
A crawler that resolves names itself, or that would wander onto clearnet, therefore fails here the way it must
fail (or leak) behind real Tor, and the range can never contact anything outside 127.0.0.0/8.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import threading
from collections.abc import Callable, Mapping
from typing import Any

# RFC 1928 reply codes (the ones Tor actually sends).
REP_SUCCEEDED = 0x00
REP_GENERAL_FAILURE = 0x01
REP_NOT_ALLOWED = 0x02
REP_HOST_UNREACHABLE = 0x04
REP_CONNECTION_REFUSED = 0x05
REP_COMMAND_NOT_SUPPORTED = 0x07
REP_ADDRESS_TYPE_NOT_SUPPORTED = 0x08

_ATYP_IPV4, _ATYP_DOMAIN, _ATYP_IPV6 = 0x01, 0x03, 0x04
_METHOD_NONE, _METHOD_USERPASS, _METHOD_REJECT = 0x00, 0x02, 0xFF
_CMD_CONNECT = 0x01
# Tor answers with an all-zero bind address; clients ignore it for CONNECT.
_BIND_ZERO = bytes([_ATYP_IPV4, 0, 0, 0, 0, 0, 0])

Route = tuple[str, int]


class _ProtocolError(Exception):
    """The client did not speak SOCKS5; drop it without a reply, as there is no valid one to give."""


def _normalise(host: str) -> str:
    """DNS names are case-insensitive and may carry a root dot; routes must match either spelling."""
    return host.strip().rstrip(".").lower()


def _check_loopback(host: str, what: str = "route target") -> None:
    """Refuse routes that leave the machine: the range must never contact anything real."""
    if host == "localhost":
        return
    try:
        ok = ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"{what} {host!r} is not a loopback address")


class OnionProxy:
    """Tor-like SOCKS5 proxy that maps hostnames (normally .onion) to loopback servers.

    Supports no-auth and RFC 1929 username/password (any credentials, as Tor uses them only for stream
    isolation), CONNECT only, and remote name resolution only. The requested port is ignored: each routed
    name is one site at one loopback address.
    """

    def __init__(
        self,
        routes: Mapping[str, Route],
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        allow_loopback_ip: bool = False,
        log: list[tuple[str, str]] | None = None,
        handshake_timeout: float = 10.0,
        connect_timeout: float = 10.0,
        source_address: str | None = None,
    ) -> None:
        if source_address is not None:
            _check_loopback(source_address, "source address")
        self.host = host
        self.port = port
        self.allow_loopback_ip = allow_loopback_ip
        self.handshake_timeout = handshake_timeout
        self.connect_timeout = connect_timeout
        # Local address of upstream connections (e.g. 127.0.0.2), so a site can tell proxied visits from direct ones.
        self.source_address = source_address
        # (hostname, outcome) per request; pass a shared list to merge logs of several components.
        self.log: list[tuple[str, str]] = [] if log is None else log
        self.stats: dict[str, Any] = {
            "connections": 0,  # client TCP connections accepted
            "requests": 0,  # SOCKS requests parsed (any command, any outcome)
            "connected": 0,  # tunnels established
            "upstream": 0,  # outbound connection attempts (only ever to loopback)
            "active": 0,  # tunnels open right now
            "auth": {"none": 0, "userpass": 0},
            "per_host": {},  # hostname (or IP string) -> requests
            "refused": {},  # reason -> count
            "bytes_up": 0,  # client -> site
            "bytes_down": 0,  # site -> client
        }
        self._server: asyncio.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self._tunnels: dict[str, set[asyncio.Transport]] = {}
        self._routes: dict[str, Route] = {}
        self.set_routes(routes)

    # -- route table (safe to call from any thread: the table is replaced, never mutated in place) --

    @property
    def routes(self) -> dict[str, Route]:
        """A copy, so callers cannot bypass the loopback check."""
        return dict(self._routes)

    def set_routes(self, routes: Mapping[str, Route], *, drop_active: bool = True) -> None:
        """Replace the whole route table; tunnels to names that vanish or move are cut (see remove_route)."""
        table: dict[str, Route] = {}
        for name, (thost, tport) in routes.items():
            _check_loopback(thost)
            table[_normalise(name)] = (thost, int(tport))
        old, self._routes = self._routes, table
        if drop_active:
            self._drop_tunnels_soon([n for n, target in old.items() if table.get(n) != target])

    def add_route(self, host: str, target: Route) -> None:
        """Bring one site (back) online."""
        self.set_routes({**self._routes, _normalise(host): target})

    def remove_route(self, host: str, *, drop_active: bool = True) -> bool:
        """Take a site offline; new requests get 0x04. Returns whether it was routed.

        Open tunnels are cut too by default, because otherwise keep-alive clients would still reach a site
        that is supposed to be gone.
        """
        name = _normalise(host)
        table = dict(self._routes)
        existed = table.pop(name, None) is not None
        self._routes = table
        if drop_active:
            self._drop_tunnels_soon([name])
        return existed

    def _drop_tunnels_soon(self, names: list[str]) -> None:
        """Tunnels live on the proxy's loop, which may be another thread's."""
        loop = self._loop
        if names and loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._drop_tunnels, names)

    def _drop_tunnels(self, names: list[str]) -> None:
        for name in names:
            for transport in list(self._tunnels.get(name, ())):
                transport.abort()

    # -- lifecycle --

    @property
    def url(self) -> str:
        """socks5h, so clients hand the name to the proxy instead of resolving it."""
        return f"socks5h://{self.host}:{self.port}"

    async def start(self) -> None:
        """Bind and accept; with port 0 the chosen port is available as `.port` afterwards."""
        if self._server is not None:
            raise RuntimeError("proxy already started")
        self._loop = asyncio.get_running_loop()
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop accepting and cut every open tunnel, leaving no task behind."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        await asyncio.sleep(0)  # let connections accepted just before close() start their handlers
        while self._handlers:
            handlers = list(self._handlers)
            for task in handlers:
                task.cancel()
            await asyncio.gather(*handlers, return_exceptions=True)
        # Only after the handlers are gone: on 3.12+ wait_closed also waits for client connections.
        await server.wait_closed()

    async def __aenter__(self) -> OnionProxy:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- bookkeeping --

    def _refuse_count(self, reason: str) -> None:
        refused = self.stats["refused"]
        refused[reason] = refused.get(reason, 0) + 1

    def _record(self, host: str, outcome: str) -> None:
        self.log.append((host, outcome))
        if outcome != "ok":
            self._refuse_count(outcome)

    # -- one client --

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        self.stats["connections"] += 1
        try:
            await self._serve(reader, writer)
        except asyncio.CancelledError:
            # Only stop() cancels handlers. Ending normally matters: 3.11's start_server callback calls
            # task.exception() on the finished task, which raises (and logs an error) if it was cancelled.
            task.uncancel()
        finally:
            self._handlers.discard(task)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream: asyncio.StreamWriter | None = None
        try:
            try:
                async with asyncio.timeout(self.handshake_timeout):
                    request = await self._negotiate(reader, writer)
            except (_ProtocolError, asyncio.IncompleteReadError, TimeoutError, ConnectionError):
                self._refuse_count("protocol")
                return
            if request is None:
                return
            name, target = request
            upstream_pair = await self._connect(name, target, writer)
            if upstream_pair is None:
                return
            up_reader, upstream = upstream_pair
            await self._relay(name, reader, writer, up_reader, upstream)
        except ConnectionError:
            pass  # client vanished mid-reply; the finally block is all the cleanup needed
        finally:
            await _close(writer, upstream)

    async def _negotiate(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> tuple[str, Route] | None:
        """Greeting, optional auth and request; returns (name, target) or None after sending a refusal."""
        ver, nmethods = await reader.readexactly(2)
        if ver != 5:
            raise _ProtocolError(f"SOCKS version {ver}")
        methods = await reader.readexactly(nmethods)
        # Prefer user/pass when offered: that is how clients ask Tor for stream isolation.
        if _METHOD_USERPASS in methods:
            writer.write(bytes([5, _METHOD_USERPASS]))
            await writer.drain()
            sub_ver, ulen = await reader.readexactly(2)
            if sub_ver != 1:
                raise _ProtocolError(f"auth sub-negotiation version {sub_ver}")
            await reader.readexactly(ulen)
            (plen,) = await reader.readexactly(1)
            await reader.readexactly(plen)
            writer.write(b"\x01\x00")  # any credentials are fine
            self.stats["auth"]["userpass"] += 1
        elif _METHOD_NONE in methods:
            writer.write(bytes([5, _METHOD_NONE]))
            self.stats["auth"]["none"] += 1
        else:
            writer.write(bytes([5, _METHOD_REJECT]))
            await writer.drain()
            raise _ProtocolError("no acceptable auth method")
        await writer.drain()

        ver, cmd, _rsv, atyp = await reader.readexactly(4)
        if ver != 5:
            raise _ProtocolError(f"SOCKS version {ver} in request")
        if atyp == _ATYP_IPV4:
            name = str(ipaddress.IPv4Address(await reader.readexactly(4)))
        elif atyp == _ATYP_IPV6:
            name = str(ipaddress.IPv6Address(await reader.readexactly(16)))
        elif atyp == _ATYP_DOMAIN:
            (length,) = await reader.readexactly(1)
            name = _normalise((await reader.readexactly(length)).decode("utf-8", "replace"))
        else:
            self.stats["requests"] += 1
            await _reply(writer, REP_ADDRESS_TYPE_NOT_SUPPORTED)
            self._refuse_count("address_type")
            return None
        port = int.from_bytes(await reader.readexactly(2), "big")

        self.stats["requests"] += 1
        per_host = self.stats["per_host"]
        per_host[name] = per_host.get(name, 0) + 1
        if cmd != _CMD_CONNECT:
            return await self._refuse(writer, name, REP_COMMAND_NOT_SUPPORTED, "command")
        target, rep, reason = self._resolve(atyp, name, port)
        if target is None:
            return await self._refuse(writer, name, rep, reason)
        return name, target

    def _resolve(self, atyp: int, name: str, port: int) -> tuple[Route | None, int, str]:
        """Remote name resolution, restricted to the route table."""
        ip: ipaddress.IPv4Address | ipaddress.IPv6Address | None
        try:
            ip = ipaddress.ip_address(name)  # an IP literal sent as a name is still an IP
        except ValueError:
            ip = None
        if ip is None and atyp == _ATYP_DOMAIN:
            route = self._routes.get(name)
            if route is not None:
                return route, REP_SUCCEEDED, "ok"
            reason = "unknown_onion" if name.endswith(".onion") else "clearnet"
            return None, REP_HOST_UNREACHABLE, reason
        # The client resolved the name itself (or asked for a raw address): that is a leak, not a crawl.
        if self.allow_loopback_ip and ip == ipaddress.IPv4Address("127.0.0.1"):
            return ("127.0.0.1", port), REP_SUCCEEDED, "ok"
        return None, REP_NOT_ALLOWED, "ip_address"

    async def _refuse(self, writer: asyncio.StreamWriter, name: str, rep: int, reason: str) -> None:
        self._record(name, reason)
        await _reply(writer, rep)
        return None

    async def _connect(
        self, name: str, target: Route, writer: asyncio.StreamWriter
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        """Open the loopback side; a routed site that is down looks like a refused/unreachable onion."""
        self.stats["upstream"] += 1
        try:
            async with asyncio.timeout(self.connect_timeout):
                local_addr = (self.source_address, 0) if self.source_address else None
                pair = await asyncio.open_connection(*target, local_addr=local_addr)
        except ConnectionRefusedError:
            await self._refuse(writer, name, REP_CONNECTION_REFUSED, "upstream_refused")
            return None
        except OSError:  # includes TimeoutError
            await self._refuse(writer, name, REP_HOST_UNREACHABLE, "upstream_unreachable")
            return None
        try:
            await _reply(writer, REP_SUCCEEDED)
        except BaseException:  # client gone or stop(): the caller never sees this socket, so close it here
            await _close(pair[1])
            raise
        self._record(name, "ok")
        self.stats["connected"] += 1
        return pair

    async def _relay(
        self,
        name: str,
        c_reader: asyncio.StreamReader,
        c_writer: asyncio.StreamWriter,
        u_reader: asyncio.StreamReader,
        u_writer: asyncio.StreamWriter,
    ) -> None:
        """Pump both ways until both directions are finished; EOF is forwarded so half-close works."""
        transports = self._tunnels.setdefault(name, set())
        pair = (c_writer.transport, u_writer.transport)
        transports.update(pair)  # type: ignore[arg-type]
        self.stats["active"] += 1
        try:
            await asyncio.gather(
                self._pump(c_reader, u_writer, c_writer, "bytes_up"),
                self._pump(u_reader, c_writer, u_writer, "bytes_down"),
            )
        finally:
            self.stats["active"] -= 1
            transports.difference_update(pair)
            if not transports:
                self._tunnels.pop(name, None)

    async def _pump(
        self,
        src: asyncio.StreamReader,
        dst: asyncio.StreamWriter,
        src_writer: asyncio.StreamWriter,
        counter: str,
    ) -> None:
        try:
            while data := await src.read(65536):
                self.stats[counter] += len(data)
                dst.write(data)
                await dst.drain()
            if dst.can_write_eof() and not dst.is_closing():
                dst.write_eof()
        except OSError:
            # One side broke: abort both so the opposite pump sees EOF instead of waiting forever.
            dst.transport.abort()
            src_writer.transport.abort()


async def _reply(writer: asyncio.StreamWriter, rep: int) -> None:
    writer.write(bytes([5, rep, 0]) + _BIND_ZERO)
    await writer.drain()


async def _close(*writers: asyncio.StreamWriter | None) -> None:
    """Close gracefully, but never let a peer that stopped reading (or a cancel) hold a socket open."""
    live = [w for w in writers if w is not None]
    for w in live:
        w.close()
    try:
        async with asyncio.timeout(1.0):
            for w in live:
                with contextlib.suppress(OSError):
                    await w.wait_closed()
    except TimeoutError:
        _abort(live)
    except BaseException:  # cancelled: still free the sockets, then let the cancel through
        _abort(live)
        raise


def _abort(writers: list[asyncio.StreamWriter]) -> None:
    for w in writers:
        w.transport.abort()


def run_in_thread(routes: Mapping[str, Route], **kwargs: Any) -> tuple[OnionProxy, Callable[[], None]]:
    """Run a proxy on its own loop in a daemon thread, for scripts whose range runs elsewhere.

    Returns the started proxy and an idempotent stop function; route changes may be made from any thread.
    """
    proxy = OnionProxy(routes, **kwargs)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="onion-proxy", daemon=True)
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(proxy.start(), loop).result(timeout=10)
    except BaseException:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
        raise
    lock = threading.Lock()

    def stop() -> None:
        with lock:
            if loop.is_closed():
                return
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(proxy.stop(), loop).result(timeout=10)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
            loop.close()

    return proxy, stop
