"""What only the embedded SQLite store does: guarding its file, persisting across opens, migrating on a version bump
and keeping query text out of FTS5 syntax. The shared behaviour is in test_contract.py."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from index import schema
from index.embedded import EmbeddedStore
from index.schema import Entity, Field, Kind
from index.store import Bucket, Query, SchemaConflict, StoreConfig
from tests.index.docs import at, listing


def open_at(home: Path) -> EmbeddedStore:
    store = EmbeddedStore(StoreConfig(home=home))
    store.ensure_schema()
    return store


def test_a_file_that_is_not_a_database_is_a_conflict(tmp_path: Path) -> None:
    (tmp_path / "store.sqlite").write_bytes(b"not a database at all, just some bytes " * 50)
    with pytest.raises(SchemaConflict, match="not a SQLite database"):
        EmbeddedStore(StoreConfig(home=tmp_path))


def test_another_programs_database_is_a_conflict(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "store.sqlite") as db:
        db.execute("CREATE TABLE invoices(id INTEGER PRIMARY KEY, total REAL)")
    db.close()
    with pytest.raises(SchemaConflict, match="another program"):
        EmbeddedStore(StoreConfig(home=tmp_path))


def test_the_folder_is_created_and_a_reopened_store_sees_the_data(tmp_path: Path) -> None:
    home = tmp_path / "a" / "b"
    with open_at(home) as store:
        store.upsert(Entity.LISTING, [listing(1, title="Stealth pack", seen_at=at(2))])
    with open_at(home) as store:
        assert store.ensure_schema() == []
        assert store.get(Entity.LISTING, "alpha-001")["title"] == "Stealth pack"  # type: ignore[index]
        assert [h.id for h in store.search(Query(text="stealth")).hits] == ["alpha-001"]
        assert store.stats().entities["listing"].location == "store.sqlite:listing"


def test_two_open_stores_see_each_others_writes(tmp_path: Path) -> None:
    with open_at(tmp_path) as first, open_at(tmp_path) as second:
        first.upsert(Entity.LISTING, [listing(1)])
        second.upsert(Entity.LISTING, [listing(2)])
        assert first.count(Entity.LISTING) == second.count(Entity.LISTING) == 2


def test_a_store_used_without_ensure_schema_creates_it(tmp_path: Path) -> None:
    with EmbeddedStore(StoreConfig(home=tmp_path)) as store:
        assert store.search(Query()).total == 0
        assert store.upsert(Entity.LISTING, [listing(1)]).indexed == 1


def test_a_version_bump_revalidates_and_reindexes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with open_at(tmp_path) as store:
        store.upsert(Entity.LISTING, [listing(1, price=10, title="Round"), listing(2, price=12.5, title="Odd")])
    # v2: prices are whole numbers, and the vendor's text is no longer searched
    fields = tuple(Field("price_amount", Kind.LONG) if f.name == "price_amount" else f
                   for f in schema.ENTITY_FIELDS[Entity.LISTING])
    monkeypatch.setitem(schema.ENTITY_FIELDS, Entity.LISTING, fields)
    monkeypatch.setitem(schema.SCHEMA_VERSIONS, Entity.LISTING, 2)
    monkeypatch.setitem(schema.TEXT_FIELDS, Entity.LISTING, {"title": 2.0, "description": 1.0})
    with open_at(tmp_path) as store:  # open_at's ensure_schema did the upgrade; a second run has nothing to do
        assert store.ensure_schema() == []
        assert store.count(Entity.LISTING) == 1
        assert [h.id for h in store.search(Query(text="round")).hits] == ["alpha-001"]
        assert [h.id for h in store.search(Query(sort="price")).hits] == ["alpha-001"]
        assert store.stats().entities["listing"].version == 2
        rejected = store.rejections()
        assert [r.id for r in rejected] == ["alpha-002"] and "price_amount" in rejected[0].reason


def test_the_upgrade_says_what_it_did(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with open_at(tmp_path) as store:
        store.upsert(Entity.LISTING, [listing(1, price=10), listing(2, price=12.5)])
    fields = tuple(Field("price_amount", Kind.LONG) if f.name == "price_amount" else f
                   for f in schema.ENTITY_FIELDS[Entity.LISTING])
    monkeypatch.setitem(schema.ENTITY_FIELDS, Entity.LISTING, fields)
    monkeypatch.setitem(schema.SCHEMA_VERSIONS, Entity.LISTING, 2)
    with EmbeddedStore(StoreConfig(home=tmp_path)) as store:
        assert store.ensure_schema() == ["upgraded listing v1 → v2 (1 documents re-indexed, 1 rejected)"]


@pytest.mark.parametrize("text", ['title:stealth', 'NEAR(stealth pack)', 'stealth*', '^stealth', '"unclosed',
                                  'a"b', 'stealth AND', '( ) OR', '- -- "', '!!!', 'rank:1'])
def test_query_text_is_never_fts5_syntax(tmp_path: Path, text: str) -> None:
    with open_at(tmp_path) as store:
        store.upsert(Entity.LISTING, [listing(1, title="Stealth pack")])
        page = store.search(Query(text=text, size=100))  # no sqlite3.OperationalError from FTS5's query language
        assert [d["id"] for d in store.scan(Query(text=text))] == [h.id for h in page.hits]
        assert store.aggregate(Query(text=text), ["site"])["site"] == ([] if page.total == 0 else
                                                                      [Bucket(key="alpha", count=1)])


def test_words_without_letters_match_nothing(tmp_path: Path) -> None:
    with open_at(tmp_path) as store:
        store.upsert(Entity.LISTING, [listing(1, title="Stealth pack")])
        assert store.search(Query(text="!!!")).total == 0
        assert store.search(Query(text="stealth -!!!")).total == 1
