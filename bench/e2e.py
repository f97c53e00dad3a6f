"""End to end: crawl → analyse → index → link in one run, against each stage measured alone on the same data.

One range (its own process, as in real use) serves the sources; on the same machine and in the same run:

1. crawl alone: the HTTP sources crawled without the analysis stage (evidence, history and feed as always);
2. analysis alone: the NLP pipeline over that crawl's items (the text `record_text` gives it), one process, then two;
3. indexing alone: those items' documents written to a fresh embedded store (documents built and written);
4. end to end: the same sources crawled again into a fresh store with analysis and indexing inside the run, plus the
   vendor linking after it (`narcwatch crawl` does both); the stage in its child process (the default), then on a
   thread of the crawl process, to show which pays.

Items/s of (4) divided by the slowest of (1)-(3) is the figure (target ≥ 0.7): what running the stages together
costs against a perfect pipeline, which would go as fast as its slowest stage. Also the end-to-end crawl's peak RSS
(ru_maxrss of the crawl process, exact); `--listings 100000` gives it for 100,000 listings.

Timings come from the crawl reports (first spider opened → last spider closed; the analysis stage drains before a
spider closes) and, for linking, from the child's own clock. Exit status 1 if a run went wrong.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.crawl import CONFIG, ROOT, clean_env, range_served, tree_rss_mib  # noqa: E402

SOURCES = ("market_a", "shop", "forum", "channels")
MIB = 2**20
CHILD = """
import json, sys, time
from pathlib import Path
from crawlers.config import Secrets, load_sources
from crawlers.run import crawl
from crawlers.settings import ITEM_PIPELINES
from index.store import open_store
from narcwatch.pipeline import after_crawl, pipeline_settings
config, out, sources, mode = sys.argv[1], Path(sys.argv[2]), sys.argv[3].split(","), sys.argv[4]
analyse = mode != "none"
cfg = load_sources(config)
overrides = {"AUTOTHROTTLE_ENABLED": False}
if analyse:
    overrides |= pipeline_settings(ITEM_PIPELINES) | {"NARCWATCH_STAGE_PROCESS": mode == "process"}
result = crawl(cfg.select(sources), out=out, secrets=Secrets(Path(cfg.defaults.secrets_file)), overrides=overrides,
               progress=False)
linking = 0.0
if analyse:
    start = time.perf_counter()
    with open_store() as store:
        after = after_crawl(store, out / "history.sqlite", result.run_id, result.run_dir)
    linking = time.perf_counter() - start
    print(json.dumps({"linking": linking, "actors": len(after.linked)}))
