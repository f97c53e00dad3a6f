"""Running offline checks: one check crawler per source, as crawlers.run runs a crawl, several rounds in one process.

Scrapy's reactor starts once per process, so the rounds (three checks an hour apart in one command) run inside it:
`Checker.run(main)` starts the reactor with `main`, which awaits `Checker.probe` as often as it likes.

Layout under `out`, like a crawl's: runs/<run_id>/evidence/*.warc.gz (every answer), runs/<run_id>/report.json,
and checks.log (the Scrapy log of every round).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy.crawler import AsyncCrawlerProcess, Crawler

from crawlers.config import Secrets, Source
from crawlers.run import _new_run_id, base_settings, source_report, source_settings
from crawlers.spiders.check import CheckSpider, Probe

# A check fetches only the URLs it is given: no items, no page cap of a full crawl (the list bounds it).
CHECK_OVERRIDES: dict[str, Any] = {"ITEM_PIPELINES": {}, "CLOSESPIDER_PAGECOUNT": 0}


@dataclass
class CheckRound:
    """One round: what every URL answered, and where its evidence is."""

    run_id: str
    run_dir: Path
    started_at: datetime
    finished_at: datetime | None = None
    probes: dict[str, Probe] = field(default_factory=dict)
    reports: dict[str, dict[str, Any]] = field(default_factory=dict)


class Checker:
    """Checks URLs through each source's own crawler settings (proxy, pace, login) with evidence capture."""

    def __init__(self, out: Path, secrets: Secrets) -> None:
        self.out, self.secrets = out, secrets
        out.mkdir(parents=True, exist_ok=True)
        self.base = base_settings(out / "checks.log")
        self.process = AsyncCrawlerProcess(self.base)

    async def probe(self, targets: list[tuple[Source, list[str]]]) -> CheckRound:
        """Fetch every URL once through its source's crawler; all sources at once."""
        run_id = _new_run_id()
        found = CheckRound(run_id=run_id, run_dir=self.out / "runs" / run_id, started_at=datetime.now(UTC))
        found.run_dir.mkdir(parents=True, exist_ok=True)
        crawlers: dict[str, Crawler] = {}
        tasks = []
        for source, urls in targets:
            if not urls:
                continue
            self.secrets.check(source)
            settings = source_settings(self.base, source, out=self.out, run_dir=found.run_dir, run_id=run_id,
                                       overrides=CHECK_OVERRIDES)
            crawler = crawlers[source.name] = Crawler(CheckSpider, settings)
            tasks.append(self.process.crawl(crawler, source=source, urls=urls, secrets=self.secrets))
        results = await asyncio.gather(*tasks, return_exceptions=True)
        for (name, crawler), result in zip(crawlers.items(), results, strict=True):
            if isinstance(crawler.spider, CheckSpider):
                found.probes.update(crawler.spider.probes)
            failed = result if isinstance(result, BaseException) else None
            found.reports[name] = source_report(crawler, name, found.run_dir, run_id, failed)
        found.finished_at = datetime.now(UTC)
        (found.run_dir / "report.json").write_text(json.dumps(
            {"run_id": run_id, "kind": "offline check", "sources": found.reports}, indent=2, ensure_ascii=False))
        return found

    def run(self, main: Callable[[Checker], Awaitable[None]]) -> None:
        """Start the reactor, run `main` to its end, stop; an exception of `main` is raised here."""
        from twisted.internet import reactor

        failure: list[BaseException] = []

        async def wrapped() -> None:
            try:
                await main(self)
            except BaseException as exc:  # noqa: BLE001 - handed back to the caller after the reactor stops
                failure.append(exc)
            finally:
                reactor.callLater(0, reactor.stop)  # type: ignore[attr-defined]

        asyncio.get_event_loop().create_task(wrapped())
        self.process.start(stop_after_crawl=False, install_signal_handlers=True)
        if failure:
            raise failure[0]
