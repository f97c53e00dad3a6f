"""Market C ("Nachtmarkt"): a JavaScript single-page app; German, Spanish and French listings.

The HTML it serves holds no listing at all. Listings load with fetch() as JSON and render client-side
with infinite scroll, so only a real browser sees them. A live ticker polls forever, so a crawler that
waits for network idle waits in vain (the /live page adds a script that never settles at all).
"""

from __future__ import annotations

import time
from importlib import resources

from aiohttp import web

from testsites.apps.common import WORLD_KEY, html_response
from testsites.world import Listing, World

MAX_LIMIT = 48
SHELL = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Nachtmarkt</title>
<style>body{{margin:0;font-family:Georgia,serif;background:#fbf7ef;color:#222}}
nav{{background:#111;color:#f5c542;padding:14px 40px;letter-spacing:3px}}nav a{{color:#f5c542}}
#app{{max-width:820px;margin:0 auto;padding:20px}}
.nm-card{{padding:14px 0;border-bottom:1px solid #ddd;min-height:60px}}
.nm-title{{font-size:18px;color:#5a1d1d}}.nm-price{{color:#1d5a2a;font-weight:bold}}
#ticker{{font-size:12px}}</style>
</head><body><nav><a href="/">NACHTMARKT</a> <span id="ticker"></span></nav>
<main id="app"><noscript>JavaScript erforderlich · Se requiere JavaScript · JavaScript requis</noscript></main>
<script src="/static/app.js"></script>{extra}</body></html>"""
NEVER_SETTLES = ("<script>(function spin(){const t=Date.now();while(Date.now()-t<40){}"
                 "document.title='live '+t;requestAnimationFrame(spin);"
                 "fetch('/api/ticker').catch(()=>0).then(()=>setTimeout(spin,10))})()</script>")


def _summary(item: Listing) -> dict:
    return {"id": item.number, "title": item.title, "price": item.price, "vendor": item.vendor, "lang": item.lang}


async def shell(request: web.Request) -> web.Response:
    return html_response(SHELL.format(extra=""))


async def live(request: web.Request) -> web.Response:
    return html_response(SHELL.format(extra=NEVER_SETTLES))


async def app_js(request: web.Request) -> web.Response:
    js = resources.files("testsites").joinpath("static/market_c/app.js").read_text(encoding="utf-8")
    return web.Response(text=js, content_type="application/javascript")


async def api_listings(request: web.Request) -> web.Response:
    world = request.app[WORLD_KEY]
    try:
        cursor = int(request.query.get("cursor", "0"))
        limit = min(MAX_LIMIT, max(1, int(request.query.get("limit", "24"))))
    except ValueError:
        return web.json_response({"error": "cursor and limit must be integers"}, status=400)
    online = world.online_listings("market_c")
    items = [_summary(world.listing("market_c", j)) for j in online[cursor : cursor + limit]]
    nxt = cursor + limit if cursor + limit < len(online) else None
    return web.json_response({"items": items, "next": nxt, "total": len(online)})


async def api_listing(request: web.Request) -> web.Response:
    world = request.app[WORLD_KEY]
    try:
        item = world.find_listing("market_c", int(request.match_info["number"]))
    except ValueError:
        item = None
    if item is None:
        return web.json_response({"error": "Angebot nicht gefunden"}, status=404)
    return web.json_response({**_summary(item), "description": item.description, "ships_from": item.ships_from,
                              "ships_to": item.ships_to})


async def api_vendor(request: web.Request) -> web.Response:
    world = request.app[WORLD_KEY]
    name = request.match_info["name"]
    if name not in world.accounts["market_c"]:
        return web.json_response({"error": "Verkäufer nicht gefunden"}, status=404)
    acc = world.account("market_c", name)
    return web.json_response({
        "name": name, "contacts": [{"type": i["type"], "value": i["value"]} for i in acc.identifiers],
        "pgp": acc.pgp.armored if acc.pgp else None,
        "listings": [_summary(world.listing("market_c", j)) for j in world.vendor_listings("market_c", name)],
    })


async def api_ticker(request: web.Request) -> web.Response:
    return web.json_response({"online": 300 + int(time.time()) % 97, "btc": 61250})


def build(world: World) -> web.Application:
    app = web.Application()
    app[WORLD_KEY] = world
    app.router.add_get("/", shell)
    app.router.add_get("/item/{number}", shell)
    app.router.add_get("/vendor/{name}", shell)
    app.router.add_get("/live", live)
    app.router.add_get("/static/app.js", app_js)
    app.router.add_get("/api/listings", api_listings)
    app.router.add_get("/api/listing/{number}", api_listing)
    app.router.add_get("/api/vendor/{name}", api_vendor)
    app.router.add_get("/api/ticker", api_ticker)
    return app
