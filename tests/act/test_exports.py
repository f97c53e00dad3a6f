"""FIU exports of a real analysed crawl of the range, made by the CLI: goAML reports that the goAML 5.0.1 schema
accepts (and a broken one it refuses), STIX bundles that stix2 parses without custom content allowed, MISP events
that pymisp loads back unchanged, CSV files that no spreadsheet evaluates, manifests that verify, and the range's
hostile listing titles (XSS, CSV formulas, XML injection) inert in every format."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import stix2
import xmlschema
from lxml import etree
from pymisp import MISPEvent

import act.stix  # noqa: F401 - declares the x-cryptocurrency-wallet observable to stix2
from act.cases import CaseBook
from act.exports import neutralise
from act.goaml import validate_report
from act.manifest import verify_package
from act.stix import pattern_literal
from index.schema import CRAWLED_ENTITIES, Entity
from index.store import Query
from narcwatch.models import ResourceKind
from tests.act.conftest import Crawled
from tests.crawlers.test_spiders import ROOT

XSD = ROOT.parent / "shared" / "reference" / "goaml" / "goAMLSchema-5.0.1.xsd"
FORMATS = ("goaml", "stix", "misp", "csv")
CASE = "EXP-1"
FORMULA = ("=", "+", "-", "@", "\t", "\r", "\n")


@pytest.fixture(scope="module")
def goaml_schema() -> xmlschema.XMLSchema11:
    return xmlschema.XMLSchema11(str(XSD))


@pytest.fixture(scope="module")
def case(crawled_range: Crawled, truth: list[dict]) -> dict:
    """A case with a wallet, a vendor, a site, a channel and the range's hostile listings that were crawled."""
    with crawled_range.store() as store:
        actor = max(store.scan(Query(entity=Entity.ACTOR)), key=lambda a: (len(a["members"]), a["id"]))
        wallet = next(s for s in store.scan(Query(entity=Entity.IDENTIFIER, filters={"type": ["crypto_address"]}))
                      if s.get("vendor"))
        vendor = next(store.scan(Query(entity=Entity.VENDOR, filters={"site": [wallet["site"]],
                                                                       "name": [wallet["vendor"]]})), None)
        payloads = {r["id"]: r["payload"] for r in truth if r["type"] == "listing" and r.get("payload")}
        hostile = {d["id"]: d for d in store.get_many(Entity.LISTING, list(payloads))}
        book = CaseBook(store)
        made = [book.create(ResourceKind.WALLET, wallet["normalized"], case=CASE)[0],
                book.create(ResourceKind.SITE, "market_a", case=CASE)[0],
                book.create(ResourceKind.CHANNEL, "channel_pt", case=CASE)[0]]
        if vendor is not None:
            made.append(book.create(ResourceKind.VENDOR, vendor["id"], case=CASE)[0])
        for listing in hostile:
            made.append(book.create(ResourceKind.LISTING, listing, case=CASE)[0])
    kinds = {payloads[i] for i in hostile}
    assert kinds == {"xss", "csv", "xml"}, f"the crawl kept hostile listings of kinds {kinds} only"
    return {"wallet": wallet, "vendor": vendor, "actor": actor, "hostile": hostile, "kinds": payloads,
            "resources": made}


