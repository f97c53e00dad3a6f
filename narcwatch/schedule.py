"""Scheduled crawls: `narcwatch schedule run|list|pause|resume|run-now`.

Each source with a `schedule:` in the sources config is a job of an APScheduler 3 scheduler whose jobs live in a SQLite
job store (`<NARCWATCH_HOME>/schedule.sqlite`), so next run times and paused jobs survive the daemon being killed, and
runs missed while it was down become one run when it starts again (coalesced, no misfire limit). `pause`, `resume`
and `run-now` change that store from another process; the daemon re-reads it at least every POLL seconds.

A run is one source crawled by a `narcwatch crawl` subprocess into `<out>/<source>/` (the crawl's `current-run.json`
assumes one run per folder; an unfinished run there is resumed by the next). While it runs, the subprocess and the
daemon hold `<out>/<source>/run.lock` (flock): a source never runs twice at once, even from a second daemon; a run
that finds the lock taken is recorded as skipped. Every run is recorded in the store (`narcwatch.runs`).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import secrets as pysecrets
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.date import DateTrigger
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from index.schema import Entity
from index.store import Query, StoreConfig, StoreError, open_store
from narcwatch.runs import RunStatus, record_run

if TYPE_CHECKING:  # crawlers imports Scrapy: only the commands that read the config pay for it
    from crawlers.config import Schedule, SourcesFile

POLL = 0.5  # seconds: how soon the daemon sees pause/resume/run-now from other processes, and a stop signal
COMMAND_ENV = "NARCWATCH_SCHEDULE_COMMAND"  # the program a run starts instead of `python -m narcwatch.cli` (tests)
RUN_JOB = "narcwatch.schedule:run_job"  # jobs refer to their function by name: they are stored, not pickled code
NOW = ".now"  # job id suffix of a run-now request; source names cannot contain a dot
LOCK = "run.lock"

app = typer.Typer(no_args_is_help=True, help="Scheduled crawls: per-source schedules from the sources config.")
out = Console(highlight=False, soft_wrap=True)  # a line per event, unbroken in logs
err = Console(stderr=True, highlight=False)


def default_db() -> Path:
    return StoreConfig.from_env().home / "schedule.sqlite"


def crawl_command(source: str, config: str, out_dir: str, secrets: str | None) -> list[str]:
    prefix = shlex.split(os.environ.get(COMMAND_ENV, "")) or [sys.executable, "-m", "narcwatch.cli"]
    command = [*prefix, "crawl", source, "--config", config, "--out", str(Path(out_dir) / source)]
    return command + ["--secrets", secrets] if secrets else command


def _try_lock(path: Path) -> IO[bytes] | None:
    """The open, exclusively locked file; None when another process (or run) holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+b")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def _locked(path: Path) -> bool:
    if not path.exists():
        return False
    handle = _try_lock(path)
    if handle is None:
        return True
    handle.close()
    return False


