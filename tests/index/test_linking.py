"""Vendor linking: shared hard identifiers join accounts into actors, with evidence; names, guessable handles and hubs
never do. Checked on hand-made observations, on store documents made by the product, and against the range's truth."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from datetime import UTC, datetime

import pytest

from index.documents import item_documents
from index.linking import (
    DEFAULT_RULES,
    Account,
    LinkRules,
    Observation,
    actor_documents,
    link,
    normalize_name,
    observations_from_sightings,
)
from index.schema import Entity, validate
from narcwatch.models import Listing, Post
from nlp.identifiers import find_identifiers
from nlp.pipeline import analyze, default
from testsites.world import World

BTC = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
AT = datetime(2026, 11, 2, 10, 30, tzinfo=UTC)


def obs(site: str, name: str, *identifiers: tuple[str, str, str]) -> Observation:
    """An observation from (type, value, evidence ref) triples."""
    o = Observation(Account(site, name))
    for kind, value, ref in identifiers:
        o.add(kind, value, [ref])
    return o


def member_sets(observations: list[Observation], rules: LinkRules = DEFAULT_RULES) -> set[frozenset[str]]:
    return {frozenset(m.key for m in a.members) for a in link(observations, rules).actors if len(a.members) > 1}


# ---------------------------------------------------------------------------------------------- hand-made observations


def test_two_accounts_sharing_a_wallet_are_one_actor_with_the_evidence_of_both_sightings() -> None:
    result = link([obs("market_a", "joe", ("crypto_address", BTC, "market_a:1")),
                   obs("forum", "joe_shop", ("crypto_address", BTC, "forum:7"), ("telegram", "joe_shop_nl", "forum:7")),
                   obs("market_b", "other", ("crypto_address", "bc1qother", "market_b:3"))])
    linked = [a for a in result.actors if len(a.members) > 1]
    assert len(linked) == 1 and len(result.actors) == 2
    actor = linked[0]
    assert [m.key for m in actor.members] == ["forum:joe_shop", "market_a:joe"]
    (lk,) = actor.links
    assert (lk.a.key, lk.b.key, lk.type, lk.value) == ("forum:joe_shop", "market_a:joe", "crypto_address", BTC)
    assert (lk.evidence_a, lk.evidence_b) == (("forum:7",), ("market_a:1",))
    assert set(actor.identifiers) == {("crypto_address", BTC), ("telegram", "joe_shop_nl")}
    assert result.weak == [] and result.hubs == []


def test_a_shared_name_is_a_weak_pair_and_never_a_link() -> None:
    result = link([obs("market_a", "Dr_Green", ("telegram", "green_one_77", "a:1")),
                   obs("market_c", "drgreen", ("telegram", "another_guy_12", "c:1")),
                   obs("market_a", "drgreen2", ("telegram", "third_guy_12", "a:2"))])
    assert all(len(a.members) == 1 for a in result.actors)
    assert [(p.a.key, p.b.key, p.type, p.value) for p in result.weak] == [
        ("market_a:Dr_Green", "market_c:drgreen", "name", "drgreen")]
    doc = next(d for d in actor_documents(result.actors) if d["member_keys"] == ["market_a:Dr_Green"])
    assert doc["weak_names"] == ["market_c:drgreen"] and "links" not in doc


def test_same_name_on_linked_accounts_is_not_reported_as_weak() -> None:
    result = link([obs("market_a", "joe", ("email", "joe@pm.me", "a:1")),
                   obs("forum", "JOE", ("email", "joe@pm.me", "f:1"))])
    assert result.weak == [] and len(result.actors) == 1


def test_a_guessable_handle_gives_a_weak_pair_not_a_link() -> None:
    observations = [obs("market_a", "crystal_labs", ("snapchat", "crystal", "a:1")),
                    obs("market_b", "Лёд53", ("snapchat", "crystal", "b:1"))]
    result = link(observations)
    assert all(len(a.members) == 1 for a in result.actors)
    assert [(p.type, p.value) for p in result.weak] == [("snapchat", "crystal")]
    assert member_sets(observations, LinkRules(min_handle_chars=0)) == {frozenset({"market_a:crystal_labs",
                                                                                 "market_b:Лёд53"})}


def test_an_address_shared_by_ten_accounts_is_a_hub_and_links_none_of_them() -> None:
    escrow = "bc1qescrowescrowescrow"
    observations = [obs("market_a", f"vendor{i}", ("crypto_address", escrow, f"market_a:{i}")) for i in range(10)]
    observations += [obs("forum", "vendor3_fan", ("crypto_address", escrow, "forum:1"),
                         ("wickr", "v3.personal", "forum:1")),
                     obs("market_a", "vendor3", ("wickr", "v3.personal", "market_a:3"))]
    result = link(observations)
    assert member_sets(observations) == {frozenset({"forum:vendor3_fan", "market_a:vendor3"})}
    (hub,) = result.hubs
    assert (hub.type, hub.value, len(hub.accounts), hub.sites) == ("crypto_address", escrow, 11, ("forum", "market_a"))
    assert all(("crypto_address", escrow) not in a.identifiers for a in result.actors)
    assert member_sets(observations, LinkRules(max_accounts=20)) == {frozenset(o.account.key for o in observations)}


def test_links_are_transitive() -> None:
    observations = [obs("market_a", "a", ("pgp_fingerprint", "AB" * 20, "a:1")),
                    obs("market_b", "b", ("pgp_fingerprint", "AB" * 20, "b:1"), ("telegram", "bee_shop_42", "b:2")),
                    obs("channel_ua", "c", ("telegram", "bee_shop_42", "c:1"))]
    (actor,) = link(observations).actors
    assert [m.key for m in actor.members] == ["channel_ua:c", "market_a:a", "market_b:b"]
    assert sorted(lk.type for lk in actor.links) == ["pgp_fingerprint", "telegram"]


def test_actor_ids_are_stable_across_runs_and_input_order() -> None:
    observations = [obs("market_a", "a", ("pgp_fingerprint", "AB" * 20, "a:1")),
                    obs("market_b", "b", ("pgp_fingerprint", "AB" * 20, "b:1"), ("phone", "+491711234567", "b:2")),
                    obs("shop", "c", ("phone", "+491711234567", "c:1")), obs("forum", "d"), obs("forum", "A")]
    first = actor_documents(link(observations).actors)
    for seed in range(5):
        shuffled = observations[:]
        random.Random(seed).shuffle(shuffled)
        assert actor_documents(link(shuffled).actors) == first
    assert len({d["id"] for d in first}) == len(first) == 3


def test_name_normalisation_folds_case_and_separators_but_keeps_digits() -> None:
    assert normalize_name("Dr_Green-NL") == normalize_name("drgreen nl") == "drgreennl"
    assert normalize_name("Лёд53") == "лёд53" != normalize_name("Лёд5")


def test_actor_documents_fit_the_actor_schema() -> None:
    result = link([obs("market_a", "joe", ("crypto_address", BTC, "market_a:1")),
                   obs("forum", "joe", ("crypto_address", BTC, "forum:7")), obs("market_c", "JOE")])
    for doc in actor_documents(result.actors):
        assert validate(Entity.ACTOR, doc) == []
    linked = next(d for d in actor_documents(result.actors) if d["link_count"])
    assert linked["sites"] == ["forum", "market_a"] and linked["weak_names"] == ["market_c:JOE"]


# ---------------------------------------------------------------------------------------------- from store documents


def test_linking_runs_over_the_sightings_the_store_holds() -> None:
    """Items through the product's NLP and document code: sightings carry the account and the item as evidence."""
    nlp = default()
    items = [
        Listing(source="market_a", key="market_a:1", url="http://a.test/l/1", fetched_at=AT, run_id="r1",
                native_id="1", title="4-MMC 10g", description=f"Pay BTC {BTC} only.", vendor="joe"),
        Post(source="forum", key="forum:7", url="http://f.test/t/1#p7", fetched_at=AT, run_id="r1", native_id="7",
             text=f"Joe's shop, same wallet {BTC}, telegram @joe_shop_nl", author="joe_shop"),
        Post(source="channel_ua", key="channel_ua:3", url="http://c.test/3", fetched_at=AT, run_id="r1",
             native_id="3", text="Меню: пишіть @joe_shop_nl", channel="Joe UA"),
    ]
    docs = []
    for item, analysis in zip(items, analyze(nlp, [i.model_dump(mode="json") for i in items]), strict=True):
        docs += item_documents(item, analysis)[Entity.IDENTIFIER]
    vendor = {"id": "market_a:vendor:joe", "kind": "vendor", "site": "market_a", "name": "joe",
              "pgp_fingerprints": ["CD" * 20], "evidence_ids": ["<urn:uuid:9>"], "seen_at": AT.isoformat()}
    observations = observations_from_sightings([*docs, vendor])
    assert {o.account.key for o in observations} == {"market_a:joe", "forum:joe_shop", "channel_ua:Joe UA"}
    joe = next(o for o in observations if o.account.key == "market_a:joe")
    assert joe.identifiers == {("crypto_address", BTC): {"market_a:1"},
                               ("pgp_fingerprint", "CD" * 20): {"market_a:vendor:joe", "<urn:uuid:9>"}}
    (actor,) = link(observations).actors
    assert len(actor.members) == 3 and actor.first_seen == AT.isoformat()
    assert {(lk.type, lk.evidence_a, lk.evidence_b) for lk in actor.links} == {
        ("crypto_address", ("forum:7",), ("market_a:1",)), ("telegram", ("channel_ua:3",), ("forum:7",))}


