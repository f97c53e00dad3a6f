"""How fast the NLP pipeline analyses offer texts, against spaCy's tokenizer alone on the same texts, and its memory.

The texts are every listing and post of a test-range world, repeated until there are at least --docs of them. The
pipeline is the trained one (nlp.pipeline.default(), classifier included), as `narcwatch analyze` runs it. Both
passes are timed in the same run after a warm-up (lingua loads its models on first use), so a busy machine slows
both sides of the ratio. Four figures:

1. Tokenizer-only docs/s (`nlp.tokenizer.pipe`): the floor no spaCy pipeline gets below.
2. Full pipeline docs/s in one process (`nlp.pipe`), and its ratio to (1); the requirement is ≥ 0.25.
3. Full pipeline docs/s with n_process=2 (worker start-up included), and its ratio to (2).
4. RSS of this process after loading the pipeline minus before (and after the warm-up, as lingua loads its models
   on first use), and the peak RSS (this process; the largest worker).

A missed target is reported, not an error: the exit status is 0 unless a run fails.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from rich.console import Console
from rich.table import Table
from spacy.language import Language

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlp import pipeline  # noqa: E402
from testsites.world import World  # noqa: E402

RATIO_TARGET = 0.25
MIB = 2**20
WARM_UP = 500


def rss() -> tuple[float, float]:
    """(current, peak) resident set size of this process in MiB."""
    try:
        import psutil  # noqa: PLC0415  # optional: /proc gives the same on Linux
    except ImportError:
        status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
        return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024
    info = psutil.Process().memory_info()
    return info.rss / MIB, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def texts(seed: int, listings: int, docs: int) -> tuple[list[str], int]:
    """The world's listing and post texts repeated to at least `docs`, and how many distinct texts there are."""
    world = World(seed=seed, listings=listings)
    records = world.truth(defaultdict(lambda: "http://range"))
    distinct = [pipeline.record_text(r) for r in records if r["type"] in ("listing", "post")]
    return distinct * -(-docs // len(distinct)), len(distinct)


def load() -> tuple[Language, str]:
    """The trained pipeline (classifier included) that `narcwatch analyze` runs; set-up trains it."""
    try:
        return pipeline.default(), "nlp.pipeline.default()"
    except pipeline.NotTrainedError as exc:
        raise SystemExit(f"bench/nlp.py: {exc}") from None


def rate(run: Callable[[], Iterable[object]], n: int) -> float:
    """Docs per second of consuming `run()`, which yields n docs."""
    start = time.perf_counter()
    count = sum(1 for _ in run())
    assert count == n, f"{count} docs out of {n}"
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seed", type=int, default=7, help="test-range world seed (default 7)")
    # 4,000 listings give about 5,300 distinct texts, so the default run repeats none: the pipeline's caches
    # (wallets, phone parses, words) then help only as much as the repetition within real listings does.
    parser.add_argument("--listings", type=int, default=4000, help="listings in the world (default 4000)")
    parser.add_argument("--docs", type=int, default=5000, help="repeat the texts to at least this many (default 5000)")
    parser.add_argument("--processes", type=int, default=2, help="n_process of the multi-process run (default 2)")
    args = parser.parse_args()
    console = Console()
    load_average = os.getloadavg()[0]

    docs, distinct = texts(args.seed, args.listings, args.docs)
    before, _ = rss()
    nlp, source = load()
    after, _ = rss()
    console.print(f"{source}: {', '.join(nlp.pipe_names)}; {len(docs):,} docs ({distinct:,} distinct texts, "
                  f"{sum(map(len, docs)) / len(docs):.0f} characters on average)")
    list(nlp.pipe(docs[:WARM_UP]))
    list(nlp.tokenizer.pipe(docs[:WARM_UP]))
    warm, _ = rss()

    tokenizer = rate(lambda: nlp.tokenizer.pipe(docs), len(docs))
    single = rate(lambda: nlp.pipe(docs), len(docs))
    multi = rate(lambda: nlp.pipe(docs, n_process=args.processes), len(docs))
    current, peak = rss()
    workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    ratio = single / tokenizer

    table = Table(title=f"bench/nlp.py · world seed {args.seed}, {args.listings:,} listings · {len(docs):,} docs")
    for col in ("measure", "value", "target", "result"):
        table.add_column(col)
    table.add_row("machine: a busy one slows both sides of the ratio",
                  f"{os.cpu_count()} cores, load average {load_average:.1f} → {os.getloadavg()[0]:.1f}", "", "")
    table.add_row("tokenizer only (nlp.tokenizer.pipe) docs/s", f"{tokenizer:,.0f}", "", "")
    table.add_row("full pipeline (nlp.pipe) docs/s", f"{single:,.0f} ({1000 / single:.2f} ms/doc)", "", "")
    table.add_row("  ratio full / tokenizer", f"{ratio:.3f}", f"≥ {RATIO_TARGET}",
                  "[green]PASS[/]" if ratio >= RATIO_TARGET else "[red]FAIL[/]")
    table.add_row(f"full pipeline, n_process={args.processes}, docs/s (start-up included)", f"{multi:,.0f}", "", "")
    table.add_row(f"  ratio n_process={args.processes} / single process", f"{multi / single:.2f}", "", "")
    table.add_row("RSS after loading the pipeline − before", f"{after - before:,.0f} MiB", "", "")
    table.add_row("  after the warm-up − before (lingua loads its models on first use)", f"{warm - before:,.0f} MiB",
                  "", "")
    table.add_row("peak RSS: this process / largest worker", f"{peak:,.0f} MiB / {workers_peak:,.0f} MiB", "", "")
    table.add_row("RSS at the end", f"{current:,.0f} MiB", "", "")
    console.print(table)
    print(json.dumps({"pipeline": nlp.pipe_names, "docs": len(docs), "tokenizer_docs_s": tokenizer,
                      "pipeline_docs_s": single, "ratio": ratio, "ratio_pass": ratio >= RATIO_TARGET,
                      "multi_process_docs_s": multi, "multi_over_single": multi / single,
                      "load_rss_mib": after - before, "warm_rss_mib": warm - before, "peak_rss_mib": peak,
                      "workers_peak_rss_mib": workers_peak}))


if __name__ == "__main__":
    main()