def _marker(source_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((source_dir / "current-run.json").read_text())
    except (OSError, ValueError):
        return {}


def _stamp(when: datetime) -> str:
    return when.strftime("%Y%m%dT%H%M%SZ")


def _clock() -> str:
    return datetime.now().strftime("%H:%M:%S")


class Runner:
    """Runs crawls as subprocesses, one per source at a time, and records them; on stop, asks them to finish."""

    def __init__(self, console: Console, stop_timeout: float = 120.0) -> None:
        self.console = console
        self.stop_timeout = stop_timeout
        self._children: dict[int, subprocess.Popen[bytes]] = {}
        self._guard = threading.Lock()
        self._kill_at: float | None = None

    @property
    def running(self) -> int:
        return len(self._children)

    @property
    def stopping(self) -> bool:
        return self._kill_at is not None

    def stop(self) -> None:
        """SIGINT to every crawl (Scrapy's graceful stop: it writes its report), SIGKILL after `stop_timeout`."""
        with self._guard:
            self._kill_at = time.monotonic() + self.stop_timeout
            children = list(self._children.values())
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)

    def run(self, source: str, config: str, out_dir: str, secrets: str | None, trigger: str) -> dict | None:
        source_dir = Path(out_dir) / source
        started = datetime.now(UTC)
        lock = _try_lock(source_dir / LOCK)
        if lock is None:
            self.console.print(f"{_clock()} [dim]{source}: skipped ({trigger}): a crawl of it is still running "
                               f"({escape(str(source_dir / LOCK))} is locked)[/]")
            return self._record(source, run_id=f"{_stamp(started)}-{source}-skipped-{pysecrets.token_hex(2)}",
                                status="skipped", started=started, report=None, trigger=trigger, code=None,
                                errors=[f"{source}: skipped: a crawl of it was still running (another daemon or "
                                        "run held its lock)"])
        with lock:
            try:
                settled = settle(source, source_dir)
            except StoreError as exc:
                settled = f"{source}: the previous run could not be recorded: {exc}"
            if settled:
                self.console.print(f"{_clock()} [yellow]{escape(settled)}[/]")
            before = _marker(source_dir)
            log_path = source_dir / "scheduled.log"
            with log_path.open("ab") as log:
                offset = log.tell()
                with self._guard:
                    if self.stopping:
                        return None
                    # Own session: a Ctrl-C at the terminal reaches the daemon only, which forwards exactly one SIGINT
                    # (a second would make Scrapy stop uncleanly). The lock is inherited: it outlives a killed daemon.
                    child = subprocess.Popen(crawl_command(source, config, out_dir, secrets), stdin=subprocess.DEVNULL,
                                             stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                             pass_fds=(lock.fileno(),))
                    self._children[child.pid] = child
                self.console.print(f"{_clock()} [bold]{source}[/]: started ({trigger}), pid {child.pid}")
                code = self._wait(child)
                with self._guard:
                    del self._children[child.pid]
                    stopped = self.stopping
            after = _marker(source_dir)
            run_id, report = f"{_stamp(started)}-{source}-{pysecrets.token_hex(2)}", None
            if after.get("run_id") and after != before:
                run_id = after["run_id"]
                report_path = source_dir / "runs" / run_id / "report.json"
                if after.get("state") in ("finished", "incomplete") and report_path.exists():
                    report = json.loads(report_path.read_text())
            status: RunStatus
            errors: list[str] = []
            if stopped:
                status = "interrupted"
            elif report is not None:
                reasons = {r.get("finish_reason") for r in report.get("sources", {}).values()}
                status = "finished" if code == 0 and reasons == {"finished"} else "incomplete"
            else:
                status = "failed"
            if report is None:
                what = "was stopped by the scheduler's shutdown" if stopped else f"exited with code {code}"
                tail = _tail(log_path, offset)
                errors.append(f"{source}: the crawl {what} without a report" + (f": {tail}" if tail else ""))
            # Recorded before the lock is let go: the next run of the source must find this one recorded.
            return self._record(source, run_id=run_id, status=status, started=started, report=report,
                                trigger=trigger, code=code, errors=errors, run_dir=source_dir / "runs" / run_id)

    def _wait(self, child: subprocess.Popen[bytes]) -> int:
        while True:
            try:
                return child.wait(timeout=POLL)
            except subprocess.TimeoutExpired:
                if self._kill_at is not None and time.monotonic() > self._kill_at:
                    child.kill()

    def _record(self, source: str, *, run_id: str, status: RunStatus, started: datetime,
                report: dict[str, Any] | None, trigger: str, code: int | None, errors: list[str],
                run_dir: Path | None = None) -> dict | None:
        finished = datetime.now(UTC)
        try:
            with open_store() as store:
                doc = record_run(store, run_id=run_id, status=status, sources=[source], started_at=started,
                                 finished_at=finished, report=report, errors=errors, trigger=trigger, exit_code=code,
                                 run_dir=run_dir)
        except StoreError as exc:
            self.console.print(f"{_clock()} [red]{source}: run {run_id} ({status}) was not recorded: "
                               f"{escape(str(exc))}[/]")
            return None
        if status != "skipped":
            style = {"finished": "green", "failed": "red"}.get(status, "yellow")
            self.console.print(f"{_clock()} [bold]{source}[/]: [{style}]{status}[/] in "
                               f"{(finished - started).total_seconds():.1f}s, run {run_id}, {doc['items']:,} items, "
                               f"{len(doc['errors'])} errors")
        return doc


def _tail(log: Path, offset: int, lines: int = 3) -> str:
    """The last lines the crawl printed (the exception of a traceback), for a run that left no report."""
    with log.open("rb") as f:
        f.seek(max(offset, log.stat().st_size - 8192))
        text = f.read().decode("utf-8", "replace")
    return " / ".join([line.strip() for line in text.splitlines() if line.strip()][-lines:])[-600:]


