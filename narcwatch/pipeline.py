"""Crawl → understand → index inside the crawl run: a Scrapy item pipeline that sends crawled items through the NLP
pipeline in batches and writes what it understood, the raw fields and the evidence references into the store.

Why an item pipeline: an item is acknowledged (its request marked done in the crash-safe frontier, its response
released) only when its batch has been analysed and indexed. Items wait on a Deferred until then, so Scrapy's scraper
holds their responses and stops downloading once too many are pending (SCRAPER_SLOT_MAX_ACTIVE_SIZE): back-pressure
and bounded memory without a queue of our own. The feed written before this stage keeps every item whatever happens
here; `narcwatch index feed` re-does this stage from it.

One batch at a time, for every source of the run, goes from a worker thread to a child process that holds the NLP
pipeline and the store: the reactor keeps downloading meanwhile, and the analysis has a core and an interpreter lock of
its own (measured by bench/e2e.py: 0.76 of the slowest stage against 0.53 on a thread of the crawl process).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError
from scrapy.exceptions import NotConfigured

from crawlers.report import CrawlReport
from index.documents import item_documents, merge_documents
from index.schema import Entity
from index.store import BulkResult, Store, StoreError, open_store
from narcwatch.models import Crawled, Item

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from spacy.language import Language
    from twisted.internet.defer import Deferred

log = logging.getLogger(__name__)

PIPELINE = "narcwatch.pipeline.AnalyzeIndexPipeline"
ITEM = TypeAdapter(Item)


@dataclass
class Failure:
    """One item one stage could not handle: recorded against the item, never fatal to the run."""

    key: str
    url: str
    stage: str  # "analysis", "documents", "index"
    message: str


@dataclass
class Outcome:
    analysed: int = 0
    indexed: int = 0
    spooled: int = 0
    rejected: int = 0
    failures: list[Failure] = field(default_factory=list)

    def __iadd__(self, other: Outcome) -> Outcome:
        self.analysed += other.analysed
        self.indexed += other.indexed
        self.spooled += other.spooled
        self.rejected += other.rejected
        self.failures += other.failures
        return self


class Stages:
    """The NLP pipeline and the store, used from one thread: analyse a batch of items, build their documents, write
    them. Without a trained model the items are still indexed with their raw fields, and each says why it was not
    analysed."""

    def __init__(self, store: Store, nlp: Language | None, unavailable: str | None = None, batch_size: int = 256,
                 n_process: int = 1) -> None:
        self.store, self.nlp, self.unavailable = store, nlp, unavailable
        self.batch_size, self.n_process = batch_size, n_process

    @classmethod
    def open(cls, batch_size: int = 256, n_process: int = 1) -> Stages:
        """The configured store, its schema ensured, and the trained pipeline."""
        store = open_store()
        try:
            store.ensure_schema()
        except StoreError as exc:  # an engine that is down: writes wait in its spool until it answers
            log.warning("%s", exc)
        return cls.on(store, batch_size, n_process)

    @classmethod
    def on(cls, store: Store, batch_size: int = 256, n_process: int = 1) -> Stages:
        """The trained pipeline over an open store; without one, items are indexed raw and say why."""
        from nlp.pipeline import NotTrainedError, default

        try:
            return cls(store, default(), batch_size=batch_size, n_process=n_process)
        except NotTrainedError as exc:
            return cls(store, None, unavailable=str(exc), batch_size=batch_size, n_process=n_process)

    def close(self) -> None:
        self.store.close()

    def process(self, items: Sequence[Crawled]) -> Outcome:
        outcome = Outcome()
        records = [item.model_dump(mode="json") for item in items]
        analyses = self._analyse(records, items, outcome)
        per_item: list[dict[Entity, list[dict]]] = []
        for item, analysis in zip(items, analyses, strict=True):
            try:
                docs = item_documents(item, analysis)  # type: ignore[arg-type]
            except Exception as exc:  # noqa: BLE001 - one odd item must not cost the batch
                outcome.failures.append(Failure(item.key, item.url, "documents", f"{type(exc).__name__}: {exc}"))
                continue
            if analysis is None:
                reason = self.unavailable or next(f.message for f in outcome.failures if f.key == item.key)
                for doc in docs[_entity_of(item)]:
                    doc["index_warnings"] = [*doc.get("index_warnings", []), f"not analysed: {reason}"]
            per_item.append(docs)
        by_entity = merge_documents(per_item)
        if Entity.EVIDENCE in by_entity:
            by_entity[Entity.EVIDENCE] = self._merge_evidence(by_entity[Entity.EVIDENCE])
        urls = {item.key: item.url for item in items}
        for entity, docs in by_entity.items():
            result = self._write(entity, docs, outcome)
            if entity in (Entity.LISTING, Entity.POST, Entity.VENDOR):
                outcome.indexed += result.indexed
                outcome.spooled += result.spooled
            for rejection in result.rejected:
                outcome.rejected += entity in (Entity.LISTING, Entity.POST, Entity.VENDOR)
                key = rejection.id or "?"
                outcome.failures.append(Failure(key, urls.get(key, ""), "index",
                                                f"{entity.value} rejected by the store: {rejection.reason}"))
        return outcome

    def _analyse(self, records: list[dict], items: Sequence[Crawled], outcome: Outcome) -> list[dict | None]:
        if self.nlp is None:
            return [None] * len(records)
        from nlp.pipeline import analyze

        try:
            results: list[dict | None] = list(analyze(self.nlp, records, self.batch_size, self.n_process))
        except Exception:  # noqa: BLE001 - find the item that broke the batch, analyse the others
            results = []
            for record, item in zip(records, items, strict=True):
                try:
                    results.extend(analyze(self.nlp, [record], 1))
                except Exception as exc:  # noqa: BLE001
                    results.append(None)
                    outcome.failures.append(Failure(item.key, item.url, "analysis", f"{type(exc).__name__}: {exc}"))
        outcome.analysed += sum(r is not None for r in results)
        return results

    def _merge_evidence(self, docs: list[dict]) -> list[dict]:
        """An evidence record already indexed by an earlier batch keeps the items it named (when the store can say:
        an engine that is down leaves the merge to the items, which keep their own references)."""
        try:
            known = {d["id"]: d for d in self.store.get_many(Entity.EVIDENCE, [d["id"] for d in docs])}
        except StoreError:
            return docs
        for doc in docs:
            earlier = known.get(doc["id"], {}).get("item_ids", [])
            doc["item_ids"] = [*earlier, *(i for i in doc["item_ids"] if i not in earlier)]
        return docs

    def _write(self, entity: Entity, docs: list[dict], outcome: Outcome) -> BulkResult:
        try:
            return self.store.upsert(entity, docs)
        except (StoreError, sqlite3.Error, OSError) as exc:  # the engine spools what it cannot send; not this
            for doc in docs:
                outcome.failures.append(Failure(doc.get("id", "?"), doc.get("url", ""), "index",
                                                f"{entity.value} not written: {exc}"))
            return BulkResult()


def _entity_of(item: Crawled) -> Entity:
    return Entity(item.kind)  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------- inside Scrapy


class _StageProcess:
    """`Stages` in a child process of its own: the crawl and the analysis then each have a core and a GIL, instead of
    sharing one interpreter. Batches go over a pipe as JSON lines; outcomes come back. A child that dies (killed,
    out of memory) fails the batch it held, recorded against its items, and the next batch starts a new one."""

    def __init__(self, batch_size: int, n_process: int) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")  # never fork a process running a reactor and threads
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, batch_size, n_process), daemon=True,
                                       name="narcwatch-stages")
        self.process.start()
        child.close()

    def run(self, items: Sequence[Crawled]) -> Outcome:
        self.conn.send_bytes(b"\n".join(item.model_dump_json().encode() for item in items))
        return self.conn.recv()

    def close(self) -> None:
        with suppress(OSError):  # the child is gone already
            self.conn.send_bytes(b"")
        self.process.join(60)
        if self.process.is_alive():
            self.process.kill()
        self.conn.close()


def _serve(conn: Any, batch_size: int, n_process: int) -> None:
    stages = Stages.open(batch_size, n_process)
    try:
        with suppress(EOFError):  # the crawl went away
            while data := conn.recv_bytes():
                items = [ITEM.validate_json(line) for line in data.split(b"\n")]
                try:
                    outcome = stages.process(items)
                except Exception as exc:  # noqa: BLE001 - say why, keep serving
                    outcome = Outcome(failures=[Failure(i.key, i.url, "index", f"{type(exc).__name__}: {exc}")
                                                for i in items])
                conn.send(outcome)
    finally:
        stages.close()


class _Worker:
    """One thread per crawl process doing the work of every source's pipeline, one batch at a time: in a child
    process (NARCWATCH_STAGE_PROCESS, the default: measured faster on 2 cores) or on the thread itself."""

    _lock = threading.Lock()
    _shared: _Worker | None = None

    def __init__(self, batch_size: int, n_process: int, separate: bool) -> None:
        from twisted.internet import reactor
        from twisted.python.threadpool import ThreadPool

        self.batch_size, self.n_process, self.separate = batch_size, n_process, separate
        self.pool = ThreadPool(minthreads=1, maxthreads=1, name="narcwatch-analyze-index")
        self.pool.start()
        self.reactor = reactor
        self.users = 0
        self.stages: Stages | None = None
        self.child: _StageProcess | None = None
        if separate:  # start loading the model while the crawl starts
            self.child = _StageProcess(batch_size, n_process)

    @classmethod
    def acquire(cls, batch_size: int, n_process: int, separate: bool) -> _Worker:
        with cls._lock:
            if cls._shared is None:
                cls._shared = cls(batch_size, n_process, separate)
            cls._shared.users += 1
            return cls._shared

    def release(self) -> Deferred:
        with self._lock:
            self.users -= 1
            last = self.users == 0
            if last:
                type(self)._shared = None
        if not last:
            from twisted.internet.defer import succeed

            return succeed(None)
        return self.run(self._close).addBoth(lambda _: self.pool.stop())

    def run(self, fn: Any, *args: Any) -> Deferred:
        from twisted.internet.threads import deferToThreadPool

        return deferToThreadPool(self.reactor, self.pool, fn, *args)

    def process(self, items: list[Crawled]) -> Outcome:
        if not self.separate:
            if self.stages is None:
                self.stages = Stages.open(self.batch_size, self.n_process)  # on the worker thread, where it is used
            return self.stages.process(items)
        if self.child is None:
            self.child = _StageProcess(self.batch_size, self.n_process)
        try:
            return self.child.run(items)
        except (EOFError, OSError) as exc:
            code = self.child.process.exitcode
            self.child.close()
            self.child = None
            reason = (f"the analysis process died (exit code {code}: {type(exc).__name__}); a new one takes the next "
                      "batch")
            return Outcome(failures=[Failure(i.key, i.url, "analysis", reason) for i in items])

    def _close(self) -> None:
        if self.stages is not None:
            self.stages.close()
            self.stages = None
        if self.child is not None:
            self.child.close()
            self.child = None


class AnalyzeIndexPipeline:
    """Batches items (NARCWATCH_BATCH_SIZE, or whatever waited NARCWATCH_FLUSH_SECONDS), has the shared worker analyse
    and index them, and releases each item only when its batch is written. Counts and per-item failures go to the
    crawl report ("stages", and errors "analysis failed", "documents failed", "index failed")."""

    def __init__(self, crawler: Crawler, batch_size: int, flush_seconds: float, n_process: int,
                 separate: bool = True) -> None:
        self.crawler = crawler
        self.batch_size, self.flush_seconds, self.n_process = batch_size, flush_seconds, n_process
        self.separate = separate
        self.buffer: list[tuple[Crawled, Deferred]] = []
        self.oldest = 0.0
        self.busy = False
        self.worker: _Worker | None = None
        self.ticker: Any = None
        self.idle: list[Deferred] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AnalyzeIndexPipeline:
        settings = crawler.settings
        if not settings.getbool("NARCWATCH_ANALYZE", True):
            raise NotConfigured("analysis and indexing are off (NARCWATCH_ANALYZE)")
        return cls(crawler, settings.getint("NARCWATCH_BATCH_SIZE", 256),
                   settings.getfloat("NARCWATCH_FLUSH_SECONDS", 1.0), settings.getint("NARCWATCH_NLP_PROCESSES", 1),
                   settings.getbool("NARCWATCH_STAGE_PROCESS", True))

    def open_spider(self) -> None:
        from twisted.internet import task

        self.worker = _Worker.acquire(self.batch_size, self.n_process, self.separate)
        self.ticker = task.LoopingCall(self._tick)
        self.ticker.start(min(0.25, self.flush_seconds), now=False)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Crawled):
            return item
        from twisted.internet.defer import Deferred

        done: Deferred = Deferred()
        if not self.buffer:
            self.oldest = time.monotonic()
        self.buffer.append((item, done))
        if len(self.buffer) >= self.batch_size and not self.busy:
            self._flush()
        return done

    def _tick(self) -> None:
        if self.buffer and not self.busy and time.monotonic() - self.oldest >= self.flush_seconds:
            self._flush()

    def _flush(self) -> None:
        assert self.worker is not None
        batch, self.buffer = self.buffer[:self.batch_size], self.buffer[self.batch_size:]
        self.oldest = time.monotonic()
        self.busy = True
        items = [item for item, _ in batch]
        self.worker.run(self.worker.process, items).addBoth(self._done, batch)

    def _done(self, outcome: Outcome | Any, batch: list[tuple[Crawled, Deferred]]) -> None:
        from twisted.python.failure import Failure as TwistedFailure

        report = CrawlReport.of(self.crawler)
        if isinstance(outcome, TwistedFailure):  # the store or model could not even be opened
            message = f"{outcome.type.__name__}: {outcome.value}"
            outcome = Outcome(failures=[Failure(i.key, i.url, "index", message) for i, _ in batch])
        report.stages.update(analysed=outcome.analysed, indexed=outcome.indexed, spooled=outcome.spooled,
                             rejected=outcome.rejected, failed=len(outcome.failures))
        for failure in outcome.failures:
            report.error(f"{failure.stage} failed", failure.url,
                         f"{failure.key}: {failure.message} (the item is kept in the run's feed)")
        self.busy = False
        for item, done in batch:
            done.callback(item)
        if len(self.buffer) >= self.batch_size or (self.buffer and self.idle):  # full, or closing
            self._flush()
        elif not self.buffer:
            while self.idle:
                self.idle.pop().callback(None)

    def close_spider(self) -> Deferred:
        from twisted.internet.defer import Deferred

        if self.ticker is not None and self.ticker.running:
            self.ticker.stop()
        drained: Deferred = Deferred()
        if self.buffer and not self.busy:
            self._flush()
        if self.busy or self.buffer:
            self.idle.append(drained)
        else:
            drained.callback(None)
        assert self.worker is not None
        return drained.addCallback(lambda _: self.worker.release())  # type: ignore[union-attr]


def pipeline_settings(base: dict[str, int], batch_size: int = 256, n_process: int = 1,
                      max_active_mib: int = 64) -> dict[str, Any]:
    """Settings that add this stage after the crawl's own pipelines (after the feed, which keeps every item).

    Responses whose items wait for their batch count against the scraper's active size. At Scrapy's 5 MB default
    one waiting batch of pages stops the downloads, so crawl and analysis take turns instead of overlapping;
    `max_active_mib` bounds that memory instead (bench/e2e.py at 10,000 listings: ratio 0.76 at 5 MB, 0.82 at 64 MiB,
    the same peak memory)."""
    return {"ITEM_PIPELINES": {**base, PIPELINE: max(base.values(), default=0) + 50},
            "NARCWATCH_BATCH_SIZE": batch_size, "NARCWATCH_NLP_PROCESSES": n_process,
            "SCRAPER_SLOT_MAX_ACTIVE_SIZE": max_active_mib * 2**20}


# ------------------------------------------------------------------------------------------- from a feed


def read_feed(paths: Iterable[Path]) -> Iterator[Crawled]:
    """Items from feed files (runs/<id>/items/*.jsonl); a torn or foreign line is skipped with a warning."""
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                try:
                    yield ITEM.validate_python(json.loads(line))
                except (ValueError, ValidationError) as exc:
                    log.warning("%s line %d is not a crawled item: %s", path, number, str(exc)[:200])


def process_all(items: Iterable[Crawled], stages: Stages) -> Iterator[Outcome]:
    """The in-crawl stage over items outside a crawl, one batch at a time (feeds, recovery, re-analysis with a new
    model)."""
    batch: list[Crawled] = []
    for item in items:
        batch.append(item)
        if len(batch) >= stages.batch_size:
            yield stages.process(batch)
            batch = []
    if batch:
        yield stages.process(batch)


# ------------------------------------------------------------------------------------------- after the crawl


@dataclass
class AfterCrawl:
    recovered: int  # feed items the store lacked (a crawl killed between feed and index), indexed now
    vanished: int
    actors: list[dict]  # actor documents written: two or more accounts, or one with a weak pair
    hubs: int
    weak: int

    @property
    def linked(self) -> list[dict]:
        return [a for a in self.actors if len(a["members"]) > 1]


def missing_from_store(store: Store, run_dir: Path) -> list[Crawled]:
    """Feed items of a run that the store does not hold. A crawl killed after an item reached the feed but before its
    batch was indexed leaves such items: the resumed crawl drops them as already collected, so they are indexed from
    the feed instead. Only keys are held while checking: a run's feed can be far larger than memory should be."""
    from crawlers.history import feed_keys

    files = sorted((run_dir / "items").glob("*.jsonl"))
    missing: set[str] = set()
    for path in files:
        keys = feed_keys(path)
        for start in range(0, len(keys), 1000):
            chunk = keys[start:start + 1000]
            found = {d["id"] for entity in (Entity.LISTING, Entity.POST, Entity.VENDOR)
                     for d in store.get_many(entity, chunk)}
            missing.update(k for k in chunk if k not in found)
    return [item for item in read_feed(files) if item.key in missing] if missing else []


def after_crawl(store: Store, history_db: Path, run_id: str, run_dir: Path | None = None) -> AfterCrawl:
    """What needs the whole run: feed items the store lacks are indexed, listings the run found gone are marked
    vanished in the store (their documents stay, with the evidence of when they were seen), and vendors are linked
    again over everything the store holds."""
    from crawlers.history import History
    from index.linking import relink

    recovered = 0
    if run_dir is not None and (missing := missing_from_store(store, run_dir)):
        recovered = sum(outcome.indexed for outcome in process_all(missing, Stages.on(store)))
        store.refresh()

    vanished: list[str] = []
    if history_db.exists():
        history = History(history_db)
        try:
            vanished = [c["key"] for c in history.changes(run_id=run_id, kinds=["vanished"]) if c["key"]]
        finally:
            history.close()
    gone = store.get_many(Entity.LISTING, vanished)
    for doc in gone:
        doc["change"] = "vanished"
        doc.pop("changed_fields", None)
    store.upsert(Entity.LISTING, gone)
    linking, actors = relink(store)
    return AfterCrawl(recovered=recovered, vanished=len(gone), actors=actors, hubs=len(linking.hubs),
                      weak=len(linking.weak))
