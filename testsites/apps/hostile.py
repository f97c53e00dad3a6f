"""Pages that hurt naive crawlers: each one is something a real market or forum has served."""

from __future__ import annotations

import asyncio
import zlib
from datetime import date
from functools import cache

from aiohttp import web

from testsites.apps.common import html_response

OVERSIZED_BYTES = 64 * 1024 * 1024
BOMB_BYTES = 1024 * 1024 * 1024
DRIP_SECONDS = 600

# path -> (kind, site): the ground truth lists these so a crawl report can be checked against them
HOSTILE: dict[str, tuple[str, str]] = {
    "/archive": ("oversized", "market_a"),
    "/export/catalog.html": ("compression_bomb", "market_a"),
    "/status": ("slow_drip", "market_a"),
    "/rules": ("malformed", "market_a"),
    "/?sid=": ("session_id_trap", "market_a"),
    "/calendar": ("calendar_trap", "forum"),
    "/live": ("never_settles", "market_c"),
}


async def oversized(request: web.Request) -> web.StreamResponse:
    """A 64 MiB listing archive, streamed (the range itself never holds it in memory)."""
    resp = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8",
                                       "Content-Length": str(OVERSIZED_BYTES)})
    await resp.prepare(request)
    row = b"<tr><td>archived listing</td><td>$0.00</td></tr>\n" * 1024
    sent = 0
    while sent < OVERSIZED_BYTES:
        chunk = row[: OVERSIZED_BYTES - sent]
        await resp.write(chunk)
        sent += len(chunk)
    await resp.write_eof()
    return resp


@cache
def _bomb_member() -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip container
    return comp.compress(b"\0" * (16 * 1024 * 1024)) + comp.flush()


async def bomb(request: web.Request) -> web.Response:
    """~1 MiB on the wire that inflates to 1 GiB: 64 concatenated gzip members of 16 MiB of zeros."""
    member = _bomb_member()
    return web.Response(body=member * (BOMB_BYTES // (16 * 1024 * 1024)),
                        headers={"Content-Encoding": "gzip", "Content-Type": "text/html"})


async def drip(request: web.Request) -> web.StreamResponse:
    """A status page that sends one byte a second for ten minutes."""
    body = b"<html><body>" + b"." * DRIP_SECONDS
    resp = web.StreamResponse(headers={"Content-Type": "text/html", "Content-Length": str(len(body))})
    await resp.prepare(request)
    for i in range(len(body)):
        await resp.write(body[i : i + 1])
        await asyncio.sleep(1)
    await resp.write_eof()
    return resp


async def malformed(request: web.Request) -> web.Response:
    """Rules page with broken nesting, unclosed attributes and a stray NUL; the text is still there."""
    body = ("<html><head><title>Rules</title><body><div class='rules><h1>Market rules</h2><ol><li>No fentanyl"
            "<li>No weapons<li>Finalize early only with 100+ sales</ol></div></span></table>\x00<p>Escrow is "
            "mandatory<b><i>for new buyers</b></i><p>Disputes within 14 days")
    return html_response(body)


async def calendar(request: web.Request) -> web.Response:
    """An events calendar whose previous/next links never end: the classic crawl trap."""
    raw = request.query.get("month", "2026-01")
    try:
        year, month = (int(x) for x in raw.split("-"))
        date(year, month, 1)
    except ValueError:
        raise web.HTTPBadRequest(text="month must look like 2026-01") from None
    prev_m = (year - 1, 12) if month == 1 else (year, month - 1)
    next_m = (year + 1, 1) if month == 12 else (year, month + 1)
    days = "".join(f"<td>{d}</td>" for d in range(1, 29))
    body = (f"<html><body><h1>Meetups {year}-{month:02d}</h1><table><tr>{days}</tr></table>"
            f'<a href="/calendar?month={prev_m[0]}-{prev_m[1]:02d}">&laquo; previous</a> '
            f'<a href="/calendar?month={next_m[0]}-{next_m[1]:02d}">next &raquo;</a></body></html>')
    return html_response(body)


def mount(app: web.Application, site: str) -> None:
    handlers = {"/archive": oversized, "/export/catalog.html": bomb, "/status": drip, "/rules": malformed,
                "/calendar": calendar}
    for path, (_, owner) in HOSTILE.items():
        if owner == site and path in handlers:
            app.router.add_get(path, handlers[path])
