"""The forum ("Dread Lounge"): vendor threads beside reviews, scam warnings, harm reduction and news.

Most of it mentions drugs without offering them: the negatives a classifier must not flag. An events
calendar is the crawl trap.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

from aiohttp import web

from testsites.apps import hostile
from testsites.apps.common import WORLD_KEY, esc, html_response, page_of
from testsites.world import FORUM_BOARDS, World

PER_PAGE = 20
BOARD_BY_SLUG = {slug: (title, kind) for slug, title, kind in FORUM_BOARDS}
STYLE = """body{background:#e9e4da;font:13px Tahoma,sans-serif;margin:20px}.board,.thread{background:#fff;
border:1px solid #b9ad95;margin:0 0 10px}h1{color:#5d4b2a}.post{border-top:1px solid #ddd;padding:8px}
.post .author{font-weight:bold;color:#375}.post time{color:#888;margin-left:8px}table{width:100%}
td{padding:4px 8px}"""


def _layout(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{esc(title)} :: Dread Lounge</title>'
            f'<style>{STYLE}</style></head><body><h1><a href="/">Dread Lounge</a></h1><p><a href="/">Boards</a> | '
            f'<a href="/calendar?month=2026-01">Meetup calendar</a></p>{body}</body></html>')


def _when(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def index(request: web.Request) -> web.Response:
    world = request.app[WORLD_KEY]
    rows = "".join(f'<tr><td><a class="board-link" href="/board/{slug}">{esc(title)}</a></td><td>'
                   f"{len(world.board_threads(slug))} threads</td></tr>" for slug, title, _ in FORUM_BOARDS)
    return html_response(_layout("Boards", f'<table class="board">{rows}</table>'))


async def board(request: web.Request) -> web.Response:
    world = request.app[WORLD_KEY]
    slug = request.match_info["slug"]
    if slug not in BOARD_BY_SLUG:
        raise web.HTTPNotFound(text="no such board")
    threads = world.board_threads(slug)
    page, pages, span = page_of(request, len(threads), PER_PAGE)
    rows = "".join(f'<tr><td><a class="thread-link" href="/thread/{threads[i]}">{esc(world.thread_title(threads[i]))}'
                   f"</a></td><td>{len(world.forum_post_indices(threads[i]))} posts</td></tr>" for i in span)
    older = f'<a class="older" href="/board/{slug}?page={page + 1}">older threads</a>' if page < pages else ""
    return html_response(_layout(BOARD_BY_SLUG[slug][0], f'<table class="thread">{rows}</table>{older}'))


async def thread(request: web.Request) -> web.Response:
    world = request.app[WORLD_KEY]
    try:
        t = int(request.match_info["tid"])
    except ValueError:
        raise web.HTTPNotFound() from None
    if not (0 <= t < world.threads or (t == world.threads and world.epoch >= 1)):
        raise web.HTTPNotFound(text="no such thread")
    posts = [world.post("forum", i) for i in world.forum_post_indices(t)]
    body = "".join(
        f'<div class="post" id="p{p.index}"><span class="author"><a href="/user/{quote(p.author)}">{esc(p.author)}'
        f'</a></span><time datetime="{_when(p.date)}">{_when(p.date)}</time><div class="content">'
        f'{esc(p.text).replace(chr(10), "<br>")}</div></div>' for p in posts)
    return html_response(_layout(posts[0].title, f'<div class="thread"><h2 class="thread-title">{esc(posts[0].title)}'
                                 f"</h2>{body}</div>"))


async def user(request: web.Request) -> web.Response:
    world = request.app[WORLD_KEY]
    name = request.match_info["name"]
    if name not in world.accounts["forum"]:
        return html_response(_layout(name, f'<h2 class="username">{esc(name)}</h2><p>Member. No public profile.</p>'))
    acc = world.account("forum", name)
    contacts = "".join(f'<li class="contact">{esc(i["type"])}: {esc(i["value"])}</li>' for i in acc.identifiers)
    pgp = f'<pre class="pgp">{esc(acc.pgp.armored)}</pre>' if acc.pgp else ""
    return html_response(_layout(name, f'<h2 class="username">{esc(name)}</h2><p>Verified vendor</p>'
                                 f"<ul>{contacts}</ul>{pgp}"))


def build(world: World) -> web.Application:
    app = web.Application()
    app[WORLD_KEY] = world
    app.router.add_get("/", index)
    app.router.add_get("/board/{slug}", board)
    app.router.add_get("/thread/{tid}", thread)
    app.router.add_get("/user/{name}", user)
    hostile.mount(app, "forum")
    return app