"""


def crawl(state: Path, out: Path, home: Path, mode: str) -> dict:
    """mode: "none" (crawl alone), "process" (the stage in a child process, the default) or "thread"."""
    env = clean_env() | {"RANGE_STATE": str(state), "NARCWATCH_HOME": str(home)}
    env = {k: v for k, v in env.items() if not k.startswith("NARCWATCH_SEARCH_")}  # the embedded store, always
    with (out.parent / f"{out.name}.log").open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-c", CHILD, str(CONFIG), str(out), ",".join(SOURCES),
                                 mode], cwd=ROOT, env=env, stdout=(out.parent / f"{out.name}.json").open("wb"),
                                stderr=log)
        peak_tree = 0.0
        while True:  # the crawl process and its children (the analysis process, Playwright): sampled
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak_tree = max(peak_tree, tree_rss_mib(proc.pid))
            time.sleep(0.5)
        said = (out.parent / f"{out.name}.json").read_text()
    if os.waitstatus_to_exitcode(status):
        raise RuntimeError(f"crawl failed: {(out.parent / f'{out.name}.log').read_text(errors='replace')[-3000:]}")
    (report,) = out.glob("runs/*/report.json")
    sources = json.loads(report.read_text())["sources"]
    start = min(datetime.fromisoformat(r["started"]).timestamp() for r in sources.values())
    end = max(datetime.fromisoformat(r["finished"]).timestamp() for r in sources.values())
    extra = json.loads(said) if said.strip() else {}
    return {"seconds": end - start + extra.get("linking", 0.0), "linking": extra.get("linking", 0.0),
            "items": sum(sum(r["items"].values()) for r in sources.values()),
            "listings": sum(r["items"].get("listing", 0) for r in sources.values()),
            "stages": {n: r.get("stages", {}) for n, r in sources.items()}, "actors": extra.get("actors"),
            "peak_rss": usage.ru_maxrss / 1024, "peak_tree": peak_tree, "run_dir": report.parent}


def analyse_alone(records: list[dict], n_process: int) -> tuple[float, list[dict]]:
    from nlp.pipeline import analyze, default

    nlp = default()
    start = time.perf_counter()
    results = list(analyze(nlp, records, n_process=n_process))
    return time.perf_counter() - start, results


def index_alone(items: list, analyses: list[dict], home: Path) -> float:
    """What the in-crawl stage does after analysis, batch by batch: build the documents, write them."""
    from index.documents import batch_documents
    from index.store import StoreConfig, open_store

    store = open_store(StoreConfig(home=home))
    store.ensure_schema()
    start = time.perf_counter()
    for i in range(0, len(items), 256):
        for entity, docs in batch_documents(zip(items[i:i + 256], analyses[i:i + 256], strict=True)).items():
            store.upsert(entity, docs)
    seconds = time.perf_counter() - start
    store.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=10_000, help="listings in the range (100000 for the RSS "
                        "figure)")
    parser.add_argument("--quick", action="store_true", help="2,000 listings")
    parser.add_argument("--defaults-only", action="store_true", help="skip the two-process analysis and the "
                        "end-to-end run with the stage on a thread (for the long 100,000-listing run)")
    args = parser.parse_args()
    listings = 2_000 if args.quick else args.listings
    console = Console()
    from narcwatch.pipeline import read_feed

    with tempfile.TemporaryDirectory(prefix="narcwatch-e2e-") as tmp:
        work = Path(tmp)
        state = work / "range"
        with range_served(listings, state):
            with console.status(f"crawl alone ({listings:,}-listing range)"):
                alone = crawl(state, work / "crawl-alone", work / "home-alone", "none")
            items = list(read_feed(sorted(alone["run_dir"].glob("items/*.jsonl"))))
            records = [item.model_dump(mode="json") for item in items]
            with console.status(f"analysis alone ({len(records):,} items, 1 then 2 processes)"):
                nlp_seconds, analyses = analyse_alone(records, 1)
                nlp2_seconds = None if args.defaults_only else analyse_alone(records, 2)[0]
            with console.status("indexing alone"):
                index_seconds = index_alone(items, analyses, work / "home-index")
            with console.status("end to end"):
                e2e = crawl(state, work / "crawl-e2e", work / "home-e2e", "process")
            threaded = None
            if not args.defaults_only:
                with console.status("end to end, the stage on a thread of the crawl process"):
                    threaded = crawl(state, work / "crawl-thread", work / "home-thread", "thread")
    n = len(items)
    rates = {"crawl alone": alone["items"] / alone["seconds"], "analysis alone": n / nlp_seconds,
             "indexing alone": n / index_seconds}
    slowest = min(rates, key=rates.__getitem__)
    e2e_rate = e2e["items"] / e2e["seconds"]
    ratio = e2e_rate / rates[slowest]
    table = Table(title=f"End to end vs each stage alone · {listings:,}-listing range · {', '.join(SOURCES)} · "
                  f"{os.cpu_count()} cores")
    for col in ("run", "items", "seconds", "items/s", "listings/s"):
        table.add_column(col, justify="left" if col == "run" else "right")
    table.add_row("crawl alone", f"{alone['items']:,}", f"{alone['seconds']:.1f}", f"{rates['crawl alone']:.0f}",
                  f"{alone['listings'] / alone['seconds']:.0f}")
    table.add_row("analysis alone (1 process)", f"{n:,}", f"{nlp_seconds:.1f}", f"{rates['analysis alone']:.0f}",
                  "")
    if nlp2_seconds is not None:
        table.add_row("analysis alone (2 processes)", f"{n:,}", f"{nlp2_seconds:.1f}", f"{n / nlp2_seconds:.0f}", "")
    table.add_row("indexing alone (embedded)", f"{n:,}", f"{index_seconds:.1f}", f"{rates['indexing alone']:.0f}",
                  "")
    for name, run in (("end to end", e2e), ("end to end, stage on a thread", threaded)):
        if run is None:
            continue
        table.add_row(f"{name} (+ linking {run['linking']:.1f} s)", f"{run['items']:,}", f"{run['seconds']:.1f}",
                      f"{run['items'] / run['seconds']:.0f}", f"{run['listings'] / run['seconds']:.0f}")
    console.print(table)
    indexed = sum(s.get("indexed", 0) for s in e2e["stages"].values())
    failed = sum(s.get("failed", 0) for s in e2e["stages"].values())
    console.print(f"Slowest stage alone: {slowest} ({rates[slowest]:.0f} items/s). End to end: {e2e_rate:.0f} "
                  f"items/s. [bold]Ratio {ratio:.2f}[/] (target ≥ 0.7) {'✓' if ratio >= 0.7 else '✗'}")
    console.print(f"End-to-end peak RSS: {e2e['peak_tree']:.0f} MiB, the crawl process and its analysis process "
                  f"together (sampled every 0.5 s; largest single process {e2e['peak_rss']:.0f} MiB); crawl alone "
                  f"{alone['peak_tree']:.0f} MiB. Indexed {indexed:,} of {e2e['items']:,} items, {failed:,} failed; "
                  f"{e2e['actors']:,} linked actors.")
    if indexed != e2e["items"] or failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
