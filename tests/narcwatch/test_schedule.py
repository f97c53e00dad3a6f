"""Scheduled crawls with real parts: APScheduler with its SQLite job store, the daemon as a subprocess, crawls as
subprocesses. The crawl is `fake_crawl.py`: second-scale runs, and a log of starts and ends (test_runs.py schedules a
real crawl of the test range).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from crawlers.config import ConfigError, Schedule, load_sources
from index.schema import Entity
from index.store import Query, open_store
from narcwatch.cli import app
from tests.crawlers.test_spiders import ROOT

FAKE = Path(__file__).with_name("fake_crawl.py")
SHOP = {"kind": "shop", "start_urls": "http://127.0.0.1:9/", "listings": {"links": "a", "id": r"/p/(\d+)",
                                                                          "fields": {"title": "h1"}}}


class Bench:
    """A private NARCWATCH_HOME, out dir and job store; daemons started as subprocesses; the fake crawl's log."""

    def __init__(self, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tmp, self.config, self.out = tmp, tmp / "sources.yaml", tmp / "out"
        self.db, self.log = tmp / "home" / "schedule.sqlite", tmp / "crawls.log"
        monkeypatch.setenv("NARCWATCH_HOME", str(tmp / "home"))
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "NARCWATCH_HOME": str(tmp / "home"),
                    "NARCWATCH_SCHEDULE_COMMAND": f"{sys.executable} {FAKE}", "FAKE_CRAWL_LOG": str(self.log)}
        self.daemons: list[subprocess.Popen[bytes]] = []

    def configure(self, seconds: dict[str, float], **schedules: dict[str, str]) -> None:
        """Sources named by `schedules`, each crawl taking `seconds[source]`."""
        self.config.write_text(yaml.safe_dump({"sources": [{"name": n, **SHOP, "schedule": s}
                                                           for n, s in schedules.items()]}))
        self.env["FAKE_CRAWL_SECONDS"] = json.dumps(seconds)

    def start(self, db: Path | None = None) -> subprocess.Popen[bytes]:
        output = (self.tmp / f"daemon-{len(self.daemons)}.out").open("wb")
        daemon = subprocess.Popen([sys.executable, "-m", "narcwatch.cli", "schedule", "run", "--config",
                                   str(self.config), "--out", str(self.out), "--db", str(db or self.db),
                                   "--stop-timeout", "10"], cwd=ROOT, env=self.env, stdout=output,
                                  stderr=subprocess.STDOUT)
        self.daemons.append(daemon)
        return daemon

    def output(self, n: int) -> str:
        return (self.tmp / f"daemon-{n}.out").read_text()

    def events(self, source: str | None = None, event: str | None = None) -> list[dict]:
        lines = self.log.read_text().splitlines() if self.log.exists() else []
        return [e for e in map(json.loads, lines) if source in (None, e["source"]) and event in (None, e["event"])]

    def runs(self, source: str) -> list[dict]:
        with open_store() as store:
            q = Query(entity=Entity.RUN, filters={"sources": [source]}, sort="oldest", size=1000)
            return [h.doc for h in store.search(q).hits]

    def cli(self, *args: str) -> Any:
        result = CliRunner().invoke(app, [*args, "--db", str(self.db)])
        assert result.exit_code == 0, result.output
        return result

    def stop(self, daemon: subprocess.Popen[bytes], within: float = 8.0) -> int:
        daemon.send_signal(signal.SIGTERM)
        return daemon.wait(timeout=within)

    def close(self) -> None:
        for daemon in self.daemons:
            if daemon.poll() is None:
                daemon.kill()
                daemon.wait()
        for e in self.events(event="start"):  # crawls a killed daemon left behind
            with contextlib.suppress(ProcessLookupError):
                os.kill(e["pid"], signal.SIGKILL)


@pytest.fixture()
def bench(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Bench]:
    b = Bench(tmp_path, monkeypatch)
    yield b
    b.close()


