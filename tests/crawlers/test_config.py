"""Sources config: bad configuration fails before any request, naming the file, the source and the field."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from crawlers.config import ConfigError, Secrets, load_sources

CONFIG = Path(__file__).resolve().parents[2] / "config" / "sources.yaml"

GOOD = {
    "sources": [{
        "name": "shop_x", "kind": "shop", "start_urls": ["http://127.0.0.1:1/products"],
        "listings": {"links": "a.name", "id": r"/product/(\d+)", "fields": {"title": "h1::text"}},
    }],
}


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def with_source(**changes: object) -> dict:
    source = {**GOOD["sources"][0], **changes}
    return {"sources": [source]}


def test_minimal_config_loads_with_defaults(tmp_path: Path) -> None:
    cfg = load_sources(write(tmp_path, GOOD))
    source = cfg.sources[0]
    assert source.render == "http" and source.proxy is None
    assert source.listings is not None and source.listings.fields.title.css == "h1::text"
    assert source.limits.depth > 0 and source.rate.concurrency > 0


def test_shipped_range_config_is_valid(tmp_path: Path) -> None:
    env = tmp_path / "range.env"
    env.write_text("RANGE_PROXY=socks5h://127.0.0.1:9050\nRANGE_MARKET_A_URL=http://a.onion\n"
                   "RANGE_MARKET_A_MIRRORS=http://b.onion http://c.onion\nRANGE_MARKET_B_URL=http://d.onion\n"
                   "RANGE_MARKET_C_URL=http://e.onion\nRANGE_SHOP_URL=http://127.0.0.1:1\n"
                   "RANGE_FORUM_URL=http://127.0.0.1:2\nRANGE_CHANNELS_URL=http://127.0.0.1:3\n"
                   "RANGE_CAPTCHA_DIR=/tmp/x\n")
    old = os.environ.get("RANGE_STATE")
    os.environ["RANGE_STATE"] = str(tmp_path)
    try:
        cfg = load_sources(CONFIG)
    finally:
        if old is None:
            del os.environ["RANGE_STATE"]
        else:
            os.environ["RANGE_STATE"] = old
    names = {s.name: s for s in cfg.sources}
    assert set(names) == {"market_a", "market_b", "market_c", "shop", "forum", "channels"}
    assert names["market_a"].mirrors == ["http://b.onion", "http://c.onion"]
    assert names["market_a"].hosts == ["a.onion", "b.onion", "c.onion"]
    assert all(names[m].proxy == "socks5h://127.0.0.1:9050" for m in ("market_a", "market_b", "market_c"))
    assert names["market_c"].render == "browser"
    assert names["market_b"].auth is not None and names["market_b"].auth.captcha.mode == "command"


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"kind": "bazaar"}, "kind", "market"),
    ({"proxy": "http://127.0.0.1:8080"}, "proxy", "socks5h"),
    ({"proxy": "socks5h://127.0.0.1"}, "proxy", "port"),
    ({"start_urls": ["ftp://x/"]}, "start_urls", "not an http(s) URL"),
    ({"start_urls": ["http://abc.onion/"]}, "(source)", "onion addresses need a proxy"),
    ({"listings": {"links": "a", "id": r"/p/\d+", "fields": {"title": "h1"}}}, "listings.id", "one (group)"),
    ({"listings": {"links": "a", "id": r"/p/(\d+)", "fields": {}}}, "listings.fields.title", "Field required"),
    ({"listings": {"links": "a", "id": "/p/(", "fields": {"title": "h1"}}}, "listings.id", "invalid regular"),
    ({"listings": None}, "(source)", "needs a 'listings' section"),
    ({"vendors": {"links": "a", "id": "/v/.+", "fields": {"name": "h1"}}}, "vendors.id", "one (group)"),
    ({"follow": [{"css": "a", "allow": ["/c/("]}]}, "follow.0.allow.0", "invalid regular expression"),
    ({"listings": {"links": "a", "id": r"/p/(\d+)", "fields": {"title": {"css": "h1", "re": "(x"}}}},
     "listings.fields.title.re", "invalid regular expression"),
    ({"rate": {"concurrency": 0}}, "rate.concurrency", "greater than or equal to 1"),
    ({"speed": 3}, "speed", "Extra inputs are not permitted"),
    ({"auth": {"login_url": "http://x/login", "fields": {"u": {"env": "U"}}, "logged_in": "a.out",
               "captcha": {"mode": "command"}}}, "auth.captcha", "needs a command"),
])
def test_bad_config_names_file_source_and_field(tmp_path: Path, change: dict, field: str, words: str) -> None:
    path = write(tmp_path, with_source(**change))
    with pytest.raises(ConfigError) as err:
        load_sources(path)
    message = str(err.value)
    assert str(path) in message
    assert "source 'shop_x'" in message
    assert field in message
    assert words in message


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_sources(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources: [\n  - name: x\n    kind: [")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_sources(bad)


def test_duplicate_names_and_unknown_selection(tmp_path: Path) -> None:
    data = {"sources": [GOOD["sources"][0], GOOD["sources"][0]]}
    with pytest.raises(ConfigError, match="repeated: shop_x"):
        load_sources(write(tmp_path, data))
    cfg = load_sources(write(tmp_path, GOOD))
    with pytest.raises(ConfigError, match="unknown source.*nope"):
        cfg.select(["nope"])


def test_missing_variable_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, with_source(start_urls=["${NARCWATCH_TEST_UNSET_VAR}/"]))
    with pytest.raises(ConfigError, match=r"sources\[0\]\.start_urls\[0\]: variable NARCWATCH_TEST_UNSET_VAR"):
        load_sources(path)


def test_secrets_come_from_environment_or_private_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    auth = {"login_url": "http://127.0.0.1:1/login", "fields": {"username": {"env": "NW_USER"},
                                                              "password": {"env": "NW_PASS"}},
            "logged_in": "a.logout"}
    cfg = load_sources(write(tmp_path, with_source(auth=auth)))
    source = cfg.sources[0]
    monkeypatch.delenv("NW_USER", raising=False)
    monkeypatch.delenv("NW_PASS", raising=False)
    with pytest.raises(ConfigError) as err:
        Secrets().check(source)
    assert "auth.fields.username: set environment variable NW_USER" in str(err.value)
    assert "auth.fields.password: set environment variable NW_PASS" in str(err.value)
    secrets = tmp_path / "secrets.env"
    secrets.write_text("NW_USER=analyst\nNW_PASS='s3cret'\n")
    secrets.chmod(0o644)
    with pytest.raises(ConfigError, match="readable by other users"):
        Secrets(secrets)
    secrets.chmod(0o600)
    assert Secrets(secrets).resolve(source, "password", source.auth.fields["password"]) == "s3cret"
    monkeypatch.setenv("NW_PASS", "from-env")
    assert Secrets(secrets).resolve(source, "password", source.auth.fields["password"]) == "from-env"
