"""What every site of the range needs: escaping, paging and the per-range settings the apps read."""

from __future__ import annotations

import html
import math
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

from testsites.world import World

WORLD_KEY: web.AppKey[World] = web.AppKey("world", World)


@dataclass
class RangeSettings:
    """Knobs an operator or a test turns: session lifetime and request rate of the login market."""

    state_dir: Path
    session_ttl: float = 900.0
    rate_limit: float = 40.0  # requests per second per client before HTTP 429
    rate_burst: int = 80
    # The proxy's outgoing address (loopback): sites can then tell proxied visitors from direct ones.
    proxy_source: str | None = None
    extra: dict = field(default_factory=dict)


SETTINGS_KEY: web.AppKey[RangeSettings] = web.AppKey("settings", RangeSettings)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PEERS_KEY: web.AppKey[Counter[str]] = web.AppKey("peers", Counter)


@web.middleware
async def record_peer(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Count every request by the address it came from: tests prove a proxied crawler never came direct."""
    request.app[PEERS_KEY][request.remote or "?"] += 1
    return await handler(request)


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def page_of(request: web.Request, total: int, per_page: int) -> tuple[int, int, range]:
    """(page, page count, slice of indices) for ?page=N; out-of-range pages are 404, as on real sites."""
    pages = max(1, math.ceil(total / per_page))
    try:
        page = int(request.query.get("page", "1"))
    except ValueError:
        raise web.HTTPBadRequest(text="bad page number") from None
    if not 1 <= page <= pages:
        raise web.HTTPNotFound(text="no such page")
    return page, pages, range((page - 1) * per_page, min(total, page * per_page))


def money(amount: float, currency: str) -> str:
    symbols = {"USD": "$", "EUR": "€", "RUB": "₽", "UAH": "₴", "GBP": "£"}
    if currency in symbols:
        if currency in ("USD", "GBP"):
            return f"{symbols[currency]}{amount:,.2f}"
        return f"{amount:,.2f} {symbols[currency]}"
    return f"{amount:g} {currency}"


def html_response(body: str, status: int = 200) -> web.Response:
    return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")
