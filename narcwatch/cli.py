"""The `narcwatch` command line: one typer app, one sub-app per stage."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from act.cli import case_app, export, referral, takedown, verify, verify_offline
from index.cli import actors, lookup, search
from index.cli import app as index_app
from narcwatch.runs import runs
from narcwatch.schedule import app as schedule_app
from nlp.cli import analyze
from nlp.cli import app as nlp_app
from testsites.cli import app as range_app

if TYPE_CHECKING:
    from crawlers.run import RunResult

app = typer.Typer(no_args_is_help=True, help="narcwatch: crawl, understand, index and act on drug-trafficking sites.")
app.add_typer(range_app, name="range")
app.add_typer(nlp_app, name="nlp")
app.add_typer(index_app, name="index")
app.add_typer(schedule_app, name="schedule")
app.add_typer(case_app, name="case")
app.command()(analyze)
app.command()(search)
app.command()(lookup)
app.command()(actors)
app.command()(runs)
app.command()(takedown)
app.command()(referral)
app.command()(verify)
app.command("verify-offline")(verify_offline)
app.command()(export)


@app.command()
def demo(
    seed: Annotated[int, typer.Option(help="The range's seed: the same seed serves the same sites and truth.")] = 7,
    listings: Annotated[int, typer.Option(min=50, help="Listings across the range's markets.")] = 2000,
    out: Annotated[Path, typer.Option("--out", "-o", help="Crawl output and the HTML report.")] = Path("demo-out"),
    goaml_schema: Annotated[Path | None, typer.Option(help="The FIU's goAML XSD: the demo's goAML report is "
                                                      "validated against it.")] = None,
) -> None:
    """The whole flow on the test range: start it, crawl every source (evidence, analysis, indexing into the
    configured store, vendor linking), print what was found and how it scores against the ground truth, write
    an HTML report with charts and the vendor network, then act on it: a case, takedown packages, a referral dossier
    and FIU exports, each verified."""
    from narcwatch.demo import run_demo

    try:
        run_demo(seed=seed, listings=listings, out=out, goaml_schema=goaml_schema)
    except RuntimeError as exc:
        Console(stderr=True).print(str(exc), markup=False)
        raise typer.Exit(1) from None


@app.command()
def crawl(
    sources: Annotated[list[str] | None, typer.Argument(help="Source names from the config; all when omitted.")] = None,
    config: Annotated[Path, typer.Option("--config", "-c", help="Sources config (YAML).")] = Path(
        "config/sources.yaml"),
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder: items, evidence, history, reports.")] = Path(
        "crawl-out"),
    secrets_file: Annotated[Path | None, typer.Option("--secrets", help="KEY=value file for login fields.")] = None,
    analyze: Annotated[bool, typer.Option(help="Analyse and index items during the crawl, then link vendors; "
                                          "--no-analyze only collects items and evidence.")] = True,
    batch_size: Annotated[int, typer.Option(min=1, help="Items per NLP and indexing batch.")] = 256,
    processes: Annotated[int, typer.Option(min=1, help="NLP worker processes (1 is fastest on 2 cores).")] = 1,
) -> None:
    """Crawl configured sources with evidence capture, analyse and index what they hold, and link vendors across
    sites; a crawl that was killed resumes where it stopped."""
    from crawlers.config import ConfigError, Secrets, load_sources
    from crawlers.run import crawl as run_crawl
    from crawlers.run import problems_table, report_table
    from crawlers.settings import ITEM_PIPELINES
    from narcwatch.pipeline import pipeline_settings

    console = Console(stderr=True)
    try:
        cfg = load_sources(config)
        chosen = cfg.select(sources)
        secrets_path = secrets_file or (Path(cfg.defaults.secrets_file) if cfg.defaults.secrets_file else None)
        overrides = pipeline_settings(ITEM_PIPELINES, batch_size, processes) if analyze else {
            "NARCWATCH_ANALYZE": False}
        result = run_crawl(chosen, out=out, secrets=Secrets(secrets_path), console=console, overrides=overrides)
    except ConfigError as exc:
        console.print("[red]Configuration error[/]")
        console.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(2) from None
    Console().print(report_table(result))
    problems = problems_table(result)
    if problems is not None:
        Console().print(problems)
    if analyze:
        _after_crawl(result, out, console)
    _record(result, out, console)
    console.print(f"Report: {result.run_dir / 'report.json'}  Items: {result.run_dir / 'items'}  "
                  f"Evidence: {result.run_dir / 'evidence'}")
    if not result.ok:
        raise typer.Exit(1)


def _after_crawl(result: RunResult, out: Path, console: Console) -> None:
    from index.store import StoreError, open_store
    from narcwatch.pipeline import after_crawl

    stages = Counter[str]()
    for report in result.reports.values():
        stages.update(report.get("stages", {}))
    said = (f"Analysed {stages['analysed']:,} items, indexed {stages['indexed']:,}"
            + (f", {stages['spooled']:,} waiting in the spool for the engine" if stages["spooled"] else "")
            + (f", {stages['failed']:,} failed (see the report)" if stages["failed"] else ""))
    try:
        with open_store() as store:
            after = after_crawl(store, out / "history.sqlite", result.run_id, result.run_dir)
    except StoreError as exc:
        console.print(f"{said}. Vendor linking waits for the store: {exc}. The items are in the run's feed and "
                      "the spool; `narcwatch index replay` sends them when the store answers.", highlight=False)
        return
    if after.recovered:
        said += f", {after.recovered:,} more from the feed (collected before the crawl was interrupted)"
    console.print(f"{said}; {after.vanished:,} listings marked vanished; {len(after.linked):,} actors link "
                  f"{sum(len(a['members']) for a in after.linked):,} accounts ({after.hubs} shared identifiers too "
                  f"common to link, {after.weak} name-only pairs shown as weak).", highlight=False)


def _record(result: RunResult, out: Path, console: Console) -> None:
    """The run's document in the store, shown by `narcwatch runs` (a scheduled run is recorded again by the
    scheduler, with its trigger, under the same id)."""
    import json
    from datetime import UTC, datetime

    from index.store import StoreError, open_store
    from narcwatch.runs import record_run

    marker = json.loads((out / "current-run.json").read_text())
    report = {"run_id": result.run_id, "resumed": result.resumed, "sources": result.reports}  # as report.json has it
    try:
        with open_store() as store:
            record_run(store, run_id=result.run_id, status="finished" if result.ok else "incomplete",
                       sources=list(result.reports), started_at=datetime.fromisoformat(marker["started"]),
                       finished_at=datetime.now(UTC), report=report, errors=[], trigger="manual",
                       run_dir=result.run_dir)
    except StoreError as exc:
        console.print(f"The run was not recorded in the store: {exc}", markup=False)


@app.command()
def changes(
    since: Annotated[str | None, typer.Option(help="From this date or age (24h, 7d).")] = "7d",
    out: Annotated[Path, typer.Option("--out", "-o", help="The crawl output folder (or a folder of them, as the "
                                      "scheduler keeps one per source).")] = Path("crawl-out"),
    source: Annotated[str | None, typer.Option(help="Only this source.")] = None,
    kind: Annotated[list[str] | None, typer.Option(help="new, changed, reappeared, vanished (repeat for more).",
                                                   show_default=False)] = None,
    limit: Annotated[int, typer.Option(min=1)] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
) -> None:
    """What recrawls found: listings that appeared, changed price or text, vanished or came back."""
    import json

    from rich.table import Table
    from rich.text import Text

    from crawlers.history import History
    from index.cli import parse_when

    err = Console(stderr=True, highlight=False)
    dbs = sorted({*out.glob("history.sqlite"), *out.glob("*/history.sqlite")})
    if not dbs:
        err.print(f"No crawl history under {out}: crawl first (`narcwatch crawl --out {out}`).")
        raise typer.Exit(2)
    when = parse_when(since)
    rows: list[dict] = []
    for db in dbs:
        history = History(db)
        try:
            rows += history.changes(since=when.isoformat() if when else None, source=source, kinds=kind or ())
        finally:
            history.close()
    rows.sort(key=lambda r: (r["at"] or "", r["key"] or ""), reverse=True)
    if as_json:
        for row in rows[:limit]:
            print(json.dumps(row, ensure_ascii=False))
        return
    counts = Counter(r["kind"] for r in rows)
    table = Table(title=f"{len(rows):,} changes" + (f" since {since}" if since else "") + ": "
                  + ", ".join(f"{n:,} {k}" for k, n in counts.most_common()), title_justify="left", expand=True)
    for col in ("when", "source", "listing", "change", "field", "was", "now"):
        table.add_column(col, overflow="fold", no_wrap=col == "when")
    for r in rows[:limit]:
        old, new = r["old"], r["new"]
        if r["field"] == "description":  # the history keeps text hashes, not the texts
            old, new = "text", "new text"
        table.add_row(*(Text(str(v or "")) for v in (r["at"][:19].replace("T", " "), r["source"], r["key"],
                                                        r["kind"], r["field"], old, new)))
    Console(highlight=False).print(table)
    if len(rows) > limit:
        err.print(f"{len(rows) - limit:,} more: raise --limit or narrow with --since/--source/--kind.")


@index_app.command("feed")
def index_feed(
    paths: Annotated[list[Path], typer.Argument(help="Feed files (runs/<id>/items/*.jsonl) or run folders.")],
    batch_size: Annotated[int, typer.Option(min=1)] = 256,
) -> None:
    """Analyse and index items from crawl feeds: a crawl run with --no-analyze, one whose store was unreachable, or
    old runs after a new model; then link vendors again. Ids are stable, so nothing is indexed twice."""
    from rich.progress import Progress

    from index.cli import store_or_exit
    from index.linking import relink
    from narcwatch.pipeline import Outcome, Stages, process_all, read_feed

    console = Console(stderr=True, highlight=False)
    files = sorted({f for p in paths for f in ([p] if p.is_file() else p.glob("**/items/*.jsonl"))})
    if not files:
        console.print(f"No feed files in {', '.join(map(str, paths))}")
        raise typer.Exit(2)
    total = Outcome()
    lines = 0
    for f in files:
        with f.open("rb") as fh:
            lines += sum(1 for _ in fh)
    stages = Stages.open(batch_size=batch_size)
    try:
        with Progress(console=console) as progress:
            task = progress.add_task("analyse + index", total=lines)
            for outcome in process_all(read_feed(files), stages):
                total += outcome
                progress.advance(task, outcome.analysed or outcome.indexed + len(outcome.failures))
    finally:
        stages.close()
    with store_or_exit() as store:
        _, actors = relink(store)
    console.print(f"{total.analysed:,} analysed, {total.indexed:,} indexed, {total.spooled:,} spooled, "
                  f"{total.rejected:,} rejected, {len(total.failures):,} failed; "
                  f"{sum(len(a['members']) > 1 for a in actors):,} linked actors")
    for failure in total.failures[:20]:
        console.print(f"  {failure.stage} failed: {failure.key}: {failure.message}", markup=False)
    if total.failures:
        raise typer.Exit(1)

if __name__ == "__main__":
    app()
