"""History across recrawls: `narcwatch changes` lists what appeared, changed and vanished, as the range's truth says,
and the store marks vanished listings (keeping them, with their evidence)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from index.schema import Entity
from index.store import StoreConfig, open_store
from tests.crawlers.test_run import truth_of
from tests.narcwatch.test_pipeline import crawl, narcwatch
from testsites.apps.common import RangeSettings
from testsites.serve import running
from testsites.world import World


def test_changes_across_epochs(tmp_path: Path) -> None:
    out, home = tmp_path / "out", tmp_path / "home"
    truths = {}
    for epoch in (0, 1):
        world = World(seed=11, listings=500, epoch=epoch)
        with running(world, RangeSettings(state_dir=tmp_path / f"range{epoch}", rate_limit=10_000,
                                          rate_burst=10_000)) as rng:
            proc = crawl(rng, out, home, "market_a")
            assert proc.returncode == 0, proc.stderr[-4000:]
            truths[epoch] = {r["id"]: r for r in truth_of(world, rng.urls, tmp_path)
                             if r["type"] == "listing" and r["site"] == "market_a" and r["online"]}
    before, after = truths[0], truths[1]
    want = {"new": after.keys() - before.keys(), "vanished": before.keys() - after.keys(),
            "changed": {k for k in before.keys() & after.keys()
                        if (before[k]["title"], before[k]["price"], before[k]["description"])
                        != (after[k]["title"], after[k]["price"], after[k]["description"])}}
    assert all(want.values()), "the range changes between epochs"
    env = {**os.environ, "NARCWATCH_HOME": str(home)}

    proc = narcwatch("changes", "--out", str(out), "--since", "1d", "--json", "--limit", "100000", env=env)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    second_run = max(r["run_id"] for r in rows)
    got: dict[str, set[str]] = {}
    for r in rows:
        if r["run_id"] == second_run:
            got.setdefault(r["kind"], set()).add(r["key"])
    assert {k: got.get(k, set()) for k in want} == want
    prices = [r for r in rows if r["field"] == "price" and r["run_id"] == second_run]
    assert prices and all(float(r["old"]) != float(r["new"]) for r in prices)

    proc = narcwatch("changes", "--out", str(out), "--kind", "vanished", "--json", "--limit", "100000", env=env)
    assert {json.loads(line)["key"] for line in proc.stdout.splitlines()} == want["vanished"]
    table = narcwatch("changes", "--out", str(out), env=env)
    assert f"{len(want['vanished']):,} vanished" in " ".join(table.stdout.split())

    with open_store(StoreConfig(home=home)) as store:
        docs = store.get_many(Entity.LISTING, sorted(want["vanished"] | want["new"]))
    assert {d["id"] for d in docs if d.get("change") == "vanished"} == want["vanished"]
    assert {d["id"] for d in docs if d.get("change") == "new"} == want["new"]
    assert all(d["evidence_ids"] for d in docs), "a vanished listing keeps the evidence of when it was seen"


def test_changes_without_history_says_what_to_do(tmp_path: Path) -> None:
    proc = narcwatch("changes", "--out", str(tmp_path), env=dict(os.environ))
    assert proc.returncode == 2 and "crawl first" in proc.stderr
