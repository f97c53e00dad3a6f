"""How fast the range serves pages under concurrent load, against a bare aiohttp server in the same run.

Both servers run as their own processes (as in real use); the load generator runs here with the same
concurrency against each. Prints pages/s, the ratio range/baseline, and the range's memory with
100,000 listings before and after the load.
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from testsites.world import listing_number  # noqa: E402

LISTINGS = 100_000
CONCURRENCY = 32
SECONDS = 10.0
BASELINE = """
from aiohttp import web
async def page(request):
    return web.Response(text="<html><body>" + "x" * 4000 + "</body></html>", content_type="text/html")
app = web.Application(); app.router.add_get("/{tail:.*}", page)
web.run_app(app, host="127.0.0.1", port=int(__import__("sys").argv[1]), print=None, access_log=None)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid: int) -> tuple[float, float]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


async def wait_up(url: str) -> None:
    async with aiohttp.ClientSession() as s:
        for _ in range(300):
            try:
                async with s.get(url) as r:
                    await r.read()
                    return
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


async def load(urls: list[str]) -> tuple[int, int]:
    """Fetch random URLs from `urls` with CONCURRENCY workers for SECONDS; (pages, bytes)."""
    pages = size = 0
    deadline = time.monotonic() + SECONDS
    rnd = random.Random(1)
    conn = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=conn) as s:
        async def worker() -> None:
            nonlocal pages, size
            while time.monotonic() < deadline:
                async with s.get(rnd.choice(urls)) as r:
                    body = await r.read()
                    if r.status >= 500:
                        raise RuntimeError(f"{r.url}: HTTP {r.status}")
                    size += len(body)
                    pages += 1
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return pages, size


def range_urls(base: int, counts: dict[str, int]) -> list[str]:
    rnd = random.Random(2)
    urls = [f"http://127.0.0.1:{base}/listing/{listing_number('market_a', rnd.randrange(counts['market_a']))}"
            for _ in range(4000)]
    urls += [f"http://127.0.0.1:{base}/category/stimulant?page={p}" for p in range(1, 40)]
    urls += [f"http://127.0.0.1:{base + 4}/thread/{rnd.randrange(1000)}" for _ in range(500)]
    urls += [f"http://127.0.0.1:{base + 5}/s/channel_ua?before={rnd.randrange(100, 5000)}" for _ in range(500)]
    return urls


def main() -> None:
    console = Console()
    base = free_port() + 100
    state = Path(tempfile.mkdtemp(prefix="range-bench-"))
    exe = Path(sys.executable).with_name("narcwatch")
    rng_proc = subprocess.Popen([exe, "range", "serve", "--listings", str(LISTINGS), "--base-port", str(base),
                                 "--state-dir", state, "--rate-limit", "100000"], stdout=subprocess.DEVNULL)
    bport = free_port()
    base_proc = subprocess.Popen([sys.executable, "-c", BASELINE, str(bport)])
    try:
        asyncio.run(wait_up(f"http://127.0.0.1:{base}/"))
        asyncio.run(wait_up(f"http://127.0.0.1:{bport}/"))
        started_rss, _ = rss_mib(rng_proc.pid)
        from testsites.world import World

        counts = World(listings=LISTINGS).counts
        with console.status("baseline: bare aiohttp server"):
            b_pages, _ = asyncio.run(load([f"http://127.0.0.1:{bport}/p{i}" for i in range(100)]))
        with console.status(f"range: {LISTINGS:,} listings, random listing, index, thread and channel pages"):
            r_pages, r_bytes = asyncio.run(load(range_urls(base, counts)))
        rss, peak = rss_mib(rng_proc.pid)
    finally:
        for p in (rng_proc, base_proc):
            p.terminate()
            p.wait(timeout=30)
    table = Table(title=f"bench/range.py · {CONCURRENCY} concurrent clients · {SECONDS:.0f} s each")
    for col in ("measure", "value"):
        table.add_column(col)
    table.add_row("baseline pages/s (bare aiohttp, 4 KB page)", f"{b_pages / SECONDS:,.0f}")
    table.add_row("range pages/s (generated on demand)", f"{r_pages / SECONDS:,.0f}")
    table.add_row("ratio range / baseline", f"{r_pages / b_pages:.2f}")
    table.add_row("range mean page size", f"{r_bytes / max(1, r_pages) / 1024:.1f} KiB")
    table.add_row(f"range RSS at start ({LISTINGS:,} listings)", f"{started_rss:.0f} MiB")
    table.add_row("range RSS after load / peak", f"{rss:.0f} / {peak:.0f} MiB")
    console.print(table)
    print(json.dumps({"baseline_pages_s": b_pages / SECONDS, "range_pages_s": r_pages / SECONDS,
                      "ratio": r_pages / b_pages, "rss_start_mib": started_rss, "rss_peak_mib": peak}))


if __name__ == "__main__":
    main()
