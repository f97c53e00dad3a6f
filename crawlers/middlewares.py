"""Downloader middlewares that carry a source's policy: its proxy (fail-closed), its session, its pace."""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from time import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.asyncio import call_later

from crawlers.report import CrawlReport

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawlers.spiders.base import SourceSpider

_REDIRECTS = (301, 302, 303, 307, 308)


class Parked(IgnoreRequest):
    """The request waits for a re-login and is sent again afterwards; not an error."""


def _spider(crawler: Crawler) -> SourceSpider | None:
    spider = crawler.spider
    return spider if spider is not None and hasattr(spider, "source") else None  # type: ignore[return-value]


class SourcePolicyMiddleware:
    """Stamps every request of a source with its proxy, so nothing of a proxied source can go out directly.

    The proxy comes from the source config only, overriding whatever a request carried. Refusing what must not
    go out (an onion without a proxy, a proxied source's request without its proxy) is the download handler's
    job, below every middleware.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourcePolicyMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        spider = _spider(self.crawler)
        if spider is None:
            return
        source = spider.source
        if source.proxy:
            request.meta["proxy"] = source.proxy
            request.meta["narcwatch_proxy_required"] = True
        else:
            request.meta.setdefault("proxy", None)  # explicit: no environment proxy may carry a direct source


class SessionMiddleware:
    """Notices an expired login (a redirect to the login page), logs in again and re-sends what was waiting.

    Sits before the redirect middleware so it sees the raw redirect. Only one login runs at a time; requests
    that come back expired meanwhile are parked on the spider and re-sent after the login succeeds.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SessionMiddleware:
        return cls(crawler)

    def _expired(self, spider: SourceSpider, request: Request, response: Response) -> bool:
        auth = spider.source.auth
        if auth is None or request.meta.get("narcwatch_login"):
            return False
        if response.status in _REDIRECTS and b"Location" in response.headers:
            target = urljoin(request.url, response.headers[b"Location"].decode("latin-1"))
            patterns = auth.expired or [re.escape(urlsplit(auth.login_url).path)]
        else:
            target, patterns = response.url, auth.expired
        return any(re.search(p, target) for p in patterns)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        spider = _spider(self.crawler)
        if spider is None or not self._expired(spider, request, response):
            return response
        spider.parked.append(request.replace(dont_filter=True))
        CrawlReport.of(self.crawler).event("session", request.url, "session expired; logging in again")
        if spider.logged_in:
            spider.logged_in = False
            return spider.login_request()
        raise Parked(f"{request.url} waits for the re-login of {spider.source.name}")


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when - (now if now is not None else time()))


class RetryAfterMiddleware(RetryMiddleware):
    """RetryMiddleware that honours Retry-After on 429/503 by pausing the whole site, not just one request.

    Hammering a shop that asked us to wait gets the unit's account banned; so the downloader slot of that site
    stops sending for the time asked (capped), and the request is retried afterwards without using up the
    ordinary retry budget too fast.
    """

    MAX_WAIT = 300.0
    RATE_LIMIT_RETRIES = 20

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status in (429, 503) and not request.meta.get("dont_retry"):
            wait = retry_after_seconds(response.headers.get(b"Retry-After"))
            if wait is not None:
                wait = min(wait, self.MAX_WAIT)
                self._pause_slot(request, wait)
                CrawlReport.of(self.crawler).event(
                    "rate limited", request.url, f"HTTP {response.status}: the site asked to wait {wait:g} s")
                retry = get_retry_request(request, reason=f"HTTP {response.status}, Retry-After {wait:g}s",
                                          spider=self.crawler.spider,
                                          max_retry_times=request.meta.get("max_retry_times",
                                                                           self.RATE_LIMIT_RETRIES))
                return retry or response
        return super().process_response(request, response)

    def _pause_slot(self, request: Request, seconds: float) -> None:
        engine: Any = self.crawler.engine
        downloader = engine.downloader if engine else None
        if downloader is None or seconds <= 0:
            return
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is None:
            return
        if slot.latercall is not None:
            slot.latercall.cancel()
        slot.latercall = call_later(seconds, downloader._latercall, slot)
