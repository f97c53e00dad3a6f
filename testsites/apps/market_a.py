"""Market A ("Apollon"): a classic server-rendered English darknet market with a category tree.

Also carries most hostile pages (session-id trap, oversized page, compression bomb, slow drip,
malformed HTML) so a crawler that follows every link meets them the way it would on a real market.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from aiohttp import web

from testsites.apps import hostile
from testsites.apps.common import WORLD_KEY, esc, html_response, money, page_of
from testsites.world import MARKET_A_CATEGORIES, World

PER_PAGE = 20
BTC_USD, XMR_USD = 61_250.0, 158.4
DRUG_CLASSES = ("opioid", "stimulant", "cannabis", "empathogen", "psychedelic", "dissociative", "sedative", "nps",
                "other")
STYLE = """body{background:#14161a;color:#d8d8d8;font:14px Verdana,sans-serif;margin:0}
header{background:#2b1d3a;padding:12px 24px;border-bottom:3px solid #a07bd6}header a{color:#e6d6ff}
.wrap{display:flex}.side{width:220px;padding:16px;background:#1c1f24}.side a{color:#b9a3e3;display:block}
.main{flex:1;padding:16px 24px}.main a{color:#c9b3f3}
.card{border:1px solid #333;padding:10px;margin:8px 0;background:#1b1d22}
.card a.title{color:#fff;font-weight:bold}.price{color:#7fd67f}.pager a{margin:0 4px;color:#b9a3e3}
pre.pgp{font-size:11px;background:#0f1013;padding:8px;overflow:auto}footer{padding:16px;color:#777}
footer a{color:#888;margin-right:12px}table.info td{padding:3px 10px 3px 0}"""


def _sid_next(sid: str) -> str:
    return hashlib.sha1(sid.encode()).hexdigest()[:16]


def _layout(request: web.Request, title: str, body: str) -> str:
    world = request.app[WORLD_KEY]
    sid = request.query.get("sid")
    q = f"?sid={_sid_next(sid)}" if sid else ""
    counts = {slug: len(world.section("market_a", slug)) for slug in MARKET_A_CATEGORIES}
    drugs = "".join(f'<a href="/category/{s}{q}">{esc(MARKET_A_CATEGORIES[s])} ({counts[s]})</a>'
                    for s in DRUG_CLASSES if counts[s])
    rest = "".join(f'<a href="/category/{quote(s)}{q}">{esc(MARKET_A_CATEGORIES[s])} ({counts[s]})</a>'
                   for s in ("precursor_offer", "other_illicit_offer") if counts[s])
    first_sid = hashlib.sha1(f"{world.seed}".encode()).hexdigest()[:16]
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{esc(title)} | Apollon Market</title>
<style>{STYLE}</style></head><body><header><a href="/{q}"><b>APOLLON MARKET</b></a> &middot; escrow &middot; multisig
&middot; <a href="/?sid={first_sid}">refresh session</a></header>
<div class="wrap"><nav class="side"><h4><a href="/category/drugs{q}">Drugs</a></h4>{drugs}<h4>Other</h4>{rest}</nav>
<div class="main">{body}</div></div>
<footer><a href="/rules">Market rules</a><a href="/archive">Listing archive</a><a href="/export/catalog.html">Export
catalogue</a><a href="/status">Mirror status</a><a href="/pgp.txt">Market PGP</a></footer></body></html>"""


def _card(world: World, j: int) -> str:
    item = world.listing("market_a", j)
    return (f'<div class="card listing"><a class="title" href="{item.path}">{esc(item.title)}</a> '
            f'<span class="price">{money(item.price["amount"], item.price["currency"])}</span> '
            f'by <a class="vendor" href="/vendor/{quote(item.vendor)}">{esc(item.vendor)}</a> '
            f"&middot; {esc(item.ships_from)} &rarr; {esc(item.ships_to)}</div>")


async def home(request: web.Request) -> web.Response:
    world = request.app[WORLD_KEY]
    picks = world.online_listings("market_a")[:10]
    body = "<h2>Featured listings</h2>" + "".join(_card(world, j) for j in picks)
    body += f"<p>{len(world.online_listings('market_a'))} listings from {len(world.accounts['market_a'])} vendors.</p>"
    return html_response(_layout(request, "Home", body))


async def drugs(request: web.Request) -> web.Response:
    world = request.app[WORLD_KEY]
    rows = "".join(f'<li><a href="/category/{s}">{esc(MARKET_A_CATEGORIES[s])}</a> '
                   f'({len(world.section("market_a", s))})</li>' for s in DRUG_CLASSES)
    return html_response(_layout(request, "Drugs", f"<h2>Drugs</h2><ul class='subcats'>{rows}</ul>"))


async def category(request: web.Request) -> web.Response:
    world = request.app[WORLD_KEY]
    slug = request.match_info["slug"]
    if slug not in MARKET_A_CATEGORIES:
        raise web.HTTPNotFound(text="no such category")
    section = world.section("market_a", slug)
    page, pages, span = page_of(request, len(section), PER_PAGE)
    cards = "".join(_card(world, section[i]) for i in span)
    links = " ".join(f'<a href="/category/{slug}?page={p}">{p}</a>' if p != page else f"<b>{p}</b>"
                     for p in range(max(1, page - 3), min(pages, page + 3) + 1))
    nxt = f'<a class="next" rel="next" href="/category/{slug}?page={page + 1}">Next &raquo;</a>' if page < pages else ""
    body = (f"<h2>{esc(MARKET_A_CATEGORIES[slug])}</h2><p>{len(section)} listings, page {page} of {pages}</p>"
            f'{cards}<div class="pager">{links} {nxt}</div>')
    return html_response(_layout(request, MARKET_A_CATEGORIES[slug], body))


async def listing(request: web.Request) -> web.Response:
    world = request.app[WORLD_KEY]
    try:
        number = int(request.match_info["number"])
    except ValueError:
        raise web.HTTPNotFound() from None
    item = world.find_listing("market_a", number)
    if item is None:
        return html_response(_layout(request, "Not found", "<h2>Listing not found</h2><p>This listing was removed "
                                     "or never existed.</p>"), status=404)
    amount = item.price["amount"]
    usd = amount
    desc = esc(item.description).replace("\n", "<br>")
    section = world.skeleton("market_a", item.index)[1]
    if item.malformed:  # broken nesting, unclosed tags and stray cells: still readable by a lenient parser
        body = (f'<h1 class="listing-title">{esc(item.title)}</h2><table class="info"><tr><td>Price<td class="price">'
                f'{money(amount, "USD")}<tr><td>Vendor<td><a class="vendor" href="/vendor/{quote(item.vendor)}">'
                f'{esc(item.vendor)}</a><tr><td>Ships from<td class="ships-from">{esc(item.ships_from)}<tr><td>Ships to'
                f'<td class="ships-to">{esc(item.ships_to)}</table></td><div class="description"><p>{desc}'
                f'<div class=pay>Pay with BTC ({usd / BTC_USD:.6f}) or XMR ({usd / XMR_USD:.4f})')
    else:
        body = (f'<h1 class="listing-title">{esc(item.title)}</h1><table class="info">'
                f'<tr><td>Price</td><td class="price">{money(amount, "USD")}</td></tr>'
                f'<tr><td>Vendor</td><td><a class="vendor" href="/vendor/{quote(item.vendor)}">{esc(item.vendor)}</a>'
                f'</td></tr><tr><td>Ships from</td><td class="ships-from">{esc(item.ships_from)}</td></tr>'
                f'<tr><td>Ships to</td><td class="ships-to">{esc(item.ships_to)}</td></tr>'
                f'<tr><td>Category</td><td class="category">{esc(MARKET_A_CATEGORIES[section])}'
                f'</td></tr></table><div class="pay">Pay with BTC ({usd / BTC_USD:.6f}) or XMR ({usd / XMR_USD:.4f}),'
                f' escrow or FE for trusted vendors.</div><div class="description"><p>{desc}</p></div>')
    return html_response(_layout(request, item.title, body))


async def vendor(request: web.Request) -> web.Response:
    world = request.app[WORLD_KEY]
    name = request.match_info["name"]
    if name not in world.accounts["market_a"]:
        raise web.HTTPNotFound(text="no such vendor")
    acc = world.account("market_a", name)
    banned = acc.actor == world.exit_scammer and world.epoch >= 1
    contacts = "".join(f'<li class="contact">{esc(i["type"])}: <span>{esc(i["value"])}</span></li>'
                       for i in acc.identifiers)
    pgp = f'<h3>PGP public key</h3><pre class="pgp">{esc(acc.pgp.armored)}</pre>' if acc.pgp else ""
    if banned:
        body = f'<h1 class="vendor-name">{esc(name)}</h1><p class="banned">BANNED: exit scam reported by staff.</p>'
    else:
        rows = "".join(_card(world, j) for j in world.vendor_listings("market_a", name))
        digest = int(hashlib.sha1(f"{world.seed}{name}".encode()).hexdigest()[:6], 16)
        body = (f'<h1 class="vendor-name">{esc(name)}</h1><p class="feedback">Feedback: {90 + digest % 10}.'
                f'{digest % 10}% positive ({40 + digest % 900} reviews)</p><h3>Contact</h3><ul>{contacts}</ul>{pgp}'
                f"<h3>Listings</h3>{rows}")
    return html_response(_layout(request, name, body))


async def market_pgp(request: web.Request) -> web.Response:
    return web.Response(text="Market PGP key rotates monthly; see the forum.\n")


def build(world: World) -> web.Application:
    app = web.Application()
    app[WORLD_KEY] = world
    app.router.add_get("/", home)
    app.router.add_get("/category/drugs", drugs)
    app.router.add_get("/category/{slug}", category)
    app.router.add_get("/listing/{number}", listing)
    app.router.add_get("/vendor/{name}", vendor)
    app.router.add_get("/pgp.txt", market_pgp)
    hostile.mount(app, "market_a")
    return app
