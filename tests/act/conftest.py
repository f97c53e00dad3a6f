"""One analysed crawl of the session's range (every source: the onion markets through the proxy, the rendered
market with screenshots, the login market, the shop, the forum and the channels) into a store of its own, for the
act stage's tests: resources, packages, dossiers and exports are built from what a real crawl left."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from index.store import Store, StoreConfig, open_store
from tests.narcwatch.test_pipeline import crawl, narcwatch, only_run
from testsites.serve import Range


@dataclass
class Crawled:
    out: Path  # the crawl's --out folder
    home: Path  # NARCWATCH_HOME of its store
    run_dir: Path

    def store(self) -> Store:
        return open_store(StoreConfig(home=self.home))

    def env(self, **extra: str) -> dict[str, str]:
        import os

        return {**{k: v for k, v in os.environ.items() if not k.startswith("NARCWATCH_SEARCH_")},
                "NARCWATCH_HOME": str(self.home), **extra}

    def run(self, *args: str, **env: str):  # noqa: ANN201 - subprocess.CompletedProcess[str]
        return narcwatch(*args, env=self.env(**env))


@pytest.fixture(scope="session")
def crawled_range(served: Range, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp = tmp_path_factory.mktemp("act")
    proc = crawl(served, tmp / "out", tmp / "home")
    assert proc.returncode in (0, 1), proc.stderr[-4000:]  # 1: the hostile pages stop a source early, by design
    yield Crawled(out=tmp / "out", home=tmp / "home", run_dir=only_run(tmp / "out"))
