"""Ground truth: complete, deterministic, diverse, and changing between epochs as the issue describes."""

from __future__ import annotations

import ast
import hashlib
import json
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.conftest import LISTINGS, SEED, of_type, onion_session
from tests.testsites.oracles import CHECKSUMMED, identifier_valid
from testsites.apps.common import RangeSettings
from testsites.serve import Range, running, write_truth
from testsites.world import World

ROOT = Path(__file__).resolve().parents[2]
CLASSES = {"opioid", "stimulant", "cannabis", "empathogen", "psychedelic", "dissociative", "sedative", "nps", "other"}


def truth_of(seed: int, listings: int, epoch: int, tmp: Path, urls: dict[str, str]) -> list[dict]:
    path = tmp / f"truth-{seed}-{listings}-{epoch}.jsonl"
    write_truth(World(seed=seed, listings=listings, epoch=epoch), urls, path)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_same_seed_same_truth_other_seed_other_truth(served: Range, tmp_path: Path) -> None:
    a = (tmp_path / "a.jsonl")
    b = (tmp_path / "b.jsonl")
    c = (tmp_path / "c.jsonl")
    write_truth(World(seed=3, listings=300), served.urls, a)
    write_truth(World(seed=3, listings=300), served.urls, b)
    write_truth(World(seed=4, listings=300), served.urls, c)
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (a, b, c)]
    assert digest[0] == digest[1] != digest[2]


def test_truth_covers_languages_categories_and_classes(truth: list[dict]) -> None:
    texts = of_type(truth, "listing") + of_type(truth, "post")
    assert len(of_type(truth, "listing")) >= LISTINGS * 0.9
    assert len({r["lang"] for r in texts}) >= 6
    assert {r["category"] for r in texts} == {"drug_offer", "precursor_offer", "other_illicit_offer", "not_offer"}
    classes = {s["class"] for r in texts for s in r["substances"] if s["class"]}
    assert CLASSES - {"other"} <= classes
    names = {s["name"] for r in texts for s in r["substances"]}
    assert {"fentanyl", "heroin", "cocaine", "mdma"} <= names
    assert any("nitazene" in n for n in names)
    bodies = " ".join(r.get("description") or r.get("text") for r in texts)
    assert any(ch in bodies for ch in ("\u200b", "\u200c", "\u200d", "\u2060")), "zero-width characters"
    assert any(e in bodies for e in ("❄", "🍁", "💊")), "emoji codes"
    assert any(unicodedata.name(ch, "").startswith("CYRILLIC") for ch in bodies)


def test_identifier_kinds_and_decoys_present(truth: list[dict]) -> None:
    found = [i for r in truth if r["type"] in ("listing", "post", "vendor") for i in r["identifiers"]]
    found += [i for r in of_type(truth, "listing") for i in r["page_identifiers"]]
    currencies = {i.get("currency") for i in found if i["type"] == "crypto_address"}
    assert {"BTC", "XMR", "ETH", "TRX", "LTC", "BCH", "DOGE", "DASH", "ZEC"} <= currencies
    kinds = {i.get("kind") for i in found if i["type"] == "crypto_address"}
    assert {"p2pkh", "p2sh", "bech32", "bech32m", "standard", "subaddress", "integrated", "cashaddr"} <= kinds
    types = {i["type"] for i in found}
    assert {"telegram", "session_id", "wickr", "threema", "email", "phone", "iban"} <= types
    assert of_type(truth, "decoy")


def test_every_truth_identifier_passes_and_every_decoy_fails_independent_checks(truth: list[dict]) -> None:
    valid = [i for r in truth if r["type"] in ("listing", "post", "vendor") for i in r["identifiers"]]
    valid += [i for r in of_type(truth, "listing") for i in r["page_identifiers"]]
    checked = [i for i in valid if i["type"] in CHECKSUMMED]
    assert len(checked) > 500
    assert not [i for i in checked if not identifier_valid(i)]
    decoys = of_type(truth, "decoy")
    assert {d["identifier_type"] for d in decoys} >= {"crypto_address"}
    assert not [d for d in decoys if identifier_valid({**d, "type": d["identifier_type"]})]
    hosts = [h for s in of_type(truth, "site") for h in s["onion_hosts"] + s["dead_onion_hosts"]]
    assert hosts and all(identifier_valid({"type": "onion", "value": h}) for h in hosts)


def test_vendors_link_across_sites_only_through_hard_identifiers(truth: list[dict]) -> None:
    vendors = of_type(truth, "vendor")
    by_actor: dict[str, list[dict]] = {}
    for v in vendors:
        by_actor.setdefault(v["actor"], []).append(v)
    multi = [vs for vs in by_actor.values() if len({v["site"] for v in vs}) > 1]
    assert len(multi) >= 10
    for vs in multi:
        names = {v["name"] for v in vs}
        hard = [{i["value"] for i in v["identifiers"]} | ({v["pgp"]["fingerprint"]} if v["pgp"] else set())
                for v in vs]
        for left, right in zip(hard, hard[1:], strict=False):
            assert left & right, f"accounts {names} of one actor share no identifier"
    names = Counter((v["name"].lower()) for v in vendors)
    clashes = [n for n, c in names.items()
               if c > 1 and len({v["actor"] for v in vendors if v["name"].lower() == n}) > 1]
    assert clashes, "some unrelated vendors must share a name (names alone are weak evidence)"


