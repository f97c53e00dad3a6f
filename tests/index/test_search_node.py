"""The test node is a real OpenSearch, on loopback, started and stopped by the tests themselves."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from tests.index.search_node import start


def test_a_real_three_node_cluster_starts_on_loopback_and_stops(tmp_path: Path) -> None:
    cluster = start(tmp_path, nodes=3)
    try:
        info = json.load(urllib.request.urlopen(cluster.urls[0], timeout=10))
        assert info["version"]["distribution"] == "opensearch" and info["version"]["number"].startswith("3.")
        health = json.load(urllib.request.urlopen(cluster.urls[2] + "/_cluster/health", timeout=10))
        assert health["number_of_nodes"] == 3
        nodes = json.load(urllib.request.urlopen(cluster.urls[1] + "/_nodes/http", timeout=10))["nodes"]
        assert all(n["http"]["publish_address"].startswith("127.0.0.1:") for n in nodes.values())
    finally:
        cluster.stop()
    assert cluster.process.returncode is not None
