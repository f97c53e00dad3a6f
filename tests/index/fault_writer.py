"""A writer process for the kill test (`test_faults.py`): it upserts BATCHES batches of BATCH listings, then one big
batch, and says on stdout where it is, so the test can kill it while a batch is in flight.

Usage: python -m tests.index.fault_writer HOME PREFIX URL. Prints "SENDING <n>" before batch n is handed to the
store and "ACK <n> <indexed>" once `upsert` has returned; every line is flushed at once."""

from __future__ import annotations

import sys
from pathlib import Path

from index.schema import Entity
from index.store import StoreConfig, open_store
from tests.index.docs import listing

BATCH = 500
BATCHES = 10
BIG = 5_000


def batches() -> list[list[dict]]:
    """The documents, by batch: ids alpha-00000 … alpha-09999, the last 5,000 in the big batch."""
    docs = [listing(f"{n:05d}", title=f"Lot {n}", description="white powder, stealth shipping") for n in
            range(BATCH * BATCHES + BIG)]
    return [docs[i:i + BATCH] for i in range(0, BATCH * BATCHES, BATCH)] + [docs[BATCH * BATCHES:]]


def main(home: str, prefix: str, url: str) -> None:
    work = batches()  # built before the first SENDING, so the big batch goes straight to the spool
    config = StoreConfig(url=[url], engine="opensearch", home=Path(home), prefix=prefix, replicas=0, chunk_size=500,
                         initial_backoff=0.05, max_backoff=0.5, max_retries=2, timeout=10)
    with open_store(config) as store:
        store.ensure_schema()
        for n, batch in enumerate(work):
            print(f"SENDING {n}", flush=True)
            result = store.upsert(Entity.LISTING, batch)
            print(f"ACK {n} {result.indexed}", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
