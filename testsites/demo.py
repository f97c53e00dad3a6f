"""A first look at the range: start it, fetch each site once over loopback, summarise the ground truth."""

from __future__ import annotations

import tempfile
import urllib.request
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from testsites.apps.common import RangeSettings
from testsites.cli import sites_table
from testsites.serve import running
from testsites.world import SITES, World

console = Console()


def run_demo(seed: int, listings: int) -> None:
    world = World(seed=seed, listings=listings)
    state = Path(tempfile.mkdtemp(prefix="narcwatch-demo-"))
    with running(world, RangeSettings(state_dir=state)) as rng:
        console.print(sites_table(rng))
        for key, spec in SITES.items():
            url = rng.direct_url(key) + (f"/s/{key}" if spec.kind == "channel" else "/")
            with urllib.request.urlopen(url, timeout=30) as resp:  # loopback only
                console.print(f"  {key:<11} HTTP {resp.status} {len(resp.read()):>7} bytes  {url}")
        counts: Counter[tuple[str, str]] = Counter()
        for record in world.truth(rng.urls):
            if record["type"] in ("listing", "post"):
                counts[(record["site"], record["category"])] += 1
    table = Table(title="Ground truth by site and category")
    table.add_column("site")
    categories = sorted({c for _, c in counts})
    for c in categories:
        table.add_column(c, justify="right")
    for key in SITES:
        table.add_row(key, *(str(counts[(key, c)]) for c in categories))
    console.print(table)