_runner: Runner | None = None


def run_job(source: str, config: str, out: str, secrets: str | None, trigger: str = "schedule") -> None:
    """What every stored job calls: one run of one source."""
    global _runner
    if _runner is None:
        _runner = Runner(out)
    _runner.run(source, config, out, secrets, trigger)


def settle(source: str, source_dir: Path) -> str | None:
    """Record the run last left in the source's folder if nothing recorded it, and say so: a run a killed daemon (or
    machine) left `running` is interrupted, and the next run resumes it; a crawl that outlived a killed daemon
    finished on its own. Only while nothing runs the source (its lock is free or held by the caller)."""
    marker = _marker(source_dir)
    run_id, state = marker.get("run_id"), marker.get("state")
    if not run_id or state not in ("running", "finished", "incomplete"):
        return None
    with open_store() as store:
        if store.get(Entity.RUN, run_id) is not None:
            return None
        report_path = source_dir / "runs" / run_id / "report.json"
        report = json.loads(report_path.read_text()) if state != "running" and report_path.exists() else None
        errors = [f"{source}: the crawl was cut off (the scheduler or the machine stopped); the next run resumes it"] \
            if state == "running" else []
        status: RunStatus = "interrupted" if state == "running" else state
        record_run(store, run_id=run_id, status=status, sources=marker.get("sources") or [source],
                   started_at=datetime.fromisoformat(marker["started"]),
                   finished_at=datetime.fromisoformat(marker["finished"]) if marker.get("finished") else None,
                   report=report, errors=errors, trigger="unknown")
    if state == "running":
        return f"{source}: run {run_id} was cut off; recorded as interrupted, the next run resumes it"
    return f"{source}: run {run_id} ended ({state}) while no scheduler watched it; recorded"


def _options(db: Path, workers: int = 1) -> dict[str, Any]:
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    db.parent.mkdir(parents=True, exist_ok=True)
    return {"jobstores": {"default": SQLAlchemyJobStore(url=f"sqlite:///{db}")},
            "executors": {"default": ThreadPoolExecutor(max_workers=workers)},
            "job_defaults": {"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
            "timezone": UTC}


class _Editor(BaseScheduler):
    """A scheduler without a loop: it opens the job store to change jobs that a daemon (another process) runs, and
    never runs one itself (a BackgroundScheduler's thread may still run due jobs while it shuts down)."""

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)

    def wakeup(self) -> None:
        """Nothing to wake: the daemon sees the change on its next poll."""


@contextmanager
def edit_jobs(db: Path) -> Iterator[BaseScheduler]:
    scheduler = _Editor(**_options(db))
    scheduler.start(paused=True)
    try:
        yield scheduler
    finally:
        scheduler.shutdown(wait=False)


def sync_jobs(scheduler: BaseScheduler, cfg: SourcesFile, kwargs: dict[str, Any]) -> list[str]:
    """Make the stored jobs match the config: add new schedules, change changed ones, remove dropped ones. An unchanged
    job keeps its next run time (a run missed while the daemon was down still happens) and a paused job stays
    paused."""
    lines = []
    scheduled: dict[str, Schedule] = {s.name: s.schedule for s in cfg.sources if s.schedule}
    jobs = {job.id: job for job in scheduler.get_jobs()}
    for name, schedule in scheduled.items():
        job_kwargs = {"source": name, **kwargs}
        job = jobs.get(name)
        if job is None:
            scheduler.add_job(RUN_JOB, schedule.trigger(), id=name, name=schedule.describe(), kwargs=job_kwargs)
            lines.append(f"{name}: scheduled {schedule.describe()}")
        elif job.name != schedule.describe():
            paused = job.next_run_time is None
            scheduler.modify_job(name, name=schedule.describe(), kwargs=job_kwargs)
            scheduler.reschedule_job(name, trigger=schedule.trigger())
            if paused:
                scheduler.pause_job(name)
            lines.append(f"{name}: schedule changed from {job.name} to {schedule.describe()}")
        elif job.kwargs != job_kwargs:
            scheduler.modify_job(name, kwargs=job_kwargs)
    for job_id in jobs.keys() - scheduled.keys():
        source = job_id.removesuffix(NOW)
        if source not in scheduled:
            scheduler.remove_job(job_id)
            lines.append(f"{source}: no schedule in the config any more; its job is removed")
    return lines


