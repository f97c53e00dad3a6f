"""How fast the store ingests and answers, on a real OpenSearch node started for the run, and its memory.

Documents are the test range's listings (a world of --listings), made into store documents by
`index.documents.item_documents` with the range's ground truth standing in for the NLP analysis (so this measures
the store, not the classifier). Figures:

1. Ingest docs/s of the store's path (`EngineStore.upsert`: prepare, write-ahead spool, `helpers.streaming_bulk`)
   against raw `helpers.bulk` of the same serialised documents into an index with the same mapping, on the same
   node, in the same run; runs alternate and the best of each side counts. The requirement is a ratio ≥ 0.8.
2. The store's docs/s per chunk size, and the best chunk size.
3. The embedded store's docs/s on the same documents.
4. Query latency p50/p95 (ms) of the analyst questions at --listings listings, on both backends.
5. Peak RSS of this process and of the node's JVM.

A missed target is reported, not an error: the exit status is 0 unless a run fails.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index import testnode  # noqa: E402
from index.documents import item_documents  # noqa: E402
from index.schema import DAY, Entity  # noqa: E402
from index.store import Query, Store, StoreConfig, open_store, prepare  # noqa: E402
from narcwatch.models import Listing, Money  # noqa: E402
from testsites.world import World  # noqa: E402

RATIO_TARGET = 0.8
CHUNKS = (250, 500, 1000, 2000)
MIB = 2**20


def documents(seed: int, listings: int) -> tuple[list[dict], list[dict]]:
    """Listing and identifier-sighting documents of a world's listings, seen over the last 30 days."""
    world = World(seed=seed, listings=listings)
    now = datetime.now(UTC)
    listing_docs: list[dict] = []
    sightings: list[dict] = []
    for n, r in enumerate(r for r in world.truth(defaultdict(lambda: "http://range")) if r["type"] == "listing"):
        price = Money(**r["price"]) if r.get("price") else None
        item = Listing(source=r["site"], key=r["id"], url=r["url"], native_id=r["id"].split(":")[-1],
                       fetched_at=now - timedelta(minutes=(n * 37) % (30 * 24 * 60)), run_id="bench",
                       title=r["title"], description=r["description"], price=price, vendor=r.get("vendor"),
                       ships_from=r.get("ships_from"), ships_to=r.get("ships_to"))
        identifiers = [{**i, "normalized": i["value"].lstrip("@").lower() if i["type"] != "crypto_address"
                        else i["value"]} for i in r.get("identifiers", [])]
        analysis = {"language": r.get("lang"), "category": r["category"], "scores": {r["category"]: 0.9},
                    "substances": r.get("substances", []), "identifiers": identifiers,
                    "prices": r.get("prices", []), "quantities": r.get("quantities", [])}
        docs = item_documents(item, analysis)
        listing_docs += docs[Entity.LISTING]
        sightings += docs[Entity.IDENTIFIER]
    return listing_docs, sightings


def peak_rss_mib(pid: int | str = "self") -> float:
    """Peak resident set size of a process (this one by default), from /proc."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(status["VmHWM"].split()[0]) / 1024


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def raw_bulk(store: Store, docs: list[dict], index: str, chunk: int) -> float:
    """Seconds for raw `helpers.bulk` of the documents as the store serialises them (serialising is not timed)."""
    from opensearchpy import helpers

    sources = [prepare(Entity.LISTING, d) for d in docs]
    actions = [{"_index": index, "_id": p.id, "_source": p.source} for p in sources]  # type: ignore[union-attr]
    client = store.client  # type: ignore[attr-defined]
    return timed(lambda: helpers.bulk(client, actions, chunk_size=chunk, refresh=False))


def store_ingest(store: Store, docs: list[dict], chunk: int) -> float:
    """Seconds for the store's ingest path, fed in batches of four chunks as a pipeline would."""

    def run() -> None:
        for start in range(0, len(docs), chunk * 4):
            result = store.upsert(Entity.LISTING, docs[start:start + chunk * 4])
            assert result.indexed == len(docs[start:start + chunk * 4]), result.model_dump(exclude={"warnings"})
    return timed(run)


