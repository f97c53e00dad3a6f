"""Offline checks: fetch given URLs of one source once each and say what answered, through the source's own policy.

The spider runs in the ordinary crawler stack, so a proxied source is checked through its SOCKS proxy only
(fail-closed), its pace and login apply, and every answer is preserved as WARC evidence before it is judged. It
follows no links and yields no items: each URL gets one `Probe`, kept on the spider for whoever ran it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from scrapy.exceptions import DownloadConnectionRefusedError, DownloadTimeoutError, IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawlers.spiders.base import SourceSpider
from narcwatch.models import Evidence

Outcome = Literal["online", "removed", "unreachable", "inconclusive"]
# What a site says when the page is gone for good: not found, gone, unavailable for legal reasons.
REMOVED_STATUSES = frozenset({404, 410, 451})
# Answers the spider takes to its callback instead of Scrapy's error path (redirects are still followed).
_HANDLED = [s for s in range(400, 600)]


@dataclass
class Probe:
    """What one URL answered in one check, in an analyst's words."""

    url: str
    outcome: Outcome
    detail: str
    status: int | None = None
    evidence: Evidence | None = None


def judge_status(status: int) -> tuple[Outcome, str]:
    if 200 <= status < 300:
        return "online", f"HTTP {status}: the page is served"
    if status in REMOVED_STATUSES:
        return "removed", f"HTTP {status}: the site says the page is gone"
    return "inconclusive", f"HTTP {status}: neither served nor removed (counts neither way)"


def judge_failure(failure: Failure) -> tuple[Outcome, str]:
    """Why nothing answered. A refusal of our own proxy, or a request our policy did not send, tells nothing about
    the site, so it is inconclusive; the site's host refusing, not existing or not answering is unreachable."""
    exc = failure.value
    text = str(exc)
    if isinstance(exc, IgnoreRequest):  # the proxy policy refused to send it (fail-closed)
        return "inconclusive", f"not checked: {text}"
    if "Tor/SOCKS proxy" in text:
        if isinstance(exc, DownloadConnectionRefusedError):
            return "inconclusive", f"the proxy itself could not be reached, nothing was learned: {text}"
        if isinstance(exc, DownloadTimeoutError):
            return "unreachable", "the proxy could not reach the onion service in time"
        reply = text[text.find("(SOCKS reply"):] if "(SOCKS reply" in text else ""
        return "unreachable", f"the proxy could not reach the onion service {reply}".strip()
    names = {c.__name__ for c in type(exc).__mro__}
    if names & {"CannotResolveHostError", "DNSLookupError"}:
        return "unreachable", "the host name does not resolve (DNS failure)"
    if names & {"DownloadConnectionRefusedError", "ConnectionRefusedError"}:
        return "unreachable", "connection refused"
    if names & {"DownloadTimeoutError", "TimeoutError", "TCPTimedOutError"}:
        return "unreachable", "no answer in time (timeout)"
    if names & {"NoRouteError", "HostUnreachableError"}:
        return "unreachable", "host unreachable"
    return "inconclusive", f"the check failed: {type(exc).__name__}: {text}"


class CheckSpider(SourceSpider):
    """Fetches `urls` of one source once each (after its login, if it has one); results in `probes`."""

    def __init__(self, source: Any, urls: Iterable[str], secrets: Any = None, **kwargs: Any) -> None:
        super().__init__(source, secrets, **kwargs)
        self.urls = list(dict.fromkeys(urls))
        self.probes: dict[str, Probe] = {}

    def start_pages(self) -> Iterable[Request]:
        for url in self.urls:
            # Plain HTTP even for a browser-rendered source: the status is what a check needs, not the DOM.
            yield self.page(url, self.on_answer, render=False, dont_filter=True,
                            meta={"narcwatch_check": url, "handle_httpstatus_list": _HANDLED})

    def on_answer(self, response: Response) -> None:
        outcome, detail = judge_status(response.status)
        evidence = (response.meta.get("evidence") or [None])[-1]
        if response.url != response.meta["narcwatch_check"]:
            detail += f" (after a redirect to {response.url})"
        url = response.meta["narcwatch_check"]
        self.probes[url] = Probe(url, outcome, detail, response.status, evidence)

    def on_error(self, failure: Failure) -> None:
        super().on_error(failure)
        request = getattr(failure, "request", None)
        if request is None or "narcwatch_check" not in request.meta:
            return
        url = request.meta["narcwatch_check"]
        if isinstance(failure.value, HttpError):  # an answer outside _HANDLED (1xx, 3xx without a location)
            response = failure.value.response
            outcome, detail = judge_status(response.status)
            self.probes[url] = Probe(url, outcome, detail, response.status,
                                     (response.meta.get("evidence") or [None])[-1])
            return
        outcome, detail = judge_failure(failure)
        self.probes[url] = Probe(url, outcome, detail)
