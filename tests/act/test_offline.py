"""Offline verification against the range's epoch change: a small range is crawled at epoch 0, a broad set of its
resources is referred, the range comes back at epoch 1 on the same ports (shop gone, listings removed, the exit
scammer's listings vanished, a mirror dead) and `narcwatch verify-offline` must mark exactly the removed resources
offline, through the proxy for onion sources, with evidence; then comebacks are flagged."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from act.cases import CaseBook
from crawlers.evidence import verify_evidence
from index.schema import Entity
from index.store import Query, Store, StoreConfig, open_store
from narcwatch.models import Resource, ResourceKind, ResourceState
from tests.conftest import PROXY_SOURCE
from tests.crawlers.test_spiders import crawl_env
from tests.narcwatch.test_pipeline import crawl, narcwatch
from testsites.apps.common import RangeSettings
from testsites.serve import Range, running
from testsites.world import World

SEED, LISTINGS, CHECKS = 5, 300, 2
SOURCES = ("shop", "market_a", "channels", "forum")  # forum: the other account of a shop vendor's actor lives there
S = ResourceState


def free_base_port() -> int:
    """Ten consecutive free loopback ports, so the range keeps its URLs across epochs."""
    for base in range(41000, 60000, 10):
        socks = []
        try:
            for port in range(base, base + 10):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no ten consecutive free ports on 127.0.0.1")


@dataclass
class Scenario:
    tmp: Path
    base_port: int
    settings: RangeSettings
    home: Path
    mirrors: str = ""  # every market_a mirror the analyst's config has ever listed
    peers: dict = field(default_factory=dict)  # who visited each site during the epoch-1 verification
    proc: subprocess.CompletedProcess[str] | None = None

    def range(self, epoch: int):  # noqa: ANN201 - context manager of Range
        return running(World(seed=SEED, listings=LISTINGS, epoch=epoch), self.settings, base_port=self.base_port)

    def store(self) -> Store:
        return open_store(StoreConfig(home=self.home))

    def verify(self, rng: Range, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**crawl_env(rng), "NARCWATCH_HOME": str(self.home), "RANGE_MARKET_A_MIRRORS": self.mirrors,
               "COLUMNS": "200"}
        proc = narcwatch("verify-offline", "--config", "config/sources.yaml", "--out", str(self.tmp / "checks"),
                         "--min-interval", "0", *args, env=env)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        return proc

    def resources(self) -> dict[str, Resource]:
        with self.store() as store:
            return {r.id: r for r in CaseBook(store).list(case="OP-EPOCH")}


def _refer_everything(store: Store) -> None:
    """A broad case: every crawled listing and vendor account of the sources, two sites, a channel and a wallet;
    half referred, half with a takedown requested."""
    book = CaseBook(store)
    made = [book.create(ResourceKind.LISTING, d["id"], case="OP-EPOCH")[0] for d in store.scan(
        Query(entity=Entity.LISTING))]
    made += [book.create(ResourceKind.VENDOR, d["id"], case="OP-EPOCH")[0] for d in store.scan(
        Query(entity=Entity.VENDOR))]
    made += [book.create(kind, ref, case="OP-EPOCH")[0] for kind, ref in (
        (ResourceKind.SITE, "shop"), (ResourceKind.SITE, "market_a"), (ResourceKind.CHANNEL, "channel_pt"))]
    wallet = next(store.scan(Query(entity=Entity.IDENTIFIER, filters={"type": ["crypto_address"], "site": ["shop"]})))
    made.append(book.create(ResourceKind.WALLET, wallet["normalized"], case="OP-EPOCH")[0])
    for n, r in enumerate(made):
        book.advance(r.id, S.EVIDENCE_COMPLETE)
        book.advance(r.id, S.REFERRED, note="referral OP-EPOCH/1")
        if n % 2:
            book.advance(r.id, S.TAKEDOWN_REQUESTED)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    tmp = tmp_path_factory.mktemp("offline")
    sc = Scenario(tmp=tmp, base_port=free_base_port(), home=tmp / "home",
                  settings=RangeSettings(state_dir=tmp / "range", rate_limit=10_000, rate_burst=10_000,
                                         proxy_source=PROXY_SOURCE))
    with sc.range(0) as rng:
        proc = crawl(rng, tmp / "out", sc.home, *SOURCES)
        assert proc.returncode in (0, 1), proc.stderr[-4000:]  # 1: market_a's hostile pages, by design
        mirrors = rng.env()["RANGE_MARKET_A_MIRRORS"].split()
    with sc.store() as store:
        _refer_everything(store)
    with sc.range(1) as rng:
        # The analyst's config still lists the mirror that died, and the one born since.
        sc.mirrors = " ".join(dict.fromkeys([*mirrors, *rng.env()["RANGE_MARKET_A_MIRRORS"].split()]))
        sc.proc = sc.verify(rng, "--case", "OP-EPOCH", "--checks", str(CHECKS), "--rounds", str(CHECKS))
        sc.peers = rng.peers()
    yield sc


def gone_at_epoch_1(resources: dict[str, Resource]) -> set[str]:
    """What the epoch-1 truth says is gone: removed listings, and everything of a site that went offline."""
    world = World(seed=SEED, listings=LISTINGS, epoch=1)
    urls = dict.fromkeys(("market_a", "market_b", "market_c", "shop", "forum", "channel_ua", "channel_pt"), "")
    truth = list(world.truth(urls))
    offline_sites = {r["site"] for r in truth if r["type"] == "site" and not r["online"]}
    removed = {f"listing:{r['id']}" for r in truth if r["type"] == "listing" and not r["online"]}
    assert offline_sites == {"shop"}
    return {rid for rid, r in resources.items()
            if rid in removed or (r.kind is not ResourceKind.WALLET and r.site in offline_sites)}


def test_epoch_change_verifies_exactly_the_removed_resources_offline(scenario: Scenario) -> None:
    resources = scenario.resources()
    verified = {rid for rid, r in resources.items() if r.state is S.OFFLINE_VERIFIED}
    expected = gone_at_epoch_1(resources)
    removed_market_a = {rid for rid in expected if rid.startswith("listing:market_a:")}
    assert removed_market_a and "site:shop" in expected and len(resources) - len(expected) > 50
    assert verified == expected
    # Everything else was seen served in both checks: still online, never verified.
    for rid, r in resources.items():
        if rid in expected:
            continue
        if r.kind is ResourceKind.WALLET:
            assert r.state is S.REFERRED and not r.checks  # no page of its own: checked through the store only
        else:
            assert r.state is S.STILL_ONLINE, (rid, r.state, [c.detail for c in r.checks])
    assert "changed state" in scenario.proc.stdout and f"{len(expected):,} offline_verified" in scenario.proc.stdout


def test_each_offline_verified_resource_has_its_checks_with_evidence(scenario: Scenario) -> None:
    runs = scenario.tmp / "checks" / "runs"
    for r in scenario.resources().values():
        if r.state is not S.OFFLINE_VERIFIED:
            continue
        rounds = {c.run_id for c in r.checks}
        assert len(rounds) == CHECKS
        assert all(c.outcome in ("removed", "unreachable") for c in r.checks)
        note = r.history[-1].note or ""
        assert note.startswith(f"offline in {CHECKS} checks in a row") and all(run in note for run in rounds)
        for c in r.checks:
            if c.outcome == "removed":  # the site's answer is preserved and hashes to what the check recorded
                assert c.status in (404, 410, 451) and c.evidence is not None
                verify_evidence(runs / c.run_id / "evidence", c.evidence)
                assert c.evidence.record_id in note
            else:
                assert c.evidence is None
                assert c.detail == "connection refused" or c.detail.startswith("the proxy could not reach")
    shop = scenario.resources()["site:shop"]
    assert {c.detail for c in shop.checks} == {"connection refused"}


def test_onion_sources_are_checked_through_the_proxy_only(scenario: Scenario) -> None:
    peers = scenario.peers
    assert set(peers["market_a"]) == {"127.0.0.2"} and peers["market_a"]["127.0.0.2"] > 100  # never direct
    assert set(peers["channels"]) == {"127.0.0.1"}  # an open-web source is fetched directly
    listing = next(r for r in scenario.resources().values()
                   if r.id.startswith("listing:market_a:") and r.state is S.OFFLINE_VERIFIED)
    details = {c.url.split("/")[2]: c.detail for c in listing.checks}
    dead = [d for d in details.values() if d.startswith("the proxy could not reach the onion service")]
    assert dead and all("SOCKS reply 0x04" in d for d in dead)  # the mirror that died at epoch 1
    assert any(d.startswith("HTTP 404") for d in details.values())  # the live hosts say it was removed


def test_comebacks_are_flagged(scenario: Scenario) -> None:
    before = scenario.resources()
    removed = sorted(rid for rid, r in before.items()
                     if rid.startswith("listing:market_a:") and r.state is S.OFFLINE_VERIFIED)
    # The shop vendor whose actor also sells on market_a: the same vendor under another name.
    with scenario.store() as store:
        actors = list(store.scan(Query(entity=Entity.ACTOR, filters={"sites": ["shop"]})))
    pairs = [(m, o, lk) for a in actors for m in a["members"] for o in a["members"] for lk in a["links"]
             if m["site"] == "shop" and o["site"] == "market_a" and {lk["a"], lk["b"]} == {m["key"], o["key"]}]
    assert pairs, "the range's seed gives a shop vendor linked to a market_a account"
    shop_account, other, link = pairs[0]
    vendor = f"vendor:shop:vendor:{shop_account['name']}"
    assert before[vendor].state is S.OFFLINE_VERIFIED

    # A wallet on a removed listing, verified closed by hand (the exchange confirmed it): a wallet has no page.
    with scenario.store() as store:
        sighting = next(store.scan(Query(entity=Entity.IDENTIFIER, filters={
            "type": ["crypto_address"], "item_id": [r.removeprefix("listing:") for r in removed]})))
        book = CaseBook(store)
        wallet = book.create(ResourceKind.WALLET, sighting["normalized"], case="OP-EPOCH-W")[0].id
        for state in (S.EVIDENCE_COMPLETE, S.REFERRED, S.OFFLINE_VERIFIED):
            book.advance(wallet, state, note="exchange confirmed the account is closed")

    # A later crawl of market_a (its listings back, as at epoch 0) sees the removed listings and the other account.
    runs_before = set((scenario.tmp / "out" / "runs").iterdir())
    with scenario.range(0) as rng:
        proc = crawl(rng, scenario.tmp / "out", scenario.home, "market_a")
        assert proc.returncode in (0, 1), proc.stderr[-4000:]
    (recrawl,) = set((scenario.tmp / "out" / "runs").iterdir()) - runs_before
    # Checked at epoch 1 again: the pages still answer 404 and the shop is down, so only the store tells.
    with scenario.range(1) as rng:
        scenario.verify(rng, "--case", "OP-EPOCH", "--checks", str(CHECKS))
        scenario.verify(rng, "--resource", wallet)
    after = scenario.resources()
    with scenario.store() as store:
        after[wallet] = CaseBook(store).require(wallet)
    for rid in removed:
        r = after[rid]
        assert r.state is S.STILL_ONLINE and r.checks[-1].outcome == "removed"
        assert any(f.startswith("listing seen again after verification by crawl run " + recrawl.name)
                   for f in r.flags), r.flags
    flags = after[vendor].flags
    assert after[vendor].state is S.STILL_ONLINE
    assert any(f.startswith(f"same vendor under another name: {other['key']} (linked by {link['type']} "
                            f"{link['value']})") for f in flags), flags
    assert after[wallet].state is S.STILL_ONLINE
    assert any(f.startswith("wallet seen again after verification in ") for f in after[wallet].flags)
    site = after["site:shop"]  # nothing of the shop was crawled again: it stays verified, unflagged
    assert site.state is S.OFFLINE_VERIFIED and not site.flags

    # The shop comes back (epoch 0): the recrawl itself finds it served again.
    with scenario.range(0) as rng:
        proc = scenario.verify(rng, "--resource", "site:shop", "--checks", str(CHECKS))
    site = scenario.resources()["site:shop"]
    assert site.state is S.STILL_ONLINE
    assert any(f.startswith("came back: ") and "answered HTTP 200" in f for f in site.flags), site.flags
    assert "1 came back" in proc.stdout
    assert json.loads(narcwatch("case", "show", "site:shop", "--json", env={
        **os.environ, "NARCWATCH_HOME": str(scenario.home)}).stdout)["flags"] == site.flags


# -- the rule, on its own ----------------------------------------------------------------------------------------


def _resource(*rounds: tuple[int, str]) -> Resource:
    """A referred resource with one check per (minutes after referral, outcome)."""
    from datetime import UTC, datetime, timedelta

    from narcwatch.models import Check, Transition

    t0 = datetime(2026, 1, 5, tzinfo=UTC)
    checks = [Check(at=t0 + timedelta(minutes=m), url="http://x.onion/listing/1", outcome=o,  # type: ignore[arg-type]
                    detail=o, run_id=f"run{n}") for n, (m, o) in enumerate(rounds)]
    return Resource(id="listing:x:1", kind=ResourceKind.LISTING, ref="x:1", state=S.REFERRED, checks=checks,
                    history=[Transition(state=S.REFERRED, at=t0)])


def test_offline_checks_count_in_a_row_at_the_least_interval_and_inconclusive_ones_count_neither_way() -> None:
    from datetime import timedelta

    from act.offline import offline_streak

    hour = timedelta(hours=1)
    assert len(offline_streak(_resource((0, "removed"), (60, "unreachable"), (120, "removed")), hour)) == 3
    # Ten minutes after a counted check is too soon: it neither counts nor breaks the row.
    assert len(offline_streak(_resource((0, "removed"), (10, "removed"), (60, "removed")), hour)) == 2
    # A served page starts the count again; an inconclusive check (HTTP 503, our proxy down) is ignored.
    assert len(offline_streak(_resource((0, "removed"), (60, "online"), (120, "removed")), hour)) == 1
    assert len(offline_streak(_resource((0, "removed"), (60, "inconclusive"), (120, "removed")), hour)) == 2
    assert len(offline_streak(_resource((0, "removed"), (1, "removed")), timedelta(0))) == 2


def test_answers_are_judged_in_an_analysts_words() -> None:
    from crawlers.spiders.check import judge_status

    assert judge_status(200)[0] == "online"
    assert [judge_status(s)[0] for s in (404, 410, 451)] == ["removed"] * 3
    assert {judge_status(s)[0] for s in (429, 500, 503, 403)} == {"inconclusive"}
    assert judge_status(404)[1].startswith("HTTP 404")
