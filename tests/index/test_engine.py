"""The engine backend against a real OpenSearch node: names, strict mappings, schema upgrades, per-document
rejections, and the write-ahead spool when the engine is out of reach."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from elasticsearch import Elasticsearch
from opensearchpy import OpenSearch

from index import schema
from index.engine import EngineStore, connect, public_url
from index.schema import SCHEMA_VERSIONS, Entity, Field, Kind
from index.store import Query, SchemaConflict, StoreConfig
from index.testnode import SearchCluster, free_ports


@pytest.fixture()
def prefix() -> str:
    return "e" + uuid4().hex[:10]


@pytest.fixture()
def raw(search_node: SearchCluster, prefix: str) -> Iterator[OpenSearch]:
    """A plain client to look at (and tamper with) what the store made; it removes the test's indices after."""
    client = OpenSearch(hosts=search_node.urls, timeout=60)
    yield client
    names = list(client.indices.get(index=f"{prefix}*", expand_wildcards="all", ignore_unavailable=True))
    if names:
        client.indices.delete(index=",".join(names))
    for template in client.indices.get_index_template(name=f"{prefix}*", ignore=404).get("index_templates", []):
        client.indices.delete_index_template(name=template["name"])
    client.close()


def config(tmp_path: Path, prefix: str, urls: list[str], **overrides: object) -> StoreConfig:
    values: dict = {"replicas": 0, "initial_backoff": 0.02, "max_retries": 2, **overrides}
    return StoreConfig(url=urls, home=tmp_path / "home", prefix=prefix, **values)


def listing(n: int, **extra: object) -> dict:
    return {"id": f"L{n:05d}", "title": f"Cocaine 90% pure, lot {n}", "site": "alpha", "price_amount": n * 1.5,
            "seen_at": f"2025-03-{1 + n % 28:02d}T12:00:00+00:00", **extra}


def test_names_templates_and_a_strict_mapping_made_from_the_schema(tmp_path: Path, search_node: SearchCluster,
                                                                    raw: OpenSearch, prefix: str) -> None:
    with EngineStore(config(tmp_path, prefix, search_node.urls)) as store:
        assert store.ensure_schema() == [f"created {e.value} v{SCHEMA_VERSIONS[e]}" for e in Entity]
        assert store.ensure_schema() == []
        assert store.stats().entities["listing"].location == f"{prefix}-listing-v1"
    assert list(raw.indices.get_alias(name=f"{prefix}-listing")) == [f"{prefix}-listing-v1"]
    template = raw.indices.get_index_template(name=f"{prefix}-listing")["index_templates"][0]["index_template"]
    assert template["index_patterns"] == [f"{prefix}-listing-v*"] and template["_meta"] == {"narcwatch_schema": 1}
    mapping = raw.indices.get_mapping(index=f"{prefix}-listing-v1")[f"{prefix}-listing-v1"]["mappings"]
    assert mapping["dynamic"] == "strict" and mapping["_meta"] == {"narcwatch_schema": 1}
    props = mapping["properties"]
    assert props["price_amount"] == {"type": "double", "coerce": False}
    assert props["vendor"]["fields"]["text"]["type"] == "text" and props["title"]["fields"]["raw"]["type"] == "keyword"
    assert props["text_ru"]["analyzer"] == "russian" and props["text_pl"]["analyzer"] == "narcwatch_folded"
    assert props["identifiers"]["type"] == "nested" and props["scores"] == {"type": "object", "enabled": False}
    folded = raw.indices.analyze(index=f"{prefix}-listing", body={"analyzer": "narcwatch_folded", "text": "Żółć ŁÓDŹ"})
    assert [t["token"] for t in folded["tokens"]] == ["zolc", "lodz"]


