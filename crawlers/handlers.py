"""Download handler for every http(s) request: Tor/SOCKS proxies, fail-closed, and the browser behind the same proxy.

Scrapy cannot speak SOCKS, and a middleware that merely sets `meta["proxy"]` cannot stop a request that lost it: this
handler owns the last step before the network, so it is where "never direct, never resolved locally" is enforced.
Size limits, timeouts and dataloss handling come from Scrapy's streaming aiohttp handler and apply to proxied
responses too; aiohttp never decompresses, so HttpCompressionMiddleware caps compression bombs at DOWNLOAD_MAXSIZE.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import unquote, urlsplit

import aiohttp
import yarl
from aiohttp_socks import ProxyConnectionError, ProxyConnector, ProxyError, ProxyTimeoutError, ProxyType
from playwright.async_api import Page
from scrapy.core.downloader.handlers._aiohttp import AiohttpDownloadHandler, _ClientResponse
from scrapy.core.downloader.handlers._base_streaming import BaseStreamingDownloadHandler
from scrapy.exceptions import (
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotConfigured,
)
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.ssl import _make_ssl_context
from scrapy.utils.url import add_http_if_no_scheme
from scrapy_playwright.handler import DEFAULT_CONTEXT_NAME, ScrapyPlaywrightDownloadHandler

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

# Set by the source middleware on every request of a source configured with a proxy.
PROXY_REQUIRED = "narcwatch_proxy_required"
# All with remote resolution: a proxied source's names are never resolved locally, whatever the URL scheme says.
SOCKS_SCHEMES = {"socks5h": ProxyType.SOCKS5, "socks5": ProxyType.SOCKS5, "socks4a": ProxyType.SOCKS4,
                 "socks4": ProxyType.SOCKS4}
# Only an anonymising proxy can reach these, and a local lookup leaks the name to the resolver.
HIDDEN_SERVICE_SUFFIXES = (".onion", ".i2p")
_DEFAULT_PORTS = {"http": 80, "https": 443} | dict.fromkeys(SOCKS_SCHEMES, 1080)
_NOT_SENT = "request NOT sent directly (fail-closed)"


class ProxyPolicyError(IgnoreRequest):
    """A request that would bypass its source's proxy. IgnoreRequest, because retrying cannot fix configuration."""


class OnionWithoutProxyError(ProxyPolicyError):
    """A hidden service, or a request of a proxied source, without a SOCKS proxy."""


class BrowserProxyMismatchError(ProxyPolicyError):
    """A browser request of a proxied source whose Playwright context would not use that proxy."""


class BrowserNotEnabledError(NotConfigured):
    """A playwright request in a crawl that did not enable the browser (NARCWATCH_BROWSER_ENABLED)."""


def redact(proxy_url: str) -> str:
    """scheme://host:port only: credentials (Tor stream-isolation tokens, proxy logins) must never reach a log."""
    parts = urlsplit(add_http_if_no_scheme(proxy_url))
    host, port = _host_port(proxy_url)
    return f"{parts.scheme}://[{host}]:{port}" if ":" in host else f"{parts.scheme}://{host}:{port}"


def is_socks(proxy_url: str | None) -> bool:
    return bool(proxy_url) and urlsplit(add_http_if_no_scheme(proxy_url)).scheme.lower() in SOCKS_SCHEMES


