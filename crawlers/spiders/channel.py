"""Telegram-style public channel previews (`/s/<channel>`): newest posts first, older ones by `?before=<id>`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from scrapy.http import Request, Response

from crawlers.extract import select, select_all
from crawlers.spiders.base import SourceSpider
from crawlers.spiders.forum import parse_when
from narcwatch.models import Post

_COUNT = re.compile(r"([\d.,]+)\s*([KkMm]?)")


def parse_views(text: str | None) -> int | None:
    """"6.2K" → 6200, "1,204" → 1204."""
    match = _COUNT.search(text or "")
    if not match:
        return None
    number = float(match.group(1).replace(",", ""))
    return int(round(number * {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()]))


def channel_page(base: str, name: str) -> str:
    """The public preview page of channel `name` on a channel site at `base`."""
    return urljoin(base.rstrip("/") + "/", f"s/{name}")


class ChannelSpider(SourceSpider):
    kinds = ("channel",)

    def start_pages(self) -> Iterator[Request]:
        channel = self.source.channel
        assert channel is not None
        for base in self.source.start_urls:
            for name in channel.channels:
                url = channel_page(base, name)
                yield self.page(url, self.parse_start, meta={"narcwatch_channel": name, "narcwatch_depth": 0})

    def parse_start(self, response: Response) -> Iterator[Any]:
        cfg = self.source.channel
        assert cfg is not None
        name = response.meta["narcwatch_channel"]
        ids: list[int] = []
        title = select(response, cfg.channel_title)
        for node in response.css(cfg.message):
            native = select(node, cfg.post_id)  # type: ignore[arg-type]
            if not native or not native.isdigit():
                self.report.event("parse", response.url, "a message without a numeric post id was skipped")
                continue
            ids.append(int(native))
            origin = f"{urlsplit(response.url).scheme}://{urlsplit(response.url).netloc}"
            post = Post(source=self.source.name, key=f"{self.source.name}:{name}/{native}", channel=name,
                        native_id=native, url=f"{origin}/{name}/{native}",
                        author=select(node, cfg.author) or title,  # type: ignore[arg-type]
                        posted_at=parse_when(select(node, cfg.date)),  # type: ignore[arg-type]
                        views=parse_views(select(node, cfg.views)),  # type: ignore[arg-type]
                        forwarded_from=select(node, cfg.forwarded_from),  # type: ignore[arg-type]
                        text=select(node, cfg.text) or "",  # type: ignore[arg-type]
                        links=select_all(node, cfg.links))  # type: ignore[arg-type]
            yield self.stamp(post, response)
        if ids and min(ids) > 1:
            base = response.url.split("?", 1)[0]
            older = f"{base}?{urlencode({cfg.before_param: min(ids)})}"
            yield self.page(older, self.parse_start, priority=-1,
                            meta={"narcwatch_channel": name, "narcwatch_depth": 0})
