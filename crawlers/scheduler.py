"""A crash-safe request frontier: `kill -9` in the middle of a crawl, then the same command again, loses nothing.

Scrapy's own JOBDIR is not crash-safe: queuelib's disk queues save their head/tail state only on a clean close and
RFPDupeFilter buffers requests.seen, so a crawl resumed after a kill can lose every pending request. Here each request
is a row of one SQLite table (WAL, synchronous=NORMAL: a committed transaction survives a killed process), moving
queued -> inflight -> done | failed. A row becomes done only once everything its response produced is durable: items
through the item pipelines, follow-up requests in the table. Rows still in flight when a crawl starts go back to the
queue, so a kill can re-run the pages that were in progress (the item pipeline dedups their items) but loses none.

Enable it with FRONTIER_SETTINGS: the scheduler plus the two middlewares that report completion.
"""

from __future__ import annotations

import logging
import pickle
import sqlite3
import tempfile
import uuid
from collections import deque
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import Request, signals
from scrapy.core.scheduler import BaseScheduler
from scrapy.http import Response
from scrapy.utils.job import job_dir
from scrapy.utils.reactor import CallLaterOnce
from scrapy.utils.request import referer_str, request_from_dict

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable, Iterator
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.spiders import Spider

logger = logging.getLogger(__name__)