class _Daemon(BlockingScheduler):
    """Wakes at least every POLL seconds, to see jobs other processes changed in the shared store, and to act on a
    stop signal here rather than inside the signal handler (which may interrupt the scheduler holding its locks)."""

    def __init__(self, runner: Runner, **options: Any) -> None:
        super().__init__(**options)
        self.runner = runner
        self.stop_signal: int | None = None

    def _process_jobs(self) -> float | None:
        if self.stop_signal is not None:
            name = signal.Signals(self.stop_signal).name
            self.runner.console.print(f"{_clock()} {name}: stopping; {self.runner.running} running crawl(s) asked to "
                                      "finish")
            self.runner.stop()
            self.shutdown(wait=True)  # returns when every job thread has recorded its run
            return None
        wait = super()._process_jobs()
        return POLL if wait is None else min(wait, POLL)


def _config_or_exit(config: Path) -> SourcesFile:
    from crawlers.config import ConfigError, load_sources

    try:
        return load_sources(config)
    except ConfigError as exc:
        err.print("[red]Configuration error[/]")
        err.print(str(exc), markup=False)
        raise typer.Exit(2) from None


def _db_or_exit(db: Path | None) -> Path:
    db = db or default_db()
    if not db.exists():
        err.print(f"No schedule database at {db}: start [bold]narcwatch schedule run[/] first (or give --db).")
        raise typer.Exit(2)
    return db


def _job_or_exit(scheduler: BaseScheduler, source: str, db: Path) -> Job:
    job = scheduler.get_job(source)
    if job is None:
        scheduled = sorted(j.id for j in scheduler.get_jobs() if not j.id.endswith(NOW))
        err.print(Text(f"{source!r} is not scheduled in {db}; scheduled: {', '.join(scheduled) or 'none'}. "
                       "Give it a schedule: in the sources config and (re)start narcwatch schedule run."))
        raise typer.Exit(2)
    return job


Db = Annotated[Path | None, typer.Option("--db", help="Job store (SQLite); default <NARCWATCH_HOME>/schedule.sqlite.")]
Config = Annotated[Path, typer.Option("--config", "-c", help="Sources config (YAML).")]


@app.command("run")
def run_daemon(
    config: Config = Path("config/sources.yaml"),
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Output folder; each source crawls into OUT/<source>.")]
    = Path("crawl-out"),
    db: Db = None,
    secrets_file: Annotated[Path | None, typer.Option("--secrets", help="KEY=value file for login fields.")] = None,
    stop_timeout: Annotated[float, typer.Option(help="Seconds a crawl gets to stop cleanly on shutdown.")] = 120.0,
) -> None:
    """Run the scheduled crawls in the foreground until SIGTERM or Ctrl-C, which let running crawls finish cleanly."""
    db = db or default_db()
    daemon_lock = _try_lock(db.with_name(db.name + ".lock"))
    if daemon_lock is None:
        err.print(f"Another [bold]narcwatch schedule run[/] is using {db}; stop it first or give another --db.")
        raise typer.Exit(2)
    with daemon_lock:
        _serve(_config_or_exit(config), config, out_dir, db, secrets_file, stop_timeout)
    out.print(f"{_clock()} Scheduler stopped")


def _serve(cfg: SourcesFile, config: Path, out_dir: Path, db: Path, secrets_file: Path | None,
           stop_timeout: float) -> None:
    if not any(s.schedule for s in cfg.sources):
        err.print(f"No source in {config} has a schedule: add e.g. [bold]schedule: {{interval: 6h}}[/] to one.")
        raise typer.Exit(2)
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # not a warning per tick while a long crawl runs
    kwargs = {"config": str(config.resolve()), "out": str(out_dir.resolve()),
              "secrets": str(secrets_file.resolve()) if secrets_file else None}
    try:
        for source in cfg.sources:
            settled = None if _locked(out_dir / source.name / LOCK) else settle(source.name, out_dir / source.name)
            if settled:
                out.print(f"{_clock()} [yellow]{escape(settled)}[/]")
    except StoreError as exc:
        err.print(Text.assemble(("Store error: ", "red"), str(exc)))
        raise typer.Exit(2) from None
    with edit_jobs(db) as editor:
        for line in sync_jobs(editor, cfg, kwargs):
            out.print(f"{_clock()} {escape(line)}")
    global _runner
    _runner = Runner(out, stop_timeout=stop_timeout)
    daemon = _Daemon(_runner, **_options(db, workers=2 * len(cfg.sources)))

    def on_signal(signum: int, _frame: object) -> None:
        daemon.stop_signal = signum

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    out.print(f"{_clock()} Scheduler running (jobs: {db}, crawls into {out_dir}/<source>); SIGTERM or Ctrl-C stops it")
    daemon.start()


