"""Running a crawl of configured sources: one Scrapy crawler per source in one process, with progress.

Output layout under `--out`:
    history.sqlite                      listing history across runs (new / changed / vanished)
    current-run.json                    the run in progress; a crashed run is resumed by the same command
    runs/<run_id>/items/<source>.jsonl  the items, with their evidence references
    runs/<run_id>/evidence/*.warc.gz    WARC files (request, response, screenshot records; SHA-256)
    runs/<run_id>/jobs/<source>/        Scrapy JOBDIR: the crash-safe request frontier
    runs/<run_id>/report.json           pages, items, errors by kind, evidence files
    runs/<run_id>/crawl.log             the full Scrapy log
"""

from __future__ import annotations

import asyncio
import json
import secrets as pysecrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from scrapy.crawler import AsyncCrawlerProcess, Crawler
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from crawlers.config import Secrets, Source
from crawlers.report import CrawlReport
from crawlers.spiders import spider_for


@dataclass
class RunResult:
    run_id: str
    run_dir: Path
    resumed: bool
    reports: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(r.get("finish_reason") == "finished" for r in self.reports.values())


def _new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + pysecrets.token_hex(3)


def _claim_run(out: Path, names: list[str]) -> tuple[str, bool]:
    """The unfinished run of the same sources is resumed; otherwise a new run starts."""
    marker = out / "current-run.json"
    if marker.exists():
        try:
            state = json.loads(marker.read_text())
        except ValueError:
            state = {}
        if state.get("state") == "running" and sorted(state.get("sources", [])) == sorted(names):
            return state["run_id"], True
    run_id = _new_run_id()
    marker.write_text(json.dumps({"run_id": run_id, "sources": names, "state": "running",
                                  "started": datetime.now(UTC).isoformat()}, indent=2))
    return run_id, False


def _finish_run(out: Path, run_id: str, ok: bool) -> None:
    marker = out / "current-run.json"
    state = json.loads(marker.read_text())
    if state.get("run_id") == run_id:
        state.update(state="finished" if ok else "incomplete", finished=datetime.now(UTC).isoformat())
        marker.write_text(json.dumps(state, indent=2))


def source_settings(base: Settings, source: Source, *, out: Path, run_dir: Path, run_id: str,
                    overrides: dict[str, Any] | None = None) -> Settings:
    settings = base.copy()
    canonical = (urlsplit(source.start_urls[0]).hostname or "").lower()
    aliases = {h: canonical for h in source.hosts if h != canonical}
    settings.setdict({
        "NARCWATCH_OUT": str(out),
        "NARCWATCH_RUN_ID": run_id,
        "NARCWATCH_RUN_DIR": str(run_dir),
        "NARCWATCH_EVIDENCE_DIR": str(run_dir / "evidence"),
        "NARCWATCH_BROWSER_ENABLED": source.render == "browser",
        "NARCWATCH_HOST_ALIASES": aliases,
        "JOBDIR": str(run_dir / "jobs" / source.name),
        "CONCURRENT_REQUESTS_PER_DOMAIN": source.rate.concurrency,
        "CONCURRENT_REQUESTS": max(source.rate.concurrency, 4),
        "DOWNLOAD_DELAY": source.rate.delay,
        "AUTOTHROTTLE_ENABLED": source.rate.autothrottle,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": source.rate.target_concurrency,
        "DOWNLOAD_MAXSIZE": source.limits.max_size,
        "DOWNLOAD_WARNSIZE": source.limits.warn_size,
        "DOWNLOAD_TIMEOUT": source.limits.timeout,
        "CLOSESPIDER_PAGECOUNT": source.limits.pages,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": min(source.rate.concurrency, 8),
    }, priority="cmdline")
    if source.user_agent:
        settings.set("USER_AGENT", source.user_agent, priority="cmdline")
    if overrides:
        settings.setdict(overrides, priority="cmdline")
    return settings


def base_settings(log_file: Path) -> Settings:
    """The project's settings, with Scrapy's log appended to `log_file` (a resumed run, or rounds of checks, add to
    it)."""
    base = get_project_settings()
    base.setmodule("crawlers.settings", priority="project")
    base.setdict({"LOG_FILE": str(log_file), "LOG_FILE_APPEND": True, "LOG_INSTALL_ROOT_HANDLER": True},
                 priority="cmdline")
    return base


def source_report(crawler: Crawler, name: str, run_dir: Path, run_id: str, failed: BaseException | None) -> dict:
    """One source's crawl report: its statistics, why its crawler failed if it could not even start (instead of an
    empty report), and its evidence files."""
    report = CrawlReport.of(crawler).to_dict()
    report["source"] = name
    if failed is not None:
        report["finish_reason"] = "failed"
        report["errors"]["crawler failed"] = 1
        report["examples"]["crawler failed"] = [{"url": "", "message": f"{type(failed).__name__}: {failed}"}]
    report["evidence_files"] = sorted(p.name for p in (run_dir / "evidence").glob(f"{run_id}-{name}-*.warc.gz"))
    return report


