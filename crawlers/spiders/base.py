"""What every source spider shares: requests built from the source config, link following with trap bounds,
browser rendering, login, and the evidence every item must carry.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import FormRequest, Request, Response
from twisted.python.failure import Failure

from crawlers.captcha import CaptchaError, solve_captcha
from crawlers.config import Links, Secrets, Source
from crawlers.extract import absolute, select
from crawlers.report import CrawlReport
from narcwatch.models import Crawled, Evidence

# Scrolls an infinite feed until an end marker appears or the item count stops growing (see config.Browser).
_SCROLL_JS = """async ([until, items, maxScrolls, settle, stallMs]) => {
  const count = () => items ? document.querySelectorAll(items).length : document.body.scrollHeight;
  let last = -1, since = Date.now();
  for (let i = 0; i < maxScrolls; i++) {
    if (until && document.querySelector(until)) return {count: count(), ended: true};
    const n = count();
    if (n !== last) { last = n; since = Date.now(); }
    else if (Date.now() - since > stallMs) break;
    window.scrollTo(0, document.body.scrollHeight);
    await new Promise((r) => setTimeout(r, settle));
  }
  return {count: count(), ended: !until};
}"""


class SourceSpider(scrapy.Spider):
    """A spider driven by one `Source` from the sources config."""

    kinds: ClassVar[tuple[str, ...]] = ()

    def __init__(self, source: Source, secrets: Secrets | None = None, **kwargs: Any) -> None:
        super().__init__(name=source.name, **kwargs)
        self.source = source
        self.source_name = source.name
        self.secrets = secrets or Secrets()
        self.allowed_domains = source.hosts
        self.logged_in = source.auth is None
        self.parked: list[Request] = []  # requests waiting for a (re-)login
        self._pattern_counts: Counter[str] = Counter()
        self._login_attempts = 0

    @property
    def report(self) -> CrawlReport:
        return CrawlReport.of(self.crawler)

    # -- requests --------------------------------------------------------------------------------------------

    def page(self, url: str, callback: Any, *, priority: int = 0, meta: dict[str, Any] | None = None,
             render: bool | None = None, **kwargs: Any) -> Request:
        """A request carrying the source's policy: browser rendering and the proxy are decided here only."""
        meta = dict(meta or {})
        rendered = self.source.render == "browser" if render is None else render
        if rendered:
            meta.update(self._browser_meta(url))
        return Request(url, callback=callback, errback=self.on_error, priority=priority, meta=meta, **kwargs)

    def _browser_meta(self, url: str) -> dict[str, Any]:
        from scrapy_playwright.page import PageMethod

        b = self.source.browser
        methods = []
        if b.wait_for:
            methods.append(PageMethod("wait_for_selector", b.wait_for, timeout=b.timeout_ms))
        scrolls = not b.scroll_on or any(re.search(p, url) for p in b.scroll_on)
        if scrolls and (b.scroll_until or b.scroll_items):
            # With an end marker, a slow feed is waited for; without one, growth stopping is the end.
            stall = b.timeout_ms if b.scroll_until else 8 * b.settle_ms
            methods.append(PageMethod("evaluate", _SCROLL_JS, [b.scroll_until, b.scroll_items, b.max_scrolls,
                                                               b.settle_ms, stall]))
        if b.screenshot:
            methods.append(PageMethod("screenshot", full_page=True, type="png"))
        meta: dict[str, Any] = {
            "playwright": True,
            "playwright_context": f"source-{self.source.name}",
            "playwright_page_methods": methods,
            # A live ticker keeps the network busy forever: wait for the DOM, then for the configured selector.
            "playwright_page_goto_kwargs": {"wait_until": "domcontentloaded", "timeout": b.timeout_ms},
        }
        if self.source.proxy:
            parts = urlsplit(self.source.proxy)
            meta["playwright_context_kwargs"] = {"proxy": {"server": f"socks5://{parts.hostname}:{parts.port}"}}
        return meta

    async def start(self) -> AsyncIterator[Request]:
        if self.source.auth:
            self.secrets.check(self.source)
            yield self.login_request()
            return
        for request in self.start_pages():
            yield request

    def start_pages(self) -> Iterable[Request]:
        for url in self.source.start_urls:
            yield self.page(url, self.parse_start, meta={"narcwatch_depth": 0})

    def parse_start(self, response: Response) -> Any:
        raise NotImplementedError

    def check_scroll(self, response: Response) -> None:
        """An infinite feed that stopped before its end marker means listings were not seen: say so."""
        for method in response.meta.get("playwright_page_methods") or ():
            result = getattr(method, "result", None)
            if getattr(method, "method", None) == "evaluate" and isinstance(result, dict) and not result.get("ended"):
                self.report.event("incomplete scroll", response.url,
                                  f"the feed stopped growing at {result.get('count')} items before its end marker "
                                  "appeared; some listings may be missing")

    # -- links and trap bounds -------------------------------------------------------------------------------

    def links(self, response: Response, rule: Links | None) -> list[str]:
        """URLs of the anchors a rule selects, on this site, allowed by the rule and inside the trap bounds."""
        if rule is None:
            return []
        nodes = response.css(rule.css) if rule.css else response.xpath(rule.xpath or "")
        hrefs = [n.attrib.get("href") if n.root.tag == "a" else n.get() for n in nodes]  # type: ignore[union-attr]
        out: list[str] = []
        for href in hrefs:
            url = absolute(response.url, href)
            if not url or urlsplit(url).scheme not in ("http", "https"):
                continue
            url = url.split("#", 1)[0]
            if (urlsplit(url).hostname or "").lower() not in self.allowed_domains:
                continue
            if rule.allow and not any(re.search(p, url) for p in rule.allow):
                continue
            if any(re.search(p, url) for p in rule.deny):
                continue
            if url not in out:
                out.append(url)
        return out

    def within_bounds(self, response: Response, url: str, depth: int) -> bool:
        """Depth and per-pattern limits: a session id or calendar link can make any site infinite."""
        limits = self.source.limits
        if depth > limits.depth:
            self.report.event("trap", url, f"not followed: deeper than {limits.depth} links from the start page")
            return False
        for pattern, cap in limits.per_pattern.items():
            if re.search(pattern, url):
                self._pattern_counts[pattern] += 1
                if self._pattern_counts[pattern] > cap:
                    if self._pattern_counts[pattern] == cap + 1:
                        self.report.event("trap", url, f"URL pattern {pattern!r} reached its limit of {cap} pages; "
                                          "further links of this kind are not followed")
                    return False
        return True

    def follow(self, response: Response, urls: Iterable[str], callback: Any, *, priority: int = 0,
               same_level: bool = False) -> list[Request]:
        """Requests for links within bounds. The next page of a list is the same level as the list: a long
        category must not run into the depth limit (page count and per-pattern limits still bound it)."""
        depth = response.meta.get("narcwatch_depth", 0) + (0 if same_level else 1)
        return [self.page(url, callback, priority=priority, meta={"narcwatch_depth": depth})
                for url in urls if self.within_bounds(response, url, depth)]

    # -- items -----------------------------------------------------------------------------------------------

    def evidence(self, response: Response) -> list[Evidence]:
        """The evidence records behind a response; the pipeline drops any item without them."""
        return list(response.meta.get("evidence") or [])

    def stamp(self, item: Crawled, response: Response) -> Crawled:
        item.evidence = self.evidence(response)
        item.run_id = self.settings.get("NARCWATCH_RUN_ID")
        return item

    # -- errors ----------------------------------------------------------------------------------------------

    def on_error(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        self.report.failure(failure, request.url if request is not None else "?")

    # -- login -----------------------------------------------------------------------------------------------

    def login_request(self) -> Request:
        auth = self.source.auth
        assert auth is not None
        self._login_attempts += 1
        return Request(auth.login_url, callback=self.on_login_page, errback=self.on_error, dont_filter=True,
                       priority=1000, meta={"narcwatch_login": True})

    async def on_login_page(self, response: Response) -> AsyncIterator[Request]:
        auth = self.source.auth
        assert auth is not None
        formdata = {name: self.secrets.resolve(self.source, name, ref) for name, ref in auth.fields.items()}
        if auth.captcha.mode != "none":
            try:
                formdata[auth.captcha.field] = await solve_captcha(self, response, auth.captcha)
            except CaptchaError as exc:
                self.report.event("login", response.url, str(exc))
                if self._login_attempts < auth.captcha.attempts:
                    yield self.login_request()
                return
        yield FormRequest.from_response(
            response, formcss=auth.form, formdata=formdata, callback=self.after_login, errback=self.on_error,
            dont_filter=True, priority=1000,
            # The body holds the password: evidence keeps the exchange, not the credential.
            meta={"narcwatch_login": True, "evidence_redact_request_body": True},
        )

    def after_login(self, response: Response) -> Iterable[Request]:
        auth = self.source.auth
        assert auth is not None
        if select(response, auth.logged_in) is None:
            self.report.event("login", response.url, f"login failed (attempt {self._login_attempts}): the page "
                              "after submitting the form does not show the logged-in marker")
            if self._login_attempts < auth.captcha.attempts:
                yield self.login_request()
            return
        first = not self.logged_in and not self.report.logins
        self.logged_in = True
        self._login_attempts = 0
        self.report.logins += 1
        self.logger.info("logged in to %s (%d requests were waiting)", self.source.name, len(self.parked))
        parked, self.parked = self.parked, []
        yield from parked
        if first:
            yield from self.start_pages()
