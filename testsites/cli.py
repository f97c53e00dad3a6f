"""`narcwatch range ...`: serve the test range and write its ground truth."""

from __future__ import annotations

import asyncio
import signal
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from testsites.apps.common import RangeSettings
from testsites.serve import Range, write_truth
from testsites.world import SITES, World

app = typer.Typer(no_args_is_help=True, help="The local test range: markets, a precursor shop, a forum, channels.")
console = Console()
DEFAULT_BASE_PORT = 8600


def _world(seed: int, listings: int, epoch: int) -> World:
    try:
        return World(seed=seed, listings=listings, epoch=epoch)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


def sites_table(rng: Range) -> Table:
    table = Table(title=f"narcwatch test range · seed {rng.world.seed} · {rng.world.size} listings · "
                  f"epoch {rng.world.epoch}")
    for col in ("site", "kind", "address", "direct (loopback)", "status"):
        table.add_column(col)
    for key, spec in SITES.items():
        status = "online" if rng.world.site_online(key) else f"offline since epoch {spec.offline_from}"
        direct = rng.direct_url(key) + (f"/s/{key}" if spec.kind == "channel" else "")
        address = rng.urls[key] + (f"/s/{key}" if spec.kind == "channel" else "")
        table.add_row(f"{spec.name} ({key})", spec.kind, address, direct, status)
    return table


DEFAULT_STATE = Path(tempfile.gettempdir()) / "narcwatch-range"
Seed = Annotated[int, typer.Option(help="Seed: the same seed, size and epoch always give the same range.")]
Listings = Annotated[int, typer.Option(help="Market and shop listings in all.")]
Epoch = Annotated[int, typer.Option(help="Week of the range's life: listings come, go and change between epochs.")]
BasePort = Annotated[int, typer.Option(help="Sites listen on base+0..5, the SOCKS proxy on base+9.")]


@app.command()
def serve(
    seed: Seed = 7,
    listings: Listings = 2000,
    epoch: Epoch = 0,
    base_port: BasePort = DEFAULT_BASE_PORT,
    state_dir: Annotated[Path, typer.Option(help="CAPTCHA answers, secrets.env, range.json.")] = DEFAULT_STATE,
    session_ttl: Annotated[float, typer.Option(help="Login market: seconds before a session expires.")] = 900.0,
    rate_limit: Annotated[float, typer.Option(help="Login market: requests/s per client before HTTP 429.")] = 40.0,
) -> None:
    """Start every site on 127.0.0.1 and print its address; Ctrl-C stops."""
    settings = RangeSettings(state_dir=state_dir, session_ttl=session_ttl, rate_limit=rate_limit,
                             rate_burst=max(1, int(rate_limit * 2)))
    rng = Range(_world(seed, listings, epoch), settings, base_port=base_port)

    async def main() -> None:
        try:
            await rng.start()
        except OSError as exc:
            console.print(f"[red]cannot start the range: {exc}. Is another range running? Try --base-port.[/red]")
            raise typer.Exit(1) from None
        console.print(sites_table(rng))
        console.print(f"SOCKS5 proxy (onion names, remote DNS): [bold]{rng.proxy.url}[/bold]")
        console.print(f"Login market account and CAPTCHA answers: {rng.secrets_file}, {state_dir}/market_b_captcha/")
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        await rng.stop()

    asyncio.run(main())


@app.command()
def truth(
    out: Annotated[Path, typer.Option("--out", help="JSONL file to write.")],
    seed: Seed = 7,
    listings: Listings = 2000,
    epoch: Epoch = 0,
    base_port: BasePort = DEFAULT_BASE_PORT,
) -> None:
    """Write the ground truth (sites, actors, vendors, listings, posts, decoys, hostile pages) as JSONL."""
    world = _world(seed, listings, epoch)
    rng = Range(world, RangeSettings(state_dir=Path(tempfile.gettempdir())), base_port=base_port)
    with console.status("writing ground truth"):
        n = write_truth(world, rng.urls, out)
    console.print(f"{n} records written to {out}")
