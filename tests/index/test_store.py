"""What both backends share: configuration from the environment, query text, document preparation, identifier
forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.schema import Entity
from index.store import Rejection, StoreConfig, identifier_forms, parse_text, prepare


def test_configuration_comes_from_the_environment_and_hides_secrets(tmp_path: Path) -> None:
    config = StoreConfig.from_env({
        "NARCWATCH_SEARCH_URL": "https://10.0.0.5:9200, https://10.0.0.6:9200", "NARCWATCH_SEARCH_ENGINE": "opensearch",
        "NARCWATCH_SEARCH_USER": "analyst", "NARCWATCH_SEARCH_PASSWORD": "s3cret-pw",
        "NARCWATCH_SEARCH_API_KEY": "a2V5OnNlY3JldA==", "NARCWATCH_SEARCH_CA": str(tmp_path / "ca.pem"),
        "NARCWATCH_SEARCH_VERIFY": "0", "NARCWATCH_SEARCH_REPLICAS": "2", "NARCWATCH_INDEX_PREFIX": "unit7",
        "NARCWATCH_HOME": str(tmp_path)})
    assert config.url == ["https://10.0.0.5:9200", "https://10.0.0.6:9200"] and config.uses_engine
    assert config.engine == "opensearch" and config.replicas == 2 and config.prefix == "unit7"
    assert config.ca_certs == tmp_path / "ca.pem" and config.verify_certs is False and config.home == tmp_path
    assert config.password and config.password.get_secret_value() == "s3cret-pw"
    shown = repr(config) + str(config) + config.model_dump_json()
    assert "s3cret-pw" not in shown and "a2V5OnNlY3JldA==" not in shown


def test_no_search_url_means_the_embedded_store(tmp_path: Path) -> None:
    config = StoreConfig.from_env({"NARCWATCH_HOME": str(tmp_path)})
    assert not config.uses_engine and config.url == []


@pytest.mark.parametrize("prefix", ["Narcwatch", "nw*", "a b", "_x", "a,b", ""])
def test_an_index_prefix_the_engines_would_refuse_is_refused_at_once(prefix: str) -> None:
    with pytest.raises(ValueError, match="prefix"):
        StoreConfig(prefix=prefix)


@pytest.mark.parametrize(("text", "must", "must_not"), [
    ("mdma pills", [["mdma"], ["pills"]], []),
    ('"pure crystal" OR mdma -fake', [["pure crystal", "mdma"]], ["fake"]),
    ('-"x y" b', [["b"]], ["x y"]),
    ("a OR b OR c d", [["a", "b", "c"], ["d"]], []),
    ("OR a", [["a"]], []),
    ("a OR", [["a"]], []),
    ('unclosed "quote here', [["unclosed"], ["quote here"]], []),
    ("   ", [], []),
])
def test_query_text_grammar(text: str, must: list[list[str]], must_not: list[str]) -> None:
    parsed = parse_text(text)
    assert (parsed.must, parsed.must_not) == (must, must_not)


def test_a_valid_document_is_serialised_once_unchanged() -> None:
    prepared = prepare(Entity.LISTING, {"id": "a:1", "title": "Кокаин 💊", "price_amount": 12.5})
    assert not isinstance(prepared, Rejection)
    assert prepared.source == '{"id":"a:1","title":"Кокаин 💊","price_amount":12.5}' and prepared.warnings == []


def test_preparation_refuses_what_has_no_usable_id() -> None:
    assert isinstance(prepare(Entity.LISTING, {"title": "x"}), Rejection)
    long_id = prepare(Entity.LISTING, {"id": "x" * 600})
    assert isinstance(long_id, Rejection) and "512 bytes" in long_id.reason


def test_repairs_and_cuts_are_recorded_on_the_document() -> None:
    prepared = prepare(Entity.LISTING, {"id": "a:1", "title": b"ok \xff", "description": "d" * 50,
                                        "identifiers": [{"type": "email", "value": "x\udcffy"}]}, max_text_chars=10)
    assert not isinstance(prepared, Rejection)
    assert '"description":"dddddddddd"' in prepared.source and "\ufffd" in prepared.source
    assert len(prepared.warnings) == 3 and all(w.startswith("a:1: ") for w in prepared.warnings)
    assert '"index_warnings":[' in prepared.source and "identifiers" in prepared.source


@pytest.mark.parametrize(("text", "first"), [
    ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
    ("BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
    ("@Joe_Shop", "joe_shop"),
    ("5F2E 8B41 0C3A 7D6E 9F01  2A3B 4C5D 6E7F 8091 A2B3", "5F2E8B410C3A7D6E9F012A3B4C5D6E7F8091A2B3"),
])
def test_an_identifier_is_looked_up_in_its_normalised_forms(text: str, first: str) -> None:
    forms = identifier_forms(text)
    assert first in forms and text.strip() in forms
