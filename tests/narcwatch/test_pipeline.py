"""Crawl → analyse → index → link in one run, against the test range, a real embedded store and a real OpenSearch
node: every collected item reaches the store with what the NLP stage understood, its raw fields and its evidence; a
failure of one item in one stage is recorded against it; a store that is down loses nothing."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from index.schema import Entity
from index.store import Query, Store, StoreConfig, open_store
from index.testnode import SearchCluster
from narcwatch.models import Evidence, Listing, Money
from narcwatch.pipeline import Stages, read_feed
from nlp.pipeline import default
from tests.crawlers.test_spiders import ROOT, crawl_env, load_items
from testsites.serve import Range

POISON = "zz-poison-zz"


def narcwatch(*args: str, env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "narcwatch.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def crawl(rng: Range, out: Path, home: Path, *sources: str, extra: tuple[str, ...] = (),
          **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**crawl_env(rng), "NARCWATCH_HOME": str(home), **env}
    return narcwatch("crawl", *sources, "--out", str(out), "--config", str(ROOT / "config" / "sources.yaml"),
                     *extra, env=environment)


def only_run(out: Path) -> Path:
    (run,) = (out / "runs").iterdir()
    return run


def store_at(home: Path, **config: object) -> Store:
    return open_store(StoreConfig(home=home, **config))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def crawled(served: Range, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, str]]:
    """One analysed crawl of three sources of the session's range (a shop, the forum, the channels)."""
    tmp = tmp_path_factory.mktemp("pipeline")
    proc = crawl(served, tmp / "out", tmp / "home", "shop", "forum", "channels")
    assert proc.returncode == 0, proc.stderr[-4000:]
    yield tmp / "out", tmp / "home", proc.stderr


def test_every_collected_item_is_indexed_with_its_analysis_fields_and_evidence(crawled: tuple[Path, Path, str],
                                                                              truth: list[dict]) -> None:
    out, home, _ = crawled
    run = only_run(out)
    items = load_items(run)
    report = json.loads((run / "report.json").read_text())["sources"]
    for name in ("shop", "forum", "channels"):
        stages = report[name]["stages"]
        collected = sum(report[name]["items"].values())
        assert stages["analysed"] == stages["indexed"] == collected > 0, (name, stages)
        assert stages["failed"] == 0
    with store_at(home) as store:
        for entity in (Entity.LISTING, Entity.POST, Entity.VENDOR):
            expected = [i for i in items if i["kind"] == entity.value]
            docs = {d["id"]: d for d in store.get_many(entity, [i["key"] for i in expected])}
            assert len(docs) == len(expected) > 0, entity
            for item in expected:
                doc = docs[item["key"]]
                assert doc["category"] in ("drug_offer", "precursor_offer", "other_illicit_offer", "not_offer")
                assert doc["language"] and doc["run_id"] == run.name
                assert doc["evidence_ids"] == [e["record_id"] for e in item["evidence"]]
                assert doc["evidence"][0]["payload_sha256"] == item["evidence"][0]["payload_sha256"]
        listing = next(i for i in items if i["kind"] == "listing" and i.get("price"))
        doc = store.get(Entity.LISTING, listing["key"])
        assert doc is not None
        assert (doc["title"], doc["price_amount"]) == (listing["title"], listing["price"]["amount"])
        evidence_ids = {e["record_id"] for i in items for e in i["evidence"]}
        evidence = store.get_many(Entity.EVIDENCE, sorted(evidence_ids))
        assert len(evidence) == len(evidence_ids)
        page_of = {e["record_id"]: e for i in items for e in i["evidence"]}
        for doc in evidence:  # one forum page holds many posts: its evidence names every one of them
            assert set(doc["item_ids"]) == {i["key"] for i in items if doc["id"] in
                                            {e["record_id"] for e in i["evidence"]}}
            assert doc["payload_sha256"] == page_of[doc["id"]]["payload_sha256"]
        wallets = [d for d in store.scan(Query(entity=Entity.IDENTIFIER)) if d["type"] == "crypto_address"]
        assert wallets and all(d["run_id"] == run.name and d["item_id"] for d in wallets)
    by_url = {r["url"]: r for r in truth if r["type"] in ("listing", "post")}
    posts = [i for i in items if i["kind"] == "post" and i["url"] in by_url]
    assert len(posts) > 100, "forum and channel posts are matched to the range's truth by URL"