FRONTIER_KEY = "frontier_key"  # request.meta key: the row a dequeued request belongs to
DB_NAME = "frontier.sqlite"
STATES = ("queued", "inflight", "done", "failed")
FRONTIER_SETTINGS: dict[str, Any] = {
    "SCHEDULER": "crawlers.scheduler.FrontierScheduler",
    # Inside HttpErrorMiddleware (50), so that the error responses it rejects reach our process_spider_exception;
    # outside the built-in middlewares that filter callback output, so that we count only what goes on.
    "SPIDER_MIDDLEWARES": {"crawlers.scheduler.FrontierCompletionMiddleware": 55},
    # Outermost, so that process_exception sees only the failures no middleware turned into a retry.
    "DOWNLOADER_MIDDLEWARES": {"crawlers.scheduler.FrontierDownloaderMiddleware": 0},
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS frontier (
    fingerprint TEXT PRIMARY KEY,
    priority INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    state TEXT NOT NULL,
    blob BLOB NOT NULL,
    url TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS frontier_next ON frontier (priority DESC, seq) WHERE state = 'queued';
"""
# Inserts a new row, or re-queues an existing one that is not queued (a retry continuing its row).
_STORE = """
INSERT INTO frontier (fingerprint, priority, seq, state, blob, url) VALUES (?, ?, ?, 'queued', ?, ?)
ON CONFLICT (fingerprint) DO UPDATE SET
    priority = excluded.priority, seq = excluded.seq, state = 'queued', blob = excluded.blob, url = excluded.url
WHERE state != 'queued'
"""
_TAKE = """
UPDATE frontier SET state = 'inflight'
WHERE fingerprint IN (SELECT fingerprint FROM frontier WHERE state = 'queued' ORDER BY priority DESC, seq LIMIT ?)
RETURNING priority, seq, fingerprint, blob
"""


class FrontierScheduler(BaseScheduler):
    """Scheduler whose dupefilter, queue and completion record are one SQLite table (see the module docstring).

    The database is JOBDIR/frontier.sqlite, or a temporary file deleted at close when JOBDIR is not set.
    """

    PREFETCH = 16

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.jobdir = job_dir(crawler.settings)  # creates the directory
        self.debug = crawler.settings.getbool("DUPEFILTER_DEBUG")
        self._fingerprint = crawler.request_fingerprinter.fingerprint
        self._tmpdir: tempfile.TemporaryDirectory[str] | None = None
        self._db: sqlite3.Connection
        self._spider: Spider
        self._queued = 0  # rows in state 'queued', kept here so that has_pending_requests() needs no query
        self._taken: deque[tuple[str, bytes]] = deque()  # rows marked in flight but not handed out yet
        self._seq = 0
        self._log_dupes = True
        self._commit_soon: CallLaterOnce[None]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def open(self, spider: Spider) -> None:
        """Open the table; rows left in flight by a killed crawl are queued again, in their original order."""
        self._spider = spider
        if self.jobdir:
            path = Path(self.jobdir, DB_NAME)
        else:
            self._tmpdir = tempfile.TemporaryDirectory(prefix="frontier-")
            path = Path(self._tmpdir.name, DB_NAME)
        self._db = db = sqlite3.connect(path)
        self._commit_soon = CallLaterOnce(db.commit)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.executescript(_SCHEMA)
        with db:
            recovered = db.execute("UPDATE frontier SET state = 'queued' WHERE state = 'inflight'").rowcount
        (self._queued,) = db.execute("SELECT COUNT(*) FROM frontier WHERE state = 'queued'").fetchone()
        (self._seq,) = db.execute("SELECT COALESCE(MAX(seq), 0) FROM frontier").fetchone()
        if recovered:
            logger.info(
                "Re-queued %d requests left in flight by an interrupted crawl", recovered, extra={"spider": spider}
            )
            self.stats.set_value("frontier/recovered", recovered)
        if self._queued:
            logger.info("Resuming crawl (%d requests queued)", self._queued, extra={"spider": spider})

    def close(self, reason: str) -> None:
        self._commit_soon.cancel()
        with self._db as db:
            db.executemany("UPDATE frontier SET state = 'queued' WHERE fingerprint = ?", ((k,) for k, _ in self._taken))
            self._taken.clear()
            if reason == "finished":
                # Every response has been fully handled by now: what is still in flight never completed.
                stranded = db.execute("UPDATE frontier SET state = 'failed' WHERE state = 'inflight'").rowcount
                if stranded:
                    logger.warning(
                        "%d requests never completed, marked failed", stranded, extra={"spider": self._spider}
                    )
            for state, count in _counts(db).items():
                self.stats.set_value(f"frontier/{state}", count)  # the report outlives a temporary database
        self._db.close()
        if self._tmpdir is not None:
            self._tmpdir.cleanup()

    def has_pending_requests(self) -> bool:
        return bool(self._queued or self._taken)

    def __len__(self) -> int:
        return self._queued + len(self._taken)

    def enqueue_request(self, request: Request) -> bool:
        """Queue a request unless its fingerprint has ever been seen, in any state.

        A request that carries a frontier key re-issues that row's request. A dont_filter one (a retry, or a request
        parked for a re-login and sent again) takes the row over; a filtered one for another URL (a redirect) finishes
        the row, its target being filtered like any new request.
        """
        replaces = request.meta.get(FRONTIER_KEY)
        if request.dont_filter:
            key = replaces or f"{self._fingerprint(request).hex()}-{uuid.uuid4().hex}"
        else:
            key = self._fingerprint(request).hex()
            if replaces not in (None, key):
                self._finish(replaces, "done")  # committed with the insert below, or soon if this is a duplicate
            if self._db.execute("SELECT 1 FROM frontier WHERE fingerprint = ?", (key,)).fetchone():
                self._log_dupe(request)
                return False
        blob = self._serialize(request)
        if blob is None:
            return False
        self._seq += 1
        with self._db as db:
            if not db.execute(_STORE, (key, request.priority, self._seq, blob, request.url)).rowcount:
                return False  # re-issues a row that is still queued
        self._queued += 1
        self.stats.inc_value("scheduler/enqueued/disk")
        self.stats.inc_value("scheduler/enqueued")
        return True

    def next_request(self) -> Request | None:
        """The queued request with the highest priority, oldest first, marked in flight before it is returned.

        Rows are taken PREFETCH at a time, in one transaction: a kill loses none of them (they are in flight).
        """
        if not self._taken:
            if not self._queued:
                return None
            with self._db as db:
                rows = db.execute(_TAKE, (self.PREFETCH,)).fetchall()
            self._queued -= len(rows)
            self._taken.extend((key, blob) for _, _, key, blob in sorted(rows, key=lambda row: (-row[0], row[1])))
        key, blob = self._taken.popleft()
        request = request_from_dict(pickle.loads(blob), spider=self._spider)
        request.meta[FRONTIER_KEY] = key
        self.stats.inc_value("scheduler/dequeued/disk")
        self.stats.inc_value("scheduler/dequeued")
        return request

    def mark_done(self, request: Request, failed: bool = False) -> None:
        """Finish the row of a dequeued request (a request without a frontier key is not ours)."""
        if (key := request.meta.get(FRONTIER_KEY)) is not None:
            self._finish(key, "failed" if failed else "done")

    def counts(self) -> dict[str, int]:
        """Rows by state, for the crawl report while the crawl runs (close() leaves them in the frontier/* stats)."""
        return _counts(self._db)

    def _finish(self, key: str, state: str) -> None:
        """Finish a row; it is committed with the next write, at the latest in the next event loop iteration.

        Deferring is what keeps this safe: the last output that settles a response can be a request that the engine
        stores only after the request_scheduled signal that settled it, and the done row must not be durable before
        that request is. Losing a done row to a kill only re-runs its page.
        """
        self._db.execute("UPDATE frontier SET state = ? WHERE fingerprint = ? AND state = 'inflight'", (state, key))
        self._commit_soon.schedule()

    def _serialize(self, request: Request) -> bytes | None:
        try:
            return pickle.dumps(request.to_dict(spider=self._spider), protocol=pickle.HIGHEST_PROTOCOL)
        except (ValueError, TypeError, AttributeError, pickle.PicklingError) as exc:
            # Stock Scrapy keeps such requests in memory only, which would silently make the crawl unresumable.
            logger.error(
                "Dropping %(request)s: it cannot be stored in the frontier (%(reason)s)",
                {"request": request, "reason": exc},
                extra={"spider": self._spider},
            )
            self.stats.inc_value("scheduler/unserializable")
            return None

    def _log_dupe(self, request: Request) -> None:
        self.stats.inc_value("scheduler/dupes")
        if self.debug:
            msg = "Filtered duplicate request: %(request)s (referer: %(referer)s)"
            logger.debug(msg, {"request": request, "referer": referer_str(request)}, extra={"spider": self._spider})
        elif self._log_dupes:
            msg = (
                "Filtered duplicate request: %(request)s - no more duplicates will be shown"
                " (see DUPEFILTER_DEBUG to show all duplicates)"
            )
            logger.debug(msg, {"request": request}, extra={"spider": self._spider})
            self._log_dupes = False


def frontier_summary(jobdir: Path) -> dict[str, int]:
    """Rows by state of a job's frontier, read without a crawler (all zero if the job never ran)."""
    path = Path(jobdir, DB_NAME)
    if not path.exists():
        return dict.fromkeys(STATES, 0)
    with closing(sqlite3.connect(path)) as db:
        return _counts(db)


def _counts(db: sqlite3.Connection) -> dict[str, int]:
    counts = dict.fromkeys(STATES, 0)
    counts.update(db.execute("SELECT state, COUNT(*) FROM frontier GROUP BY state"))
    return counts


def _frontier(crawler: Crawler) -> FrontierScheduler | None:
    """The crawl's scheduler if it is a FrontierScheduler (BaseScheduler's metaclass makes isinstance duck-typed)."""
    scheduler = crawler.engine.scheduler if crawler.engine is not None else None
    return scheduler if FrontierScheduler in type(scheduler).__mro__ else None


@dataclass(eq=False)
class _Work:
    """What one response has produced that is not durable yet; its row is done once nothing is left."""

    request: Request  # response.request
    key: str  # its row
    streams: int = 0  # output iterations of ours still running
    pending: int = 0  # items not yet through the pipelines, requests not yet scheduled
    failed: bool = False


class FrontierCompletionMiddleware:
    """Spider middleware that marks a row done once its response's callback output is durable, failed on an error.

    Scrapy reads callback output ahead of processing it (outputs wait in a queue for CONCURRENT_ITEMS workers), so
    the end of the output is not enough: each item must have left the item pipelines (item_scraped, item_dropped
    or item_error, which carry the response) and each request must have reached the engine (request_scheduled, after
    which the engine stores it straight away, unless a handler such as OffsiteMiddleware ignores it).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._works: dict[Request, _Work] = {}  # by response.request
        self._children: dict[Request, _Work] = {}
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(self._item_settled, signal=signal)
        crawler.signals.connect(self._request_scheduled, signal=signals.request_scheduled)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        work = self._begin(response)
        try:
            for output in result:
                self._track(work, output)
                yield output
        finally:
            self._end(work)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        work = self._begin(response)
        try:
            async for output in result:
                self._track(work, output)
                yield output
        finally:
            self._end(work)

    def process_spider_exception(self, response: Response, exception: Exception) -> None:
        """Mark the row failed (once the output produced before the exception, if any, is settled)."""
        work = self._begin(response)
        if work is not None:
            work.failed = True
        self._end(work)

    def _begin(self, response: Response) -> _Work | None:
        request = response.request
        if request is None or (key := request.meta.get(FRONTIER_KEY)) is None or _frontier(self.crawler) is None:
            return None
        work = self._works.setdefault(request, _Work(request, key))
        work.streams += 1
        return work

    def _track(self, work: _Work | None, output: Any) -> None:
        if work is None or output is None:
            return
        if isinstance(output, Request):
            if output.meta.get(FRONTIER_KEY) == work.key:
                # Copied from response.meta: a new request, not one that re-issues (and takes over) our row.
                del output.meta[FRONTIER_KEY]
            self._children[output] = work
        work.pending += 1

    def _end(self, work: _Work | None) -> None:
        if work is not None:
            work.streams -= 1
            self._settle(work)

    def _item_settled(self, response: object) -> None:
        if isinstance(response, Response) and (work := self._works.get(response.request)) is not None:
            work.pending -= 1
            self._settle(work)

    def _request_scheduled(self, request: Request) -> None:
        if (work := self._children.pop(request, None)) is not None:
            work.pending -= 1
            self._settle(work)

    def _settle(self, work: _Work) -> None:
        if work.streams or work.pending or self._works.get(work.request) is not work:
            return
        del self._works[work.request]
        if (scheduler := _frontier(self.crawler)) is not None:
            scheduler.mark_done(work.request, failed=work.failed)


class FrontierDownloaderMiddleware:
    """Downloader middleware that marks a row failed when its download fails for good.

    No signal says that: request_left_downloader and request_dropped also fire for requests that are about to be
    retried or were merely duplicates. As the outermost middleware, process_exception sees an exception only once
    RetryMiddleware has given up (a retry instead reaches the scheduler as a copy that takes the row over), including
    IgnoreRequest from process_request. Exceptions raised in process_response skip process_exception; those rows are
    marked failed when the crawl finishes.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_exception(self, request: Request, exception: Exception) -> None:
        if (scheduler := _frontier(self.crawler)) is not None:
            scheduler.mark_done(request, failed=True)