def questions(sample: dict) -> dict[str, Callable[[Store], object]]:
    """The analyst's questions of the issue, with values taken from the data."""
    xmr = sample["xmr"]
    week = datetime.now(UTC) - timedelta(days=7)
    return {
        f"text: {sample['words']!r}, top 20": lambda s: s.search(Query(text=sample["words"], size=20)),
        "pays to this XMR address": lambda s: s.search(Query(filters={"identifier": [xmr]}, size=50)),
        "precursor offers from X this week": lambda s: s.search(Query(
            filters={"class": ["precursor_offer"], "country": [sample["country"]]}, since=week, sort="newest")),
        "counts by site, class, substance, currency, country, day": lambda s: s.aggregate(
            Query(size=0), ["site", "class", "substance", "currency", "country", DAY]),
        "lookup XMR address": lambda s: s.lookup(xmr),
    }


def latencies(store: Store, qs: dict[str, Callable[[Store], object]], repeat: int) -> dict[str, tuple[float, float]]:
    out = {}
    for name, ask in qs.items():
        ask(store)  # warm caches once, as an analyst's second question would
        ms = sorted(timed(lambda ask=ask: ask(store)) * 1000 for _ in range(repeat))
        out[name] = (statistics.median(ms), ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))])
    return out


def sample_values(docs: list[dict]) -> dict:
    xmr = next(i["normalized"] for d in docs for i in d.get("identifiers", []) if i.get("currency") == "XMR")
    substances: dict[str, int] = defaultdict(int)
    for d in docs:
        for name in d.get("substance_names", []):
            substances[name] += 1
    words = max(substances, key=substances.__getitem__)  # the commonest substance: a query with many matches
    countries = defaultdict(int)
    for d in docs:
        if d.get("category") == "precursor_offer" and d.get("country"):
            countries[d["country"]] += 1
    return {"xmr": xmr, "words": words, "country": max(countries, key=countries.__getitem__) if countries else "NL"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--listings", type=int, default=100_000, help="listings for query latency (default 100000)")
    parser.add_argument("--ingest", type=int, default=20_000, help="listings per ingest run (default 20000)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of raw vs store (default 3)")
    parser.add_argument("--repeat", type=int, default=30, help="runs of each query (default 30)")
    args = parser.parse_args()
    console = Console()
    work = Path(tempfile.mkdtemp(prefix="narcwatch-bench-index-"))
    with console.status(f"Building documents of {args.listings:,} listings…"):
        docs, sightings = documents(args.seed, args.listings)
    ingest_docs = docs[:args.ingest]
    console.print(f"{len(docs):,} listing documents, {len(sightings):,} identifier sightings; mean listing "
                  f"{statistics.mean(len(json.dumps(d)) for d in ingest_docs[:2000]):,.0f} bytes serialised")
    with console.status("Starting an OpenSearch node on loopback…"):
        node = testnode.start(work / "node")
    try:
        config = StoreConfig(url=node.urls, engine="opensearch", home=work / "engine-home", prefix="bench",
                             replicas=0)
        rows: list[tuple[str, float, float, float]] = []
        fresh = iter(range(1000))

        def new_store(chunk: int = 500) -> Store:
            """A store on indices of their own, so every timed run inserts (no run pays for another's deletes)."""
            n = next(fresh)
            store = open_store(config.model_copy(update={"prefix": f"run{n}", "home": work / f"home{n}",
                                                         "chunk_size": chunk}))
            store.ensure_schema()
            return store

        with console.status("Warming the node up (JIT, caches) with an untimed ingest…"), new_store() as warm:
            store_ingest(warm, ingest_docs[:5000], 500)
            raw_bulk(warm, ingest_docs[:5000], "run0-listing", 500)
        best_raw = best_store = 0.0
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Alternating raw helpers.bulk and store ingest", total=args.rounds * 2)
            for round_ in range(args.rounds):
                timings = {}
                for side in (("raw", "store") if round_ % 2 == 0 else ("store", "raw")):
                    with new_store() as target:
                        alias = f"{target.config.prefix}-listing"
                        timings[side] = raw_bulk(target, ingest_docs, alias, 500) if side == "raw" else \
                            store_ingest(target, ingest_docs, 500)
                    progress.advance(task)
                raw_rate, store_rate = len(ingest_docs) / timings["raw"], len(ingest_docs) / timings["store"]
                best_raw, best_store = max(best_raw, raw_rate), max(best_store, store_rate)
                rows.append((f"round {round_ + 1}, chunk 500", raw_rate, store_rate, store_rate / raw_rate))
            by_chunk = {}
            task = progress.add_task("Store ingest by chunk size", total=len(CHUNKS))
            for chunk in CHUNKS:
                with new_store(chunk) as target:
                    by_chunk[chunk] = len(ingest_docs) / store_ingest(target, ingest_docs, chunk)
                progress.advance(task)
        best_chunk = max(by_chunk, key=by_chunk.__getitem__)

        with open_store(config) as engine:
            engine.ensure_schema()
            with Progress(console=console, transient=True) as progress:
                task = progress.add_task(f"Loading {len(docs):,} listings for the query figures", total=len(docs))
                engine.config.chunk_size = best_chunk
                for start in range(0, len(docs), 5000):
                    engine.upsert(Entity.LISTING, docs[start:start + 5000])
                    progress.advance(task, len(docs[start:start + 5000]))
                engine.upsert(Entity.IDENTIFIER, sightings)
                engine.refresh()
            qs = questions(sample_values(docs))
            engine_latency = latencies(engine, qs, args.repeat)

        embedded_home = work / "embedded-home"
        with open_store(StoreConfig(home=embedded_home)) as embedded:
            embedded.ensure_schema()
            embedded_rate = len(ingest_docs) / timed(lambda: embedded.upsert(Entity.LISTING, ingest_docs))
            embedded.upsert(Entity.LISTING, docs[len(ingest_docs):])
            embedded.upsert(Entity.IDENTIFIER, sightings)
            embedded.refresh()
            embedded_latency = latencies(embedded, qs, args.repeat)
        jvm = peak_rss_mib(node.process.pid)
    finally:
        node.stop()
        shutil.rmtree(work, ignore_errors=True)

    table = Table(title=f"Ingest of {len(ingest_docs):,} listings (docs/s)", title_justify="left")
    for column in ("run", "raw helpers.bulk", "store upsert", "ratio"):
        table.add_column(column, justify="right")
    for name, raw_rate, store_rate, ratio in rows:
        table.add_row(name, f"{raw_rate:,.0f}", f"{store_rate:,.0f}", f"{ratio:.2f}")
    console.print(table)
    ratio = best_store / best_raw
    verdict = "[green]meets[/]" if ratio >= RATIO_TARGET else "[red]misses[/]"
    console.print(f"Best store {best_store:,.0f} docs/s vs best raw {best_raw:,.0f} docs/s: ratio [bold]{ratio:.2f}[/]"
                  f" ({verdict} the ≥ {RATIO_TARGET} target)")
    console.print("Store docs/s by chunk size: " + ", ".join(f"{c}: {r:,.0f}" for c, r in by_chunk.items())
                  + f"; best chunk size [bold]{best_chunk}[/]")
    console.print(f"Embedded store: [bold]{embedded_rate:,.0f}[/] docs/s on the same {len(ingest_docs):,} documents")
    q = Table(title=f"Query latency at {len(docs):,} listings, ms (p50 / p95 of {args.repeat})", title_justify="left")
    for column in ("question", "OpenSearch", "embedded"):
        q.add_column(column, justify="right" if column != "question" else "left")
    for name in qs:
        e, s = engine_latency[name], embedded_latency[name]
        q.add_row(name, f"{e[0]:.1f} / {e[1]:.1f}", f"{s[0]:.1f} / {s[1]:.1f}")
    console.print(q)
    console.print(f"Peak RSS: this process {peak_rss_mib():,.0f} MiB, OpenSearch JVM {jvm:,.0f} MiB")


if __name__ == "__main__":
    main()