def test_vendors_are_linked_across_sites_with_the_evidence_of_each_link(crawled: tuple[Path, Path, str],
                                                                        truth: list[dict]) -> None:
    out, home, said = crawled
    assert "actors link" in " ".join(said.split())
    items = {i["key"]: i for i in load_items(only_run(out))}
    actor_of = {f"{a['site']}:{a['name']}": r["actor"] for r in truth if r["type"] == "actor" for a in r["accounts"]}
    actor_of |= {f"channels:{a['name']}": r["actor"] for r in truth if r["type"] == "actor" for a in r["accounts"]
                 if a["site"].startswith("channel_")}
    with store_at(home) as store:
        actors = list(store.scan(Query(entity=Entity.ACTOR)))
    linked = [a for a in actors if len(a["members"]) > 1]
    assert linked, "the range has operators with a shop or forum account and a channel"
    for actor in linked:
        assert len({actor_of.get(m["key"]) for m in actor["members"]}) == 1, actor["member_keys"]
        assert len(actor["sites"]) >= 2
        for link in actor["links"]:
            assert link["type"] != "name"
            for side, refs in ((link["a"], link["evidence_a"]), (link["b"], link["evidence_b"])):
                assert refs, "every link names the items it rests on"
                for ref in refs:
                    if ref in items:  # a sighting's item; a vendor profile's key is its item too
                        assert items[ref]["source"] == side.split(":", 1)[0]


