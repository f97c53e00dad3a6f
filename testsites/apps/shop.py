"""The precursor shop ("Hebei Sinochem Trade"): a chemical supplier's catalogue on the open web.

Scheduled precursors (BMK/PMK glycidates, APAAN, NPP, 4-AP...) sit beside ordinary lab chemicals, as on
the real sites; each product names a "sales manager" whose page carries Wickr, Telegram and WhatsApp.
"""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from testsites.apps.common import WORLD_KEY, esc, html_response, money, page_of
from testsites.vocabulary import LAB_CHEMICALS, PRECURSORS
from testsites.world import PRECURSOR, World

PER_PAGE = 24
STYLE = """body{margin:0;font-family:Helvetica,Arial,sans-serif;color:#233}
header{background:#fff;border-bottom:
4px solid #0a7d62;padding:18px 48px}header b{color:#0a7d62;font-size:22px}.grid{display:grid;grid-template-columns:
repeat(3,1fr);gap:16px;padding:24px 48px}.prod{border:1px solid #dde;padding:12px;border-radius:4px}
.prod .cas{color:#667;font-size:12px}.pager{padding:0 48px 24px}
footer{background:#0a7d62;color:#fff;padding:16px 48px}"""


def _layout(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{esc(title)} - '
            'Hebei Sinochem Trade Co.'
            f'</title><style>{STYLE}</style></head><body><header><b>HEBEI SINOCHEM TRADE CO., LTD</b> &nbsp; '
            '<a href="/">Home</a> · <a href="/products">Products</a> · <a href="/about">About us</a></header>'
            f"{body}<footer>ISO 9001 · Door to door delivery · 100% customs clearance</footer></body></html>")


def _chemical(world: World, j: int):
    category, _, item, *_ = world.skeleton("shop", j)
    return (PRECURSORS if category == PRECURSOR else LAB_CHEMICALS)[item]


def _tile(world: World, j: int) -> str:
    item = world.listing("shop", j)
    chem = _chemical(world, j)
    return (f'<div class="prod"><a class="name" href="{item.path}">{esc(item.title)}</a><div class="cas">CAS '
            f'{esc(chem.cas)}</div><div class="price">{money(item.price["amount"], item.price["currency"])}'
            "</div></div>")


async def home(request: web.Request) -> web.Response:
    world = request.app[WORLD_KEY]
    tiles = "".join(_tile(world, j) for j in world.online_listings("shop")[:9])
    return html_response(_layout("Home", f'<div class="grid">{tiles}</div><p class="pager"><a href="/products">'
                                 "All products &rarr;</a></p>"))


async def about(request: web.Request) -> web.Response:
    return html_response(_layout("About", "<p style='padding:24px 48px'>Professional supplier of pharmaceutical "
                                 "intermediates and fine chemicals since 2009. Factory in Shijiazhuang.</p>"))


async def products(request: web.Request) -> web.Response:
    world = request.app[WORLD_KEY]
    online = world.online_listings("shop")
    page, pages, span = page_of(request, len(online), PER_PAGE)
    tiles = "".join(_tile(world, online[i]) for i in span)
    nav = (f'<a class="prev" href="/products?page={page - 1}">&larr; Prev</a> ' if page > 1 else "") + \
        f"Page {page}/{pages}" + (f' <a class="next" href="/products?page={page + 1}">Next &rarr;</a>'
                                  if page < pages else "")
    return html_response(_layout("Products", f'<div class="grid">{tiles}</div><div class="pager">{nav}</div>'))


async def product(request: web.Request) -> web.Response:
    world = request.app[WORLD_KEY]
    try:
        item = world.find_listing("shop", int(request.match_info["number"]))
    except ValueError:
        item = None
    if item is None:
        return html_response(_layout("Not found", "<p>Product discontinued.</p>"), status=404)
    chem = _chemical(world, item.index)
    body = (f'<div style="padding:24px 48px"><h1 class="product-name">{esc(item.title)}</h1><table class="spec">'
            f'<tr><th>CAS</th><td class="cas">{esc(chem.cas)}</td></tr><tr><th>Price</th><td class="price">'
            f'{money(item.price["amount"], item.price["currency"])}</td></tr><tr><th>Ships from</th><td>'
            f'{esc(item.ships_from)}</td></tr><tr><th>Delivery</th><td>{esc(item.ships_to)}</td></tr></table>'
            f'<div class="description">{esc(item.description).replace(chr(10), "<br>")}</div><p>Sales manager: '
            f'<a class="manager" href="/manager/{quote(item.vendor)}">{esc(item.vendor)}</a></p></div>')
    return html_response(_layout(item.title, body))


async def manager(request: web.Request) -> web.Response:
    world = request.app[WORLD_KEY]
    name = request.match_info["name"]
    if name not in world.accounts["shop"]:
        raise web.HTTPNotFound(text="no such manager")
    acc = world.account("shop", name)
    contacts = "".join(f'<li class="contact">{esc(i["type"])}: {esc(i["value"])}</li>' for i in acc.identifiers)
    return html_response(_layout(name, f'<div style="padding:24px 48px"><h1 class="manager-name">{esc(name)}</h1>'
                                 f"<p>Sales manager, export department</p><ul>{contacts}</ul></div>"))


def build(world: World) -> web.Application:
    app = web.Application()
    app[WORLD_KEY] = world
    app.router.add_get("/", home)
    app.router.add_get("/about", about)
    app.router.add_get("/products", products)
    app.router.add_get("/product/{number}", product)
    app.router.add_get("/manager/{name}", manager)
    return app
