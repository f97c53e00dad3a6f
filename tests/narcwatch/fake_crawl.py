"""A stand-in for `narcwatch crawl SOURCE --config CFG --out DIR` that the scheduler tests run instead of Scrapy
(NARCWATCH_SCHEDULE_COMMAND): it keeps `current-run.json` and writes `runs/<id>/report.json` as the real crawl does,
resumes a run left `running`, takes FAKE_CRAWL_SECONDS (a JSON map: source → seconds) and appends its start and end
to FAKE_CRAWL_LOG, one JSON line each. SIGINT stops it early, as Scrapy's graceful stop does; the source named by
FAKE_CRAWL_FAIL crashes once its run is claimed.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path


def log(event: str, **fields: object) -> None:
    with open(os.environ["FAKE_CRAWL_LOG"], "a", encoding="utf-8") as f:
        f.write(json.dumps({"event": event, "t": time.time(), "pid": os.getpid(), **fields}) + "\n")


def main(argv: list[str]) -> int:
    assert argv[0] == "crawl", argv
    source = argv[1]
    out = Path(argv[argv.index("--out") + 1])
    out.mkdir(parents=True, exist_ok=True)
    marker = out / "current-run.json"
    state = json.loads(marker.read_text()) if marker.exists() else {}
    resumed = state.get("state") == "running" and state.get("sources") == [source]
    if not resumed:
        state = {"run_id": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3),
                 "sources": [source], "state": "running", "started": datetime.now(UTC).isoformat()}
        marker.write_text(json.dumps(state))
    run_id = state["run_id"]
    if os.environ.get("FAKE_CRAWL_FAIL") == source:
        raise RuntimeError("the site is gone")
    stopped = []
    signal.signal(signal.SIGINT, lambda *_: stopped.append(True))
    log("start", source=source, run_id=run_id, resumed=resumed)
    deadline = time.monotonic() + json.loads(os.environ.get("FAKE_CRAWL_SECONDS", "{}")).get(source, 0.2)
    while time.monotonic() < deadline and not stopped:
        time.sleep(0.02)
    reason = "shutdown" if stopped else "finished"
    report = {"source": source, "run_id": run_id, "finish_reason": reason, "pages": 12,
              "items": {"listing": 10, "vendor": 2}, "changes": {"new": 10}, "vanished": 0,
              "errors": {"timeout": 2}, "events": {},
              "examples": {"timeout": [{"url": f"http://127.0.0.1/{source}/7", "message": "took longer than 8 s"}]}}
    run_dir = out / "runs" / run_id
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "report.json").write_text(json.dumps({"run_id": run_id, "resumed": resumed,
                                                     "sources": {source: report}}))
    state.update(state="incomplete" if stopped else "finished", finished=datetime.now(UTC).isoformat())
    marker.write_text(json.dumps(state))
    log("end", source=source, run_id=run_id, reason=reason)
    return 1 if stopped else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
