"""The contract both stores implement (index/store.py): every test runs against the embedded store and a real
OpenSearch node, with the same expectations. Read-only tests share `docs.corpus()` (see its docstring for the data
they rely on); tests that write get an empty store of their own."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta, timezone

import pytest

from index.schema import SCHEMA_VERSIONS, Entity
from index.store import Bucket, Page, Query, Store
from tests.index import docs
from tests.index.conftest import StoreFactory
from tests.index.docs import BTC, TELEGRAM, at, listing

ALL = ["alpha-001", "alpha-002", "beta-001", "beta-002", "delta-pl", "delta-ru", "gamma-001", "gamma-002",
       "omega-001"]
NEWEST = ["delta-pl", "delta-ru", "gamma-002", "beta-002", "beta-001", "alpha-002", "gamma-001", "alpha-001",
          "omega-001"]
OLDEST = ["alpha-001", "gamma-001", "alpha-002", "beta-001", "beta-002", "gamma-002", "delta-pl", "delta-ru",
          "omega-001"]


def ids(page: Page) -> list[str]:
    return [h.id for h in page.hits]


def found(store: Store, text: str | None = None, **query: object) -> set[str]:
    """Ids of every match, checking that the total agrees with them."""
    page = store.search(Query(text=text, size=100, **query))  # type: ignore[arg-type]
    assert page.total == len(page.hits), f"total {page.total} but {len(page.hits)} hits"
    return set(ids(page))


def pairs(buckets: list[Bucket]) -> list[tuple[str, int]]:
    return [(b.key, b.count) for b in buckets]


def backend(request: pytest.FixtureRequest) -> str:
    params = request.node.callspec.params
    return params.get("make_store") or params["searchable"]


# ---------------------------------------------------------------------------------------------------- schema


def test_ensure_schema_creates_every_entity_once_and_keeps_data(make_store: StoreFactory) -> None:
    store = make_store(ensure=False)
    said = "\n".join(store.ensure_schema())
    assert all(entity.value in said for entity in Entity), said
    assert {entity: store.count(entity) for entity in Entity} == dict.fromkeys(Entity, 0)
    doc = listing(1, title="Blue pills")
    assert store.upsert(Entity.LISTING, [doc]).indexed == 1
    store.refresh()

    for again in (store, make_store(ensure=False)):  # the same store, then the store opened afresh
        lines = again.ensure_schema()
        assert not [line for line in lines if any(w in line.lower() for w in ("creat", "migrat", "reindex"))], lines
        assert again.count(Entity.LISTING) == 1 and again.get(Entity.LISTING, doc["id"]) == doc
        assert {e: again.count(e) for e in Entity if e is not Entity.LISTING} == {
            e: 0 for e in Entity if e is not Entity.LISTING}


# ---------------------------------------------------------------------------------------------------- writes & reads


def samples() -> dict[Entity, dict]:
    item = listing(1, title="Größe 😀 “quoted”", description="Ships in 24h\nno tracking", substances=["cocaine"],
                   identifiers=[BTC, TELEGRAM], price=90.5, vendor="SnowKing", country="NL", seen_at=at(1, 8))
    item["ships_from"] = None  # a null is kept as sent
    return {Entity.LISTING: item,
            Entity.POST: docs.post(1, title="Review", text="fast delivery", identifiers=[docs.XMR], seen_at=at(2)),
            Entity.VENDOR: docs.vendor("SnowKing", contacts=[TELEGRAM], identifiers=[TELEGRAM], seen_at=at(1)),
            Entity.IDENTIFIER: docs.sighting(item, BTC), Entity.EVIDENCE: docs.evidence(1, item_ids=[item["id"]]),
            Entity.RUN: docs.run(1), Entity.RESOURCE: docs.resource(1)}


def test_every_entity_round_trips_exactly(store: Store) -> None:
    sent = samples()
    for entity, doc in sent.items():
        result = store.upsert(entity, [doc])
        assert (result.indexed, result.rejected, result.warnings) == (1, [], []), (entity, result)
    store.refresh()
    for entity, doc in sent.items():
        assert store.get(entity, doc["id"]) == doc, entity
        assert store.count(entity) == 1, entity


def test_get_of_a_missing_id_is_none_and_get_many_keeps_order(store: Store) -> None:
    a, b, c = listing(1), listing(2), listing(3)
    store.upsert(Entity.LISTING, [a, b, c])
    store.refresh()
    assert store.get(Entity.LISTING, "alpha-404") is None
    assert store.get(Entity.POST, a["id"]) is None  # ids belong to one entity
    assert store.get_many(Entity.LISTING, ["alpha-003", "alpha-404", "alpha-001"]) == [c, a]
    assert store.get_many(Entity.LISTING, []) == []


def test_writing_an_id_again_replaces_the_document(store: Store) -> None:
    store.upsert(Entity.LISTING, [listing(n, title=f"Crimson tablets {n}", description="crimson press")
                                  for n in (1, 2, 3)])
    store.refresh()
    new = listing(1, title="Violet tablets", description="violet press")
    new["site"] = "beta"
    assert store.upsert(Entity.LISTING, [new]).indexed == 1
    store.refresh()
    assert store.count(Entity.LISTING) == 3
    assert store.get(Entity.LISTING, "alpha-001") == new
    assert found(store, "crimson") == {"alpha-002", "alpha-003"}
    assert found(store, "violet") == {"alpha-001"}
    assert found(store, filters={"site": ["alpha"]}) == {"alpha-002", "alpha-003"}
    assert found(store, filters={"site": ["beta"]}) == {"alpha-001"}


def test_deleted_documents_are_gone_from_every_read(store: Store) -> None:
    store.upsert(Entity.LISTING, [listing(n, title=f"Amber tablets {n}", description="amber press")
                                  for n in (1, 2, 3)])
    store.refresh()
    assert store.delete(Entity.LISTING, ["alpha-001", "alpha-003", "alpha-404"]) == 2
    store.refresh()
    assert store.count(Entity.LISTING) == 1
    assert store.get(Entity.LISTING, "alpha-001") is None
    assert found(store, "amber") == {"alpha-002"}
    assert found(store, filters={"site": ["alpha"]}) == {"alpha-002"}
    assert store.delete(Entity.LISTING, []) == 0
    store.upsert(Entity.LISTING, [listing(1, title="Amber again")])  # an id deleted can be written again
    store.refresh()
    assert found(store, "amber") == {"alpha-001", "alpha-002"}


# ---------------------------------------------------------------------------------------------------- bad data


def test_bad_documents_are_rejected_with_reasons_and_the_rest_written(store: Store) -> None:
    unknown = listing(2, colour="red")
    cheap = listing(3)
    cheap["price_amount"] = "cheap"
    no_id = listing(4)
    del no_id["id"]
    result = store.upsert(Entity.LISTING, [listing(1), unknown, cheap, no_id, listing(5)])
    assert result.indexed == 2
    reasons = {r.id: r.reason for r in result.rejected}
    assert set(reasons) == {"alpha-002", "alpha-003", None} and len(result.rejected) == 3, result.rejected
    assert "colour" in reasons["alpha-002"]
    assert "price_amount" in reasons["alpha-003"]
    assert "id" in reasons[None]
    assert all(r.entity is Entity.LISTING for r in result.rejected)

    assert {"alpha-002", "alpha-003", None} <= {r.id for r in store.rejections()}
    logged = [json.loads(line) for line in (store.config.home / "rejected.jsonl").read_text().splitlines()]
    assert any(r["id"] == "alpha-003" and r["doc"]["id"] == "alpha-003" for r in logged), logged

    store.refresh()
    assert found(store) == {"alpha-001", "alpha-005"}
    assert store.get(Entity.LISTING, "alpha-003") is None and store.count(Entity.LISTING) == 2


def test_dates_the_engines_would_refuse_are_refused_by_both(store: Store) -> None:
    """A space instead of "T", or a basic-format date, is not ISO 8601 as the engines read it."""
    spaced = listing(2, seen_at="2026-11-27 08:30:00")
    basic = listing(3, seen_at="20261127")
    result = store.upsert(Entity.LISTING, [listing(1, seen_at="2026-11-27T08:30:00+00:00"), spaced, basic])
    assert result.indexed == 1 and {r.id for r in result.rejected} == {"alpha-002", "alpha-003"}
    assert all("seen_at" in r.reason for r in result.rejected), result.rejected


def test_accents_are_folded_in_every_text_field(store: Store) -> None:
    store.upsert(Entity.LISTING, [listing(1, title="Cocaína pura", description="Envío discreto", language="es"),
                                  listing(2, title="Kokain rein", language="es")])
    store.refresh()
    assert found(store, "cocaina") == found(store, "cocaína") == {"alpha-001"}
    assert found(store, "envio discreto") == {"alpha-001"}


def test_invalid_unicode_is_replaced_and_reported(store: Store) -> None:
    doc = listing(1, text="white powder")
    doc["title"] = b"\xff\xfeabc"
    doc["description"] = "white \udcff powder"
    result = store.upsert(Entity.LISTING, [doc])
    assert result.indexed == 1 and not result.rejected, result
    assert any("title" in w for w in result.warnings) and any("description" in w for w in result.warnings)
    store.refresh()
    stored = store.get(Entity.LISTING, "alpha-001")
    assert stored is not None
    assert stored["title"] == "\ufffd\ufffdabc" and stored["description"] == "white \ufffd powder"
    assert len(stored["index_warnings"]) == 2
    assert found(store, "powder") == {"alpha-001"}


def test_huge_text_is_cut_to_the_limit_and_indexed(store: Store) -> None:
    description = "zanzibar " + "kilo " * (10 * 1024 * 1024 // 5)
    assert len(description) > 10 * 1024 * 1024
    result = store.upsert(Entity.LISTING, [listing(1, description=description, text="short"), listing(2)])
    assert result.indexed == 2 and not result.rejected, result.rejected
    assert any("description" in w for w in result.warnings), result.warnings
    store.refresh()
    stored = store.get(Entity.LISTING, "alpha-001")
    assert stored is not None
    assert len(stored["description"]) == store.config.max_text_chars and stored["index_warnings"]
    assert found(store, "zanzibar") == {"alpha-001"}


def test_an_oversized_document_is_rejected_and_the_rest_written(make_store: StoreFactory) -> None:
    store = make_store(max_doc_bytes=1_000_000)
    big = listing(2, prices=[{"amount": 1, "currency": "USD", "text": "x" * 2_000_000}])
    result = store.upsert(Entity.LISTING, [listing(1), big, listing(3)])
    assert result.indexed == 2
    assert [r.id for r in result.rejected] == ["alpha-002"] and "limit" in result.rejected[0].reason
    assert "alpha-002" in {r.id for r in store.rejections()}
    store.refresh()
    assert found(store) == {"alpha-001", "alpha-003"}


# ---------------------------------------------------------------------------------------------------- search


@pytest.mark.parametrize(("text", "expected"), [
    ("stealth", {"alpha-001", "alpha-002", "beta-001"}),
    ("stealth vacuum", {"alpha-001", "beta-001"}),  # AND
    ('"stealth vacuum"', {"alpha-001"}),  # beta-001 has both words, apart
    ("heroin OR safrole", {"beta-001", "gamma-001"}),
    ('"vacuum sealed" OR escrow', {"alpha-001", "beta-001"}),
    ("stealth -vacuum", {"alpha-002"}),
    ("cocaine -mdma", {"alpha-001"}),
    ('stealth -"stealth vacuum"', {"alpha-002", "beta-001"}),
    ("-stealth", set(ALL) - {"alpha-001", "alpha-002", "beta-001"}),  # exclusion only
    ("STEALTH Vacuum", {"alpha-001", "beta-001"}),  # case does not matter
    ("zyxwvut", set()),
    (None, set(ALL)),
])
def test_text_grammar(searchable: Store, text: str | None, expected: set[str]) -> None:
    assert found(searchable, text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("кокаин", {"delta-ru"}),
    ("качества", {"delta-ru"}),
    ("czysta", {"delta-pl"}),
    ("najwyzszej", {"delta-pl"}),  # Polish is folded by both
])
def test_multilingual_text(searchable: Store, text: str, expected: set[str]) -> None:
    assert found(searchable, text) == expected


@pytest.mark.parametrize(("filters", "expected"), [
    ({"site": ["alpha"]}, {"alpha-001", "alpha-002"}),
    ({"class": ["precursor_offer"]}, {"gamma-001"}),
    ({"category": ["document_fraud"]}, {"gamma-002"}),
    ({"currency": ["XMR"]}, {"alpha-002", "beta-002"}),
    ({"substance": ["cocaine"]}, {"alpha-001", "beta-002", "delta-ru", "delta-pl"}),
    ({"substance": ["heroin", "safrole"]}, {"beta-001", "gamma-001"}),  # OR within a facet
    ({"country": ["PL"]}, {"gamma-001", "delta-pl"}),
    ({"site": ["alpha", "beta"], "substance": ["mdma"]}, {"alpha-002", "beta-002"}),  # AND across facets
    ({"site": ["gamma"], "substance": ["cocaine"]}, set()),
    ({"substance_class": ["opioid"]}, {"beta-001"}),
    ({"language": ["ru"]}, {"delta-ru"}),
    ({"identifiers.type": ["telegram"]}, {"alpha-001"}),  # raw nested path
    ({"identifiers.currency": ["XMR"], "site": ["beta"]}, {"beta-002"}),
    ({"identifier": [BTC]}, {"alpha-001", "beta-001"}),
])
def test_filters(searchable: Store, filters: dict[str, list[str]], expected: set[str]) -> None:
    assert found(searchable, filters=filters) == expected


def test_a_facet_with_no_values_matches_nothing(searchable: Store) -> None:
    """"Any of these sites", with no site given, is no site: never silently "every site"."""
    assert found(searchable, filters={"site": []}) == set()
    assert searchable.aggregate(Query(filters={"site": []}), ["site"])["site"] == []


def test_text_and_filters_combine(searchable: Store) -> None:
    assert found(searchable, "stealth", filters={"site": ["beta"]}) == {"beta-001"}
    assert found(searchable, "cocaine OR кокаин", filters={"country": ["RU", "NL"]}) == {"alpha-001", "delta-ru"}


UTC_2 = datetime(2025, 3, 2, tzinfo=UTC)


@pytest.mark.parametrize(("since", "until", "expected"), [
    (UTC_2, UTC_2 + timedelta(days=1), {"beta-001", "beta-002"}),  # since inclusive; gamma-001 is 03-01 23:30Z
    (None, UTC_2, {"alpha-001", "gamma-001", "alpha-002"}),  # until exclusive: beta-001 is at exactly 00:00Z
    (datetime(2025, 3, 2), datetime(2025, 3, 2, 10), {"beta-001"}),  # naive = UTC
    (datetime(2025, 3, 2, 1, 0, tzinfo=timezone(timedelta(hours=1))), None,  # = 03-02 00:00Z
     {"beta-001", "beta-002", "gamma-002", "delta-pl", "delta-ru"}),
    (datetime(2025, 3, 1, 23, 30, tzinfo=UTC), datetime(2025, 3, 1, 23, 59, 59, tzinfo=UTC), {"gamma-001"}),
])
def test_time_window(searchable: Store, since: datetime | None, until: datetime | None, expected: set[str]) -> None:
    assert found(searchable, since=since, until=until) == expected


@pytest.mark.parametrize(("sort", "expected"), [
    ("newest", NEWEST),
    ("oldest", OLDEST),
    ("relevance", NEWEST),  # without text, relevance is newest
    ("price", ["omega-001", "alpha-002", "alpha-001", "delta-ru", "beta-001", "gamma-001", "gamma-002", "beta-002",
               "delta-pl"]),
    ("-price", ["gamma-002", "gamma-001", "beta-001", "alpha-001", "delta-ru", "alpha-002", "omega-001", "beta-002",
                "delta-pl"]),
])
def test_sort_orders(searchable: Store, sort: str, expected: list[str]) -> None:
    page = searchable.search(Query(sort=sort, size=100))  # type: ignore[arg-type]
    assert ids(page) == expected and page.total == len(expected)


def test_sort_applies_to_text_matches(searchable: Store) -> None:
    assert ids(searchable.search(Query(text="stealth", sort="oldest"))) == ["alpha-001", "alpha-002", "beta-001"]
    assert ids(searchable.search(Query(text="stealth", sort="-price"))) == ["beta-001", "alpha-001", "alpha-002"]


def test_pages_cover_every_match_once_with_an_exact_total(searchable: Store) -> None:
    seen: list[str] = []
    for offset in (0, 4, 8):
        page = searchable.search(Query(sort="newest", offset=offset, size=4))
        assert page.total == len(ALL)
        seen += ids(page)
    assert seen == NEWEST
    assert searchable.search(Query(sort="newest", offset=9, size=4)) == Page(total=len(ALL), hits=[])
    assert searchable.search(Query(size=0)) == Page(total=len(ALL), hits=[])
    assert searchable.search(Query(text="stealth", size=1)).total == 3


def test_hits_carry_the_stored_document_and_entity(searchable: Store) -> None:
    by_id = {d["id"]: d for d in docs.corpus()[Entity.LISTING]}
    page = searchable.search(Query(filters={"site": ["alpha"]}, sort="oldest"))
    assert [(h.entity, h.doc) for h in page.hits] == [(Entity.LISTING, by_id["alpha-001"]),
                                                      (Entity.LISTING, by_id["alpha-002"])]
    assert all(h.score is None and h.snippet is None for h in page.hits)  # no text: no score, no snippet


def test_snippets_mark_the_matched_word(searchable: Store) -> None:
    page = searchable.search(Query(text="vacuum"))
    assert set(ids(page)) == {"alpha-001", "beta-001"}
    for hit in page.hits:
        assert hit.snippet is not None and "[[vacuum]]" in hit.snippet.lower(), hit.snippet
        assert hit.score is not None and hit.score > 0


def test_title_matches_rank_above_description_matches(store: Store) -> None:
    store.upsert(Entity.LISTING, [
        listing("a", title="Blue pills", description="Strong pills, tested batch"),
        listing("b", title="Tested pills", description="Strong pills, tested batch"),
        listing("c", title="Green pills", description="Strong pills, fresh batch")])
    store.refresh()
    page = store.search(Query(text="tested"))
    assert ids(page) == ["alpha-b", "alpha-a"]  # by id alone "alpha-a" would come first
    assert page.hits[0].score > page.hits[1].score  # type: ignore[operator]


def test_unknown_facet_is_the_callers_error(searchable: Store) -> None:
    with pytest.raises(ValueError, match="colour"):
        searchable.search(Query(filters={"colour": ["red"]}))
    with pytest.raises(ValueError, match="colour"):
        searchable.aggregate(Query(), ["colour"])
    with pytest.raises(ValueError):
        searchable.search(Query(entity=Entity.RUN, filters={"substance": ["cocaine"]}))  # not a run field


def test_each_entity_is_searched_on_its_own(searchable: Store) -> None:
    assert found(searchable, "stealth", entity=Entity.POST) == {"forum-post-001"}
    assert found(searchable, "reship", entity=Entity.VENDOR) == {"alpha-vendor-snowking"}
    assert found(searchable, "reship") == set()
    telegram = searchable.search(Query(entity=Entity.IDENTIFIER, filters={"type": ["telegram"]}, sort="oldest"))
    assert [h.doc["item_id"] for h in telegram.hits] == ["alpha-001", "alpha-vendor-snowking"]


# ---------------------------------------------------------------------------------------------------- aggregate


@pytest.mark.parametrize(("facet", "expected"), [
    ("site", [("alpha", 2), ("beta", 2), ("delta", 2), ("gamma", 2), ("omega", 1)]),
    ("class", [("drug_offer", 7), ("document_fraud", 1), ("precursor_offer", 1)]),
    ("substance", [("cocaine", 4), ("mdma", 2), ("heroin", 1), ("ketamine", 1), ("safrole", 1)]),
    ("currency", [("USD", 6), ("BTC", 2), ("XMR", 2), ("EUR", 1)]),
    ("country", [("DE", 2), ("NL", 2), ("PL", 2), ("GB", 1), ("RU", 1)]),  # omega-001 has none
    ("day", [("2025-03-01", 3), ("2025-03-02", 2), ("2025-03-04", 1), ("2025-03-05", 2)]),  # UTC days, none empty
    ("identifiers.type", [("crypto_address", 4), ("telegram", 1)]),  # beta-002's two addresses count once
])
def test_aggregate_counts_documents_per_value(searchable: Store, facet: str, expected: list[tuple[str, int]]) -> None:
    assert pairs(searchable.aggregate(Query(), [facet])[facet]) == expected


def test_aggregate_counts_only_matches(searchable: Store) -> None:
    both = searchable.aggregate(Query(filters={"site": ["alpha", "beta"]}), ["substance", "day"])
    assert set(both) == {"substance", "day"}
    assert pairs(both["substance"]) == [("cocaine", 2), ("mdma", 2), ("heroin", 1)]
    assert pairs(both["day"]) == [("2025-03-01", 2), ("2025-03-02", 2)]
    assert pairs(searchable.aggregate(Query(text="stealth"), ["site"])["site"]) == [("alpha", 2), ("beta", 1)]
    recent = searchable.aggregate(Query(since=UTC_2), ["day", "site"])
    assert pairs(recent["day"]) == [("2025-03-02", 2), ("2025-03-04", 1), ("2025-03-05", 2)]
    assert pairs(recent["site"]) == [("beta", 2), ("delta", 2), ("gamma", 1)]
    assert searchable.aggregate(Query(text="zyxwvut"), ["site", "day"]) == {"site": [], "day": []}


def test_aggregate_size_keeps_the_largest(searchable: Store) -> None:
    result = searchable.aggregate(Query(), ["site", "substance"], size=3)
    assert pairs(result["site"]) == [("alpha", 2), ("beta", 2), ("delta", 2)]
    assert pairs(result["substance"]) == [("cocaine", 4), ("mdma", 2), ("heroin", 1)]


# ---------------------------------------------------------------------------------------------------- scan


def test_scan_returns_every_match_by_id_whatever_the_page(store: Store) -> None:
    batch = [listing(n, site="north" if n % 2 else "south", title=f"Item {n}") for n in range(1200)]
    random.Random(5).shuffle(batch)
    result = store.upsert(Entity.LISTING, batch)
    assert result.indexed == 1200 and not result.rejected
    store.refresh()
    every = [d["id"] for d in store.scan(Query(size=10, offset=5, sort="newest"))]
    assert every == sorted(d["id"] for d in batch)
    north = list(store.scan(Query(filters={"site": ["north"]}, size=10)))
    assert [d["id"] for d in north] == sorted(d["id"] for d in batch if d["site"] == "north")
    assert north[0] == next(d for d in batch if d["id"] == north[0]["id"])
    assert list(store.scan(Query(text="zyxwvut"))) == []


# ---------------------------------------------------------------------------------------------------- lookup


def test_lookup_of_an_address_links_items_identifiers_and_vendors(searchable: Store) -> None:
    found_ = searchable.lookup(BTC)
    assert BTC in found_.forms
    assert [(s["item_id"], s["site"]) for s in found_.sightings] == [("alpha-001", "alpha"), ("beta-001", "beta")]
    assert [(h.entity, h.id) for h in found_.items] == [(Entity.LISTING, "alpha-001"), (Entity.LISTING, "beta-001")]
    assert found_.items[0].doc["title"] == "Pure Colombian cocaine"
    assert found_.linked == [{"type": "telegram", "normalized": "snowking_shop", "count": 1}]
    assert pairs(found_.vendors) == [("SnowKing", 2), ("WhiteRabbit", 1)]


def test_lookup_of_a_handle_ignores_case_and_finds_vendor_profiles(searchable: Store) -> None:
    found_ = searchable.lookup("@SNOWKING_shop")
    assert [s["item_id"] for s in found_.sightings] == ["alpha-001", "alpha-vendor-snowking"]
    assert {(h.entity, h.id) for h in found_.items} == {(Entity.LISTING, "alpha-001"),
                                                        (Entity.VENDOR, "alpha-vendor-snowking")}
    assert found_.linked == [{"type": "crypto_address", "normalized": BTC, "count": 1}]
    assert pairs(found_.vendors) == [("SnowKing", 3)]


def test_lookup_of_an_unknown_value_is_empty(searchable: Store) -> None:
    found_ = searchable.lookup("@nobody_here_123")
    assert (found_.sightings, found_.items, found_.linked, found_.vendors) == ([], [], [], [])


# ---------------------------------------------------------------------------------------------------- stats


def test_stats_count_entities_and_rejections(store: Store, request: pytest.FixtureRequest) -> None:
    store.upsert(Entity.LISTING, [listing(1), listing(2)])
    store.upsert(Entity.VENDOR, [docs.vendor("SnowKing")])
    store.refresh()
    stats = store.stats()
    assert stats.backend == backend(request)
    assert set(stats.entities) == {e.value for e in Entity}
    assert {e: s.count for e, s in stats.entities.items()} == {e.value: {"listing": 2, "vendor": 1}.get(e.value, 0)
                                                               for e in Entity}
    assert all(s.version == SCHEMA_VERSIONS[Entity(e)] for e, s in stats.entities.items())
    assert stats.rejected == 0
    store.upsert(Entity.LISTING, [listing(3, colour="red")])
    assert store.stats().rejected == 1