def wait_for(what: str, condition: Callable[[], object], timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def spans(bench: Bench, source: str, cut: float | None = None) -> list[tuple[float, float]]:
    """(start, end) of every crawl of the source; a crawl killed with its daemon ends at `cut`."""
    ends = {e["pid"]: e["t"] for e in bench.events(source, "end")}
    return sorted((e["t"], ends.get(e["pid"], cut or time.time())) for e in bench.events(source, "start"))


def assert_no_overlap(intervals: list[tuple[float, float]]) -> None:
    for (_, end), (start, _) in zip(intervals, intervals[1:], strict=False):
        assert start >= end, f"a run started at {start:.2f} while the previous one ran until {end:.2f}"


# ------------------------------------------------------------------------------------------------------ config


def test_schedules_are_validated_with_readable_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def errors(schedule: object) -> str:
        path = tmp_path / "s.yaml"
        path.write_text(yaml.safe_dump({"sources": [{"name": "market_x", **SHOP, "schedule": schedule}]}))
        with pytest.raises(ConfigError) as exc:
            load_sources(path)
        return str(exc.value)

    assert "source 'market_x': schedule: cron '61 3 * * *' is not a crontab expression" in \
        errors({"cron": "61 3 * * *"})
    assert "it has 4 fields, not 5" in errors({"cron": "0 3 * *"})
    assert "'6x' is not a duration; write it like 6h" in errors({"interval": "6x"})
    assert "give exactly one of interval" in errors({"interval": "6h", "cron": "0 3 * * *"})
    assert "unknown time zone 'Mars/Olympus'" in errors({"interval": "6h", "timezone": "Mars/Olympus"})
    assert "Extra inputs are not permitted" in errors({"every": "6h"})

    assert Schedule(interval="1d2h30m").trigger().interval.total_seconds() == 95_400
    # Crontab weekdays count from Sunday (0 and 7); APScheduler 3's own numbers count from Monday.
    sunday = datetime(2026, 11, 29, 12, tzinfo=UTC)
    monday = Schedule(cron="0 3 * * 1").trigger().get_next_fire_time(None, sunday)
    assert monday is not None and monday.strftime("%a %H:%M") == "Mon 03:00"
    weekend = Schedule(cron="0 3 * * 6-7", timezone="Europe/Berlin").trigger().get_next_fire_time(None, monday)
    assert weekend is not None and (weekend.strftime("%a %H:%M"), str(weekend.tzinfo)) == ("Sat 03:00",
                                                                                            "Europe/Berlin")

    # The shipped config (the test range's) still loads, and its commented examples are valid schedules.
    (tmp_path / "range.env").write_text("".join(f"RANGE_{k}=http://127.0.0.1:9\n" for k in (
        "MARKET_A_URL", "MARKET_A_MIRRORS", "MARKET_B_URL", "MARKET_C_URL", "SHOP_URL", "FORUM_URL", "CHANNELS_URL"))
        + "RANGE_PROXY=none\nRANGE_CAPTCHA_DIR=/tmp\n")
    text = (ROOT / "config" / "sources.yaml").read_text()
    monkeypatch.setenv("RANGE_STATE", str(tmp_path))
    assert not any(s.schedule for s in load_sources(ROOT / "config" / "sources.yaml").sources)
    examples = [line.split("schedule:", 1)[1].split("#")[0] for line in text.splitlines()
                if line.strip().startswith("# schedule:")]
    assert len(examples) >= 3
    for example in examples:
        Schedule.model_validate(yaml.safe_load(example))


def test_run_refuses_a_bad_config_and_unknown_sources(bench: Bench) -> None:
    bench.configure({}, alpha={"cron": "0 25 * * *"})
    result = CliRunner().invoke(app, ["schedule", "run", "--config", str(bench.config), "--db", str(bench.db)])
    assert result.exit_code == 2
    assert "Configuration error" in result.output and "cron '0 25 * * *'" in result.output
    bench.configure({}, alpha={"interval": "1h"})
    assert CliRunner().invoke(app, ["schedule", "pause", "alpha", "--db", str(bench.db)]).exit_code == 2, \
        "no job store yet: the daemon never ran"
    daemon = bench.start()
    wait_for("the job store", lambda: "Scheduler running" in bench.output(0))
    for command in ("pause", "resume", "run-now"):
        result = CliRunner().invoke(app, ["schedule", command, "nope", "--db", str(bench.db)])
        assert result.exit_code == 2
        assert "'nope' is not scheduled" in result.output and "scheduled: alpha" in result.output
    assert bench.stop(daemon) == 0


# ------------------------------------------------------------------------------------------------------ daemon


def test_repeated_runs_never_overlap_and_sigterm_stops_cleanly(bench: Bench) -> None:
    """Every second, crawls of 2.5 s: a run starts as soon as the previous one ended, never while it runs."""
    bench.configure({"alpha": 2.5, "beta": 0.2}, alpha={"interval": "1s"}, beta={"interval": "1s"})
    daemon = bench.start()
    wait_for("three finished runs", lambda: len(bench.events("alpha", "end")) >= 3, timeout=20)
    first, third = bench.events("alpha", "start")[0]["t"], bench.events("alpha", "end")[2]["t"]
    assert third - first < 10.5, "three 2.5 s runs within ~10 s: each starts within a second of the last one's end"
    assert len(bench.events("beta", "end")) >= 5, "another source runs beside it, on its own schedule"
    ended = len(bench.events("alpha", "end"))
    wait_for("a run in progress", lambda: len(bench.events("alpha", "start")) > ended)
    time.sleep(0.5)
    stopped_at = time.monotonic()
    assert bench.stop(daemon) == 0
    assert time.monotonic() - stopped_at < 5
    assert daemon.poll() == 0
    last = bench.events("alpha", "end")[-1]
    assert last["reason"] == "shutdown", "the running crawl got SIGINT, Scrapy's graceful stop"
    assert_no_overlap(spans(bench, "alpha"))
    assert_no_overlap(spans(bench, "beta"))
    runs = bench.runs("alpha")
    assert [r["status"] for r in runs].count("finished") >= 3
    assert runs[-1]["id"] == last["run_id"] and runs[-1]["status"] == "interrupted"
    assert runs[-1]["stats"]["exit_code"] == 1 and runs[-1]["items"] == 12
    assert "SIGTERM: stopping; " in bench.output(0) and "Scheduler stopped" in bench.output(0)


def test_kill_9_recovery_keeps_jobs_paused_state_and_coalesces_misfires(bench: Bench) -> None:
    bench.configure({"alpha": 2.5, "beta": 0.2, "gamma": 0.1, "delta": 2.5}, alpha={"interval": "1s"},
                    beta={"interval": "1s"}, gamma={"interval": "1s"}, delta={"interval": "1s"})
    daemon = bench.start()
    wait_for("beta's first run", lambda: bench.events("beta", "end"))
    bench.cli("schedule", "pause", "beta")
    paused_at = time.time()

    def running(source: str) -> bool:
        return len(bench.events(source, "start")) > len(bench.events(source, "end"))

    wait_for("alpha and delta running", lambda: running("alpha") and running("delta"))
    time.sleep(0.3)
    victim, orphan = bench.events("alpha", "start")[-1], bench.events("delta", "start")[-1]
    daemon.kill()  # alpha's crawl dies with it, as when the machine goes down; delta's outlives it
    os.kill(victim["pid"], signal.SIGKILL)
    daemon.wait()
    killed_at = time.time()
    assert json.loads((bench.out / "alpha" / "current-run.json").read_text())["state"] == "running"
    time.sleep(3.5)  # alpha and gamma miss three runs each; delta's crawl ends on its own
    assert [e for e in bench.events("delta", "end") if e["run_id"] == orphan["run_id"]]

    restarted_at = time.time()
    daemon = bench.start()
    resumed = wait_for("alpha resumed", lambda: [e for e in bench.events("alpha", "end")
                                                 if e["run_id"] == victim["run_id"]])
    gamma = [e["t"] for e in bench.events("gamma", "start") if e["t"] > restarted_at]
    assert gamma and gamma[0] - restarted_at < 8, "the missed runs became a run as soon as the daemon started"
    # Uncoalesced, the three missed runs would run back to back (0.1 s each), then the schedule would go on.
    assert len([t for t in gamma if t < gamma[0] + 1.2]) <= 2, "one catch-up run, not one per missed time"
    assert not [e for e in bench.events("beta", "start") if e["t"] > paused_at + 2.0], "beta stayed paused"
    jobs = {j["source"]: j for j in json.loads(bench.cli("schedule", "list", "--json").output)}
    assert sorted(jobs) == ["alpha", "beta", "delta", "gamma"]
    assert jobs["beta"]["paused"] and jobs["beta"]["next_run"] is None and not jobs["alpha"]["paused"]
    assert "recorded as interrupted" in bench.output(1)
    assert f"delta: run {orphan['run_id']} ended (finished) while no scheduler watched it" in bench.output(1)

    assert resumed[0]["reason"] == "finished"
    run = wait_for("the resumed run recorded", lambda: [r for r in bench.runs("alpha") if r["id"] == victim["run_id"]
                                                        and r["status"] == "finished"])[0]
    assert run["stats"]["resumed"] is True
    assert [a["status"] for a in run["stats"]["attempts"]] == ["interrupted"], "the cut-off attempt is kept"
    assert "the next run resumes it" in run["stats"]["attempts"][0]["errors"][0]
    outlived = next(r for r in bench.runs("delta") if r["id"] == orphan["run_id"])
    assert outlived["status"] == "finished" and outlived["stats"]["trigger"] == "unknown" and outlived["items"] == 12
    wait_for("alpha runs on", lambda: [e for e in bench.events("alpha", "start")
                                       if e["run_id"] != victim["run_id"] and e["t"] > restarted_at])
    assert bench.stop(daemon) == 0
    assert_no_overlap(spans(bench, "alpha", cut=killed_at))
    assert_no_overlap(spans(bench, "delta"))


def test_pause_resume_and_run_now_from_another_process(bench: Bench) -> None:
    bench.configure({"alpha": 0.3, "hourly": 0.2}, alpha={"interval": "1s"}, hourly={"interval": "1h"},
                    broken={"interval": "1h"})
    bench.env["FAKE_CRAWL_FAIL"] = "broken"
    daemon = bench.start()
    wait_for("alpha's first run", lambda: bench.events("alpha", "end"))
    bench.cli("schedule", "pause", "alpha")
    paused_at = time.time()
    time.sleep(2.0)
    assert not [e for e in bench.events("alpha", "start") if e["t"] > paused_at + 1.5]

    bench.cli("schedule", "run-now", "hourly")
    wait_for("the requested run", lambda: [r for r in bench.runs("hourly") if r["status"] == "finished"], timeout=5)
    assert bench.runs("hourly")[0]["stats"]["trigger"] == "manual"

    before = len(bench.events("alpha", "start"))
    bench.cli("schedule", "run-now", "alpha")
    wait_for("a requested run of a paused source", lambda: len(bench.events("alpha", "end")) > before, timeout=5)
    time.sleep(1.0)
    assert len(bench.events("alpha", "start")) == before + 1, "run-now runs once; the source stays paused"
    assert {j["source"]: j["paused"] for j in json.loads(bench.cli("schedule", "list", "--json").output)}["alpha"]

    resumed = bench.cli("schedule", "resume", "alpha")
    assert "alpha: resumed; next run" in resumed.output
    resumed_at = time.time()
    wait_for("a run after resume", lambda: [e for e in bench.events("alpha", "end") if e["t"] > resumed_at], timeout=6)

    bench.cli("schedule", "run-now", "broken")
    failed = wait_for("the failed run", lambda: bench.runs("broken"), timeout=5)[0]
    assert failed["status"] == "failed" and failed["stats"]["exit_code"] == 1
    assert failed["errors"][0].startswith("broken: the crawl exited with code 1 without a report: ")
    assert "RuntimeError: the site is gone" in failed["errors"][0]
    assert bench.stop(daemon) == 0


def test_a_source_never_runs_twice_at_once_across_daemons(bench: Bench) -> None:
    """Two daemons with their own job stores crawl into the same folder: the lock lets one run at a time, the other
    records a skipped run. A second daemon on the same job store is refused."""
    bench.configure({"alpha": 2.5}, alpha={"interval": "1s"})
    first = bench.start()
    wait_for("the first daemon", lambda: "Scheduler running" in bench.output(0))
    same_store, second = bench.start(), bench.start(db=bench.tmp / "other.sqlite")
    assert same_store.wait(timeout=10) == 2
    assert "Another narcwatch schedule run is using" in bench.output(1)
    wait_for("skipped runs", lambda: [r for r in bench.runs("alpha") if r["status"] == "skipped"])
    wait_for("two finished runs", lambda: len(bench.events("alpha", "end")) >= 2, timeout=10)
    assert bench.stop(first) == 0 and bench.stop(second) == 0
    assert_no_overlap(spans(bench, "alpha"))
    skipped = [r for r in bench.runs("alpha") if r["status"] == "skipped"]
    assert skipped[0]["errors"] == ["alpha: skipped: a crawl of it was still running (another daemon or run held "
                                    "its lock)"]
    assert "skipped (schedule)" in bench.output(0) + bench.output(2)
