"""Takedown packages and referral dossiers built from a real crawl of the range, through the command line, and checked
the way a recipient would: the manifest, the WARC records' own digests, warcio, the screenshots' hashes, the PDF,
the abuse-desk fields, escaping of hostile listings, and a one-byte change to any file."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from html import escape
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from act.cases import CaseBook
from act.material import gather
from act.packages import verify
from act.records import WARC_NAME, pack_evidence
from crawlers.config import load_sources
from index.schema import Entity
from index.store import Query, Store
from narcwatch.models import ResourceKind
from tests.act.conftest import Crawled
from tests.crawlers.test_spiders import ROOT, crawl_env
from testsites.serve import Range

# The range's XSS payloads (testsites/texts.py) and the only tags a summary is made of.
XSS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg/onload=alert(document.domain)>',
       "<iframe src=javascript:alert(1)>", "javascript:alert(1)//")
OUR_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "table", "tr", "th", "td", "p", "ul", "li",
            "div", "strong", "span", "a", "img", "pre", "code", "br"}


@dataclass
class Package:
    resource: str
    zip: Path
    folder: Path  # the zip unpacked
    proc: subprocess.CompletedProcess[str]

    def json(self, name: str) -> dict:
        return json.loads((self.folder / name).read_text(encoding="utf-8"))

    def records(self) -> list[tuple[str, dict[str, str], bytes]]:
        """(WARC-Type, headers, block) of every packaged record, read by warcio."""
        with (self.folder / WARC_NAME).open("rb") as fh:
            return [(r.rec_type, dict(r.rec_headers.headers), r.raw_stream.read())
                    for r in ArchiveIterator(fh, no_record_parse=True)]


def _first(store: Store, entity: Entity, **filters: list[str]) -> dict:
    hits = store.search(Query(entity=entity, filters=filters, size=1)).hits
    assert hits, f"the crawl holds no {entity.value} with {filters}"
    return hits[0].doc


def _build(crawled: Crawled, tmp: Path, *args: str, env: dict[str, str] | None = None) -> Package:
    out = tmp / "out"
    before = set(out.glob("*.zip")) if out.exists() else set()
    proc = crawled.run(*args, "--out", str(out), **(env or {}))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    (made,) = set(out.glob("*.zip")) - before
    assert proc.stdout.strip().splitlines()[-1] == str(made)
    folder = tmp / made.stem
    with zipfile.ZipFile(made) as zf:
        zf.extractall(folder)
    return Package(args[1], made, folder, proc)


@pytest.fixture(scope="module")
def picks(crawled_range: Crawled, truth: list[dict]) -> dict[str, str]:
    """Resources made with CaseBook from what the crawl holds: a listing, a rendered (market_c) listing, a vendor,
    a site with mirrors, a channel, and a listing whose title carries an XSS payload."""
    xss = {r["id"] for r in truth if r.get("type") == "listing" and r.get("payload") == "xss"}
    with crawled_range.store() as store:
        book = CaseBook(store)
        in_store = {d["id"] for d in store.get_many(Entity.LISTING, sorted(xss))}
        assert in_store, "the crawl kept no XSS-payload listing"
        refs = {
            "listing": (ResourceKind.LISTING, _first(store, Entity.LISTING, site=["market_a"])["id"]),
            "rendered": (ResourceKind.LISTING, _first(store, Entity.LISTING, site=["market_c"])["id"]),
            "vendor": (ResourceKind.VENDOR, _first(store, Entity.VENDOR, site=["market_c"])["id"]),
            "site": (ResourceKind.SITE, "market_a"),
            "channel": (ResourceKind.CHANNEL, _first(store, Entity.POST, site=["channels"])["channel"]),
            "xss": (ResourceKind.LISTING, sorted(in_store)[0]),
        }
        return {name: book.create(kind, ref, case="OP-7", owner="analyst-1")[0].id
                for name, (kind, ref) in refs.items()}


@pytest.fixture(scope="module")
def packages(crawled_range: Crawled, picks: dict[str, str], served: Range,
             tmp_path_factory: pytest.TempPathFactory) -> dict[str, Package]:
    tmp = tmp_path_factory.mktemp("packages")
    built = {}
    for name, resource in picks.items():
        extra: tuple[str, ...] = ()
        env = None
        if name == "site":  # the sources config gives the site's mirrors; it reads the range's addresses
            extra, env = ("--config", str(ROOT / "config" / "sources.yaml")), {
                "RANGE_STATE": crawl_env(served)["RANGE_STATE"]}
        built[name] = _build(crawled_range, tmp, "takedown", resource, *extra, env=env)
    return built


def test_every_package_has_its_files_and_verifies_through_the_cli(crawled_range: Crawled,
                                                                  packages: dict[str, Package]) -> None:
    for name, package in packages.items():
        names = {p.relative_to(package.folder).as_posix() for p in package.folder.rglob("*") if p.is_file()}
        assert {WARC_NAME, "summary.html", "summary.pdf", "notice.json", "items.json", "manifest.json",
                "manifest.sha256"} <= names, name
        manifest = package.json("manifest.json")
        assert manifest["kind"] == "takedown" and manifest["subject"] == package.resource
        assert manifest["case"] == "OP-7" and manifest["operator"] == "analyst-1" and manifest["version"]
        assert {f["path"] for f in manifest["files"]} == names - {"manifest.json", "manifest.sha256"}
        assert manifest["evidence_problems"] == []
        proc = crawled_range.run("verify", str(package.zip))
        digest = (package.folder / "manifest.sha256").read_text().split()[0]
        assert proc.returncode == 0, proc.stderr
        assert f"verified: {len(names) - 2} files, manifest SHA-256 {digest}" in proc.stdout
        assert f"manifest SHA-256: {digest}" in package.proc.stdout


def test_the_case_keeps_a_trace_of_each_package(crawled_range: Crawled, packages: dict[str, Package]) -> None:
    with crawled_range.store() as store:
        notes = CaseBook(store).require(packages["vendor"].resource).notes
    digest = (packages["vendor"].folder / "manifest.sha256").read_text().split()[0]
    assert f"takedown package {packages['vendor'].zip.name} made, manifest SHA-256 {digest}" in notes


def test_packaged_records_are_the_stored_bytes(crawled_range: Crawled, packages: dict[str, Package]) -> None:
    for name in ("listing", "vendor", "channel"):
        package = packages[name]
        items = package.json("items.json")
        with crawled_range.store() as store:
            material = gather(store, [i["id"] for i in items])
        expected = {e["id"]: e for e in material.evidence}
        records = package.records()
        by_id = {h["WARC-Record-ID"]: (t, h, block) for t, h, block in records}
        assert set(expected) <= set(by_id), name
        for rid, e in expected.items():
            kind, headers, block = by_id[rid]
            assert kind == "response" and hashlib.sha256(block).hexdigest() == e["block_sha256"]
            requests = [h for t, h, _ in records if t == "request" and h.get("WARC-Concurrent-To") == rid]
            assert len(requests) == 1, f"{name}: response {rid} has no request record"
        assert len(records) == len(by_id)  # each record once, even when several items share a page


def test_rendered_listing_has_its_screenshot(crawled_range: Crawled, packages: dict[str, Package]) -> None:
    package = packages["rendered"]
    (item,) = package.json("items.json")
    shots = [e for e in item["evidence"] if e.get("screenshot_sha256")]
    assert shots, "market_c pages are rendered and have screenshots"
    for e in shots:
        uuid = e["screenshot_record_id"].strip("<>").removeprefix("urn:uuid:")
        image = (package.folder / "screenshots" / f"{uuid}.png").read_bytes()
        assert image.startswith(b"\x89PNG") and hashlib.sha256(image).hexdigest() == e["screenshot_sha256"]
        assert f"screenshots/{uuid}.png" in (package.folder / "summary.html").read_text(encoding="utf-8")
    assert any(t == "resource" for t, _, _ in package.records())


def test_channel_notice_has_permalinks_and_times(packages: dict[str, Package]) -> None:
    notice = packages["channel"].json("notice.json")
    (channel,) = notice["channels"]
    handle = channel["handle"]
    assert channel["numeric_id"] is None and channel["numeric_id_note"]
    assert len(channel["messages"]) >= 5
    for m in channel["messages"]:
        assert re.fullmatch(rf"https://t\.me/{handle}/\d+", m["permalink"])
        assert m["posted_at"] and m["posted_at"][:4].isdigit()
        assert m["fetched_url"] and m["evidence_records"]
    assert channel["messages"][0]["permalink"] in (packages["channel"].folder / "summary.html").read_text()


def test_site_notice_has_hostnames_mirrors_and_hosting(packages: dict[str, Package], served: Range,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    notice = packages["site"].json("notice.json")
    monkeypatch.setenv("RANGE_STATE", str(served.settings.state_dir))
    (source,) = load_sources(ROOT / "config" / "sources.yaml").select(["market_a"])
    assert notice["hostnames"] and all(h.endswith(".onion") for h in notice["hostnames"])
    mirrors = {m["host"]: m for m in notice["mirrors"]}
    assert set(source.hosts) <= set(mirrors) and len(source.hosts) > 1
    assert all(mirrors[h]["configured"] for h in source.hosts)
    assert all(mirrors[h]["seen_in_crawl"] for h in notice["hostnames"])
    assert all("onion" in h["detail"] and h["ip_addresses"] == [] for h in notice["hosting"])
    assert notice["mirrors_note"] is None
    assert len(notice["urls"]) > 100  # every listing page of the site
    assert "Good-faith statement" in notice["notice_text"] and "FILL IN" in notice["notice_text"]


def test_xss_listing_summary_is_inert(packages: dict[str, Package]) -> None:
    package = packages["xss"]
    (item,) = package.json("items.json")
    (payload,) = [p for p in XSS if p in item["title"]]
    html = (package.folder / "summary.html").read_text(encoding="utf-8")
    assert escape(payload, quote=True) in html
    assert payload not in html or payload == escape(payload, quote=True)  # "javascript:alert(1)//" stays as text
    assert set(re.findall(r"<\s*([a-zA-Z][a-zA-Z0-9]*)", html)) <= OUR_TAGS
    assert not re.search(r"<[^>]*\son\w+\s*=", html, re.IGNORECASE)
    assert not re.search(r"(href|src)\s*=\s*[\"']?\s*javascript:", html, re.IGNORECASE)
    assert all(re.fullmatch(r'<img class="shot" src="screenshots/[0-9a-f-]+\.png" alt="[^"<>]*">', tag)
               for tag in re.findall(r"<img\b[^>]*>", html))


def test_pdf_is_a_real_pdf(packages: dict[str, Package]) -> None:
    for package in packages.values():
        pdf = (package.folder / "summary.pdf").read_bytes()
        assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000
        assert re.search(rb"/Type\s*/Page\b", pdf)


def test_a_one_byte_change_to_any_file_is_reported(packages: dict[str, Package], tmp_path: Path) -> None:
    package = packages["rendered"]
    files = sorted(p.relative_to(package.folder).as_posix() for p in package.folder.rglob("*") if p.is_file())
    assert len(files) >= 8
    for name in files:
        copy = tmp_path / name.replace("/", "_")
        shutil.copytree(package.folder, copy)
        data = bytearray((copy / name).read_bytes())
        data[len(data) // 2] ^= 0x01
        (copy / name).write_bytes(bytes(data))
        result = verify(copy)
        assert not result.ok and any(name in p for p in result.problems), (name, result.problems)


def test_added_removed_files_and_a_changed_manifest_are_reported(crawled_range: Crawled,
                                                                 packages: dict[str, Package],
                                                                 tmp_path: Path) -> None:
    source = packages["listing"].folder
    added = shutil.copytree(source, tmp_path / "added")
    (added / "screenshots").mkdir(exist_ok=True)
    (added / "screenshots" / "extra.png").write_bytes(b"\x89PNG not ours")
    assert "screenshots/extra.png: in the package but not in the manifest (added afterwards)" in verify(added).problems
    removed = shutil.copytree(source, tmp_path / "removed")
    (removed / "notice.json").unlink()
    assert "notice.json: listed in the manifest but missing from the package" in verify(removed).problems
    changed = shutil.copytree(source, tmp_path / "changed")
    manifest = json.loads((changed / "manifest.json").read_text())
    manifest["case"] = "OP-8"
    (changed / "manifest.json").write_text(json.dumps(manifest, indent=2))
    assert any(p.startswith("manifest.json was changed") for p in verify(changed).problems)
    # A zip changed in place, through the CLI: exit 1 and the problem in words.
    damaged = tmp_path / "damaged.zip"
    data = bytearray(packages["listing"].zip.read_bytes())
    with zipfile.ZipFile(packages["listing"].zip) as zf:
        info = zf.getinfo("summary.html")
    data[info.header_offset + 30 + len(info.filename) + 10] ^= 0x01
    damaged.write_bytes(bytes(data))
    proc = crawled_range.run("verify", str(damaged))
    assert proc.returncode == 1 and "NOT verified" in proc.stderr and "summary.html" in proc.stderr


def test_a_tampered_or_missing_record_is_reported_not_packaged(crawled_range: Crawled, picks: dict[str, str],
                                                               tmp_path: Path) -> None:
    with crawled_range.store() as store:
        material = gather(store, CaseBook(store).require(picks["listing"]).item_ids)
    material.runs = {}  # as if the run record did not say where the files are
    doc = material.evidence[0]
    material.evidence = [doc]
    missing = pack_evidence(material, [], tmp_path / "missing")
    assert missing.records == [] and "NOT in the package" in missing.problems[0] and doc["id"] in missing.problems[0]
    assert not (tmp_path / "missing" / WARC_NAME).exists()
    copies = tmp_path / "copies"
    copies.mkdir()
    original = crawled_range.run_dir / "evidence" / doc["warc_file"]
    shutil.copy(original, copies / doc["warc_file"])
    with (copies / doc["warc_file"]).open("r+b") as fh:  # change one byte inside the response record's member
        fh.seek(doc["offset"] + doc["length"] // 2)
        byte = fh.read(1)
        fh.seek(-1, 1)
        fh.write(bytes([byte[0] ^ 0x01]))
    tampered = pack_evidence(material, [copies], tmp_path / "tampered")
    assert tampered.records == [] and len(tampered.problems) == 1 and "NOT in the package" in tampered.problems[0]
    intact = pack_evidence(material, [crawled_range.run_dir], tmp_path / "intact")
    assert intact.problems == [] and [r.record_id for r in intact.records] == [doc["id"]]


def test_referral_dossier_of_a_linked_actor(crawled_range: Crawled, tmp_path: Path) -> None:
    with crawled_range.store() as store:
        actors = [a for a in store.scan(Query(entity=Entity.ACTOR)) if len(a.get("sites", [])) >= 2 and a.get("links")]
        assert actors, "the range's crawl links vendors across sites"
        actor = max(actors, key=lambda a: (len(a["sites"]), a["id"]))
        member = actor["members"][0]["key"]
        package = _build(crawled_range, tmp_path, "referral", member)
        link_items = sorted({i for lk in actor["links"] for i in (*lk["evidence_a"], *lk["evidence_b"])})
        link_records = {e["id"] for e in gather(store, link_items).evidence}
    dossier = package.json("dossier.json")
    assert dossier["actor"] == actor["id"] and len(dossier["sites"]) >= 2
    assert {m["key"] for m in dossier["members"]} == set(actor["member_keys"])
    assert dossier["identifiers"] and all(i["sightings"] and i["sightings"][0]["seen_at"]
                                          for i in dossier["identifiers"])
    assert {(lk["a"], lk["b"], lk["value"]) for lk in dossier["links"]} == {(lk["a"], lk["b"], lk["value"])
                                                                           for lk in actor["links"]}
    assert all(lk["records"] for lk in dossier["links"])
    packaged = {h["WARC-Record-ID"] for t, h, _ in package.records() if t == "response"}
    assert link_records and link_records <= packaged
    html = (package.folder / "dossier.html").read_text(encoding="utf-8")
    assert all(m["name"] in html for m in actor["members"])
    assert (package.folder / "dossier.pdf").read_bytes().startswith(b"%PDF-")
    proc = crawled_range.run("verify", str(package.zip))
    assert proc.returncode == 0 and "verified:" in proc.stdout, proc.stderr
