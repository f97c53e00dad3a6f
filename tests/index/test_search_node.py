"""The test node is a real OpenSearch, on loopback, started and stopped by the tests themselves."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from opensearchpy import OpenSearch

from index.testnode import SearchNodeError, start


def _get(url: str) -> dict:
    return json.load(urllib.request.urlopen(url, timeout=10))


def test_a_real_three_node_cluster_starts_on_loopback_loses_a_node_and_stops(tmp_path: Path) -> None:
    cluster = start(tmp_path, nodes=3)
    try:
        info = _get(cluster.urls[0])
        assert info["version"]["distribution"] == "opensearch" and info["version"]["number"].startswith("3.")
        assert _get(cluster.urls[2] + "/_cluster/health")["number_of_nodes"] == 3
        nodes = _get(cluster.urls[1] + "/_nodes/http")["nodes"]
        assert all(n["http"]["publish_address"].startswith("127.0.0.1:") for n in nodes.values())
        with pytest.raises(SearchNodeError, match="no node 7"):
            cluster.stop_node(7)
        cluster.stop_node(3)
        assert _get(cluster.urls[0] + "/_cluster/health?wait_for_nodes=2&timeout=30s")["number_of_nodes"] == 2
    finally:
        cluster.stop()
    assert cluster.process.returncode is not None


def test_a_restarted_node_on_the_same_base_and_port_keeps_its_documents(tmp_path: Path) -> None:
    cluster = start(tmp_path, settings={"http.max_content_length": "20mb"})
    try:
        client = OpenSearch(cluster.urls[0])
        client.index(index="offers", body={"title": "25 tabs MDMA"}, id="1", refresh=True)
        defaults = client.cluster.get_settings(include_defaults=True, filter_path="**.max_content_length")
        assert defaults["defaults"]["http"]["max_content_length"] == "20mb"
        urls = cluster.urls
        cluster = cluster.restart()
        assert cluster.urls == urls
        assert OpenSearch(cluster.urls[0]).get(index="offers", id="1")["_source"] == {"title": "25 tabs MDMA"}
    finally:
        cluster.stop()