def test_narcwatch_actors_lists_them_and_shows_one_with_its_evidence(crawled: tuple[Path, Path, str]) -> None:
    _, home, _ = crawled
    env = {**os.environ, "NARCWATCH_HOME": str(home), "COLUMNS": "250"}
    listed = narcwatch("actors", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    actors = [json.loads(line) for line in listed.stdout.splitlines()]
    linked = [a for a in actors if len(a["members"]) > 1]
    assert linked and [len(a["members"]) for a in actors] == sorted((len(a["members"]) for a in actors), reverse=True)
    member = linked[0]["members"][0]
    shown = narcwatch("actors", member["key"], env=env)
    assert shown.returncode == 0, shown.stderr
    text = " ".join(shown.stdout.split())
    assert linked[0]["id"][:12] in text and linked[0]["links"][0]["type"] in text
    assert narcwatch("actors", "nobody:nowhere", env=env).returncode == 1


def test_the_crawl_records_its_run(crawled: tuple[Path, Path, str]) -> None:
    out, home, _ = crawled
    proc = narcwatch("runs", "--json", env={**os.environ, "NARCWATCH_HOME": str(home)})
    assert proc.returncode == 0, proc.stderr
    (run,) = [json.loads(line) for line in proc.stdout.splitlines()]
    report = json.loads((only_run(out) / "report.json").read_text())["sources"]
    assert run["id"] == only_run(out).name and run["status"] == "finished"
    assert run["stats"]["trigger"] == "manual" and sorted(run["sources"]) == ["channels", "forum", "shop"]
    assert run["items"] == sum(sum(r["items"].values()) for r in report.values())
    assert run["stats"]["sources"]["shop"]["stages"]["indexed"] == report["shop"]["stages"]["indexed"] > 0


def test_a_store_that_is_down_loses_nothing(served: Range, tmp_path: Path, search_node: SearchCluster) -> None:
    """An engine that does not answer: the crawl finishes, every document waits in the spool, and `narcwatch index
    replay` against the engine once it answers indexes every item and links vendors."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"  # bound, never listening: connections are refused
        engine = {"NARCWATCH_SEARCH_ENGINE": "opensearch", "NARCWATCH_INDEX_PREFIX": "down", "NARCWATCH_REPLICAS": "0"}
        proc = crawl(served, tmp_path / "out", tmp_path / "home", "shop", NARCWATCH_SEARCH_URL=dead, **engine)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "Vendor linking waits for the store" in " ".join(proc.stderr.split())
    run = only_run(tmp_path / "out")
    stages = json.loads((run / "report.json").read_text())["sources"]["shop"]["stages"]
    items = load_items(run)
    assert stages["spooled"] == len(items) and stages["indexed"] == 0
    env = {**os.environ, "NARCWATCH_HOME": str(tmp_path / "home"), "NARCWATCH_SEARCH_URL": search_node.urls[0],
           **engine}
    replay = narcwatch("index", "replay", env=env)
    assert replay.returncode == 0, replay.stderr + replay.stdout
    with store_at(tmp_path / "home", url=[search_node.urls[0]], prefix="down") as store:
        store.refresh()
        keys = {i["key"] for i in items if i["kind"] == "listing"}
        assert {d["id"] for d in store.scan(Query(entity=Entity.LISTING))} == keys
        assert all(d.get("category") for d in store.get_many(Entity.LISTING, sorted(keys)))


def test_a_crawl_killed_between_feed_and_store_loses_nothing(served: Range, tmp_path: Path) -> None:
    """SIGKILL while batches are in flight; the same command resumes, and every item of the run's feed is in the
    store, analysed, exactly once."""
    out, home = tmp_path / "out", tmp_path / "home"
    cmd = [sys.executable, "-m", "narcwatch.cli", "crawl", "shop", "forum", "--out", str(out), "--config",
           str(ROOT / "config" / "sources.yaml"), "--batch-size", "64"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**crawl_env(served), "NARCWATCH_HOME": str(home)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    lines = 0
    while time.monotonic() < deadline and proc.poll() is None and lines < 150:
        lines = sum(p.read_bytes().count(b"\n") for p in out.glob("runs/*/items/*.jsonl"))
        time.sleep(0.02)
    assert proc.poll() is None, "the crawl was still running when killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with store_at(home) as store:
        before = store.count(Entity.LISTING) + store.count(Entity.POST) + store.count(Entity.VENDOR)
    second = crawl(served, out, home, "shop", "forum")
    assert second.returncode == 0, second.stderr[-4000:]
    items = load_items(only_run(out))
    assert len({i["key"] for i in items}) == len(items) > lines
    with store_at(home) as store:
        for entity in (Entity.LISTING, Entity.POST, Entity.VENDOR):
            keys = [i["key"] for i in items if i["kind"] == entity.value]
            docs = store.get_many(entity, keys)
            assert [d["id"] for d in docs] == keys, f"{entity.value}: {len(keys) - len(docs)} items not in the store"
            assert all(d.get("category") for d in docs)
    print(f"killed with {lines} items in the feed and {before} in the store")


def test_a_feed_collected_without_analysis_is_indexed_later(served: Range, tmp_path: Path) -> None:
    proc = crawl(served, tmp_path / "out", tmp_path / "home", "forum", extra=("--no-analyze",))
    assert proc.returncode == 0, proc.stderr[-4000:]
    with store_at(tmp_path / "home") as store:
        assert store.count(Entity.POST) == 0
    run = only_run(tmp_path / "out")
    env = {**os.environ, "NARCWATCH_HOME": str(tmp_path / "home")}
    proc = narcwatch("index", "feed", str(run), env=env)
    assert proc.returncode == 0, proc.stderr
    posts = [i for i in load_items(run) if i["kind"] == "post"]
    with store_at(tmp_path / "home") as store:
        assert store.count(Entity.POST) == len(posts) > 0
        assert all(d.get("category") for d in store.get_many(Entity.POST, [p["key"] for p in posts]))


# ------------------------------------------------------------------------------------------------ one stage


@Language.component("poisoned")
def poisoned(doc: Doc) -> Doc:
    """A component that breaks on one text: the fault a model bug or a pathological input would cause."""
    if POISON in doc.text:
        raise ValueError("the model broke on this text")
    return doc


def listing(n: int, text: str) -> Listing:
    evidence = Evidence(url=f"http://127.0.0.1/listing/{n}", warc_file="x.warc.gz", record_id=f"<urn:uuid:{n}>",
                        offset=0, length=1, payload_sha256="0" * 64, block_sha256="0" * 64, status=200,
                        fetched_at=datetime(2026, 11, 27, tzinfo=UTC))
    return Listing(source="shop", key=f"shop:{n}", url=f"http://127.0.0.1/listing/{n}", native_id=str(n),
                   title=f"Listing {n}", description=text, price=Money(amount=10.0 + n, currency="EUR"),
                   vendor="vendor", evidence=[evidence])


def test_one_item_failing_a_stage_is_recorded_and_the_rest_go_through(tmp_path: Path) -> None:
    nlp = default()
    nlp.add_pipe("poisoned", first=True)
    store = store_at(tmp_path, max_doc_bytes=200_000)
    store.ensure_schema()
    stages = Stages(store, nlp, batch_size=8)
    items = [listing(1, "Cocaine 1g 80 EUR, BTC bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
             listing(2, f"MDMA pills {POISON}"),
             listing(3, "x" * 300_000),  # over the store's document limit
             listing(4, "Ketamine 5g, ships from NL")]
    outcome = stages.process(items)
    store.refresh()
    failed = {f.key: f for f in outcome.failures}
    assert set(failed) == {"shop:2", "shop:3"}
    assert failed["shop:2"].stage == "analysis" and "broke on this text" in failed["shop:2"].message
    assert failed["shop:3"].stage == "index"
    assert outcome.analysed == 3 and outcome.indexed == 3 and outcome.rejected == 1
    poisoned_doc = store.get(Entity.LISTING, "shop:2")
    assert poisoned_doc is not None and "category" not in poisoned_doc, "raw fields indexed without an analysis"
    assert any("not analysed" in w and "broke" in w for w in poisoned_doc["index_warnings"])
    assert store.get(Entity.LISTING, "shop:1")["category"] == "drug_offer"  # type: ignore[index]
    assert store.get(Entity.LISTING, "shop:3") is None
    assert store.get(Entity.EVIDENCE, "<urn:uuid:3>") is not None, "its evidence is still indexed"
    store.close()


def test_without_a_trained_model_items_are_indexed_raw_and_say_why(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    store.ensure_schema()
    outcome = Stages(store, None, unavailable="no trained NLP pipeline at /nowhere").process([listing(1, "text")])
    assert outcome.indexed == 1 and outcome.analysed == 0
    doc = store.get(Entity.LISTING, "shop:1")
    assert doc is not None and doc["index_warnings"] == ["not analysed: no trained NLP pipeline at /nowhere"]
    store.close()


def test_a_torn_feed_line_is_skipped(tmp_path: Path) -> None:
    feed = tmp_path / "shop.jsonl"
    feed.write_text(listing(1, "a").model_dump_json() + "\n" + listing(2, "b").model_dump_json()[:40] + "\n")
    assert [i.key for i in read_feed([feed])] == ["shop:1"]