def _host_port(proxy_url: str) -> tuple[str, int]:
    """Where a proxy URL points, with scheme default ports, so differently spelled URLs compare equal."""
    parts = urlsplit(add_http_if_no_scheme(proxy_url))
    try:
        port = parts.port
    except ValueError:
        port = None
    return (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(parts.scheme.lower(), 0)


def _hidden_service(request: Request) -> str | None:
    # Unquoted and without the root dot: Chromium canonicalises "x%2Eonion." to "x.onion" before resolving it.
    host = unquote(urlparse_cached(request).hostname or "").lower().rstrip(".")
    return host if host.endswith(HIDDEN_SERVICE_SUFFIXES) else None


def _why_unreachable(exc: BaseException) -> str:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return "refused the connection"
        cause = cause.__cause__
    return f"is unreachable ({exc})"


class SourceDownloadHandler(AiohttpDownloadHandler):
    """DOWNLOAD_HANDLERS for http and https.

    A request whose `meta["proxy"]` is socks5h/socks5/socks4a/socks4 goes through that proxy with remote DNS, one
    aiohttp session per proxy URL (credentials included, as they select Tor circuits); other proxies and direct
    requests behave as in the parent. Requests with `meta["playwright"]` go to scrapy-playwright, and only through a
    browser context that uses the same proxy.
    """

    experimental: ClassVar[bool] = False  # ours, and tested: no "experimental" warning in every crawl log

    def __init__(self, crawler: Crawler) -> None:
        # Not AiohttpDownloadHandler.__init__: it opens its aiohttp session at once, which needs a running event
        # loop, and CrawlerProcess (crawlers.run) builds download handlers before the loop runs.
        BaseStreamingDownloadHandler.__init__(self, crawler)
        self._ssl_context = _make_ssl_context(crawler.settings)
        # Opened on first use: None is the direct (or HTTP proxy) session, other keys are SOCKS proxy URLs.
        self._sessions: dict[str | None, aiohttp.ClientSession] = {}
        # Only crawls with browser sources start Playwright (and, on first use, Chromium).
        self._browser = _Browser.acquire(crawler) if crawler.settings.getbool("NARCWATCH_BROWSER_ENABLED") else None

    async def download_request(self, request: Request) -> Response:
        self._check_proxy_policy(request)
        if request.meta.get("playwright"):
            return await self._download_in_browser(request)
        return await super().download_request(request)

    async def close(self) -> None:
        for session in self._sessions.values():
            await session.close()
        if self._browser is not None:
            await self._browser.release()

    # -- fail-closed --

    def _refuse(self, error: ProxyPolicyError) -> ProxyPolicyError:
        """IgnoreRequest is dropped silently by Scrapy, but a refused request is an incident: log and count it."""
        logger.error(str(error))
        self.crawler.stats.inc_value("narcwatch/proxy_refused")
        return error

    def _check_proxy_policy(self, request: Request) -> None:
        proxy: str | None = request.meta.get("proxy")
        if is_socks(proxy):
            return
        if host := _hidden_service(request):
            reason = f"{host} is a hidden service"
        elif request.meta.get(PROXY_REQUIRED):
            reason = "its source must be crawled through a SOCKS proxy"
        else:
            return
        have = f"its proxy {redact(proxy)} is not SOCKS" if proxy else "it has no proxy"
        raise self._refuse(OnionWithoutProxyError(f"Refused {request.url}: {reason} but {have}; {_NOT_SENT}"))

    # -- sessions --

    @property
    def _session(self) -> aiohttp.ClientSession:  # type: ignore[override]
        """The parent's session for direct and HTTP-proxy requests."""
        return self._session_for(None)

    def _session_for(self, socks_url: str | None) -> aiohttp.ClientSession:
        """Same options as the parent's session; a SOCKS connector hands every name to the proxy (rdns)."""
        session = self._sessions.get(socks_url)
        if session is not None:
            return session
        connector: aiohttp.TCPConnector
        if socks_url is None:
            connector = aiohttp.TCPConnector(
                local_addr=self._bind_address, limit=self._pool_size_total, limit_per_host=self._pool_size_per_host
            )
        else:
            parts = urlsplit(socks_url)
            host, port = _host_port(socks_url)
            connector = ProxyConnector(
                proxy_type=SOCKS_SCHEMES[parts.scheme.lower()],
                host=host,
                port=port,
                username=unquote(parts.username) if parts.username else None,
                password=unquote(parts.password) if parts.password else None,
                rdns=True,
                limit=self._pool_size_total,
                limit_per_host=self._pool_size_per_host,
            )
        session = self._sessions[socks_url] = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=False,
            response_class=_ClientResponse,
            skip_auto_headers=("Accept", "Accept-Encoding", "Content-Type", "User-Agent"),
        )
        return session

    @asynccontextmanager
    async def _make_request(self, request: Request, timeout: float) -> AsyncIterator[_ClientResponse]:
        if not is_socks(request.meta.get("proxy")):
            async with super()._make_request(request, timeout) as response:
                yield response
            return
        proxy = self._extract_proxy_url_with_creds(request)
        assert proxy is not None
        shown = f"Tor/SOCKS proxy {redact(proxy)}"
        host = urlparse_cached(request).hostname
        url = yarl.URL(request.url, encoded=True) if request.meta.get("verbatim_url") else request.url
        try:
            async with await self._session_for(proxy).request(
                request.method,
                url,
                data=request.body,
                headers=self._request_headers(request).to_tuple_list(),  # without Proxy-Authorization
                timeout=aiohttp.ClientTimeout(total=timeout),
                ssl=self._ssl_context,
                allow_redirects=False,
            ) as response:
                yield response
        except ProxyConnectionError as e:
            raise DownloadConnectionRefusedError(f"{shown} {_why_unreachable(e)}; {_NOT_SENT}") from e
        except ProxyTimeoutError as e:
            raise DownloadTimeoutError(f"{shown} did not connect to {host} in time; {_NOT_SENT}") from e
        except ProxyError as e:
            reply = f" (SOCKS reply 0x{e.error_code:02x})" if e.error_code is not None else ""
            raise DownloadFailedError(f"{shown} could not reach {host}: {str(e).lower()}{reply}") from e
        except TimeoutError as e:
            raise DownloadTimeoutError(f"Getting {request.url} via {shown} took longer than {timeout} seconds.") from e
        except aiohttp.ClientError as e:
            raise DownloadFailedError(f"Getting {request.url} via {shown} failed: {e}") from e

    # -- browser --

    async def _download_in_browser(self, request: Request) -> Response:
        if self._browser is None:
            raise BrowserNotEnabledError(
                f"{request.url} asks for the browser (meta playwright) but NARCWATCH_BROWSER_ENABLED is off"
            )
        if problem := self._browser.admit(request):
            error = BrowserProxyMismatchError(f"Refused browser request {request.url}: {problem}; {_NOT_SENT}")
            raise self._refuse(error)
        # scrapy-playwright hands the Scrapy headers to the browser for the navigation: Chromium drops this one, but
        # the proxy credentials must not depend on a browser engine's header rules to stay away from the site.
        request.headers.pop(b"Proxy-Authorization", None)
        return await self._browser.handler.download_request(request)


