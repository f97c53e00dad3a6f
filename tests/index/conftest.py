"""Store fixtures: every contract test runs once per backend, the embedded store and a real OpenSearch node started
on loopback for the session (it must start: a missing Java or jar is an error, never a skip)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from opensearchpy import OpenSearch

from index.schema import Entity
from index.store import Store, StoreConfig, open_store
from tests.index.docs import corpus

BACKENDS = [pytest.param("embedded", id="embedded"), pytest.param("opensearch", id="opensearch")]

StoreFactory = Callable[..., Store]


def _backend_urls(request: pytest.FixtureRequest) -> list[str]:
    """Ask for the node only when the engine backend runs, so `-k embedded` needs no Java."""
    return request.getfixturevalue("search_node").urls[:1] if request.param == "opensearch" else []


def _drop(urls: list[str], prefix: str) -> None:
    """Delete what a test made on the shared node (indices, aliases with them, templates) to keep it small."""
    client = OpenSearch(hosts=urls, timeout=60)
    try:
        names = list(client.indices.get(index=f"{prefix}*", expand_wildcards="all", ignore_unavailable=True))
        if names:
            client.indices.delete(index=",".join(names))
        for template in client.indices.get_index_template(name=f"{prefix}*", ignore=404).get("index_templates", []):
            client.indices.delete_index_template(name=template["name"])
    finally:
        client.close()


def _make(home: Path, prefix: str, urls: list[str]) -> tuple[StoreFactory, list[Store]]:
    opened: list[Store] = []

    def make(ensure: bool = True, **overrides: object) -> Store:
        config = StoreConfig(home=home, prefix=prefix, url=urls, replicas=0, **overrides)  # type: ignore[arg-type]
        store = open_store(config)
        opened.append(store)
        if ensure:
            store.ensure_schema()
        return store

    return make, opened


@pytest.fixture(params=BACKENDS)
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    """Opens stores of one backend on the same home and prefix (a second call is a restart of the same store);
    `make_store(max_doc_bytes=...)` overrides the config, `ensure=False` skips `ensure_schema()`."""
    urls = _backend_urls(request)
    prefix = "t" + uuid4().hex[:10]
    make, opened = _make(tmp_path / "home", prefix, urls)
    yield make
    for store in opened:
        store.close()
    if urls:
        _drop(urls, prefix)


@pytest.fixture()
def store(make_store: StoreFactory) -> Store:
    """An empty store with its schema."""
    return make_store()


@pytest.fixture(scope="session", params=BACKENDS)
def searchable(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A store holding `docs.corpus()`, written once per backend and only read by the tests that use it."""
    urls = _backend_urls(request)
    prefix = "c" + uuid4().hex[:10]
    make, opened = _make(tmp_path_factory.mktemp("corpus"), prefix, urls)
    store = make()
    for entity, docs in corpus().items():
        result = store.upsert(entity, docs)
        assert result.indexed == len(docs) and not result.rejected, result
    store.refresh()
    assert store.count(Entity.LISTING) == len(corpus()[Entity.LISTING])
    yield store
    for s in opened:
        s.close()
    if urls:
        _drop(urls, prefix)
