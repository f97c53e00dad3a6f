"""The `narcwatch` command line: one typer app, one sub-app per stage."""

from pathlib import Path
from typing import Annotated

import typer

from index.cli import app as index_app
from index.cli import lookup, search
from narcwatch.runs import runs
from narcwatch.schedule import app as schedule_app
from nlp.cli import analyze
from nlp.cli import app as nlp_app
from testsites.cli import app as range_app

app = typer.Typer(no_args_is_help=True, help="narcwatch: crawl, understand, index and act on drug-trafficking sites.")
app.add_typer(range_app, name="range")
app.add_typer(nlp_app, name="nlp")
app.add_typer(index_app, name="index")
app.add_typer(schedule_app, name="schedule")
app.command()(analyze)
app.command()(search)
app.command()(lookup)
app.command()(runs)


@app.command()
def demo(seed: int = 7, listings: int = 2000) -> None:
    """Start the test range and show what it serves (the full crawl-to-index demo builds on this)."""
    from testsites.demo import run_demo

    run_demo(seed=seed, listings=listings)


@app.command()
def crawl(
    sources: Annotated[list[str] | None, typer.Argument(help="Source names from the config; all when omitted.")] = None,
    config: Annotated[Path, typer.Option("--config", "-c", help="Sources config (YAML).")] = Path(
        "config/sources.yaml"),
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder: items, evidence, history, reports.")] = Path(
        "crawl-out"),
    secrets_file: Annotated[Path | None, typer.Option("--secrets", help="KEY=value file for login fields.")] = None,
) -> None:
    """Crawl configured sources with evidence capture; a crawl that was killed resumes where it stopped."""
    from rich.console import Console

    from crawlers.config import ConfigError, Secrets, load_sources
    from crawlers.run import crawl as run_crawl
    from crawlers.run import problems_table, report_table

    console = Console(stderr=True)
    try:
        cfg = load_sources(config)
        chosen = cfg.select(sources)
        secrets_path = secrets_file or (Path(cfg.defaults.secrets_file) if cfg.defaults.secrets_file else None)
        result = run_crawl(chosen, out=out, secrets=Secrets(secrets_path), console=console)
    except ConfigError as exc:
        console.print("[red]Configuration error[/]")
        console.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(2) from None
    Console().print(report_table(result))
    problems = problems_table(result)
    if problems is not None:
        Console().print(problems)
    console.print(f"Report: {result.run_dir / 'report.json'}  Items: {result.run_dir / 'items'}  "
                  f"Evidence: {result.run_dir / 'evidence'}")
    if not result.ok:
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
