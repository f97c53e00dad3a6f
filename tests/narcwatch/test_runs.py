"""Run documents: what `record_run` writes from a crawl report, `narcwatch runs`, and a scheduled crawl of the test
range recorded with its statistics."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from index.schema import Entity, validate
from index.store import open_store
from narcwatch.cli import app
from narcwatch.runs import record_run
from tests.crawlers.test_spiders import ROOT, crawl_env
from tests.narcwatch.test_schedule import wait_for
from testsites.apps.common import RangeSettings
from testsites.serve import running
from testsites.world import World

T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def report(**errors: int) -> dict:
    return {"run_id": "r1", "resumed": False, "sources": {"market_a": {
        "finish_reason": "finished", "pages": 340, "items": {"listing": 300, "vendor": 20}, "changes": {"new": 7},
        "vanished": 2, "errors": errors, "events": {"rate limited": 4}, "stages": {"analysed": 320, "indexed": 319},
        "examples": {"timeout": [{"url": "http://a.example/listing/9", "message": "took longer than 8 s"}],
                     "http 503": [{"url": "http://a.example/c/2", "message": "the site answered HTTP 503"}]}}}}


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NARCWATCH_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_record_run_writes_statistics_and_readable_errors(home: Path) -> None:
    with open_store() as store:
        doc = record_run(store, run_id="r1", status="finished", sources=["market_a"], started_at=T0,
                         finished_at=T0 + timedelta(minutes=3),
                         report=report(timeout=3, **{"http 503": 1, "index failed": 1}),
                         errors=[], trigger="schedule", exit_code=0)
        assert validate(Entity.RUN, doc) == []
        assert store.get(Entity.RUN, "r1") == doc
    assert doc["items"] == 320
    assert doc["stats"]["duration_s"] == 180.0
    assert doc["stats"]["sources"]["market_a"] == {"pages": 340, "items": {"listing": 300, "vendor": 20},
                                                   "errors": {"timeout": 3, "http 503": 1, "index failed": 1},
                                                   "changes": {"new": 7},
                                                   "vanished": 2, "finish_reason": "finished",
                                                   "stages": {"analysed": 320, "indexed": 319}}
    assert doc["errors"] == ["market_a: 1 page answered HTTP 503 (http://a.example/c/2: the site answered HTTP 503)",
                             "market_a: 1 item could not be indexed",
                             "market_a: 3 pages timed out (http://a.example/listing/9: took longer than 8 s)"]


def test_record_run_replaces_by_run_id_and_keeps_earlier_attempts(home: Path) -> None:
    with open_store() as store:
        record_run(store, run_id="r1", status="interrupted", sources=["market_a"], started_at=T0, finished_at=None,
                   report=None, errors=["market_a: the crawl was cut off"], trigger="unknown")
        later = T0 + timedelta(hours=6)
        for _ in range(2):  # recording the same attempt twice changes nothing
            doc = record_run(store, run_id="r1", status="finished", sources=["market_a"], started_at=later,
                             finished_at=later + timedelta(minutes=1), report=report(), errors=[], trigger="schedule",
                             exit_code=0)
        assert store.count(Entity.RUN) == 1
    assert doc["status"] == "finished" and doc["errors"] == []
    assert doc["stats"]["attempts"] == [{"status": "interrupted", "started_at": T0.isoformat(), "finished_at": None,
                                         "errors": ["market_a: the crawl was cut off"], "trigger": "unknown"}]


def test_runs_command_lists_newest_first_by_source(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with open_store() as store:
        for n, (source, status) in enumerate([("market_a", "finished"), ("shop", "failed"), ("market_a", "skipped")]):
            record_run(store, run_id=f"r{n}", status=status, sources=[source], started_at=T0 + timedelta(hours=n),
                       finished_at=T0 + timedelta(hours=n, seconds=95), report=None,
                       errors=[f"{source}: something went wrong"] if status == "failed" else [], trigger="schedule")
    runner = CliRunner()
    lines = runner.invoke(app, ["runs", "--json"]).output.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["r2", "r1", "r0"]
    lines = runner.invoke(app, ["runs", "--json", "--source", "market_a", "--limit", "1"]).output.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["r2"]
    monkeypatch.setenv("COLUMNS", "160")
    table = runner.invoke(app, ["runs"]).output
    assert "3 runs; newest 3" in table and "shop: something went wrong" in table and "1m35s" in table


def test_a_scheduled_crawl_of_the_range_is_recorded_with_its_statistics(tmp_path: Path, home: Path) -> None:
    config = yaml.safe_load((ROOT / "config" / "sources.yaml").read_text())
    shop = next(s for s in config["sources"] if s["name"] == "shop")
    shop["schedule"] = {"interval": "1h"}
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump(config, allow_unicode=True))
    db, out, output = home / "schedule.sqlite", tmp_path / "out", tmp_path / "daemon.out"
    with running(World(seed=11, listings=200), RangeSettings(state_dir=tmp_path / "range")) as rng:
        env = {**crawl_env(rng), "PYTHONPATH": str(ROOT), "NARCWATCH_HOME": str(home)}
        env.pop("NARCWATCH_SCHEDULE_COMMAND", None)
        with output.open("wb") as log:
            daemon = subprocess.Popen([sys.executable, "-m", "narcwatch.cli", "schedule", "run", "--config",
                                       str(tmp_path / "sources.yaml"), "--out", str(out), "--db", str(db)],
                                      cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for("the daemon", lambda: "Scheduler running" in output.read_text())
            assert CliRunner().invoke(app, ["schedule", "run-now", "shop", "--db", str(db)]).exit_code == 0
            wait_for("the recorded run", lambda: "shop: finished" in output.read_text(), timeout=120)
            daemon.send_signal(signal.SIGTERM)
            assert daemon.wait(timeout=30) == 0
        finally:
            if daemon.poll() is None:
                daemon.kill()
    result = CliRunner().invoke(app, ["runs", "--json", "--source", "shop"])
    assert result.exit_code == 0, result.output
    (doc,) = [json.loads(line) for line in result.output.splitlines()]
    crawl = json.loads((out / "shop" / "runs" / doc["id"] / "report.json").read_text())["sources"]["shop"]
    assert doc["status"] == "finished" and doc["sources"] == ["shop"]
    assert doc["stats"]["trigger"] == "manual" and doc["stats"]["exit_code"] == 0
    stats = doc["stats"]["sources"]["shop"]
    assert stats["pages"] == crawl["pages"] > 0
    assert stats["items"] == crawl["items"] and doc["items"] == sum(crawl["items"].values()) > 0
    assert stats["changes"].get("new", 0) == crawl["changes"]["new"] > 0
