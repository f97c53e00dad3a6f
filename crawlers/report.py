"""The crawl report: what was fetched, what was kept, and everything that went wrong, in an analyst's words.

An extension per crawler collects it from signals and from the spider; at the end it is written as JSON next
to the run's items, and the CLI prints it.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

MAX_EXAMPLES = 20  # per kind: the report stays readable when a trap produces thousands of events


def classify(failure: Failure) -> tuple[str, str]:
    """(kind, message) for a failed request; kinds are what the analyst filters on."""
    exc = failure.value
    message = str(exc) or type(exc).__name__
    lowered = message.lower()
    name = type(exc).__name__
    if isinstance(exc, HttpError):
        status = exc.response.status
        return f"http {status}", f"the site answered HTTP {status}"
    if "timeout" in name.lower() or "took longer than" in lowered:
        return "timeout", message
    if "max size" in lowered or "maxsize" in lowered or "larger than" in lowered:
        return "oversized", message
    if name == "OnionWithoutProxyError":
        return "refused: onion without proxy", message
    if "proxy" in lowered:
        return "proxy unreachable", message
    if "refused" in lowered or "ConnectionRefused" in name:
        return "connection refused", message
    if "dns" in lowered or "resolve" in lowered:
        return "name not resolved", message
    if "evidence" in lowered:
        return "evidence not written", message
    if isinstance(exc, IgnoreRequest):
        return "ignored", message
    return name, message


class CrawlReport:
    """Collected per crawler (one source); `CrawlReport.of(crawler)` finds it from spiders and pipelines."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.started = datetime.now(UTC)
        self.finished: datetime | None = None
        self.reason: str | None = None
        self.pages = 0
        self.status: Counter[int] = Counter()
        self.items: Counter[str] = Counter()
        self.changes: Counter[str] = Counter()
        self.dropped: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.events: Counter[str] = Counter()
        self.stages: Counter[str] = Counter()  # what the stages after the crawl did with the items (analysed...)
        self.examples: dict[str, list[dict[str, str]]] = defaultdict(list)
        self.logins = 0
        self.vanished: list[str] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlReport:
        report = cls(crawler)
        crawler.narcwatch_report = report  # type: ignore[attr-defined]
        crawler.signals.connect(report._response, signal=signals.response_received)
        crawler.signals.connect(report._scraped, signal=signals.item_scraped)
        crawler.signals.connect(report._dropped, signal=signals.item_dropped)
        crawler.signals.connect(report._error, signal=signals.spider_error)
        crawler.signals.connect(report._closed, signal=signals.spider_closed)
        return report

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlReport:
        report = getattr(crawler, "narcwatch_report", None)
        if report is None:  # the extension is not enabled (a bare Scrapy run): collect anyway
            report = cls(crawler)
            crawler.narcwatch_report = report  # type: ignore[attr-defined]
        return report

    # -- recording -------------------------------------------------------------------------------------------

    def _example(self, kind: str, url: str, message: str) -> None:
        if len(self.examples[kind]) < MAX_EXAMPLES:
            self.examples[kind].append({"url": url, "message": message})

    def event(self, kind: str, url: str, message: str) -> None:
        """Something worth an analyst's attention that is not a failed request (trap bounded, parse gap...)."""
        self.events[kind] += 1
        self._example(kind, url, message)

    def error(self, kind: str, url: str, message: str) -> None:
        """A failure that is not a request's: an item a later stage could not handle."""
        self.errors[kind] += 1
        self._example(kind, url, message)

    def failure(self, failure: Failure, url: str) -> None:
        kind, message = classify(failure)
        self.errors[kind] += 1
        self._example(kind, url, message)

    def _response(self, response: Any, request: Any, spider: Any = None) -> None:
        self.pages += 1
        self.status[response.status] += 1

    def _scraped(self, item: Any, response: Any = None, spider: Any = None) -> None:
        kind = getattr(item, "kind", "item")
        self.items[kind] += 1
        change = getattr(item, "change", None)
        if change is not None:
            self.changes[str(change)] += 1

    def _dropped(self, item: Any, response: Any = None, exception: BaseException | None = None,
                 spider: Any = None) -> None:
        reason = str(exception) if exception else "dropped"
        kind = reason.split(":", 1)[0]
        self.dropped[kind] += 1
        self._example(f"dropped: {kind}", getattr(item, "url", "?"), reason)

    def _error(self, failure: Failure, response: Any, spider: Any = None) -> None:
        self.errors["spider error"] += 1
        self._example("spider error", response.url, f"{type(failure.value).__name__}: {failure.value}")

    def _closed(self, spider: Any, reason: str) -> None:
        self.finished = datetime.now(UTC)
        self.reason = reason
        run_dir = self.crawler.settings.get("NARCWATCH_RUN_DIR")
        if run_dir:
            path = Path(run_dir) / "reports" / f"{spider.name}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")

    # -- output ----------------------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        return {
            "source": self.crawler.spider.name if self.crawler.spider else None,
            "run_id": self.crawler.settings.get("NARCWATCH_RUN_ID"),
            "started": self.started.isoformat(),
            "finished": self.finished.isoformat() if self.finished else None,
            "finish_reason": self.reason,
            "pages": self.pages,
            "status": {str(k): v for k, v in sorted(self.status.items())},
            "items": dict(self.items),
            "changes": dict(self.changes),
            "vanished": len(self.vanished),
            "dropped": dict(self.dropped),
            "errors": dict(self.errors),
            "events": dict(self.events),
            "stages": dict(self.stages),
            "logins": self.logins,
            "retries": stats.get("retry/count", 0),
            "evidence": {"records": stats.get("evidence/records", 0), "bytes": stats.get("evidence/bytes", 0),
                         "screenshots": stats.get("evidence/screenshots", 0)},
            "examples": dict(self.examples),
        }
