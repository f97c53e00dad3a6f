"""Run the whole range: one loopback HTTP server per site, plus the SOCKS5 proxy that plays Tor.

Ports are base_port + a fixed offset per site, so URLs stay the same across epochs (a site that goes
offline simply stops listening). With base_port=0 every server takes a free port (tests).
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aiohttp import web

from testsites.apps import channels, forum, market_a, market_b, market_c, shop
from testsites.apps.common import PEERS_KEY, SETTINGS_KEY, RangeSettings, record_peer
from testsites.proxy import OnionProxy
from testsites.world import CHANNELS, SITES, World

OFFSETS = {"market_a": 0, "market_b": 1, "market_c": 2, "shop": 3, "forum": 4, "channels": 5, "proxy": 9}


class Range:
    """Every site of the range for one (seed, size, epoch), served on 127.0.0.1."""

    def __init__(self, world: World, settings: RangeSettings, host: str = "127.0.0.1", base_port: int = 0) -> None:
        self.world, self.settings, self.host, self.base_port = world, settings, host, base_port
        self.ports: dict[str, int] = {}
        self.proxy: OnionProxy | None = None
        self._runners: list[web.AppRunner] = []
        self._apps_by_key: dict[str, web.Application] = {}

    def _apps(self) -> dict[str, web.Application]:
        w = self.world
        apps = {"market_a": market_a.build(w), "market_b": market_b.build(w, self.settings),
                "market_c": market_c.build(w), "shop": shop.build(w), "forum": forum.build(w),
                "channels": channels.build(w)}
        for app in apps.values():
            app[SETTINGS_KEY] = self.settings
            app[PEERS_KEY] = Counter()
            app.middlewares.insert(0, record_peer)
        return {k: v for k, v in apps.items() if k not in SITES or w.site_online(k)}

    async def start(self) -> None:
        self.settings.state_dir.mkdir(parents=True, exist_ok=True)
        self._apps_by_key = self._apps()
        for key, app in self._apps_by_key.items():
            runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
            await runner.setup()
            port = self.base_port + OFFSETS[key] if self.base_port else 0
            site = web.TCPSite(runner, self.host, port, reuse_address=True)
            await site.start()
            self.ports[key] = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            self._runners.append(runner)
        routes = {h: (self.host, self.ports[s]) for s, hosts in self.world.onions.items() for h in hosts
                  if s in self.ports}
        proxy_port = self.base_port + OFFSETS["proxy"] if self.base_port else 0
        self.proxy = OnionProxy(routes, host=self.host, port=proxy_port, source_address=self.settings.proxy_source)
        await self.proxy.start()
        self._write_state()

    async def stop(self) -> None:
        if self.proxy:
            await self.proxy.stop()
        for runner in self._runners:
            await runner.cleanup()
        self._runners.clear()

    def peers(self) -> dict[str, Counter[str]]:
        """Requests per client address, per site (a copy): who visited, through the proxy or directly."""
        return {key: Counter(app[PEERS_KEY]) for key, app in self._apps_by_key.items()}

    def direct_url(self, site: str) -> str:
        key = "channels" if site in CHANNELS else site
        port = self.ports.get(key) or (self.base_port + OFFSETS[key] if self.base_port else 0)
        return f"http://{self.host}:{port}"

    @property
    def urls(self) -> dict[str, str]:
        """The address an analyst would use: onion names for markets, loopback for the open-web sites."""
        out = {}
        for site in SITES:
            hosts = self.world.onions.get(site)
            out[site] = f"http://{hosts[0]}" if hosts else self.direct_url(site)
        return out

    @property
    def secrets_file(self) -> Path:
        return self.settings.state_dir / "secrets.env"

    def _write_state(self) -> None:
        """Addresses and the login market's buyer account, for the crawler's config and the operator."""
        user, password = market_b.demo_credentials(self.world)
        self.secrets_file.write_text(f"MARKET_B_USERNAME={user}\nMARKET_B_PASSWORD={password}\n")
        self.secrets_file.chmod(0o600)
        state = {"seed": self.world.seed, "listings": self.world.size, "epoch": self.world.epoch,
                 "urls": self.urls, "direct": {s: self.direct_url(s) for s in SITES},
                 "proxy": self.proxy.url if self.proxy else None,
                 "captcha_dir": str(self.settings.state_dir / "market_b_captcha"),
                 "secrets_file": str(self.secrets_file)}
        (self.settings.state_dir / "range.json").write_text(json.dumps(state, indent=2))
        (self.settings.state_dir / "range.env").write_text("".join(f"{k}={v}\n" for k, v in self.env().items()))

    def env(self) -> dict[str, str]:
        """Addresses as environment variables: config/sources.yaml reads them (its defaults.env_file)."""
        urls = self.urls
        mirrors = [f"http://{h}" for h in self.world.onions.get("market_a", [])[1:]]
        return {"RANGE_STATE": str(self.settings.state_dir), "RANGE_PROXY": self.proxy.url if self.proxy else "",
                "RANGE_MARKET_A_URL": urls["market_a"], "RANGE_MARKET_A_MIRRORS": " ".join(mirrors),
                "RANGE_MARKET_B_URL": urls["market_b"], "RANGE_MARKET_C_URL": urls["market_c"],
                "RANGE_SHOP_URL": urls["shop"], "RANGE_FORUM_URL": urls["forum"],
                "RANGE_CHANNELS_URL": urls["channel_ua"],
                "RANGE_CAPTCHA_DIR": str(self.settings.state_dir / "market_b_captcha")}

    def write_truth(self, path: Path) -> int:
        return write_truth(self.world, self.urls, path)


def write_truth(world: World, urls: dict[str, str], path: Path) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for record in world.truth(urls):
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n


@contextmanager
def running(world: World, settings: RangeSettings, base_port: int = 0) -> Iterator[Range]:
    """The range on its own event loop in a background thread: for tests, benchmarks and the demo."""
    loop = asyncio.new_event_loop()
    rng = Range(world, settings, base_port=base_port)
    thread = threading.Thread(target=loop.run_forever, name="narcwatch-range", daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(rng.start(), loop).result(timeout=60)
    try:
        yield rng
    finally:
        asyncio.run_coroutine_threadsafe(rng.stop(), loop).result(timeout=60)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
