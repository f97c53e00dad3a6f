"""Faults on real OpenSearch nodes: the engine stopped mid-ingest, the writer killed mid-batch, a cluster member lost,
and a batch full of bad documents. Whatever happens, every document ends up indexed exactly once or rejected with
a reason: nothing is lost, nothing is doubled."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from index.schema import Entity
from index.spool import SEGMENT
from index.store import BulkResult, Query, Store, StoreConfig, open_store
from index.testnode import SearchCluster, start
from tests.index.conftest import _drop
from tests.index.docs import listing

ROOT = Path(__file__).resolve().parents[2]
TOTAL = 20_000
BATCH = 500


def docs(count: int = TOTAL) -> list[dict]:
    return [listing(f"{n:05d}", title=f"Lot {n}", description="white powder, stealth shipping") for n in range(count)]


def engine_config(urls: list[str], home: Path, prefix: str, **overrides: object) -> StoreConfig:
    """Short backoffs and timeouts: the faults are real, the waits need not be long."""
    values: dict = {"replicas": 0, "chunk_size": BATCH, "initial_backoff": 0.05, "max_backoff": 0.5,
                    "max_retries": 2, "timeout": 5, **overrides}
    return StoreConfig(url=urls, engine="opensearch", home=home, prefix=prefix, **values)


class Writer(threading.Thread):
    """Upserts the documents in batches, keeping every BulkResult; `indexed` is what the engine has taken so far."""

    def __init__(self, store: Store, documents: list[dict]) -> None:
        super().__init__(daemon=True)
        self.store, self.documents = store, documents
        self.results: list[tuple[float, BulkResult]] = []  # (monotonic time the upsert began, its result)
        self.error: BaseException | None = None

    @property
    def indexed(self) -> int:
        return sum(r.indexed for _, r in self.results)

    def run(self) -> None:
        try:
            for i in range(0, len(self.documents), BATCH):
                began = time.monotonic()
                self.results.append((began, self.store.upsert(Entity.LISTING, self.documents[i:i + BATCH])))
        except BaseException as exc:  # noqa: BLE001 - reported by finish(): upsert must never raise
            self.error = exc

    def wait_for(self, indexed: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.indexed < indexed:
            assert self.is_alive() and time.monotonic() < deadline, f"writer stopped at {self.indexed} indexed"
            time.sleep(0.01)

    def finish(self, timeout: float = 120) -> None:
        self.join(timeout)
        assert not self.is_alive(), "the writer did not finish"
        assert self.error is None, f"upsert raised: {self.error!r}"


def replay_all(store: Store, timeout: float = 60) -> None:
    """Replay until the spool is empty: the engine may still be recovering its shards when it first answers."""
    deadline = time.monotonic() + timeout
    while store.stats().spooled_batches:
        assert time.monotonic() < deadline, f"still spooled after {timeout:.0f}s: {store.stats()}"
        if store.replay().spooled:
            time.sleep(0.5)


def assert_exactly(store: Store, expected: set[str]) -> None:
    store.refresh()
    assert store.count(Entity.LISTING) == len(expected)
    found = [d["id"] for d in store.scan(Query())]
    assert len(found) == len(set(found)) == len(expected) and set(found) == expected


def health(url: str, query: str = "") -> dict:
    with urllib.request.urlopen(f"{url}/_cluster/health{query}", timeout=60) as response:
        return json.load(response)


# ---------------------------------------------------------------------------------------------------- engine stopped


def test_the_engine_stopped_mid_ingest_and_restarted_has_every_document_exactly_once(tmp_path: Path) -> None:
    documents = docs()
    cluster = start(tmp_path / "node")
    try:
        store = open_store(engine_config(cluster.urls, tmp_path / "home", "stop"))
        store.ensure_schema()
        writer = Writer(store, documents)
        writer.start()
        writer.wait_for(5_000)
        cluster.stop()
        time.sleep(2)  # the writer keeps going against a dead engine
        cluster = cluster.restart()
        writer.finish()
        assert any(r.spooled for _, r in writer.results), "no batch was spooled: the outage missed the ingest"
        replay_all(store)
        assert_exactly(store, {d["id"] for d in documents})
        assert not store.rejections() and not any(r.rejected for _, r in writer.results)
        assert store.stats().spooled_batches == 0
        store.close()
    finally:
        cluster.stop()


# ---------------------------------------------------------------------------------------------------- writer killed


def kill_mid_batch(url: str, home: Path, prefix: str) -> tuple[list[str], bool]:
    """Run the writer until the big batch is in its spool, SIGKILL it; returns its stdout and whether the batch was
    still pending (False: the kill came after the engine had taken it all, so the scenario proved nothing)."""
    spool = home / "spool" / prefix
    writer = subprocess.Popen([sys.executable, "-m", "tests.index.fault_writer", str(home), prefix, url], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
    assert writer.stdout is not None
    lines: list[str] = []
    try:
        for line in writer.stdout:
            lines.append(line.strip())
            if lines[-1] == "SENDING 10":
                break
        assert lines and lines[-1] == "SENDING 10", (lines, writer.stderr.read() if writer.stderr else "")
        deadline = time.monotonic() + 30
        while not any(SEGMENT.match(p.name) for p in spool.glob("*.jsonl")):
            assert writer.poll() is None and time.monotonic() < deadline, "the big batch never reached the spool"
            time.sleep(0.001)
        os.kill(writer.pid, signal.SIGKILL)
    finally:
        writer.kill()
        writer.wait()
        writer.stdout.close()
        if writer.stderr:
            writer.stderr.close()
    assert writer.returncode == -signal.SIGKILL
    return lines, any(SEGMENT.match(p.name) for p in spool.glob("*.jsonl"))


def test_a_writer_killed_mid_batch_loses_nothing_its_spool_replays(search_node: SearchCluster,
                                                                 tmp_path: Path) -> None:
    for attempt in range(3):
        home, prefix = tmp_path / f"home{attempt}", "k" + uuid4().hex[:10]
        try:
            lines, pending = kill_mid_batch(search_node.urls[0], home, prefix)
            if not pending:
                continue  # the engine finished the batch before the kill landed: run the scenario again
            acked = [line.split() for line in lines if line.startswith("ACK")]
            assert [n for _, n, _ in acked] == [str(n) for n in range(10)] and all(i == "500" for *_, i in acked)
            with open_store(engine_config(search_node.urls, home, prefix)) as store:
                waiting = store.stats()
                assert (waiting.spooled_batches, waiting.spooled_docs) == (1, 5_000)
                result = store.replay()
                assert (result.indexed, result.spooled, result.rejected) == (5_000, 0, [])
                assert_exactly(store, {d["id"] for d in docs(10_000)})  # 10 acked batches and the one in flight
                assert store.stats().spooled_batches == 0 and not store.rejections()
            return
        finally:
            _drop(search_node.urls, prefix)
    pytest.fail("three kills in a row came after the big batch was indexed: the test cannot catch it in flight")


# ---------------------------------------------------------------------------------------------------- node lost


def test_a_three_node_cluster_losing_a_node_keeps_ingesting_and_loses_nothing(tmp_path: Path) -> None:
    documents = docs()
    cluster = start(tmp_path / "nodes", nodes=3)
    try:
        store = open_store(engine_config(cluster.urls, tmp_path / "home", "lost", replicas=1))
        store.ensure_schema()
        assert health(cluster.urls[0], "?wait_for_status=green&timeout=60s")["status"] == "green"
        writer = Writer(store, documents)
        writer.start()
        writer.wait_for(5_000)
        cluster.stop_node(3)
        stopped = time.monotonic()
        writer.finish()
        after = [r for began, r in writer.results if began >= stopped]
        assert sum(r.indexed for r in after) > 0, "nothing was indexed after the node was lost"
        store.close()
        with open_store(engine_config(cluster.urls[:1], tmp_path / "home", "lost", replicas=1)) as first:
            replay_all(first)
            assert_exactly(first, {d["id"] for d in documents})
            assert not first.rejections() and not any(r.rejected for _, r in writer.results)
        state = health(cluster.urls[0], "?wait_for_nodes=2&timeout=30s")
        assert state["number_of_nodes"] == 2 and state["status"] in ("yellow", "green"), state
    finally:
        cluster.stop()


# ---------------------------------------------------------------------------------------------------- bad input


@pytest.fixture()
def engine_store(search_node: SearchCluster, tmp_path: Path) -> Iterator[Callable[..., Store]]:
    prefix = "b" + uuid4().hex[:10]
    opened: list[Store] = []

    def make(**overrides: object) -> Store:
        store = open_store(engine_config(search_node.urls, tmp_path / "home", prefix, **overrides))
        opened.append(store)
        store.ensure_schema()
        return store

    yield make
    for store in opened:
        store.close()
    _drop(search_node.urls, prefix)


def test_a_batch_mixing_every_kind_of_bad_document_accounts_for_each_one(
        engine_store: Callable[..., Store]) -> None:
    store = engine_store(max_doc_bytes=3_000_000)
    batch = docs(1_000)
    bad: dict[str, set[str]] = {"conflict": set(), "unknown": set(), "oversized": set(), "unicode": set(),
                                "huge": set()}
    for n, kind in enumerate(bad):
        for doc in batch[100 + n * 150: 100 + n * 150 + 3]:  # three of each kind, spread through the batch
            bad[kind].add(doc["id"])
            if kind == "conflict":
                doc["price_amount"] = "cheap"
            elif kind == "unknown":
                doc["colour"] = "red"
            elif kind == "oversized":
                doc["prices"] = [{"amount": 1, "currency": "USD", "text": "x" * 4_000_000}]
            elif kind == "unicode":
                doc["title"], doc["description"] = b"\xff\xfepure", "white \udcff powder"
            else:
                doc["description"] = "zanzibar " * (10 * 1024 * 1024 // 9 + 1)
                doc["text_en"] = "short"
    sent = {d["id"] for d in batch}
    result = store.upsert(Entity.LISTING, batch)

    rejected = {r.id: r.reason for r in result.rejected}
    assert result.indexed + len(result.rejected) == len(batch) and result.spooled == 0
    assert rejected.keys() == bad["conflict"] | bad["unknown"] | bad["oversized"]
    assert all("price_amount" in rejected[i] and "mapper_parsing_exception" in rejected[i] for i in bad["conflict"])
    assert all("colour" in rejected[i] and "strict_dynamic_mapping_exception" in rejected[i] for i in bad["unknown"])
    assert all("limit" in rejected[i] for i in bad["oversized"])
    assert {r.id: r.reason for r in store.rejections()} == rejected
    for kind, field in (("unicode", "title"), ("unicode", "description"), ("huge", "description")):
        assert all(any(w.startswith(f"{i}: {field}:") for w in result.warnings) for i in bad[kind]), result.warnings

    assert_exactly(store, sent - rejected.keys())  # every good, repaired and cut document, each once
    for doc in store.get_many(Entity.LISTING, sorted(bad["unicode"] | bad["huge"])):
        assert doc["index_warnings"]
        if doc["id"] in bad["unicode"]:
            assert doc["title"] == "\ufffd\ufffdpure" and doc["description"] == "white \ufffd powder"
        else:
            assert len(doc["description"]) == store.config.max_text_chars
