"""Market B: registration, CAPTCHA on login, session expiry and HTTP 429 behave as on a real shop."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from tests.conftest import SEED, of_type, onion_session
from testsites.apps.common import RangeSettings
from testsites.apps.market_b import demo_credentials
from testsites.serve import Range, running
from testsites.world import World


def solve(session: requests.Session, url: str, captcha_dir: Path) -> dict[str, str]:
    """Load a login/registration form and answer its CAPTCHA from the range's side file."""
    body = session.get(url, timeout=30).text
    cid = re.search(r'name="captcha_id" value="([0-9a-f]+)"', body).group(1)
    svg = session.get(urljoin(url, f"/captcha/{cid}.svg"), timeout=30)
    assert svg.headers["Content-Type"].startswith("image/svg+xml")
    return {"captcha_id": cid, "captcha": (captcha_dir / f"{cid}.txt").read_text()}


def login(session: requests.Session, base: str, captcha_dir: Path, user: str, password: str) -> requests.Response:
    form = solve(session, base + "/login", captcha_dir)
    return session.post(base + "/login", data={**form, "username": user, "password": password, "next": "/"},
                        timeout=30)


@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Range]:
    """A small range whose sessions expire after 2 s and which allows 5 requests/s (burst 10)."""
    settings = RangeSettings(state_dir=tmp_path_factory.mktemp("strict"), session_ttl=2.0, rate_limit=5,
                             rate_burst=10)
    with running(World(seed=SEED, listings=200), settings) as rng:
        yield rng


def test_everything_is_behind_login(served: Range) -> None:
    with onion_session(served.proxy.url) as session:
        resp = session.get(served.urls["market_b"] + "/city/moskva", allow_redirects=False, timeout=30)
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login?next=")


def test_wrong_captcha_is_refused_and_right_one_logs_in(served: Range) -> None:
    base, captcha_dir = served.direct_url("market_b"), served.settings.state_dir / "market_b_captcha"
    user, password = demo_credentials(served.world)
    with requests.Session() as session:
        form = solve(session, base + "/login", captcha_dir)
        bad = session.post(base + "/login", data={**form, "captcha": "wrong", "username": user, "password": password},
                           timeout=30)
        assert bad.status_code == 403 and "Неверный код" in bad.text
        replay = session.post(base + "/login", data={**form, "username": user, "password": password}, timeout=30)
        assert replay.status_code == 403, "a CAPTCHA answer must be single-use"
        assert login(session, base, captcha_dir, user, "not-the-password").status_code == 403
        ok = login(session, base, captcha_dir, user, password)
        assert ok.status_code == 200 and "Выберите город" in ok.text


def test_registration_then_every_listing_reachable(served: Range, truth: list[dict]) -> None:
    base, captcha_dir = served.urls["market_b"], served.settings.state_dir / "market_b_captcha"
    with onion_session(served.proxy.url) as session:
        form = solve(session, base + "/register", captcha_dir)
        reg = session.post(base + "/register", data={**form, "username": "analyst1", "password": "correct-horse",
                                                     "password2": "correct-horse"}, timeout=30)
        assert reg.status_code == 200 and 'action="/login"' in reg.text
        assert login(session, base, captcha_dir, "analyst1", "correct-horse").status_code == 200
        home = session.get(base + "/", timeout=30).text
        found: set[str] = set()
        for city in re.findall(r'href="(/city/[a-z-]+)"', home):
            url = base + city
            pages = {url}
            body = session.get(url, timeout=30).text
            pages |= {urljoin(url, html.unescape(h)) for h in re.findall(r'href="(\?page=\d+)"', body)}
            for page in sorted(pages):
                found |= set(re.findall(r'href="(/tovar/\d+)"', session.get(page, timeout=30).text))
        expected = {urlsplit(r["url"]).path for r in of_type(truth, "listing", site="market_b", online=True)}
        assert found == expected
        record = of_type(truth, "listing", site="market_b", online=True)[0]
        page = session.get(record["url"], timeout=30).text
        for wallet in record["page_identifiers"]:
            assert wallet["value"] in page
        assert {w["currency"] for w in record["page_identifiers"]} == {"BTC", "XMR", "TRX"}
        assert record["price"]["currency"] == "RUB"


def test_session_expires_and_redirects_to_login(strict: Range) -> None:
    base, captcha_dir = strict.direct_url("market_b"), strict.settings.state_dir / "market_b_captcha"
    user, password = demo_credentials(strict.world)
    with requests.Session() as session:
        assert login(session, base, captcha_dir, user, password).status_code == 200
        assert session.get(base + "/", allow_redirects=False, timeout=30).status_code == 200
        time.sleep(2.5)
        resp = session.get(base + "/city/kazan", allow_redirects=False, timeout=30)
        assert resp.status_code == 302 and resp.headers["Location"] == "/login?next=/city/kazan"


def test_too_fast_gets_429_with_retry_after(strict: Range) -> None:
    base = strict.direct_url("market_b")
    time.sleep(2.5)  # let the bucket refill after other tests
    with requests.Session() as session:
        codes = [session.get(base + "/login", timeout=30) for _ in range(30)]
    limited = [r for r in codes if r.status_code == 429]
    assert limited, "30 requests at once must exceed 5 req/s with burst 10"
    assert all(int(r.headers["Retry-After"]) >= 1 for r in limited)
    assert codes[0].status_code == 200
    time.sleep(int(limited[0].headers["Retry-After"]))
    with requests.Session() as session:
        assert session.get(base + "/login", timeout=30).status_code == 200
