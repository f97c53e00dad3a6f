"""Forums: boards → threads (with their pages) → one item per post."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from scrapy.http import Response

from crawlers.extract import absolute, select
from crawlers.spiders.base import SourceSpider
from narcwatch.models import Post


def parse_when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


class ForumSpider(SourceSpider):
    kinds = ("forum",)

    def parse_start(self, response: Response) -> Iterator[Any]:
        forum = self.source.forum
        assert forum is not None
        yield from self.follow(response, self.links(response, forum.boards), self.parse_board)
        yield from self.parse_board(response)

    def parse_board(self, response: Response) -> Iterator[Any]:
        forum = self.source.forum
        assert forum is not None
        yield from self.follow(response, self.links(response, forum.threads), self.parse_thread, priority=10)
        yield from self.follow(response, self.links(response, forum.pagination), self.parse_board, same_level=True)
        for rule in self.source.follow:
            yield from self.follow(response, self.links(response, rule), self.parse_board)

    def parse_thread(self, response: Response) -> Iterator[Any]:
        forum = self.source.forum
        assert forum is not None
        match = re.search(forum.thread_id, response.url)
        thread = match.group(1) if match else None
        title = select(response, forum.thread_title)
        for node in response.css(forum.post):
            native = select(node, forum.post_id)  # type: ignore[arg-type]
            if not native:
                self.report.event("parse", response.url, "a post without an id was skipped")
                continue
            post = Post(source=self.source.name, key=f"{self.source.name}:{native}", channel=None, native_id=native,
                        url=f"{response.url.split('#')[0]}#p{native}", thread=thread, title=title,
                        author=select(node, forum.author),  # type: ignore[arg-type]
                        author_url=absolute(response.url, select(node, forum.author_link)),  # type: ignore[arg-type]
                        posted_at=parse_when(select(node, forum.date)),  # type: ignore[arg-type]
                        text=select(node, forum.text) or "")  # type: ignore[arg-type]
            yield self.stamp(post, response)
        yield from self.follow(response, self.links(response, forum.pagination), self.parse_thread, priority=10,
                               same_level=True)