def test_a_schema_version_bump_reindexes_every_document_and_swaps_the_alias(
        tmp_path: Path, search_node: SearchCluster, raw: OpenSearch, prefix: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    runs = [{"id": f"run-{i:03d}", "status": "done", "started_at": f"2025-03-01T00:{i % 60:02d}:00Z", "items": i,
             "stats": {"pages": i}} for i in range(120)]
    with EngineStore(config(tmp_path, prefix, search_node.urls)) as store:
        store.ensure_schema()
        assert store.upsert(Entity.RUN, runs).indexed == 120
    monkeypatch.setitem(schema.SCHEMA_VERSIONS, Entity.RUN, 2)
    monkeypatch.setitem(schema.ENTITY_FIELDS, Entity.RUN, (*schema.ENTITY_FIELDS[Entity.RUN],
                                                           Field("operator", Kind.KEYWORD)))
    with EngineStore(config(tmp_path, prefix, search_node.urls)) as store:
        assert store.ensure_schema() == ["upgraded run v1 → v2, 120 documents reindexed"]
        assert store.ensure_schema() == []
        assert list(raw.indices.get_alias(name=f"{prefix}-run")) == [f"{prefix}-run-v2"]
        assert not raw.indices.exists(index=f"{prefix}-run-v1")
        assert store.count(Entity.RUN) == 120
        assert [d["id"] for d in store.scan(Query(entity=Entity.RUN))] == [r["id"] for r in runs]
        assert store.get(Entity.RUN, "run-007") == runs[7]
        result = store.upsert(Entity.RUN, [{"id": "run-new", "operator": "ops-1"}])  # the new field is accepted
        assert result.indexed == 1 and not result.rejected
        assert store.stats().entities["run"].version == 2


def test_a_plain_index_or_a_foreign_index_under_the_alias_name_is_a_schema_conflict(
        tmp_path: Path, search_node: SearchCluster, raw: OpenSearch, prefix: str) -> None:
    raw.indices.create(index=f"{prefix}-listing")
    with EngineStore(config(tmp_path, prefix, search_node.urls)) as store, \
            pytest.raises(SchemaConflict, match=f"'{prefix}-listing' is an index, not the alias"):
        store.ensure_schema()
    raw.indices.delete(index=f"{prefix}-listing")
    raw.indices.create(index=f"{prefix}-other", body={"aliases": {f"{prefix}-listing": {}}})
    with EngineStore(config(tmp_path, prefix, search_node.urls)) as store, \
            pytest.raises(SchemaConflict, match="was not made by narcwatch"):
        store.ensure_schema()


def test_documents_the_mapping_refuses_are_rejected_with_the_engines_reason_and_the_rest_indexed(
        tmp_path: Path, search_node: SearchCluster, raw: OpenSearch, prefix: str) -> None:
    docs = [listing(1), listing(2, price_amount="cheap"), listing(3, colour="blue"), listing(4, price_amount="12"),
            listing(5)]
    with EngineStore(config(tmp_path, prefix, search_node.urls)) as store:
        store.ensure_schema()
        result = store.upsert(Entity.LISTING, docs)
        assert result.indexed == 2 and result.spooled == 0
        reasons = {r.id: r.reason for r in result.rejected}
        assert reasons.keys() == {"L00002", "L00003", "L00004"}
        assert reasons["L00002"].startswith("mapper_parsing_exception: failed to parse field [price_amount]")
        assert reasons["L00003"].startswith("strict_dynamic_mapping_exception:") and "[colour]" in reasons["L00003"]
        assert [r.id for r in store.rejections()] == ["L00002", "L00003", "L00004"]
        logged = [json.loads(line) for line in (tmp_path / "home" / "rejected.jsonl").read_text().splitlines()]
        assert logged[0]["doc"] == docs[1]
        store.refresh()
        assert [d["id"] for d in store.get_many(Entity.LISTING, ["L00005", "L00002", "L00001"])] == ["L00005",
                                                                                                    "L00001"]
        assert store.stats().spooled_batches == 0 and store.stats().rejected == 3


@pytest.mark.parametrize("engine", [None, "opensearch"], ids=["detected", "named"])
def test_an_unreachable_engine_spools_and_a_replay_indexes_every_document_once(
        tmp_path: Path, search_node: SearchCluster, raw: OpenSearch, prefix: str, engine: str | None) -> None:
    closed = [f"http://127.0.0.1:{free_ports(1)}"]
    first = [listing(n) for n in range(300)]
    second = [listing(n) for n in range(300, 400)] + [listing(7, title="Cocaine, second version")]
    with EngineStore(config(tmp_path, prefix, closed, engine=engine, chunk_size=64)) as down:
        result = down.upsert(Entity.LISTING, first)
        assert (result.indexed, result.spooled, result.rejected) == (0, 300, [])
        started = time.monotonic()
        assert down.upsert(Entity.LISTING, second).spooled == 101
        assert time.monotonic() - started < 1  # the engine failed just now: spool without waiting on it again
        stats = down.stats()
        assert (stats.spooled_batches, stats.spooled_docs) == (2, 401) and stats.health.startswith("unreachable")
        assert stats.location == closed[0]
    with EngineStore(config(tmp_path, prefix, search_node.urls, engine=engine, chunk_size=64)) as up:
        up.ensure_schema()
        result = up.replay()
        assert (result.indexed, result.spooled, result.rejected) == (401, 0, [])
        assert up.replay().indexed == 0 and up.stats().spooled_batches == 0
        up.refresh()
        assert up.count(Entity.LISTING) == 400
        assert up.get(Entity.LISTING, "L00007")["title"] == "Cocaine, second version"  # replayed in write order
    found = raw.mget(index=f"{prefix}-listing", body={"ids": [d["id"] for d in first + second]})["docs"]
    versions = {d["_id"]: d["_version"] for d in found}
    assert versions.pop("L00007") == 2 and set(versions.values()) == {1}  # each batch was sent exactly once


def test_documents_a_blocked_index_cannot_take_stay_spooled_not_rejected(
        tmp_path: Path, search_node: SearchCluster, raw: OpenSearch, prefix: str) -> None:
    with EngineStore(config(tmp_path, prefix, search_node.urls, max_retries=1)) as store:
        store.ensure_schema()
        raw.indices.put_settings(index=f"{prefix}-listing", body={"index.blocks.write": True})
        result = store.upsert(Entity.LISTING, [listing(1), listing(2)])
        assert (result.indexed, result.spooled, result.rejected) == (0, 2, [])
        raw.indices.put_settings(index=f"{prefix}-listing", body={"index.blocks.write": False})
        assert store.replay().indexed == 2 and store.stats().spooled_docs == 0 and not store.rejections()


def test_an_upsert_sends_older_spooled_batches_first(tmp_path: Path, search_node: SearchCluster, raw: OpenSearch,
                                                     prefix: str) -> None:
    with EngineStore(config(tmp_path, prefix, [f"http://127.0.0.1:{free_ports(1)}"], max_retries=0)) as down:
        assert down.upsert(Entity.LISTING, [listing(1, title="old"), listing(2)]).spooled == 2
    with EngineStore(config(tmp_path, prefix, search_node.urls)) as up:
        up.ensure_schema()
        result = up.upsert(Entity.LISTING, [listing(1, title="new")])
        assert (result.indexed, result.spooled) == (3, 0)
        assert up.get(Entity.LISTING, "L00001")["title"] == "new"


def test_both_clients_send_a_prepared_json_string_as_it_is(tmp_path: Path) -> None:
    """Documents are serialised once (`prepare`): the bulk helpers must not encode the string again."""
    source = '{"id":"x","title":"Żółć \\"q\\""}'
    assert OpenSearch().transport.serializer.dumps(source) == source
    es = Elasticsearch("http://127.0.0.1:9")
    assert es.transport.serializers.get_serializer("application/json").dumps(source) == source.encode()
    engine = connect(StoreConfig(url=["https://user:secret@127.0.0.1:9"], engine="elasticsearch",
                                 username="user", password="secret", home=tmp_path))
    assert engine.name == "elasticsearch" and engine.helpers.__name__ == "elasticsearch.helpers"
    assert public_url("https://user:secret@127.0.0.1:9/base") == "https://127.0.0.1:9/base"