def _job_row(job: Job, last: dict | None, queued: set[str]) -> dict[str, Any]:
    running = _locked(Path(job.kwargs["out"]) / job.id / LOCK)
    state = "running" if running else "paused" if job.next_run_time is None else "waiting"
    return {"source": job.id, "schedule": job.name, "paused": job.next_run_time is None,
            "next_run": job.next_run_time.astimezone(UTC).isoformat() if job.next_run_time else None,
            "state": state, "run_now_queued": job.id in queued,
            "last_run": {k: last.get(k) for k in ("id", "status", "started_at", "finished_at", "items")} if last
            else None}


@app.command("list")
def list_jobs(db: Db = None, as_json: Annotated[bool, typer.Option("--json", help="One JSON list.")] = False) -> None:
    """Scheduled sources: schedule, next run, paused or running, and the last run's status."""
    db = _db_or_exit(db)
    with edit_jobs(db) as editor:
        jobs = editor.get_jobs()
    scheduled = [j for j in jobs if not j.id.endswith(NOW)]
    queued = {j.id.removesuffix(NOW) for j in jobs if j.id.endswith(NOW)}
    last: dict[str, dict] = {}
    with open_store() as store:
        for job in scheduled:
            hits = store.search(Query(entity=Entity.RUN, filters={"sources": [job.id]}, sort="newest", size=1)).hits
            if hits:
                last[job.id] = hits[0].doc
    rows = [_job_row(j, last.get(j.id), queued) for j in scheduled]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(title=f"{len(rows)} scheduled sources ({db}; daemon "
                  f"{'running' if _locked(db.with_name(db.name + '.lock')) else 'not running'})", title_justify="left")
    for column in ("source", "schedule", "state", "next run", "last run"):
        table.add_column(column, overflow="fold")
    for r in rows:
        next_run = "now (requested)" if r["run_now_queued"] else (r["next_run"] or "")[:19].replace("T", " ")
        lr = r["last_run"]
        last_text = f"{lr['status']} {(lr['started_at'] or '')[:19].replace('T', ' ')}" if lr else "never"
        table.add_row(*(Text(str(v)) for v in (r["source"], r["schedule"], r["state"], next_run, last_text)))
    out.print(table)


@app.command()
def pause(source: str, db: Db = None) -> None:
    """Stop scheduling a source until `resume` (a run in progress finishes; run-now still works)."""
    db = _db_or_exit(db)
    with edit_jobs(db) as editor:
        _job_or_exit(editor, source, db)
        editor.pause_job(source)
    out.print(f"{source}: paused")


@app.command()
def resume(source: str, db: Db = None) -> None:
    """Schedule a paused source again, from its next scheduled time."""
    db = _db_or_exit(db)
    with edit_jobs(db) as editor:
        _job_or_exit(editor, source, db)
        job = editor.resume_job(source)
    when = job.next_run_time.astimezone(UTC).isoformat(timespec="seconds") if job and job.next_run_time else "?"
    out.print(f"{source}: resumed; next run {when}")


@app.command("run-now")
def run_now(source: str, db: Db = None) -> None:
    """Crawl a scheduled source now, outside its schedule (paused or not); the daemon starts it within a second."""
    db = _db_or_exit(db)
    with edit_jobs(db) as editor:
        job = _job_or_exit(editor, source, db)
        editor.add_job(RUN_JOB, DateTrigger(datetime.now(UTC)), id=source + NOW, name=f"{source} now",
                       kwargs={**job.kwargs, "trigger": "manual"}, replace_existing=True)
    if _locked(db.with_name(db.name + ".lock")):
        out.print(f"{source}: requested; the scheduler starts it within a second")
    else:
        out.print(f"{source}: requested; no scheduler is running on {db}: it runs when narcwatch schedule run starts")
