"""Public channels in the style of Telegram's web preview (t.me/s/<channel>).

Message list with post ids, dates, views and forwarded posts; older messages by ?before=<id>;
a single message at /<channel>/<id>. Price menus, contacts and wallets sit beside ordinary chatter.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import UTC, datetime

from aiohttp import web

from testsites.apps.common import WORLD_KEY, esc, html_response
from testsites.world import CHANNELS, SITES, Post, World

PER_PAGE = 20
STYLE = """body{background:#d7e3ec;font:14px 'Roboto',sans-serif;margin:0}.tgme_channel_info{background:#fff;
padding:16px;max-width:600px;margin:0 auto}.tgme_widget_message{background:#fff;border-radius:12px;margin:10px auto;
max-width:560px;padding:10px 14px}.tgme_widget_message_views{color:#8a9aa8;font-size:12px}
.tgme_widget_message_forwarded_from{color:#168acd;font-size:13px}"""


def _views(n: int) -> str:
    return f"{n / 1000:.1f}K" if n >= 1000 else str(n)


def _message(channel: str, post: Post) -> str:
    when = datetime.fromtimestamp(post.date, UTC).isoformat()
    fwd = (f'<div class="tgme_widget_message_forwarded_from">Forwarded from <span class="tgme_widget_message_'
           f'forwarded_from_name">{esc(post.forwarded_from)}</span></div>' if post.forwarded_from else "")
    text = esc(post.text).replace("\n", "<br/>")
    return (f'<div class="tgme_widget_message" data-post="{channel}/{post.index + 1}">{fwd}'
            f'<div class="tgme_widget_message_text" dir="auto">{text}</div><div class="tgme_widget_message_footer">'
            f'<span class="tgme_widget_message_views">{_views(post.views)}</span> <a class="tgme_widget_message_date" '
            f'href="/{channel}/{post.index + 1}"><time datetime="{when}">{when[11:16]}</time></a></div></div>')


def _channel_or_404(request: web.Request) -> str:
    channel = request.match_info["channel"]
    if channel not in CHANNELS:
        raise web.HTTPNotFound(text="channel not found")
    return channel


def _info(world: World, channel: str) -> str:
    acc = world.account(channel, SITES[channel].name)
    contacts = " · ".join(esc(i["value"]) for i in acc.identifiers)
    return (f'<div class="tgme_channel_info"><div class="tgme_channel_info_header_title">{esc(SITES[channel].name)}'
            f'</div><div class="tgme_channel_info_header_username">@{channel}</div><div class="tgme_channel_info_'
            f'description">{contacts}</div></div>')


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{esc(title)} – Telegram</title><style>{STYLE}'
            f"</style></head><body>{body}</body></html>")


async def preview(request: web.Request) -> web.Response:
    world = request.app[WORLD_KEY]
    channel = _channel_or_404(request)
    ids = world.channel_indices(channel)  # online message indices, oldest first
    try:
        before = int(request.query["before"]) - 1 if "before" in request.query else len(ids) and ids[-1] + 1
    except ValueError:
        raise web.HTTPBadRequest(text="before must be a message id") from None
    end = bisect_left(ids, before)
    chunk = ids[max(0, end - PER_PAGE) : end]
    messages = "".join(_message(channel, world.post(channel, i)) for i in chunk)
    more = (f'<a class="tme_messages_more" data-before="{chunk[0] + 1}" href="/s/{channel}?before={chunk[0] + 1}">'
            "Load older messages</a>" if chunk and chunk[0] != ids[0] else "")
    return html_response(_page(SITES[channel].name, f"{_info(world, channel)}{more}<section class="
                               f'"tgme_channel_history">{messages}</section>'))


async def single(request: web.Request) -> web.Response:
    world = request.app[WORLD_KEY]
    channel = _channel_or_404(request)
    try:
        index = int(request.match_info["mid"]) - 1
    except ValueError:
        raise web.HTTPNotFound() from None
    if index not in set(world.channel_indices(channel)):
        return html_response(_page("Telegram", "<p>Post not found</p>"), status=404)
    return html_response(_page(SITES[channel].name, _info(world, channel) + _message(channel, world.post(channel,
                                                                                                        index))))


def build(world: World) -> web.Application:
    app = web.Application()
    app[WORLD_KEY] = world
    app.router.add_get("/s/{channel}", preview)
    app.router.add_get("/{channel}/{mid}", single)
    return app
