"""`narcwatch search`, `lookup` and `index stats|ensure|replay|rejected` on both backends, configured the way an
analyst configures them: through the environment."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from index.cli import parse_when
from index.schema import Entity
from index.store import Store
from narcwatch.cli import app
from tests.index import docs
from tests.index.conftest import StoreFactory
from tests.index.docs import BTC

runner = CliRunner()


def env(store: Store) -> dict[str, str]:
    c = store.config
    return {"NARCWATCH_HOME": str(c.home), "NARCWATCH_INDEX_PREFIX": c.prefix,
            "NARCWATCH_SEARCH_URL": ",".join(c.url), "NARCWATCH_SEARCH_REPLICAS": "0", "COLUMNS": "200"}


@pytest.fixture()
def filled(make_store: StoreFactory) -> Store:
    store = make_store()
    for entity, batch in docs.corpus().items():
        assert not store.upsert(entity, batch).rejected
    store.refresh()
    return store


def run(store: Store, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env=env(store))
    return result.exit_code, result.output


def test_search_with_filters_prints_json_lines(filled: Store) -> None:
    code, out = run(filled, "search", "cocaine", "--site", "alpha", "--site", "beta", "--currency", "BTC", "--json")
    assert code == 0, out
    hits = [json.loads(line) for line in out.splitlines()]
    assert {h["id"] for h in hits} == {"alpha-001"}  # beta-002 has cocaine but pays in XMR; delta is not chosen
    assert hits[0]["entity"] == "listing" and "[[" in hits[0]["snippet"] and hits[0]["doc"]["vendor"] == "SnowKing"


def test_search_table_shows_the_total_matches_and_counts(filled: Store) -> None:
    code, out = run(filled, "search", "", "--class", "drug_offer", "--since", "2025-03-02", "--sort", "newest",
                    "--counts")
    assert code == 0, out
    assert "4 listings match" in out, out  # beta-001, beta-002, delta-ru, delta-pl; gamma-002 is document fraud
    assert "site: beta 2, delta 2" in out and "day: 2025-03-02 2, 2025-03-05 2" in out
    assert out.index("Kokaina") < out.index("Heroin number four")  # newest first


def test_lookup_shows_sightings_vendors_and_linked_identifiers(filled: Store) -> None:
    code, out = run(filled, "lookup", BTC)
    assert code == 0, out
    assert "2 sightings in 2 items" in out and "SnowKing" in out and "WhiteRabbit" in out
    assert "snowking_shop" in out.lower()  # the telegram handle seen with the address
    code, out = run(filled, "lookup", BTC, "--json")
    found = json.loads(out)
    assert {h["id"] for h in found["items"]} == {"alpha-001", "beta-001"}


def test_lookup_of_an_unknown_identifier_says_so_and_exits_1(filled: Store) -> None:
    code, out = run(filled, "lookup", "@nobody_here")
    assert code == 1 and "No sighting" in out


def test_index_stats_counts_documents_per_entity(filled: Store) -> None:
    code, out = run(filled, "index", "stats", "--json")
    assert code == 0, out
    stats = json.loads(out)
    assert stats["entities"]["listing"]["count"] == len(docs.corpus()[Entity.LISTING])
    assert stats["backend"] == ("opensearch" if filled.config.url else "embedded")
    code, out = run(filled, "index", "stats")
    assert code == 0 and "listing" in out and "health" in out


def test_rejected_documents_are_listed(store: Store) -> None:
    bad = docs.listing(1)
    bad["price_amount"] = "cheap"
    assert store.upsert(Entity.LISTING, [bad]).rejected
    code, out = run(store, "index", "rejected")
    assert code == 0 and "alpha-001" in out and "price_amount" in out


def test_bad_arguments_get_a_clear_error(filled: Store) -> None:
    code, out = run(filled, "search", "x", "--since", "last tuesday")
    assert code == 2 and "neither a date" in out
    code, out = run(filled, "search", "x", "--sort", "sideways")
    assert code == 2 and "sort" in out


def test_an_unreachable_engine_is_an_error_in_words_not_a_traceback(tmp_path) -> None:
    environment = {"NARCWATCH_HOME": str(tmp_path), "NARCWATCH_SEARCH_URL": "http://127.0.0.1:9",
                   "NARCWATCH_SEARCH_ENGINE": "opensearch"}
    result = runner.invoke(app, ["search", "cocaine"], env=environment)
    assert result.exit_code == 2, result.output
    assert "Store error" in result.output and "127.0.0.1:9" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_ages_and_dates_for_since_and_until() -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime(2026, 11, 27, 12, tzinfo=UTC)
    assert parse_when("7d", now) == now - timedelta(days=7)
    assert parse_when("24h", now) == now - timedelta(hours=24)
    assert parse_when("2026-11-01") == datetime(2026, 11, 1, tzinfo=UTC)
    assert parse_when("2026-11-01T08:00+02:00") == datetime(2026, 11, 1, 6, tzinfo=UTC)
    assert parse_when(None) is None


def test_an_engine_without_our_indices_says_how_to_create_them(search_node, tmp_path) -> None:
    environment = {"NARCWATCH_HOME": str(tmp_path), "NARCWATCH_SEARCH_URL": search_node.urls[0],
                   "NARCWATCH_INDEX_PREFIX": "never-created"}
    result = runner.invoke(app, ["search", "cocaine"], env=environment)
    assert result.exit_code == 2 and "narcwatch index ensure" in result.output, result.output
    result = runner.invoke(app, ["index", "ensure"], env=environment)
    assert result.exit_code == 0 and "created listing" in result.output, result.output
    result = runner.invoke(app, ["search", "cocaine"], env=environment)
    assert result.exit_code == 0 and "0 listings match" in result.output, result.output
