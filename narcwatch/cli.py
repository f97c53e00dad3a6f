"""The `narcwatch` command line: one typer app, one sub-app per stage."""

import typer

from testsites.cli import app as range_app

app = typer.Typer(no_args_is_help=True, help="narcwatch: crawl, understand, index and act on drug-trafficking sites.")
app.add_typer(range_app, name="range")


@app.command()
def demo(seed: int = 7, listings: int = 2000) -> None:
    """Start the test range and show what it serves (the full crawl-to-index demo builds on this)."""
    from testsites.demo import run_demo

    run_demo(seed=seed, listings=listings)


if __name__ == "__main__":
    app()
