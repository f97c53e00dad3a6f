"""Crawl runs over time: sessions that expire and rate limits, recrawls across the range's epochs, and a
crawl killed with SIGKILL and started again.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from tests.conftest import of_type
from tests.crawlers.test_spiders import ROOT, crawl_env, load_items, run_crawl
from testsites.apps.common import RangeSettings
from testsites.serve import running, write_truth
from testsites.world import World

SEED = 11


def truth_of(world: World, urls: dict[str, str], tmp: Path) -> list[dict]:
    path = tmp / f"truth-{world.epoch}.jsonl"
    write_truth(world, urls, path)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def only_run(out: Path) -> Path:
    runs = sorted((out / "runs").iterdir())
    assert len(runs) == 1
    return runs[0]


def test_login_captcha_relogin_and_retry_after(tmp_path: Path) -> None:
    """Sessions last 4 s and the market allows 15 requests/s: the crawl must log in again and back off."""
    world = World(seed=SEED, listings=600)
    settings = RangeSettings(state_dir=tmp_path / "range", session_ttl=4.0, rate_limit=15, rate_burst=15)
    with running(world, settings) as rng:
        out = tmp_path / "out"
        proc = run_crawl(rng, out, "market_b")
        assert proc.returncode == 0, proc.stderr[-4000:]
        truth = truth_of(world, rng.urls, tmp_path)
    report = json.loads((only_run(out) / "report.json").read_text())["sources"]["market_b"]
    assert report["logins"] >= 2, "the session expired during the crawl and the spider logged in again"
    assert report["events"].get("session", 0) >= 1
    assert report["events"].get("rate limited", 0) >= 1, "HTTP 429 with Retry-After was met and honoured"
    expected = {r["id"] for r in of_type(truth, "listing", site="market_b") if r["online"]}
    got = {i["key"] for i in load_items(only_run(out)) if i["kind"] == "listing"}
    assert len(expected & got) / len(expected) >= 0.995
    log = (only_run(out) / "crawl.log").read_text()
    secrets = dict(line.split("=", 1) for line in (tmp_path / "range" / "secrets.env").read_text().split())
    assert secrets["MARKET_B_PASSWORD"] not in log, "the password never reaches the log"
    for warc in (only_run(out) / "evidence").glob("*.warc.gz"):
        assert secrets["MARKET_B_PASSWORD"].encode() not in _inflate(warc), "nor the evidence files"


def _inflate(path: Path) -> bytes:
    import gzip

    return gzip.decompress(path.read_bytes())


def test_recrawl_across_epochs_tells_new_changed_and_vanished(tmp_path: Path) -> None:
    out = tmp_path / "out"
    truths = {}
    for epoch in (0, 1):
        world = World(seed=SEED, listings=500, epoch=epoch)
        with running(world, RangeSettings(state_dir=tmp_path / f"range{epoch}")) as rng:
            proc = run_crawl(rng, out, "market_a")
            assert proc.returncode == 0, proc.stderr[-4000:]
            truths[epoch] = {r["id"]: r for r in truth_of(world, rng.urls, tmp_path)
                             if r["type"] == "listing" and r["site"] == "market_a" and r["online"]}
    before, after = truths[0], truths[1]
    want_new = after.keys() - before.keys()
    want_vanished = before.keys() - after.keys()
    want_changed = {k for k in before.keys() & after.keys()
                    if (before[k]["title"], before[k]["price"], before[k]["description"])
                    != (after[k]["title"], after[k]["price"], after[k]["description"])}
    assert want_new and want_vanished and want_changed, "the range changes between epochs"
    db = sqlite3.connect(out / "history.sqlite")
    runs = [r[0] for r in db.execute("SELECT DISTINCT run_id FROM changes ORDER BY at")]
    assert len(runs) == 2
    second = runs[1]
    kinds: dict[str, set[str]] = {}
    for key, kind in db.execute("SELECT key, kind FROM changes WHERE run_id = ?", (second,)):
        kinds.setdefault(kind, set()).add(key)
    assert kinds.get("new", set()) == want_new
    assert kinds.get("vanished", set()) == want_vanished
    assert kinds.get("changed", set()) == want_changed
    fields = {f for (f,) in db.execute("SELECT DISTINCT field FROM changes WHERE kind = 'changed'")}
    assert "price" in fields
    # The same listing on mirror hosts is one listing: no key twice in a run's feed.
    for run_dir in (out / "runs").iterdir():
        keys = Counter(i["key"] for i in load_items(run_dir))
        assert max(keys.values()) == 1


def test_kill_9_then_same_command_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    world = World(seed=SEED, listings=2000)
    with running(world, RangeSettings(state_dir=tmp_path / "range")) as rng:
        out = tmp_path / "out"
        cmd = [sys.executable, "-m", "narcwatch.cli", "crawl", "market_a", "shop", "--out", str(out),
               "--config", str(ROOT / "config" / "sources.yaml")]
        proc = subprocess.Popen(cmd, cwd=ROOT, env=crawl_env(rng), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        items_dir = None
        while time.monotonic() < deadline:
            runs = list((out / "runs").glob("*/items")) if (out / "runs").exists() else []
            if runs:
                items_dir = runs[0]
                lines = sum(p.read_bytes().count(b"\n") for p in items_dir.glob("*.jsonl"))
                if lines >= 300:
                    break
            time.sleep(0.05)
        assert items_dir is not None and proc.poll() is None, "the crawl was still running when killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        killed_at = sum(p.read_bytes().count(b"\n") for p in items_dir.glob("*.jsonl"))
        second = run_crawl(rng, out, "market_a", "shop")
        assert second.returncode == 0, second.stderr[-4000:]
        truth = truth_of(world, rng.urls, tmp_path)
    run_dir = only_run(out)
    report = json.loads((run_dir / "report.json").read_text())
    assert report["resumed"] is True
    items = load_items(run_dir)
    keys = Counter(i["key"] for i in items)
    assert max(keys.values()) == 1, f"duplicated: {[k for k, n in keys.items() if n > 1][:5]}"
    assert killed_at < len(items), "the second command continued the crawl"
    for site in ("market_a", "shop"):
        expected = {r["id"] for r in of_type(truth, "listing", site=site) if r["online"]}
        assert expected <= set(keys), f"{site}: lost {sorted(expected - set(keys))[:5]}"


def test_manual_captcha_asks_the_operator(tmp_path: Path) -> None:
    """`captcha.mode: manual` saves the challenge image and waits for the operator's answer on the terminal."""
    import re
    import threading

    import yaml

    config = yaml.safe_load((ROOT / "config" / "sources.yaml").read_text())
    market_b = next(s for s in config["sources"] if s["name"] == "market_b")
    market_b["auth"]["captcha"] = {k: v for k, v in market_b["auth"]["captcha"].items() if k != "command"}
    market_b["auth"]["captcha"]["mode"] = "manual"
    cfg_path = tmp_path / "sources.yaml"
    cfg_path.write_text(yaml.safe_dump(config, allow_unicode=True))
    world = World(seed=SEED, listings=200)
    with running(world, RangeSettings(state_dir=tmp_path / "range")) as rng:
        out = tmp_path / "out"
        cmd = [sys.executable, "-m", "narcwatch.cli", "crawl", "market_b", "--out", str(out), "--config",
               str(cfg_path)]
        proc = subprocess.Popen(cmd, cwd=ROOT, env=crawl_env(rng), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        seen: list[str] = []
        prompted = threading.Event()

        def read_stderr() -> None:
            assert proc.stderr is not None
            for line in iter(lambda: proc.stderr.read(1), ""):  # type: ignore[union-attr]
                seen.append(line)
                if "type the characters:" in "".join(seen[-200:]):
                    prompted.set()

        reader = threading.Thread(target=read_stderr, daemon=True)
        reader.start()
        assert prompted.wait(60), "the operator was asked for the CAPTCHA: " + "".join(seen)[-2000:]
        text = "".join(seen)
        image = Path(re.search(r"open (\S+) and type", text).group(1))  # type: ignore[union-attr]
        assert image.exists() and image.read_bytes().startswith(b"<svg")
        challenge = image.stem.removeprefix("market_b-")
        answer = (tmp_path / "range" / "market_b_captcha" / f"{challenge}.txt").read_text()
        assert proc.stdin is not None
        proc.stdin.write(answer + "\n")
        proc.stdin.flush()
        proc.wait(timeout=300)
        reader.join(timeout=10)
        assert proc.returncode == 0, "".join(seen)[-3000:]
    report = json.loads((only_run(out) / "report.json").read_text())["sources"]["market_b"]
    assert report["logins"] == 1
    assert report["items"].get("listing", 0) > 0
