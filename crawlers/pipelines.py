"""Item pipelines: the stage boundary between crawling and everything after it.

Order: evidence check → history (dedup within the run, change detection) → feed. The NLP and index stages
plug in here as further pipelines; spiders do not change.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from crawlers.history import History, feed_keys
from crawlers.report import CrawlReport
from narcwatch.models import Crawled, Listing


def feed_path(run_dir: Path, source: str) -> Path:
    return run_dir / "items" / f"{source}.jsonl"


class EvidenceRequiredPipeline:
    """An item whose page was not preserved cannot be used in a takedown or a referral: stop it here."""

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Crawled) and not item.evidence:
            raise DropItem(f"no evidence: {item.url} has no preserved WARC record")
        return item


class HistoryPipeline:
    """Drops what this run already collected (mirrors, resumed crawls) and labels listings new/changed/..."""

    def __init__(self, crawler: Crawler, db_path: Path, run_dir: Path) -> None:
        self.crawler = crawler
        self.db_path, self.run_dir = db_path, run_dir
        self.run_id: str = crawler.settings["NARCWATCH_RUN_ID"]
        self.history: History | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HistoryPipeline:
        out, run_dir = crawler.settings.get("NARCWATCH_OUT"), crawler.settings.get("NARCWATCH_RUN_DIR")
        if not out or not run_dir or not crawler.settings.get("NARCWATCH_RUN_ID"):
            raise NotConfigured("history needs NARCWATCH_OUT, NARCWATCH_RUN_DIR and NARCWATCH_RUN_ID")
        pipeline = cls(crawler, Path(out) / "history.sqlite", Path(run_dir))
        # Pipelines close before the engine announces why the spider closed; vanishing needs that reason.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        self.history = History(self.db_path)
        source = self.crawler.spider.name  # type: ignore[union-attr]
        feed = feed_path(self.run_dir, source)
        if feed.exists():  # resuming: what the run has is what reached the feed
            self.history.reset_run_items(self.run_id, source, feed_keys(feed))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Crawled):
            return item
        assert self.history is not None
        if self.history.seen_in_run(self.run_id, item.key):
            raise DropItem(f"duplicate: {item.key} was already collected in this run (mirror or resumed crawl)")
        if isinstance(item, Listing):
            item.change, item.changed_fields = self.history.record_listing(self.run_id, item)
        else:
            self.history.mark_seen(self.run_id, item.key)
        return item

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Only a crawl that finished on its own may say a listing vanished (not one stopped or cut short)."""
        if self.history is None:
            return
        report = CrawlReport.of(self.crawler)
        if getattr(getattr(spider, "source", None), "kind", None) in ("market", "shop") and reason == "finished":
            vanished, refused = self.history.close_run(self.run_id, spider.name)
            report.vanished = vanished
            if refused:
                report.event("history", "", refused)
        self.history.close()
        self.history = None


class FeedPipeline:
    """Items as JSON lines, one file per source and run, flushed per item so a crash keeps what was written."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self.fh: IO[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FeedPipeline:
        run_dir = crawler.settings.get("NARCWATCH_RUN_DIR")
        if not run_dir:
            raise NotConfigured("the feed needs NARCWATCH_RUN_DIR")
        pipeline = cls(Path(run_dir))
        pipeline.crawler = crawler  # type: ignore[attr-defined]
        return pipeline

    def open_spider(self) -> None:
        path = feed_path(self.run_dir, self.crawler.spider.name)  # type: ignore[attr-defined]
        path.parent.mkdir(parents=True, exist_ok=True)
        _drop_torn_line(path)
        self.fh = path.open("a", encoding="utf-8")

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Crawled) and self.fh is not None:
            self.fh.write(item.model_dump_json() + "\n")
            self.fh.flush()
        return item

    def close_spider(self) -> None:
        if self.fh is not None:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()


def _drop_torn_line(path: Path) -> None:
    """A kill -9 during a write leaves half a line; cut it so the next item starts on a line of its own."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb+") as fh:
        end = fh.seek(0, os.SEEK_END)
        pos = end
        while pos > 0:  # read backwards to the last newline; feeds can be large
            start = max(0, pos - 65536)
            fh.seek(start)
            chunk = fh.read(pos - start)
            cut = chunk.rfind(b"\n")
            if cut >= 0:
                if start + cut + 1 != end:
                    fh.truncate(start + cut + 1)
                return
            pos = start
        fh.truncate(0)