@pytest.fixture(scope="module")
def exported(crawled_range: Crawled, case: dict, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    tmp = tmp_path_factory.mktemp("exports")
    folders = {}
    for fmt in FORMATS:
        proc = crawled_range.run("export", fmt, "--case", CASE, "--out", str(tmp / fmt), "--schema", str(XSD))
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        assert "manifest SHA-256" in proc.stdout
        folders[fmt] = tmp / fmt
    yield folders


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


# ---------------------------------------------------------------------------------------------------- goAML


def test_goaml_report_of_a_case_validates_and_carries_its_wallet_and_vendor(
        exported: dict, case: dict, goaml_schema: xmlschema.XMLSchema11) -> None:
    report = exported["goaml"] / "report.xml"
    goaml_schema.validate(str(report))
    root = etree.parse(str(report)).getroot()
    assert root.findtext("report_code") == "AIF"
    assert root.findtext("rentity_id") == "9999"
    accounts = {a.findtext("account"): a for a in root.iterfind("activity/report_parties/report_party/account")}
    wallet = accounts[case["wallet"]["normalized"]]
    assert wallet.findtext("non_bank_institution") == "true"
    assert wallet.findtext("currency_code") == "XXX"
    assert case["wallet"]["currency"] in wallet.findtext("institution_name")
    persons = root.findall("activity/report_parties/report_party/person")
    account = f"{case['wallet']['site']}:{case['wallet']['vendor']}"
    assert account in wallet.findtext("comments")  # "Used by site:vendor"
    named = re.compile(rf"(?<![\w-]){re.escape(account)}(?![\w-])")
    holder = [p for p in persons if named.search(p.findtext("comments"))]  # one alias in goAML; every account named
    assert len(holder) == 1 and holder[0].findtext("alias")
    assert all(p.findtext("first_name") == "Unknown" and "Legal name unknown" in p.findtext("comments")
               for p in persons)
    comments = " ".join(p.findtext("comments") or "" for p in root.iterfind("activity/report_parties/report_party"))
    assert any(e["payload_sha256"] in comments for item in case["hostile"].values() for e in item["evidence"])


def test_a_broken_report_is_refused_by_the_schema_and_bad_codes_fail_the_export(
        crawled_range: Crawled, exported: dict, tmp_path: Path) -> None:
    tree = etree.parse(str(exported["goaml"] / "report.xml"))
    root = tree.getroot()
    root.remove(root.find("rentity_id"))
    root.find("currency_code_local").text = "BTC"
    broken = tmp_path / "broken.xml"
    tree.write(str(broken))
    problems = validate_report(broken, XSD)
    assert any("rentity_id" in p for p in problems) and any("BTC" in p or "currency" in p for p in problems)

    config = (ROOT / "config" / "reporting.yaml").read_text(encoding="utf-8").replace(
        'indicators: ["-"]', 'indicators: ["DARKNET"]')
    (tmp_path / "reporting.yaml").write_text(config, encoding="utf-8")
    proc = crawled_range.run("export", "goaml", "--case", CASE, "--out", str(tmp_path / "out"), "--schema", str(XSD),
                             "--reporting", str(tmp_path / "reporting.yaml"))
    assert proc.returncode == 1
    assert "does not pass goAML schema" in proc.stderr and "DARKNET" in proc.stderr


# ---------------------------------------------------------------------------------------------------- STIX, MISP


def test_stix_bundle_parses_without_custom_content_and_holds_wallets_actors_and_infrastructure(
        exported: dict, case: dict) -> None:
    text = (exported["stix"] / "bundle.json").read_text(encoding="utf-8")
    bundle = stix2.parse(text, allow_custom=False)
    by_type: dict[str, list] = {}
    for obj in bundle.objects:
        by_type.setdefault(obj.type, []).append(obj)
    address = case["wallet"]["normalized"]
    assert address in {w.value for w in by_type["x-cryptocurrency-wallet"]}
    assert f"[x-cryptocurrency-wallet:value = '{address}']" in {i.pattern for i in by_type["indicator"]}
    assert any(case["wallet"]["vendor"] in a.aliases for a in by_type["threat-actor"])
    assert {"market_a", "channel_pt"} <= {i.name for i in by_type["infrastructure"]}
    assert any(i.pattern.startswith("[domain-name:value = '") and ".onion'" in i.pattern for i in by_type["indicator"])
    ids = {o.id for o in bundle.objects}
    assert all(r.source_ref in ids and r.target_ref in ids for r in by_type["relationship"])
    (definition,) = by_type["extension-definition"]
    assert definition.extension_types == ["new-sco"]
    assert all(o["extensions"] == {definition.id: {"extension_type": "new-sco"}}
               for o in json.loads(text)["objects"] if o["type"] == "x-cryptocurrency-wallet")


def test_stix_patterns_escape_quotes_and_backslashes() -> None:
    hostile = "x' OR [file:name = 'y\\"
    indicator = stix2.v21.Indicator(pattern=f"[url:value = {pattern_literal(hostile)}]", pattern_type="stix",
                                    valid_from="2026-01-01T00:00:00Z")
    assert indicator.pattern == "[url:value = 'x\\' OR [file:name = \\'y\\\\']"


def test_misp_event_loads_back_with_the_same_attributes_and_a_coin_address_per_wallet(exported: dict,
                                                                                      case: dict) -> None:
    path = exported["misp"] / "event.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    event = MISPEvent()
    event.load_file(str(path))
    loaded = {(o.name, a.object_relation, a.value.isoformat() if isinstance(a.value, datetime) else str(a.value))
              for o in event.objects for a in o.attributes}
    written = {(o["name"], a["object_relation"], str(a["value"])) for o in raw["Object"] for a in o["Attribute"]}
    assert loaded == written and len(written) > 100
    coins = {a.value for o in event.objects if o.name == "coin-address" for a in o.attributes
             if a.object_relation.startswith("address")}
    with (exported["csv"] / "identifiers.csv").open(encoding="utf-8-sig", newline="") as fh:
        addresses = {r["normalized"] for r in csv.DictReader(fh) if r["type"] == "crypto_address"}
    assert case["wallet"]["normalized"] in coins and addresses == coins
    assert {t.name for t in event.tags} >= {'dark-web:topic="drugs-narcotics"', 'dark-web:topic="finance-crypto"'}
    assert {o.name for o in event.objects} >= {"coin-address", "tor-hiddenservice", "telegram-account", "person",
                                               "url", "forensic-evidence"}


# ---------------------------------------------------------------------------------------------------- CSV


def test_csv_round_trips_and_no_cell_is_a_formula(exported: dict, case: dict) -> None:
    rows = {}
    for name in ("identifiers.csv", "items.csv"):
        data = (exported["csv"] / name).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        with (exported["csv"] / name).open(encoding="utf-8-sig", newline="") as fh:
            rows[name] = list(csv.DictReader(fh))
        cells = [c for row in rows[name] for c in row.values()]
        assert cells and not [c for c in cells if c.lstrip(" ").startswith(FORMULA)]
    items = {r["item_id"]: r for r in rows["items.csv"]}
    for item_id, doc in case["hostile"].items():
        title = doc.get("title") or ""
        expected = "'" + title if title.lstrip(" ").startswith(FORMULA) else title
        assert items[item_id]["title"] == expected
    formulas = [i for i, d in case["hostile"].items() if (d.get("title") or "").startswith(FORMULA)]
    assert formulas, "no crawled title starts with a formula character: the test would prove nothing"
    assert case["wallet"]["normalized"] in {r["normalized"] for r in rows["identifiers.csv"]}


@pytest.mark.parametrize("value, expected", [("=1+1", "'=1+1"), ("  @SUM(1)", "'  @SUM(1)"), ("\tx", "'\tx"),
                                             ("-2+3", "'-2+3"), ("plain", "plain"), (None, ""), (12.5, "12.5")])
def test_neutralise_prefixes_formula_cells(value: object, expected: str) -> None:
    assert neutralise(value) == expected


# ---------------------------------------------------------------------------------------------------- escaping


def test_hostile_titles_come_out_as_text_in_every_format(exported: dict, case: dict) -> None:
    titles = {i: d["title"] for i, d in case["hostile"].items() if d.get("title")}
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    tree = etree.parse(str(exported["goaml"] / "report.xml"), parser)
    assert tree.docinfo.doctype == ""
    tags = {e.tag for e in tree.iter()}
    assert not tags & {"injected", "script", "img", "svg", "iframe", "r", "description"}
    assert not [e for e in tree.iter() if not isinstance(e.tag, str)]  # no entity, comment or PI nodes
    text = "\n".join(t for t in tree.getroot().itertext())
    found = [t for t in titles.values() if t in text]
    assert {case["kinds"][i] for i, t in titles.items() if t in found} == {"xss", "csv", "xml"}
    raw = (exported["goaml"] / "report.xml").read_text(encoding="utf-8")
    assert "<script" not in raw and "<!ENTITY" not in raw and "<injected" not in raw
    for fmt, name in (("stix", "bundle.json"), ("misp", "event.json")):
        strings = set(_strings(json.loads((exported[fmt] / name).read_text(encoding="utf-8"))))
        blob = "\n".join(strings)
        assert all(t in blob for t in titles.values()), fmt


# ---------------------------------------------------------------------------------------------------- manifests


def test_every_export_verifies_and_a_changed_byte_is_reported(exported: dict, tmp_path: Path) -> None:
    for fmt, folder in exported.items():
        result = verify_package(folder)
        assert result.ok, result.problems
        assert result.manifest["kind"] == f"export-{fmt}" and result.checked >= 1
    copy = tmp_path / "goaml"
    copy.mkdir()
    for f in exported["goaml"].iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    data = bytearray((copy / "report.xml").read_bytes())
    data[len(data) // 2] ^= 1
    (copy / "report.xml").write_bytes(bytes(data))
    assert [p for p in verify_package(copy).problems if p.startswith("report.xml: changed")]


# ---------------------------------------------------------------------------------------------------- other selections


def test_actor_and_query_exports(crawled_range: Crawled, case: dict, goaml_schema: xmlschema.XMLSchema11,
                                 tmp_path: Path) -> None:
    actor = case["actor"]
    member = actor["members"][0]["key"]
    proc = crawled_range.run("export", "goaml", "--actor", member, "--out", str(tmp_path / "actor"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    goaml_schema.validate(str(tmp_path / "actor" / "report.xml"))
    root = etree.parse(str(tmp_path / "actor" / "report.xml")).getroot()
    person = root.find("activity/report_parties/report_party/person")
    comments = person.getparent().findtext("comments")
    assert all(m["key"] in comments for m in actor["members"])

    proc = crawled_range.run("export", "stix", "--query", "", "--filter", "site=shop", "--limit", "50",
                             "--out", str(tmp_path / "query"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "only the first 50" in proc.stderr
    manifest = json.loads((tmp_path / "query" / "manifest.json").read_text())
    assert manifest["counts"]["items"] == 50 and "only the first 50" in manifest["truncated"]
    stix2.parse((tmp_path / "query" / "bundle.json").read_text(), allow_custom=False)


def test_selections_that_cannot_be_made_are_told_plainly(crawled_range: Crawled, tmp_path: Path) -> None:
    proc = crawled_range.run("export", "csv", "--case", "no-such-case", "--out", str(tmp_path / "a"))
    assert proc.returncode == 2 and "has no resources" in proc.stderr
    proc = crawled_range.run("export", "csv", "--case", CASE, "--query", "x", "--out", str(tmp_path / "b"))
    assert proc.returncode == 2 and "exactly one of" in proc.stderr
    proc = crawled_range.run("export", "csv", "--actor", "nobody:at-all", "--out", str(tmp_path / "c"))
    assert proc.returncode == 2 and "no actor or account" in proc.stderr
    proc = crawled_range.run("export", "csv", "--query", "", "--filter", "site", "--out", str(tmp_path / "d"))
    assert proc.returncode == 2 and "facet=value" in proc.stderr


def test_every_format_of_the_whole_store_validates(crawled_range: Crawled, goaml_schema: xmlschema.XMLSchema11,
                                                   tmp_path: Path) -> None:
    """The issue's figure: all exports of the crawled data validate."""
    with crawled_range.store() as store:
        total = sum(store.count(e) for e in CRAWLED_ENTITIES)
    for fmt in FORMATS:
        proc = crawled_range.run("export", fmt, "--query", "", "--out", str(tmp_path / fmt), "--schema", str(XSD))
        assert proc.returncode == 0, proc.stderr[-3000:]
        result = verify_package(tmp_path / fmt)
        assert result.ok, result.problems
        assert result.manifest["counts"]["items"] == total
    goaml_schema.validate(str(tmp_path / "goaml" / "report.xml"))
    bundle = stix2.parse((tmp_path / "stix" / "bundle.json").read_text(), allow_custom=False)
    assert sum(o.type == "threat-actor" for o in bundle.objects) > 10
    event = MISPEvent()
    event.load_file(str(tmp_path / "misp" / "event.json"))
    assert sum(o.name == "url" for o in event.objects) == total
    with (tmp_path / "csv" / "items.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == total
