"""The whole crawl stage against the test range (seed 11, 2,000 listings): recall, field accuracy, evidence,
hostile pages in the report. One `narcwatch crawl` of every shipped source, as an analyst would run it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from crawlers.evidence import verify_evidence, verify_warc
from narcwatch.models import Evidence
from tests.conftest import PROXY_SOURCE, of_type
from testsites.serve import Range

ROOT = Path(__file__).resolve().parents[2]
LISTING_SITES = ("market_a", "market_b", "market_c", "shop")


def crawl_env(rng: Range) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["RANGE_STATE"] = str(rng.settings.state_dir)
    env.pop("MARKET_B_USERNAME", None)  # the login comes from the range's secrets file, as configured
    env.pop("MARKET_B_PASSWORD", None)
    return env


def run_crawl(rng: Range, out: Path, *sources: str, timeout: float = 1200) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "narcwatch.cli", "crawl", *sources, "--out", str(out),
           "--config", str(ROOT / "config" / "sources.yaml")]
    return subprocess.run(cmd, cwd=ROOT, env=crawl_env(rng), capture_output=True, text=True, timeout=timeout)


def load_items(run_dir: Path) -> list[dict]:
    items = []
    for path in sorted((run_dir / "items").glob("*.jsonl")):
        items += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return items


@pytest.fixture(scope="module")
def full_crawl(served: Range, tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("crawl")
    before = served.peers()
    proc = run_crawl(served, out)
    after = served.peers()
    assert proc.returncode == 0, f"crawl failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    run_dir = next((out / "runs").iterdir())
    report = json.loads((run_dir / "report.json").read_text())
    peers = {site: after[site] - before.get(site, Counter()) for site in after}
    return {"out": out, "run_dir": run_dir, "report": report, "items": load_items(run_dir), "proc": proc,
            "peers": peers}


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


@pytest.mark.parametrize("site", LISTING_SITES)
def test_listing_recall_and_field_accuracy(full_crawl: dict, truth: list[dict], site: str) -> None:
    expected = {r["id"]: r for r in of_type(truth, "listing", site=site) if r["online"]}
    got = {i["key"]: i for i in full_crawl["items"] if i["kind"] == "listing" and i["source"] == site}
    assert expected, "the range has listings on this site"
    recall = len(expected.keys() & got.keys()) / len(expected)
    assert recall >= 0.995, f"{site}: recall {recall:.4f}; missing e.g. {sorted(expected.keys() - got.keys())[:5]}"
    assert not got.keys() - expected.keys(), "no listing the site does not have"
    for field in ("title", "price", "vendor"):
        right = 0
        for key in expected.keys() & got.keys():
            want, have = expected[key], got[key]
            if field == "price":
                ok = have["price"] is not None and abs(have["price"]["amount"] - want["price"]["amount"]) < 0.005 \
                    and have["price"]["currency"] == want["price"]["currency"]
            else:
                ok = _norm(have[field]) == _norm(want[field])
            right += ok
        accuracy = right / len(expected.keys() & got.keys())
        assert accuracy >= 0.99, f"{site}: {field} accuracy {accuracy:.4f}"


def test_every_channel_and_forum_post(full_crawl: dict, truth: list[dict]) -> None:
    for site in ("channel_ua", "channel_pt", "forum"):
        expected = {r["url"] for r in of_type(truth, "post", site=site) if r["online"]}
        got = {i["url"] for i in full_crawl["items"] if i["kind"] == "post"}
        assert expected <= got, f"{site}: missing {sorted(expected - got)[:5]}"
    posts = [i for i in full_crawl["items"] if i["kind"] == "post" and i["source"] == "channels"]
    truth_by_url = {r["url"]: r for r in of_type(truth, "post") if r["site"].startswith("channel")}
    for post in posts:
        want = truth_by_url[post["url"]]
        assert _norm(post["text"]) == _norm(want["text"])
        assert post["forwarded_from"] == want["forwarded_from"]
        assert post["posted_at"] is not None and post["views"] is not None


def test_vendor_profiles_with_pgp_keys(full_crawl: dict, truth: list[dict]) -> None:
    for site in ("market_a", "market_b", "market_c"):
        expected = {r["name"] for r in of_type(truth, "vendor", site=site)}
        vendors = {i["name"]: i for i in full_crawl["items"] if i["kind"] == "vendor" and i["source"] == site}
        assert expected <= vendors.keys(), f"{site}: missing vendors {sorted(expected - vendors.keys())[:5]}"
        with_pgp = [r for r in of_type(truth, "vendor", site=site) if r.get("pgp")]
        for record in with_pgp:
            assert "BEGIN PGP PUBLIC KEY BLOCK" in (vendors[record["name"]]["pgp_key"] or "")


def test_every_item_has_verifiable_evidence(full_crawl: dict) -> None:
    evidence_dir = full_crawl["run_dir"] / "evidence"
    screenshots = 0
    for item in full_crawl["items"]:
        assert item["evidence"], f"{item['key']} has no evidence"
        last = Evidence.model_validate(item["evidence"][-1])
        verify_evidence(evidence_dir, last)
        if item["source"] == "market_c" and item["kind"] == "listing":
            assert last.rendered and last.screenshot_sha256, "rendered listing pages carry a screenshot"
            screenshots += 1
    assert screenshots >= 400
    for warc in evidence_dir.glob("*.warc.gz"):
        check = verify_warc(warc)
        assert check.ok, check.errors[:3]


def test_report_names_hostile_pages(full_crawl: dict, truth: list[dict]) -> None:
    sources = full_crawl["report"]["sources"]
    errors = defaultdict(list)
    for name, report in sources.items():
        assert report["finish_reason"] == "finished", name
        for kind, examples in report["examples"].items():
            errors[kind] += [e["url"] for e in examples]
    hostile = {r["kind"]: r["url"] for r in of_type(truth, "hostile")}
    assert hostile["oversized"] in errors["oversized"]
    assert hostile["compression_bomb"] in errors["oversized"]
    assert hostile["slow_drip"] in errors["timeout"]
    assert any("sid=" in u for u in errors["trap"]), "the session-id loop was bounded and reported"
    assert any("/calendar" in u for u in errors["trap"]), "the calendar trap was bounded and reported"
    assert sources["market_b"]["logins"] >= 1
    assert "Crawl run" in full_crawl["proc"].stdout


def test_proxied_sources_never_connected_directly(full_crawl: dict) -> None:
    """Every request the onion markets saw during the crawl came from the proxy's address, none direct."""
    for site in ("market_a", "market_b", "market_c"):
        peers = full_crawl["peers"][site]
        assert sum(peers.values()) > 100, f"{site} was crawled"
        assert set(peers) == {PROXY_SOURCE}, f"{site}: direct visitors {dict(peers)}"
    assert set(full_crawl["peers"]["shop"]) == {"127.0.0.1"}, "sources without a proxy go direct, as configured"
