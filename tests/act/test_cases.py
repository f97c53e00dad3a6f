"""Resources under cases: made only from what the store holds, moved only along the lifecycle, every move kept with
who made it; the `narcwatch case` commands over a real embedded store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from act.cases import NEXT, CaseBook, CaseError
from index.schema import Entity
from index.store import Store, StoreConfig, open_store
from narcwatch.models import ResourceKind, ResourceState
from tests.index import docs
from tests.narcwatch.test_pipeline import narcwatch

S = ResourceState


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture()
def store(home: Path) -> Iterator[Store]:
    """Two sites, a channel's posts, a vendor with listings, and a wallet seen on two of them."""
    with open_store(StoreConfig(home=home)) as s:
        s.ensure_schema()
        a1 = docs.listing(1, site="alpha", vendor="SnowKing", title="Cocaine 1g", identifiers=[docs.BTC])
        a2 = docs.listing(2, site="alpha", vendor="SnowKing", title="MDMA 10 pills")
        b1 = docs.listing(1, site="beta", vendor="Other", title="Ketamine", identifiers=[docs.BTC])
        v = docs.vendor("SnowKing", site="alpha")
        p = docs.post(1, site="channels", channel="snowchan", author="snowchan", text="menu")
        s.upsert(Entity.LISTING, [a1, a2, b1])
        s.upsert(Entity.VENDOR, [v])
        s.upsert(Entity.POST, [p])
        s.upsert(Entity.IDENTIFIER, [docs.sighting(a1, docs.BTC), docs.sighting(b1, docs.BTC)])
        s.refresh()
        yield s


def test_every_kind_resolves_against_the_store_with_its_urls_and_items(store: Store) -> None:
    book = CaseBook(store)
    listing, new = book.create(ResourceKind.LISTING, "alpha-001", case="OP-7", owner="ana", note="first offer")
    assert new and listing.id == "listing:alpha-001" and listing.item_ids == ["alpha-001"]
    assert listing.title == "Cocaine 1g" and listing.site == "alpha" and listing.urls[0].endswith("/item/alpha-001")
    assert listing.history[0].state is S.IDENTIFIED and listing.history[0].by == "ana"

    vendor, _ = book.create(ResourceKind.VENDOR, "alpha:SnowKing")  # by site:name as the site shows it
    assert vendor.id == "vendor:alpha-vendor-snowking" and vendor.title == "SnowKing"

    wallet, _ = book.create(ResourceKind.WALLET, docs.BTC.upper())  # any written form finds the normalised one
    assert wallet.ref == docs.BTC and wallet.item_ids == ["alpha-001", "beta-001"] and "BTC" in (wallet.title or "")

    site, _ = book.create(ResourceKind.SITE, "alpha")
    assert site.urls and all(u.endswith(".onion/") for u in site.urls)

    channel, _ = book.create(ResourceKind.CHANNEL, "snowchan")  # a channel's handle, not only its source
    assert channel.site == "channels"


def test_what_the_store_does_not_hold_cannot_be_made_a_resource(store: Store) -> None:
    book = CaseBook(store)
    for kind, ref, said in ((ResourceKind.LISTING, "alpha-999", "no listing"),
                            (ResourceKind.WALLET, "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "never seen"),
                            (ResourceKind.SITE, "gamma", "no site"),
                            (ResourceKind.VENDOR, "alpha:Nobody", "no vendor")):
        with pytest.raises(CaseError, match=said):
            book.create(kind, ref)
    assert store.count(Entity.RESOURCE) == 0


def test_making_a_resource_again_keeps_it_and_adds_what_was_given(store: Store) -> None:
    book = CaseBook(store)
    first, _ = book.create(ResourceKind.LISTING, "alpha-002", case="OP-7")
    again, new = book.create(ResourceKind.LISTING, "alpha-002", owner="ben", note="same vendor as alpha-001")
    assert not new and again.id == first.id and again.case == "OP-7" and again.owner == "ben"
    assert again.notes == ["same vendor as alpha-001"] and store.count(Entity.RESOURCE) == 1


def test_the_lifecycle_moves_in_order_and_refuses_skips(store: Store) -> None:
    book = CaseBook(store)
    r, _ = book.create(ResourceKind.LISTING, "alpha-001")
    with pytest.raises(CaseError, match="can move to evidence_complete, not to referred"):
        book.advance(r.id, S.REFERRED)
    path = (S.EVIDENCE_COMPLETE, S.REFERRED, S.TAKEDOWN_REQUESTED, S.OFFLINE_VERIFIED, S.STILL_ONLINE)
    for state in path:
        r = book.advance(r.id, state, by="ana", note=f"to {state.value}")
    stored = book.require(r.id)
    assert [t.state for t in stored.history] == [S.IDENTIFIED, *path]
    assert all(t.by == "ana" for t in stored.history[1:]) and stored.state is S.STILL_ONLINE
    assert [t.at for t in stored.history] == sorted(t.at for t in stored.history)
    assert stored.updated_at >= stored.created_at
    assert all(set(NEXT[s]) <= set(S) for s in S) and all(s in NEXT for s in S)  # every state has its way out


def test_listing_by_case_state_and_kind(store: Store) -> None:
    book = CaseBook(store)
    book.create(ResourceKind.LISTING, "alpha-001", case="OP-7")
    book.create(ResourceKind.LISTING, "beta-001", case="OP-8")
    book.create(ResourceKind.WALLET, docs.BTC, case="OP-7")
    book.advance("listing:alpha-001", S.EVIDENCE_COMPLETE)
    assert {r.id for r in book.list(case="OP-7")} == {"listing:alpha-001", f"wallet:{docs.BTC}"}
    assert [r.id for r in book.list(state=S.EVIDENCE_COMPLETE)] == ["listing:alpha-001"]
    assert [r.id for r in book.list(kind=ResourceKind.WALLET)] == [f"wallet:{docs.BTC}"]


def test_case_commands(store: Store, home: Path) -> None:
    store.close()
    env = {"NARCWATCH_HOME": str(home), "PATH": "/usr/bin:/bin"}
    made = narcwatch("case", "create", "listing", "alpha-001", "--case", "OP-7", "--owner", "ana", env=env)
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip().splitlines()[-1] == "listing:alpha-001"
    skipped = narcwatch("case", "advance", "listing:alpha-001", "referred", env=env)
    assert skipped.returncode == 2 and "can move to evidence_complete" in skipped.stderr
    moved = narcwatch("case", "advance", "listing:alpha-001", "evidence_complete", "--by", "ana", "--note",
                      "WARC verified", env=env)
    assert moved.returncode == 0 and "identified → evidence_complete" in moved.stdout
    listed = narcwatch("case", "list", "--case", "OP-7", "--json", env=env)
    (row,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert row["state"] == "evidence_complete" and row["owner"] == "ana" and row["notes"] == ["WARC verified"]
    shown = narcwatch("case", "show", "listing:alpha-001", env=env)
    assert shown.returncode == 0 and "WARC verified" in shown.stdout and "referred" in shown.stdout  # next moves
    missing = narcwatch("case", "show", "listing:nothing", env=env)
    assert missing.returncode == 2 and "no resource" in missing.stderr