# ---------------------------------------------------------------------------------------------- against the range


def range_observations(records: list[dict]) -> list[Observation]:
    """Accounts as the product sees them: identifiers extracted from each listing's and post's text, and from the
    contacts a vendor profile shows ("type: value" lines) plus its key's fingerprint."""
    found: dict[Account, Observation] = {}

    def add(site: str, name: str, text: str, ref: str) -> Observation:
        o = found.setdefault(Account(site, name), Observation(Account(site, name)))
        for i in find_identifiers(text):
            o.add(i.type, i.normalized, [ref])
        return o

    for r in records:
        if r["type"] == "listing":
            add(r["site"], r["vendor"], f"{r['title']}\n{r['description']}", r["id"])
        elif r["type"] == "post" and r["author"]:
            add(r["site"], r["author"], r["text"], r["id"])
        elif r["type"] == "vendor":
            ref = f"{r['site']}:vendor:{r['name']}"
            o = add(r["site"], r["name"], "\n".join(f"{i['type']}: {i['value']}" for i in r["identifiers"]), ref)
            if r["pgp"]:
                o.add("pgp_fingerprint", r["pgp"]["fingerprint"], [ref])
    return list(found.values())


def same_actor_pairs(groups: list[list[Account]]) -> set[tuple[Account, Account]]:
    return {pair for g in groups for pair in itertools.combinations(sorted(g), 2)}


@pytest.mark.parametrize("seed", [7, 11])
def test_linking_finds_the_range_actors(seed: int) -> None:
    records = list(World(seed, 2000).truth(defaultdict(lambda: "http://r")))
    observations = range_observations(records)
    seen = {o.account for o in observations}
    truth = [[a for r_acc in r["accounts"] if (a := Account(r_acc["site"], r_acc["name"])) in seen]
             for r in records if r["type"] == "actor"]
    result = link(observations)
    true_pairs = same_actor_pairs(truth)
    predicted = same_actor_pairs([list(a.members) for a in result.actors])
    hits = len(true_pairs & predicted)
    precision, recall = hits / len(predicted), hits / len(true_pairs)
    assert len(true_pairs) > 50
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)
    actor_of = {a: r["actor"] for r in records if r["type"] == "actor"
                for a in (Account(x["site"], x["name"]) for x in r["accounts"])}
    assert result.weak and all(actor_of[p.a] != actor_of[p.b] for p in result.weak)  # the range's namesakes
