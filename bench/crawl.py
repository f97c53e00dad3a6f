"""How fast the crawler fetches with evidence capture on, against `scrapy bench` on the same machine, and its memory.

Every server runs as its own process, as in real use: `scrapy bench` starts its own, the test range runs as
`narcwatch range serve`. Each crawl is a child process running `crawlers.run.crawl` (what `narcwatch crawl` runs),
so the crawler's start-up is outside the timings, which come from its report (first spider opened to last closed).

Bench overrides, applied to every source: AutoThrottle off (config sources inherit it, and it would measure its own
pacing, not the crawler). Concurrency, timeouts, retries, limits, evidence capture and the frontier stay as
configured. Three figures:

1. HTTP pages/s of market_a (onion, through the range's SOCKS proxy), shop, forum and channels in one crawl, as
   a ratio to `scrapy bench`; with the CPU each process used, to tell whether the crawler or the range limits it.
   The range's drip page (1 byte/s) times out three times at the end of the crawl, so pages/s is also given up to
   the last item written.
2. Browser-rendered pages/s of market_c, and the RSS of the crawler plus its Playwright/Chromium processes after
   100 and after 1,000 rendered pages: the median of the samples over the next WINDOW pages, as renderer processes
   come and go with pages. Summed over the process tree, so memory shared between Chromium processes counts once
   per process: compare the two figures, not the absolute size.
3. Peak RSS of the HTTP crawl of a 100,000-listing world (ru_maxrss of the crawler process: exact, not sampled).

`--quick` runs smaller worlds and marks. Exit status 1 if a run went wrong (not if a target is missed).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config" / "sources.yaml"
HTTP_SOURCES = ("market_a", "shop", "forum", "channels")
BROWSER_SOURCE = "market_c"
OVERRIDES = {"AUTOTHROTTLE_ENABLED": False}
# The range's hostile pages fail by design: the 64 MiB page and the gzip bomb (oversized), the drip page (timeout).
EXPECTED_ERRORS = {"oversized", "timeout"}
MIB = 2**20
CRAWL = """
import json, sys
from pathlib import Path
from crawlers.config import Secrets, load_sources
from crawlers.run import crawl
cfg = load_sources(sys.argv[1])
crawl(cfg.select(sys.argv[3].split(",")), out=Path(sys.argv[2]), secrets=Secrets(Path(cfg.defaults.secrets_file)),
      overrides=json.loads(sys.argv[4]), progress=False)
"""


@dataclass(frozen=True)
class Plan:
    bench_seconds: int
    http_listings: int
    browser_listings: int
    marks: tuple[int, int]
    big_listings: int


FULL = Plan(bench_seconds=10, http_listings=50_000, browser_listings=5_000, marks=(100, 1_000), big_listings=100_000)
QUICK = Plan(bench_seconds=5, http_listings=5_000, browser_listings=1_200, marks=(50, 200), big_listings=20_000)
WINDOW = 20


@dataclass
class Crawl:
    """One crawl child: figures from its report, its rusage and the samples taken while it ran."""

    pages: int = 0
    seconds: float = 0.0  # first spider opened → last spider closed
    active: float = 0.0  # first spider opened → last item written: without a trailing wait on one slow page
    # Over the active window, in cores: (on a CPU, runnable but waiting for one) of each main thread.
    crawler_cpu: tuple[float, float] = (0.0, 0.0)
    range_cpu: tuple[float, float] = (0.0, 0.0)
    peak_rss: float = 0.0  # MiB, ru_maxrss of the crawler process
    rss_at: dict[int, float] = field(default_factory=dict)  # rendered pages → MiB over the crawler's process tree
    problems: list[str] = field(default_factory=list)


def free_base_port() -> int:
    """A base port whose ten ports are free, below the ephemeral range: a crawl leaves many client ports there."""
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    for base in random.Random().sample(range(10_000, low - 10, 10), 50):
        try:
            with ExitStack() as stack:
                for port in range(base, base + 10):
                    stack.enter_context(socket.socket()).bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
    raise RuntimeError("no ten free ports on 127.0.0.1 for the range")


def clean_env() -> dict[str, str]:
    """No environment proxy may carry loopback traffic elsewhere, and no outside Scrapy project may apply."""
    return {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy") and k != "SCRAPY_SETTINGS_MODULE"}


def sched(pid: int) -> tuple[float, float]:
    """(seconds on a CPU, seconds runnable but waiting for one) of a process's main thread: other load shows here."""
    on_cpu, waiting, _ = Path(f"/proc/{pid}/schedstat").read_text().split()
    return int(on_cpu) / 1e9, int(waiting) / 1e9


def tree_rss_mib(root: int) -> float:
    """Resident memory of a process and all its descendants (Playwright's driver, Chromium and its renderers)."""
    children: dict[int, list[int]] = defaultdict(list)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            children[int(stat.read_text().rsplit(")", 1)[1].split()[1])].append(int(stat.parent.name))
        except (OSError, IndexError):
            continue  # exited while we looked
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children[pid]
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except OSError:
            continue
    return total * os.sysconf("SC_PAGE_SIZE") / MIB


