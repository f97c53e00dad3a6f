"""Crawled items and their analysis become schema-valid documents with stable ids."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from index.documents import batch_documents, country_code, identifier_id, item_documents
from index.schema import Entity, validate
from narcwatch.models import Evidence, Listing, Money, Post, Vendor
from nlp.pipeline import analyze, default

AT = datetime(2026, 11, 2, 10, 30, tzinfo=UTC)
BTC = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"


def evidence(record: str) -> Evidence:
    return Evidence(url="http://alpha.test/l/1", warc_file="run-00000.warc.gz", record_id=f"<urn:uuid:{record}>",
                    offset=0, length=100, payload_sha256="a" * 64, block_sha256="b" * 64, status=200,
                    fetched_at=AT)


@pytest.fixture(scope="module")
def nlp():
    return default()


def analysed(nlp, item):
    return next(analyze(nlp, [item.model_dump(mode="json")]))


def test_a_listing_with_its_analysis_gives_a_valid_listing_its_sightings_and_evidence(nlp) -> None:
    item = Listing(source="alpha", key="alpha:1", url="http://alpha.test/l/1", fetched_at=AT, run_id="r1",
                   native_id="1", title="Mephedrone 4-MMC crystal 10g",
                   description=f"Pay BTC {BTC} only. Telegram @joe_shop. 50 EUR per gram, ships from NL.",
                   price=Money(amount=50, currency="EUR"), vendor="joe", ships_from="Netherlands", category="Stims",
                   evidence=[evidence("1")])
    docs = item_documents(item, analysed(nlp, item))
    listing = docs[Entity.LISTING][0]
    assert validate(Entity.LISTING, listing) == []
    assert listing["id"] == "alpha:1" and listing["country"] == "NL" and listing["site_category"] == "Stims"
    assert listing["category"] == "drug_offer" and 0.5 < listing["category_score"] <= 1
    assert "mephedrone" in listing["substance_names"] and "stimulant" in listing["substance_classes"]
    assert {"BTC", "EUR"} <= set(listing["currencies"])
    assert {BTC, "joe_shop"} <= set(listing["identifier_values"])
    assert listing["text_en"].startswith("Mephedrone 4-MMC") and listing["evidence_ids"] == ["<urn:uuid:1>"]
    sightings = {d["normalized"]: d for d in docs[Entity.IDENTIFIER]}
    assert all(validate(Entity.IDENTIFIER, d) == [] for d in sightings.values())
    btc = sightings[BTC]
    assert btc["id"] == identifier_id("crypto_address", BTC, "alpha:1") and btc["key"] == f"crypto_address:{BTC}"
    assert btc["item_kind"] == "listing" and btc["vendor"] == "joe" and BTC in btc["context"]
    (record,) = docs[Entity.EVIDENCE]
    assert validate(Entity.EVIDENCE, record) == [] and record["id"] == "<urn:uuid:1>"
    assert record["item_ids"] == ["alpha:1"] and record["host"] == "alpha.test"
    assert item_documents(item, analysed(nlp, item)) == docs  # stable: re-indexing replaces, never duplicates


def test_posts_and_vendor_profiles_are_valid_and_vendor_text_is_analysed(nlp) -> None:
    post = Post(source="chan", key="chan:9", url="http://t.test/s/chan/9", fetched_at=AT, native_id="9",
                channel="chan", text="Кокаин 1г 9000 руб, пишите @coke_msk", posted_at=AT)
    vendor = Vendor(source="alpha", key="alpha:vendor:joe", url="http://alpha.test/v/joe", fetched_at=AT,
                    name="joe", contacts=["Threema: ABCD1234", f"BTC {BTC}"], profile_text="Stealth shipping EU")
    p_docs = item_documents(post, analysed(nlp, post))
    v_docs = item_documents(vendor, analysed(nlp, vendor))
    assert validate(Entity.POST, p_docs[Entity.POST][0]) == [] and p_docs[Entity.POST][0]["language"] == "ru"
    assert "text_ru" in p_docs[Entity.POST][0] and p_docs[Entity.IDENTIFIER][0]["vendor"] == "chan"
    v = v_docs[Entity.VENDOR][0]
    assert validate(Entity.VENDOR, v) == [] and BTC in v["identifier_values"]
    assert {d["item_kind"] for d in v_docs[Entity.IDENTIFIER]} == {"vendor"}


def test_a_page_behind_several_items_is_one_evidence_document_naming_all() -> None:
    items = [Listing(source="alpha", key=f"alpha:{n}", url="http://alpha.test/c/1", native_id=str(n),
                     evidence=[evidence("page")]) for n in (1, 2)]
    docs = batch_documents((item, None) for item in items)
    assert [d["id"] for d in docs[Entity.LISTING]] == ["alpha:1", "alpha:2"]
    (record,) = docs[Entity.EVIDENCE]
    assert record["item_ids"] == ["alpha:1", "alpha:2"]
    assert Entity.IDENTIFIER in docs and docs[Entity.IDENTIFIER] == []


@pytest.mark.parametrize(("place", "code"), [("NL", "NL"), ("Netherlands", "NL"), ("germany", "DE"), ("UK", "GB"),
                                             ("Worldwide", None), ("EU + UK", None), (None, None)])
def test_ships_from_becomes_a_country_code_or_nothing(place: str | None, code: str | None) -> None:
    assert country_code(place) == code