def crawl(sources: list[Source], *, out: Path, secrets: Secrets, console: Console | None = None,
          overrides: dict[str, Any] | None = None, progress: bool = True) -> RunResult:
    """Crawl the sources into `out`; resumes the previous run if it did not finish."""
    console = console or Console(stderr=True)
    for source in sources:
        secrets.check(source)  # a missing credential fails before any request
    out.mkdir(parents=True, exist_ok=True)
    names = [s.name for s in sources]
    run_id, resumed = _claim_run(out, names)
    run_dir = out / "runs" / run_id
    run_dir.mkdir(parents=True, exist_ok=True)

    base = base_settings(run_dir / "crawl.log")
    process = AsyncCrawlerProcess(base)
    crawlers: dict[str, Crawler] = {}
    running: dict[str, Any] = {}
    for source in sources:
        settings = source_settings(base, source, out=out, run_dir=run_dir, run_id=run_id, overrides=overrides)
        crawler = Crawler(spider_for(source.kind), settings)
        crawlers[source.name] = crawler
        running[source.name] = process.crawl(crawler, source=source, secrets=secrets)

    if resumed:
        console.print(f"[yellow]Resuming run {run_id}[/] (it did not finish last time)")
    if progress:
        _run_with_progress(process, crawlers, console)
    else:
        process.start()

    result = RunResult(run_id=run_id, run_dir=run_dir, resumed=resumed)
    for name, crawler in crawlers.items():
        failed = _crawl_exception(running[name])
        if failed is not None:
            console.print(f"[red]{name}: the crawler failed: {type(failed).__name__}: {failed}[/]")
        result.reports[name] = source_report(crawler, name, run_dir, run_id, failed)
    (run_dir / "report.json").write_text(json.dumps(
        {"run_id": run_id, "resumed": resumed, "sources": result.reports}, indent=2, ensure_ascii=False))
    _finish_run(out, run_id, result.ok)
    return result


def _crawl_exception(handle: Any) -> BaseException | None:
    """The exception a crawl task ended with, if any (Scrapy only logs it)."""
    if isinstance(handle, asyncio.Future) and handle.done() and not handle.cancelled():
        return handle.exception()
    return None


def _run_with_progress(process: AsyncCrawlerProcess, crawlers: dict[str, Crawler], console: Console) -> None:
    from twisted.internet import task

    columns = (TextColumn("{task.description:<14}"), BarColumn(bar_width=None),
               TextColumn("{task.fields[pages]:>7} pages {task.fields[items]:>7} items "
                          "{task.fields[errors]:>5} errors"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        tasks = {name: bar.add_task(name, total=None, pages=0, items=0, errors=0) for name in crawlers}

        def refresh() -> None:
            for name, crawler in crawlers.items():
                stats = crawler.stats.get_stats() if crawler.stats else {}
                report = CrawlReport.of(crawler)
                pages = stats.get("response_received_count", 0)
                queued = stats.get("scheduler/enqueued", 0) or stats.get("scheduler/enqueued/disk", 0)
                bar.update(tasks[name], completed=pages, total=max(queued, pages) or None, pages=pages,
                           items=stats.get("item_scraped_count", 0), errors=sum(report.errors.values()))

        loop = task.LoopingCall(refresh)
        loop.start(0.5, now=False)
        try:
            process.start()
        finally:
            if loop.running:
                loop.stop()
            refresh()


def report_table(result: RunResult) -> Table:
    table = Table(title=f"Crawl run {result.run_id}" + (" (resumed)" if result.resumed else ""))
    for col in ("source", "status", "pages", "listings", "vendors", "posts", "new", "changed", "vanished", "errors",
                "evidence"):
        table.add_column(col, justify="left" if col in ("source", "status") else "right")
    for name, r in result.reports.items():
        items, changes = r["items"], r["changes"]
        table.add_row(name, str(r["finish_reason"]), str(r["pages"]), str(items.get("listing", 0)),
                      str(items.get("vendor", 0)), str(items.get("post", 0)), str(changes.get("new", 0)),
                      str(changes.get("changed", 0)), str(r["vanished"]), str(sum(r["errors"].values())),
                      str(r["evidence"]["records"]))
    return table


def problems_table(result: RunResult) -> Table | None:
    """Errors and notable events by kind, with one example each: what the analyst should look at."""
    table = Table(title="What went wrong or was bounded", show_lines=False)
    for col in ("source", "kind", "count", "example"):
        table.add_column(col, justify="right" if col == "count" else "left", overflow="fold")
    for name, r in result.reports.items():
        for kind, count in sorted({**r["errors"], **r["events"]}.items()):
            example = (r["examples"].get(kind) or [{}])[0]
            table.add_row(name, kind, str(count), f"{example.get('url', '')}\n{example.get('message', '')}".strip())
    return table if table.row_count else None