def scrapy_bench(seconds: int) -> float:
    """pages/s of `scrapy bench` (its own server, link-following spider), from its final stats."""
    with tempfile.TemporaryDirectory(prefix="scrapy-bench-") as cwd:  # not under our scrapy.cfg
        cmd = [Path(sys.executable).with_name("scrapy"), "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}",
               "-s", "LOG_LEVEL=INFO"]
        proc = subprocess.run(cmd, cwd=cwd, env=clean_env(), capture_output=True, text=True, timeout=seconds + 120)
    stats = dict(re.findall(r"'(response_received_count|elapsed_time_seconds)': ([\d.]+)", proc.stderr))
    if proc.returncode or len(stats) != 2:
        raise RuntimeError(f"scrapy bench failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return float(stats["response_received_count"]) / float(stats["elapsed_time_seconds"])


@contextmanager
def range_served(listings: int, state: Path) -> Iterator[int]:
    """The range in its own process; yields its pid once range.env (written last at start-up) is there."""
    exe = Path(sys.executable).with_name("narcwatch")
    log = state.with_suffix(".log")
    with log.open("wb") as fh:
        proc = subprocess.Popen([exe, "range", "serve", "--listings", str(listings), "--base-port",
                                 str(free_base_port()), "--state-dir", state, "--rate-limit", "100000"],
                                stdout=fh, stderr=fh)
    try:
        env_file = state / "range.env"
        for _ in range(600):
            if "RANGE_CAPTCHA_DIR" in (env_file.read_text() if env_file.exists() else ""):
                break
            if proc.poll() is not None:
                raise RuntimeError(f"the range ({listings:,} listings) exited with {proc.returncode} at start-up:\n"
                                   f"{log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.1)
        else:
            raise RuntimeError(f"the range ({listings:,} listings) did not come up in 60 s")
        yield proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def items_written(out: Path, source: str) -> int:
    return sum(p.read_bytes().count(b"\n") for p in out.glob(f"runs/*/items/{source}.jsonl"))


def crawl(sources: tuple[str, ...], state: Path, out: Path, range_pid: int, marks: tuple[int, ...] = ()) -> Crawl:
    """Run one crawl child; with `marks`, sample its tree RSS once the first source has written that many items."""
    result = Crawl()
    env = clean_env() | {"RANGE_STATE": str(state)}
    samples: dict[int, list[float]] = {m: [] for m in marks}
    timeline: list[tuple[float, float, float, float, float]] = []  # time, crawler and range sched()
    with (out / "stderr.log").open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-c", CRAWL, str(CONFIG), str(out), ",".join(sources),
                                 json.dumps(OVERRIDES)], cwd=ROOT, env=env, stdout=log, stderr=log)
    while True:  # wait4, not Popen.wait: it also gives the child's peak RSS
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            break
        with suppress(OSError):  # gone between wait4 and here
            timeline.append((time.time(), *sched(proc.pid), *sched(range_pid)))
        if marks:
            done = items_written(out, sources[0])  # one item per rendered listing or vendor page
            for mark in (m for m in marks if m <= done < m + WINDOW):
                samples[mark].append(tree_rss_mib(proc.pid))
        time.sleep(0.2)
    result.rss_at = {m: statistics.median(v) for m, v in samples.items() if v}
    result.peak_rss = usage.ru_maxrss / 1024
    reports = list(out.glob("runs/*/report.json"))
    if proc.returncode or len(reports) != 1:
        tail = (out / "stderr.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"crawl of {', '.join(sources)} failed (exit {proc.returncode}):\n{tail}")
    by_source = json.loads(reports[0].read_text())["sources"]
    for name, r in by_source.items():
        unexpected = [k for k in r["errors"] if k not in EXPECTED_ERRORS]
        if r["finish_reason"] != "finished" or unexpected:
            examples = [r["examples"][k][0] for k in unexpected if r["examples"].get(k)]
            result.problems.append(f"{name}: finish {r['finish_reason']}, errors {r['errors']}, e.g. {examples}")
        if r["evidence"]["records"] < r["pages"]:
            result.problems.append(f"{name}: {r['evidence']['records']} evidence records for {r['pages']} pages")
    result.problems += [f"{sources[0]}: ended before {m:,} rendered pages" for m in marks if m not in result.rss_at]
    result.pages = sum(r["pages"] for r in by_source.values())
    start = min(datetime.fromisoformat(r["started"]).timestamp() for r in by_source.values())
    end = max(datetime.fromisoformat(r["finished"]).timestamp() for r in by_source.values())
    last_item = max((p.stat().st_mtime for p in reports[0].parent.glob("items/*.jsonl")), default=end)
    result.seconds, result.active = end - start, min(end, last_item) - start
    window = [s for s in timeline if start <= s[0] <= start + result.active]
    if len(window) > 1:
        (t0, *first), (t1, *last) = window[0], window[-1]
        shares = [(b - a) / (t1 - t0) for a, b in zip(first, last, strict=True)]
        result.crawler_cpu, result.range_cpu = (shares[0], shares[1]), (shares[2], shares[3])
    return result


def run(plan: Plan, console: Console, work: Path) -> tuple[float, dict[str, Crawl]]:
    with console.status(f"scrapy bench, {plan.bench_seconds} s"):
        baseline = scrapy_bench(plan.bench_seconds)
    runs: dict[str, Crawl] = {}
    for name, listings, sources, marks in (
        ("http", plan.http_listings, HTTP_SOURCES, ()),
        ("browser", plan.browser_listings, (BROWSER_SOURCE,), plan.marks),
        ("big", plan.big_listings, HTTP_SOURCES, ()),
    ):
        state, out = work / f"{name}-range", work / f"{name}-crawl"
        out.mkdir(parents=True)
        with (range_served(listings, state) as range_pid,
              console.status(f"crawl of {', '.join(sources)} in a {listings:,}-listing world")):
            runs[name] = crawl(sources, state, out, range_pid, marks)
    return baseline, runs


def verdict(ok: bool) -> str:
    return "[green]PASS[/]" if ok else "[red]FAIL[/]"


def bottleneck(c: Crawl) -> str:
    """Which process limits the crawl: each is single-threaded Python, so one busy core is its ceiling."""
    who = "the range" if sum(c.range_cpu) > 0.8 else "the crawler" if sum(c.crawler_cpu) > 0.8 else "neither process"
    return (f"crawler {c.crawler_cpu[0]:.0%} on a CPU + {c.crawler_cpu[1]:.0%} waiting for one; range "
            f"{c.range_cpu[0]:.0%} + {c.range_cpu[1]:.0%}: {who} is CPU-bound")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="smaller worlds and marks (about 3 minutes)")
    plan = QUICK if parser.parse_args().quick else FULL
    console = Console()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="crawl-bench-") as work:
        baseline, runs = run(plan, console, Path(work))
    http, browser, big = runs["http"], runs["browser"], runs["big"]
    first, last = plan.marks
    rate, active, rendered = http.pages / http.seconds, http.pages / http.active, browser.pages / browser.seconds
    rss_ratio = browser.rss_at[last] / browser.rss_at[first] if len(browser.rss_at) == 2 else float("nan")
    table = Table(title=f"bench/crawl.py{' --quick' if plan is QUICK else ''} · evidence capture on · AutoThrottle off")
    for col in ("measure", "value", "target", "result"):
        table.add_column(col)
    table.add_row("machine: a busy one slows both sides of the ratio",
                  f"{os.cpu_count()} cores, load average {load:.1f} → {os.getloadavg()[0]:.1f}", "", "")
    table.add_row("scrapy bench pages/s", f"{baseline:,.0f}", "", "")
    table.add_row(f"HTTP crawl pages/s ({', '.join(HTTP_SOURCES)}; {plan.http_listings:,} listings)",
                  f"{rate:,.0f} ({http.pages:,} pages / {http.seconds:.0f} s)", "", "")
    table.add_row("  until the last item (the rest: retries of the drip page)",
                  f"{active:,.0f} ({http.active:.0f} s)", "", "")
    table.add_row("  CPU until the last item", bottleneck(http), "", "")
    table.add_row("ratio HTTP crawl / scrapy bench", f"{rate / baseline:.2f} (until the last item: "
                  f"{active / baseline:.2f})", "≥ 0.5", verdict(rate / baseline >= 0.5))
    table.add_row(f"browser-rendered pages/s ({BROWSER_SOURCE}; {plan.browser_listings:,} listings)",
                  f"{rendered:.1f} ({browser.pages:,} pages / {browser.seconds:.0f} s)", "", "")
    for mark in plan.marks:
        table.add_row(f"  RSS crawler + Chromium after {mark:,} rendered pages",
                      f"{browser.rss_at[mark]:,.0f} MiB" if mark in browser.rss_at else "-", "", "")
    table.add_row(f"  RSS after {last:,} / after {first:,}", f"{rss_ratio:.2f}", "≤ 1.1", verdict(rss_ratio <= 1.1))
    table.add_row(f"HTTP crawl pages/s ({plan.big_listings:,} listings)",
                  f"{big.pages / big.seconds:,.0f} ({big.pages:,} pages / {big.seconds:.0f} s)", "", "")
    table.add_row("  peak RSS of the crawler", f"{big.peak_rss:,.0f} MiB", "< 1,024 MiB", verdict(big.peak_rss < 1024))
    console.print(table)
    print(json.dumps({"scrapy_bench_pages_s": baseline, "http_pages_s": rate, "http_ratio": rate / baseline,
                      "http_active_pages_s": active, "http_crawler_cpu_wait": http.crawler_cpu,
                      "http_range_cpu_wait": http.range_cpu, "browser_pages_s": rendered,
                      "browser_rss_mib": browser.rss_at, "browser_rss_ratio": rss_ratio,
                      "big_pages_s": big.pages / big.seconds, "big_peak_rss_mib": big.peak_rss}))
    problems = [p for c in runs.values() for p in c.problems]
    for problem in problems:
        console.print(f"[red]{problem}[/]")
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