class _Browser:
    """One scrapy-playwright handler (so one Chromium) per crawl, shared by the http and https handler instances.

    It also pins each context name to the proxy it is created with: scrapy-playwright ignores
    `playwright_context_kwargs` once a context exists (and recreates a closed one from the next request's kwargs),
    so only requests that agree on a context's proxy may use it.
    """

    _per_crawler: ClassVar[dict[Crawler, _Browser]] = {}

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        # Created with the download handlers, i.e. before engine_started, which starts Playwright.
        self.handler = ScrapyPlaywrightDownloadHandler(crawler)
        self.users = 0
        startup: dict[str, Any] = crawler.settings.getdict("PLAYWRIGHT_CONTEXTS")
        self.context_proxies: dict[str, str | None] = {name: _context_proxy(kw) for name, kw in startup.items()}

    @classmethod
    def acquire(cls, crawler: Crawler) -> _Browser:
        browser = cls._per_crawler.get(crawler)
        if browser is None:
            browser = cls._per_crawler[crawler] = cls(crawler)
        browser.users += 1
        return browser

    async def release(self) -> None:
        self.users -= 1
        if self.users == 0:
            del self._per_crawler[self.crawler]
            await self.handler.close()

    def admit(self, request: Request) -> str | None:
        """Why Chromium would not send this request (and resolve its names) through its source's proxy, or None.

        An admitted request pins its context to its context proxy.
        """
        name: str = request.meta.get("playwright_context", DEFAULT_CONTEXT_NAME)
        kwargs: dict[str, Any] = request.meta.get("playwright_context_kwargs") or {}
        wanted = _context_proxy(kwargs)
        if name in self.context_proxies and self.context_proxies[name] != wanted:
            pinned = self.context_proxies[name]
            return (f"playwright context {name!r} was created with {_shown(pinned)}, this request asks for"
                    f" {_shown(wanted)}")
        # Whatever the proxy (a proxied source's is SOCKS by now, see _check_proxy_policy), the browser must use it.
        if meta_proxy := request.meta.get("proxy"):
            problem = _context_proxy_problem(meta_proxy, kwargs) or self._page_problem(request, name)
            if problem:
                return f"{problem} (playwright context {name!r} asks for {_shown(wanted)})"
        self.context_proxies[name] = wanted
        return None

    def _page_problem(self, request: Request, name: str) -> str | None:
        """A page passed in meta is used as is, whatever context it belongs to."""
        page = request.meta.get("playwright_page")
        if not isinstance(page, Page) or page.is_closed():
            return None
        wrapper = self.handler.context_wrappers.get(name)
        if wrapper is not None and page.context is wrapper.context:
            return None
        return f"the playwright_page in meta is not a page of context {name!r}"


def _shown(server: str | None) -> str:
    return f"proxy {redact(server)}" if server else "no proxy"


def _context_proxy(context_kwargs: dict[str, Any]) -> str | None:
    return (context_kwargs.get("proxy") or {}).get("server") or None


def _context_proxy_problem(meta_proxy: str, context_kwargs: dict[str, Any]) -> str | None:
    """Why Chromium would not use meta_proxy for this context, or None if it would."""
    server = _context_proxy(context_kwargs)
    # Chromium resolves names through socks5 itself, but locally for socks4; a scheme-less server means HTTP.
    allowed = {"socks5"} if is_socks(meta_proxy) else {"http", "https"}
    if (
        server is None
        or urlsplit(add_http_if_no_scheme(server)).scheme.lower() not in allowed
        or _host_port(server) != _host_port(meta_proxy)
    ):
        schemes = "/".join(sorted(allowed))
        return f"its source's proxy is {redact(meta_proxy)}, so the browser must use {schemes}:// to it"
    if context_kwargs["proxy"].get("bypass"):
        return "the context proxy has a bypass list, which Chromium would fetch directly"
    return None
