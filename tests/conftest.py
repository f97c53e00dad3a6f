"""Shared fixtures: one test range per session (seed 11, 2,000 listings), served on loopback, with its ground truth;
one OpenSearch node per session, started when a test asks for it; a private store home for the session."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from index.testnode import SearchCluster, start
from testsites.apps.common import RangeSettings
from testsites.serve import Range, running
from testsites.world import World

SEED, LISTINGS = 11, 2000
PROXY_SOURCE = "127.0.0.2"  # the range's proxy connects to sites from here; direct visitors come from 127.0.0.1


@pytest.fixture(scope="session", autouse=True)
def private_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Crawls started by tests (they analyse and index) write into a store of the session, never the analyst's; no
    test reaches a search engine configured in the environment."""
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("NARCWATCH_SEARCH_")}
    saved["NARCWATCH_HOME"] = os.environ.get("NARCWATCH_HOME", "")
    home = tmp_path_factory.mktemp("narcwatch-home")
    os.environ["NARCWATCH_HOME"] = str(home)
    yield home
    os.environ.update({k: v for k, v in saved.items() if v})
    if not saved["NARCWATCH_HOME"]:
        del os.environ["NARCWATCH_HOME"]


@pytest.fixture(scope="session")
def search_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchCluster]:
    cluster = start(tmp_path_factory.mktemp("opensearch"))
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Range]:
    settings = RangeSettings(state_dir=tmp_path_factory.mktemp("range"), rate_limit=10_000, rate_burst=10_000,
                             proxy_source=PROXY_SOURCE)
    with running(World(seed=SEED, listings=LISTINGS), settings) as rng:
        yield rng


@pytest.fixture(scope="session")
def truth(served: Range, tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    path = tmp_path_factory.mktemp("truth") / "truth.jsonl"
    served.write_truth(path)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture()
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.trust_env = False  # never let an environment proxy carry loopback traffic elsewhere
        yield session


def of_type(truth: list[dict], record_type: str, **match: object) -> list[dict]:
    return [r for r in truth if r["type"] == record_type and all(r.get(k) == v for k, v in match.items())]


def onion_session(proxy_url: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.proxies = {"http": proxy_url, "https": proxy_url}
    return session


def state(rng: Range) -> dict:
    return json.loads((Path(rng.settings.state_dir) / "range.json").read_text())
