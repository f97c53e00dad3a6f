"""Market B ("Снежный Барс"): a Russian-language dead-drop shop organised by city, behind a login wall.

What makes it hard is what makes such shops hard: registration, a CAPTCHA on every login, sessions that
expire, and HTTP 429 with Retry-After when a client asks too fast. The CAPTCHA answer is written to a side
file under the range's state directory so tests and the demo can solve it without a human.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

from testsites.apps.common import SETTINGS_KEY, WORLD_KEY, RangeSettings, esc, html_response, money, page_of
from testsites.world import CITIES_B, World

PER_PAGE = 15
COOKIE = "bars_sid"
TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяі", ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k",
                "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "h", "ts", "ch", "sh", "sch", "", "y", "", "e",
                "yu", "ya", "i"], strict=True))
DROP_TYPES = ("магнит", "прикоп", "тайник", "клад в подъезде", "мини-клад")
STYLE = """body{font-family:'PT Sans',Arial,sans-serif;background:#f3f6fa;margin:0;color:#1d2733}
.top{background:#0b3d91;color:#fff;padding:10px 30px}.top a{color:#fff}.box{background:#fff;margin:20px auto;
max-width:960px;padding:20px;border-radius:6px;box-shadow:0 1px 4px #0002}.goods li{padding:6px 0;
border-bottom:1px dashed #ccd}.cena{font-weight:bold;color:#0b3d91}.pay code{background:#eef;padding:2px 4px}
.err{color:#b00}.pages a{padding:0 5px}"""


def slug(city: str) -> str:
    return "".join(TRANSLIT.get(c, c) for c in city.lower()).replace(" ", "-")


CITY_BY_SLUG = {slug(c): c for c in CITIES_B}


@dataclass
class State:
    """Users, sessions, open CAPTCHAs and per-client token buckets (in memory: the range is a simulator)."""

    settings: RangeSettings
    users: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, tuple[str, float]] = field(default_factory=dict)
    captchas: dict[str, str] = field(default_factory=dict)
    buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def captcha_dir(self) -> Path:
        path = self.settings.state_dir / "market_b_captcha"
        path.mkdir(parents=True, exist_ok=True)
        return path


STATE_KEY: web.AppKey[State] = web.AppKey("market_b_state", State)


def demo_credentials(world: World) -> tuple[str, str]:
    """The pre-registered buyer account the range prints at start (and writes to its secrets file)."""
    token = hashlib.sha256(f"{world.seed}:market_b".encode()).hexdigest()
    return f"buyer{token[:4]}", token[4:20]


def _layout(title: str, body: str, user: str | None = None) -> str:
    who = f'{esc(user)} · <a href="/logout">выход</a>' if user else '<a href="/login">вход</a>'
    return (f'<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>{esc(title)} — Снежный Барс</title>'
            f'<style>{STYLE}</style></head><body><div class="top"><a href="/"><b>❄ СНЕЖНЫЙ БАРС</b></a> — '
            f'моментальные клады 24/7 <span style="float:right">{who}</span></div><div class="box">{body}</div>'
            "</body></html>")


def _new_captcha(state: State) -> tuple[str, str]:
    cid = secrets.token_hex(8)
    answer = "".join(secrets.choice("2345678abcdefhkmnprstuvwxyz") for _ in range(5))
    state.captchas[cid] = answer
    (state.captcha_dir / f"{cid}.txt").write_text(answer)
    return cid, answer


def _form(state: State, action: str, error: str = "", next_url: str = "/", register: bool = False) -> str:
    cid, _ = _new_captcha(state)
    extra = '<p>Повторите пароль <input type="password" name="password2"></p>' if register else ""
    title = "Регистрация" if register else "Вход"
    other = ('<a href="/login">Уже есть аккаунт</a>' if register else '<a href="/register">Регистрация</a>')
    return _layout(title, f'<h2>{title}</h2><p class="err">{esc(error)}</p><form method="post" action="{action}" '
                   f'id="auth"><input type="hidden" name="next" value="{esc(next_url)}"><input type="hidden" '
                   f'name="captcha_id" value="{cid}"><p>Логин <input name="username"></p><p>Пароль <input '
                   f'type="password" name="password"></p>{extra}<p><img class="captcha" src="/captcha/{cid}.svg" '
                   f'alt="captcha"> <input name="captcha" placeholder="код с картинки"></p><button>Войти</button>'
                   f"</form>{other}")


async def captcha_image(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    answer = state.captchas.get(request.match_info["cid"])
    if answer is None:
        raise web.HTTPNotFound()
    seed = int(hashlib.sha1(request.match_info["cid"].encode()).hexdigest(), 16)
    glyphs = "".join(f'<text x="{12 + 22 * i}" y="{30 + (seed >> i) % 10}" '
                     f'transform="rotate({(seed >> 2 * i) % 30 - 15} {12 + 22 * i} 30)" font-size="26" '
                     f'font-family="monospace">{ch}</text>'
                     for i, ch in enumerate(answer))
    noise = "".join(f'<line x1="{(seed >> k) % 120}" y1="{(seed >> k + 3) % 50}" x2="{(seed >> k + 5) % 120}" '
                    f'y2="{(seed >> k + 7) % 50}" stroke="#888"/>' for k in range(0, 40, 5))
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="130" height="50">{noise}{glyphs}</svg>'
    return web.Response(text=svg, content_type="image/svg+xml")


def _check_captcha(state: State, form) -> bool:
    cid = str(form.get("captcha_id", ""))
    expected = state.captchas.pop(cid, None)
    if expected is not None:
        (state.captcha_dir / f"{cid}.txt").unlink(missing_ok=True)
    return expected is not None and str(form.get("captcha", "")).strip().lower() == expected


async def login_form(request: web.Request) -> web.Response:
    return html_response(_form(request.app[STATE_KEY], "/login", next_url=request.query.get("next", "/")))


async def login(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    form = await request.post()
    next_url = str(form.get("next", "/"))
    if not next_url.startswith("/"):
        next_url = "/"
    if not _check_captcha(state, form):
        return html_response(_form(state, "/login", "Неверный код с картинки", next_url), status=403)
    user, password = str(form.get("username", "")), str(form.get("password", ""))
    if state.users.get(user) != password:
        return html_response(_form(state, "/login", "Неверный логин или пароль", next_url), status=403)
    sid = secrets.token_hex(16)
    state.sessions[sid] = (user, time.monotonic() + state.settings.session_ttl)
    resp = web.HTTPFound(next_url)
    resp.set_cookie(COOKIE, sid, httponly=True, samesite="Lax")
    raise resp


async def register_form(request: web.Request) -> web.Response:
    return html_response(_form(request.app[STATE_KEY], "/register", register=True))


async def register(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    form = await request.post()
    if not _check_captcha(state, form):
        return html_response(_form(state, "/register", "Неверный код с картинки", register=True), status=403)
    user, password = str(form.get("username", "")), str(form.get("password", ""))
    if not (3 <= len(user) <= 32 and user.isalnum()) or len(password) < 8 or password != form.get("password2"):
        return html_response(_form(state, "/register", "Логин 3–32 буквы/цифры, пароль от 8 символов, пароли "
                                   "совпадают", register=True), status=400)
    if user in state.users:
        return html_response(_form(state, "/register", "Логин занят", register=True), status=409)
    state.users[user] = password
    raise web.HTTPFound("/login")


async def logout(request: web.Request) -> web.Response:
    request.app[STATE_KEY].sessions.pop(request.cookies.get(COOKIE, ""), None)
    raise web.HTTPFound("/login")


def _user(request: web.Request) -> str:
    """The logged-in user, or a redirect to the login form (also when the session has expired)."""
    state = request.app[STATE_KEY]
    sid = request.cookies.get(COOKIE, "")
    entry = state.sessions.get(sid)
    if entry is None or entry[1] < time.monotonic():
        state.sessions.pop(sid, None)
        raise web.HTTPFound(f"/login?next={quote(request.path_qs)}")
    return entry[0]


@web.middleware
async def rate_limit(request: web.Request, handler):
    """Token bucket per session (or per address before login); over the rate: 429 with Retry-After."""
    state = request.app[STATE_KEY]
    key = request.cookies.get(COOKIE) or request.remote or "?"
    now = time.monotonic()
    tokens, last = state.buckets.get(key, (float(state.settings.rate_burst), now))
    tokens = min(float(state.settings.rate_burst), tokens + (now - last) * state.settings.rate_limit)
    if tokens < 1:
        state.buckets[key] = (tokens, now)
        return web.Response(status=429, text="Слишком много запросов. Подождите.", headers={"Retry-After": "2"})
    state.buckets[key] = (tokens - 1, now)
    return await handler(request)


async def home(request: web.Request) -> web.Response:
    user = _user(request)
    world = request.app[WORLD_KEY]
    rows = "".join(f'<li><a class="city" href="/city/{slug(c)}">{esc(c)}</a> — {len(world.section("market_b", c))} '
                   "позиций</li>" for c in CITIES_B)
    return html_response(_layout("Города", f"<h2>Выберите город</h2><ul class='cities'>{rows}</ul>", user))


async def city(request: web.Request) -> web.Response:
    user = _user(request)
    world = request.app[WORLD_KEY]
    name = CITY_BY_SLUG.get(request.match_info["slug"])
    if name is None:
        raise web.HTTPNotFound(text="город не найден")
    section = world.section("market_b", name)
    page, pages, span = page_of(request, len(section), PER_PAGE)
    rows = []
    for i in span:
        item = world.listing("market_b", section[i])
        rows.append(f'<li class="tovar"><a href="{item.path}">{esc(item.title)}</a> — <span class="cena">'
                    f'{money(item.price["amount"], item.price["currency"])}</span> — магазин '
                    f'<a href="/shop/{quote(item.vendor)}">{esc(item.vendor)}</a></li>')
    nav = "".join(f'<a href="?page={p}">{p}</a>' if p != page else f"<b>{p}</b>" for p in range(1, pages + 1))
    body = f"<h2>{esc(name)}</h2><ul class='goods'>{''.join(rows)}</ul><div class='pages'>Страницы: {nav}</div>"
    return html_response(_layout(name, body, user))


async def tovar(request: web.Request) -> web.Response:
    user = _user(request)
    world = request.app[WORLD_KEY]
    try:
        item = world.find_listing("market_b", int(request.match_info["number"]))
    except ValueError:
        item = None
    if item is None:
        return html_response(_layout("Нет товара", "<h2>Товар закончился или снят с продажи</h2>", user), status=404)
    drop = DROP_TYPES[item.number % len(DROP_TYPES)]
    pay = "".join(f'<li>{esc("USDT TRC20" if a["currency"] == "TRX" else a["currency"])}: <code class="wallet">'
                  f'{esc(a["value"])}</code></li>' for a in item.page_identifiers)
    body = (f'<h1 class="title">{esc(item.title)}</h1><p>Цена: <span class="cena">'
            f'{money(item.price["amount"], item.price["currency"])}</span></p><p>Город: <span class="gorod">'
            f'{esc(item.city)}</span>, тип клада: {drop}</p><p>Магазин: <a class="shop" '
            f'href="/shop/{quote(item.vendor)}">'
            f'{esc(item.vendor)}</a></p><div class="opisanie">{esc(item.description).replace(chr(10), "<br>")}</div>'
            f'<div class="pay"><h3>Оплата</h3><ul>{pay}</ul></div>')
    return html_response(_layout(item.title, body, user))


async def shop(request: web.Request) -> web.Response:
    user = _user(request)
    world = request.app[WORLD_KEY]
    name = request.match_info["name"]
    if name not in world.accounts["market_b"]:
        raise web.HTTPNotFound(text="магазин не найден")
    acc = world.account("market_b", name)
    contacts = "".join(f'<li class="contact">{esc(i["type"])}: {esc(i["value"])}</li>' for i in acc.identifiers)
    pgp = f'<h3>PGP</h3><pre class="pgp">{esc(acc.pgp.armored)}</pre>' if acc.pgp else ""
    goods = "".join(f'<li><a href="{world.listing_path("market_b", j)}">{esc(world.listing("market_b", j).title)}'
                    "</a></li>" for j in world.vendor_listings("market_b", name))
    body = (f'<h1 class="shop-name">{esc(name)}</h1><p>Рейтинг: 4.{len(name) % 10}</p><h3>Контакты</h3>'
            f"<ul>{contacts}</ul>{pgp}<h3>Витрина</h3><ul class='goods'>{goods}</ul>")
    return html_response(_layout(name, body, user))


def build(world: World, settings: RangeSettings) -> web.Application:
    app = web.Application(middlewares=[rate_limit])
    app[WORLD_KEY] = world
    app[SETTINGS_KEY] = settings
    state = State(settings)
    user, password = demo_credentials(world)
    state.users[user] = password
    app[STATE_KEY] = state
    app.router.add_get("/", home)
    app.router.add_get("/login", login_form)
    app.router.add_post("/login", login)
    app.router.add_get("/register", register_form)
    app.router.add_post("/register", register)
    app.router.add_get("/logout", logout)
    app.router.add_get("/captcha/{cid}.svg", captcha_image)
    app.router.add_get("/city/{slug}", city)
    app.router.add_get("/tovar/{number}", tovar)
    app.router.add_get("/shop/{name}", shop)
    return app