def test_epoch_change_moves_listings_prices_and_vendors(served: Range, tmp_path: Path) -> None:
    e0 = truth_of(SEED, 600, 0, tmp_path, served.urls)
    e1 = truth_of(SEED, 600, 1, tmp_path, served.urls)
    l0 = {r["id"]: r for r in of_type(e0, "listing")}
    l1 = {r["id"]: r for r in of_type(e1, "listing")}
    assert set(l1) - set(l0), "new listings appear"
    vanished = [i for i in l0 if l0[i]["online"] and not l1[i]["online"]]
    assert vanished, "listings disappear"
    assert any(l0[i]["price"] != l1[i]["price"] for i in l0 if l1[i]["online"] and l0[i]["online"])
    scammer = [v for v in of_type(e1, "vendor") if v["exit_scam_epoch"] == 1]
    assert scammer
    assert all(not r["online"] for r in l1.values() if r["actor"] == scammer[0]["actor"])
    sites1 = {r["site"]: r for r in of_type(e1, "site")}
    assert not sites1["shop"]["online"] and sites1["market_a"]["dead_onion_hosts"]
    assert of_type(e1, "post", kind="scam_warning", epoch_added=1)


def test_epoch_one_served_shop_offline_and_mirror_rotated(tmp_path: Path) -> None:
    with running(World(seed=SEED, listings=200, epoch=1), RangeSettings(state_dir=tmp_path)) as rng:
        records = truth_of(SEED, 200, 1, tmp_path, rng.urls)
        gone = [r for r in of_type(records, "listing") if not r["online"] and r["site"] != "shop"]
        assert gone
        for record in gone[:10]:
            path = urlsplit(record["url"]).path
            assert requests.get(rng.direct_url(record["site"]) + path, timeout=10).status_code == 404
        assert "shop" not in rng.ports
        with pytest.raises(requests.ConnectionError):
            requests.get(rng.direct_url("shop") + "/", timeout=5)
        dead = rng.world.dead_onions[0]
        with onion_session(rng.proxy.url) as session:
            with pytest.raises(requests.ConnectionError):
                session.get(f"http://{dead}/", timeout=5)
            assert session.get(f"http://{rng.world.onions['market_a'][-1]}/", timeout=5).status_code == 200


def test_every_account_of_a_large_world_resolves() -> None:
    world = World(seed=SEED, listings=20_000)
    for site, accounts in world.accounts.items():
        for name in accounts:
            account = world.account(site, name)
            assert len({i["value"] for i in account.identifiers}) == len(account.identifiers)


def test_large_range_starts_without_generating_listings(tmp_path: Path) -> None:
    world = World(seed=SEED, listings=100_000)
    with running(world, RangeSettings(state_dir=tmp_path)) as rng:
        assert world.listing.cache_info().currsize == 0, "nothing is rendered before it is asked for"
        number = __import__("testsites.world", fromlist=["listing_number"]).listing_number("market_a", 27_777)
        resp = requests.get(f"{rng.direct_url('market_a')}/listing/{number}", timeout=30)
        assert resp.status_code in (200, 404)
        assert world.listing.cache_info().currsize <= 1


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_range_shares_no_code_with_the_product() -> None:
    for path in (ROOT / "testsites").rglob("*.py"):
        assert not _imports(path) & {"crawlers", "nlp", "index", "narcwatch", "act"}, path
    for package in ("crawlers", "nlp", "index", "narcwatch", "act"):
        for path in (ROOT / package).rglob("*.py"):
            if package == "narcwatch" and path.name in ("cli.py", "demo.py"):
                continue  # the CLI mounts `narcwatch range`; the demo runs the product against the range
            assert "testsites" not in _imports(path), path


def test_cli_truth_and_serve(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("narcwatch")
    out = tmp_path / "t.jsonl"
    subprocess.run([exe, "range", "truth", "--out", out, "--seed", "5", "--listings", "100"], check=True, timeout=120)
    assert sum(1 for _ in out.open()) > 100
    proc = subprocess.Popen([exe, "range", "serve", "--seed", "5", "--listings", "100", "--base-port", "18600",
                             "--state-dir", tmp_path / "state"], stdout=subprocess.PIPE, text=True,
                            env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if "SOCKS5 proxy" in line:
                break
        text = "".join(lines)
        assert "127.0.0.1:18603" in text and ".onion" in text and "socks5h://127.0.0.1:18609" in text
        assert requests.get("http://127.0.0.1:18604/", timeout=10).status_code == 200
        assert "MARKET_B_PASSWORD=" in (tmp_path / "state" / "secrets.env").read_text()
    finally:
        proc.terminate()
        assert proc.wait(timeout=30) == 0
